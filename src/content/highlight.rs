//! Fenced-code highlighting with syntect, emitted as CSS classes (`hl-*`) so
//! light and dark themes are plain stylesheets. Loaded once per build.

use crate::diagnostics::Problem;
use std::time::{Duration, Instant};
use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Blocks beyond these limits are shown plain: syntect has no timeout of its
/// own and some grammars backtrack badly on long lines.
const MAX_BLOCK_BYTES: usize = 256 * 1024;
const MAX_LINE_BYTES: usize = 8 * 1024;
/// A last resort only: fancy-regex's backtrack limit already turns runaway
/// grammars into errors deterministically. A wall-clock limit makes output
/// depend on machine load, so it is set far above any real block.
const TIME_BUDGET: Duration = Duration::from_secs(30);

/// The loaded syntax definitions.
pub struct Highlighter {
    syntaxes: SyntaxSet,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    /// Loads syntect's bundled syntaxes (once per build).
    pub fn new() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
    }

    /// Highlights `code` as `lang`. Returns the HTML of the whole `<pre>`
    /// element and, when highlighting had to be skipped, why.
    pub fn highlight(&self, code: &str, lang: &str) -> (String, Option<Problem>) {
        let lang_class = crate::content::markdown::escape_attr(lang);
        let plain = || {
            format!(
                "<pre><code class=\"language-{lang_class}\">{}</code></pre>\n",
                escape(code)
            )
        };
        let Some(syntax) = self.syntaxes.find_syntax_by_token(lang) else {
            return (plain(), None);
        };
        let fallback = |reason: &str| {
            (
                plain(),
                Some(Problem::HighlightFallback {
                    lang: lang.to_string(),
                    reason: reason.to_string(),
                }),
            )
        };
        if code.len() > MAX_BLOCK_BYTES {
            return fallback("the block is larger than 256 KiB");
        }
        if code.lines().any(|l| l.len() > MAX_LINE_BYTES) {
            return fallback("a line is longer than 8 KiB");
        }
        let started = Instant::now();
        let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, STYLE);
        for line in LinesWithEndings::from(code) {
            if gen
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                return fallback("the grammar failed on this input");
            }
            if started.elapsed() > TIME_BUDGET {
                return fallback("highlighting took longer than 30 seconds");
            }
        }
        let html = gen.finalize();
        (format!("<pre class=\"hl-code\"><code class=\"language-{lang_class}\">{html}</code></pre>\n"), None)
    }
}

/// The stylesheet for the configured light theme and, inside a
/// `prefers-color-scheme: dark` block, the dark theme.
pub fn stylesheet(light: &str, dark: Option<&str>) -> Result<String, String> {
    let themes = ThemeSet::load_defaults();
    let get = |name: &str| {
        themes.themes.get(name).ok_or_else(|| {
            let known: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
            format!(
                "unknown highlight theme `{name}`; known: {}",
                known.join(", ")
            )
        })
    };
    let mut css = css_for_theme_with_class_style(get(light)?, STYLE).map_err(|e| e.to_string())?;
    if let Some(dark) = dark {
        let dark_css =
            css_for_theme_with_class_style(get(dark)?, STYLE).map_err(|e| e.to_string())?;
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&dark_css);
        css.push_str("}\n");
    }
    Ok(css)
}

fn escape(s: &str) -> String {
    crate::content::markdown::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes_unknown_stays_plain() {
        let h = Highlighter::new();
        let (html, p) = h.highlight("fn main() {}\n", "rust");
        assert!(html.contains("hl-"), "{html}");
        assert!(p.is_none());
        let (html, _) = h.highlight("<b>x</b>", "nosuchlang");
        assert!(html.contains("&lt;b&gt;"));
    }

    #[test]
    fn huge_lines_fall_back_with_a_reason() {
        let h = Highlighter::new();
        let (html, p) = h.highlight(&"a".repeat(10_000), "rust");
        assert!(html.starts_with("<pre><code"));
        assert!(matches!(p, Some(Problem::HighlightFallback { .. })));
    }

    #[test]
    fn stylesheet_has_dark_block() {
        let css = stylesheet("InspiredGitHub", Some("base16-ocean.dark")).unwrap();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(stylesheet("Nope", None).is_err());
    }
}
