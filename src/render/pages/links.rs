//! `/links/`: every curated link, newest first, paginated, with its feeds.

use super::pager::paginate;
use super::{collection_meta, crumbs, site_description, site_lang, t, Draft, Vars};
use crate::render::Renderer;
use crate::site::routes::LINKS_URL;

/// Page `page` of `/links/` (template `links.html`).
pub(super) fn links(r: &Renderer, page: usize) -> Draft {
    let list = &r.views.site.link_items;
    let lang = site_lang(r);
    let (items, paginator, path) = paginate(r, list, LINKS_URL, page, &lang);
    let title = t(r, &lang, "links_title", "Curated links");
    let intro = t(r, &lang, "links_intro", "");
    let desc = if intro.is_empty() {
        site_description(r)
    } else {
        intro.clone()
    };
    let mut m = collection_meta(r, &title, &desc, &path);
    m.head.feeds = r.views.feeds(LINKS_URL, &title);
    m.head.breadcrumbs = crumbs(r, &lang, &[(&title, LINKS_URL.into())]);
    let mut ctx = Vars::new();
    ctx.insert("title", &title);
    ctx.insert("intro", &intro);
    ctx.insert("count", &list.len());
    ctx.insert("items", &items);
    ctx.insert("paginator", &paginator);
    Draft {
        template: "links.html",
        kind: "links",
        lang,
        meta: m,
        ctx,
    }
}
