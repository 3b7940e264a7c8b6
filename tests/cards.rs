//! Share cards and share links (SPEC §12), through the real binary: every
//! card decodes as a 1200×630 PNG and differs per item, an item's own image
//! wins, a hostile title renders and stays text, the meta tags and JSON-LD
//! point at the card, `check` reports over-long share texts with their
//! position, and a cold cache gives the same bytes as a warm one.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// Decodes a PNG fully (every chunk's CRC and the image data), returning its size.
fn decode_png(path: &Path) -> (u32, u32) {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    (info.width, info.height)
}

fn cards_in(out: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = list_files(out)
        .into_iter()
        .filter(|f| f.starts_with("cards/") && f.ends_with(".png"))
        .map(|f| out.join(f))
        .collect();
    v.sort();
    v
}

/// The `content` of `<meta property|name="key">` in a page.
fn meta(html: &str, key: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("meta").unwrap();
    doc.select(&sel)
        .find(|m| {
            let e = m.value();
            e.attr("property") == Some(key) || e.attr("name") == Some(key)
        })
        .and_then(|m| m.value().attr("content").map(str::to_string))
}

fn json_ld(html: &str) -> serde_json::Value {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    let text: String = doc.select(&sel).next().unwrap().text().collect();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_card_of_the_example_site_is_a_distinct_1200_by_630_png() {
    let site = copy_dir_of(&example_site());
    site.build_ok(&[]);
    let out = site.out();
    let cards = cards_in(&out);
    // Every item without its own image, every channel and every author.
    assert!(cards.len() >= 40, "only {} cards", cards.len());
    assert!(cards
        .iter()
        .any(|c| c.to_string_lossy().contains("cards/channels/")));
    assert!(cards
        .iter()
        .any(|c| c.to_string_lossy().contains("cards/authors/")));
    let mut distinct = BTreeSet::new();
    for c in &cards {
        assert_eq!(decode_png(c), (1200, 630), "{}", c.display());
        distinct.insert(fs::read(c).unwrap());
    }
    assert_eq!(
        distinct.len(),
        cards.len(),
        "two items share identical cards"
    );
}

#[test]
fn pages_announce_their_card_in_meta_tags_and_json_ld() {
    let b = build_ok(&example_site(), &["--cache-dir", &tmp_cache()]);
    let html = b.read("2025/06/anerkennung-fuer-markenbotschafter/index.html");
    let card = "https://hub.nordlicht.example/cards/2025-06-anerkennung-fuer-markenbotschafter.png";
    assert_eq!(meta(&html, "og:image").as_deref(), Some(card));
    assert_eq!(meta(&html, "og:image:width").as_deref(), Some("1200"));
    assert_eq!(meta(&html, "og:image:height").as_deref(), Some("630"));
    assert!(meta(&html, "og:image:alt")
        .unwrap()
        .contains("Was Markenbotschafter"));
    assert_eq!(
        meta(&html, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    let ld = json_ld(&html);
    let post = &ld["@graph"][0];
    assert_eq!(post["@type"], "BlogPosting");
    assert_eq!(post["image"], card);
    b.assert_exists("cards/2025-06-anerkennung-fuer-markenbotschafter.png");
    // Channel and author pages, their later pages included, show their own cards.
    let ch = b.read("channels/markenbotschafter/index.html");
    assert!(meta(&ch, "og:image")
        .unwrap()
        .ends_with("/cards/channels/markenbotschafter.png"));
    let au = b.read("authors/jana-voss/index.html");
    assert!(meta(&au, "og:image")
        .unwrap()
        .ends_with("/cards/authors/jana-voss.png"));
    // The person's picture stays the avatar.
    let person = &json_ld(&au)["@graph"][0]["mainEntity"];
    assert!(person["image"].as_str().unwrap().ends_with(".svg"));
}

/// A cache folder outside every site, fresh per call (kept for the test's life
/// by the OS temp cleaner; it is only ever a cache).
fn tmp_cache() -> String {
    let dir = tempfile::tempdir().unwrap().keep();
    dir.to_string_lossy().into_owned()
}

fn copy_dir_of(site: &Path) -> SiteCopy {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join("site");
    copy_dir(site, &to);
    SiteCopy { tmp, site: to }
}

#[test]
fn an_items_own_image_wins_over_the_card() {
    let s = copy_fixture("minimal");
    s.write(
        "articles/2020-04-17-bild.md",
        "---\ntitle: Mit Bild\nauthors: [anna]\nchannels: [x]\nimage: /images/eigen.svg\nimage_alt: Eigenes Bild\n---\nText.\n",
    );
    s.write(
        // SVG: a raster file would be published as image variants instead.
        "static/images/eigen.svg",
        include_bytes!("../themes/default/static/favicon.svg"),
    );
    s.build_ok(&[]);
    let html = s.read("2020/04/bild/index.html");
    assert_eq!(
        meta(&html, "og:image").as_deref(),
        Some("https://minimal.example/images/eigen.svg")
    );
    assert_eq!(meta(&html, "og:image:alt").as_deref(), Some("Eigenes Bild"));
    assert_eq!(
        meta(&html, "og:image:width"),
        None,
        "kurator does not know its size"
    );
    assert!(!s.out().join("cards/2020-04-bild.png").exists());
    // The other article still gets one.
    assert_eq!(
        decode_png(&s.out().join("cards/2020-04-hallo.png")),
        (1200, 630)
    );
}

#[test]
fn cards_can_be_switched_off() {
    let s = copy_fixture("minimal");
    let yaml = fs::read_to_string(s.site.join("site.yaml")).unwrap();
    s.write("site.yaml", format!("{yaml}cards:\n  enabled: false\n"));
    s.build_ok(&[]);
    assert!(cards_in(&s.out()).is_empty());
    let html = s.read("2020/04/hallo/index.html");
    assert_eq!(meta(&html, "og:image"), None);
    assert_eq!(meta(&html, "twitter:card").as_deref(), Some("summary"));
}

#[test]
fn a_hostile_title_renders_and_never_leaks_into_markup() {
    let s = copy_fixture("hostile-title");
    s.write(
        "articles/2020-04-17-svg.md",
        "---\ntitle: \"</text><image href=\\\"file:///etc/passwd\\\"/><script>x</script> & \\u0001 ]]> <!--\"\nauthors: [anna]\nchannels: [x]\n---\nText.\n",
    );
    s.build_ok(&[]);
    let cards = cards_in(&s.out());
    assert_eq!(cards.len(), 4, "two articles, a channel, an author");
    for c in &cards {
        assert_eq!(decode_png(c), (1200, 630));
    }
    for page in ["2020/04/svg/index.html", "2020/04/boese/index.html"] {
        let html = s.read(page);
        assert_not_contains(&html, "<script>alert(1)");
        assert_not_contains(&html, "<script>x</script>");
        assert_not_contains(&html, "<image href");
        let alt = meta(&html, "og:image:alt").unwrap();
        assert!(alt.contains("<script>"), "the title stays text: {alt}");
    }
    let a = fs::read(s.out().join("cards/2020-04-svg.png")).unwrap();
    let b = fs::read(s.out().join("cards/2020-04-boese.png")).unwrap();
    assert_ne!(a, b);
}

#[test]
fn cold_and_warm_cache_give_identical_cards() {
    let s = copy_fixture("minimal");
    s.build_ok(&[]);
    let cold = snapshot(&s.out());
    assert!(
        s.site.join(".kurator/cards").is_dir(),
        "cards are cached in .kurator/"
    );
    s.build_ok(&["--force"]);
    assert_same_tree(&cold, &snapshot(&s.out()), "warm build");
    let other = tempfile::tempdir().unwrap();
    let out2 = other.path().join("public");
    build(
        &s.site,
        &out2,
        &["--cache-dir", &other.path().join("c").to_string_lossy()],
    )
    .assert_ok();
    assert_same_tree(
        &cold,
        &snapshot(&out2),
        "build with an empty cache elsewhere",
    );
}

#[test]
fn share_texts_over_a_network_limit_are_found_with_their_position() {
    let s = copy_fixture("minimal");
    let yaml = fs::read_to_string(s.site.join("site.yaml")).unwrap();
    s.write(
        "site.yaml",
        format!("{yaml}share:\n  signature: \"(Ich arbeite bei Minimal.)\"\nguidelines:\n  confidential_markers: [VERTRAULICH]\n"),
    );
    let long = "Wort ".repeat(60);
    s.write(
        "articles/2020-04-17-teilen.md",
        format!("---\ntitle: Teilen\nauthors: [anna]\nchannels: [x]\nshare:\n  hashtags: [Markenbotschafter]\n  text: \"{} VERTRAULICH\"\n---\nText.\n", long.trim()),
    );
    let r = run(&["check", "--format", "json", s.site.to_str().unwrap()]);
    // One JSON object per line.
    let diags: Vec<serde_json::Value> = (r.stdout.lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |code: &str| -> Vec<&serde_json::Value> {
        diags.iter().filter(|d| d["code"] == code).collect()
    };
    let too_long = find("share-too-long");
    assert_eq!(
        too_long.len(),
        1,
        "Bluesky only (300); Mastodon's 500 fit: {diags:?}"
    );
    let d = too_long[0];
    assert_eq!(d["file"], "articles/2020-04-17-teilen.md");
    assert_eq!(d["line"], 7);
    assert_eq!(d["column"], 9);
    assert!(d["message"].as_str().unwrap().contains("bluesky"));
    assert_eq!(d["severity"], "error");
    let marker = find("confidential-marker");
    assert_eq!(marker.len(), 1);
    assert_eq!(marker[0]["line"], 7);
    // The severity is the site's to change, like every rule's.
    let yaml2 = fs::read_to_string(s.site.join("site.yaml")).unwrap();
    s.write(
        "site.yaml",
        format!("{yaml2}  severity:\n    share-too-long: warning\n"),
    );
    let r = run(&["check", "--format", "json", s.site.to_str().unwrap()]);
    assert!(r.stdout.contains("\"warning\""), "{}", r.stdout);
}

#[test]
fn share_block_offers_plain_links_and_the_suggested_text() {
    let s = copy_fixture("minimal");
    let yaml = fs::read_to_string(s.site.join("site.yaml")).unwrap();
    s.write(
        "site.yaml",
        format!("{yaml}share:\n  networks: [bluesky, mastodon, email, copy]\n  signature: \"(Ich arbeite bei Minimal & Co.)\"\n"),
    );
    s.write(
        "articles/2020-04-17-teilen.md",
        "---\ntitle: Teilen\nauthors: [anna]\nchannels: [x]\nshare:\n  text: \"Lest das <b>jetzt</b> & teilt es\"\n  hashtags: [\"#Markenbotschafter\"]\n---\nText.\n",
    );
    s.build_ok(&[]);
    let html = s.read("2020/04/teilen/index.html");
    let share = between(&html, "<section class=\"share\"", "</section>");
    assert_contains(
        share,
        "Lest das &lt;b&gt;jetzt&lt;/b&gt; &amp; teilt es (Ich arbeite bei Minimal &amp; Co.)",
    );
    assert_contains(share, "#Markenbotschafter</p>");
    assert_contains(share, "href=\"https://bsky.app/intent/compose?text=Lest%20das%20%3Cb%3Ejetzt%3C/b%3E%20%26%20teilt");
    assert_contains(
        share,
        "%0A%0A%23Markenbotschafter%0A%0Ahttps://minimal.example/2020/04/teilen/\"",
    );
    assert_contains(share, "href=\"mailto:?subject=Teilen&amp;body=Lest%20das");
    assert_contains(share, "data-share=\"mastodon\"");
    assert_not_contains(share, "linkedin");
    assert_contains(&html, "<script src=\"/js/share.js\" defer></script>");
    s.read("js/share.js");
}
