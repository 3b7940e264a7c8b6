//! Slugs and ids: lowercase ASCII letters, digits and `-`, with German-aware
//! transliteration (ä→ae, ö→oe, ü→ue, ß→ss) and deunicode for other scripts.

/// Turns any text into a slug: `Führung & Kultur` → `fuehrung-kultur`.
pub fn slugify(text: &str) -> String {
    let mut ascii = String::with_capacity(text.len());
    // NFD input (macOS file names) writes `u` + U+0308; fold it like `ü`.
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{308}') && matches!(c, 'a' | 'o' | 'u' | 'A' | 'O' | 'U') {
            chars.next();
            ascii.push(c);
            ascii.push('e');
            continue;
        }
        match c {
            'ä' | 'Ä' => ascii.push_str("ae"),
            'ö' | 'Ö' => ascii.push_str("oe"),
            'ü' | 'Ü' => ascii.push_str("ue"),
            'ß' | 'ẞ' => ascii.push_str("ss"),
            '+' => ascii.push_str(" plus "),
            '#' => ascii.push_str(" sharp "),
            c if c.is_ascii() => ascii.push(c),
            c => ascii.push_str(deunicode::deunicode_char(c).unwrap_or(" ")),
        }
    }
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Whether `id` is already a valid slug (what author and channel file names must be).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && slugify(id) == id
}

/// Splits a `YYYY-MM-DD-` prefix off a file stem: (date text, rest).
pub fn split_date_prefix(stem: &str) -> (Option<&str>, &str) {
    let b = stem.as_bytes();
    let is_date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if !is_date {
        return (None, stem);
    }
    let rest = stem[10..].trim_start_matches(['-', '_']);
    (Some(&stem[..10]), rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_umlauts_are_transliterated() {
        assert_eq!(slugify("Führung & Kultur"), "fuehrung-kultur");
        assert_eq!(slugify("Größe Maßstäbe ÄÖÜ"), "groesse-massstaebe-aeoeue");
    }

    #[test]
    fn nfd_and_nfc_give_the_same_slug() {
        assert_eq!(slugify("Fu\u{308}hrung"), slugify("Führung"));
    }

    #[test]
    fn other_scripts_and_symbols() {
        assert_eq!(slugify("C++ vs. C#"), "c-plus-plus-vs-c-sharp");
        assert_eq!(slugify("Crème brûlée"), "creme-brulee");
        assert_eq!(slugify("Ελληνικά"), "ellenika");
        assert_eq!(slugify("  --Hello,   World!-- "), "hello-world");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn date_prefix_is_split() {
        assert_eq!(
            split_date_prefix("2020-04-16-markenbotschafter"),
            (Some("2020-04-16"), "markenbotschafter")
        );
        assert_eq!(split_date_prefix("about"), (None, "about"));
        assert_eq!(split_date_prefix("2020-4-16-x"), (None, "2020-4-16-x"));
    }

    #[test]
    fn ids_must_be_slugs() {
        assert!(is_valid_id("stefan-pfeiffer"));
        assert!(!is_valid_id("Stefan"));
        assert!(!is_valid_id("a--b"));
    }
}
