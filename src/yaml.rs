//! The only place that talks to serde_yaml: deserialises front matter and
//! `site.yaml` into typed structs and turns YAML errors into located
//! [`Problem`]s. Keeping YAML behind this seam makes a later parser swap one file.

use crate::diagnostics::{closest, Location, Problem};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// Front matter larger than this is refused before parsing (alias bombs and
/// accidental binary data stay bounded).
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Deserialises `yaml` into `T`. `first_line` is the 1-based file line the
/// YAML text starts on, so positions point into the real file.
pub fn from_str<T: DeserializeOwned>(
    yaml: &str,
    file: &str,
    first_line: usize,
    known: &'static [&'static str],
) -> Result<T, (Location, Problem)> {
    from_str_capped(yaml, file, first_line, known, MAX_FRONT_MATTER_BYTES)
}

/// [`from_str`] with another size cap, for whole YAML files that are
/// legitimately larger than front matter (response files).
pub fn from_str_capped<T: DeserializeOwned>(
    yaml: &str,
    file: &str,
    first_line: usize,
    known: &'static [&'static str],
    max_bytes: usize,
) -> Result<T, (Location, Problem)> {
    if yaml.len() > max_bytes {
        return Err((
            Location::at(file, first_line, 1),
            Problem::FileTooLarge {
                bytes: yaml.len() as u64,
                limit: max_bytes as u64,
            },
        ));
    }
    // An empty document deserialises as unit; treat it as an empty mapping so
    // missing-field errors come out instead of a type error.
    let text = if yaml.trim().is_empty() { "{}" } else { yaml };
    if let Some((key, first, again)) = duplicate_top_level_key(text) {
        return Err((
            Location::at(file, first_line + again, 1),
            Problem::DuplicateKey {
                key,
                first_line: first_line + first,
            },
        ));
    }
    serde_yaml::from_str::<T>(text).map_err(|e| {
        let (loc, problem) = convert_error(&e, file, first_line, known);
        refine_error(text, file, first_line, loc, problem)
    })
}

/// Replaces serde_yaml's generic messages for the mistakes people really
/// make (tabs, alias bombs, deep nesting) with a finding that says what to do.
fn refine_error(
    text: &str,
    file: &str,
    first_line: usize,
    loc: Location,
    problem: Problem,
) -> (Location, Problem) {
    let Problem::Yaml { message } = &problem else {
        return (loc, problem);
    };
    // A tab in the indentation of the failing line or any line before it is
    // the cause in practice; valid YAML with tabs never reaches this point.
    let err_line = loc
        .line
        .map_or(usize::MAX, |l| l.saturating_sub(first_line));
    let tab = text
        .lines()
        .enumerate()
        .take(err_line.saturating_add(1))
        .find_map(|(i, l)| {
            let indent = &l[..l.len() - l.trim_start().len()];
            indent
                .find('\t')
                .map(|b| (i, indent[..b].chars().count() + 1))
        });
    if let Some((i, col)) = tab {
        return (Location::at(file, first_line + i, col), Problem::TabIndent);
    }
    if message.contains("repetition limit") || message.contains("recursion limit") {
        // Point at the first alias (or the first line) rather than 1:1.
        let at = text
            .lines()
            .position(|l| [" *", "[*", ",*", "{*"].iter().any(|a| l.contains(a)))
            .unwrap_or(0);
        return (
            Location::at(file, first_line + at, 1),
            Problem::YamlTooComplex {
                message: message.clone(),
            },
        );
    }
    (loc, problem)
}

fn convert_error(
    e: &serde_yaml::Error,
    file: &str,
    first_line: usize,
    known: &'static [&'static str],
) -> (Location, Problem) {
    let msg = e.to_string();
    // serde_yaml appends " at line L column C" to its messages; we print our own.
    let bare = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.clone(),
    };
    let loc = match e.location() {
        Some(l) if l.line() > 0 => Location::at(file, first_line + l.line() - 1, l.column()),
        _ => Location::at(file, first_line.saturating_sub(1).max(1), 1),
    };
    // libyaml reports an unclosed quote where the text ends (often the
    // closing `---`) and names the opening quote only as context: point there.
    if let Some((l, c)) = quote_context(&msg) {
        return (
            Location::at(file, first_line + l - 1, c),
            Problem::UnclosedQuote,
        );
    }
    if let Some(key) = between(&bare, "unknown field `", "`") {
        // serde lists the keys of the mapping the key was found in, which is
        // right for nested mappings too (`feeds: {limt: 3}`).
        let expected: Vec<&str> = match bare.find("expected") {
            Some(i) => bare[i..].split('`').skip(1).step_by(2).collect(),
            None => Vec::new(),
        };
        let suggestion = if expected.is_empty() {
            closest(key, known.iter().copied()).map(str::to_string)
        } else {
            closest(key, expected.iter().copied()).map(str::to_string)
        };
        let known = if expected.is_empty() {
            known.to_vec()
        } else {
            known
                .iter()
                .copied()
                .filter(|k| expected.contains(k))
                .collect()
        };
        return (
            loc,
            Problem::UnknownKey {
                key: key.to_string(),
                suggestion,
                known,
            },
        );
    }
    if let Some(field) = between(&bare, "missing field `", "`") {
        let field = known.iter().copied().find(|k| *k == field).unwrap_or("?");
        // serde reports missing fields at the start of the mapping; point at
        // the opening `---` instead, where the field belongs.
        return (
            Location::at(file, first_line.saturating_sub(1).max(1), 1),
            Problem::MissingField { field },
        );
    }
    // serde_yaml may prefix the field path ("featured: invalid type: …").
    if bare.contains("invalid type")
        || bare.contains("invalid value")
        || bare.contains("invalid length")
    {
        if bare.contains("expected struct") || bare.contains("expected a map") {
            return (loc, Problem::FrontMatterNotMapping);
        }
        return (loc, Problem::WrongType { message: bare });
    }
    (loc, Problem::Yaml { message: bare })
}

/// The position of the opening quote in a libyaml "while scanning a quoted
/// scalar at line L column C" context.
fn quote_context(msg: &str) -> Option<(usize, usize)> {
    let rest = msg
        .split("while scanning a quoted scalar at line ")
        .nth(1)?;
    let (line, rest) = rest.split_once(" column ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, col.parse().ok()?))
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Finds a top-level key written twice (serde_yaml reports those at 1:1, so we
/// locate them ourselves). Returns the key and the 0-based lines of its first
/// and second occurrence.
fn duplicate_top_level_key(yaml: &str) -> Option<(String, usize, usize)> {
    let mut seen = rustc_hash::FxHashMap::default();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            if key.is_empty() || key.contains(' ') {
                continue;
            }
            if let Some(first) = seen.insert(key.to_string(), i) {
                return Some((key.to_string(), first, i));
            }
        }
    }
    None
}

/// 1-based line and column (in chars) of the value of top-level `key` in a
/// YAML text, for problems found after deserialising (bad dates, bad URLs,
/// unknown ids). Falls back to the key's line when the value is on later lines.
pub fn locate_key(yaml: &str, key: &str) -> Option<(usize, usize)> {
    for (i, line) in yaml.lines().enumerate() {
        if let Some(rest) = line.strip_prefix(key) {
            if let Some(after) = rest.strip_prefix(':') {
                let pad = after.len() - after.trim_start().len();
                let col = key.chars().count() + 1 + pad + 1;
                return Some((i + 1, col));
            }
        }
    }
    None
}

/// 1-based line and column of `needle` inside the value of top-level `key`
/// (inline list or block list), for pointing at one id in `authors: [a, b]`.
pub fn locate_in_key(yaml: &str, key: &str, needle: &str) -> Option<(usize, usize)> {
    let (kl, kc) = locate_key(yaml, key)?;
    for (i, line) in yaml.lines().enumerate().skip(kl - 1) {
        if i + 1 > kl && !line.starts_with([' ', '\t', '-']) {
            break;
        }
        let from = if i + 1 == kl {
            byte_of_col(line, kc)
        } else {
            0
        };
        if let Some(p) = find_word(&line[from..], needle) {
            return Some((i + 1, line[..from + p].chars().count() + 1));
        }
    }
    Some((kl, kc))
}

fn byte_of_col(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col - 1)
        .map(|(b, _)| b)
        .unwrap_or(line.len())
}

fn find_word(hay: &str, needle: &str) -> Option<usize> {
    let mut start = 0;
    while let Some(p) = hay[start..].find(needle) {
        let at = start + p;
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        let boundary =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        start = at + needle.len();
    }
    None
}

/// A scalar read as text: `title: 2024` or `title: yes` are titles, not type errors.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Scalar::deserialize(d)?.0)
}

/// Like [`text`] for optional fields.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(|s| s.0))
}

/// A list of texts, also accepting a single value (`tags: Cloud`).
///
/// Written as a visitor rather than an untagged enum: serde's untagged enums
/// buffer the value and lose the position, so a wrong element type would be
/// reported at the top of the front matter instead of at the element.
pub fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a text or a list of texts")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(V)
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok(vec![v])
        }
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            // No size_hint preallocation: the hint comes from the input.
            let mut v = Vec::new();
            while let Some(Scalar(s)) = seq.next_element()? {
                v.push(s);
            }
            Ok(v)
        }
    }
    d.deserialize_any(V)
}

struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        #[serde(deserialize_with = "text")]
        title: String,
        #[serde(default, deserialize_with = "text_list")]
        tags: Vec<String>,
    }

    #[test]
    fn unknown_key_is_located_and_suggested() {
        let (loc, p) =
            from_str::<T>("title: a\ntitel: b\n", "a.md", 2, &["title", "tags"]).unwrap_err();
        assert_eq!((loc.line, loc.column), (Some(3), Some(1)));
        assert!(matches!(p, Problem::UnknownKey { suggestion: Some(ref s), .. } if s == "title"));
    }

    #[test]
    fn unclosed_quote_points_at_the_opening_quote() {
        let text = "tags: [a]\ntitle: \"Unclosed\nmore: x\n";
        let (loc, p) = from_str::<T>(text, "a.md", 2, &["title", "tags"]).unwrap_err();
        assert_eq!((loc.line, loc.column), (Some(3), Some(8)), "{p:?}");
        assert_eq!(p, Problem::UnclosedQuote);
    }

    #[test]
    fn numeric_and_boolean_titles_are_text() {
        let t: T = from_str("title: 2024\ntags: no", "a.md", 2, &[]).unwrap();
        assert_eq!(t.title, "2024");
        assert_eq!(t.tags, vec!["no"]);
    }

    #[test]
    fn missing_field_points_at_opening_fence() {
        let (loc, p) = from_str::<T>("tags: [a]\n", "a.md", 2, &["title", "tags"]).unwrap_err();
        assert_eq!(loc.line, Some(1));
        assert_eq!(p, Problem::MissingField { field: "title" });
    }

    #[test]
    fn duplicate_key_is_reported_with_line() {
        let (loc, p) = from_str::<T>("title: a\ntags: []\ntitle: b\n", "a.md", 2, &[]).unwrap_err();
        assert_eq!(loc.line, Some(4));
        assert_eq!(
            p,
            Problem::DuplicateKey {
                key: "title".into(),
                first_line: 2
            }
        );
    }

    #[test]
    fn tab_indentation_is_located_with_a_hint() {
        let (loc, p) = from_str::<T>("title: a\ntags:\n\t- x\n", "a.md", 2, &[]).unwrap_err();
        assert_eq!(p, Problem::TabIndent);
        assert_eq!((loc.line, loc.column), (Some(4), Some(1)));
    }

    #[test]
    fn wrong_list_element_is_located_at_the_element() {
        let (loc, p) =
            from_str::<T>("title: a\ntags:\n  - x\n  - [y]\n", "a.md", 2, &[]).unwrap_err();
        assert!(matches!(p, Problem::WrongType { .. }), "{p:?}");
        assert_eq!(loc.line, Some(5));
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut y =
            String::from("title: a\ntags: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            y.push_str(&format!("x{i}: &a{i} [{refs}]\n"));
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Any {
            #[serde(flatten)]
            rest: std::collections::BTreeMap<String, serde_json::Value>,
        }
        let started = std::time::Instant::now();
        let (loc, p) = from_str::<Any>(&y, "a.md", 2, &[]).unwrap_err();
        assert!(matches!(p, Problem::YamlTooComplex { .. }), "{p:?}");
        assert_eq!(loc.line, Some(4));
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn locate_in_key_finds_id_in_inline_list() {
        let y = "title: x\nauthors: [anna, bob]\n";
        assert_eq!(locate_in_key(y, "authors", "bob"), Some((2, 17)));
    }
}
