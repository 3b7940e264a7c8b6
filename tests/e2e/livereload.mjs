// Live reload of `kurator serve` in headless Chromium (see README.md).
//
//   node livereload.mjs [--binary target/debug/kurator] [--site example-site]
//
// Copies the site to a temporary folder, starts the real `kurator serve COPY
// --port 0`, opens an article and then, without ever reloading the tab itself:
//   1. edits the article's title and a sentence of its body: the tab shows both
//      (and was reloaded by live.js: a mark left on `window` is gone);
//   2. breaks the article's front matter: the error overlay appears in the tab,
//      naming the file and line; fixing it makes the page recover by itself;
//   3. changes only static/css/custom.css: the stylesheet is swapped in place
//      (the mark survives, the computed style changes).
// No console error, page error or failed request is allowed on the way.
// Exits non-zero on the first failure; the server and the copy are removed on exit.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const binary = path.resolve(root, args.binary ?? "target/debug/kurator");
const source = path.resolve(root, args.site ?? "example-site");
// The article under test: its source file and the URL it is served at.
const ARTICLE = "articles/2023/2023-02-14-warum-dieser-hub.md";
const ARTICLE_URL = "/2023/02/warum-dieser-hub/";
const CUSTOM_CSS = "static/css/custom.css";
const START_TIMEOUT = 120_000; // the first build of a debug binary on a busy machine
const TIMEOUT = 20_000; // one edit until the tab shows it

const log = (...m) => console.log(...m);
class Failure extends Error {}
function check(cond, msg) {
  if (!cond) throw new Failure(msg);
  log(`  ok   ${msg}`);
}

// ---------------------------------------------------------------- the server
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kurator-livereload-"));
const site = path.join(work, "site");
fs.cpSync(source, site, { recursive: true });
// custom.css must exist from the start: creating it adds a <link> to every
// page, which is a page change (a reload), not a stylesheet swap.
fs.mkdirSync(path.join(site, path.dirname(CUSTOM_CSS)), { recursive: true });
const css = (color) => `/* livereload.mjs */\nh1.entry-title { outline: 1px solid ${color}; }\n`;
fs.writeFileSync(path.join(site, CUSTOM_CSS), css("rgb(1, 2, 3)"));

let server;
let serverLog = "";
let browser;
function cleanup() {
  if (server && server.exitCode === null) server.kill("SIGTERM");
  fs.rmSync(work, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(binary, ["serve", site, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => reject(new Failure(`no "Serving at" line within ${START_TIMEOUT} ms\n${serverLog}`)), START_TIMEOUT);
    const onData = (chunk) => {
      serverLog += chunk;
      const m = serverLog.match(/Serving at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("error", (e) => reject(new Failure(`cannot start ${binary}: ${e.message}`)));
    server.on("exit", (code, sig) => {
      clearTimeout(timer);
      reject(new Failure(`kurator serve exited (${code ?? sig})\n${serverLog}`));
    });
  });
}

// ---------------------------------------------------------------- the page
// Polls `fn(arg)` in the page until it returns a truthy value. Survives the
// navigations live.js causes (evaluate fails while a page is being replaced).
async function waitFor(page, what, fn, arg, timeout = TIMEOUT) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await page.evaluate(fn, arg);
      if (last) return last;
    } catch (e) {
      last = e.message.split("\n")[0];
    }
    if (Date.now() > until) throw new Failure(`${what}: not within ${timeout} ms (last: ${JSON.stringify(last)})\n--- server log\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const articleFile = path.join(site, ARTICLE);
const original = fs.readFileSync(articleFile, "utf8");
// Writes the article with `title` and a probe sentence at the start of the body.
function writeArticle({ title, sentence, breakFrontMatter = false }) {
  let text = original.replace(/^title: .*$/m, breakFrontMatter ? `title: ${title}: [unclosed` : `title: ${title}`);
  text = text.replace(/^---\n([\s\S]*?)\n---\n/, (fm) => `${fm}${sentence}\n`);
  if (text === original) throw new Error("the article edit changed nothing");
  fs.writeFileSync(articleFile, text);
  return Date.now();
}

const problems = [];
let navigations = 0; // main-frame navigations: reloads done by live.js
let lastNavigation = 0;
let lastStream = 0; // when the newest event stream was opened

async function main() {
  const base = await startServer();
  log(`kurator serve at ${base}: ${serverLog.match(/Built .*/)?.[0] ?? "?"}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  // A reload aborts the requests of the page it replaces (its event stream,
  // lazy images); only other failures count.
  page.on("requestfailed", (r) => {
    const err = r.failure()?.errorText ?? "";
    if (!err.includes("ERR_ABORTED")) problems.push(`request failed: ${r.url()} ${err}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    if (new URL(r.url()).pathname === "/__kurator/events") lastStream = Date.now();
  });
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) {
      navigations++;
      lastNavigation = Date.now();
    }
  });
  // Waits until the page shown now has its event stream open, so that an
  // event sent from here on reaches it (and marks the window).
  // A second reload from the server may still arrive while marking (a full
  // rebuild sends one after its first pass and one at the end): then wait
  // for that page's stream and mark again.
  const settle = async () => {
    const until = Date.now() + TIMEOUT;
    for (;;) {
      while (!(lastStream >= lastNavigation && lastNavigation > 0)) {
        if (Date.now() > until) throw new Failure("the page opened no event stream (/__kurator/events)");
        await new Promise((r) => setTimeout(r, 25));
      }
      try {
        await page.waitForLoadState("load");
        await page.evaluate(() => (window.__marker = 1));
        // A rebuild's last reload can follow its first within a few hundred
        // ms (serve debounces a single file for 20 ms): settled means quiet.
        const seen = navigations;
        await new Promise((r) => setTimeout(r, 400));
        if (navigations !== seen) continue;
        return navigations;
      } catch (e) {
        if (!/context was destroyed|navigat/i.test(String(e)) || Date.now() > until) throw e;
      }
    }
  };
  const marked = () => page.evaluate(() => window.__marker === 1).catch(() => false);

  await page.goto(base + ARTICLE_URL);
  check((await page.textContent("h1.entry-title")).includes("Warum wir unseren Unternehmensblog abschaffen"), "the article is served");
  check((await page.locator('script[src="/__kurator/live.js"]').count()) === 1, "live.js is injected into the page");

  // 1. title and body edit
  let before = await settle();
  const stamp = Date.now().toString(36);
  const title1 = `Live-Reload-Titel ${stamp}`;
  const sentence1 = `Dieser Satz kam per Live-Reload ${stamp}.`;
  let t0 = writeArticle({ title: title1, sentence: sentence1 });
  await waitFor(
    page,
    "the edited title and sentence show in the open tab",
    ([t, s]) => document.querySelector("h1.entry-title")?.textContent.includes(t) && document.body.innerText.includes(s),
    [title1, sentence1],
  );
  const editMs = Date.now() - t0;
  check(true, `edited title and body sentence shown ${editMs} ms after the write`);
  check(!(await marked()) && navigations > before, "the tab was reloaded by the server (mark gone), not by the test");
  // A read of document.title can land in the second reload's document
  // before its <title> is parsed (""), so wait for it like for the h1.
  await waitFor(page, "the document title follows the edit", (t) => document.title.includes(t), title1);
  check(true, "the document title follows the edit");
  const reloadsPerEdit = navigations - before;

  // 2. broken front matter → overlay with file:line → fixed → recovers
  before = await settle();
  t0 = writeArticle({ title: title1, sentence: sentence1, breakFrontMatter: true });
  const overlayText = await waitFor(page, "the error overlay appears", () => document.getElementById("kurator-errors")?.innerText);
  const overlayMs = Date.now() - t0;
  check(true, `error overlay shown ${overlayMs} ms after the write`);
  check(overlayText.includes(`${ARTICLE}:2`), `the overlay names the file and line (${ARTICLE}:2…)`);
  check((await page.getAttribute("#kurator-errors", "role")) === "alert", "the overlay has role=alert");
  check((await page.textContent("h1.entry-title")).includes(title1), "the last good build is still shown under the overlay");
  check(!(await marked()), "the overlay came with a reload by the server");

  before = await settle();
  const title2 = `Wieder heil ${stamp}`;
  t0 = writeArticle({ title: title2, sentence: sentence1 });
  await waitFor(
    page,
    "the page recovers after the fix",
    (t) => !document.getElementById("kurator-errors") && document.querySelector("h1.entry-title")?.textContent.includes(t),
    title2,
  );
  const recoverMs = Date.now() - t0;
  check(true, `page recovered (overlay gone, fixed title shown) ${recoverMs} ms after the fix`);
  check(!(await marked()), "the recovery came with a reload by the server");

  // 3. stylesheet only → swapped without a reload
  before = await settle();
  const outline = () => page.evaluate(() => getComputedStyle(document.querySelector("h1.entry-title")).outlineColor);
  check((await outline()) === "rgb(1, 2, 3)", "custom.css applies (outline rgb(1, 2, 3))");
  t0 = Date.now();
  fs.writeFileSync(path.join(site, CUSTOM_CSS), css("rgb(4, 5, 6)"));
  await waitFor(page, "the changed stylesheet applies", () => getComputedStyle(document.querySelector("h1.entry-title")).outlineColor === "rgb(4, 5, 6)");
  const cssMs = Date.now() - t0;
  check(true, `changed custom.css applied ${cssMs} ms after the write`);
  check((await marked()) && navigations === before, "the stylesheet was swapped without reloading the page (mark kept)");
  const hrefs = await page.$$eval('link[rel~="stylesheet"]', (ls) => ls.map((l) => l.getAttribute("href")));
  check(hrefs.every((h) => /[?&]kurator=\d+/.test(h)), `every stylesheet link was re-requested (${hrefs.join(", ")})`);

  check(problems.length === 0, `no console errors, page errors or failed requests${problems.length ? "\n         " + problems.join("\n         ") : ""}`);
  check(server.exitCode === null, "the server is still running");
  log(`live reload: edit ${editMs} ms, overlay ${overlayMs} ms, recovery ${recoverMs} ms, css swap ${cssMs} ms (write → visible in the tab); ${reloadsPerEdit} reload(s) for the first edit`);
}

try {
  await main();
  log("livereload.mjs: all checks passed");
} catch (e) {
  console.error(`  FAIL ${e instanceof Failure ? e.message : e.stack}`);
  if (!(e instanceof Failure)) console.error(`--- server log\n${serverLog}`);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  cleanup();
}
