//! Atom 1.0 and JSON Feed 1.1 for every channel, author and tag (and the
//! opt-in site feed). Entries carry absolute URLs, all authors, categories,
//! summary and full content; curated links carry the source URL and quote.

use super::seo::absolute;
use super::xml::Xml;
use super::{FeedOf, Renderer};
use crate::config::{FeedContent, FeedFormat};
use crate::content::date::rfc3339;
use crate::content::{ItemKind, LinkSource};
use crate::html::{escape_attr, escape_html};
use crate::site::routes::{feed_url, LINKS_URL};
use serde_json::json;

/// Renders one feed; `url` is its route's URL.
pub fn render(r: &Renderer, of: FeedOf, fmt: FeedFormat, url: &str) -> Vec<u8> {
    let site = r.views.site;
    let (base, title) = match of {
        FeedOf::Channel(c) => (
            r.views.channels[c].url.as_str(),
            format!("{} – {}", site.channels[c].title, site.config.title),
        ),
        FeedOf::Author(a) => (
            r.views.authors[a].url.as_str(),
            format!("{} – {}", site.authors[a].name, site.config.title),
        ),
        FeedOf::Tag(t) => (
            r.views.tags[t].url.as_str(),
            format!("{} – {}", site.tags[t].name, site.config.title),
        ),
        FeedOf::Links => (LINKS_URL, links_feed_title(r)),
        FeedOf::All => ("/", site.config.title.clone()),
    };
    debug_assert_eq!(feed_url(base, fmt), url);
    let items = site.feed_items(of);
    match fmt {
        FeedFormat::Atom => atom(r, base, &title, &items),
        FeedFormat::Json => json_feed(r, base, &title, &items),
    }
}

/// "Curated links – Site" in the site language (feeds and the OPML).
pub fn links_feed_title(r: &Renderer) -> String {
    let site = r.views.site;
    let name = r
        .views
        .theme
        .strings_for(&site.config.language)
        .all
        .get("links_title")
        .and_then(|v| v.as_str())
        .unwrap_or("Curated links")
        .to_string();
    format!("{name} – {}", site.config.title)
}

/// The HTML an entry carries: the whole text, or with `feeds.content:
/// summary` only the summary (articles) or the quote and the commentary's
/// first paragraph (curated links).
fn entry_html(r: &Renderer, i: usize) -> String {
    let it = &r.views.site.items[i];
    let mut html = it.link.as_ref().map(quote_html).unwrap_or_default();
    if r.views.site.config.feeds.content == FeedContent::Summary {
        let summary = &r.views.cards[i].summary_html;
        html.push_str(if it.link.is_some() {
            it.body.summary_html.as_deref().unwrap_or(summary)
        } else {
            summary
        });
        return html;
    }
    if let Some(d) = &it.disclosure {
        html.push_str(&format!("<p><em>{}</em></p>", escape_html(d)));
    }
    html.push_str(&it.body.html.unpack());
    html
}

/// A curated link's quote, attributed to its source (empty without one).
fn quote_html(src: &LinkSource) -> String {
    let Some(q) = &src.quote else {
        return String::new();
    };
    let by = match &src.source_author {
        Some(a) => format!("{a}, {}", src.source),
        None => src.source.clone(),
    };
    format!(
        "<blockquote cite=\"{}\"><p>{}</p></blockquote><p>— {}</p>",
        escape_attr(&src.url),
        escape_html(q.trim()),
        escape_html(&by)
    )
}

fn updated_of(r: &Renderer, i: usize) -> String {
    let it = &r.views.site.items[i];
    rfc3339(it.updated.as_ref().unwrap_or(&it.date))
}

fn atom(r: &Renderer, base: &str, title: &str, items: &[usize]) -> Vec<u8> {
    let site = r.views.site;
    let root = &site.config.base_url;
    let self_url = absolute(root, &feed_url(base, FeedFormat::Atom));
    let updated = items
        .iter()
        .map(|&i| updated_of(r, i))
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let mut x = Xml::new();
    x.open(
        "feed",
        &[
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", &site.config.language),
        ],
    );
    x.text("title", &[], title);
    if let Some(d) = &site.config.description {
        x.text("subtitle", &[], d);
    }
    x.empty(
        "link",
        &[
            ("rel", "self"),
            ("type", "application/atom+xml"),
            ("href", &self_url),
        ],
    );
    x.empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &absolute(root, base)),
        ],
    );
    x.text("id", &[], &self_url);
    x.text("updated", &[], &updated);
    x.text(
        "generator",
        &[("uri", "https://github.com/kurator")],
        "kurator",
    );
    for &i in items {
        let it = &site.items[i];
        let c = &r.views.cards[i];
        let url = absolute(root, &c.url);
        x.open("entry", &[("xml:lang", &c.lang)]);
        x.text("title", &[("type", "text")], &it.title);
        x.empty(
            "link",
            &[("rel", "alternate"), ("type", "text/html"), ("href", &url)],
        );
        if let Some(src) = &it.link {
            x.empty(
                "link",
                &[
                    ("rel", "related"),
                    ("type", "text/html"),
                    ("href", &src.url),
                    ("title", &src.source),
                ],
            );
        }
        x.text("id", &[], it.feed_id.as_deref().unwrap_or(&url));
        x.text("published", &[], &c.date);
        x.text("updated", &[], &updated_of(r, i));
        for a in &c.authors {
            x.open("author", &[]);
            x.text("name", &[], &a.name);
            x.text("uri", &[], &absolute(root, &a.url));
            x.close("author");
        }
        for ch in &c.channels {
            x.empty(
                "category",
                &[
                    ("term", &ch.id),
                    ("label", &ch.title),
                    ("scheme", &absolute(root, "/channels/")),
                ],
            );
        }
        for t in &c.tags {
            x.empty(
                "category",
                &[
                    ("term", &t.slug),
                    ("label", &t.name),
                    ("scheme", &absolute(root, "/tags/")),
                ],
            );
        }
        if site.config.feeds.content == FeedContent::Summary {
            x.text("summary", &[("type", "html")], &entry_html(r, i));
        } else {
            if !c.summary_html.is_empty() {
                x.text("summary", &[("type", "html")], &c.summary_html);
            }
            x.text(
                "content",
                &[("type", "html"), ("xml:base", &url)],
                &entry_html(r, i),
            );
        }
        x.close("entry");
    }
    x.close("feed");
    x.finish()
}

fn json_feed(r: &Renderer, base: &str, title: &str, items: &[usize]) -> Vec<u8> {
    let site = r.views.site;
    let root = &site.config.base_url;
    let entries: Vec<serde_json::Value> = items
        .iter()
        .map(|&i| {
            let it = &site.items[i];
            let c = &r.views.cards[i];
            let url = absolute(root, &c.url);
            let mut e = json!({
                "id": it.feed_id.as_deref().unwrap_or(&url),
                "url": url,
                "title": it.title,
                "content_html": entry_html(r, i),
                "date_published": c.date,
                "date_modified": updated_of(r, i),
                "language": c.lang,
                "authors": c.authors.iter().map(|a| {
                    let mut p = json!({"name": a.name, "url": absolute(root, &a.url)});
                    if let Some(av) = &a.avatar { p["avatar"] = json!(absolute(root, av)); }
                    p
                }).collect::<Vec<_>>(),
                "tags": c.channels.iter().map(|x| x.title.as_str()).chain(c.tags.iter().map(|x| x.name.as_str())).collect::<Vec<_>>(),
            });
            // With summary feeds `content_html` already is the summary:
            // a second, plain copy would double every entry (as Atom's
            // summary mode, which writes one <summary> and no <content>).
            if !c.summary_html.is_empty() && site.config.feeds.content != FeedContent::Summary {
                e["summary"] = json!(crate::html::strip_tags(&c.summary_html));
            }
            if let Some(src) = &it.link {
                e["external_url"] = json!(src.url);
            }
            if it.kind == ItemKind::Article {
                if let Some(img) = &it.image {
                    e["image"] = json!(absolute(root, img));
                }
            }
            e
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": absolute(root, base),
        "feed_url": absolute(root, &feed_url(base, FeedFormat::Json)),
        "language": site.config.language,
        "items": entries,
    });
    if let Some(d) = &site.config.description {
        feed["description"] = json!(d);
    }
    // Compact: feeds are read by programs, and indentation was a fifth of
    // their bytes.
    let mut out = serde_json::to_vec(&feed).unwrap_or_default();
    out.push(b'\n');
    out
}
