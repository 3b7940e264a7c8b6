//! `kurator build`.

use super::{print_human, SiteArgs};
use crate::{build, BuildError, BuildOptions, LoadOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `kurator build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Output folder.
    #[arg(short, long, default_value = "public")]
    output: PathBuf,
    /// Include future-dated items.
    #[arg(long)]
    future: bool,
    /// Override `base_url` from site.yaml.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Number of threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Replace an output folder kurator did not write.
    #[arg(long)]
    force: bool,
    /// Print how long each stage took.
    #[arg(long)]
    timings: bool,
    /// Where the cache lives (default: SITE/.kurator).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

pub fn run(a: BuildArgs) -> i32 {
    let site_dir = crate::site_dir(a.site.site.as_deref());
    // A relative -o is relative to the current folder, like every other tool.
    let cache = crate::cache::Cache::open(&site_dir, a.cache_dir.as_deref());
    let mut opts = BuildOptions {
        cache: Some(cache),
        load: LoadOptions {
            site_dir,
            drafts: a.site.drafts,
            future: a.future,
            base_url: a.base_url,
            exclude: Vec::new(),
            cache_dir: a.cache_dir.clone(),
            ..Default::default()
        },
        output: a.output.clone(),
        force: a.force,
        progress: None,
    };
    let progress = Progress::start(&mut opts);
    install_signal_handlers();
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(a.jobs.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start worker threads: {e}");
            return 2;
        }
    };
    let result = pool.install(|| build(&opts));
    progress.finish();
    match result {
        Ok(report) => {
            print_human(&report.diagnostics, &opts.load.site_dir);
            let secs = report.elapsed.as_secs_f64();
            eprintln!(
                "Built {} pages and {} feeds ({} files) into {} in {:.2} s ({:.0} pages/s)",
                report.pages,
                report.feeds,
                report.files,
                a.output.display(),
                secs,
                report.pages as f64 / secs.max(1e-6)
            );
            if a.timings {
                let t = &report.timings;
                eprintln!(
                    "timings: parse {:.3} s, resolve {:.3} s, images {:.3} s ({} encoded), render+write {:.3} s, swap {:.3} s",
                    t.parse.as_secs_f64(),
                    t.resolve.as_secs_f64(),
                    t.images.as_secs_f64(),
                    t.images_encoded,
                    t.render_write.as_secs_f64(),
                    t.swap.as_secs_f64()
                );
            }
            0
        }
        Err(BuildError::Content(diags)) => {
            print_human(&diags, &opts.load.site_dir);
            let n = diags.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "error: build failed with {n} error(s); the output folder was left unchanged"
            );
            1
        }
        Err(BuildError::Output(e)) => {
            eprintln!("error: {e}");
            2
        }
        Err(BuildError::Interrupted(sig)) => {
            eprintln!(
                "error: build interrupted by signal {sig}; the output folder was left unchanged"
            );
            // The shell convention for "terminated by signal N".
            128 + sig
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP set a flag that the render loop polls, so an
/// interrupted build stops between files and removes its staging folder.
/// A second signal exits at once (for a build stuck somewhere), which may
/// leave a staging folder behind but never touches the previous output.
#[cfg(unix)]
fn install_signal_handlers() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::atomic::AtomicBool;
    static ARMED: AtomicBool = AtomicBool::new(false);
    let flag = crate::output::interrupt_flag();
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        // Order matters: the shutdown must see the flag of the *previous* signal.
        let ok = signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, &ARMED)
            .and_then(|_| signal_hook::flag::register(sig, &ARMED))
            .and_then(|_| signal_hook::flag::register_usize(sig, flag, sig as usize));
        if let Err(e) = ok {
            eprintln!("warning: cannot install a handler for signal {sig}: {e}");
        }
    }
}

#[cfg(not(unix))]
fn install_signal_handlers() {}

/// The progress line of a long build: only on a terminal, never in CI, and
/// only after the first second (short builds print nothing but the summary).
struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(opts: &mut BuildOptions) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let wanted = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        if !wanted {
            return Progress { stop, thread: None };
        }
        let counters = Arc::new(crate::Progress::default());
        opts.progress = Some(counters.clone());
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() < Duration::from_secs(1) {
                    continue;
                }
                let total = counters.total.load(Ordering::Relaxed);
                let done = counters.done.load(Ordering::Relaxed);
                let line = match (done * 100).checked_div(total) {
                    None => "reading and checking the site …".to_string(),
                    Some(pct) => format!("rendering {done} / {total} files ({pct}%)"),
                };
                let _ = write!(std::io::stderr(), "\r\x1b[2K{line}");
                shown = true;
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the display and clears its line before the summary is printed.
    fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread {
            let _ = t.join();
        }
    }
}
