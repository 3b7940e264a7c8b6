//! Writing markdown text: escaping, line starts, code spans, link
//! destinations, code blocks. Used by the HTML walk.

use super::dom::{attr, tag, text_of};
use markup5ever_rcdom::Handle;

/// Whether a block starts like an ordered-list item (`3. `).
pub fn starts_ordered(s: &str) -> bool {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && s[digits..].starts_with(". ")
}

/// An inline run done: trimmed, line starts made safe, pushed as a paragraph.
pub fn flush(inline: &mut String, out: &mut Vec<String>) {
    let text = std::mem::take(inline);
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|l| escape_line_start(l.trim()))
        .filter(|l| !l.is_empty())
        .collect();
    // A break at the very end of a paragraph would print a backslash.
    while let Some(last) = lines.last_mut() {
        match last.strip_suffix('\\') {
            Some(s) if s.trim().is_empty() => {
                lines.pop();
            }
            Some(s) if !s.ends_with('\\') => *last = s.trim_end().to_string(),
            _ => break,
        }
    }
    if let Some(first) = lines.first_mut() {
        if first == "\\" {
            lines.remove(0);
        }
    }
    let text = lines.join("\n");
    if !text.trim().is_empty() {
        out.push(text);
    }
}

/// Markdown reads `# `, `> `, `- `, `+ `, `1. ` and `=`/`-` lines at a line
/// start as structure; in text they must stay text.
/// Text with every markdown-active character escaped.
pub fn escape_line_start(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && (line[digits..].starts_with('.') || line[digits..].starts_with(')')) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    match line.chars().next() {
        Some('#' | '>' | '-' | '+' | '=') => format!("\\{line}"),
        _ => line.to_string(),
    }
}

/// Text on one line: breaks become spaces, whitespace collapsed.
pub fn one_line(s: &str) -> String {
    s.replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Appends text with whitespace collapsed (as HTML renders it) and markdown
/// punctuation escaped.
pub fn push_text(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            // Also at the start of `out`: a nested run (`<em> x</em>`) must
            // keep the space; paragraphs are trimmed when flushed.
            if !out.ends_with(' ') && !out.ends_with('\n') {
                out.push(' ');
            }
            continue;
        }
        push_escaped(c, out);
    }
}

/// One character of text, backslash-escaped if markdown would read it as syntax.
pub fn push_escaped(c: char, out: &mut String) {
    if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '&') {
        out.push('\\');
    }
    out.push(c);
}

pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(c, &mut s);
    }
    s
}

/// A link destination: `<…>` when it holds spaces or parentheses.
pub fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// An inline code span whose fence is longer than any backtick run inside.
pub fn code_span(text: &str) -> String {
    let longest = longest_run(text, '`');
    let fence = "`".repeat(longest + 1);
    if text.starts_with('`') || text.ends_with('`') || text.starts_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// The longest run of `ch` in `text`.
pub fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Every line prefixed (`> ` for quotes); empty lines get `empty`.
pub fn prefix_lines(body: &str, prefix: &str, empty: &str) -> String {
    body.lines()
        .map(|l| {
            if l.is_empty() {
                empty.to_string()
            } else {
                format!("{prefix}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a URL is absolute http(s).
pub fn is_web(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// `javascript:`, `vbscript:` and `data:` URLs (also disguised with case or whitespace).
pub fn is_unsafe(url: &str) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// A `<pre>` as a fenced code block, with the language if one is given.
pub fn code_block(pre: &Handle) -> String {
    let mut text = String::new();
    text_of(pre, &mut text);
    let text = text.strip_prefix('\n').unwrap_or(&text).trim_end();
    let code = pre
        .children
        .borrow()
        .iter()
        .find(|c| tag(c) == Some("code"))
        .cloned();
    let lang = code
        .as_ref()
        .and_then(language)
        .or_else(|| language(pre))
        .unwrap_or_default();
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    format!("{fence}{lang}\n{text}\n{fence}")
}

/// A code block's language from the classes highlighters write
/// (`language-rust`, `lang-php`, SyntaxHighlighter's `brush: php;`).
fn language(n: &Handle) -> Option<String> {
    let clean = |s: &str| {
        let s: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-' | '_'))
            .collect();
        Some(s.to_ascii_lowercase()).filter(|s| !s.is_empty())
    };
    if let Some(l) = attr(n, "data-lang").or_else(|| attr(n, "data-language")) {
        return clean(&l);
    }
    let class = attr(n, "class")?;
    if let Some(rest) = class.split("brush:").nth(1) {
        return clean(rest.split(';').next().unwrap_or("").trim());
    }
    class.split_whitespace().find_map(|c| {
        c.strip_prefix("language-")
            .or_else(|| c.strip_prefix("lang-"))
            .and_then(clean)
    })
}
