//! Walks the site folder and sorts its files by kind. Nothing is read here
//! except directory entries; symbolic links are never followed.

use crate::diagnostics::{Diagnostic, Location, Problem};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// What a content file is, from the folder it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Author,
    Channel,
    Article,
    Link,
    Page,
}

/// A file found in the site: its path relative to the site root (with `/`)
/// and on disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel: String,
    pub path: PathBuf,
}

/// Everything `discover` found, each list sorted by relative path.
#[derive(Debug, Default)]
pub struct SourceTree {
    pub root: PathBuf,
    pub content: Vec<(Kind, SourceFile)>,
    pub statics: Vec<SourceFile>,
    /// Images beside content files (`articles/x/team.jpg`), referenced
    /// relatively from markdown.
    pub assets: Vec<SourceFile>,
    pub templates: Vec<SourceFile>,
    /// Files of `themes/<name>/` for the configured theme: (path inside the theme, file).
    pub theme_files: Vec<SourceFile>,
    /// Reader responses, `responses/**/*.yaml` (SPEC §16).
    pub responses: Vec<SourceFile>,
    pub warnings: Vec<Diagnostic>,
}

/// Whether a file name is an editor temp file, backup or hidden file.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Whether a file name has an image extension (content may sit beside it).
pub fn is_image_name(name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "jpg" | "jpeg" | "png" | "webp" | "gif" | "svg" | "avif"
    )
}

/// Lists the site's files. `exclude` (the output folder and its staging
/// siblings) is skipped when it lies inside the site.
pub fn discover(root: &Path, theme: &str, exclude: &[PathBuf]) -> SourceTree {
    let mut tree = SourceTree {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let folders: [(&str, Option<Kind>); 5] = [
        ("authors", Some(Kind::Author)),
        ("channels", Some(Kind::Channel)),
        ("articles", Some(Kind::Article)),
        ("links", Some(Kind::Link)),
        ("pages", Some(Kind::Page)),
    ];
    for (dir, kind) in folders {
        for f in walk(root, &root.join(dir), exclude, &mut tree.warnings) {
            if f.rel.ends_with(".md") {
                tree.content.push((kind.unwrap_or(Kind::Page), f));
            } else if is_image_name(&f.rel) {
                tree.assets.push(f);
            }
        }
    }
    tree.responses = walk(root, &root.join("responses"), exclude, &mut tree.warnings)
        .into_iter()
        .filter(|f| f.rel.ends_with(".yaml") || f.rel.ends_with(".yml"))
        .collect();
    tree.statics = walk(root, &root.join("static"), exclude, &mut tree.warnings);
    tree.templates = walk(root, &root.join("templates"), exclude, &mut tree.warnings);
    let theme_dir = root.join("themes").join(theme);
    tree.theme_files = walk(root, &theme_dir, exclude, &mut tree.warnings);
    tree
}

fn walk(
    root: &Path,
    dir: &Path,
    exclude: &[PathBuf],
    warnings: &mut Vec<Diagnostic>,
) -> Vec<SourceFile> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || (!is_ignored_name(&name) && !exclude.iter().any(|x| e.path() == x))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let rel = err.path().map(|p| rel_path(root, p)).unwrap_or_default();
                warnings.push(Diagnostic::new(
                    Location::file(rel),
                    Problem::Io {
                        what: err.to_string(),
                    },
                ));
                continue;
            }
        };
        if entry.path_is_symlink() {
            warnings.push(Diagnostic::new(
                Location::file(rel_path(root, entry.path())),
                Problem::SymlinkSkipped,
            ));
            continue;
        }
        if entry.file_type().is_file() {
            out.push(SourceFile {
                rel: rel_path(root, entry.path()),
                path: entry.into_path(),
            });
        }
    }
    out
}

/// `path` relative to `root`, with `/` separators on every OS.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for n in [
            ".#post.md",
            "post.md~",
            ".post.md.swp",
            "#post.md#",
            ".hidden",
            "4913",
        ] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("post.md"));
    }
}
