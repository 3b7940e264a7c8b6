// First-query measurements in headless Chromium, for bench/search.py.
//
//   node bench/search_browser.mjs --url http://127.0.0.1:PORT --page /search/ \
//        --engine kurator|pagefind --queries '["kultur", ...]' --runs 3
//
// Per query and run: a fresh browser context (empty cache) opens the page,
// focuses the field (kurator loads its manifest, the Pagefind page calls
// pagefind.init()), waits until the network is idle, then types the query.
// Reported per run: ms from the last keystroke's input event to the result
// list's last change, and the requests and bytes on the wire (encoded, i.e.
// gzip as the server sent it) after the first keystroke and in total.
// Prints one JSON line per run. Needs playwright-core (tests/e2e/node_modules).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(fileURLToPath(new URL("../tests/e2e/", import.meta.url)));
const { chromium } = require("playwright-core");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const queries = JSON.parse(args.queries);
const runs = +(args.runs || 3);
const list = args.engine === "pagefind" ? "#pf-results" : "#search-results";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

// The search's own files: its script and index (not the page, CSS, fonts).
const searchFile = (r) => /^\/(search\/.+\.json|js\/search\.js|pagefind\/)/.test(r.url);

async function once(q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const seen = [];
  page.on("requestfinished", async (r) => {
    const s = await r.sizes().catch(() => null);
    seen.push({ url: new URL(r.url()).pathname, at: Date.now(), bytes: s ? s.responseBodySize + s.responseHeadersSize : 0, body: s ? s.responseBodySize : 0 });
  });
  await page.goto(args.url + args.page, { waitUntil: "load" });
  await page.evaluate(() => {
    window.__t = { input: 0, mutation: 0 };
    document.querySelector("input").addEventListener("input", () => (window.__t.input = performance.now()));
    // The result list, the count and "no results" all change the body.
    new MutationObserver(() => (window.__t.mutation = performance.now())).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await page.focus("input");
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(300);
  const mark = Date.now();
  const before = seen.length;
  await page.keyboard.type(q);
  // Results are in once the page shows the answer to the whole query and
  // then stays the same for 400 ms (documents load after the term shards).
  await page.waitForFunction(([engine, q]) => {
    if (!(window.__t.mutation > window.__t.input)) return false;
    if (engine === "pagefind") return document.getElementById("pf-results").dataset.q === q;
    return new URL(location.href).searchParams.get("q") === q && document.getElementById("search-status").textContent !== "";
  }, [args.engine, q]);
  let last = -1;
  for (;;) {
    await page.waitForTimeout(400);
    const m = await page.evaluate(() => window.__t.mutation);
    if (m === last) break;
    last = m;
  }
  await page.waitForLoadState("networkidle");
  const t = await page.evaluate(() => window.__t);
  const shown = await page.$$eval(`${list} > li`, (l) => l.length);
  // The browser's own favicon request is no part of either search.
  const after = seen.slice(before).filter((r) => r.at >= mark && r.url !== "/favicon.svg" && r.url !== "/favicon.ico");
  const sum = (xs) => xs.reduce((n, r) => n + r.bytes, 0);
  await context.close();
  return {
    engine: args.engine, query: q, ms: +(t.mutation - t.input).toFixed(1), shown,
    requests_after: after.length, bytes_after: sum(after),
    requests_total: seen.filter(searchFile).length,
    bytes_total: sum(seen.filter(searchFile)),
    files: after.map((r) => r.url),
  };
}

try {
  for (const q of queries) for (let i = 0; i < runs; i++) console.log(JSON.stringify(await once(q)));
} finally {
  await browser.close();
}
