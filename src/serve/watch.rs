//! Watching the site folder: notify events, debounced (editors that save by
//! writing a temp file and renaming it produce one change, not five), with
//! editor temp files and hidden files left out.

use crate::discover::{is_ignored_name, rel_path};
use notify::event::EventKind;
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::Duration;

/// How long the folder must be quiet before a change is reported.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

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
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    rx: Receiver<Change>,
    pending: Arc<AtomicBool>,
}

impl Watcher {
    /// Watches `root` (an absolute path) recursively. Events are filtered
    /// on the debouncer's thread, which raises [`Watcher::pending`] for
    /// every relevant change — a running build polls it to stop early.
    pub fn start(root: &Path) -> notify::Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        let pending = Arc::new(AtomicBool::new(false));
        let (flag, root_buf) = (pending.clone(), root.to_path_buf());
        let handler = move |result: DebounceEventResult| {
            let change = filter(&root_buf, result);
            if !change.is_empty() {
                flag.store(true, Ordering::SeqCst);
                let _ = tx.send(change);
            }
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler)?;
        debouncer.watch(root, RecursiveMode::Recursive)?;
        Ok(Watcher {
            _debouncer: debouncer,
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

/// The relevant part of one batch of debounced events.
fn filter(root: &Path, result: DebounceEventResult) -> Change {
    let mut change = Change::default();
    match result {
        Ok(events) => {
            for ev in &events {
                absorb_event(root, ev, &mut change);
            }
        }
        Err(errors) => {
            change.rescan = true;
            change.errors.extend(errors.iter().map(ToString::to_string));
        }
    }
    change
}

fn absorb_event(root: &Path, ev: &DebouncedEvent, change: &mut Change) {
    if ev.need_rescan() {
        change.rescan = true;
    }
    // Opening and reading files (the build itself does) is no change.
    if matches!(ev.kind, EventKind::Access(_)) {
        return;
    }
    change
        .rels
        .extend(ev.paths.iter().filter_map(|p| relevant(root, p)));
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
