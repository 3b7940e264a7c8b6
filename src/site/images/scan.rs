//! Finding the images a site uses and reading their headers: the
//! references in content, the raster files in `static/`, and what each
//! source will be published as. Nothing is decoded here.

use crate::cache::Cache;
use crate::content::slug::slugify;
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::discover::SourceTree;
use crate::media::image::{header, Header};
use crate::media::{Asset, Images, Raster, Ref, Source, Variant, VariantFormat};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Index entries: file stat → what reading the file found, so a warm build
/// does not read (or hash) an unchanged photo at all.
const INDEX: &str = "image-index";

/// Bump when encoding changes, so old cache entries are not reused.
const ENCODER_VERSION: u32 = 1;

/// Sources over this many bytes get an `image-oversized` warning.
const OVERSIZED_BYTES: u64 = 5 * 1024 * 1024;

/// Where `responses pull` keeps responders' pictures (see
/// `responses::avatars`). Response templates show them at 40 px from their
/// own path, so nothing would ever load resized variants of them: unless
/// content shows one too, only the stripped original is published.
const RESPONSE_AVATARS: &str = "static/responses/";

/// Where a source is referenced from (empty: only published from `static/`).
type Refs = BTreeMap<String, Vec<Location>>;

/// Reads the header of every image the site uses and plans its variants.
/// Problems are reported at each reference. Only `build` and `serve`
/// (`write_index`) add to the cache: `check` and `responses pull` leave the
/// site folder as they found it.
pub fn scan(
    site: &Site,
    tree: &SourceTree,
    cache: &Cache,
    write_index: bool,
    diags: &mut Vec<Diagnostic>,
) -> Images {
    let mut images = Images {
        config: site.config.images.clone(),
        ..Default::default()
    };
    for f in tree.statics.iter().chain(&tree.assets) {
        images.files.insert(f.rel.clone(), f.path.clone());
    }
    let mut refs: Refs = BTreeMap::new();
    for f in &tree.statics {
        if is_raster(&f.rel) {
            refs.entry(f.rel.clone()).or_default();
        }
    }
    for (from, url, at) in references(site) {
        if let Some(rel) = images.resolve(&from, &url) {
            refs.entry(rel).or_default().push(at);
        }
    }
    let found: Vec<(String, Result<Found, Problem>)> = refs
        .keys()
        .filter(|rel| is_raster(rel))
        .collect::<Vec<_>>()
        .par_iter()
        .map(|rel| {
            (
                rel.to_string(),
                read(cache, rel, &images.files[*rel], &images, write_index),
            )
        })
        .collect();
    for (rel, r) in found {
        let at = &refs[&rel];
        let mut here = |p: Problem| report(diags, &rel, at, p);
        match r {
            Err(p) => here(p),
            Ok(f) => {
                let max_w = images.config.widths.last().copied().unwrap_or(0);
                if f.header.width > max_w.saturating_mul(3) || f.len > OVERSIZED_BYTES {
                    let what = format!(
                        "{}×{} pixels and {} KB, far more than the widest variant ({max_w} px) needs",
                        f.header.width,
                        f.header.height,
                        f.len / 1024
                    );
                    here(Problem::ImageOversized {
                        image: rel.clone(),
                        what,
                    });
                }
                let original_only = at.is_empty() && rel.starts_with(RESPONSE_AVATARS);
                let src = plan(&images, &rel, f, original_only);
                images.by_rel.insert(rel, Ref::Source(images.sources.len()));
                images.sources.push(src);
            }
        }
    }
    for (rel, _) in refs
        .iter()
        .filter(|(r, _)| !is_raster(r) && !r.starts_with("static/"))
    {
        let path = images.files[rel].clone();
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let key = std::fs::read(&path)
            .map_or_else(|_| "0".repeat(16), |b| hex(&sha256(&b))[..16].to_string());
        let output = format!("_media/{key}/{}", safe_name(name));
        images
            .by_rel
            .insert(rel.clone(), Ref::Asset(images.assets.len()));
        images.assets.push(Asset {
            rel: rel.clone(),
            path,
            url: format!("/{output}"),
            output,
        });
    }
    images.cache = Some(cache.clone());
    images
}

/// Every image reference in content: (markdown file, URL as written, position).
fn references(site: &Site) -> Vec<(String, String, Location)> {
    let mut out = Vec::new();
    let mut body = |o: &crate::content::Origin, b: &crate::content::markdown::Rendered| {
        for r in b.refs.iter().filter(|r| r.is_image) {
            out.push((o.rel.clone(), r.url.clone(), o.body_offset(r.offset)));
        }
    };
    for it in &site.items {
        body(&it.origin, &it.body);
    }
    for p in &site.pages {
        body(&p.origin, &p.body);
    }
    for a in &site.authors {
        body(&a.origin, &a.bio);
    }
    for c in &site.channels {
        body(&c.origin, &c.intro);
    }
    for it in &site.items {
        if let Some(i) = &it.image {
            out.push((it.origin.rel.clone(), i.clone(), it.origin.at("image")));
        }
    }
    for a in &site.authors {
        if let Some(i) = &a.avatar {
            out.push((a.origin.rel.clone(), i.clone(), a.origin.at("avatar")));
        }
    }
    out
}

fn report(diags: &mut Vec<Diagnostic>, rel: &str, at: &[Location], p: Problem) {
    if at.is_empty() {
        diags.push(Diagnostic::new(Location::file(rel), p.clone()));
    }
    for l in at {
        diags.push(Diagnostic::new(l.clone(), p.clone()));
    }
}

/// Whether a path names a raster format kurator resizes.
pub fn is_raster(rel: &str) -> bool {
    let ext = rel
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "webp")
}

/// What reading one file found.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Found {
    /// SHA-256 of the content, hex.
    hash: String,
    len: u64,
    #[serde(with = "HeaderDef")]
    header: Header,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(remote = "Header")]
struct HeaderDef {
    raster: Raster,
    width: u32,
    height: u32,
    oriented: bool,
}

/// Reads a source through the stat index; checks `max_pixels` from the header.
fn read(
    cache: &Cache,
    rel: &str,
    path: &Path,
    images: &Images,
    write_index: bool,
) -> Result<Found, Problem> {
    let unreadable = |what: String| Problem::ImageUnreadable {
        image: rel.to_string(),
        what,
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let stat = format!("{rel}\n{}\n{mtime}", meta.len());
    let cached =
        (cache.get(INDEX, &stat)).and_then(|e| serde_json::from_slice::<Found>(&e.bytes).ok());
    let found = match cached {
        Some(f) => f,
        None => {
            let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
            let header = header(&bytes).map_err(unreadable)?;
            let f = Found {
                hash: hex(&sha256(&bytes)),
                len: bytes.len() as u64,
                header,
            };
            if let Some(json) = write_index
                .then(|| serde_json::to_string(&f).ok())
                .flatten()
            {
                // A cache that cannot be written costs time, never output.
                let _ = cache.put(INDEX, &stat, &json);
            }
            f
        }
    };
    let pixels = u64::from(found.header.width) * u64::from(found.header.height);
    if pixels > images.config.max_pixels {
        return Err(Problem::ImageTooLarge {
            image: rel.to_string(),
            pixels,
            max: images.config.max_pixels,
        });
    }
    Ok(found)
}

/// The variants of one source: each configured width below its own (and its
/// own width when that is below the widest: never upscaled), in the source
/// format and each modern format; plus the stripped original for `static/`
/// (alone when `original_only`).
fn plan(images: &Images, rel: &str, f: Found, original_only: bool) -> Source {
    let cfg = &images.config;
    let h = f.header;
    let settings = format!(
        "{}\n{}\n{}\n{ENCODER_VERSION}",
        f.hash, cfg.quality, cfg.strip_metadata
    );
    let key = hex(&sha256(settings.as_bytes()))[..16].to_string();
    let mut widths: Vec<u32> = cfg
        .widths
        .iter()
        .copied()
        .filter(|&w| w < h.width)
        .collect();
    if cfg.widths.last().is_none_or(|&m| h.width <= m) {
        widths.push(h.width);
    }
    if original_only {
        widths.clear();
    }
    let fallback = VariantFormat::of(h.raster);
    let mut formats = vec![fallback];
    // A browser takes the first `<source>` it can show: the smaller AVIF
    // goes before WebP whatever order the settings list them in.
    for f in [VariantFormat::Avif, VariantFormat::Webp] {
        let asked = cfg.formats.iter().any(|c| match c {
            crate::config::ImageFormat::Webp => f == VariantFormat::Webp,
            crate::config::ImageFormat::Avif => f == VariantFormat::Avif,
        });
        if asked && !formats.contains(&f) {
            formats.push(f);
        }
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = slugify(name.rsplit_once('.').map_or(name, |(s, _)| s));
    let stem = if stem.is_empty() {
        "image".into()
    } else {
        stem
    };
    let mut variants = Vec::new();
    for &format in &formats {
        for &w in &widths {
            let height =
                (u64::from(h.height) * u64::from(w) / u64::from(h.width).max(1)).max(1) as u32;
            let path = format!("_media/{key}/{stem}-{w}.{}", format.ext());
            variants.push(Variant {
                url: format!("/{path}"),
                path,
                width: w,
                height,
                format,
                original: false,
            });
        }
    }
    if let Some(p) = rel.strip_prefix("static/") {
        variants.push(Variant {
            path: p.to_string(),
            url: format!("/{p}"),
            width: h.width,
            height: h.height,
            format: fallback,
            original: true,
        });
    }
    Source {
        rel: rel.to_string(),
        path: images.files[rel].clone(),
        key,
        raster: h.raster,
        width: h.width,
        height: h.height,
        oriented: h.oriented,
        variants,
    }
}

/// A file name safe in a URL: slugged stem, lowercase extension.
fn safe_name(name: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let stem = slugify(stem);
    let stem = if stem.is_empty() { "file".into() } else { stem };
    format!("{stem}.{}", ext.to_ascii_lowercase())
}

fn sha256(b: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, b)
        .as_ref()
        .to_vec()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
