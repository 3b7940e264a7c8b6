//! `sitemap.xml` (split into an index past 50,000 URLs), `robots.txt` and
//! `feeds.opml` (every channel feed, to subscribe in one go).

use super::seo::absolute;
use super::xml::Xml;
use super::Renderer;
use crate::config::FeedFormat;
use crate::content::date::rfc3339;

/// The sitemap protocol's limit of URLs per file.
pub const MAX_URLS: usize = 50_000;

/// Number of sitemap files for `n` URLs.
pub fn chunks(n: usize) -> usize {
    n.div_ceil(MAX_URLS).max(1)
}

/// Every indexable URL with its last modification: list pages, items, pages.
/// Drafts are not in the model unless `--drafts`; aliases are never listed.
pub fn entries(r: &Renderer) -> Vec<(String, Option<String>)> {
    let site = r.views.site;
    let newest = site
        .items
        .first()
        .map(|it| rfc3339(it.updated.as_ref().unwrap_or(&it.date)));
    let mut v: Vec<(String, Option<String>)> = Vec::new();
    for p in ["/", "/channels/", "/authors/", "/tags/", "/archive/"] {
        v.push((p.to_string(), newest.clone()));
    }
    let lastmod_of = |list: &[usize]| list.first().map(|&i| rfc3339(&site.items[i].date));
    v.push((
        crate::site::links::LINKS_URL.to_string(),
        lastmod_of(&site.link_items()),
    ));
    for (c, ch) in r.views.channels.iter().enumerate() {
        v.push((ch.url.clone(), lastmod_of(&site.channel_items[c])));
    }
    for (a, au) in r.views.authors.iter().enumerate() {
        v.push((au.url.clone(), lastmod_of(&site.author_items[a])));
    }
    for (t, tg) in r.views.tags.iter().enumerate() {
        v.push((tg.url.clone(), lastmod_of(&site.tags[t].items)));
    }
    for (it, l) in site.items.iter().zip(&site.links) {
        v.push((
            l.url.clone(),
            Some(rfc3339(it.updated.as_ref().unwrap_or(&it.date))),
        ));
    }
    let mut years: Vec<i16> = site.items.iter().map(|i| i.date.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    for y in years {
        let newest = site
            .items
            .iter()
            .find(|i| i.date.year() == y)
            .map(|i| rfc3339(&i.date));
        v.push((format!("/archive/{y}/"), newest));
    }
    for url in &site.page_urls {
        v.push((url.clone(), None));
    }
    v
}

/// Sitemap file number `k`.
pub fn sitemap(r: &Renderer, k: usize) -> Vec<u8> {
    let base = &r.views.site.config.base_url;
    let all = entries(r);
    let mut x = Xml::new();
    x.open(
        "urlset",
        &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
    );
    for (url, lastmod) in all.iter().skip(k * MAX_URLS).take(MAX_URLS) {
        x.open("url", &[]);
        x.text("loc", &[], &absolute(base, url));
        if let Some(m) = lastmod {
            x.text("lastmod", &[], m);
        }
        x.close("url");
    }
    x.close("urlset");
    x.finish()
}

/// The sitemap index when there is more than one sitemap file.
pub fn index(r: &Renderer) -> Vec<u8> {
    let base = &r.views.site.config.base_url;
    let mut x = Xml::new();
    x.open(
        "sitemapindex",
        &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
    );
    for k in 0..chunks(entries(r).len()) {
        x.open("sitemap", &[]);
        x.text(
            "loc",
            &[],
            &absolute(base, &format!("/sitemap-{}.xml", k + 1)),
        );
        x.close("sitemap");
    }
    x.close("sitemapindex");
    x.finish()
}

/// `robots.txt` allowing everything and naming the sitemap.
pub fn robots(r: &Renderer) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        absolute(&r.views.site.config.base_url, "/sitemap.xml")
    )
    .into_bytes()
}

/// OPML 2.0 with one outline per channel feed (Atom preferred).
pub fn opml(r: &Renderer) -> Vec<u8> {
    let site = r.views.site;
    let base = &site.config.base_url;
    let file = if site.config.feeds.formats.contains(&FeedFormat::Atom) {
        "atom.xml"
    } else {
        "feed.json"
    };
    let mut x = Xml::new();
    x.open("opml", &[("version", "2.0")]);
    x.open("head", &[]);
    x.text("title", &[], &site.config.title);
    x.close("head");
    x.open("body", &[]);
    for (c, ch) in r.views.channels.iter().enumerate() {
        let title = format!("{} – {}", ch.title, site.config.title);
        let feed = absolute(base, &format!("{}{file}", ch.url));
        let html = absolute(base, &ch.url);
        let desc = site.channels[c].description.clone().unwrap_or_default();
        x.empty(
            "outline",
            &[
                ("type", "rss"),
                ("text", &title),
                ("title", &title),
                ("xmlUrl", &feed),
                ("htmlUrl", &html),
                ("description", &desc),
            ],
        );
    }
    if !site.link_items().is_empty() {
        let title = super::feeds::links_feed_title(r);
        let url = crate::site::links::LINKS_URL;
        let feed = absolute(base, &format!("{url}{file}"));
        let html = absolute(base, url);
        x.empty(
            "outline",
            &[
                ("type", "rss"),
                ("text", &title),
                ("title", &title),
                ("xmlUrl", &feed),
                ("htmlUrl", &html),
            ],
        );
    }
    x.close("body");
    x.close("opml");
    x.finish()
}
