//! `/links/`: the list of every curated link, newest first.

use super::Site;
use crate::content::ItemKind;

/// The URL of the list of curated links (reserved: no item may claim it).
pub const LINKS_URL: &str = "/links/";

impl Site {
    /// Indices of the curated links among `items`, newest first (the order of
    /// `items`). Computed on demand: a filter over the items costs less than
    /// keeping one more list in step through `serve`'s in-place patches.
    pub fn link_items(&self) -> Vec<usize> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.kind == ItemKind::Link)
            .map(|(i, _)| i)
            .collect()
    }
}
