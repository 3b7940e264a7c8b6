//! The search index, written in shards (SPEC §13; the format is in
//! `docs/search.md`). The search page loads the small manifest, then only
//! the term shards its query's terms hash to, then the data of the results
//! it shows: most of it comes inline with the term shards (each term's best
//! results), the rest from document shards of 16 items. Filters load one
//! facets file.
//!
//! Document numbers are item positions (newest first), so every ordering
//! here follows the model and no thread timing reaches the output.

pub mod fold;
mod plan;
mod shards;

use super::{Job, Renderer};
use crate::html::strip_tags;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

pub use crate::site::routes::SEARCH_DOCS_PER_SHARD as DOCS_PER_SHARD;
/// Best results stored inline per term: one page of results.
pub const TOP: usize = 10;

/// Where a term occurs in an item, as bits: the exact word in the title,
/// names (authors, channels, tags, source), summary or body; the same four
/// shifted by [`PART`] for a word that contains the term as a compound part.
pub const TITLE: u8 = 1;
/// See [`TITLE`].
pub const NAMES: u8 = 2;
/// See [`TITLE`].
pub const SUMMARY: u8 = 4;
/// See [`TITLE`].
pub const BODY: u8 = 8;
/// Shift from an exact field bit to its compound-part bit.
pub const PART: u8 = 4;

/// Weight of each bit of a posting, lowest bit first; the browser uses the
/// same table (`WEIGHT` in search.js) so that the best results of a term
/// computed here are the best it would rank.
pub const WEIGHT: [u32; 8] = [100, 40, 15, 5, 60, 24, 9, 3];

/// A posting's weight: that of its best field.
pub fn weight(flags: u8) -> u32 {
    (0..8)
        .filter(|b| flags & (1 << b) != 0)
        .map(|b| WEIGHT[b])
        .max()
        .unwrap_or(0)
}

/// What the search files quote from one item: computed once, kept until
/// the last search file is written (and by `serve`).
pub struct ItemText {
    /// Summary, then the rest of the body, as plain text: snippets come
    /// from here.
    text: String,
    /// The item's compact record as JSON, without its closing brace.
    record: Box<[u8]>,
    /// `,"s":…`: the record's member with the opening of the summary.
    opening: Box<[u8]>,
}

/// One item's terms: read once by the merge. `serve` keeps them, so that
/// an edit re-reads one item; a build drops them with the merge (about
/// 40 MiB on the 10,000-article reference site).
pub struct ItemTerms {
    /// The item's terms, sorted, each once, one after the other: one
    /// allocation per item instead of one per term (15,000 items hold
    /// millions of terms).
    words: String,
    /// Per term of `words`: its end in `words`, and its field bits (top
    /// byte) with the byte offset of its first word in `text` (low 24 bits:
    /// texts past 16 MiB point their snippets at that mark). Eight bytes a
    /// term, not twelve.
    terms: Vec<(u32, u32)>,
}

impl ItemTerms {
    /// (term, field bits, offset in `text`) in term order.
    fn iter(&self) -> impl Iterator<Item = (&str, u8, u32)> + '_ {
        let mut start = 0;
        self.terms.iter().map(move |&(end, packed)| {
            let t = &self.words[start..end as usize];
            start = end as usize;
            (t, (packed >> 24) as u8, packed & AT_MASK)
        })
    }

    /// Field bits and text offset of `term`, if the item has the word.
    fn find(&self, term: &str) -> Option<(u8, u32)> {
        let word = |k: usize| {
            let start = if k == 0 {
                0
            } else {
                self.terms[k - 1].0 as usize
            };
            &self.words[start..self.terms[k].0 as usize]
        };
        let (mut lo, mut hi) = (0, self.terms.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match word(mid).cmp(term) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let packed = self.terms[mid].1;
                    return Some(((packed >> 24) as u8, packed & AT_MASK));
                }
            }
        }
        None
    }

    /// Where the snippet of a posting with `bits` for `term` starts: the
    /// term's own first word in the text, else the first word in the text
    /// that holds it as a compound part. Only the best ten of each term
    /// need this, so postings do not store it.
    fn offset(&self, term: &str, bits: u8) -> u32 {
        let text = SUMMARY | BODY;
        if bits & text != 0 {
            if let Some((_, at)) = self.find(term) {
                return at;
            }
        }
        self.iter()
            .filter(|(t, b, _)| b & text != 0 && t.len() > term.len() && t.contains(term))
            .map(|(_, _, at)| at)
            .min()
            .unwrap_or(0)
    }
}

/// Text offsets kept per term of an item: 24 bits.
const AT_MASK: u32 = (1 << 24) - 1;

/// A term's postings in document order: documents and their field bits
/// side by side, five bytes a posting, sized exactly.
#[derive(Default)]
pub struct Postings {
    /// Document numbers, ascending.
    pub docs: Vec<u32>,
    /// Field bits per document.
    pub bits: Vec<u8>,
}

impl Postings {
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// (document, bits) pairs in document order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        self.docs.iter().copied().zip(self.bits.iter().copied())
    }
}

/// The merged index over all items.
pub struct Index {
    /// Sorted by term; postings in document order.
    terms: Vec<(String, Postings)>,
    /// Each term's best [`TOP`] documents, ranked: (document, bits, offset
    /// of the snippet in the document's text), the ones of term `k` at
    /// `best[best_at[k]..best_at[k + 1]]`.
    best: Vec<(u32, u8, u32)>,
    /// See `best`; one more entry than `terms`.
    best_at: Vec<u32>,
    /// Term positions per term shard.
    by_shard: Vec<Vec<usize>>,
    /// Per typo shard: (typo key, term position), sorted.
    by_typo: Vec<Vec<(String, u32)>>,
    /// The records each term shard and facet file carries.
    plan: plan::Plan,
}

/// What the renderer caches for search between `serve` rebuilds.
pub struct Cache {
    texts: Vec<OnceLock<ItemText>>,
    /// One slot per item when terms are kept (`serve`), else none.
    terms: Vec<OnceLock<ItemTerms>>,
    index: OnceLock<Index>,
}

impl Cache {
    /// An empty cache for `n` items; `keep_terms` keeps each item's terms
    /// past the merge.
    pub fn new(n: usize, keep_terms: bool) -> Self {
        Cache {
            texts: (0..n).map(|_| OnceLock::new()).collect(),
            terms: (0..if keep_terms { n } else { 0 })
                .map(|_| OnceLock::new())
                .collect(),
            index: OnceLock::new(),
        }
    }

    /// Forgets item `i` (changed in place) and the merged index.
    pub fn refresh(&mut self, i: usize) {
        if let Some(slot) = self.texts.get_mut(i) {
            *slot = OnceLock::new();
        }
        if let Some(slot) = self.terms.get_mut(i) {
            *slot = OnceLock::new();
        }
        self.index = OnceLock::new();
    }
}

pub use crate::site::routes::search_term_shards as term_shards;
pub use crate::site::routes::search_typo_shards as typo_shards;

/// The bytes of one search file.
pub fn render(r: &Renderer, job: &Job) -> Vec<u8> {
    match job {
        Job::SearchFacets(k) => shards::facets(r, index(r), *k),
        Job::SearchTypos(k) => shards::typos(index(r), *k),
        Job::SearchTerms(k) => shards::terms(r, index(r), *k),
        Job::SearchDocs(k) => shards::docs(r, *k),
        _ => shards::manifest(r),
    }
}

/// Builds the merged index now (see [`Renderer::render_routes`]).
pub fn prepare(r: &Renderer) {
    index(r);
}

/// The merged index, built on first use. Items are read on plain threads,
/// not rayon's: this runs inside a rayon job, and a rayon wait inside a
/// `OnceLock` initialiser could pick up another search job that waits on
/// the same lock.
fn index<'r>(r: &'r Renderer) -> &'r Index {
    r.search.index.get_or_init(|| {
        let n = r.views.site.items.len();
        if r.search.terms.len() == n {
            return merge(r, &on_threads(n, |i| kept_terms(r, i)));
        }
        // Not kept: the terms are dropped with the merge.
        let owned = on_threads(n, |i| item_terms(r, i));
        merge(r, &owned.iter().collect::<Vec<_>>())
    })
}

/// `f(i)` for every `i < n`, in order, on a few plain threads.
fn on_threads<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = rayon::current_num_threads().clamp(1, 8);
    let chunk = n.div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                s.spawn(move || (start..(start + chunk).min(n)).map(f).collect::<Vec<T>>())
            })
            .collect();
        // A thread's panic goes on as this one's: a merge without its
        // items would number the documents wrongly.
        (handles.into_iter())
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Item `i`'s text, computed on first use.
pub(super) fn item<'r>(r: &'r Renderer, i: usize) -> &'r ItemText {
    r.search.texts[i].get_or_init(|| item_text(r, i))
}

/// Item `i`'s terms as `serve` keeps them.
fn kept_terms<'r>(r: &'r Renderer, i: usize) -> &'r ItemTerms {
    r.search.terms[i].get_or_init(|| item_terms(r, i))
}

fn item_text(r: &Renderer, i: usize) -> ItemText {
    let (text, _) = plain_text(r, i);
    let (record, opening) = shards::record_parts(r, i, &text);
    ItemText {
        text,
        record,
        opening,
    }
}

/// Item `i`'s summary, then the rest of its body, as plain text, and the
/// summary's byte length.
fn plain_text(r: &Renderer, i: usize) -> (String, usize) {
    let it = &r.views.site.items[i];
    let c = &r.views.cards[i];
    let summary = strip_tags(&c.summary_html);
    let full = strip_tags(&it.body.html);
    // The summary is usually the body's first paragraph: index it once.
    let rest = full
        .strip_prefix(summary.as_str())
        .unwrap_or(&full)
        .trim_start();
    let mut text = String::with_capacity(summary.len() + 1 + rest.len());
    text.push_str(&summary);
    text.push('\n');
    text.push_str(rest);
    (text, summary.len())
}

fn item_terms(r: &Renderer, i: usize) -> ItemTerms {
    let it = &r.views.site.items[i];
    let c = &r.views.cards[i];
    // Read here, not kept in the text cache: every item's text held
    // through the merge was the build's peak memory, and the search files
    // that quote the texts come last (the term shards after the merge).
    let (text, summary) = plain_text(r, i);
    let mut found: FxHashMap<String, (u8, u32)> = FxHashMap::default();
    let mut buf = String::new();
    let mut add = |word: &str, bit: u8, at: u32| {
        fold::fold_into(word, &mut buf);
        if !fold::is_term(&buf) {
            return;
        }
        // Most words repeat: look up before allocating the key.
        let e = match found.get_mut(buf.as_str()) {
            Some(e) => e,
            None => found.entry(buf.clone()).or_insert((0, at)),
        };
        // A title or name hit has no place in `text`: keep the first body
        // or summary offset once one is seen.
        if e.0 & (SUMMARY | BODY) == 0 && bit & (SUMMARY | BODY) != 0 {
            e.1 = at;
        }
        e.0 |= bit;
    };
    for (_, w) in fold::words(&it.title) {
        add(w, TITLE, 0);
    }
    let names = c
        .authors
        .iter()
        .map(|a| a.name.as_str())
        .chain(c.channels.iter().map(|x| x.title.as_str()))
        .chain(c.tags.iter().map(|x| x.name.as_str()))
        .chain(c.source.as_ref().map(|s| s.name.as_str()));
    for name in names {
        for (_, w) in fold::words(name) {
            add(w, NAMES, 0);
        }
    }
    let cut = summary;
    for (at, w) in fold::words(&text) {
        let bit = if at < cut { SUMMARY } else { BODY };
        add(w, bit, u32::try_from(at).unwrap_or(u32::MAX));
    }
    let mut sorted: Vec<(String, (u8, u32))> = found.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut words = String::with_capacity(sorted.iter().map(|(t, _)| t.len()).sum());
    let mut terms = Vec::with_capacity(sorted.len());
    for (t, (bits, at)) in sorted {
        words.push_str(&t);
        let end = u32::try_from(words.len()).unwrap_or(u32::MAX);
        terms.push((end, u32::from(bits) << 24 | at.min(AT_MASK)));
    }
    ItemTerms { words, terms }
}

/// Shortest compound part that is looked for, in characters.
const MIN_PART: usize = 4;

/// The compound parts of `term` that are words of their own in `vocab`:
/// the longest such tail ("unternehmenskultur" → "kultur") and the head
/// before it, with a linking s removed ("unternehmens" → "unternehmen").
/// The corpus is the dictionary: no word list to ship or keep current.
fn parts(term: &str, vocab: &FxHashMap<&str, ()>) -> Vec<String> {
    let bounds: Vec<usize> = term.char_indices().map(|(i, _)| i).collect();
    let len = bounds.len();
    let mut out = Vec::new();
    if len < 2 * MIN_PART - 1 {
        return out;
    }
    for &at in &bounds[3..=len - MIN_PART] {
        let (head, tail) = term.split_at(at);
        if !vocab.contains_key(tail) {
            continue;
        }
        out.push(tail.to_string());
        let head = if head.chars().count() > MIN_PART && vocab.get(head).is_none() {
            head.strip_suffix('s').unwrap_or(head)
        } else {
            head
        };
        if head.chars().count() >= MIN_PART && vocab.contains_key(head) {
            out.push(head.to_string());
        }
        break;
    }
    out
}

/// Merges every item's terms (`items[i]` is item `i`'s), adding
/// compound-part postings.
fn merge(r: &Renderer, items: &[&ItemTerms]) -> Index {
    let n = items.len();
    let mut vocab: FxHashMap<&str, ()> = FxHashMap::default();
    for it in items {
        for (t, _, _) in it.iter() {
            vocab.insert(t, ());
        }
    }
    let part_memo: FxHashMap<&str, Vec<String>> = vocab
        .keys()
        .map(|t| (*t, parts(t, &vocab)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let mut postings: FxHashMap<String, Postings> = FxHashMap::default();
    let mut local: FxHashMap<&str, u8> = FxHashMap::default();
    for (i, it) in items.iter().enumerate() {
        let doc = u32::try_from(i).unwrap_or(u32::MAX);
        local.clear();
        for (t, f, _) in it.iter() {
            *local.entry(t).or_insert(0) |= f;
        }
        for (t, f, _) in it.iter() {
            let Some(ps) = part_memo.get(t) else {
                continue;
            };
            for p in ps {
                *local.entry(p.as_str()).or_insert(0) |= f << PART;
            }
        }
        // Documents come in order, so each list stays sorted.
        for (&t, &f) in &local {
            let list = match postings.get_mut(t) {
                Some(list) => list,
                None => postings.entry(t.to_string()).or_default(),
            };
            list.docs.push(doc);
            list.bits.push(f);
        }
    }
    let mut terms: Vec<(String, Postings)> = postings.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Growth left up to half of each list unused; the index lives until
    // the last term shard is written.
    for (_, p) in &mut terms {
        p.docs.shrink_to_fit();
        p.bits.shrink_to_fit();
    }
    let (best, best_at) = best_of(&terms, items);
    let shards = term_shards(r.views.site);
    let mut by_shard = vec![Vec::new(); shards];
    for (k, (t, _)) in terms.iter().enumerate() {
        by_shard[fold::shard_of(t, shards)].push(k);
    }
    let typos = typo_shards(r.views.site);
    let mut by_typo = vec![Vec::new(); typos];
    for (k, (t, _)) in terms.iter().enumerate() {
        for key in fold::typo_keys(t) {
            let at = fold::typo_shard_of(&key, typos);
            by_typo[at].push((key, u32::try_from(k).unwrap_or(u32::MAX)));
        }
    }
    for list in &mut by_typo {
        list.sort_unstable();
    }
    let mut index = Index {
        terms,
        best,
        best_at,
        by_shard,
        by_typo,
        plan: plan::Plan::default(),
    };
    let facets: Vec<Vec<u32>> = (0..shards::facet_count(r))
        .map(|k| {
            let docs = shards::facet_docs(r, k);
            docs.into_iter()
                .map(|d| u32::try_from(d).unwrap_or(u32::MAX))
                .collect()
        })
        .collect();
    index.plan = plan::plan(&index, n, &facets, shards::FACET_RECORDS);
    index
}

/// Each term's best [`TOP`] documents with the offset of their snippets:
/// found while the items' terms are at hand (see [`Index::best`]).
fn best_of(terms: &[(String, Postings)], items: &[&ItemTerms]) -> (Vec<(u32, u8, u32)>, Vec<u32>) {
    let mut best = Vec::new();
    let mut best_at = Vec::with_capacity(terms.len() + 1);
    for (term, list) in terms {
        best_at.push(u32::try_from(best.len()).unwrap_or(u32::MAX));
        for (doc, bits) in plan::ranked(list, TOP) {
            let at = items[doc as usize].offset(term, bits);
            best.push((doc, bits, at));
        }
    }
    best_at.push(u32::try_from(best.len()).unwrap_or(u32::MAX));
    (best, best_at)
}

impl Index {
    /// Term `k`'s best documents: (document, bits, snippet offset).
    fn best(&self, k: usize) -> &[(u32, u8, u32)] {
        &self.best[self.best_at[k] as usize..self.best_at[k + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab<'a>(words: &[&'a str]) -> FxHashMap<&'a str, ()> {
        words.iter().map(|w| (*w, ())).collect()
    }

    #[test]
    fn search_compound_parts_come_from_the_corpus_words() {
        let v = vocab(&["unternehmen", "kultur", "unternehmenskultur"]);
        assert_eq!(parts("unternehmenskultur", &v), ["kultur", "unternehmen"]);
        assert!(parts("kultur", &v).is_empty());
        assert!(parts("wandelkunst", &v).is_empty());
    }

    #[test]
    fn search_weights_rank_title_over_names_over_summary_over_body() {
        assert!(weight(TITLE) > weight(NAMES));
        assert!(weight(NAMES) > weight(SUMMARY));
        assert!(weight(SUMMARY) > weight(BODY));
        assert!(weight(TITLE << PART) < weight(TITLE));
        assert_eq!(weight(TITLE | BODY), weight(TITLE));
        assert_eq!(weight(0), 0);
    }
}
