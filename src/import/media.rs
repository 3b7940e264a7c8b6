//! Uploads (`/wp-content/uploads/…`) referenced by posts: with `--media` the
//! file is copied to `static/uploads/<same path>` and referenced as
//! `/uploads/<same path>`; without it the absolute URL stays.

use super::percent_decode;
use std::collections::BTreeMap;
use std::path::PathBuf;

const MARKER: &str = "/wp-content/uploads/";

/// Resolves upload URLs and remembers what to copy.
pub struct Media {
    dir: Option<PathBuf>,
    /// Destination (relative to the site root) → source file.
    copies: BTreeMap<String, PathBuf>,
    /// (post title, warning) for uploads missing from `--media`.
    pub warnings: Vec<(String, String)>,
    /// Upload URLs seen while no `--media` was given.
    pub remote: usize,
}

impl Media {
    /// `dir` is the `--media` folder (a copy of `wp-content/uploads`).
    pub fn new(dir: Option<PathBuf>) -> Self {
        Media {
            dir,
            copies: BTreeMap::new(),
            warnings: Vec::new(),
            remote: 0,
        }
    }

    /// The local URL for an upload, or `None` to keep `url` as it is.
    pub fn local(&mut self, url: &str, post: &str) -> Option<String> {
        let at = url.find(MARKER)?;
        let rel = url[at + MARKER.len()..].split(['?', '#']).next()?;
        let rel = percent_decode(rel);
        if rel.is_empty()
            || rel
                .split('/')
                .any(|s| s == ".." || s == "." || s.is_empty())
            || rel.contains('\\')
        {
            return None;
        }
        let Some(dir) = &self.dir else {
            self.remote += 1;
            return None;
        };
        // Posts often show a resized copy (`team-300x200.jpg`) that an
        // uploads folder copied without thumbnails lacks: fall back to the original.
        let found = [rel.clone(), without_size_suffix(&rel)]
            .into_iter()
            .find(|r| dir.join(r).is_file());
        let Some(rel) = found else {
            self.warnings.push((
                post.to_string(),
                format!("media file `{rel}` is not in --media; the absolute URL stays"),
            ));
            return None;
        };
        self.copies
            .insert(format!("static/uploads/{rel}"), dir.join(&rel));
        Some(format!("/uploads/{}", rel.replace(' ', "%20")))
    }

    /// The files to copy: (source, destination relative to the site root).
    pub fn take_copies(&mut self) -> Vec<(PathBuf, String)> {
        std::mem::take(&mut self.copies)
            .into_iter()
            .map(|(d, s)| (s, d))
            .collect()
    }
}

/// `a/team-300x200.jpg` → `a/team.jpg`.
fn without_size_suffix(rel: &str) -> String {
    let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, ""));
    let Some((base, size)) = stem.rsplit_once('-') else {
        return rel.to_string();
    };
    let is_size = size.split_once('x').is_some_and(|(w, h)| {
        !w.is_empty() && !h.is_empty() && w.bytes().chain(h.bytes()).all(|b| b.is_ascii_digit())
    });
    if is_size {
        format!("{base}.{ext}")
    } else {
        rel.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_suffix_is_removed() {
        assert_eq!(
            without_size_suffix("2020/04/team-300x200.jpg"),
            "2020/04/team.jpg"
        );
        assert_eq!(
            without_size_suffix("2020/04/x-mas.jpg"),
            "2020/04/x-mas.jpg"
        );
    }

    #[test]
    fn traversal_is_never_resolved() {
        let mut m = Media::new(Some(PathBuf::from("/tmp")));
        assert_eq!(
            m.local("https://b.example/wp-content/uploads/../../etc/passwd", "p"),
            None
        );
    }
}
