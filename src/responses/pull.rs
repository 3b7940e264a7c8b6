//! `kurator responses pull`: reads the site, asks each source for the
//! responses to its items, and appends what is new to the response files.

use super::avatars::Avatars;
use super::merge;
use super::sources::{self, NewEntry};
use crate::config::AvatarPolicy;
use crate::content::date;
use crate::content::responses::ResponseKind;
use crate::diagnostics::Diagnostic;
use crate::site::Site;
use crate::LoadOptions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `pull` needs to know.
#[derive(Debug, Clone)]
pub struct PullOptions {
    pub site_dir: PathBuf,
}

/// What one response file gained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// Site-relative path of the response file.
    pub file: String,
    /// Whether the file was created by this pull.
    pub created: bool,
    pub replies: usize,
    pub likes: usize,
    pub reposts: usize,
    pub mentions: usize,
}

impl FileSummary {
    /// Entries added to this file.
    pub fn total(&self) -> usize {
        self.replies + self.likes + self.reposts + self.mentions
    }
}

/// What a pull did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files: Vec<FileSummary>,
    pub avatars: usize,
    /// Sources that could not be read, pictures left out, and the like.
    pub warnings: Vec<String>,
}

/// Why a pull did not run.
#[derive(Debug)]
pub enum PullError {
    /// No usable site (exit 2).
    Site(Vec<Diagnostic>),
    /// Response files with errors: fixed first, so nothing is appended to a
    /// file that does not parse (exit 1).
    Responses(Vec<Diagnostic>),
}

/// Pulls new responses for every item of the site.
pub fn pull(opts: &PullOptions) -> Result<Summary, PullError> {
    let load = LoadOptions {
        site_dir: opts.site_dir.clone(),
        drafts: true,
        future: true,
        ..Default::default()
    };
    let loaded = crate::load(&load).map_err(PullError::Site)?;
    let broken: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.file.starts_with("responses/"))
        .cloned()
        .collect();
    if !broken.is_empty() {
        return Err(PullError::Responses(broken));
    }
    let site = &loaded.site;
    let mut summary = Summary::default();
    let found = collect(site, &mut summary.warnings);
    let mut avatars = Avatars::new(&opts.site_dir);
    for (rel, entries) in found {
        if let Some(f) = write_item(
            site,
            &opts.site_dir,
            &rel,
            entries,
            &mut avatars,
            &mut summary.warnings,
        ) {
            summary.files.push(f);
        }
    }
    summary.avatars = avatars.written;
    summary.warnings.extend(avatars.problems);
    Ok(summary)
}

/// Asks every source; returns what each item (by source path) got.
fn collect(site: &Site, warnings: &mut Vec<String>) -> BTreeMap<String, Vec<NewEntry>> {
    let cfg = &site.config.responses;
    let now = date::rfc3339(&crate::now(&jiff::tz::TimeZone::UTC));
    let mut found: BTreeMap<String, Vec<NewEntry>> = BTreeMap::new();
    for it in &site.items {
        for (key, url) in &it.discuss {
            let mut soft = Vec::new();
            let got = match key.as_str() {
                "mastodon" => sources::mastodon(url, &now, &mut soft),
                "bluesky" => sources::bluesky(&cfg.bluesky_api, url),
                _ => continue,
            };
            match got {
                Ok(v) => found.entry(it.origin.rel.clone()).or_default().extend(v),
                Err(e) => warnings.push(format!("{}: discuss.{key}: {e}", it.origin.rel)),
            }
            let rel = &it.origin.rel;
            warnings.extend(
                soft.into_iter()
                    .map(|w| format!("{rel}: discuss.{key}: {w}")),
            );
        }
    }
    let Some(w) = &cfg.webmention_io else {
        return found;
    };
    let token = match std::env::var(&w.token_env) {
        Ok(t) if !t.trim().is_empty() => t,
        _ => {
            warnings.push(format!(
                "webmention.io skipped: the environment variable `{}` (responses.webmention_io.token_env) is not set",
                w.token_env
            ));
            return found;
        }
    };
    let targets: BTreeMap<String, &str> = site
        .items
        .iter()
        .zip(&site.links)
        .map(|(it, l)| {
            let abs = crate::render::seo::absolute(&site.config.base_url, &l.url);
            (normalise(&abs), it.origin.rel.as_str())
        })
        .collect();
    match sources::webmention_io(&w.api, &w.domain, token.trim()) {
        Ok(list) => {
            let mut unmatched = 0;
            for (target, e) in list {
                match targets.get(&normalise(&target)) {
                    Some(rel) => found.entry(rel.to_string()).or_default().push(e),
                    None => unmatched += 1,
                }
            }
            if unmatched > 0 {
                warnings.push(format!(
                    "webmention.io: {unmatched} mention(s) point to no item of this site (pages, lists or old URLs) and were left out"
                ));
            }
        }
        Err(e) => warnings.push(format!("webmention.io: {e}")),
    }
    found
}

/// Merges one item's entries into its response file; `None` when nothing
/// was new (then no byte is written).
fn write_item(
    site: &Site,
    root: &Path,
    rel: &str,
    entries: Vec<NewEntry>,
    avatars: &mut Avatars,
    warnings: &mut Vec<String>,
) -> Option<FileSummary> {
    let existing = site.responses.for_item(rel);
    let ids = existing
        .map(|f| f.entries.iter().map(|e| e.id.clone()).collect())
        .unwrap_or_default();
    let entries: Vec<NewEntry> = entries
        .into_iter()
        .filter_map(
            |mut e| match date::parse(&e.date, &jiff::tz::TimeZone::UTC) {
                Ok(z) => {
                    e.date = date::rfc3339(&z.with_time_zone(jiff::tz::TimeZone::UTC));
                    Some(e)
                }
                Err(why) => {
                    warnings.push(format!(
                        "{rel}: response {} left out: bad date `{}` ({why})",
                        e.id, e.date
                    ));
                    None
                }
            },
        )
        .collect();
    let mut fresh = merge::fresh(entries, &ids);
    if fresh.is_empty() {
        return None;
    }
    for e in &mut fresh {
        e.avatar = match site.config.responses.avatars {
            AvatarPolicy::Local => e.avatar_remote.as_deref().and_then(|u| avatars.local(u)),
            AvatarPolicy::None => None,
        };
    }
    let (file, text, created) = match existing {
        Some(f) => {
            let path = root.join(&f.origin.rel);
            // The bytes on disk, not the decoded text: line endings and a
            // byte-order mark stay as they are.
            let on_disk = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    warnings.push(format!("{}: cannot read: {e}", f.origin.rel));
                    return None;
                }
            };
            let block =
                crate::content::responses::Block::find(on_disk.trim_start_matches('\u{feff}'));
            match merge::append(&on_disk, &block, &fresh) {
                Ok(t) => (f.origin.rel.clone(), t, false),
                Err(why) => {
                    warnings.push(format!("{}: not changed: {why}", f.origin.rel));
                    return None;
                }
            }
        }
        None => {
            let file = format!("responses/{}.yaml", rel.strip_suffix(".md").unwrap_or(rel));
            if root.join(&file).exists() {
                warnings.push(format!(
                    "{file} exists but is not the response file of `{rel}`; not overwritten"
                ));
                return None;
            }
            (file, merge::new_file(rel, &fresh), true)
        }
    };
    if let Err(e) = write_atomic(&root.join(&file), &text) {
        warnings.push(format!("{file}: cannot write: {e}"));
        return None;
    }
    let count = |k: ResponseKind| fresh.iter().filter(|e| e.kind == k).count();
    Some(FileSummary {
        file,
        created,
        replies: count(ResponseKind::Reply),
        likes: count(ResponseKind::Like),
        reposts: count(ResponseKind::Repost),
        mentions: count(ResponseKind::Mention),
    })
}

/// Writes through a temporary file in the same folder, so an interrupted
/// pull never leaves half a file.
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// A URL reduced to what identifies a page: no scheme, `www.`, query,
/// fragment or trailing slash; host lowercased.
fn normalise(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    format!("{host}/{}", path.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_urls_match_loosely() {
        assert_eq!(
            normalise("https://WWW.Hub.example/2024/05/x/?utm=1#c"),
            normalise("http://hub.example/2024/05/x")
        );
        assert_ne!(
            normalise("https://hub.example/a/"),
            normalise("https://hub.example/b/")
        );
    }
}
