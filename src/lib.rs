//! kurator: a static-site generator for corporate dialogue blogs and curation hubs.
//!
//! The pipeline, one stage per module:
//! [`discover`] → [`content`] (parse) → [`site`] (resolve) → [`render`] → [`output`] (write),
//! with [`diagnostics`] as the one error model and [`cli`] at the edge.

// Errors carry a full location and message; they are rare and on cold paths,
// so their size does not matter and boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod discover;
pub mod html;
pub mod import;
pub mod media;
pub mod net;
pub mod new;
pub mod output;
pub mod render;
pub mod responses;
pub mod rules;
pub mod serve;
pub mod site;
pub mod yaml;

use config::Config;
use content::highlight::Highlighter;
use content::{parse_file, ParseContext};
use diagnostics::{Diagnostic, Location, Problem};
use rayon::prelude::*;
use render::{Job, Renderer, Route};
use site::{Selection, Site};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Files one parse job takes at most (see [`load`]).
const PARSE_FILES_PER_JOB: usize = 16;

/// Options shared by `build`, `check` and `serve`.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub site_dir: PathBuf,
    pub drafts: bool,
    pub future: bool,
    pub base_url: Option<String>,
    /// Folders inside the site that are not content (the output).
    pub exclude: Vec<PathBuf>,
    /// The cache folder (`--cache-dir`; default `SITE/.kurator`).
    pub cache_dir: Option<PathBuf>,
    /// Encode missing image variants into the cache (`build`, `serve`);
    /// `check` only reads headers.
    pub encode_images: bool,
    /// `kurator check`: code blocks are not highlighted, only their size
    /// limits are checked (the HTML is never written).
    pub check_only: bool,
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
    /// Reading image headers and encoding missing variants.
    pub images: Duration,
    /// Image files encoded by this build (0 with a warm cache).
    pub images_encoded: usize,
}

/// One file's parse result: the content, if usable, and its findings.
pub type ParseResult = (Option<content::Parsed>, Vec<Diagnostic>);

/// The parsing step of [`load_with`]: one result per file, in order.
pub type ParseFn<'a> =
    dyn FnMut(&[(discover::Kind, discover::SourceFile)], &ParseContext) -> Vec<ParseResult> + 'a;

/// Discovers, parses and resolves a site. `Err` carries the diagnostics when
/// not even a model could be built (no or broken `site.yaml`).
pub fn load(opts: &LoadOptions) -> Result<Loaded, Vec<Diagnostic>> {
    let highlighter = if opts.check_only {
        Highlighter::limits_only()
    } else {
        Highlighter::new().with_cache(cache::Cache::open(
            &opts.site_dir,
            opts.cache_dir.as_deref(),
        ))
    };
    load_with(opts, &highlighter, &mut |files, cx| {
        // Small jobs, as in rendering: rayon splits a range again only
        // when a thread steals it, and at 10k one worker went on alone
        // with a large piece for ~0.3 s after the other ran out.
        files
            .par_iter()
            .with_max_len(PARSE_FILES_PER_JOB)
            .map(|(kind, file)| parse_file(*kind, file, cx))
            .collect()
    })
}

/// [`load`] with the parsing step supplied by the caller: `serve` answers
/// it from its cache of parse results, a build parses every file. `parse`
/// returns one result per file, in the order given.
pub fn load_with(
    opts: &LoadOptions,
    highlighter: &Highlighter,
    parse: &mut ParseFn,
) -> Result<Loaded, Vec<Diagnostic>> {
    let t0 = Instant::now();
    let config = read_config(opts)?;
    let tree = discover::discover(&opts.site_dir, &config.theme, &opts.exclude);
    let mut diags = tree.warnings.clone();
    let theme = render::theme::Theme::load(&tree, &config, &mut diags);

    let tz = config.tz();
    let cx = parse_context(&config, &tz, highlighter);
    let results = parse(&tree.content, &cx);
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
    let mut statics: Vec<String> = theme.statics.keys().cloned().collect();
    statics.sort();
    let mut site = Site::resolve(config, parsed, &sel, &broken, &statics, &mut diags);
    attach_responses(&mut site, &tree, &tz, &mut diags);
    let t2 = Instant::now();
    let images_encoded = attach_images(&mut site, &tree, opts, &mut diags);
    let t3 = Instant::now();
    diags.extend(check::run(&site));
    let timings = Timings {
        parse: t1 - t0,
        resolve: (t2 - t1) + t3.elapsed(),
        images: t3 - t2,
        images_encoded,
        ..Default::default()
    };
    Ok(Loaded {
        site,
        theme,
        diagnostics: diags,
        timings,
    })
}

/// Parses `responses/**/*.yaml` and resolves them against the site's items
/// (shared by `load` and `serve`'s rebuilds, which re-read them every time).
pub(crate) fn attach_responses(
    site: &mut Site,
    tree: &discover::SourceTree,
    tz: &jiff::tz::TimeZone,
    diags: &mut Vec<Diagnostic>,
) {
    let (files, found) = content::responses::parse_all(&tree.responses, tz);
    diags.extend(found);
    site.responses = site::responses::resolve(files, &tree.content, diags);
}

/// The context every parse of a site uses, from its configuration (the one
/// place it is assembled: builds, checks and `serve`'s re-parses).
pub(crate) fn parse_context<'a>(
    config: &'a Config,
    tz: &'a jiff::tz::TimeZone,
    highlighter: &'a Highlighter,
) -> ParseContext<'a> {
    ParseContext {
        tz,
        site_lang: &config.language,
        unsafe_html: config.markdown.unsafe_html,
        highlighter,
        max_file_bytes: config.limits.max_file_bytes,
    }
}

/// Reads the images the site uses, rewrites their markup, adds their
/// routes and (for `build` and `serve`) fills the cache with every missing
/// variant. Returns how many files were encoded.
pub(crate) fn attach_images(
    site: &mut Site,
    tree: &discover::SourceTree,
    opts: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let cache = cache::Cache::open(&opts.site_dir, opts.cache_dir.as_deref());
    let images = site::images::scan(site, tree, &cache, opts.encode_images, diags);
    images.rewrite_site(site);
    site.routes.add_images(&images);
    let mut encoded = 0;
    // With errors the build fails anyway: encoding would only cost time.
    if opts.encode_images && !diags.iter().any(Diagnostic::is_error) {
        let (n, found) = images.encode_all(&cache);
        encoded = n;
        diags.extend(found);
    }
    site.images = images;
    encoded
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
            return Err(one(
                Location::file("site.yaml"),
                Problem::UnreadableSiteYaml { what },
            ));
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
    /// Where generated files (share cards) are cached; `None` draws them all.
    pub cache: Option<cache::Cache>,
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
    load_opts.encode_images = true;
    let out_abs = output::absolute(&opts.output);
    load_opts.exclude.push(out_abs.clone());
    let mut loaded = load(&load_opts).map_err(BuildError::Content)?;
    loaded.site.release_sources();
    let mut diags = loaded.diagnostics;
    let renderer = Renderer::new(&loaded.site, &loaded.theme, &mut diags);
    let renderer = renderer.map(|r| match &opts.cache {
        Some(c) => r.with_cache(c.clone()),
        None => r,
    });
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
    let routes: Vec<&Route> = loaded.site.routes.iter().collect();
    let statics = &loaded.theme.statics;
    if let Some(p) = &opts.progress {
        p.total
            .store(routes.len(), std::sync::atomic::Ordering::Relaxed);
    }
    // After a signal, the remaining routes are skipped; staging is dropped below.
    let stop = || output::interrupted().is_some();
    let (_, found) = renderer.render_routes(&routes, &stop, &|route, out| {
        if let Some(p) = &opts.progress {
            p.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        // A file in static/ wins over a generated file with the same path
        // (e.g. a hand-written robots.txt), whatever the thread timing.
        if !matches!(route.job, Job::Static(_) | Job::Image(..)) && statics.contains_key(&out.path)
        {
            return Err(Diagnostic::new(
                Location::file(format!("static/{}", out.path)),
                Problem::StaticOverride { path: out.path },
            ));
        }
        staging.write(&out).map_err(|e| {
            Diagnostic::new(
                Location::file(&out.path),
                Problem::Io {
                    what: format!("cannot write output file: {e}"),
                },
            )
        })
    });
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
    let pages = routes.iter().filter(|r| r.job.is_page()).count();
    let feeds = routes
        .iter()
        .filter(|r| matches!(r.job, Job::Feed(..)))
        .count();
    let mut timings = loaded.timings;
    timings.render_write = render_write;
    timings.swap = t_swap.elapsed();
    Ok(BuildReport {
        pages,
        feeds,
        files: routes.len() + 1,
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
        io += usize::from(d.class == diagnostics::Class::Io);
        d.class != diagnostics::Class::Io || io <= SHOWN
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

/// Runs every validation of a build without writing: parse, resolve, the
/// rules, and as much rendering as can find a problem (see [`check_routes`]).
pub fn check(opts: &LoadOptions) -> Vec<Diagnostic> {
    check_and(opts, |_| Vec::new())
}

/// [`check`] plus the findings of `more` over the loaded site (used by
/// `check --external`, which needs the model but must not load it twice).
pub fn check_and(
    opts: &LoadOptions,
    more: impl FnOnce(&Site) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let opts = LoadOptions {
        check_only: true,
        ..opts.clone()
    };
    let loaded = match load(&opts) {
        Ok(l) => l,
        Err(d) => return d,
    };
    let mut diags = loaded.diagnostics;
    diags.extend(more(&loaded.site));
    diags.extend(static_overrides(&loaded.site, &loaded.theme));
    if let Some(r) = Renderer::new(&loaded.site, &loaded.theme, &mut diags) {
        // Cards come from (and go to) the cache `build` uses.
        let r = r.with_cache(cache::Cache::open(&opts.site_dir, None));
        let routes = check_routes(&loaded.site, &loaded.theme);
        let (_, errs) = r.render_routes(&routes, &|| false, &|_, _| Ok(()));
        diags.extend(errs);
    }
    diagnostics::sort(&mut diags);
    diags
}

/// The routes `check` renders. Only pages (Tera templates) and share cards
/// (the card template, resvg) can fail to render; feeds, sitemaps, search
/// files and copies cannot. Built-in templates are tested with kurator, so
/// one route per kind of output is rendered as a smoke test (items also by
/// their shape: reply, thread, translations, own image); templates the site
/// or its theme folder provides may fail on any data, so every route using
/// them is rendered.
fn check_routes<'a>(site: &'a Site, theme: &render::theme::Theme) -> Vec<&'a Route> {
    let custom =
        |card: bool| (theme.site_templates()).any(|name| (name == render::cards::TEMPLATE) == card);
    let (custom_pages, custom_cards) = (custom(false), custom(true));
    let mut seen = rustc_hash::FxHashSet::default();
    (site.routes.iter())
        .filter(|r| {
            let card = matches!(r.job, Job::Card(_));
            if !(card || r.job.is_page() || matches!(r.job, Job::Alias(_))) {
                return false;
            }
            (card && custom_cards) || (!card && custom_pages) || seen.insert(kind_of(site, &r.job))
        })
        .collect()
}

/// What kind of output a job is, for [`check_routes`]: the variant, plus
/// for items what their page shows and for lists whether it is page one.
fn kind_of(site: &Site, job: &Job) -> (std::mem::Discriminant<Job>, [bool; 6]) {
    let d = std::mem::discriminant(job);
    let flags = match job {
        Job::Item(i) => {
            let (it, l) = (&site.items[*i], &site.links[*i]);
            [
                it.kind == content::ItemKind::Link,
                l.parent.is_some(),
                !l.replies.is_empty(),
                !l.translations.is_empty(),
                it.image.is_some(),
                l.prev.is_some() || l.next.is_some(),
            ]
        }
        Job::Channel(_, p) | Job::Author(_, p) | Job::Tag(_, p) | Job::Links(p) => {
            [*p == 1, false, false, false, false, false]
        }
        Job::Card(of) => [
            matches!(of, site::routes::CardOf::Item(_)),
            matches!(of, site::routes::CardOf::Channel(_)),
            matches!(of, site::routes::CardOf::Item(i) if site.items[*i].kind == content::ItemKind::Link),
            false,
            false,
            false,
        ],
        _ => [false; 6],
    };
    (d, flags)
}

/// A file under `static/` that replaces a page kurator writes (the build
/// reports it while writing; `check` writes nothing, so it asks here).
fn static_overrides(site: &Site, theme: &render::theme::Theme) -> Vec<Diagnostic> {
    (site.routes.iter())
        .filter(|r| !matches!(r.job, Job::Static(_) | Job::Image(..) | Job::Asset(_)))
        .filter(|r| theme.statics.contains_key(&r.path))
        .map(|r| {
            Diagnostic::new(
                Location::file(format!("static/{}", r.path)),
                Problem::StaticOverride {
                    path: r.path.clone(),
                },
            )
        })
        .collect()
}

/// The site folder of a path given on the command line (`.` when none).
pub fn site_dir(arg: Option<&Path>) -> PathBuf {
    arg.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
