//! What WordPress does to post text before it is HTML: shortcodes
//! (`[caption]`, `[embed]`, plugins' own) and, for classic-editor posts,
//! `wpautop` (blank lines are paragraphs, single newlines are line breaks).

/// Shortcodes WordPress core or common plugins register. A bracketed word
/// that is neither one of these nor written like a shortcode (attributes or a
/// closing tag) is left alone silently: `[sic]` is prose, not a shortcode.
const KNOWN: &[&str] = &[
    "gallery",
    "audio",
    "video",
    "playlist",
    "code",
    "sourcecode",
    "contact-form-7",
    "gravityform",
    "wpforms",
    "shortcode",
    "youtube",
    "vimeo",
    "tweet",
    "instagram",
];

/// Converts `[caption]` and `[embed]` to HTML; returns the names of other
/// shortcodes, which stay as text (WordPress would run plugin code for them).
pub fn expand(text: &str, unknown: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        // `[[gallery]]` is WordPress's escape for a literal `[gallery]`.
        if let Some(inner) = tail.strip_prefix("[[") {
            if let Some(end) = inner.find("]]") {
                out.push('[');
                out.push_str(&inner[..end]);
                out.push(']');
                rest = &inner[end + 2..];
                continue;
            }
        }
        let Some((name, attrs, tag_len)) = open_tag(tail) else {
            out.push('[');
            rest = &tail[1..];
            continue;
        };
        let close = format!("[/{name}]");
        let body_end = tail[tag_len..].find(&close);
        match (name.as_str(), body_end) {
            ("caption" | "wp_caption", Some(end)) => {
                out.push_str(&caption(&attrs, &tail[tag_len..tag_len + end]));
                rest = &tail[tag_len + end + close.len()..];
            }
            ("embed", Some(end)) => {
                let url = tail[tag_len..tag_len + end].trim();
                let url = url.replace('"', "%22");
                out.push_str(&format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n"));
                rest = &tail[tag_len + end + close.len()..];
            }
            _ => {
                let looks_like =
                    KNOWN.contains(&name.as_str()) || attrs.contains('=') || body_end.is_some();
                if looks_like && !unknown.contains(&name) {
                    unknown.push(name.clone());
                }
                out.push_str(&tail[..tag_len]);
                rest = &tail[tag_len..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `[name attrs]` at the start of `s`: (name, attrs, length of the tag).
fn open_tag(s: &str) -> Option<(String, String, usize)> {
    let end = s.find(']')?;
    let inner = &s[1..end];
    if inner.contains('[') || inner.contains('\n') {
        return None;
    }
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    let attrs = &inner[name_len..];
    let starts_alpha = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if !starts_alpha || !(attrs.is_empty() || attrs.starts_with(' ') || attrs == "/") {
        return None;
    }
    Some((name.to_ascii_lowercase(), attrs.to_string(), end + 1))
}

/// `[caption]<a><img></a> Text[/caption]` → `<figure>` with `<figcaption>`.
fn caption(attrs: &str, inner: &str) -> String {
    let img_end = inner
        .find("</a>")
        .filter(|_| inner.trim_start().starts_with("<a"))
        .map(|i| i + 4)
        .or_else(|| inner.find("/>").map(|i| i + 2))
        .or_else(|| inner.find('>').map(|i| i + 1))
        .unwrap_or(0);
    let (img, text) = inner.split_at(img_end);
    let text = match attr_value(attrs, "caption") {
        Some(c) if text.trim().is_empty() => c,
        _ => text.trim().to_string(),
    };
    format!("\n\n<figure>{img}<figcaption>{text}</figcaption></figure>\n\n")
}

/// The value of `key="…"` in a shortcode's attributes.
fn attr_value(attrs: &str, key: &str) -> Option<String> {
    let at = attrs.find(&format!("{key}=\""))? + key.len() + 2;
    let end = attrs[at..].find('"')?;
    Some(attrs[at..at + end].to_string())
}

/// Tags that start a block of their own in `wpautop`.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "blockquote",
    "pre",
    "table",
    "figure",
    "hr",
    "form",
    "iframe",
    "address",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "details",
    "script",
    "style",
];

/// A small `wpautop`: classic-editor text keeps paragraphs as blank lines and
/// line breaks as newlines, which HTML would collapse. `<pre>` is left as is.
pub fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text.as_str();
    while let Some(start) = rest.find("<pre") {
        paragraphs(&rest[..start], &mut out);
        let end = rest[start..]
            .find("</pre>")
            .map_or(rest.len(), |e| start + e + 6);
        out.push_str(&rest[start..end]);
        out.push('\n');
        rest = &rest[end..];
    }
    paragraphs(rest, &mut out);
    out
}

fn paragraphs(text: &str, out: &mut String) {
    for chunk in split_blank_lines(text) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if starts_block(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br />\n"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
    }
}

fn split_blank_lines(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut blank_run = false;
    let mut line_start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            let line = &text[line_start..i];
            if line.trim().is_empty() && !blank_run {
                parts.push(&text[start..line_start]);
                blank_run = true;
            }
            if !line.trim().is_empty() && blank_run {
                blank_run = false;
            }
            line_start = i + 1;
            if blank_run {
                start = line_start;
            }
        }
    }
    parts.push(&text[start..]);
    parts
}

fn starts_block(chunk: &str) -> bool {
    let Some(tag) = chunk.strip_prefix('<') else {
        return false;
    };
    let tag = tag.trim_start_matches('/');
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str()) || chunk.starts_with("<!--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caption_becomes_a_figure() {
        let mut u = Vec::new();
        let html = expand(
            r#"[caption id="attachment_5" align="alignnone" width="300"]<img src="a.jpg" alt="Team" /> Das Team[/caption]"#,
            &mut u,
        );
        assert!(html.contains(r#"<figure><img src="a.jpg" alt="Team" /><figcaption>Das Team</figcaption></figure>"#), "{html}");
        assert!(u.is_empty());
    }

    #[test]
    fn embed_becomes_a_link_and_others_are_reported() {
        let mut u = Vec::new();
        let html = expand(
            "[embed]https://v.example/x[/embed] [gallery ids=\"1,2\"] [sic] [[audio]]",
            &mut u,
        );
        assert!(html.contains(r#"<a href="https://v.example/x">"#));
        assert!(html.contains(r#"[gallery ids="1,2"]"#));
        assert!(html.contains("[sic]") && html.contains("[audio]"));
        assert_eq!(u, vec!["gallery".to_string()]);
    }

    #[test]
    fn autop_makes_paragraphs_and_breaks() {
        let html = autop("Erste Zeile\nzweite Zeile\n\n<ul><li>x</li></ul>\n\n\nDritter Absatz\n<pre>a\n\nb</pre>");
        assert!(
            html.contains("<p>Erste Zeile<br />\nzweite Zeile</p>"),
            "{html}"
        );
        assert!(html.contains("<ul><li>x</li></ul>"));
        assert!(html.contains("<p>Dritter Absatz</p>"), "{html}");
        assert!(html.contains("<pre>a\n\nb</pre>"));
    }
}
