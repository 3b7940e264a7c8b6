//! `kurator new link URL --fetch`: what a page says about itself, read from
//! `<title>`, OpenGraph, JSON-LD and `<html lang>`. The page is read through
//! [`Client`] (size and time limits); parsing uses scraper (html5ever, the
//! parser ammonia already brings in), never a regex over HTML.

use super::http::{self, Client};
use scraper::{Html, Selector};

/// What the page told about itself; every field may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    pub title: Option<String>,
    /// The publication (OpenGraph `site_name`, JSON-LD `publisher`).
    pub source: Option<String>,
    pub source_author: Option<String>,
    /// Primary language subtag, lowercase (`de` for `de-DE`).
    pub lang: Option<String>,
    /// The page's own summary, offered as a starting point for `quote`.
    pub description: Option<String>,
}

/// Why the page could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    Network(http::Error),
    Status(u16),
    NotHtml(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Network(e) => write!(f, "{e}"),
            FetchError::Status(s) => write!(f, "the server answered {s}"),
            FetchError::NotHtml(t) => write!(f, "the page is not HTML (Content-Type: {t})"),
        }
    }
}

/// GETs `url` and reads its metadata.
pub fn fetch(client: &Client, url: &str) -> Result<PageMeta, FetchError> {
    let r = client.get(url).map_err(FetchError::Network)?;
    if !(200..300).contains(&r.status) {
        return Err(FetchError::Status(r.status));
    }
    if let Some(t) = &r.content_type {
        let mime = t
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !mime.is_empty() && mime != "text/html" && mime != "application/xhtml+xml" {
            return Err(FetchError::NotHtml(t.clone()));
        }
    }
    let text = String::from_utf8_lossy(&r.body);
    let mut meta = parse(&text);
    if meta.source.is_none() {
        // Without a publication name, the host is what a reader recognises.
        meta.source = http::host_of(&r.url).map(|h| h.trim_start_matches("www.").to_string());
    }
    Ok(meta)
}

/// Reads the metadata of an HTML document; preference: OpenGraph, then
/// JSON-LD, then plain HTML.
pub fn parse(html: &str) -> PageMeta {
    let doc = Html::parse_document(html);
    let attr = |sel: &str, name: &str| -> Option<String> {
        let s = Selector::parse(sel).ok()?;
        doc.select(&s)
            .filter_map(|e| e.value().attr(name))
            .map(clean)
            .find(|v| !v.is_empty())
    };
    let og = |p: &str| attr(&format!("meta[property=\"og:{p}\"]"), "content");
    let named = |n: &str| attr(&format!("meta[name=\"{n}\"]"), "content");
    let ld = json_ld(&doc);
    let title_tag = Selector::parse("title").ok().and_then(|s| {
        doc.select(&s)
            .map(|e| clean(&e.text().collect::<String>()))
            .find(|t| !t.is_empty())
    });
    let lang = attr("html", "lang")
        .or_else(|| og("locale"))
        .map(|l| {
            l.split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()));
    PageMeta {
        title: og("title").or(ld.headline).or(title_tag),
        source: og("site_name").or(ld.publisher),
        source_author: ld
            .author
            .or_else(|| named("author"))
            .or_else(|| attr("meta[property=\"article:author\"]", "content"))
            .filter(|a| !http::is_http_url(a)),
        lang,
        description: og("description").or_else(|| named("description")),
    }
}

#[derive(Default)]
struct LdFacts {
    headline: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
}

/// Headline, author names and publisher from the JSON-LD blocks (objects,
/// arrays and `@graph`s; the first value found wins).
fn json_ld(doc: &Html) -> LdFacts {
    let mut f = LdFacts::default();
    let Ok(sel) = Selector::parse("script[type=\"application/ld+json\"]") else {
        return f;
    };
    for script in doc.select(&sel) {
        let text: String = script.text().collect();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            visit(&v, &mut f, 0);
        }
    }
    f
}

fn visit(v: &serde_json::Value, f: &mut LdFacts, depth: usize) {
    use serde_json::Value;
    // Real pages nest a few levels; a hostile one cannot make this recurse deeply.
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(list) => list.iter().for_each(|x| visit(x, f, depth + 1)),
        Value::Object(o) => {
            if let Some(g) = o.get("@graph") {
                visit(g, f, depth + 1);
            }
            if f.headline.is_none() {
                f.headline = o.get("headline").and_then(Value::as_str).map(clean);
            }
            if f.author.is_none() {
                f.author = o.get("author").and_then(names);
            }
            if f.publisher.is_none() {
                f.publisher = o.get("publisher").and_then(names);
            }
        }
        _ => {}
    }
}

/// `"A"`, `{"name": "A"}` or a list of them → `A, B`.
fn names(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let one = |x: &Value| match x {
        Value::String(s) => Some(clean(s)),
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(clean),
        _ => None,
    };
    let all: Vec<String> = match v {
        Value::Array(list) => list.iter().filter_map(one).collect(),
        x => one(x).into_iter().collect(),
    };
    let all: Vec<String> = all.into_iter().filter(|s| !s.is_empty()).collect();
    (!all.is_empty()).then(|| all.join(", "))
}

/// Collapses whitespace, so a title spread over lines stays one line.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opengraph_wins_over_title_and_json_ld_gives_the_author() {
        let html = r#"<!doctype html><html lang="de-DE"><head>
            <title>Fallback | Blog</title>
            <meta property="og:title" content="Warum  Corporate Influencer">
            <meta property="og:site_name" content="PR-Blogger">
            <meta property="og:description" content="Ein Auszug.">
            <script type="application/ld+json">{"@graph":[{"@type":"Article","author":[{"name":"Sascha P."}]}]}</script>
            </head><body></body></html>"#;
        let m = parse(html);
        assert_eq!(m.title.as_deref(), Some("Warum Corporate Influencer"));
        assert_eq!(m.source.as_deref(), Some("PR-Blogger"));
        assert_eq!(m.source_author.as_deref(), Some("Sascha P."));
        assert_eq!(m.lang.as_deref(), Some("de"));
        assert_eq!(m.description.as_deref(), Some("Ein Auszug."));
    }

    #[test]
    fn line_separators_in_page_text_become_spaces() {
        let m = parse("<meta name=\"description\" content=\"a\u{2028}draft: true\u{85}b\">");
        assert_eq!(m.description.as_deref(), Some("a draft: true b"));
    }

    #[test]
    fn a_bare_page_gives_its_title_only() {
        let m = parse("<title>\n  Just a title\n</title><p>x");
        assert_eq!(m.title.as_deref(), Some("Just a title"));
        assert_eq!(m.source, None);
        assert_eq!(m.lang, None);
    }
}
