#!/usr/bin/env python3
"""Static end-to-end checks of a built kurator site (see tests/e2e/README.md).

    feeds.py --site OUT_DIR --source SITE_DIR [--expect-title TITLE ...]

Checks every Atom and JSON feed, /feeds.opml, /sitemap.xml, the search index,
every page's JSON-LD, and that no HTML page runs inline script, carries event
handler attributes or script URLs, or loads anything from another host.
--expect-title: a title that must round-trip exactly (Atom, JSON Feed, search
index, JSON-LD headline, HTML <title>/<h1>); used with the hostile fixture.
Exit status 1 if any check fails; every failure is listed.
"""
import argparse
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import yaml

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
W3C_DATE = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$")
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "data", "cite", "background", "xlink:href"}
# Elements whose URL attribute makes the browser fetch something.
LOADS = {("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"),
         ("video", "src"), ("video", "poster"), ("audio", "src"), ("iframe", "src"), ("embed", "src"),
         ("object", "data"), ("track", "src"), ("input", "src")}
LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon", "mask-icon"}

failures = []
warnings = []
counts = {}
seen_titles = {"atom": set(), "json": set()}


def fail(where, msg):
    failures.append(f"{where}: {msg}")


def warn(where, msg):
    warnings.append(f"{where}: {msg}")


def count(what, n=1):
    counts[what] = counts.get(what, 0) + n


class Page(HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, attrs dict)
        self.scripts = []       # (attrs, text)
        self.body_class = ""
        self.html_lang = None
        self.title = ""
        self.h1 = ""
        self._in = None
        self._buf = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "body":
            self.body_class = a.get("class", "")
        if tag in ("script", "title", "h1") and self._in is None:
            self._in, self._attrs, self._buf = tag, a, []

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._buf)
            if tag == "script":
                self.scripts.append((self._attrs, text))
            elif tag == "title":
                self.title = text
            elif not self.h1:
                self.h1 = " ".join(text.split())
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def kind(self):
        m = re.search(r"\bkind-([\w-]+)", self.body_class)
        return m.group(1) if m else ""


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    try:
        return yaml.safe_load(text.split("\n---", 1)[0][3:]) or {}
    except yaml.YAMLError:
        return {}


def out_file(out, base, url):
    """The output file that serves an absolute site URL, or None."""
    if not url.startswith(base + "/") and url != base:
        return None
    path = urlsplit(url).path
    f = out / path.lstrip("/")
    if path.endswith("/"):
        f = f / "index.html"
    return f if f.is_file() else None


def check_abs(where, url, base, what="URL"):
    if not isinstance(url, str) or not url.startswith(base + "/"):
        fail(where, f"{what} is not an absolute URL on {base}: {url!r}")
        return False
    return True


# ---------------------------------------------------------------- feeds

def atom_feed(out, base, limit, f, index, expect):
    rel = "/" + f.relative_to(out).as_posix()
    where = rel
    count("atom feeds")
    parsed = feedparser.parse(f.read_bytes())
    if parsed.bozo:
        fail(where, f"feedparser bozo: {parsed.bozo_exception!r}")
    if parsed.version != "atom10":
        fail(where, f"feedparser sees version {parsed.version!r}, expected atom10")
    try:
        root = ET.parse(f).getroot()
    except ET.ParseError as e:
        fail(where, f"not well-formed XML: {e}")
        return None
    if root.tag != ATOM + "feed":
        fail(where, f"root element is {root.tag}")
        return None
    for req in ("id", "title", "updated"):
        if root.find(ATOM + req) is None:
            fail(where, f"feed lacks <{req}>")
    self_links = [l.get("href") for l in root.findall(ATOM + "link") if l.get("rel") == "self"]
    if self_links != [base + rel]:
        fail(where, f"rel=self link {self_links} != {base + rel}")
    for l in root.findall(ATOM + "link"):
        check_abs(where, l.get("href"), base, "feed link")
    if not RFC3339.match(root.findtext(ATOM + "updated") or ""):
        fail(where, f"feed <updated> not RFC 3339: {root.findtext(ATOM + 'updated')!r}")
    entries = root.findall(ATOM + "entry")
    if not entries:
        fail(where, "feed has no entries")
    if len(entries) > limit:
        fail(where, f"{len(entries)} entries > feeds.limit {limit}")
    feed_author = root.find(ATOM + "author") is not None
    ids, urls, dates = [], [], []
    for i, e in enumerate(entries):
        w = f"{where} entry {i + 1}"
        for req in ("id", "title", "updated"):
            if e.find(ATOM + req) is None:
                fail(w, f"lacks <{req}>")
        ids.append(e.findtext(ATOM + "id"))
        check_abs(w, ids[-1], base, "<id>")
        alt = [l.get("href") for l in e.findall(ATOM + "link") if l.get("rel", "alternate") == "alternate"]
        if len(alt) != 1 or not check_abs(w, alt[0], base, "alternate link"):
            fail(w, f"needs exactly one absolute alternate link, has {alt}")
        elif out_file(out, base, alt[0]) is None:
            fail(w, f"alternate link {alt[0]} has no page in the output")
        urls.append(alt[0] if alt else None)
        for tag in ("updated", "published"):
            v = e.findtext(ATOM + tag)
            if v is not None and not RFC3339.match(v):
                fail(w, f"<{tag}> not RFC 3339: {v!r}")
        dates.append(e.findtext(ATOM + "published") or e.findtext(ATOM + "updated") or "")
        authors = e.findall(ATOM + "author")
        if not authors and not feed_author:
            fail(w, "entry has no <author> (and the feed has none)")
        for a in authors:
            if not (a.findtext(ATOM + "name") or "").strip():
                fail(w, "<author> without <name>")
            if a.find(ATOM + "uri") is not None:
                check_abs(w, a.findtext(ATOM + "uri"), base, "author uri")
    if len(set(ids)) != len(ids):
        fail(where, "duplicate entry ids")
    if [d[:10] for d in dates] != sorted((d[:10] for d in dates), reverse=True):
        fail(where, "entries are not newest first")
    fp_titles = [e.get("title") for e in parsed.entries]
    if fp_titles != [e.findtext(ATOM + "title") for e in entries]:
        fail(where, "feedparser titles differ from the XML <title> texts")
    for t in fp_titles if expect else []:
        count("hostile title round-trips (Atom)")
        if t not in expect:
            fail(where, f"feedparser entry.title {t!r} is not one of the hostile titles verbatim")
    seen_titles["atom"].update(fp_titles)
    check_membership(out, base, limit, rel, entries, urls, index)
    return {"ids": ids, "titles": [e.findtext(ATOM + "title") for e in entries]}


def check_membership(out, base, limit, rel, entries, urls, index):
    """A channel/author/tag feed holds the newest min(limit, n) items of that channel/author/tag."""
    m = re.match(r"^/(channels|authors|tags)/([^/]+)/atom\.xml$", rel)
    if not m or index is None:
        return
    section, ident = m.groups()
    name = None
    for e in entries:
        if section == "authors":
            for a in e.findall(ATOM + "author"):
                if (a.findtext(ATOM + "uri") or "").rstrip("/").endswith(f"/authors/{ident}"):
                    name = a.findtext(ATOM + "name")
        else:
            for c in e.findall(ATOM + "category"):
                if c.get("scheme") == f"{base}/{section}/" and c.get("term") == ident:
                    name = c.get("label") or c.get("term")
        if name is None:
            fail(rel, f"entry {e.findtext(ATOM + 'id')} does not belong to {section[:-1]} {ident!r}")
            return
    field = {"channels": "c", "authors": "a", "tags": "g"}[section]
    members = sorted((r for r in index if name in (r.get(field) or [])), key=lambda r: r["d"], reverse=True)
    want = min(limit, len(members))
    count("feed entry counts checked against the search index")
    if len(entries) != want:
        fail(rel, f"{len(entries)} entries, expected min(limit {limit}, {len(members)} items of {name!r}) = {want}")
    elif len(members) <= limit and {base + r["u"] for r in members} != set(urls):
        fail(rel, f"entries differ from the items of {name!r} in the search index")


def json_feed(out, base, limit, f, expect):
    rel = "/" + f.relative_to(out).as_posix()
    count("JSON feeds")
    try:
        d = json.loads(f.read_bytes())
    except ValueError as e:
        fail(rel, f"not JSON: {e}")
        return None
    if not isinstance(d, dict):
        fail(rel, "top level is not an object")
        return None
    if d.get("version") != "https://jsonfeed.org/version/1.1":
        fail(rel, f"version is {d.get('version')!r}")
    if not isinstance(d.get("title"), str) or not d["title"]:
        fail(rel, "missing title")
    if d.get("feed_url") != base + rel:
        fail(rel, f"feed_url {d.get('feed_url')!r} != {base + rel}")
    if "home_page_url" in d:
        check_abs(rel, d["home_page_url"], base, "home_page_url")
    items = d.get("items")
    if not isinstance(items, list) or not items:
        fail(rel, "items missing or empty")
        return None
    if len(items) > limit:
        fail(rel, f"{len(items)} items > feeds.limit {limit}")
    for i, it in enumerate(items):
        w = f"{rel} item {i + 1}"
        if not isinstance(it, dict) or not isinstance(it.get("id"), str) or not it["id"]:
            fail(w, "item without string id")
            continue
        if "url" not in it or not check_abs(w, it["url"], base, "url"):
            fail(w, "item needs an absolute url")
        elif out_file(out, base, it["url"]) is None:
            fail(w, f"url {it['url']} has no page in the output")
        if "external_url" in it and not re.match(r"^https?://", str(it["external_url"])):
            fail(w, f"external_url not absolute: {it['external_url']!r}")
        if not ("content_html" in it or "content_text" in it):
            fail(w, "item has neither content_html nor content_text")
        for k in ("date_published", "date_modified"):
            if k in it and not RFC3339.match(str(it[k])):
                fail(w, f"{k} not RFC 3339: {it[k]!r}")
        authors = it.get("authors") or d.get("authors")
        if not authors or not all(isinstance(a, dict) and a.get("name") for a in authors):
            fail(w, "no authors with a name")
        for a in it.get("authors") or []:
            for k in ("url", "avatar"):
                if k in a:
                    check_abs(w, a[k], base, f"author {k}")
    ids = [it.get("id") for it in items if isinstance(it, dict)]
    if len(set(ids)) != len(ids):
        fail(rel, "duplicate item ids")
    titles = [it.get("title") for it in items if isinstance(it, dict)]
    for t in titles if expect else []:
        count("hostile title round-trips (JSON Feed)")
        if t not in expect:
            fail(rel, f"item title {t!r} is not one of the hostile titles verbatim")
    seen_titles["json"].update(titles)
    return {"ids": ids, "titles": titles}


def check_feeds(out, base, limit, formats, index, expect):
    atoms = sorted(out.rglob("atom.xml"))
    jsons = sorted(out.rglob("feed.json"))
    if "atom" in formats and not atoms:
        fail("/", "no atom.xml anywhere")
    if "json" in formats and not jsons:
        fail("/", "no feed.json anywhere")
    got = {}
    for f in atoms:
        got.setdefault(f.parent, {})["atom"] = atom_feed(out, base, limit, f, index, expect)
    for f in jsons:
        got.setdefault(f.parent, {})["json"] = json_feed(out, base, limit, f, expect)
    for d, fs in got.items():
        rel = "/" + d.relative_to(out).as_posix() + "/"
        if set(formats) >= {"atom", "json"} and set(fs) != {"atom", "json"}:
            fail(rel, f"has only {sorted(fs)} but feeds.formats is {formats}")
        a, j = fs.get("atom"), fs.get("json")
        if a and j:
            if a["ids"] != j["ids"]:
                fail(rel, f"Atom has {len(a['ids'])} entries, JSON Feed {len(j['ids'])}, or their ids/order differ")
            elif a["titles"] != j["titles"]:
                fail(rel, "Atom and JSON Feed titles differ")
    for fmt in formats:
        for t in expect:
            if t not in seen_titles[fmt]:
                fail("/", f"hostile title {t!r} is in no {fmt} feed")
    return atoms, jsons


# ---------------------------------------------------------------- OPML, sitemap, index

def check_opml(out, base, source, atoms, jsons):
    f = out / "feeds.opml"
    if not f.is_file():
        fail("/feeds.opml", "missing")
        return
    try:
        root = ET.parse(f).getroot()
    except ET.ParseError as e:
        fail("/feeds.opml", f"not well-formed XML: {e}")
        return
    if root.tag != "opml" or root.get("version") not in ("1.0", "2.0"):
        fail("/feeds.opml", f"root is <{root.tag} version={root.get('version')}>")
    if not (root.findtext("head/title") or "").strip():
        fail("/feeds.opml", "head/title missing")
    outlines = root.findall(".//outline[@xmlUrl]")
    channel_feeds = {p.parent.name for p in atoms + jsons if p.parent.parent == out / "channels"}
    channels = {p.stem for p in (source / "channels").glob("*.md")}
    # Besides the channels, the list of curated links (/links/) when the site has any.
    has_links = any((source / "links").rglob("*.md")) if (source / "links").is_dir() else False
    links_feed = [o for o in outlines if re.match(re.escape(base) + r"/links/(atom\.xml|feed\.json)$", o.get("xmlUrl") or "")]
    if has_links and len(links_feed) != 1:
        fail("/feeds.opml", f"{len(links_feed)} outlines for the /links/ feed, expected 1")
    for o in links_feed:
        outlines.remove(o)
        count("OPML outlines")
        if out_file(out, base, o.get("xmlUrl")) is None:
            fail("/feeds.opml", f"xmlUrl {o.get('xmlUrl')} does not exist in the output")
    if len(outlines) != len(channels):
        fail("/feeds.opml", f"{len(outlines)} feed outlines for {len(channels)} channels")
    seen = set()
    for o in outlines:
        x = o.get("xmlUrl")
        count("OPML outlines")
        if not check_abs("/feeds.opml", x, base, "xmlUrl"):
            continue
        if out_file(out, base, x) is None:
            fail("/feeds.opml", f"xmlUrl {x} does not exist in the output")
        m = re.match(re.escape(base) + r"/channels/([^/]+)/", x)
        if not m:
            fail("/feeds.opml", f"xmlUrl {x} is not a channel feed")
            continue
        seen.add(m.group(1))
        if not (o.get("text") or "").strip():
            fail("/feeds.opml", f"outline for {x} has no text")
        if o.get("htmlUrl") and out_file(out, base, o.get("htmlUrl")) is None:
            fail("/feeds.opml", f"htmlUrl {o.get('htmlUrl')} does not exist in the output")
    if seen != channel_feeds:
        fail("/feeds.opml", f"channels in OPML {sorted(seen)} != channels with feeds {sorted(channel_feeds)}")


def sitemap_urls(out, base, rel):
    """(where, <url> element) for every URL of a sitemap or, recursively, a sitemap index."""
    try:
        root = ET.parse(out / rel.lstrip("/")).getroot()
    except (OSError, ET.ParseError) as e:
        fail(rel, f"missing or not well-formed XML: {e}")
        return []
    if root.tag == SITEMAP + "sitemapindex" and rel == "/sitemap.xml":
        urls = []
        for sm in root.findall(SITEMAP + "sitemap"):
            loc = sm.findtext(SITEMAP + "loc") or ""
            if check_abs(rel, loc, base, "sitemap loc"):
                urls += sitemap_urls(out, base, urlsplit(loc).path)
        return urls
    if root.tag != SITEMAP + "urlset":
        fail(rel, f"root is {root.tag}")
    return [(rel, u) for u in root.findall(SITEMAP + "url")]


def check_sitemap(out, base, aliases, pages):
    locs = []
    for where, u in sitemap_urls(out, base, "/sitemap.xml"):
        loc = u.findtext(SITEMAP + "loc") or ""
        locs.append(loc)
        count("sitemap URLs")
        if not check_abs(where, loc, base, "loc"):
            continue
        target = out_file(out, base, loc)
        if target is None:
            fail(where, f"{loc} has no file in the output")
        else:
            p = pages.get(target)
            if p is not None and p.get("noindex"):
                fail(where, f"{loc} is a noindex/redirect page")
        lm = u.findtext(SITEMAP + "lastmod")
        if lm is not None and not W3C_DATE.match(lm):
            fail(where, f"lastmod {lm!r} for {loc} is not a W3C datetime")
    if len(set(locs)) != len(locs):
        fail("/sitemap.xml", "duplicate <loc>s")
    for a in aliases:
        if base + a in locs:
            fail("/sitemap.xml", f"alias URL {a} is listed")
    listed = {out_file(out, base, l) for l in locs}
    for path, p in pages.items():
        rel = "/" + path.relative_to(out).as_posix()
        # Pagination pages (/page/2/ …) are deliberately left out of sitemaps; anything
        # else that is indexable but unlisted is worth a look, not a failure.
        if not p.get("noindex") and p["kind"] != "404" and path not in listed and "/page/" not in rel:
            warn("/sitemap.xml", f"indexable page {rel} is not listed")


def check_search_index(out, base, expect):
    """The sharded search index (docs/search.md): the manifest, every document
    shard's records, every term shard's postings. Returns the records in
    document order (newest first)."""
    d = out / "search"
    try:
        m = json.loads((d / "manifest.json").read_bytes())
    except (OSError, ValueError) as e:
        fail("/search/manifest.json", f"unreadable: {e}")
        return None
    n = m.get("docs")
    if m.get("v") != 2 or not isinstance(n, int) or n < 1:
        fail("/search/manifest.json", f"not a version-2 manifest of a non-empty site: {m!r:.200}")
        return None
    index, size = [], 0
    for k in range((n + m["docShard"] - 1) // m["docShard"]):
        f = d / "docs" / f"{k}.json"
        size += f.stat().st_size
        shard = json.loads(f.read_bytes())
        if shard.get("from") != k * m["docShard"]:
            fail(f"/search/docs/{k}.json", f"starts at {shard.get('from')!r}")
        index += shard.get("docs", [])
    if len(index) != n:
        fail("/search/docs/", f"{len(index)} records for {n} documents")
    for i, r in enumerate(index):
        w = f"/search/docs/ record {i}"
        for k, t in (("t", str), ("u", str), ("k", str), ("d", str), ("a", list), ("c", list), ("g", list), ("s", str)):
            if not isinstance(r.get(k), t):
                fail(w, f"field {k!r} missing or not {t.__name__}")
        if r.get("k") not in ("a", "l"):
            fail(w, f"kind {r.get('k')!r}")
        if not re.match(r"^\d{4}-\d\d-\d\d$", str(r.get("d"))):
            fail(w, f"date {r.get('d')!r}")
        u = str(r.get("u"))
        if not re.match(r"^/(?![/\\])", u) or out_file(out, base, base + u) is None:
            fail(w, f"url {u!r} is not a site path with a page in the output")
    postings = 0
    for k in range(m["termShards"]):
        f = d / "terms" / f"{k}.json"
        size += f.stat().st_size
        shard = json.loads(f.read_bytes())
        for term, p, top in shard.get("terms", []):
            doc = 0
            for j in range(0, len(p), 2):
                doc += p[j]
                postings += 1
                if not (0 <= doc < n and 0 < p[j + 1] < 256) or (j and p[j] == 0):
                    fail(f"/search/terms/{k}.json", f"bad posting {p[j:j + 2]} of {term!r}")
                    break
        for doc, rec in shard.get("docs", []):
            if rec.get("t") != index[doc].get("t") or rec.get("u") != index[doc].get("u"):
                fail(f"/search/terms/{k}.json", f"inline record {doc} differs from its document shard")
    count("search index documents checked")
    for t in expect:
        count("hostile title round-trips (search index)")
        if t not in [r.get("t") for r in index]:
            fail("/search/docs/", f"title {t!r} not found verbatim")
    print(f"search index: {n} documents, {postings} postings, {m['termShards']} term shards, "
          f"{size} bytes in term and document shards")
    return index


# ---------------------------------------------------------------- HTML pages

def host_ok(url, base):
    u = url.strip()
    if u.startswith("//"):
        return False
    s = urlsplit(u)
    return not s.scheme or u.startswith(base + "/") or u == base


def check_page(out, base, path, expect):
    rel = "/" + path.relative_to(out).as_posix()
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    count("HTML pages")
    kind = p.kind()
    refresh = any(t == "meta" and a.get("http-equiv", "").lower() == "refresh" for t, a in p.tags)
    noindex = refresh or any(t == "meta" and a.get("name") == "robots" and "noindex" in a.get("content", "")
                             for t, a in p.tags)
    if not p.html_lang:
        fail(rel, "<html> has no lang")
    canon = [a.get("href") for t, a in p.tags if t == "link" and "canonical" in a.get("rel", "").split()]
    if len(canon) != 1 or not check_abs(rel, canon[0] if canon else None, base, "canonical"):
        fail(rel, f"needs exactly one absolute canonical link, has {canon}")
    # Active content and foreign hosts.
    for t, a in p.tags:
        for k, v in a.items():
            if k.startswith("on"):
                fail(rel, f"<{t}> has event handler attribute {k}={v!r}")
            if k in URL_ATTRS and BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", v)):
                fail(rel, f"<{t} {k}={v!r}> uses a script/data URL")
            if (t, k) in LOADS:
                for cand in ([c.strip().split(" ")[0] for c in v.split(",")] if k == "srcset" else [v]):
                    if cand and not host_ok(cand, base):
                        fail(rel, f"<{t} {k}={cand!r}> loads from another host")
        if t == "link" and LOADING_RELS & set(a.get("rel", "").lower().split()) and not host_ok(a.get("href", ""), base):
            fail(rel, f"<link rel={a.get('rel')!r} href={a.get('href')!r}> loads from another host")
        if t == "b" and expect:
            fail(rel, "a <b> element appears on the hostile site (markup from a title was not escaped)")
    lds = []
    for a, text in p.scripts:
        typ = a.get("type", "")
        if typ == "application/ld+json":
            if re.search(r"</script|<!--", text, re.I):
                fail(rel, "JSON-LD contains '</script' or '<!--'")
            try:
                lds.append(json.loads(text))
            except ValueError as e:
                fail(rel, f"JSON-LD does not parse: {e}")
        elif not a.get("src"):
            fail(rel, f"inline <script type={typ!r}>: {text[:80]!r}")
        elif text.strip():
            fail(rel, "<script src> with inline content")
    if refresh:
        return {"kind": kind, "noindex": True}
    if not lds:
        fail(rel, "no JSON-LD")
    nodes = []
    for ld in lds:
        count("JSON-LD blocks")
        if not isinstance(ld, dict) or ld.get("@context") not in ("https://schema.org", "http://schema.org",
                                                                   "https://schema.org/", "http://schema.org/"):
            fail(rel, f"JSON-LD @context is {ld.get('@context') if isinstance(ld, dict) else ld!r}")
            continue
        nodes += ld["@graph"] if isinstance(ld.get("@graph"), list) else [ld]
    types = {}
    for n in nodes:
        for ty in (n.get("@type") if isinstance(n.get("@type"), list) else [n.get("@type")]):
            types.setdefault(ty, n)
    want = {"article": "BlogPosting", "link": "BlogPosting", "channel": "CollectionPage",
            "tag": "CollectionPage", "author": "ProfilePage"}.get(kind)
    if want:
        if want not in types:
            fail(rel, f"{kind} page: JSON-LD has {sorted(map(str, types))}, expected {want}")
        if "BreadcrumbList" not in types:
            fail(rel, f"{kind} page: no BreadcrumbList")
    if "BlogPosting" in types:
        n = types["BlogPosting"]
        count("BlogPosting checked")
        if not canon or n.get("url") != canon[0]:
            fail(rel, f"BlogPosting url {n.get('url')!r} != canonical")
        authors = n.get("author") if isinstance(n.get("author"), list) else [n.get("author")]
        if not authors or not all(isinstance(x, dict) and x.get("@type") == "Person" and x.get("name")
                                  and check_abs(rel, x.get("url"), base, "author url") for x in authors):
            fail(rel, f"BlogPosting authors must be Persons with name and url: {authors!r}")
        if not n.get("headline") or not n.get("datePublished"):
            fail(rel, "BlogPosting lacks headline or datePublished")
        if kind in ("article", "link") and expect and n.get("headline") not in expect:
            fail(rel, f"JSON-LD headline {n.get('headline')!r} is not one of the hostile titles verbatim")
    if "ProfilePage" in types:
        me = types["ProfilePage"].get("mainEntity")
        if not (isinstance(me, dict) and me.get("@type") == "Person" and me.get("name")):
            fail(rel, f"ProfilePage mainEntity is not a named Person: {me!r}")
    if "CollectionPage" in types:
        check_abs(rel, types["CollectionPage"].get("url"), base, "CollectionPage url")
    if "BreadcrumbList" in types:
        items = types["BreadcrumbList"].get("itemListElement") or []
        if [i.get("position") for i in items] != list(range(1, len(items) + 1)) or len(items) < 2:
            fail(rel, "BreadcrumbList positions are not 1..n (n >= 2)")
        for i in items:
            if not i.get("name"):
                fail(rel, "breadcrumb without name")
            check_abs(rel, i.get("item"), base, "breadcrumb item")
    if kind in ("article", "link") and expect:
        for label, got in (("<h1>", p.h1), ("<title>", p.title)):
            count("hostile title round-trips (HTML)")
            if not any(got == t or got.startswith(t + " ") for t in expect):
                fail(rel, f"{label} {got!r} does not start with a hostile title verbatim")
    return {"kind": kind, "noindex": noindex}


def check_css(out, base):
    for f in sorted(out.rglob("*.css")):
        for m in re.finditer(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", f.read_text(encoding="utf-8")):
            u = m.group(1) or m.group(2)
            if not u.startswith("data:") and not host_ok(u, base):
                fail("/" + f.relative_to(out).as_posix(), f"loads {u!r} from another host")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", required=True, type=Path, help="built output directory")
    ap.add_argument("--source", required=True, type=Path, help="site source directory (with site.yaml)")
    ap.add_argument("--expect-title", action="append", default=[], help="title that must round-trip exactly")
    args = ap.parse_args()
    out, source = args.site.resolve(), args.source.resolve()
    cfg = yaml.safe_load((source / "site.yaml").read_text(encoding="utf-8"))
    base = cfg["base_url"].rstrip("/")
    feeds = cfg.get("feeds") or {}
    limit = int(feeds.get("limit", 20))
    formats = feeds.get("formats") or ["atom", "json"]

    drafts, aliases = [], []
    for d in ("articles", "links", "pages"):
        for f in sorted((source / d).rglob("*.md")) if (source / d).is_dir() else []:
            fm = front_matter(f)
            if fm.get("draft") is True and fm.get("title"):
                drafts.append(str(fm["title"]))
            aliases += [str(a) for a in fm.get("aliases") or []]

    index = check_search_index(out, base, args.expect_title)
    atoms, jsons = check_feeds(out, base, limit, formats, index, args.expect_title)
    check_opml(out, base, source, atoms, jsons)
    pages = {f: check_page(out, base, f, args.expect_title) for f in sorted(out.rglob("*.html"))}
    check_sitemap(out, base, aliases, pages)
    check_css(out, base)

    for a in aliases:
        target = out / a.strip("/") / "index.html"
        if not target.is_file() or not pages.get(target, {}).get("noindex"):
            fail(a, "alias has no redirect page in the output")
    # A draft must not leak anywhere: not in pages, feeds, sitemap, OPML or the search index.
    for t in drafts:
        forms = {t, html.escape(t, quote=False), html.escape(t), json.dumps(t)[1:-1]}
        for f in out.rglob("*"):
            if f.is_file() and f.suffix in (".html", ".xml", ".json", ".opml", ".txt"):
                text = f.read_text(encoding="utf-8", errors="replace")
                if any(x in text for x in forms):
                    fail("/" + f.relative_to(out).as_posix(), f"contains the draft {t!r}")
        count("drafts checked for leaks")

    print("checked: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    for x in warnings:
        print("  warning: " + x)
    if failures:
        print(f"\n{len(failures)} FAILURE(S) in {out}:", file=sys.stderr)
        for x in failures:
            print("  " + x, file=sys.stderr)
        return 1
    print(f"OK: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
