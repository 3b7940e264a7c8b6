//! The fast path of a rebuild: articles or links whose text changed, and
//! nothing else. The last build's resolved site is patched in place and only
//! the pages, lists and feeds that show the changed items are rendered.
//!
//! It is taken only when it cannot differ from a full build: every changed
//! file is an item of the last build, parses without any finding, has the
//! same [`Shape`](crate::content::Shape) (everything resolving depends on:
//! date, slug, authors, channels, tags, language, relations, draft and
//! featured flags), had no
//! warnings before and has none now. Anything else returns `None` and the
//! caller runs the full pipeline, which reports problems the usual way.
//! The `rebuild_patch_matches_full_build` test holds the two paths equal.

use super::{early_of, finish_patch, render_all, Builder, Built, Cached, Early, Last, Snapshot};
use crate::content::{parse_file, Item, ItemKind, Parsed};
use crate::discover::{Kind, SourceFile};
use crate::render::{Job, Renderer, Route};
use rustc_hash::FxHashSet;

impl Builder {
    /// Rebuilds by patching the last build, when only item text changed.
    /// Like a full build it renders in two passes: the changed items' own
    /// pages and the pages open in a browser (`open`) first, handed to
    /// `early` so the tabs reload at once, then every other file that shows
    /// the items (lists, feeds, the search index).
    pub(super) fn patch(
        &mut self,
        previous: &Snapshot,
        open: &FxHashSet<String>,
        early: &mut dyn FnMut(Early),
    ) -> Option<Built> {
        let last = self.last.as_ref()?;
        if self.dirty.is_empty() {
            return None;
        }
        let mut fresh: Vec<(usize, Item, Cached)> = Vec::with_capacity(self.dirty.len());
        for rel in &self.dirty {
            let &i = last.items.get(rel)?;
            if last.warnings.iter().any(|d| &d.file == rel) {
                return None;
            }
            let item = reparse(self, last, rel, i)?;
            fresh.push((i, item.0, item.1));
        }
        let mut last = self.last.take()?;
        let mut sitemap = false;
        for (i, item, cached) in fresh {
            sitemap |= last.site.items[i].updated != item.updated;
            last.site.items[i] = item;
            let kind = kind_of(&last.site.items[i]);
            self.cache
                .insert((kind, last.site.items[i].origin.rel.clone()), cached);
        }
        let changed: Vec<usize> = {
            let mut v: Vec<usize> = self.dirty.iter().map(|r| last.items[r]).collect();
            v.sort_unstable();
            v
        };
        // `last` stays taken until the patch succeeded: on any problem the
        // full build that follows starts from scratch.
        // The number of search term shards follows the amount of text; an
        // edit that moves it changes the file list, which a patch keeps.
        let term_shards = (last.site.routes.iter())
            .filter(|r| matches!(r.job, Job::SearchTerms(_)))
            .count();
        if term_shards != crate::site::routes::search_term_shards(&last.site) {
            return None;
        }
        if changed
            .iter()
            .any(|&i| !crate::check::item(&last.site, i).is_empty())
        {
            return None;
        }
        let Last {
            site,
            theme,
            parts,
            warnings,
            items,
        } = last;
        let mut renderer = Renderer::from_parts(&site, &theme, parts);
        for &i in &changed {
            renderer.refresh_item(i);
        }
        let showing: FxHashSet<Job> = changed
            .iter()
            .flat_map(|&i| site.routes.showing(&site, i, sitemap))
            .collect();
        let hot = |r: &Route| {
            open.contains(&r.path) || matches!(r.job, Job::Item(i) if changed.contains(&i))
        };
        let (first, second): (Vec<&Route>, Vec<&Route>) = (site.routes.iter())
            .filter(|r| showing.contains(&r.job))
            .partition(|r| hot(r));
        let (mut done, errors) = render_all(&renderer, &first, previous, None);
        if !errors.is_empty() {
            return None;
        }
        early(early_of(&done));
        // Not cancelled by a newer change: a patch is short, and the open
        // pages are served already. Should it fail, the full build that
        // follows reports why.
        let (rest, errors) = render_all(&renderer, &second, previous, None);
        if !errors.is_empty() {
            return None;
        }
        done.extend(rest);
        let parts = renderer.into_parts();
        let mut built = finish_patch(done, previous, warnings.clone());
        built.patched = changed.len();
        self.last = Some(Last {
            site,
            theme,
            parts,
            warnings,
            items,
        });
        self.dirty.clear();
        Some(built)
    }
}

/// Parses item `i`'s file again; `None` unless it is clean and has the shape
/// the last build resolved.
fn reparse(b: &Builder, last: &Last, rel: &str, i: usize) -> Option<(Item, Cached)> {
    let old = &last.site.items[i];
    let config = &last.site.config;
    let tz = config.tz();
    let cx = crate::parse_context(config, &tz, &b.highlighter);
    let file = SourceFile {
        rel: rel.to_string(),
        path: b.opts.site_dir.join(rel),
    };
    let (parsed, diags) = parse_file(kind_of(old), &file, &cx);
    if !diags.is_empty() {
        return None;
    }
    let Some(Parsed::Item(new)) = parsed else {
        return None;
    };
    if old.shape != new.shape {
        return None;
    }
    // A new or moved picture needs its header read and its variants made:
    // the full pipeline does that (and encodes only what the cache lacks).
    let images = &last.site.images;
    let pictures = |it: &Item| -> Vec<String> {
        (it.body.refs.iter().filter(|r| r.is_image))
            .map(|r| r.url.clone())
            .collect()
    };
    let image = new
        .image
        .as_deref()
        .map(|u| images.url_of(rel, u).unwrap_or(u));
    if pictures(old) != pictures(&new) || image != old.image.as_deref() {
        return None;
    }
    let cached = (Some(Parsed::Item(new.clone())), Vec::new());
    let mut new = *new;
    images.rewrite_item(&mut new);
    Some((new, cached))
}

fn kind_of(it: &Item) -> Kind {
    match it.kind {
        ItemKind::Article => Kind::Article,
        ItemKind::Link => Kind::Link,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Builder, Outcome, Snapshot};
    use crate::LoadOptions;
    use rustc_hash::FxHashSet;
    use std::path::Path;
    use std::sync::atomic::AtomicBool;

    fn copy_example(to: &Path) {
        super::super::tests::copy_tree("example-site", to);
    }

    fn build(b: &mut Builder, prev: &Snapshot) -> super::Built {
        let (open, cancel) = (FxHashSet::default(), AtomicBool::new(false));
        match b.build(prev, &open, &cancel, &mut |_| {}) {
            Outcome::Built(built) => built,
            Outcome::Failed(d) => panic!("build failed: {d:?}"),
            Outcome::Cancelled => panic!("cancelled"),
        }
    }

    fn edit(site: &Path, rel: &str, from: &str, to: &str) {
        let p = site.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(p, text.replacen(from, to, 1)).unwrap();
    }

    /// Edits files of a copy of the example site, rebuilds incrementally,
    /// and compares every output byte with a fresh full build.
    fn assert_same_as_full(edits: &[(&str, &str, &str)], expect_patched: usize) {
        let dir = tempfile::tempdir().unwrap();
        copy_example(dir.path());
        let opts = LoadOptions {
            site_dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        let mut b = Builder::new(opts.clone());
        let first = build(&mut b, &Snapshot::default());
        for (rel, from, to) in edits {
            edit(dir.path(), rel, from, to);
        }
        let rels: Vec<String> = edits.iter().map(|(r, _, _)| r.to_string()).collect();
        b.invalidate(&rels);
        let second = build(&mut b, &first.snapshot);
        assert_eq!(second.patched, expect_patched, "patched items");
        let full = build(&mut Builder::new(opts), &Snapshot::default());
        let mut paths: Vec<&String> = full.snapshot.files.keys().collect();
        paths.sort();
        assert_eq!(second.snapshot.files.len(), full.snapshot.files.len());
        for p in paths {
            assert!(
                second.snapshot.get(p) == full.snapshot.get(p),
                "{p} differs between the patched and the full build"
            );
        }
        // Exactly the files that differ from the first build are reported.
        let mut differ: Vec<&String> = full
            .snapshot
            .files
            .iter()
            .filter(|(p, _)| first.snapshot.get(p) != full.snapshot.get(p))
            .map(|(p, _)| p)
            .collect();
        differ.sort();
        assert_eq!(second.changed.iter().collect::<Vec<_>>(), differ);
    }

    #[test]
    fn rebuild_patch_matches_full_build_for_text_edits() {
        assert_same_as_full(
            &[
                // A reply in a thread, with translations and related items
                // around it: title, summary and body change.
                (
                    "articles/2023/2023-05-22-pflege-ist-arbeitszeit.md",
                    "title: Pflege ist Arbeitszeit",
                    "title: Pflege ist <Arbeitszeit> & mehr",
                ),
                (
                    "articles/2023/2023-05-22-pflege-ist-arbeitszeit.md",
                    "Tom hat in seiner",
                    "Neu: Tom hat in seiner",
                ),
                // A curated link's quote and commentary.
                (
                    "links/2025-02-11-fediverse-kein-twitter-ersatz.md",
                    "wird enttäuscht.",
                    "wird \"enttäuscht\".",
                ),
                (
                    "links/2025-02-11-fediverse-kein-twitter-ersatz.md",
                    "Jakob Heller räumt",
                    "Jakob Heller </script> räumt",
                ),
                // A translation, and a featured article whose date of change moves.
                (
                    "articles/2024/2024-10-24-why-we-comment.md",
                    "title: ",
                    "title: Edited – ",
                ),
                (
                    "articles/2023/2023-03-09-jeder-ist-markenbotschafter.md",
                    "featured: true",
                    "featured: true\nupdated: 2026-01-02",
                ),
            ],
            4,
        );
    }

    #[test]
    fn a_patch_renders_the_edited_and_open_pages_first() {
        let dir = tempfile::tempdir().unwrap();
        copy_example(dir.path());
        let mut b = Builder::new(LoadOptions {
            site_dir: dir.path().to_path_buf(),
            ..Default::default()
        });
        let first = build(&mut b, &Snapshot::default());
        let rel = "articles/2023/2023-05-22-pflege-ist-arbeitszeit.md";
        edit(
            dir.path(),
            rel,
            "Tom hat in seiner",
            "Neu: Tom hat in seiner",
        );
        b.invalidate(&[rel.to_string()]);
        let open: FxHashSet<String> = std::iter::once("index.html".to_string()).collect();
        let mut early = None;
        let cancel = AtomicBool::new(false);
        let Outcome::Built(second) =
            b.build(&first.snapshot, &open, &cancel, &mut |e| early = Some(e))
        else {
            panic!("the patch failed")
        };
        assert_eq!(second.patched, 1);
        let early = early.expect("no first pass");
        let page = (second.changed.iter())
            .find(|p| p.contains("pflege-ist-arbeitszeit/index.html"))
            .expect("the article's page changed");
        assert!(early.paths.contains(page), "{:?}", early.paths);
        assert!(early.paths.contains("index.html"));
        assert!(early.changed.iter().any(|(p, _)| p == page));
        // Feeds and the search index follow in the second pass.
        assert!(early.paths.iter().all(|p| p.ends_with(".html")));
        assert!(second.changed.iter().any(|p| p.ends_with(".json")));
    }

    #[test]
    fn rebuild_patch_declines_a_changed_shape() {
        assert_same_as_full(
            &[(
                "articles/2023/2023-05-22-pflege-ist-arbeitszeit.md",
                "tags: [Markenbotschafter, ",
                "tags: [Neu, Markenbotschafter, ",
            )],
            0,
        );
    }
}

#[cfg(test)]
mod recovery {
    use super::super::{Builder, Outcome, Snapshot};
    use crate::LoadOptions;
    use rustc_hash::FxHashSet;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn fixing_a_broken_article_is_patched_from_the_last_good_build() {
        let dir = tempfile::tempdir().unwrap();
        super::super::tests::copy_tree("tests/serve-fixture", dir.path());
        let rel = "articles/2024-05-01-hello.md";
        let path = dir.path().join(rel);
        let good = std::fs::read_to_string(&path).unwrap();
        let mut b = Builder::new(LoadOptions {
            site_dir: dir.path().to_path_buf(),
            ..Default::default()
        });
        let (open, cancel) = (FxHashSet::default(), AtomicBool::new(false));
        let build = |b: &mut Builder, prev: &Snapshot| b.build(prev, &open, &cancel, &mut |_| {});
        let Outcome::Built(first) = build(&mut b, &Snapshot::default()) else {
            panic!("first build failed")
        };
        std::fs::write(&path, good.replace("title: Hello Serve", "title: [broken")).unwrap();
        b.invalidate(&[rel.to_string()]);
        assert!(matches!(build(&mut b, &first.snapshot), Outcome::Failed(_)));
        std::fs::write(&path, good.replace("first version", "fixed version")).unwrap();
        b.invalidate(&[rel.to_string()]);
        let Outcome::Built(fixed) = build(&mut b, &first.snapshot) else {
            panic!("the fix did not build")
        };
        assert_eq!(fixed.patched, 1);
        assert!(
            String::from_utf8_lossy(&fixed.snapshot.get("2024/05/hello/index.html").unwrap())
                .contains("fixed version")
        );
    }
}
