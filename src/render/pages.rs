//! The HTML pages: one function per page kind, each building its context
//! and metadata and handing both to the template of the same name.

use super::context::*;
use super::seo::{absolute, describe, PageMeta};
use super::{Job, Renderer};
use crate::content::ItemKind;
use crate::diagnostics::Diagnostic;
use crate::site::routes::CardOf;
use serde_json::json;
use tera::Context;

mod archive;
mod links;
mod pager;

use pager::paginate;

/// A page about to be rendered: template, language, URL and metadata.
struct Draft {
    template: &'static str,
    kind: &'static str,
    lang: String,
    meta: PageMeta,
    ctx: Vars,
}

/// A page's own template variables and their names: they go into a
/// context that already holds the globals and are taken out again after
/// the page, so that the globals are not cloned for each page.
#[derive(Default)]
struct Vars {
    ctx: Context,
    keys: Vec<&'static str>,
}

impl Vars {
    fn new() -> Self {
        Vars::default()
    }

    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        debug_assert!(!["site", "lang", "t"].contains(&key), "{key} is a global");
        self.ctx.insert(key, value);
        self.keys.push(key);
    }
}

/// Per render thread: a context per page language holding the globals,
/// which pages borrow in turn (see [`Vars`]).
#[derive(Default)]
pub struct Scratch {
    by_lang: rustc_hash::FxHashMap<String, Context>,
}

/// Scratches kept between rayon jobs: a job takes one and gives it back
/// when it ends, so that the globals are cloned once per thread and
/// language, however finely the routes are split.
#[derive(Default)]
pub struct ScratchPool(std::sync::Mutex<Vec<Scratch>>);

impl ScratchPool {
    /// A scratch for one job, from the pool when it has one.
    pub fn lend(&self) -> Lent<'_> {
        let kept = self.0.lock().ok().and_then(|mut p| p.pop());
        Lent {
            scratch: kept.unwrap_or_default(),
            pool: self,
        }
    }
}

/// A [`Scratch`] lent by a [`ScratchPool`], given back when dropped.
pub struct Lent<'p> {
    scratch: Scratch,
    pool: &'p ScratchPool,
}

impl std::ops::Deref for Lent<'_> {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        &self.scratch
    }
}

impl std::ops::DerefMut for Lent<'_> {
    fn deref_mut(&mut self) -> &mut Scratch {
        &mut self.scratch
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Ok(mut p) = self.pool.0.lock() {
            p.push(std::mem::take(&mut self.scratch));
        }
    }
}

/// Renders the HTML of a page job; `url` is its route's URL.
pub(super) fn render_page(
    r: &Renderer,
    job: &Job,
    url: &str,
    scratch: &mut Scratch,
) -> Result<Vec<u8>, Diagnostic> {
    let d = match job {
        Job::Hub => hub(r),
        Job::Channels => channels(r),
        Job::Channel(c, p) => channel(r, *c, *p),
        Job::Authors => authors(r),
        Job::Author(a, p) => author(r, *a, *p),
        Job::Tags => tags(r),
        Job::Tag(t, p) => tag(r, *t, *p),
        Job::Links(p) => links::links(r, *p),
        Job::Item(i) => item(r, *i),
        Job::Page(p) => page(r, *p),
        Job::Archive => archive::archive(r),
        Job::ArchiveYear(y) => archive::archive_year(r, *y),
        Job::NotFound => simple(r, "404.html", "404", url, "not_found_title", true),
        Job::Search => simple(r, "search.html", "search", url, "search_title", true),
        Job::Alias(k) => return alias(r, *k),
        _ => unreachable!("non-page job routed to pages"),
    };
    let ctx = (scratch.by_lang.entry(d.lang))
        .or_insert_with_key(|lang| r.globals.context(r.views.theme, lang));
    ctx.extend(d.ctx.ctx);
    ctx.insert("kind", d.kind);
    ctx.insert("page_path", &d.meta.path);
    ctx.insert("seo", &d.meta.into_seo(&r.views.site.config.base_url));
    let html = r.render_template(d.template, ctx);
    for key in d.ctx.keys.iter().chain(&["kind", "page_path", "seo"]) {
        ctx.remove(key);
    }
    Ok(html?.into_bytes())
}

fn t(r: &Renderer, lang: &str, key: &str, fallback: &str) -> String {
    r.views
        .theme
        .strings_for(lang)
        .all
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(fallback)
        .to_string()
}

fn crumbs(r: &Renderer, lang: &str, trail: &[(&str, String)]) -> Vec<Crumb> {
    let mut v = vec![Crumb {
        title: t(r, lang, "home", "Home"),
        url: "/".into(),
    }];
    v.extend(trail.iter().map(|(title, url)| Crumb {
        title: title.to_string(),
        url: url.clone(),
    }));
    v
}

fn site_lang(r: &Renderer) -> String {
    r.views.site.config.language.clone()
}

fn site_description(r: &Renderer) -> String {
    r.views
        .site
        .config
        .description
        .clone()
        .unwrap_or_else(|| r.views.site.config.title.clone())
}

fn meta(title: String, description: String, path: String, entity: serde_json::Value) -> PageMeta {
    PageMeta {
        head: Seo {
            title,
            description,
            canonical: String::new(),
            og_type: "website",
            image: None,
            image_alt: None,
            image_width: None,
            image_height: None,
            alternates: Vec::new(),
            feeds: Vec::new(),
            breadcrumbs: Vec::new(),
            jsonld: String::new(),
            noindex: false,
        },
        path,
        entity,
    }
}

fn collection(r: &Renderer, name: &str, path: &str, description: &str) -> serde_json::Value {
    json!({"@type": "CollectionPage", "name": name, "description": description, "url": absolute(&r.views.site.config.base_url, path)})
}

/// The metadata of a list page (overview, channel, tag, archive): its
/// title, description and path, with a `CollectionPage` as its entity.
fn collection_meta(r: &Renderer, title: &str, description: &str, path: &str) -> PageMeta {
    let entity = collection(r, title, path, description);
    meta(title.into(), description.into(), path.into(), entity)
}

fn hub(r: &Renderer) -> Draft {
    let site = r.views.site;
    let n = site.config.hub_items;
    let lang = site_lang(r);
    let sections: Vec<HubSection> = (0..site.channels.len())
        .map(|c| {
            let list = &site.channel_items[c];
            let featured = list.iter().filter(|&&i| site.items[i].featured);
            let rest = list.iter().filter(|&&i| !site.items[i].featured);
            let ids: Vec<usize> = featured.chain(rest).take(n).copied().collect();
            HubSection {
                channel: r.views.channel_summary(c, false),
                items: r.list_cards(&ids, &lang, true),
            }
        })
        .collect();
    let desc = site_description(r);
    let base = &site.config.base_url;
    let entity = json!({"@type": "WebSite", "name": site.config.title, "description": desc, "url": absolute(base, "/"), "inLanguage": lang});
    let mut m = meta(site.config.title.clone(), desc, "/".into(), entity);
    m.head.feeds = (0..site.channels.len())
        .flat_map(|c| r.views.channel_summary(c, false).feeds)
        .collect();
    if site.config.feeds.all {
        m.head
            .feeds
            .splice(0..0, r.views.feeds("/", &site.config.title));
    }
    let mut ctx = Vars::new();
    ctx.insert("sections", &sections);
    Draft {
        template: "hub.html",
        kind: "hub",
        lang,
        meta: m,
        ctx,
    }
}

fn channels(r: &Renderer) -> Draft {
    let lang = site_lang(r);
    let list: Vec<ChannelSummary> = (0..r.views.site.channels.len())
        .map(|c| r.views.channel_summary(c, false))
        .collect();
    let title = t(r, &lang, "channels_title", "Channels");
    let desc = t(r, &lang, "channels_intro", &site_description(r));
    let mut m = collection_meta(r, &title, &desc, "/channels/");
    m.head.breadcrumbs = crumbs(r, &lang, &[(&title, "/channels/".into())]);
    m.head.feeds = list.iter().flat_map(|c| c.feeds.clone()).collect();
    let mut ctx = Vars::new();
    ctx.insert("channels", &list);
    Draft {
        template: "channels.html",
        kind: "channels",
        lang,
        meta: m,
        ctx,
    }
}

fn channel(r: &Renderer, c: usize, page: usize) -> Draft {
    let site = r.views.site;
    let ch = &site.channels[c];
    let summary = r.views.channel_summary(c, true);
    let ordered = site.channel_list(c);
    let lang = ch.language.clone().unwrap_or_else(|| site_lang(r));
    let (items, paginator, path) = paginate(r, &ordered, &summary.channel.url, page, &lang);
    let desc = ch
        .description
        .clone()
        .unwrap_or_else(|| describe(&ch.intro.html.unpack()));
    let mut m = collection_meta(r, &ch.title, &desc, &path);
    m.head.feeds = summary.feeds.clone();
    super::cards::show(r, CardOf::Channel(c), &lang, &mut m);
    let channels_title = t(r, &lang, "channels_title", "Channels");
    m.head.breadcrumbs = crumbs(
        r,
        &lang,
        &[
            (&channels_title, "/channels/".into()),
            (&ch.title, summary.channel.url.clone()),
        ],
    );
    let mut ctx = Vars::new();
    ctx.insert("channel", &summary);
    ctx.insert("items", &items);
    ctx.insert("paginator", &paginator);
    Draft {
        template: "channel.html",
        kind: "channel",
        lang,
        meta: m,
        ctx,
    }
}

fn authors(r: &Renderer) -> Draft {
    let lang = site_lang(r);
    let list: Vec<AuthorSummary> = (0..r.views.site.authors.len())
        .map(|a| r.views.author_summary(a))
        .collect();
    let title = t(r, &lang, "authors_title", "Authors");
    let desc = t(r, &lang, "authors_intro", &site_description(r));
    let mut m = collection_meta(r, &title, &desc, "/authors/");
    m.head.breadcrumbs = crumbs(r, &lang, &[(&title, "/authors/".into())]);
    let mut ctx = Vars::new();
    ctx.insert("authors", &list);
    Draft {
        template: "authors.html",
        kind: "authors",
        lang,
        meta: m,
        ctx,
    }
}

fn author(r: &Renderer, a: usize, page: usize) -> Draft {
    let site = r.views.site;
    let au = &site.authors[a];
    let summary = r.views.author_summary(a);
    let lang = au
        .languages
        .first()
        .cloned()
        .unwrap_or_else(|| site_lang(r));
    let list = &site.author_items[a];
    let (items, paginator, path) = paginate(r, list, &summary.author.url, page, &lang);
    let desc = match (&au.role, au.bio.summary_html.as_deref()) {
        (_, Some(bio)) if !bio.is_empty() => describe(bio),
        (Some(role), _) => format!("{} – {role}", au.name),
        _ => au.name.clone(),
    };
    let base = &site.config.base_url;
    let same_as: Vec<&str> = au.links.iter().map(|(_, u)| u.as_str()).collect();
    let mut person = json!({"@type": "Person", "name": au.name, "url": absolute(base, &summary.author.url), "sameAs": same_as});
    if let Some(role) = &au.role {
        person["jobTitle"] = json!(role);
    }
    if let Some(av) = &au.avatar {
        person["image"] = json!(absolute(base, av));
    }
    let entity =
        json!({"@type": "ProfilePage", "url": absolute(base, &path), "mainEntity": person});
    let mut m = meta(au.name.clone(), desc, path, entity);
    m.head.og_type = "profile";
    m.head.image = au.avatar.clone();
    m.head.image_alt = Some(au.name.clone());
    // The card (with the avatar on it) suits large link previews better
    // than the small square avatar; the Person's `image` stays the avatar.
    super::cards::show(r, CardOf::Author(a), &lang, &mut m);
    m.head.feeds = summary.feeds.clone();
    let authors_title = t(r, &lang, "authors_title", "Authors");
    m.head.breadcrumbs = crumbs(
        r,
        &lang,
        &[
            (&authors_title, "/authors/".into()),
            (&au.name, summary.author.url.clone()),
        ],
    );
    let mut ctx = Vars::new();
    ctx.insert("author", &summary);
    ctx.insert("items", &items);
    ctx.insert("paginator", &paginator);
    Draft {
        template: "author.html",
        kind: "author",
        lang,
        meta: m,
        ctx,
    }
}

fn tags(r: &Renderer) -> Draft {
    let lang = site_lang(r);
    let list: Vec<TagSummary> = (0..r.views.site.tags.len())
        .map(|k| r.views.tag_summary(k))
        .collect();
    let title = t(r, &lang, "tags_title", "Tags");
    let desc = site_description(r);
    let mut m = collection_meta(r, &title, &desc, "/tags/");
    m.head.breadcrumbs = crumbs(r, &lang, &[(&title, "/tags/".into())]);
    let mut ctx = Vars::new();
    ctx.insert("tags", &list);
    Draft {
        template: "tags.html",
        kind: "tags",
        lang,
        meta: m,
        ctx,
    }
}

fn tag(r: &Renderer, k: usize, page: usize) -> Draft {
    let summary = r.views.tag_summary(k);
    let tg = &r.views.site.tags[k];
    let lang = site_lang(r);
    let (items, paginator, path) = paginate(r, &tg.items, &summary.tag.url, page, &lang);
    let desc = format!("{}: {}", tg.name, site_description(r));
    let mut m = collection_meta(r, &tg.name, &desc, &path);
    m.head.feeds = r.views.feeds(&summary.tag.url, &tg.name);
    let tags_title = t(r, &lang, "tags_title", "Tags");
    m.head.breadcrumbs = crumbs(
        r,
        &lang,
        &[
            (&tags_title, "/tags/".into()),
            (&tg.name, summary.tag.url.clone()),
        ],
    );
    let mut ctx = Vars::new();
    ctx.insert("tag", &summary);
    ctx.insert("items", &items);
    ctx.insert("paginator", &paginator);
    Draft {
        template: "tag.html",
        kind: "tag",
        lang,
        meta: m,
        ctx,
    }
}

fn item(r: &Renderer, i: usize) -> Draft {
    let site = r.views.site;
    let it = &site.items[i];
    let mut page = r.views.item_page(i);
    let base = &site.config.base_url;
    let lang = page.card.lang.clone();
    let l = &site.links[i];
    r.fill_cards(&mut page.replies, &l.replies, &lang, true);
    r.fill_cards(&mut page.related, &l.related, &lang, false);
    let desc = if page.card.summary_html.is_empty() {
        describe(&page.content_html)
    } else {
        describe(&page.card.summary_html)
    };
    let persons: Vec<serde_json::Value> = page
        .card
        .authors
        .iter()
        .map(|a| json!({"@type": "Person", "name": a.name, "url": absolute(base, &a.url)}))
        .collect();
    let mut entity = json!({
        "@type": "BlogPosting",
        "headline": it.title,
        "description": desc,
        "url": absolute(base, &page.card.url),
        "mainEntityOfPage": absolute(base, &page.card.url),
        "datePublished": page.card.date,
        "dateModified": page.updated.clone().unwrap_or_else(|| page.card.date.clone()),
        "inLanguage": lang,
        "author": persons,
        "publisher": {"@type": "Organization", "name": site.config.title, "url": absolute(base, "/")},
        "keywords": page.card.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "wordCount": page.word_count,
    });
    if let Some(img) = &it.image {
        entity["image"] = json!(absolute(base, img));
    }
    if let Some(src) = &page.card.source {
        entity["isBasedOn"] = json!({"@type": "CreativeWork", "url": src.url, "name": it.title, "publisher": {"@type": "Organization", "name": src.name}});
    }
    super::responses::add_json_ld(&mut entity, site, &it.origin.rel);
    let mut m = meta(it.title.clone(), desc, page.card.url.clone(), entity);
    m.head.og_type = "article";
    m.head.image = it.image.clone();
    m.head.image_alt = it.image_alt.clone();
    super::cards::show(r, CardOf::Item(i), &lang, &mut m);
    m.head.alternates = if page.translations.is_empty() {
        Vec::new()
    } else {
        let mut alts = vec![Translation {
            lang: lang.clone(),
            title: it.title.clone(),
            url: page.card.url.clone(),
        }];
        alts.extend(page.translations.iter().cloned());
        alts
    };
    m.head.feeds = l
        .channels
        .iter()
        .flat_map(|&c| {
            r.views
                .feeds(&r.views.channels[c].url, &r.views.channels[c].title)
        })
        .collect();
    for &a in &l.authors {
        m.head.feeds.extend(
            r.views
                .feeds(&r.views.authors[a].url, &r.views.authors[a].name),
        );
    }
    for &k in &l.tags {
        m.head
            .feeds
            .extend(r.views.feeds(&r.views.tags[k].url, &r.views.tags[k].name));
    }
    let first = page
        .card
        .channels
        .first()
        .map(|c| (c.title.clone(), c.url.clone()));
    let mut trail = Vec::new();
    if let Some((title, url)) = &first {
        trail.push((title.as_str(), url.clone()));
    }
    trail.push((it.title.as_str(), page.card.url.clone()));
    m.head.breadcrumbs = crumbs(r, &lang, &trail);
    let (template, kind) = match it.kind {
        ItemKind::Article => ("article.html", "article"),
        ItemKind::Link => ("link.html", "link"),
    };
    let mut ctx = Vars::new();
    ctx.insert("item", &page);
    ctx.insert("share", &super::share::view(r, i));
    Draft {
        template,
        kind,
        lang,
        meta: m,
        ctx,
    }
}

fn page(r: &Renderer, p: usize) -> Draft {
    let site = r.views.site;
    let pg = &site.pages[p];
    let url = site.page_urls[p].clone();
    let lang = pg.lang.clone().unwrap_or_else(|| site_lang(r));
    let html = pg.body.html.unpack();
    let desc = describe(pg.body.summary_html.as_deref().unwrap_or(&html));
    let entity = json!({"@type": "WebPage", "name": pg.title, "url": absolute(&site.config.base_url, &url), "inLanguage": lang});
    let mut m = meta(pg.title.clone(), desc, url.clone(), entity);
    m.head.breadcrumbs = crumbs(r, &lang, &[(&pg.title, url)]);
    let mut ctx = Vars::new();
    ctx.insert(
        "page",
        &json!({"title": pg.title, "content_html": html, "lang": lang}),
    );
    Draft {
        template: "page.html",
        kind: "page",
        lang,
        meta: m,
        ctx,
    }
}

fn simple(
    r: &Renderer,
    template: &'static str,
    kind: &'static str,
    path: &str,
    title_key: &str,
    noindex: bool,
) -> Draft {
    let lang = site_lang(r);
    let title = t(r, &lang, title_key, kind);
    let entity = json!({"@type": "WebPage", "name": title, "url": absolute(&r.views.site.config.base_url, path)});
    let mut m = meta(title, site_description(r), path.into(), entity);
    m.head.noindex = noindex;
    Draft {
        template,
        kind,
        lang,
        meta: m,
        ctx: Vars::new(),
    }
}

fn alias(r: &Renderer, k: usize) -> Result<Vec<u8>, Diagnostic> {
    let (_, owner) = &r.views.site.aliases[k];
    let target = absolute(
        &r.views.site.config.base_url,
        &r.views.site.links[*owner].url,
    );
    let mut ctx = r.globals.context(r.views.theme, &site_lang(r));
    ctx.insert("target", &target);
    Ok(r.render_template("alias.html", &ctx)?.into_bytes())
}
