//! Golden output: a fixed corpus must build to exactly the same bytes as the
//! recorded manifest (one line per output file: content hash, size, path).
//!
//! This is the guard for performance work: an optimisation that changes a
//! single byte of output fails here and names the files. When the output is
//! meant to change (a template or feature change), record the new manifest
//! with `KURATOR_BLESS=1 cargo test --test golden` and review its diff in git.

mod common;

use common::*;
use std::fmt::Write as _;
use std::path::Path;

/// FNV-1a, 64 bit: dependency-free and stable across Rust versions (unlike
/// `DefaultHasher`), which is all a change detector needs.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `hash size path` for every file under `out`, sorted by path.
fn manifest(out: &Path) -> String {
    let mut lines = String::new();
    for rel in list_files(out) {
        let bytes = std::fs::read(out.join(&rel)).expect("read output file");
        let _ = writeln!(lines, "{:016x} {:>8} {rel}", fnv1a(&bytes), bytes.len());
    }
    lines
}

#[track_caller]
fn assert_golden(site: &Path, name: &str) {
    let built = build_ok(site, &[]);
    let got = manifest(&built.out);
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    if std::env::var_os("KURATOR_BLESS").is_some() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&file).unwrap_or_default();
    if got != want {
        let want_lines: std::collections::BTreeSet<&str> = want.lines().collect();
        let got_lines: std::collections::BTreeSet<&str> = got.lines().collect();
        let gone: Vec<&str> = want_lines.difference(&got_lines).copied().collect();
        let new: Vec<&str> = got_lines.difference(&want_lines).copied().collect();
        panic!(
            "output of {name} differs from tests/golden/{name}.txt \
             (re-record with KURATOR_BLESS=1 if the change is intended)\n\
             --- recorded, not produced ({}):\n{}\n+++ produced, not recorded ({}):\n{}",
            gone.len(),
            gone.iter().take(40).copied().collect::<Vec<_>>().join("\n"),
            new.len(),
            new.iter().take(40).copied().collect::<Vec<_>>().join("\n"),
        );
    }
}

#[test]
fn example_site_output_matches_the_recorded_manifest() {
    assert_golden(&example_site(), "example-site");
}

#[test]
fn all_pages_fixture_output_matches_the_recorded_manifest() {
    assert_golden(&fixture("all-pages"), "all-pages");
}

#[test]
fn manifest_hash_detects_a_one_byte_change() {
    assert_ne!(fnv1a(b"<p>a</p>"), fnv1a(b"<p>b</p>"));
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
}
