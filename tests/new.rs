//! `kurator new`: every scaffold lands in the right folder with a dated,
//! transliterated name and front matter that checks clean and builds;
//! nothing is overwritten and unknown ids are refused with the known ones.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The date `KURATOR_NOW` gives in the starter site's time zone.
const TODAY: &str = "2026-06-01";

/// A fresh site made by `kurator new site` in a temp folder.
struct NewSite {
    _tmp: TempDir,
    dir: PathBuf,
}

impl NewSite {
    #[track_caller]
    fn create() -> NewSite {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("hub");
        let run = run_cmd(kurator().args(["new", "site"]).arg(&dir));
        run.assert_ok();
        NewSite { _tmp: tmp, dir }
    }

    /// `kurator new ARGS… --site DIR`.
    fn scaffold(&self, args: &[&str]) -> Run {
        run_cmd(kurator().arg("new").args(args).arg("--site").arg(&self.dir))
    }

    #[track_caller]
    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir.join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}; files: {:?}", list_files(&self.dir)))
    }

    /// Asserts `check --strict --drafts` finds nothing at all.
    #[track_caller]
    fn assert_checks_clean(&self) {
        let run = run_cmd(
            kurator()
                .arg("check")
                .arg(&self.dir)
                .args(["--format", "json", "--strict", "--drafts"]),
        );
        run.assert_ok();
        assert_eq!(run.stdout, "", "findings in a scaffolded site");
    }

    fn files(&self, folder: &str) -> Vec<String> {
        list_files(&self.dir.join(folder))
    }
}

#[test]
fn new_site_checks_clean_and_builds() {
    let site = NewSite::create();
    assert_eq!(
        list_files(&site.dir),
        [
            format!("articles/{TODAY}-willkommen.md"),
            "authors/redaktion.md".to_string(),
            "channels/neuigkeiten.md".to_string(),
            "pages/about.md".to_string(),
            "site.yaml".to_string(),
            "static/.gitkeep".to_string(),
        ]
    );
    site.assert_checks_clean();
    let built = build_ok(&site.dir, &[]);
    built.assert_exists("index.html");
    built.assert_exists("2026/06/willkommen/index.html");
    built.assert_exists("channels/neuigkeiten/index.html");
    built.assert_exists("authors/redaktion/index.html");
    built.assert_exists("about/index.html");
}

#[test]
fn new_site_prints_what_it_created() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hub");
    let run = run_cmd(kurator().args(["new", "site"]).arg(&dir));
    run.assert_ok();
    assert_contains(
        &run.stdout,
        &format!("created {}", dir.join("site.yaml").display()),
    );
    // The placeholder that keeps static/ in git is not worth announcing.
    assert_not_contains(&run.stdout, ".gitkeep");
}

#[test]
fn new_site_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "meine Notizen").unwrap();
    let run = run_cmd(kurator().args(["new", "site"]).arg(tmp.path()));
    run.assert_code(1);
    assert_contains(
        &run.stderr,
        "already exists; kurator never overwrites files",
    );
    assert_eq!(list_files(tmp.path()), ["notes.txt"]);
    assert_eq!(
        fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "meine Notizen"
    );
}

#[test]
fn new_site_may_go_into_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    run_cmd(kurator().args(["new", "site"]).arg(tmp.path())).assert_ok();
    assert!(tmp.path().join("site.yaml").is_file());
}

#[test]
fn scaffolds_in_a_new_site_check_clean_and_build() {
    let site = NewSite::create();
    site.scaffold(&["author", "jana-voss", "--name", "Jana Voß"])
        .assert_ok();
    site.scaffold(&["channel", "fuehrung", "--title", "Führung & Kultur"])
        .assert_ok();
    let article = site.scaffold(&[
        "article",
        "Größe über Äpfel: \"Straße\" & mehr",
        "--author",
        "jana-voss",
        "--channel",
        "fuehrung",
    ]);
    article.assert_ok();
    let english = site.scaffold(&[
        "article",
        "Why we comment",
        "--author",
        "redaktion",
        "--channel",
        "neuigkeiten",
        "--lang",
        "en",
    ]);
    english.assert_ok();
    let link = site.scaffold(&[
        "link",
        "https://example.org/artikel?id=1&x=2",
        "--title",
        "Warum Corporate Influencer wichtig sind",
        "--source",
        "PR-Blogger",
        "--curator",
        "jana-voss",
        "--channel",
        "fuehrung",
    ]);
    link.assert_ok();

    // Right folders, dated and transliterated file names.
    let umlaut = format!("articles/{TODAY}-groesse-ueber-aepfel-strasse-mehr.md");
    let en = format!("articles/{TODAY}-why-we-comment.md");
    let link_file = format!("links/{TODAY}-warum-corporate-influencer-wichtig-sind.md");
    assert!(site.files("authors").contains(&"jana-voss.md".to_string()));
    assert!(site.files("channels").contains(&"fuehrung.md".to_string()));
    for f in [&umlaut, &en, &link_file] {
        assert!(
            site.dir.join(f).is_file(),
            "{f} missing: {:?}",
            list_files(&site.dir)
        );
    }
    assert_contains(
        &article.stdout,
        &format!("{TODAY}-groesse-ueber-aepfel-strasse-mehr.md"),
    );

    // The title survives YAML quoting; the article is a draft with today's date.
    let text = site.read(&umlaut);
    assert_contains(
        &text,
        "title: \"Größe über Äpfel: \\\"Straße\\\" & mehr\"\n",
    );
    assert_contains(&text, &format!("date: {TODAY}\n"));
    assert_contains(&text, "authors: [jana-voss]\nchannels: [fuehrung]\n");
    assert_contains(&text, "draft: true\n");
    assert_contains(&site.read(&en), "lang: \"en\"\n");
    assert_contains(&site.read(&link_file), "curator: jana-voss\n");

    site.assert_checks_clean();

    let built = build_ok(&site.dir, &["--drafts"]);
    built.assert_exists("authors/jana-voss/index.html");
    built.assert_exists("channels/fuehrung/index.html");
    built.assert_exists("links/warum-corporate-influencer-wichtig-sind/index.html");
    let page = built.read("2026/06/groesse-ueber-aepfel-strasse-mehr/index.html");
    assert_contains(&page, "Größe über Äpfel: &quot;Straße&quot; &amp; mehr");
    let en_page = built.read("2026/06/why-we-comment/index.html");
    assert_contains(&en_page, "<html lang=\"en\"");
    let channel = built.read("channels/fuehrung/index.html");
    assert_contains(&channel, "Führung &amp; Kultur");
    // The scaffold's empty `description: ""` means "not set", not "empty".
    assert_not_contains(&channel, "<meta name=\"description\" content=\"\">");

    // Article scaffolds are drafts: published only once the author says so.
    let published = build_ok(&site.dir, &[]);
    published.assert_missing("2026/06/groesse-ueber-aepfel-strasse-mehr/index.html");
    published.assert_exists("links/warum-corporate-influencer-wichtig-sind/index.html");
}

/// Writes new text into a scaffolded file, runs `args` again and asserts the
/// second run is refused and leaves the file as it was.
#[track_caller]
fn assert_refuses_overwrite(site: &NewSite, rel: &str, args: &[&str]) {
    fs::write(site.dir.join(rel), "edited by hand\n").unwrap();
    let run = site.scaffold(args);
    run.assert_code(1);
    assert_contains(
        &run.stderr,
        "already exists; kurator never overwrites files",
    );
    assert_contains(&run.stderr, rel.rsplit('/').next().unwrap());
    assert_eq!(site.read(rel), "edited by hand\n", "{rel} was changed");
}

#[test]
fn scaffolds_never_overwrite_an_existing_file() {
    let site = NewSite::create();
    let article = [
        "article",
        "Willkommen",
        "--author",
        "redaktion",
        "--channel",
        "neuigkeiten",
    ];
    // The starter site already has today's `willkommen` article.
    assert_refuses_overwrite(&site, &format!("articles/{TODAY}-willkommen.md"), &article);
    let link = [
        "link",
        "https://example.org/a",
        "--title",
        "Ein Artikel",
        "--source",
        "S",
        "--curator",
        "redaktion",
        "--channel",
        "neuigkeiten",
    ];
    site.scaffold(&link).assert_ok();
    assert_refuses_overwrite(&site, &format!("links/{TODAY}-ein-artikel.md"), &link);
    assert_refuses_overwrite(
        &site,
        "authors/redaktion.md",
        &["author", "redaktion", "--name", "R"],
    );
    assert_refuses_overwrite(
        &site,
        "channels/neuigkeiten.md",
        &["channel", "neuigkeiten", "--title", "N"],
    );
}

#[test]
fn unknown_ids_are_rejected_with_the_known_ones() {
    let site = NewSite::create();
    site.scaffold(&["author", "jana-voss", "--name", "Jana"])
        .assert_ok();
    let before = list_files(&site.dir);
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "article",
                "T",
                "--author",
                "jana",
                "--channel",
                "neuigkeiten",
            ],
            "unknown author `jana`; known: jana-voss, redaktion",
        ),
        (
            &["article", "T", "--author", "redaktion", "--channel", "news"],
            "unknown channel `news`; known: neuigkeiten",
        ),
        (
            &[
                "link",
                "https://example.org/",
                "--title",
                "T",
                "--source",
                "S",
                "--curator",
                "nobody",
                "--channel",
                "neuigkeiten",
            ],
            "unknown author `nobody`; known: jana-voss, redaktion",
        ),
        (
            &[
                "link",
                "https://example.org/",
                "--title",
                "T",
                "--source",
                "S",
                "--curator",
                "redaktion",
                "--channel",
                "news",
            ],
            "unknown channel `news`; known: neuigkeiten",
        ),
    ];
    for (args, message) in cases {
        let run = site.scaffold(args);
        run.assert_code(1);
        assert_eq!(
            run.stderr.trim_end(),
            format!("error: {message}"),
            "{args:?}"
        );
    }
    assert_eq!(list_files(&site.dir), before, "nothing was written");
}

#[test]
fn unknown_id_in_a_site_without_any_says_how_to_create_one() {
    let site = NewSite::create();
    fs::remove_file(site.dir.join("channels/neuigkeiten.md")).unwrap();
    let run = site.scaffold(&["article", "T", "--author", "redaktion", "--channel", "x"]);
    run.assert_code(1);
    assert_contains(
        &run.stderr,
        "unknown channel `x`: there are no channels yet; create one with `kurator new channel ID`",
    );
}

#[test]
fn new_link_refuses_urls_that_are_not_absolute_http() {
    let site = NewSite::create();
    for url in [
        "ftp://example.org/a",
        "/intern/seite",
        "www.example.org",
        "https://",
        "https://exa mple.org",
    ] {
        let run = site.scaffold(&[
            "link",
            url,
            "--title",
            "T",
            "--source",
            "S",
            "--curator",
            "redaktion",
            "--channel",
            "neuigkeiten",
        ]);
        run.assert_code(1);
        assert_eq!(
            run.stderr.trim_end(),
            format!("error: `{url}` is not an absolute http(s) URL"),
        );
    }
    assert!(!site.dir.join("links").exists(), "no link file was written");
}

#[test]
fn new_author_and_channel_refuse_invalid_ids() {
    let site = NewSite::create();
    let run = site.scaffold(&["author", "Jana_Voß", "--name", "Jana"]);
    run.assert_code(1);
    assert_contains(
        &run.stderr,
        "`Jana_Voß` is not a valid id (lowercase a-z, 0-9 and -); try `jana-voss`",
    );
    let run = site.scaffold(&["channel", "Führung", "--title", "F"]);
    run.assert_code(1);
    assert_contains(&run.stderr, "try `fuehrung`");
    assert_eq!(site.files("authors"), ["redaktion.md"]);
    assert_eq!(site.files("channels"), ["neuigkeiten.md"]);
}

#[test]
fn scaffolds_outside_a_site_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_cmd(
        kurator()
            .args(["new", "author", "anna", "--name", "Anna", "--site"])
            .arg(tmp.path()),
    );
    run.assert_code(1);
    assert_contains(&run.stderr, "has no site.yaml");
    assert!(list_files(tmp.path()).is_empty());
}

#[test]
fn title_without_letters_gets_a_placeholder_file_name() {
    let site = NewSite::create();
    site.scaffold(&[
        "article",
        "!!!",
        "--author",
        "redaktion",
        "--channel",
        "neuigkeiten",
    ])
    .assert_ok();
    assert!(Path::new(&site.dir.join(format!("articles/{TODAY}-untitled.md"))).is_file());
    site.assert_checks_clean();
}

/// Scaffolds used to write English placeholders into German sites.
#[test]
fn scaffolds_write_placeholders_in_the_site_language() {
    let site = NewSite::create(); // `new site` makes a German hub
    site.scaffold(&["author", "jana", "--name", "Jana"])
        .assert_ok();
    site.scaffold(&["channel", "kultur", "--title", "Kultur"])
        .assert_ok();
    let de = site.scaffold(&[
        "article",
        "Hallo",
        "--author",
        "jana",
        "--channel",
        "kultur",
    ]);
    de.assert_ok();
    let en = site.scaffold(&[
        "article",
        "Hello",
        "--author",
        "jana",
        "--channel",
        "kultur",
        "--lang",
        "en",
    ]);
    en.assert_ok();
    site.scaffold(&[
        "link",
        "https://example.com/a",
        "--title",
        "A",
        "--source",
        "Ex",
        "--curator",
        "jana",
        "--channel",
        "kultur",
    ])
    .assert_ok();
    let text_of = |folder: &str, needle: &str| -> String {
        let name = site
            .files(folder)
            .into_iter()
            .find(|f| f.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in {folder}"));
        site.read(&format!("{folder}/{name}"))
    };
    assert_contains(&site.read("authors/jana.md"), "Ein paar Sätze über Sie");
    assert_contains(&site.read("authors/jana.md"), "languages: [de]");
    assert_contains(
        &site.read("channels/kultur.md"),
        "Worum es in diesem Kanal geht",
    );
    assert_contains(&text_of("articles", "hallo"), "Erster Absatz");
    assert_contains(&text_of("articles", "hello"), "First paragraph");
    assert_contains(&text_of("links", "-a.md"), "Warum lohnt sich die Lektüre?");
    for text in [site.read("authors/jana.md"), text_of("links", "-a.md")] {
        assert_not_contains(&text, "Why is this");
        assert_not_contains(&text, "A few sentences");
    }
    site.assert_checks_clean();
}
