//! `site.yaml` parsing: typed config, unknown-key suggestions, limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kurator::config::Config::parse(text, None);
    }
});
