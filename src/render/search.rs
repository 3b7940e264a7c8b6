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
mod merge;
mod plan;
mod shards;

use super::{Job, Renderer};
use crate::html::strip_tags;
use merge::{add_plan, merge, Collector, Terms};
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
    /// Summary, then the rest of the body, as plain text, which snippets
    /// are cut from: kept only by `serve`, whose next index cuts them
    /// again. A build cuts every snippet in one pass and drops the text
    /// (every body as text was ~300 MiB of the 50,000-article build's peak).
    text: Option<Box<str>>,
    /// The item's compact record as JSON, without its closing brace.
    record: Box<[u8]>,
    /// `,"s":…`: the record's member with the opening of the summary.
    opening: Box<[u8]>,
    /// The opening of the text a document shard carries.
    source: Box<str>,
}

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
    /// The snippet of each entry of `best`, at the same position.
    snippets: Vec<Box<str>>,
    /// The documents of each facet file, ascending.
    facet_docs: Vec<Vec<u32>>,
    /// The records each term shard and facet file carries.
    plan: plan::Plan,
}

/// What the renderer caches for search between `serve` rebuilds.
pub struct Cache {
    texts: Vec<OnceLock<ItemText>>,
    /// One slot per item when terms are kept (`serve`), else none.
    terms: Vec<OnceLock<Terms>>,
    /// Whether texts are kept with their items (`serve`).
    keep: bool,
    index: OnceLock<Index>,
}

impl Cache {
    /// An empty cache for `n` items; `keep_terms` keeps each item's terms
    /// past the merge and its text past the snippets.
    pub fn new(n: usize, keep_terms: bool) -> Self {
        Cache {
            texts: (0..n).map(|_| OnceLock::new()).collect(),
            terms: (0..if keep_terms { n } else { 0 })
                .map(|_| OnceLock::new())
                .collect(),
            keep: keep_terms,
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
        let mut index = if r.search.terms.len() == n {
            let kept = on_threads(n, |range| {
                range.map(|i| kept_terms(r, i)).collect::<Vec<_>>()
            });
            merge(r, &kept.into_iter().flatten().collect::<Vec<_>>())
        } else {
            // Not kept: one run of items per thread, dropped with the merge.
            let runs = on_threads(n, |range| {
                let mut c = Collector::default();
                for i in range {
                    item_terms(r, i, &mut c);
                }
                c.finish()
            });
            merge(r, &runs.iter().collect::<Vec<_>>())
        };
        add_plan(r, &mut index);
        index.snippets = cut_snippets(r, &index);
        index
    })
}

/// The snippet of every entry of `index.best`, in its order. The text of
/// each document among them is read once more, so no item's whole text
/// outlives this pass in a build.
fn cut_snippets(r: &Renderer, index: &Index) -> Vec<Box<str>> {
    let n = r.views.site.items.len();
    // The entries of `best` per document, as one list: those of document
    // `d` at `by_doc[start[d]..start[d + 1]]`.
    let mut start = vec![0usize; n + 1];
    for &(d, _, _) in &index.best {
        start[d as usize + 1] += 1;
    }
    for d in 0..n {
        start[d + 1] += start[d];
    }
    let mut next = start.clone();
    let mut by_doc = vec![0usize; index.best.len()];
    for (b, &(d, _, _)) in index.best.iter().enumerate() {
        by_doc[next[d as usize]] = b;
        next[d as usize] += 1;
    }
    let cut = on_threads(n, |range| {
        let mut out = Vec::new();
        for d in range {
            let slots = &by_doc[start[d]..start[d + 1]];
            // The term reader filled the text cache; only the documents
            // that are some term's best need their text again (a fifth
            // of the reference site's).
            if slots.is_empty() {
                continue;
            }
            with_text(r, d, |text| {
                out.extend(slots.iter().map(|&b| {
                    let (_, bits, at) = index.best[b];
                    shards::snippet(text, bits, at).into_boxed_str()
                }))
            });
        }
        out
    });
    let mut snippets = vec![Box::<str>::default(); index.best.len()];
    for (b, s) in by_doc.into_iter().zip(cut.into_iter().flatten()) {
        snippets[b] = s;
    }
    snippets
}

/// `f` of item `d`'s plain text: the kept one, else read now (filling the
/// text cache, which keeps the text only in `serve`).
fn with_text<T>(r: &Renderer, d: usize, f: impl FnOnce(&str) -> T) -> T {
    if let Some(text) = r.search.texts[d].get().and_then(|t| t.text.as_deref()) {
        return f(text);
    }
    let (text, _) = plain_text(r, d);
    let out = f(&text);
    r.search.texts[d].get_or_init(|| item_text(r, d, text));
    out
}

/// `f` of a few ranges that split `0..n` in order, each on a plain thread
/// of its own; the results in the order of the ranges.
fn on_threads<T: Send>(n: usize, f: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let threads = rayon::current_num_threads().clamp(1, 8);
    let chunk = n.div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| s.spawn(move || f(start..(start + chunk).min(n))))
            .collect();
        // A thread's panic goes on as this one's: a merge without its
        // items would number the documents wrongly.
        (handles.into_iter())
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Item `i`'s text, computed on first use.
pub(super) fn item<'r>(r: &'r Renderer, i: usize) -> &'r ItemText {
    r.search.texts[i].get_or_init(|| item_text(r, i, plain_text(r, i).0))
}

/// Item `i`'s terms as `serve` keeps them.
fn kept_terms<'r>(r: &'r Renderer, i: usize) -> &'r Terms {
    r.search.terms[i].get_or_init(|| {
        let mut c = Collector::default();
        item_terms(r, i, &mut c);
        c.finish()
    })
}

fn item_text(r: &Renderer, i: usize, text: String) -> ItemText {
    let (record, opening, source) = shards::record_parts(r, i, &text);
    ItemText {
        text: r.search.keep.then(|| text.into_boxed_str()),
        record,
        opening,
        source,
    }
}

/// Item `i`'s summary, then the rest of its body, as plain text, and the
/// summary's byte length.
fn plain_text(r: &Renderer, i: usize) -> (String, usize) {
    let it = &r.views.site.items[i];
    let c = &r.views.cards[i];
    let summary = strip_tags(&c.summary_html);
    let full = strip_tags(&it.body.html.unpack());
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

/// Collects item `i`'s terms with `found`, as its next item.
fn item_terms(r: &Renderer, i: usize, found: &mut Collector) {
    let it = &r.views.site.items[i];
    let c = &r.views.cards[i];
    // Read here; the text cache keeps only what the search files quote
    // besides snippets (the text itself only in `serve`): every item's
    // text held through the merge was the build's peak memory.
    let (text, summary) = plain_text(r, i);
    found.add_text(&it.title, |_| TITLE, |_| 0);
    let names = c
        .authors
        .iter()
        .map(|a| a.name.as_str())
        .chain(c.channels.iter().map(|x| x.title.as_str()))
        .chain(c.tags.iter().map(|x| x.name.as_str()))
        .chain(c.source.as_ref().map(|s| s.name.as_str()));
    for name in names {
        found.add_text(name, |_| NAMES, |_| 0);
    }
    found.add_text(
        &text,
        |at| if at < summary { SUMMARY } else { BODY },
        |at| u32::try_from(at).unwrap_or(u32::MAX),
    );
    found.end_item();
    r.search.texts[i].get_or_init(|| item_text(r, i, text));
}

impl Index {
    /// Term `k`'s best documents: (document, bits, snippet offset).
    fn best(&self, k: usize) -> &[(u32, u8, u32)] {
        &self.best[self.best_at[k] as usize..self.best_at[k + 1] as usize]
    }

    /// The snippets of term `k`'s best documents, in [`Index::best`]'s order.
    fn snippets(&self, k: usize) -> &[Box<str>] {
        &self.snippets[self.best_at[k] as usize..self.best_at[k + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
