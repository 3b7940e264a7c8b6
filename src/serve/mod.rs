//! `kurator serve`: build the site into memory, serve it over HTTP on
//! loopback, watch the site folder and rebuild on every change, reloading
//! open tabs and showing build errors in the page instead of stopping.
//!
//! - [`rebuild`]: the in-memory pipeline: a parse cache, open pages first,
//!   the rest after (cancelled by a newer change);
//! - [`http`] and [`path`]: answering requests from memory;
//! - [`live`]: the reload script, error overlay and event stream;
//! - [`watch`]: debounced file-system events.
//!
//! `serve` writes no files at all, so stopping it at any moment (Ctrl-C
//! ends the process with the default signal behaviour) leaves nothing
//! half-done behind; no signal handler is needed.

pub mod http;
pub mod live;
pub mod path;
pub mod rebuild;
pub mod store;
pub mod watch;

use crate::diagnostics::{self, Diagnostic};
use crate::LoadOptions;
use http::{Current, Shared};
use rebuild::{Builder, Early, Outcome, Snapshot};
use rustc_hash::FxHashSet;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// HTTP worker threads; event streams run on threads of their own.
const WORKERS: usize = 4;

/// Options of `kurator serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// What to build; `base_url` is replaced by the server's address.
    pub load: LoadOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// Why `serve` could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The port is taken by another program.
    PortInUse(u16),
    /// Another problem binding the address or starting threads.
    Io(String),
    /// The site folder has no usable `site.yaml`.
    Site(Vec<Diagnostic>),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::PortInUse(p) => {
                write!(f, "port {p} is in use; try --port 0 for a free one")
            }
            ServeError::Io(e) => write!(f, "{e}"),
            ServeError::Site(d) => write!(f, "the site cannot be loaded ({} problem(s))", d.len()),
        }
    }
}

/// The URL the site is served at, e.g. `http://127.0.0.1:1111`.
pub fn base_url(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("http://[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}", addr.port()),
    }
}

/// Serves the site until the process is stopped. Returns only when it
/// cannot start or the file watcher dies.
pub fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    let site_dir =
        std::path::absolute(&opts.load.site_dir).map_err(|e| ServeError::Io(e.to_string()))?;
    if !site_dir.join("site.yaml").is_file() {
        let mut d = vec![Diagnostic::new(
            diagnostics::Location::file("site.yaml"),
            diagnostics::Problem::MissingSiteYaml,
        )];
        diagnostics::sort(&mut d);
        return Err(ServeError::Site(d));
    }
    let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse(opts.port),
        _ => ServeError::Io(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port)),
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError::Io(e.to_string()))?;
    let url = base_url(addr);
    let load = LoadOptions {
        site_dir: site_dir.clone(),
        base_url: Some(url.clone()),
        ..opts.load.clone()
    };
    // Watch before the first build, so edits made while it runs are not lost.
    let watcher = watch::Watcher::start(&site_dir)
        .map_err(|e| ServeError::Io(format!("cannot watch {}: {e}", site_dir.display())))?;
    let mut builder = Builder::new(load);
    let shared = Arc::new(Shared {
        current: RwLock::new(Arc::new(Current {
            snapshot: Arc::new(Snapshot::default()),
            overlay: None,
            generation: 0,
        })),
        hub: live::Hub::default(),
        bind: opts.bind,
    });
    let started = Instant::now();
    let mut warnings = Vec::new();
    // The first build is not cancelled by edits: there is nothing to serve yet.
    apply(
        &mut builder,
        &shared,
        &AtomicBool::new(false),
        &mut warnings,
        started,
    );
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| ServeError::Io(e.to_string()))?;
    http::spawn_workers(Arc::new(server), shared.clone(), WORKERS)
        .map_err(|e| ServeError::Io(e.to_string()))?;
    http::spawn_nudger(addr).map_err(|e| ServeError::Io(e.to_string()))?;
    if !opts.bind.is_loopback() {
        eprintln!("warning: serving to the network on {}; anyone who can reach this machine can read the site", opts.bind);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Serving at {url}/");
    let _ = out.flush();
    drop(out);
    eprintln!(
        "Watching {} for changes; press Ctrl-C to stop",
        site_dir.display()
    );
    if opts.open {
        open_browser(&format!("{url}/"));
    }
    watch_loop(&watcher, &mut builder, &shared, &mut warnings);
    Err(ServeError::Io("the file watcher stopped".into()))
}

/// Rebuilds on every change until the watcher dies.
fn watch_loop(
    watcher: &watch::Watcher,
    builder: &mut Builder,
    shared: &Shared,
    warnings: &mut Vec<Diagnostic>,
) {
    while let Some(change) = watcher.next() {
        let started = Instant::now();
        for e in &change.errors {
            eprintln!("warning: file watcher: {e}");
        }
        if change.rescan {
            builder.invalidate_all();
        } else {
            builder.invalidate(&change.rels);
        }
        apply(builder, shared, watcher.pending(), warnings, started);
    }
}

/// One build's view of what was served before and what tabs are open.
struct Round {
    before: Arc<Current>,
    started: Instant,
    open: FxHashSet<String>,
    /// Some tab is open on a page we do not know.
    unknown_open: bool,
    /// When the first pass was published, and what it rendered.
    early: Option<(u128, FxHashSet<String>)>,
}

/// Runs one build and makes its result what is served: the open pages as
/// soon as they are rendered, then the whole new snapshot; on failure the
/// last good snapshot plus an error overlay. Tells the terminal and tabs.
fn apply(
    builder: &mut Builder,
    shared: &Shared,
    cancel: &AtomicBool,
    warnings: &mut Vec<Diagnostic>,
    started: Instant,
) {
    let (open, unknown_open) = shared.hub.open_pages();
    let before = shared.current();
    let mut round = Round {
        before: before.clone(),
        started,
        open: FxHashSet::default(),
        unknown_open,
        early: None,
    };
    let mut on_early = |e: Early| publish_early(shared, &mut round, e);
    let outcome = builder.build(&before.snapshot, &open, cancel, &mut on_early);
    round.open = open;
    let site_dir = builder.site_dir();
    match outcome {
        Outcome::Built(built) => publish_built(shared, &round, built, warnings, site_dir),
        Outcome::Failed(diags) => publish_failed(shared, &round, &diags, warnings, site_dir),
        Outcome::Cancelled => {}
    }
}

/// Serves the first pass's pages over the previous snapshot and reloads
/// the tabs (only swaps stylesheets when only CSS changed).
fn publish_early(shared: &Shared, round: &mut Round, early: Early) {
    let before = &round.before;
    let published =
        before.generation > 0 && (!early.changed.is_empty() || before.overlay.is_some());
    round.early = Some((round.started.elapsed().as_millis(), early.paths));
    if !published {
        return;
    }
    let css_only =
        before.overlay.is_none() && early.changed.iter().all(|(p, _)| p.ends_with(".css"));
    let mut files = before.snapshot.files.clone();
    files.extend(early.changed);
    let snapshot = Arc::new(Snapshot {
        files,
        pages: before.snapshot.pages,
    });
    let generation = shared.current().generation + 1;
    shared.set(Current {
        snapshot,
        overlay: None,
        generation,
    });
    shared.hub.broadcast(
        if css_only { "css" } else { "reload" },
        &generation.to_string(),
    );
}

/// Serves a complete build, and reloads the tabs that show something the
/// first pass did not already update.
fn publish_built(
    shared: &Shared,
    round: &Round,
    built: rebuild::Built,
    warnings: &mut Vec<Diagnostic>,
    site_dir: &std::path::Path,
) {
    let ms = round.started.elapsed().as_millis();
    if built.warnings != *warnings {
        print_diags(&built.warnings, site_dir);
        *warnings = built.warnings.clone();
    }
    let before = &round.before;
    if before.generation == 0 {
        let (pages, files) = (built.snapshot.pages, built.snapshot.files.len());
        eprintln!("Built {pages} pages ({files} files) in {ms} ms");
    } else {
        let patched = match built.patched {
            0 => String::new(),
            1 => " by patching 1 item in place".to_string(),
            n => format!(" by patching {n} items in place"),
        };
        eprintln!(
            "Rebuilt in {ms} ms ({}){patched}{}",
            summary(&built.changed, built.removed.len()),
            early_note(round, ms)
        );
    }
    let empty = FxHashSet::default();
    let early_paths = round.early.as_ref().map_or(&empty, |(_, p)| p);
    let late: Vec<&String> = built
        .changed
        .iter()
        .chain(&built.removed)
        .filter(|p| !early_paths.contains(*p))
        .collect();
    let seen =
        late.iter().any(|p| round.open.contains(*p)) || (round.unknown_open && !late.is_empty());
    if built.changed.is_empty()
        && built.removed.is_empty()
        && before.overlay.is_none()
        && before.generation > 0
    {
        return;
    }
    let generation = shared.current().generation + 1;
    shared.set(Current {
        snapshot: Arc::new(built.snapshot),
        overlay: None,
        generation,
    });
    if seen {
        let css_only = late.iter().all(|p| p.ends_with(".css"));
        shared.hub.broadcast(
            if css_only { "css" } else { "reload" },
            &generation.to_string(),
        );
    }
}

/// `; open pages updated after 640 ms` when that was much earlier.
fn early_note(round: &Round, total_ms: u128) -> String {
    match &round.early {
        Some((ms, _)) if total_ms > ms + 100 && !round.open.is_empty() => {
            format!("; open pages updated after {ms} ms")
        }
        _ => String::new(),
    }
}

/// Keeps serving the last good build, with the errors over every page.
fn publish_failed(
    shared: &Shared,
    round: &Round,
    diags: &[Diagnostic],
    warnings: &mut Vec<Diagnostic>,
    site_dir: &std::path::Path,
) {
    print_diags(diags, site_dir);
    let n = diags.iter().filter(|d| d.is_error()).count();
    let ms = round.started.elapsed().as_millis();
    let serving = if round.before.snapshot.files.is_empty() {
        "nothing to serve until it builds; pages show the errors"
    } else {
        "still serving the last good build"
    };
    eprintln!("Build failed in {ms} ms with {n} error(s); {serving}");
    warnings.clear();
    let overlay = Some(Arc::from(live::overlay(diags)));
    let generation = shared.current().generation + 1;
    shared.set(Current {
        snapshot: round.before.snapshot.clone(),
        overlay,
        generation,
    });
    shared.hub.broadcast("reload", &generation.to_string());
}

/// `2 pages changed`, `1 page, 1 other file changed`, `no changes`.
fn summary(changed: &[String], removed: usize) -> String {
    let pages = changed.iter().filter(|p| p.ends_with(".html")).count();
    let other = changed.len() - pages;
    let mut parts = Vec::new();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if pages > 0 || (other == 0 && removed == 0) {
        parts.push(plural(pages, "page", "pages"));
    }
    if other > 0 {
        parts.push(plural(other, "other file", "other files"));
    }
    let mut s = if changed.is_empty() && removed == 0 {
        "no changes".to_string()
    } else {
        format!("{} changed", parts.join(", "))
    };
    if removed > 0 {
        s = if changed.is_empty() {
            plural(removed, "file removed", "files removed")
        } else {
            format!("{s}, {removed} removed")
        };
    }
    s
}

fn print_diags(diags: &[Diagnostic], site_dir: &std::path::Path) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let source = |rel: &str| std::fs::read_to_string(site_dir.join(rel)).ok();
    let _ = diagnostics::print(
        diags,
        diagnostics::Format::Human,
        color,
        &source,
        &mut std::io::stderr().lock(),
    );
}

/// Best effort: a missing opener is not worth failing over.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = cmd {
        eprintln!("warning: cannot open a browser ({e}); visit {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_pages_and_other_files() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            summary(&s(&["a/index.html", "b/index.html"]), 0),
            "2 pages changed"
        );
        assert_eq!(
            summary(&s(&["a/index.html", "atom.xml"]), 0),
            "1 page, 1 other file changed"
        );
        assert_eq!(summary(&s(&["css/kurator.css"]), 0), "1 other file changed");
        assert_eq!(summary(&[], 0), "no changes");
        assert_eq!(summary(&[], 2), "2 files removed");
    }

    #[test]
    fn ipv6_urls_are_bracketed() {
        assert_eq!(base_url("[::1]:8080".parse().unwrap()), "http://[::1]:8080");
        assert_eq!(
            base_url("127.0.0.1:1111".parse().unwrap()),
            "http://127.0.0.1:1111"
        );
    }
}
