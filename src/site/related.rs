//! Related items by shared tags and channels, without quadratic work: each
//! item only looks at its nearest neighbours (by date) in each of its tag and
//! channel lists, so a tag on 5,000 items costs 5,000 × window, not 5,000².

use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Neighbours considered on each side within one tag or channel list.
const WINDOW: usize = 40;

/// For each item, up to `limit` related items, best first. `tag_lists` and
/// `channel_lists` hold item indices sorted by date (newest first); the
/// position maps give each item's place in each list it belongs to.
pub fn related(
    n_items: usize,
    item_tags: &[Vec<usize>],
    item_channels: &[Vec<usize>],
    tag_lists: &[Vec<usize>],
    channel_lists: &[Vec<usize>],
    limit: usize,
) -> Vec<Vec<usize>> {
    let tag_pos = positions(tag_lists, n_items);
    let chan_pos = positions(channel_lists, n_items);
    // In parallel, in jobs of 64 items, each reusing one score table and
    // ranking buffer for its items (not new ones per item): serial, this
    // was the longest stretch of one busy core between parsing and
    // rendering.
    (0..n_items)
        .into_par_iter()
        .with_max_len(64)
        .map_init(Scratch::default, |s, i| {
            s.score.clear();
            let score = &mut s.score;
            let mut visit = |lists: &[Vec<usize>],
                             pos: &[FxHashMap<usize, usize>],
                             keys: &[usize],
                             weight: u32| {
                for &k in keys {
                    let list = &lists[k];
                    let Some(&p) = pos[i].get(&k) else { continue };
                    let lo = p.saturating_sub(WINDOW);
                    let hi = (p + WINDOW + 1).min(list.len());
                    for &j in &list[lo..hi] {
                        if j != i {
                            *score.entry(j).or_insert(0) += weight;
                        }
                    }
                }
            };
            visit(tag_lists, &tag_pos, &item_tags[i], 3);
            visit(channel_lists, &chan_pos, &item_channels[i], 1);
            s.ranked.clear();
            s.ranked.extend(s.score.iter().map(|(&j, &w)| (w, j)));
            // Items are indexed newest first, so a smaller index wins ties: stable and recent.
            s.ranked
                .sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut best = Vec::with_capacity(limit.min(s.ranked.len()));
            best.extend(s.ranked.iter().take(limit).map(|&(_, j)| j));
            best
        })
        .collect()
}

/// One job's working space for [`related`].
#[derive(Default)]
struct Scratch {
    score: FxHashMap<usize, u32>,
    ranked: Vec<(u32, usize)>,
}

/// For each item, its position in each list (keyed by list index).
fn positions(lists: &[Vec<usize>], n_items: usize) -> Vec<FxHashMap<usize, usize>> {
    let mut pos = vec![FxHashMap::default(); n_items];
    for (k, list) in lists.iter().enumerate() {
        for (p, &i) in list.iter().enumerate() {
            pos[i].insert(k, p);
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_tags_weigh_more_than_shared_channels() {
        // items 0,1 share a tag; 0,2 share only a channel.
        let item_tags = vec![vec![0], vec![0], vec![]];
        let item_channels = vec![vec![0], vec![], vec![0]];
        let tag_lists = vec![vec![0, 1]];
        let channel_lists = vec![vec![0, 2]];
        let r = related(3, &item_tags, &item_channels, &tag_lists, &channel_lists, 5);
        assert_eq!(r[0], vec![1, 2]);
        assert_eq!(r[1], vec![0]);
    }
}
