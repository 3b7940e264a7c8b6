//! `kurator check`: every finding class planted once in `tests/fixtures/defects`
//! (one defect per file, the file named after it) and asserted with code,
//! file, line, column and message in all three output formats; exit codes,
//! `--strict`, `--drafts`, colour, severity overrides; malformed input.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// One expected finding.
struct Expect {
    severity: &'static str,
    code: &'static str,
    file: &'static str,
    /// `None` for findings about a whole file.
    at: Option<(usize, usize)>,
    message: &'static str,
}

const fn e(
    severity: &'static str,
    code: &'static str,
    file: &'static str,
    at: Option<(usize, usize)>,
    message: &'static str,
) -> Expect {
    Expect {
        severity,
        code,
        file,
        at,
        message,
    }
}

/// Everything `kurator check tests/fixtures/defects` must report, in output
/// order (sorted by file, line, column), and nothing else.
#[rustfmt::skip]
const DEFECTS: &[Expect] = &[
    e("error", "unknown-key", "articles/2024-01-11-unknown-key.md", Some((5, 1)),
      "unknown key `tagz`"),
    e("error", "wrong-type", "articles/2024-01-12-wrong-type.md", Some((5, 8)),
      "draft: invalid type: string \"maybe\", expected a boolean"),
    e("error", "bad-date", "articles/2024-01-13-bad-date.md", Some((3, 7)),
      "invalid date `2024-13-45`: parameter 'month' is not in the required range of 1..=12"),
    e("error", "missing-field", "articles/2024-01-14-missing-field.md", Some((1, 1)),
      "missing required field `channels`"),
    e("error", "bad-url", "articles/2024-01-15-bad-discuss-url.md", Some((6, 13)),
      "`discuss.linkedin` must be an absolute http(s) URL, found `www.linkedin.com/posts/anna`"),
    e("error", "unknown-author", "articles/2024-01-16-unknown-author.md", Some((3, 17)),
      "unknown author id `anan`"),
    e("error", "unknown-channel", "articles/2024-01-17-unknown-channel.md", Some((4, 12)),
      "unknown channel id `dialgo`"),
    e("error", "missing-reply-target", "articles/2024-01-18-missing-reply-target.md", Some((5, 14)),
      "`in_reply_to` points to `no-such-article`, which does not exist"),
    e("error", "missing-translation-target", "articles/2024-01-19-missing-translation-target.md", Some((6, 17)),
      "`translation_of` points to `no-such-original`, which does not exist"),
    e("warning", "duplicate-slug", "articles/2024-01-20-duplicate-slug.md", Some((5, 7)),
      "slug `twin` is also used by `articles/2024-02-20-duplicate-slug-original.md`"),
    e("error", "duplicate-path", "articles/2024-01-21-duplicate-path-case.md", Some((5, 10)),
      "output path `About/index.html` is also produced by `pages/about.md`"),
    e("error", "broken-link", "articles/2024-01-22-broken-link.md", Some((8, 14)),
      "link `/leitfaden/` points to no page or file of this site"),
    e("error", "broken-image", "articles/2024-01-23-broken-image.md", Some((8, 3)),
      "image `/images/missing.png` points to no page or file of this site"),
    e("error", "missing-alt-text", "articles/2024-01-24-missing-alt-text.md", Some((6, 15)),
      "image `/images/chart.svg` has no alt text"),
    e("error", "confidential-marker", "articles/2024-01-25-confidential-marker-body.md", Some((6, 30)),
      "confidential marker `VERTRAULICH` found"),
    e("error", "confidential-marker", "articles/2024-01-26-confidential-marker-front-matter.md", Some((5, 23)),
      "confidential marker `INTERNAL ONLY` found"),
    e("error", "banned-term", "articles/2024-01-27-banned-term.md", Some((6, 24)),
      "`Projekt Falcon` must not be used: internal code name"),
    e("error", "missing-disclosure", "articles/2024-01-28-missing-disclosure.md", Some((6, 18)),
      "`ExampleCorp` is mentioned but the article has no `disclosure`"),
    e("error", "bad-id", "articles/2024-01-29-bad-slug.md", Some((5, 7)),
      "`Not A Slug` is not a valid id (try `not-a-slug`)"),
    e("warning", "unsafe-url", "articles/2024-01-30-unsafe-image-url.md", Some((5, 8)),
      "refused unsafe URL `javascript:alert(1)`"),
    e("error", "front-matter-not-mapping", "articles/front-matter-not-mapping.md", Some((2, 1)),
      "front matter must be a mapping of `key: value` lines"),
    e("error", "no-front-matter", "articles/no-front-matter.md", Some((1, 1)),
      "file does not start with front matter (`---`)"),
    e("error", "unclosed-front-matter", "articles/unclosed-front-matter.md", Some((1, 1)),
      "front matter is not closed by a `---` line"),
    e("error", "bad-id", "authors/Bad_Id.md", None,
      "`Bad_Id` is not a valid id (rename the file to `bad-id.md`)"),
    e("error", "bad-color", "channels/bad-color.md", Some((4, 8)),
      "`blue` is not a hex colour"),
    e("error", "unknown-curator", "channels/unknown-curator.md", Some((3, 18)),
      "unknown curator id `nobody`"),
    e("error", "bad-url", "links/2024-02-02-bad-url.md", Some((2, 6)),
      "`url` must be an absolute http(s) URL, found `ftp://example.org/datei`"),
    e("error", "bad-url", "links/2024-02-03-bad-via-url.md", Some((7, 6)),
      "`via` must be an absolute http(s) URL, found `/intern/liste`"),
    e("error", "unknown-curator", "links/2024-02-04-unknown-curator.md", Some((5, 10)),
      "unknown curator id `bne`"),
    e("error", "missing-field", "links/2024-02-05-missing-field.md", Some((1, 1)),
      "missing required field `source`"),
    e("error", "quote-too-long", "links/2024-02-06-quote-too-long.md", Some((5, 8)),
      "quote has 17 words, more than the allowed 12"),
    e("warning", "quote-longer-than-commentary", "links/2024-02-07-quote-longer-than-commentary.md", Some((5, 8)),
      "quote (9 words) is longer than the commentary (1 words)"),
    e("error", "duplicate-path", "pages/duplicate-path.md", Some((3, 7)),
      "output path `tags/index.html` is also produced by kurator's own `/tags/`"),
];

/// Hints that carry information beyond the code (suggestions, known ids).
const HINTS: &[(&str, &str)] = &[
    ("articles/2024-01-11-unknown-key.md", "did you mean `tags`?"),
    (
        "articles/2024-01-16-unknown-author.md",
        "did you mean `anna`? known: Bad_Id, anna, ben",
    ),
    (
        "articles/2024-01-17-unknown-channel.md",
        "did you mean `dialog`? known: bad-color, dialog, unknown-curator",
    ),
    (
        "links/2024-02-04-unknown-curator.md",
        "did you mean `ben`? known: Bad_Id, anna, ben",
    ),
    ("channels/unknown-curator.md", "known: Bad_Id, anna, ben"),
];

/// `kurator check SITE --format FORMAT EXTRA…`.
fn check(site: &Path, format: &str, extra: &[&str]) -> Run {
    let mut cmd = kurator();
    cmd.arg("check")
        .arg(site)
        .args(["--format", format])
        .args(extra);
    run_cmd(&mut cmd)
}

/// The JSON findings of a run, one object per stdout line.
#[track_caller]
fn findings(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// `(code, file, line, column)` of each finding, for compact comparisons.
fn keys(found: &[Value]) -> Vec<(String, String, Option<u64>, Option<u64>)> {
    found
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("?").to_string(),
                f["file"].as_str().unwrap_or("?").to_string(),
                f["line"].as_u64(),
                f["column"].as_u64(),
            )
        })
        .collect()
}

#[track_caller]
fn assert_no_panic(run: &Run) {
    assert_not_contains(&run.stderr, "panicked");
    assert_not_contains(&run.stderr, "RUST_BACKTRACE");
}

fn count(severity: &str) -> usize {
    DEFECTS.iter().filter(|d| d.severity == severity).count()
}

#[test]
fn json_reports_every_planted_defect_with_code_position_and_message() {
    let run = check(&fixture("defects"), "json", &[]);
    run.assert_code(1);
    assert_eq!(run.stderr, "", "nothing but findings, and those on stdout");
    let found = findings(&run);
    let expected: Vec<_> = DEFECTS
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.file.to_string(),
                d.at.map(|a| a.0 as u64),
                d.at.map(|a| a.1 as u64),
            )
        })
        .collect();
    assert_eq!(
        keys(&found),
        expected,
        "findings differ from the planted defects"
    );
    for (f, d) in found.iter().zip(DEFECTS) {
        assert_eq!(f["severity"], d.severity, "{}", d.file);
        assert_eq!(f["message"], d.message, "{}", d.file);
        let hint = f["hint"].as_str().unwrap_or("");
        assert!(!hint.is_empty(), "{} {} has no hint", d.file, d.code);
        let obj = f.as_object().unwrap();
        let mut fields: Vec<&str> = obj.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            ["code", "column", "file", "hint", "line", "message", "severity"]
        );
    }
    for (file, hint) in HINTS {
        let f = found.iter().find(|f| f["file"] == *file).unwrap();
        assert_eq!(f["hint"], *hint, "{file}");
    }
}

#[test]
fn json_positions_are_null_for_whole_file_findings() {
    let run = check(&fixture("defects"), "json", &[]);
    let found = findings(&run);
    let f = found
        .iter()
        .find(|f| f["file"] == "authors/Bad_Id.md")
        .unwrap();
    assert!(f["line"].is_null() && f["column"].is_null(), "{f}");
}

#[test]
fn github_format_annotates_every_defect_at_its_position() {
    let run = check(&fixture("defects"), "github", &[]);
    run.assert_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), DEFECTS.len(), "{}", run.stdout);
    for (line, d) in lines.iter().zip(DEFECTS) {
        let pos = match d.at {
            Some((l, c)) => format!(",line={l},col={c}"),
            None => String::new(),
        };
        let head = format!(
            "::{} file={}{pos},title=kurator {}::{}%0Ahelp: ",
            d.severity, d.file, d.code, d.message
        );
        assert!(line.starts_with(&head), "expected {head}\n     got {line}");
    }
}

#[test]
fn github_format_escapes_newlines_and_percent_signs() {
    let site = copy_fixture("defects-clean");
    let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        yaml.replace(
            "reason: internal code name",
            "reason: \"100% intern,\\nnicht teilen\"",
        ),
    );
    site.write(
        "articles/2024-04-01-falcon.md",
        "---\ntitle: F\nauthors: [anna]\nchannels: [dialog]\n---\nProjekt Falcon.\n",
    );
    let run = check(&site.site, "github", &[]);
    run.assert_code(1);
    assert_eq!(
        run.stdout.trim_end(),
        "::error file=articles/2024-04-01-falcon.md,line=6,col=1,title=kurator banned-term::\
         `Projekt Falcon` must not be used: 100%25 intern,%0Anicht teilen%0Ahelp: rephrase without the term"
    );
}

#[test]
fn human_format_shows_position_source_line_caret_and_help() {
    let site = fixture("defects");
    let run = check(&site, "human", &[]);
    run.assert_code(1);
    let out: Vec<&str> = run.stdout.lines().collect();
    let mut i = 0;
    for d in DEFECTS {
        let pos = match d.at {
            Some((l, c)) => format!(":{l}:{c}"),
            None => String::new(),
        };
        let head = format!("{}{pos}: {}[{}]: {}", d.file, d.severity, d.code, d.message);
        assert_eq!(out.get(i).copied(), Some(head.as_str()), "block {i}");
        i += 1;
        if let Some((l, c)) = d.at {
            let text = std::fs::read_to_string(site.join(d.file)).unwrap();
            let src = text.lines().nth(l - 1).unwrap();
            let pad = " ".repeat(l.to_string().len());
            assert_eq!(out[i], format!("{pad} |"), "{}", d.file);
            assert_eq!(out[i + 1], format!("{l} | {src}"), "{}", d.file);
            assert_eq!(
                out[i + 2],
                format!("{pad} | {}^", " ".repeat(c - 1)),
                "caret of {} not under column {c}",
                d.file
            );
            i += 3;
        }
        assert!(
            out[i].starts_with("  help: "),
            "{}: expected a help line, got {:?}",
            d.file,
            out[i]
        );
        i += 1;
    }
    assert_eq!(
        out[i..],
        [format!(
            "{} error(s), {} warning(s)",
            count("error"),
            count("warning")
        )],
        "the summary closes the output"
    );
}

#[test]
fn caret_lines_up_after_umlauts_and_tabs() {
    let site = copy_fixture("defects-clean");
    site.write(
        "articles/2024-04-01-tab.md",
        "---\ntitle: T\nauthors: [anna]\nchannels: [dialog]\n---\n\tÄrger über VERTRAULICH\n",
    );
    let run = check(&site.site, "human", &[]);
    run.assert_code(1);
    assert_contains(
        &run.stdout,
        "articles/2024-04-01-tab.md:6:13: error[confidential-marker]",
    );
    assert_contains(
        &run.stdout,
        "6 | \tÄrger über VERTRAULICH\n  | \t           ^\n",
    );
}

#[test]
fn findings_are_sorted_by_file_then_line() {
    // Several findings in one file and findings in several files, written in
    // an order that differs from the sorted one.
    let site = copy_fixture("defects-clean");
    site.write(
        "articles/2024-04-02-b.md",
        "---\ntitle: VERTRAULICH\nauthors: [nobody]\nchannels: [dialog]\n---\n![](/x.png) vertraulich\n",
    );
    site.write(
        "articles/2024-04-01-a.md",
        "---\ntitle: A\nauthors: [anna]\nchannels: [dialog]\n---\nText\n\nProjekt Falcon\n",
    );
    let run = check(&site.site, "json", &[]);
    let got: Vec<(String, Option<u64>, Option<u64>, String)> = keys(&findings(&run))
        .into_iter()
        .map(|(code, file, l, c)| (file, l, c, code))
        .collect();
    let s =
        |f: &str, l: u64, c: u64, code: &str| (f.to_string(), Some(l), Some(c), code.to_string());
    assert_eq!(
        got,
        [
            s("articles/2024-04-01-a.md", 8, 1, "banned-term"),
            s("articles/2024-04-02-b.md", 2, 8, "confidential-marker"),
            s("articles/2024-04-02-b.md", 3, 11, "unknown-author"),
            s("articles/2024-04-02-b.md", 6, 1, "broken-image"),
            s("articles/2024-04-02-b.md", 6, 1, "missing-alt-text"),
            s("articles/2024-04-02-b.md", 6, 13, "confidential-marker"),
        ]
    );
}

#[test]
fn clean_fixture_checks_clean_in_every_format() {
    let site = fixture("defects-clean");
    for format in ["json", "github"] {
        let run = check(&site, format, &["--strict", "--drafts"]);
        run.assert_ok();
        assert_eq!(run.stdout, "", "{format}");
    }
    let run = check(&site, "human", &["--strict", "--drafts"]);
    run.assert_ok();
    assert_eq!(run.stdout, "0 error(s), 0 warning(s)\n");
}

#[test]
fn example_site_checks_clean() {
    let run = check(&example_site(), "json", &["--strict"]);
    run.assert_ok();
    assert_eq!(run.stdout, "");
    let run = check(&example_site(), "human", &[]);
    run.assert_ok();
    assert_eq!(run.stdout, "0 error(s), 0 warning(s)\n");
}

#[test]
fn warnings_fail_only_with_strict() {
    let site = copy_fixture("defects-clean");
    site.write(
        "links/2024-04-01-kurz.md",
        "---\nurl: https://example.org/k\ntitle: K\nsource: S\nquote: Ein Zitat aus fünf Wörtern.\ncurator: ben\nchannels: [dialog]\n---\nGut.\n",
    );
    let run = check(&site.site, "json", &[]);
    run.assert_ok();
    assert_eq!(
        keys(&findings(&run)),
        [(
            "quote-longer-than-commentary".to_string(),
            "links/2024-04-01-kurz.md".to_string(),
            Some(5),
            Some(8)
        )]
    );
    check(&site.site, "json", &["--strict"]).assert_code(1);
    let human = check(&site.site, "human", &[]);
    human.assert_ok();
    assert!(
        human.stdout.ends_with("0 error(s), 1 warning(s)\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn drafts_get_guideline_checks_only_with_drafts_flag() {
    let site = fixture("defects");
    let draft = "articles/2024-01-31-draft-banned-term.md";
    let without = findings(&check(&site, "json", &[]));
    assert!(!without.iter().any(|f| f["file"] == draft));
    let with = findings(&check(&site, "json", &["--drafts"]));
    let f: Vec<_> = keys(&with).into_iter().filter(|k| k.1 == draft).collect();
    assert_eq!(
        f,
        [(
            "banned-term".to_string(),
            draft.to_string(),
            Some(7),
            Some(18)
        )]
    );
}

#[test]
fn drafts_are_reference_checked_even_without_drafts_flag() {
    let site = copy_fixture("defects-clean");
    site.write(
        "articles/2024-04-01-entwurf.md",
        "---\ntitle: E\nauthors: [nobody]\nchannels: [dialog]\ndraft: true\n---\nText\n",
    );
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    assert_eq!(
        keys(&findings(&run))[0],
        (
            "unknown-author".to_string(),
            "articles/2024-04-01-entwurf.md".to_string(),
            Some(3),
            Some(11)
        )
    );
}

#[test]
fn exit_code_is_2_for_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let run = check(&missing, "json", &[]);
    run.assert_code(2);
    assert_contains(&run.stderr, "does not exist");

    // A folder without site.yaml is not a site.
    let run = check(tmp.path(), "json", &[]);
    run.assert_code(2);
    assert_contains(&run.stderr, "missing-site-yaml");

    let run = check(&fixture("defects-clean"), "xml", &[]);
    run.assert_code(2);
    assert_contains(&run.stderr, "xml");

    let run = run_cmd(kurator().args(["check", "--no-such-flag"]));
    run.assert_code(2);
    assert_no_panic(&run);
}

#[test]
fn broken_site_yaml_is_a_finding_with_exit_1() {
    let site = copy_fixture("defects-clean");
    site.write(
        "site.yaml",
        "title: X\nbase_url: https://x.example\npaginte: 5\n",
    );
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    let found = findings(&run);
    assert_eq!(
        keys(&found),
        [(
            "unknown-key".to_string(),
            "site.yaml".to_string(),
            Some(3),
            Some(1)
        )]
    );
    assert_eq!(found[0]["hint"], "did you mean `paginate`?");
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let site = fixture("defects");
    // Piped stdout (as in every test): no escapes, even without NO_COLOR.
    let mut cmd = kurator();
    cmd.env_remove("NO_COLOR").arg("check").arg(&site);
    let piped = run_cmd(&mut cmd);
    piped.assert_code(1);
    assert_not_contains(&piped.stdout, "\x1b[");

    // A pseudo-terminal via util-linux `script`.
    let on_tty = |no_color: bool| {
        let line = format!(
            "'{}' check '{}'",
            env!("CARGO_BIN_EXE_kurator"),
            site.display()
        );
        let mut script = std::process::Command::new("script");
        script
            .args(["-qec", &line, "/dev/null"])
            .env("KURATOR_NOW", NOW)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        if no_color {
            script.env("NO_COLOR", "1");
        }
        run_cmd(&mut script)
    };
    let coloured = on_tty(false);
    assert_contains(
        &coloured.stdout,
        "\x1b[1marticles/2024-01-11-unknown-key.md:5:1\x1b[0m: \x1b[1;31merror[unknown-key]\x1b[0m",
    );
    let plain = on_tty(true);
    assert_contains(
        &plain.stdout,
        "articles/2024-01-11-unknown-key.md:5:1: error[unknown-key]",
    );
    assert_not_contains(&plain.stdout, "\x1b[");
}

/// The defects fixture with `severity` overrides added to its guidelines.
fn defects_with_severity(overrides: &str) -> SiteCopy {
    let site = copy_fixture("defects");
    let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{yaml}  severity:\n{overrides}"));
    site
}

#[test]
fn severity_overrides_change_or_silence_findings() {
    let site = defects_with_severity(
        "    confidential-marker: warning\n    banned-term: off\n    quote-longer-than-commentary: error\n",
    );
    let found = findings(&check(&site.site, "json", &[]));
    let severity_of = |code: &str| -> Vec<String> {
        found
            .iter()
            .filter(|f| f["code"] == code)
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(severity_of("confidential-marker"), ["warning", "warning"]);
    assert!(severity_of("banned-term").is_empty());
    assert_eq!(severity_of("quote-longer-than-commentary"), ["error"]);
    // Untouched rules keep their defaults.
    assert_eq!(severity_of("quote-too-long"), ["error"]);
    assert_eq!(found.len(), DEFECTS.len() - 1);

    let github = check(&site.site, "github", &[]);
    assert_contains(
        &github.stdout,
        "::warning file=articles/2024-01-25-confidential-marker-body.md,line=6,col=30,title=kurator confidential-marker::",
    );
    let human = check(&site.site, "human", &[]);
    assert_contains(
        &human.stdout,
        "articles/2024-01-25-confidential-marker-body.md:6:30: warning[confidential-marker]",
    );
}

#[test]
fn only_warnings_left_after_overrides_pass_without_strict() {
    let site = copy_fixture("defects-clean");
    let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!("{yaml}  severity:\n    missing-alt-text: warning\n"),
    );
    site.write(
        "articles/2024-04-01-bild.md",
        "---\ntitle: B\nauthors: [anna]\nchannels: [dialog]\n---\n![](/images/chart.svg)\n",
    );
    check(&site.site, "json", &[]).assert_ok();
    check(&site.site, "json", &["--strict"]).assert_code(1);
}

#[test]
fn unknown_rule_in_severity_is_reported_with_suggestion() {
    let site = defects_with_severity("    banned-terms: off\n");
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    let found = findings(&run);
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert_eq!(found[0]["code"], "unknown-key");
    assert_eq!(found[0]["file"], "site.yaml");
    assert_contains(found[0]["hint"].as_str().unwrap(), "banned-term");
}

#[test]
fn rules_the_site_did_not_configure_do_not_run() {
    // `minimal` has no `guidelines` section at all.
    let site = copy_fixture("minimal");
    site.write(
        "articles/2020-05-01-alles.md",
        "---\ntitle: VERTRAULICH\nauthors: [anna]\nchannels: [x]\n---\nProjekt Falcon bei ExampleCorp, INTERNAL ONLY.\n\n![](https://example.org/bild.png)\n",
    );
    site.write(
        "links/2020-05-02-zitat.md",
        "---\nurl: https://example.org/z\ntitle: Z\nsource: S\nquote: Ein sehr langes Zitat mit vielen, vielen Wörtern, länger als jeder Kommentar hier.\ncurator: anna\nchannels: [x]\n---\nGut.\n",
    );
    let run = check(&site.site, "json", &["--strict"]);
    run.assert_ok();
    assert_eq!(run.stdout, "");
}

#[test]
fn each_configured_rule_runs_on_its_own() {
    // The same text as above, with exactly one rule configured at a time.
    let cases = [
        (
            "  confidential_markers: [VERTRAULICH]\n",
            "confidential-marker",
        ),
        (
            "  banned_terms:\n    - term: Projekt Falcon\n",
            "banned-term",
        ),
        (
            "  disclosure_required_for: [ExampleCorp]\n",
            "missing-disclosure",
        ),
        ("  require_alt_text: true\n", "missing-alt-text"),
    ];
    for (rule, code) in cases {
        let site = copy_fixture("minimal");
        let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
        site.write("site.yaml", format!("{yaml}guidelines:\n{rule}"));
        site.write(
            "articles/2020-05-01-alles.md",
            "---\ntitle: T\nauthors: [anna]\nchannels: [x]\n---\nVERTRAULICH: Projekt Falcon bei ExampleCorp.\n\n![](https://example.org/bild.png)\n",
        );
        let run = check(&site.site, "json", &[]);
        let codes: Vec<String> = keys(&findings(&run)).into_iter().map(|k| k.0).collect();
        assert_eq!(codes, [code], "with only {rule:?} configured");
        // A banned term without a reason still says why it is refused.
        if code == "banned-term" {
            assert_contains(&run.stdout, "listed in guidelines.banned_terms");
        }
    }
}

#[test]
fn quote_exactly_at_the_limit_passes_and_one_word_more_fails() {
    // defects-clean has a 12-word quote and max_quote_words: 12.
    let site = copy_fixture("defects-clean");
    check(&site.site, "json", &[]).assert_ok();
    let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        yaml.replace("max_quote_words: 12", "max_quote_words: 11"),
    );
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    let found = findings(&run);
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert_eq!(
        found[0]["message"],
        "quote has 12 words, more than the allowed 11"
    );
}

#[test]
fn every_unknown_key_of_a_file_is_reported_in_one_run() {
    let site = copy_fixture("defects-clean");
    site.write(
        "articles/2024-04-01-keys.md",
        "---\ntitel: T\nauthors: [anna]\nchanels: [dialog]\nfeatured: true\nsumary: S\n---\nText\n",
    );
    site.write(
        "links/2024-04-02-leer.md",
        "---\ncurator: ben\nchannels: [dialog]\n---\nText\n",
    );
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    let found = findings(&run);
    let got: Vec<(String, Option<u64>, String, String)> = found
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["message"].as_str().unwrap().to_string(),
                f["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |file: &str, line: u64, msg: &str, hint: &str| {
        (
            file.to_string(),
            Some(line),
            msg.to_string(),
            hint.to_string(),
        )
    };
    // `titel` suggests `title`, so a missing `title` is not reported twice.
    assert_eq!(
        got,
        [
            row(
                "articles/2024-04-01-keys.md",
                2,
                "unknown key `titel`",
                "did you mean `title`?"
            ),
            row(
                "articles/2024-04-01-keys.md",
                4,
                "unknown key `chanels`",
                "did you mean `channels`?"
            ),
            row(
                "articles/2024-04-01-keys.md",
                6,
                "unknown key `sumary`",
                "did you mean `summary`?"
            ),
            row(
                "links/2024-04-02-leer.md",
                1,
                "missing required field `source`",
                "add `source: …` to the front matter"
            ),
            row(
                "links/2024-04-02-leer.md",
                1,
                "missing required field `title`",
                "add `title: …` to the front matter"
            ),
            row(
                "links/2024-04-02-leer.md",
                1,
                "missing required field `url`",
                "add `url: …` to the front matter"
            ),
        ]
    );
}

// --- malformed input: a finding with exit 1, never a panic -----------------

/// Writes `bytes` as a new article into a copy of the clean fixture and
/// checks it in every format; returns the JSON findings for that file.
#[track_caller]
fn check_malformed(bytes: &[u8]) -> Vec<Value> {
    let site = copy_fixture("defects-clean");
    let rel = "articles/2024-04-01-kaputt.md";
    site.write(rel, bytes);
    for format in ["human", "github"] {
        let run = check(&site.site, format, &[]);
        run.assert_code(1);
        assert_no_panic(&run);
        assert_contains(&run.stdout, rel);
    }
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    assert_no_panic(&run);
    let found = findings(&run);
    assert!(
        found.iter().all(|f| f["file"] == rel),
        "only the broken file has findings:\n{}",
        run.stdout
    );
    assert!(!found.is_empty());
    // The build refuses it the same way.
    let built = build_into_temp(&site.site, &[]);
    built.run.assert_code(1);
    assert_no_panic(&built.run);
    found
}

#[track_caller]
fn assert_finding(found: &[Value], code: &str, line: Option<u64>) {
    assert!(
        found
            .iter()
            .any(|f| f["code"] == code && (line.is_none() || f["line"].as_u64() == line)),
        "expected {code} at line {line:?}, got {found:?}"
    );
}

#[test]
fn unclosed_quote_in_front_matter_is_a_yaml_finding() {
    let found = check_malformed(
        b"---\ntitle: \"Nicht geschlossen\nauthors: [anna]\nchannels: [dialog]\n---\nText\n",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["code"], "yaml-syntax");
    // Somewhere in the front matter (lines 2-5); exactly where is the YAML
    // parser's business.
    let line = found[0]["line"].as_u64().unwrap();
    assert!((2..=5).contains(&line), "{found:?}");
}

#[test]
fn bad_indentation_in_front_matter_is_a_yaml_finding() {
    let found =
        check_malformed(b"---\ntitle: T\n  authors: [anna]\nchannels: [dialog]\n---\nText\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["code"], "yaml-syntax");
    assert_eq!(found[0]["line"], 3);
}

#[test]
fn empty_file_is_reported_as_empty() {
    let found = check_malformed(b"");
    assert_finding(&found, "empty-file", Some(1));
}

#[test]
fn empty_front_matter_reports_missing_fields() {
    let found = check_malformed(b"---\n---\nText\n");
    assert_finding(&found, "missing-field", Some(1));
    assert_eq!(found[0]["message"], "missing required field `title`");
}

#[test]
fn binary_file_named_md_is_a_finding() {
    // The first bytes of a PNG: not UTF-8 (0x89) and full of NULs.
    let png: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let found = check_malformed(png);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["line"], 1);
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    // Latin-1 "für" in the body, line 6.
    let found = check_malformed(
        b"---\ntitle: T\nauthors: [anna]\nchannels: [dialog]\n---\nGr\xfc\xdfe f\xfcr alle\n",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["code"], "not-utf8");
    assert_eq!(found[0]["line"], 6);
    assert_eq!(
        found[0]["message"],
        "file is not valid UTF-8 (first bad byte at offset 54)"
    );
}

#[test]
fn utf16_file_is_reported_as_not_utf8() {
    let mut bytes = vec![0xff, 0xfe];
    for c in "---\ntitle: T\n---\n".encode_utf16() {
        bytes.extend(c.to_le_bytes());
    }
    let found = check_malformed(&bytes);
    assert_finding(&found, "not-utf8", Some(1));
}

#[test]
fn front_matter_that_is_a_scalar_is_a_finding() {
    let found = check_malformed(b"---\njust a sentence\n---\nText\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "front-matter-not-mapping");
}

#[test]
fn broken_author_or_channel_file_is_one_finding_not_one_per_reference() {
    let site = copy_fixture("defects-clean");
    for rel in ["authors/anna.md", "channels/dialog.md"] {
        site.write(rel, "---\nname: \"unclosed\n---\n");
    }
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    let found = findings(&run);
    let files: Vec<&str> = found.iter().filter_map(|f| f["file"].as_str()).collect();
    for rel in ["authors/anna.md", "channels/dialog.md"] {
        assert!(files.contains(&rel), "{}", run.stdout);
    }
    // Articles by anna in channel dialog exist: without the rule each of
    // them would add unknown-author and unknown-channel errors.
    assert!(
        !found.iter().any(|f| f["code"].as_str().is_some_and(|c| [
            "unknown-author",
            "unknown-channel",
            "unknown-curator"
        ]
        .contains(&c))),
        "{}",
        run.stdout
    );
}

/// Regression: `check` used to accept links to every feed kurator could
/// write, also those `feeds.formats` and `feeds.all` switch off, so the
/// built page linked to a 404. Link targets now come from the route table.
#[test]
fn links_to_feeds_that_are_switched_off_are_broken() {
    let site = copy_fixture("defects-clean");
    let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{yaml}feeds:\n  formats: [atom]\n"));
    site.write(
        "articles/2024-04-03-feeds.md",
        "---\ntitle: Feeds\nauthors: [anna]\nchannels: [dialog]\n---\n\
         [Kanal](/channels/dialog/atom.xml), [JSON](/channels/dialog/feed.json),\n\
         [alles](/atom.xml) und [OPML](/feeds.opml).\n",
    );
    let found = findings(&check(&site.site, "json", &[]));
    let broken: Vec<(String, u64, u64)> = found
        .iter()
        .filter(|f| f["code"] == "broken-link")
        .map(|f| {
            let msg = f["message"].as_str().unwrap().to_string();
            (
                msg,
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        broken,
        [
            (
                "link `/channels/dialog/feed.json` points to no page or file of this site".into(),
                6,
                37
            ),
            (
                "link `/atom.xml` points to no page or file of this site".into(),
                7,
                1
            ),
        ],
        "{found:#?}"
    );
    // With the site feed switched on, `/atom.xml` exists.
    site.write(
        "site.yaml",
        format!("{yaml}feeds:\n  formats: [atom]\n  all: true\n"),
    );
    let found = findings(&check(&site.site, "json", &[]));
    let broken = found.iter().filter(|f| f["code"] == "broken-link").count();
    assert_eq!(broken, 1, "{found:#?}");
}

/// Regression: a mistyped `theme:` was reported as an I/O problem, which
/// made `check --format json` print human text and exit 2.
#[test]
fn unknown_theme_is_a_json_finding_at_the_theme_key() {
    let site = copy_fixture("defects-clean");
    let yaml = std::fs::read_to_string(site.site.join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{yaml}theme: newsrom\n"));
    let run = check(&site.site, "json", &[]);
    run.assert_code(1);
    assert_eq!(run.stderr, "");
    let found = findings(&run);
    let theme: Vec<&Value> = found
        .iter()
        .filter(|f| f["code"] == "unknown-theme")
        .collect();
    assert_eq!(theme.len(), 1, "{}", run.stdout);
    assert_eq!(theme[0]["file"], "site.yaml");
    assert_eq!(theme[0]["line"], yaml.lines().count() + 1);
    assert_eq!(theme[0]["column"], 8, "at the value");
    assert_contains(theme[0]["hint"].as_str().unwrap(), "theme: newsroom");
}

/// An unclosed quote used to be reported at the closing `---`, where libyaml
/// noticed the text had run out; it is reported where the quote opens.
#[test]
fn unclosed_quote_is_reported_where_it_opens() {
    let site = copy_fixture("defects-clean");
    site.write(
        "articles/2024-04-04-quote.md",
        "---\ntitle: \"Offenes Zitat\nauthors: [anna]\nchannels: [dialog]\n---\nText\n",
    );
    let found = findings(&check(&site.site, "json", &[]));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["code"], "yaml-syntax");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(2), Some(8))
    );
    assert_contains(found[0]["hint"].as_str().unwrap(), "closing quote");
}

/// A copy of the example site (built-in theme, cards on).
fn example_copy() -> SiteCopy {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    copy_dir(&example_site(), &site);
    SiteCopy { tmp, site }
}

#[test]
fn a_site_template_failing_on_one_article_only_is_found() {
    // check renders one page per kind with built-in templates, but every
    // page that uses a template of the site: this one fails on one article,
    // not the first one the route table lists.
    let site = example_copy();
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if item.title is starting_with(\"Kubernetes-Upgrades\") %}{{ item.title | nosuchfilter }}{% endif %}\n<h1>{{ item.title }}</h1>\n{% endblock content %}\n",
    );
    let run = check(&site.site, "json", &[]);
    assert_no_panic(&run);
    let found = findings(&run);
    let f = found
        .iter()
        .find(|f| f["code"] == "template")
        .unwrap_or_else(|| panic!("no template finding: {}", run.stdout));
    assert_eq!(f["file"], "templates/article.html");
    assert!(f["message"].as_str().unwrap().contains("nosuchfilter"));
    assert_eq!(run.code, Some(1));
}

#[test]
fn a_static_file_replacing_a_generated_page_is_a_warning() {
    // The build reports it while writing; check writes nothing and must
    // still say so.
    let site = example_copy();
    site.write("static/tags/index.html", "<p>hand-made</p>\n");
    let run = check(&site.site, "json", &[]);
    let found = findings(&run);
    let f = found
        .iter()
        .find(|f| f["code"] == "static-overrides-generated")
        .unwrap_or_else(|| panic!("no finding: {}", run.stdout));
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], "static/tags/index.html");
}
