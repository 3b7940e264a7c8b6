//! Adversarial inputs (issue #9): every bad file gives one clear finding with
//! file, line and column; nothing panics; hostile strings never reach the
//! output unescaped; a failed or interrupted build leaves the previous output
//! as it was; the output is the same whatever the thread count, time zone,
//! locale or directory order.
//!
//! Files with odd bytes are generated here; readable ones live in
//! `tests/adversarial/`. Crash reproducers found by fuzzing live in
//! `tests/adversarial/regressions/` and run under plain `cargo test`.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A valid article front matter for the `minimal` fixture (author `anna`,
/// channel `x`), to which a case adds or changes one thing.
const FM: &str = "title: A\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x]\n";

fn article(extra_fm: &str, body: &str) -> String {
    format!("---\n{FM}{extra_fm}---\n{body}")
}

/// `tests/adversarial/<rel>`.
fn case_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/adversarial")
        .join(rel)
}

/// One JSON finding of `kurator check --format json`.
#[derive(Debug)]
struct Finding {
    severity: String,
    code: String,
    file: String,
    line: Option<u64>,
    column: Option<u64>,
    message: String,
    hint: Option<String>,
}

/// Runs `kurator check --format json` on a site and parses every finding.
fn check(site: &Path) -> (Run, Vec<Finding>) {
    let r = run_cmd(kurator().arg("check").arg(site).args(["--format", "json"]));
    assert_no_panic(&r);
    let findings = r
        .stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            Finding {
                severity: v["severity"].as_str().unwrap_or_default().into(),
                code: v["code"].as_str().unwrap_or_default().into(),
                file: v["file"].as_str().unwrap_or_default().into(),
                line: v["line"].as_u64(),
                column: v["column"].as_u64(),
                message: v["message"].as_str().unwrap_or_default().into(),
                hint: v["hint"].as_str().map(str::to_string),
            }
        })
        .collect();
    (r, findings)
}

#[track_caller]
fn assert_no_panic(r: &Run) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("internal error") && r.code != Some(3),
        "kurator panicked:\n{}",
        r.stderr
    );
    assert!(
        r.code.is_some(),
        "kurator was killed by a signal:\n{}",
        r.stderr
    );
}

/// Writes `content` as `rel` into a copy of `minimal`, runs `check`, and
/// asserts exactly one finding for that file with `code` at `line:column`
/// (`None` for a whole-file finding), with a hint, and exit code 1.
#[track_caller]
fn assert_single_finding(
    rel: &str,
    content: impl AsRef<[u8]>,
    code: &str,
    at: Option<(u64, u64)>,
) -> Finding {
    let s = copy_fixture("minimal");
    s.write(rel, content);
    let (r, findings) = check(&s.site);
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.file == rel).collect();
    assert_eq!(
        mine.len(),
        1,
        "expected one finding for {rel}, got {findings:#?}\n{}",
        r.stderr
    );
    let f = mine[0];
    assert_eq!(f.code, code, "{f:#?}");
    assert_eq!(f.severity, "error", "{f:#?}");
    match at {
        Some((l, c)) => assert_eq!((f.line, f.column), (Some(l), Some(c)), "{f:#?}"),
        None => assert_eq!(f.line, None, "{f:#?}"),
    }
    assert!(f.hint.is_some(), "a finding without a hint: {f:#?}");
    r.assert_code(1);
    Finding {
        severity: f.severity.clone(),
        code: f.code.clone(),
        file: f.file.clone(),
        line: f.line,
        column: f.column,
        message: f.message.clone(),
        hint: f.hint.clone(),
    }
}

// ---------------------------------------------------------------------------
// Bad files: one clear finding each
// ---------------------------------------------------------------------------

#[test]
fn empty_file_is_one_empty_file_error() {
    assert_single_finding("articles/empty.md", "", "empty-file", Some((1, 1)));
}

#[test]
fn whitespace_only_file_is_an_empty_file_error() {
    assert_single_finding("articles/blank.md", "\n \n\t\n", "empty-file", Some((1, 1)));
}

#[test]
fn file_with_only_front_matter_builds_with_an_empty_body() {
    let s = copy_fixture("minimal");
    s.write("articles/2021-01-01-nur-kopf.md", format!("---\n{FM}---"));
    let r = s.build(&[]);
    assert_no_panic(&r);
    r.assert_ok();
    assert_contains(&s.read("2020/01/nur-kopf/index.html"), "<h1");
}

#[test]
fn missing_closing_fence_is_an_unclosed_front_matter_error() {
    let f = assert_single_finding(
        "articles/open.md",
        "---\ntitle: Offen\ndate: 2020-01-01\n\nText ohne Ende\n",
        "unclosed-front-matter",
        Some((1, 1)),
    );
    assert_contains(&f.hint.unwrap(), "---");
}

#[test]
fn text_without_front_matter_is_a_no_front_matter_error() {
    assert_single_finding(
        "articles/plain.md",
        "# Nur Markdown\n",
        "no-front-matter",
        Some((1, 1)),
    );
}

#[test]
fn front_matter_that_is_a_list_is_not_a_mapping() {
    assert_single_finding(
        "articles/list.md",
        "---\n- title\n- date\n---\nx\n",
        "front-matter-not-mapping",
        Some((2, 1)),
    );
}

#[test]
fn front_matter_that_is_a_scalar_is_not_a_mapping() {
    assert_single_finding(
        "articles/scalar.md",
        "---\nnur ein Satz\n---\nx\n",
        "front-matter-not-mapping",
        Some((2, 1)),
    );
}

#[test]
fn duplicate_key_names_both_lines() {
    let f = assert_single_finding(
        "articles/dup.md",
        format!("---\n{FM}title: Zweimal\n---\nx\n"),
        "duplicate-key",
        Some((6, 1)),
    );
    assert_contains(&f.message, "`title`");
    assert_contains(&f.message, "line 2");
}

#[test]
fn tab_indentation_in_yaml_is_located_with_a_hint() {
    let f = assert_single_finding(
        "articles/tabs.md",
        "---\ntitle: A\ndate: 2020-01-01\nauthors:\n\t- anna\nchannels: [x]\n---\nx\n",
        "yaml-tab",
        Some((5, 1)),
    );
    assert_contains(&f.hint.unwrap(), "spaces");
}

#[test]
fn invalid_utf8_is_located_at_the_bad_byte() {
    let mut bytes = article("", "Grüße \u{2014} ok\nschlecht: ").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe rest\n");
    // Line 8 is the second body line; "schlecht: " is 10 chars.
    let f = assert_single_finding("articles/latin1.md", bytes, "not-utf8", Some((8, 11)));
    assert_contains(&f.hint.unwrap(), "UTF-8");
}

#[test]
fn utf16_le_file_with_bom_is_named_as_utf16() {
    let text = article("", "Hallo\n");
    let mut bytes = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let f = assert_single_finding("articles/utf16le.md", bytes, "not-utf8", Some((1, 1)));
    assert_contains(&f.message, "UTF-16");
}

#[test]
fn utf16_be_file_with_bom_is_named_as_utf16() {
    let text = article("", "Hallo\n");
    let mut bytes = vec![0xfe, 0xff];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    let f = assert_single_finding("articles/utf16be.md", bytes, "not-utf8", Some((1, 1)));
    assert_contains(&f.message, "UTF-16");
}

#[test]
fn utf16_without_bom_is_reported_as_nul_bytes() {
    let mut bytes = Vec::new();
    for u in article("", "Hallo\n").encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let f = assert_single_finding("articles/utf16nobom.md", bytes, "nul-byte", Some((1, 2)));
    assert_contains(&f.message, "UTF-16");
}

#[test]
fn nul_byte_is_located() {
    assert_single_finding(
        "articles/nul.md",
        article("", "vor\0nach\n"),
        "nul-byte",
        Some((7, 4)),
    );
}

#[test]
fn file_over_the_default_size_limit_is_refused_without_reading_it() {
    let big = article(
        "",
        &"Lorem ipsum dolor sit amet. ".repeat(50 * 1024 * 1024 / 28),
    );
    assert!(big.len() > 50_000_000 - 100);
    let started = Instant::now();
    let f = assert_single_finding("articles/huge.md", big, "file-too-large", None);
    assert_contains(&f.message, "8388608");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn size_limit_is_configurable_in_site_yaml() {
    let s = copy_fixture("minimal");
    let site_yaml = fs::read_to_string(s.site.join("site.yaml")).unwrap();
    s.write(
        "site.yaml",
        format!("{site_yaml}\nlimits:\n  max_file_bytes: 2000\n"),
    );
    s.write("articles/ok.md", article("", &"a ".repeat(500)));
    s.write("articles/big.md", article("", &"a ".repeat(1500)));
    let (r, findings) = check(&s.site);
    r.assert_code(1);
    let codes: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.file.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(codes, vec![("articles/big.md", "file-too-large")]);
    assert_contains(&findings[0].message, "2000");
}

#[test]
fn alias_bomb_in_site_yaml_is_refused_quickly() {
    let s = copy_fixture("minimal");
    let mut y = fs::read_to_string(s.site.join("site.yaml")).unwrap();
    y.push_str("extra:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        y.push_str(&format!(
            "  a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    s.write("site.yaml", y);
    let started = Instant::now();
    let (r, findings) = check(&s.site);
    assert!(started.elapsed() < Duration::from_secs(20));
    r.assert_code(1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "yaml-too-complex");
    assert_eq!(findings[0].file, "site.yaml");
    assert_eq!(findings[0].line, Some(7));
}

#[test]
fn alias_bomb_in_front_matter_is_a_located_error() {
    let mut fm = String::from("tags: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (i, key) in ["aliases", "discuss"].iter().enumerate() {
        let refs = vec![format!("*a{i}"); 9].join(", ");
        fm.push_str(&format!("{key}: &a{} [{refs}]\n", i + 1));
    }
    let started = Instant::now();
    // serde_yaml locates an expanded alias at its anchor (`&a0` on line 6).
    let f = assert_single_finding(
        "articles/bomb.md",
        article(&fm, "x\n"),
        "wrong-type",
        Some((6, 7)),
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_contains(&f.message, "aliases");
}

#[test]
fn deeply_nested_list_in_front_matter_is_a_type_error_at_the_value() {
    let deep = format!("tags: {}x{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_single_finding(
        "articles/deep.md",
        article(&deep, "x\n"),
        "wrong-type",
        Some((6, 8)),
    );
}

#[test]
fn ten_thousand_deep_yaml_in_site_yaml_hits_the_recursion_limit() {
    let s = copy_fixture("minimal");
    let mut y = fs::read_to_string(s.site.join("site.yaml")).unwrap();
    y.push_str(&format!(
        "extra:\n  deep: {}x{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    ));
    s.write("site.yaml", y);
    let (r, findings) = check(&s.site);
    r.assert_code(1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "yaml-too-complex");
}

#[test]
fn impossible_calendar_date_is_a_bad_date() {
    let f = assert_single_finding(
        "articles/feb30.md",
        "---\ntitle: A\ndate: 2024-02-30\nauthors: [anna]\nchannels: [x]\n---\nx\n",
        "bad-date",
        Some((3, 7)),
    );
    assert_contains(&f.message, "2024-02-30");
}

#[test]
fn hour_24_is_a_bad_date() {
    assert_single_finding(
        "articles/h24.md",
        "---\ntitle: A\ndate: 2024-03-01T24:00:00\nauthors: [anna]\nchannels: [x]\n---\nx\n",
        "bad-date",
        Some((3, 7)),
    );
}

#[test]
fn impossible_date_in_file_name_is_a_bad_date() {
    let s = copy_fixture("minimal");
    s.write(
        "articles/2023-02-29-kein-schaltjahr.md",
        "---\ntitle: A\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    let (r, findings) = check(&s.site);
    r.assert_code(1);
    let f = findings
        .iter()
        .find(|f| f.file == "articles/2023-02-29-kein-schaltjahr.md")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(f.code, "bad-date");
}

/// The `datePublished` of the JSON-LD on an article page.
fn date_published(html: &str) -> String {
    between(html, "\"datePublished\":\"", "\"").to_string()
}

#[test]
fn local_time_in_a_dst_gap_moves_forward() {
    // 2024-03-31 02:30 does not exist in Europe/Berlin (clocks jump 02:00 → 03:00).
    let s = copy_fixture("minimal");
    s.write(
        "articles/gap.md",
        "---\ntitle: Gap\ndate: 2024-03-31T02:30:00\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.build_ok(&[]);
    let html = s.read("2024/03/gap/index.html");
    assert_eq!(date_published(&html), "2024-03-31T03:30:00+02:00");
}

#[test]
fn local_time_in_a_dst_fold_takes_the_earlier_offset() {
    // 2024-10-27 02:30 happens twice in Europe/Berlin; the first is +02:00.
    let s = copy_fixture("minimal");
    s.write(
        "articles/fold.md",
        "---\ntitle: Fold\ndate: 2024-10-27T02:30:00\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.build_ok(&[]);
    let html = s.read("2024/10/fold/index.html");
    assert_eq!(date_published(&html), "2024-10-27T02:30:00+02:00");
}

#[test]
fn explicit_offset_is_converted_to_the_site_time_zone() {
    // 23:30 in New York is the next day in Berlin: the permalink follows the site zone.
    let s = copy_fixture("minimal");
    s.write(
        "articles/ny.md",
        "---\ntitle: NY\ndate: 2024-12-31T23:30:00-05:00\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.build_ok(&[]);
    let html = s.read("2025/01/ny/index.html");
    assert_eq!(date_published(&html), "2025-01-01T05:30:00+01:00");
}

#[test]
fn numeric_and_boolean_titles_are_text() {
    let s = copy_fixture("minimal");
    s.write(
        "articles/num.md",
        "---\ntitle: 2024\ndate: 2020-02-01\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.write(
        "articles/bool.md",
        "---\ntitle: no\ndate: 2020-03-01\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.write(
        "articles/float.md",
        "---\ntitle: 1.50\ndate: 2020-04-01\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.build_ok(&[]);
    assert_contains(&s.read("2020/02/num/index.html"), "\">2024</h1>");
    assert_contains(&s.read("2020/03/bool/index.html"), "\">no</h1>");
    assert_contains(&s.read("2020/04/float/index.html"), "\">1.5</h1>");
}

#[test]
fn build_collects_every_finding_before_failing() {
    let s = copy_fixture("minimal");
    s.write("articles/a-empty.md", "");
    s.write("articles/b-open.md", "---\ntitle: x\n");
    s.write("articles/c-nul.md", article("", "\0"));
    s.write(
        "articles/d-date.md",
        "---\ntitle: A\ndate: 2024-02-30\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.write(
        "articles/e-dup.md",
        format!("---\n{FM}date: 2021-01-01\n---\n"),
    );
    let r = s.build(&[]);
    assert_no_panic(&r);
    r.assert_code(1);
    r.assert_diagnostic("articles/a-empty.md:1:1", "empty-file");
    r.assert_diagnostic("articles/b-open.md:1:1", "unclosed-front-matter");
    r.assert_diagnostic("articles/c-nul.md:7:1", "nul-byte");
    r.assert_diagnostic("articles/d-date.md:3:7", "bad-date");
    r.assert_diagnostic("articles/e-dup.md:6:1", "duplicate-key");
    r.assert_stderr_contains("build failed with 5 error(s)");
    assert!(!s.out().exists());
}

// ---------------------------------------------------------------------------
// Bounded: pathological markdown, deep nesting, the highlighter
// ---------------------------------------------------------------------------

/// Checks a site whose one article has `body`, asserting it finishes in
/// `limit` without a panic or stack overflow. Returns the findings.
#[track_caller]
fn check_body_bounded(body: &str, limit: Duration) -> Vec<Finding> {
    let s = copy_fixture("minimal");
    s.write("articles/patho.md", article("", body));
    let started = Instant::now();
    let (r, findings) = check(&s.site);
    let took = started.elapsed();
    assert!(
        took < limit,
        "checking took {took:?} (limit {limit:?}); stderr:\n{}",
        r.stderr
    );
    findings
}

/// Reproducers of quadratic-time bugs from pulldown-cmark's issue tracker
/// (#82, #247, #248, #249, #251, #255) and cmark's, at sizes that took
/// seconds to minutes on affected versions. Debug builds are ~10× slower
/// than release, hence the generous limit.
macro_rules! pathological_markdown {
    ($($name:ident: $piece:expr, $n:expr;)*) => {$(
        #[test]
        fn $name() {
            let body = format!("{}\n", $piece.repeat($n));
            check_body_bounded(&body, Duration::from_secs(30));
        }
    )*};
}

pathological_markdown! {
    quadratic_link_openers_are_bounded: "[ (](", 40_000;
    quadratic_angle_link_destinations_are_bounded: "[a](<b", 50_000;
    quadratic_backslash_code_spans_are_bounded: "``\\", 40_000;
    quadratic_emphasis_runs_are_bounded: "a***", 80_000;
    quadratic_list_markers_are_bounded: "* ", 80_000;
    quadratic_nested_link_emphasis_is_bounded: "[*_a", 100_000;
    quadratic_unclosed_links_are_bounded: "[", 100_000;
    quadratic_backticks_are_bounded: "`a", 100_000;
    quadratic_html_comments_are_bounded: "<!--", 50_000;
    quadratic_link_reference_definitions_are_bounded: "[a]: b\n", 20_000;
    quadratic_tables_are_bounded: "|a", 50_000;
    quadratic_footnote_references_are_bounded: "[^a]", 50_000;
}

#[test]
fn ten_thousand_nested_block_quotes_do_not_overflow_the_stack() {
    check_body_bounded(
        &format!("{}deep\n", "> ".repeat(10_000)),
        Duration::from_secs(60),
    );
}

#[test]
fn ten_thousand_nested_lists_do_not_overflow_the_stack() {
    check_body_bounded(
        &format!("{}deep\n", "- ".repeat(10_000)),
        Duration::from_secs(60),
    );
}

#[test]
fn ten_thousand_indented_nested_lists_do_not_overflow_the_stack() {
    let body: String = (0..10_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    check_body_bounded(&body, Duration::from_secs(120));
}

#[test]
fn ten_thousand_nested_html_elements_are_sanitised_without_overflow() {
    let body = format!("{}x{}\n", "<div>".repeat(10_000), "</div>".repeat(10_000));
    check_body_bounded(&body, Duration::from_secs(60));
}

#[test]
fn ten_thousand_nested_emphasis_and_links_do_not_overflow_the_stack() {
    let body = format!("{}x{}\n", "*[".repeat(10_000), "](u)*".repeat(10_000));
    check_body_bounded(&body, Duration::from_secs(60));
}

#[test]
fn oversized_code_block_is_shown_plain_with_a_warning() {
    let code = "let x = 1;\n".repeat(30_000);
    let findings = check_body_bounded(&format!("```rust\n{code}```\n"), Duration::from_secs(60));
    let f = findings
        .iter()
        .find(|f| f.code == "highlight-fallback")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(f.severity, "warning");
    assert_eq!((f.line, f.column), (Some(7), Some(1)));
    assert_contains(&f.message, "256 KiB");
}

#[test]
fn code_block_with_a_huge_line_is_shown_plain_with_a_warning() {
    let line = "\"a\\\"".repeat(5_000);
    let findings = check_body_bounded(
        &format!("Text\n\n```js\n{line}\n```\n"),
        Duration::from_secs(60),
    );
    let f = findings
        .iter()
        .find(|f| f.code == "highlight-fallback")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!((f.line, f.column), (Some(9), Some(1)));
    assert_contains(&f.message, "8 KiB");
}

#[test]
fn backtracking_prone_code_blocks_finish() {
    // Inputs that make regex-based grammars backtrack: long runs of one
    // character with no closing token, in several languages.
    let mut body = String::new();
    for (lang, piece) in [
        ("perl", "s/a/"),
        ("ruby", "%w("),
        ("html", "<a "),
        ("yaml", "- ? "),
        ("sql", "'--"),
        ("c", "/*"),
        ("python", "\"\"\"'"),
        ("latex", "\\begin{"),
    ] {
        body.push_str(&format!("```{lang}\n{}\n```\n\n", piece.repeat(2_000)));
    }
    check_body_bounded(&body, Duration::from_secs(120));
}

// ---------------------------------------------------------------------------
// Nothing injected
// ---------------------------------------------------------------------------

/// Every output file as text, for searching.
fn all_output(out: &Path) -> Vec<(String, String)> {
    snapshot(out)
        .into_iter()
        .filter(|(k, _)| !k.ends_with('/'))
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect()
}

#[test]
fn script_urls_in_front_matter_never_reach_the_output() {
    let s = copy_fixture("minimal");
    s.write(
        "articles/urls.md",
        article(
            "image: \" JaVaScRiPt:alert('img')\"\n",
            "[a](vbscript:msgbox) ![b](data:text/html;base64,PHNjcmlwdD4=) [c](java&#x09;script:alert(1))\n\n<a href=\"javascript:alert(2)\">raw</a>\n",
        ),
    );
    s.write(
        "links/evil.md",
        "---\nurl: \"javascript:alert('url')\"\ntitle: Evil\nsource: S\ncurator: anna\ndate: 2020-01-01\nchannels: [x]\nvia: \"data:text/html,<script>alert(1)</script>\"\n---\nx\n",
    );
    let (r, findings) = check(&s.site);
    r.assert_code(1);
    let evil: Vec<(&str, Option<u64>)> = findings
        .iter()
        .filter(|f| f.file == "links/evil.md")
        .map(|f| (f.code.as_str(), f.line))
        .collect();
    assert_eq!(evil, vec![("bad-url", Some(2)), ("bad-url", Some(8))]);
    let img = findings
        .iter()
        .find(|f| f.file == "articles/urls.md" && f.line == Some(6))
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(img.code, "unsafe-url");

    // Without the bad link the site builds; no script URL appears anywhere.
    s.remove("links/evil.md");
    let r = s.build(&[]);
    assert_no_panic(&r);
    r.assert_ok();
    for (path, text) in all_output(&s.out()) {
        // The theme's own search.js mentions `javascript:` in a comment.
        if path.starts_with("js/") {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        for bad in ["javascript:", "vbscript:", "data:text/html"] {
            assert!(!lower.contains(bad), "{path} contains {bad}");
        }
    }
}

#[test]
fn hostile_strings_in_every_field_stay_escaped_in_every_format() {
    let evil = "</script><script>alert(1)</script>\"'&<b>]]>--><!--\u{2028}";
    let yaml_evil = evil.replace('\\', "\\\\").replace('"', "\\\"");
    let s = copy_fixture("minimal");
    let fm = format!(
        "---\ntitle: \"{yaml_evil}\"\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x]\ntags: [\"{yaml_evil}\"]\nsummary: \"{yaml_evil}\"\ndisclosure: \"{yaml_evil}\"\nimage_alt: \"{yaml_evil}\"\n---\nText {evil}\n"
    );
    s.write("articles/evil.md", fm);
    s.write(
        "links/evil-link.md",
        format!(
            "---\nurl: \"https://example.com/?a=\\\"><script>x</script>\"\ntitle: \"{yaml_evil}\"\nsource: \"{yaml_evil}\"\nsource_author: \"{yaml_evil}\"\nquote: \"{yaml_evil}\"\ncurator: anna\ndate: 2020-01-02\nchannels: [x]\n---\nx\n"
        ),
    );
    let r = s.build(&[]);
    assert_no_panic(&r);
    r.assert_ok();
    let files = all_output(&s.out());
    for (path, text) in &files {
        if path.ends_with(".html") {
            // The only <script> elements are kurator's own (JSON-LD, search).
            let opened = text.matches("<script").count();
            let closed = text.matches("</script").count();
            assert_eq!(opened, closed, "{path}: unbalanced script tags");
            assert!(!text.contains("<script>alert"), "{path}: injected script");
            assert!(!text.contains("<b>]]>"), "{path}: raw markup");
        }
        if path.ends_with(".xml") || path.ends_with(".opml") {
            assert!(!text.contains("<b>"), "{path}: unescaped markup in XML");
        }
        if path.ends_with(".json") {
            let v: Result<Value, _> = serde_json::from_str(text);
            assert!(v.is_ok(), "{path} is not valid JSON");
        }
    }
    // JSON-LD inside <script> must parse and round-trip the title.
    let html = s.read("2020/01/evil/index.html");
    let ld = between(&html, "<script type=\"application/ld+json\">", "</script>");
    let v: Value = serde_json::from_str(ld).expect("JSON-LD parses");
    let text = v.to_string();
    assert!(text.contains("alert(1)"), "title lost from JSON-LD: {text}");
}

#[test]
fn search_index_holds_hostile_titles_as_plain_json_text() {
    let s = copy_fixture("minimal");
    s.write(
        "articles/evil.md",
        "---\ntitle: \"<img src=x onerror=alert(1)>\"\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x]\n---\n<img src=y onerror=alert(2)>\n",
    );
    s.build_ok(&[]);
    // Every search file is JSON; the title is kept as text (the script
    // inserts it with textContent) …
    let mut index = String::new();
    let dir = s.out().join("search");
    for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let _: Value = serde_json::from_str(&text).expect("search file is JSON");
            index.push_str(&text);
        }
    }
    assert!(
        index.contains(r#""t":"<img src=x onerror=alert(1)>""#),
        "{index}"
    );
    // … and the sanitised body's removed handler is not smuggled back in.
    assert!(!index.contains("alert(2)"), "{index}");
    let js = s.read("js/search.js");
    assert_not_contains(&js.replace("never innerHTML", ""), "innerHTML");
    assert_not_contains(&js, "insertAdjacentHTML");
}

// ---------------------------------------------------------------------------
// File system
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_and_not_followed() {
    let s = copy_fixture("minimal");
    std::os::unix::fs::symlink("..", s.site.join("articles/loop")).unwrap();
    std::os::unix::fs::symlink("self.md", s.site.join("articles/self.md")).unwrap();
    let (r, findings) = check(&s.site);
    r.assert_ok();
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.file.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("articles/loop", "symlink-skipped"),
            ("articles/self.md", "symlink-skipped")
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlink_pointing_out_of_the_site_is_not_followed() {
    let s = copy_fixture("minimal");
    let secret = s.tmp.path().join("secret.md");
    fs::write(&secret, article("", "TOP-SECRET-OUTSIDE\n")).unwrap();
    std::os::unix::fs::symlink(&secret, s.site.join("articles/leak.md")).unwrap();
    std::os::unix::fs::symlink(s.tmp.path(), s.site.join("static/outside")).ok();
    fs::create_dir_all(s.site.join("static")).unwrap();
    std::os::unix::fs::symlink(s.tmp.path(), s.site.join("static/outside-dir")).unwrap();
    let r = s.build(&[]);
    assert_no_panic(&r);
    r.assert_ok();
    r.assert_diagnostic("articles/leak.md", "symlink-skipped");
    r.assert_diagnostic("static/outside-dir", "symlink-skipped");
    for (path, text) in all_output(&s.out()) {
        assert!(
            !text.contains("TOP-SECRET-OUTSIDE"),
            "{path} leaked the target"
        );
    }
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_with_its_name() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let s = copy_fixture("minimal");
    s.write("articles/secret.md", article("", "x\n"));
    fs::set_permissions(
        s.site.join("articles/secret.md"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let mut cmd = kurator();
    cmd.arg("check").arg(&s.site).args(["--format", "json"]);
    // Root reads files whatever their mode; run as `nobody` instead when we can.
    let is_root = fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if is_root {
        for p in [s.tmp.path().to_path_buf(), s.site.clone()] {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let exe_readable = fs::metadata(env!("CARGO_BIN_EXE_kurator"))
            .map(|m| m.permissions().mode() & 0o005 == 0o005)
            .unwrap_or(false);
        let ancestors_searchable = Path::new(env!("CARGO_BIN_EXE_kurator"))
            .ancestors()
            .chain(s.tmp.path().ancestors())
            .skip(1)
            .all(|p| {
                fs::metadata(p)
                    .map(|m| m.permissions().mode() & 0o001 != 0)
                    .unwrap_or(false)
            });
        if !exe_readable || !ancestors_searchable {
            eprintln!("skipped: running as root and the binary or temp dir is not accessible to `nobody`, so a chmod 000 file cannot be made unreadable");
            return;
        }
        cmd.uid(65534).gid(65534);
    }
    let r = run_cmd(&mut cmd);
    assert_no_panic(&r);
    r.assert_code(1);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("articles/secret.md"))
        .unwrap_or_else(|| {
            panic!(
                "no finding for the unreadable file:\n{}{}",
                r.stdout, r.stderr
            )
        });
    assert_contains(line, "\"code\":\"io\"");
    assert_contains(line, "ermission denied");
}

#[test]
fn file_names_with_spaces_and_umlauts_get_clean_slugs() {
    let s = copy_fixture("minimal");
    s.write("articles/2020-05-01-Grüße aus Köln.md", article("", "x\n"));
    s.write("articles/sub ordner/Ärger & Ölpreis.md", article("", "y\n"));
    s.build_ok(&[]);
    s.read("2020/01/gruesse-aus-koeln/index.html");
    s.read("2020/01/aerger-oelpreis/index.html");
}

#[test]
fn nfc_and_nfd_file_names_are_the_same_slug_and_clash() {
    let s = copy_fixture("minimal");
    s.write("articles/F\u{fc}hrung.md", article("", "nfc\n"));
    s.write("articles/Fu\u{308}hrung.md", article("", "nfd\n"));
    let (r, findings) = check(&s.site);
    // Some file systems (APFS, HFS+) normalise names; then only one file exists.
    let count = fs::read_dir(s.site.join("articles")).unwrap().count();
    if count < 3 {
        eprintln!("skipped: this file system folds NFC and NFD names into one");
        return;
    }
    r.assert_code(1);
    assert!(
        findings.iter().any(|f| f.code == "duplicate-path"),
        "{findings:#?}"
    );
}

#[test]
fn case_only_slug_clash_is_detected_on_every_os() {
    let s = copy_fixture("minimal");
    s.write("articles/hallo-welt.md", article("", "a\n"));
    s.write("articles/x/Hallo-Welt.md", article("", "b\n"));
    let (r, findings) = check(&s.site);
    r.assert_code(1);
    assert!(
        findings.iter().any(|f| f.code == "duplicate-path"),
        "{findings:#?}"
    );
    // Same slug through `slug:` with different case.
    let s = copy_fixture("minimal");
    s.write("articles/a.md", article("slug: Mein-Beitrag\n", "a\n"));
    s.write("articles/b.md", article("slug: mein-beitrag\n", "b\n"));
    let (r, findings) = check(&s.site);
    r.assert_code(1);
    assert!(
        findings.iter().any(|f| f.code == "duplicate-path"),
        "{findings:#?}"
    );
}

#[test]
fn long_paths_and_names_build() {
    let s = copy_fixture("minimal");
    let deep: String = (0..20).map(|i| format!("ordner-{i:02}/")).collect();
    let name = "l".repeat(200);
    s.write(&format!("articles/{deep}{name}.md"), article("", "tief\n"));
    let r = s.build(&[]);
    assert_no_panic(&r);
    r.assert_ok();
    s.read(&format!("2020/01/{name}/index.html"));
}

// ---------------------------------------------------------------------------
// Nothing lost: output safety, interruption, disk full, read-only output
// ---------------------------------------------------------------------------

/// Entries beside the output folder whose name says "staging" or "old".
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("kurator-staging") || n.contains("kurator-old"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn output_dot_inside_the_site_is_refused() {
    let s = copy_fixture("minimal");
    let before = snapshot(&s.site);
    let r = run_cmd(
        kurator()
            .current_dir(&s.site)
            .args(["build", ".", "-o", "."]),
    );
    assert_no_panic(&r);
    r.assert_code(2);
    r.assert_stderr_contains("site folder itself");
    assert_same_tree(&before, &snapshot(&s.site), "site after -o .");
}

#[test]
fn output_dot_dot_containing_the_site_is_refused() {
    let s = copy_fixture("minimal");
    let before = snapshot(s.tmp.path());
    let r = run_cmd(
        kurator()
            .current_dir(&s.site)
            .args(["build", ".", "-o", ".."]),
    );
    r.assert_code(2);
    r.assert_stderr_contains("contains the site");
    assert_same_tree(&before, &snapshot(s.tmp.path()), "parent after -o ..");
}

#[test]
fn output_into_a_non_empty_foreign_folder_like_home_is_refused() {
    let s = copy_fixture("minimal");
    let home = s.tmp.path().join("home");
    fs::create_dir_all(home.join(".ssh")).unwrap();
    fs::write(home.join(".ssh/id_ed25519"), "KEY").unwrap();
    fs::write(home.join("notes.txt"), "mine").unwrap();
    let before = snapshot(&home);
    let r = build(&s.site, &home, &[]);
    r.assert_code(2);
    r.assert_stderr_contains("not written by kurator");
    assert_same_tree(&before, &snapshot(&home), "home after refused build");
    assert!(leftovers(s.tmp.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn symlinked_output_pointing_at_the_site_is_refused() {
    let s = copy_fixture("minimal");
    let link = s.tmp.path().join("public");
    std::os::unix::fs::symlink(&s.site, &link).unwrap();
    let before = snapshot(&s.site);
    let r = build(&s.site, &link, &[]);
    r.assert_code(2);
    assert_same_tree(&before, &snapshot(&s.site), "site after symlinked -o");
}

#[cfg(unix)]
#[test]
fn symlinked_output_pointing_at_a_foreign_folder_is_refused() {
    let s = copy_fixture("minimal");
    let foreign = s.tmp.path().join("foreign");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "keep").unwrap();
    let link = s.tmp.path().join("public");
    std::os::unix::fs::symlink(&foreign, &link).unwrap();
    let r = build(&s.site, &link, &[]);
    r.assert_code(2);
    assert_eq!(
        fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "keep"
    );
    assert!(link.is_symlink());
}

#[cfg(unix)]
#[test]
fn output_inside_a_symlinked_parent_of_the_site_is_refused() {
    // `-o <link>` where <link> → the folder that contains the site.
    let s = copy_fixture("minimal");
    let link = s.tmp.path().join("up");
    std::os::unix::fs::symlink(s.tmp.path(), &link).unwrap();
    let r = build(&s.site, &link, &[]);
    r.assert_code(2);
    r.assert_stderr_contains("contains the site");
    assert!(s.site.join("site.yaml").exists());
}

/// A site big enough that rendering takes a while in a debug build, so a
/// signal can arrive mid-render.
fn big_site(n: usize) -> SiteCopy {
    let s = copy_fixture("minimal");
    for i in 0..n {
        s.write(
            &format!("articles/a{i:05}.md"),
            article(
                &format!("tags: [t{}]\n", i % 50),
                &"Ein Absatz mit etwas Text und `code`.\n\n".repeat(20),
            ),
        );
    }
    s
}

/// Starts a build of `s` over an existing output, waits until its staging
/// folder exists, sends `signal`, and checks the aftermath.
#[cfg(unix)]
fn interrupt_mid_build(signal: &str, expected_code: i32) {
    let s = big_site(1500);
    s.build_ok(&[]);
    let before = snapshot(&s.out());
    let mut child = kurator()
        .arg("build")
        .arg(&s.site)
        .arg("-o")
        .arg(s.out())
        .args(["-j", "1"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen_staging = false;
    while Instant::now() < deadline {
        if !leftovers(s.tmp.path()).is_empty() {
            seen_staging = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        seen_staging,
        "the build finished before it could be interrupted"
    );
    std::thread::sleep(Duration::from_millis(100));
    let ok = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{signal} failed");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(expected_code), "stderr:\n{stderr}");
    assert!(stderr.contains("interrupted"), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
    assert_same_tree(
        &before,
        &snapshot(&s.out()),
        "output after interrupted build",
    );
    assert_eq!(leftovers(s.tmp.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn sigint_mid_build_keeps_previous_output_and_removes_staging() {
    interrupt_mid_build("INT", 130);
}

#[cfg(unix)]
#[test]
fn sigterm_mid_build_keeps_previous_output_and_removes_staging() {
    interrupt_mid_build("TERM", 143);
}

/// Mounts a tmpfs of `size` at `dir`. The tests that use it are ignored by
/// default (they need root) and run on purpose by `tests/all.sh` as root,
/// so a mount that fails is a failure, not a silent skip.
#[cfg(target_os = "linux")]
fn mount_tmpfs(dir: &Path, size: &str) {
    fs::create_dir_all(dir).unwrap();
    let out = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .expect("cannot run mount");
    assert!(
        out.status.success(),
        "cannot mount a tmpfs ({}); these tests need root in a privileged container",
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

/// Unmounts on drop, even when the test fails.
#[cfg(target_os = "linux")]
struct Mounted(PathBuf);

#[cfg(target_os = "linux")]
impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Free bytes of the file system holding `dir`, from `df`.
#[cfg(target_os = "linux")]
fn df(dir: &Path, field: &str) -> u64 {
    let out = std::process::Command::new("df")
        .args(["-B1", &format!("--output={field}")])
        .arg(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("cannot parse df output {out:?}"))
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root"]
fn full_disk_mid_build_keeps_previous_output_and_removes_staging() {
    let s = big_site(60);
    let mnt = s.tmp.path().join("mnt");
    mount_tmpfs(&mnt, "64m");
    let _guard = Mounted(mnt.clone());
    let out = mnt.join("public");
    build(&s.site, &out, &[]).assert_ok();
    let before = snapshot(&out);
    // Leave room for about half a build: the next one runs out of space
    // while writing its staging folder.
    let used = df(&mnt, "used");
    let avail = df(&mnt, "avail");
    let ballast = avail.saturating_sub(used / 2);
    fs::write(mnt.join("ballast"), vec![0u8; ballast as usize]).unwrap();
    s.write("articles/zz-extra.md", article("", "neu\n"));
    let r = build(&s.site, &out, &[]);
    assert_no_panic(&r);
    r.assert_code(1);
    r.assert_stderr_contains("No space left on device");
    r.assert_stderr_contains("the output folder was left unchanged");
    // One reason, said a few times, not once per file.
    let io_lines = r.stderr.matches("error[io]").count();
    assert!(
        io_lines <= 11,
        "{io_lines} io errors printed:\n{}",
        r.stderr
    );
    assert_same_tree(&before, &snapshot(&out), "output after disk-full build");
    assert_eq!(leftovers(&mnt), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root"]
fn read_only_output_file_system_keeps_previous_output() {
    let s = copy_fixture("minimal");
    let mnt = s.tmp.path().join("mnt");
    mount_tmpfs(&mnt, "16m");
    let _guard = Mounted(mnt.clone());
    let out = mnt.join("public");
    build(&s.site, &out, &[]).assert_ok();
    let before = snapshot(&out);
    let ro = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(ro.success());
    s.write("articles/neu.md", article("", "neu\n"));
    let r = build(&s.site, &out, &[]);
    assert_no_panic(&r);
    r.assert_code(2);
    r.assert_stderr_contains("Read-only file system");
    assert_same_tree(&before, &snapshot(&out), "output after read-only build");
    assert_eq!(leftovers(&mnt), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root"]
fn output_made_read_only_mid_build_keeps_previous_output() {
    let s = big_site(1500);
    let mnt = s.tmp.path().join("mnt");
    mount_tmpfs(&mnt, "256m");
    let _guard = Mounted(mnt.clone());
    let out = mnt.join("public");
    build(&s.site, &out, &[]).assert_ok();
    let before = snapshot(&out);
    let child = kurator()
        .arg("build")
        .arg(&s.site)
        .arg("-o")
        .arg(&out)
        .args(["-j", "1"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while leftovers(&mnt).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    let ro = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&mnt)
        .status()
        .unwrap();
    let out_run = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out_run.stderr);
    if !ro.success() {
        eprintln!("skipped: remounting read-only failed (busy?)");
        return;
    }
    assert_ne!(out_run.status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
    assert_same_tree(&before, &snapshot(&out), "output after read-only mid-build");
    // The staging folder cannot be removed from a read-only file system; once
    // it is writable again, the next build starts clean.
    let _ = std::process::Command::new("mount")
        .args(["-o", "remount,rw"])
        .arg(&mnt)
        .status();
    build(&s.site, &out, &[]).assert_ok();
    assert_eq!(leftovers(&mnt), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Deterministic
// ---------------------------------------------------------------------------

#[test]
fn output_is_identical_for_any_thread_count_time_zone_and_locale() {
    let site = example_site();
    let tmp = tempfile::tempdir().unwrap();
    let runs: [(&str, &[(&str, &str)]); 3] = [
        ("-j1", &[("TZ", "UTC"), ("LANG", "C"), ("LC_ALL", "C")]),
        (
            "-j16",
            &[
                ("TZ", "Pacific/Kiritimati"),
                ("LANG", "de_DE.UTF-8"),
                ("LC_ALL", "de_DE.UTF-8"),
            ],
        ),
        (
            "-j3",
            &[
                ("TZ", "America/St_Johns"),
                ("LANG", "tr_TR.UTF-8"),
                ("LC_ALL", "tr_TR.UTF-8"),
            ],
        ),
    ];
    let mut snaps = Vec::new();
    for (i, (jobs, env)) in runs.iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        let mut cmd = kurator();
        cmd.arg("build").arg(&site).arg("-o").arg(&out).arg(jobs);
        for (k, v) in env.iter() {
            cmd.env(k, v);
        }
        let r = run_cmd(&mut cmd);
        r.assert_ok();
        snaps.push(snapshot(&out));
    }
    assert_same_tree(&snaps[0], &snaps[1], "-j1/UTC/C vs -j16/Kiritimati/de");
    assert_same_tree(&snaps[0], &snaps[2], "-j1/UTC/C vs -j3/St_Johns/tr");
}

#[test]
fn output_is_identical_whatever_the_directory_listing_order() {
    // Files created in opposite orders get different raw directory orders
    // on most file systems.
    let names: Vec<String> = (0..40)
        .map(|i| format!("articles/{}-b{i}.md", ["x", "A", "m", "Z", "ä"][i % 5]))
        .collect();
    let make = |reverse: bool| {
        let s = copy_fixture("minimal");
        let mut order: Vec<&String> = names.iter().collect();
        if reverse {
            order.reverse();
        }
        for (n, name) in order.into_iter().enumerate() {
            let _ = n;
            s.write(
                name,
                article(
                    // Same date and same tag for all: ties must be broken
                    // by something stable, not by discovery order.
                    "tags: [gleich]\n",
                    "Gleicher Text.\n",
                ),
            );
        }
        s.build_ok(&[]);
        s
    };
    let a = make(false);
    let b = make(true);
    assert_same_tree(
        &snapshot(&a.out()),
        &snapshot(&b.out()),
        "forward vs reverse creation",
    );
}

// ---------------------------------------------------------------------------
// Serve: traversal in every encoding
// ---------------------------------------------------------------------------

#[test]
fn serve_refuses_traversal_in_every_encoding() {
    use kurator::serve::path::{resolve, Target};
    for url in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2e%2Fsite.yaml",
        "/%2e%2e%2f%2e%2e%2fetc/passwd",
        "/..%2f..%2fetc/passwd",
        "/..%5c..%5csite.yaml",
        "/..\\..\\site.yaml",
        "/css\\..\\..\\site.yaml",
        "/%5c%5cserver/share",
        "//etc/passwd",
        "/%2fetc/passwd",
        "etc/passwd",
        "http://evil/../x",
        "/C:/Windows/win.ini",
        "/c%3a/Windows",
        "/%00",
        "/index.html%00.png",
        "/a/%0a/b",
        "/a/./b",
        "/a/%2e/b",
        "/%c0%ae%c0%ae/site.yaml",
        "/%e0%80%ae%e0%80%ae/site.yaml",
        "/%",
        "/%zz",
        "/%2",
    ] {
        match resolve(url) {
            Err(_) => {}
            Ok(t) => {
                // Double encoding (`%252e`) is fine only as a literal name.
                let key = match t {
                    Target::File(f) => f,
                    Target::FileOrFolder { file, .. } => file,
                };
                panic!("{url:?} was accepted as {key:?}");
            }
        }
    }
    // Double-encoded dots decode once, to a harmless literal file name.
    for url in ["/%252e%252e/site.yaml", "/%252e%252e%252fsite.yaml"] {
        match resolve(url) {
            Err(_) => {}
            Ok(Target::File(k)) | Ok(Target::FileOrFolder { file: k, .. }) => {
                assert!(
                    k.split('/').all(|seg| seg != ".." && seg != "."),
                    "{url} → {k}"
                );
                assert!(!k.starts_with('/') && !k.contains('\\'), "{url} → {k}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Internal errors and fuzz regressions
// ---------------------------------------------------------------------------

#[test]
fn internal_error_exits_3_with_a_bug_report_message() {
    // Debug builds panic on purpose when KURATOR_DEBUG_PANIC is set, to test
    // the top-level handler; release builds ignore the variable.
    let r = run_cmd(
        kurator()
            .arg("check")
            .arg(fixture("minimal"))
            .env("KURATOR_DEBUG_PANIC", "1"),
    );
    if cfg!(debug_assertions) {
        r.assert_code(3);
        r.assert_stderr_contains("internal error");
        r.assert_stderr_contains("Please report it");
    }
}

#[test]
fn fuzz_regressions_parse_without_panicking() {
    use kurator::content::highlight::Highlighter;
    use kurator::content::{parse_bytes, ParseContext};
    use kurator::discover::Kind;
    let dir = case_file("regressions");
    let Ok(rd) = fs::read_dir(&dir) else {
        return;
    };
    let h = Highlighter::new();
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let mut n = 0;
    for entry in rd {
        let path = entry.unwrap().path();
        let bytes = fs::read(&path).unwrap();
        for (i, kind) in [
            Kind::Article,
            Kind::Link,
            Kind::Author,
            Kind::Channel,
            Kind::Page,
        ]
        .into_iter()
        .enumerate()
        {
            let cx = ParseContext {
                tz: &tz,
                site_lang: if i % 2 == 0 { "de" } else { "en" },
                unsafe_html: i == 4,
                highlighter: &h,
                max_file_bytes: 1 << 20,
            };
            let started = Instant::now();
            let _ = parse_bytes(kind, "articles/r.md", bytes.clone(), &cx);
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} took {:?}",
                path.display(),
                started.elapsed()
            );
        }
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}

#[test]
fn terminal_escape_sequences_in_content_never_reach_the_terminal() {
    let s = copy_fixture("minimal");
    // A raw ESC in the body line that also holds a refused link (printed as a
    // warning with its source line), and an escaped one in an unknown key.
    s.write(
        "articles/esc.md",
        article(
            "",
            "\x1b]0;pwned\x07\x1b[2J [x](javascript:alert(1)) \r fake\n",
        ),
    );
    s.write(
        "articles/esc-key.md",
        article("\"\\e[31mrot\\nsrc/main.rs:1:1: error[fake]\": 1\n", "x\n"),
    );
    let r = s.build(&[]);
    assert_no_panic(&r);
    r.assert_code(1);
    r.assert_diagnostic("articles/esc.md:7:16", "unsafe-url");
    r.assert_diagnostic("articles/esc-key.md:6:1", "unknown-key");
    assert!(
        !r.stderr.contains('\x1b'),
        "ESC on the terminal:\n{:?}",
        r.stderr
    );
    assert!(!r.stderr.contains('\x07'), "BEL on the terminal");
    assert!(
        !r.stderr.lines().any(|l| l.starts_with("src/main.rs")),
        "a message faked a finding:\n{}",
        r.stderr
    );
}

#[test]
fn script_url_shaped_text_in_a_code_span_stays_escaped_text() {
    // First fuzz finding (an oracle bug, kept as a regression): the text
    // `href="javascript:` inside a code span must stay text, never a tag.
    use kurator::content::highlight::Highlighter;
    use kurator::content::markdown::{render, RenderOptions};
    let bytes = fs::read(case_file(
        "regressions/fuzz-markdown-code-span-javascript-text.md",
    ))
    .unwrap();
    let src = std::str::from_utf8(&bytes[1..]).unwrap();
    let h = Highlighter::new();
    let r = render(
        src,
        &RenderOptions {
            lang: "en",
            unsafe_html: false,
            highlighter: &h,
        },
    );
    let html = r.html.unpack();
    assert!(html.starts_with("<p><code>"), "{}", html);
    assert!(!html.contains("<a "), "{}", html);
}
