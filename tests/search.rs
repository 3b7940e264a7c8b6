//! The sharded search index (SPEC §13, docs/search.md) as files: determinism,
//! whole bodies, compound parts, the manifest's filter lists. The browser's
//! side is tests/e2e/search.mjs on the same fixture site.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn search_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/search-site")
}

fn json(b: &Built, rel: &str) -> Value {
    serde_json::from_str(&b.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// (document, bits) of every posting of `term` in the built index.
fn postings(b: &Built, term: &str) -> Vec<(u64, u64)> {
    let m = json(b, "search/manifest.json");
    let mut out = Vec::new();
    for k in 0..m["termShards"].as_u64().unwrap() {
        let shard = json(b, &format!("search/terms/{k}.json"));
        for e in shard["terms"].as_array().unwrap() {
            if e[0] != term {
                continue;
            }
            let p = e[1].as_array().unwrap();
            let mut doc = 0;
            for pair in p.chunks(2) {
                doc += pair[0].as_u64().unwrap();
                out.push((doc, pair[1].as_u64().unwrap()));
            }
        }
    }
    out
}

/// The document number of the item titled `title`.
fn doc_of(b: &Built, title: &str) -> u64 {
    let m = json(b, "search/manifest.json");
    let per = m["docShard"].as_u64().unwrap();
    for k in 0..m["docs"].as_u64().unwrap().div_ceil(per) {
        let shard = json(b, &format!("search/docs/{k}.json"));
        for (i, d) in shard["docs"].as_array().unwrap().iter().enumerate() {
            if d["t"] == title {
                return k * per + i as u64;
            }
        }
    }
    panic!("no document titled {title:?}");
}

#[test]
fn search_files_are_the_same_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for j in ["1", "3", "4"] {
        let out = tmp.path().join(format!("out-{j}"));
        build(&search_site(), &out, &["-j", j]).assert_ok();
        trees.push(snapshot(&out.join("search")));
    }
    assert_same_tree(&trees[0], &trees[1], "search/ with -j 1 and -j 3");
    assert_same_tree(&trees[0], &trees[2], "search/ with -j 1 and -j 4");
}

#[test]
fn search_index_holds_whole_bodies() {
    let b = build_ok(&search_site(), &[]);
    let deep = doc_of(&b, "Ein langer Bericht");
    // "Zeppelin" is the last word of a body of more than 2,000 characters.
    let hit = postings(&b, "zeppelin");
    assert!(
        hit.iter().any(|&(d, bits)| d == deep && bits & 8 != 0),
        "{hit:?}"
    );
}

#[test]
fn search_index_ranks_fields_by_their_bits() {
    let b = build_ok(&search_site(), &[]);
    let hit = postings(&b, "zeppelin");
    let bits = |t: &str| hit.iter().find(|p| p.0 == doc_of(&b, t)).unwrap().1;
    assert_eq!(bits("Der Zeppelin kommt zurück") & 1, 1, "title");
    assert_eq!(bits("Luftschiffe heute") & 2, 2, "tag");
    assert_eq!(bits("Himmel über Friedrichshafen") & 4, 4, "summary");
}

#[test]
fn search_index_finds_compound_parts_and_folds_umlauts() {
    let b = build_ok(&search_site(), &[]);
    let doc = doc_of(&b, "Unternehmenskultur im Wandel");
    let kultur = postings(&b, "kultur");
    // Bit 16: the title has a word with "kultur" as its part.
    assert!(
        kultur.iter().any(|&(d, bits)| d == doc && bits & 16 != 0),
        "{kultur:?}"
    );
    let doc = doc_of(&b, "Führung auf Augenhöhe");
    assert!(postings(&b, "fuhrung").iter().any(|&(d, _)| d == doc));
    assert!(postings(&b, "augenhohe").iter().any(|&(d, _)| d == doc));
}

#[test]
fn search_manifest_lists_what_the_filters_offer() {
    let b = build_ok(&search_site(), &[]);
    let m = json(&b, "search/manifest.json");
    assert_eq!(m["v"], 2);
    assert_eq!(m["langs"], serde_json::json!(["de", "en"]));
    assert_eq!(m["channels"].as_array().unwrap().len(), 2);
    assert_eq!(
        m["authors"],
        serde_json::json!(["Anna Alpha", "Bernd Beta"])
    );
    // One facet file per value: kinds, languages, channels, authors.
    let docs = |k: u64| -> Vec<u64> {
        let f = json(&b, &format!("search/facets/{k}.json"));
        let mut d = 0;
        let gaps = f["docs"].as_array().unwrap().iter();
        gaps.map(|g| {
            d += g.as_u64().unwrap();
            d
        })
        .collect()
    };
    let n = m["docs"].as_u64().unwrap() as usize;
    let (articles, links) = (docs(0), docs(1));
    assert_eq!(links.len(), 1);
    assert_eq!(articles.len() + links.len(), n);
    let f = &m["facets"];
    let en = docs(f["lang"].as_u64().unwrap() + 1);
    assert_eq!(en, [doc_of(&b, "Kultur at work, in English")]);
    let bernd = docs(f["author"].as_u64().unwrap() + 1);
    assert!(bernd.contains(&doc_of(&b, "Kultur at work, in English")));
    // A small facet carries its documents' records.
    let rec = json(
        &b,
        &format!("search/facets/{}.json", f["author"].as_u64().unwrap() + 1),
    );
    assert_eq!(rec["recs"].as_array().unwrap().len(), bernd.len());
}

#[test]
fn search_typo_shards_name_terms_by_their_typo_key() {
    let b = build_ok(&search_site(), &[]);
    let m = json(&b, "search/manifest.json");
    let mut found = Vec::new();
    for k in 0..m["typoShards"].as_u64().unwrap() {
        let shard = json(&b, &format!("search/typos/{k}.json"));
        for e in shard["keys"].as_array().unwrap() {
            for t in e[1].as_array().unwrap() {
                if t[0] == "fuhrung" {
                    found.push(e[0].as_str().unwrap().to_string());
                }
            }
        }
    }
    found.sort();
    // docs/search.md: the keys of "fuhrung".
    assert_eq!(found, ["hru", "hun", "run", "ung"]);
}

#[test]
fn search_term_shards_carry_records_beyond_the_best_ten() {
    let b = build_ok(&search_site(), &[]);
    let m = json(&b, "search/manifest.json");
    let shard = (0..m["termShards"].as_u64().unwrap())
        .map(|k| json(&b, &format!("search/terms/{k}.json")))
        .find(|s| {
            s["terms"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e[0] == "notiz")
        })
        .unwrap();
    let notiz = shard["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e[0] == "notiz")
        .unwrap();
    // Twelve notes: ten in the best list, all twelve carried with records.
    assert_eq!(notiz[2].as_array().unwrap().len(), 10);
    let carried: Vec<u64> = shard["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d[0].as_u64().unwrap())
        .collect();
    for title in (1..=12).map(|i| format!("Notiz {i}")) {
        assert!(carried.contains(&doc_of(&b, &title)), "{title}");
    }
    // Records without a snippet of their own carry the summary's opening.
    let opening = shard["docs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d[1]["s"].is_string())
        .count();
    assert!(opening >= 2, "{opening}");
}

#[test]
fn search_file_names_do_not_depend_on_words() {
    let b = build_ok(&search_site(), &[]);
    for rel in list_files(&b.out.join("search")) {
        let ok = rel == "index.html"
            || rel == "manifest.json"
            || rel
                .strip_prefix("terms/")
                .or_else(|| rel.strip_prefix("docs/"))
                .or_else(|| rel.strip_prefix("facets/"))
                .or_else(|| rel.strip_prefix("typos/"))
                .and_then(|r| r.strip_suffix(".json"))
                .is_some_and(|n| n.parse::<u32>().is_ok());
        assert!(ok, "unexpected search file {rel}");
    }
}
