// Accessibility, layout, isolation and weight checks of a built kurator site in
// headless Chromium (see README.md, step 4).
//
//   node a11y.mjs --site http://127.0.0.1:PORT --dir path/to/built/site [--label example]
//                 [--css-budget KB]   default 20
//
// Picks pages from the built folder by their `<body class="kind-…">`: for every
// page kind the largest and the smallest page (most and least content), plus the
// 404 page, a `/page/2/` page and a page in a language other than the site's.
// Each page is loaded once and checked at 375 px and 1280 px in light and dark
// colour scheme:
//   - axe-core (every rule axe enables by default: WCAG 2.x A/AA and best
//     practices) reports no violation;
//   - exactly one <h1>; no horizontal scroll at 375 px (and 320 px); every
//     avatar has width and height; every image has an alt attribute;
//   - no console error, page error, failed request, HTTP error or request to
//     another host.
// Keyboard: the first Tab focuses the visible skip link, focus has an outline,
// and the search field is reachable with Tab and searches on typing.
// Budgets: the theme's CSS (every stylesheet the hub links, except the
// generated /css/highlight.css that only pages with code load) < 20 KB; every
// article and curated-link page (HTML + CSS + JS it references, images
// excluded) < 60 KB.
// Prints a table of page weights. Exits non-zero on any failure.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
for (const k of ["site", "dir"]) if (!args[k]) throw new Error(`--${k} is required`);
const label = args.label || "site";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);
const TIMEOUT = 15_000;
const WIDTHS = [375, 1280];
const SCHEMES = ["light", "dark"];
const CSS_BUDGET = Number(args["css-budget"] || 20) * 1024;
const ITEM_PAGE_BUDGET = 60 * 1024;

let failures = 0;
function check(cond, msg, detail = "") {
  if (cond) {
    console.log(`  ok   ${msg}`);
  } else {
    failures++;
    console.error(`  FAIL ${msg}${detail ? "\n" + detail : ""}`);
  }
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// ------------------------------------------------------------ pick the pages
function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...htmlFiles(p));
    else if (name.endsWith(".html")) out.push(p);
  }
  return out;
}
const pages = htmlFiles(args.dir).map((file) => {
  const html = readFileSync(file, "utf8");
  let path = "/" + relative(args.dir, file).split(sep).join("/");
  path = path.replace(/(^|\/)index\.html$/, "$1");
  return {
    path,
    html,
    kind: html.match(/<body class="kind-([^" ]+)/)?.[1],
    lang: html.match(/<html lang="([^"]+)"/)?.[1],
  };
});
// Alias redirect pages carry no kind; they only forward to the canonical URL.
const themed = pages.filter((p) => p.kind).sort((a, b) => a.path.localeCompare(b.path));
const langCount = {};
for (const p of themed) langCount[p.lang] = (langCount[p.lang] || 0) + 1;
const siteLang = Object.entries(langCount).sort((a, b) => b[1] - a[1])[0]?.[0];

const chosen = new Map();
const choose = (p, why) => p && !chosen.has(p.path) && chosen.set(p.path, { ...p, why });
const byKind = {};
for (const p of themed) (byKind[p.kind] ||= []).push(p);
for (const [kind, list] of Object.entries(byKind).sort()) {
  const bySize = [...list].sort((a, b) => b.html.length - a.html.length || a.path.localeCompare(b.path));
  choose(bySize[0], `${kind}, largest`);
  choose(bySize[bySize.length - 1], `${kind}, smallest`);
}
choose(themed.find((p) => /\/page\/2\/$/.test(p.path)), "second page of a list");
choose(themed.find((p) => p.lang !== siteLang), `translation (${siteLang} site)`);
// Task-list checkboxes need an accessible name (axe rule `label`).
choose(themed.find((p) => p.html.includes('type="checkbox"')), "task list");
choose(themed.find((p) => p.html.includes('<section class="responses"')), "reader responses");
check(themed.length > 0 && chosen.size >= Object.keys(byKind).length, `${label}: ${chosen.size} pages picked from ${themed.length} (${Object.keys(byKind).length} kinds)`);

// ------------------------------------------------------------ the browser
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

// A page that records console errors, page errors, failed and foreign requests,
// and the bytes of every response by resource type.
async function watchedPage() {
  const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  const responses = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", async (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  // Aborted, not just recorded: a foreign request must not even leave the machine.
  await page.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (["data:", "blob:", "about:"].includes(u.protocol) || LOCAL.has(u.hostname)) return route.continue();
    problems.push(`request to another host: ${u.href}`);
    return route.abort();
  });
  // ERR_ABORTED is a request cut off by the next navigation (e.g. the favicon);
  // requests to other hosts are aborted above and recorded there.
  page.on("requestfailed", (r) => r.failure()?.errorText !== "net::ERR_ABORTED" && problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", async (r) => {
    const path = new URL(r.url()).pathname;
    // The 404 page is fetched on purpose under its real name; anything else >= 400 is a broken reference.
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    const body = await r.body().catch(() => null);
    if (body) responses.push({ path, type: r.request().resourceType(), bytes: body.length, gzip: gzipSync(body).length });
  });
  return { context, page, problems, responses };
}

// Runs axe on the current state of the page; returns readable violation lines.
async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`),
      count: v.nodes.length,
    }));
  });
  return result.map((v) => `    [${v.impact}] ${v.id} (${v.count}×): ${v.help}\n${v.nodes.map((n) => `        ${n}`).join("\n")}`);
}

const weights = [];
const axeTally = { runs: 0, violations: 0 };
try {
  for (const p of chosen.values()) {
    console.log(`${label} ${p.path}  (${p.why})`);
    const w = await watchedPage();
    const { page } = w;
    const res = await page.goto(`${args.site}${p.path}`, { waitUntil: "load" });
    check(res.status() === 200, `${p.path} loads (HTTP ${res.status()})`);
    const h1 = await page.$$eval("h1", (e) => e.length);
    check(h1 === 1, `${p.path}: exactly one <h1> (${h1})`);
    const avatars = await page.$$eval("img.avatar", (imgs) => imgs.filter((i) => !i.getAttribute("width") || !i.getAttribute("height")).length);
    check(avatars === 0, `${p.path}: every avatar has width and height`);
    const imgs = await page.$$eval("img", (imgs) => imgs.filter((i) => !i.hasAttribute("alt")).map((i) => i.src));
    check(imgs.length === 0, `${p.path}: every image has an alt attribute`, imgs.join("\n"));
    // The narrowest phone the theme is made for: layout only, axe runs below.
    await page.setViewportSize({ width: 320, height: 800 });
    const [sw320, cw320] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(sw320 <= cw320, `${p.path} @320px: no horizontal scroll (scrollWidth ${sw320}, clientWidth ${cw320})`);
    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) {
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme: scheme });
        const v = await axe(page);
        axeTally.runs++;
        axeTally.violations += v.length;
        check(v.length === 0, `${p.path} @${width}px ${scheme}: no axe violations`, v.join("\n"));
        if (width < 400) {
          const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
          check(sw <= cw, `${p.path} @${width}px ${scheme}: no horizontal scroll (scrollWidth ${sw}, clientWidth ${cw})`);
        }
      }
    }
    await page.waitForTimeout(50); // let late console errors arrive
    check(w.problems.length === 0, `${p.path}: no console errors, failed or foreign requests`, w.problems.map((x) => "    " + x).join("\n"));
    const sum = (types) => w.responses.filter((r) => types.includes(r.type));
    const add = (list, key) => list.reduce((n, r) => n + r[key], 0);
    const own = sum(["document", "stylesheet", "script"]);
    weights.push({
      path: p.path,
      kind: p.kind,
      html: add(sum(["document"]), "bytes"),
      css: add(sum(["stylesheet"]), "bytes"),
      js: add(sum(["script"]), "bytes"),
      total: add(own, "bytes"),
      gzip: add(own, "gzip"),
      other: add(w.responses.filter((r) => !["document", "stylesheet", "script"].includes(r.type)), "bytes"),
    });
    await w.context.close();
  }

  // ---------------------------------------------------------- keyboard
  console.log(`${label}: keyboard`);
  {
    const w = await watchedPage();
    const { page } = w;
    await page.goto(`${args.site}/`);
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      const s = getComputedStyle(a);
      return { cls: a.className, href: a.getAttribute("href"), visible: r.width > 1 && r.height > 1 && r.top >= 0 && r.left >= 0, outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 };
    });
    check(skip.cls.includes("skip-link") && skip.visible, `first Tab focuses the visible skip link (${skip.cls} ${skip.href})`);
    check(skip.outline, "the focused skip link has an outline of at least 2 px");
    await page.keyboard.press("Enter");
    check(await page.evaluate(() => location.hash === "#main"), "Enter on the skip link jumps to #main");
    await page.keyboard.press("Tab");
    const next = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return { inMain: !!a.closest("main"), tag: a.tagName, outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 };
    });
    check(next.inMain, `Tab after the skip link lands inside <main> (${next.tag})`);
    check(next.outline, "a focused link in <main> has a visible outline");

    await page.goto(`${args.site}/search/`);
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.id === "search-input");
    }
    check(reached, "the search field is reachable with Tab");
    if (reached) {
      // A word, not a letter: search matches terms of two letters or more (docs/search.md).
      await page.keyboard.type(args.query || "kultur");
      await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length > 0).catch(() => {});
      const n = await page.$$eval("#search-results > li", (l) => l.length);
      check(n > 0, `typing in the search field shows results (${n})`);
      const firstLink = await page.evaluate(() => {
        const a = document.querySelector("#search-results a");
        return a ? a.tabIndex >= 0 : false;
      });
      check(firstLink, "search results are focusable links");
    }
    check(w.problems.length === 0, "keyboard pages: no console errors, failed or foreign requests", w.problems.map((x) => "    " + x).join("\n"));
    await w.context.close();
  }
} finally {
  await browser.close();
}

// ------------------------------------------------------------ budgets
console.log(`${label}: budgets`);
const fileSize = (urlPath) => {
  try {
    return statSync(join(args.dir, decodeURIComponent(urlPath.split(/[?#]/)[0]))).size;
  } catch {
    return null;
  }
};
const stylesheets = (html) => [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
const hub = themed.find((p) => p.kind === "hub") || themed[0];
const themeSheets = stylesheets(hub.html).filter((s) => !s.startsWith("/css/highlight.css"));
const themeCss = themeSheets.reduce((n, s) => n + (fileSize(s) ?? 0), 0);
check(themeSheets.length > 0 && themeCss < CSS_BUDGET, `theme CSS (${themeSheets.join(" + ")}) is ${kb(themeCss)} (< ${kb(CSS_BUDGET)})`);
// Every article and curated-link page, not only the ones opened in the browser:
// HTML plus the stylesheets and scripts it references from this site.
const overBudget = [];
let heaviest = { path: "", total: 0 };
for (const p of themed.filter((p) => p.kind === "article" || p.kind === "link")) {
  const refs = [...stylesheets(p.html), ...[...p.html.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1])];
  const total = Buffer.byteLength(p.html) + refs.reduce((n, r) => n + (fileSize(r) ?? 0), 0);
  if (total > heaviest.total) heaviest = { path: p.path, total };
  if (total >= ITEM_PAGE_BUDGET) overBudget.push(`    ${p.path}: ${kb(total)}`);
}
check(overBudget.length === 0, `every article and link page weighs < ${kb(ITEM_PAGE_BUDGET)} without images (heaviest ${heaviest.path} ${kb(heaviest.total)})`, overBudget.join("\n"));

console.log(`\n${label}: page weights (bytes as served, uncompressed; gzip = what a compressing server sends)`);
console.log("  kind           HTML      CSS       JS     total    gzip   images etc.  path");
for (const r of weights) {
  const c = (n) => kb(n).padStart(9);
  console.log(`  ${r.kind.padEnd(13)}${c(r.html)}${c(r.css)}${c(r.js)}${c(r.total)}${c(r.gzip)}${c(r.other)}     ${r.path}`);
}
console.log(`\n${label}: axe-core ${createRequire(import.meta.url)("axe-core/package.json").version}: ${axeTally.runs} runs, ${axeTally.violations} violation(s)`);

if (failures) {
  console.error(`a11y.mjs (${label}): ${failures} check(s) failed`);
  process.exit(1);
}
console.log(`a11y.mjs (${label}): all checks passed`);
