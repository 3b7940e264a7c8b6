//! Watching the site folder: notify events, debounced on the trailing
//! edge (editors that save by writing a temp file and renaming it produce
//! one change, not five), with editor temp files and hidden files left out.
//!
//! The quiet time adapts: a change to one file is reported once the folder
//! has been quiet for [`QUICK`] — a single save is on screen sooner — and
//! once events name several files (a save through a temp file, a `git
//! checkout`), the folder must be quiet for [`DEBOUNCE`], as long as events
//! keep coming, but no longer than [`MAX_WAIT`] in all.

use crate::discover::{is_ignored_name, rel_path};
use notify::event::EventKind;
use notify::{Event, RecursiveMode, Watcher as _};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Quiet time after events that all concern one file. The events of one
/// save arrive within a millisecond or two of each other.
pub const QUICK: Duration = Duration::from_millis(20);
/// Quiet time once events name more than one file.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
/// A change is reported at the latest this long after its first event, even
/// if events keep coming (a program writing into the site all the time).
pub const MAX_WAIT: Duration = Duration::from_secs(1);

/// One batch of changes.
#[derive(Debug, Default)]
pub struct Change {
    /// Changed paths relative to the site, `/`-separated, sorted.
    pub rels: Vec<String>,
    /// The watcher lost track (overflow, error): assume everything changed.
    pub rescan: bool,
    /// Watcher errors to tell the user about.
    pub errors: Vec<String>,
}

impl Change {
    fn is_empty(&self) -> bool {
        !self.rescan && self.rels.is_empty() && self.errors.is_empty()
    }

    fn merge(&mut self, other: Change) {
        self.rels.extend(other.rels);
        self.rescan |= other.rescan;
        self.errors.extend(other.errors);
    }

    /// How long the folder must be quiet before this change is reported.
    fn quiet(&self) -> Duration {
        let one_file = self.rels.iter().all(|r| r == &self.rels[0]);
        if one_file && !self.rescan {
            QUICK
        } else {
            DEBOUNCE
        }
    }
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _watcher: notify::RecommendedWatcher,
    rx: Receiver<Change>,
    pending: Arc<AtomicBool>,
}

impl Watcher {
    /// Watches `root` (an absolute path) recursively. Events are debounced
    /// and filtered on a thread of their own, which raises
    /// [`Watcher::pending`] for every relevant change — a running build
    /// polls it to stop early.
    pub fn start(root: &Path) -> notify::Result<Watcher> {
        let (raw_tx, raw_rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |e: notify::Result<Event>| {
            let _ = raw_tx.send(e);
        })?;
        watcher.watch(root, RecursiveMode::Recursive)?;
        let (tx, rx) = mpsc::channel();
        let pending = Arc::new(AtomicBool::new(false));
        let (flag, root) = (pending.clone(), root.to_path_buf());
        std::thread::Builder::new()
            .name("kurator-watch".into())
            .spawn(move || debounce(&root, &raw_rx, &tx, &flag))?;
        Ok(Watcher {
            _watcher: watcher,
            rx,
            pending,
        })
    }

    /// Set while a change waits to be taken with [`Watcher::next`].
    pub fn pending(&self) -> &AtomicBool {
        &self.pending
    }

    /// Blocks until something relevant changed, then returns it together
    /// with whatever else is already queued. `None` when the watcher died.
    pub fn next(&self) -> Option<Change> {
        let mut change = self.rx.recv().ok()?;
        // Cleared before draining: a change that comes later raises it again.
        self.pending.store(false, Ordering::SeqCst);
        while let Ok(more) = self.rx.try_recv() {
            change.merge(more);
        }
        change.rels.sort();
        change.rels.dedup();
        Some(change)
    }
}

/// The debouncing loop: waits for a first event, then until the folder was
/// quiet for the change's [`Change::quiet`] time (or [`MAX_WAIT`] passed),
/// and sends what is relevant. Ends when the watcher is dropped.
fn debounce(
    root: &Path,
    raw: &Receiver<notify::Result<Event>>,
    tx: &Sender<Change>,
    flag: &AtomicBool,
) {
    while let Ok(first) = raw.recv() {
        let mut change = Change::default();
        if !absorb(root, first, &mut change) {
            continue;
        }
        let started = Instant::now();
        let mut last = started;
        let mut open = true;
        while open {
            let deadline = (last + change.quiet()).min(started + MAX_WAIT);
            let Some(wait) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            match raw.recv_timeout(wait) {
                Ok(e) => {
                    if absorb(root, e, &mut change) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => open = false,
            }
        }
        if !change.is_empty() {
            flag.store(true, Ordering::SeqCst);
            if tx.send(change).is_err() {
                return;
            }
        }
    }
}

/// Adds one raw event to `change`; `false` for events that are no change at
/// all (opening and reading files — the build itself does), which neither
/// start nor extend the quiet time. Events on ignored files do extend it:
/// they are part of an editor's save.
fn absorb(root: &Path, event: notify::Result<Event>, change: &mut Change) -> bool {
    match event {
        Ok(ev) => {
            if matches!(ev.kind, EventKind::Access(_)) {
                return false;
            }
            if ev.need_rescan() {
                change.rescan = true;
            }
            change
                .rels
                .extend(ev.paths.iter().filter_map(|p| relevant(root, p)));
        }
        Err(e) => {
            change.rescan = true;
            change.errors.push(e.to_string());
        }
    }
    true
}

/// The site-relative path of a changed file, unless it is outside the site
/// or any part of it is an editor temp or hidden file (`.git` included).
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    let inner = path.strip_prefix(root).ok()?;
    let ignored = inner
        .components()
        .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()));
    (!ignored).then(|| rel_path(root, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_and_hidden_folders_are_ignored() {
        let root = Path::new("/site");
        assert_eq!(
            relevant(root, Path::new("/site/articles/a.md")),
            Some("articles/a.md".into())
        );
        assert_eq!(relevant(root, Path::new("/site")), Some(String::new()));
        assert_eq!(relevant(root, Path::new("/site/articles/.a.md.swp")), None);
        assert_eq!(relevant(root, Path::new("/site/articles/a.md~")), None);
        assert_eq!(relevant(root, Path::new("/site/.git/index")), None);
        assert_eq!(relevant(root, Path::new("/elsewhere/a.md")), None);
    }
}
