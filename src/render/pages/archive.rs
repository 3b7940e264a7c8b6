//! `/archive/` and its year pages: every item by year and month.

use super::super::context::{ArchiveMonth, ArchiveYear, ItemCard};
use super::{collection_meta, crumbs, site_description, site_lang, t, Draft, Renderer, Vars};
use crate::site::routes::archive_year_url;

fn year_view(r: &Renderer, y: i16, with_items: bool) -> ArchiveYear {
    let site = r.views.site;
    let ids: Vec<usize> = (0..site.items.len())
        .filter(|&i| site.items[i].date.year() == y)
        .collect();
    let strings = r.views.theme.strings_for(&site.config.language);
    let mut months = Vec::new();
    if with_items {
        for m in (1..=12i8).rev() {
            let items: Vec<ItemCard> = ids
                .iter()
                .filter(|&&i| site.items[i].date.month() == m)
                .map(|&i| r.views.cards[i].clone())
                .collect();
            if !items.is_empty() {
                let name = strings
                    .months
                    .get(m as usize - 1)
                    .cloned()
                    .unwrap_or_default();
                months.push(ArchiveMonth {
                    month: m,
                    name,
                    items,
                });
            }
        }
    }
    ArchiveYear {
        year: y,
        url: archive_year_url(y),
        count: ids.len(),
        months,
    }
}

pub(super) fn archive(r: &Renderer) -> Draft {
    let lang = site_lang(r);
    let years: Vec<ArchiveYear> = r
        .views
        .site
        .archive_years()
        .into_iter()
        .map(|y| year_view(r, y, false))
        .collect();
    let title = t(r, &lang, "archive_title", "Archive");
    let desc = site_description(r);
    let mut m = collection_meta(r, &title, &desc, "/archive/");
    m.head.breadcrumbs = crumbs(r, &lang, &[(&title, "/archive/".into())]);
    let mut ctx = Vars::new();
    ctx.insert("years", &years);
    Draft {
        template: "archive.html",
        kind: "archive",
        lang,
        meta: m,
        ctx,
    }
}

pub(super) fn archive_year(r: &Renderer, y: i16) -> Draft {
    let lang = site_lang(r);
    let year = year_view(r, y, true);
    let archive_title = t(r, &lang, "archive_title", "Archive");
    let title = format!("{archive_title} {y}");
    let desc = site_description(r);
    let mut m = collection_meta(r, &title, &desc, &year.url);
    m.head.breadcrumbs = crumbs(
        r,
        &lang,
        &[
            (&archive_title, "/archive/".into()),
            (&y.to_string(), year.url.clone()),
        ],
    );
    let mut ctx = Vars::new();
    ctx.insert("year", &year);
    Draft {
        template: "archive_year.html",
        kind: "archive_year",
        lang,
        meta: m,
        ctx,
    }
}
