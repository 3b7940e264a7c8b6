//! Themes: the built-in `newsroom` theme on top of `default`, a site's own
//! theme folder, and the two ways a site brands the theme without copying it
//! (a stylesheet, one overridden template).

mod common;

use common::*;
use std::fs;
use std::path::Path;

/// The `all-pages` fixture with `theme: <name>` appended to its site.yaml.
fn fixture_with_theme(name: &str) -> SiteCopy {
    let copy = copy_fixture("all-pages");
    let yaml = fs::read_to_string(copy.site.join("site.yaml")).unwrap();
    copy.write("site.yaml", format!("{yaml}theme: {name}\n"));
    copy
}

/// The `href`s of the stylesheets a page links, in order.
fn stylesheets(html: &str) -> Vec<&str> {
    tags(html, "link")
        .into_iter()
        .filter(|t| attr(t, "rel") == Some("stylesheet"))
        .filter_map(|t| attr(t, "href"))
        .collect()
}

#[test]
fn newsroom_theme_works_without_files_in_the_site() {
    let site = fixture_with_theme("newsroom");
    site.build_ok(&[]);
    let hub = site.read("index.html");
    // newsroom's own hub.html and head.html …
    assert!(hub.contains("<div class=\"nr-columns\">"), "{hub}");
    assert!(hub.contains("<ul class=\"rows nr-rows\""), "{hub}");
    assert_eq!(
        stylesheets(&hub),
        ["/css/kurator.css", "/css/newsroom.css"],
        "newsroom.css on top of the default stylesheet"
    );
    let shipped = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/newsroom/static/css/newsroom.css"),
    )
    .unwrap();
    assert_eq!(
        fs::read(site.out().join("css/newsroom.css")).unwrap(),
        shipped
    );
    // … its UI string, layered over the default theme's strings …
    assert!(
        hub.contains("<ul class=\"rows nr-rows\" aria-label=\"Weitere Beiträge in Alpha-Kanal\">"),
        "{hub}"
    );
    assert!(
        hub.contains(">Zum Inhalt springen</a>"),
        "default strings still there"
    );
    // … and the default theme for every template newsroom leaves alone.
    let article = site.read("2020/04/erster-beitrag/index.html");
    assert!(
        article.contains("<article class=\"entry entry--article\""),
        "{article}"
    );
    assert!(stylesheets(&article).contains(&"/css/newsroom.css"));
    assert!(site.read("authors/index.html").contains("class=\"people\""));
    assert!(site
        .read("search/index.html")
        .contains("id=\"search-input\""));
}

#[test]
fn default_theme_does_not_link_the_newsroom_stylesheet() {
    let built = build_fixture("all-pages", &[]);
    let hub = built.read("index.html");
    assert!(!hub.contains("nr-columns"));
    assert_eq!(stylesheets(&hub), ["/css/kurator.css"]);
    built.assert_missing("css/newsroom.css");
}

#[test]
fn site_theme_folder_overrides_a_built_in_theme_file_by_file() {
    let site = fixture_with_theme("newsroom");
    site.write(
        "themes/newsroom/templates/hub.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"own-hub\">{{ site.title }}</h1>{% endblock content %}",
    );
    site.write("themes/newsroom/static/css/newsroom.css", "/* ours */\n");
    site.build_ok(&[]);
    let hub = site.read("index.html");
    assert!(hub.contains("<h1 class=\"own-hub\">Testhub</h1>"), "{hub}");
    assert!(!hub.contains("nr-columns"));
    // newsroom's head.html still links the stylesheet, now the site's file.
    assert!(stylesheets(&hub).contains(&"/css/newsroom.css"));
    assert_eq!(site.read("css/newsroom.css"), "/* ours */\n");
}

#[test]
fn a_theme_only_the_site_has_fills_the_rest_from_default() {
    let site = fixture_with_theme("hauslook");
    site.write(
        "themes/hauslook/templates/head.html",
        "<link rel=\"stylesheet\" href=\"/css/hauslook.css\">\n",
    );
    site.write(
        "themes/hauslook/static/css/hauslook.css",
        ":root { --brand: #e2001a }\n",
    );
    site.build_ok(&[]);
    let hub = site.read("index.html");
    assert_eq!(stylesheets(&hub), ["/css/kurator.css", "/css/hauslook.css"]);
    assert!(
        hub.contains("class=\"hub-section"),
        "default hub.html: {hub}"
    );
}

#[test]
fn unknown_theme_is_an_error_that_lists_the_built_in_themes() {
    let site = fixture_with_theme("nope");
    let run = site.build(&[]);
    run.assert_code(1)
        .assert_stderr_contains("theme `nope` not found")
        .assert_stderr_contains("default, newsroom")
        .assert_stderr_contains("themes/nope/");
    assert!(!site.out().exists(), "nothing written");
}

#[test]
fn site_adds_a_stylesheet_without_copying_the_theme() {
    for theme in ["default", "newsroom"] {
        let site = fixture_with_theme(theme);
        site.write("static/css/custom.css", ":root { --brand: #e2001a }\n");
        site.build_ok(&[]);
        for page in [
            "index.html",
            "2020/04/erster-beitrag/index.html",
            "404.html",
        ] {
            let html = site.read(page);
            let sheets = stylesheets(&html);
            assert_eq!(
                sheets.last(),
                Some(&"/css/custom.css"),
                "{theme} {page}: custom.css comes last so it wins: {sheets:?}"
            );
        }
        assert_eq!(site.read("css/custom.css"), ":root { --brand: #e2001a }\n");
    }
}

#[test]
fn site_overrides_one_template_and_keeps_the_rest() {
    let site = fixture_with_theme("default");
    site.write(
        "templates/head.html",
        "<meta name=\"theme-color\" content=\"#e2001a\">\n",
    );
    site.build_ok(&[]);
    for page in [
        "index.html",
        "channels/alpha/index.html",
        "links/gute-quelle/index.html",
    ] {
        let html = site.read(page);
        let head = between(&html, "<head>", "</head>");
        assert!(
            head.contains("<meta name=\"theme-color\" content=\"#e2001a\">"),
            "{page}: {head}"
        );
    }
    // Everything else is still the default theme.
    let link = site.read("links/gute-quelle/index.html");
    assert!(link.contains("class=\"entry entry--link\""), "{link}");
    assert!(link.contains("class=\"skip-link\""));
}

#[test]
fn highlight_stylesheet_only_on_pages_with_highlighted_code() {
    let site = copy_fixture("minimal");
    site.write(
        "articles/2020-04-17-code.md",
        "---\ntitle: Mit Code\nauthors: [anna]\nchannels: [x]\n---\nSo:\n\n```rust\nfn main() {}\n```\n",
    );
    site.build_ok(&[]);
    let with_code = site.read("2020/04/code/index.html");
    assert!(
        with_code.contains("<pre class=\"hl-code\" tabindex=\"0\">"),
        "{with_code}"
    );
    assert_eq!(
        stylesheets(&with_code),
        ["/css/kurator.css", "/css/highlight.css"]
    );
    let without = site.read("2020/04/hallo/index.html");
    assert_eq!(stylesheets(&without), ["/css/kurator.css"]);
    assert_eq!(stylesheets(&site.read("index.html")), ["/css/kurator.css"]);
    // The file itself is written either way: a page may link it from a custom template.
    assert!(site.read("css/highlight.css").contains(".hl-code{"));
}

/// The default theme's macros.html with `replace` applied once.
fn default_macros_with(from: &str, to: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/macros.html");
    let macros = fs::read_to_string(path).unwrap();
    assert!(macros.contains(from), "macros.html no longer has {from:?}");
    macros.replacen(from, to, 1)
}

#[test]
fn lists_show_the_card_macro_of_the_site_and_its_page_language() {
    // Cards are rendered once and reused (docs/templates.md, "Cached
    // cards"): a site's own `card` must still be what every list shows,
    // drawn in the language of the page that shows it.
    let site = fixture_with_theme("default");
    site.write(
        "templates/macros.html",
        default_macros_with(
            "<article class=\"card card--{{ item.kind }}",
            "<article data-site-card=\"{{ lang }}|{{ t.badge_link }}\" class=\"card card--{{ item.kind }}",
        ),
    );
    site.build_ok(&[]);
    let (mut pages, mut cards) = (0, 0);
    for rel in list_files(&site.out())
        .iter()
        .filter(|f| f.ends_with(".html"))
    {
        let html = site.read(rel);
        let lang = attr(tags(&html, "html")[0], "lang").unwrap();
        let badge = if lang == "en" {
            "Recommended from outside"
        } else {
            "Empfohlen von außen"
        };
        let all = html.matches("class=\"card card--").count();
        let marked = html
            .matches(&format!("<article data-site-card=\"{lang}|{badge}\""))
            .count();
        assert_eq!(
            all, marked,
            "{rel}: every card drawn by the site's macro for a {lang} page\n{html}"
        );
        pages += usize::from(all > 0);
        cards += all;
    }
    assert!(
        pages >= 5 && cards >= 10,
        "{pages} pages with {cards} cards"
    );
}

#[test]
fn lists_print_the_cached_cards_of_the_default_cards_macro() {
    // The default `cards` macro tests `item.card_cached` (a string in an
    // `{% if %}` is escaped by Tera just to be tested): a list must print
    // the cached card, not draw every card again.
    let site = fixture_with_theme("default");
    site.write(
        "templates/macros.html",
        default_macros_with(
            "{{ item.card_html | safe }}",
            "<!--cached-->{{ item.card_html | safe }}",
        ),
    );
    site.build_ok(&[]);
    let hub = site.read("index.html");
    let all = hub.matches("class=\"card card--").count();
    assert!(all >= 3, "{hub}");
    assert_eq!(hub.matches("<!--cached--><article").count(), all, "{hub}");
}

#[test]
fn an_error_in_the_card_macro_fails_the_build_and_names_the_template() {
    let site = fixture_with_theme("default");
    site.write(
        "templates/macros.html",
        default_macros_with(
            "{{ item.title }}</a></h{{ level }}>",
            "{{ item.title ~ item.no_such_field.deeper }}</a></h{{ level }}>",
        ),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_stderr_contains("macros.html");
}
