//! `kurator import wordpress`: a WordPress 6 export (tests/fixtures/wordpress)
//! becomes a site that checks and builds; front matter, markdown, aliases,
//! feed ids and response files are what the export said; a second import
//! changes nothing; a broken export writes nothing.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn export() -> PathBuf {
    fixture("wordpress").join("export.xml")
}

fn uploads() -> PathBuf {
    fixture("wordpress").join("uploads")
}

/// Imports the fixture export into `<tmp>/site` with the given extra flags.
fn import_with(extra: &[&str]) -> (TempDir, PathBuf, Run) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let run = import_into(&site, &export(), extra);
    (tmp, site, run)
}

fn import_into(site: &Path, export: &Path, extra: &[&str]) -> Run {
    let mut cmd = kurator();
    cmd.args(["import", "wordpress"])
        .arg(export)
        .arg("--into")
        .arg(site)
        .args(extra);
    run_cmd(&mut cmd)
}

/// The full import: media and the links category.
fn imported() -> (TempDir, PathBuf, Run) {
    let media = uploads();
    let (tmp, site, run) = import_with(&[
        "--media",
        media.to_str().unwrap(),
        "--links-from",
        "lesetipps",
    ]);
    run.assert_ok();
    (tmp, site, run)
}

fn read(site: &Path, rel: &str) -> String {
    fs::read_to_string(site.join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}; files:\n{}", list_files(site).join("\n")))
}

/// Front matter (as YAML) and body of an imported markdown file.
fn parts(site: &Path, rel: &str) -> (serde_yaml::Value, String) {
    let text = read(site, rel);
    let rest = text.strip_prefix("---\n").expect("front matter");
    let (fm, body) = rest.split_once("\n---\n").expect("closing ---");
    (serde_yaml::from_str(fm).unwrap(), body.to_string())
}

fn list(v: &serde_yaml::Value) -> Vec<String> {
    v.as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

const ARTICLE: &str = "articles/2020/fuehrung-mut-zur-luecke.md";

#[test]
fn imported_site_checks_and_builds_without_errors() {
    let (_tmp, site, run) = imported();
    assert_contains(&run.stdout, "created");
    for flags in [&[][..], &["--drafts"][..], &["--strict"][..]] {
        let mut cmd = kurator();
        cmd.arg("check").arg(&site).args(flags);
        let r = run_cmd(&mut cmd);
        r.assert_ok();
    }
    let built = build_ok(&site, &[]);
    built.assert_exists("2020/04/fuehrung-mut-zur-luecke/index.html");
    built.assert_exists("links/warum-corporate-influencer/index.html");
    built.assert_exists("ueber-uns/index.html");
}

#[test]
fn site_yaml_comes_from_the_channel() {
    let (_tmp, site, _) = imported();
    let cfg: serde_yaml::Value = serde_yaml::from_str(&read(&site, "site.yaml")).unwrap();
    assert_eq!(
        cfg["title"].as_str(),
        Some("Nordlicht Blog – Stimmen & Köpfe")
    );
    assert_eq!(
        cfg["base_url"].as_str(),
        Some("https://blog.nordlicht.example")
    );
    assert_eq!(cfg["language"].as_str(), Some("de"));
    assert_eq!(cfg["timezone"].as_str(), Some("Europe/Berlin"));
}

#[test]
fn authors_channels_and_article_front_matter() {
    let (_tmp, site, _) = imported();
    assert_eq!(
        read(&site, "authors/stefan-pfeiffer.md"),
        "---\nname: Stefan Pfeiffer\n---\n"
    );
    // A login that is an e-mail address never reaches a file name or a name.
    assert_eq!(
        read(&site, "authors/juergen-mueller.md"),
        "---\nname: Jürgen Müller\n---\n"
    );
    let (ch, _) = parts(&site, "channels/fuehrung-kultur.md");
    assert_eq!(ch["title"].as_str(), Some("Führung & Kultur"));
    assert_eq!(ch["description"].as_str(), Some("Wie wir zusammenarbeiten"));

    let (fm, _) = parts(&site, ARTICLE);
    assert_eq!(
        fm["title"].as_str(),
        Some("Führung & Kultur: <Mut> zur Lücke")
    );
    // 08:30 GMT is 10:30 in Berlin (summer time).
    assert_eq!(fm["date"].as_str(), Some("2020-04-16T10:30:00+02:00"));
    assert_eq!(list(&fm["authors"]), ["stefan-pfeiffer"]);
    assert_eq!(list(&fm["channels"]), ["fuehrung-kultur"]);
    assert_eq!(list(&fm["tags"]), ["Social Media"]);
    assert_eq!(
        fm["summary"].as_str(),
        Some("Zuhören, Fehler zulassen & Zeit geben.")
    );
    assert_eq!(fm["featured"].as_bool(), Some(true));
    assert!(fm["draft"].is_null());
    assert_eq!(
        fm["feed_id"].as_str(),
        Some("https://blog.nordlicht.example/?p=11")
    );
    assert_eq!(
        list(&fm["aliases"]),
        ["/2020/04/16/fuehrung-mut-zur-luecke/", "/p/11/"]
    );
    assert_eq!(fm["image"].as_str(), Some("/uploads/2020/04/team.png"));
    assert_eq!(fm["image_alt"].as_str(), Some("Das Team im Büro"));
}

#[test]
fn drafts_pending_private_are_drafts_and_scheduled_dates_are_kept() {
    let (_tmp, site, run) = imported();
    for rel in [
        "articles/2024/entwurf-hybrides-arbeiten.md",
        "articles/2024/wartet-auf-freigabe.md",
        "articles/2023/nur-intern.md",
    ] {
        let (fm, _) = parts(&site, rel);
        assert_eq!(fm["draft"].as_bool(), Some(true), "{rel}");
    }
    let (fm, _) = parts(&site, "articles/2031/ausblick-2031.md");
    assert!(fm["draft"].is_null());
    assert_eq!(fm["date"].as_str(), Some("2031-01-15T08:00:00+01:00"));
    assert!(
        !site.join("articles/2022").exists(),
        "trashed post imported"
    );
    assert_contains(&run.stdout, "skipped (trash)");
    assert_contains(&run.stdout, "1  articles (scheduled)");
    assert_contains(&run.stdout, "3  articles (draft)");
    assert_contains(&run.stdout, "skipped (nav_menu_item)");
    let built = build_ok(&site, &[]);
    built.assert_missing("2031/01/ausblick-2031/index.html");
    let built = build_ok(&site, &["--future"]);
    built.assert_exists("2031/01/ausblick-2031/index.html");
}

#[test]
fn block_editor_markdown_keeps_every_construct() {
    let (_tmp, site, _) = imported();
    let (_, body) = parts(&site, ARTICLE);
    for want in [
        "Wer führt, muss **zuhören** und *Fehler* zulassen – so sieht es unser [Team](/ueber-uns/).",
        "\n<!-- more -->\n",
        "\n## Was wir gelernt haben\n",
        "\n- Offen reden\n  - auch über Fehler\n- Zeit geben\n",
        "\n![Das Team im Büro](/uploads/2020/04/team.png)\n\n*Unser Team in Hamburg*\n",
        "\n> Kultur frisst Strategie zum Frühstück.\n>\n> *Peter Drucker*\n",
        "\n```python\ndef hallo():\n    return \"Moin & tschüss\"\n```\n",
        "\n| Jahr | Teams |\n| --- | --- |\n| 2019 | 3 |\n| 2020 | 5 |\n",
        "\n<https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n",
    ] {
        assert_contains(&body, want);
    }
    assert_not_contains(&body, "wp:");
    let built = build_ok(&site, &[]);
    let html = built.read("2020/04/fuehrung-mut-zur-luecke/index.html");
    // `& < >` in the title are text, escaped on the page.
    assert_contains(&html, "Führung &amp; Kultur: &lt;Mut&gt; zur Lücke");
    assert_not_contains(&html, "<Mut>");
    assert_contains(&html, "<h2");
    assert_contains(&html, "<table>");
    assert_contains(&html, "Peter Drucker");
}

#[test]
fn classic_editor_posts_and_shortcodes() {
    let (_tmp, site, run) = imported();
    let (fm, body) = parts(&site, "articles/2010/social-media-ist-jeder.md");
    assert_eq!(fm["date"].as_str(), Some("2010-04-02T16:00:00+02:00"));
    assert_eq!(list(&fm["tags"]), ["Corporate Influencer", "Social Media"]);
    for want in [
        "Social Media ist nicht nur Sache der Marketingabteilung.\\\nJede:r kann etwas beitragen.\n\n",
        // Links to the old blog's posts, also `?p=ID`, point at the new URLs.
        "[unserem Beitrag über Führung](/2020/04/fuehrung-mut-zur-luecke/) und [hier](/2020/04/fuehrung-mut-zur-luecke/)",
        // Other links into the old blog have no page here: they stay on the old host.
        "[Kontakt](https://blog.nordlicht.example/kontakt/)",
        // [caption]: the resized copy falls back to the original in --media.
        "[![Unser Büro](/uploads/2020/04/buero.png)](/uploads/2020/04/buero.png)\n\n*Das Büro in Kiel*",
        "<https://www.youtube.com/watch?v=abc123>",
        "\\[gallery ids=\"21,20\" columns=\"2\"\\]",
        "1. Erstens\n2. Zweitens",
        "```php\n<?php echo \"hi\"; ?>\n```",
    ] {
        assert_contains(&body, want);
    }
    assert_contains(
        &run.stdout,
        "warning: Markenbotschafter sollte eigentlich jede:r im Unternehmen sein: shortcode [gallery] kept as text",
    );
}

#[test]
fn posts_in_the_links_category_become_curated_links() {
    let (_tmp, site, _) = imported();
    let (fm, body) = parts(&site, "links/2020/warum-corporate-influencer.md");
    assert_eq!(
        fm["url"].as_str(),
        Some("https://www.pr-blogger.de/2020/04/corporate-influencer/")
    );
    assert_eq!(
        fm["title"].as_str(),
        Some("Warum Corporate Influencer wichtig sind")
    );
    assert_eq!(fm["source"].as_str(), Some("pr-blogger.de"));
    assert_eq!(fm["source_author"].as_str(), Some("Sascha Pallenberg"));
    assert_eq!(
        fm["quote"].as_str(),
        Some("Für diese Unabhängigkeit und Transparenz brenne ich.")
    );
    assert_eq!(fm["curator"].as_str(), Some("stefan-pfeiffer"));
    assert_eq!(list(&fm["channels"]), ["markenbotschafter"]);
    assert_eq!(
        fm["feed_id"].as_str(),
        Some("https://blog.nordlicht.example/?p=40")
    );
    assert!(body.starts_with("Ein lesenswerter Text"), "{body}");
    assert_not_contains(&body, "pr-blogger");
    assert_not_contains(&body, "brenne ich");
}

#[test]
fn old_permalinks_and_post_ids_redirect() {
    let (_tmp, site, _) = imported();
    let built = build_ok(&site, &[]);
    let old = built.read("2020/04/16/fuehrung-mut-zur-luecke/index.html");
    assert_contains(
        &old,
        "url=https://blog.nordlicht.example/2020/04/fuehrung-mut-zur-luecke/",
    );
    let by_id = built.read("p/11/index.html");
    assert_contains(
        &by_id,
        "url=https://blog.nordlicht.example/2020/04/fuehrung-mut-zur-luecke/",
    );
    built.assert_exists("p/40/index.html");
    // `/?p=11` is the hub (or the 404 page): its script sends it to /p/11/.
    for page in ["index.html", "404.html"] {
        assert_contains(&built.read(page), "location.replace(\"/p/\"+m[1]+\"/\")");
    }
}

#[test]
fn feeds_keep_the_wordpress_guid_as_entry_id() {
    let (_tmp, site, _) = imported();
    let built = build_ok(&site, &[]);
    let atom = built.read("channels/fuehrung-kultur/atom.xml");
    assert_contains(&atom, "<id>https://blog.nordlicht.example/?p=11</id>");
    let json: serde_json::Value =
        serde_json::from_str(&built.read("channels/markenbotschafter/feed.json")).unwrap();
    let ids: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"http://blog.nordlicht.example/?p=7"),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"https://blog.nordlicht.example/?p=40"),
        "{ids:?}"
    );
    // The URL stays the new page.
    assert_contains(
        &built.read("channels/markenbotschafter/feed.json"),
        "\"url\":\"https://blog.nordlicht.example/2010/04/social-media-ist-jeder/\"",
    );
}

#[test]
fn approved_comments_become_responses_without_personal_data() {
    let (_tmp, site, run) = imported();
    let text = read(
        &site,
        "responses/articles/2020/fuehrung-mut-zur-luecke.yaml",
    );
    let v: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(v["item"].as_str(), Some(ARTICLE));
    let r = v["responses"].as_sequence().unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["id"].as_str(), Some("wp-comment-101"));
    assert_eq!(r[0]["source"].as_str(), Some("import"));
    assert_eq!(r[0]["kind"].as_str(), Some("reply"));
    assert_eq!(r[0]["author"]["name"].as_str(), Some("Erika Mustermann"));
    assert_eq!(
        r[0]["author"]["url"].as_str(),
        Some("https://erika.example")
    );
    assert_eq!(r[0]["date"].as_str(), Some("2020-04-17T09:00:00+02:00"));
    assert_eq!(
        r[0]["content"].as_str(),
        Some("Danke! Genau so erlebe ich das auch.\n\nZweiter Absatz: \"Zitat\" & mehr.")
    );
    assert_eq!(r[0]["approved"].as_bool(), Some(true));
    assert_eq!(r[1]["author"]["name"].as_str(), Some("Max - der Leser: #1"));
    assert_eq!(
        r[1]["content"].as_str(),
        Some("Und was ist mit Remote-Teams?")
    );
    assert_contains(&run.stdout, "comments dropped (pending)");
    assert_contains(&run.stdout, "comments dropped (spam)");
    for (rel, bytes) in snapshot(&site) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "@leser.example",
            "@spam.example",
            "192.0.2.17",
            "198.51.100.4",
            "stefan.pfeiffer@",
            "juergen.mueller@",
            "Cheap Pills",
            "Noch nicht freigegeben",
        ] {
            assert!(!text.contains(secret), "{rel} contains {secret}");
        }
    }
}

#[test]
fn media_is_copied_and_referenced_locally() {
    let (_tmp, site, _) = imported();
    for f in ["team.png", "buero.png"] {
        let rel = format!("static/uploads/2020/04/{f}");
        assert_eq!(
            fs::read(site.join(&rel)).unwrap(),
            fs::read(uploads().join("2020/04").join(f)).unwrap()
        );
    }
    let built = build_ok(&site, &[]);
    built.assert_exists("uploads/2020/04/team.png");
}

#[test]
fn media_that_is_not_a_folder_is_a_usage_error() {
    let file = export();
    let (_tmp, site, run) = import_with(&["--media", file.to_str().unwrap()]);
    run.assert_code(2);
    assert_contains(&run.stderr, "not a folder");
    assert!(!site.exists(), "a refused import created the site");
}

#[test]
fn without_media_absolute_urls_stay_with_one_warning() {
    let (_tmp, site, run) = import_with(&[]);
    run.assert_ok();
    let (_, body) = parts(&site, ARTICLE);
    assert_contains(
        &body,
        "](https://blog.nordlicht.example/wp-content/uploads/2020/04/team-1024x768.png)",
    );
    assert_eq!(run.stdout.matches("--media").count(), 1, "{}", run.stdout);
    assert!(!site.join("static/uploads").exists());
    // Without --links-from the link post is an article.
    assert!(site
        .join("articles/2020/warum-corporate-influencer.md")
        .exists());
    let mut cmd = kurator();
    cmd.arg("check").arg(&site);
    run_cmd(&mut cmd).assert_ok();
}

#[test]
fn a_second_import_changes_no_file() {
    let (_tmp, site, _) = imported();
    let before = snapshot(&site);
    let media = uploads();
    let again = import_into(
        &site,
        &export(),
        &[
            "--media",
            media.to_str().unwrap(),
            "--links-from",
            "lesetipps",
        ],
    );
    again.assert_ok();
    assert_contains(&again.stdout, "0 written");
    assert_same_tree(&before, &snapshot(&site), "second import");
}

#[test]
fn existing_files_are_never_overwritten() {
    let (_tmp, site, _) = imported();
    fs::write(site.join(ARTICLE), "---\ntitle: Von Hand geändert\ndate: 2020-04-16\nauthors: [stefan-pfeiffer]\nchannels: [fuehrung-kultur]\n---\nMein Text.\n").unwrap();
    let again = import_into(&site, &export(), &[]);
    again.assert_ok();
    assert_contains(
        &again.stdout,
        &format!("skipped: {ARTICLE} (exists; not overwritten)"),
    );
    assert_contains(&read(&site, ARTICLE), "Von Hand geändert");
}

#[test]
fn import_adds_to_an_existing_site() {
    let copy = copy_fixture("minimal");
    let site_yaml = read(&copy.site, "site.yaml");
    let run = import_into(&copy.site, &export(), &[]);
    run.assert_ok();
    assert_contains(&run.stdout, "added to");
    assert_eq!(read(&copy.site, "site.yaml"), site_yaml);
    assert!(copy.site.join(ARTICLE).exists());
    copy.build_ok(&[]);
}

#[test]
fn malformed_xml_is_an_error_with_line_and_column_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(export()).unwrap();
    let bad = good.replacen("</wp:post_name>", "</wp:post_nam>", 1);
    let line = good[..good.find("</wp:post_name>").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let path = tmp.path().join("bad.xml");
    fs::write(&path, &bad).unwrap();
    let site = tmp.path().join("site");
    let run = import_into(&site, &path, &[]);
    run.assert_code(1);
    assert_contains(&run.stderr, &format!("bad.xml:{line}:"));
    assert_contains(&run.stderr, "nothing was written");
    assert!(!site.exists(), "files written: {:?}", list_files(&site));
}

#[test]
fn truncated_export_is_an_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fs::read(export()).unwrap();
    for cut in [good.len() / 3, good.len() / 2, good.len() - 20] {
        let path = tmp.path().join("cut.xml");
        fs::write(&path, &good[..cut]).unwrap();
        let copy = copy_fixture("minimal");
        let before = snapshot(&copy.site);
        let run = import_into(&copy.site, &path, &[]);
        run.assert_code(1);
        assert!(run.stderr.contains("cut.xml:"), "{}", run.stderr);
        assert!(
            run.stderr.contains("cut off") || run.stderr.contains("truncated"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert_same_tree(&before, &snapshot(&copy.site), "failed import");
    }
}

#[test]
fn a_file_that_is_not_an_export_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("feed.xml");
    fs::write(
        &path,
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
    )
    .unwrap();
    let run = import_into(&tmp.path().join("site"), &path, &[]);
    run.assert_code(1);
    assert_contains(&run.stderr, "not a WordPress export");
}

#[test]
fn feed_id_by_hand_is_used_and_validated() {
    let copy = copy_fixture("minimal");
    let article = read(&copy.site, "articles/2020-04-16-hallo.md");
    let with_id = article.replacen(
        "---\n",
        "---\nfeed_id: \"tag:minimal.example,2020:hallo\"\n",
        1,
    );
    copy.write("articles/2020-04-16-hallo.md", &with_id);
    copy.write(
        "site.yaml",
        format!("{}feeds:\n  all: true\n", read(&copy.site, "site.yaml")),
    );
    copy.build_ok(&[]);
    assert_contains(
        &copy.read("atom.xml"),
        "<id>tag:minimal.example,2020:hallo</id>",
    );
    assert_contains(
        &copy.read("feed.json"),
        "\"id\":\"tag:minimal.example,2020:hallo\"",
    );

    copy.write(
        "articles/2020-04-16-hallo.md",
        article.replacen("---\n", "---\nfeed_id: kein id\n", 1),
    );
    let mut cmd = kurator();
    cmd.arg("check").arg(&copy.site);
    let run = run_cmd(&mut cmd);
    run.assert_code(1);
    assert_contains(
        &run.stdout,
        "articles/2020-04-16-hallo.md:2:10: error[bad-feed-id]",
    );
}

#[test]
fn an_html_entity_outside_cdata_is_an_xml_error_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(export()).unwrap();
    let bad = good.replacen(
        "<description>Mitarbeitende erzählen</description>",
        "<description>Mitarbeitende&nbsp;erzählen</description>",
        1,
    );
    let line = good[..good.find("<description>Mitarbeitende").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let path = tmp.path().join("entity.xml");
    fs::write(&path, bad).unwrap();
    let run = import_into(&tmp.path().join("site"), &path, &[]);
    run.assert_code(1);
    assert_contains(&run.stderr, &format!("entity.xml:{line}:"));
    assert!(!tmp.path().join("site").exists());
}

#[test]
fn uploads_missing_from_media_keep_their_url_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let media = tmp.path().join("uploads");
    fs::create_dir_all(media.join("2020/04")).unwrap();
    fs::copy(
        uploads().join("2020/04/team.png"),
        media.join("2020/04/team.png"),
    )
    .unwrap();
    let site = tmp.path().join("site");
    let run = import_into(&site, &export(), &["--media", media.to_str().unwrap()]);
    run.assert_ok();
    assert_contains(
        &run.stdout,
        "media file `2020/04/buero-300x300.png` is not in --media",
    );
    let (_, body) = parts(&site, "articles/2010/social-media-ist-jeder.md");
    assert_contains(
        &body,
        "(https://blog.nordlicht.example/wp-content/uploads/2020/04/buero-300x300.png)",
    );
    assert!(site.join("static/uploads/2020/04/team.png").exists());
}
