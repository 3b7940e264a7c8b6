//! `site.yaml` → [`Config`]: typed, with unknown keys rejected and defaults
//! that match the spec.

use crate::diagnostics::{Location, Problem};
use crate::rules::Rule;
use crate::yaml;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The site configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(deserialize_with = "yaml::text")]
    pub title: String,
    pub base_url: String,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    #[serde(default)]
    pub permalinks: Permalinks,
    #[serde(default)]
    pub feeds: Feeds,
    #[serde(default)]
    pub highlight: Highlight,
    #[serde(default)]
    pub guidelines: Guidelines,
    #[serde(default)]
    pub markdown: MarkdownOptions,
    /// Items per channel on the hub (home) page.
    #[serde(default = "default_hub_items")]
    pub hub_items: usize,
    #[serde(default)]
    pub limits: Limits,
    /// Reader responses (`kurator responses pull`, SPEC §16).
    #[serde(default)]
    pub responses: ResponsesConfig,
    #[serde(default)]
    pub links: LinksConfig,
    /// Responsive, metadata-free raster images (SPEC §11).
    #[serde(default)]
    pub images: ImagesConfig,
    /// Generated share cards (SPEC §12).
    #[serde(default)]
    pub cards: CardsConfig,
    /// Share links and suggested share texts (SPEC §12).
    #[serde(default)]
    pub share: ShareConfig,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Where values that later stages report on were written.
    #[serde(skip)]
    pub spans: ConfigSpans,
}

/// Positions in `site.yaml`, recorded when it is parsed.
#[derive(Debug, Clone)]
pub struct ConfigSpans {
    /// The `theme:` key (the whole file when it is not set).
    pub theme: Location,
}

impl Default for ConfigSpans {
    fn default() -> Self {
        ConfigSpans {
            theme: Location::file("site.yaml"),
        }
    }
}

/// URL patterns per content kind; tokens `:year`, `:month`, `:day`, `:slug`, `:lang`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Permalinks {
    pub article: String,
    pub link: String,
    pub page: String,
}

impl Default for Permalinks {
    fn default() -> Self {
        Permalinks {
            article: "/:year/:month/:slug/".into(),
            link: "/links/:slug/".into(),
            page: "/:slug/".into(),
        }
    }
}

/// Image processing (SPEC §11).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths of the responsive variants; a source is never upscaled.
    pub widths: Vec<u32>,
    /// Modern formats published besides the JPEG/PNG fallback.
    pub formats: Vec<ImageFormat>,
    /// Lossy quality, 1–100, for JPEG and WebP.
    pub quality: u8,
    /// Remove EXIF/XMP/IPTC (and so GPS) from every published raster file.
    pub strip_metadata: bool,
    /// Sources with more pixels are refused before decoding.
    pub max_pixels: u64,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            formats: vec![ImageFormat::Webp],
            quality: 80,
            strip_metadata: true,
            max_pixels: 50_000_000,
        }
    }
}

/// A modern image format published besides the fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Webp,
    /// Opt-in: smaller than WebP, much slower to encode (docs/images.md).
    Avif,
}

/// Feed settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Feeds {
    pub formats: Vec<FeedFormat>,
    pub limit: usize,
    pub all: bool,
    /// Whether entries carry the whole text or only a summary.
    pub content: FeedContent,
}

/// What a feed entry carries (`feeds.content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The whole text (curated links: quote and commentary).
    #[default]
    Full,
    /// The summary (articles) or the quote and the commentary's first
    /// paragraph (curated links): smaller feeds, readers click through.
    Summary,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds {
            formats: vec![FeedFormat::Atom, FeedFormat::Json],
            limit: 50,
            all: false,
            content: FeedContent::Full,
        }
    }
}

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    Atom,
    Json,
}

/// Syntax highlighting themes (syntect theme names).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Highlight {
    pub theme: String,
    pub dark_theme: Option<String>,
}

impl Default for Highlight {
    fn default() -> Self {
        Highlight {
            theme: "InspiredGitHub".into(),
            dark_theme: Some("base16-ocean.dark".into()),
        }
    }
}

/// Guideline rules checked by `kurator check` (and `build`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Guidelines {
    pub confidential_markers: Vec<String>,
    pub banned_terms: Vec<BannedTerm>,
    pub disclosure_required_for: Vec<String>,
    pub max_quote_words: Option<usize>,
    pub require_alt_text: bool,
    /// Per-rule severity override: `error`, `warning` or `off`.
    pub severity: BTreeMap<Rule, RuleSeverity>,
}

/// A term authors must not use, with the reason shown to them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BannedTerm {
    pub term: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Configured severity of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSeverity {
    Error,
    Warning,
    Off,
}

/// Markdown options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownOptions {
    /// Trust raw HTML in markdown as is (default: sanitise it).
    pub unsafe_html: bool,
}

/// Per-file resource limits that keep one hostile or accidental file from
/// hanging or exhausting a build.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Content files larger than this many bytes are refused with a
    /// `file-too-large` error (default 8 MiB).
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: crate::content::front_matter::MAX_FILE_BYTES,
        }
    }
}

/// The Wayback Machine availability API (`links.archive_api`).
pub const DEFAULT_ARCHIVE_API: &str = "https://archive.org/wayback/available";

/// Settings of the curation aids (`check --external --suggest-archive`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// Base URL of the Wayback Machine availability API (tests point it at loopback).
    pub archive_api: String,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            archive_api: DEFAULT_ARCHIVE_API.into(),
        }
    }
}

/// Generated Open Graph images (`cards:`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CardsConfig {
    pub enabled: bool,
    /// Site-relative path of a logo drawn on every card (SVG or PNG under `static/`).
    pub logo: Option<String>,
}

impl Default for CardsConfig {
    fn default() -> Self {
        CardsConfig {
            enabled: true,
            logo: None,
        }
    }
}

/// A network an item page offers a share link for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Linkedin,
    Xing,
    Mastodon,
    Bluesky,
    Email,
    Copy,
}

impl Network {
    /// The most characters a post may have on the network, when it limits them.
    pub fn char_limit(self) -> Option<usize> {
        match self {
            Network::Bluesky => Some(300),
            Network::Mastodon => Some(500),
            _ => None,
        }
    }

    /// The name as written in `site.yaml`.
    pub fn key(self) -> &'static str {
        match self {
            Network::Linkedin => "linkedin",
            Network::Xing => "xing",
            Network::Mastodon => "mastodon",
            Network::Bluesky => "bluesky",
            Network::Email => "email",
            Network::Copy => "copy",
        }
    }
}

/// Share links (`share:`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShareConfig {
    pub networks: Vec<Network>,
    /// Appended to every suggested share text, e.g. "(Ich arbeite bei Nordlicht.)".
    #[serde(deserialize_with = "yaml::text")]
    pub signature: String,
}

impl Default for ShareConfig {
    fn default() -> Self {
        use Network::*;
        ShareConfig {
            networks: vec![Linkedin, Xing, Mastodon, Bluesky, Email, Copy],
            signature: String::new(),
        }
    }
}

/// Where `kurator responses pull` looks for responses, and what it keeps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResponsesConfig {
    pub webmention_io: Option<WebmentionIo>,
    /// The Bluesky AppView that answers `getPostThread` and `resolveHandle`.
    pub bluesky_api: String,
    pub avatars: AvatarPolicy,
}

impl Default for ResponsesConfig {
    fn default() -> Self {
        ResponsesConfig {
            webmention_io: None,
            bluesky_api: "https://public.api.bsky.app".into(),
            avatars: AvatarPolicy::Local,
        }
    }
}

/// The webmention.io account of the site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebmentionIo {
    pub domain: String,
    /// Name of the environment variable that holds the API token.
    pub token_env: String,
    #[serde(default = "default_webmention_api")]
    pub api: String,
}

/// What happens to responders' pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AvatarPolicy {
    /// Downloaded into `static/responses/` under a content-hash name.
    Local,
    /// Not stored at all.
    None,
}

fn default_webmention_api() -> String {
    "https://webmention.io".into()
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_timezone() -> String {
    "UTC".into()
}
fn default_paginate() -> usize {
    20
}
fn default_hub_items() -> usize {
    6
}

const KNOWN_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "languages",
    "theme",
    "timezone",
    "paginate",
    "permalinks",
    "feeds",
    "highlight",
    "guidelines",
    "images",
    "markdown",
    "hub_items",
    "limits",
    "links",
    "responses",
    "cards",
    "share",
    "extra",
];

impl Config {
    /// Parses and validates `site.yaml` text. `base_url_override` is `--base-url`.
    pub fn parse(
        text: &str,
        base_url_override: Option<&str>,
    ) -> Result<Config, (Location, Problem)> {
        const FILE: &str = "site.yaml";
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut cfg: Config = yaml::from_str(text, FILE, 1, KNOWN_KEYS)?;
        let at = |key: &str| {
            let (l, c) = yaml::locate_key(text, key).unwrap_or((1, 1));
            Location::at(FILE, l, c)
        };
        if let Some(u) = base_url_override {
            cfg.base_url = u.to_string();
        }
        cfg.base_url = cfg.base_url.trim_end_matches('/').to_string();
        if !(cfg.base_url.starts_with("http://") || cfg.base_url.starts_with("https://")) {
            return Err((
                at("base_url"),
                Problem::BadUrl {
                    field: "base_url".into(),
                    value: cfg.base_url,
                },
            ));
        }
        if jiff::tz::TimeZone::get(&cfg.timezone).is_err() {
            return Err((at("timezone"), Problem::BadTimezone { name: cfg.timezone }));
        }
        if cfg.paginate == 0 {
            return Err((
                at("paginate"),
                Problem::WrongType {
                    message: "`paginate` must be at least 1".into(),
                },
            ));
        }
        if cfg.limits.max_file_bytes == 0 {
            return Err((
                at("limits"),
                Problem::WrongType {
                    message: "`limits.max_file_bytes` must be at least 1".into(),
                },
            ));
        }
        let im = &cfg.images;
        let bad_images = if im.widths.is_empty() || im.widths.iter().any(|&w| w == 0 || w > 16_384)
        {
            Some("`images.widths` needs at least one width between 1 and 16384")
        } else if !(1..=100).contains(&im.quality) {
            Some("`images.quality` must be between 1 and 100")
        } else if im.max_pixels == 0 {
            Some("`images.max_pixels` must be at least 1")
        } else {
            None
        };
        if let Some(message) = bad_images {
            let message = message.into();
            return Err((at("images"), Problem::WrongType { message }));
        }
        cfg.images.widths.sort_unstable();
        cfg.images.widths.dedup();
        if cfg.languages.is_empty() {
            cfg.languages.push(cfg.language.clone());
        }
        if let Some((l, c)) = yaml::locate_key(text, "theme") {
            cfg.spans.theme = Location::at(FILE, l, c);
        }
        Ok(cfg)
    }

    /// The site time zone (validated in [`Config::parse`]).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec() {
        let c = Config::parse("title: T\nbase_url: https://x.example/\n", None).unwrap();
        assert_eq!(c.base_url, "https://x.example");
        assert_eq!(c.paginate, 20);
        assert_eq!(c.permalinks.article, "/:year/:month/:slug/");
        assert_eq!(c.feeds.limit, 50);
        assert!(!c.feeds.all);
        assert_eq!(c.limits.max_file_bytes, 8 * 1024 * 1024);
    }

    #[test]
    fn file_size_limit_is_configurable() {
        let c = Config::parse(
            "title: T\nbase_url: https://x\nlimits:\n  max_file_bytes: 1000\n",
            None,
        )
        .unwrap();
        assert_eq!(c.limits.max_file_bytes, 1000);
        let (loc, p) = Config::parse(
            "title: T\nbase_url: https://x\nlimits:\n  max_file_byte: 1000\n",
            None,
        )
        .unwrap_err();
        assert_eq!(loc.line, Some(4));
        assert!(
            matches!(p, Problem::UnknownKey { suggestion: Some(ref s), .. } if s == "max_file_bytes")
        );
    }

    #[test]
    fn unknown_key_suggests_closest() {
        let (loc, p) =
            Config::parse("title: T\nbase_url: https://x\npaginte: 3\n", None).unwrap_err();
        assert_eq!(loc.line, Some(3));
        assert!(
            matches!(p, Problem::UnknownKey { suggestion: Some(ref s), .. } if s == "paginate")
        );
    }

    #[test]
    fn bad_timezone_is_located() {
        let (loc, p) = Config::parse(
            "title: T\nbase_url: https://x\ntimezone: Mars/Olympus\n",
            None,
        )
        .unwrap_err();
        assert_eq!(loc.line, Some(3));
        assert!(matches!(p, Problem::BadTimezone { .. }));
    }
}
