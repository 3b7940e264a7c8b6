//! Each item's terms, and their merge into one index. Terms are folded
//! words (`fold.rs`); items hold them as numbers in their run's vocabulary,
//! and the merge numbers the site's distinct terms once per run, so that
//! no term is hashed again per item or posting, and no string is allocated
//! per posting.

use super::{fold, plan, shards, Index, Postings, BODY, PART, SUMMARY, TOP};
use crate::render::Renderer;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// The terms of a run of consecutive items, read by one collector: its
/// vocabulary (each distinct term once, numbered in sorted order) and, per
/// item, the numbers of its terms. A build reads the site in one run per
/// thread, so a term is stored and hashed once per thread, not once per
/// item that has it; `serve` keeps one run per item, so that an edit
/// re-reads one item.
pub struct Terms {
    /// The vocabulary's terms, sorted.
    vocab: Strings,
    /// Per item: its terms' numbers, ascending, each with its field bits
    /// (top byte) and the byte offset of its first word in the item's text
    /// (low 24 bits: texts past 16 MiB point their snippets at that mark).
    /// Eight bytes a term and item.
    items: Vec<Box<[(u32, u32)]>>,
}

/// Text offsets kept per term of an item: 24 bits.
const AT_MASK: u32 = (1 << 24) - 1;

impl Terms {
    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// (term, field bits, offset in the text) of item `j` of the run, in
    /// the order of the term numbers.
    fn iter(&self, j: usize) -> impl Iterator<Item = (&str, u8, u32)> + '_ {
        (self.items[j].iter())
            .map(|&(k, packed)| (self.vocab.get(k), (packed >> 24) as u8, packed & AT_MASK))
    }

    /// Field bits and text offset of `term` in item `j`, if it has the word.
    fn find(&self, j: usize, term: &str) -> Option<(u8, u32)> {
        let k = self.vocab.sorted_position(term)?;
        let list = &self.items[j];
        let at = list.binary_search_by_key(&k, |&(n, _)| n).ok()?;
        let packed = list[at].1;
        Some(((packed >> 24) as u8, packed & AT_MASK))
    }

    /// Where the snippet of item `j`'s posting with `bits` for `term`
    /// starts: the term's own first word in the text, else the first word
    /// in the text that holds it as a compound part. Only the best ten of
    /// each term need this, so postings do not store it.
    fn offset(&self, j: usize, term: &str, bits: u8) -> u32 {
        let text = SUMMARY | BODY;
        if bits & text != 0 {
            if let Some((_, at)) = self.find(j, term) {
                return at;
            }
        }
        self.iter(j)
            .filter(|(t, b, _)| b & text != 0 && t.len() > term.len() && t.contains(term))
            .map(|(_, _, at)| at)
            .min()
            .unwrap_or(0)
    }
}

/// No entry in [`Collector`]'s `slot`.
const NONE: u32 = u32::MAX;

/// Strings numbered as added, one after the other in one string.
#[derive(Default)]
struct Strings {
    text: String,
    /// The end of each string in `text`.
    ends: Vec<u32>,
}

impl Strings {
    /// The number of strings.
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// String `k`.
    fn get(&self, k: u32) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k as usize - 1] };
        &self.text[start as usize..self.ends[k as usize] as usize]
    }

    /// Adds `s`; its number.
    fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        self.ends.len() as u32 - 1
    }

    /// The number of `s`, found by bisection: the strings must be sorted.
    fn sorted_position(&self, s: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.len() as u32);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(s) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
}

/// Distinct strings, numbered as added, found again through a table of
/// positions: a run's terms and word forms, the site's terms.
#[derive(Default)]
struct Interned {
    strings: Strings,
    hashes: Vec<u64>,
    table: HashTable<u32>,
}

impl Interned {
    /// The number of strings.
    fn len(&self) -> usize {
        self.strings.len()
    }

    /// String `k`.
    fn get(&self, k: u32) -> &str {
        self.strings.get(k)
    }

    /// The number of `s`, if it was added.
    fn number(&self, s: &str) -> Option<u32> {
        self.find(s, FxBuildHasher.hash_one(s))
    }

    /// The number of `s`, whose hash is `hash`, if it was added.
    fn find(&self, s: &str, hash: u64) -> Option<u32> {
        (self.table.find(hash, |&k| self.get(k) == s)).copied()
    }

    /// Adds `s` (not added before), whose hash is `hash`; its number.
    fn push(&mut self, s: &str, hash: u64) -> u32 {
        let k = self.strings.push(s);
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.table.insert_unique(hash, k, |&j| hashes[j as usize]);
        k
    }

    /// The number of `s`, given one if it is new.
    fn add(&mut self, s: &str) -> u32 {
        let hash = FxBuildHasher.hash_one(s);
        match self.find(s, hash) {
            Some(k) => k,
            None => self.push(s, hash),
        }
    }
}

/// Collects the distinct terms of one item after another as their words
/// come: a word is folded the first time the run meets it (and remembered
/// with its term), its term looked up in the run's vocabulary, where a new
/// term is appended to one string. Nothing is allocated per word or per
/// term but the vocabulary's growth.
#[derive(Default)]
pub struct Collector {
    buf: String,
    /// The run's terms.
    vocab: Interned,
    /// The word forms met so far, unfolded, and the term of each
    /// ([`NONE`]: none): most words of a text were met before, and finding
    /// a word costs less than folding it.
    forms: Interned,
    form_term: Vec<u32>,
    /// Per term of the vocabulary: its entry in `found`, or [`NONE`].
    slot: Vec<u32>,
    /// The current item's terms: number, field bits, first text offset.
    found: Vec<(u32, u8, u32)>,
    items: Vec<Box<[(u32, u32)]>>,
}

impl Collector {
    /// Adds the words of `text` in the field `bit` to the current item;
    /// `at` gives the offset a word at byte `b` of `text` records (title
    /// and names: none).
    pub fn add_text(&mut self, text: &str, bit: impl Fn(usize) -> u8, at: impl Fn(usize) -> u32) {
        for (b, w) in fold::words(text) {
            self.add(w, bit(b), at(b));
        }
    }

    fn add(&mut self, word: &str, bit: u8, at: u32) {
        let hash = FxBuildHasher.hash_one(word);
        let k = match self.forms.find(word, hash) {
            Some(f) => self.form_term[f as usize],
            None => {
                let k = self.term_of(word);
                self.forms.push(word, hash);
                self.form_term.push(k);
                k
            }
        };
        if k == NONE {
            return;
        }
        if self.slot[k as usize] == NONE {
            self.slot[k as usize] = self.found.len() as u32;
            self.found.push((k, 0, at));
        }
        let e = &mut self.found[self.slot[k as usize] as usize];
        // A title or name hit has no place in `text`: keep the first body
        // or summary offset once one is seen.
        if e.1 & (SUMMARY | BODY) == 0 && bit & (SUMMARY | BODY) != 0 {
            e.2 = at;
        }
        e.1 |= bit;
    }

    /// The number of `word`'s term in the vocabulary (added if new), or
    /// [`NONE`] when it folds to no term.
    fn term_of(&mut self, word: &str) -> u32 {
        fold::fold_into(word, &mut self.buf);
        if !fold::is_term(&self.buf) {
            return NONE;
        }
        let hash = FxBuildHasher.hash_one(self.buf.as_str());
        match self.vocab.find(&self.buf, hash) {
            Some(k) => k,
            None => {
                self.slot.push(NONE);
                self.vocab.push(&self.buf, hash)
            }
        }
    }

    /// Ends the current item: its terms are stored, and the next words
    /// belong to the next item.
    pub fn end_item(&mut self) {
        for &(k, _, _) in &self.found {
            self.slot[k as usize] = NONE;
        }
        let terms = (self.found.drain(..))
            .map(|(k, bits, at)| (k, u32::from(bits) << 24 | at.min(AT_MASK)))
            .collect();
        self.items.push(terms);
    }

    /// The terms of every item ended so far, the vocabulary numbered in
    /// sorted order (so that a term is found by bisection, without keeping
    /// a hash table per run) and each item's terms sorted by number.
    pub fn finish(self) -> Terms {
        let word = |k: u32| self.vocab.get(k);
        let mut order: Vec<u32> = (0..self.vocab.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| word(a).cmp(word(b)));
        let mut number = vec![0u32; order.len()];
        let mut vocab = Strings {
            text: String::with_capacity(self.vocab.strings.text.len()),
            ends: Vec::with_capacity(order.len()),
        };
        for &old in &order {
            number[old as usize] = vocab.push(word(old));
        }
        let mut items = self.items;
        for terms in &mut items {
            for t in terms.iter_mut() {
                t.0 = number[t.0 as usize];
            }
            terms.sort_unstable_by_key(|&(k, _)| k);
        }
        Terms { vocab, items }
    }
}

/// Shortest compound part that is looked for, in characters.
const MIN_PART: usize = 4;

/// The compound parts of `term` that are words of their own in `vocab`:
/// the longest such tail ("unternehmenskultur" → "kultur") and the head
/// before it, with a linking s removed ("unternehmens" → "unternehmen").
/// The corpus is the dictionary: no word list to ship or keep current.
fn parts(term: &str, vocab: &Interned) -> Vec<u32> {
    let bounds: Vec<usize> = term.char_indices().map(|(i, _)| i).collect();
    let len = bounds.len();
    let mut out = Vec::new();
    if len < 2 * MIN_PART - 1 {
        return out;
    }
    for &at in &bounds[3..=len - MIN_PART] {
        let (head, tail) = term.split_at(at);
        let Some(t) = vocab.number(tail) else {
            continue;
        };
        out.push(t);
        let head = if head.chars().count() > MIN_PART && vocab.number(head).is_none() {
            head.strip_suffix('s').unwrap_or(head)
        } else {
            head
        };
        if head.chars().count() >= MIN_PART {
            out.extend(vocab.number(head));
        }
        break;
    }
    out
}

/// Merges the terms of every item (the runs in item order), adding
/// compound-part postings.
pub(super) fn merge(r: &Renderer, runs: &[&Terms]) -> Index {
    // The site's distinct terms, numbered as first met.
    let mut vocab = Interned::default();
    // Each run's term numbers in the site's vocabulary.
    let numbers: Vec<Vec<u32>> = (runs.iter())
        .map(|run| {
            (0..run.vocab.len() as u32)
                .map(|k| vocab.add(run.vocab.get(k)))
                .collect()
        })
        .collect();
    let v = vocab.len();
    let parts_of: Vec<Vec<u32>> = (0..v as u32).map(|k| parts(vocab.get(k), &vocab)).collect();
    // Two passes: the first counts each list's postings, so that the
    // second fills lists of their final size (grown by doubling, they held
    // up to twice their postings at the build's memory peak).
    let mut counts = vec![0u32; v];
    postings(runs, &numbers, &parts_of, |_, k, _| counts[k as usize] += 1);
    let mut lists: Vec<Postings> = (counts.iter())
        .map(|&n| Postings {
            docs: Vec::with_capacity(n as usize),
            bits: Vec::with_capacity(n as usize),
        })
        .collect();
    drop(counts);
    // Documents come in order, so each list stays sorted.
    postings(runs, &numbers, &parts_of, |doc, k, bits| {
        let list = &mut lists[k as usize];
        list.docs.push(doc);
        list.bits.push(bits);
    });
    let mut order: Vec<u32> = (0..v as u32).collect();
    order.sort_unstable_by(|&a, &b| vocab.get(a).cmp(vocab.get(b)));
    let terms: Vec<(String, Postings)> = (order.iter())
        .map(|&k| {
            (
                vocab.get(k).to_string(),
                std::mem::take(&mut lists[k as usize]),
            )
        })
        .collect();
    let docs: Vec<(&Terms, usize)> = (runs.iter())
        .flat_map(|&run| (0..run.len()).map(move |j| (run, j)))
        .collect();
    index(r, terms, &docs)
}

/// Calls `found(document, term, bits)` for every posting of the site, in
/// document order: the runs' items with their terms in the site's
/// numbering (`numbers`), each compound's parts ([`parts`]) added.
fn postings(
    runs: &[&Terms],
    numbers: &[Vec<u32>],
    parts_of: &[Vec<u32>],
    mut found: impl FnMut(u32, u32, u8),
) {
    // Field bits of the current item per term, and which terms it has.
    let mut local = vec![0u8; parts_of.len()];
    let mut touched: Vec<u32> = Vec::new();
    let items =
        (runs.iter().zip(numbers)).flat_map(|(run, nums)| run.items.iter().map(move |t| (t, nums)));
    for (i, (terms, nums)) in items.enumerate() {
        let doc = u32::try_from(i).unwrap_or(u32::MAX);
        for &(k, packed) in terms.iter() {
            let k = nums[k as usize];
            let f = (packed >> 24) as u8;
            for &p in &parts_of[k as usize] {
                if local[p as usize] == 0 {
                    touched.push(p);
                }
                local[p as usize] |= f << PART;
            }
            if local[k as usize] == 0 {
                touched.push(k);
            }
            local[k as usize] |= f;
        }
        for &k in &touched {
            found(doc, k, std::mem::take(&mut local[k as usize]));
        }
        touched.clear();
    }
}

/// The index over merged `terms`: best lists and shards; the plan comes
/// after the runs are dropped ([`add_plan`]).
fn index(r: &Renderer, terms: Vec<(String, Postings)>, docs: &[(&Terms, usize)]) -> Index {
    let (best, best_at) = best_of(&terms, docs);
    let shards = super::term_shards(r.views.site);
    let mut by_shard = vec![Vec::new(); shards];
    for (k, (t, _)) in terms.iter().enumerate() {
        by_shard[fold::shard_of(t, shards)].push(k);
    }
    let typos = super::typo_shards(r.views.site);
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
    Index {
        terms,
        best,
        best_at,
        by_shard,
        by_typo,
        snippets: Vec::new(),
        facet_docs: Vec::new(),
        plan: plan::Plan::default(),
    }
}

/// Adds to `index` its [plan](plan::plan): what the term shards and facet
/// files carry. Called once the runs are dropped, so that the plan's own
/// memory does not add to theirs.
pub(super) fn add_plan(r: &Renderer, index: &mut Index) {
    index.facet_docs = shards::facet_docs(r);
    let n = r.views.site.items.len();
    index.plan = plan::plan(index, n, &index.facet_docs, shards::FACET_RECORDS);
}

/// Each term's best [`TOP`] documents with the offset of their snippets:
/// found while the items' terms are at hand (see [`Index::best`]).
fn best_of(
    terms: &[(String, Postings)],
    docs: &[(&Terms, usize)],
) -> (Vec<(u32, u8, u32)>, Vec<u32>) {
    let mut best = Vec::new();
    let mut best_at = Vec::with_capacity(terms.len() + 1);
    for (term, list) in terms {
        best_at.push(u32::try_from(best.len()).unwrap_or(u32::MAX));
        for (doc, bits) in plan::ranked(list, TOP) {
            let (run, j) = docs[doc as usize];
            let at = run.offset(j, term, bits);
            best.push((doc, bits, at));
        }
    }
    best_at.push(u32::try_from(best.len()).unwrap_or(u32::MAX));
    (best, best_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> Interned {
        let mut v = Interned::default();
        for w in words {
            v.add(w);
        }
        v
    }

    #[test]
    fn search_compound_parts_come_from_the_corpus_words() {
        let v = vocab(&["unternehmen", "kultur", "unternehmenskultur"]);
        assert_eq!(parts("unternehmenskultur", &v), [1, 0]);
        assert!(parts("kultur", &v).is_empty());
        assert!(parts("wandelkunst", &v).is_empty());
    }

    #[test]
    fn search_collector_folds_each_word_form_once_and_remembers_non_terms() {
        let mut c = Collector::default();
        c.add_text("Kultur kultur KULTUR x x Kultur", |_| BODY, |b| b as u32);
        c.end_item();
        c.add_text("x Kultur", |_| super::super::TITLE, |_| 0);
        c.end_item();
        // Kultur, kultur, KULTUR and x: each met form once, one term.
        assert_eq!(c.forms.len(), 4);
        assert_eq!(c.vocab.len(), 1);
        let t = c.finish();
        assert_eq!(t.iter(0).collect::<Vec<_>>(), [("kultur", BODY, 0)]);
        assert_eq!(
            t.iter(1).collect::<Vec<_>>(),
            [("kultur", super::super::TITLE, 0)]
        );
    }

    #[test]
    fn search_collector_keeps_each_term_once_per_item_with_its_fields() {
        let mut c = Collector::default();
        c.add_text("Führung und Fuehrung", |_| super::super::TITLE, |_| 0);
        c.add_text(
            "x fuhrung Kultur",
            |b| if b < 2 { SUMMARY } else { BODY },
            |b| b as u32,
        );
        c.end_item();
        // The next item's terms are its own; the vocabulary is shared.
        c.add_text("Kultur", |_| BODY, |_| 3);
        c.end_item();
        let t = c.finish();
        assert_eq!(t.len(), 2);
        assert_eq!(t.iter(1).collect::<Vec<_>>(), [("kultur", BODY, 3)]);
        let got: Vec<_> = t.iter(0).collect();
        assert_eq!(
            got,
            [
                ("fuhrung", super::super::TITLE | BODY, 2),
                ("kultur", BODY, 10),
                ("und", super::super::TITLE, 0)
            ]
        );
        assert_eq!(t.find(0, "kultur"), Some((BODY, 10)));
        assert_eq!(t.find(0, "kult"), None);
        assert_eq!(t.find(1, "und"), None);
        assert_eq!(t.offset(1, "kultur", BODY), 3);
    }
}
