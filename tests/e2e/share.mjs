// Share links and share cards in headless Chromium (SPEC §12, see README.md).
//
//   node share.mjs --site http://127.0.0.1:PORT
//
// On an article with a suggested text: no request leaves the host before a
// click (the card image included, which is same-origin), the share links are
// keyboard-reachable plain links, the copy buttons copy link and text, the
// Mastodon button asks for the instance once, remembers it in localStorage
// and goes to that instance's share page; without JavaScript the plain links
// are there and the script-only buttons stay hidden. Exits non-zero on failure.
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
if (!args.site) throw new Error("--site URL is required");
const PATH = "/2025/06/anerkennung-fuer-markenbotschafter/";
const LOCAL = new Set(["127.0.0.1", "localhost", "[::1]"]);

let failures = 0;
function check(cond, msg) {
  if (cond) console.log(`  ok   ${msg}`);
  else {
    failures++;
    console.error(`  FAIL ${msg}`);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const origin = new URL(args.site).origin;
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const foreign = [];
  const problems = [];
  // Foreign navigations are recorded and answered locally, so the test never
  // reaches the network even after a click.
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (LOCAL.has(u.hostname)) return route.continue();
    foreign.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "text/html", body: "<title>stub</title>" });
  });
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

  await page.goto(args.site + PATH, { waitUntil: "networkidle" });
  check(foreign.length === 0, `no request to another host before a click${foreign.length ? ": " + foreign.join(", ") : ""}`);
  const og = await page.getAttribute('meta[property="og:image"]', "content");
  check(/\/cards\/2025-06-anerkennung-fuer-markenbotschafter\.png$/.test(og || ""), `og:image is the card (${og})`);
  const card = await page.request.get(args.site + new URL(og).pathname);
  const bytes = await card.body();
  check(card.status() === 200 && bytes.subarray(1, 4).toString() === "PNG", "the card is served as a PNG");

  // Keyboard: Tab reaches every share control.
  const controls = await page.$$eval(".share a, .share button", (els) => els.map((e) => e.textContent.trim()));
  check(controls.length >= 6, `share controls: ${controls.join(", ")}`);
  const reached = new Set();
  for (let i = 0; i < 200 && reached.size < controls.length; i++) {
    await page.keyboard.press("Tab");
    const t = await page.evaluate(() => (document.activeElement.closest(".share") ? document.activeElement.textContent.trim() : null));
    if (t) reached.add(t);
  }
  check(reached.size === controls.length, `every share control is reachable with Tab (${reached.size}/${controls.length})`);

  // Copy link and copy text.
  await page.click('button[data-share="copy"]');
  await page.waitForFunction(() => document.querySelector(".share-status").textContent.length > 0);
  const link = await page.evaluate(() => navigator.clipboard.readText());
  check(link === args_url(), `copy link copies the page URL (${link})`);
  function args_url() {
    return "https://hub.nordlicht.example" + PATH;
  }
  await page.click('button[data-share="copy-text"]');
  await page.waitForTimeout(100);
  const text = await page.evaluate(() => navigator.clipboard.readText());
  check(text.includes("(Ich arbeite bei Nordlicht.)") && text.includes("#Markenbotschafter") && text.endsWith(args_url()), "copy text copies text, signature, hashtags and URL");

  // Mastodon: asks once, remembers, goes to the instance's share page.
  let prompts = 0;
  page.on("dialog", async (d) => {
    prompts++;
    await d.accept("https://social.example.org/@someone");
  });
  await Promise.all([page.waitForURL(/social\.example\.org/), page.click('button[data-share="mastodon"]')]);
  const target = new URL(page.url());
  check(target.host === "social.example.org" && target.pathname === "/share", `Mastodon goes to the reader's instance (${target.origin}${target.pathname})`);
  check((target.searchParams.get("text") || "").includes("Ich arbeite bei Nordlicht."), "Mastodon is pre-filled with the suggested text");
  await page.goto(args.site + PATH, { waitUntil: "networkidle" });
  check((await page.evaluate(() => localStorage.getItem("kurator.mastodon"))) === "social.example.org", "the instance is remembered in localStorage");
  await Promise.all([page.waitForURL(/social\.example\.org/), page.click('button[data-share="mastodon"]')]);
  check(prompts === 1, `the instance is asked only once (${prompts} prompts)`);
  check(problems.length === 0, `no console or page errors${problems.length ? ": " + problems.join("; ") : ""}`);
  await context.close();

  // Without JavaScript: plain links work, script-only buttons stay hidden.
  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await nojs.newPage();
  await p2.goto(args.site + PATH);
  const visible = await p2.$$eval(".share a, .share button", (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.getAttribute("data-share") || (e.href.startsWith("mailto:") ? "mailto" : new URL(e.href).hostname)));
  check(JSON.stringify(visible) === JSON.stringify(["www.linkedin.com", "www.xing.com", "bsky.app", "mailto"]), `without JavaScript: plain links only (${visible.join(", ")})`);
  const bsky = await p2.getAttribute('.share a[href^="https://bsky.app/"]', "href");
  check(bsky.startsWith("https://bsky.app/intent/compose?text=") && decodeURIComponent(bsky).includes("#EmployerBranding"), "Bluesky link is pre-filled with the text");
  await nojs.close();
} finally {
  await browser.close();
}
if (failures) {
  console.error(`share.mjs: ${failures} check(s) failed`);
  process.exit(1);
}
console.log("share.mjs: all checks passed");
