//! The markdown body renderer alone (with highlighting and sanitising), so
//! the fuzzer does not spend its time getting past front matter.
#![no_main]

use kurator::content::highlight::Highlighter;
use kurator::content::markdown::{render, RenderOptions};
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
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    let r = render(
        src,
        &RenderOptions {
            lang: if sel & 1 != 0 { "de" } else { "en" },
            unsafe_html: sel & 2 != 0,
            highlighter: highlighter(),
        },
    );
    // Invariant: without unsafe_html no script element or script URL in a
    // tag survives rendering. (`href="javascript:` as escaped *text*, e.g. in
    // a code span, is harmless: that was the first fuzz finding, an oracle bug.)
    if sel & 2 == 0 {
        let lower = r.html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "script tag survived: {}", r.html);
        for tag in ["<a href=\"javascript:", "<img src=\"javascript:"] {
            assert!(!lower.contains(tag), "javascript: URL survived: {}", r.html);
        }
    }
});
