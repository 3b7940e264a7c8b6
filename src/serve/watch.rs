//! Watching the site folder: notify events, debounced (editors that save by
//! writing a temp file and renaming it produce one change, not five), with
//! editor temp files and hidden files left out.

use crate::discover::{is_ignored_name, rel_path};
use notify::event::EventKind;
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
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

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    rx: Receiver<DebounceEventResult>,
    root: PathBuf,
}

impl Watcher {
    /// Watches `root` (an absolute path) recursively.
    pub fn start(root: &Path) -> notify::Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
        debouncer.watch(root, RecursiveMode::Recursive)?;
        Ok(Watcher {
            _debouncer: debouncer,
            rx,
            root: root.to_path_buf(),
        })
    }

    /// Blocks until something relevant changed, then returns it together
    /// with whatever else is already queued. `None` when the watcher died.
    pub fn next(&self) -> Option<Change> {
        loop {
            let mut change = Change::default();
            self.absorb(self.rx.recv().ok()?, &mut change);
            while let Ok(more) = self.rx.try_recv() {
                self.absorb(more, &mut change);
            }
            if change.rescan || !change.rels.is_empty() || !change.errors.is_empty() {
                change.rels.sort();
                change.rels.dedup();
                return Some(change);
            }
        }
    }

    fn absorb(&self, result: DebounceEventResult, change: &mut Change) {
        match result {
            Ok(events) => {
                for ev in events {
                    self.absorb_event(&ev, change);
                }
            }
            Err(errors) => {
                change.rescan = true;
                change.errors.extend(errors.iter().map(ToString::to_string));
            }
        }
    }

    fn absorb_event(&self, ev: &DebouncedEvent, change: &mut Change) {
        if ev.need_rescan() {
            change.rescan = true;
        }
        // Opening and reading files (the build itself does) is no change.
        if matches!(ev.kind, EventKind::Access(_)) {
            return;
        }
        for p in &ev.paths {
            if let Some(rel) = relevant(&self.root, p) {
                change.rels.push(rel);
            }
        }
    }
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
