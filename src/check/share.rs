//! `share-too-long`: a suggested share text (SPEC §12), with the site's
//! signature, its hashtags and the item's URL, must fit the character limit
//! of every configured network that has one (Bluesky 300, Mastodon 500).
//! The guideline rules (confidential markers, banned terms, disclosure)
//! already read the whole front matter, `share.text` included.

use super::finding;
use crate::diagnostics::Diagnostic;
use crate::rules::Rule;
use crate::site::{share, Site};

/// The findings of items `which` (every item for `None`).
pub(super) fn run(site: &Site, which: Option<usize>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let items = match which {
        Some(i) => i..i + 1,
        None => 0..site.items.len(),
    };
    for i in items {
        let Some(it) = site.items.get(i) else {
            continue;
        };
        // Only texts an author wrote are checked: a title-only post is short.
        if it.share.as_ref().is_none_or(|s| s.text.is_none()) {
            continue;
        }
        let text = share::suggested(site, i);
        let url = share::item_url(site, i);
        for &n in &site.config.share.networks {
            let (Some(limit), Some(count)) = (n.char_limit(), share::counted(n, &text, &url))
            else {
                continue;
            };
            if count > limit {
                let over = count - limit;
                out.push(finding(
                    it.origin.at("share.text"),
                    Rule::ShareTooLong,
                    format!(
                        "share text is {count} characters on {} (limit {limit}), with signature, hashtags and URL",
                        n.key()
                    ),
                    format!("shorten `share.text` by at least {over} characters, or drop a hashtag"),
                ));
            }
        }
    }
    out
}
