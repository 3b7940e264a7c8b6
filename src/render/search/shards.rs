//! The bytes of each search file (format in `docs/search.md`). Everything
//! is JSON written by serde_json, so content is always JSON text.

use super::{
    fold, item, term_shards, typo_shards, Index, BODY, DOCS_PER_SHARD, PART, SUMMARY, TOP,
};
use crate::content::ItemKind;
use crate::render::Renderer;
use crate::site::routes::{search_facet_files, search_langs};
use rustc_hash::FxHashSet;
use serde::Serialize;
use serde_json::{json, Value};

/// Version of the format; the browser refuses others.
const VERSION: u32 = 2;

/// Characters of context kept before a match in a snippet.
const BEFORE: usize = 40;
/// Characters of snippet kept from the match on.
const AFTER: usize = 100;
/// Characters of snippet source kept per item in a document shard.
const SOURCE: usize = 320;
/// Characters of summary opening in a record that comes without a snippet.
const OPENING: usize = 90;
/// A facet file of at most this many documents carries their records: a
/// rare filter value (an author) picks results no term shard carries.
/// Larger ones carry those their filter puts on frequent words' first
/// pages (`plan.rs`).
pub(super) const FACET_RECORDS: usize = 200;

/// `search/manifest.json`: sizes and the names the filters offer.
pub(super) fn manifest(r: &Renderer) -> Vec<u8> {
    let site = r.views.site;
    let langs = search_langs(site);
    let v = json!({
        "v": VERSION,
        "docs": site.items.len(),
        "termShards": term_shards(site),
        "typoShards": typo_shards(site),
        "docShard": DOCS_PER_SHARD,
        "top": TOP,
        "keyChars": fold::KEY_CHARS,
        "typoChars": fold::TYPO_MIN_CHARS,
        "lang": site.config.language,
        "channels": site.channels.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
        "authors": site.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        "langs": langs,
        "facets": {
            "kind": 0,
            "lang": 2,
            "channel": 2 + langs.len(),
            "author": 2 + langs.len() + site.channels.len(),
        },
    });
    to_bytes(&v)
}

/// `search/facets/<k>.json`: the documents of one filter value (kind
/// article, kind link, each language, channel and author, in that order)
/// as gaps, and their records when they are few.
pub(super) fn facets(r: &Renderer, index: &Index, k: usize) -> Vec<u8> {
    let docs = index.facet_docs.get(k).map(Vec::as_slice).unwrap_or(&[]);
    let mut out = Vec::with_capacity(16 + docs.len() * 3);
    out.extend_from_slice(b"{\"v\":2,\"docs\":[");
    let mut prev = 0;
    for (j, &d) in docs.iter().enumerate() {
        if j > 0 {
            out.push(b',');
        }
        push_u32(&mut out, d - prev);
        prev = d;
    }
    out.extend_from_slice(b"],\"recs\":[");
    if docs.len() <= FACET_RECORDS {
        push_records(r, &mut out, docs.iter().map(|&d| (d, true)));
    } else if let Some(extra) = index.plan.facets.get(k) {
        push_records(r, &mut out, extra.iter().map(|&d| (d, true)));
    }
    out.extend_from_slice(b"]}");
    out
}

/// The documents of every facet file, each list ascending: one pass over
/// the items (a pass per file was 1 % of the reference build).
pub(super) fn facet_docs(r: &Renderer) -> Vec<Vec<u32>> {
    let site = r.views.site;
    let langs = search_langs(site);
    let (nl, nc) = (langs.len(), site.channels.len());
    // As many lists as the route table has facet files.
    let mut out = vec![Vec::new(); search_facet_files(site)];
    let mut add = |k: usize, d: u32| {
        // An item listing a channel or author twice is one document.
        if let Some(list) = out.get_mut(k).filter(|l| l.last() != Some(&d)) {
            list.push(d);
        }
    };
    for (i, (it, l)) in site.items.iter().zip(&site.links).enumerate() {
        let d = u32::try_from(i).unwrap_or(u32::MAX);
        add(usize::from(it.kind == ItemKind::Link), d);
        if let Ok(j) = langs.binary_search(&l.lang.as_str()) {
            add(2 + j, d);
        }
        for &c in &l.channels {
            add(2 + nl + c, d);
        }
        for &a in &l.authors {
            add(2 + nl + nc + a, d);
        }
    }
    out
}

/// `search/typos/<k>.json`: per typo key of this shard, the terms filed
/// under it with their number of documents, for a query word whose first
/// three letters hold a typo (docs/search.md).
pub(super) fn typos(index: &Index, k: usize) -> Vec<u8> {
    let list = index.by_typo.get(k).map(Vec::as_slice).unwrap_or(&[]);
    let mut out = Vec::with_capacity(64 + list.len() * 16);
    out.extend_from_slice(b"{\"v\":2,\"keys\":[");
    let mut last: Option<&str> = None;
    for (key, t) in list {
        let (term, postings) = &index.terms[*t as usize];
        if last != Some(key.as_str()) {
            if last.is_some() {
                out.extend_from_slice(b"]],");
            }
            out.push(b'[');
            push_str(&mut out, key);
            out.extend_from_slice(b",[");
            last = Some(key);
        } else {
            out.push(b',');
        }
        out.push(b'[');
        push_str(&mut out, term);
        out.push(b',');
        push_u32(&mut out, postings.len() as u32);
        out.push(b']');
    }
    if last.is_some() {
        out.extend_from_slice(b"]]");
    }
    out.extend_from_slice(b"]}");
    out
}

/// `search/terms/<k>.json`: the terms that hash to shard `k`, each with its
/// postings and its best results (with a snippet around the match), plus
/// the records of those results and of the next ones in each term's
/// ranking, up to [`SHARD_RECORDS`], once each.
pub(super) fn terms(r: &Renderer, index: &Index, k: usize) -> Vec<u8> {
    // Written by hand, not through `serde_json::Value`: the benchmark site's
    // shards hold nine million numbers. Strings still go through serde_json.
    let ids = index.by_shard.get(k).map(Vec::as_slice).unwrap_or(&[]);
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(b"{\"v\":2,\"terms\":[");
    let mut with_snippet: FxHashSet<u32> = FxHashSet::default();
    for (n, &t) in ids.iter().enumerate() {
        let (term, list) = &index.terms[t];
        if n > 0 {
            out.push(b',');
        }
        out.push(b'[');
        push_str(&mut out, term);
        // Postings as pairs: gap to the previous document, field bits.
        out.extend_from_slice(b",[");
        let mut prev = 0;
        for (j, (doc, bits)) in list.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            push_u32(&mut out, doc - prev);
            out.push(b',');
            push_u32(&mut out, u32::from(bits));
            prev = doc;
        }
        out.extend_from_slice(b"],[");
        let best = index.best(t).iter().zip(index.snippets(t));
        for (j, (&(doc, _, _), snippet)) in best.enumerate() {
            with_snippet.insert(doc);
            if j > 0 {
                out.push(b',');
            }
            out.push(b'[');
            push_u32(&mut out, doc);
            out.push(b',');
            push_str(&mut out, snippet);
            out.push(b']');
        }
        out.extend_from_slice(b"]]");
    }
    out.extend_from_slice(b"],\"docs\":[");
    let deep = index.plan.terms.get(k).map(Vec::as_slice).unwrap_or(&[]);
    let mut docs: Vec<u32> = with_snippet
        .iter()
        .copied()
        .chain(deep.iter().copied())
        .collect();
    docs.sort_unstable();
    docs.dedup();
    push_records(
        r,
        &mut out,
        docs.iter().map(|&d| (d, !with_snippet.contains(&d))),
    );
    out.extend_from_slice(b"]}");
    out
}

/// `[doc, record]` pairs, comma-separated; with `true`, the record holds
/// the opening of the summary for a snippet.
fn push_records(r: &Renderer, out: &mut Vec<u8>, docs: impl Iterator<Item = (u32, bool)>) {
    for (j, (d, opening)) in docs.enumerate() {
        if j > 0 {
            out.push(b',');
        }
        out.push(b'[');
        push_u32(out, d);
        out.push(b',');
        // Serialised once per item: the benchmark site's term shards hold
        // each record two dozen times.
        let it = item(r, d as usize);
        out.extend_from_slice(&it.record);
        if opening {
            out.extend_from_slice(&it.opening);
        }
        out.extend_from_slice(b"}]");
    }
}

/// Item `i`'s compact record as JSON without its closing brace, the
/// `,"s":…` member with the opening of `text`, for [`push_records`], and
/// the longer opening a document shard carries.
pub(super) fn record_parts(r: &Renderer, i: usize, text: &str) -> (Box<[u8]>, Box<[u8]>, Box<str>) {
    let mut rec = to_bytes(&compact(r, i));
    rec.pop();
    let mut opening = b",\"s\":".to_vec();
    push_str(&mut opening, &cut(text, 0, OPENING));
    let source = cut(text, 0, SOURCE).into_boxed_str();
    (rec.into(), opening.into(), source)
}

/// What a result shows besides its snippet, small: channels and authors
/// as positions in the manifest's lists, the language only when it is not
/// the site's, the kind and source only for links.
fn compact(r: &Renderer, i: usize) -> Value {
    let it = &r.views.site.items[i];
    let c = &r.views.cards[i];
    let l = &r.views.site.links[i];
    let mut v = json!({
        "t": it.title,
        "u": c.url,
        "k": if it.kind == ItemKind::Link { "l" } else { "a" },
        "d": c.date.get(..10).unwrap_or(&c.date),
        "c": l.channels,
        "a": l.authors,
    });
    if l.lang != r.views.site.config.language {
        v["l"] = Value::from(l.lang.as_str());
    }
    if let Some(s) = &c.source {
        v["src"] = Value::from(s.name.as_str());
    }
    v
}

/// A JSON string, escaped by serde_json.
fn push_str(out: &mut Vec<u8>, s: &str) {
    if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

/// A number in decimal, without going through `fmt`.
fn push_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// `search/docs/<k>.json`: display data and snippet source of documents
/// `k * 16 ..`, for results that came without inline data.
pub(super) fn docs(r: &Renderer, k: usize) -> Vec<u8> {
    let n = r.views.site.items.len();
    let from = (k * DOCS_PER_SHARD).min(n);
    let to = (from + DOCS_PER_SHARD).min(n);
    let shard = DocShard {
        docs: (from..to).map(|i| record(r, i)).collect(),
        from,
        v: VERSION,
    };
    to_bytes(&shard)
}

/// A document shard. Members in name order, as every other search file
/// writes them.
#[derive(Serialize)]
struct DocShard<'r> {
    docs: Vec<DocRecord<'r>>,
    from: usize,
    v: u32,
}

/// What a result shows besides its snippet, with names (read by tools
/// such as tests/e2e/feeds.py), and the opening of its text. Members in
/// name order.
#[derive(Serialize)]
struct DocRecord<'r> {
    a: Vec<&'r str>,
    c: Vec<&'r str>,
    d: &'r str,
    /// Tags are searched as names but not shown; listed here (not inline)
    /// for tools that read the index.
    g: Vec<&'r str>,
    k: &'r str,
    l: &'r str,
    s: &'r str,
    src: Option<&'r str>,
    t: &'r str,
    u: &'r str,
}

fn record<'r>(r: &'r Renderer, i: usize) -> DocRecord<'r> {
    let it = &r.views.site.items[i];
    let c = &r.views.cards[i];
    DocRecord {
        a: c.authors.iter().map(|a| a.name.as_str()).collect(),
        c: c.channels.iter().map(|x| x.title.as_str()).collect(),
        d: c.date.get(..10).unwrap_or(&c.date),
        g: c.tags.iter().map(|t| t.name.as_str()).collect(),
        k: if it.kind == ItemKind::Link { "l" } else { "a" },
        l: &c.lang,
        s: &item(r, i).source,
        src: c.source.as_ref().map(|s| s.name.as_str()),
        t: &it.title,
        u: &c.url,
    }
}

/// The snippet of a document with plain `text` for a term found with
/// `bits` at byte `at`: text around the match when it is in the summary or
/// body, else the opening of the summary.
pub(super) fn snippet(text: &str, bits: u8, at: u32) -> String {
    let in_text = SUMMARY | BODY | (SUMMARY | BODY) << PART;
    if bits & in_text == 0 {
        return cut(text, 0, AFTER);
    }
    let at = (at as usize).min(text.len());
    let at = (0..=at)
        .rev()
        .find(|&b| text.is_char_boundary(b))
        .unwrap_or(0);
    // Step back BEFORE characters, then forward to a word start.
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(BEFORE)
        .map(|(b, _)| b)
        .unwrap_or(0);
    let start = if start == 0 {
        0
    } else {
        text[start..at]
            .find(char::is_whitespace)
            .map(|s| start + s + 1)
            .unwrap_or(at)
    };
    cut(text, start, BEFORE + AFTER)
}

/// `chars` characters of `text` from byte `start`, ended at a word
/// boundary, with "…" where it was cut; the summary/body line break
/// becomes a space.
fn cut(text: &str, start: usize, chars: usize) -> String {
    let rest = text[start..].trim_start();
    let end = rest.char_indices().nth(chars).map(|(b, _)| b);
    let mut s = match end {
        Some(e) => {
            let e = rest[..e].rfind(char::is_whitespace).unwrap_or(e);
            format!("{} …", rest[..e].trim_end())
        }
        None => rest.trim_end().to_string(),
    };
    if start > 0 {
        s.insert_str(0, "… ");
    }
    s.replace('\n', " ")
}

fn to_bytes(v: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec())
}
