//! In-memory builds for `serve`, kept apart from the HTTP code.
//!
//! The pipeline is the one of [`crate::load`] and [`crate::build`], with two
//! differences that make rebuilds fast:
//!
//! - parsed content files are cached by path; a change event drops only the
//!   entries of the files it names (all of them when `site.yaml` changed,
//!   because the time zone and language steer parsing), so one edited
//!   article costs one parse, not ten thousand;
//! - the output goes to a map in memory instead of a staging folder, and each
//!   rendered file is compared with the previous build's, so unchanged files
//!   keep their old allocation and the caller learns what changed.
//!
//! Resolving and rendering still run over the whole site: a changed article
//! can move every list, feed and "related" box it appears in, and rendering
//! everything is the only way to be sure no page is stale.

use crate::config::Config;
use crate::content::highlight::Highlighter;
use crate::content::{parse_file, ParseContext, Parsed};
use crate::diagnostics::{self, Diagnostic, Location, Problem};
use crate::discover::{self, Kind, SourceFile};
use crate::render::{Body, Job, Renderer};
use crate::site::{Selection, Site};
use crate::{is_page, LoadOptions};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::sync::Arc;

/// A built site in memory: output path (relative, `/`-separated) → bytes.
#[derive(Default)]
pub struct Snapshot {
    pub files: FxHashMap<String, Arc<[u8]>>,
    /// How many of the files are HTML pages.
    pub pages: usize,
}

/// What a successful build produced.
pub struct Built {
    pub snapshot: Snapshot,
    /// Warnings of this build (errors make the build fail).
    pub warnings: Vec<Diagnostic>,
    /// Output files that are new or differ from the previous snapshot.
    pub changed: Vec<String>,
    /// Output files of the previous snapshot that are gone.
    pub removed: usize,
}

/// One cached parse result.
type Cached = (Option<Parsed>, Vec<Diagnostic>);

/// Builds a site again and again, reusing what did not change.
pub struct Builder {
    opts: LoadOptions,
    highlighter: Highlighter,
    /// `(kind, rel)` → parse result.
    cache: FxHashMap<(Kind, String), Cached>,
}

impl Builder {
    /// A builder for the site `opts` describe; nothing is read yet.
    pub fn new(opts: LoadOptions) -> Self {
        Builder {
            opts,
            highlighter: Highlighter::new(),
            cache: FxHashMap::default(),
        }
    }

    /// The site folder.
    pub fn site_dir(&self) -> &Path {
        &self.opts.site_dir
    }

    /// Forgets what is known about the files at `rels` (paths relative to the
    /// site, `/`-separated; a folder stands for everything below it).
    pub fn invalidate(&mut self, rels: &[String]) {
        if rels.iter().any(|r| r.is_empty() || r == "site.yaml") {
            self.cache.clear();
            return;
        }
        self.cache
            .retain(|(_, rel), _| !rels.iter().any(|r| rel == r || is_below(rel, r)));
    }

    /// Forgets every cached parse.
    pub fn invalidate_all(&mut self) {
        self.cache.clear();
    }

    /// Runs the pipeline into memory. `previous` is the last good snapshot,
    /// used to find what changed. `Err` carries every diagnostic, sorted.
    pub fn build(&mut self, previous: Option<&Snapshot>) -> Result<Built, Vec<Diagnostic>> {
        let (site, theme, mut diags) = self.load()?;
        let renderer = Renderer::new(&site, &theme, &mut diags);
        let Some(renderer) = renderer.filter(|_| !diags.iter().any(Diagnostic::is_error)) else {
            diagnostics::sort(&mut diags);
            return Err(diags);
        };
        let jobs = renderer.jobs();
        let empty = Snapshot::default();
        let prev = previous.unwrap_or(&empty);
        let rendered: Vec<Result<(String, Arc<[u8]>, bool), Diagnostic>> = jobs
            .par_iter()
            .map(|job| render_one(&renderer, job, prev))
            .collect();
        let mut errors = Vec::new();
        let mut snapshot = Snapshot {
            files: FxHashMap::default(),
            pages: jobs.iter().filter(|j| is_page(j)).count(),
        };
        snapshot.files.reserve(jobs.len());
        let mut changed = Vec::new();
        for r in rendered {
            match r {
                Ok((path, bytes, is_new)) => {
                    if is_new {
                        changed.push(path.clone());
                    }
                    snapshot.files.insert(path, bytes);
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            errors.extend(diags);
            diagnostics::sort(&mut errors);
            return Err(errors);
        }
        diagnostics::sort(&mut diags);
        changed.sort();
        let removed = prev
            .files
            .keys()
            .filter(|k| !snapshot.files.contains_key(*k))
            .count();
        Ok(Built {
            snapshot,
            warnings: diags,
            changed,
            removed,
        })
    }

    /// Discover, parse (through the cache) and resolve; as [`crate::load`].
    fn load(
        &mut self,
    ) -> Result<(Site, crate::render::theme::Theme, Vec<Diagnostic>), Vec<Diagnostic>> {
        let config = read_config(&self.opts)?;
        let tree = discover::discover(&self.opts.site_dir, &config.theme, &self.opts.exclude);
        let mut diags = tree.warnings.clone();
        let tz = config.tz();
        let parsed = self.parse_all(&tree.content, &config, &tz, &mut diags);
        let sel = Selection {
            drafts: self.opts.drafts,
            future: self.opts.future,
            now: now(&tz),
        };
        let theme_name = config.theme.clone();
        let languages = config.languages.clone();
        let site = Site::resolve(config, parsed, &sel, &mut diags);
        let theme = crate::render::theme::Theme::load(&tree, &theme_name, &languages, &mut diags);
        let statics: FxHashSet<String> = theme.statics.keys().cloned().collect();
        diags.extend(crate::check::run(&site, &statics));
        Ok((site, theme, diags))
    }

    /// Parses the files missing from the cache, drops entries of files that
    /// are gone, and returns every parse result in tree order.
    fn parse_all(
        &mut self,
        content: &[(Kind, SourceFile)],
        config: &Config,
        tz: &jiff::tz::TimeZone,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Parsed> {
        let cx = ParseContext {
            tz,
            site_lang: &config.language,
            unsafe_html: config.markdown.unsafe_html,
            highlighter: &self.highlighter,
        };
        let missing: Vec<&(Kind, SourceFile)> = content
            .iter()
            .filter(|(k, f)| !self.cache.contains_key(&(*k, f.rel.clone())))
            .collect();
        let fresh: Vec<((Kind, String), Cached)> = missing
            .par_iter()
            .map(|(k, f)| ((*k, f.rel.clone()), parse_file(*k, f, &cx)))
            .collect();
        self.cache.extend(fresh);
        let present: FxHashSet<(Kind, &str)> =
            content.iter().map(|(k, f)| (*k, f.rel.as_str())).collect();
        self.cache
            .retain(|(k, rel), _| present.contains(&(*k, rel.as_str())));
        let mut parsed = Vec::with_capacity(content.len());
        for (k, f) in content {
            if let Some((p, d)) = self.cache.get(&(*k, f.rel.clone())) {
                diags.extend(d.iter().cloned());
                parsed.extend(p.iter().cloned());
            }
        }
        parsed
    }
}

/// Renders one job and compares it with the previous snapshot: unchanged
/// bytes keep the previous allocation. Returns (path, bytes, changed).
fn render_one(
    renderer: &Renderer,
    job: &Job,
    prev: &Snapshot,
) -> Result<(String, Arc<[u8]>, bool), Diagnostic> {
    let out = renderer.render(job)?;
    let path = out.path;
    let io = |e: std::io::Error| {
        Diagnostic::new(
            Location::file(&path),
            Problem::Io {
                what: format!("cannot read static file: {e}"),
            },
        )
    };
    let bytes: Vec<u8> = match out.body {
        Body::Bytes(b) => b,
        Body::Embedded(b) => b.to_vec(),
        Body::Copy(src) => std::fs::read(src).map_err(io)?,
    };
    match prev.files.get(&path) {
        Some(old) if **old == *bytes => Ok((path, old.clone(), false)),
        _ => Ok((path, bytes.into(), true)),
    }
}

/// Reads and parses `site.yaml`, as [`crate::load`] does.
fn read_config(opts: &LoadOptions) -> Result<Config, Vec<Diagnostic>> {
    let one = |l: Location, p: Problem| vec![Diagnostic::new(l, p)];
    let bytes = match std::fs::read(opts.site_dir.join("site.yaml")) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(one(Location::file("site.yaml"), Problem::MissingSiteYaml))
        }
        Err(e) => {
            return Err(one(
                Location::file("site.yaml"),
                Problem::Io {
                    what: e.to_string(),
                },
            ))
        }
    };
    let text =
        crate::content::front_matter::decode(bytes, "site.yaml").map_err(|(l, p)| one(l, p))?;
    Config::parse(&text, opts.base_url.as_deref()).map_err(|(l, p)| one(l, p))
}

/// The moment that decides what is "future": `KURATOR_NOW` when set (tests).
fn now(tz: &jiff::tz::TimeZone) -> jiff::Zoned {
    let system = || jiff::Zoned::now().with_time_zone(tz.clone());
    match std::env::var("KURATOR_NOW") {
        Ok(s) => crate::content::date::parse(&s, tz).unwrap_or_else(|_| system()),
        Err(_) => system(),
    }
}

/// Whether `rel` lies inside the folder `dir` (both relative, `/`-separated).
fn is_below(rel: &str, dir: &str) -> bool {
    rel.len() > dir.len() && rel.starts_with(dir) && rel.as_bytes()[dir.len()] == b'/'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_events_cover_the_files_below() {
        assert!(is_below("articles/2024/a.md", "articles"));
        assert!(!is_below("articles-old/a.md", "articles"));
        assert!(!is_below("articles", "articles"));
    }
}
