//! kurator: a static-site generator for corporate dialogue blogs and curation hubs.
//!
//! The pipeline, one stage per module:
//! [`discover`] → [`content`] (parse) → [`site`] (resolve) → [`render`] → [`output`] (write),
//! with [`diagnostics`] as the one error model and [`cli`] at the edge.

// Errors carry a full location and message; they are rare and on cold paths,
// so their size does not matter and boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod discover;
pub mod new;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;

use config::Config;
use content::highlight::Highlighter;
use content::{parse_file, ParseContext};
use diagnostics::{Diagnostic, Location, Problem};
use rayon::prelude::*;
use render::{Job, Renderer};
use site::{Selection, Site};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Options shared by `build`, `check` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub site_dir: PathBuf,
    pub drafts: bool,
    pub future: bool,
    pub base_url: Option<String>,
    /// Folders inside the site that are not content (the output).
    pub exclude: Vec<PathBuf>,
}

/// A parsed and resolved site plus its theme, and what was found on the way.
pub struct Loaded {
    pub site: Site,
    pub theme: render::theme::Theme,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
}

/// Wall time per stage.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub parse: Duration,
    pub resolve: Duration,
    pub render_write: Duration,
    pub swap: Duration,
}

/// Discovers, parses and resolves a site. `Err` carries the diagnostics when
/// not even a model could be built (no or broken `site.yaml`).
pub fn load(opts: &LoadOptions) -> Result<Loaded, Vec<Diagnostic>> {
    let t0 = Instant::now();
    let root = &opts.site_dir;
    let config = read_config(opts)?;
    let tree = discover::discover(root, &config.theme, &opts.exclude);
    let mut diags = tree.warnings.clone();

    let tz = config.tz();
    let highlighter = Highlighter::new();
    let cx = ParseContext {
        tz: &tz,
        site_lang: &config.language,
        unsafe_html: config.markdown.unsafe_html,
        highlighter: &highlighter,
        max_file_bytes: config.limits.max_file_bytes,
    };
    let results: Vec<_> = tree
        .content
        .par_iter()
        .map(|(kind, file)| parse_file(*kind, file, &cx))
        .collect();
    let broken = site::Broken::from_files(
        tree.content
            .iter()
            .zip(&results)
            .map(|((k, f), (p, _))| (*k, f.rel.as_str(), p.is_some())),
    );
    let mut parsed = Vec::with_capacity(results.len());
    for (p, d) in results {
        diags.extend(d);
        parsed.extend(p);
    }
    let t1 = Instant::now();

    let sel = Selection {
        drafts: opts.drafts,
        future: opts.future,
        now: now(&tz),
    };
    let theme_name = config.theme.clone();
    let languages = config.languages.clone();
    let site = Site::resolve(config, parsed, &sel, &broken, &mut diags);
    let theme = render::theme::Theme::load(&tree, &theme_name, &languages, &mut diags);
    let statics: rustc_hash::FxHashSet<String> = theme.statics.keys().cloned().collect();
    diags.extend(check::run(&site, &statics));
    let timings = Timings {
        parse: t1 - t0,
        resolve: t1.elapsed(),
        ..Default::default()
    };
    Ok(Loaded {
        site,
        theme,
        diagnostics: diags,
        timings,
    })
}

/// Reads and parses `site.yaml` (shared by `load` and `serve`'s rebuilds).
pub(crate) fn read_config(opts: &LoadOptions) -> Result<Config, Vec<Diagnostic>> {
    let one = |l: Location, p: Problem| vec![Diagnostic::new(l, p)];
    let bytes = match std::fs::read(opts.site_dir.join("site.yaml")) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(one(Location::file("site.yaml"), Problem::MissingSiteYaml))
        }
        Err(e) => {
            let what = e.to_string();
            return Err(one(Location::file("site.yaml"), Problem::Io { what }));
        }
    };
    let text = content::front_matter::decode(bytes, "site.yaml").map_err(|(l, p)| one(l, p))?;
    Config::parse(&text, opts.base_url.as_deref()).map_err(|(l, p)| one(l, p))
}

/// The moment that decides what is "future": `KURATOR_NOW` when set (tests).
pub(crate) fn now(tz: &jiff::tz::TimeZone) -> jiff::Zoned {
    let system = || jiff::Zoned::now().with_time_zone(tz.clone());
    match std::env::var("KURATOR_NOW") {
        Ok(s) => content::date::parse(&s, tz).unwrap_or_else(|_| system()),
        Err(_) => system(),
    }
}

/// What a successful build wrote.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub feeds: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub timings: Timings,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a build did not finish.
#[derive(Debug)]
pub enum BuildError {
    /// Content or template problems (exit 1).
    Content(Vec<Diagnostic>),
    /// The output folder was refused or could not be written (exit 2 / 1).
    Output(output::OutputError),
    /// A signal (SIGINT/SIGTERM) stopped the build; nothing was swapped in.
    Interrupted(i32),
}

/// Options for `kurator build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    pub output: PathBuf,
    pub force: bool,
    /// Counters a progress display may read while the build runs.
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// How far a build got: files to render and files done (0 of 0 while the
/// site is still being read).
#[derive(Debug, Default)]
pub struct Progress {
    pub total: std::sync::atomic::AtomicUsize,
    pub done: std::sync::atomic::AtomicUsize,
}

/// Builds the site into `opts.output`, all or nothing.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    output::check_target(&opts.load.site_dir, &opts.output, opts.force)
        .map_err(BuildError::Output)?;
    let mut load_opts = opts.load.clone();
    let out_abs = output::absolute(&opts.output);
    load_opts.exclude.push(out_abs.clone());
    let loaded = load(&load_opts).map_err(BuildError::Content)?;
    let mut diags = loaded.diagnostics;
    let renderer = Renderer::new(&loaded.site, &loaded.theme, &mut diags);
    let renderer = match renderer {
        Some(r) if !diags.iter().any(Diagnostic::is_error) => r,
        _ => {
            diagnostics::sort(&mut diags);
            return Err(BuildError::Content(diags));
        }
    };
    if let Some(sig) = output::interrupted() {
        return Err(BuildError::Interrupted(sig));
    }
    let t_render = Instant::now();
    let staging = output::Staging::create(&opts.output).map_err(BuildError::Output)?;
    let jobs = renderer.jobs();
    let statics: rustc_hash::FxHashSet<&str> =
        loaded.theme.statics.keys().map(String::as_str).collect();
    let tick = || {
        if let Some(p) = &opts.progress {
            p.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    };
    if let Some(p) = &opts.progress {
        p.total
            .store(jobs.len(), std::sync::atomic::Ordering::Relaxed);
    }
    let found: Vec<Diagnostic> = jobs
        .par_iter()
        // After a signal, the remaining jobs are skipped; staging is dropped below.
        .filter(|_| output::interrupted().is_none())
        .inspect(|_| tick())
        .filter_map(|job| match renderer.render(job) {
            // A file in static/ wins over a generated file with the same path
            // (e.g. a hand-written robots.txt), whatever the thread timing.
            Ok(out) if !matches!(job, Job::Static(_)) && statics.contains(out.path.as_str()) => {
                Some(Diagnostic::new(
                    Location::file(format!("static/{}", out.path)),
                    Problem::StaticOverride { path: out.path },
                ))
            }
            Ok(out) => staging.write(&out).err().map(|e| {
                Diagnostic::new(
                    Location::file(&out.path),
                    Problem::Io {
                        what: format!("cannot write output file: {e}"),
                    },
                )
            }),
            Err(d) => Some(d),
        })
        .collect();
    if let Some(sig) = output::interrupted() {
        return Err(BuildError::Interrupted(sig));
    }
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        found.into_iter().partition(Diagnostic::is_error);
    diags.extend(warnings);
    if !errors.is_empty() {
        let mut all = cap_write_errors(errors);
        all.extend(diags.into_iter().filter(|d| !d.is_error()));
        diagnostics::sort(&mut all);
        return Err(BuildError::Content(all));
    }
    let render_write = t_render.elapsed();
    let t_swap = Instant::now();
    staging.commit().map_err(BuildError::Output)?;
    diagnostics::sort(&mut diags);
    let pages = jobs.iter().filter(|j| is_page(j)).count();
    let feeds = jobs.iter().filter(|j| matches!(j, Job::Feed(..))).count();
    let mut timings = loaded.timings;
    timings.render_write = render_write;
    timings.swap = t_swap.elapsed();
    Ok(BuildReport {
        pages,
        feeds,
        files: jobs.len() + 1,
        elapsed: started.elapsed(),
        timings,
        diagnostics: diags,
    })
}

/// Keeps the first few "cannot write" errors: a full disk or a read-only
/// folder fails every remaining file for the same reason, and thousands of
/// identical lines would hide it.
fn cap_write_errors(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    const SHOWN: usize = 10;
    diagnostics::sort(&mut errors);
    let mut io = 0;
    let before = errors.len();
    errors.retain(|d| {
        io += usize::from(d.code == "io");
        d.code != "io" || io <= SHOWN
    });
    let hidden = before - errors.len();
    if hidden > 0 {
        errors.push(Diagnostic::new(
            Location::file("(output)"),
            Problem::Io {
                what: format!(
                    "{hidden} more output files could not be written for the same kind of reason"
                ),
            },
        ));
    }
    errors
}

/// Whether a job writes an HTML page.
pub fn is_page(job: &Job) -> bool {
    !matches!(
        job,
        Job::Feed(..)
            | Job::Opml
            | Job::Sitemap(_)
            | Job::SitemapIndex
            | Job::Robots
            | Job::SearchIndex
            | Job::SearchFacets
            | Job::SearchTerms(_)
            | Job::SearchDocs(_)
            | Job::HighlightCss
            | Job::Static(_)
            | Job::Alias(_)
    )
}

/// Runs every validation of a build without writing: parse, resolve,
/// templates and a full render in memory.
pub fn check(opts: &LoadOptions) -> Vec<Diagnostic> {
    let loaded = match load(opts) {
        Ok(l) => l,
        Err(d) => return d,
    };
    let mut diags = loaded.diagnostics;
    if let Some(r) = Renderer::new(&loaded.site, &loaded.theme, &mut diags) {
        let errs: Vec<Diagnostic> = r
            .jobs()
            .par_iter()
            .filter_map(|j| r.render(j).err())
            .collect();
        diags.extend(errs);
    }
    diagnostics::sort(&mut diags);
    diags
}

/// The site folder of a path given on the command line (`.` when none).
pub fn site_dir(arg: Option<&Path>) -> PathBuf {
    arg.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
