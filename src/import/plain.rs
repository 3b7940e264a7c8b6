//! HTML as plain text: comments and excerpts (text fields in kurator), and
//! the fallback for posts nested too deeply to parse in bounded time.

use super::dom::{tag, text_of};
use super::md_write::{escape, escape_line_start, one_line};
use super::shortcode;
use markup5ever_rcdom::Handle;

/// html5ever's tree builder looks through the stack of open elements for
/// many tags, which makes absurdly deep nesting quadratic (50,000 nested
/// `<div>`s: minutes). Deeper than this, a post is converted as plain text.
pub const MAX_PARSE_NESTING: usize = 1000;

/// How deep the elements of `html` nest, roughly: a linear scan of tags.
/// Tags HTML closes by itself (`<p>`, `<li>`, …) and void ones are not counted,
/// so sloppy classic-editor HTML does not look deep.
pub fn nesting_estimate(html: &str) -> usize {
    const SELF_CLOSING: &[&str] = &[
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "br", "img", "hr", "input", "meta",
        "link", "wbr", "source", "area", "col", "embed", "param", "track",
    ];
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || SELF_CLOSING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let end = rest.find('>').unwrap_or(rest.len());
            if !rest[..end].ends_with('/') {
                depth += 1;
                max = max.max(depth);
            }
        }
    }
    max
}

/// The text of `html` without tags, paragraphs at blank lines, escaped as markdown.
pub fn fallback(html: &str) -> String {
    let paras: Vec<String> = strip(html)
        .iter()
        .map(|p| escape_line_start(&escape(p)))
        .collect();
    let mut out = paras.join("\n\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Paragraphs (at blank lines) of `html` with every tag removed.
fn strip(html: &str) -> Vec<String> {
    let mut text = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split("\n\n")
        .map(one_line)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Comment or excerpt HTML as plain text: paragraphs separated by blank
/// lines, whitespace collapsed, no markup (these fields are text in kurator).
pub fn plain_text(html: &str) -> String {
    let mut ignored = Vec::new();
    let html = shortcode::autop(&shortcode::expand(html, &mut ignored));
    if nesting_estimate(&html) > MAX_PARSE_NESTING {
        return strip(&html).join("\n\n");
    }
    let dom = super::html_md::parse(html);
    let mut paras = Vec::new();
    collect_paragraphs(&dom.document, &mut paras);
    paras.join("\n\n")
}

fn collect_paragraphs(n: &Handle, out: &mut Vec<String>) {
    for c in n.children.borrow().iter() {
        match tag(c) {
            Some("html" | "body" | "div" | "blockquote" | "ul" | "ol" | "figure" | "section") => {
                collect_paragraphs(c, out)
            }
            _ => {
                let mut t = String::new();
                text_of(c, &mut t);
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !t.is_empty() {
                    out.push(t);
                }
            }
        }
    }
}
