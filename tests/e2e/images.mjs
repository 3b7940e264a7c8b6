// Responsive images in headless Chromium (SPEC §11): at 375 px the article
// page with photos downloads the small (480 px) variant of each photo, in
// the best modern format the site publishes (WebP, or AVIF when the site
// opts in), decodes it, and downloads none of the wider ones.
//
//   node images.mjs --site http://127.0.0.1:PORT --page /2025/06/slug/ [--format avif]
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
for (const k of ["site", "page"]) if (!args[k]) throw new Error(`--${k} is required`);
const fmt = args.format || "webp";
const small = new RegExp(`-(480|[1-4]\\d\\d)\\.${fmt}$`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
let failures = 0;
const check = (cond, msg) => {
  console.log(`  ${cond ? "ok  " : "FAIL"} ${msg}`);
  if (!cond) failures++;
};
try {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 1 });
  const media = [];
  page.on("requestfinished", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/_media/")) media.push(u.pathname);
  });
  await page.goto(args.site + args.page, { waitUntil: "load" });
  // Scroll through the page so lazy images load too.
  for (let y = 0; y < 20; y++) {
    await page.mouse.wheel(0, 800);
    await page.waitForTimeout(100);
  }
  await page.waitForLoadState("networkidle");
  const photos = await page.$$eval("article picture img", (imgs) =>
    imgs.map((i) => ({ src: i.currentSrc, w: i.naturalWidth, attrW: i.getAttribute("width"), attrH: i.getAttribute("height") })),
  );
  console.log(`  photos: ${JSON.stringify(photos)}\n  requests: ${media.join(", ")}`);
  check(photos.length >= 2, `the page shows photos (${photos.length})`);
  for (const p of photos) {
    check(small.test(new URL(p.src).pathname), `${p.src} is a small ${fmt} variant`);
    check(p.w > 0 && p.w <= 480, `${p.src} decoded (${p.w} px wide)`);
    check(p.attrW && p.attrH, `${p.src} has width and height`);
  }
  check(media.length > 0 && media.every((m) => small.test(m)), `only small ${fmt} variants were downloaded`);
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
