//! HTML utilities shared by every stage: escaping for text and attributes,
//! stripping tags, sanitising untrusted HTML and refusing unsafe URL
//! schemes. A leaf module: it imports nothing of kurator.

/// Whether a URL uses a scheme that can run code or smuggle content.
pub fn is_unsafe_url(url: &str) -> bool {
    let norm: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| norm.starts_with(s))
}

/// Sanitises rendered HTML with ammonia, keeping what kurator itself emits
/// (classes, ids, task-list checkboxes).
pub fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["class", "id"]);
    b.add_tags(["input"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"]);
    // Code blocks scroll sideways; tabindex lets keyboard users scroll them.
    b.add_tag_attributes("pre", ["tabindex"]);
    // ammonia adds rel="noopener noreferrer" to every <a>, also to anchors
    // whose href it removed, which is invalid HTML. Outbound links in the
    // theme carry their own rel.
    b.link_rel(None);
    b.clean(html).to_string()
}

/// Escapes text for HTML element content.
pub fn escape_html(s: &str) -> String {
    escape_with(s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        _ => None,
    })
}

/// Escapes text for a double-quoted HTML attribute.
pub fn escape_attr(s: &str) -> String {
    // Tera calls this for every `{{ }}` of every page (about 5 % of a
    // build's CPU when it was three passes with `str::replace`). Most
    // values (names, URLs, dates) have nothing to escape: two vectorised
    // scans find that out faster than the byte loop.
    let b = s.as_bytes();
    if memchr::memchr3(b'&', b'<', b'>', b).is_none() && memchr::memchr2(b'"', b'\'', b).is_none() {
        return s.to_owned();
    }
    escape_with(s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    })
}

/// One pass over the bytes, copying the runs between escaped characters.
/// Every escaped character is ASCII, so a run ends on a char boundary.
fn escape_with(s: &str, entity: impl Fn(u8) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut from = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if let Some(e) = entity(b) {
            out.push_str(&s[from..i]);
            out.push_str(e);
            from = i + 1;
        }
    }
    out.push_str(&s[from..]);
    out
}

/// The entities our own escaping produces, which [`strip_tags`] decodes.
const ENTITIES: [(&str, char); 5] = [
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
];

/// Strips tags from HTML, for descriptions and the search index.
pub fn strip_tags(html: &str) -> String {
    // One pass: drop tags (a tag separates words), decode the entities our
    // own escaping produces, and collapse whitespace. Plain text, spaces
    // and most non-ASCII letters included, is copied a run at a time: the
    // search index strips every body, twice.
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    // A space is owed before the next text (never at the start or end).
    let mut space = false;
    let (mut run, mut i) = (0, 0);
    let doubled = memchr::memmem::Finder::new("  ");
    // Spaces are text to the scan below: a run is checked for runs of
    // spaces (rare) when it is copied.
    let flush = |out: &mut String, space: &mut bool, text: &str| {
        // A run often ends in the space before an inline tag.
        let inner = text.trim_matches(' ');
        if text.starts_with(' ') {
            *space = !out.is_empty();
        }
        if doubled.find(inner.as_bytes()).is_none() {
            push_text(out, space, inner);
        } else {
            for (j, piece) in inner.split(' ').enumerate() {
                if j > 0 {
                    *space = !out.is_empty();
                }
                push_text(out, space, piece);
            }
        }
        if text.ends_with(' ') {
            *space = !out.is_empty();
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if !STRIP_SPECIAL[usize::from(b)] {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        match b {
            b'<' => {
                flush(&mut out, &mut space, &html[run..i]);
                let Some(end) = memchr::memchr(b'>', rest.as_bytes()) else {
                    return out;
                };
                // Inline tags (`<em>`, `<a>`, `<code>`) sit inside words and
                // before punctuation: only a block boundary separates words.
                if separates_words(&rest[1..end]) {
                    space = !out.is_empty();
                }
                i += end + 1;
                run = i;
            }
            b'&' => match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
                Some((name, ch)) => {
                    flush(&mut out, &mut space, &html[run..i]);
                    push_text(&mut out, &mut space, ch.encode_utf8(&mut [0; 4]));
                    i += name.len();
                    run = i;
                }
                None => i += 1,
            },
            _ => {
                // ASCII whitespace, or a byte that may start Unicode
                // whitespace (U+00A0, U+2003, …).
                let c = rest.chars().next().unwrap_or(' ');
                if c.is_whitespace() {
                    flush(&mut out, &mut space, &html[run..i]);
                    space = !out.is_empty();
                    i += c.len_utf8();
                    run = i;
                } else {
                    i += c.len_utf8();
                }
            }
        }
    }
    flush(&mut out, &mut space, &html[run..]);
    out
}

/// Appends text that holds no space, after the space owed, if any.
fn push_text(out: &mut String, space: &mut bool, text: &str) {
    if !text.is_empty() {
        if *space {
            out.push(' ');
            *space = false;
        }
        out.push_str(text);
    }
}

/// Bytes [`strip_tags`] stops at: markup, entities, ASCII whitespace other
/// than the space, and the lead bytes of every multi-byte whitespace
/// character (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000). Other bytes
/// are text.
const STRIP_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special = [
        b'<', b'&', b'\t', b'\n', 0x0b, 0x0c, b'\r', 0xc2, 0xe1, 0xe2, 0xe3,
    ];
    let mut k = 0;
    while k < special.len() {
        t[special[k] as usize] = true;
        k += 1;
    }
    t
};

/// HTML elements that lay out as blocks of their own (flow content that
/// starts a new line in every browser's default style sheet).
pub const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "figure",
    "figcaption",
    "hr",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "nav",
    "details",
    "summary",
    "address",
    "form",
];

/// Whether `name` (any case) is one of [`BLOCK_ELEMENTS`].
pub fn is_block_element(name: &str) -> bool {
    BLOCK_ELEMENTS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

/// Whether the tag `inner` (between `<` and `>`) ends a run of text the way a
/// browser lays it out: blocks, table cells and line breaks do; so do images
/// and footnote references (`sup`), never part of the word before them.
fn separates_words(inner: &str) -> bool {
    // Every tag of every indexed body passes here: one match on the
    // lower-cased name, not a walk through the list (tested against it).
    let name = tag_name(inner.trim_start_matches('/'));
    let mut buf = [0u8; 10];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return false;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    matches!(
        &*lower,
        b"p" | b"div"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"ul"
            | b"ol"
            | b"li"
            | b"dl"
            | b"dt"
            | b"dd"
            | b"blockquote"
            | b"pre"
            | b"table"
            | b"figure"
            | b"figcaption"
            | b"hr"
            | b"section"
            | b"article"
            | b"aside"
            | b"header"
            | b"footer"
            | b"main"
            | b"nav"
            | b"details"
            | b"summary"
            | b"address"
            | b"form"
            | b"br"
            | b"img"
            | b"sup"
            | b"tr"
            | b"td"
            | b"th"
    )
}

/// Tags besides [`BLOCK_ELEMENTS`] that [`separates_words`] finds.
#[cfg(test)]
const WORD_BREAKS: [&str; 6] = ["br", "img", "sup", "tr", "td", "th"];

/// Elements without an end tag, which an excerpt must not close.
const VOID: &[&str] = &["br", "img", "hr", "wbr", "input", "source", "area", "col"];

/// The element name at the start of a tag's inside (`a href=…` → `a`), as
/// written: `strip_tags` runs over every body, so it does not allocate.
fn tag_name(inside: &str) -> &str {
    let bytes = inside.as_bytes();
    // ASCII whitespace is what `char::is_whitespace` finds below 0x80.
    match bytes
        .iter()
        .position(|&b| matches!(b, b'\t'..=b'\r' | b' ' | b'/') || !b.is_ascii())
    {
        None => inside,
        Some(end) if bytes[end].is_ascii() => &inside[..end],
        Some(_) => (inside.split(|c: char| c.is_whitespace() || c == '/'))
            .next()
            .unwrap_or(""),
    }
}

/// The first `words` words of sanitised HTML, with "…" and the end tags of
/// the elements still open where it was cut; shorter HTML is returned as is.
/// Words are runs of non-space characters in text; markup is kept intact.
pub fn excerpt(html: &str, words: usize) -> String {
    let mut open: Vec<String> = Vec::new();
    let (mut count, mut in_word) = (0, false);
    // Where the last word allowed ends, and the elements open there.
    let mut mark: Option<(usize, Vec<String>)> = None;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let at = html.len() - rest.len();
        if in_word && (c == '<' || c.is_whitespace()) {
            in_word = false;
            if count == words {
                mark = Some((at, open.clone()));
            }
        }
        if c == '<' {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let inside = rest[1..end].trim_end_matches('>');
            if let Some(closing) = inside.strip_prefix('/') {
                let name = tag_name(closing).to_ascii_lowercase();
                if let Some(k) = open.iter().rposition(|o| *o == name) {
                    open.truncate(k);
                }
            } else if !inside.starts_with('!') && !inside.ends_with('/') {
                let name = tag_name(inside).to_ascii_lowercase();
                if !VOID.contains(&name.as_str()) {
                    open.push(name);
                }
            }
            rest = &rest[end..];
            continue;
        }
        if !c.is_whitespace() && !in_word {
            in_word = true;
            count += 1;
            if count > words {
                let Some((end, open)) = mark else { break };
                let mut out = html[..end].to_string();
                out.push('…');
                for name in open.iter().rev() {
                    out.push_str(&format!("</{name}>"));
                }
                return out;
            }
        }
        rest = &rest[c.len_utf8()..];
    }
    html.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_words_matches_the_block_list_and_breaks() {
        for name in BLOCK_ELEMENTS.iter().chain(&WORD_BREAKS) {
            let upper = name.to_ascii_uppercase();
            for inner in [
                name.to_string(),
                format!("/{upper}"),
                format!("{name} class=\"x\""),
            ] {
                assert!(separates_words(&inner), "{inner}");
            }
        }
        for inline in [
            "span",
            "a href=\"/x\"",
            "/em",
            "strong",
            "code",
            "kbd",
            "abbr",
            "mark",
        ] {
            assert!(!separates_words(inline), "{inline}");
        }
        assert!(!separates_words("blockquotes"));
        assert!(!separates_words(""));
    }

    #[test]
    fn tag_name_splits_as_char_whitespace_does() {
        for inside in [
            "p",
            "a href=x",
            "br/",
            "p\u{a0}x",
            "a\u{b}b",
            "ü x",
            "div\tclass",
            "",
        ] {
            let by_char = inside.split(|c: char| c.is_whitespace() || c == '/').next();
            assert_eq!(Some(tag_name(inside)), by_char, "{inside:?}");
        }
    }

    /// `count` texts of up to `max - 1` pieces each, drawn by a fixed
    /// xorshift sequence from `seed`: the same inputs on every run.
    fn generated(pieces: &[&str], mut seed: u64, count: usize, max: u64) -> Vec<String> {
        (0..count)
            .map(|_| {
                let mut text = String::new();
                for _ in 0..(seed % max) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
                }
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                text
            })
            .collect()
    }

    #[test]
    fn escaping_agrees_with_replacing_each_character() {
        // Specials at every offset, beside multi-byte characters.
        let pieces = [
            "a",
            "&",
            "<",
            ">",
            "\"",
            "'",
            "ü",
            "–",
            "xyz",
            "0123456789abcdef",
        ];
        for text in generated(&pieces, 0x9e37_79b9_7f4a_7c15, 3000, 40) {
            let html = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            let attr = html.replace('"', "&quot;").replace('\'', "&#39;");
            assert_eq!(escape_html(&text), html, "{text:?}");
            assert_eq!(escape_attr(&text), attr, "{text:?}");
        }
    }

    #[test]
    fn escapes_every_special_character_and_keeps_the_rest() {
        let s = "a&b <c> \"d\" 'e' – ü";
        assert_eq!(escape_html(s), "a&amp;b &lt;c&gt; \"d\" 'e' – ü");
        assert_eq!(
            escape_attr(s),
            "a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39; – ü"
        );
        assert_eq!(escape_attr("&&"), "&amp;&amp;");
        assert_eq!(escape_attr(""), "");
    }

    #[test]
    fn strip_tags_decodes_once_and_collapses_whitespace() {
        assert_eq!(
            strip_tags("  <p>A &amp;lt; b</p>\n<p>c&quot;d &#39;e&#39;</p> "),
            "A &lt; b c\"d 'e'"
        );
        assert_eq!(strip_tags("x<b>y</b>z <unclosed"), "xyz");
        assert_eq!(
            strip_tags("<p>ein <em>kursiv</em>.</p><p>Neu</p>"),
            "ein kursiv. Neu"
        );
        assert_eq!(
            strip_tags("a<br>b<td>c</td><img src=x alt=\"\">d"),
            "a b c d"
        );
        assert_eq!(strip_tags("1 > 0 &nbsp;"), "1 > 0 &nbsp;");
        // Unicode and ASCII control whitespace collapse like spaces.
        assert_eq!(strip_tags("a\u{a0}\u{a0}b\x0bc\u{2003}<p>ü</p>"), "a b c ü");
    }

    /// `strip_tags` as first written, one character at a time: the fast
    /// one must agree with it on any input.
    fn strip_tags_by_char(html: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        let mut rest = html;
        while let Some(c) = rest.chars().next() {
            if c == '<' {
                let Some(end) = rest.find('>') else { break };
                if separates_words(&rest[1..end]) {
                    space = !out.is_empty();
                }
                rest = &rest[end + 1..];
                continue;
            }
            let entity = ENTITIES.into_iter().find(|(e, _)| rest.starts_with(e));
            let (ch, len) = entity.map_or((c, c.len_utf8()), |(e, ch)| (ch, e.len()));
            if ch.is_whitespace() {
                space = !out.is_empty();
            } else {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(ch);
            }
            rest = &rest[len..];
        }
        out
    }

    #[test]
    fn strip_tags_agrees_with_the_char_by_char_reading() {
        let pieces = [
            "a",
            "Zü",
            " ",
            "  ",
            "\n",
            "\t",
            "<p>",
            "</p>",
            "<em>",
            "<br>",
            "<a href=\"/x\">",
            "&amp;",
            "&lt;",
            "&",
            "&#39;",
            "<",
            "\u{a0}",
            "\u{2003}",
            "\u{2010}",
            "§",
            "ß",
            "\u{3000}",
            "\u{85}",
            "ř",
            ".",
        ];
        for html in generated(&pieces, 0x2545_f491_4f6c_dd1d, 4000, 24) {
            assert_eq!(strip_tags(&html), strip_tags_by_char(&html), "{html:?}");
        }
    }

    #[test]
    fn excerpts_cut_at_a_word_and_close_open_tags() {
        let html = "<p>Eins <a href=\"/x\">zwei drei</a> vier<br> fünf</p>";
        assert_eq!(excerpt(html, 9), html);
        assert_eq!(excerpt(html, 5), html);
        assert_eq!(excerpt(html, 2), "<p>Eins <a href=\"/x\">zwei…</a></p>");
        assert_eq!(
            excerpt(html, 4),
            "<p>Eins <a href=\"/x\">zwei drei</a> vier…</p>"
        );
        assert_eq!(excerpt("<p>a b</p>\n<p>c</p>", 2), "<p>a b…</p>");
    }
}
