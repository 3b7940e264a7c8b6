//! WordPress post HTML → clean CommonMark (with the GFM tables and
//! strikethrough kurator renders). A walk over html5ever's tree (the parser
//! ammonia already brings), so messy HTML is repaired the way a browser would
//! before it is converted. Block-editor comments are dropped, `<!--more-->`
//! stays kurator's summary marker.

use super::dom::{attr, tag, text_of, DROPPED, MAX_NESTING};
use super::md_write::*;
use super::{plain, shortcode};
use html5ever::tendril::TendrilSink;
use html5ever::{ns, LocalName, QualName};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// How a post is converted.
pub enum Mode<'a> {
    /// Everything becomes the body.
    Article,
    /// A curated link: the first link for which `is_external` holds becomes
    /// the link's `url`, the first blockquote its `quote`.
    Link {
        is_external: &'a dyn Fn(&str) -> bool,
    },
}

/// The markdown and what was taken out of it.
#[derive(Debug, Default)]
pub struct Converted {
    pub markdown: String,
    /// (URL, link text) of the first external link (link mode only).
    pub first_link: Option<(String, String)>,
    /// The first blockquote as plain text and its `<cite>` (link mode only).
    pub quote: Option<String>,
    pub cite: Option<String>,
    /// Shortcodes left as text, by name.
    pub shortcodes: Vec<String>,
    /// Images with no alt text even after falling back to their caption.
    pub missing_alt: usize,
    /// Markup nested deeper than `MAX_NESTING`; what lay below was dropped.
    pub too_deep: bool,
}

/// Converts one post's `content:encoded`. `url` rewrites every link and image
/// address (local media, old permalinks).
pub fn convert(html: &str, mode: Mode, url: &mut dyn FnMut(&str) -> String) -> Converted {
    let mut shortcodes = Vec::new();
    let block_editor = html.contains("<!-- wp:");
    let expanded = shortcode::expand(html, &mut shortcodes);
    let html = if block_editor {
        expanded
    } else {
        shortcode::autop(&expanded)
    };
    if plain::nesting_estimate(&html) > plain::MAX_PARSE_NESTING {
        return Converted {
            markdown: plain::fallback(&html),
            shortcodes,
            too_deep: true,
            ..Default::default()
        };
    }
    let dom = parse(html);
    let mut w = Walker {
        url,
        mode,
        first_link: None,
        quote: None,
        cite: None,
        caption_alt: None,
        missing_alt: 0,
        nesting: 0,
        too_deep: false,
    };
    let mut blocks = Vec::new();
    w.blocks(&dom.document, &mut blocks, 0);
    let mut markdown = blocks.join("\n\n");
    if !markdown.is_empty() {
        markdown.push('\n');
    }
    Converted {
        markdown,
        first_link: w.first_link,
        quote: w.quote,
        cite: w.cite,
        shortcodes,
        missing_alt: w.missing_alt,
        too_deep: w.too_deep,
    }
}

/// Parses a post fragment the way a browser parses the inside of `<body>`.
pub(super) fn parse(html: String) -> RcDom {
    html5ever::parse_fragment(
        RcDom::default(),
        Default::default(),
        QualName::new(None, ns!(html), LocalName::from("body")),
        Vec::new(),
        false,
    )
    .one(html)
}

struct Walker<'a, 'b> {
    url: &'b mut dyn FnMut(&str) -> String,
    mode: Mode<'a>,
    first_link: Option<(String, String)>,
    quote: Option<String>,
    cite: Option<String>,
    /// Inside a `<figure>`: its caption, the alt text of an image without one.
    caption_alt: Option<String>,
    missing_alt: usize,
    nesting: usize,
    too_deep: bool,
}

/// Elements the converter treats as blocks beyond HTML's layout blocks:
/// WordPress content embeds, and document wrappers of pasted pages.
const EXTRA_BLOCKS: &[&str] = &[
    "center", "iframe", "html", "body", "script", "style", "noscript",
];

fn has_class(n: &Handle, class: &str) -> bool {
    attr(n, "class").is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

fn is_block(n: &Handle) -> bool {
    match &n.data {
        NodeData::Element { name, .. } => {
            crate::html::is_block_element(&name.local) || EXTRA_BLOCKS.contains(&&*name.local)
        }
        NodeData::Comment { contents } => is_more(contents),
        NodeData::Document => true,
        _ => false,
    }
}

fn is_more(comment: &str) -> bool {
    let c = comment.trim();
    c == "more" || c.starts_with("more ")
}

impl Walker<'_, '_> {
    /// Appends the markdown blocks of `n`'s children to `out`; inline runs
    /// between block children become paragraphs. `depth` counts enclosing
    /// lists and quotes (a curated link's quote is taken only at the top).
    fn blocks(&mut self, n: &Handle, out: &mut Vec<String>, depth: usize) {
        if self.nesting > MAX_NESTING {
            self.too_deep = true;
            return;
        }
        self.nesting += 1;
        self.blocks_inner(n, out, depth);
        self.nesting -= 1;
    }

    fn blocks_inner(&mut self, n: &Handle, out: &mut Vec<String>, depth: usize) {
        let mut inline = String::new();
        for c in n.children.borrow().iter() {
            if is_block(c) {
                flush(&mut inline, out);
                self.block(c, out, depth);
            } else {
                self.inline(c, &mut inline);
            }
        }
        flush(&mut inline, out);
    }

    fn block(&mut self, n: &Handle, out: &mut Vec<String>, depth: usize) {
        if let NodeData::Comment { .. } = n.data {
            out.push("<!-- more -->".into());
            return;
        }
        let name = tag(n).unwrap_or("");
        match name {
            "p" | "dd" | "summary" | "address" => {
                if depth == 0 && self.sole_external_link(n) {
                    return;
                }
                let mut s = String::new();
                self.inline_children(n, &mut s);
                flush(&mut s, out);
            }
            "dt" => {
                let mut s = String::new();
                self.inline_children(n, &mut s);
                let s = s.trim();
                if !s.is_empty() {
                    out.push(format!("**{s}**"));
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse::<usize>().unwrap_or(2);
                let mut s = String::new();
                self.inline_children(n, &mut s);
                let s = one_line(&s);
                if !s.is_empty() {
                    out.push(format!("{} {s}", "#".repeat(level)));
                }
            }
            "ul" | "ol" => {
                let s = self.list(n, name == "ol", depth);
                if !s.is_empty() {
                    out.push(s);
                }
            }
            "blockquote" => self.blockquote(n, out, depth),
            "pre" => out.push(code_block(n)),
            "table" => {
                let s = self.table(n);
                if !s.is_empty() {
                    out.push(s);
                }
            }
            "figcaption" => {
                let mut s = String::new();
                self.inline_children(n, &mut s);
                let s = one_line(&s);
                if !s.is_empty() {
                    out.push(format!("*{s}*"));
                }
            }
            "hr" => out.push("* * *".into()),
            "figure" | "iframe" | "div" => self.media_block(n, name, out, depth),
            x if DROPPED.contains(&x) => {}
            _ => self.blocks(n, out, depth),
        }
    }

    /// Figures (their caption doubles as alt text), embeds and iframes.
    fn media_block(&mut self, n: &Handle, name: &str, out: &mut Vec<String>, depth: usize) {
        match name {
            "figure" => {
                let caption = n
                    .children
                    .borrow()
                    .iter()
                    .find(|c| tag(c) == Some("figcaption"))
                    .map(|c| {
                        let mut t = String::new();
                        text_of(c, &mut t);
                        one_line(&t)
                    });
                let outer = std::mem::replace(&mut self.caption_alt, caption);
                self.blocks(n, out, depth);
                self.caption_alt = outer;
            }
            "iframe" => {
                if let Some(src) = attr(n, "src").filter(|s| is_web(s)) {
                    out.push(format!("<{}>", src.replace(['<', '>', ' '], "")));
                }
            }
            "div" if has_class(n, "wp-block-embed__wrapper") => {
                let mut s = String::new();
                text_of(n, &mut s);
                let s = s.trim();
                if is_web(s) && !s.contains(char::is_whitespace) {
                    out.push(format!("<{}>", s.replace(['<', '>'], "")));
                }
            }
            _ => self.blocks(n, out, depth),
        }
    }

    /// In link mode, a top-level paragraph that is only the first external
    /// link is the link's `url` and is left out of the commentary.
    fn sole_external_link(&mut self, p: &Handle) -> bool {
        let Mode::Link { is_external } = self.mode else {
            return false;
        };
        if self.first_link.is_some() {
            return false;
        }
        let children = p.children.borrow();
        let mut meaningful = children.iter().filter(|c| match &c.data {
            NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
            _ => true,
        });
        let (Some(a), None) = (meaningful.next(), meaningful.next()) else {
            return false;
        };
        let href = match (tag(a), attr(a, "href")) {
            (Some("a"), Some(h)) if is_external(&h) => h,
            _ => return false,
        };
        let mut text = String::new();
        text_of(a, &mut text);
        self.first_link = Some((href, one_line(&text)));
        true
    }

    fn blockquote(&mut self, n: &Handle, out: &mut Vec<String>, depth: usize) {
        let cite_node = n
            .children
            .borrow()
            .iter()
            .find(|c| tag(c) == Some("cite"))
            .cloned();
        if depth == 0 && self.quote.is_none() && matches!(self.mode, Mode::Link { .. }) {
            let mut paras = Vec::new();
            for c in n.children.borrow().iter() {
                if tag(c) == Some("cite") {
                    continue;
                }
                let mut t = String::new();
                text_of(c, &mut t);
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !t.is_empty() {
                    paras.push(t);
                }
            }
            self.quote = Some(paras.join("\n\n"));
            self.cite = cite_node.map(|c| {
                let mut t = String::new();
                text_of(&c, &mut t);
                one_line(&t)
            });
            return;
        }
        let mut inner = Vec::new();
        self.blocks(n, &mut inner, depth + 1);
        let body = inner.join("\n\n");
        if body.trim().is_empty() {
            return;
        }
        out.push(prefix_lines(&body, "> ", ">"));
    }

    fn list(&mut self, n: &Handle, ordered: bool, depth: usize) -> String {
        let start: usize = attr(n, "start").and_then(|s| s.parse().ok()).unwrap_or(1);
        let mut items: Vec<Vec<String>> = Vec::new();
        for c in n.children.borrow().iter() {
            match tag(c) {
                Some("li") => {
                    let mut b = Vec::new();
                    self.blocks(c, &mut b, depth + 1);
                    items.push(b);
                }
                // `<ul><li>a</li><ul>…</ul></ul>` (invalid, common in old
                // posts): the inner list belongs to the item before it.
                Some("ul") | Some("ol") => {
                    let s = self.list(c, tag(c) == Some("ol"), depth + 1);
                    match items.last_mut() {
                        Some(last) => last.push(s),
                        None => items.push(vec![s]),
                    }
                }
                _ => {}
            }
        }
        let loose = items.iter().any(|b| {
            b.iter()
                .filter(|x| !x.starts_with("- ") && !starts_ordered(x))
                .count()
                > 1
        });
        let sep = if loose { "\n\n" } else { "\n" };
        let mut out = Vec::new();
        for (i, b) in items.iter().enumerate() {
            let marker = if ordered {
                format!("{}. ", start + i)
            } else {
                "- ".to_string()
            };
            let body = b.join(sep);
            if body.is_empty() {
                out.push(marker.trim_end().to_string());
                continue;
            }
            let indent = " ".repeat(marker.len());
            let mut lines = body.lines();
            let mut s = format!("{marker}{}", lines.next().unwrap_or(""));
            for l in lines {
                s.push('\n');
                if !l.is_empty() {
                    s.push_str(&indent);
                    s.push_str(l);
                }
            }
            out.push(s);
        }
        out.join(sep)
    }

    fn table(&mut self, n: &Handle) -> String {
        let mut rows: Vec<Vec<String>> = Vec::new();
        self.rows(n, &mut rows);
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return String::new();
        }
        let line = |r: &[String]| {
            let mut s = String::from("|");
            for i in 0..cols {
                s.push(' ');
                s.push_str(r.get(i).map(String::as_str).unwrap_or(""));
                s.push_str(" |");
            }
            s
        };
        let mut out = vec![line(&rows[0]), format!("|{}", " --- |".repeat(cols))];
        out.extend(rows[1..].iter().map(|r| line(r)));
        out.join("\n")
    }

    fn rows(&mut self, n: &Handle, rows: &mut Vec<Vec<String>>) {
        for c in n.children.borrow().iter() {
            match tag(c) {
                Some("tr") => {
                    let mut cells = Vec::new();
                    for cell in c.children.borrow().iter() {
                        if matches!(tag(cell), Some("td") | Some("th")) {
                            let mut s = String::new();
                            self.inline_children(cell, &mut s);
                            let s = s.trim().replace("\\\n", "<br>").replace('\n', " ");
                            cells.push(s.replace('|', "\\|"));
                        }
                    }
                    rows.push(cells);
                }
                Some("thead") | Some("tbody") | Some("tfoot") => self.rows(c, rows),
                _ => {}
            }
        }
    }

    fn inline_children(&mut self, n: &Handle, out: &mut String) {
        if self.nesting > MAX_NESTING {
            self.too_deep = true;
            return;
        }
        self.nesting += 1;
        self.inline_children_inner(n, out);
        self.nesting -= 1;
    }

    fn inline_children_inner(&mut self, n: &Handle, out: &mut String) {
        for c in n.children.borrow().iter() {
            self.inline(c, out);
        }
    }

    fn inline(&mut self, n: &Handle, out: &mut String) {
        let name = match &n.data {
            NodeData::Text { contents } => {
                push_text(&contents.borrow(), out);
                return;
            }
            NodeData::Element { name, .. } => name.local.to_string(),
            _ => return,
        };
        match name.as_str() {
            "strong" | "b" => self.wrap(n, "**", out),
            "em" | "i" | "cite" | "dfn" => self.wrap(n, "*", out),
            "del" | "s" | "strike" => self.wrap(n, "~~", out),
            "code" | "tt" | "kbd" | "samp" => {
                let mut t = String::new();
                text_of(n, &mut t);
                out.push_str(&code_span(&t.replace('\n', " ")));
            }
            "sup" | "sub" => {
                let mut t = String::new();
                self.inline_children(n, &mut t);
                out.push_str(&format!("<{name}>{}</{name}>", t.trim()));
            }
            "br" => out.push_str("\\\n"),
            "a" => self.link(n, out),
            "img" => self.image(n, out),
            x if DROPPED.contains(&x) => {}
            _ => self.inline_children(n, out),
        }
    }

    fn wrap(&mut self, n: &Handle, marker: &str, out: &mut String) {
        let mut t = String::new();
        self.inline_children(n, &mut t);
        let inner = t.trim();
        if inner.is_empty() {
            out.push_str(if t.is_empty() { "" } else { " " });
            return;
        }
        if t.starts_with(char::is_whitespace) && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(marker);
        out.push_str(inner);
        out.push_str(marker);
        if t.ends_with(char::is_whitespace) {
            out.push(' ');
        }
    }

    fn link(&mut self, n: &Handle, out: &mut String) {
        let mut text = String::new();
        self.inline_children(n, &mut text);
        let href = attr(n, "href").unwrap_or_default();
        let href = href.trim();
        if href.is_empty() || is_unsafe(href) {
            out.push_str(&text);
            return;
        }
        if let Mode::Link { is_external } = self.mode {
            if self.first_link.is_none() && is_external(href) {
                let mut plain = String::new();
                text_of(n, &mut plain);
                self.first_link = Some((href.to_string(), one_line(&plain)));
            }
        }
        let dest = (self.url)(href);
        let inner = text.trim();
        let inner = if inner.is_empty() {
            escape(&dest)
        } else {
            inner.to_string()
        };
        if text.starts_with(' ') && !out.ends_with(' ') {
            out.push(' ');
        }
        if inner == escape(&dest) && is_web(&dest) && !dest.contains([' ', '<', '>']) {
            // A bare URL (an `[embed]`, an auto-linked address) stays one.
            out.push_str(&format!("<{dest}>"));
        } else {
            out.push_str(&format!("[{inner}]({}{})", destination(&dest), title(n)));
        }
        if text.ends_with(' ') {
            out.push(' ');
        }
    }

    fn image(&mut self, n: &Handle, out: &mut String) {
        let src = attr(n, "src")
            .or_else(|| attr(n, "data-src"))
            .unwrap_or_default();
        if src.trim().is_empty() || is_unsafe(&src) {
            return;
        }
        let dest = (self.url)(src.trim());
        let mut alt = one_line(&attr(n, "alt").unwrap_or_default());
        if alt.is_empty() {
            // WordPress shows the caption under the image; for a screen
            // reader it is the best description there is.
            alt = self.caption_alt.clone().unwrap_or_default();
        }
        if alt.is_empty() {
            self.missing_alt += 1;
        }
        let alt = escape(&alt);
        out.push_str(&format!("![{alt}]({}{})", destination(&dest), title(n)));
    }
}

fn title(n: &Handle) -> String {
    match attr(n, "title").map(|t| one_line(&t)) {
        Some(t) if !t.is_empty() => {
            format!(" \"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
        }
        _ => String::new(),
    }
}

#[cfg(test)]
#[path = "html_md_tests.rs"]
mod tests;
