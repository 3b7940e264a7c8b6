//! `sitemap.xml` (split into an index past 50,000 URLs), `robots.txt` and
//! `feeds.opml` (every channel feed, to subscribe in one go).

use super::seo::absolute;
use super::xml::Xml;
use super::{Job, Renderer};
use crate::config::FeedFormat;
use crate::site::routes::{feed_url, LINKS_URL, SITEMAP_MAX_URLS as MAX_URLS};

/// Sitemap file number `k`.
pub fn sitemap(r: &Renderer, k: usize) -> Vec<u8> {
    let site = r.views.site;
    let base = &site.config.base_url;
    let mut x = Xml::new();
    x.open(
        "urlset",
        &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
    );
    for route in site.routes.indexed().skip(k * MAX_URLS).take(MAX_URLS) {
        x.open("url", &[]);
        x.text("loc", &[], &absolute(base, &route.url));
        if let Some(m) = site.lastmod(&route.job) {
            x.text("lastmod", &[], &m);
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
    let files = r.views.site.routes.iter();
    for route in files.filter(|r| matches!(r.job, Job::Sitemap(_))) {
        x.open("sitemap", &[]);
        x.text("loc", &[], &absolute(base, &route.url));
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
    let format = if site.config.feeds.formats.contains(&FeedFormat::Atom) {
        FeedFormat::Atom
    } else {
        FeedFormat::Json
    };
    let mut x = Xml::new();
    x.open("opml", &[("version", "2.0")]);
    x.open("head", &[]);
    x.text("title", &[], &site.config.title);
    x.close("head");
    x.open("body", &[]);
    let mut outline = |title: &str, url: &str, desc: Option<&str>| {
        let feed = absolute(base, &feed_url(url, format));
        let html = absolute(base, url);
        let mut attrs = vec![
            ("type", "rss"),
            ("text", title),
            ("title", title),
            ("xmlUrl", &feed),
            ("htmlUrl", &html),
        ];
        attrs.extend(desc.map(|d| ("description", d)));
        x.empty("outline", &attrs);
    };
    for (c, ch) in r.views.channels.iter().enumerate() {
        let title = format!("{} – {}", ch.title, site.config.title);
        let desc = site.channels[c].description.as_deref().unwrap_or_default();
        outline(&title, &ch.url, Some(desc));
    }
    if !site.link_items.is_empty() {
        outline(&super::feeds::links_feed_title(r), LINKS_URL, None);
    }
    x.close("body");
    x.close("opml");
    x.finish()
}
