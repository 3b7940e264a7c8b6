//! Each item's terms, and their merge into one index. Terms are folded
//! words (`fold.rs`); the merge numbers the site's distinct terms once and
//! works on those numbers, so that no term is hashed more than twice per
//! item that has it, and no string is allocated per posting.

use super::{fold, plan, shards, Index, Postings, BODY, PART, SUMMARY, TOP};
use crate::render::Renderer;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

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

/// Text offsets kept per term of an item: 24 bits.
const AT_MASK: u32 = (1 << 24) - 1;

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

/// Collects one item's distinct terms as its words come: folded into one
/// buffer, each new term appended to one string, found again through a
/// table of positions. Nothing is allocated per word or per term.
#[derive(Default)]
pub struct Collector {
    buf: String,
    words: String,
    /// Per term: start and end in `words`, field bits, first text offset.
    found: Vec<(u32, u32, u8, u32)>,
    hashes: Vec<u64>,
    table: HashTable<u32>,
}

impl Collector {
    /// Adds the words of `text` in the field `bit`; `at` gives the offset
    /// a word at byte `b` of `text` records (title and names: none).
    pub fn add_text(&mut self, text: &str, bit: impl Fn(usize) -> u8, at: impl Fn(usize) -> u32) {
        for (b, w) in fold::words(text) {
            self.add(w, bit(b), at(b));
        }
    }

    fn add(&mut self, word: &str, bit: u8, at: u32) {
        fold::fold_into(word, &mut self.buf);
        if !fold::is_term(&self.buf) {
            return;
        }
        let hash = FxBuildHasher.hash_one(self.buf.as_str());
        let (words, found, buf) = (&self.words, &self.found, &self.buf);
        let seen = self.table.find(hash, |&k| {
            let (s, e, _, _) = found[k as usize];
            &words[s as usize..e as usize] == buf
        });
        let k = match seen {
            Some(&k) => k as usize,
            None => {
                let k = self.found.len();
                let start = self.words.len() as u32;
                self.words.push_str(&self.buf);
                self.found.push((start, self.words.len() as u32, 0, at));
                self.hashes.push(hash);
                let hashes = &self.hashes;
                self.table
                    .insert_unique(hash, k as u32, |&j| hashes[j as usize]);
                k
            }
        };
        let e = &mut self.found[k];
        // A title or name hit has no place in `text`: keep the first body
        // or summary offset once one is seen.
        if e.2 & (SUMMARY | BODY) == 0 && bit & (SUMMARY | BODY) != 0 {
            e.3 = at;
        }
        e.2 |= bit;
    }

    /// The item's terms, sorted. The collector is empty again afterwards
    /// and keeps its buffers for the next item: growing them anew for each
    /// of 15,000 items was ~0.5 % of a build's instructions.
    pub fn finish(&mut self) -> ItemTerms {
        let word = |k: u32| {
            let (s, e, _, _) = self.found[k as usize];
            &self.words[s as usize..e as usize]
        };
        let mut order: Vec<u32> = (0..self.found.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| word(a).cmp(word(b)));
        let mut words = String::with_capacity(self.words.len());
        let mut terms = Vec::with_capacity(order.len());
        for k in order {
            let (_, _, bits, at) = self.found[k as usize];
            words.push_str(word(k));
            let end = u32::try_from(words.len()).unwrap_or(u32::MAX);
            terms.push((end, u32::from(bits) << 24 | at.min(AT_MASK)));
        }
        self.words.clear();
        self.found.clear();
        self.hashes.clear();
        self.table.clear();
        ItemTerms { words, terms }
    }
}

/// The site's distinct terms, numbered as first seen.
#[derive(Default)]
struct Vocab<'a> {
    words: Vec<&'a str>,
    hashes: Vec<u64>,
    table: HashTable<u32>,
}

impl<'a> Vocab<'a> {
    /// The number of `t`, if it is a term of the site.
    fn get(&self, t: &str) -> Option<u32> {
        self.get_hashed(t, FxBuildHasher.hash_one(t))
    }

    fn get_hashed(&self, t: &str, hash: u64) -> Option<u32> {
        let words = &self.words;
        (self.table.find(hash, |&k| words[k as usize] == t)).copied()
    }

    /// The number of `t`, given one if it is new.
    fn add(&mut self, t: &'a str) -> u32 {
        let hash = FxBuildHasher.hash_one(t);
        if let Some(k) = self.get_hashed(t, hash) {
            return k;
        }
        let k = self.words.len() as u32;
        self.words.push(t);
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.table.insert_unique(hash, k, |&j| hashes[j as usize]);
        k
    }
}

/// Shortest compound part that is looked for, in characters.
const MIN_PART: usize = 4;

/// The compound parts of `term` that are words of their own in `vocab`:
/// the longest such tail ("unternehmenskultur" → "kultur") and the head
/// before it, with a linking s removed ("unternehmens" → "unternehmen").
/// The corpus is the dictionary: no word list to ship or keep current.
fn parts(term: &str, vocab: &Vocab) -> Vec<u32> {
    let bounds: Vec<usize> = term.char_indices().map(|(i, _)| i).collect();
    let len = bounds.len();
    let mut out = Vec::new();
    if len < 2 * MIN_PART - 1 {
        return out;
    }
    for &at in &bounds[3..=len - MIN_PART] {
        let (head, tail) = term.split_at(at);
        let Some(t) = vocab.get(tail) else {
            continue;
        };
        out.push(t);
        let head = if head.chars().count() > MIN_PART && vocab.get(head).is_none() {
            head.strip_suffix('s').unwrap_or(head)
        } else {
            head
        };
        if head.chars().count() >= MIN_PART {
            out.extend(vocab.get(head));
        }
        break;
    }
    out
}

/// Merges every item's terms (`items[i]` is item `i`'s), adding
/// compound-part postings.
pub(super) fn merge(r: &Renderer, items: &[&ItemTerms]) -> Index {
    let mut vocab = Vocab::default();
    for it in items {
        for (t, _, _) in it.iter() {
            vocab.add(t);
        }
    }
    let v = vocab.words.len();
    let parts_of: Vec<Vec<u32>> = (vocab.words.iter()).map(|t| parts(t, &vocab)).collect();
    let mut lists: Vec<Postings> = (0..v).map(|_| Postings::default()).collect();
    // Field bits of the current item per term, and which terms it has.
    let mut local = vec![0u8; v];
    let mut touched: Vec<u32> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let doc = u32::try_from(i).unwrap_or(u32::MAX);
        for (t, f, _) in it.iter() {
            let k = vocab.get(t).unwrap_or(0);
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
        // Documents come in order, so each list stays sorted.
        for &k in &touched {
            let list = &mut lists[k as usize];
            list.docs.push(doc);
            list.bits.push(std::mem::take(&mut local[k as usize]));
        }
        touched.clear();
    }
    let mut order: Vec<u32> = (0..v as u32).collect();
    order.sort_unstable_by(|&a, &b| vocab.words[a as usize].cmp(vocab.words[b as usize]));
    let terms: Vec<(String, Postings)> = order
        .iter()
        .map(|&k| {
            let mut list = std::mem::take(&mut lists[k as usize]);
            // Growth left up to half of each list unused; the index lives
            // until the last term shard is written.
            list.docs.shrink_to_fit();
            list.bits.shrink_to_fit();
            (vocab.words[k as usize].to_string(), list)
        })
        .collect();
    index(r, terms, items)
}

/// The index over merged `terms`: best lists, shards and the plan.
fn index(r: &Renderer, terms: Vec<(String, Postings)>, items: &[&ItemTerms]) -> Index {
    let (best, best_at) = best_of(&terms, items);
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
    let mut index = Index {
        terms,
        best,
        best_at,
        by_shard,
        by_typo,
        snippets: Vec::new(),
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
    index.plan = plan::plan(&index, items.len(), &facets, shards::FACET_RECORDS);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab<'a>(words: &[&'a str]) -> Vocab<'a> {
        let mut v = Vocab::default();
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
    fn search_collector_keeps_each_term_once_sorted_with_its_fields() {
        let mut c = Collector::default();
        c.add_text("Führung und Fuehrung", |_| super::super::TITLE, |_| 0);
        c.add_text(
            "x fuhrung Kultur",
            |b| if b < 2 { SUMMARY } else { BODY },
            |b| b as u32,
        );
        let t = c.finish();
        // Emptied for the next item, whose terms are its own.
        c.add_text("Kultur", |_| BODY, |_| 3);
        let next = c.finish();
        assert_eq!(next.iter().collect::<Vec<_>>(), [("kultur", BODY, 3)]);
        let got: Vec<_> = t.iter().collect();
        assert_eq!(
            got,
            [
                ("fuhrung", super::super::TITLE | BODY, 2),
                ("kultur", BODY, 10),
                ("und", super::super::TITLE, 0)
            ]
        );
        assert_eq!(t.find("kultur"), Some((BODY, 10)));
        assert_eq!(t.find("kult"), None);
    }
}
