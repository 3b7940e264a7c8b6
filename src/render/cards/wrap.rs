//! Title layout for share cards: words measured with the card font's own
//! advance widths (not character counts), broken at spaces, existing hyphens
//! and — for German and English — at the syllable breaks of the TeX
//! hyphenation patterns, so "Markenbotschafterprogramm" becomes
//! "Markenbotschafter-" / "programm" instead of overflowing the card.

use hyphenation::{Hyphenator, Language, Load, Standard};
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};
use std::sync::OnceLock;
use textwrap::core::Fragment;
use textwrap::wrap_algorithms::wrap_first_fit;

/// Advance widths of one font, in font units.
pub struct Metrics {
    font: FontRef<'static>,
    units_per_em: f64,
}

impl Metrics {
    /// Reads the metrics of a font file; `None` when it is not a font.
    pub fn new(data: &'static [u8]) -> Option<Metrics> {
        let font = FontRef::new(data).ok()?;
        let units_per_em = f64::from(font.head().ok()?.units_per_em());
        Some(Metrics { font, units_per_em })
    }

    /// Width of `text` at `size` pixels (kerning left out: it only narrows).
    pub fn width(&self, text: &str, size: f64) -> f64 {
        let cmap = self.font.charmap();
        let gm = self
            .font
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        // A missing glyph is drawn as .notdef (gid 0), about an `n` wide.
        let units: f64 = text
            .chars()
            .map(|c| {
                let gid = cmap.map(c).unwrap_or_default();
                f64::from(gm.advance_width(gid).unwrap_or(0.0))
            })
            .sum();
        units * size / self.units_per_em
    }
}

/// A title broken into lines at one font size.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub size: f64,
    pub lines: Vec<String>,
}

/// One piece of a word between two possible breaks.
#[derive(Debug)]
struct Piece {
    text: String,
    width: f64,
    /// Space after it when the line goes on (0 inside a word).
    space: f64,
    /// Hyphen added when the line ends here inside a word.
    hyphen: f64,
}

impl Fragment for Piece {
    fn width(&self) -> f64 {
        self.width
    }
    fn whitespace_width(&self) -> f64 {
        self.space
    }
    fn penalty_width(&self) -> f64 {
        self.hyphen
    }
}

/// Font sizes tried from the largest, with the most lines each may use.
const STEPS: [(f64, usize); 4] = [(72.0, 2), (64.0, 3), (56.0, 4), (48.0, 4)];

/// Lays `title` out in lines of at most `max_width` pixels: the largest
/// size that fits, else the smallest with the fourth line ended by "…".
pub fn layout(m: &Metrics, title: &str, lang: &str, max_width: f64) -> Layout {
    let dict = dictionary(lang);
    for (size, max_lines) in STEPS {
        let lines = wrap(m, title, dict, size, max_width);
        if lines.len() <= max_lines {
            return Layout { size, lines };
        }
    }
    let (size, max_lines) = STEPS[STEPS.len() - 1];
    let mut lines = wrap(m, title, dict, size, max_width);
    lines.truncate(max_lines);
    if let Some(last) = lines.last_mut() {
        *last = with_ellipsis(m, last, size, max_width);
    }
    Layout { size, lines }
}

/// Ends a line with "…", dropping characters until it fits.
fn with_ellipsis(m: &Metrics, line: &str, size: f64, max_width: f64) -> String {
    let mut text = line.trim_end_matches('-').to_string();
    loop {
        let t = text.trim_end_matches(|c: char| c.is_whitespace() || ",.;:-–".contains(c));
        let candidate = format!("{t}…");
        if m.width(&candidate, size) <= max_width || t.is_empty() {
            return candidate;
        }
        text.pop();
    }
}

fn wrap(m: &Metrics, title: &str, dict: Option<&Standard>, size: f64, max: f64) -> Vec<String> {
    let space = m.width(" ", size);
    let hyphen = m.width("-", size);
    let mut pieces = Vec::new();
    for word in title.split_whitespace() {
        let points = split_points(word, dict);
        let mut from = 0;
        for (k, &p) in points
            .iter()
            .chain(std::iter::once(&word.len()))
            .enumerate()
        {
            let text = &word[from..p];
            let last = k == points.len();
            // A break after an existing hyphen needs no new one.
            let pen = if last || text.ends_with('-') {
                0.0
            } else {
                hyphen
            };
            push_fitting(m, &mut pieces, text, size, max, pen);
            if let Some(piece) = pieces.last_mut() {
                piece.space = if last { space } else { 0.0 };
            }
            from = p;
        }
    }
    let lines = wrap_first_fit(&pieces, &[max]);
    lines
        .iter()
        .map(|line| {
            let mut s = String::new();
            for (k, p) in line.iter().enumerate() {
                s.push_str(&p.text);
                if k + 1 < line.len() && p.space > 0.0 {
                    s.push(' ');
                }
            }
            if line.last().is_some_and(|p| p.hyphen > 0.0) {
                s.push('-');
            }
            s
        })
        .collect()
}

/// Adds `text` as one piece, or as several when it alone is wider than a
/// line (a word without break points, a long URL): then it is cut where
/// the line is full, so nothing is ever drawn past the card's edge.
fn push_fitting(m: &Metrics, out: &mut Vec<Piece>, text: &str, size: f64, max: f64, pen: f64) {
    let width = m.width(text, size);
    if width + pen <= max {
        out.push(Piece {
            text: text.to_string(),
            width,
            space: 0.0,
            hyphen: pen,
        });
        return;
    }
    let hyphen = m.width("-", size);
    let mut chunk = String::new();
    for c in text.chars() {
        chunk.push(c);
        if m.width(&chunk, size) + hyphen > max && chunk.chars().count() > 1 {
            chunk.pop();
            out.push(Piece {
                width: m.width(&chunk, size),
                text: std::mem::take(&mut chunk),
                space: 0.0,
                hyphen,
            });
            chunk.push(c);
        }
    }
    out.push(Piece {
        width: m.width(&chunk, size),
        text: chunk,
        space: 0.0,
        hyphen: pen,
    });
}

/// Byte offsets where `word` may break: after its own hyphens, and at the
/// dictionary's syllable breaks of each letter run (punctuation around a
/// word, like the comma in "Botschafter,", is not handed to the patterns).
fn split_points(word: &str, dict: Option<&Standard>) -> Vec<usize> {
    let mut points = Vec::new();
    let mut start = None;
    let flush = |from: usize, to: usize, points: &mut Vec<usize>| {
        if let Some(d) = dict {
            let run = &word[from..to];
            points.extend(d.hyphenate(run).breaks.into_iter().map(|b| from + b));
        }
    };
    for (i, c) in word.char_indices() {
        if c.is_alphabetic() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            flush(s, i, &mut points);
        }
        let next_is_letter = word[i + c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        if c == '-' && i > 0 && next_is_letter {
            points.push(i + 1);
        }
    }
    if let Some(s) = start {
        flush(s, word.len(), &mut points);
    }
    points.sort_unstable();
    points.dedup();
    points.retain(|&p| p > 0 && p < word.len());
    points
}

/// The hyphenation patterns for a language tag: German and English are
/// shipped; other languages break at spaces and hyphens only.
fn dictionary(lang: &str) -> Option<&'static Standard> {
    static DE: OnceLock<Option<Standard>> = OnceLock::new();
    static EN: OnceLock<Option<Standard>> = OnceLock::new();
    let load = |l: Language, bytes: &'static [u8]| Standard::from_reader(l, &mut &bytes[..]).ok();
    let primary = lang.split(['-', '_']).next().unwrap_or("");
    match primary.to_ascii_lowercase().as_str() {
        "de" => DE
            .get_or_init(|| {
                load(
                    Language::German1996,
                    include_bytes!("de-1996.standard.bincode"),
                )
            })
            .as_ref(),
        "en" => EN
            .get_or_init(|| {
                load(
                    Language::EnglishUS,
                    include_bytes!("en-us.standard.bincode"),
                )
            })
            .as_ref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::new(super::super::FONT_BOLD).unwrap()
    }

    #[test]
    fn short_titles_keep_the_largest_size() {
        let l = layout(&metrics(), "Kurz und gut", "de", 1040.0);
        assert_eq!(l.size, 72.0);
        assert_eq!(l.lines, vec!["Kurz und gut"]);
    }

    #[test]
    fn long_german_words_break_at_syllables() {
        let m = metrics();
        let title = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen";
        let l = layout(&m, title, "de", 600.0);
        assert!(l.lines.len() > 1, "{l:?}");
        for line in &l.lines {
            assert!(m.width(line, l.size) <= 600.0, "{line} too wide");
        }
        assert!(l.lines[0].ends_with('-'));
        let joined: String = l.lines.concat().replace('-', "");
        assert_eq!(joined, title);
    }

    #[test]
    fn existing_hyphens_are_break_points_without_a_second_hyphen() {
        assert_eq!(split_points("E-Mail-Marketing", None), vec![2, 7]);
        let d = dictionary("de");
        let p = split_points("Markenbotschafter,", d);
        // Mar-ken-bot-schaf-ter: "Marken|botschafter" is one of them, the comma never.
        assert!(p.contains(&6), "{p:?}");
        assert!(p.iter().all(|&b| b < "Markenbotschafter".len()), "{p:?}");
    }

    #[test]
    fn overlong_titles_end_with_an_ellipsis_on_the_fourth_line() {
        let title = "Wort ".repeat(200);
        let l = layout(&metrics(), &title, "de", 1040.0);
        assert_eq!(l.lines.len(), 4);
        assert!(l.lines[3].ends_with('…'));
    }

    #[test]
    fn unknown_languages_still_wrap() {
        let l = layout(&metrics(), &"mot ".repeat(30), "fr", 1040.0);
        assert!(l.lines.len() >= 2);
    }
}
