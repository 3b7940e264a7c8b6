//! Word splitting and folding for search, as written down in
//! `docs/search.md` ("Folding and word splitting"). The browser's
//! `themes/default/static/js/search.js` implements the same steps; both are
//! tested against `tests/fixtures/search-folding.json`, so change all three
//! together.

/// Longest term kept, in characters: longer words are cut (both sides cut
/// alike, so a prefix of a long word still finds it).
pub const MAX_TERM_CHARS: usize = 32;

/// Characters in the key that picks a term's shard; shorter terms are their
/// own key. Prefix search and typo search start at this many letters.
pub const KEY_CHARS: usize = 3;

/// Whether `c` belongs to a word: letters, digits and combining marks
/// (so a decomposed "u\u{308}" stays one word).
pub fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// The words of `text` with their byte offsets, in order.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        // ASCII, most of every text, is decided by its byte alone: this
        // runs over every indexed body.
        let start = loop {
            let &b = bytes.get(at)?;
            if b.is_ascii_alphanumeric() {
                break at;
            }
            if b.is_ascii() {
                at += 1;
            } else {
                let (word, len) = char_at(text, at);
                if word {
                    break at;
                }
                at += len;
            }
        };
        while let Some(&b) = bytes.get(at) {
            if b.is_ascii_alphanumeric() {
                at += 1;
            } else if b.is_ascii() {
                break;
            } else {
                let (word, len) = char_at(text, at);
                if !word {
                    break;
                }
                at += len;
            }
        }
        text.get(start..at).map(|w| (start, w))
    })
}

/// Whether the non-ASCII character at byte `at` of `text` belongs to a
/// word, and its length.
fn char_at(text: &str, at: usize) -> (bool, usize) {
    match text.get(at..).and_then(|rest| rest.chars().next()) {
        Some(c) => (is_word_char(c), c.len_utf8()),
        None => (false, 1),
    }
}

/// One letter without its accent, or `None` to keep it as it is.
fn base_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ś' | 'š' | 'ş' => "s",
        'ź' | 'ž' | 'ż' => "z",
        'ł' => "l",
        'ř' => "r",
        'ť' => "t",
        'ğ' => "g",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        _ => return None,
    })
}

/// Folds one word: lowercase, accents off (ä→a, ß→ss), combining marks
/// dropped, then the digraphs ae/oe/ue read as a/o/u, so that "Führung",
/// "fuehrung" and "fuhrung" are the same term; cut to [`MAX_TERM_CHARS`].
pub fn fold(word: &str) -> String {
    let mut out = String::new();
    fold_into(word, &mut out);
    out
}

/// [`fold`] into `out` (cleared first): the indexer folds millions of words
/// and keeps only the distinct ones, so it reuses one buffer.
pub fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // Same steps, for the common case without a single allocation.
        let b = word.as_bytes();
        let mut i = 0;
        while i < b.len() && out.len() < MAX_TERM_CHARS {
            let c = b[i].to_ascii_lowercase();
            out.push(char::from(c));
            let skip = matches!(c, b'a' | b'o' | b'u')
                && b.get(i + 1).map(u8::to_ascii_lowercase) == Some(b'e');
            i += 1 + usize::from(skip);
        }
        return;
    }
    if word.contains('Σ') {
        // Only the whole-word lowercasing knows a final sigma.
        return fold_chars(word.to_lowercase().chars(), out);
    }
    fold_chars(word.chars().flat_map(char::to_lowercase), out);
}

/// The steps of [`fold_into`] after lowercasing, one character at a time.
fn fold_chars(lower: impl Iterator<Item = char>, out: &mut String) {
    let mut n = 0;
    // The digraph step reads the letters with accents already off, so
    // "äe" and "æ" both end as "a".
    let mut after_vowel = false;
    // Takes one accent-free letter; false once the term is full.
    let mut push = |c: char| {
        if after_vowel && c == 'e' {
            after_vowel = false;
            return true;
        }
        after_vowel = matches!(c, 'a' | 'o' | 'u');
        if n == MAX_TERM_CHARS {
            return false;
        }
        out.push(c);
        n += 1;
        true
    };
    for c in lower.filter(|c| !('\u{300}'..='\u{36f}').contains(c)) {
        let more = match base_letter(c) {
            Some(s) => s.chars().all(&mut push),
            None => push(c),
        };
        if !more {
            break;
        }
    }
}

/// Whether a folded word is worth a term: two characters or more.
pub fn is_term(folded: &str) -> bool {
    folded.chars().nth(1).is_some()
}

/// The folded terms of a text, in order, repeats kept.
pub fn terms(text: &str) -> impl Iterator<Item = (usize, String)> + '_ {
    words(text)
        .map(|(at, w)| (at, fold(w)))
        .filter(|(_, t)| is_term(t))
}

/// The key a term is sharded by: its first [`KEY_CHARS`] characters.
pub fn key(term: &str) -> &str {
    match term.char_indices().nth(KEY_CHARS) {
        Some((i, _)) => &term[..i],
        None => term,
    }
}

/// The shard of a term among `shards`: FNV-1a (32 bit) over the UTF-8
/// bytes of its key. The browser computes the same with `Math.imul`.
pub fn shard_of(term: &str, shards: usize) -> usize {
    fnv(key(term)) as usize % shards.max(1)
}

/// Shortest query word that may carry a typo, in characters.
pub const TYPO_MIN_CHARS: usize = 5;

/// The typo key a query word is looked up by: its characters 4 to 6
/// (after the shard key), or `None` below [`TYPO_MIN_CHARS`]. One typo in
/// the first three letters changes the shard key but leaves these letters
/// in place, or moves them by one; [`typo_keys`] files a term under each
/// place they can end up in.
pub fn typo_key(word: &str) -> Option<String> {
    let cs: Vec<char> = word.chars().collect();
    (cs.len() >= TYPO_MIN_CHARS).then(|| cs[3..cs.len().min(6)].iter().collect())
}

/// The typo keys a term of four characters or more is filed under: what
/// [`typo_key`] gives for a word one typo away whose typo is in the first
/// three letters. A letter wrong or two swapped there: characters 4–6; a
/// letter too many: 3–5; a letter missing: 5–7; the third and fourth
/// letter swapped: the third, fifth and sixth. Sorted, each once.
pub fn typo_keys(term: &str) -> Vec<String> {
    let cs: Vec<char> = term.chars().collect();
    let n = cs.len();
    if n + 1 < TYPO_MIN_CHARS {
        return Vec::new();
    }
    let span = |a: usize, b: usize| -> String { cs[a.min(n)..b.min(n)].iter().collect() };
    let mut keys = vec![span(3, 6), span(2, 5), span(4, 7)];
    if n >= 5 {
        keys.push(
            std::iter::once(cs[2])
                .chain(cs[4..n.min(6)].iter().copied())
                .collect(),
        );
    }
    keys.retain(|k| !k.is_empty());
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The typo shard of a typo key among `shards`: FNV-1a like [`shard_of`].
pub fn typo_shard_of(key: &str, shards: usize) -> usize {
    fnv(key) as usize % shards.max(1)
}

fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The table the browser code is tested against too (tests/e2e/fold.mjs).
    fn fixture() -> Value {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/search-folding.json"
        );
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    #[test]
    fn search_folding_matches_the_shared_table() {
        let f = fixture();
        for case in f["fold"].as_array().unwrap() {
            let (word, want) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
            assert_eq!(fold(word), want, "fold({word:?})");
        }
    }

    #[test]
    fn search_word_splitting_matches_the_shared_table() {
        let f = fixture();
        for case in f["terms"].as_array().unwrap() {
            let text = case[0].as_str().unwrap();
            let want: Vec<&str> = case[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let got: Vec<String> = terms(text).map(|(_, t)| t).collect();
            assert_eq!(got, want, "terms({text:?})");
        }
    }

    #[test]
    fn search_shards_match_the_shared_table() {
        let f = fixture();
        for case in f["shard"].as_array().unwrap() {
            let term = case[0].as_str().unwrap();
            let n = case[1].as_u64().unwrap() as usize;
            let want = case[2].as_u64().unwrap() as usize;
            assert_eq!(shard_of(term, n), want, "shard_of({term:?}, {n})");
        }
    }

    #[test]
    fn search_typo_keys_match_the_shared_table() {
        let f = fixture();
        for case in f["typo"].as_array().unwrap() {
            let word = case[0].as_str().unwrap();
            let key = case[1].as_str();
            let keys: Vec<&str> = case[2]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(typo_key(word).as_deref(), key, "typo_key({word:?})");
            assert_eq!(typo_keys(word), keys, "typo_keys({word:?})");
        }
    }

    #[test]
    fn search_a_typo_in_the_first_letters_keeps_a_typo_key() {
        // Wrong, missing, extra and swapped letters in the first three.
        for (typed, term) in [
            ("fuhrung", "fuhrung"),
            ("fhrung", "fuhrung"),
            ("xuhrung", "fuhrung"),
            ("ufhrung", "fuhrung"),
            ("fuuhrung", "fuhrung"),
            ("furhung", "fuhrung"),
            ("ultur", "kultur"),
        ] {
            let k = typo_key(typed).unwrap();
            assert!(typo_keys(term).contains(&k), "{typed} -> {term}: {k}");
        }
    }

    #[test]
    fn search_ascii_fast_path_folds_like_the_general_one() {
        for w in ["Fuehrung", "QUELLE", "aeoeue", "AE", "x", "Ae", "uE", "oee"] {
            let mut general = String::new();
            // A non-ASCII suffix that folds away forces the general path.
            fold_into(&format!("{w}\u{301}"), &mut general);
            assert_eq!(fold(w), general, "{w}");
        }
        assert_eq!(fold(&"a".repeat(40)).len(), MAX_TERM_CHARS);
    }

    /// The steps as written in docs/search.md, whole word at a time.
    fn fold_by_the_book(word: &str) -> String {
        let plain: String = (word.to_lowercase().chars())
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .map(|c| base_letter(c).map_or(c.to_string(), str::to_string))
            .collect();
        let mut out = String::new();
        let mut it = plain.chars().peekable();
        while let Some(c) = it.next() {
            if matches!(c, 'a' | 'o' | 'u') && it.peek() == Some(&'e') {
                it.next();
            }
            if out.chars().count() == MAX_TERM_CHARS {
                break;
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn search_char_by_char_folding_matches_whole_word_folding() {
        let long = "Ä".repeat(20) + &"ße".repeat(20);
        for w in [
            "Führung",
            "FÜHRUNG",
            "Mäeutik",
            "Æsop",
            "Straße",
            "İstanbul",
            "ΟΔΟΣ",
            "Σίσυφος",
            "Über\u{308}e",
            "Œuvre",
            "Ångström",
            &long,
        ] {
            let mut got = String::new();
            fold_into(w, &mut got);
            assert_eq!(got, fold_by_the_book(w), "{w}");
        }
    }

    #[test]
    fn search_word_offsets_point_at_the_word() {
        let text = "«Führung» – neu";
        for (at, w) in words(text) {
            assert!(text[at..].starts_with(w));
        }
    }
}
