//! Template context: the plain, serialisable structs every Tera template sees.
//!
//! This file is the contract between the Rust pipeline and the themes; it is
//! documented for theme authors in `docs/templates.md`. List entries
//! ([`ItemCard`]) never carry page bodies, so a channel page with 20 cards does
//! not clone 20 rendered articles.

use serde::Serialize;

/// A short reference to an author, used in bylines and lists.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorRef {
    pub id: String,
    pub name: String,
    pub url: String,
    pub role: Option<String>,
    /// Avatar URL (site-relative or absolute), if the profile has one.
    pub avatar: Option<String>,
    /// The avatar's responsive variants (`srcset`), for raster avatars.
    pub avatar_srcset: Option<String>,
    pub active: bool,
}

/// A short reference to a channel.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelRef {
    pub id: String,
    pub title: String,
    pub url: String,
    /// Accent colour such as `#0f62fe`, validated to be a hex colour.
    pub color: Option<String>,
}

/// A short reference to a tag.
#[derive(Debug, Clone, Serialize)]
pub struct TagRef {
    pub name: String,
    pub slug: String,
    pub url: String,
}

/// The outside source of a curated link.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    /// The external article's URL.
    pub url: String,
    /// The publication, e.g. "PR-Blogger".
    pub name: String,
    pub author: Option<String>,
    /// Host name of `url`, without `www.`.
    pub domain: String,
    /// An archived copy of the article (`archive:`), if the curator gave one.
    pub archive: Option<String>,
}

/// One article or curated link in a list (hub, channel, author, tag, archive).
#[derive(Debug, Clone, Serialize)]
pub struct ItemCard {
    /// `"article"` or `"link"`.
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    /// RFC 3339 date-time, for `<time datetime>`.
    pub date: String,
    /// Localised date in the item's language ("16. April 2020" / "April 16, 2020").
    pub date_display: String,
    pub lang: String,
    /// Summary as sanitised HTML.
    pub summary_html: String,
    pub authors: Vec<AuthorRef>,
    pub channels: Vec<ChannelRef>,
    pub tags: Vec<TagRef>,
    pub reading_time: u32,
    /// "2 Minuten Lesedauer" / "2 min read".
    pub reading_time_display: String,
    pub featured: bool,
    /// Set for curated links only.
    pub source: Option<SourceRef>,
    /// Approved reader responses by kind (all zero when there are none).
    pub response_counts: crate::site::responses::Counts,
    /// This card as the theme's `card` macro draws it at level 3, with the
    /// summary when `card_summary`: rendered once per page language and
    /// printed by `cards` (empty when not cached; see `render::card_html`).
    pub card_html: String,
    /// Whether `card_html` is the variant with the summary.
    pub card_summary: bool,
    /// Whether `card_html` holds the card. Templates test this, not the
    /// string: Tera escapes a string it evaluates for `{% if %}`, which on
    /// every card of every list was ~4 % of the reference build's CPU.
    pub card_cached: bool,
}

/// A link to the same content in another language.
#[derive(Debug, Clone, Serialize)]
pub struct Translation {
    pub lang: String,
    pub title: String,
    pub url: String,
}

/// A "continue the discussion" link (LinkedIn, Mastodon …).
#[derive(Debug, Clone, Serialize)]
pub struct NamedLink {
    /// The key as written in front matter, e.g. `linkedin`.
    pub name: String,
    /// A human label, e.g. `LinkedIn`.
    pub label: String,
    pub url: String,
}

/// The full article or curated link shown on its own page.
#[derive(Debug, Clone, Serialize)]
pub struct ItemPage {
    #[serde(flatten)]
    pub card: ItemCard,
    pub content_html: String,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub word_count: usize,
    pub disclosure: Option<String>,
    pub discuss: Vec<NamedLink>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// The item this one replies to (`in_reply_to`).
    pub parent: Option<ItemCard>,
    /// Items that reply to this one, oldest first.
    pub replies: Vec<ItemCard>,
    pub translations: Vec<Translation>,
    pub related: Vec<ItemCard>,
    /// Neighbours in the item's first channel, by date.
    pub prev: Option<ItemCard>,
    pub next: Option<ItemCard>,
    /// Curated links only: the quoted passage, plain text.
    pub quote: Option<String>,
    /// Curated links only: where the curator found it.
    pub via: Option<String>,
    /// Approved reader responses; `None` when there are none.
    pub responses: Option<super::responses::ResponsesView>,
}

/// A channel with what its list pages need.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelSummary {
    #[serde(flatten)]
    pub channel: ChannelRef,
    pub description: Option<String>,
    pub curators: Vec<AuthorRef>,
    /// Number of published items in the channel.
    pub count: usize,
    /// Channel introduction as HTML (empty on list pages' cards is fine).
    pub content_html: String,
    pub feeds: Vec<FeedLink>,
}

/// One hub section: a channel and its newest items, featured first.
#[derive(Debug, Clone, Serialize)]
pub struct HubSection {
    pub channel: ChannelSummary,
    pub items: Vec<ItemCard>,
}

/// An author with counts, for `/authors/` and the author page.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorSummary {
    #[serde(flatten)]
    pub author: AuthorRef,
    pub department: Option<String>,
    pub article_count: usize,
    pub link_count: usize,
    pub bio_html: String,
    pub links: Vec<NamedLink>,
    pub languages: Vec<String>,
    pub feeds: Vec<FeedLink>,
}

/// A tag with its number of items.
#[derive(Debug, Clone, Serialize)]
pub struct TagSummary {
    #[serde(flatten)]
    pub tag: TagRef,
    pub count: usize,
    /// 1 (rare) to 5 (frequent), for a tag cloud.
    pub weight: u8,
}

/// Pagination state of a list page.
#[derive(Debug, Clone, Serialize)]
pub struct Paginator {
    /// 1-based.
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// The first and last page and those next to the current one.
    pub pages: Vec<PageLink>,
}

/// A numbered link inside a [`Paginator`].
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    /// Pages between the previous link and this one are not listed.
    pub gap: bool,
}

/// A feed a page offers for subscription (autodiscovery and visible links).
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    /// MIME type: `application/atom+xml` or `application/feed+json`.
    pub mime: &'static str,
}

/// A navigation entry from `pages/` with `menu: true`.
#[derive(Debug, Clone, Serialize)]
pub struct MenuEntry {
    pub title: String,
    pub url: String,
    pub weight: i64,
}

/// A breadcrumb step.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

/// One year in the archive.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveYear {
    pub year: i16,
    pub url: String,
    pub count: usize,
    pub months: Vec<ArchiveMonth>,
}

/// One month of a year in the archive.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveMonth {
    pub month: i8,
    /// Localised month name.
    pub name: String,
    pub items: Vec<ItemCard>,
}

/// Site-wide values, the same on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteContext {
    pub title: String,
    pub description: Option<String>,
    /// Absolute, without trailing slash.
    pub base_url: String,
    pub language: String,
    pub languages: Vec<String>,
    pub menu: Vec<MenuEntry>,
    pub channels: Vec<ChannelRef>,
    pub feeds: Vec<FeedLink>,
    /// Whether `/feeds.opml` exists (at least one channel and a feed format).
    pub has_opml: bool,
    pub extra: serde_json::Value,
    /// Hash-busted URLs of the theme's stylesheets, in order.
    pub stylesheets: Vec<String>,
}

/// Metadata for `<head>`: title, description, canonical URL, social and
/// structured data. `jsonld` is already serialised and safe inside `<script>`.
#[derive(Debug, Clone, Serialize)]
pub struct Seo {
    /// The document title without the site suffix.
    pub title: String,
    pub description: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// OpenGraph type: `website`, `article` or `profile`.
    pub og_type: &'static str,
    /// Absolute image URL for link previews.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// Pixel size of `image`, when kurator knows it (its own share cards).
    pub image_width: Option<u32>,
    pub image_height: Option<u32>,
    pub alternates: Vec<Translation>,
    pub feeds: Vec<FeedLink>,
    pub breadcrumbs: Vec<Crumb>,
    /// JSON-LD, escaped so that no `</script` or `<!--` can appear.
    pub jsonld: String,
    /// Whether search engines should skip the page (404, paginated lists stay indexable).
    pub noindex: bool,
}
