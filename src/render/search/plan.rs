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

/// Every score one word can give a document (a field's weight, times 5 for
/// the term itself or 4 for a longer term it begins), highest first, and
/// every two of them ranked in the order a pair's first page reads them:
/// by sum, highest first, then by the first word's score. Ranked once, so
/// that a pair marks its combinations in a bit set instead of sorting them.
struct Scores {
    /// The scores, highest first.
    values: Vec<u32>,
    /// Per score up to the highest: its position in `values`.
    index: Vec<u8>,
    /// By rank: (sum, first word's score, second's), as positions in `values`.
    pairs: Vec<(u32, u8, u8)>,
    /// Per two positions in `values`: the rank of their pair.
    rank: Vec<Vec<u8>>,
}

/// No level of a word has that score.
const ABSENT: u8 = u8::MAX;

impl Scores {
    fn new() -> Scores {
        let mut values: Vec<u32> = (super::WEIGHT.iter())
            .flat_map(|&w| [5 * w, 4 * w])
            .collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        values.dedup();
        let mut index = vec![ABSENT; values[0] as usize + 1];
        for (k, &v) in values.iter().enumerate() {
            index[v as usize] = k as u8;
        }
        let mut pairs = Vec::with_capacity(values.len() * values.len());
        for (i, &a) in values.iter().enumerate() {
            for (j, &b) in values.iter().enumerate() {
                pairs.push((a + b, i as u8, j as u8));
            }
        }
        // Sums descending, then the first score descending (its position
        // ascending); no two entries tie on both.
        pairs.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        // Eight weights give at most sixteen scores: ranks fit a byte and
        // a pair's combinations the 256 bits `top_with` marks them in.
        debug_assert!(pairs.len() <= 256);
        let mut rank = vec![vec![0u8; values.len()]; values.len()];
        for (r, &(_, i, j)) in pairs.iter().enumerate() {
            rank[i as usize][j as usize] = r as u8;
        }
        Scores {
            values,
            index,
            pairs,
            rank,
        }
    }
}

/// One query word's documents by score, as the browser scores the word
/// (its own term exact, longer terms it begins as prefixes), highest
/// first, with a bit set per score for membership tests.
struct Word {
    shard: usize,
    /// Per score it gives, highest first: the documents, ascending.
    levels: Vec<Vec<u32>>,
    /// Per level: bit set over all documents.
    bits: Vec<Vec<u64>>,
    /// Per position in [`Scores::values`]: this word's level of that
    /// score, or [`ABSENT`].
    level_of: Vec<u8>,
    /// Per level: its score's position in [`Scores::values`].
    scores: Vec<u8>,
}

impl Word {
    /// Term `t`'s word; `score`, one slot per document, is all zeros and
    /// left so.
    fn new(index: &Index, t: usize, shard: usize, scores: &Scores, score: &mut [u32]) -> Word {
        let (term, _) = &index.terms[t];
        let prefix = term.chars().count() >= 3;
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
                let slot = &mut score[d as usize];
                *slot = (*slot).max(q * weight(b));
            }
        }
        Word::from_scores(shard, scores, score)
    }

    /// The word whose score of document `d` is `score[d]` (0: none);
    /// `score` is left all zeros.
    fn from_scores(shard: usize, scores: &Scores, score: &mut [u32]) -> Word {
        let n = score.len();
        // The levels this word has, highest first.
        let mut level_of = vec![ABSENT; scores.values.len()];
        for &s in score.iter().filter(|&&s| s != 0) {
            level_of[scores.index[s as usize] as usize] = 0;
        }
        let mut levels = Vec::new();
        let mut present = Vec::new();
        for (k, l) in level_of.iter_mut().enumerate() {
            if *l != ABSENT {
                *l = levels.len() as u8;
                levels.push(Vec::new());
                present.push(k as u8);
            }
        }
        let words = n.div_ceil(64);
        let mut bits = vec![vec![0u64; words]; levels.len()];
        // Documents ascending: a frequent word's scores fill much of the
        // site, so one pass over them beats sorting the ones it touched.
        for (d, s) in score.iter_mut().enumerate() {
            if *s != 0 {
                let l = level_of[scores.index[*s as usize] as usize] as usize;
                levels[l].push(d as u32);
                bits[l][d / 64] |= 1 << (d % 64);
                *s = 0;
            }
        }
        Word {
            shard,
            levels,
            bits,
            level_of,
            scores: present,
        }
    }

    /// The first page of the query of both words: the common documents by
    /// summed score, then newest, into `out` (`group`: a reused buffer).
    fn top_with(&self, other: &Word, scores: &Scores, group: &mut Vec<u32>, out: &mut Vec<u32>) {
        out.clear();
        group.clear();
        // The pair's combinations of levels, by rank.
        let mut ranks = [0u64; 4];
        for &a in &self.scores {
            for &b in &other.scores {
                let r = scores.rank[a as usize][b as usize] as usize;
                ranks[r / 64] |= 1 << (r % 64);
            }
        }
        let mut sum = None;
        let mut need = TOP;
        for r in set_bits(&ranks) {
            let (s, a, b) = scores.pairs[r];
            if sum != Some(s) {
                // A new sum: the last one's documents, newest first.
                group.sort_unstable();
                out.extend(group.iter().take(need));
                if out.len() == TOP {
                    return;
                }
                (sum, need) = (Some(s), TOP - out.len());
                group.clear();
            }
            let i = self.level_of[a as usize] as usize;
            let j = other.level_of[b as usize] as usize;
            let (xs, other_bits) = if self.levels[i].len() <= other.levels[j].len() {
                (&self.levels[i], &other.bits[j])
            } else {
                (&other.levels[j], &self.bits[i])
            };
            // A document has one score per word, so the combinations
            // share none, and each list ascends: the group's `need`
            // first are among each combination's `need` first.
            group.extend(
                (xs.iter())
                    .filter(|&&d| other_bits[d as usize / 64] & (1 << (d % 64)) != 0)
                    .take(need),
            );
        }
        group.sort_unstable();
        out.extend(group.iter().take(need));
    }

    /// The first page of the word under a filter given as a bit set.
    fn top_in(&self, set: &[u64]) -> Vec<u32> {
        let mut out = Vec::with_capacity(TOP);
        for docs in &self.levels {
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

/// The positions of the bits set in `words`, ascending.
fn set_bits(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    (words.iter().enumerate()).flat_map(|(k, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                k * 64 + b
            })
        })
    })
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
    let scores = Scores::new();
    let words = frequent_words(index, n, &scores);
    carry_pairs(&words, &scores, &mut carried, &mut room);
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
fn frequent_words(index: &Index, n: usize, scores: &Scores) -> Vec<Word> {
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
    let mut score = vec![0u32; n];
    by_docs
        .iter()
        .map(|&t| Word::new(index, t, shard_of[t], scores, &mut score))
        .collect()
}

/// Step 2, pairs: documents on the first page of two frequent words that
/// neither shard carries and two document shards could not bring go to
/// the shard of the two with fewer such additions and room left.
fn carry_pairs(
    words: &[Word],
    scores: &Scores,
    carried: &mut [FxHashSet<u32>],
    room: &mut [usize],
) {
    let mut tops: Vec<(usize, usize, Vec<u32>)> = Vec::new();
    let mut group = Vec::new();
    let mut top = Vec::with_capacity(TOP);
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            // Only what the first page could not fetch with two document
            // shards; most pages need nothing and are not kept.
            let (ka, kb) = (a.shard, b.shard);
            a.top_with(b, scores, &mut group, &mut top);
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

    #[test]
    fn score_pairs_rank_by_sum_then_by_the_first_words_score() {
        let s = Scores::new();
        assert_eq!(s.pairs.len(), s.values.len() * s.values.len());
        assert!(s.pairs.len() <= 256);
        let value = |k: u8| s.values[k as usize];
        for w in s.pairs.windows(2) {
            let ((sum, a, _), (next, b, _)) = (w[0], w[1]);
            assert!(sum > next || (sum == next && value(a) > value(b)));
        }
        for (r, &(sum, i, j)) in s.pairs.iter().enumerate() {
            assert_eq!(sum, value(i) + value(j));
            assert_eq!(s.rank[i as usize][j as usize] as usize, r);
        }
    }

    #[test]
    fn set_bits_are_listed_ascending() {
        let got: Vec<usize> = set_bits(&[0b1010, 0, 1 << 63 | 1]).collect();
        assert_eq!(got, vec![1, 3, 128, 191]);
    }

    #[test]
    fn a_pairs_first_page_is_its_best_common_documents_newest_first() {
        let s = Scores::new();
        let n = 300;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let (mut group, mut got) = (Vec::new(), Vec::new());
        for round in 0..300 {
            // Sparse and dense words, scores from every level.
            let density = [3, 10, 50][round % 3];
            let mut draw = || -> Vec<u32> {
                (0..n)
                    .map(|_| match next(100) < density {
                        true => s.values[next(s.values.len() as u64) as usize],
                        false => 0,
                    })
                    .collect()
            };
            let (x, y) = (draw(), draw());
            let mut want: Vec<(u32, u32)> = (0..n)
                .filter(|&d| x[d] != 0 && y[d] != 0)
                .map(|d| (x[d] + y[d], d as u32))
                .collect();
            want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let want: Vec<u32> = want.iter().take(TOP).map(|&(_, d)| d).collect();
            let a = Word::from_scores(0, &s, &mut x.clone());
            let b = Word::from_scores(0, &s, &mut y.clone());
            a.top_with(&b, &s, &mut group, &mut got);
            assert_eq!(got, want, "round {round}");
        }
    }
}
