//! Builds the template context structs from the resolved site. Pure
//! functions of the model: rendering never mutates the site.

use super::context::*;
use super::theme::Theme;
use crate::config::FeedFormat;
use crate::content::date;
use crate::content::markdown::{plain_summary, reading_time};
use crate::content::ItemKind;
use crate::site::routes::{author_url, channel_url, feed_url, tag_url};
use crate::site::Site;
use rayon::prelude::*;

/// Pre-computed views shared by all pages of a build.
pub struct Views<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    /// One card per item, index-aligned with `site.items`.
    pub cards: Vec<ItemCard>,
    pub authors: Vec<AuthorRef>,
    pub channels: Vec<ChannelRef>,
    pub tags: Vec<TagRef>,
    /// Curators of each channel, as author indices (unknown ids dropped).
    curators: Vec<Vec<usize>>,
    /// Item count of the most used tag, for tag-cloud weights.
    max_tag_count: usize,
}

/// [`Views`] without their borrows of the site and theme.
pub struct ViewParts {
    cards: Vec<ItemCard>,
    authors: Vec<AuthorRef>,
    channels: Vec<ChannelRef>,
    tags: Vec<TagRef>,
    curators: Vec<Vec<usize>>,
    max_tag_count: usize,
}

impl<'a> Views<'a> {
    /// Computes the cards and references once.
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let authors = site.authors.iter().map(author_ref).collect();
        let channels = site.channels.iter().map(channel_ref).collect();
        let tags = site.tags.iter().map(tag_ref).collect();
        let ids: rustc_hash::FxHashMap<&str, usize> = site
            .authors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let curators = site
            .channels
            .iter()
            .map(|c| {
                c.curators
                    .iter()
                    .filter_map(|id| ids.get(id.as_str()).copied())
                    .collect()
            })
            .collect();
        let max_tag_count = site
            .tags
            .iter()
            .map(|t| t.items.len())
            .max()
            .unwrap_or(1)
            .max(1);
        let mut v = Views {
            site,
            theme,
            cards: Vec::new(),
            authors,
            channels,
            tags,
            curators,
            max_tag_count,
        };
        // Serial, the cards were a tenth of a second of one idle core at 10k.
        v.cards = (0..site.items.len())
            .into_par_iter()
            .with_max_len(64)
            .map(|i| v.build_card(i))
            .collect();
        v
    }

    /// Recomputes the card of item `i` after the item changed in place.
    pub fn refresh_card(&mut self, i: usize) {
        if i < self.cards.len() {
            self.cards[i] = self.build_card(i);
        }
    }

    /// The owned part of the views, to keep between rebuilds.
    pub fn into_parts(self) -> ViewParts {
        ViewParts {
            cards: self.cards,
            authors: self.authors,
            channels: self.channels,
            tags: self.tags,
            curators: self.curators,
            max_tag_count: self.max_tag_count,
        }
    }

    /// Views over `site` from parts computed for the same site before (only
    /// items changed in place since, see [`Views::refresh_card`]).
    pub fn from_parts(site: &'a Site, theme: &'a Theme, p: ViewParts) -> Self {
        Views {
            site,
            theme,
            cards: p.cards,
            authors: p.authors,
            channels: p.channels,
            tags: p.tags,
            curators: p.curators,
            max_tag_count: p.max_tag_count,
        }
    }

    fn build_card(&self, i: usize) -> ItemCard {
        let it = &self.site.items[i];
        let l = &self.site.links[i];
        let s = self.theme.strings_for(&l.lang);
        let minutes = reading_time(it.body.word_count);
        let summary_html = match (&it.summary, &it.body.summary_html) {
            (Some(text), _) => plain_summary(text),
            (None, Some(html)) => html.clone(),
            (None, None) => String::new(),
        };
        ItemCard {
            kind: match it.kind {
                ItemKind::Article => "article",
                ItemKind::Link => "link",
            },
            title: it.title.clone(),
            url: l.url.clone(),
            date: date::rfc3339(&it.date),
            date_display: date::display(&it.date, &s.date_format, &s.months),
            lang: l.lang.clone(),
            summary_html,
            authors: l.authors.iter().map(|&a| self.authors[a].clone()).collect(),
            channels: l
                .channels
                .iter()
                .map(|&c| self.channels[c].clone())
                .collect(),
            tags: l.tags.iter().map(|&t| self.tags[t].clone()).collect(),
            reading_time: minutes,
            reading_time_display: match (&s.reading_time_one, minutes) {
                (Some(one), 1) => one.clone(),
                _ => s.reading_time.replace("{n}", &minutes.to_string()),
            },
            featured: it.featured,
            source: it.link.as_ref().map(|src| SourceRef {
                url: src.url.clone(),
                name: src.source.clone(),
                author: src.source_author.clone(),
                domain: domain_of(&src.url),
                archive: src.archive.clone(),
            }),
            response_counts: self.site.responses.counts(&it.origin.rel),
            card_html: String::new(),
            card_summary: false,
            card_cached: false,
        }
    }

    /// The full view of one article or link page.
    pub fn item_page(&self, i: usize) -> ItemPage {
        let it = &self.site.items[i];
        let l = &self.site.links[i];
        let s = self.theme.strings_for(&l.lang);
        let card = |j: usize| self.cards[j].clone();
        ItemPage {
            card: card(i),
            content_html: it.body.html.unpack(),
            updated: it.updated.as_ref().map(date::rfc3339),
            updated_display: it
                .updated
                .as_ref()
                .map(|u| date::display(u, &s.date_format, &s.months)),
            word_count: it.body.word_count,
            disclosure: it.disclosure.clone(),
            discuss: named_links(&it.discuss),
            image: it.image.clone(),
            image_alt: it.image_alt.clone(),
            parent: l.parent.map(card),
            replies: l.replies.iter().map(|&j| card(j)).collect(),
            translations: l
                .translations
                .iter()
                .map(|&j| Translation {
                    lang: self.site.links[j].lang.clone(),
                    title: self.site.items[j].title.clone(),
                    url: self.site.links[j].url.clone(),
                })
                .collect(),
            related: l.related.iter().map(|&j| card(j)).collect(),
            prev: l.prev.map(card),
            next: l.next.map(card),
            quote: it.link.as_ref().and_then(|s| s.quote.clone()),
            via: it.link.as_ref().and_then(|s| s.via.clone()),
            responses: super::responses::view(self.site, self.theme, &it.origin.rel, &l.lang),
        }
    }

    /// A channel with curators, counts and feeds.
    pub fn channel_summary(&self, c: usize, with_intro: bool) -> ChannelSummary {
        let ch = &self.site.channels[c];
        ChannelSummary {
            channel: self.channels[c].clone(),
            description: ch.description.clone(),
            curators: self.curators[c]
                .iter()
                .map(|&a| self.authors[a].clone())
                .collect(),
            count: self.site.channel_items[c].len(),
            content_html: if with_intro {
                ch.intro.html.unpack()
            } else {
                String::new()
            },
            feeds: self.feeds(&channel_url(&ch.id), &ch.title),
        }
    }

    /// An author with counts, bio and links.
    pub fn author_summary(&self, a: usize) -> AuthorSummary {
        let au = &self.site.authors[a];
        let items = &self.site.author_items[a];
        let link_count = items
            .iter()
            .filter(|&&i| self.site.items[i].kind == ItemKind::Link)
            .count();
        AuthorSummary {
            author: self.authors[a].clone(),
            department: au.department.clone(),
            article_count: items.len() - link_count,
            link_count,
            bio_html: au.bio.html.unpack(),
            links: named_links(&au.links),
            languages: au.languages.clone(),
            feeds: self.feeds(&author_url(&au.id), &au.name),
        }
    }

    /// A tag with its count and cloud weight.
    pub fn tag_summary(&self, t: usize) -> TagSummary {
        let count = self.site.tags[t].items.len();
        let max = self.max_tag_count;
        // Logarithmic buckets: a Zipf-shaped tag list still uses all five weights.
        let weight = 1
            + ((count as f64).ln() / (max as f64).ln().max(1e-9) * 4.0)
                .round()
                .clamp(0.0, 4.0) as u8;
        TagSummary {
            tag: self.tags[t].clone(),
            count,
            weight,
        }
    }

    /// The feeds written for a list at `base` (e.g. `/channels/x/`).
    pub fn feeds(&self, base: &str, title: &str) -> Vec<FeedLink> {
        self.site
            .config
            .feeds
            .formats
            .iter()
            .map(|f| match f {
                FeedFormat::Atom => FeedLink {
                    title: format!("{title} (Atom)"),
                    url: feed_url(base, *f),
                    mime: "application/atom+xml",
                },
                FeedFormat::Json => FeedLink {
                    title: format!("{title} (JSON Feed)"),
                    url: feed_url(base, *f),
                    mime: "application/feed+json",
                },
            })
            .collect()
    }
}

/// `(key, url)` pairs (discussion places, profile links) with their labels.
fn named_links(pairs: &[(String, String)]) -> Vec<NamedLink> {
    let named = |(k, u): &(String, String)| NamedLink {
        name: k.clone(),
        label: label_of(k),
        url: u.clone(),
    };
    pairs.iter().map(named).collect()
}

fn author_ref(a: &crate::content::Author) -> AuthorRef {
    AuthorRef {
        url: author_url(&a.id),
        id: a.id.clone(),
        name: a.name.clone(),
        role: a.role.clone(),
        avatar: a.avatar.clone(),
        avatar_srcset: a.avatar_srcset.clone(),
        active: a.active,
    }
}

fn channel_ref(c: &crate::content::Channel) -> ChannelRef {
    ChannelRef {
        url: channel_url(&c.id),
        id: c.id.clone(),
        title: c.title.clone(),
        color: c.color.clone(),
    }
}

fn tag_ref(t: &crate::site::Tag) -> TagRef {
    TagRef {
        url: tag_url(&t.slug),
        name: t.name.clone(),
        slug: t.slug.clone(),
    }
}

/// Host of a URL without `www.`, for "recommended from outside (domain)".
pub fn domain_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    host.strip_prefix("www.").unwrap_or(host).to_lowercase()
}

fn label_of(key: &str) -> String {
    match key {
        "linkedin" => "LinkedIn".into(),
        "xing" => "XING".into(),
        "mastodon" => "Mastodon".into(),
        "github" => "GitHub".into(),
        "website" => "Website".into(),
        "bluesky" => "Bluesky".into(),
        "twitter" | "x" => "X".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_strips_www_port_and_path() {
        assert_eq!(
            domain_of("https://www.PR-Blogger.de:443/x?y"),
            "pr-blogger.de"
        );
        assert_eq!(domain_of("http://a.example"), "a.example");
    }
}
