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
//! When only the text of articles or links changed — same date, slug,
//! authors, channels, tags, language and relations — the resolved site of
//! the last build is patched in place and only the pages that show those
//! items are rendered again ([`patch`]): on a 10,000-article site that is a
//! few dozen files instead of twenty thousand.
//!
//! Any other change resolves and renders the whole site, since it can move
//! every list, feed and "related" box. Then the pages someone looks at are
//! rendered first and served at once (see [`Builder::build`]), so on a large
//! site the open tab updates long before the last feed is re-rendered; a
//! newer change cancels the rest.

mod patch;

use super::store::Stored;
use crate::content::highlight::Highlighter;
use crate::content::{parse_file, ParseContext};
use crate::diagnostics::{self, Diagnostic, Location, Problem};
use crate::discover::{Kind, SourceFile};
use crate::render::theme::Theme;
use crate::render::{Body, Job, Output, Renderer, RendererParts, Route};
use crate::site::Site;
use crate::{LoadOptions, ParseResult};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// A built site in memory: output path (relative, `/`-separated) → file
/// (compressed or in the card cache, see [`Stored`]).
#[derive(Default)]
pub struct Snapshot {
    pub files: FxHashMap<String, Stored>,
    /// How many of the files are HTML pages.
    pub pages: usize,
}

impl Snapshot {
    /// The bytes of the file at `path`, if the snapshot has it.
    pub fn get(&self, path: &str) -> Option<Vec<u8>> {
        Some(self.files.get(path)?.bytes()?.into_owned())
    }
}

/// What a successful build produced.
pub struct Built {
    pub snapshot: Snapshot,
    /// Warnings of this build (errors make the build fail).
    pub warnings: Vec<Diagnostic>,
    /// Output files that are new or differ from the previous snapshot.
    pub changed: Vec<String>,
    /// Output files of the previous snapshot that are gone, sorted.
    pub removed: Vec<String>,
    /// Articles or links patched in place (0: a full build).
    pub patched: usize,
}

/// The first pass of a build.
pub struct Early {
    /// Files of the first pass that differ from the previous snapshot.
    pub changed: Vec<(String, Stored)>,
    /// Every file the first pass rendered.
    pub paths: FxHashSet<String>,
}

/// How a build ended.
pub enum Outcome {
    Built(Built),
    /// Every diagnostic, sorted; at least one is an error.
    Failed(Vec<Diagnostic>),
    /// A newer change arrived during the second pass.
    Cancelled,
}

/// One cached parse result.
type Cached = ParseResult;

/// Builds a site again and again, reusing what did not change.
pub struct Builder {
    opts: LoadOptions,
    highlighter: Highlighter,
    /// `(kind, rel)` → parse result.
    cache: FxHashMap<(Kind, String), Cached>,
    /// Content files changed since the last complete build.
    dirty: FxHashSet<String>,
    /// Output path → job of the last complete build.
    job_keys: FxHashMap<String, Job>,
    /// The model of the last complete build, for [`patch`].
    last: Option<Last>,
}

/// What the last complete build resolved, kept so that an article edited in
/// place costs one parse and a few pages.
struct Last {
    site: Site,
    theme: Theme,
    parts: RendererParts,
    /// The warnings of that build.
    warnings: Vec<Diagnostic>,
    /// Relative path → index in `site.items`.
    items: FxHashMap<String, usize>,
}

impl Builder {
    /// A builder for the site `opts` describe; nothing is read yet.
    pub fn new(mut opts: LoadOptions) -> Self {
        // An edited or added photo is encoded on the next rebuild (only that
        // one: the cache keeps the rest), so it shows up without a restart.
        opts.encode_images = true;
        let blocks = crate::cache::Cache::open(&opts.site_dir, opts.cache_dir.as_deref());
        Builder {
            opts,
            highlighter: Highlighter::new().with_cache(blocks),
            cache: FxHashMap::default(),
            dirty: FxHashSet::default(),
            job_keys: FxHashMap::default(),
            last: None,
        }
    }

    /// The site folder.
    pub fn site_dir(&self) -> &Path {
        &self.opts.site_dir
    }

    /// Forgets what is known about the files at `rels` (paths relative to the
    /// site, `/`-separated; a folder stands for everything below it).
    pub fn invalidate(&mut self, rels: &[String]) {
        self.dirty.extend(rels.iter().cloned());
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

    /// Runs the pipeline into memory in two passes. First the pages that
    /// matter right now — those open in a browser (`open`, output paths),
    /// those of changed content files, and the static files — are rendered
    /// and handed to `early`; then everything else. `previous` is what is
    /// served now, to find what changed. A set `cancel` flag (a newer change
    /// arrived) stops the second pass.
    pub fn build(
        &mut self,
        previous: &Snapshot,
        open: &FxHashSet<String>,
        cancel: &AtomicBool,
        early: &mut dyn FnMut(Early),
    ) -> Outcome {
        if let Some(built) = self.patch(previous, open, early) {
            return Outcome::Built(built);
        }
        let (site, theme, mut diags) = match self.load() {
            Ok(loaded) => (loaded.site, loaded.theme, loaded.diagnostics),
            Err(d) => return failed(d),
        };
        let cache = crate::cache::Cache::open(&self.opts.site_dir, None);
        let renderer = Renderer::new(&site, &theme, &mut diags)
            .map(|r| r.with_cache(cache).keeping_search_terms());
        let Some(renderer) = renderer.filter(|_| !diags.iter().any(Diagnostic::is_error)) else {
            return failed(diags);
        };
        // Kept through a build that failed on its content, so that fixing a
        // broken article can still be patched; from here on the new model
        // replaces it.
        self.last = None;
        let (first, second): (Vec<&Route>, Vec<&Route>) = site
            .routes
            .iter()
            .partition(|r| self.is_first(&site, r, open));
        let (done, errors) = render_all(&renderer, &first, previous, None);
        if !errors.is_empty() {
            return failed(errors.into_iter().chain(diags).collect());
        }
        early(early_of(&done));
        let (rest, errors) = render_all(&renderer, &second, previous, Some(cancel));
        if cancel.load(Ordering::Relaxed) {
            return Outcome::Cancelled;
        }
        if !errors.is_empty() {
            return failed(errors.into_iter().chain(diags).collect());
        }
        let all: Vec<Rendered> = done.into_iter().chain(rest).collect();
        self.job_keys = all
            .iter()
            .map(|r| (r.path.clone(), r.job.clone()))
            .collect();
        self.dirty.clear();
        diagnostics::sort(&mut diags);
        let parts = renderer.into_parts();
        let items = site
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.origin.rel.clone(), i))
            .collect();
        let pages = site.routes.iter().filter(|r| r.job.is_page()).count();
        self.last = Some(Last {
            site,
            theme,
            parts,
            warnings: diags.clone(),
            items,
        });
        Outcome::Built(finish(all, pages, previous, diags))
    }

    /// Whether a route is rendered in the first pass: static files (cheap,
    /// and a changed stylesheet should apply at once), the pages of changed
    /// content files, and the pages open in a browser, found through the
    /// last build's output-path → job map.
    fn is_first(&self, site: &Site, route: &Route, open: &FxHashSet<String>) -> bool {
        let hot = |rel: &str| self.dirty.contains(rel) || open.contains(&route.path);
        match &route.job {
            Job::Static(_) | Job::HighlightCss => true,
            Job::Item(i) => hot(&site.items[*i].origin.rel),
            Job::Page(p) => hot(&site.pages[*p].origin.rel),
            job => open
                .iter()
                .any(|p| self.job_keys.get(p).is_some_and(|j| j == job)),
        }
    }

    /// Discover, parse through the cache, and resolve: [`crate::load_with`].
    fn load(&mut self) -> Result<crate::Loaded, Vec<Diagnostic>> {
        let (cache, highlighter) = (&mut self.cache, &self.highlighter);
        crate::load_with(&self.opts, highlighter, &mut |files, cx| {
            parse_cached(cache, files, cx)
        })
    }
}

/// Parses the files missing from `cache`, drops entries of files that are
/// gone, and returns every parse result in the order of `content`.
fn parse_cached(
    cache: &mut FxHashMap<(Kind, String), Cached>,
    content: &[(Kind, SourceFile)],
    cx: &ParseContext,
) -> Vec<ParseResult> {
    let missing: Vec<&(Kind, SourceFile)> = content
        .iter()
        .filter(|(k, f)| !cache.contains_key(&(*k, f.rel.clone())))
        .collect();
    let fresh: Vec<((Kind, String), Cached)> = missing
        .par_iter()
        .map(|(k, f)| ((*k, f.rel.clone()), parse_file(*k, f, cx)))
        .collect();
    cache.extend(fresh);
    let present: FxHashSet<(Kind, &str)> =
        content.iter().map(|(k, f)| (*k, f.rel.as_str())).collect();
    cache.retain(|(k, rel), _| present.contains(&(*k, rel.as_str())));
    content
        .iter()
        .map(|(k, f)| cache.get(&(*k, f.rel.clone())).cloned().unwrap_or_default())
        .collect()
}

/// A failed build (the dirty files stay dirty for the next attempt).
fn failed(mut diags: Vec<Diagnostic>) -> Outcome {
    diagnostics::sort(&mut diags);
    Outcome::Failed(diags)
}

/// One rendered output file.
struct Rendered {
    path: String,
    bytes: Stored,
    /// New, or different from the previous snapshot.
    changed: bool,
    /// The job that produced it.
    job: Job,
}

/// The first pass of a build, for [`Builder::build`]'s `early`.
fn early_of(done: &[Rendered]) -> Early {
    let paths = done.iter().map(|r| r.path.clone()).collect();
    let changed = (done.iter().filter(|r| r.changed)).map(|r| (r.path.clone(), r.bytes.clone()));
    Early {
        changed: changed.collect(),
        paths,
    }
}

/// Renders `routes` in parallel, stopping early when `cancel` is set.
/// Returns the outputs in route order and the errors.
fn render_all(
    renderer: &Renderer,
    routes: &[&Route],
    prev: &Snapshot,
    cancel: Option<&AtomicBool>,
) -> (Vec<Rendered>, Vec<Diagnostic>) {
    let stop = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let (cards, files): (Vec<&Route>, Vec<&Route>) =
        routes.iter().partition(|r| matches!(r.job, Job::Card(_)));
    let (mut done, mut errors) =
        renderer.render_routes(&files, &stop, &|route, out| compare(route, out, prev));
    let results: Vec<Option<Result<Rendered, Diagnostic>>> = cards
        .par_iter()
        .map(|route| (!stop()).then(|| card(renderer, route, prev)))
        .collect();
    for r in results.into_iter().flatten() {
        match r {
            Ok(r) => done.push(r),
            Err(d) => errors.push(d),
        }
    }
    (done, errors)
}

/// A share card as a reference to its cache file (its bytes stay on disk),
/// or rendered into memory when there is no usable cache.
fn card(renderer: &Renderer, route: &Route, prev: &Snapshot) -> Result<Rendered, Diagnostic> {
    let Job::Card(of) = route.job else {
        return renderer
            .render(route)
            .and_then(|out| compare(route, out, prev));
    };
    let Some((file, key)) = renderer.card_file(of)? else {
        return renderer
            .render(route)
            .and_then(|out| compare(route, out, prev));
    };
    let stored = Stored::cached(file, key);
    let old = prev.files.get(&route.path).filter(|o| o.same_card(&stored));
    Ok(Rendered {
        path: route.path.clone(),
        changed: old.is_none(),
        bytes: old.cloned().unwrap_or(stored),
        job: route.job.clone(),
    })
}

/// Reads one output into memory and compares it with the previous
/// snapshot: unchanged bytes keep the previous allocation.
fn compare(route: &Route, out: Output, prev: &Snapshot) -> Result<Rendered, Diagnostic> {
    let path = out.path;
    let io = |e: std::io::Error| {
        let what = format!("cannot read static file: {e}");
        Diagnostic::new(Location::file(&path), Problem::Io { what })
    };
    let bytes: Vec<u8> = match out.body {
        Body::Bytes(b) => b,
        Body::Embedded(b) => b.to_vec(),
        Body::Copy(src) => std::fs::read(src).map_err(io)?,
    };
    let job = route.job.clone();
    match prev.files.get(&path) {
        Some(old) if old.equals(&bytes) => Ok(Rendered {
            path,
            bytes: old.clone(),
            changed: false,
            job,
        }),
        _ => Ok(Rendered {
            bytes: Stored::new(&path, bytes),
            path,
            changed: true,
            job,
        }),
    }
}

/// Puts a complete render together.
fn finish(all: Vec<Rendered>, pages: usize, prev: &Snapshot, warnings: Vec<Diagnostic>) -> Built {
    let mut changed: Vec<String> = all
        .iter()
        .filter(|r| r.changed)
        .map(|r| r.path.clone())
        .collect();
    changed.sort();
    let files: FxHashMap<String, Stored> = all.into_iter().map(|r| (r.path, r.bytes)).collect();
    let mut removed: Vec<String> = prev
        .files
        .keys()
        .filter(|k| !files.contains_key(*k))
        .cloned()
        .collect();
    removed.sort();
    Built {
        snapshot: Snapshot { files, pages },
        warnings,
        changed,
        removed,
        patched: 0,
    }
}

/// Puts a patch together: the previous snapshot with the re-rendered files.
fn finish_patch(done: Vec<Rendered>, prev: &Snapshot, warnings: Vec<Diagnostic>) -> Built {
    let mut files = prev.files.clone();
    let mut changed = Vec::new();
    for r in done.into_iter().filter(|r| r.changed) {
        changed.push(r.path.clone());
        files.insert(r.path, r.bytes);
    }
    changed.sort();
    Built {
        snapshot: Snapshot {
            files,
            pages: prev.pages,
        },
        warnings,
        changed,
        removed: Vec::new(),
        patched: 0,
    }
}

/// Whether `rel` lies inside the folder `dir` (both relative, `/`-separated).
fn is_below(rel: &str, dir: &str) -> bool {
    rel.len() > dir.len() && rel.starts_with(dir) && rel.as_bytes()[dir.len()] == b'/'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_fixture(to: &Path) {
        copy_tree("tests/serve-fixture", to);
    }

    /// Copies a folder of the repository (e.g. `example-site`) to `to`.
    pub(super) fn copy_tree(rel: &str, to: &Path) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(dest).unwrap();
            } else {
                std::fs::copy(entry.path(), dest).unwrap();
            }
        }
    }

    /// `serve` keeps search terms and shared bodies, `build` drops them as
    /// it goes: both must write the same bytes.
    #[test]
    fn serve_snapshot_and_build_output_are_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        copy_tree("example-site", &site);
        let load = LoadOptions {
            site_dir: site.clone(),
            ..Default::default()
        };
        let out = dir.path().join("public");
        let opts = crate::BuildOptions {
            load: load.clone(),
            output: out.clone(),
            ..Default::default()
        };
        crate::build(&opts).expect("build failed");
        let mut b = Builder::new(load);
        let (none, cancel) = (FxHashSet::default(), AtomicBool::new(false));
        let Outcome::Built(served) = b.build(&Snapshot::default(), &none, &cancel, &mut |_| {})
        else {
            panic!("serve build failed")
        };
        let mut compared = 0;
        for entry in walkdir::WalkDir::new(&out) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(&out).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !entry.file_type().is_file() || rel.starts_with('.') || rel.ends_with(".png") {
                continue;
            }
            let built = std::fs::read(entry.path()).unwrap();
            let snap = served.snapshot.get(&rel);
            assert!(snap.as_deref() == Some(&built[..]), "{rel} differs");
            compared += 1;
        }
        let search = (served.snapshot.files.keys()).filter(|p| p.starts_with("search/"));
        assert!(
            search.count() > 10 && compared > 200,
            "{compared} files compared"
        );
    }

    #[test]
    fn open_and_changed_pages_are_rendered_first() {
        let dir = tempfile::tempdir().unwrap();
        copy_fixture(dir.path());
        let opts = LoadOptions {
            site_dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let mut b = Builder::new(opts);
        let (none, cancel) = (FxHashSet::default(), AtomicBool::new(false));
        let Outcome::Built(first) = b.build(&Snapshot::default(), &none, &cancel, &mut |_| {})
        else {
            panic!("first build failed")
        };
        let article = dir.path().join("articles/2024-05-01-hello.md");
        let text = std::fs::read_to_string(&article)
            .unwrap()
            .replace("first version", "edited version")
            // A new tag changes the item's shape: the full two-pass path.
            .replace("channels: [news]", "channels: [news]\ntags: [neu]");
        std::fs::write(&article, text).unwrap();
        b.invalidate(&["articles/2024-05-01-hello.md".to_string()]);
        let open: FxHashSet<String> =
            std::iter::once("channels/news/index.html".to_string()).collect();
        let mut early_paths = FxHashSet::default();
        let outcome = b.build(&first.snapshot, &open, &cancel, &mut |e: Early| {
            assert!(e
                .changed
                .iter()
                .any(|(p, b)| p == "2024/05/hello/index.html"
                    && String::from_utf8_lossy(&b.bytes().unwrap()).contains("edited version")));
            early_paths = e.paths;
        });
        let Outcome::Built(second) = outcome else {
            panic!("second build failed")
        };
        for p in [
            "2024/05/hello/index.html",
            "channels/news/index.html",
            "css/kurator.css",
        ] {
            assert!(
                early_paths.contains(p),
                "{p} not rendered first: {early_paths:?}"
            );
        }
        assert!(!early_paths.contains("authors/index.html"));
        assert!(second
            .changed
            .contains(&"2024/05/hello/index.html".to_string()));
        assert!(first
            .snapshot
            .files
            .keys()
            .all(|k| second.snapshot.files.contains_key(k)));
        assert!(second.snapshot.files.contains_key("tags/neu/index.html"));
        let same = match (
            &second.snapshot.files["about/index.html"],
            &first.snapshot.files["about/index.html"],
        ) {
            (Stored::Raw(a), Stored::Raw(b)) | (Stored::Deflated(a, _), Stored::Deflated(b, _)) => {
                std::sync::Arc::ptr_eq(a, b)
            }
            _ => false,
        };
        assert!(same, "unchanged file was copied");
    }

    #[test]
    fn a_newer_change_cancels_the_second_pass() {
        let dir = tempfile::tempdir().unwrap();
        copy_fixture(dir.path());
        let mut b = Builder::new(LoadOptions {
            site_dir: dir.path().to_path_buf(),
            ..Default::default()
        });
        let cancel = AtomicBool::new(false);
        let outcome = b.build(
            &Snapshot::default(),
            &FxHashSet::default(),
            &cancel,
            &mut |_| cancel.store(true, Ordering::SeqCst),
        );
        assert!(matches!(outcome, Outcome::Cancelled));
    }

    #[test]
    fn folder_events_cover_the_files_below() {
        assert!(is_below("articles/2024/a.md", "articles"));
        assert!(!is_below("articles-old/a.md", "articles"));
        assert!(!is_below("articles", "articles"));
    }
}
