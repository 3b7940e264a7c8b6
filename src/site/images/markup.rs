//! Responsive markup: each `<img>` in rendered content whose `src` is a
//! known image becomes `<picture>` with a `<source>` per modern format and
//! an `<img>` with `srcset`, `sizes`, `width`/`height` and lazy loading.
//!
//! A post-pass over the (already sanitised) HTML rather than a change to
//! the markdown renderer, because sizes are known only after reading the
//! image, and parsing may not read other files. The pass is a plain scan
//! for `<img`; text and code never contain a literal `<` (it is escaped).

use crate::content::markdown::Rendered;
use crate::content::packed::Packed;
use crate::html::escape_attr;
use crate::media::{Images, Ref, Source};
use crate::site::Site;

/// The layout width of the content column (`--measure: 42rem` in the
/// default theme): the browser picks the variant from it.
pub const SIZES: &str = "(max-width: 42rem) 100vw, 42rem";

/// Avatar size the themes show at most (CSS px), doubled for sharp screens.
const AVATAR_PX: u32 = 112 * 2;

impl Images {
    /// Rewrites every body, share image and avatar of the site.
    pub fn rewrite_site(&self, site: &mut Site) {
        for it in &mut site.items {
            self.rewrite_item(it);
        }
        for p in &mut site.pages {
            p.body.html = self.rewrite_html(&p.origin.rel, &p.body, true);
        }
        for c in &mut site.channels {
            c.intro.html = self.rewrite_html(&c.origin.rel, &c.intro, false);
        }
        for a in &mut site.authors {
            let from = a.origin.rel.clone();
            a.bio.html = self.rewrite_html(&from, &a.bio, false);
            let rel = a.avatar.as_deref().and_then(|u| self.resolve(&from, u));
            match rel.as_deref().and_then(|r| self.by_rel.get(r)) {
                Some(Ref::Source(i)) => {
                    let s = &self.sources[*i];
                    a.avatar = s.at_least(AVATAR_PX).map(|v| v.url.clone());
                    a.avatar_srcset = Some(s.srcset(s.fallback()));
                }
                Some(Ref::Asset(i)) => a.avatar = Some(self.assets[*i].url.clone()),
                None => {}
            }
        }
    }

    /// Rewrites one article's or link's body, summary and share image.
    pub fn rewrite_item(&self, it: &mut crate::content::Item) {
        let from = it.origin.rel.clone();
        it.body.html = self.rewrite_html(&from, &it.body, true);
        if let Some(s) = &it.body.summary_html {
            it.body.summary_html = Some(self.rewrite(&from, s, false));
        }
        if let Some(u) = it.image.as_deref().and_then(|i| self.url_of(&from, i)) {
            it.image = Some(u.to_string());
        }
    }

    /// [`Images::rewrite`] for a rendered body, kept packed. One without
    /// images (none in its markdown, no raw HTML) is not unpacked and stays
    /// the same allocation (`serve`'s parse cache and the site share it).
    fn rewrite_html(&self, from: &str, body: &Rendered, eager_first: bool) -> Packed {
        if body.refs.iter().any(|r| r.is_image) || body.had_raw_html {
            let html = body.html.unpack();
            if html.contains("<img") {
                return Packed::new(&self.rewrite(from, &html, eager_first));
            }
        }
        body.html.clone()
    }

    /// `html` with its known images rewritten; `eager_first` leaves the
    /// first image of the text without lazy loading (it is often what the
    /// reader sees first, and lazy loading would delay it).
    pub fn rewrite(&self, from: &str, html: &str, eager_first: bool) -> String {
        let mut out = String::with_capacity(html.len() + 256);
        let mut rest = html;
        let mut first = eager_first;
        while let Some(at) = rest.find("<img") {
            let after = &rest[at + 4..];
            let is_tag = after.starts_with([' ', '\n', '\t', '/', '>']);
            let Some(end) = is_tag.then(|| tag_end(after)).flatten() else {
                out.push_str(&rest[..at + 4]);
                rest = after;
                continue;
            };
            out.push_str(&rest[..at]);
            let attrs = parse_attrs(&after[..end]);
            let lazy = !first;
            first = false;
            out.push_str(
                &self
                    .img(from, &attrs, lazy)
                    .unwrap_or_else(|| format!("<img{}>", &after[..end])),
            );
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    fn img(&self, from: &str, attrs: &[(String, String)], lazy: bool) -> Option<String> {
        let src = attrs
            .iter()
            .find(|(k, _)| k == "src")
            .map(|(_, v)| unescape(v));
        let target = src
            .as_deref()
            .and_then(|s| self.resolve(from, s))
            .and_then(|rel| self.by_rel.get(&rel).copied());
        let keep = |out: &mut String| {
            for (k, v) in attrs {
                let ours = [
                    "src", "srcset", "sizes", "width", "height", "loading", "decoding",
                ];
                if !ours.contains(&k.as_str()) {
                    out.push_str(&format!(" {k}=\"{v}\""));
                }
            }
            if lazy {
                out.push_str(" loading=\"lazy\" decoding=\"async\"");
            }
        };
        let mut out = String::new();
        match target {
            Some(Ref::Source(i)) => picture(&self.sources[i], &mut out, keep),
            Some(Ref::Asset(i)) => {
                out.push_str(&format!(
                    "<img src=\"{}\"",
                    escape_attr(&self.assets[i].url)
                ));
                keep(&mut out);
                out.push('>');
            }
            // Not ours (external, SVG in static/…): left exactly as written.
            None => return None,
        }
        Some(out)
    }
}

fn picture(s: &Source, out: &mut String, keep: impl Fn(&mut String)) {
    let Some(big) = s.largest() else { return };
    out.push_str("<picture>");
    let formats: Vec<_> = {
        let mut f: Vec<_> = s.variants.iter().map(|v| v.format).collect();
        f.dedup();
        f
    };
    for f in formats.into_iter().filter(|&f| f != s.fallback()) {
        out.push_str(&format!(
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{SIZES}\">",
            f.mime(),
            s.srcset(f)
        ));
    }
    out.push_str(&format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{SIZES}\" width=\"{}\" height=\"{}\"",
        big.url,
        s.srcset(s.fallback()),
        big.width,
        big.height
    ));
    keep(out);
    out.push_str("></picture>");
}

/// The index of the `>` that closes a tag, skipping quoted values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Attributes of a tag body (`src="a" alt='b' hidden`), values as written
/// (still escaped) and re-quoted with `"` on output.
fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim_end_matches('/').trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (v, after) = match r.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = r[1..].find(q).map_or(r.len(), |i| i + 1);
                    (&r[1..close], r.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let e = r.find(char::is_whitespace).unwrap_or(r.len());
                    (&r[..e], &r[e..])
                }
            };
            value = v.replace('"', "&quot;");
            rest = after;
        }
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            out.push((name, value));
        }
        rest = rest.trim_start_matches('/').trim_start();
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_parse_in_every_quoting() {
        let a = parse_attrs(" src=\"a.jpg\" alt='Team &amp; Co' hidden /");
        assert_eq!(a[0], ("src".into(), "a.jpg".into()));
        assert_eq!(a[1], ("alt".into(), "Team &amp; Co".into()));
        assert_eq!(a[2], ("hidden".into(), String::new()));
        assert_eq!(tag_end(" alt=\"a>b\">x"), Some(10));
    }

    #[test]
    fn unknown_images_keep_their_markup() {
        let i = Images::default();
        let h = "<p><img src=\"https://x.example/a.jpg\" alt=\"A\"><code>&lt;img</code></p>";
        assert_eq!(
            i.rewrite("a.md", h, true),
            "<p><img src=\"https://x.example/a.jpg\" alt=\"A\"><code>&lt;img</code></p>"
        );
    }
}
