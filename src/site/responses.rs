//! Response files resolved against the site: each file's `item` must name
//! an article or curated link, and each item has at most one file.
//! Resolving never touches the disk; the files were parsed in
//! `content::responses`.

use crate::content::responses::{Response, ResponseFile, ResponseKind};
use crate::diagnostics::{closest, Diagnostic, Problem};
use crate::discover::{Kind, SourceFile};
use rustc_hash::FxHashMap;

/// Every response file of the site, by the source path of its item.
#[derive(Debug, Clone, Default)]
pub struct Responses {
    /// Files whose item exists, sorted by path.
    pub files: Vec<ResponseFile>,
    by_item: FxHashMap<String, usize>,
}

/// How many approved responses of each kind an item has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub replies: usize,
    pub likes: usize,
    pub reposts: usize,
    pub mentions: usize,
    pub total: usize,
}

impl Responses {
    /// The response file of the item at source path `rel`.
    pub fn for_item(&self, rel: &str) -> Option<&ResponseFile> {
        self.by_item.get(rel).map(|&i| &self.files[i])
    }

    /// Approved responses of an item, oldest first (ties by id): only these
    /// are ever published.
    pub fn approved(&self, rel: &str) -> Vec<&Response> {
        let mut v: Vec<&Response> = self
            .for_item(rel)
            .map(|f| f.entries.iter().filter(|e| e.approved).collect())
            .unwrap_or_default();
        v.sort_by(|a, b| {
            a.date
                .timestamp()
                .cmp(&b.date.timestamp())
                .then_with(|| a.id.cmp(&b.id))
        });
        v
    }

    /// Counts of an item's approved responses.
    pub fn counts(&self, rel: &str) -> Counts {
        let mut c = Counts::default();
        for r in self.approved(rel) {
            match r.kind {
                ResponseKind::Reply => c.replies += 1,
                ResponseKind::Like => c.likes += 1,
                ResponseKind::Repost => c.reposts += 1,
                ResponseKind::Mention => c.mentions += 1,
            }
            c.total += 1;
        }
        c
    }
}

/// Checks each file's `item` against the content files (drafts and future
/// items included: a scheduled post may collect responses once published).
pub fn resolve(
    mut files: Vec<ResponseFile>,
    content: &[(Kind, SourceFile)],
    diags: &mut Vec<Diagnostic>,
) -> Responses {
    let items: Vec<&str> = content
        .iter()
        .filter(|(k, _)| matches!(k, Kind::Article | Kind::Link))
        .map(|(_, f)| f.rel.as_str())
        .collect();
    files.sort_by(|a, b| a.origin.rel.cmp(&b.origin.rel));
    let mut out = Responses::default();
    for f in files {
        let item = f.item.as_str();
        if !items.contains(&item) {
            let with_md = format!("{item}.md");
            let suggestion = if items.contains(&with_md.as_str()) {
                Some(with_md)
            } else {
                closest(item, items.iter().copied()).map(str::to_string)
            };
            diags.push(Diagnostic::new(
                f.origin.at("item"),
                Problem::UnknownResponseItem {
                    item: item.to_string(),
                    suggestion,
                },
            ));
            continue;
        }
        if let Some(&other) = out.by_item.get(item) {
            diags.push(Diagnostic::new(
                f.origin.at("item"),
                Problem::DuplicateResponseFile {
                    item: item.to_string(),
                    other: out.files[other].origin.rel.clone(),
                },
            ));
            continue;
        }
        out.by_item.insert(f.item.clone(), out.files.len());
        out.files.push(f);
    }
    out
}
