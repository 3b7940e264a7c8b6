//! Integration tests of `kurator build`: the real binary on small fixture
//! sites under `tests/fixtures/`, asserting on the files it writes.
//!
//! Every run uses `KURATOR_NOW=2026-06-01T12:00:00+02:00` (see `common::NOW`)
//! and its own temp output folder.

mod common;

use common::*;

// ---------------------------------------------------------------------------
// Every page type (fixture `all-pages`)
// ---------------------------------------------------------------------------

/// The `<main>` element of a page, to keep assertions away from nav and footer.
fn main_of(html: &str) -> &str {
    between(html, "<main", "</main>")
}

#[test]
fn hub_lists_channels_in_order_with_featured_items_first() {
    let b = build_fixture("all-pages", &[]);
    let hub = b.read("index.html");
    let main = main_of(&hub);
    // `omega` has order 10, `alpha` order 20: omega comes first although its id sorts last.
    let omega = pos(main, "id=\"channel-omega\"");
    let alpha = pos(main, "id=\"channel-alpha\"");
    assert!(omega < alpha, "channel sections are not in `order`");
    let omega_section = &main[omega..alpha];
    let alpha_section = &main[alpha..];
    // Featured (older) article leads its channel, before the newer one.
    let featured = pos(omega_section, "href=\"/2020/04/erster-beitrag/\"");
    let newer = pos(omega_section, "href=\"/2020/05/neuerer-beitrag/\"");
    assert!(
        featured < newer,
        "featured item does not lead the channel section"
    );
    assert_contains(omega_section, "Omega-Kanal");
    assert_contains(omega_section, "Der Kanal, der zuerst kommt.");
    assert_contains(omega_section, "href=\"/authors/bernd/\"");
    // Alpha: newest first, the curated link included.
    let link = pos(alpha_section, "href=\"/links/gute-quelle/\"");
    let neuer = pos(alpha_section, "href=\"/2020/05/neuerer-beitrag/\"");
    let english = pos(alpha_section, "href=\"/2020/04/english-post/\"");
    let old = pos(alpha_section, "href=\"/2019/12/altes-jahr/\"");
    assert!(
        link < neuer && neuer < english && english < old,
        "alpha section is not newest first"
    );
    assert_not_contains(alpha_section, "href=\"/2020/04/erster-beitrag/\"");
}

#[test]
fn channels_overview_lists_every_channel_in_order() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("channels/index.html");
    let main = main_of(&html);
    let omega = pos(main, "href=\"/channels/omega/\"");
    let alpha = pos(main, "href=\"/channels/alpha/\"");
    assert!(omega < alpha);
    assert_contains(main, "Der Kanal mit dem höheren order-Wert.");
    assert_contains(main, "4 Beiträge");
    assert_contains(main, "2 Beiträge");
}

#[test]
fn channel_page_shows_description_curators_intro_and_items() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("channels/omega/index.html");
    let main = main_of(&html);
    assert_contains(main, "<h1>Omega-Kanal</h1>");
    assert_contains(main, "Der Kanal, der zuerst kommt.");
    assert_contains(main, "Einführung in den Omega-Kanal.");
    let curators = between(main, "class=\"curators-block\"", "</div>\n");
    assert_contains(curators, "href=\"/authors/bernd/\"");
    assert_contains(curators, "Bernd Beta");
    assert_not_contains(curators, "Anna Alpha");
    // The featured (older) article leads the channel page too.
    let featured = pos(main, "href=\"/2020/04/erster-beitrag/\"");
    let newer = pos(main, "href=\"/2020/05/neuerer-beitrag/\"");
    assert!(
        featured < newer,
        "featured item does not lead the channel page"
    );
    assert_not_contains(main, "href=\"/2019/12/altes-jahr/\"");
    assert_contains(&html, "href=\"/channels/omega/atom.xml\"");
    b.assert_exists("channels/omega/atom.xml");
    b.assert_exists("channels/omega/feed.json");
    b.assert_missing("channels/omega/page/2/index.html");
}

#[test]
fn authors_overview_counts_articles_and_links_per_author() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("authors/index.html");
    let main = main_of(&html);
    let anna = between(main, "href=\"/authors/anna/\"", "</article>");
    assert_contains(anna, "<dt>Artikel</dt><dd>3</dd>");
    assert_contains(anna, "<dt>Kuratierte Links</dt><dd>1</dd>");
    let bernd = between(main, "href=\"/authors/bernd/\"", "</article>");
    assert_contains(bernd, "<dt>Artikel</dt><dd>2</dd>");
    assert_contains(bernd, "<dt>Kuratierte Links</dt><dd>0</dd>");
    // Bernd (active: false) is listed among the alumni, Anna is not.
    let alumni = between(main, "class=\"alumni\"", "</section>");
    assert_contains(alumni, "href=\"/authors/bernd/\"");
    assert_not_contains(alumni, "href=\"/authors/anna/\"");
}

#[test]
fn author_page_marks_inactive_author_as_alumni() {
    let b = build_fixture("all-pages", &[]);
    let bernd = b.read("authors/bernd/index.html");
    let head = between(main_of(&bernd), "class=\"page-head", "class=\"listing\"");
    assert_contains(head, "<h1>Bernd Beta</h1>");
    assert_contains(head, "badge--alumni");
    assert_contains(head, "Ehemalige");
    assert_contains(main_of(&bernd), "href=\"/2019/12/altes-jahr/\"");
    assert_contains(main_of(&bernd), "Bernd hat das Unternehmen verlassen.");

    let anna = b.read("authors/anna/index.html");
    let head = between(main_of(&anna), "class=\"page-head", "class=\"listing\"");
    assert_contains(head, "<h1>Anna Alpha</h1>");
    assert_not_contains(head, "alumni");
    b.assert_exists("authors/anna/atom.xml");
}

#[test]
fn tag_cloud_and_tag_pages_use_transliterated_slugs() {
    let b = build_fixture("all-pages", &[]);
    let tags = b.read("tags/index.html");
    let main = main_of(&tags);
    assert_contains(main, "<a href=\"/tags/fuehrung/\">Führung");
    assert_contains(main, "<a href=\"/tags/kultur/\">Kultur");
    let kultur = between(main, "href=\"/tags/kultur/\"", "</li>");
    assert_contains(kultur, "3 Beiträge");

    let fuehrung = b.read("tags/fuehrung/index.html");
    let main = main_of(&fuehrung);
    assert_contains(main, "<h1>Führung</h1>");
    assert_contains(main, "href=\"/2020/04/erster-beitrag/\"");
    assert_not_contains(main, "href=\"/2020/05/neuerer-beitrag/\"");
    let kultur = b.read("tags/kultur/index.html");
    assert_contains(main_of(&kultur), "href=\"/links/gute-quelle/\"");
}

#[test]
fn article_page_shows_authors_german_date_reading_time_disclosure_and_discuss_links() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("2020/04/erster-beitrag/index.html");
    assert_contains(&html, "<html lang=\"de\">");
    let main = main_of(&html);
    let article = between(main, "<article class=\"entry", "</article>");
    assert_contains(article, "Erster Beitrag</h1>");
    let meta = between(article, "class=\"entry-meta\"", "</div>");
    assert_contains(meta, "href=\"/authors/anna/\"");
    assert_contains(meta, "Anna Alpha");
    assert_contains(meta, "href=\"/authors/bernd/\"");
    assert_contains(meta, "Bernd Beta");
    let dates = between(meta, "class=\"entry-dates\"", "</p>");
    assert_contains(dates, "16. April 2020");
    assert_contains(dates, "datetime=\"2020-04-16T00:00:00+02:00\"");
    assert_contains(dates, "1 Minute Lesedauer");
    let disclosure = between(article, "class=\"disclosure\"", "</div>");
    assert_contains(disclosure, "Die Autorin arbeitet für ExampleCorp.");
    // The disclosure is shown above the text.
    assert!(pos(article, "class=\"disclosure\"") < pos(article, "Der erste Beitrag ist älter"));
    let discuss = between(article, "class=\"discuss\"", "</section>");
    assert_contains(
        discuss,
        "href=\"https://www.linkedin.example/posts/erster-beitrag\"",
    );
    assert_contains(discuss, "href=\"https://social.example/@anna/1\"");
    assert_contains(article, "href=\"/channels/omega/\"");
    assert_contains(article, "href=\"/tags/fuehrung/\"");
    assert_contains(
        &html,
        "<link rel=\"canonical\" href=\"https://hub.test.example/2020/04/erster-beitrag/\">",
    );
}

#[test]
fn english_article_gets_english_date_and_reading_time() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("2020/04/english-post/index.html");
    assert_contains(&html, "<html lang=\"en\">");
    let dates = between(main_of(&html), "class=\"entry-dates\"", "</p>");
    assert_contains(dates, "April 16, 2020");
    assert_contains(dates, "1 min read");
    assert_not_contains(dates, "Lesedauer");
    assert_not_contains(dates, "16. April");
}

#[test]
fn curated_link_page_shows_source_quote_and_outbound_link() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("links/gute-quelle/index.html");
    let main = main_of(&html);
    assert_contains(main, "Ein Artikel da draußen</h1>");
    assert_contains(main, "Quellblatt");
    assert_contains(main, "Quentin Autor");
    assert_contains(main, "source.example");
    let quote = between(main, "<blockquote", "</blockquote>");
    assert_contains(quote, "Ein kurzes, treffendes Zitat.");
    let outbound: Vec<&str> = tags(main, "a")
        .into_iter()
        .filter(|t| attr(t, "href") == Some("https://source.example/artikel"))
        .collect();
    assert!(!outbound.is_empty(), "no outbound link to the source");
    for t in &outbound {
        let rel = attr(t, "rel").unwrap_or_else(|| panic!("outbound link without rel: {t}"));
        assert!(
            rel.split_whitespace().any(|r| r == "noopener"),
            "outbound link without noopener: {t}"
        );
    }
    // The curator's commentary with the curator's name.
    let commentary = between(main, "class=\"commentary\"", "</section>");
    assert_contains(commentary, "Annas Kommentar zu dem Artikel");
    assert_contains(commentary, "href=\"/authors/anna/\"");
}

#[test]
fn archive_lists_years_and_year_page_lists_its_items() {
    let b = build_fixture("all-pages", &[]);
    let archive = b.read("archive/index.html");
    let main = main_of(&archive);
    let y2020 = pos(main, "href=\"/archive/2020/\"");
    let y2019 = pos(main, "href=\"/archive/2019/\"");
    assert!(y2020 < y2019, "years are not newest first");

    let year = b.read("archive/2020/index.html");
    let main = main_of(&year);
    for url in [
        "/links/gute-quelle/",
        "/2020/05/neuerer-beitrag/",
        "/2020/04/erster-beitrag/",
        "/2020/04/english-post/",
    ] {
        assert_contains(main, &format!("href=\"{url}\""));
    }
    assert_not_contains(main, "href=\"/2019/12/altes-jahr/\"");
    // Grouped by month, newest month first.
    assert!(
        pos(main, "Juni 2020") < pos(main, "Mai 2020")
            && pos(main, "Mai 2020") < pos(main, "April 2020")
    );
    assert_contains(
        main_of(&b.read("archive/2019/index.html")),
        "href=\"/2019/12/altes-jahr/\"",
    );
    b.assert_missing("archive/2018/index.html");
}

#[test]
fn menu_page_appears_in_navigation_and_other_pages_do_not() {
    let b = build_fixture("all-pages", &[]);
    let page = b.read("ueber-uns/index.html");
    assert_contains(main_of(&page), "Wir sind ein Testhub.");
    b.assert_exists("impressum/index.html");
    for file in [
        "index.html",
        "2020/04/erster-beitrag/index.html",
        "channels/index.html",
    ] {
        let html = b.read(file);
        let nav = between(&html, "<nav class=\"site-nav\"", "</nav>");
        assert_contains(nav, "<a href=\"/ueber-uns/\"");
        assert_contains(nav, "Über uns</a>");
        assert_not_contains(nav, "/impressum/");
    }
}

#[test]
fn not_found_page_is_written_at_the_root() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("404.html");
    assert_contains(&html, "Seite nicht gefunden");
    assert_contains(&html, "<meta name=\"robots\" content=\"noindex\">");
    b.assert_missing("404/index.html");
}

#[test]
fn static_files_are_copied_verbatim() {
    let b = build_fixture("all-pages", &[]);
    let src = std::fs::read(fixture("all-pages").join("static/files/hallo.txt")).unwrap();
    let out = std::fs::read(b.out.join("files/hallo.txt")).unwrap();
    assert_eq!(src, out);
    // The built-in theme's assets are there too.
    b.assert_exists("css/kurator.css");
    b.assert_exists("favicon.svg");
}

#[test]
fn alias_writes_a_redirect_to_the_absolute_article_url() {
    let b = build_fixture("all-pages", &[]);
    let html = b.read("old/url/index.html");
    let target = "https://hub.test.example/2020/04/erster-beitrag/";
    let refresh = tags(&html, "meta")
        .into_iter()
        .find(|t| t.contains("http-equiv=\"refresh\""))
        .expect("meta refresh");
    assert_eq!(
        attr(refresh, "content"),
        Some(format!("0; url={target}").as_str())
    );
    assert_contains(
        &html,
        &format!("<link rel=\"canonical\" href=\"{target}\">"),
    );
    assert_contains(&html, &format!("<a href=\"{target}\">"));
}

#[test]
fn every_page_type_is_written() {
    let b = build_fixture("all-pages", &[]);
    for f in [
        "index.html",
        "channels/index.html",
        "channels/alpha/index.html",
        "channels/omega/index.html",
        "authors/index.html",
        "authors/anna/index.html",
        "authors/bernd/index.html",
        "tags/index.html",
        "tags/fuehrung/index.html",
        "tags/kultur/index.html",
        "2020/04/erster-beitrag/index.html",
        "2020/04/english-post/index.html",
        "2020/05/neuerer-beitrag/index.html",
        "2019/12/altes-jahr/index.html",
        "links/gute-quelle/index.html",
        "archive/index.html",
        "archive/2020/index.html",
        "archive/2019/index.html",
        "ueber-uns/index.html",
        "impressum/index.html",
        "search/index.html",
        "404.html",
        "old/url/index.html",
        "files/hallo.txt",
        "search/manifest.json",
        "search/facets/0.json",
        "search/terms/0.json",
        "search/docs/0.json",
        "sitemap.xml",
        "robots.txt",
        "feeds.opml",
    ] {
        b.assert_exists(f);
    }
    assert!(
        b.run.stderr.lines().all(|l| !l.contains("warning")),
        "unexpected warnings:\n{}",
        b.run.stderr
    );
}

// ---------------------------------------------------------------------------
// Pagination (fixture `pagination`: paginate 2, five items in channel x)
// ---------------------------------------------------------------------------

#[test]
fn channel_with_five_items_and_paginate_two_has_three_pages() {
    let b = build_fixture("pagination", &[]);
    b.assert_exists("channels/x/index.html");
    b.assert_exists("channels/x/page/2/index.html");
    b.assert_exists("channels/x/page/3/index.html");
    b.assert_missing("channels/x/page/4/index.html");
    b.assert_missing("channels/x/page/1/index.html");

    let items = |file: &str| {
        let html = b.read(file);
        (1..=5)
            .filter(|n| html.contains(&format!("href=\"/2021/01/beitrag-{n}/\"")))
            .collect::<Vec<_>>()
    };
    assert_eq!(items("channels/x/index.html"), vec![4, 5]);
    assert_eq!(items("channels/x/page/2/index.html"), vec![2, 3]);
    assert_eq!(items("channels/x/page/3/index.html"), vec![1]);
}

#[test]
fn paginated_pages_link_to_previous_and_next() {
    let b = build_fixture("pagination", &[]);
    let rel_link = |html: &str, rel: &str| -> Option<String> {
        tags(html, "a")
            .into_iter()
            .find(|t| attr(t, "rel") == Some(rel))
            .and_then(|t| attr(t, "href"))
            .map(str::to_string)
    };
    let p1 = b.read("channels/x/index.html");
    let p1 = between(&p1, "<nav class=\"pagination\"", "</nav>");
    assert_eq!(rel_link(p1, "prev"), None);
    assert_eq!(rel_link(p1, "next").as_deref(), Some("/channels/x/page/2/"));
    let p2 = b.read("channels/x/page/2/index.html");
    let p2 = between(&p2, "<nav class=\"pagination\"", "</nav>");
    assert_eq!(rel_link(p2, "prev").as_deref(), Some("/channels/x/"));
    assert_eq!(rel_link(p2, "next").as_deref(), Some("/channels/x/page/3/"));
    let p3 = b.read("channels/x/page/3/index.html");
    let p3 = between(&p3, "<nav class=\"pagination\"", "</nav>");
    assert_eq!(rel_link(p3, "prev").as_deref(), Some("/channels/x/page/2/"));
    assert_eq!(rel_link(p3, "next"), None);
    assert_contains(
        &b.read("channels/x/page/2/index.html"),
        "<link rel=\"canonical\" href=\"https://pages.example/channels/x/page/2/\">",
    );
}

// ---------------------------------------------------------------------------
// Drafts and future-dated items (fixture `drafts-future`)
// ---------------------------------------------------------------------------

/// Every output file that mentions `text`.
fn files_mentioning(b: &Built, text: &str) -> Vec<String> {
    snapshot(&b.out)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(text))
        .map(|(k, _)| k)
        .collect()
}

#[test]
fn draft_is_left_out_of_every_output_file() {
    let b = build_fixture("drafts-future", &[]);
    b.assert_exists("2026/05/veroeffentlicht/index.html");
    b.assert_missing("2026/05/entwurf/index.html");
    assert_eq!(
        files_mentioning(&b, "Noch ein Entwurf"),
        Vec::<String>::new()
    );
    assert_eq!(
        files_mentioning(&b, "/2026/05/entwurf/"),
        Vec::<String>::new()
    );
}

#[test]
fn draft_is_included_with_drafts_flag() {
    let b = build_fixture("drafts-future", &["--drafts"]);
    b.assert_exists("2026/05/entwurf/index.html");
    assert_contains(
        &b.read("channels/x/index.html"),
        "href=\"/2026/05/entwurf/\"",
    );
    // --drafts does not also publish the future.
    b.assert_missing("2026/07/geplant/index.html");
}

#[test]
fn future_dated_article_is_left_out() {
    let b = build_fixture("drafts-future", &[]);
    b.assert_missing("2026/07/geplant/index.html");
    // One hour after "now" on the same day is still the future …
    b.assert_missing("2026/06/spaeter-heute/index.html");
    // … one hour before is published.
    b.assert_exists("2026/06/frueher-heute/index.html");
    assert_eq!(
        files_mentioning(&b, "Für Juli geplant"),
        Vec::<String>::new()
    );
    assert_eq!(
        files_mentioning(&b, "Später am selben Tag"),
        Vec::<String>::new()
    );
}

#[test]
fn future_dated_article_is_included_with_future_flag() {
    let b = build_fixture("drafts-future", &["--future"]);
    b.assert_exists("2026/07/geplant/index.html");
    b.assert_exists("2026/06/spaeter-heute/index.html");
    assert_contains(&b.read("channels/x/atom.xml"), "Für Juli geplant");
    // --future does not also publish drafts.
    b.assert_missing("2026/05/entwurf/index.html");
}

#[test]
fn date_without_offset_is_read_in_the_site_time_zone() {
    // now = 10:00 UTC. 11:30 in Europe/Berlin is 09:30 UTC (published);
    // 12:30 Berlin is 10:30 UTC (future). Read as UTC, both would be future.
    let s = copy_fixture("minimal");
    s.write(
        "articles/vorhin.md",
        "---\ntitle: Vorhin\ndate: 2026-06-01T11:30:00\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.write(
        "articles/gleich.md",
        "---\ntitle: Gleich\ndate: 2026-06-01T12:30:00\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.build_ok(&[]);
    let html = s.read("2026/06/vorhin/index.html");
    assert_contains(&html, "datetime=\"2026-06-01T11:30:00+02:00\"");
    assert!(
        !s.out().join("2026/06/gleich/index.html").exists(),
        "12:30 Berlin is after now"
    );
}

// ---------------------------------------------------------------------------
// Threads and translations (fixture `threads`)
// ---------------------------------------------------------------------------

#[test]
fn reply_links_its_parent_and_parent_lists_the_reply() {
    let b = build_fixture("threads", &[]);
    let reply = b.read("2022/03/die-antwort/index.html");
    let in_reply_to = between(main_of(&reply), "class=\"in-reply-to\"", "</p>");
    assert_contains(in_reply_to, "href=\"/2022/03/die-frage/\"");
    assert_contains(in_reply_to, "Die Frage");

    let parent = b.read("2022/03/die-frage/index.html");
    let replies = between(main_of(&parent), "class=\"replies\"", "</section>");
    assert_contains(replies, "href=\"/2022/03/die-antwort/\"");
    assert_contains(replies, "Die Antwort");
    assert_not_contains(main_of(&parent), "class=\"in-reply-to\"");
}

#[test]
fn translations_get_hreflang_alternates_on_both_pages() {
    let b = build_fixture("threads", &[]);
    let de = "https://dialog.example/2022/04/warum-wir-schreiben/";
    let en = "https://dialog.example/2022/04/why-we-write/";
    for file in [
        "2022/04/warum-wir-schreiben/index.html",
        "2022/04/why-we-write/index.html",
    ] {
        let html = b.read(file);
        let head = between(&html, "<head>", "</head>");
        assert_contains(
            head,
            &format!("<link rel=\"alternate\" hreflang=\"de\" href=\"{de}\">"),
        );
        assert_contains(
            head,
            &format!("<link rel=\"alternate\" hreflang=\"en\" href=\"{en}\">"),
        );
    }
    assert_contains(
        &b.read("2022/04/why-we-write/index.html"),
        "<html lang=\"en\">",
    );
    // Items without translations get no hreflang.
    assert_not_contains(&b.read("2022/03/die-frage/index.html"), "hreflang=");
}

#[test]
fn in_reply_to_accepts_a_permalink_or_a_file_path() {
    let s = copy_fixture("threads");
    s.write(
        "articles/2022-05-01-per-permalink.md",
        "---\ntitle: Per Permalink\nauthors: [anna]\nchannels: [x]\nin_reply_to: /2022/03/die-frage/\n---\nx\n",
    );
    s.write(
        "articles/2022-05-02-per-pfad.md",
        "---\ntitle: Per Pfad\nauthors: [anna]\nchannels: [x]\nin_reply_to: articles/2022-03-08-die-antwort.md\n---\nx\n",
    );
    s.build_ok(&[]);
    let by_url = s.read("2022/05/per-permalink/index.html");
    assert_contains(
        between(&by_url, "class=\"in-reply-to\"", "</p>"),
        "href=\"/2022/03/die-frage/\"",
    );
    let by_path = s.read("2022/05/per-pfad/index.html");
    assert_contains(
        between(&by_path, "class=\"in-reply-to\"", "</p>"),
        "href=\"/2022/03/die-antwort/\"",
    );
    let parent = s.read("2022/03/die-frage/index.html");
    let replies = between(&parent, "class=\"replies\"", "</section>");
    assert_contains(replies, "href=\"/2022/03/die-antwort/\"");
    assert_contains(replies, "href=\"/2022/05/per-permalink/\"");
}

// ---------------------------------------------------------------------------
// Slugs
// ---------------------------------------------------------------------------

#[test]
fn file_name_and_tag_are_transliterated_into_slugs() {
    let s = copy_fixture("minimal");
    s.write(
        "articles/2020-04-16-Führung & Kultur.md",
        "---\ntitle: Führung und Kultur\nauthors: [anna]\nchannels: [x]\ntags: [Führung]\n---\nText.\n",
    );
    s.build_ok(&[]);
    let article = s.read("2020/04/fuehrung-kultur/index.html");
    assert_contains(&article, "Führung und Kultur</h1>");
    assert_contains(&article, "href=\"/tags/fuehrung/\"");
    let tag = s.read("tags/fuehrung/index.html");
    assert_contains(main_of(&tag), "href=\"/2020/04/fuehrung-kultur/\"");
}

#[test]
fn decomposed_umlaut_in_file_name_gets_the_same_slug() {
    // macOS writes file names in NFD: `u` + U+0308 instead of `ü`.
    let s = copy_fixture("minimal");
    s.write(
        "articles/2020-04-16-Fu\u{308}hrung & Kultur.md",
        "---\ntitle: NFD\nauthors: [anna]\nchannels: [x]\n---\nText.\n",
    );
    s.build_ok(&[]);
    assert!(
        s.out().join("2020/04/fuehrung-kultur/index.html").exists(),
        "{:?}",
        list_files(&s.out())
    );
}

// ---------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------

const HOSTILE: &str = "</script><script>alert(1)</script> & \"q\"";

#[test]
fn hostile_title_is_escaped_in_text_attributes_and_json_ld() {
    let b = build_fixture("hostile-title", &[]);
    let html = b.read("2020/04/boese/index.html");

    // HTML text: the heading decodes to the title and holds no raw markup.
    let h1 = between(&html, "<h1 class=\"entry-title\">", "</h1>");
    assert!(
        !h1.contains('<') && !h1.contains('>'),
        "unescaped markup in <h1>: {h1}"
    );
    assert_eq!(unescape_html(h1), HOSTILE);
    let title = between(&html, "<title>", "</title>");
    assert!(unescape_html(title).starts_with(HOSTILE), "{title}");

    // Attributes: og:title decodes to the title, no raw quote ends it early.
    let og = tags(&html, "meta")
        .into_iter()
        .find(|t| t.contains("property=\"og:title\""))
        .expect("og:title");
    let value = attr(og, "content").unwrap();
    assert!(!value.contains('<'), "{og}");
    assert_eq!(unescape_html(value), HOSTILE, "{og}");

    // JSON-LD parses and round-trips the headline exactly.
    let ld = between(&html, "<script type=\"application/ld+json\">", "</script>");
    let json: serde_json::Value =
        serde_json::from_str(ld).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{ld}"));
    let nodes = json
        .get("@graph")
        .and_then(|g| g.as_array())
        .cloned()
        .unwrap_or_else(|| vec![json.clone()]);
    let posting = nodes
        .iter()
        .find(|n| n["@type"] == "BlogPosting" || n["@type"] == "Article")
        .unwrap_or_else(|| panic!("no BlogPosting in JSON-LD: {json}"));
    assert_eq!(posting["headline"], HOSTILE);

    // Nowhere in any HTML page does the payload survive as markup.
    for (file, bytes) in snapshot(&b.out) {
        if file.ends_with(".html") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("</script><script>alert"),
                "{file} contains the raw payload"
            );
            assert!(
                !text.contains("<script>alert"),
                "{file} contains the raw payload"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Odd input bytes
// ---------------------------------------------------------------------------

#[test]
fn bom_and_crlf_input_files_build_fine() {
    let s = copy_fixture("minimal");
    s.write(
        "site.yaml",
        b"\xef\xbb\xbftitle: BOM-Site\r\nbase_url: https://bom.example\r\nlanguage: de\r\n"
            .as_slice(),
    );
    s.write(
        "articles/2020-05-01-bom-crlf.md",
        b"\xef\xbb\xbf---\r\ntitle: Mit BOM und CRLF\r\nauthors: [anna]\r\nchannels: [x]\r\ntags: [Zeilenende]\r\n---\r\nErste Zeile\r\nzweite Zeile.\r\n\r\nZweiter Absatz.\r\n"
            .as_slice(),
    );
    s.write(
        "authors/carla.md",
        b"---\r\nname: Carla CRLF\r\n---\r\nBio.\r\n".as_slice(),
    );
    s.write(
        "channels/y.md",
        b"\xef\xbb\xbf---\r\ntitle: Kanal Y\r\ncurators: [carla]\r\n---\r\n".as_slice(),
    );
    let r = s.build_ok(&[]);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let html = s.read("2020/05/bom-crlf/index.html");
    assert_contains(&html, "<h1 class=\"entry-title\">Mit BOM und CRLF</h1>");
    assert_contains(&html, "<p>Zweiter Absatz.</p>");
    assert_contains(&html, "href=\"/tags/zeilenende/\"");
    assert_contains(&html, "BOM-Site");
    assert!(!html.contains('\u{feff}') && !html.contains('\r'));
    assert_contains(&s.read("channels/y/index.html"), "Carla CRLF");
    assert_contains(&s.read("authors/carla/index.html"), "<h1>Carla CRLF</h1>");
}

// ---------------------------------------------------------------------------
// Errors: exit 1, `file:line:col` and the code
// ---------------------------------------------------------------------------

/// Copies `minimal`, writes `content` to `rel`, builds, expects exit 1 and
/// no output folder.
#[track_caller]
fn failing_build(rel: &str, content: &str) -> (SiteCopy, Run) {
    let s = copy_fixture("minimal");
    s.write(rel, content);
    let r = s.build(&[]);
    r.assert_code(1);
    assert!(
        !s.out().exists(),
        "a failed build created the output folder"
    );
    (s, r)
}

#[test]
fn unknown_front_matter_key_is_an_error_with_suggestion() {
    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ntitel: Tippfehler\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:2:1", "unknown-key");
    assert_contains(&line, "titel");
    r.assert_stderr_contains("did you mean `title`?");
}

#[test]
fn unknown_site_yaml_key_is_an_error_with_suggestion() {
    let s = copy_fixture("minimal");
    s.write(
        "site.yaml",
        "title: Minimal\nbase_url: https://minimal.example\npaginte: 3\n",
    );
    let r = s.build(&[]);
    r.assert_code(1);
    r.assert_diagnostic("site.yaml:3:1", "unknown-key");
    r.assert_stderr_contains("did you mean `paginate`?");
}

#[test]
fn wrong_type_is_an_error_at_the_value() {
    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ntitle: Typ\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x]\nfeatured: vielleicht\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:6:11", "error");
    assert_contains(&line, "featured");
    assert_contains(&line, "invalid type");
}

#[test]
fn wrong_type_has_code_wrong_type() {
    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ntitle: Typ\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x]\nfeatured: vielleicht\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:6:11", "wrong-type");
    assert_contains(&line, "featured");
    assert!(!line.contains("yaml-syntax"), "{line}");
}

#[test]
fn impossible_date_is_an_error() {
    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ntitle: Datum\ndate: 2024-02-30\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:3:7", "bad-date");
    assert_contains(&line, "2024-02-30");
}

#[test]
fn missing_required_field_is_an_error() {
    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ntitle: Ohne Kanal\ndate: 2020-01-01\nauthors: [anna]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:1:1", "missing-field");
    assert_contains(&line, "channels");

    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:1:1", "missing-field");
    assert_contains(&line, "title");
}

#[test]
fn unknown_author_id_is_an_error() {
    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ntitle: Wer?\ndate: 2020-01-01\nauthors: [anna, niemand]\nchannels: [x]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:4:17", "unknown-author");
    assert_contains(&line, "niemand");
}

#[test]
fn unknown_channel_id_is_an_error() {
    let (_s, r) = failing_build(
        "articles/bad.md",
        "---\ntitle: Wo?\ndate: 2020-01-01\nauthors: [anna]\nchannels: [x, nirgendwo]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/bad.md:5:15", "unknown-channel");
    assert_contains(&line, "nirgendwo");
}

#[test]
fn two_articles_with_same_slug_and_month_are_a_duplicate_path() {
    // `minimal` has articles/2020-04-16-hallo.md → /2020/04/hallo/.
    let (_s, r) = failing_build(
        "articles/2020-04-20-hallo.md",
        "---\ntitle: Nochmal Hallo\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/2020-04-16-hallo.md:1:1", "duplicate-path");
    assert_contains(&line, "2020/04/hallo/index.html");
    assert_contains(&line, "articles/2020-04-20-hallo.md");
}

#[test]
fn share_cards_named_alike_are_a_duplicate_path() {
    // Card names flatten the item URL: `/2020/04/hallo/` and the link's
    // `/2020/04-hallo/` would both write `cards/2020-04-hallo.png`.
    let s = copy_fixture("minimal");
    s.write(
        "site.yaml",
        "title: Minimal\nbase_url: https://minimal.example\nlanguage: de\n\
         timezone: Europe/Berlin\npermalinks:\n  link: /:year/:month-:slug/\n",
    );
    s.write(
        "links/2020-04-20-hallo.md",
        "---\ntitle: Hallo draußen\nurl: https://example.org/a\nsource: Beispiel\ncurator: anna\n\
         channels: [x]\n---\nGut.\n",
    );
    let r = s.build(&[]);
    r.assert_code(1);
    let line = r.assert_diagnostic("articles/2020-04-16-hallo.md:1:1", "duplicate-path");
    assert_contains(&line, "cards/2020-04-hallo.png");
    assert_contains(&line, "the share card of `links/2020-04-20-hallo.md`");
}

#[test]
fn output_paths_differing_only_in_case_clash() {
    let (_s, r) = failing_build(
        "articles/2021-01-01-anderes.md",
        "---\ntitle: Anderes\nauthors: [anna]\nchannels: [x]\naliases: [/2020/04/Hallo/]\n---\nx\n",
    );
    let line = r.assert_diagnostic("articles/2021-01-01-anderes.md:5:10", "duplicate-path");
    assert_contains(&line, "2020/04/Hallo/index.html");
    assert_contains(&line, "articles/2020-04-16-hallo.md");
}

#[test]
fn missing_in_reply_to_target_is_an_error() {
    let (_s, r) = failing_build(
        "articles/2021-01-01-anderes.md",
        "---\ntitle: Anderes\nauthors: [anna]\nchannels: [x]\nin_reply_to: gibt-es-nicht\n---\nx\n",
    );
    let line = r.assert_diagnostic(
        "articles/2021-01-01-anderes.md:5:14",
        "missing-reply-target",
    );
    assert_contains(&line, "gibt-es-nicht");
}

#[test]
fn missing_translation_of_target_is_an_error() {
    let (_s, r) = failing_build(
        "articles/2021-01-01-anderes.md",
        "---\ntitle: Other\nauthors: [anna]\nchannels: [x]\nlang: en\ntranslation_of: gibt-es-nicht\n---\nx\n",
    );
    let line = r.assert_diagnostic(
        "articles/2021-01-01-anderes.md:6:17",
        "missing-translation-target",
    );
    assert_contains(&line, "gibt-es-nicht");
}

#[test]
fn template_syntax_error_in_site_override_names_the_template() {
    let (_s, r) = failing_build(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ item.title }</h1>\n{% endblock content %}\n",
    );
    let line = r.assert_diagnostic("templates/article.html:3:19", "template");
    assert_contains(&line, "article.html");
}

#[test]
fn template_render_error_in_site_override_names_the_template() {
    // Tera reports no position for render-time errors; the file must still be named.
    let (_s, r) = failing_build(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ item.title | nosuchfilter }}</h1>\n{% endblock content %}\n",
    );
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("templates/article.html"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert_contains(line, "template");
    assert_contains(line, "nosuchfilter");
}

// ---------------------------------------------------------------------------
// All or nothing
// ---------------------------------------------------------------------------

/// Builds `minimal` successfully, breaks it with `rel` = `content`, rebuilds,
/// and checks the old output is untouched and nothing is left beside it.
#[track_caller]
fn failed_rebuild_keeps_previous_output(rel: &str, content: &str) {
    let s = copy_fixture("minimal");
    s.build_ok(&[]);
    let before = snapshot(&s.out());
    assert!(before.contains_key("2020/04/hallo/index.html"));
    s.write(rel, content);
    let r = s.build(&[]);
    r.assert_code(1);
    assert_same_tree(&before, &snapshot(&s.out()), "output after a failed build");
    assert_eq!(
        s.tmp_entries(),
        vec!["public".to_string(), "site".to_string()],
        "something was left beside the output"
    );
}

#[test]
fn failed_build_with_render_error_leaves_previous_output_unchanged() {
    // Fails while rendering, after other pages were already staged.
    failed_rebuild_keeps_previous_output(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ item.nosuchfield.deeper }}{% endblock content %}\n",
    );
}

#[test]
fn failed_build_with_template_syntax_error_leaves_previous_output_unchanged() {
    failed_rebuild_keeps_previous_output("templates/article.html", "{% if %}\n");
}

#[test]
fn failed_build_with_content_error_leaves_previous_output_unchanged() {
    failed_rebuild_keeps_previous_output(
        "articles/2020-04-16-hallo.md",
        "---\ntitle: Hallo Welt\ndate: 2024-02-30\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
}

#[test]
fn successful_rebuild_replaces_output_and_leaves_nothing_beside_it() {
    let s = copy_fixture("minimal");
    s.build_ok(&[]);
    s.remove("articles/2020-04-16-hallo.md");
    s.write(
        "articles/2020-05-05-neu.md",
        "---\ntitle: Neu\nauthors: [anna]\nchannels: [x]\n---\nx\n",
    );
    s.build_ok(&[]);
    assert!(s.out().join("2020/05/neu/index.html").exists());
    assert!(
        !s.out().join("2020/04/hallo/index.html").exists(),
        "stale page survived the rebuild"
    );
    assert_eq!(
        s.tmp_entries(),
        vec!["public".to_string(), "site".to_string()]
    );
}

// ---------------------------------------------------------------------------
// Output-folder safety: exit 2, nothing touched
// ---------------------------------------------------------------------------

#[test]
fn output_folder_equal_to_site_is_refused() {
    let s = copy_fixture("minimal");
    let before = snapshot(s.tmp.path());
    let r = build(&s.site, &s.site, &[]);
    r.assert_code(2);
    assert_same_tree(
        &before,
        &snapshot(s.tmp.path()),
        "site after a refused build",
    );
    // The same via a relative path from inside the site.
    let r = run_cmd(
        kurator()
            .current_dir(&s.site)
            .args(["build", ".", "-o", "."]),
    );
    r.assert_code(2);
    assert_same_tree(
        &before,
        &snapshot(s.tmp.path()),
        "site after a refused build",
    );
}

#[test]
fn output_folder_containing_site_is_refused() {
    let s = copy_fixture("minimal");
    let before = snapshot(s.tmp.path());
    let r = build(&s.site, s.tmp.path(), &[]);
    r.assert_code(2);
    assert_same_tree(
        &before,
        &snapshot(s.tmp.path()),
        "parent after a refused build",
    );
    let r = run_cmd(
        kurator()
            .current_dir(&s.site)
            .args(["build", ".", "-o", ".."]),
    );
    r.assert_code(2);
    assert_same_tree(
        &before,
        &snapshot(s.tmp.path()),
        "parent after a refused build",
    );
}

#[test]
fn non_empty_folder_not_written_by_kurator_is_refused() {
    let s = copy_fixture("minimal");
    std::fs::create_dir_all(s.out().join("keep")).unwrap();
    std::fs::write(s.out().join("notes.txt"), "meine Notizen\n").unwrap();
    std::fs::write(s.out().join("keep/data.bin"), [0u8, 1, 2, 255]).unwrap();
    let before = snapshot(s.tmp.path());
    let r = s.build(&[]);
    r.assert_code(2);
    r.assert_stderr_contains("--force");
    assert_same_tree(
        &before,
        &snapshot(s.tmp.path()),
        "folder after a refused build",
    );
}

#[test]
fn force_replaces_a_folder_not_written_by_kurator() {
    let s = copy_fixture("minimal");
    std::fs::create_dir_all(s.out()).unwrap();
    std::fs::write(s.out().join("notes.txt"), "meine Notizen\n").unwrap();
    s.build_ok(&["--force"]);
    assert!(s.out().join("index.html").exists());
    assert!(s.out().join("2020/04/hallo/index.html").exists());
    // Now it is kurator's: a rebuild needs no --force.
    s.build_ok(&[]);
    assert_eq!(
        s.tmp_entries(),
        vec!["public".to_string(), "site".to_string()]
    );
}

#[test]
fn empty_existing_output_folder_is_accepted() {
    let s = copy_fixture("minimal");
    std::fs::create_dir_all(s.out()).unwrap();
    s.build_ok(&[]);
    assert!(s.out().join("index.html").exists());
}

#[test]
fn output_path_that_is_a_file_is_refused() {
    let s = copy_fixture("minimal");
    std::fs::write(s.out(), "kein Ordner\n").unwrap();
    let before = snapshot(s.tmp.path());
    let r = s.build(&[]);
    r.assert_code(2);
    assert_same_tree(&before, &snapshot(s.tmp.path()), "after a refused build");
}

#[test]
fn output_folder_inside_the_site_is_not_read_as_content() {
    let s = copy_fixture("all-pages");
    let out = s.site.join("public");
    // Twice: the second build must not pick up the first one's files.
    for _ in 0..2 {
        run_cmd(kurator().current_dir(&s.site).args(["build"])).assert_ok();
    }
    assert!(out.join("index.html").exists());
    assert!(
        !out.join("public").exists(),
        "the output was copied into itself"
    );
    let entries: Vec<String> = std::fs::read_dir(&s.site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // `.kurator/` is the cache (share cards), which belongs in the site;
        // staging folders and the like must not be left beside it.
        .filter(|n| n.contains("kurator") && n != ".kurator")
        .collect();
    assert!(entries.is_empty(), "left inside the site: {entries:?}");
}

// ---------------------------------------------------------------------------
// Determinism and the example site
// ---------------------------------------------------------------------------

#[test]
fn one_thread_and_four_threads_give_byte_identical_output() {
    // The example site has highlighted code, translations, threads and
    // related items: the most order-sensitive input there is.
    let sites = [
        example_site(),
        fixture("all-pages"),
        fixture("threads"),
        fixture("pagination"),
    ];
    for site in &sites {
        let name = site.file_name().unwrap().to_string_lossy();
        let one = build_ok(site, &["-j", "1"]);
        let four = build_ok(site, &["-j", "4"]);
        let a = snapshot(&one.out);
        assert!(
            a.len() > 20,
            "{name}: suspiciously small output: {} files",
            a.len()
        );
        assert_same_tree(&a, &snapshot(&four.out), &format!("{name}: -j 1 vs -j 4"));
    }
}

#[test]
fn output_does_not_depend_on_the_machine_time_zone() {
    let tmp = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for tz in ["UTC", "America/Los_Angeles", "Asia/Tokyo"] {
        let out = tmp.path().join(tz.replace('/', "-"));
        run_cmd(
            kurator()
                .env("TZ", tz)
                .arg("build")
                .arg(fixture("all-pages"))
                .arg("-o")
                .arg(&out),
        )
        .assert_ok();
        trees.push(snapshot(&out));
    }
    assert_same_tree(&trees[0], &trees[1], "TZ=UTC vs TZ=America/Los_Angeles");
    assert_same_tree(&trees[0], &trees[2], "TZ=UTC vs TZ=Asia/Tokyo");
}

#[test]
fn example_site_builds_without_warnings() {
    let b = build_ok(&example_site(), &[]);
    let warnings: Vec<&str> = b
        .run
        .stderr
        .lines()
        .filter(|l| l.to_lowercase().contains("warning"))
        .collect();
    assert!(warnings.is_empty(), "warnings on stderr:\n{}", b.run.stderr);
    b.assert_exists("index.html");
    b.assert_exists("404.html");
    b.assert_exists("feeds.opml");
}

// ---------------------------------------------------------------------------
// Known bugs (ignored until fixed in src/)
// ---------------------------------------------------------------------------

#[test]
fn alias_clashing_with_a_generated_page_is_a_duplicate_path() {
    for alias in [
        "/channels/x/",
        "/sitemap.xml",
        "/authors/anna/",
        "/archive/2020/",
    ] {
        let s = copy_fixture("minimal");
        s.write(
            "articles/2021-02-02-umzug.md",
            format!(
                "---\ntitle: Umzug\nauthors: [anna]\nchannels: [x]\naliases: [{alias}]\n---\nx\n"
            ),
        );
        let r = s.build(&[]);
        r.assert_code(1);
        let line = r.assert_diagnostic("articles/2021-02-02-umzug.md:5:10", "duplicate-path");
        assert!(
            line.contains(alias.trim_start_matches('/')),
            "{alias}: {line}"
        );
    }
}

#[test]
fn static_file_clashing_with_a_generated_file_is_reported_and_wins() {
    // Documented precedence: a file in static/ replaces the generated file
    // with the same path (so a site can ship its own robots.txt), with a warning.
    let s = copy_fixture("minimal");
    s.write("static/2020/04/hallo/index.html", "STATIC\n");
    let r = s.build(&[]);
    r.assert_code(0);
    r.assert_stderr_contains("static-overrides-generated");
    r.assert_stderr_contains("static/2020/04/hallo/index.html");
    assert_eq!(s.read("2020/04/hallo/index.html"), "STATIC\n");
}

#[test]
fn static_file_shadowing_a_generated_file_gives_the_same_output_for_any_thread_count() {
    let s = copy_fixture("minimal");
    // A site that ships its own robots.txt is a normal wish; the other files
    // only widen the race window.
    s.write("static/robots.txt", "User-agent: *\nDisallow: /intern/\n");
    s.write("static/search/manifest.json", "{}\n");
    s.write("static/sitemap.xml", "<urlset/>\n");
    s.write("static/feeds.opml", "<opml/>\n");
    s.write("static/404.html", "<p>weg</p>\n");
    let tmp = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for j in ["1", "4", "4", "4", "4", "4", "4"] {
        let out = tmp.path().join(format!("out-{}", results.len()));
        let r = build(&s.site, &out, &["-j", j]);
        results.push((r.code, snapshot(&out)));
    }
    for (code, tree) in &results[1..] {
        assert_eq!(*code, results[0].0, "exit code depends on -j");
        assert_same_tree(
            &results[0].1,
            tree,
            "static file vs generated file, -j 1 vs -j 4",
        );
    }
}

// ---------------------------------------------------------------------------
// `/links/`: every curated link, newest first (fixture `pagination` + links)
// ---------------------------------------------------------------------------

/// The `pagination` fixture (paginate: 2) with three curated links.
fn site_with_links() -> SiteCopy {
    let s = copy_fixture("pagination");
    for n in 1..=3 {
        s.write(
            &format!("links/2021-02-0{n}-empfehlung-{n}.md"),
            format!("---\nurl: https://quelle.example/{n}\ntitle: \"Empfehlung {n} <&>\"\nsource: Quelle\ncurator: anna\nchannels: [x]\n---\nKommentar {n}.\n"),
        );
    }
    s.build_ok(&[]);
    s
}

#[test]
fn links_list_shows_every_curated_link_newest_first_paginated() {
    let s = site_with_links();
    let items = |file: &str| {
        let html = s.read(file);
        (1..=3)
            .filter(|n| html.contains(&format!("href=\"/links/empfehlung-{n}/\"")))
            .collect::<Vec<_>>()
    };
    assert_eq!(items("links/index.html"), vec![2, 3]);
    let first = s.read("links/index.html");
    assert!(pos(&first, "/links/empfehlung-3/") < pos(&first, "/links/empfehlung-2/"));
    assert_eq!(items("links/page/2/index.html"), vec![1]);
    assert!(!s.out().join("links/page/3/index.html").exists());
    // Articles are not in it; the title is escaped; the feeds are announced.
    assert!(!first.contains("/2021/01/beitrag-"));
    assert_contains(&first, "Empfehlung 3 &lt;&amp;&gt;");
    assert_contains(&first, "href=\"/links/atom.xml\"");
    assert_contains(&first, "<html lang=\"de\"");
}

#[test]
fn links_feeds_parse_and_are_in_the_opml_and_sitemap() {
    let s = site_with_links();
    let json: serde_json::Value = serde_json::from_str(&s.read("links/feed.json")).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    let urls: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [3, 2, 1].map(|n| format!("https://pages.example/links/empfehlung-{n}/"))
    );
    let atom = s.read("links/atom.xml");
    let mut reader = quick_xml::Reader::from_str(&atom);
    let mut entries = 0;
    loop {
        match reader.read_event().expect("well-formed Atom") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"entry" => entries += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(entries, 3);
    assert_contains(
        &s.read("feeds.opml"),
        "xmlUrl=\"https://pages.example/links/atom.xml\"",
    );
    assert_contains(
        &s.read("sitemap.xml"),
        "<loc>https://pages.example/links/</loc>",
    );
}

#[test]
fn links_list_url_is_reserved_and_a_valid_link_target() {
    let s = site_with_links();
    s.write("articles/2021-01-04-verweis.md", "---\ntitle: Verweis\nauthors: [anna]\nchannels: [x]\n---\nAlle [Empfehlungen](/links/) und [Seite 2](/links/page/2/).\n");
    s.build_ok(&[]);
    s.write("pages/links.md", "---\ntitle: Links\n---\nMeine Links.\n");
    let r = s.build(&[]);
    r.assert_code(1);
    assert_contains(&r.stderr, "duplicate-path");
}

/// `feeds.content: summary` (the reference benchmark's setting): entries
/// carry the summary, or for curated links the quote and the commentary's
/// first paragraph, never the rest of the body.
#[test]
fn summary_feeds_carry_the_summary_not_the_body() {
    let s = copy_fixture("all-pages");
    let yaml = std::fs::read_to_string(s.site.join("site.yaml")).unwrap();
    s.write("site.yaml", format!("{yaml}feeds:\n  content: summary\n"));
    s.write(
        "articles/2020/2020-05-21-lang.md",
        "---\ntitle: Lang\nauthors: [anna]\nchannels: [alpha]\n---\nDer erste Absatz.\n\nGEHEIMER ZWEITER ABSATZ.\n",
    );
    s.write(
        "links/2020-06-02-zweite.md",
        "---\nurl: https://source.example/b\ntitle: B\nsource: Q\nquote: Kurz zitiert.\ncurator: anna\nchannels: [alpha]\n---\nErster Gedanke.\n\nZWEITER GEDANKE.\n",
    );
    s.build_ok(&[]);
    let atom = s.read("channels/alpha/atom.xml");
    assert_not_contains(&atom, "<content");
    assert_contains(&atom, "Der erste Absatz.");
    assert_contains(&atom, "Kurz zitiert.");
    assert_contains(&atom, "Erster Gedanke.");
    assert_not_contains(&atom, "GEHEIMER");
    assert_not_contains(&atom, "ZWEITER GEDANKE");
    let json: serde_json::Value =
        serde_json::from_str(&s.read("channels/alpha/feed.json")).unwrap();
    let items = json["items"].as_array().unwrap();
    let link = items.iter().find(|i| i["title"] == "B").unwrap();
    let html = link["content_html"].as_str().unwrap();
    assert!(
        html.starts_with("<blockquote cite=\"https://source.example/b\">"),
        "{html}"
    );
    assert_contains(html, "Erster Gedanke.");
    assert_not_contains(html, "ZWEITER");
    // The summary is the content; it is not repeated as plain text.
    assert!(link.get("summary").is_none(), "{link}");
    // The default stays `full`.
    s.write("site.yaml", &yaml);
    s.build_ok(&[]);
    assert_contains(
        &s.read("channels/alpha/atom.xml"),
        "GEHEIMER ZWEITER ABSATZ.",
    );
}

#[test]
fn highlighted_blocks_come_from_the_cache_and_the_output_stays_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let c = cache.to_str().unwrap();
    let out = tmp.path().join("public");
    build(&example_site(), &out, &["--cache-dir", c]).assert_ok();
    let cold = snapshot(&out);
    let blocks: Vec<_> = std::fs::read_dir(cache.join("highlight"))
        .expect("highlighted blocks are cached")
        .map(|e| e.unwrap().path())
        .collect();
    assert!(blocks.len() >= 5, "{} cached blocks", blocks.len());
    build(&example_site(), &out, &["--cache-dir", c]).assert_ok();
    assert_same_tree(&cold, &snapshot(&out), "warm highlight cache");
    // Damaged entries (cut in half) are misses, not broken pages.
    for b in &blocks {
        let bytes = std::fs::read(b).unwrap();
        std::fs::write(b, &bytes[..bytes.len() / 2 + 40]).unwrap();
    }
    build(&example_site(), &out, &["--cache-dir", c]).assert_ok();
    assert_same_tree(&cold, &snapshot(&out), "damaged highlight cache");
}
