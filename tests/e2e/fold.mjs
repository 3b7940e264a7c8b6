// The browser's folding, word splitting and sharding (search.js) against the
// table the Rust indexer is tested with (tests/fixtures/search-folding.json,
// src/render/search/fold.rs). Run: node tests/e2e/fold.mjs
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../../", import.meta.url));
const search = require(root + "themes/default/static/js/search.js");
const table = JSON.parse(readFileSync(root + "tests/fixtures/search-folding.json", "utf8"));

let failed = 0;
const same = (got, want, what) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    failed++;
    console.log(`FAIL ${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
};
for (const [word, want] of table.fold) same(search.fold(word), want, `fold(${JSON.stringify(word)})`);
for (const [text, want] of table.terms) same(search.terms(text), want, `terms(${JSON.stringify(text)})`);
for (const [term, n, want] of table.shard) same(search.shardOf(term, n), want, `shardOf(${JSON.stringify(term)}, ${n})`);
for (const [word, key, keys] of table.typo) {
  same(search.typoKey(word), key, `typoKey(${JSON.stringify(word)})`);
  same(search.typoKeys(word), keys, `typoKeys(${JSON.stringify(word)})`);
}
// Matching rules of docs/search.md that live in the browser only.
same(search.quality("fuhrung", "fuhrung"), 1, "exact");
same(search.quality("fuh", "fuhrung") > 0, true, "prefix of three letters");
same(search.quality("fu", "fuhrung"), 0, "no prefix below three letters");
same(search.quality("kultr", "kultur") > 0, true, "one letter missing (five letters)");
same(search.quality("kutlur", "kultur") > 0, true, "two letters swapped");
same(search.quality("hunt", "hund"), 0, "no typo below five letters");
same(search.quality("kulxxr", "kultur"), 0, "two typos");
same(search.weight(1) > search.weight(2) && search.weight(2) > search.weight(4) && search.weight(4) > search.weight(8), true, "title > names > summary > body");
const n = table.fold.length + table.terms.length + table.shard.length + 2 * table.typo.length + 8;
if (failed) {
  console.log(`fold.mjs: ${failed} of ${n} cases failed`);
  process.exit(1);
}
console.log(`fold.mjs: ${n} cases ok`);
