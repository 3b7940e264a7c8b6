//! Parsing one source file into a plain content struct. Parsing never looks
//! at other files: references between files are checked in `site::resolve`.

pub mod date;
pub mod front_matter;
pub mod highlight;
pub mod markdown;
pub mod packed;
pub mod responses;
pub mod slug;

mod schema;

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::discover::{Kind, SourceFile};
use crate::yaml;
use highlight::Highlighter;
use jiff::Zoned;
use markdown::{RenderOptions, Rendered};
use std::sync::Arc;

/// Where a parsed file came from, to locate problems found later.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Path relative to the site root.
    pub rel: String,
    pub front_matter: String,
    pub fm_line: usize,
    /// The markdown; shared, not copied, by `serve`'s parse cache (an
    /// `Arc<String>`, not `Arc<str>`: it keeps the file's buffer).
    pub body: Arc<String>,
    pub body_line: usize,
    /// Positions of the values later stages report on.
    pub spans: Spans,
}

/// Positions (line, column in the file) of the front-matter values that
/// resolving and checking report on, found once when the file is parsed,
/// so later stages never read YAML text again.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    keys: Vec<(&'static str, (usize, usize))>,
    items: Vec<(&'static str, String, (usize, usize))>,
    /// (key, sub-key) of an outbound URL → where the URL itself starts.
    urls: Vec<(&'static str, Option<String>, (usize, usize))>,
}

impl Origin {
    /// Records where `keys` and the elements of `lists` were written.
    pub(in crate::content) fn record(
        &mut self,
        keys: &[&'static str],
        lists: &[(&'static str, &[String])],
    ) {
        let pos = |l: Location| (l.line.unwrap_or(1), l.column.unwrap_or(1));
        let mut spans = Spans::default();
        for &k in keys {
            if let Some((l, c)) = yaml::locate_key(&self.front_matter, k) {
                spans.keys.push((k, (self.fm_line + l - 1, c)));
            }
        }
        for &(k, values) in lists {
            for v in values {
                spans.items.push((k, v.clone(), pos(self.key_item(k, v))));
            }
        }
        spans.urls = std::mem::take(&mut self.spans.urls);
        self.spans = spans;
    }

    /// Records, as `name`, where the value of `child` inside the top-level
    /// mapping `parent` starts, in block (`parent:⏎  child: …`) or inline
    /// (`parent: {child: …}`) form.
    pub(in crate::content) fn record_nested(
        &mut self,
        parent: &'static str,
        child: &str,
        name: &'static str,
    ) {
        let Some((pl, _)) = yaml::locate_key(&self.front_matter, parent) else {
            return;
        };
        let lines = self.front_matter.lines().enumerate().skip(pl - 1);
        for (i, line) in lines {
            let nested = i + 1 > pl;
            if nested && !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
                break;
            }
            let from = if nested { 0 } else { parent.len() + 1 };
            let Some(rest) = line.get(from..) else {
                continue;
            };
            let found = rest.match_indices(child).find(|&(p, _)| {
                let before = rest[..p].trim_end();
                let after = &rest[p + child.len()..];
                after.starts_with(':') && (before.is_empty() || before.ends_with(['{', ',']))
            });
            if let Some((p, _)) = found {
                let after = &rest[p + child.len() + 1..];
                let pad = after.len() - after.trim_start().len();
                let col = line[..from + p].chars().count() + child.chars().count() + 2 + pad;
                self.spans.keys.push((name, (self.fm_line + i, col)));
                return;
            }
        }
    }

    /// Records where outbound URLs — `(key, sub-key, url)` — were written:
    /// at the URL itself, after any opening quote (`check --external`
    /// points there).
    pub(in crate::content) fn record_urls(&mut self, urls: &[(&'static str, Option<&str>, &str)]) {
        for &(key, sub, url) in urls {
            let loc = match sub {
                Some(s) => self.key_item(key, s),
                None => self.key(key),
            };
            let pos = self.at_text(&loc, url);
            self.spans.urls.push((key, sub.map(str::to_string), pos));
        }
    }

    /// The position of `text` on `loc`'s line at or after `loc`, else `loc`'s.
    fn at_text(&self, loc: &Location, text: &str) -> (usize, usize) {
        let (line, col) = (loc.line.unwrap_or(1), loc.column.unwrap_or(1));
        let source = line
            .checked_sub(self.fm_line)
            .and_then(|i| self.front_matter.lines().nth(i));
        let Some(source) = source else {
            return (line, col);
        };
        let from = (source.char_indices().nth(col - 1)).map_or(source.len(), |(b, _)| b);
        match source[from..].find(text) {
            Some(p) => (line, source[..from + p].chars().count() + 1),
            None => (line, col),
        }
    }

    /// Where the outbound URL at `key` (or `key.sub`) was written.
    pub fn at_url(&self, key: &str, sub: Option<&str>) -> Location {
        let found = (self.spans.urls.iter()).find(|(k, s, _)| *k == key && s.as_deref() == sub);
        match (found, sub) {
            (Some((_, _, (l, c))), _) => Location::at(&self.rel, *l, *c),
            (None, Some(s)) => self.at_item(key, s),
            (None, None) => self.at(key),
        }
    }

    /// Where the value of `key` was written (the file's start when it was
    /// not, or was not recorded).
    pub fn at(&self, key: &str) -> Location {
        match self.spans.keys.iter().find(|(k, _)| *k == key) {
            Some((_, (l, c))) => Location::at(&self.rel, *l, *c),
            None => Location::at(&self.rel, 1, 1),
        }
    }

    /// Where the list element `value` of `key` was written.
    pub fn at_item(&self, key: &str, value: &str) -> Location {
        let found = self
            .spans
            .items
            .iter()
            .find(|(k, v, _)| *k == key && v == value);
        match found {
            Some((_, _, (l, c))) => Location::at(&self.rel, *l, *c),
            None => self.at(key),
        }
    }

    /// The position of a front-matter key's value (or the opening `---`).
    pub(in crate::content) fn key(&self, key: &str) -> Location {
        match yaml::locate_key(&self.front_matter, key) {
            Some((l, c)) => Location::at(&self.rel, self.fm_line + l - 1, c),
            None => Location::at(&self.rel, 1, 1),
        }
    }

    /// The position of `needle` inside the value of `key`.
    pub(in crate::content) fn key_item(&self, key: &str, needle: &str) -> Location {
        match yaml::locate_in_key(&self.front_matter, key, needle) {
            Some((l, c)) => Location::at(&self.rel, self.fm_line + l - 1, c),
            None => self.key(key),
        }
    }

    /// The position of a byte offset in the markdown body.
    pub fn body_offset(&self, offset: usize) -> Location {
        let offset = offset.min(self.body.len());
        let before = &self.body[..offset];
        let line = before.matches('\n').count();
        let col = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        Location::at(&self.rel, self.body_line + line, col)
    }
}

/// An employee author profile (`authors/<id>.md`).
#[derive(Debug, Clone)]
pub struct Author {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub department: Option<String>,
    pub avatar: Option<String>,
    /// `srcset` of the avatar's variants, set by [`crate::media`].
    pub avatar_srcset: Option<String>,
    /// (kind, url) pairs in a fixed order.
    pub links: Vec<(String, String)>,
    pub languages: Vec<String>,
    pub active: bool,
    pub bio: Rendered,
    pub origin: Origin,
}

/// A topic channel (`channels/<id>.md`).
#[derive(Debug, Clone)]
pub struct Channel {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub curators: Vec<String>,
    pub color: Option<String>,
    pub order: i64,
    pub language: Option<String>,
    pub intro: Rendered,
    pub origin: Origin,
}

/// Articles and curated links share almost everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Article,
    Link,
}

/// `share: {text, hashtags}`: what an item suggests employees post.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub text: Option<String>,
    /// Without the leading `#`.
    pub hashtags: Vec<String>,
}

/// What only a curated link has: the outside source.
#[derive(Debug, Clone)]
pub struct LinkSource {
    pub url: String,
    pub source: String,
    pub source_author: Option<String>,
    pub quote: Option<String>,
    pub via: Option<String>,
    /// An archived copy (`archive:`), offered beside the original.
    pub archive: Option<String>,
}

/// Everything resolving reads from an item to place it: its URL, its lists
/// and its relations. Two versions of an item with equal shapes resolve the
/// same way, so `serve` patches an edit in place when only the rest changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub kind: ItemKind,
    pub date: Zoned,
    pub authors: Vec<String>,
    /// The front-matter key the authors came from (`authors`, `author` or
    /// `curator`), to point problems at the right line.
    pub authors_key: &'static str,
    pub channels: Vec<String>,
    pub tags: Vec<String>,
    pub lang: Option<String>,
    pub draft: bool,
    pub featured: bool,
    pub slug: String,
    pub aliases: Vec<String>,
    pub in_reply_to: Option<String>,
    pub translation_of: Option<String>,
}

/// An article or a curated link.
#[derive(Debug, Clone)]
pub struct Item {
    /// What decides where the item appears (read through `Deref`).
    pub shape: Shape,
    pub title: String,
    pub updated: Option<Zoned>,
    pub summary: Option<String>,
    /// The Atom entry id / JSON Feed id to keep (an imported post's
    /// WordPress GUID); `None`: the item's absolute URL.
    pub feed_id: Option<String>,
    pub discuss: Vec<(String, String)>,
    pub disclosure: Option<String>,
    /// The suggested share text (`share:`), when the item has one.
    pub share: Option<Share>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub link: Option<LinkSource>,
    pub body: Rendered,
    pub origin: Origin,
}

// Items are read far more often than built; `it.date` reads as what it is,
// while the split keeps "did the shape change" a single comparison.
impl std::ops::Deref for Item {
    type Target = Shape;
    fn deref(&self) -> &Shape {
        &self.shape
    }
}

/// A standalone page (`pages/**/*.md`).
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub slug: String,
    pub lang: Option<String>,
    pub menu: bool,
    pub weight: i64,
    pub body: Rendered,
    pub origin: Origin,
}

/// One parsed file.
#[derive(Debug, Clone)]
pub enum Parsed {
    Author(Author),
    Channel(Channel),
    Item(Box<Item>),
    Page(Page),
}

/// Site-wide settings the parser needs.
pub struct ParseContext<'a> {
    pub tz: &'a jiff::tz::TimeZone,
    pub site_lang: &'a str,
    pub unsafe_html: bool,
    pub highlighter: &'a Highlighter,
    /// Files larger than this are refused (`limits.max_file_bytes`).
    pub max_file_bytes: u64,
}

/// Reads and parses one file. Returns the content (if usable) and every
/// problem found in it.
pub fn parse_file(
    kind: Kind,
    file: &SourceFile,
    cx: &ParseContext,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    match read(file, cx.max_file_bytes) {
        Ok(bytes) => parse_bytes(kind, &file.rel, bytes, cx),
        Err((loc, p)) => (None, vec![Diagnostic::new(loc, p)]),
    }
}

/// Parses the raw bytes of one file named `rel` (relative to the site root).
/// This is the whole single-file pipeline (decode, split, YAML, schema,
/// markdown, highlighting) without the disk, so fuzzers and property tests
/// can drive it directly. It never panics on any input.
pub fn parse_bytes(
    kind: Kind,
    rel: &str,
    bytes: Vec<u8>,
    cx: &ParseContext,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let text = match front_matter::decode(bytes, rel) {
        Ok(t) => t,
        Err((loc, p)) => return (None, vec![Diagnostic::new(loc, p)]),
    };
    let split = match front_matter::split(text, rel) {
        Ok(s) => s,
        Err((loc, p)) => return (None, vec![Diagnostic::new(loc, p)]),
    };
    let origin = Origin {
        rel: rel.to_string(),
        front_matter: split.front_matter,
        fm_line: split.fm_line,
        body: Arc::new(split.body),
        body_line: split.body_line,
        spans: Spans::default(),
    };
    let parsed = schema::build(kind, origin, cx, &mut diags);
    (parsed, diags)
}

fn read(file: &SourceFile, limit: u64) -> Result<Vec<u8>, (Location, Problem)> {
    let io = |e: std::io::Error| {
        (
            Location::file(&file.rel),
            Problem::Io {
                what: format!("cannot read file: {e}"),
            },
        )
    };
    let len = std::fs::metadata(&file.path).map_err(io)?.len();
    if len > limit {
        return Err((
            Location::file(&file.rel),
            Problem::FileTooLarge { bytes: len, limit },
        ));
    }
    std::fs::read(&file.path).map_err(io)
}

/// Renders a body and turns its problems into located diagnostics.
fn render_body(
    origin: &Origin,
    lang: &str,
    cx: &ParseContext,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let opts = RenderOptions {
        lang,
        unsafe_html: cx.unsafe_html,
        highlighter: cx.highlighter,
    };
    let mut r = markdown::render(&origin.body, &opts);
    for (offset, p) in std::mem::take(&mut r.problems) {
        diags.push(Diagnostic::new(origin.body_offset(offset), p));
    }
    r
}
