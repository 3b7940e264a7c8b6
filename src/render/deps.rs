//! Which output files show an item. `serve` re-renders exactly these when
//! an article or link changed in place — same date, slug, authors,
//! channels, tags, language and relations, only its text — so this mirrors
//! the choices of the page and feed functions: featured-first channel
//! pages, pagination, feed limits, archive years.

use super::{FeedOf, Job, Renderer};

impl Renderer<'_> {
    /// Every job whose output can show item `i` (its title, summary, body
    /// or card). `with_sitemap` adds the sitemaps, for a changed `updated`.
    pub fn jobs_showing(&self, i: usize, with_sitemap: bool) -> Vec<Job> {
        let site = self.views.site;
        let per = site.config.paginate.max(1);
        let page_of = |list: &[usize]| list.iter().position(|&j| j == i).map(|p| p / per + 1);
        let in_feed = |list: &[usize]| list.iter().take(site.config.feeds.limit).any(|&j| j == i);
        let mut jobs = vec![
            Job::Item(i),
            Job::Hub,
            Job::Channels,
            Job::Authors,
            Job::Tags,
            Job::Archive,
            Job::ArchiveYear(site.items[i].date.year()),
        ];
        jobs.extend(super::search::jobs_for_item(site, i));
        // Pages of other items that show this one as a card or a title.
        for (j, l) in site.links.iter().enumerate() {
            let shows = l.prev == Some(i)
                || l.next == Some(i)
                || l.parent == Some(i)
                || l.replies.contains(&i)
                || l.translations.contains(&i)
                || l.related.contains(&i);
            if shows && j != i {
                jobs.push(Job::Item(j));
            }
        }
        let links = &site.links[i];
        let mut feeds = Vec::new();
        for &c in &links.channels {
            let list = &site.channel_items[c];
            let featured_first: Vec<usize> = list
                .iter()
                .filter(|&&j| site.items[j].featured)
                .chain(list.iter().filter(|&&j| !site.items[j].featured))
                .copied()
                .collect();
            jobs.extend(page_of(&featured_first).map(|p| Job::Channel(c, p)));
            if in_feed(list) {
                feeds.push(FeedOf::Channel(c));
            }
        }
        for &a in &links.authors {
            let list = &site.author_items[a];
            jobs.extend(page_of(list).map(|p| Job::Author(a, p)));
            if in_feed(list) {
                feeds.push(FeedOf::Author(a));
            }
        }
        for &t in &links.tags {
            let list = &site.tags[t].items;
            jobs.extend(page_of(list).map(|p| Job::Tag(t, p)));
            if in_feed(list) {
                feeds.push(FeedOf::Tag(t));
            }
        }
        if site.config.feeds.all && i < site.config.feeds.limit {
            feeds.push(FeedOf::All);
        }
        for &f in &site.config.feeds.formats {
            jobs.extend(feeds.iter().map(|&of| Job::Feed(of, f)));
        }
        if with_sitemap {
            let n = super::sitemap::chunks(self.sitemap_len());
            if n > 1 {
                jobs.push(Job::SitemapIndex);
            }
            jobs.extend((0..n).map(Job::Sitemap));
        }
        jobs
    }
}
