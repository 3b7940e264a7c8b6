//! Page metadata: title, description, canonical URL, OpenGraph, breadcrumbs
//! and JSON-LD (escaped so that content can never close the `<script>`).

use super::context::{Seo, Translation};
use crate::html::strip_tags;
use serde_json::{json, Value};

/// What a page says about itself, before it becomes [`Seo`]: the head
/// with site-relative URLs (canonical and JSON-LD still empty), the page's
/// own URL and its main JSON-LD entity (without `@context`).
pub struct PageMeta {
    pub head: Seo,
    /// Site-relative URL.
    pub path: String,
    pub entity: Value,
}

/// Absolute URL for a site-relative path (absolute URLs pass through).
pub fn absolute(base_url: &str, path: &str) -> String {
    crate::site::routes::absolute_url(base_url, path)
}

/// A short plain-text description from HTML: at most ~160 characters, cut at a word.
pub fn describe(html: &str) -> String {
    let text = strip_tags(html);
    if text.chars().count() <= 160 {
        return text;
    }
    let cut: String = text.chars().take(157).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// Serialises JSON for an inline `<script>`: `<`, `>`, `&` and the JS line
/// separators are written as `\uXXXX`, so `</script>` or `<!--` in a title
/// cannot end or confuse the script element. The result is still valid JSON.
pub fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

impl PageMeta {
    /// Resolves URLs against `base_url` and serialises the JSON-LD graph.
    pub fn into_seo(self, base_url: &str) -> Seo {
        let canonical = absolute(base_url, &self.path);
        let mut graph = vec![self.entity];
        if self.head.breadcrumbs.len() > 1 {
            let items: Vec<Value> = self
                .head
                .breadcrumbs
                .iter()
                .enumerate()
                .map(|(i, c)| json!({"@type": "ListItem", "position": i + 1, "name": c.title, "item": absolute(base_url, &c.url)}))
                .collect();
            graph.push(json!({"@type": "BreadcrumbList", "itemListElement": items}));
        }
        let jsonld = script_json(&json!({"@context": "https://schema.org", "@graph": graph}));
        let head = self.head;
        Seo {
            canonical,
            image: head.image.map(|i| absolute(base_url, &i)),
            alternates: head
                .alternates
                .into_iter()
                .map(|t| Translation {
                    url: absolute(base_url, &t.url),
                    ..t
                })
                .collect(),
            jsonld,
            ..head
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&json!({"t": "</script><script>alert(1)</script> & <!--"}));
        assert!(!s.contains("</script") && !s.contains("<!--"));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], "</script><script>alert(1)</script> & <!--");
    }

    #[test]
    fn descriptions_are_short_and_plain() {
        assert_eq!(describe("<p>Hello <b>world</b></p>"), "Hello world");
        let long = format!("<p>{}</p>", "word ".repeat(100));
        let d = describe(&long);
        assert!(d.chars().count() <= 160 && d.ends_with('…'));
    }
}
