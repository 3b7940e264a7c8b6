/* kurator client-side search over the sharded index (docs/search.md).
   No dependencies, nothing loaded from other hosts. Every piece of content is
   inserted with createElement/textContent, never innerHTML. */
(function () {
  "use strict";

  // ---- Folding and word splitting: docs/search.md, the same steps as
  // src/render/search/fold.rs, tested on both sides against
  // tests/fixtures/search-folding.json.
  var MAX_TERM = 32, KEY_CHARS = 3;
  var BASE = {};
  [["àáâãäåāăą", "a"], ["çćč", "c"], ["ďđð", "d"], ["èéêëēėęě", "e"], ["ìíîïīįı", "i"],
   ["ñńň", "n"], ["òóôõöøōő", "o"], ["ùúûüūůűų", "u"], ["ýÿ", "y"], ["śšş", "s"], ["źžż", "z"],
   ["ł", "l"], ["ř", "r"], ["ť", "t"], ["ğ", "g"], ["ß", "ss"], ["æ", "ae"], ["œ", "oe"], ["þ", "th"]
  ].forEach(function (p) { Array.from(p[0]).forEach(function (c) { BASE[c] = p[1]; }); });
  var WORD = /[\p{Alphabetic}\p{N}\u0300-\u036f]+/gu;

  function fold(word) {
    var plain = "";
    for (var c of String(word).toLowerCase()) {
      var cp = c.codePointAt(0);
      if (cp >= 0x300 && cp <= 0x36f) continue;
      plain += BASE[c] || c;
    }
    var cs = Array.from(plain), out = "", n = 0;
    for (var i = 0; i < cs.length; i++) {
      var ch = cs[i];
      if ((ch === "a" || ch === "o" || ch === "u") && cs[i + 1] === "e") i++;
      if (n === MAX_TERM) break;
      out += ch; n++;
    }
    return out;
  }
  function len(s) { return Array.from(s).length; }
  // Words of a text with their positions (UTF-16 offsets).
  function words(text) {
    var out = [], m, re = new RegExp(WORD.source, "gu");
    while ((m = re.exec(String(text || "")))) out.push({ at: m.index, w: m[0] });
    return out;
  }
  function terms(text) {
    return words(text).map(function (x) { return fold(x.w); }).filter(function (t) { return len(t) >= 2; });
  }
  function key(t) { return Array.from(t).slice(0, KEY_CHARS).join(""); }
  var enc = typeof TextEncoder === "function" ? new TextEncoder() : null;
  // FNV-1a (32 bit) over the UTF-8 bytes of the term's key.
  function shardOf(t, n) { return fnv(key(t), n); }
  // Typo keys (docs/search.md): a query word of five letters or more is
  // looked up by its characters 4-6; a term is filed under every place
  // those can move to with one typo in the first three letters.
  var TYPO_MIN = 5;
  function typoKey(w) {
    var cs = Array.from(w);
    return cs.length >= TYPO_MIN ? cs.slice(3, 6).join("") : null;
  }
  function typoKeys(t) {
    var cs = Array.from(t), n = cs.length;
    if (n + 1 < TYPO_MIN) return [];
    var span = function (a, b) { return cs.slice(a, b).join(""); };
    var ks = [span(3, 6), span(2, 5), span(4, 7)];
    if (n >= 5) ks.push(cs[2] + span(4, 6));
    return ks.filter(function (k, i) { return k && ks.indexOf(k) === i; }).sort();
  }
  function fnv(s, n) {
    var h = 0x811c9dc5, b = enc.encode(s);
    for (var i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h % Math.max(1, n);
  }
  // Optimal string alignment distance, capped: > 1 is all we need to know.
  function osa(a, b) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > 1) return 2;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
      }
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  // How well an index term answers a query word: exact 1, prefix (three
  // letters or more) .8, one typo (five letters or more) .5, one typo in a
  // word still being typed .4.
  function quality(tok, term) {
    if (term === tok) return 1;
    var n = len(tok);
    if (n >= 3 && term.lastIndexOf(tok, 0) === 0) return 0.8;
    if (n >= 5) {
      if (osa(tok, term) <= 1) return 0.5;
      if (len(term) > n && osa(tok, Array.from(term).slice(0, n).join("")) <= 1) return 0.4;
    }
    return 0;
  }
  // Weights of the posting bits: title, names, summary, body, then the same
  // four as compound parts (WEIGHT in src/render/search.rs).
  var WEIGHT = [100, 40, 15, 5, 60, 24, 9, 3];
  function weight(bits) {
    var w = 0;
    for (var b = 0; b < 8; b++) if (bits & (1 << b) && WEIGHT[b] > w) w = WEIGHT[b];
    return w;
  }
  // Whether a word of a shown text should be marked for the query.
  function marks(word, toks) {
    var f = fold(word);
    return toks.some(function (t) {
      return quality(t, f) > 0 || (len(t) >= 4 && f.indexOf(t) > 0);
    });
  }

  var api = { fold: fold, terms: terms, shardOf: shardOf, osa: osa, quality: quality, weight: weight,
    typoKey: typoKey, typoKeys: typoKeys, typoShardOf: fnv };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  // ---- The page.
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  if (!input || !list || !window.fetch || !enc) return;
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
    error: ds.labelError || (de ? "Die Suche ist gerade nicht verfügbar." : "Search is unavailable right now."),
    more: ds.labelMore || (de ? "Weitere Treffer" : "More results"),
    all: ds.labelAll || (de ? "Alle" : "All"),
    channel: ds.labelChannel || (de ? "Kanal" : "Channel"),
    author: ds.labelAuthor || (de ? "Autor·in" : "Author"),
    kind: ds.labelKind || (de ? "Art" : "Kind"),
    language: ds.labelLanguage || (de ? "Sprache" : "Language")
  };
  var base = ds.index || "/search/";
  if (!/^\/(?![\/\\])/.test(base)) base = "/search/"; // same site only
  var PAGE = 10;
  var status = document.getElementById("search-status");
  if (!status) {
    status = list.parentNode.insertBefore(el("p", "search-status"), list);
    status.id = "search-status";
    status.setAttribute("role", "status");
  }
  list.removeAttribute("aria-live"); // the status region speaks, the list stays quiet

  var cache = {};
  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (j) { if (!j || j.v !== 2) throw new Error("format"); return j; });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }
  function manifest() { return get("manifest.json"); }

  // ---- Filters, built from the manifest's lists.
  var filters = {};
  var box = document.getElementById("search-filters");
  function addFilter(name, label, options) {
    if (!box || options.length < 2) return;
    var id = "search-filter-" + name, wrap = el("span", "search-filter");
    var lab = el("label", null, label);
    lab.htmlFor = id;
    var sel = el("select");
    sel.id = id;
    sel.appendChild(el("option", null, L.all)).value = "";
    options.forEach(function (o) { sel.appendChild(el("option", null, o[1])).value = String(o[0]); });
    sel.addEventListener("change", function () { filters[name] = sel.value === "" ? null : sel.value; shown = PAGE; run(); });
    wrap.appendChild(lab); wrap.appendChild(sel); box.appendChild(wrap);
    box.hidden = false;
  }
  function buildFilters(m) {
    if (!box || box.childElementCount) return;
    var idx = function (names) { return names.map(function (n, i) { return [i, n]; }); };
    addFilter("kind", L.kind, [["a", L.article], ["l", L.link]]);
    addFilter("channel", L.channel, idx(m.channels || []));
    addFilter("author", L.author, idx(m.authors || []));
    addFilter("lang", L.language, idx(m.langs || []));
  }
  // Each filter value is one file, facets/<n>.json, with its documents.
  var NAMES = ["kind", "channel", "author", "lang"];
  function active() { return NAMES.filter(function (n) { return filters[n] != null; }); }
  function facetFile(name, value, m) {
    var at = m.facets[name] + (name === "kind" ? (value === "l" ? 1 : 0) : +value);
    return "facets/" + at + ".json";
  }
  function docSet(f) {
    if (!f.set) {
      f.set = new Set();
      for (var i = 0, d = 0; i < (f.docs || []).length; i++) { d += f.docs[i]; f.set.add(d); }
    }
    return f.set;
  }

  // ---- Matching and ranking.
  function decode(p) {
    var docs = [], bits = [], d = 0;
    for (var i = 0; i + 1 < p.length; i += 2) { d += p[i]; docs.push(d); bits.push(p[i + 1]); }
    return { docs: docs, bits: bits };
  }
  // The term shards a query word needs: its own, and, for a word of five
  // letters or more that its own shard holds neither exactly nor as a
  // prefix, up to two more named by its typo key (a typo in the first three
  // letters puts the word in another shard).
  function shardsFor(tok, m) {
    var own = "terms/" + shardOf(tok, m.termShards) + ".json";
    return get(own).then(function (s) {
      var k = typoKey(tok);
      var found = (s.terms || []).some(function (e) { return quality(tok, e[0]) >= 0.8; });
      if (found || k == null || !m.typoShards) return [s];
      return get("typos/" + fnv(k, m.typoShards) + ".json").then(function (ty) {
        var docs = {};
        (ty.keys || []).forEach(function (e) {
          if (e[0] !== k) return;
          e[1].forEach(function (c) {
            var f = "terms/" + shardOf(c[0], m.termShards) + ".json";
            if (f !== own && quality(tok, c[0]) > 0) docs[f] = Math.max(docs[f] || 0, c[1]);
          });
        });
        // The shards of the most frequent candidates, two at most.
        var files = Object.keys(docs).sort(function (a, b) { return docs[b] - docs[a] || (a < b ? -1 : 1); }).slice(0, 2);
        return Promise.all(files.map(get)).then(function (more) { return [s].concat(more); });
      });
    });
  }
  // Scores of one query word: per document, its best term's quality times
  // the weight of the best field. `snip` collects inline snippets, `recs`
  // the records the shards carry.
  function scoreWord(tok, shards, snip, recs) {
    var best = new Map(), seen = {};
    shards.forEach(function (shard) {
      (shard.docs || []).forEach(function (d) { recs[d[0]] = d[1]; });
      (shard.terms || []).forEach(function (e) {
        var q = quality(tok, e[0]);
        if (!q || seen[e[0]]) return;
        seen[e[0]] = 1;
        var p = decode(e[1]);
        for (var i = 0; i < p.docs.length; i++) {
          var s = q * weight(p.bits[i]);
          if (s > (best.get(p.docs[i]) || 0)) best.set(p.docs[i], s);
        }
        (e[2] || []).forEach(function (t) {
          // The snippet of the best-matching term wins.
          if (!snip[t[0]] || snip[t[0]].q < q) snip[t[0]] = { q: q, s: t[1] };
        });
      });
    });
    return best;
  }
  // Every word must match; an item's score is the sum over the words.
  function rank(toks, shards) {
    var snip = {}, recs = {}, acc = null;
    toks.forEach(function (t) {
      var m = scoreWord(t, shards[t], snip, recs);
      if (!acc) { acc = m; return; }
      var next = new Map();
      acc.forEach(function (s, d) { var o = m.get(d); if (o) next.set(d, s + o); });
      acc = next;
    });
    var hits = [];
    (acc || new Map()).forEach(function (s, d) { hits.push([d, s]); });
    hits.sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; });
    return { hits: hits, snip: snip, recs: recs };
  }

  // ---- Rendering.
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // Appends `text` to `parent` as text nodes, matching words in <mark>.
  function marked(parent, text, toks) {
    text = String(text || "");
    var at = 0;
    words(text).forEach(function (x) {
      if (!marks(x.w, toks)) return;
      if (x.at > at) parent.appendChild(document.createTextNode(text.slice(at, x.at)));
      parent.appendChild(el("mark", null, x.w));
      at = x.at + x.w.length;
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
    return parent;
  }
  var fmt = null;
  try { fmt = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }); } catch (e) { /* raw date */ }
  function day(d) {
    var t = Date.parse(d + "T00:00:00Z");
    return fmt && !isNaN(t) ? fmt.format(t) : d;
  }
  // Channel and author names: inline records hold positions in the
  // manifest's lists, document shards the names.
  function names(xs, table) {
    return (xs || []).map(function (x) { return typeof x === "number" ? table[x] : x; }).filter(Boolean);
  }
  function result(r, snippet, toks, m) {
    var link = r.k === "l";
    var rl = r.l || m.lang || lang, chans = names(r.c, m.channels || []);
    var li = el("li", "search-result search-result--" + (link ? "link" : "article"));
    if (rl !== lang) li.lang = rl;
    var kicker = el("p", "card-kicker");
    if (rl !== lang) kicker.lang = lang;
    kicker.appendChild(el("span", "badge badge--" + (link ? "link" : "article"), link ? L.link : L.article));
    if (chans.length) kicker.appendChild(el("span", "search-channel", " " + chans.join(" · ")));
    li.appendChild(kicker);
    var a = marked(el("a"), r.t, toks);
    a.href = /^\/(?![\/\\])/.test(r.u || "") ? r.u : "/"; // only same-site paths, never //host or javascript:
    li.appendChild(el("h2", "card-title")).appendChild(a);
    if (snippet) li.appendChild(marked(el("p", "card-summary search-snippet"), snippet, toks));
    var meta = el("p", "card-meta");
    if (kicker.lang) meta.lang = lang;
    meta.appendChild(el("time", null, day(r.d))).dateTime = r.d || "";
    var who = names(r.a, m.authors || []).join(", ");
    if (link && r.src) who = r.src + (who ? " · " + who : "");
    if (who) meta.appendChild(document.createTextNode(" · " + who));
    li.appendChild(meta);
    return li;
  }
  var more = el("button", "search-more", L.more);
  more.type = "button";
  more.hidden = true;
  list.parentNode.insertBefore(more, list.nextSibling);
  more.addEventListener("click", function () { shown += PAGE; run(true); });

  function setUrl(q) {
    var u = new URL(location.href);
    if (q) u.searchParams.set("q", q); else u.searchParams.delete("q");
    history.replaceState(history.state, "", u.pathname + u.search + u.hash);
  }

  var seq = 0, timer = 0, shown = PAGE;
  function show(hits, ranked, toks, m, mine, keepFocus) {
    var page = hits.slice(0, shown);
    var need = {};
    page.forEach(function (h) {
      var r = ranked.recs[h[0]];
      if (!r || (!ranked.snip[h[0]] && r.s == null)) need[Math.floor(h[0] / m.docShard)] = 1;
    });
    return Promise.all(Object.keys(need).map(function (k) { return get("docs/" + k + ".json"); })).then(function (shards) {
      if (mine !== seq) return;
      var src = {};
      shards.forEach(function (s) { (s.docs || []).forEach(function (r, i) { src[s.from + i] = r; }); });
      var frag = document.createDocumentFragment();
      page.forEach(function (h) {
        var r = ranked.recs[h[0]] || src[h[0]];
        if (!r) return;
        var sn = ranked.snip[h[0]] ? ranked.snip[h[0]].s : r.s != null ? r.s : src[h[0]] ? src[h[0]].s : "";
        frag.appendChild(result(r, sn, toks, m));
      });
      var focusMore = keepFocus && document.activeElement === more;
      while (list.firstChild) list.removeChild(list.firstChild);
      list.appendChild(frag);
      more.hidden = hits.length <= shown;
      if (focusMore && !more.hidden) more.focus();
      status.textContent = !hits.length ? L.none : hits.length === 1 ? L.one : L.count.replace("{n}", hits.length);
    });
  }

  function run(keepFocus) {
    clearTimeout(timer);
    var mine = ++seq;
    var q = input.value.trim();
    setUrl(q);
    var toks = terms(q).filter(function (t, i, a) { return a.indexOf(t) === i; }).slice(0, 8);
    if (!toks.length) {
      while (list.firstChild) list.removeChild(list.firstChild);
      more.hidden = true;
      status.textContent = "";
      return;
    }
    manifest().then(function (m) {
      buildFilters(m);
      var facets = active().map(function (n) { return get(facetFile(n, filters[n], m)); });
      var needed = toks.map(function (t) { return shardsFor(t, m); });
      return Promise.all([Promise.all(needed), Promise.all(facets)]).then(function (got) {
        if (mine !== seq) return;
        var byTok = {};
        toks.forEach(function (t, i) { byTok[t] = got[0][i]; });
        var ranked = rank(toks, byTok);
        var hits = ranked.hits.filter(function (h) { return h[0] < m.docs; });
        got[1].forEach(function (f) {
          var set = docSet(f);
          (f.recs || []).forEach(function (d) { if (!ranked.recs[d[0]]) ranked.recs[d[0]] = d[1]; });
          hits = hits.filter(function (h) { return set.has(h[0]); });
        });
        return show(hits, ranked, toks, m, mine, keepFocus);
      });
    }).catch(function () { if (mine === seq) status.textContent = L.error; });
  }

  input.addEventListener("focus", function () { manifest().then(buildFilters, function () {}); }, { once: true });
  input.addEventListener("input", function () { clearTimeout(timer); shown = PAGE; timer = setTimeout(run, 60); });
  if (form) form.addEventListener("submit", function (e) { e.preventDefault(); shown = PAGE; run(); });
  var q0 = new URLSearchParams(location.search).get("q");
  if (q0) { input.value = q0; run(); }
})();
