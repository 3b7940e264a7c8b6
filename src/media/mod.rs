//! Images (SPEC §11): every raster file content uses becomes resized,
//! metadata-free variants under content-hashed names, registered as routes.
//!
//! The seam: parsing never reads other files, so markdown leaves `<img
//! src>` as written. After resolving, [`crate::site::images::scan`] reads the header of every
//! image content refers to (sizes, orientation; nothing is decoded), reports
//! findings at the reference, and [`rewrite`](Images::rewrite_site) turns each
//! `<img>` of a known image into `<picture>` markup with `srcset`, `sizes`,
//! `width`/`height` and lazy loading. `build` and `serve` then call
//! [`encode_all`], which fills the cache; the image routes copy from it.

pub mod image;
mod strip;

use crate::cache::Cache;
use crate::config::ImagesConfig;
use crate::diagnostics::{Diagnostic, Location, Problem};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::PathBuf;

/// The raster formats kurator decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Raster {
    Jpeg,
    Png,
    Webp,
}

/// The format of one published file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariantFormat {
    Jpeg,
    Png,
    Webp,
    Avif,
}

impl VariantFormat {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            VariantFormat::Jpeg => "jpg",
            VariantFormat::Png => "png",
            VariantFormat::Webp => "webp",
            VariantFormat::Avif => "avif",
        }
    }

    /// MIME type, for `<source type>`.
    pub fn mime(self) -> &'static str {
        match self {
            VariantFormat::Jpeg => "image/jpeg",
            VariantFormat::Png => "image/png",
            VariantFormat::Webp => "image/webp",
            VariantFormat::Avif => "image/avif",
        }
    }

    pub(crate) fn of(r: Raster) -> Self {
        match r {
            Raster::Jpeg => VariantFormat::Jpeg,
            Raster::Png => VariantFormat::Png,
            Raster::Webp => VariantFormat::Webp,
        }
    }
}

/// One published file of a source image.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Output path relative to the output root.
    pub path: String,
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub format: VariantFormat,
    /// The full-size file at the source's own `static/` path.
    pub original: bool,
}

/// A raster image the site uses, with everything published for it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, e.g. `static/img/a.jpg`.
    pub rel: String,
    pub path: PathBuf,
    /// Content hash + settings: the cache key and the variants' folder name.
    pub key: String,
    pub raster: Raster,
    /// Displayed size (after orientation).
    pub width: u32,
    pub height: u32,
    pub oriented: bool,
    pub variants: Vec<Variant>,
}

impl Source {
    /// The resized variants of one format, narrowest first.
    pub fn of_format(&self, f: VariantFormat) -> impl Iterator<Item = &Variant> {
        self.variants
            .iter()
            .filter(move |v| v.format == f && !v.original)
    }

    /// The fallback (source) format.
    pub fn fallback(&self) -> VariantFormat {
        VariantFormat::of(self.raster)
    }

    /// `srcset` of one format: `url 480w, url 960w`.
    pub fn srcset(&self, f: VariantFormat) -> String {
        let parts: Vec<String> = (self.of_format(f))
            .map(|v| format!("{} {}w", v.url, v.width))
            .collect();
        parts.join(", ")
    }

    /// The widest fallback variant: `src` for browsers without `srcset`,
    /// and the share image.
    pub fn largest(&self) -> Option<&Variant> {
        self.of_format(self.fallback()).last()
    }

    /// The narrowest fallback variant at least `w` wide (else the widest).
    pub fn at_least(&self, w: u32) -> Option<&Variant> {
        let f = self.fallback();
        (self.of_format(f).find(|v| v.width >= w)).or_else(|| self.largest())
    }
}

/// A file next to a markdown file that is published as it is (SVG, GIF).
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: String,
    pub path: PathBuf,
    pub output: String,
    pub url: String,
}

/// Every image of one build.
#[derive(Debug, Clone, Default)]
pub struct Images {
    pub config: ImagesConfig,
    /// Sorted by `rel`.
    pub sources: Vec<Source>,
    pub assets: Vec<Asset>,
    /// Site-relative path → what it names (filled by the scan).
    pub(crate) by_rel: FxHashMap<String, Ref>,
    /// Where the encoded variants are kept (set by [`crate::site::images::scan`]).
    pub cache: Option<Cache>,
    /// Files `discover` found (static and next to content), to resolve
    /// references against.
    pub(crate) files: FxHashMap<String, PathBuf>,
}

/// What a site-relative path stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ref {
    Source(usize),
    Asset(usize),
}

impl Images {
    /// The source image a site-relative path names.
    pub fn source(&self, rel: &str) -> Option<&Source> {
        match self.by_rel.get(rel)? {
            Ref::Source(i) => self.sources.get(*i),
            Ref::Asset(_) => None,
        }
    }

    /// The published URL a reference stands for, when it is a local image
    /// (a raster file's widest variant, or a copied asset).
    pub fn url_of(&self, from: &str, url: &str) -> Option<&str> {
        let rel = self.resolve(from, url)?;
        match self.by_rel.get(&rel)? {
            Ref::Source(i) => self.sources[*i].largest().map(|v| v.url.as_str()),
            Ref::Asset(i) => Some(self.assets[*i].url.as_str()),
        }
    }

    /// Whether a relative reference names a file that exists.
    pub fn exists(&self, from: &str, url: &str) -> bool {
        self.resolve(from, url).is_some()
    }

    /// The site-relative file a reference in `from` (a site-relative
    /// markdown path) names: `/x.jpg` is `static/x.jpg`; `x.jpg` and
    /// `../x.jpg` are relative to the markdown file's folder.
    pub fn resolve(&self, from: &str, url: &str) -> Option<String> {
        let rel = resolve_path(from, url)?;
        self.files.contains_key(&rel).then_some(rel)
    }

    /// Makes sure every variant is in the cache, in parallel, one source per
    /// task (so no more than a decoded photo or two per thread is in memory).
    /// Returns how many files were encoded and the sources that failed.
    pub fn encode_all(&self, cache: &Cache) -> (usize, Vec<Diagnostic>) {
        let results: Vec<Result<usize, Diagnostic>> = (self.sources.par_iter())
            .map(|s| {
                image::ensure(cache, s, &self.config).map_err(|what| {
                    Diagnostic::new(
                        Location::file(&s.rel),
                        Problem::ImageUnreadable {
                            image: s.rel.clone(),
                            what,
                        },
                    )
                })
            })
            .collect();
        let mut n = 0;
        let mut found = Vec::new();
        for r in results {
            match r {
                Ok(k) => n += k,
                Err(d) => found.push(d),
            }
        }
        (n, found)
    }
}

/// A reference's site-relative path, or `None` for external URLs,
/// fragments and paths that climb out of the site.
fn resolve_path(from: &str, url: &str) -> Option<String> {
    let path = url.split(['#', '?']).next().unwrap_or(url);
    if path.is_empty() || path.starts_with("//") {
        return None;
    }
    let scheme = path.find(':');
    if scheme.is_some_and(|c| !path[..c].contains('/')) {
        return None;
    }
    let path = percent_decode(path);
    let (base, rest) = match path.strip_prefix('/') {
        Some(r) => ("static".to_string(), r.to_string()),
        None => (
            from.rsplit_once('/').map_or("", |(d, _)| d).to_string(),
            path,
        ),
    };
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_like_a_browser_would() {
        let md = "articles/2024/offsite/index.md";
        assert_eq!(
            resolve_path(md, "team.jpg").unwrap(),
            "articles/2024/offsite/team.jpg"
        );
        assert_eq!(
            resolve_path(md, "./a/b%20c.png").unwrap(),
            "articles/2024/offsite/a/b c.png"
        );
        assert_eq!(resolve_path(md, "../x.jpg").unwrap(), "articles/2024/x.jpg");
        assert_eq!(
            resolve_path(md, "/img/x.jpg?v=1").unwrap(),
            "static/img/x.jpg"
        );
        assert!(resolve_path(md, "https://a.example/x.jpg").is_none());
        assert!(resolve_path(md, "//a.example/x.jpg").is_none());
        assert!(resolve_path("a.md", "../../etc/passwd").is_none());
    }
}
