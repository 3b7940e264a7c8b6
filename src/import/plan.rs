//! Maps a parsed export onto kurator's site layout, in memory: every file
//! the import would write, and the media it would copy. Nothing here touches
//! the site folder, so a failing import leaves no half-written site behind.

use super::front::{self, ArticleFm, AuthorFm, ChannelFm, LinkFm, PageFm};
use super::html_md::{self, Mode};
use super::media::Media;
use super::plain;
use super::wordpress::{Export, WpItem};
use super::{decode_entities, one_line, percent_decode, Plan, Report, Target};
use crate::content::slug::slugify;
use jiff::tz::TimeZone;
use std::collections::{BTreeSet, HashMap};

/// Page slugs kurator's own lists own; an imported page may not take them.
const RESERVED_SLUGS: &[&str] = &[
    "channels", "authors", "tags", "archive", "search", "links", "p", "page",
];

/// One post or page, before its body is converted.
struct Entry<'a> {
    wp: &'a WpItem,
    kind: EntryKind,
    date: jiff::Zoned,
    path: String,
    url: String,
}

#[derive(Clone, Copy, PartialEq)]
enum EntryKind {
    Article,
    Link,
    Page,
}

/// Builds the plan. `links_from` is a category slug or name.
pub fn build(
    x: &Export,
    t: &Target,
    links_from: Option<&str>,
    media: &mut Media,
    report: &mut Report,
) -> Plan {
    let mut plan = Plan::default();
    let authors = authors(x, &mut plan, report);
    let channels = channels(x, &mut plan, report);
    let links_cat = links_from.map(|l| {
        let l = slugify(&percent_decode(l));
        channels.get(&l).cloned().unwrap_or(l)
    });
    let entries = entries(x, t, links_cat.as_deref(), report);
    // Only published posts: a link to a draft or a scheduled post would be
    // broken on the built site, so it keeps pointing at the old blog.
    let by_old: HashMap<String, String> = entries
        .iter()
        .filter(|e| e.wp.status == "publish")
        .flat_map(|e| {
            [
                (strip_scheme(&e.wp.link), e.url.clone()),
                (format!("?p={}", e.wp.post_id), e.url.clone()),
            ]
        })
        .collect();
    let attachments: HashMap<u64, &WpItem> = x
        .items
        .iter()
        .filter(|i| i.post_type == "attachment")
        .map(|i| (i.post_id, i))
        .collect();
    report.count("attachments", attachments.len());
    let blog_host = host(&x.link).unwrap_or_default();
    for e in &entries {
        let cx = ItemCx {
            authors: &authors,
            channels: &channels,
            links_cat: links_cat.as_deref(),
            by_old: &by_old,
            attachments: &attachments,
            blog_host: &blog_host,
            blog_link: x.link.trim(),
        };
        let path = item(e, &cx, media, &mut plan, report);
        super::comments::responses(e.wp, &path, t, &mut plan, report);
    }
    plan.media = media.take_copies();
    plan
}

/// `wp:author` → `authors/<id>.md`; returns login → id.
fn authors(x: &Export, plan: &mut Plan, report: &mut Report) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut used = BTreeSet::new();
    let mut logins: Vec<(String, String)> = x
        .authors
        .iter()
        .map(|a| {
            let full = format!("{} {}", a.first_name, a.last_name);
            let name = [a.display_name.trim(), full.trim()]
                .into_iter()
                .find(|n| !n.is_empty() && !n.contains('@'))
                .map(str::to_string)
                // A login that is an e-mail address is shown only up to `@`.
                .unwrap_or_else(|| a.login.split('@').next().unwrap_or("").to_string());
            (a.login.clone(), decode_entities(&name))
        })
        .collect();
    for it in &x.items {
        if !it.creator.is_empty() && !logins.iter().any(|(l, _)| *l == it.creator) {
            let name = it.creator.split('@').next().unwrap_or("").to_string();
            logins.push((it.creator.clone(), name));
        }
    }
    for (login, name) in logins {
        let id = unique(&mut used, &slugify(&name), "autor");
        let name = if name.trim().is_empty() {
            id.clone()
        } else {
            one_line(&name)
        };
        plan.files.insert(
            format!("authors/{id}.md"),
            front::markdown_file(&AuthorFm { name }, ""),
        );
        map.insert(login, id);
        report.count("authors", 1);
    }
    map
}

/// Categories → `channels/<id>.md`; returns category slug → channel id.
fn channels(x: &Export, plan: &mut Plan, report: &mut Report) -> HashMap<String, String> {
    let mut cats: Vec<(String, String, String)> = x
        .categories
        .iter()
        .map(|c| (c.slug.clone(), c.name.clone(), c.description.clone()))
        .collect();
    for it in &x.items {
        for (domain, nicename, name) in &it.terms {
            if domain == "category" && !cats.iter().any(|c| c.0 == *nicename) {
                cats.push((nicename.clone(), name.clone(), String::new()));
            }
        }
    }
    let mut map = HashMap::new();
    let mut used = BTreeSet::new();
    for (i, (slug, name, description)) in cats.iter().enumerate() {
        let title = one_line(&decode_entities(name));
        let base = [slugify(&percent_decode(slug)), slugify(&title)]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        let id = unique(&mut used, &base, "kanal");
        let description = Some(one_line(&decode_entities(description))).filter(|d| !d.is_empty());
        let fm = ChannelFm {
            title: if title.is_empty() { id.clone() } else { title },
            description,
            order: (i as i64 + 1) * 10,
        };
        plan.files
            .insert(format!("channels/{id}.md"), front::markdown_file(&fm, ""));
        map.insert(slug.clone(), id.clone());
        map.insert(slugify(&percent_decode(slug)), id);
        report.count("channels", 1);
    }
    map
}

/// Posts and pages worth importing, with slug, date, path and new URL.
fn entries<'a>(
    x: &'a Export,
    t: &Target,
    links_cat: Option<&str>,
    report: &mut Report,
) -> Vec<Entry<'a>> {
    let mut used = BTreeSet::new();
    let mut used_pages = BTreeSet::new();
    let mut out = Vec::new();
    let blog_host = host(&x.link).unwrap_or_default();
    for wp in &x.items {
        let kind = match wp.post_type.as_str() {
            "post" if in_category(wp, links_cat) => link_or_article(wp, &blog_host, report),
            "post" => EntryKind::Article,
            "page" => EntryKind::Page,
            "attachment" => continue,
            other => {
                report.count(&format!("skipped ({other})"), 1);
                continue;
            }
        };
        if !matches!(
            wp.status.as_str(),
            "publish" | "future" | "draft" | "pending" | "private"
        ) {
            report.count(&format!("skipped ({})", wp.status), 1);
            continue;
        }
        let Some(date) = post_date(wp, &t.tz) else {
            report.warn(&wp.title, "has no readable date (wp:post_date); left out");
            continue;
        };
        let title = one_line(&decode_entities(&wp.title));
        let base = [slugify(&percent_decode(&wp.post_name)), slugify(&title)]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| format!("post-{}", wp.post_id));
        let (path, url) = if kind == EntryKind::Page {
            let base = if RESERVED_SLUGS.contains(&base.as_str()) {
                report.warn(
                    &title,
                    &format!("page slug `{base}` is a kurator list; renamed to `wp-{base}`"),
                );
                format!("wp-{base}")
            } else {
                base
            };
            let slug = unique(&mut used_pages, &base, "seite");
            (format!("pages/{slug}.md"), format!("/{slug}/"))
        } else {
            let slug = unique(&mut used, &base, "beitrag");
            let (folder, pattern) = match kind {
                EntryKind::Link => ("links", &t.link_permalink),
                _ => ("articles", &t.article_permalink),
            };
            let url = crate::site::permalink::expand(pattern, &slug, Some(&date), &t.language);
            (format!("{folder}/{:04}/{slug}.md", date.year()), url)
        };
        out.push(Entry {
            wp,
            kind,
            date,
            path,
            url,
        });
    }
    out
}

/// A post in the links category is a curated link only if it links outside
/// the blog. Decided before any URL is computed, so links to it and its
/// aliases use the URL it really gets.
fn link_or_article(wp: &WpItem, blog_host: &str, report: &mut Report) -> EntryKind {
    let is_external = |u: &str| host(u).is_some_and(|h| h != blog_host);
    let probe = html_md::convert(
        &wp.content,
        Mode::Link {
            is_external: &is_external,
        },
        &mut |u: &str| u.to_string(),
    );
    if probe.first_link.is_some() {
        return EntryKind::Link;
    }
    report.warn(
        &one_line(&decode_entities(&wp.title)),
        "is in the links category but has no external link; imported as an article",
    );
    EntryKind::Article
}

fn in_category(wp: &WpItem, cat: Option<&str>) -> bool {
    let Some(cat) = cat else { return false };
    wp.terms.iter().any(|(d, nicename, name)| {
        d == "category" && (slugify(&percent_decode(nicename)) == cat || slugify(name) == cat)
    })
}

/// The post date in the site time zone: from `post_date_gmt` when set
/// (drafts have `0000-00-00 00:00:00`), else `post_date` read in that zone.
fn post_date(wp: &WpItem, tz: &TimeZone) -> Option<jiff::Zoned> {
    let civil = |s: &str| {
        s.trim()
            .replacen(' ', "T", 1)
            .parse::<jiff::civil::DateTime>()
            .ok()
    };
    if let Some(gmt) = civil(&wp.post_date_gmt) {
        return gmt
            .to_zoned(TimeZone::UTC)
            .ok()
            .map(|z| z.with_time_zone(tz.clone()));
    }
    civil(&wp.post_date)?.to_zoned(tz.clone()).ok()
}

struct ItemCx<'a> {
    authors: &'a HashMap<String, String>,
    channels: &'a HashMap<String, String>,
    links_cat: Option<&'a str>,
    by_old: &'a HashMap<String, String>,
    attachments: &'a HashMap<u64, &'a WpItem>,
    blog_host: &'a str,
    blog_link: &'a str,
}

/// Converts one entry and adds its file to the plan; returns the file's path.
fn item(e: &Entry, cx: &ItemCx, media: &mut Media, plan: &mut Plan, report: &mut Report) -> String {
    let wp = e.wp;
    let title = one_line(&decode_entities(&wp.title));
    let blog_host = cx.blog_host;
    let is_external = move |u: &str| host(u).is_some_and(|h| h != blog_host);
    let mode = match e.kind {
        EntryKind::Link => Mode::Link {
            is_external: &is_external,
        },
        _ => Mode::Article,
    };
    let mut rewrite = |u: &str| media.local(u, &title).unwrap_or_else(|| internal(u, cx));
    let conv = html_md::convert(&wp.content, mode, &mut rewrite);
    body_warnings(&conv, &title, report);
    if e.kind == EntryKind::Page {
        let fm = PageFm { title };
        plan.files
            .insert(e.path.clone(), front::markdown_file(&fm, &conv.markdown));
        report.count("pages", 1);
        return e.path.clone();
    }
    let m = meta(e, cx, &title, report);
    if e.kind == EntryKind::Link {
        if let Some(fm) = link_fm(&conv, &title, &m) {
            plan.files
                .insert(e.path.clone(), front::markdown_file(&fm, &conv.markdown));
            report.count(if m.draft { "links (draft)" } else { "links" }, 1);
            return e.path.clone();
        }
    }
    let (image, image_alt) = featured_image(wp, cx, media, &title);
    let kind = match wp.status.as_str() {
        "future" => "articles (scheduled)",
        _ if m.draft => "articles (draft)",
        _ => "articles",
    };
    let fm = ArticleFm {
        title,
        date: m.date,
        authors: m.authors,
        channels: m.channels,
        tags: m.tags,
        summary: m.summary,
        draft: m.draft,
        featured: wp.sticky,
        aliases: m.aliases,
        feed_id: m.feed_id,
        image,
        image_alt,
    };
    let path = match e.path.strip_prefix("links/") {
        Some(rest) => format!("articles/{rest}"),
        None => e.path.clone(),
    };
    plan.files
        .insert(path.clone(), front::markdown_file(&fm, &conv.markdown));
    report.count(kind, 1);
    path
}

fn body_warnings(conv: &html_md::Converted, title: &str, report: &mut Report) {
    for sc in &conv.shortcodes {
        report.warn(
            title,
            &format!("shortcode [{sc}] kept as text; replace it by hand"),
        );
    }
    if conv.too_deep {
        report.warn(
            title,
            "HTML nested more than 200 levels deep; the innermost part was left out",
        );
    }
    if conv.missing_alt > 0 {
        report.warn(
            title,
            &format!(
                "{} image(s) without alt text; describe them (`![what it shows](…)`)",
                conv.missing_alt
            ),
        );
    }
}

/// Front-matter fields articles and links share.
struct Meta {
    date: String,
    authors: Vec<String>,
    channels: Vec<String>,
    tags: Vec<String>,
    summary: Option<String>,
    draft: bool,
    aliases: Vec<String>,
    feed_id: Option<String>,
}

fn meta(e: &Entry, cx: &ItemCx, title: &str, report: &mut Report) -> Meta {
    let wp = e.wp;
    let mut channels: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for (domain, nicename, name) in &wp.terms {
        match domain.as_str() {
            "category" => {
                if let Some(id) = cx.channels.get(nicename) {
                    // A curated link's channels are its other categories.
                    let is_links = Some(id.as_str()) == cx.links_cat && e.kind == EntryKind::Link;
                    if !(channels.contains(id) || is_links) {
                        channels.push(id.clone());
                    }
                }
            }
            "post_tag" => {
                let n = one_line(&decode_entities(name));
                if !n.is_empty() && !tags.contains(&n) {
                    tags.push(n);
                }
            }
            _ => {}
        }
    }
    if channels.is_empty() {
        let fallback = match e.kind {
            EntryKind::Link => cx.links_cat,
            _ => None,
        };
        match fallback.or_else(|| cx.channels.values().min().map(String::as_str)) {
            Some(c) => channels.push(c.to_string()),
            None => report.warn(
                title,
                "has no category, and the export has none to fall back on",
            ),
        }
    }
    Meta {
        date: crate::content::date::rfc3339(&e.date),
        authors: cx.authors.get(&wp.creator).cloned().into_iter().collect(),
        channels,
        tags,
        summary: Some(plain::plain_text(&wp.excerpt)).filter(|s| !s.is_empty()),
        draft: matches!(wp.status.as_str(), "draft" | "pending" | "private"),
        aliases: aliases(wp, &e.url),
        feed_id: Some(wp.guid.trim().to_string()).filter(|g| !g.is_empty()),
    }
}

/// A curated link's front matter; `None` if the post has no outside link
/// (cannot happen: `link_or_article` decided on the same conversion).
fn link_fm(conv: &html_md::Converted, title: &str, m: &Meta) -> Option<LinkFm> {
    let (url, _) = conv.first_link.as_ref()?;
    let source = host(url)
        .map(|h| h.trim_start_matches("www.").to_string())
        .unwrap_or_default();
    Some(LinkFm {
        url: url.clone(),
        title: title.to_string(),
        source,
        source_author: conv.cite.clone().filter(|c| !c.is_empty()),
        quote: conv.quote.clone().filter(|q| !q.is_empty()),
        curator: m.authors.first().cloned().unwrap_or_default(),
        date: m.date.clone(),
        channels: m.channels.clone(),
        tags: m.tags.clone(),
        summary: m.summary.clone(),
        draft: m.draft,
        aliases: m.aliases.clone(),
        feed_id: m.feed_id.clone(),
    })
}

/// `_thumbnail_id` → the attachment's (local) URL and alt text.
fn featured_image(
    wp: &WpItem,
    cx: &ItemCx,
    media: &mut Media,
    title: &str,
) -> (Option<String>, Option<String>) {
    let Some(att) = wp
        .meta("_thumbnail_id")
        .and_then(|id| id.trim().parse::<u64>().ok())
        .and_then(|id| cx.attachments.get(&id))
    else {
        return (None, None);
    };
    let url = att.attachment_url.trim();
    if !url.starts_with("http") {
        return (None, None);
    }
    let image = media.local(url, title).unwrap_or_else(|| url.to_string());
    let alt = att
        .meta("_wp_attachment_image_alt")
        .map(|a| one_line(&decode_entities(a)))
        .filter(|a| !a.is_empty());
    (Some(image), alt)
}

/// Old URLs that must keep working: the WordPress permalink's path and
/// `/p/ID/`, which the theme's `?p=ID` script redirects to.
fn aliases(wp: &WpItem, new_url: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(path) = path_of(&wp.link) {
        let path = percent_decode(&path);
        let plain = !path.contains(['?', '\\']) && !path.contains("..");
        if path != new_url && path != "/" && plain && !path.contains(char::is_control) {
            out.push(path);
        }
    }
    if wp.post_id > 0 {
        out.push(format!("/p/{}/", wp.post_id));
    }
    out
}

/// Links to the old blog's own posts point at their new URLs; other links
/// into the old blog (`/kontakt/`) are made absolute, since the new site has
/// no such page (and `check` would rightly call a root-relative one broken).
fn internal(url: &str, cx: &ItemCx) -> String {
    let absolute;
    let url = if url.starts_with('/') && !url.starts_with("//") && !cx.blog_link.is_empty() {
        absolute = format!("{}{url}", cx.blog_link.trim_end_matches('/'));
        absolute.as_str()
    } else {
        url
    };
    if host(url).is_some_and(|h| h == cx.blog_host) {
        let key = strip_scheme(url);
        if let Some(new) = cx.by_old.get(&key) {
            return new.clone();
        }
        if let Some(q) = url.split_once('?').map(|(_, q)| q) {
            if let Some(new) = cx
                .by_old
                .get(&format!("?{}", q.split('&').next().unwrap_or("")))
            {
                return new.clone();
            }
        }
    }
    url.to_string()
}

fn strip_scheme(url: &str) -> String {
    let u = url.split_once("://").map_or(url, |(_, r)| r);
    u.trim_end_matches('/').to_string()
}

/// The host of an absolute http(s) URL, lowercased.
pub fn host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let h = rest.split(['/', '?', '#']).next()?;
    let h = h.rsplit('@').next()?.split(':').next()?;
    Some(h.to_ascii_lowercase()).filter(|h| !h.is_empty())
}

fn path_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let at = rest.find('/')?;
    let path = rest[at..].split('#').next()?;
    Some(path.to_string())
}

/// `base`, or `base-2`, `base-3` … if taken; empty `base` becomes `fallback`.
fn unique(used: &mut BTreeSet<String>, base: &str, fallback: &str) -> String {
    let base = if base.is_empty() { fallback } else { base };
    let mut id = base.to_string();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}
