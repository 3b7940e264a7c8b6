//! The front-matter schema of each kind of file, and the checks that need
//! only the file itself (dates, URLs, colours, ids).

use super::{
    date, render_body, slug, Author, Channel, Item, ItemKind, LinkSource, Origin, Page,
    ParseContext, Parsed, Shape, Share,
};
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::discover::Kind;
use crate::yaml;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorFm {
    #[serde(deserialize_with = "yaml::text")]
    name: String,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    role: Option<String>,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    department: Option<String>,
    #[serde(default)]
    avatar: Option<String>,
    #[serde(default)]
    links: AuthorLinks,
    #[serde(default, deserialize_with = "yaml::text_list")]
    languages: Vec<String>,
    #[serde(default = "yes")]
    active: bool,
}
const AUTHOR_KEYS: &[&str] = &[
    "name",
    "role",
    "department",
    "avatar",
    "links",
    "languages",
    "active",
];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AuthorLinks {
    website: Option<String>,
    linkedin: Option<String>,
    xing: Option<String>,
    mastodon: Option<String>,
    github: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelFm {
    #[serde(deserialize_with = "yaml::text")]
    title: String,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    description: Option<String>,
    #[serde(default, deserialize_with = "yaml::text_list")]
    curators: Vec<String>,
    #[serde(default)]
    color: Option<String>,
    #[serde(default)]
    order: i64,
    #[serde(default)]
    language: Option<String>,
}
const CHANNEL_KEYS: &[&str] = &[
    "title",
    "description",
    "curators",
    "color",
    "order",
    "language",
];

/// `share:` — what an item suggests employees post about it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareFm {
    #[serde(default, deserialize_with = "yaml::opt_text")]
    text: Option<String>,
    #[serde(default, deserialize_with = "yaml::text_list")]
    hashtags: Vec<String>,
}

/// Declares the front matter of an item kind: the fields articles and links
/// share, written once here, plus the kind's own.
macro_rules! item_fm {
    ($name:ident { $($own:tt)* }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            #[serde(deserialize_with = "yaml::text")]
            title: String,
            #[serde(default, deserialize_with = "yaml::opt_text")]
            date: Option<String>,
            #[serde(default, deserialize_with = "yaml::opt_text")]
            updated: Option<String>,
            #[serde(default, deserialize_with = "yaml::text_list")]
            authors: Vec<String>,
            #[serde(default, deserialize_with = "yaml::text_list")]
            channels: Vec<String>,
            #[serde(default, deserialize_with = "yaml::text_list")]
            tags: Vec<String>,
            #[serde(default, deserialize_with = "yaml::opt_text")]
            summary: Option<String>,
            #[serde(default)]
            lang: Option<String>,
            #[serde(default)]
            draft: bool,
            #[serde(default)]
            featured: bool,
            #[serde(default, deserialize_with = "yaml::opt_text")]
            slug: Option<String>,
            #[serde(default, deserialize_with = "yaml::text_list")]
            aliases: Vec<String>,
            #[serde(default)]
            discuss: BTreeMap<String, String>,
            #[serde(default, deserialize_with = "yaml::opt_text")]
            feed_id: Option<String>,
            #[serde(default)]
            share: Option<ShareFm>,
            $($own)*
        }
    };
}

item_fm!(ArticleFm {
    #[serde(default)]
    author: Option<String>,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    in_reply_to: Option<String>,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    disclosure: Option<String>,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    translation_of: Option<String>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    image_alt: Option<String>,
});
const ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "authors",
    "author",
    "channels",
    "tags",
    "summary",
    "lang",
    "draft",
    "featured",
    "slug",
    "aliases",
    "in_reply_to",
    "discuss",
    "disclosure",
    "translation_of",
    "image",
    "image_alt",
    "feed_id",
    "share",
];

item_fm!(LinkFm {
    url: String,
    #[serde(deserialize_with = "yaml::text")]
    source: String,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    source_author: Option<String>,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    quote: Option<String>,
    #[serde(default)]
    curator: Option<String>,
    #[serde(default)]
    via: Option<String>,
    #[serde(default)]
    archive: Option<String>,
});
const LINK_KEYS: &[&str] = &[
    "url",
    "title",
    "source",
    "source_author",
    "quote",
    "curator",
    "authors",
    "date",
    "updated",
    "channels",
    "tags",
    "via",
    "archive",
    "lang",
    "summary",
    "draft",
    "featured",
    "slug",
    "aliases",
    "discuss",
    "feed_id",
    "share",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFm {
    #[serde(deserialize_with = "yaml::text")]
    title: String,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    slug: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    menu: bool,
    #[serde(default)]
    weight: i64,
}
const PAGE_KEYS: &[&str] = &["title", "slug", "lang", "menu", "weight"];

fn yes() -> bool {
    true
}

/// Moves the fields articles and links share out of a front-matter struct.
macro_rules! common {
    ($fm:ident, $authors:expr, $authors_key:expr, $in_reply_to:expr, $translation_of:expr) => {
        Common {
            title: $fm.title,
            date: $fm.date,
            updated: $fm.updated,
            authors: $authors,
            authors_key: $authors_key,
            channels: $fm.channels,
            tags: $fm.tags,
            summary: $fm.summary,
            lang: $fm.lang,
            draft: $fm.draft,
            featured: $fm.featured,
            slug: $fm.slug,
            aliases: $fm.aliases,
            discuss: $fm.discuss,
            feed_id: $fm.feed_id,
            share: $fm.share,
            in_reply_to: $in_reply_to,
            translation_of: $translation_of,
        }
    };
}

/// Deserialises and validates one file's front matter, renders its body.
pub(super) fn build(
    kind: Kind,
    origin: Origin,
    cx: &ParseContext,
    diags: &mut Vec<Diagnostic>,
) -> Option<Parsed> {
    let stem = file_stem(&origin.rel);
    macro_rules! fm {
        ($t:ty, $keys:expr, $required:expr) => {
            match yaml::from_str::<$t>(&origin.front_matter, &origin.rel, origin.fm_line, $keys) {
                Ok(fm) => fm,
                Err((loc, p)) => {
                    let more = other_key_problems(&origin, $keys, $required, &p);
                    diags.push(Diagnostic::new(loc, p));
                    diags.extend(more);
                    return None;
                }
            }
        };
    }
    let mut v = Validator {
        origin: &origin,
        diags,
    };
    match kind {
        Kind::Author => {
            let fm = fm!(AuthorFm, AUTHOR_KEYS, &["name"]);
            v.id(&stem);
            let avatar = fm.avatar.filter(|a| v.path_or_url("avatar", a));
            let links: Vec<(String, String)> = [
                ("website", fm.links.website),
                ("linkedin", fm.links.linkedin),
                ("xing", fm.links.xing),
                ("mastodon", fm.links.mastodon),
                ("github", fm.links.github),
            ]
            .into_iter()
            .filter_map(|(k, u)| {
                u.filter(|u| v.http_url("links", k, u))
                    .map(|u| (k.to_string(), clean_url(&u)))
            })
            .collect();
            let lang = fm
                .languages
                .first()
                .map(String::as_str)
                .unwrap_or(cx.site_lang);
            let bio = render_body(&origin, lang, cx, v.diags);
            let mut origin = origin;
            let urls: Vec<_> = (links.iter())
                .map(|(k, u)| ("links", Some(k.as_str()), u.as_str()))
                .collect();
            origin.record_urls(&urls);
            Some(Parsed::Author(Author {
                id: stem,
                name: fm.name,
                role: non_empty(fm.role),
                department: non_empty(fm.department),
                avatar,
                avatar_srcset: None,
                links,
                languages: fm.languages,
                active: fm.active,
                bio,
                origin,
            }))
        }
        Kind::Channel => {
            let fm = fm!(ChannelFm, CHANNEL_KEYS, &["title"]);
            v.id(&stem);
            let color = fm.color.filter(|c| v.color(c));
            let lang = fm.language.as_deref().unwrap_or(cx.site_lang);
            let intro = render_body(&origin, lang, cx, v.diags);
            let mut origin = origin;
            origin.record(&["curators"], &[("curators", &fm.curators)]);
            Some(Parsed::Channel(Channel {
                id: stem,
                title: fm.title,
                description: non_empty(fm.description),
                curators: fm.curators,
                color,
                order: fm.order,
                language: fm.language,
                intro,
                origin,
            }))
        }
        Kind::Article => {
            let fm = fm!(ArticleFm, ARTICLE_KEYS, &["title"]);
            let mut authors = fm.authors;
            let authors_key = if authors.is_empty() && fm.author.is_some() {
                "author"
            } else {
                "authors"
            };
            if let Some(a) = fm.author {
                authors.insert(0, a);
            }
            let common = common!(fm, authors, authors_key, fm.in_reply_to, fm.translation_of);
            let image = fm.image.filter(|i| v.path_or_url("image", i));
            let mut item = v.item(ItemKind::Article, common, &stem, cx)?;
            item.disclosure = fm.disclosure;
            item.image = image;
            item.image_alt = fm.image_alt;
            Some(Parsed::Item(Box::new(item)))
        }
        Kind::Link => {
            let fm = fm!(LinkFm, LINK_KEYS, &["url", "title", "source"]);
            let url_ok = v.http_url("url", "", &fm.url);
            let via = fm
                .via
                .filter(|u| v.http_url("via", "", u))
                .map(|u| clean_url(&u));
            let archive = fm
                .archive
                .filter(|u| v.http_url("archive", "", u))
                .map(|u| clean_url(&u));
            let mut authors = fm.authors;
            let authors_key = if let Some(c) = fm.curator {
                authors.insert(0, c);
                "curator"
            } else {
                "authors"
            };
            if authors.is_empty() {
                v.diags.push(Diagnostic::new(
                    Location::at(&origin.rel, 1, 1),
                    Problem::MissingField { field: "curator" },
                ));
            }
            let common = common!(fm, authors, authors_key, None, None);
            let mut item = v.item(ItemKind::Link, common, &stem, cx)?;
            if !url_ok {
                return None;
            }
            let url = clean_url(&fm.url);
            let mut urls = vec![("url", None, url.as_str())];
            urls.extend(via.as_deref().map(|u| ("via", None, u)));
            urls.extend(archive.as_deref().map(|u| ("archive", None, u)));
            item.origin.record_urls(&urls);
            item.link = Some(LinkSource {
                url,
                source: fm.source,
                source_author: fm.source_author,
                quote: fm.quote,
                via,
                archive,
            });
            Some(Parsed::Item(Box::new(item)))
        }
        Kind::Page => {
            let fm = fm!(PageFm, PAGE_KEYS, &["title"]);
            let slug = v.slug(fm.slug.as_deref(), slug::split_date_prefix(&stem).1);
            let lang = fm.lang.as_deref().unwrap_or(cx.site_lang);
            let body = render_body(&origin, lang, cx, v.diags);
            let mut origin = origin;
            origin.record(&["slug"], &[]);
            Some(Parsed::Page(Page {
                title: fm.title,
                slug,
                lang: fm.lang,
                menu: fm.menu,
                weight: fm.weight,
                body,
                origin,
            }))
        }
    }
}

/// serde stops at the first schema error of a file. When that error is an
/// unknown or a missing top-level key, the other unknown and missing keys of
/// the same mapping are found here too, so an author fixes them in one round
/// instead of one per `check`. Runs only for files that already failed, so
/// valid files pay nothing for it. `first` (already reported) is left out.
fn other_key_problems(
    origin: &Origin,
    known: &'static [&'static str],
    required: &[&'static str],
    first: &Problem,
) -> Vec<Diagnostic> {
    let first_key = match first {
        Problem::UnknownKey { key, .. } => key.as_str(),
        Problem::MissingField { field } => field,
        _ => return Vec::new(),
    };
    let Ok(TopKeys(keys)) =
        yaml::from_str::<TopKeys>(&origin.front_matter, &origin.rel, origin.fm_line, known)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut suggested = Vec::new();
    for key in keys.iter().filter(|k| !known.contains(&k.as_str())) {
        let suggestion = crate::diagnostics::closest(key, known.iter().copied());
        suggested.extend(suggestion);
        if key == first_key {
            continue;
        }
        out.push(Diagnostic::new(
            key_location(origin, key),
            Problem::UnknownKey {
                key: key.clone(),
                suggestion: suggestion.map(str::to_string),
                known: known.to_vec(),
            },
        ));
    }
    // `titel:` already says "did you mean `title`?"; a second finding for the
    // missing `title` would only repeat it.
    for &field in required
        .iter()
        .filter(|f| **f != first_key && !keys.iter().any(|k| k == *f) && !suggested.contains(f))
    {
        // Same place serde reports a missing field: the opening `---`.
        out.push(Diagnostic::new(
            Location::at(&origin.rel, origin.fm_line.saturating_sub(1).max(1), 1),
            Problem::MissingField { field },
        ));
    }
    out
}

/// The start of a top-level key's line (where serde reports unknown keys).
fn key_location(origin: &Origin, key: &str) -> Location {
    match yaml::locate_key(&origin.front_matter, key) {
        Some((line, _)) => Location::at(&origin.rel, origin.fm_line + line - 1, 1),
        None => Location::at(&origin.rel, origin.fm_line.saturating_sub(1).max(1), 1),
    }
}

/// The top-level keys of a front-matter mapping, whatever their values.
struct TopKeys(Vec<String>);

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = TopKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = m.next_key::<KeyText>()? {
                    m.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(k.0);
                }
                Ok(TopKeys(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// A mapping key as text (`2024:` or `yes:` are keys too, if unknown ones).
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = KeyText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a plain key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".into()))
            }
        }
        d.deserialize_any(Text)
    }
}

/// The fields articles and links share, before validation.
struct Common {
    title: String,
    date: Option<String>,
    updated: Option<String>,
    authors: Vec<String>,
    authors_key: &'static str,
    channels: Vec<String>,
    tags: Vec<String>,
    summary: Option<String>,
    lang: Option<String>,
    draft: bool,
    featured: bool,
    slug: Option<String>,
    aliases: Vec<String>,
    discuss: BTreeMap<String, String>,
    feed_id: Option<String>,
    share: Option<ShareFm>,
    in_reply_to: Option<String>,
    translation_of: Option<String>,
}

struct Validator<'a> {
    origin: &'a Origin,
    diags: &'a mut Vec<Diagnostic>,
}

impl Validator<'_> {
    fn push(&mut self, loc: Location, p: Problem) {
        self.diags.push(Diagnostic::new(loc, p));
    }

    fn item(&mut self, kind: ItemKind, c: Common, stem: &str, cx: &ParseContext) -> Option<Item> {
        let (file_date, rest) = slug::split_date_prefix(stem);
        let date_text = c.date.clone().or(file_date.map(str::to_string));
        let date = match date_text {
            None => {
                self.push(
                    Location::at(&self.origin.rel, 1, 1),
                    Problem::MissingField { field: "date" },
                );
                None
            }
            Some(t) => self.date("date", &t, c.date.is_some(), cx),
        };
        let updated = c
            .updated
            .as_deref()
            .and_then(|t| self.date("updated", t, true, cx));
        if c.channels.is_empty() {
            self.push(
                Location::at(&self.origin.rel, 1, 1),
                Problem::MissingField { field: "channels" },
            );
        }
        if c.authors.is_empty() && kind == ItemKind::Article {
            self.push(
                Location::at(&self.origin.rel, 1, 1),
                Problem::MissingField { field: "authors" },
            );
        }
        let discuss: Vec<(String, String)> = c
            .discuss
            .into_iter()
            .filter(|(k, u)| self.http_url("discuss", k, u))
            .map(|(k, u)| (k, clean_url(&u)))
            .collect();
        let feed_id = c.feed_id.filter(|id| self.feed_id(id));
        let slug = self.slug(c.slug.as_deref(), rest);
        let lang = c.lang.as_deref().unwrap_or(cx.site_lang).to_string();
        let body = render_body(self.origin, &lang, cx, self.diags);
        let date = date?;
        let shape = Shape {
            kind,
            authors_key: c.authors_key,
            date,
            authors: c.authors,
            channels: c.channels,
            tags: c
                .tags
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .collect(),
            lang: c.lang,
            draft: c.draft,
            featured: c.featured,
            slug,
            aliases: c.aliases,
            in_reply_to: c.in_reply_to,
            translation_of: c.translation_of,
        };
        let mut origin = self.origin.clone();
        let urls: Vec<_> = (discuss.iter())
            .map(|(k, u)| ("discuss", Some(k.as_str()), u.as_str()))
            .collect();
        origin.record_urls(&urls);
        let share = c.share.and_then(|s| self.share(s));
        origin.record(
            &[
                "slug",
                "aliases",
                "in_reply_to",
                "translation_of",
                "quote",
                shape.authors_key,
                "channels",
            ],
            &[
                (shape.authors_key, &shape.authors),
                ("channels", &shape.channels),
                ("aliases", &shape.aliases),
            ],
        );
        origin.record_nested("share", "text", "share.text");
        Some(Item {
            shape,
            title: c.title,
            updated,
            summary: non_empty(c.summary),
            feed_id,
            discuss,
            disclosure: None,
            share,
            image: None,
            image_alt: None,
            link: None,
            body,
            origin,
        })
    }

    /// Keeps a `share:` block that says something; hashtags lose a leading
    /// `#` (the page and the networks add it) and may not contain spaces.
    fn share(&mut self, fm: ShareFm) -> Option<Share> {
        let text = non_empty(fm.text.map(|t| t.trim().to_string()));
        let mut hashtags = Vec::new();
        for h in fm.hashtags {
            let tag = h.trim().trim_start_matches('#').to_string();
            if tag.is_empty() || tag.contains(char::is_whitespace) {
                let loc = self.origin.key_item("share", &h);
                self.push(
                    loc,
                    Problem::WrongType {
                        message: format!(
                            "hashtag `{h}` must be one word; write e.g. `Markenbotschafter`"
                        ),
                    },
                );
                continue;
            }
            hashtags.push(tag);
        }
        (text.is_some() || !hashtags.is_empty()).then_some(Share { text, hashtags })
    }

    fn date(
        &mut self,
        key: &str,
        text: &str,
        from_fm: bool,
        cx: &ParseContext,
    ) -> Option<jiff::Zoned> {
        match date::parse(text, cx.tz) {
            Ok(z) => Some(z),
            Err(reason) => {
                let loc = if from_fm {
                    self.origin.key(key)
                } else {
                    Location::file(&self.origin.rel)
                };
                self.push(
                    loc,
                    Problem::BadDate {
                        value: text.to_string(),
                        reason,
                    },
                );
                None
            }
        }
    }

    fn slug(&mut self, given: Option<&str>, from_file: &str) -> String {
        match given {
            Some(s) if slug::is_valid_id(s) => s.to_string(),
            Some(s) => {
                let loc = self.origin.key("slug");
                self.push(
                    loc,
                    Problem::BadId {
                        id: s.to_string(),
                        expected: format!("try `{}`", slug::slugify(s)),
                    },
                );
                slug::slugify(s)
            }
            None => {
                let s = slug::slugify(from_file);
                if s.is_empty() {
                    "untitled".into()
                } else {
                    s
                }
            }
        }
    }

    fn id(&mut self, stem: &str) {
        if !slug::is_valid_id(stem) {
            let suggestion = slug::slugify(stem);
            self.push(
                Location::file(&self.origin.rel),
                Problem::BadId {
                    id: stem.to_string(),
                    expected: format!("rename the file to `{suggestion}.md`"),
                },
            );
        }
    }

    fn http_url(&mut self, key: &str, sub: &str, url: &str) -> bool {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > 8
            && !url.contains(char::is_whitespace);
        if !ok {
            let loc = if sub.is_empty() {
                self.origin.key(key)
            } else {
                value_after(self.origin, self.origin.key_item(key, sub), url)
            };
            let field = if sub.is_empty() {
                key.to_string()
            } else {
                format!("{key}.{sub}")
            };
            self.push(
                loc,
                Problem::BadUrl {
                    field,
                    value: url.to_string(),
                },
            );
        }
        ok
    }

    fn path_or_url(&mut self, key: &str, value: &str) -> bool {
        if crate::html::is_unsafe_url(value) {
            let loc = self.origin.key(key);
            self.push(
                loc,
                Problem::UnsafeUrl {
                    value: value.to_string(),
                },
            );
            return false;
        }
        true
    }

    /// `feed_id` becomes the Atom `<id>` (an IRI) and the JSON Feed `id`:
    /// a scheme (`https:`, `tag:`, `urn:`) and no spaces, so feed readers
    /// accept it. WordPress GUIDs (`https://blog.example/?p=12`) are such IRIs.
    fn feed_id(&mut self, id: &str) -> bool {
        let scheme = id.split_once(':').map_or("", |(s, _)| s);
        let ok = !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && id.len() > scheme.len() + 1
            && !id.contains(|c: char| {
                c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"'
            });
        if !ok {
            let loc = self.origin.key("feed_id");
            self.push(
                loc,
                Problem::BadFeedId {
                    value: id.to_string(),
                },
            );
        }
        ok
    }

    fn color(&mut self, c: &str) -> bool {
        let hex = c.strip_prefix('#').unwrap_or("");
        let ok = matches!(hex.len(), 3 | 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit());
        if !ok {
            let loc = self.origin.key("color");
            self.push(
                loc,
                Problem::BadColor {
                    value: c.to_string(),
                },
            );
        }
        ok
    }
}

/// Moves `loc` (a nested key such as `linkedin:` under `discuss:`) to where
/// `value` is written after it on the same line, which is what needs fixing.
fn value_after(origin: &Origin, loc: Location, value: &str) -> Location {
    let (Some(line), Some(col)) = (loc.line, loc.column) else {
        return loc;
    };
    let text = line
        .checked_sub(origin.fm_line)
        .and_then(|i| origin.front_matter.lines().nth(i));
    let Some(text) = text else { return loc };
    let from = text
        .char_indices()
        .nth(col - 1)
        .map_or(text.len(), |(b, _)| b);
    match text[from..].find(value) {
        Some(p) if !value.is_empty() => {
            let col = text[..from + p].chars().count() + 1;
            Location::at(&origin.rel, line, col)
        }
        _ => loc,
    }
}

/// Percent-encodes the characters a URL may not contain literally (`<`, `"`,
/// backslash …), so a front-matter URL is valid in HTML attributes and feeds.
fn clean_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '<' | '>' | '"' | '`' | '{' | '}' | '|' | '\\' | '^' | ' ' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// An optional text left empty (`role: ""`, as the scaffolds write it) means
/// "not set", so templates fall back instead of printing an empty element.
fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

fn file_stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}
