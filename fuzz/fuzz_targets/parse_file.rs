//! The whole single-file pipeline: decode, split, YAML front matter, schema,
//! markdown, highlighting. The first byte picks the content kind so one
//! corpus covers authors, channels, articles, links and pages.
#![no_main]

use kurator::content::highlight::Highlighter;
use kurator::content::{parse_bytes, ParseContext};
use kurator::discover::Kind;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn highlighter() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(Highlighter::new)
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let kinds = [Kind::Article, Kind::Link, Kind::Author, Kind::Channel, Kind::Page];
    let kind = kinds[usize::from(sel) % kinds.len()];
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC);
    let cx = ParseContext {
        tz: &tz,
        site_lang: if sel & 0x80 != 0 { "de" } else { "en" },
        unsafe_html: sel & 0x40 != 0,
        highlighter: highlighter(),
        max_file_bytes: 1 << 20,
    };
    let _ = parse_bytes(kind, "articles/2024-02-29-fuzz.md", rest.to_vec(), &cx);
});
