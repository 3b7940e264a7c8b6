//! The only code of the importer that touches the site folder. Existing
//! files are compared, never replaced; new files are written under a hidden
//! temporary name and renamed, and if anything fails the files and folders
//! this run created are removed again.

use super::Plan;
use super::{ImportError, Report};
use std::fs;
use std::path::{Path, PathBuf};

enum Source<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

/// Writes the plan into `root`.
pub fn apply(root: &Path, plan: &Plan, report: &mut Report) -> Result<(), ImportError> {
    let mut todo: Vec<(&str, Source)> = Vec::new();
    let all = plan
        .files
        .iter()
        .map(|(rel, b)| (rel.as_str(), Source::Bytes(b)))
        .chain(
            plan.media
                .iter()
                .map(|(src, rel)| (rel.as_str(), Source::File(src))),
        );
    for (rel, src) in all {
        let dest = root.join(rel);
        if dest.exists() || dest.is_symlink() {
            if same(&dest, &src) {
                report.unchanged.push(rel.to_string());
            } else {
                report.skipped.push(rel.to_string());
            }
        } else {
            todo.push((rel, src));
        }
    }
    let mut undo = Undo::default();
    for (rel, src) in &todo {
        if let Err((path, e)) = write_one(root, rel, src, &mut undo) {
            undo.run();
            return Err(ImportError::Write(path, e));
        }
        report.written.push(rel.to_string());
    }
    Ok(())
}

fn same(dest: &Path, src: &Source) -> bool {
    let Ok(have) = fs::read(dest) else {
        return false;
    };
    match src {
        Source::Bytes(b) => have == *b,
        Source::File(p) => fs::read(p).is_ok_and(|want| want == have),
    }
}

/// What this run created, newest last.
#[derive(Default)]
struct Undo {
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl Undo {
    fn run(&self) {
        for f in self.files.iter().rev() {
            let _ = fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

fn write_one(
    root: &Path,
    rel: &str,
    src: &Source,
    undo: &mut Undo,
) -> Result<(), (PathBuf, std::io::Error)> {
    let dest = root.join(rel);
    let parent = dest.parent().unwrap_or(root).to_path_buf();
    let mut missing = Vec::new();
    let mut p = parent.as_path();
    while !p.exists() {
        missing.push(p.to_path_buf());
        match p.parent() {
            Some(up) => p = up,
            None => break,
        }
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d).map_err(|e| (d.clone(), e))?;
        undo.dirs.push(d);
    }
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Hidden, so a `kurator serve` watching the site never reads a half file.
    let tmp = parent.join(format!(".{name}.kurator-import"));
    let written = match src {
        Source::Bytes(b) => fs::write(&tmp, b),
        Source::File(s) => fs::copy(s, &tmp).map(|_| ()),
    };
    undo.files.push(tmp.clone());
    written.map_err(|e| (dest.clone(), e))?;
    fs::rename(&tmp, &dest).map_err(|e| (dest.clone(), e))?;
    undo.files.pop();
    undo.files.push(dest);
    Ok(())
}
