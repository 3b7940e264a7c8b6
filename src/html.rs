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
    // build's CPU when it was three passes with `str::replace`).
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

/// Strips tags from HTML, for descriptions and the search index.
pub fn strip_tags(html: &str) -> String {
    // One pass: drop tags (a tag separates words), decode the entities our
    // own escaping produces, and collapse whitespace.
    const ENTITIES: [(&str, char); 5] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
    ];
    let mut out = String::with_capacity(html.len());
    let mut space = false;
    let push = |out: &mut String, c: char, space: &mut bool| {
        if c.is_whitespace() {
            *space = !out.is_empty();
        } else {
            if *space {
                out.push(' ');
                *space = false;
            }
            out.push(c);
        }
    };
    // Plain ASCII text between tags is copied a run at a time; only
    // markup, entities, whitespace and other characters go one by one.
    let plain = |b: u8| b.is_ascii() && !matches!(b, b'<' | b'&' | b' ' | b'\t'..=b'\r');
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        // A single space between plain characters stays as it is: the
        // run goes on over it.
        while i < bytes.len()
            && (plain(bytes[i])
                || (bytes[i] == b' ' && i > start && bytes.get(i + 1).is_some_and(|&b| plain(b))))
        {
            i += 1;
        }
        if i > start {
            if space {
                out.push(' ');
                space = false;
            }
            out.push_str(&html[start..i]);
        }
        let rest = &html[i..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        match c {
            '<' => match rest.find('>') {
                Some(end) => {
                    // Inline tags (`<em>`, `<a>`, `<code>`) sit inside words and
                    // before punctuation: only a block boundary separates words.
                    if separates_words(&rest[1..end]) {
                        space = !out.is_empty();
                    }
                    i += end + 1;
                    continue;
                }
                None => break,
            },
            '&' => {
                if let Some((name, ch)) = ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
                    push(&mut out, *ch, &mut space);
                    i += name.len();
                    continue;
                }
                push(&mut out, c, &mut space);
            }
            c => push(&mut out, c, &mut space),
        }
        i += c.len_utf8();
    }
    out
}

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
    let name = tag_name(inner.trim_start_matches('/'));
    is_block_element(name)
        || ["br", "img", "sup", "tr", "td", "th"]
            .iter()
            .any(|b| b.eq_ignore_ascii_case(name))
}

/// Elements without an end tag, which an excerpt must not close.
const VOID: &[&str] = &["br", "img", "hr", "wbr", "input", "source", "area", "col"];

/// The element name at the start of a tag's inside (`a href=…` → `a`), as
/// written: `strip_tags` runs over every body, so it does not allocate.
fn tag_name(inside: &str) -> &str {
    (inside.split(|c: char| c.is_whitespace() || c == '/'))
        .next()
        .unwrap_or("")
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
