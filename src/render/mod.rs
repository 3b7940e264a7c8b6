//! Rendering: the list of everything a build writes ([`Job`]) and how each
//! job becomes bytes. Rendering never mutates the model and never writes files.

mod card_html;
pub mod cards;
pub mod context;
pub mod feeds;
mod pages;
pub mod responses;
pub mod search;
pub mod seo;
pub mod share;
pub mod sitemap;
pub mod theme;
pub mod views;
pub mod xml;

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::site::Site;
use context::SiteContext;
use rustc_hash::FxHashMap;
use std::path::PathBuf;
use tera::Tera;
use theme::{StaticSource, Theme};
use views::Views;

/// Most routes one rayon job renders (see [`Renderer::render_routes`]).
const ROUTES_PER_JOB: usize = 16;

/// What a job produced, relative to the output root.
pub struct Output {
    pub path: String,
    pub body: Body,
}

/// The bytes of an output file.
pub enum Body {
    Bytes(Vec<u8>),
    Embedded(&'static [u8]),
    Copy(PathBuf),
}

pub use crate::site::routes::{FeedOf, Job, Route};

/// Renders jobs for one site with one theme.
pub struct Renderer<'a> {
    pub views: Views<'a>,
    tera: Tera,
    /// Template name → file, for error messages.
    template_files: rustc_hash::FxHashMap<String, String>,
    /// Per language, the render globals every page gets (`site`, `lang`,
    /// `t`), serialised once: turning them into Tera values again for each
    /// of 40,000 pages cost more than cloning them.
    globals: Globals,
    highlight_css: String,
    /// Each item's search terms and the merged index, computed on first use.
    search: search::Cache,
    /// Where share cards are cached (`None`: every card is drawn).
    cache: Option<crate::cache::Cache>,
    /// Item cards as the theme draws them, per page language.
    card_html: card_html::Cache,
}

/// A [`Renderer`] without its borrows: what `serve` keeps between rebuilds
/// so that a changed article does not recompile templates or recompute
/// every card.
pub struct RendererParts {
    views: views::ViewParts,
    tera: Tera,
    template_files: rustc_hash::FxHashMap<String, String>,
    globals: Globals,
    highlight_css: String,
    search: search::Cache,
    cache: Option<crate::cache::Cache>,
}

impl<'a> Renderer<'a> {
    /// Compiles the templates and the shared context. Problems go to `diags`.
    pub fn new(site: &'a Site, theme: &'a Theme, diags: &mut Vec<Diagnostic>) -> Option<Self> {
        let mut tera = Tera::default();
        // `.svg`: share-card templates take titles from content, and a title
        // must never break the SVG or smuggle markup into it.
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        // Tera's default escaper also rewrites `/`, bloating every URL; ours
        // escapes what matters in text and quoted attributes: & < > " '.
        tera.set_escape_fn(escape_fn);
        tera.register_filter("excerpt", excerpt_filter);
        let templates: Vec<(&str, &str)> = theme
            .templates
            .iter()
            .map(|(n, s, _)| (n.as_str(), s.as_str()))
            .collect();
        let template_files = theme
            .templates
            .iter()
            .map(|(n, _, f)| (n.clone(), f.clone()))
            .collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            diags.push(template_error(&e, &template_files));
            return None;
        }
        let cached_cards = has_card_macro(&tera)
            && tera
                .add_raw_template(card_html::TEMPLATE, card_html::SOURCE)
                .is_ok();
        let highlight_css = match crate::content::highlight::stylesheet(
            &site.config.highlight.theme,
            site.config.highlight.dark_theme.as_deref(),
        ) {
            Ok(css) => css,
            Err(msg) => {
                let loc = Location::file("site.yaml");
                diags.push(Diagnostic::new(loc, Problem::WrongType { message: msg }));
                return None;
            }
        };
        let views = Views::new(site, theme);
        let mut stylesheets = vec![
            "/css/kurator.css".to_string(),
            "/css/highlight.css".to_string(),
        ];
        stylesheets.retain(|s| {
            s == "/css/highlight.css" || theme.statics.contains_key(s.trim_start_matches('/'))
        });
        if theme.statics.contains_key("css/custom.css") {
            stylesheets.push("/css/custom.css".into());
        }
        let cfg = &site.config;
        let mut menu: Vec<context::MenuEntry> = site
            .pages
            .iter()
            .zip(&site.page_urls)
            .filter(|(p, _)| p.menu)
            .map(|(p, u)| context::MenuEntry {
                title: p.title.clone(),
                url: u.clone(),
                weight: p.weight,
            })
            .collect();
        menu.sort_by(|a, b| a.weight.cmp(&b.weight).then(a.title.cmp(&b.title)));
        let site_ctx = SiteContext {
            title: cfg.title.clone(),
            description: cfg.description.clone(),
            base_url: cfg.base_url.clone(),
            language: cfg.language.clone(),
            languages: cfg.languages.clone(),
            menu,
            channels: views.channels.clone(),
            feeds: if cfg.feeds.all {
                views.feeds("/", &cfg.title)
            } else {
                Vec::new()
            },
            has_opml: !site.channels.is_empty() && !cfg.feeds.formats.is_empty(),
            extra: serde_json::to_value(&cfg.extra).unwrap_or_default(),
            stylesheets,
        };
        let globals = Globals::new(site, theme, &site_ctx);
        let card_html = card_html::Cache::new(site.items.len(), globals.langs(), cached_cards);
        Some(Renderer {
            views,
            tera,
            template_files,
            globals,
            highlight_css,
            search: search::Cache::new(site.items.len(), false),
            cache: None,
            card_html,
        })
    }

    /// Caches share cards in `cache` (they are drawn again when it is cold).
    pub fn with_cache(mut self, cache: crate::cache::Cache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Keeps each item's search terms past the merge, for a renderer that is
    /// used again after an edit (`serve`): the edit then re-reads one item.
    pub fn keeping_search_terms(mut self) -> Self {
        self.search = search::Cache::new(self.views.site.items.len(), true);
        self
    }

    /// Takes the renderer apart, ending its borrows of the site and theme.
    pub fn into_parts(self) -> RendererParts {
        RendererParts {
            views: self.views.into_parts(),
            tera: self.tera,
            template_files: self.template_files,
            globals: self.globals,
            highlight_css: self.highlight_css,
            search: self.search,
            cache: self.cache,
        }
    }

    /// Puts a renderer together again over the site and theme its parts were
    /// made for; only items may have changed in place since (each announced
    /// with [`Renderer::refresh_item`]).
    pub fn from_parts(site: &'a Site, theme: &'a Theme, p: RendererParts) -> Self {
        // Drawn cards are not kept: a patch draws the few it shows again
        // rather than track which cards an edit changed.
        let cached_cards = p
            .tera
            .get_template_names()
            .any(|n| n == card_html::TEMPLATE);
        let card_html = card_html::Cache::new(site.items.len(), p.globals.langs(), cached_cards);
        Renderer {
            views: Views::from_parts(site, theme, p.views),
            tera: p.tera,
            template_files: p.template_files,
            globals: p.globals,
            highlight_css: p.highlight_css,
            search: p.search,
            cache: p.cache,
            card_html,
        }
    }

    /// Forgets what was computed from item `i`, which changed in place.
    pub fn refresh_item(&mut self, i: usize) {
        self.views.refresh_card(i);
        self.search.refresh(i);
    }

    /// Produces the output file of one route.
    pub fn render(&self, route: &Route) -> Result<Output, Diagnostic> {
        self.render_with(route, &mut pages::Scratch::default())
    }

    /// [`Renderer::render`] with a render thread's reusable contexts.
    fn render_with(
        &self,
        route: &Route,
        scratch: &mut pages::Scratch,
    ) -> Result<Output, Diagnostic> {
        let body = match &route.job {
            Job::Feed(of, fmt) => Body::Bytes(feeds::render(self, *of, *fmt, &route.url)),
            Job::Opml => Body::Bytes(sitemap::opml(self)),
            Job::Sitemap(k) => Body::Bytes(sitemap::sitemap(self, *k)),
            Job::SitemapIndex => Body::Bytes(sitemap::index(self)),
            Job::Robots => Body::Bytes(sitemap::robots(self)),
            Job::SearchIndex
            | Job::SearchFacets(_)
            | Job::SearchTypos(_)
            | Job::SearchTerms(_)
            | Job::SearchDocs(_) => Body::Bytes(search::render(self, &route.job)),
            Job::HighlightCss => Body::Bytes(self.highlight_css.clone().into_bytes()),
            Job::Card(of) => Body::Bytes(cards::render(self, *of)?),
            Job::Static(p) => match &self.views.theme.statics[p] {
                StaticSource::Embedded(b) => Body::Embedded(b),
                StaticSource::File(f) => Body::Copy(f.clone()),
            },
            Job::Image(s, v) => {
                let images = &self.views.site.images;
                let cache = images.cache.as_ref().ok_or_else(|| no_cache(route))?;
                Body::Copy(crate::media::image::cache_file(
                    cache,
                    &images.sources[*s],
                    *v,
                ))
            }
            Job::Asset(k) => Body::Copy(self.views.site.images.assets[*k].path.clone()),
            page => Body::Bytes(pages::render_page(self, page, &route.url, scratch)?),
        };
        Ok(Output {
            path: route.path.clone(),
            body,
        })
    }

    /// Where the share card `of` lies in the card cache (drawn there first
    /// when missing), and its cache key: `serve` keeps that instead of the
    /// PNG. `None` without a cache.
    pub fn card_file(
        &self,
        of: crate::site::routes::CardOf,
    ) -> Result<Option<(PathBuf, String)>, Diagnostic> {
        cards::cached_file(self, of)
    }

    /// Renders `routes` in parallel and hands each output to `sink`; once
    /// `stop` says so, the remaining routes are skipped. Returns what the
    /// sink produced, in route order, and every finding: render errors and
    /// the sink's own.
    pub fn render_routes<T: Send>(
        &self,
        routes: &[&Route],
        stop: &(dyn Fn() -> bool + Sync),
        sink: &(dyn Fn(&Route, Output) -> Result<T, Diagnostic> + Sync),
    ) -> (Vec<T>, Vec<Diagnostic>) {
        use rayon::prelude::*;
        let pool = pages::ScratchPool::default();
        let one = |scratch: &mut pages::Lent, &i: &usize| {
            let route = routes[i];
            let out = (!stop())
                .then(|| (self.render_with(route, scratch)).and_then(|out| sink(route, out)));
            (i, out)
        };
        // The term, typo, facet and document shards wait for one merged index, a
        // serial step over every item: it is built on one thread while the
        // others render pages, and those shards come last, so no worker
        // sits waiting for it. Small jobs keep the pages stealable: rayon
        // splits a range further only when a thread steals it, and while one
        // worker built the index the other took the pages in a few large
        // pieces; at 10k the build ended with ~1.4 s of one worker finishing
        // its piece while the other had nothing left to take.
        let (late, early): (Vec<usize>, Vec<usize>) =
            (0..routes.len()).partition(|&i| routes[i].job.needs_search_index());
        let mut results = Vec::with_capacity(routes.len());
        rayon::scope(|s| {
            if !late.is_empty() {
                s.spawn(|_| search::prepare(self));
            }
            results = early
                .par_iter()
                .with_max_len(ROUTES_PER_JOB)
                .map_init(|| pool.lend(), one)
                .collect();
            results.par_extend(
                (late.par_iter().with_max_len(ROUTES_PER_JOB)).map_init(|| pool.lend(), one),
            );
        });
        results.sort_unstable_by_key(|(i, _)| *i);
        let mut done = Vec::with_capacity(results.len());
        let mut found = Vec::new();
        for r in results.into_iter().filter_map(|(_, r)| r) {
            match r {
                Ok(t) => done.push(t),
                Err(d) => found.push(d),
            }
        }
        (done, found)
    }

    /// The cards of items `ids` for a list on a `lang` page, with their
    /// HTML from the card cache (drawn there on first use).
    fn list_cards(&self, ids: &[usize], lang: &str, summary: bool) -> Vec<context::ItemCard> {
        let mut cards: Vec<_> = ids.iter().map(|&i| self.views.cards[i].clone()).collect();
        self.fill_cards(&mut cards, ids, lang, summary);
        cards
    }

    /// Gives `cards`, those of items `ids`, their HTML from the card cache.
    /// The cards missing from it share one context: cloning the globals
    /// costs about as much as drawing a card.
    fn fill_cards(
        &self,
        cards: &mut [context::ItemCard],
        ids: &[usize],
        lang: &str,
        summary: bool,
    ) {
        let mut ctx: Option<tera::Context> = None;
        for (card, &i) in cards.iter_mut().zip(ids) {
            self.card_html.fill(card, i, lang, summary, || {
                let ctx = ctx.get_or_insert_with(|| self.globals.context(self.views.theme, lang));
                ctx.insert("item", &self.views.cards[i]);
                ctx.insert("summary", &true);
                let full = self.tera.render(card_html::TEMPLATE, ctx).ok()?;
                ctx.insert("summary", &false);
                let brief = self.tera.render(card_html::TEMPLATE, ctx).ok()?;
                Some((full, brief))
            });
        }
    }

    /// Renders a template with a context, mapping errors to diagnostics.
    fn render_template(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| template_error(&e, &self.template_files))
    }
}

/// The render globals of each language a page can have, as a Tera context.
struct Globals {
    site: serde_json::Value,
    /// `site`, `lang` and `t`, for pages.
    by_lang: FxHashMap<String, tera::Context>,
    /// `t` alone, for share cards.
    strings: FxHashMap<String, tera::Context>,
}

impl Globals {
    fn new(site: &Site, theme: &Theme, site_ctx: &SiteContext) -> Self {
        let site_value = serde_json::to_value(site_ctx).unwrap_or_default();
        let cfg = &site.config;
        let langs = (std::iter::once(&cfg.language).chain(&cfg.languages))
            .chain(site.links.iter().map(|l| &l.lang))
            .chain(site.channels.iter().filter_map(|c| c.language.as_ref()))
            .chain(site.pages.iter().filter_map(|p| p.lang.as_ref()));
        let (mut by_lang, mut strings) = (FxHashMap::default(), FxHashMap::default());
        for lang in langs {
            if !by_lang.contains_key(lang) {
                by_lang.insert(lang.clone(), globals(&site_value, theme, lang));
                strings.insert(lang.clone(), strings_of(theme, lang));
            }
        }
        Globals {
            site: site_value,
            by_lang,
            strings,
        }
    }

    /// Every language a page can have.
    fn langs(&self) -> Vec<String> {
        self.by_lang.keys().cloned().collect()
    }

    /// A fresh context holding the globals of `lang`.
    fn context(&self, theme: &Theme, lang: &str) -> tera::Context {
        match self.by_lang.get(lang) {
            Some(ctx) => ctx.clone(),
            None => globals(&self.site, theme, lang),
        }
    }

    /// A fresh context holding only the UI strings of `lang` (`t`).
    fn strings(&self, theme: &Theme, lang: &str) -> tera::Context {
        match self.strings.get(lang) {
            Some(ctx) => ctx.clone(),
            None => strings_of(theme, lang),
        }
    }
}

fn globals(site: &serde_json::Value, theme: &Theme, lang: &str) -> tera::Context {
    let mut ctx = strings_of(theme, lang);
    ctx.insert("site", site);
    ctx.insert("lang", lang);
    ctx
}

fn strings_of(theme: &Theme, lang: &str) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("t", &theme.strings_for(lang).all);
    ctx
}

/// Whether the theme's `macros.html` defines the `card` macro the card
/// cache draws with.
fn has_card_macro(tera: &Tera) -> bool {
    tera.get_template("macros.html")
        .is_ok_and(|t| t.macros.contains_key("card"))
}

/// Image routes exist only after [`crate::media::scan`], which sets the cache.
fn no_cache(route: &Route) -> Diagnostic {
    Diagnostic::new(
        Location::file(&route.path),
        Problem::Io {
            what: "image variants were not prepared (no image cache)".into(),
        },
    )
}

/// `html | excerpt(words=N)`: the first N words of sanitised HTML, tags
/// closed (see [`crate::html::excerpt`]); list cards use it for summaries.
fn excerpt_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let html = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("excerpt: the value must be a string of HTML"))?;
    let words = match args.get("words") {
        Some(w) => w
            .as_u64()
            .ok_or_else(|| tera::Error::msg("excerpt: `words` must be a whole number"))?,
        None => 40,
    };
    Ok(tera::Value::String(crate::html::excerpt(
        html,
        usize::try_from(words).unwrap_or(usize::MAX),
    )))
}

fn escape_fn(s: &str) -> String {
    crate::html::escape_attr(s)
}

/// Turns a Tera error (and its causes) into one diagnostic naming the
/// template file and, when Tera knows it, the line.
fn template_error(e: &tera::Error, files: &rustc_hash::FxHashMap<String, String>) -> Diagnostic {
    let mut parts = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    let full = parts.join(": ");
    let name = full.split('\'').nth(1).unwrap_or("").to_string();
    let file = files
        .get(&name)
        .cloned()
        .unwrap_or_else(|| format!("templates/{name}"));
    let (line, col) = full
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let mut it = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .unzip();
    let message = full
        .split('\n')
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Diagnostic::new(
        Location {
            file,
            line,
            column: col,
        },
        Problem::Template { name, message },
    )
}
