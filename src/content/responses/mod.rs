//! Reader responses (SPEC §16): `responses/**/*.yaml`, one file per item.
//!
//! ```yaml
//! item: articles/2024/x.md
//! responses:
//!   - id: "mastodon:https://social.example/users/ada/statuses/1"
//!     source: mastodon        # mastodon | bluesky | webmention | comment | import
//!     kind: reply             # reply | like | repost | mention
//!     author: {name: Ada, url: "https://social.example/@ada", avatar: /responses/1f….png}
//!     url: "https://social.example/@ada/1"
//!     date: "2024-05-02T10:00:00+00:00"
//!     content: "<p>Text or HTML, sanitised when rendered</p>"
//!     approved: false
//! ```
//!
//! Parsing looks at this one file only; whether `item` exists is resolved in
//! `site::responses`. Each entry is checked on its own, so one broken entry
//! is reported with its position and the others still count.

mod locate;

use super::{date, yaml, Origin};
use crate::diagnostics::{closest, Diagnostic, Location, Problem};
use crate::discover::SourceFile;
pub use locate::Block;
use locate::EntryAt;
use serde::Deserialize;

/// Where a response came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Mastodon,
    Bluesky,
    Webmention,
    Comment,
    Import,
}

impl Source {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Mastodon => "mastodon",
            Source::Bluesky => "bluesky",
            Source::Webmention => "webmention",
            Source::Comment => "comment",
            Source::Import => "import",
        }
    }
}

/// What a response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseKind {
    Reply,
    Like,
    Repost,
    Mention,
}

impl ResponseKind {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseKind::Reply => "reply",
            ResponseKind::Like => "like",
            ResponseKind::Repost => "repost",
            ResponseKind::Mention => "mention",
        }
    }
}

/// The person who responded, as they present themselves publicly.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseAuthor {
    #[serde(deserialize_with = "yaml::text")]
    pub name: String,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    pub url: Option<String>,
    /// Site-relative path of a downloaded picture; remote URLs are kept in
    /// the file but never rendered.
    #[serde(default, deserialize_with = "yaml::opt_text")]
    pub avatar: Option<String>,
}

/// One entry as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryYaml {
    #[serde(deserialize_with = "yaml::text")]
    id: String,
    source: Source,
    kind: ResponseKind,
    author: ResponseAuthor,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    url: Option<String>,
    #[serde(deserialize_with = "yaml::text")]
    date: String,
    #[serde(default, deserialize_with = "yaml::opt_text")]
    content: Option<String>,
    #[serde(default)]
    approved: bool,
}

/// One validated response.
#[derive(Debug, Clone)]
pub struct Response {
    pub id: String,
    pub source: Source,
    pub kind: ResponseKind,
    pub author: ResponseAuthor,
    pub url: Option<String>,
    pub date: jiff::Zoned,
    pub content: Option<String>,
    pub approved: bool,
    /// 1-based line of the entry's `-` in the file.
    pub line: usize,
}

/// A parsed response file.
#[derive(Debug, Clone)]
pub struct ResponseFile {
    /// Source path of the item, as written (`articles/2024/x.md`).
    pub item: String,
    /// Entries that passed validation, in file order.
    pub entries: Vec<Response>,
    /// The file's text (as `front_matter`, starting on line 1), for the
    /// guideline rules and for positions.
    pub origin: Origin,
    /// Where the list is in the text.
    pub block: Block,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileYaml {
    #[serde(deserialize_with = "yaml::text")]
    item: String,
    #[serde(default)]
    responses: Option<Vec<serde_json::Value>>,
}

/// Top-level keys of a response file.
pub const FILE_KEYS: &[&str] = &["item", "responses"];
/// Keys of one entry.
pub const ENTRY_KEYS: &[&str] = &[
    "id", "source", "kind", "author", "url", "date", "content", "approved",
];
pub(crate) const AUTHOR_KEYS: &[&str] = &["name", "url", "avatar"];

/// Response files larger than this are refused (a busy post has a few
/// hundred entries of well under 1 KiB).
pub const MAX_RESPONSE_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// Reads and parses one response file.
pub fn parse_file(
    file: &SourceFile,
    tz: &jiff::tz::TimeZone,
) -> (Option<ResponseFile>, Vec<Diagnostic>) {
    let one = |p: Problem| (None, vec![Diagnostic::new(Location::file(&file.rel), p)]);
    let len = match std::fs::metadata(&file.path) {
        Ok(m) => m.len(),
        Err(e) => {
            return one(Problem::Io {
                what: format!("cannot read file: {e}"),
            })
        }
    };
    if len > MAX_RESPONSE_FILE_BYTES {
        return one(Problem::FileTooLarge {
            bytes: len,
            limit: MAX_RESPONSE_FILE_BYTES,
        });
    }
    match std::fs::read(&file.path) {
        Ok(bytes) => parse_bytes(&file.rel, bytes, tz),
        Err(e) => one(Problem::Io {
            what: format!("cannot read file: {e}"),
        }),
    }
}

/// Parses every discovered response file, in parallel and in input order.
pub fn parse_all(
    files: &[SourceFile],
    tz: &jiff::tz::TimeZone,
) -> (Vec<ResponseFile>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let results: Vec<_> = files.par_iter().map(|f| parse_file(f, tz)).collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for (p, d) in results {
        parsed.extend(p);
        diags.extend(d);
    }
    (parsed, diags)
}

/// Parses the bytes of a response file named `rel`; never panics.
pub fn parse_bytes(
    rel: &str,
    bytes: Vec<u8>,
    tz: &jiff::tz::TimeZone,
) -> (Option<ResponseFile>, Vec<Diagnostic>) {
    let text = match super::front_matter::decode(bytes, rel) {
        Ok(t) => t,
        Err((loc, p)) => return (None, vec![Diagnostic::new(loc, p)]),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let all_keys: &'static [&'static str] = &[
        "item",
        "responses",
        "id",
        "source",
        "kind",
        "author",
        "url",
        "date",
        "content",
        "approved",
        "name",
        "avatar",
    ];
    let max = MAX_RESPONSE_FILE_BYTES as usize;
    let parsed: FileYaml = match yaml::from_str_capped(&text, rel, 1, all_keys, max) {
        Ok(f) => f,
        Err((loc, p)) => {
            let p = match p {
                // Only top-level keys can be unknown here; suggest among those.
                Problem::UnknownKey { key, .. } => Problem::UnknownKey {
                    suggestion: closest(&key, FILE_KEYS.iter().copied()).map(str::to_string),
                    key,
                    known: FILE_KEYS.to_vec(),
                },
                p => p,
            };
            return (None, vec![Diagnostic::new(loc, p)]);
        }
    };
    let block = Block::find(&text);
    let mut origin = Origin {
        rel: rel.to_string(),
        front_matter: text,
        fm_line: 1,
        body: Default::default(),
        body_line: 1,
        spans: Default::default(),
    };
    origin.record(&["item"], &[]);
    let mut diags = Vec::new();
    let values = parsed.responses.unwrap_or_default();
    let mut entries: Vec<Response> = Vec::with_capacity(values.len());
    let mut seen: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    for (i, v) in values.into_iter().enumerate() {
        let at = EntryAt {
            origin: &origin,
            block: &block,
            index: i,
        };
        let Some(r) = entry(v, &at, tz, &mut diags) else {
            continue;
        };
        if let Some(&first_line) = seen.get(&r.id) {
            diags.push(Diagnostic::new(
                at.field(&["id"]),
                Problem::DuplicateResponse {
                    id: r.id.clone(),
                    first_line,
                },
            ));
            continue;
        }
        seen.insert(r.id.clone(), r.line);
        entries.push(r);
    }
    let item = parsed.item.trim().trim_start_matches("./").to_string();
    let file = ResponseFile {
        item,
        entries,
        origin,
        block,
    };
    (Some(file), diags)
}

/// Validates one entry; problems go to `diags`.
fn entry(
    v: serde_json::Value,
    at: &EntryAt,
    tz: &jiff::tz::TimeZone,
    diags: &mut Vec<Diagnostic>,
) -> Option<Response> {
    let e: EntryYaml = match serde_json::from_value(v) {
        Ok(e) => e,
        Err(err) => {
            let (loc, p) = at.serde_problem(&err.to_string());
            diags.push(Diagnostic::new(loc, p));
            return None;
        }
    };
    let mut ok = true;
    if e.id.trim().is_empty() {
        diags.push(Diagnostic::new(
            at.field(&["id"]),
            Problem::MissingField { field: "id" },
        ));
        ok = false;
    }
    let date = match date::parse(&e.date, tz) {
        Ok(d) => Some(d),
        Err(reason) => {
            diags.push(Diagnostic::new(
                at.field(&["date"]),
                Problem::BadDate {
                    value: e.date.clone(),
                    reason,
                },
            ));
            None
        }
    };
    let url = e.url.filter(|u| at.http_url(&["url"], "url", u, diags));
    let author_url = e
        .author
        .url
        .filter(|u| at.http_url(&["author", "url"], "author.url", u, diags));
    let avatar = e.author.avatar.filter(|a| {
        let unsafe_url = crate::html::is_unsafe_url(a);
        if unsafe_url {
            diags.push(Diagnostic::new(
                at.field(&["author", "avatar"]),
                Problem::UnsafeUrl { value: a.clone() },
            ));
        }
        !unsafe_url && !a.trim().is_empty()
    });
    if !ok {
        return None;
    }
    Some(Response {
        id: e.id,
        source: e.source,
        kind: e.kind,
        author: ResponseAuthor {
            name: e.author.name,
            url: author_url,
            avatar,
        },
        url,
        date: date?,
        content: e.content.filter(|c| !c.trim().is_empty()),
        approved: e.approved,
        line: at.line(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<ResponseFile>, Vec<Diagnostic>) {
        parse_bytes(
            "responses/a.yaml",
            text.as_bytes().to_vec(),
            &jiff::tz::TimeZone::UTC,
        )
    }

    const GOOD: &str = "item: articles/a.md\nresponses:\n  - id: m1\n    source: mastodon\n    kind: reply\n    author:\n      name: Ada\n      url: https://social.example/@ada\n    url: https://social.example/@ada/1\n    date: 2024-05-02T10:00:00Z\n    content: Hallo\n    approved: true\n";

    #[test]
    fn a_valid_file_parses() {
        let (f, d) = parse(GOOD);
        assert!(d.is_empty(), "{d:?}");
        let f = f.unwrap();
        assert_eq!(f.item, "articles/a.md");
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].line, 3);
        assert!(f.entries[0].approved);
        assert_eq!(f.block.end_line, Some(12));
    }

    #[test]
    fn unknown_entry_key_is_located_and_suggested() {
        let (_, d) = parse(&GOOD.replace("    content:", "    contnet:"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].code.as_str(), d[0].line, d[0].column),
            ("unknown-key", Some(11), Some(5))
        );
        assert!(d[0].hint.as_deref().unwrap().contains("`content`"));
    }

    #[test]
    fn unknown_author_key_and_kind_are_located() {
        let (_, d) = parse(&GOOD.replace("      url:", "      ulr:"));
        assert_eq!((d[0].line, d[0].column), (Some(8), Some(7)), "{d:?}");
        assert!(d[0].hint.as_deref().unwrap().contains("`url`"));
        let (_, d) = parse(&GOOD.replace("kind: reply", "kind: rply"));
        assert_eq!(d[0].code, "unknown-value");
        assert_eq!((d[0].line, d[0].column), (Some(5), Some(11)));
        assert!(d[0].hint.as_deref().unwrap().contains("`reply`"));
    }

    #[test]
    fn bad_values_and_duplicates_are_located() {
        let two = format!("{GOOD}{}", &GOOD[GOOD.find("  - id").unwrap()..]);
        let (f, d) = parse(&two.replacen("date: 2024-05-02T10:00:00Z", "date: gestern", 1));
        let codes: Vec<_> = d.iter().map(|d| (d.code.as_str(), d.line)).collect();
        assert_eq!(codes, vec![("bad-date", Some(10))]);
        assert_eq!(f.unwrap().entries.len(), 1);
        let (_, d) = parse(&two);
        assert_eq!(d[0].code, "duplicate-response");
        assert_eq!(d[0].line, Some(13));
        let (_, d) =
            parse(&GOOD.replace("url: https://social.example/@ada/1", "url: javascript:x"));
        assert_eq!((d[0].code.as_str(), d[0].line), ("bad-url", Some(9)));
    }

    #[test]
    fn unknown_top_level_key_and_garbage_never_panic() {
        let (_, d) = parse("item: a.md\nresponse: []\n");
        assert_eq!(d[0].code, "unknown-key");
        assert!(d[0].hint.as_deref().unwrap().contains("`responses`"));
        for junk in [
            "",
            "- a\n- b",
            "item: [x",
            "\u{0}",
            "responses:\n  - 3\n",
            "item: x\nresponses:\n  - {}\n",
        ] {
            let _ = parse(junk);
        }
        let (_, d) = parse("item: x\nresponses:\n  - id: a\n");
        assert_eq!((d[0].code.as_str(), d[0].line), ("missing-field", Some(3)));
    }

    #[test]
    fn mangled_files_never_panic() {
        // Deterministic mangling (an LCG): cut, repeat and replace byte
        // ranges of a valid file, then parse the result.
        let mut x: u64 = 17;
        let mut next = |n: usize| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize % n.max(1)
        };
        let base = format!(
            "{GOOD}{}",
            GOOD.replace("m1", "m2")
                .replace("item: articles/a.md\n", "")
        );
        for _ in 0..3000 {
            let mut b = base.as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let (i, j) = (next(b.len()), next(b.len()));
                let (i, j) = (i.min(j), i.max(j).min(i.min(j) + 40));
                match next(4) {
                    0 => drop(b.drain(i..j)),
                    1 => {
                        let piece = b[i..j].to_vec();
                        b.splice(i..i, piece);
                    }
                    2 => b[i..j]
                        .iter_mut()
                        .for_each(|c| *c = b" -:\t\n[{\"'#&*"[next(12)]),
                    _ => b.insert(i, [0xC3, 0xA4, 0xE2, 0x80, 0xA8][next(5)]),
                }
            }
            let _ = parse_bytes("r.yaml", b, &jiff::tz::TimeZone::UTC);
        }
    }
}
