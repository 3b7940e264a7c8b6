//! Share cards: a 1200×630 PNG per article, curated link, channel and author
//! (SPEC §12). The theme's `cards/card.svg` Tera template is filled with a
//! context whose title is already broken into lines (resvg does not wrap
//! text), then rasterised in-process by resvg with only the fonts the theme
//! ships, loaded from bytes — never the system's — so a card is the same on
//! every machine. PNGs are cached in `.kurator/cards/` by a hash of the
//! finished SVG: a warm build parses and draws nothing.

mod encode;
mod wrap;

use super::Renderer;
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::site::routes::CardOf;
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// Width and height of every card, the size Open Graph consumers expect.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// The template a theme overrides to change the cards.
pub const TEMPLATE: &str = "cards/card.svg";

/// Bumped when the rasteriser or the fonts change, so old cache entries miss.
const CACHE_VERSION: &str = "card-v2 resvg-0.49 indexed";

/// The title font the layout measures with (the default template's).
#[cfg(test)]
pub(crate) const FONT_BOLD: &[u8] = include_bytes!("../../../themes/default/fonts/Inter-Bold.otf");

/// Left and right margin of the default template: the title may use the rest.
const TITLE_WIDTH: f64 = 1040.0;
const TITLE_TOP: f64 = 170.0;

/// What `cards/card.svg` sees (besides `t`, the UI strings).
#[derive(Serialize)]
struct CardContext {
    width: u32,
    height: u32,
    /// `article`, `link`, `channel` or `author`.
    kind: &'static str,
    lang: String,
    title: Title,
    /// The line above the title: the channel for items, a label otherwise.
    kicker: String,
    /// Accent colour: the (first) channel's, else the theme's default.
    color: String,
    authors: Vec<CardAuthor>,
    /// Author names joined for the byline.
    byline: String,
    site_title: String,
    /// The site's host name, e.g. `hub.example.com`.
    site_host: String,
    /// `cards.logo` as a `data:` URL, when set and found.
    logo: Option<String>,
}

#[derive(Serialize)]
struct Title {
    lines: Vec<TitleLine>,
    size: f64,
    line_height: f64,
}

#[derive(Serialize)]
struct TitleLine {
    text: String,
    y: f64,
}

#[derive(Serialize)]
struct CardAuthor {
    name: String,
    initials: String,
    /// The avatar as a `data:` URL (site files only; nothing is fetched).
    avatar: Option<String>,
}

/// What the default colour is when a channel has none.
const DEFAULT_COLOR: &str = "#1f5fbf";

/// Makes the card of `of` the page's preview image — `og:image` with its
/// size and alt text, and the JSON-LD entity's `image` — unless the build
/// draws no card for it (cards off, or an item with its own `image`, which
/// then stays).
pub(super) fn show(r: &Renderer, of: CardOf, lang: &str, m: &mut super::seo::PageMeta) {
    let site = r.views.site;
    let Some(url) = site.card_of(of) else {
        return;
    };
    let alt = label(r, lang, "card_alt", "Share card: {title}");
    m.head.image_alt = Some(alt.replace("{title}", &m.head.title));
    m.head.image = Some(url.clone());
    m.head.image_width = Some(WIDTH);
    m.head.image_height = Some(HEIGHT);
    let abs = super::seo::absolute(&site.config.base_url, &url);
    // A plain URL, as for an item's own image: pages stay small, and the
    // size is in og:image:width/height.
    let image = serde_json::json!(abs);
    match m.entity.get_mut("mainEntity") {
        // A profile page's picture is its person's avatar; the card is the page's.
        Some(_) => m.entity["primaryImageOfPage"] = image,
        None => m.entity["image"] = image,
    }
}

/// Renders the PNG of one card: from the cache when the same SVG was drawn before.
pub(super) fn render(r: &Renderer, of: CardOf) -> Result<Vec<u8>, Diagnostic> {
    let svg = svg(r, of)?;
    let key = cache_key(&svg);
    if let Some(hit) = r.cache.as_ref().and_then(|c| c.get_bytes("cards", &key)) {
        return Ok(hit);
    }
    let png = rasterise(&svg).map_err(|message| card_error(r, message))?;
    if let Some(c) = &r.cache {
        // A cache that cannot be written only costs time on the next build.
        let _ = c.put_bytes("cards", &key, &png);
    }
    Ok(png)
}

/// The cache file that holds the PNG of one card, and its cache key; the
/// card is drawn into the cache first when it is not there. `None` without
/// a cache, or when the cache cannot be written.
pub(super) fn cached_file(
    r: &Renderer,
    of: CardOf,
) -> Result<Option<(std::path::PathBuf, String)>, Diagnostic> {
    let Some(cache) = &r.cache else {
        return Ok(None);
    };
    let svg = svg(r, of)?;
    let key = cache_key(&svg);
    if cache.get_bytes("cards", &key).is_none() {
        let png = rasterise(&svg).map_err(|message| card_error(r, message))?;
        if cache.put_bytes("cards", &key, &png).is_err() {
            return Ok(None);
        }
    }
    Ok(Some((cache.bin_file("cards", &key), key)))
}

/// The filled-in SVG of one card (what the cache key is made of).
pub(super) fn svg(r: &Renderer, of: CardOf) -> Result<String, Diagnostic> {
    let ctx = context(r, of);
    let mut tc = r.globals.strings(r.views.theme, &ctx.lang);
    tc.extend(tera::Context::from_serialize(&ctx).map_err(|e| card_error(r, e.to_string()))?);
    r.render_template(TEMPLATE, &tc)
}

/// A UI string of the theme in `lang`.
fn label(r: &Renderer, lang: &str, key: &str, fallback: &str) -> String {
    let all = &r.views.theme.strings_for(lang).all;
    (all.get(key).and_then(|v| v.as_str()))
        .unwrap_or(fallback)
        .to_string()
}

fn card_error(r: &Renderer, message: String) -> Diagnostic {
    let file = (r.template_files.get(TEMPLATE).cloned())
        .unwrap_or_else(|| format!("templates/{TEMPLATE}"));
    Diagnostic::new(
        Location::file(file),
        Problem::Template {
            name: TEMPLATE.into(),
            message: format!("share card: {message}"),
        },
    )
}

/// Whose card it is: (kind, title, language, kicker, colour, authors).
type Subject = (
    &'static str,
    String,
    String,
    String,
    Option<String>,
    Vec<usize>,
);

fn subject(r: &Renderer, of: CardOf) -> Subject {
    let site = r.views.site;
    match of {
        CardOf::Item(i) => {
            let it = &site.items[i];
            let l = &site.links[i];
            let first = l.channels.first().map(|&c| &site.channels[c]);
            let lang = it
                .lang
                .clone()
                .unwrap_or_else(|| site.config.language.clone());
            let kind = match it.kind {
                crate::content::ItemKind::Article => "article",
                crate::content::ItemKind::Link => "link",
            };
            (
                kind,
                it.title.clone(),
                lang,
                first.map(|c| c.title.clone()).unwrap_or_default(),
                first.and_then(|c| c.color.clone()),
                l.authors.clone(),
            )
        }
        CardOf::Channel(c) => {
            let ch = &site.channels[c];
            let lang = ch
                .language
                .clone()
                .unwrap_or_else(|| site.config.language.clone());
            let kicker = label(r, &lang, "card_channel", "Channel");
            (
                "channel",
                ch.title.clone(),
                lang,
                kicker,
                ch.color.clone(),
                Vec::new(),
            )
        }
        CardOf::Author(a) => {
            let au = &site.authors[a];
            let lang =
                (au.languages.first().cloned()).unwrap_or_else(|| site.config.language.clone());
            let kicker = au
                .role
                .clone()
                .unwrap_or_else(|| label(r, &lang, "card_author", "Author"));
            ("author", au.name.clone(), lang, kicker, None, vec![a])
        }
    }
}

fn context(r: &Renderer, of: CardOf) -> CardContext {
    let site = r.views.site;
    let (kind, title, lang, kicker, color, authors) = subject(r, of);
    let title = clean(&title);
    let layout = wrap::layout(metrics(), &title, &lang, TITLE_WIDTH);
    let line_height = (layout.size * 1.15).round();
    let lines = (layout.lines.into_iter().enumerate())
        .map(|(k, text)| TitleLine {
            text,
            y: TITLE_TOP + layout.size + line_height * k as f64,
        })
        .collect();
    let authors: Vec<CardAuthor> = authors
        .iter()
        .map(|&a| {
            let au = &site.authors[a];
            CardAuthor {
                name: clean(&au.name),
                initials: initials(&au.name),
                avatar: au.avatar.as_deref().and_then(|p| data_url(r, p)),
            }
        })
        .collect();
    let byline = (authors.iter().map(|a| a.name.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let cfg = &site.config;
    CardContext {
        width: WIDTH,
        height: HEIGHT,
        kind,
        lang,
        title: Title {
            lines,
            size: layout.size,
            line_height,
        },
        kicker: clean(&kicker),
        color: color.unwrap_or_else(|| DEFAULT_COLOR.into()),
        authors,
        byline,
        site_title: clean(&cfg.title),
        site_host: host(&cfg.base_url),
        logo: cfg.cards.logo.as_deref().and_then(|p| data_url(r, p)),
    }
}

/// Drops what XML 1.0 cannot carry at all (control characters other than
/// tab and line breaks): Tera escapes markup, but a raw U+0001 in a title
/// would still make the SVG unparsable.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn initials(name: &str) -> String {
    (name.split_whitespace().filter_map(|w| w.chars().next()))
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

fn host(base_url: &str) -> String {
    let rest = base_url.split("://").nth(1).unwrap_or(base_url);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// The largest image a card embeds; bigger avatars are left out (initials shown).
const MAX_EMBED_BYTES: usize = 4 * 1024 * 1024;

/// A site file (site-relative path under `static/`, site or theme) as a
/// `data:` URL. Remote URLs give `None`: cards never touch the network.
fn data_url(r: &Renderer, path: &str) -> Option<String> {
    use super::theme::StaticSource;
    let rel = path.strip_prefix('/')?;
    let mime = match rel.rsplit('.').next()?.to_ascii_lowercase().as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        _ => return None,
    };
    let bytes = match r.views.theme.statics.get(rel)? {
        StaticSource::Embedded(b) => b.to_vec(),
        StaticSource::File(f) => std::fs::read(f).ok()?,
    };
    (bytes.len() <= MAX_EMBED_BYTES).then(|| format!("data:{mime};base64,{}", base64(&bytes)))
}

/// Standard base64 with padding (a dozen lines instead of a crate).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Two independent 64-bit FNV-1a hashes of the SVG and the renderer version:
/// the SVG itself (with embedded avatars) is too big to be the stored key.
fn cache_key(svg: &str) -> String {
    let h = |seed: u64| {
        (CACHE_VERSION.bytes().chain(svg.bytes())).fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        h(0xcbf2_9ce4_8422_2325),
        h(0x6c62_272e_07bb_0142)
    )
}

/// The theme's fonts, loaded once from the bytes embedded in the binary.
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        for (path, bytes) in super::theme::builtin_theme("default").unwrap_or(&[]) {
            if path.starts_with("fonts/") && (path.ends_with(".otf") || path.ends_with(".ttf")) {
                db.load_font_data(bytes.to_vec());
            }
        }
        // Generic families resolve to the shipped font, never to a system one.
        db.set_sans_serif_family("Inter");
        db.set_serif_family("Inter");
        db.set_monospace_family("Inter");
        Arc::new(db)
    })
    .clone()
}

fn metrics() -> &'static wrap::Metrics {
    static M: OnceLock<wrap::Metrics> = OnceLock::new();
    M.get_or_init(|| {
        let bold = super::theme::builtin_theme("default")
            .unwrap_or(&[])
            .iter()
            .find(|(p, _)| *p == "fonts/Inter-Bold.otf")
            .map(|(_, b)| *b)
            .unwrap_or(&[]);
        wrap::Metrics::new(bold).expect("the default theme ships fonts/Inter-Bold.otf")
    })
}

/// SVG text → PNG bytes, at exactly [`WIDTH`]×[`HEIGHT`] whatever the SVG's own size.
fn rasterise(svg: &str) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    let mut opt = usvg::Options {
        fontdb: fonts(),
        font_family: "Inter".into(),
        ..Default::default()
    };
    // Only `data:` images: a template must not make the build read local
    // files or depend on what happens to be on this machine.
    opt.image_href_resolver.resolve_string = Box::new(|_, _| None);
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("the SVG is invalid: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the card")?;
    let size = tree.size();
    let t = tiny_skia::Transform::from_scale(
        WIDTH as f32 / size.width(),
        HEIGHT as f32 / size.height(),
    );
    resvg::render(&tree, t, &mut pixmap.as_mut());
    encode::png(&pixmap).map_err(|e| format!("cannot encode the PNG: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn control_characters_never_reach_the_svg() {
        assert_eq!(clean("a\u{1}b\u{FFFF}\n c"), "a b c");
        assert_eq!(initials("Jana Voß"), "JV");
        assert_eq!(host("https://hub.example.com/blog"), "hub.example.com");
    }

    #[test]
    fn a_minimal_svg_rasterises_to_the_card_size() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="315"><rect width="600" height="315" fill="#123456"/><text x="10" y="100" font-size="40">Grüße</text></svg>"##;
        let png = rasterise(svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, at bytes 16..24.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
        assert_eq!(rasterise(svg).unwrap(), png, "deterministic");
        assert!(rasterise("<svg").is_err());
    }
}
