// The search page's matching behaviours (SPEC §13, docs/search.md), driven in
// headless Chromium against tests/e2e/search-site built and served locally:
//
//   node search.mjs --site http://127.0.0.1:PORT
//
// One check per behaviour: folding, digraphs, prefixes, compound parts, typos,
// ranking, whole bodies, each filter, snippets marked as text, keyboard, the
// live region, and the requests and bytes of a first query.
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
if (!args.site) throw new Error("--site URL is required");
const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);

let failures = 0;
function check(cond, msg) {
  console.log(`  ${cond ? "ok  " : "FAIL"} ${msg}`);
  if (!cond) failures++;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

const context = await browser.newContext();
const page = await context.newPage();
page.setDefaultTimeout(10_000);
const problems = [];
const requests = [];
page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("dialog", async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss().catch(() => {}); });
page.on("request", (r) => {
  const u = new URL(r.url());
  if (!LOCAL.has(u.hostname) && !["data:", "blob:", "about:"].includes(u.protocol)) problems.push(`request to another host: ${r.url()}`);
});
page.on("response", async (r) => {
  if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  const path = new URL(r.url()).pathname;
  if (path.startsWith("/search/") && path.endsWith(".json")) {
    const body = await r.body().catch(() => Buffer.alloc(0));
    requests.push({ path, bytes: body.length, at: Date.now() });
  }
});

// Searches for `q` (typed, as a person would) and returns the shown results.
async function search(q) {
  await page.fill("#search-input", "");
  await page.waitForFunction(() => document.getElementById("search-results").childElementCount === 0);
  await page.evaluate(() => { window.__done = 0; });
  await page.type("#search-input", q);
  await page.waitForFunction((q) => {
    const s = document.getElementById("search-status").textContent;
    return new URL(location.href).searchParams.get("q") === q && s !== "" && (document.getElementById("search-results").childElementCount > 0 || /Keine|No /.test(s));
  }, q);
  await page.waitForTimeout(150); // let a late result list settle
  return results();
}
const results = () => page.$$eval("#search-results > li", (lis) => lis.map((li) => ({
  title: li.querySelector("h2")?.textContent || "",
  kicker: li.querySelector(".card-kicker")?.textContent || "",
  meta: li.querySelector(".card-meta")?.textContent || "",
  snippet: li.querySelector(".search-snippet")?.textContent || "",
  marks: [...li.querySelectorAll("mark")].map((m) => m.textContent),
  lang: li.lang,
  badge: li.querySelector(".badge")?.className || "",
})));
const titles = (rs) => rs.map((r) => r.title);
// Searches for `q` on a freshly loaded page (nothing cached) and returns the
// results and the index files requested after typing.
async function fresh(q) {
  await page.goto(`${args.site}/search/`);
  await page.click("#search-input");
  await page.waitForFunction(() => document.getElementById("search-filters")?.childElementCount > 0);
  const at = requests.length;
  const rs = await search(q);
  return { rs, got: requests.slice(at).map((r) => r.path) };
}
async function filter(name, label) {
  const sel = `#search-filter-${name}`;
  const value = label == null ? "" : await page.$eval(sel, (s, label) => [...s.options].find((o) => o.textContent === label)?.value, label);
  check(value != null, `filter ${name} offers "${label ?? "all"}"`);
  await page.selectOption(sel, value ?? "");
  await page.waitForTimeout(300);
  return results();
}

try {
  await page.goto(`${args.site}/search/`);

  console.log("first query: requests and bytes");
  await page.click("#search-input"); // focus loads the manifest
  await page.waitForTimeout(300);
  const before = requests.length;
  const t0 = Date.now();
  const first = await search("zeppelin");
  const after = requests.slice(before);
  const bytes = after.reduce((n, r) => n + r.bytes, 0);
  check(first.length > 0, `"zeppelin" finds ${first.length} results`);
  check(after.length >= 1 && after.length <= 4, `first query: ${after.length} requests after typing (${after.map((r) => r.path).join(", ")})`);
  check(bytes <= 100 * 1024, `first query: ${bytes} bytes after typing (uncompressed, budget 100 KiB compressed)`);
  check(requests.some((r) => r.path === "/search/manifest.json") && requests.slice(0, before).length <= 1, "the manifest is loaded once, when the field gets focus");
  console.log(`  first query settled ${Date.now() - t0} ms after the first keystroke (typing included)`);

  console.log("ranking: title > names > summary > body; whole bodies");
  check(JSON.stringify(titles(first)) === JSON.stringify(["Der Zeppelin kommt zurück", "Luftschiffe heute", "Himmel über Friedrichshafen", "Ein langer Bericht"]), `order: ${titles(first).join(" | ")}`);
  const deep = first.find((r) => r.title === "Ein langer Bericht");
  check(deep && /Zeppelin im Hangar/.test(deep.snippet), `a word 2,000 characters into a body is found and its snippet shows it: "${deep?.snippet.slice(0, 80)}"`);
  check(deep && deep.marks.includes("Zeppelin"), `the match in the snippet is marked: ${JSON.stringify(deep?.marks)}`);
  check(first[0].marks.includes("Zeppelin"), "the match in a title is marked");

  console.log("folding, digraphs, prefixes");
  for (const q of ["FÜHRUNG", "fuehrung", "fuhrung", "Führung", "führ", "fuhr", "augenh"]) {
    const rs = await search(q);
    check(titles(rs)[0] === "Führung auf Augenhöhe", `"${q}" finds "Führung auf Augenhöhe" first (${titles(rs).join(" | ")})`);
  }
  check((await search("fu")).length === 0, "two letters match whole words only");

  console.log("compound parts");
  const kultur = await search("kultur");
  check(titles(kultur).includes("Unternehmenskultur im Wandel"), `"kultur" finds "Unternehmenskultur im Wandel" (${titles(kultur).join(" | ")})`);
  const uk = kultur.find((r) => r.title === "Unternehmenskultur im Wandel");
  check(uk && uk.marks.includes("Unternehmenskultur"), `the compound is marked in the title: ${JSON.stringify(uk?.marks)}`);
  check(titles(await search("wandel")).includes("Unternehmenskultur im Wandel"), "a plain second word still matches");

  console.log("typos (one, words of five letters or more)");
  for (const [q, want] of [["zepelin", "Der Zeppelin kommt zurück"], ["zeppeiln", "Der Zeppelin kommt zurück"], ["kultr", "Unternehmenskultur im Wandel"], ["augenhohr", "Führung auf Augenhöhe"]]) {
    const rs = await search(q);
    check(titles(rs).includes(want), `"${q}" finds "${want}" (${rs.length} results)`);
  }
  check((await search("zxpxlin")).length === 0, `two typos find nothing`);

  console.log("typos in the first three letters (another term shard, found by the typo key)");
  const m = await page.evaluate(() => fetch("/search/manifest.json").then((r) => r.json()));
  check(m.termShards >= 4, `the fixture has ${m.termShards} term shards (the glossary makes room for a typo to change the shard)`);
  for (const [q, want] of [["fhrung", "Führung auf Augenhöhe"], ["ufhrung", "Führung auf Augenhöhe"], ["furhung", "Führung auf Augenhöhe"], ["zpepelin", "Der Zeppelin kommt zurück"], ["ultur", "Unternehmenskultur im Wandel"]]) {
    const { rs, got } = await fresh(q);
    check(titles(rs).includes(want), `"${q}" finds "${want}" (${titles(rs).slice(0, 3).join(" | ")})`);
    check(got.some((p) => p.startsWith("/search/typos/")) && got.length <= 4, `"${q}": ${got.length} requests (${got.join(", ")})`);
  }
  check((await search("xyhrung")).length === 0, "two typos in the first letters find nothing");

  console.log("several words and filters: four requests at most, no document shard");
  for (const q of ["kultur wandel", "notiz wasser", "zeppelin hangar"]) {
    const { rs, got } = await fresh(q);
    check(rs.length > 0 && got.length <= 4 && !got.some((p) => p.startsWith("/search/docs/")), `"${q}": ${rs.length} results, ${got.length} requests (${got.join(", ")})`);
  }
  check(titles(await search("kultur wandel"))[0] === "Unternehmenskultur im Wandel", "both words in the title rank first");
  await page.goto(`${args.site}/search/`);

  console.log("filters: kind, channel, author, language");
  await search("kultur");
  let rs = await filter("kind", "Empfohlen von außen");
  check(rs.length > 0 && rs.every((r) => /badge--link/.test(r.badge)), `kind=link: ${titles(rs).join(" | ")}`);
  await filter("kind", null);
  rs = await filter("lang", "en");
  check(rs.length > 0 && rs.every((r) => r.lang === "en"), `language=en: ${titles(rs).join(" | ")}`);
  await filter("lang", null);
  let at = requests.length;
  rs = await filter("author", "Bernd Beta");
  check(rs.length > 0 && rs.every((r) => /Bernd Beta/.test(r.meta)), `author=Bernd Beta: ${titles(rs).join(" | ")}`);
  const got = requests.slice(at).map((r) => r.path);
  check(got.length === 1 && /^\/search\/facets\/\d+\.json$/.test(got[0]), `a filter costs one facet file (${got.join(", ")})`);
  await filter("author", null);
  await search("notiz");
  rs = await filter("channel", "Kultur & Wandel");
  check(rs.length === 6 && rs.every((r) => /Kultur & Wandel/.test(r.kicker)), `channel=Kultur & Wandel: ${rs.length} of 12 notes`);
  await filter("channel", null);

  console.log("snippets are text");
  rs = await search("sturmwarnung");
  check(rs.length > 0 && rs.some((r) => r.title.includes("<b>Sturmwarnung</b>")), `a title with markup is shown as text: ${titles(rs).join(" | ")}`);
  check(rs.some((r) => r.snippet.includes("<b>Sturmwarnung</b>")), `a snippet with markup is shown as text: "${rs[0]?.snippet}"`);
  check((await page.$$("#search-results b, #search-results i, #search-results script")).length === 0, "no element from content inside the results");
  check(await page.$$eval("#search-results mark", (ms) => ms.length > 0 && ms.every((m) => m.childElementCount === 0)), "marks hold text only");

  console.log("live region and keyboard");
  rs = await search("notiz");
  check(rs.length === 10, `one page of 10 results shown (${rs.length})`);
  const status = await page.$eval("#search-status", (s) => [s.getAttribute("role"), s.textContent]);
  check(status[0] === "status" && /12/.test(status[1]), `the status region says "${status[1]}"`);
  check(await page.$eval("#search-results", (l) => !l.hasAttribute("aria-live")), "the list itself is not a live region");
  const marker = await page.evaluate(() => (window.__marker = Math.random()));
  await page.press("#search-input", "Enter");
  await page.waitForTimeout(200);
  check((await page.evaluate(() => window.__marker)) === marker, "Enter searches without reloading the page");
  check(await page.evaluate(() => document.activeElement?.id === "search-input"), "focus stays in the field");
  await page.focus(".search-more");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length === 12);
  check(true, `"More results" by keyboard shows all 12`);
  await page.focus("#search-input");
  await page.keyboard.press("Tab");
  const next = await page.evaluate(() => document.activeElement?.tagName + " " + (document.activeElement?.id || document.activeElement?.textContent));
  check(/BUTTON|SELECT|A/.test(next), `Tab leaves the field for the next control (${next})`);

  console.log("?q= in the address");
  await page.goto(`${args.site}/search/?q=Unternehmenskultur`);
  await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length > 0);
  check((await titles(await results()))[0] === "Unternehmenskultur im Wandel", "?q= runs the search");

  check(problems.length === 0, `no console errors, dialogs, failed or foreign requests${problems.length ? "\n         " + problems.join("\n         ") : ""}`);
} finally {
  await browser.close();
}
if (failures) {
  console.error(`search.mjs: ${failures} check(s) failed`);
  process.exit(1);
}
console.log("search.mjs: all checks passed");
