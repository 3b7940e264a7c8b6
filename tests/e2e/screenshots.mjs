// Viewport screenshots of a served kurator site (see README.md; run through
// screenshots.sh, which builds and serves the example site).
//
//   node screenshots.mjs --site http://127.0.0.1:PORT --out DIR [--prefix NAME-]
//                        [--pages hub=/,channel=/channels/x/,...]
//                        [--widths 375,1280] [--schemes light,dark]
//
// Writes DIR/<prefix><page>-<width>-<scheme>.png for every combination.
// Viewport-sized (not full-page) so the files stay small enough to commit.
// Fails when a page does not load or logs an error.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
for (const k of ["site", "out"]) if (!args[k]) throw new Error(`--${k} is required`);

// The example site's pages that show each page type at its richest: a channel
// with curators and a featured item, an article with two authors, disclosure
// and replies, a curated link with quote and commentary, an author with a bio.
const DEFAULT_PAGES = "hub=/,channel=/channels/fuehrung-kultur/,article=/2024/02/fuehrung-auf-linkedin/,link=/links/sichtbare-fuehrung/,author=/authors/jana-voss/";
const pages = (args.pages || DEFAULT_PAGES).split(",").map((p) => p.split("="));
const widths = (args.widths || "375,1280").split(",").map(Number);
const schemes = (args.schemes || "light,dark").split(",");
const HEIGHT = { 375: 740 };
const prefix = args.prefix || "";

mkdirSync(args.out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
let failures = 0;
try {
  for (const width of widths) {
    for (const scheme of schemes) {
      const context = await browser.newContext({ viewport: { width, height: HEIGHT[width] || 800 }, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const errors = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      for (const [name, path] of pages) {
        const res = await page.goto(`${args.site}${path}`, { waitUntil: "load" });
        const file = join(args.out, `${prefix}${name}-${width}-${scheme}.png`);
        if (!res.ok() || errors.length) {
          failures++;
          console.error(`  FAIL ${path} (HTTP ${res.status()}) ${errors.join("; ")}`);
          errors.length = 0;
          continue;
        }
        await page.screenshot({ path: file });
        console.log(`  wrote ${file}`);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
if (failures) process.exit(1);
