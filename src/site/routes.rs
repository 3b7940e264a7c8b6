//! The route table: every URL a build writes, each with the job that renders
//! it. Computed once when the site is resolved; the render loop, `check`'s
//! link targets, the duplicate-path check, the sitemap and `serve`'s "which
//! files show this item" all read it, so a URL exists in exactly one place.

use super::permalink::output_path;
use super::Site;
use crate::config::FeedFormat;
use crate::content::date::rfc3339;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

/// Which list a feed belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedOf {
    Channel(usize),
    Author(usize),
    Tag(usize),
    /// The curated links of `/links/`.
    Links,
    All,
}

/// Whose share card a [`Job::Card`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardOf {
    Item(usize),
    Channel(usize),
    Author(usize),
}

/// One output file to produce; the variants carry indices into [`Site`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Hub,
    Channels,
    /// Channel index and page number (1-based).
    Channel(usize, usize),
    Authors,
    Author(usize, usize),
    Tags,
    Tag(usize, usize),
    /// Page n (1-based) of `/links/`.
    Links(usize),
    Item(usize),
    Page(usize),
    Archive,
    ArchiveYear(i16),
    NotFound,
    Search,
    Alias(usize),
    Feed(FeedOf, FeedFormat),
    Opml,
    /// Sitemap file number (0-based).
    Sitemap(usize),
    SitemapIndex,
    Robots,
    /// `search/manifest.json`.
    SearchIndex,
    /// `search/facets/<n>.json`: the documents of one filter value.
    SearchFacets(usize),
    /// `search/typos/<n>.json`: terms by typo key.
    SearchTypos(usize),
    /// `search/terms/<n>.json`.
    SearchTerms(usize),
    /// `search/docs/<n>.json`.
    SearchDocs(usize),
    HighlightCss,
    /// A 1200×630 PNG share card (SPEC §12).
    Card(CardOf),
    /// A file of the site's or theme's `static/` folder, by output path.
    Static(String),
    /// Variant `v` of source image `s` ([`crate::media::Images::sources`]).
    Image(usize, usize),
    /// A file beside content published as it is (SVG, GIF).
    Asset(usize),
}

impl Job {
    /// Whether the job writes a search file read from the merged index
    /// (term, typo, facet and document shards; not the manifest).
    pub fn needs_search_index(&self) -> bool {
        matches!(
            self,
            Job::SearchFacets(_) | Job::SearchTypos(_) | Job::SearchTerms(_) | Job::SearchDocs(_)
        )
    }

    /// Whether the job writes an HTML page.
    pub fn is_page(&self) -> bool {
        !matches!(
            self,
            Job::Feed(..)
                | Job::Opml
                | Job::Sitemap(_)
                | Job::SitemapIndex
                | Job::Robots
                | Job::SearchIndex
                | Job::SearchFacets(_)
                | Job::SearchTypos(_)
                | Job::SearchTerms(_)
                | Job::SearchDocs(_)
                | Job::HighlightCss
                | Job::Card(_)
                | Job::Static(_)
                | Job::Image(..)
                | Job::Asset(_)
                | Job::Alias(_)
        )
    }

    /// Whether the URL is kurator's own (not claimed by a content file).
    fn is_generated(&self) -> bool {
        !matches!(
            self,
            Job::Item(_)
                | Job::Page(_)
                | Job::Alias(_)
                | Job::Static(_)
                | Job::Image(..)
                | Job::Asset(_)
        )
    }
}

/// One URL of the built site.
#[derive(Debug, Clone)]
pub struct Route {
    /// Site-relative URL, e.g. `/channels/x/page/2/`.
    pub url: String,
    /// Output file, relative to the output root, e.g. `channels/x/page/2/index.html`.
    pub path: String,
    pub job: Job,
    /// Listed in the sitemap.
    pub indexed: bool,
}

/// Every route of one build, in a fixed order (the sitemap's order).
#[derive(Debug, Clone, Default)]
pub struct Routes {
    list: Vec<Route>,
}

/// The sitemap protocol's limit of URLs per file.
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// URL of the list of every curated link.
pub const LINKS_URL: &str = "/links/";

/// URL of a channel's first page.
pub fn channel_url(id: &str) -> String {
    format!("/channels/{id}/")
}

/// URL of an author's first page.
pub fn author_url(id: &str) -> String {
    format!("/authors/{id}/")
}

/// URL of a tag's first page.
pub fn tag_url(slug: &str) -> String {
    format!("/tags/{slug}/")
}

/// URL of an archive year.
pub fn archive_year_url(year: i16) -> String {
    format!("/archive/{year}/")
}

/// URL of page `n` (1-based) of a list whose first page is at `base`.
pub fn list_page_url(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// URL of a list's feed in `fmt`, next to the list's first page `base`.
pub fn feed_url(base: &str, fmt: FeedFormat) -> String {
    match fmt {
        FeedFormat::Atom => format!("{base}atom.xml"),
        FeedFormat::Json => format!("{base}feed.json"),
    }
}

/// Absolute URL for a site-relative path (absolute URLs pass through).
pub fn absolute_url(base_url: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_string()
    } else if path.starts_with('/') {
        format!("{base_url}{path}")
    } else {
        format!("{base_url}/{path}")
    }
}

/// URL of a share card. Items' cards are named after the item's URL
/// (`/2024/05/x/` → `/cards/2024-05-x.png`), so a card keeps its address
/// while its item does; channels and authors have folders of their own.
pub fn card_url(site: &Site, of: CardOf) -> String {
    match of {
        CardOf::Item(i) => {
            let url = &site.links[i].url;
            let name = url.trim_end_matches(".html").trim_matches('/');
            format!("/cards/{}.png", name.replace('/', "-"))
        }
        CardOf::Channel(c) => format!("/cards/channels/{}.png", site.channels[c].id),
        CardOf::Author(a) => format!("/cards/authors/{}.png", site.authors[a].id),
    }
}

/// Number of pages of a list of `len` items, `per` to a page (at least 1).
pub fn page_count(len: usize, per: usize) -> usize {
    len.div_ceil(per.max(1)).max(1)
}

/// Items per search document shard (`search/docs/<n>.json`). Small,
/// because a query of several words can show ten results from ten shards:
/// 16 keeps that near 30 KiB compressed on the benchmark site (64 made it 150).
pub const SEARCH_DOCS_PER_SHARD: usize = 16;

/// Body bytes (rendered HTML) per search term shard: a shard's size follows
/// the vocabulary, and the vocabulary the amount of text.
const SEARCH_TEXT_PER_SHARD: usize = 8 * 1024;

/// Search term shards for a site: a power of two from 1 to 1024, one per
/// [`SEARCH_TEXT_PER_SHARD`] of body HTML, so the file list is known before
/// any word is read.
pub fn search_term_shards(site: &Site) -> usize {
    let text: usize = site.items.iter().map(|it| it.body.html.len()).sum();
    (text / SEARCH_TEXT_PER_SHARD)
        .next_power_of_two()
        .clamp(1, 1024)
}

/// Search typo shards: one per eight term shards, from 1 to 128 (each
/// lists terms by [typo key](crate::render::search::fold::typo_key), a
/// few bytes per term).
pub fn search_typo_shards(site: &Site) -> usize {
    (search_term_shards(site) / 8).clamp(1, 128)
}

/// The languages of a site's items, sorted, each once (the search's
/// language filter).
pub fn search_langs(site: &Site) -> Vec<&str> {
    let mut langs: Vec<&str> = site.links.iter().map(|l| l.lang.as_str()).collect();
    langs.sort_unstable();
    langs.dedup();
    langs
}

/// Search facet files: one per kind (article, link), language, channel
/// and author, in that order.
pub fn search_facet_files(site: &Site) -> usize {
    2 + search_langs(site).len() + site.channels.len() + site.authors.len()
}

/// Number of sitemap files for `n` URLs.
pub fn sitemap_chunks(n: usize) -> usize {
    n.div_ceil(SITEMAP_MAX_URLS).max(1)
}

/// The search index's files (docs/search.md). One call, so that a
/// benchmark can build the site without them (bench/search.py).
fn search_routes(b: &mut Builder, site: &Site) {
    b.page("/search/manifest.json", Job::SearchIndex, false);
    for k in 0..search_facet_files(site) {
        b.page(
            &format!("/search/facets/{k}.json"),
            Job::SearchFacets(k),
            false,
        );
    }
    for k in 0..search_typo_shards(site) {
        b.page(
            &format!("/search/typos/{k}.json"),
            Job::SearchTypos(k),
            false,
        );
    }
    for k in 0..search_term_shards(site) {
        b.page(
            &format!("/search/terms/{k}.json"),
            Job::SearchTerms(k),
            false,
        );
    }
    for k in 0..site.items.len().div_ceil(SEARCH_DOCS_PER_SHARD) {
        b.page(&format!("/search/docs/{k}.json"), Job::SearchDocs(k), false);
    }
}

impl Routes {
    /// Computes every route of `site`. `statics` are the output paths of the
    /// files under `static/` (site and theme).
    pub fn new<'a>(site: &Site, statics: impl IntoIterator<Item = &'a str>) -> Routes {
        let mut b = Builder::default();
        let per = site.config.paginate;
        b.page("/", Job::Hub, true);
        b.page("/channels/", Job::Channels, true);
        b.page("/authors/", Job::Authors, true);
        b.page("/tags/", Job::Tags, true);
        b.page("/archive/", Job::Archive, true);
        let links = page_count(site.link_items.len(), per);
        for p in 1..=links {
            b.page(&list_page_url(LINKS_URL, p), Job::Links(p), p == 1);
        }
        let lists = site.list_bases();
        for (of, base, len) in &lists {
            for p in 1..=page_count(*len, per) {
                let job = match *of {
                    FeedOf::Channel(c) => Job::Channel(c, p),
                    FeedOf::Author(a) => Job::Author(a, p),
                    FeedOf::Tag(t) => Job::Tag(t, p),
                    FeedOf::Links | FeedOf::All => continue,
                };
                b.page(&list_page_url(base, p), job, p == 1);
            }
        }
        for (i, l) in site.links.iter().enumerate() {
            b.page(&l.url, Job::Item(i), true);
        }
        for y in site.archive_years() {
            b.page(&archive_year_url(y), Job::ArchiveYear(y), true);
        }
        for (p, url) in site.page_urls.iter().enumerate() {
            b.page(url, Job::Page(p), true);
        }
        for of in site.cards() {
            b.page(&card_url(site, of), Job::Card(of), false);
        }
        b.page("/404.html", Job::NotFound, false);
        b.page("/search/", Job::Search, false);
        b.page("/robots.txt", Job::Robots, false);
        search_routes(&mut b, site);
        b.page("/css/highlight.css", Job::HighlightCss, false);
        for (k, (alias, _)) in site.aliases.iter().enumerate() {
            b.page(alias, Job::Alias(k), false);
        }
        let feeds = &site.config.feeds;
        for &f in &feeds.formats {
            for (of, base, _) in &lists {
                b.page(&feed_url(base, f), Job::Feed(*of, f), false);
            }
            b.page(&feed_url(LINKS_URL, f), Job::Feed(FeedOf::Links, f), false);
            if feeds.all {
                b.page(&feed_url("/", f), Job::Feed(FeedOf::All, f), false);
            }
        }
        if !site.channels.is_empty() && !feeds.formats.is_empty() {
            b.page("/feeds.opml", Job::Opml, false);
        }
        let n = sitemap_chunks(b.list.iter().filter(|r| r.indexed).count());
        if n > 1 {
            b.page("/sitemap.xml", Job::SitemapIndex, false);
            for k in 0..n {
                b.page(&format!("/sitemap-{}.xml", k + 1), Job::Sitemap(k), false);
            }
        } else {
            b.page("/sitemap.xml", Job::Sitemap(0), false);
        }
        for p in statics {
            // Highlighting CSS is generated from the configured themes.
            if p != "css/highlight.css" {
                b.list.push(Route {
                    url: format!("/{p}"),
                    path: p.to_string(),
                    job: Job::Static(p.to_string()),
                    indexed: false,
                });
            }
        }
        Routes { list: b.list }
    }

    /// Adds the routes of every image variant and asset. A raster file of
    /// `static/` is published through its source (stripped of metadata), so
    /// its plain copy route is replaced in place.
    pub fn add_images(&mut self, images: &crate::media::Images) {
        let mut original = FxHashMap::default();
        // The same picture under the same name in two folders is one file.
        let mut seen: FxHashSet<String> = self.list.iter().map(|r| r.path.clone()).collect();
        for (s, src) in images.sources.iter().enumerate() {
            for (v, var) in src.variants.iter().enumerate() {
                if var.original {
                    original.insert(var.path.clone(), Job::Image(s, v));
                } else if seen.insert(var.path.clone()) {
                    self.list.push(Route {
                        url: var.url.clone(),
                        path: var.path.clone(),
                        job: Job::Image(s, v),
                        indexed: false,
                    });
                }
            }
        }
        for r in &mut self.list {
            if let Job::Static(p) = &r.job {
                if let Some(job) = original.remove(p) {
                    r.job = job;
                }
            }
        }
        for (k, a) in images.assets.iter().enumerate() {
            if !seen.insert(a.output.clone()) {
                continue;
            }
            self.list.push(Route {
                url: a.url.clone(),
                path: a.output.clone(),
                job: Job::Asset(k),
                indexed: false,
            });
        }
    }

    /// Every route, in table order.
    pub fn iter(&self) -> std::slice::Iter<'_, Route> {
        self.list.iter()
    }

    /// Number of output files.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether the table is empty (never, for a resolved site).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The routes listed in the sitemap, in order.
    pub fn indexed(&self) -> impl Iterator<Item = &Route> {
        self.list.iter().filter(|r| r.indexed)
    }

    /// Number of sitemap files this build writes.
    pub fn sitemap_files(&self) -> usize {
        sitemap_chunks(self.indexed().count())
    }

    /// The output path of a job, when the build writes it.
    pub fn path_of(&self, job: &Job) -> Option<&str> {
        self.list
            .iter()
            .find(|r| &r.job == job)
            .map(|r| r.path.as_str())
    }

    /// Every output path, for `check`'s link targets.
    pub fn paths(&self) -> FxHashSet<&str> {
        self.list.iter().map(|r| r.path.as_str()).collect()
    }

    /// Routes kurator generates itself (lists, feeds, site files), which
    /// content may not claim.
    pub fn generated(&self) -> impl Iterator<Item = &Route> {
        self.list.iter().filter(|r| r.job.is_generated())
    }

    /// Every job whose output can show item `i` (its title, summary, body or
    /// card); `with_sitemap` adds the sitemaps, for a changed `updated`.
    /// `serve` re-renders exactly these when an item changed in place.
    pub fn showing(&self, site: &Site, i: usize, with_sitemap: bool) -> Vec<Job> {
        let per = site.config.paginate.max(1);
        let l = &site.links[i];
        let year = site.items[i].date.year();
        let page_of = |list: &[usize]| list.iter().position(|&j| j == i).map(|p| p / per + 1);
        // The page each of the item's lists shows it on, computed once.
        let channel_page: FxHashMap<usize, Option<usize>> = (l.channels.iter())
            .map(|&c| (c, page_of(&site.channel_list(c))))
            .collect();
        let author_page: FxHashMap<usize, Option<usize>> = (l.authors.iter())
            .map(|&a| (a, page_of(&site.author_items[a])))
            .collect();
        let tag_page: FxHashMap<usize, Option<usize>> = (l.tags.iter())
            .map(|&t| (t, page_of(&site.tags[t].items)))
            .collect();
        let in_feed = |of: FeedOf| site.feed_items(of).contains(&i);
        // Pages of other items that show this one as a card or a title.
        let shows_item = |j: usize| {
            let o = &site.links[j];
            j != i
                && (o.prev == Some(i)
                    || o.next == Some(i)
                    || o.parent == Some(i)
                    || o.replies.contains(&i)
                    || o.translations.contains(&i)
                    || o.related.contains(&i))
        };
        self.list
            .iter()
            .map(|r| &r.job)
            .filter(|job| match job {
                Job::Item(j) => *j == i || shows_item(*j),
                Job::Card(CardOf::Item(j)) => *j == i,
                Job::Hub | Job::Channels | Job::Authors | Job::Tags | Job::Archive => true,
                // Any term shard may hold one of the item's words.
                // Facet files carry records; typo shards follow the words.
                Job::SearchIndex | Job::SearchTerms(_) => true,
                Job::SearchFacets(_) | Job::SearchTypos(_) => true,
                Job::SearchDocs(k) => *k == i / SEARCH_DOCS_PER_SHARD,
                Job::ArchiveYear(y) => *y == year,
                Job::Channel(c, p) => channel_page.get(c) == Some(&Some(*p)),
                Job::Author(a, p) => author_page.get(a) == Some(&Some(*p)),
                Job::Tag(t, p) => tag_page.get(t) == Some(&Some(*p)),
                Job::Links(p) => page_of(&site.link_items) == Some(*p),
                Job::Feed(of, _) => in_feed(*of),
                Job::Sitemap(_) | Job::SitemapIndex => with_sitemap,
                _ => false,
            })
            .cloned()
            .collect()
    }
}

impl Site {
    /// Whose cards the build draws: with `cards.enabled`, every item without
    /// its own `image`, every channel and every author, in table order.
    pub fn cards(&self) -> Vec<CardOf> {
        if !self.config.cards.enabled {
            return Vec::new();
        }
        let items = (0..self.items.len()).filter(|&i| self.items[i].image.is_none());
        (items.map(CardOf::Item))
            .chain((0..self.channels.len()).map(CardOf::Channel))
            .chain((0..self.authors.len()).map(CardOf::Author))
            .collect()
    }

    /// The card a page shows in link previews, when the build draws one.
    pub fn card_of(&self, of: CardOf) -> Option<String> {
        let drawn = self.config.cards.enabled
            && !matches!(of, CardOf::Item(i) if self.items[i].image.is_some());
        drawn.then(|| card_url(self, of))
    }

    /// Every list with feeds: what it lists, the URL of its first page and
    /// its length, in table order (channels, authors, tags).
    pub fn list_bases(&self) -> Vec<(FeedOf, String, usize)> {
        let channels = self.channels.iter().enumerate().map(|(c, ch)| {
            let len = self.channel_items[c].len();
            (FeedOf::Channel(c), channel_url(&ch.id), len)
        });
        let authors = self.authors.iter().enumerate().map(|(a, au)| {
            let len = self.author_items[a].len();
            (FeedOf::Author(a), author_url(&au.id), len)
        });
        let tags = self.tags.iter().enumerate().map(|(t, tag)| {
            let len = tag.items.len();
            (FeedOf::Tag(t), tag_url(&tag.slug), len)
        });
        channels.chain(authors).chain(tags).collect()
    }

    /// A channel's items as its pages show them: featured first, then the
    /// rest, each newest first.
    pub fn channel_list(&self, c: usize) -> Vec<usize> {
        let list = &self.channel_items[c];
        let featured = |i: &&usize| self.items[**i].featured;
        list.iter()
            .filter(featured)
            .chain(list.iter().filter(|i| !featured(i)))
            .copied()
            .collect()
    }

    /// The items a feed carries: the newest `feeds.limit` of its list.
    pub fn feed_items(&self, of: FeedOf) -> Cow<'_, [usize]> {
        let limit = self.config.feeds.limit;
        let list: &[usize] = match of {
            FeedOf::Channel(c) => &self.channel_items[c],
            FeedOf::Author(a) => &self.author_items[a],
            FeedOf::Tag(t) => &self.tags[t].items,
            FeedOf::Links => &self.link_items,
            // Items are sorted newest first: the site feed is their start.
            FeedOf::All => return Cow::Owned((0..self.items.len().min(limit)).collect()),
        };
        Cow::Borrowed(&list[..list.len().min(limit)])
    }

    /// The years that have items, newest first.
    pub fn archive_years(&self) -> Vec<i16> {
        let mut years: Vec<i16> = self.items.iter().map(|i| i.date.year()).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        years
    }

    /// The sitemap's `lastmod` of a route's job: the newest change it shows.
    pub fn lastmod(&self, job: &Job) -> Option<String> {
        let newest_of = |list: &[usize]| list.first().map(|&i| rfc3339(&self.items[i].date));
        match job {
            Job::Hub | Job::Channels | Job::Authors | Job::Tags | Job::Archive => self
                .items
                .first()
                .map(|it| rfc3339(it.updated.as_ref().unwrap_or(&it.date))),
            Job::Channel(c, _) => newest_of(&self.channel_items[*c]),
            Job::Author(a, _) => newest_of(&self.author_items[*a]),
            Job::Tag(t, _) => newest_of(&self.tags[*t].items),
            Job::Links(_) => newest_of(&self.link_items),
            Job::Item(i) => {
                let it = &self.items[*i];
                Some(rfc3339(it.updated.as_ref().unwrap_or(&it.date)))
            }
            Job::ArchiveYear(y) => self
                .items
                .iter()
                .find(|i| i.date.year() == *y)
                .map(|i| rfc3339(&i.date)),
            _ => None,
        }
    }
}

/// Collects routes in order.
#[derive(Default)]
struct Builder {
    list: Vec<Route>,
}

impl Builder {
    fn page(&mut self, url: &str, job: Job, indexed: bool) {
        self.list.push(Route {
            url: url.to_string(),
            path: output_path(url),
            job,
            indexed,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_pages_and_feeds_have_one_formula() {
        assert_eq!(list_page_url("/tags/x/", 1), "/tags/x/");
        assert_eq!(list_page_url("/tags/x/", 3), "/tags/x/page/3/");
        assert_eq!(feed_url("/", FeedFormat::Atom), "/atom.xml");
        assert_eq!(
            feed_url("/authors/a/", FeedFormat::Json),
            "/authors/a/feed.json"
        );
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
        assert_eq!(sitemap_chunks(50_001), 2);
    }
}
