/* kurator client-side search. No dependencies, nothing loaded from other hosts.
   Every piece of content is inserted with createElement/textContent, never innerHTML. */
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  if (!input || !list || !window.fetch) return;
  var form = input.form;
  var ds = list.dataset;
  var lang = ds.lang || document.documentElement.lang || "en";
  var de = lang.slice(0, 2) === "de";
  var L = {
    none: ds.labelNone || (de ? "Keine Treffer." : "No results."),
    count: ds.labelCount || (de ? "{n} Treffer" : "{n} results"),
    one: ds.labelCountOne || (de ? "1 Treffer" : "1 result"),
    link: ds.labelLink || (de ? "Empfohlen" : "Recommended"),
    article: ds.labelArticle || (de ? "Beitrag" : "Article"),
    error: ds.labelError || (de ? "Die Suche ist gerade nicht verfügbar." : "Search is unavailable right now.")
  };
  var MAX = 20;
  // The count and "no results" go into a status region; the list itself stays quiet.
  var status = document.getElementById("search-status");
  if (!status) {
    status = list.parentNode.insertBefore(el("p", "search-status"), list);
    status.id = "search-status";
    status.setAttribute("role", "status");
  }
  list.removeAttribute("aria-live");

  // Folding: lowercase, ä→a ö→o ü→u ß→ss, other accents stripped (é→e).
  var MARKS = /[\u0300-\u036f]/g;
  function fold(s) {
    return String(s || "").toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(MARKS, "");
  }
  // A query term written with digraphs ("fuehrung") also tries the umlaut form ("fuhrung").
  function variants(t) {
    var alt = t.replace(/([aou])e/g, "$1");
    return alt !== t ? [t, alt] : [t];
  }

  var items = null, loading = null, timer = 0;
  function load() {
    if (!loading) {
      loading = fetch(ds.index || "/search-index.json", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          items = (Array.isArray(data) ? data : []).map(function (r) {
            var meta = [].concat(r.a || [], r.c || [], r.g || [], r.src ? [r.src] : []).join(" \u0001 ");
            var f = [fold(r.t), fold(meta), fold(r.s), fold(r.b)];
            if (r.s) delete r.b; // the body is only needed as a snippet when there is no summary
            return { r: r, f: f };
          });
        })
        .catch(function () { loading = null; status.textContent = L.error; });
    }
    return loading;
  }

  var SEP = /[^\p{L}\p{N}]/u;
  var WEIGHT = [16, 6, 3, 1]; // title, tags/authors/channels/source, summary, body
  function score(it, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var best = 0;
      for (var f = 0; f < 4 && !best; f++) {
        for (var v = 0; v < terms[i].length; v++) {
          var at = it.f[f].indexOf(terms[i][v]);
          if (at < 0) continue;
          best = WEIGHT[f];
          if (at === 0 || SEP.test(it.f[f].charAt(at - 1))) best += WEIGHT[f] / 2; // word start
          break;
        }
      }
      if (!best) return 0; // every term must match somewhere
      total += best;
    }
    return total;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  var fmt = null;
  try { fmt = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }); } catch (e) { /* raw date */ }
  function day(d) {
    var t = Date.parse(d + "T00:00:00Z");
    return fmt && !isNaN(t) ? fmt.format(t) : d;
  }
  function snippet(s) {
    s = String(s || "");
    return s.length > 220 ? s.slice(0, 220).replace(/\s+\S*$/, "") + " …" : s;
  }

  function render(hits) {
    var frag = document.createDocumentFragment();
    hits.forEach(function (h) {
      var r = h.r, link = r.k === "l";
      var li = el("li", "search-result search-result--" + (link ? "link" : "article"));
      if (r.l && r.l !== lang) li.lang = r.l;
      var kicker = el("p", "card-kicker");
      if (r.l && r.l !== lang) kicker.lang = lang;
      kicker.appendChild(el("span", "badge badge--" + (link ? "link" : "article"), link ? L.link : L.article));
      li.appendChild(kicker);
      var a = el("a", null, r.t);
      a.href = /^\/(?![\/\\])/.test(r.u) ? r.u : "/"; // only same-site paths, never //host or javascript:
      li.appendChild(el("h2", "card-title")).appendChild(a);
      if (r.s || r.b) li.appendChild(el("p", "card-summary", snippet(r.s || r.b)));
      var meta = el("p", "card-meta");
      if (kicker.lang) meta.lang = lang;
      meta.appendChild(el("time", null, day(r.d))).dateTime = r.d || "";
      var who = (r.a || []).join(", ");
      if (link && r.src) who = r.src + (who ? " · " + who : "");
      if (who) meta.appendChild(document.createTextNode(" · " + who));
      li.appendChild(meta);
      frag.appendChild(li);
    });
    while (list.firstChild) list.removeChild(list.firstChild);
    list.appendChild(frag);
  }

  function setUrl(q) {
    var u = new URL(location.href);
    if (q) u.searchParams.set("q", q); else u.searchParams.delete("q");
    history.replaceState(history.state, "", u.pathname + u.search + u.hash);
  }

  function run() {
    clearTimeout(timer);
    var q = input.value.trim();
    setUrl(q);
    var terms = fold(q).split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(variants);
    if (!terms.length) { render([]); status.textContent = ""; return; }
    if (!items) { load().then(function () { if (items) run(); }); return; }
    var hits = [];
    for (var i = 0; i < items.length; i++) {
      var sc = score(items[i], terms);
      if (sc) hits.push({ s: sc, r: items[i].r });
    }
    hits.sort(function (x, y) { return y.s - x.s || (x.r.d < y.r.d ? 1 : x.r.d > y.r.d ? -1 : 0); });
    render(hits.slice(0, MAX));
    status.textContent = !hits.length ? L.none : hits.length === 1 ? L.one : L.count.replace("{n}", hits.length);
  }

  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 100); });
  if (form) form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  var q0 = new URLSearchParams(location.search).get("q");
  if (q0) { input.value = q0; run(); }
})();
