// Share buttons (SPEC §12): copying; Mastodon on the reader's instance, asked once.
(() => {
  const box = document.querySelector(".share");
  if (!box) return;
  const d = box.dataset, st = box.querySelector(".share-status"), KEY = "kurator.mastodon";
  const text = box.querySelector(".share-text");
  const post = `${text ? text.textContent : d.text}\n\n${d.url}`;
  const say = (m) => { st.textContent = ""; setTimeout(() => { st.textContent = m; }, 30); };
  const copy = (t) => (navigator.clipboard ? navigator.clipboard.writeText(t) : Promise.reject()).then(() => say(d.copied), () => say(d.failed));
  // Host (and port) only: nothing typed becomes a javascript: or relative link.
  const host = (s) => {
    const h = (s || "").trim().replace(/^https?:\/\//i, "").replace(/[/?#].*$/, "").replace(/^.*@/, "");
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?$/i.test(h) ? h.toLowerCase() : null;
  };
  const store = (v) => { try { return v ? localStorage.setItem(KEY, v) : localStorage.getItem(KEY); } catch { return null; } };
  for (const el of box.querySelectorAll("[hidden]")) el.hidden = false;
  box.addEventListener("click", (e) => {
    const what = e.target.closest("button[data-share]")?.dataset.share;
    if (what === "copy") copy(d.url);
    else if (what === "copy-text") copy(post);
    else if (what === "mastodon") {
      let h = host(store());
      if (!h && (h = host(prompt(d.prompt, "")))) store(h);
      if (h) location.assign(`https://${h}/share?text=${encodeURIComponent(post)}`);
    }
  });
})();
