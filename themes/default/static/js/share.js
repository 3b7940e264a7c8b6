// Share buttons of article and link pages (SPEC §12). The plain share links
// work without this script; it adds what needs JavaScript: copying the link
// or the suggested text, and Mastodon, whose share page lives on the
// reader's own instance — asked once, then remembered in localStorage.
// Nothing is requested from another host until the reader clicks.
(() => {
  "use strict";
  const box = document.querySelector(".share");
  if (!box) return;
  const d = box.dataset;
  const status = box.querySelector(".share-status");
  const KEY = "kurator.mastodon";
  const say = (msg) => {
    // Emptied first, so the same message is announced again on a second click.
    status.textContent = "";
    setTimeout(() => { status.textContent = msg; }, 30);
  };
  const fallbackCopy = (text) => {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand && document.execCommand("copy");
    area.remove();
    return ok;
  };
  const copy = async (text) => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else if (!fallbackCopy(text)) {
        throw new Error("no clipboard");
      }
      say(d.copied);
    } catch {
      say(d.failed);
    }
  };
  const store = {
    get: () => { try { return localStorage.getItem(KEY); } catch { return null; } },
    set: (v) => { try { localStorage.setItem(KEY, v); } catch { /* private mode: ask again next time */ } },
  };
  // Only a host name (with an optional port) is accepted, so a typed URL or
  // anything else can never turn into a javascript: or relative link.
  const hostOf = (input) => {
    const host = (input || "").trim().replace(/^https?:\/\//i, "").replace(/[/?#].*$/, "").replace(/^@?[^@]*@/, "");
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?$/i.test(host) ? host.toLowerCase() : null;
  };
  const instance = () => {
    const known = hostOf(store.get());
    if (known) return known;
    const host = hostOf(window.prompt(d.prompt, ""));
    if (host) store.set(host);
    return host;
  };
  for (const el of box.querySelectorAll("[hidden]")) el.hidden = false;
  box.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-share]");
    if (!button) return;
    const what = button.dataset.share;
    if (what === "copy") copy(d.url);
    else if (what === "copy-text") copy(d.post);
    else if (what === "mastodon") {
      const host = instance();
      if (host) window.location.assign(`https://${host}/share?text=${encodeURIComponent(d.post)}`);
    }
  });
})();
