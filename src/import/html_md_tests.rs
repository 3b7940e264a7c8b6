use super::*;

fn md(html: &str) -> String {
    convert(html, Mode::Article, &mut |u: &str| u.to_string()).markdown
}

#[test]
fn block_editor_comments_are_removed() {
    let out =
        md("<!-- wp:paragraph -->\n<p>Hallo <strong>Welt</strong></p>\n<!-- /wp:paragraph -->");
    assert_eq!(out, "Hallo **Welt**\n");
}

#[test]
fn headings_emphasis_and_links() {
    let out = md("<!-- wp:heading --><h2>Führung &amp; Kultur</h2><!-- /wp:heading --><p>Ein <em>sehr</em> guter <a href=\"https://example.com/a\" title=\"T\">Link</a>.</p>");
    assert_eq!(
        out,
        "## Führung \\& Kultur\n\nEin *sehr* guter [Link](https://example.com/a \"T\").\n"
    );
}

#[test]
fn spaces_around_inline_markup_are_kept() {
    assert_eq!(
        md("<p>a<em> b </em>c <a href=\"/x\"> d</a></p>"),
        "a *b* c [d](/x)\n"
    );
}

#[test]
fn nested_lists() {
    let out = md("<ul><li>eins<ul><li>zwei</li></ul></li><li>drei</li></ul><ol start=\"3\"><li>a</li><li>b</li></ol>");
    assert_eq!(out, "- eins\n  - zwei\n- drei\n\n3. a\n4. b\n");
}

#[test]
fn images_with_alt_and_caption() {
    let out = md("<!-- wp:image --><figure class=\"wp-block-image\"><img src=\"https://b.example/wp-content/uploads/2020/04/team.jpg\" alt=\"Das Team\"/><figcaption>Unser Team</figcaption></figure><!-- /wp:image -->");
    assert_eq!(
        out,
        "![Das Team](https://b.example/wp-content/uploads/2020/04/team.jpg)\n\n*Unser Team*\n"
    );
}

#[test]
fn blockquote_code_and_table() {
    let out = md("<blockquote class=\"wp-block-quote\"><p>Zitat</p><cite>Jemand</cite></blockquote><pre class=\"wp-block-code\"><code class=\"language-rust\">fn main() {\n    let a = `x`;\n}</code></pre><table><thead><tr><th>A</th><th>B|C</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>");
    assert_eq!(out, "> Zitat\n>\n> *Jemand*\n\n```rust\nfn main() {\n    let a = `x`;\n}\n```\n\n| A | B\\|C |\n| --- | --- |\n| 1 | 2 |\n");
}

#[test]
fn classic_editor_paragraphs_and_breaks() {
    let out = md("Erster Absatz\nmit Umbruch\n\nZweiter <b>Absatz</b>\n\n[caption id=\"a\" width=\"300\"]<img src=\"/a.jpg\" alt=\"A\" /> Bildunterschrift[/caption]");
    assert_eq!(out, "Erster Absatz\\\nmit Umbruch\n\nZweiter **Absatz**\n\n![A](/a.jpg)\n\n*Bildunterschrift*\n");
}

#[test]
fn more_marker_and_embeds() {
    let out = md("<p>Vorspann</p>\n<!--more-->\n<p>Rest</p><figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=abc\n</div></figure>[embed]https://vimeo.com/1[/embed]");
    assert_eq!(out, "Vorspann\n\n<!-- more -->\n\nRest\n\n<https://www.youtube.com/watch?v=abc>\n\n<https://vimeo.com/1>\n");
}

#[test]
fn markdown_punctuation_in_text_stays_text() {
    let out = md("<p># nicht * fett * [kein](link) &lt;b&gt; 1. x</p><p>2020. Jahr</p>");
    assert_eq!(
        out,
        "\\# nicht \\* fett \\* \\[kein\\](link) \\<b> 1. x\n\n2020\\. Jahr\n"
    );
}

#[test]
fn scripts_and_unsafe_links_are_dropped() {
    let out = md("<p>a<script>alert(1)</script> <a href=\"javascript:alert(1)\">b</a></p>");
    assert_eq!(out, "a b\n");
}

#[test]
fn unknown_shortcodes_are_reported() {
    let c = convert(
        "<p>[gallery ids=\"1,2\"]</p>",
        Mode::Article,
        &mut |u: &str| u.to_string(),
    );
    assert_eq!(c.shortcodes, vec!["gallery".to_string()]);
    assert!(c.markdown.contains("\\[gallery ids=\"1,2\"\\]"));
}

#[test]
fn link_mode_takes_url_and_quote() {
    let ext = |u: &str| !u.contains("blog.example");
    let c = convert(
        "<p><a href=\"https://www.pr-blogger.de/x\">Warum</a></p><blockquote><p>Ein Zitat</p><cite>Sascha</cite></blockquote><p>Meine Sicht, <a href=\"https://blog.example/y\">intern</a>.</p>",
        Mode::Link { is_external: &ext },
        &mut |u: &str| u.to_string(),
    );
    assert_eq!(
        c.first_link,
        Some(("https://www.pr-blogger.de/x".into(), "Warum".into()))
    );
    assert_eq!(c.quote.as_deref(), Some("Ein Zitat"));
    assert_eq!(c.cite.as_deref(), Some("Sascha"));
    assert_eq!(
        c.markdown,
        "Meine Sicht, [intern](https://blog.example/y).\n"
    );
}

#[test]
fn hostile_html_never_panics() {
    for h in [
        "<",
        "<p",
        "</ul></li>",
        "[caption]",
        "[caption][/caption]",
        "<table><tr></tr></table>",
        "<pre></pre>",
        "<ol start=\"-5\"><li></li></ol>",
        "[",
        "[/x]",
        "<a href>x</a>",
        "<img>",
    ] {
        let _ = md(h);
    }
}

#[test]
fn caption_is_the_alt_text_of_an_image_without_one() {
    let c = convert("<figure><img src=\"/a.png\"><figcaption>Das Team</figcaption></figure><p><img src=\"/b.png\"></p>", Mode::Article, &mut |u: &str| u.to_string());
    assert_eq!(
        c.markdown,
        "![Das Team](/a.png)\n\n*Das Team*\n\n![](/b.png)\n"
    );
    assert_eq!(c.missing_alt, 1);
}

#[test]
fn deeply_nested_markup_does_not_overflow_the_stack() {
    for (open, close) in [
        ("<div>", "</div>"),
        ("<blockquote>", "</blockquote>"),
        ("<ul><li>", "</li></ul>"),
        ("<span>", "</span>"),
        ("<b><i>", "</i></b>"),
    ] {
        for n in [150, 900, 50_000] {
            let html = format!("{}x{}", open.repeat(n), close.repeat(n));
            let started = std::time::Instant::now();
            let c = convert(&html, Mode::Article, &mut |u: &str| u.to_string());
            assert!(c.markdown.contains('x') || c.too_deep, "{open} {n}");
            assert!(
                started.elapsed().as_secs() < 5,
                "{open} {n}: {:?}",
                started.elapsed()
            );
        }
    }
}
