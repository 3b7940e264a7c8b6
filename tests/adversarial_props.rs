//! Property tests (issue #9) over the front-matter splitter, the YAML seam,
//! the markdown pipeline, slugs, dates and the whole single-file parse: no
//! input panics, positions stay consistent, nothing unsafe survives.
//! `PROPTEST_CASES=N` runs more cases (the fuzz targets in `fuzz/` go deeper).

use kurator::content::highlight::Highlighter;
use kurator::content::markdown::{render, RenderOptions};
use kurator::content::{date, front_matter, parse_bytes, slug, ParseContext};
use kurator::discover::Kind;
use kurator::html::is_unsafe_url;
use proptest::prelude::*;
use std::sync::OnceLock;

fn highlighter() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(Highlighter::new)
}

fn berlin() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Berlin").unwrap()
}

/// Text made of the pieces that matter to markdown and YAML, so random
/// strings hit real syntax instead of plain words.
fn syntaxy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("---\n".to_string()),
        Just("- ".to_string()),
        Just("> ".to_string()),
        Just("* ".to_string()),
        Just("```".to_string()),
        Just("```rust\n".to_string()),
        Just("[".to_string()),
        Just("](".to_string()),
        Just(")".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("<div>".to_string()),
        Just("<script>".to_string()),
        Just("javascript:".to_string()),
        Just("![".to_string()),
        Just("|".to_string()),
        Just("#".to_string()),
        Just("{#id}".to_string()),
        Just("[^1]".to_string()),
        Just("\"".to_string()),
        Just("&".to_string()),
        Just(": ".to_string()),
        Just("\t".to_string()),
        Just("    ".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("`".to_string()),
        Just("\\".to_string()),
        Just("<!-- more -->".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("ä".to_string()),
        Just("u\u{308}".to_string()),
        "[a-zA-Z0-9 ]{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

/// A front-matter-shaped file: fences around YAML-ish lines, then a body.
fn file_like() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("title"),
        Just("date"),
        Just("authors"),
        Just("channels"),
        Just("tags"),
        Just("slug"),
        Just("url"),
        Just("source"),
        Just("curator"),
        Just("name"),
        Just("image"),
        Just("aliases"),
        Just("discuss"),
        Just("draft"),
        Just("order"),
        Just("color"),
        Just("x"),
    ];
    let value = prop_oneof![
        Just("[anna]".to_string()),
        Just("2024-02-29".to_string()),
        Just("2024-02-30".to_string()),
        Just("2024-03-31T02:30:00".to_string()),
        Just("2024-01-01T24:00:00Z".to_string()),
        Just("https://example.com/".to_string()),
        Just("javascript:alert(1)".to_string()),
        Just("&a [x, y]".to_string()),
        Just("*a".to_string()),
        Just("{linkedin: https://x}".to_string()),
        Just("|\n  block".to_string()),
        Just("no".to_string()),
        Just("2024".to_string()),
        Just("\"#0f62fe\"".to_string()),
        Just("~".to_string()),
        syntaxy(),
    ];
    let line = (key, value).prop_map(|(k, v)| format!("{k}: {v}\n"));
    (prop::collection::vec(line, 0..10), syntaxy(), any::<bool>()).prop_map(
        |(lines, body, close)| {
            let mut s = String::from("---\n");
            s.extend(lines);
            if close {
                s.push_str("---\n");
            }
            s.push_str(&body);
            s.into_bytes()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn decode_and_split_never_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(text) = front_matter::decode(bytes, "a.md") {
            let _ = front_matter::split(&text, "a.md");
        }
    }

    #[test]
    fn split_keeps_body_line_numbers_true_to_the_file(fm in "[a-z: \n]{0,60}", body in syntaxy()) {
        let fm = fm.replace("---", "");
        let fm = if fm.is_empty() || fm.ends_with('\n') { fm } else { format!("{fm}\n") };
        let fm_lines: Vec<&str> = fm.lines().collect();
        prop_assume!(!fm_lines.iter().any(|l| l.trim_end() == "---"));
        prop_assume!(!body.contains('\0'));
        let text = format!("---\n{fm}---\n{body}");
        let s = front_matter::split(&text, "a.md").unwrap();
        prop_assert_eq!(s.fm_line, 2);
        prop_assert_eq!(s.body_line, fm_lines.len() + 3);
        prop_assert_eq!(s.front_matter, fm);
    }

    #[test]
    fn markdown_never_panics_and_never_emits_script(src in syntaxy(), german in any::<bool>()) {
        let r = render(&src, &RenderOptions {
            lang: if german { "de" } else { "en" },
            unsafe_html: false,
            highlighter: highlighter(),
        });
        let html = r.html.unpack();
        let lower = html.to_ascii_lowercase();
        prop_assert!(!lower.contains("<script"), "{}", html);
        // Only inside tags: the same characters as escaped text are harmless.
        prop_assert!(!lower.contains("<a href=\"javascript:"), "{}", html);
        prop_assert!(!lower.contains("<img src=\"javascript:"), "{}", html);
        for (offset, _) in &r.problems {
            prop_assert!(*offset <= src.len());
        }
    }

    #[test]
    fn markdown_with_trusted_html_never_panics(src in syntaxy()) {
        let _ = render(&src, &RenderOptions { lang: "de", unsafe_html: true, highlighter: highlighter() });
    }

    #[test]
    fn whole_file_parse_never_panics(bytes in file_like(), k in 0usize..5, trusted in any::<bool>()) {
        let kind = [Kind::Article, Kind::Link, Kind::Author, Kind::Channel, Kind::Page][k];
        let tz = berlin();
        let cx = ParseContext {
            tz: &tz,
            site_lang: "de",
            unsafe_html: trusted,
            highlighter: highlighter(),
            max_file_bytes: 1 << 20,
        };
        let (_, diags) = parse_bytes(kind, "articles/2024-02-29-p.md", bytes.clone(), &cx);
        // Every finding points into the file.
        let lines = String::from_utf8_lossy(&bytes).lines().count().max(1) + 1;
        for d in &diags {
            if let Some(l) = d.line {
                prop_assert!(l >= 1 && l <= lines, "{d:?} in a file of {lines} lines");
            }
            if let Some(c) = d.column {
                prop_assert!(c >= 1, "{d:?}");
            }
        }
    }

    #[test]
    fn whole_file_parse_never_panics_on_raw_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let tz = berlin();
        let cx = ParseContext { tz: &tz, site_lang: "en", unsafe_html: false, highlighter: highlighter(), max_file_bytes: 1 << 20 };
        let _ = parse_bytes(Kind::Link, "links/x.md", bytes, &cx);
    }

    #[test]
    fn site_config_never_panics(text in syntaxy()) {
        let _ = kurator::config::Config::parse(&text, None);
    }

    #[test]
    fn dates_never_panic(text in "[0-9T:+\\-Zz .]{0,30}|\\PC{0,20}") {
        let _ = date::parse(&text, &berlin());
    }

    #[test]
    fn slugs_are_clean_and_stable(text in "\\PC{0,40}") {
        let s = slug::slugify(&text);
        prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{s:?}");
        prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{s:?}");
        prop_assert_eq!(slug::slugify(&s), s.clone());
    }

    #[test]
    fn nfc_and_nfd_give_the_same_slug(parts in prop::collection::vec(prop_oneof![
        Just(("ä", "a\u{308}")), Just(("Ö", "O\u{308}")), Just(("ü", "u\u{308}")),
        Just(("é", "e\u{301}")), Just(("è", "e\u{300}")), Just(("ñ", "n\u{303}")),
        Just(("ç", "c\u{327}")), Just(("å", "a\u{30a}")), Just(("Ž", "Z\u{30c}")),
        Just(("x", "x")), Just((" ", " ")), Just(("-", "-")),
    ], 0..12)) {
        let nfc: String = parts.iter().map(|p| p.0).collect();
        let nfd: String = parts.iter().map(|p| p.1).collect();
        prop_assert_eq!(slug::slugify(&nfc), slug::slugify(&nfd));
    }

    #[test]
    fn disguised_script_urls_are_always_refused(
        scheme in prop_oneof![Just("javascript:"), Just("vbscript:"), Just("data:")],
        upper in prop::collection::vec(any::<bool>(), 12),
        junk in prop::collection::vec(prop_oneof![Just(""), Just(" "), Just("\t"), Just("\n"), Just("\u{0}"), Just("\u{1f}")], 12),
    ) {
        let mut url = String::from(junk[0]);
        for (i, c) in scheme.chars().enumerate() {
            url.push(if upper[i % 12] { c.to_ascii_uppercase() } else { c });
            url.push_str(junk[(i + 1) % 12]);
        }
        url.push_str("alert(1)");
        prop_assert!(is_unsafe_url(&url), "{url:?}");
    }
}
