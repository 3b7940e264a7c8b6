//! Case-insensitive, whole-word text search with 1-based line/column results.

/// All positions of `needle` in `hay` (case-insensitive, not inside a longer word).
pub fn find_all(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let needle = needle.trim();
    if needle.is_empty() {
        return Vec::new();
    }
    let lower_needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    for (ln, line) in hay.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let lower: Vec<char> = chars
            .iter()
            .map(|c| c.to_lowercase().next().unwrap_or(*c))
            .collect();
        if lower.len() < lower_needle.len() {
            continue;
        }
        for start in 0..=lower.len() - lower_needle.len() {
            if lower[start..start + lower_needle.len()] == lower_needle[..] {
                let before = start.checked_sub(1).map(|i| chars[i]);
                let after = chars.get(start + lower_needle.len()).copied();
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                if !word(before) && !word(after) {
                    out.push((ln + 1, start + 1));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(find_all("Größe ÜBER", "über"), vec![(1, 7)]);
    }
}
