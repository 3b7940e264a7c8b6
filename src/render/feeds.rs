//! Atom 1.0 and JSON Feed 1.1 for every channel, author and tag (and the
//! opt-in site feed). Entries carry absolute URLs, all authors, categories,
//! summary and full content; curated links carry the source URL and quote.

use super::seo::absolute;
use super::xml::Xml;
use super::{FeedOf, Renderer};
use crate::config::FeedFormat;
use crate::content::date::rfc3339;
use crate::content::markdown::escape_html;
use crate::content::ItemKind;
use serde_json::json;

/// Renders one feed: (output path, bytes).
pub fn render(r: &Renderer, of: FeedOf, fmt: FeedFormat) -> (String, Vec<u8>) {
    let site = r.views.site;
    let (base, title, list): (String, String, &[usize]) = match of {
        FeedOf::Channel(c) => (
            r.views.channels[c].url.clone(),
            format!("{} – {}", site.channels[c].title, site.config.title),
            &site.channel_items[c],
        ),
        FeedOf::Author(a) => (
            r.views.authors[a].url.clone(),
            format!("{} – {}", site.authors[a].name, site.config.title),
            &site.author_items[a],
        ),
        FeedOf::Tag(t) => (
            r.views.tags[t].url.clone(),
            format!("{} – {}", site.tags[t].name, site.config.title),
            &site.tags[t].items,
        ),
        FeedOf::All => ("/".to_string(), site.config.title.clone(), &[]),
    };
    let all: Vec<usize>;
    let list = if matches!(of, FeedOf::All) {
        all = (0..site.items.len()).collect();
        &all[..]
    } else {
        list
    };
    let items = &list[..list.len().min(site.config.feeds.limit)];
    match fmt {
        FeedFormat::Atom => (
            format!("{}atom.xml", base.trim_start_matches('/')),
            atom(r, &base, &title, items),
        ),
        FeedFormat::Json => (
            format!("{}feed.json", base.trim_start_matches('/')),
            json_feed(r, &base, &title, items),
        ),
    }
}

/// The full HTML of an entry: for curated links the attributed quote comes first.
fn content_html(r: &Renderer, i: usize) -> String {
    let it = &r.views.site.items[i];
    let mut html = String::new();
    if let Some(src) = &it.link {
        if let Some(q) = &src.quote {
            html.push_str(&format!(
                "<blockquote cite=\"{}\"><p>{}</p></blockquote><p>— {}</p>",
                escape_html(&src.url).replace('"', "&quot;"),
                escape_html(q.trim()),
                escape_html(&match &src.source_author {
                    Some(a) => format!("{a}, {}", src.source),
                    None => src.source.clone(),
                })
            ));
        }
    }
    if let Some(d) = &it.disclosure {
        html.push_str(&format!("<p><em>{}</em></p>", escape_html(d)));
    }
    html.push_str(&it.body.html);
    html
}

fn updated_of(r: &Renderer, i: usize) -> String {
    let it = &r.views.site.items[i];
    rfc3339(it.updated.as_ref().unwrap_or(&it.date))
}

fn atom(r: &Renderer, base: &str, title: &str, items: &[usize]) -> Vec<u8> {
    let site = r.views.site;
    let root = &site.config.base_url;
    let self_url = absolute(root, &format!("{base}atom.xml"));
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
        if !c.summary_html.is_empty() {
            x.text("summary", &[("type", "html")], &c.summary_html);
        }
        x.text(
            "content",
            &[("type", "html"), ("xml:base", &url)],
            &content_html(r, i),
        );
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
                "content_html": content_html(r, i),
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
            if !c.summary_html.is_empty() {
                e["summary"] = json!(crate::content::markdown::strip_tags(&c.summary_html));
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
        "feed_url": absolute(root, &format!("{base}feed.json")),
        "language": site.config.language,
        "items": entries,
    });
    if let Some(d) = &site.config.description {
        feed["description"] = json!(d);
    }
    let mut out = serde_json::to_vec_pretty(&feed).unwrap_or_default();
    out.push(b'\n');
    out
}
