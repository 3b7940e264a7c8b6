//! Guideline and reference rules (`kurator check`, also run by `build`).
//! Each rule is a small function over the resolved site producing
//! diagnostics; rules a site did not configure do not run.

mod responses;
mod share;
mod text;

use crate::config::{Guidelines, RuleSeverity};
use crate::content::{markdown::BodyRef, Item, ItemKind, Origin};
use crate::diagnostics::{Class, Diagnostic, Location};
use crate::rules::{Rule, Severity};
use crate::site::permalink::output_path;
use crate::site::Site;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use text::Haystack;

/// Runs every configured rule.
pub fn run(site: &Site) -> Vec<Diagnostic> {
    let g = &site.config.guidelines;
    let targets = Targets::new(site);
    // Files are independent; the caller sorts the findings.
    let mut out: Vec<Diagnostic> = site
        .items
        .par_iter()
        .flat_map_iter(|it| rules(g, &targets, &it.origin, &it.body.refs, Some(it)))
        .collect();
    for p in &site.pages {
        out.extend(rules(g, &targets, &p.origin, &p.body.refs, None));
    }
    for a in &site.authors {
        out.extend(rules(g, &targets, &a.origin, &a.bio.refs, None));
    }
    for c in &site.channels {
        out.extend(rules(g, &targets, &c.origin, &c.intro.refs, None));
    }
    out.extend(share::run(site, None));
    let mut out = apply_severity(g, out);
    out.extend(responses::run(g, site));
    out
}

/// The rules for one item only (`serve` after an article changed in place).
pub fn item(site: &Site, i: usize) -> Vec<Diagnostic> {
    let g = &site.config.guidelines;
    let out = match site.items.get(i) {
        Some(it) => {
            let targets = Targets::new(site);
            let mut found = rules(g, &targets, &it.origin, &it.body.refs, Some(it));
            found.extend(share::run(site, Some(i)));
            found
        }
        None => Vec::new(),
    };
    apply_severity(g, out)
}

/// Every rule over one file's text and body references.
fn rules(
    g: &Guidelines,
    targets: &Targets,
    origin: &Origin,
    refs: &[BodyRef],
    item: Option<&Item>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let searches_text = !(g.confidential_markers.is_empty()
        && g.banned_terms.is_empty()
        && g.disclosure_required_for.is_empty());
    if searches_text {
        let text = Text::new(origin);
        confidential_markers(g, &text, &mut out);
        banned_terms(g, &text, &mut out);
        if let Some(it) = item {
            disclosure(g, it, &text, &mut out);
        }
    }
    if let Some(it) = item {
        quote(g, it, &mut out);
    }
    alt_text(g, origin, refs, &mut out);
    internal_refs(targets, origin, refs, &mut out);
    out
}

fn finding(loc: Location, rule: Rule, message: String, hint: String) -> Diagnostic {
    Diagnostic {
        severity: rule.default_severity(),
        code: rule.code().to_string(),
        class: Class::Content,
        rule: Some(rule),
        file: loc.file,
        line: loc.line,
        column: loc.column,
        message,
        hint: Some(hint),
    }
}

fn apply_severity(g: &Guidelines, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .filter_map(|mut d| match d.rule.and_then(|r| g.severity.get(&r)) {
            Some(RuleSeverity::Off) => None,
            Some(RuleSeverity::Warning) => {
                d.severity = Severity::Warning;
                Some(d)
            }
            Some(RuleSeverity::Error) => {
                d.severity = Severity::Error;
                Some(d)
            }
            None => Some(d),
        })
        .collect()
}

/// A file's front matter and body, prepared once for all text rules.
struct Text<'a> {
    origin: &'a Origin,
    front_matter: Haystack,
    body: Haystack,
}

impl<'a> Text<'a> {
    fn new(origin: &'a Origin) -> Self {
        Text {
            origin,
            front_matter: Haystack::new(&origin.front_matter),
            body: Haystack::new(&origin.body),
        }
    }

    /// Positions of `needle` (case-insensitive, whole words) in front matter and body.
    fn occurrences(&self, needle: &str) -> Vec<Location> {
        let o = self.origin;
        let mut v: Vec<Location> = self
            .front_matter
            .find(needle)
            .into_iter()
            .map(|(l, c)| Location::at(&o.rel, o.fm_line + l - 1, c))
            .collect();
        v.extend(
            self.body
                .find(needle)
                .into_iter()
                .map(|(l, c)| Location::at(&o.rel, o.body_line + l - 1, c)),
        );
        v
    }
}

fn confidential_markers(g: &Guidelines, text: &Text, out: &mut Vec<Diagnostic>) {
    for m in &g.confidential_markers {
        for loc in text.occurrences(m) {
            out.push(finding(
                loc,
                Rule::ConfidentialMarker,
                format!("confidential marker `{m}` found"),
                "this text is marked as confidential: remove it, or ask the owner whether it may be published".into(),
            ));
        }
    }
}

fn banned_terms(g: &Guidelines, text: &Text, out: &mut Vec<Diagnostic>) {
    for b in &g.banned_terms {
        for loc in text.occurrences(&b.term) {
            let reason = b
                .reason
                .as_deref()
                .unwrap_or("listed in guidelines.banned_terms");
            out.push(finding(
                loc,
                Rule::BannedTerm,
                format!("`{}` must not be used: {reason}", b.term),
                "rephrase without the term".into(),
            ));
        }
    }
}

/// Articles mentioning a listed company need a `disclosure`. Curated links
/// have no disclosure field, so they are not checked (documented).
fn disclosure(g: &Guidelines, it: &Item, text: &Text, out: &mut Vec<Diagnostic>) {
    if it.kind != ItemKind::Article
        || it
            .disclosure
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty())
    {
        return;
    }
    for name in &g.disclosure_required_for {
        if let Some(loc) = text.occurrences(name).into_iter().next() {
            out.push(finding(
                loc,
                Rule::MissingDisclosure,
                format!("`{name}` is mentioned but the article has no `disclosure`"),
                format!("add e.g. `disclosure: \"Die Autorin arbeitet für {name}.\"` to the front matter"),
            ));
        }
    }
}

fn quote(g: &Guidelines, it: &Item, out: &mut Vec<Diagnostic>) {
    let Some(q) = it.link.as_ref().and_then(|l| l.quote.as_deref()) else {
        return;
    };
    let words = q.split_whitespace().count();
    let loc = it.origin.at("quote");
    if let Some(max) = g.max_quote_words {
        if words > max {
            out.push(finding(
                loc.clone(),
                Rule::QuoteTooLong,
                format!("quote has {words} words, more than the allowed {max}"),
                "shorten the quote: quote briefly, link to the source, and say what you think"
                    .into(),
            ));
        }
        // Only sites that set a quote limit care about quote length at all.
        let commentary = it.body.word_count;
        if words > commentary {
            out.push(finding(
                loc,
                Rule::QuoteLongerThanCommentary,
                format!("quote ({words} words) is longer than the commentary ({commentary} words)"),
                "a curated link is worth reading for the curator's view: write more than you quote"
                    .into(),
            ));
        }
    }
}

fn alt_text(g: &Guidelines, origin: &Origin, refs: &[BodyRef], out: &mut Vec<Diagnostic>) {
    if !g.require_alt_text {
        return;
    }
    for r in refs
        .iter()
        .filter(|r| r.is_image && r.alt.trim().is_empty())
    {
        out.push(finding(
            origin.body_offset(r.offset),
            Rule::MissingAltText,
            format!("image `{}` has no alt text", r.url),
            "describe the image for people who cannot see it: ![what it shows](url)".into(),
        ));
    }
}

/// Every output path the build writes (the route table), to check
/// root-relative links against.
struct Targets<'a> {
    paths: FxHashSet<&'a str>,
    /// Images beside content, for relative image references.
    images: &'a crate::media::Images,
}

impl<'a> Targets<'a> {
    fn new(site: &'a Site) -> Self {
        Targets {
            paths: site.routes.paths(),
            images: &site.images,
        }
    }

    fn exists(&self, url: &str) -> bool {
        let path = url.split(['#', '?']).next().unwrap_or(url);
        let path = percent_decode(path);
        if path.is_empty() || path == "/" {
            return true;
        }
        self.paths.contains(output_path(&path).as_str())
            || self.paths.contains(path.trim_start_matches('/'))
    }
}

fn internal_refs(targets: &Targets, origin: &Origin, refs: &[BodyRef], out: &mut Vec<Diagnostic>) {
    for r in refs {
        // A relative image is looked up beside its markdown file.
        let relative = !r.url.starts_with('/') && !r.url.contains(':') && !r.url.starts_with('#');
        if r.is_image
            && relative
            && !r.url.is_empty()
            && !targets.images.exists(&origin.rel, &r.url)
        {
            out.push(finding(
                origin.body_offset(r.offset),
                Rule::BrokenImage,
                format!("image `{}` is not a file beside `{}`", r.url, origin.rel),
                "put the picture next to the markdown file, or write a path from the site root (/img/… for static/img/…)".into(),
            ));
            continue;
        }
        // Only site-root links can be checked without knowing where the page
        // will live; `//host` is an external, scheme-relative URL.
        if !r.url.starts_with('/') || r.url.starts_with("//") || targets.exists(&r.url) {
            continue;
        }
        let (code, what) = if r.is_image {
            (Rule::BrokenImage, "image")
        } else {
            (Rule::BrokenLink, "link")
        };
        out.push(finding(
            origin.body_offset(r.offset),
            code,
            format!("{what} `{}` points to no page or file of this site", r.url),
            "check the path: articles live at /YYYY/MM/slug/, links at /links/slug/, static files at their path under static/".into(),
        ));
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
