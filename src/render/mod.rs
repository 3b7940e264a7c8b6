//! Rendering: the list of everything a build writes ([`Job`]) and how each
//! job becomes bytes. Rendering never mutates the model and never writes files.

pub mod context;
pub mod deps;
pub mod feeds;
mod pages;
pub mod search;
pub mod seo;
pub mod sitemap;
pub mod theme;
pub mod views;
pub mod xml;

use crate::config::FeedFormat;
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::site::Site;
use context::SiteContext;
use std::path::PathBuf;
use tera::Tera;
use theme::{StaticSource, Theme};
use views::Views;

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

/// Which list a feed belongs to.
#[derive(Debug, Clone, Copy)]
pub enum FeedOf {
    Channel(usize),
    Author(usize),
    Tag(usize),
    All,
}

/// One output file to produce.
#[derive(Debug, Clone)]
pub enum Job {
    Hub,
    Channels,
    Channel(usize, usize),
    Authors,
    Author(usize, usize),
    Tags,
    Tag(usize, usize),
    Item(usize),
    Page(usize),
    Archive,
    ArchiveYear(i16),
    NotFound,
    Search,
    Alias(usize),
    Feed(FeedOf, FeedFormat),
    Opml,
    Sitemap(usize),
    SitemapIndex,
    Robots,
    /// `search/manifest.json`.
    SearchIndex,
    /// `search/facets.json`.
    SearchFacets,
    /// `search/terms/<n>.json`.
    SearchTerms(usize),
    /// `search/docs/<n>.json`.
    SearchDocs(usize),
    HighlightCss,
    Static(String),
}

/// Renders jobs for one site with one theme.
pub struct Renderer<'a> {
    pub views: Views<'a>,
    tera: Tera,
    /// Template name → file, for error messages.
    template_files: rustc_hash::FxHashMap<String, String>,
    site_value: serde_json::Value,
    highlight_css: String,
    /// Each item's search terms and the merged index, computed on first use.
    search: search::Cache,
}

/// A [`Renderer`] without its borrows: what `serve` keeps between rebuilds
/// so that a changed article does not recompile templates or recompute
/// every card.
pub struct RendererParts {
    views: views::ViewParts,
    tera: Tera,
    template_files: rustc_hash::FxHashMap<String, String>,
    site_value: serde_json::Value,
    highlight_css: String,
    search: search::Cache,
}

impl<'a> Renderer<'a> {
    /// Compiles the templates and the shared context. Problems go to `diags`.
    pub fn new(site: &'a Site, theme: &'a Theme, diags: &mut Vec<Diagnostic>) -> Option<Self> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        // Tera's default escaper also rewrites `/`, bloating every URL; ours
        // escapes what matters in text and quoted attributes: & < > " '.
        tera.set_escape_fn(escape_fn);
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
        let site_value = serde_json::to_value(&site_ctx).unwrap_or_default();
        Some(Renderer {
            views,
            tera,
            template_files,
            site_value,
            highlight_css,
            search: search::Cache::new(site.items.len()),
        })
    }

    /// Takes the renderer apart, ending its borrows of the site and theme.
    pub fn into_parts(self) -> RendererParts {
        RendererParts {
            views: self.views.into_parts(),
            tera: self.tera,
            template_files: self.template_files,
            site_value: self.site_value,
            highlight_css: self.highlight_css,
            search: self.search,
        }
    }

    /// Puts a renderer together again over the site and theme its parts were
    /// made for; only items may have changed in place since (each announced
    /// with [`Renderer::refresh_item`]).
    pub fn from_parts(site: &'a Site, theme: &'a Theme, p: RendererParts) -> Self {
        Renderer {
            views: Views::from_parts(site, theme, p.views),
            tera: p.tera,
            template_files: p.template_files,
            site_value: p.site_value,
            highlight_css: p.highlight_css,
            search: p.search,
        }
    }

    /// Forgets what was computed from item `i`, which changed in place.
    pub fn refresh_item(&mut self, i: usize) {
        self.views.refresh_card(i);
        self.search.refresh(i);
    }

    /// Everything this build writes, in a fixed order.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.views.site;
        let per = site.config.paginate;
        let pages_of = |n: usize| n.div_ceil(per).max(1);
        let mut jobs = vec![
            Job::Hub,
            Job::Channels,
            Job::Authors,
            Job::Tags,
            Job::Archive,
            Job::NotFound,
            Job::Search,
            Job::Robots,
            Job::HighlightCss,
        ];
        jobs.extend(search::jobs(site));
        for (c, list) in site.channel_items.iter().enumerate() {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Channel(c, p)));
        }
        for (a, list) in site.author_items.iter().enumerate() {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Author(a, p)));
        }
        for (t, tag) in site.tags.iter().enumerate() {
            jobs.extend((1..=pages_of(tag.items.len())).map(|p| Job::Tag(t, p)));
        }
        jobs.extend((0..site.items.len()).map(Job::Item));
        jobs.extend((0..site.pages.len()).map(Job::Page));
        jobs.extend((0..site.aliases.len()).map(Job::Alias));
        jobs.extend(self.archive_years().into_iter().map(Job::ArchiveYear));
        for &f in &site.config.feeds.formats {
            jobs.extend((0..site.channels.len()).map(|c| Job::Feed(FeedOf::Channel(c), f)));
            jobs.extend((0..site.authors.len()).map(|a| Job::Feed(FeedOf::Author(a), f)));
            jobs.extend((0..site.tags.len()).map(|t| Job::Feed(FeedOf::Tag(t), f)));
            if site.config.feeds.all {
                jobs.push(Job::Feed(FeedOf::All, f));
            }
        }
        if !site.channels.is_empty() && !site.config.feeds.formats.is_empty() {
            jobs.push(Job::Opml);
        }
        let n_sitemaps = sitemap::chunks(self.sitemap_len());
        if n_sitemaps > 1 {
            jobs.push(Job::SitemapIndex);
        }
        jobs.extend((0..n_sitemaps).map(Job::Sitemap));
        jobs.extend(
            self.views
                .theme
                .statics
                .keys()
                .filter(|p| *p != "css/highlight.css")
                .map(|p| Job::Static(p.clone())),
        );
        jobs
    }

    /// Produces one output file.
    pub fn render(&self, job: &Job) -> Result<Output, Diagnostic> {
        let bytes = |path: &str, b: Vec<u8>| {
            Ok(Output {
                path: path.to_string(),
                body: Body::Bytes(b),
            })
        };
        match job {
            Job::Feed(of, fmt) => {
                let (path, b) = feeds::render(self, *of, *fmt);
                bytes(&path, b)
            }
            Job::Opml => bytes("feeds.opml", sitemap::opml(self)),
            Job::Sitemap(k) => {
                let name = if sitemap::chunks(self.sitemap_len()) > 1 {
                    format!("sitemap-{}.xml", k + 1)
                } else {
                    "sitemap.xml".into()
                };
                bytes(&name, sitemap::sitemap(self, *k))
            }
            Job::SitemapIndex => bytes("sitemap.xml", sitemap::index(self)),
            Job::Robots => bytes("robots.txt", sitemap::robots(self)),
            Job::SearchIndex | Job::SearchFacets | Job::SearchTerms(_) | Job::SearchDocs(_) => {
                let (path, b) = search::render(self, job);
                bytes(&path, b)
            }
            Job::HighlightCss => {
                bytes("css/highlight.css", self.highlight_css.clone().into_bytes())
            }
            Job::Static(p) => Ok(Output {
                path: p.clone(),
                body: match &self.views.theme.statics[p] {
                    StaticSource::Embedded(b) => Body::Embedded(b),
                    StaticSource::File(f) => Body::Copy(f.clone()),
                },
            }),
            page => pages::render_page(self, page),
        }
    }

    /// Renders a template with a context, mapping errors to diagnostics.
    fn render_template(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| template_error(&e, &self.template_files))
    }

    fn archive_years(&self) -> Vec<i16> {
        let mut years: Vec<i16> = self
            .views
            .site
            .items
            .iter()
            .map(|i| i.date.year())
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        years
    }

    fn sitemap_len(&self) -> usize {
        sitemap::entries(self).len()
    }
}

fn escape_fn(s: &str) -> String {
    crate::content::markdown::escape_attr(s)
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
