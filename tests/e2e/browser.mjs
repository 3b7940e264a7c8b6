// Browser checks of kurator's client-side search (see README.md).
//
//   node browser.mjs --example http://127.0.0.1:PORT --hostile http://127.0.0.1:PORT2
//
// Uses the system Chromium (CHROMIUM env var, default /usr/bin/chromium) through
// playwright-core; no browser is downloaded. Exits non-zero on the first failure.
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
for (const k of ["example", "hostile"]) if (!args[k]) throw new Error(`--${k} URL is required`);

const HOSTILE_TITLE = '</script><script>alert(1)</script> & "q" ]]> <b>bold</b>';
const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);
const TIMEOUT = 10_000;

let failures = 0;
function check(cond, msg) {
  if (cond) {
    console.log(`  ok   ${msg}`);
  } else {
    failures++;
    console.error(`  FAIL ${msg}`);
  }
}

// A page that records console errors, page errors, dialogs and foreign requests.
async function watchedPage(browser, label) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", async (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["data:", "blob:", "about:"].includes(u.protocol) && !LOCAL.has(u.hostname)) {
      problems.push(`request to another host: ${r.url()}`);
    }
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  return {
    page,
    async done() {
      check(problems.length === 0, `${label}: no console errors, dialogs, failed or foreign requests${problems.length ? "\n         " + problems.join("\n         ") : ""}`);
      await context.close();
    },
  };
}

// Types `query` into the empty search field and waits until a result title matches `re`.
// Returns ms from the last input event to the list mutation that showed the results.
async function typeAndWait(page, query, re) {
  await page.evaluate(() => {
    if (window.__t) return;
    window.__t = { input: 0, mutation: 0 };
    document.getElementById("search-input").addEventListener("input", () => (window.__t.input = performance.now()));
    new MutationObserver(() => (window.__t.mutation = performance.now())).observe(document.getElementById("search-results"), { childList: true });
  });
  await page.fill("#search-input", "");
  await page.click("#search-input");
  await page.keyboard.type(query);
  // Wait for the rendering that follows the last keystroke, then for a matching title.
  await page.waitForFunction(
    ([src, flags]) => window.__t.mutation > window.__t.input && [...document.querySelectorAll("#search-results > li a")].some((a) => new RegExp(src, flags).test(a.textContent)),
    [re.source, re.flags],
  );
  const t = await page.evaluate(() => window.__t);
  return t.mutation - t.input;
}

const resultTitles = (page) => page.$$eval("#search-results > li h2, #search-results > li a", (els) => [...new Set(els.map((e) => e.textContent))]);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

try {
  // ------------------------------------------------------------ example site
  console.log(`example site: ${args.example}/search/`);
  {
    const w = await watchedPage(browser, "example /search/");
    const { page } = w;
    await page.goto(`${args.example}/search/`);
    const marker = await page.evaluate(() => (window.__marker = Math.random()));
    const cold = await typeAndWait(page, "fuhrung", /Führung/);
    const titles = await resultTitles(page);
    check(titles.some((t) => /Führung/.test(t)), `"fuhrung" finds a title containing "Führung" (${titles.length} results)`);
    check(/Führung/.test(titles[0] || ""), `title hits rank first: "${titles[0]}"`);
    check(new URL(page.url()).searchParams.get("q") === "fuhrung", `URL updated with ?q=: ${page.url()}`);
    const lis = await page.$$eval("#search-results > li", (l) => l.length);
    check(lis > 0 && lis <= 20, `between 1 and 20 results shown (${lis})`);
    const badges = await page.$$eval("#search-results .badge", (b) => b.map((x) => x.textContent));
    check(badges.length === lis && badges.every(Boolean), `every result has a kind badge (${[...new Set(badges)].join(", ")})`);

    const warm = [];
    for (const [q, re] of [["fuehrung", /Führung/], ["Führung", /Führung/], ["krueger", /./], ["linkedin fuhrung", /LinkedIn/]]) {
      warm.push(await typeAndWait(page, q, re));
      const n = await page.$$eval("#search-results > li", (l) => l.length);
      check(n > 0, `"${q}" finds ${n} result(s)`);
    }
    console.log(`  latency (last keystroke -> results, incl. 100 ms debounce): cold ${cold.toFixed(1)} ms (includes index fetch on focus), warm ${warm.map((x) => x.toFixed(1)).join(" / ")} ms`);

    await page.fill("#search-input", "xyzzyquux");
    await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length === 0);
    const status = await page.textContent("#search-status");
    check(/Keine Treffer|No results/.test(status || ""), `no-results message shown: "${status}"`);

    await page.fill("#search-input", "fuhrung");
    await page.press("#search-input", "Enter");
    await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length > 0);
    check((await page.evaluate(() => window.__marker)) === marker, "Enter runs the search without reloading the page");
    check(await page.evaluate(() => document.activeElement?.id === "search-input"), "focus stays in the search field");
    await w.done();
  }
  {
    const w = await watchedPage(browser, "example /search/?q=");
    const { page } = w;
    await page.goto(`${args.example}/search/?q=F%C3%BChrung%20linkedin`);
    await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length > 0);
    check((await page.inputValue("#search-input")) === "Führung linkedin", "?q= prefills the field");
    const titles = await resultTitles(page);
    check(titles.length > 0, `?q= runs the search (${titles.length} results, first "${titles[0]}")`);
    await w.done();
  }

  // ------------------------------------------------------------ hostile site
  console.log(`hostile site: ${args.hostile}/search/`);
  {
    const w = await watchedPage(browser, "hostile /search/");
    const { page } = w;
    await page.goto(`${args.hostile}/search/`);
    await typeAndWait(page, "script", /alert\(1\)/);
    const texts = await page.$$eval("#search-results > li", (l) => l.map((x) => x.textContent));
    check(texts.some((t) => t.includes(HOSTILE_TITLE)), "hostile title is shown verbatim as text");
    check(texts.some((t) => t.includes("</script>")), "a result's textContent contains </script>");
    check((await page.$$("b")).length === 0, "no <b> element anywhere on the page");
    check((await page.$$("#search-results script, #search-results img, #search-results i")).length === 0, "no markup from content inside the results");
    const hrefs = await page.$$eval("#search-results a", (a) => a.map((x) => x.getAttribute("href")));
    check(hrefs.every((h) => /^\/(?![/\\])/.test(h)), `result links are site paths: ${hrefs.join(" ")}`);
    await page.waitForTimeout(300); // give any injected script time to raise a dialog
    await w.done();
  }
  // Every page the hostile site lists in its sitemap, opened in the browser.
  const sitemap = await (await fetch(`${args.hostile}/sitemap.xml`)).text();
  const paths = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  check(paths.length > 5, `hostile sitemap lists ${paths.length} pages`);
  for (const path of paths) {
    const w = await watchedPage(browser, `hostile ${path}`);
    const res = await w.page.goto(`${args.hostile}${path}`);
    check(res.ok(), `hostile ${path} loads (HTTP ${res.status()})`);
    check((await w.page.$$("b")).length === 0, `hostile ${path}: no <b> element`);
    await w.page.waitForTimeout(100);
    await w.done();
  }
} finally {
  await browser.close();
}

if (failures) {
  console.error(`browser.mjs: ${failures} check(s) failed`);
  process.exit(1);
}
console.log("browser.mjs: all checks passed");
