//! Approved reader responses as template context and JSON-LD. Only
//! approved entries are ever shown; their content is sanitised here with a
//! strict allow-list (no images, no styles, no classes), and an avatar is
//! shown only when it is a file of this site, so a page never makes a
//! reader's browser contact another host.

use super::theme::Theme;
use crate::content::date;
use crate::content::responses::{Response, ResponseKind, Source};
use crate::html::escape_html;
use crate::site::responses::Counts;
use crate::site::Site;
use serde::Serialize;
use serde_json::{json, Value};

/// Approved responses of an item, as `item.responses` in templates.
#[derive(Debug, Clone, Serialize)]
pub struct ResponsesView {
    pub counts: Counts,
    /// Replies and mentions, oldest first (likes and reposts are counts).
    pub entries: Vec<ResponseView>,
}

/// One reply or mention.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseView {
    pub id: String,
    /// `reply` or `mention`.
    pub kind: &'static str,
    /// `mastodon`, `bluesky`, `webmention`, `comment` or `import`.
    pub source: &'static str,
    /// A label for the source: "Mastodon", "Bluesky", "Web" …
    pub source_label: &'static str,
    pub author_name: String,
    /// The author's public profile (http(s) only).
    pub author_url: Option<String>,
    /// Up to two letters of the author's name, for a picture placeholder.
    pub author_initials: String,
    /// A site-relative picture under `static/`, never a remote URL.
    pub avatar: Option<String>,
    /// The original response (http(s) only).
    pub url: Option<String>,
    /// RFC 3339.
    pub date: String,
    pub date_display: String,
    /// Sanitised HTML (empty when the entry has no text).
    pub content_html: String,
}

/// The view of item `rel`'s approved responses; `None` when it has none.
pub fn view(site: &Site, theme: &Theme, rel: &str, lang: &str) -> Option<ResponsesView> {
    let approved = site.responses.approved(rel);
    if approved.is_empty() {
        return None;
    }
    let s = theme.strings_for(lang);
    let entries = approved
        .into_iter()
        .filter(|r| matches!(r.kind, ResponseKind::Reply | ResponseKind::Mention))
        .map(|r| ResponseView {
            id: r.id.clone(),
            kind: r.kind.as_str(),
            source: r.source.as_str(),
            source_label: source_label(r.source),
            author_name: r.author.name.clone(),
            author_url: r.author.url.clone(),
            author_initials: initials(&r.author.name),
            avatar: r
                .author
                .avatar
                .as_deref()
                .filter(|a| is_local_file(theme, a))
                .map(str::to_string),
            url: r.url.clone(),
            date: date::rfc3339(&r.date),
            date_display: date::display(&r.date, &s.date_format, &s.months),
            content_html: r.content.as_deref().map(sanitize).unwrap_or_default(),
        })
        .collect();
    Some(ResponsesView {
        counts: site.responses.counts(rel),
        entries,
    })
}

/// Adds `comment`, `commentCount` and `interactionStatistic` to an item's
/// JSON-LD entity. Comments carry text only (never HTML) and no pictures.
pub fn add_json_ld(entity: &mut Value, site: &Site, rel: &str) {
    let approved = site.responses.approved(rel);
    if approved.is_empty() {
        return;
    }
    let page = entity["url"].as_str().unwrap_or("").to_string();
    // Numbered like the rendered list (replies and mentions), so each
    // `@id` points at its own `#response-N`.
    let comments: Vec<Value> = approved
        .iter()
        .filter(|r| matches!(r.kind, ResponseKind::Reply | ResponseKind::Mention))
        .enumerate()
        .filter(|(_, r)| r.kind == ResponseKind::Reply)
        .map(|(n, r)| comment(r, &page, n + 1))
        .collect();
    let c = site.responses.counts(rel);
    entity["commentCount"] = json!(comments.len());
    if !comments.is_empty() {
        entity["comment"] = Value::Array(comments);
    }
    let mut stats = Vec::new();
    for (n, kind) in [(c.likes, "LikeAction"), (c.reposts, "ShareAction")] {
        if n > 0 {
            stats.push(json!({"@type": "InteractionCounter", "interactionType": format!("https://schema.org/{kind}"), "userInteractionCount": n}));
        }
    }
    if !stats.is_empty() {
        entity["interactionStatistic"] = Value::Array(stats);
    }
}

fn comment(r: &Response, page: &str, n: usize) -> Value {
    let text = r
        .content
        .as_deref()
        .map(|c| crate::html::strip_tags(&sanitize(c)))
        .unwrap_or_default();
    let mut author = json!({"@type": "Person", "name": r.author.name});
    if let Some(u) = &r.author.url {
        author["url"] = json!(u);
    }
    let mut v = json!({
        "@type": "Comment",
        "@id": format!("{page}#response-{n}"),
        "text": text,
        "dateCreated": date::rfc3339(&r.date),
        "author": author,
    });
    if let Some(u) = &r.url {
        v["url"] = json!(u);
    }
    v
}

/// Whether `path` is a site-relative file the build publishes.
fn is_local_file(theme: &Theme, path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains(['\\', '"', '<', '>', ' '])
        && theme.statics.contains_key(path.trim_start_matches('/'))
}

fn source_label(s: Source) -> &'static str {
    match s {
        Source::Mastodon => "Mastodon",
        Source::Bluesky => "Bluesky",
        Source::Webmention => "Web",
        Source::Comment | Source::Import => "",
    }
}

/// "Ada Lovelace" → "AL"; "ada" → "A".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// Response content as safe HTML. Text without tags becomes paragraphs;
/// HTML keeps only text formatting and http(s)/mailto links, which get
/// `rel="nofollow ugc noopener"`. Images, media, styles, classes, ids,
/// scripts and event handlers are removed.
pub fn sanitize(content: &str) -> String {
    let looks_like_html = content
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'));
    if !looks_like_html {
        return content
            .trim()
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
            .collect();
    }
    let tags: std::collections::HashSet<&str> = [
        "a",
        "p",
        "br",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "span",
    ]
    .into_iter()
    .collect();
    let mut b = ammonia::Builder::default();
    b.tags(tags)
        .generic_attributes(std::collections::HashSet::new())
        .tag_attributes(std::iter::once(("a", std::iter::once("href").collect())).collect())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow ugc noopener"));
    // ammonia also puts `rel` on anchors whose href it removed
    // (`javascript:`), which is invalid HTML; those become plain `<a>`.
    b.clean(content)
        .to_string()
        .replace("<a rel=\"nofollow ugc noopener\">", "<a>")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_defused() {
        let s = sanitize(
            r#"<p onclick="x()">Hi <script>alert(1)</script><img src="https://evil.example/t.gif" onerror="y()"><a href="javascript:alert(2)">j</a> <a href="https://ok.example/" style="color:red">ok</a></p>"#,
        );
        assert!(!s.contains("script") && !s.contains("onclick") && !s.contains("onerror"));
        assert!(!s.contains("<img") && !s.contains("evil.example") && !s.contains("javascript"));
        assert!(
            s.contains(r#"<a href="https://ok.example/" rel="nofollow ugc noopener">ok</a>"#),
            "{s}"
        );
    }

    #[test]
    fn plain_text_is_escaped_into_paragraphs() {
        assert_eq!(
            sanitize("a < b & c\nd\n\ne"),
            "<p>a &lt; b &amp; c<br>d</p><p>e</p>"
        );
    }

    #[test]
    fn initials_take_two_words() {
        assert_eq!(initials("Ada  Lovelace Byron"), "AL");
        assert_eq!(initials("@ada"), "A");
        assert_eq!(initials(""), "");
    }
}
