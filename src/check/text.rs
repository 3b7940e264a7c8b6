//! Case-insensitive, whole-word text search with 1-based line/column results.

/// A text prepared once for case-insensitive search of several needles
/// (every marker, term and company name is looked up in every file).
pub struct Haystack {
    chars: Vec<char>,
    low: Vec<char>,
}

impl Haystack {
    pub fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let low = chars.iter().copied().map(lower).collect();
        Haystack { chars, low }
    }

    /// All 1-based (line, column) positions of `needle`: case-insensitive, not
    /// inside a longer word. A space in `needle` matches any run of whitespace
    /// with at most one line break, because markdown joins the lines of a
    /// paragraph: a banned "Projekt Falcon" must not slip through as
    /// "Projekt⏎Falcon".
    pub fn find(&self, needle: &str) -> Vec<(usize, usize)> {
        let words: Vec<Vec<char>> = needle
            .split_whitespace()
            .map(|w| w.chars().map(lower).collect())
            .collect();
        let Some(first) = words.first().and_then(|w| w.first()).copied() else {
            return Vec::new();
        };
        let (chars, low) = (&self.chars, &self.low);
        let is_word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
        let mut out = Vec::new();
        for start in (0..low.len()).filter(|&i| low[i] == first) {
            if is_word(start.checked_sub(1).map(|i| &chars[i])) {
                continue;
            }
            if let Some(end) = match_at(low, start, &words) {
                if !is_word(chars.get(end)) {
                    out.push(position(chars, start));
                }
            }
        }
        out
    }
}

/// 1-based line and column (in chars) of index `i`; matches are rare, so
/// counting from the start each time is cheaper than tracking every char.
fn position(chars: &[char], i: usize) -> (usize, usize) {
    let before = &chars[..i];
    let line = before.iter().filter(|c| **c == '\n').count() + 1;
    let col = before.iter().rev().take_while(|c| **c != '\n').count() + 1;
    (line, col)
}

/// Lowercases one char to one char, so indices in the lowered text stay
/// those of the original (a full `to_lowercase` may yield several chars).
fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The end index of `words` matched at `i` in `low`, if they match there.
fn match_at(low: &[char], mut i: usize, words: &[Vec<char>]) -> Option<usize> {
    for (n, w) in words.iter().enumerate() {
        if n > 0 {
            let gap = low[i..].iter().take_while(|c| c.is_whitespace());
            let (len, breaks) = gap.fold((0, 0), |(l, b), c| (l + 1, b + usize::from(*c == '\n')));
            if len == 0 || breaks > 1 {
                return None;
            }
            i += len;
        }
        if low.get(i..i + w.len())? != &w[..] {
            return None;
        }
        i += w.len();
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_all(hay: &str, needle: &str) -> Vec<(usize, usize)> {
        Haystack::new(hay).find(needle)
    }

    #[test]
    fn finds_whole_words_case_insensitively() {
        assert_eq!(
            find_all("a\nist VERTRAULICH.\n", "vertraulich"),
            vec![(2, 5)]
        );
        assert_eq!(
            find_all("Projekt Falcon und projekt falcon", "Projekt Falcon"),
            vec![(1, 1), (1, 20)]
        );
        assert!(find_all("Falconry", "Falcon").is_empty());
        assert!(find_all("Superfalcon", "Falcon").is_empty());
        assert_eq!(find_all("Größe ÜBER", "über"), vec![(1, 7)]);
    }

    #[test]
    fn a_term_may_wrap_onto_the_next_line_but_not_across_paragraphs() {
        assert_eq!(
            find_all("Wir bauen am Projekt\n  Falcon weiter.", "Projekt Falcon"),
            vec![(1, 14)]
        );
        assert!(find_all("Projekt\n\nFalcon", "Projekt Falcon").is_empty());
        assert_eq!(find_all("INTERNAL\tonly", "internal only"), vec![(1, 1)]);
    }

    #[test]
    fn blank_needle_finds_nothing() {
        assert!(find_all("text", "  ").is_empty());
    }
}
