//! The bytes of each search file (format in `docs/search.md`). Everything
//! is JSON written by serde_json, so content is always JSON text.

use super::{fold, item, term_shards, weight, Index, BODY, DOCS_PER_SHARD, PART, SUMMARY, TOP};
use crate::content::ItemKind;
use crate::render::Renderer;
use serde_json::{json, Value};

/// Version of the format; the browser refuses others.
const VERSION: u32 = 1;

/// Characters of context kept before a match in a snippet.
const BEFORE: usize = 40;
/// Characters of snippet kept from the match on.
const AFTER: usize = 100;
/// Characters of snippet source kept per item in a document shard.
const SOURCE: usize = 320;

/// `search/manifest.json`: sizes and the names the filters offer.
pub(super) fn manifest(r: &Renderer) -> Vec<u8> {
    let site = r.views.site;
    let n = site.items.len();
    let mut langs: Vec<&str> = r.views.cards.iter().map(|c| c.lang.as_str()).collect();
    langs.sort_unstable();
    langs.dedup();
    let v = json!({
        "v": VERSION,
        "docs": n,
        "termShards": term_shards(site),
        "docShard": DOCS_PER_SHARD,
        "top": TOP,
        "keyChars": fold::KEY_CHARS,
        "channels": site.channels.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
        "authors": site.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        "langs": langs,
    });
    to_bytes(&v)
}

/// `search/facets.json`: per document its kind, language, channels and
/// authors as positions in the manifest's lists, for the filters.
pub(super) fn facets(r: &Renderer) -> Vec<u8> {
    let site = r.views.site;
    let mut langs: Vec<&str> = r.views.cards.iter().map(|c| c.lang.as_str()).collect();
    langs.sort_unstable();
    langs.dedup();
    let kinds: String = site
        .items
        .iter()
        .map(|it| if it.kind == ItemKind::Link { 'l' } else { 'a' })
        .collect();
    let lang: Vec<usize> = r
        .views
        .cards
        .iter()
        .map(|c| langs.binary_search(&c.lang.as_str()).unwrap_or(0))
        .collect();
    let v = json!({
        "v": VERSION,
        "k": kinds,
        "l": lang,
        "c": site.links.iter().map(|l| &l.channels).collect::<Vec<_>>(),
        "a": site.links.iter().map(|l| &l.authors).collect::<Vec<_>>(),
    });
    to_bytes(&v)
}

/// `search/terms/<k>.json`: the terms that hash to shard `k`, each with its
/// postings and its best results (with a snippet around the match), plus
/// the display data of those results, once each.
pub(super) fn terms(r: &Renderer, index: &Index, k: usize) -> Vec<u8> {
    // Written by hand, not through `serde_json::Value`: the benchmark site's
    // shards hold nine million numbers. Strings still go through serde_json.
    let mut docs: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(b"{\"v\":1,\"terms\":[");
    for (n, &t) in index
        .by_shard
        .get(k)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let (term, list) = &index.terms[t];
        if n > 0 {
            out.push(b',');
        }
        out.push(b'[');
        push_str(&mut out, term);
        // Postings as pairs: gap to the previous document, field bits.
        out.extend_from_slice(b",[");
        let mut prev = 0;
        for (j, &(doc, bits, _)) in list.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            push_u32(&mut out, doc - prev);
            out.push(b',');
            push_u32(&mut out, u32::from(bits));
            prev = doc;
        }
        out.extend_from_slice(b"],[");
        let mut best: Vec<&(u32, u8, u32)> = list.iter().collect();
        // Stable sort: equal weights stay in document order (newest first),
        // as the browser ranks them.
        best.sort_by_key(|e| std::cmp::Reverse(weight(e.1)));
        best.truncate(TOP);
        for (j, &&(doc, bits, at)) in best.iter().enumerate() {
            docs.push(doc);
            if j > 0 {
                out.push(b',');
            }
            out.push(b'[');
            push_u32(&mut out, doc);
            out.push(b',');
            push_str(&mut out, &snippet(r, doc as usize, bits, at));
            out.push(b']');
        }
        out.extend_from_slice(b"]]");
    }
    out.extend_from_slice(b"],\"docs\":[");
    docs.sort_unstable();
    docs.dedup();
    for (j, &d) in docs.iter().enumerate() {
        if j > 0 {
            out.push(b',');
        }
        out.push(b'[');
        push_u32(&mut out, d);
        out.push(b',');
        out.extend_from_slice(&to_bytes(&record(r, d as usize)));
        out.push(b']');
    }
    out.extend_from_slice(b"]}");
    out
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
/// `k * 64 ..`, for results that came without inline data.
pub(super) fn docs(r: &Renderer, k: usize) -> Vec<u8> {
    let n = r.views.site.items.len();
    let from = (k * DOCS_PER_SHARD).min(n);
    let to = (from + DOCS_PER_SHARD).min(n);
    let list: Vec<Value> = (from..to)
        .map(|i| {
            let mut rec = record(r, i);
            let text = &item(r, i).text;
            rec["s"] = Value::String(cut(text, 0, SOURCE));
            // Tags are searched as names but not shown; listed here (not
            // inline) for tools that read the index, like tests/e2e/feeds.py.
            let tags = r.views.cards[i].tags.iter().map(|t| t.name.as_str());
            rec["g"] = Value::from(tags.collect::<Vec<_>>());
            rec
        })
        .collect();
    to_bytes(&json!({"v": VERSION, "from": from, "docs": list}))
}

/// What a result shows besides its snippet.
fn record(r: &Renderer, i: usize) -> Value {
    let it = &r.views.site.items[i];
    let c = &r.views.cards[i];
    json!({
        "t": it.title,
        "u": c.url,
        "k": if it.kind == ItemKind::Link { "l" } else { "a" },
        "d": c.date.get(..10).unwrap_or(&c.date),
        "l": c.lang,
        "c": c.channels.iter().map(|x| x.title.as_str()).collect::<Vec<_>>(),
        "a": c.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        "src": c.source.as_ref().map(|s| s.name.as_str()),
    })
}

/// The snippet of document `i` for a term found with `bits` at byte `at`:
/// text around the match when it is in the summary or body, else the
/// opening of the summary.
fn snippet(r: &Renderer, i: usize, bits: u8, at: u32) -> String {
    let text = &item(r, i).text;
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

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec())
}
