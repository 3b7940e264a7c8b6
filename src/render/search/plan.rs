//! Which records each term shard and facet file carries beyond the best
//! lists (docs/search.md, "What a term shard carries"). Decided once per
//! index, in a fixed order, so the output does not depend on threads.
//!
//! 1. **Weight**: a term shard may weigh [`SHARD_UNITS`] records, its
//!    postings and best lists included, so that three words' shards stay
//!    within a first query's 100 KiB; what is left is its room.
//! 2. **Depth**: with half the room at most, the records that follow in
//!    its terms' rankings, one rank at a time across its terms (at most
//!    [`SHARD_RECORDS`], [`CARRY_DEPTH`] ranks deep).
//! 3. **Pairs**: for every two of the site's [`PAIR_WORDS`] most frequent
//!    terms, the first page of the query of both words (ranked as the
//!    browser ranks it, prefixes included) is computed here; a document on
//!    it that neither word's shard carries and that the page could not
//!    fetch with [`FETCHED`] document shards goes to the one of the two
//!    with fewer such additions and room left, one rank of all pairs at a
//!    time.
//! 4. **Filters**: a facet file too large to carry all its records carries
//!    those of the first page of each frequent word under that filter that
//!    the word's shard does not carry and two document shards would not
//!    bring, up to [`FACET_EXTRA`].

use super::{weight, Index, Postings, DOCS_PER_SHARD, TOP};
use rustc_hash::FxHashSet;

/// Records a term shard carries beyond its terms' best lists, by depth.
pub(super) const SHARD_RECORDS: usize = 320;
/// What a term shard may weigh, in records (one record is about 76 bytes
/// compressed; 128 postings or 5 best-list entries with their snippets
/// weigh about as much): three words' shards stay within the 100 KiB of a
/// first query. Depth and pair records fill what is left.
const SHARD_UNITS: usize = 430;
/// Postings that weigh about one record compressed.
const POSTINGS_PER_RECORD: usize = 128;
/// Records a large facet file carries at most for frequent words' first
/// pages under it (about 45 KiB compressed).
const FACET_EXTRA: usize = 600;
/// Deepest position in a term's ranking whose record is carried by depth.
pub(super) const CARRY_DEPTH: usize = 600;
/// Most frequent terms whose pairwise first pages are computed.
const PAIR_WORDS: usize = 768;
/// Fewest documents a term needs to be one of those words.
const PAIR_MIN_DOCS: usize = 2 * TOP;
/// Records a term shard carries at most for the pairs' first pages.
const PAIR_RECORDS: usize = 320;
/// Memory the pair computation may use for its bit sets.
const PAIR_BITS_BYTES: usize = 24 << 20;

/// The documents each file carries records for.
#[derive(Default)]
pub(super) struct Plan {
    /// Per term shard: the documents carried beyond the best lists
    /// (some of them may be in best lists too), sorted.
    pub terms: Vec<Vec<u32>>,
    /// Per facet file with too many documents to carry them all: the
    /// documents of frequent words' first pages under that filter, sorted.
    pub facets: Vec<Vec<u32>>,
}

/// A term's postings in ranking order (best field first, then newest), the
/// first `depth` of them. Weights take few values: one pass per value
/// instead of a sort of the whole list.
pub(super) fn ranked(list: &Postings, depth: usize) -> Vec<(u32, u8)> {
    let mut levels: Vec<u32> = super::WEIGHT.to_vec();
    levels.sort_unstable_by(|a, b| b.cmp(a));
    levels.dedup();
    let weights: Vec<u32> = list.bits.iter().map(|&b| weight(b)).collect();
    let mut out = Vec::with_capacity(list.len().min(depth));
    for w in levels {
        for (p, _) in list.iter().zip(&weights).filter(|(_, &x)| x == w) {
            if out.len() == depth {
                return out;
            }
            out.push(p);
        }
    }
    out
}

/// One query word's documents by score, as the browser scores the word
/// (its own term exact, longer terms it begins as prefixes), highest
/// first, with a bit set per score for membership tests.
struct Word {
    shard: usize,
    /// (score × 5, documents ascending), score descending.
    levels: Vec<(u32, Vec<u32>)>,
    /// Per level: bit set over all documents.
    bits: Vec<Vec<u64>>,
}

impl Word {
    fn new(index: &Index, t: usize, shard: usize, n: usize) -> Word {
        let (term, _) = &index.terms[t];
        let prefix = term.chars().count() >= 3;
        let mut score = vec![0u32; n];
        let mut touched = Vec::new();
        for (term2, list) in index.terms[t..]
            .iter()
            .take_while(|(x, _)| x.starts_with(term.as_str()))
        {
            let q = if term2 == term {
                5
            } else if prefix {
                4
            } else {
                continue;
            };
            for (d, b) in list.iter() {
                let s = q * weight(b);
                let slot = &mut score[d as usize];
                if *slot == 0 {
                    touched.push(d);
                }
                if s > *slot {
                    *slot = s;
                }
            }
        }
        touched.sort_unstable();
        let mut values: Vec<u32> = touched.iter().map(|&d| score[d as usize]).collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        values.dedup();
        let words = n.div_ceil(64);
        let mut levels: Vec<(u32, Vec<u32>)> = values.iter().map(|&v| (v, Vec::new())).collect();
        let mut bits = vec![vec![0u64; words]; values.len()];
        for &d in &touched {
            let s = score[d as usize];
            let l = values.iter().position(|&v| v == s).unwrap_or(0);
            levels[l].1.push(d);
            bits[l][d as usize / 64] |= 1 << (d % 64);
        }
        Word {
            shard,
            levels,
            bits,
        }
    }

    /// The first page of the query of both words: the common documents by
    /// summed score, then newest, into `out` (`s`: reused buffers).
    fn top_with(&self, other: &Word, s: &mut PairScratch, out: &mut Vec<u32>) {
        out.clear();
        let combos = &mut s.combos;
        combos.clear();
        for (i, (a, _)) in self.levels.iter().enumerate() {
            for (j, (b, _)) in other.levels.iter().enumerate() {
                combos.push((a + b, i, j));
            }
        }
        combos.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        let group = &mut s.group;
        let mut at = 0;
        while at < combos.len() && out.len() < TOP {
            let sum = combos[at].0;
            let need = TOP - out.len();
            group.clear();
            while at < combos.len() && combos[at].0 == sum {
                let (_, i, j) = combos[at];
                let (xs, other_bits) = if self.levels[i].1.len() <= other.levels[j].1.len() {
                    (&self.levels[i].1, &other.bits[j])
                } else {
                    (&other.levels[j].1, &self.bits[i])
                };
                // A document has one score per word, so the combinations
                // share none, and each list ascends: the group's `need`
                // first are among each combination's `need` first.
                group.extend(
                    (xs.iter())
                        .filter(|&&d| other_bits[d as usize / 64] & (1 << (d % 64)) != 0)
                        .take(need),
                );
                at += 1;
            }
            group.sort_unstable();
            out.extend(group.iter().take(need));
        }
    }

    /// The first page of the word under a filter given as a bit set.
    fn top_in(&self, set: &[u64]) -> Vec<u32> {
        let mut out = Vec::with_capacity(TOP);
        for (_, docs) in &self.levels {
            for &d in docs {
                if set[d as usize / 64] & (1 << (d % 64)) != 0 {
                    out.push(d);
                    if out.len() == TOP {
                        return out;
                    }
                }
            }
        }
        out
    }
}

/// Buffers the pair pages reuse: new ones per pair were ~15 % of the
/// plan's instructions.
#[derive(Default)]
struct PairScratch {
    combos: Vec<(u32, usize, usize)>,
    group: Vec<u32>,
}

/// Document shards a first page may still fetch: four requests less the
/// two term shards, or the term shard and the facet file.
const FETCHED: usize = 2;

/// Of a first page's documents that no loaded file carries (in page
/// order), those outside the [`FETCHED`] document shards that hold most
/// of them: the ones worth carrying.
fn beyond_fetch(missing: Vec<u32>) -> Vec<u32> {
    let shard = |d: u32| d as usize / DOCS_PER_SHARD;
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &d in &missing {
        match groups.iter_mut().find(|g| g.0 == shard(d)) {
            Some(g) => g.1 += 1,
            None => groups.push((shard(d), 1)),
        }
    }
    if groups.len() <= FETCHED {
        return Vec::new();
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let fetched: Vec<usize> = groups.iter().take(FETCHED).map(|g| g.0).collect();
    missing
        .into_iter()
        .filter(|&d| !fetched.contains(&shard(d)))
        .collect()
}

/// Decides what every term shard and large facet file carries. `facets`
/// holds each facet file's documents; those of at most `facet_records`
/// carry all their records anyway.
pub(super) fn plan(index: &Index, n: usize, facets: &[Vec<u32>], facet_records: usize) -> Plan {
    let (mut carried, mut room) = carry_depth(index);
    let words = frequent_words(index, n);
    carry_pairs(&words, &mut carried, &mut room);
    let facet_docs = facet_pages(&words, &carried, facets, facet_records, n);
    let terms = carried
        .into_iter()
        .map(|set| {
            let mut v: Vec<u32> = set.into_iter().collect();
            v.sort_unstable();
            v
        })
        .collect();
    Plan {
        terms,
        facets: facet_docs,
    }
}

/// Step 1, depth: each term shard's best lists, then its terms' rankings
/// rank by rank, within half its room. Returns what each shard carries
/// and the room it has left.
fn carry_depth(index: &Index) -> (Vec<FxHashSet<u32>>, Vec<usize>) {
    let mut carried: Vec<FxHashSet<u32>> = Vec::with_capacity(index.by_shard.len());
    let mut room: Vec<usize> = Vec::with_capacity(index.by_shard.len());
    for ids in &index.by_shard {
        let ranks: Vec<Vec<(u32, u8)>> = ids
            .iter()
            .map(|&t| ranked(&index.terms[t].1, CARRY_DEPTH))
            .collect();
        let top: FxHashSet<u32> = ranks
            .iter()
            .flat_map(|r| r.iter().take(TOP).map(|&(d, _)| d))
            .collect();
        let postings: usize = ids.iter().map(|&t| index.terms[t].1.len()).sum();
        let entries: usize = ranks.iter().map(|r| r.len().min(TOP)).sum();
        let weight = postings / POSTINGS_PER_RECORD + entries * 4 / 5 + top.len();
        let room_here = SHARD_UNITS.saturating_sub(weight);
        let mut set = top.clone();
        // Depth takes at most half the room: the rest is for the pairs'
        // records, which are known to be on a first page.
        let limit = set.len() + SHARD_RECORDS.min(room_here / 2);
        'deep: for j in TOP..CARRY_DEPTH {
            let mut any = false;
            for rank in &ranks {
                if let Some(&(doc, _)) = rank.get(j) {
                    if set.len() >= limit {
                        break 'deep;
                    }
                    any = true;
                    set.insert(doc);
                }
            }
            if !any {
                break;
            }
        }
        room.push(room_here - (set.len() - top.len()));
        carried.push(set);
    }
    (carried, room)
}

/// The site's most frequent terms (at most [`PAIR_WORDS`], bounded by
/// [`PAIR_BITS_BYTES`]) as query words, in term order.
fn frequent_words(index: &Index, n: usize) -> Vec<Word> {
    let mut by_docs: Vec<usize> = (0..index.terms.len())
        .filter(|&t| index.terms[t].1.len() >= PAIR_MIN_DOCS)
        .collect();
    by_docs.sort_by(|&a, &b| {
        index.terms[b]
            .1
            .len()
            .cmp(&index.terms[a].1.len())
            .then(a.cmp(&b))
    });
    let per_word = n.div_ceil(64) * 8 * 6;
    let cap = PAIR_WORDS.min(PAIR_BITS_BYTES / per_word.max(1));
    by_docs.truncate(cap);
    by_docs.sort_unstable();
    let mut shard_of = vec![0usize; index.terms.len()];
    for (k, ids) in index.by_shard.iter().enumerate() {
        for &t in ids {
            shard_of[t] = k;
        }
    }
    by_docs
        .iter()
        .map(|&t| Word::new(index, t, shard_of[t], n))
        .collect()
}

/// Step 2, pairs: documents on the first page of two frequent words that
/// neither shard carries and two document shards could not bring go to
/// the shard of the two with fewer such additions and room left.
fn carry_pairs(words: &[Word], carried: &mut [FxHashSet<u32>], room: &mut [usize]) {
    let mut tops: Vec<(usize, usize, Vec<u32>)> = Vec::new();
    let mut scratch = PairScratch::default();
    let mut top = Vec::with_capacity(TOP);
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            // Only what the first page could not fetch with two document
            // shards; most pages need nothing and are not kept.
            let (ka, kb) = (a.shard, b.shard);
            a.top_with(b, &mut scratch, &mut top);
            top.retain(|d| !carried[ka].contains(d) && !carried[kb].contains(d));
            if top.len() <= FETCHED {
                // That many documents lie in that many shards at most.
                continue;
            }
            let page = beyond_fetch(top.clone());
            if !page.is_empty() {
                tops.push((ka, kb, page));
            }
        }
    }
    let mut added = vec![0usize; carried.len()];
    for j in 0..TOP {
        for (ka, kb, page) in &tops {
            let Some(&d) = page.get(j) else {
                continue;
            };
            if carried[*ka].contains(&d) || carried[*kb].contains(&d) {
                continue;
            }
            let pick = [*ka, *kb]
                .into_iter()
                .filter(|&k| added[k] < PAIR_RECORDS && room[k] > 0)
                .min_by_key(|&k| (added[k], k));
            if let Some(k) = pick {
                carried[k].insert(d);
                added[k] += 1;
                room[k] -= 1;
            }
        }
    }
}

/// Step 3, filters: for each facet file too large to carry all its
/// records, those of frequent words' first pages under it (up to
/// [`FACET_EXTRA`]), sorted.
fn facet_pages(
    words: &[Word],
    carried: &[FxHashSet<u32>],
    facets: &[Vec<u32>],
    facet_records: usize,
    n: usize,
) -> Vec<Vec<u32>> {
    let words_n = n.div_ceil(64);
    facets
        .iter()
        .map(|docs| {
            if docs.len() <= facet_records {
                return Vec::new();
            }
            let mut set = vec![0u64; words_n];
            for &d in docs {
                set[d as usize / 64] |= 1 << (d % 64);
            }
            // Rank by rank across the words, up to FACET_EXTRA.
            let pages: Vec<Vec<u32>> = words
                .iter()
                .map(|w| {
                    let have = &carried[w.shard];
                    let page = w.top_in(&set).into_iter();
                    beyond_fetch(page.filter(|d| !have.contains(d)).collect())
                })
                .collect();
            let mut out: FxHashSet<u32> = FxHashSet::default();
            'full: for j in 0..TOP {
                for page in &pages {
                    if let Some(&d) = page.get(j) {
                        if out.len() == FACET_EXTRA {
                            break 'full;
                        }
                        out.insert(d);
                    }
                }
            }
            let mut out: Vec<u32> = out.into_iter().collect();
            out.sort_unstable();
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_documents_beyond_the_two_fullest_document_shards_are_worth_carrying() {
        let d = |shard: usize, i: usize| (shard * DOCS_PER_SHARD + i) as u32;
        // Two shards: the page can fetch both, nothing to carry.
        assert!(beyond_fetch(vec![d(0, 1), d(3, 2), d(0, 5)]).is_empty());
        // Three shards: the two holding most are fetched, the third's
        // documents are carried, in page order.
        let page = vec![d(5, 0), d(1, 1), d(2, 0), d(2, 1), d(1, 4), d(2, 3)];
        assert_eq!(beyond_fetch(page), vec![d(5, 0)]);
        // A tie in size goes to the lower shard number (deterministic).
        let page = vec![d(4, 0), d(1, 0), d(2, 0)];
        assert_eq!(beyond_fetch(page), vec![d(4, 0)]);
    }
}
