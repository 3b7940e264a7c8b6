//! Fenced-code highlighting with syntect, emitted as CSS classes (`hl-*`) so
//! light and dark themes are plain stylesheets. Loaded once per build.
//!
//! Highlighted blocks are kept in the cache (`.kurator/highlight/`) by
//! content: syntect's regex engine was the largest single cost of a build's
//! parsing (perf, 10k reference site), and code blocks rarely change.

use crate::cache::Cache;
use crate::diagnostics::Problem;
use std::time::{Duration, Instant};
use syntect::highlighting::{Color, Theme, ThemeSet};
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
/// Cache namespace; the key names the grammar set and class style, so a
/// kurator with other grammars never takes another's blocks.
const NAMESPACE: &str = "highlight";
const CACHE_VERSION: &str = "hl-v1 syntect-5.3 defaults-newlines hl-prefix";

/// The loaded syntax definitions.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// `kurator check`: apply the size limits (their findings) but emit
    /// plain blocks; the HTML is never written, and syntect is most of
    /// the cost of parsing.
    limits_only: bool,
    /// Where highlighted blocks are kept between runs, if anywhere.
    cache: Option<Cache>,
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
            limits_only: false,
            cache: None,
        }
    }

    /// Keeps highlighted blocks in `cache` and takes them from there.
    pub fn with_cache(self, cache: Cache) -> Self {
        Highlighter {
            cache: Some(cache),
            ..self
        }
    }

    /// A highlighter for `kurator check`: the same size-limit findings as
    /// [`Highlighter::new`], but every block is shown plain. A grammar that
    /// fails on a block is therefore reported by `build` and `serve` only.
    pub fn limits_only() -> Self {
        Highlighter {
            limits_only: true,
            ..Self::new()
        }
    }

    /// Highlights `code` as `lang`. Returns the HTML of the whole `<pre>`
    /// element and, when highlighting had to be skipped, why. The `<pre>` is
    /// focusable (`tabindex="0"`) because a wide block scrolls sideways and
    /// keyboard users must be able to scroll it too.
    pub fn highlight(&self, code: &str, lang: &str) -> (String, Option<Problem>) {
        let Some(syntax) = self.syntaxes.find_syntax_by_token(lang) else {
            return (plain(code, lang), None);
        };
        if code.len() > MAX_BLOCK_BYTES {
            return fallback(code, lang, "the block is larger than 256 KiB");
        }
        if code.lines().any(|l| l.len() > MAX_LINE_BYTES) {
            return fallback(code, lang, "a line is longer than 8 KiB");
        }
        if self.limits_only {
            return (plain(code, lang), None);
        }
        let Some(cache) = &self.cache else {
            return self.run(syntax, code, lang);
        };
        let key = crate::cache::content_key(&[
            CACHE_VERSION.as_bytes(),
            lang.as_bytes(),
            code.as_bytes(),
        ]);
        let hit = cache.get_bytes(NAMESPACE, &key);
        // Entries are written whole (rename), but a damaged one must not
        // reach the page: a block always ends with its closing tags.
        let hit = hit.and_then(|b| String::from_utf8(b).ok());
        if let Some(html) = hit.filter(|h| h.ends_with("</code></pre>\n")) {
            return (html, None);
        }
        let (html, problem) = self.run(syntax, code, lang);
        if problem.is_none() {
            // A cache that cannot be written only costs time next run.
            let _ = cache.put_bytes(NAMESPACE, &key, html.as_bytes());
        }
        (html, problem)
    }

    /// Runs syntect on one block.
    fn run(
        &self,
        syntax: &syntect::parsing::SyntaxReference,
        code: &str,
        lang: &str,
    ) -> (String, Option<Problem>) {
        let started = Instant::now();
        let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, STYLE);
        for line in LinesWithEndings::from(code) {
            if gen
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                return fallback(code, lang, "the grammar failed on this input");
            }
            if started.elapsed() > TIME_BUDGET {
                return fallback(code, lang, "highlighting took longer than 30 seconds");
            }
        }
        let html = gen.finalize();
        let lang_class = crate::html::escape_attr(lang);
        (format!("<pre class=\"hl-code\" tabindex=\"0\"><code class=\"language-{lang_class}\">{html}</code></pre>\n"), None)
    }
}

/// A block shown as it is, without highlighting.
fn plain(code: &str, lang: &str) -> String {
    format!(
        "<pre tabindex=\"0\"><code class=\"language-{}\">{}</code></pre>\n",
        crate::html::escape_attr(lang),
        escape(code)
    )
}

/// A plain block and the finding that says why it is not highlighted.
fn fallback(code: &str, lang: &str, reason: &str) -> (String, Option<Problem>) {
    let problem = Problem::HighlightFallback {
        lang: lang.to_string(),
        reason: reason.to_string(),
    };
    (plain(code, lang), Some(problem))
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
    let css_for = |name: &str| -> Result<String, String> {
        let theme = readable(get(name)?.clone());
        css_for_theme_with_class_style(&theme, STYLE)
            .map(|css| compact(&css))
            .map_err(|e| e.to_string())
    };
    let Some(dark) = dark else {
        return css_for(light);
    };
    // Each theme under its own media query: the themes style different scope
    // combinations, so a light rule the dark theme does not override (e.g.
    // `.hl-storage.hl-type`) would otherwise paint light colours on the dark
    // background. Paper always gets the light theme, like the rest of the
    // print style.
    Ok(format!(
        "@media print, (prefers-color-scheme: light) {{\n{}}}\n@media screen and (prefers-color-scheme: dark) {{\n{}}}\n",
        css_for(light)?,
        css_for(dark)?
    ))
}

/// WCAG AA contrast for normal-size text, with a little room for rounding in
/// the browser.
const MIN_CONTRAST: f64 = 4.55;

/// syntect's bundled themes were drawn for looks, not for reading: comments in
/// `InspiredGitHub` have 2.9:1 against white, tag names in `base16-ocean.dark`
/// 3.2:1 against its background. Every foreground that misses WCAG AA against
/// the background it sits on is moved towards black (light backgrounds) or
/// white (dark ones) just far enough, which keeps its hue and leaves colours
/// that already pass untouched.
fn readable(mut theme: Theme) -> Theme {
    let Some(page_bg) = theme.settings.background else {
        // Without a background of its own the code sits on the site's
        // background, which this stylesheet cannot know.
        return theme;
    };
    if let Some(fg) = &mut theme.settings.foreground {
        *fg = with_contrast(*fg, page_bg);
    }
    for item in &mut theme.scopes {
        let bg = item.style.background.unwrap_or(page_bg);
        if let Some(fg) = &mut item.style.foreground {
            *fg = with_contrast(*fg, bg);
        }
    }
    theme
}

/// `fg` mixed towards black or white in small steps until it reaches
/// [`MIN_CONTRAST`] against `bg` (pure black or white always do for one of them).
fn with_contrast(fg: Color, bg: Color) -> Color {
    let target = if luminance(bg) > 0.18 { 0.0 } else { 255.0 };
    let mix = |c: u8, t: f64| (f64::from(c) + (target - f64::from(c)) * t).round() as u8;
    (0..=20)
        .map(|step| {
            let t = f64::from(step) / 20.0;
            Color {
                r: mix(fg.r, t),
                g: mix(fg.g, t),
                b: mix(fg.b, t),
                a: fg.a,
            }
        })
        .find(|c| contrast(*c, bg) >= MIN_CONTRAST)
        .unwrap_or(fg)
}

/// WCAG 2 relative luminance.
fn luminance(c: Color) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Selectors with more descendant steps than this are left out. Themes such as
/// `InspiredGitHub` alternate key and value colours of nested JSON with one
/// rule per nesting level, 22 levels deep: 7 KB of the 17 KB stylesheet. Past
/// this depth JSON keeps the colours of the deepest level kept.
const MAX_SELECTOR_STEPS: usize = 8;

/// syntect writes one declaration per line under a comment header, and many
/// neighbouring rules with the same declarations. The stylesheet is loaded on
/// every page with code, so it goes out without the header and whitespace, and
/// neighbours with equal bodies share one rule (merging only neighbours keeps
/// the cascade order). See [`MAX_SELECTOR_STEPS`] for the one thing dropped.
fn compact(css: &str) -> String {
    let mut rules: Vec<(String, String)> = Vec::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|i| i + open) else {
            break;
        };
        let mut selector = rest[..open].trim();
        if let Some(end) = selector.rfind("*/") {
            selector = selector[end + 2..].trim();
        }
        let body = rest[open + 1..close]
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(k, v)| format!("{}:{}", k.trim(), v.trim()))
            .collect::<Vec<_>>()
            .join(";");
        let selector = selector
            .split(',')
            .map(str::trim)
            .filter(|s| s.split_whitespace().count() <= MAX_SELECTOR_STEPS)
            .collect::<Vec<_>>()
            .join(",");
        rest = &rest[close + 1..];
        if selector.is_empty() {
            continue;
        }
        match rules.last_mut() {
            Some((prev, prev_body)) if *prev_body == body => {
                prev.push(',');
                prev.push_str(&selector);
            }
            _ => rules.push((selector, body)),
        }
    }
    rules.iter().map(|(s, b)| format!("{s}{{{b}}}\n")).collect()
}

fn escape(s: &str) -> String {
    crate::html::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_blocks_are_taken_from_the_cache_and_equal_fresh_ones() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), None);
        let h = Highlighter::new().with_cache(cache.clone());
        let code = "fn main() { let x = 1; }\n";
        let fresh = Highlighter::new().highlight(code, "rust").0;
        assert_eq!(h.highlight(code, "rust").0, fresh, "first run stores");
        assert_eq!(h.highlight(code, "rust").0, fresh, "second run reads");
        // The hit really comes from the cache: a planted entry is returned.
        let key = crate::cache::content_key(&[CACHE_VERSION.as_bytes(), b"rust", code.as_bytes()]);
        let planted = "<pre><code>planted</code></pre>\n";
        cache
            .put_bytes(NAMESPACE, &key, planted.as_bytes())
            .unwrap();
        assert_eq!(h.highlight(code, "rust").0, planted);
        // Another language of the same code is another entry.
        assert_ne!(h.highlight(code, "python").0, planted);
        // A cut-off entry is a miss.
        cache.put_bytes(NAMESPACE, &key, b"<pre><code>cut").unwrap();
        assert_eq!(h.highlight(code, "rust").0, fresh);
        // Fallbacks are not stored: a limit hit is reported on every run.
        let long = "a".repeat(10_000);
        assert!(h.highlight(&long, "rust").1.is_some());
        assert!(h.highlight(&long, "rust").1.is_some());
    }

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
    fn every_bundled_theme_reaches_aa_contrast() {
        for (name, theme) in ThemeSet::load_defaults().themes {
            let Some(bg) = theme.settings.background else {
                continue;
            };
            let theme = readable(theme);
            let fg = theme.settings.foreground.unwrap();
            assert!(contrast(fg, bg) >= 4.5, "{name}: text {fg:?} on {bg:?}");
            for item in &theme.scopes {
                if let Some(fg) = item.style.foreground {
                    let on = item.style.background.unwrap_or(bg);
                    assert!(contrast(fg, on) >= 4.5, "{name}: {fg:?} on {on:?}");
                }
            }
        }
    }

    #[test]
    fn readable_colours_are_kept_and_faint_ones_darkened() {
        let white = Color {
            r: 255,
            g: 255,
            b: 255,
            a: 255,
        };
        let navy = Color {
            r: 0x18,
            g: 0x36,
            b: 0x91,
            a: 255,
        };
        assert_eq!(with_contrast(navy, white), navy);
        let grey = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 255,
        };
        let fixed = with_contrast(grey, white);
        assert!(contrast(fixed, white) >= MIN_CONTRAST);
        assert!(fixed.r < grey.r && fixed.r == fixed.b, "{fixed:?}");
    }

    #[test]
    fn compact_drops_comments_and_merges_only_neighbours() {
        let css = "/*\n * theme \"x\" generated by syntect\n */\n\n.a {\n color: #111111;\n}\n\n.b, .c {\n color: #111111;\n}\n.d {\n color: #222222;\nfont-weight: bold;\n}\n.e {\n color: #111111;\n}\n";
        assert_eq!(
            compact(css),
            ".a,.b,.c{color:#111111}\n.d{color:#222222;font-weight:bold}\n.e{color:#111111}\n"
        );
    }

    #[test]
    fn compact_leaves_out_only_very_deep_selectors() {
        let deep = [".hl-meta"; MAX_SELECTOR_STEPS + 1].join(" ");
        let kept = [".hl-meta"; MAX_SELECTOR_STEPS].join(" ");
        let css = format!("{deep} {{\n color: #111111;\n}}\n{deep}, .a {{\n color: #222222;\n}}\n{kept} {{\n color: #333333;\n}}\n");
        assert_eq!(
            compact(&css),
            format!(".a{{color:#222222}}\n{kept}{{color:#333333}}\n")
        );
    }

    #[test]
    fn light_and_dark_rules_are_each_behind_their_media_query() {
        let css = stylesheet("InspiredGitHub", Some("base16-ocean.dark")).unwrap();
        assert!(
            css.starts_with("@media print, (prefers-color-scheme: light) {\n.hl-code{"),
            "{}",
            &css[..80]
        );
        assert_eq!(css.matches("@media").count(), 2);
        assert!(css.contains("}\n@media screen and (prefers-color-scheme: dark) {\n.hl-code{"));
        let light_only = stylesheet("InspiredGitHub", None).unwrap();
        assert!(light_only.starts_with(".hl-code{") && !light_only.contains("@media"));
    }

    #[test]
    fn huge_lines_fall_back_with_a_reason() {
        let h = Highlighter::new();
        let (html, p) = h.highlight(&"a".repeat(10_000), "rust");
        assert!(html.starts_with("<pre tabindex=\"0\"><code"));
        assert!(matches!(p, Some(Problem::HighlightFallback { .. })));
    }

    #[test]
    fn stylesheet_has_dark_block() {
        let css = stylesheet("InspiredGitHub", Some("base16-ocean.dark")).unwrap();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(stylesheet("Nope", None).is_err());
    }
}
