//! The resolved site: every reference between files checked, every URL
//! known, threads, translations, taxonomies and related items computed.
//! Resolving never touches the disk.

pub mod images;
pub mod permalink;
pub mod related;
pub mod responses;
pub mod routes;
pub mod share;

use crate::config::Config;
use crate::content::slug::slugify;
use crate::content::{Author, Channel, Item, ItemKind, Page, Parsed};
use crate::diagnostics::{Diagnostic, Location, Problem, RefKind, TargetField};
use crate::discover::Kind;
use jiff::Zoned;
use routes::{CardOf, Job};
use rustc_hash::{FxHashMap, FxHashSet};

/// Ids of author and channel files that exist but did not parse. Their own
/// finding says what is wrong; references to them are not reported again
/// (one broken author file would otherwise add an error per article).
#[derive(Debug, Default)]
pub struct Broken {
    pub authors: FxHashSet<String>,
    pub channels: FxHashSet<String>,
}

impl Broken {
    /// Collects the failed files from `(kind, relative path, parsed?)`.
    pub fn from_files<'a>(files: impl Iterator<Item = (Kind, &'a str, bool)>) -> Self {
        let mut b = Broken::default();
        for (kind, rel, _) in files.filter(|f| !f.2) {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let id = name.strip_suffix(".md").unwrap_or(name).to_string();
            match kind {
                Kind::Author => b.authors.insert(id),
                Kind::Channel => b.channels.insert(id),
                _ => false,
            };
        }
        b
    }
}

/// Which items a build includes.
#[derive(Debug, Clone)]
pub struct Selection {
    pub drafts: bool,
    pub future: bool,
    /// The moment that decides what is "future".
    pub now: Zoned,
}

/// A tag with the items that carry it (newest first).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub items: Vec<usize>,
}

/// Per-item results of resolving.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub url: String,
    pub lang: String,
    pub authors: Vec<usize>,
    pub channels: Vec<usize>,
    pub tags: Vec<usize>,
    pub parent: Option<usize>,
    pub replies: Vec<usize>,
    pub translations: Vec<usize>,
    pub related: Vec<usize>,
    /// Older and newer neighbour in the first channel.
    pub prev: Option<usize>,
    pub next: Option<usize>,
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Sorted by id.
    pub authors: Vec<Author>,
    /// Sorted by `order`, then id.
    pub channels: Vec<Channel>,
    /// Published items, newest first (ties by file path).
    pub items: Vec<Item>,
    pub links: Vec<Links>,
    /// Sorted by file path.
    pub pages: Vec<Page>,
    pub page_urls: Vec<String>,
    /// Sorted by slug.
    pub tags: Vec<Tag>,
    pub channel_items: Vec<Vec<usize>>,
    pub author_items: Vec<Vec<usize>>,
    /// The curated links among `items`, newest first (`/links/`).
    pub link_items: Vec<usize>,
    /// (alias URL, index of the item it redirects to).
    pub aliases: Vec<(String, usize)>,
    /// Every URL the build writes, with the job that renders it.
    pub routes: routes::Routes,
    /// Reader responses by item source path (attached after resolving).
    pub responses: responses::Responses,
    /// The images content uses and their variants (attached after resolving).
    pub images: crate::media::Images,
}

impl Site {
    /// Builds the site model from parsed files. `statics` are the output
    /// paths of the files under `static/`. Problems are appended to `diags`.
    pub fn resolve(
        config: Config,
        parsed: Vec<Parsed>,
        sel: &Selection,
        broken: &Broken,
        statics: &[String],
        diags: &mut Vec<Diagnostic>,
    ) -> Site {
        let mut authors = Vec::new();
        let mut channels = Vec::new();
        let mut all_items = Vec::new();
        let mut pages = Vec::new();
        for p in parsed {
            match p {
                Parsed::Author(a) => authors.push(a),
                Parsed::Channel(c) => channels.push(c),
                Parsed::Item(i) => all_items.push(*i),
                Parsed::Page(p) => pages.push(p),
            }
        }
        authors.sort_by(|a, b| a.id.cmp(&b.id));
        channels.sort_by(|a, b| a.order.cmp(&b.order).then(a.id.cmp(&b.id)));
        pages.sort_by(|a, b| a.origin.rel.cmp(&b.origin.rel));
        let author_ids: FxHashMap<&str, usize> = authors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let channel_ids: FxHashMap<&str, usize> = channels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let known_authors: Vec<String> = authors.iter().map(|a| a.id.clone()).collect();
        let known_channels: Vec<String> = channels.iter().map(|c| c.id.clone()).collect();

        for c in &channels {
            for cur in &c.curators {
                if !author_ids.contains_key(cur.as_str()) && !broken.authors.contains(cur) {
                    diags.push(Diagnostic::new(
                        c.origin.at_item("curators", cur),
                        Problem::UnknownReference {
                            kind: RefKind::Curator,
                            id: cur.clone(),
                            known: known_authors.clone(),
                        },
                    ));
                }
            }
        }

        // References are checked on every item, drafts and future ones too:
        // a scheduled post must not break the build on the day it goes live.
        let target_index = TargetIndex::new(&all_items);
        let mut item_refs: Vec<(Vec<usize>, Vec<usize>)> = Vec::with_capacity(all_items.len());
        for it in &all_items {
            let key = it.authors_key;
            let mut a_idx = Vec::new();
            for a in &it.authors {
                match author_ids.get(a.as_str()) {
                    Some(&i) => a_idx.push(i),
                    None if broken.authors.contains(a) => {}
                    None => diags.push(Diagnostic::new(
                        it.origin.at_item(key, a),
                        Problem::UnknownReference {
                            kind: if key == "curator" {
                                RefKind::Curator
                            } else {
                                RefKind::Author
                            },
                            id: a.clone(),
                            known: known_authors.clone(),
                        },
                    )),
                }
            }
            let mut c_idx = Vec::new();
            for c in &it.channels {
                match channel_ids.get(c.as_str()) {
                    Some(&i) => c_idx.push(i),
                    None if broken.channels.contains(c) => {}
                    None => diags.push(Diagnostic::new(
                        it.origin.at_item("channels", c),
                        Problem::UnknownReference {
                            kind: RefKind::Channel,
                            id: c.clone(),
                            known: known_channels.clone(),
                        },
                    )),
                }
            }
            for (field, target) in [
                (TargetField::InReplyTo, &it.in_reply_to),
                (TargetField::TranslationOf, &it.translation_of),
            ] {
                if let Some(t) = target {
                    if let Err(p) = target_index.find(t, field, &all_items) {
                        diags.push(Diagnostic::new(it.origin.at(field.key()), p));
                    }
                }
            }
            dedup_keep_order(&mut a_idx);
            dedup_keep_order(&mut c_idx);
            item_refs.push((a_idx, c_idx));
        }
        drop(target_index);

        // Select what is published, newest first.
        let mut order: Vec<usize> = (0..all_items.len())
            .filter(|&i| {
                let it = &all_items[i];
                (sel.drafts || !it.draft)
                    && (sel.future || it.date.timestamp() <= sel.now.timestamp())
            })
            .collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&all_items[a], &all_items[b]);
            y.date
                .timestamp()
                .cmp(&x.date.timestamp())
                .then_with(|| x.origin.rel.cmp(&y.origin.rel))
        });
        let mut slots: Vec<Option<Item>> = all_items.into_iter().map(Some).collect();
        let mut items = Vec::with_capacity(order.len());
        let mut links = Vec::with_capacity(order.len());
        for &i in &order {
            if let Some(it) = slots[i].take() {
                let (authors, channels) = std::mem::take(&mut item_refs[i]);
                let lang = it.lang.clone().unwrap_or_else(|| config.language.clone());
                let pattern = match it.kind {
                    ItemKind::Article => &config.permalinks.article,
                    ItemKind::Link => &config.permalinks.link,
                };
                let url = permalink::expand(pattern, &it.slug, Some(&it.date), &lang);
                links.push(Links {
                    url,
                    lang,
                    authors,
                    channels,
                    ..Default::default()
                });
                items.push(it);
            }
        }

        let page_urls: Vec<String> = pages
            .iter()
            .map(|p| {
                let lang = p.lang.as_deref().unwrap_or(&config.language);
                permalink::expand(&config.permalinks.page, &p.slug, None, lang)
            })
            .collect();

        let mut site = Site {
            config,
            authors,
            channels,
            items,
            links,
            pages,
            page_urls,
            tags: Vec::new(),
            channel_items: Vec::new(),
            author_items: Vec::new(),
            link_items: Vec::new(),
            aliases: Vec::new(),
            routes: routes::Routes::default(),
            responses: Default::default(),
            images: Default::default(),
        };
        site.check_slugs(diags);
        site.build_aliases(diags);
        site.build_lists();
        site.routes = routes::Routes::new(&site, statics.iter().map(String::as_str));
        site.check_paths(diags);
        site.build_threads();
        site.build_related();
        site
    }

    fn check_slugs(&self, diags: &mut Vec<Diagnostic>) {
        let mut seen: FxHashMap<(ItemKind, &str), &str> = FxHashMap::default();
        for it in &self.items {
            if let Some(other) = seen.insert((it.kind, it.slug.as_str()), it.origin.rel.as_str()) {
                diags.push(Diagnostic::new(
                    it.origin.at("slug"),
                    Problem::DuplicateSlug {
                        slug: it.slug.clone(),
                        other: other.to_string(),
                    },
                ));
            }
        }
    }

    fn build_aliases(&mut self, diags: &mut Vec<Diagnostic>) {
        for (i, it) in self.items.iter().enumerate() {
            for a in &it.aliases {
                let alias = permalink::normalise_alias(a);
                if !permalink::is_safe_path(&alias) {
                    diags.push(Diagnostic::new(
                        it.origin.at_item("aliases", a),
                        Problem::BadUrl {
                            field: "aliases".into(),
                            value: a.clone(),
                        },
                    ));
                    continue;
                }
                self.aliases.push((alias, i));
            }
        }
    }

    /// Every output path must be unique, also when compared case-insensitively
    /// (macOS and Windows file systems would silently merge them).
    fn check_paths(&self, diags: &mut Vec<Diagnostic>) {
        let mut seen: FxHashMap<String, String> = FxHashMap::default();
        for r in self.routes.generated() {
            let owner = match r.job {
                Job::Card(CardOf::Item(i)) => {
                    format!("the share card of `{}`", self.items[i].origin.rel)
                }
                _ => format!("kurator's own `{}`", r.url),
            };
            if let Some(other) = seen.insert(r.path.to_lowercase(), owner) {
                // Only an item's share card is named after author-chosen text
                // (its URL), so only it can meet another generated file.
                if let Job::Card(CardOf::Item(i)) = r.job {
                    diags.push(Diagnostic::new(
                        self.items[i].origin.at("slug"),
                        Problem::DuplicatePath {
                            path: r.path.clone(),
                            other,
                        },
                    ));
                }
            }
        }
        let mut claim = |url: &str, owner: &str, loc: Location| {
            let key = permalink::output_path(url).to_lowercase();
            if let Some(other) = seen.get(&key) {
                diags.push(Diagnostic::new(
                    loc,
                    Problem::DuplicatePath {
                        path: permalink::output_path(url),
                        other: other.clone(),
                    },
                ));
            } else {
                seen.insert(key, owner.to_string());
            }
        };
        for (it, l) in self.items.iter().zip(&self.links) {
            claim(&l.url, &it.origin.rel, it.origin.at("slug"));
        }
        for (p, url) in self.pages.iter().zip(&self.page_urls) {
            claim(url, &p.origin.rel, p.origin.at("slug"));
        }
        for (alias, owner) in &self.aliases {
            let it = &self.items[*owner];
            claim(
                alias,
                &format!("alias in {}", it.origin.rel),
                it.origin.at("aliases"),
            );
        }
    }

    fn build_lists(&mut self) {
        self.channel_items = vec![Vec::new(); self.channels.len()];
        self.author_items = vec![Vec::new(); self.authors.len()];
        self.link_items = (0..self.items.len())
            .filter(|&i| self.items[i].kind == ItemKind::Link)
            .collect();
        let mut tag_slugs: FxHashMap<String, usize> = FxHashMap::default();
        for (i, (it, l)) in self.items.iter().zip(self.links.iter_mut()).enumerate() {
            for &c in &l.channels {
                self.channel_items[c].push(i);
            }
            for &a in &l.authors {
                self.author_items[a].push(i);
            }
            for name in &it.tags {
                let slug = slugify(name);
                if slug.is_empty() {
                    continue;
                }
                let t = *tag_slugs.entry(slug.clone()).or_insert_with(|| {
                    self.tags.push(Tag {
                        name: name.trim().to_string(),
                        slug,
                        items: Vec::new(),
                    });
                    self.tags.len() - 1
                });
                if !l.tags.contains(&t) {
                    l.tags.push(t);
                    self.tags[t].items.push(i);
                }
            }
        }
        // Sort tags by slug and remap the indices items hold.
        let mut order: Vec<usize> = (0..self.tags.len()).collect();
        order.sort_by(|&a, &b| self.tags[a].slug.cmp(&self.tags[b].slug));
        let mut remap = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new;
        }
        let mut old_tags: Vec<Option<Tag>> = std::mem::take(&mut self.tags)
            .into_iter()
            .map(Some)
            .collect();
        self.tags = order.iter().filter_map(|&o| old_tags[o].take()).collect();
        for l in &mut self.links {
            for t in &mut l.tags {
                *t = remap[*t];
            }
        }
    }

    fn build_threads(&mut self) {
        let index = TargetIndex::new(&self.items);
        for i in 0..self.items.len() {
            if let Some(t) = self.items[i].in_reply_to.clone() {
                if let Ok(p) = index.find(&t, TargetField::InReplyTo, &self.items) {
                    if p != i {
                        self.links[i].parent = Some(p);
                        self.links[p].replies.push(i);
                    }
                }
            }
            if let Some(t) = self.items[i].translation_of.clone() {
                if let Ok(o) = index.find(&t, TargetField::TranslationOf, &self.items) {
                    if o != i {
                        self.links[i].translations.push(o);
                        self.links[o].translations.push(i);
                    }
                }
            }
        }
        // Replies read oldest first; a translation group is everyone linked to
        // the original, so siblings learn about each other too.
        for i in 0..self.items.len() {
            self.links[i].replies.reverse();
            let direct = self.links[i].translations.clone();
            let mut group = direct.clone();
            for d in direct {
                group.extend(self.links[d].translations.iter().copied());
            }
            group.retain(|&g| g != i);
            group.sort_by(|&a, &b| self.links[a].lang.cmp(&self.links[b].lang).then(a.cmp(&b)));
            group.dedup();
            self.links[i].translations = group;
        }
    }

    fn build_related(&mut self) {
        let item_tags: Vec<Vec<usize>> = self.links.iter().map(|l| l.tags.clone()).collect();
        let item_channels: Vec<Vec<usize>> =
            self.links.iter().map(|l| l.channels.clone()).collect();
        let tag_lists: Vec<Vec<usize>> = self.tags.iter().map(|t| t.items.clone()).collect();
        let rel = related::related(
            self.items.len(),
            &item_tags,
            &item_channels,
            &tag_lists,
            &self.channel_items,
            4,
        );
        for (l, mut r) in self.links.iter_mut().zip(rel) {
            // The thread is shown on its own; related items are for the rest.
            r.retain(|j| l.parent != Some(*j) && !l.replies.contains(j));
            l.related = r;
        }
        for (c, list) in self.channel_items.iter().enumerate() {
            for (p, &i) in list.iter().enumerate() {
                if self.links[i].channels.first() == Some(&c) {
                    self.links[i].next = p.checked_sub(1).map(|q| list[q]);
                    self.links[i].prev = list.get(p + 1).copied();
                }
            }
        }
    }

    /// The language of an item.
    pub fn lang_of(&self, i: usize) -> &str {
        &self.links[i].lang
    }

    /// Drops the markdown source and front-matter text of every article,
    /// link and page. `build` calls this once loading (and with it every
    /// check that reports a line and column) is over: rendering reads only
    /// the rendered bodies (78 MB of text on the 10,000-article reference
    /// corpus). A position asked for afterwards falls back to the start of
    /// the file or of the body.
    pub fn release_sources(&mut self) {
        let origins = (self.items.iter_mut().map(|it| &mut it.origin))
            .chain(self.pages.iter_mut().map(|p| &mut p.origin));
        for o in origins {
            o.body = Default::default();
            o.front_matter = String::new();
        }
    }
}

/// Finds items by slug, file path or permalink, for `in_reply_to` and `translation_of`.
struct TargetIndex {
    by_key: FxHashMap<String, Vec<usize>>,
}

impl TargetIndex {
    fn new(items: &[Item]) -> Self {
        // Sized up front: growing it was a tenth of a second at 50k items.
        let mut by_key: FxHashMap<String, Vec<usize>> =
            FxHashMap::with_capacity_and_hasher(items.len() * 4, Default::default());
        for (i, it) in items.iter().enumerate() {
            let rel = it.origin.rel.as_str();
            let no_ext = rel.strip_suffix(".md").unwrap_or(rel);
            let mut keys = vec![it.slug.clone(), rel.to_string(), no_ext.to_string()];
            if let Some((_, inner)) = no_ext.split_once('/') {
                keys.push(inner.to_string());
                keys.push(format!("{inner}.md"));
            }
            keys.sort();
            keys.dedup();
            for k in keys {
                by_key.entry(k).or_default().push(i);
            }
        }
        TargetIndex { by_key }
    }

    fn find(&self, target: &str, field: TargetField, items: &[Item]) -> Result<usize, Problem> {
        let t = target.trim().trim_matches('/');
        // A permalink like /2020/04/slug/ ends in the slug.
        let candidates = self
            .by_key
            .get(t)
            .or_else(|| t.rsplit('/').next().and_then(|last| self.by_key.get(last)));
        match candidates.map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(many) if !many.is_empty() => Err(Problem::AmbiguousTarget {
                field,
                target: target.to_string(),
                candidates: many.iter().map(|&i| items[i].origin.rel.clone()).collect(),
            }),
            _ => Err(Problem::MissingTarget {
                field,
                target: target.to_string(),
            }),
        }
    }
}

fn dedup_keep_order(v: &mut Vec<usize>) {
    let mut seen = rustc_hash::FxHashSet::default();
    v.retain(|x| seen.insert(*x));
}
