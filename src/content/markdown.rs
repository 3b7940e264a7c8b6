//! Markdown → HTML with pulldown-cmark: heading ids, highlighted code,
//! German or English typographic quotes, `<!-- more -->` summaries, refused
//! script URLs, and the links/images a body contains (for `check`).

use crate::content::highlight::Highlighter;
use crate::content::packed::Packed;
use crate::content::slug::slugify;
use crate::diagnostics::Problem;
use crate::html::{escape_html, is_unsafe_url, sanitize};
use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use rustc_hash::FxHashMap;

/// What the renderer needs besides the text.
pub struct RenderOptions<'a> {
    /// The content language; `de*` gets „German“ quotes.
    pub lang: &'a str,
    /// Trust raw HTML (`markdown.unsafe_html`); otherwise it is sanitised.
    pub unsafe_html: bool,
    pub highlighter: &'a Highlighter,
}

/// A link or image in a body, for reference checks.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyRef {
    pub url: String,
    pub is_image: bool,
    /// Byte offset of the element in the markdown body.
    pub offset: usize,
    /// The alt text (images only).
    pub alt: String,
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Held packed: read once by the page, the indexer and full feeds.
    pub html: Packed,
    /// The text before `<!-- more -->`, else the first paragraph.
    pub summary_html: Option<String>,
    /// Words outside code blocks.
    pub word_count: usize,
    pub refs: Vec<BodyRef>,
    /// Problems with their byte offset in the body.
    pub problems: Vec<(usize, Problem)>,
    /// Whether the source had raw HTML (which was sanitised unless trusted).
    pub had_raw_html: bool,
}

const MORE: &str = "<!-- more -->";

/// Renders a markdown body.
pub fn render(src: &str, opts: &RenderOptions) -> Rendered {
    let mut o = Options::empty();
    o.insert(Options::ENABLE_TABLES);
    o.insert(Options::ENABLE_FOOTNOTES);
    o.insert(Options::ENABLE_STRIKETHROUGH);
    o.insert(Options::ENABLE_TASKLISTS);
    o.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    o.insert(Options::ENABLE_SMART_PUNCTUATION);
    let german = opts.lang.starts_with("de");

    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::with_capacity(src.len() / 8);
    let mut more_at = None;
    let mut first_para: Option<(usize, Option<usize>)> = None;
    let mut depth = 0usize;
    let mut code: Option<(String, String, usize)> = None;
    let mut heading: Option<(usize, String)> = None;
    let mut alt_of: Option<usize> = None;
    let mut ids: FxHashMap<String, usize> = FxHashMap::default();

    for (ev, range) in Parser::new_ext(src, o).into_offset_iter() {
        if let Some((lang, buf, start)) = &mut code {
            match ev {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (html, problem) = opts.highlighter.highlight(buf, lang);
                    if let Some(p) = problem {
                        out.problems.push((*start, p));
                    }
                    events.push(Event::Html(html.into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match &ev {
            Event::Start(tag) => {
                if matches!(tag, Tag::Paragraph) && depth == 0 && first_para.is_none() {
                    first_para = Some((events.len(), None));
                }
                if matches!(
                    tag,
                    Tag::BlockQuote(_)
                        | Tag::List(_)
                        | Tag::Item
                        | Tag::FootnoteDefinition(_)
                        | Tag::Table(_)
                ) {
                    depth += 1;
                }
                match tag {
                    Tag::CodeBlock(kind) => {
                        let lang = match kind {
                            CodeBlockKind::Fenced(info) => {
                                info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                            }
                            CodeBlockKind::Indented => String::new(),
                        };
                        code = Some((lang, String::new(), range.start));
                        continue;
                    }
                    Tag::Heading { .. } => heading = Some((events.len(), String::new())),
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                        let is_image = matches!(tag, Tag::Image { .. });
                        let (url, problem) = checked_url(dest_url);
                        if is_image {
                            alt_of = Some(out.refs.len());
                        }
                        out.refs.push(BodyRef {
                            url: dest_url.to_string(),
                            is_image,
                            offset: range.start,
                            alt: String::new(),
                        });
                        if let Some(p) = problem {
                            out.problems.push((range.start, p));
                            events.push(Event::Start(relink(tag, url)));
                            continue;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(end) => {
                if matches!(
                    end,
                    TagEnd::BlockQuote(_)
                        | TagEnd::List(_)
                        | TagEnd::Item
                        | TagEnd::FootnoteDefinition
                        | TagEnd::Table
                ) {
                    depth = depth.saturating_sub(1);
                }
                match end {
                    TagEnd::Paragraph if depth == 0 => {
                        if let Some((_, e @ None)) = &mut first_para {
                            *e = Some(events.len());
                        }
                    }
                    TagEnd::Heading(_) => {
                        if let Some((at, text)) = heading.take() {
                            set_heading_id(&mut events[at], &text, &mut ids);
                        }
                    }
                    TagEnd::Image => alt_of = None,
                    _ => {}
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if !matches!(ev, Event::Code(_)) {
                    out.word_count += t.split_whitespace().count();
                }
                if let Some((_, h)) = &mut heading {
                    h.push_str(t);
                }
                if let Some(i) = alt_of {
                    out.refs[i].alt.push_str(t);
                }
                // Only quotes that smart punctuation made from a typed `"` become
                // German ones; a „…“ the author typed stays as written.
                let from_straight = src.get(range.clone()) == Some("\"");
                if german && from_straight && matches!(ev, Event::Text(_)) {
                    let q = if t.as_ref() == "“" { "„" } else { "“" };
                    events.push(Event::Text(q.into()));
                    continue;
                }
            }
            // pulldown-cmark's checkbox has no accessible name (axe rule
            // `label`); the state word gives it one in the item's language.
            Event::TaskListMarker(done) => {
                let label = match (german, *done) {
                    (true, true) => "Erledigt",
                    (true, false) => "Offen",
                    (false, true) => "Done",
                    (false, false) => "Not done",
                };
                let checked = if *done { " checked=\"\"" } else { "" };
                let input = format!(
                    "<input disabled=\"\" type=\"checkbox\"{checked} aria-label=\"{label}\"/>\n"
                );
                events.push(Event::Html(input.into()));
                continue;
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.trim() == MORE && more_at.is_none() {
                    more_at = Some(events.len());
                    continue;
                }
                out.had_raw_html = true;
            }
            _ => {}
        }
        events.push(ev);
    }

    let summary_range = match (more_at, first_para) {
        (Some(m), _) => Some(0..m),
        (None, Some((s, Some(e)))) => Some(s..e + 1),
        _ => None,
    };
    if let Some(r) = summary_range {
        let mut s = String::new();
        html::push_html(&mut s, events[r].iter().cloned());
        out.summary_html = Some(s);
    }
    let mut body = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut body, events.into_iter());
    if out.had_raw_html && !opts.unsafe_html {
        body = sanitize(&body);
        out.summary_html = out.summary_html.map(|s| sanitize(&s));
    }
    out.html = Packed::new(&body);
    out
}

fn set_heading_id(ev: &mut Event, text: &str, ids: &mut FxHashMap<String, usize>) {
    if let Event::Start(Tag::Heading { id, .. }) = ev {
        let base = match id {
            Some(given) => given.to_string(),
            None => {
                let s = slugify(text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        let n = ids.entry(base.clone()).or_insert(0);
        let unique = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        *id = Some(unique.into());
    }
}

fn relink<'a>(tag: &Tag<'a>, url: String) -> Tag<'a> {
    match tag.clone() {
        Tag::Link {
            link_type,
            title,
            id,
            ..
        } => Tag::Link {
            link_type,
            dest_url: url.into(),
            title,
            id,
        },
        Tag::Image {
            link_type,
            title,
            id,
            ..
        } => Tag::Image {
            link_type,
            dest_url: url.into(),
            title,
            id,
        },
        other => other,
    }
}

/// Neutralises `javascript:`, `vbscript:` and `data:` URLs (also when
/// disguised with case, whitespace or control characters).
fn checked_url(url: &CowStr) -> (String, Option<Problem>) {
    if is_unsafe_url(url) {
        (
            "#".to_string(),
            Some(Problem::UnsafeUrl {
                value: url.to_string(),
            }),
        )
    } else {
        (url.to_string(), None)
    }
}

/// Renders a one-line summary given in front matter: plain text, escaped.
pub fn plain_summary(text: &str) -> String {
    format!("<p>{}</p>", escape_html(text.trim()))
}

/// Minutes of reading at 200 words a minute, at least 1.
pub fn reading_time(words: usize) -> u32 {
    words.div_ceil(200).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(src: &str, lang: &str) -> Rendered {
        let h = Highlighter::new();
        render(
            src,
            &RenderOptions {
                lang,
                unsafe_html: false,
                highlighter: &h,
            },
        )
    }

    #[test]
    fn summary_split_at_more_marker() {
        let r = md("First para.\n\nSecond.\n\n<!-- more -->\n\nRest.\n", "en");
        let s = r.summary_html.unwrap();
        assert!(
            s.contains("First para.") && s.contains("Second.") && !s.contains("Rest."),
            "{s}"
        );
        assert!(!r.html.unpack().contains("more"));
    }

    #[test]
    fn summary_defaults_to_first_paragraph() {
        let r = md("# Title\n\nFirst para.\n\nSecond.\n", "en");
        assert_eq!(r.summary_html.unwrap().trim(), "<p>First para.</p>");
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = md("## Führung\n\n## Führung\n\n## Custom {#mine}\n", "de");
        assert!(r.html.unpack().contains("<h2 id=\"fuehrung\">"));
        assert!(r.html.unpack().contains("<h2 id=\"fuehrung-1\">"));
        assert!(r.html.unpack().contains("<h2 id=\"mine\">"));
    }

    #[test]
    fn german_gets_low_opening_quotes() {
        assert!(md("Er sagte \"Hallo\".", "de")
            .html
            .unpack()
            .contains("„Hallo“"));
        assert!(md("Er sagte „Hallo“.", "de")
            .html
            .unpack()
            .contains("„Hallo“"));
        assert!(md("He said \"hi\".", "en").html.unpack().contains("“hi”"));
    }

    #[test]
    fn extensions_are_on() {
        let r = md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~\n\n- [x] done\n\nNote[^1]\n\n[^1]: Foot.\n",
            "en",
        );
        assert!(r.html.unpack().contains("<table>"));
        assert!(r.html.unpack().contains("<del>x</del>"));
        assert!(r.html.unpack().contains("checkbox"));
        assert!(r.html.unpack().contains("footnote"));
    }

    #[test]
    fn task_list_checkboxes_have_an_accessible_name() {
        let de = md("- [x] fertig\n- [ ] offen\n", "de").html.unpack();
        assert!(
            de.contains(r#"type="checkbox" checked="" aria-label="Erledigt""#),
            "{de}"
        );
        assert!(de.contains(r#"type="checkbox" aria-label="Offen""#), "{de}");
        let en = md("- [ ] later\n\n<kbd>x</kbd>\n", "en").html.unpack();
        assert!(
            en.contains(r#"aria-label="Not done""#),
            "sanitised too: {en}"
        );
    }

    #[test]
    fn script_urls_are_neutralised() {
        let r = md(
            "[x](javascript:alert(1)) ![y](JaVaScRiPt:alert(1)) [z](/ok/)",
            "en",
        );
        assert!(!r.html.unpack().to_lowercase().contains("javascript"));
        assert_eq!(r.problems.len(), 2);
        assert_eq!(r.refs.len(), 3);
        assert!(is_unsafe_url(" java\tscript:x"));
        assert!(is_unsafe_url("DATA:text/html,x"));
        assert!(!is_unsafe_url("https://example.com/javascript:"));
    }

    #[test]
    fn raw_html_is_sanitised_by_default() {
        let r = md("<details><summary>s</summary>ok</details>\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n", "en");
        assert!(r.had_raw_html);
        assert!(r.html.unpack().contains("<details>"));
        assert!(!r.html.unpack().contains("<script"));
        assert!(!r.html.unpack().contains("onerror"));
    }

    #[test]
    fn image_alt_and_word_count() {
        let r = md(
            "One two three.\n\n![An owl](/owl.png)\n\n```rust\nlet not_counted = 1;\n```\n",
            "en",
        );
        assert_eq!(r.refs[0].alt, "An owl");
        assert_eq!(r.word_count, 5);
        assert!(r.html.unpack().contains("hl-"));
    }

    #[test]
    fn reading_time_is_at_least_one_minute() {
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(200), 1);
        assert_eq!(reading_time(201), 2);
        assert_eq!(reading_time(450), 3);
    }
}
