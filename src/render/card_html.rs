//! Item cards rendered once. A card is the same HTML in every list, hub and
//! reply list of a page language that shows it, and evaluating the theme's
//! `card` macro for each of those appearances was a sixth of the build's
//! CPU. So the macro's output is kept per item and page language, and the
//! theme's `cards` macro prints it (docs/templates.md, "Cached cards").
//!
//! The cache renders through the theme's own `macros.html`, so a site that
//! overrides `card` gets its version cached. What the cached card cannot
//! see is the page around it (`page_path`, `kind`, `seo`, the page's own
//! variables): it is rendered with the globals of its language only.

use super::context::ItemCard;
use std::sync::OnceLock;

/// The internal template that draws one card with the theme's macro.
pub const TEMPLATE: &str = "kurator/card.html";

/// [`TEMPLATE`]'s source: level 3, with or without the summary.
pub const SOURCE: &str =
    r#"{% import "macros.html" as m %}{{ m::card(item=item, level=3, summary=summary) }}"#;

/// One item's card in one language, in both variants.
struct Drawn {
    /// With the summary (lists, the hub, replies).
    full: Box<str>,
    /// Without it (related items), as a cut out of `full` when it is one.
    brief: Brief,
}

/// The card without its summary.
enum Brief {
    /// `full` without the bytes `start..end` (empty for an item without a
    /// summary): how the default theme's card differs.
    Cut(usize, usize),
    /// A theme whose two variants differ otherwise.
    Own(Box<str>),
}

impl Drawn {
    fn new(full: String, brief: String) -> Self {
        let prefix = common_prefix(&full, &brief);
        let suffix = common_suffix(&full[prefix..], &brief[prefix..]);
        let brief = if prefix + suffix == brief.len() {
            Brief::Cut(prefix, full.len() - suffix)
        } else {
            Brief::Own(brief.into())
        };
        Drawn {
            full: full.into(),
            brief,
        }
    }

    fn html(&self, summary: bool) -> String {
        match (&self.brief, summary) {
            (_, true) => self.full.to_string(),
            (Brief::Cut(start, end), false) => {
                let mut s = String::with_capacity(self.full.len() - (end - start));
                s.push_str(&self.full[..*start]);
                s.push_str(&self.full[*end..]);
                s
            }
            (Brief::Own(b), false) => b.to_string(),
        }
    }
}

/// Bytes `a` and `b` share at the start, on a char boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    (0..=n).rev().find(|&k| a.is_char_boundary(k)).unwrap_or(0)
}

/// Bytes `a` and `b` share at the end, on a char boundary.
fn common_suffix(a: &str, b: &str) -> usize {
    let n = (a.bytes().rev().zip(b.bytes().rev()))
        .take_while(|(x, y)| x == y)
        .count();
    (0..=n)
        .rev()
        .find(|&k| a.is_char_boundary(a.len() - k))
        .unwrap_or(0)
}

/// Rendered cards, one slot per item and page language, filled on first
/// use from any render thread.
pub struct Cache {
    langs: Vec<String>,
    /// `None` in a slot: the macro failed; the page renders the card itself
    /// and reports the error where it happens.
    slots: Vec<OnceLock<Option<Drawn>>>,
}

impl Cache {
    /// An empty cache for `items` items and pages in `langs`; `enabled`
    /// false (the theme has no `card` macro to cache) keeps it empty.
    pub fn new(items: usize, langs: Vec<String>, enabled: bool) -> Self {
        let langs = if enabled { langs } else { Vec::new() };
        let slots = (0..items * langs.len()).map(|_| OnceLock::new()).collect();
        Cache { langs, slots }
    }

    /// Sets `card.card_html` to item `i`'s card on a `lang` page, drawing
    /// both variants (with the summary, without) with `draw` when they are
    /// not cached yet.
    pub fn fill(
        &self,
        card: &mut ItemCard,
        i: usize,
        lang: &str,
        summary: bool,
        draw: impl FnOnce() -> Option<(String, String)>,
    ) {
        let Some(l) = self.langs.iter().position(|x| x == lang) else {
            return;
        };
        let Some(slot) = self.slots.get(i * self.langs.len() + l) else {
            return;
        };
        let drawn = slot.get_or_init(|| {
            let (full, brief) = draw()?;
            Some(Drawn::new(full, brief))
        });
        if let Some(d) = drawn {
            card.card_html = d.html(summary);
            card.card_summary = summary;
            card.card_cached = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brief_is_a_cut_when_only_the_summary_differs() {
        let d = Drawn::new(
            "<h3>T</h3><div>sum</div><p>meta</p>".into(),
            "<h3>T</h3><p>meta</p>".into(),
        );
        // The cut starts after the shared "<" of "<div>" and "<p>".
        assert!(matches!(d.brief, Brief::Cut(11, 25)));
        assert_eq!(d.html(false), "<h3>T</h3><p>meta</p>");
        assert_eq!(d.html(true), "<h3>T</h3><div>sum</div><p>meta</p>");
    }

    #[test]
    fn brief_is_kept_whole_when_it_differs_elsewhere() {
        let d = Drawn::new("<p>a</p><p>long</p>".into(), "<p>b</p><p>x</p>".into());
        assert!(matches!(d.brief, Brief::Own(_)));
        assert_eq!(d.html(false), "<p>b</p><p>x</p>");
        let same = Drawn::new("<p>ä</p>".into(), "<p>ä</p>".into());
        assert_eq!(same.html(false), "<p>ä</p>");
    }

    #[test]
    fn cuts_stay_on_char_boundaries() {
        // "ä" and "ö" share their first UTF-8 byte.
        let d = Drawn::new("xäy".into(), "xöy".into());
        assert_eq!(d.html(false), "xöy");
        assert_eq!(d.html(true), "xäy");
    }
}
