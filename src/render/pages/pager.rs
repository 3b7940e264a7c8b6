//! The pager of list pages: which items a page shows and which other pages
//! it links to.

use super::super::context::{ItemCard, PageLink, Paginator};
use super::Renderer;
use crate::site::routes::{list_page_url, page_count};

/// Cards and paginator for page `page` of a list whose first page is at
/// `base`, on a page in `lang`.
pub(super) fn paginate(
    r: &Renderer,
    list: &[usize],
    base: &str,
    page: usize,
    lang: &str,
) -> (Vec<ItemCard>, Paginator, String) {
    let per = r.views.site.config.paginate;
    let total_pages = page_count(list.len(), per);
    let url_of = |n: usize| list_page_url(base, n);
    let start = ((page - 1) * per).min(list.len());
    let cards = r.list_cards(&list[start..(start + per).min(list.len())], lang, true);
    let p = Paginator {
        current: page,
        total_pages,
        total_items: list.len(),
        prev_url: (page > 1).then(|| url_of(page - 1)),
        next_url: (page < total_pages).then(|| url_of(page + 1)),
        pages: window(page, total_pages)
            .into_iter()
            .map(|(n, gap)| PageLink {
                number: n,
                url: url_of(n),
                gap,
            })
            .collect(),
    };
    (cards, p, url_of(page))
}

/// Pages on either side of the current one that the pager links to.
const PAGER_REACH: usize = 2;

/// The page numbers a pager shows: the first, the last and
/// [`PAGER_REACH`] around `current`, each flagged when pages were skipped
/// before it. A tag with 140 pages would otherwise list all 140 on each of
/// them (14 KB a page at 10k items, quadratic in the list length).
fn window(current: usize, total: usize) -> Vec<(usize, bool)> {
    let near = |n: usize| n.abs_diff(current) <= PAGER_REACH;
    let mut out: Vec<(usize, bool)> = Vec::new();
    for n in (1..=total).filter(|&n| n == 1 || n == total || near(n)) {
        let gap = out.last().is_some_and(|&(prev, _)| n > prev + 1);
        out.push((n, gap));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn the_pager_shows_ends_and_neighbours_with_gaps() {
        assert_eq!(window(1, 1), vec![(1, false)]);
        assert_eq!(
            window(1, 4),
            vec![(1, false), (2, false), (3, false), (4, false)]
        );
        let w = window(50, 141);
        let shown: Vec<usize> = w.iter().map(|p| p.0).collect();
        assert_eq!(shown, vec![1, 48, 49, 50, 51, 52, 141]);
        assert_eq!(w[1], (48, true));
        assert_eq!(w[6], (141, true));
        assert!(w[2..6].iter().all(|p| !p.1));
    }
}
