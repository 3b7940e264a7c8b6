//! The output folder: safety rules, a staging folder beside it, parallel
//! writes, and the swap that makes a build all-or-nothing. This is the only
//! module that creates or deletes files.

use crate::render::{Body, Output};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The signal that asked the build to stop (0: none). Set from a signal
/// handler (see `cli::build`), so it is a plain atomic: the render loop polls
/// it between files, stops early, and the dropped [`Staging`] removes itself.
static INTERRUPTED: AtomicUsize = AtomicUsize::new(0);

/// The flag the signal handlers write to.
pub fn interrupt_flag() -> &'static AtomicUsize {
    &INTERRUPTED
}

/// The signal number that interrupted the build, if any.
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        n => Some(n as i32),
    }
}

/// Marker file proving kurator wrote a folder (so it may replace it).
pub const MARKER: &str = ".kurator-output";

/// Why an output folder was refused.
#[derive(Debug)]
pub enum OutputError {
    IsSite,
    ContainsSite,
    NotOurs(PathBuf),
    NotADirectory(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::IsSite => write!(f, "the output folder is the site folder itself; choose another with -o"),
            OutputError::ContainsSite => write!(f, "the output folder contains the site folder; choose a folder inside or beside the site with -o"),
            OutputError::NotOurs(p) => write!(
                f,
                "{} is not empty and was not written by kurator; refusing to replace it (use --force if you are sure)",
                p.display()
            ),
            OutputError::NotADirectory(p) => write!(f, "{} exists and is not a folder", p.display()),
            OutputError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

/// Resolves `.`/`..` and symlinks of the existing part of a path, so that
/// `-o ..` or a symlinked output compares correctly with the site folder.
pub fn absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

/// Checks the rules of SPEC section 7 for an output folder.
pub fn check_target(site: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let site = absolute(site);
    let out = absolute(out);
    if out == site {
        return Err(OutputError::IsSite);
    }
    if site.starts_with(&out) {
        return Err(OutputError::ContainsSite);
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(OutputError::NotADirectory(out));
        }
        let empty = fs::read_dir(&out)
            .map_err(|e| OutputError::Io(out.clone(), e))?
            .next()
            .is_none();
        if !empty && !out.join(MARKER).exists() && !force {
            return Err(OutputError::NotOurs(out));
        }
    }
    Ok(())
}

/// A staging folder beside the output, replaced into place by [`Staging::commit`].
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    /// The previous output, when kurator wrote it: unchanged copied files
    /// are taken over from it instead of copied again (see [`adopt`]).
    previous: Option<PathBuf>,
    committed: bool,
}

impl Staging {
    /// Creates `.<name>.kurator-staging-<pid>` beside `target`.
    pub fn create(target: &Path) -> Result<Staging, OutputError> {
        let target = absolute(target);
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
        remove_stale(&parent, &name);
        let dir = parent.join(format!(".{name}.kurator-staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| OutputError::Io(dir.clone(), e))?;
        }
        fs::create_dir(&dir).map_err(|e| OutputError::Io(dir.clone(), e))?;
        let previous = (target.is_dir() && target.join(MARKER).is_file()).then(|| target.clone());
        Ok(Staging {
            dir,
            target,
            previous,
            committed: false,
        })
    }

    /// Writes one output file into the staging folder.
    pub fn write(&self, out: &Output) -> io::Result<()> {
        let rel = Path::new(&out.path);
        // Paths come from kurator's own URL rules, but check anyway: nothing
        // may land outside the staging folder.
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unsafe output path {}", out.path),
            ));
        }
        let dest = self.dir.join(rel);
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p)?;
        }
        match &out.body {
            Body::Bytes(b) => fs::write(&dest, b),
            Body::Embedded(b) => fs::write(&dest, b),
            Body::Copy(src) => self.copy(src, rel, &dest),
        }
    }

    /// Publishes a file kurator copies (image variants from the cache,
    /// static files): taken over from the previous output when it is
    /// unchanged there, else copied and stamped with the source's
    /// modification time so that the next build recognises it.
    fn copy(&self, src: &Path, rel: &Path, dest: &Path) -> io::Result<()> {
        let meta = fs::metadata(src)?;
        if let Some(prev) = &self.previous {
            if adopt(prev, rel, &meta, dest) {
                return Ok(());
            }
        }
        fs::copy(src, dest)?;
        let stamp = meta.modified()?;
        fs::File::options()
            .write(true)
            .open(dest)?
            .set_modified(stamp)
    }

    /// Swaps the staging folder into place: the old output is moved aside,
    /// the new one renamed in, the old one deleted.
    pub fn commit(mut self) -> Result<(), OutputError> {
        fs::write(
            self.dir.join(MARKER),
            b"written by kurator; this folder is replaced on every build\n",
        )
        .map_err(|e| OutputError::Io(self.dir.clone(), e))?;
        let old = self.dir.with_file_name(format!(
            ".{}.kurator-old-{}",
            self.target
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(|e| OutputError::Io(self.target.clone(), e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(OutputError::Io(self.target.clone(), e));
        }
        self.committed = true;
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

/// Hard-links `rel` of the previous output into the staging folder when
/// it is the file kurator copied there before: a regular file (no symlink,
/// in real folders only, so nothing outside the output is ever reached)
/// with the source's size and modification time (to the nanosecond, which
/// [`Staging::copy`] stamped) and no other link. An output file edited in
/// place gets a new modification time, so it is copied afresh. A link
/// rather than a move leaves the previous output whole until the swap, so
/// a failed build changes nothing in it; the previous output is then
/// deleted, and the file keeps a single name in the new one. Nothing is
/// ever linked to the cache or the sources, so editing a published file
/// cannot change them. Returns false where anything differs or linking
/// fails; the caller copies then.
#[cfg(unix)]
fn adopt(previous: &Path, rel: &Path, src: &fs::Metadata, dest: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let mut path = previous.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(part) = parts.next() {
        path.push(part);
        let Ok(m) = fs::symlink_metadata(&path) else {
            return false;
        };
        let ok = if parts.peek().is_some() {
            m.is_dir()
        } else {
            m.is_file()
                && m.nlink() == 1
                && m.len() == src.len()
                && m.modified()
                    .ok()
                    .is_some_and(|t| src.modified().ok() == Some(t))
        };
        if !ok {
            return false;
        }
    }
    fs::hard_link(&path, dest).is_ok()
}

/// Without Unix link counts, every file is copied.
#[cfg(not(unix))]
fn adopt(_: &Path, _: &Path, _: &fs::Metadata, _: &Path) -> bool {
    false
}

/// Removes staging and old-output folders that earlier builds of the same
/// output left behind because they were killed (SIGKILL, power loss) or the
/// file system turned read-only under them. Only folders whose process is
/// gone are touched, so a concurrent build keeps its own; where that cannot
/// be known (no `/proc`), nothing is removed.
fn remove_stale(parent: &Path, name: &str) {
    let proc_dir = Path::new("/proc");
    if !proc_dir.join("self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.kurator-staging-"),
        format!(".{name}.kurator-old-"),
    ];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(pid) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let alive = pid.parse::<u32>().map_or(true, |pid| {
            pid == std::process::id() || proc_dir.join(pid.to_string()).exists()
        });
        // A real folder only: a symlink with this name is not ours to follow.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !alive && is_dir {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

impl Drop for Staging {
    /// A failed or abandoned build leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
