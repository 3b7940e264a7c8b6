#!/usr/bin/env python3
"""Search benchmark: kurator's sharded index side by side with Pagefind.

    python3 bench/search.py [--articles 10000] [--runs 3] [--work /dev/shm/kurator-search-bench]
                            [--kurator target/release/kurator] [--noindex PATH]
                            [--pagefind PATH] [--skip-pagefind] [--json FILE]

1. Writes the reference corpus (../shared/bench/gen.py, or bench/gen_site.py's
   fallback is not used: the budgets are stated on the reference corpus) with
   N articles and N/2 links, unless it is already there.
2. Build time: `kurator build` with the index and a kurator built from the
   same source without the index's routes (`--noindex`, else built here from
   `git archive HEAD` with the one line that adds them removed), alternating,
   `--runs` times each; median wall time, CPU time and peak RSS.
3. Indexes the same built folder with Pagefind (npm `pagefind`), timed, with
   its peak RSS.
4. Serves the folder on loopback the way a static host would (gzip for text
   types, Pagefind's pre-compressed files as they are) and measures first
   queries in headless Chromium (bench/search_browser.mjs): ms from the last
   keystroke to the results, requests and bytes on the wire after typing.
5. Prints a Markdown table with both engines and the ratios, and the index
   sizes on disk.

Python 3.11 standard library only, plus node and tests/e2e/node_modules.
See docs/search.md for the figures of the last run.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
GEN = REPO.parent / "shared" / "bench" / "gen.py"
QUERIES = ["kultur", "gesellschaft", "entwick", "müller", "gesellschft", "datenschutz", "kultur wandel",
           "daten cloud strategie", "esellschaft", "gseellschaft"]
KURATOR_PROBE: list[Path] = []
GZIP_TYPES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".wasm", ".mjs"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def timed(cmd: list[str], **kw) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall seconds and peak RSS (KiB, from the child's own rusage) of a
    command; its CPU seconds (user + sys) go to `LAST_CPU`."""
    import tempfile
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cp = subprocess.CompletedProcess(cmd, p.returncode, out.read(), err.read())
    if cp.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{cp.stderr.decode(errors='replace')[-3000:]}")
    LAST_CPU[0] = ru.ru_utime + ru.ru_stime
    return wall, ru.ru_maxrss, cp


LAST_CPU = [0.0]
def corpus(work: Path, n: int) -> Path:
    site = work / f"corpus-{n}" / "kurator"
    if not (site / "site.yaml").exists():
        log(f"writing the reference corpus ({n} articles) ...")
        subprocess.run([sys.executable, str(GEN), "--articles", str(n), "--out", str(site.parent),
                        "--seed", "20260101", "--forms", "kurator"], check=True)
    # gen.py writes `feeds.content: summary` for a kurator that knows the key;
    # a binary that does not would refuse the site. Feeds do not touch search.
    cfg = site / "site.yaml"
    text = cfg.read_text()
    probe = subprocess.run([str(KURATOR_PROBE[0]), "check", str(site)], capture_output=True, text=True) if KURATOR_PROBE else None
    if probe is not None and "unknown key `content`" in probe.stdout + probe.stderr:
        cfg.write_text(text.replace("  content: summary\n", ""))
    return site


def noindex_binary(work: Path) -> Path:
    """kurator from HEAD with the search index's routes left out
    (`search_routes` in src/site/routes.rs)."""
    src, target = work / "noindex-src", work / "noindex-target"
    binary = target / "release" / "kurator"
    if binary.exists():
        return binary
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    mod = src / "src" / "site" / "routes.rs"
    text = mod.read_text()
    line = "        search_routes(&mut b, site);\n"
    if line not in text:
        raise SystemExit("bench/search.py: cannot find the search routes in src/site/routes.rs")
    mod.write_text(text.replace(line, ""))
    if not target.exists() and (REPO / "target" / "release").is_dir():
        log("seeding the no-index build from target/release ...")
        shutil.copytree(REPO / "target" / "release", target / "release", symlinks=True)
    log("building kurator without the search index ...")
    subprocess.run(["cargo", "build", "--release", "--manifest-path", str(src / "Cargo.toml")],
                   check=True, env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    return binary


def du(path: Path) -> tuple[int, int]:
    """(bytes, files) under path."""
    total = files = 0
    for p in path.rglob("*"):
        if p.is_file():
            total += p.stat().st_size
            files += 1
    return total, files


def gz_size(path: Path) -> int:
    return sum(len(gzip.compress(p.read_bytes(), 6)) for p in path.rglob("*.json"))


PAGEFIND_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Pagefind</title></head>
<body><input type="search" id="pf-input" aria-label="Suche"><p id="pf-status"></p><ol id="pf-results"></ol>
<script type="module">
// The same work as kurator's page: a search per input (after the same 60 ms
// pause), then the data (title, URL, excerpt) of the first ten results.
const pagefind = await import("/pagefind/pagefind.js");
const input = document.getElementById("pf-input"), list = document.getElementById("pf-results");
input.addEventListener("focus", () => pagefind.init(), { once: true });
let timer = 0, seq = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    const mine = ++seq;
    const s = await pagefind.search(input.value);
    const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
    if (mine !== seq) return;
    document.getElementById("pf-status").textContent = s.results.length + " results";
    list.dataset.q = input.value;
    list.replaceChildren(...data.map((d) => {
      const li = document.createElement("li");
      li.textContent = d.meta.title + " — " + d.excerpt.replace(/<[^>]*>/g, "");
      return li;
    }));
  }, 60);
});
</script></body></html>
"""


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A static host on loopback: gzip for text types when asked, everything
    else (Pagefind's pre-compressed .pf_* files) as it is on disk."""
    cache: dict[Path, bytes] = {}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/__pagefind.html":
                body, ctype, f = PAGEFIND_PAGE.encode(), "text/html; charset=utf-8", None
            else:
                f = (root / path.lstrip("/")).resolve()
                if f.is_dir():
                    f = f / "index.html"
                if root.resolve() not in f.parents or not f.is_file():
                    self.send_error(404)
                    return
                body = f.read_bytes()
                ctype = {".html": "text/html; charset=utf-8", ".json": "application/json", ".js": "text/javascript",
                         ".css": "text/css", ".wasm": "application/wasm", ".svg": "image/svg+xml"}.get(
                    f.suffix, "application/octet-stream")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            suffix = f.suffix if f else ".html"
            if suffix in GZIP_TYPES and "gzip" in self.headers.get("Accept-Encoding", ""):
                key = f or Path("/__pagefind.html")
                with lock:
                    if key not in cache:
                        cache[key] = gzip.compress(body, 6)
                    body = cache[key]
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


def browse(url: str, engine: str, page: str, runs: int) -> list[dict]:
    cmd = ["node", str(BENCH / "search_browser.mjs"), "--url", url, "--page", page, "--engine", engine,
           "--queries", json.dumps(QUERIES, ensure_ascii=False), "--runs", str(runs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def median_by_query(rows: list[dict]) -> dict[str, dict]:
    out = {}
    for q in QUERIES:
        rs = [r for r in rows if r["query"] == q]
        if rs:
            out[q] = {k: statistics.median(r[k] for r in rs) for k in
                      ("ms", "requests_after", "bytes_after", "requests_total", "bytes_total", "shown")}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/dev/shm/kurator-search-bench"))
    ap.add_argument("--kurator", type=Path, default=REPO / "target" / "release" / "kurator")
    ap.add_argument("--noindex", type=Path)
    ap.add_argument("--pagefind", type=Path, help="pagefind binary (default: npm install pagefind@1.6 under WORK)")
    ap.add_argument("--skip-pagefind", action="store_true")
    ap.add_argument("--skip-build-time", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="query WORK/out as it is (no build, no Pagefind run)")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    KURATOR_PROBE.append(a.kurator)
    site = corpus(a.work, a.articles)
    out = a.work / "out"
    result: dict = {"articles": a.articles, "links": a.articles // 2}

    if not a.skip_build_time:
        noindex = a.noindex or noindex_binary(a.work)
        walls: dict[str, list[float]] = {"with index": [], "without index": []}
        cpus: dict[str, list[float]] = {"with index": [], "without index": []}
        rss_of: dict[str, int] = {}
        for i in range(a.runs + 1):  # the first round warms the page cache
            for name, binary in (("with index", a.kurator), ("without index", noindex)):
                dest = a.work / f"out-{name.replace(' ', '-')}"
                shutil.rmtree(dest, ignore_errors=True)
                wall, rss, _ = timed([str(binary), "build", str(site), "-o", str(dest)])
                log(f"build {name}: {wall:.2f} s wall, {LAST_CPU[0]:.2f} s CPU, {rss // 1024} MiB")
                rss_of[name] = rss // 1024
                if i:
                    walls[name].append(wall)
                    cpus[name].append(LAST_CPU[0])
        result["build"] = {k: statistics.median(v) for k, v in walls.items()}
        result["build_cpu"] = {k: statistics.median(v) for k, v in cpus.items()}
        result["build_rss_mib"] = rss_of
        result["build_runs"] = {"wall": walls, "cpu": cpus}
    if not a.reuse:
        shutil.rmtree(out, ignore_errors=True)
        wall, rss, _ = timed([str(a.kurator), "build", str(site), "-o", str(out)])
        result.setdefault("build", {})["last"] = wall
    size, files = du(out / "search")
    result["kurator_index"] = {"bytes": size, "files": files, "gzip_bytes": gz_size(out / "search")}

    if not a.skip_pagefind and not a.reuse:
        pf = a.pagefind
        if pf is None:
            npm = a.work / "pagefind-npm"
            npm.mkdir(exist_ok=True)
            if not (npm / "node_modules" / ".bin" / "pagefind").exists():
                subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "pagefind@1.6"],
                               cwd=npm, check=True)
            pf = npm / "node_modules" / ".bin" / "pagefind"
        log("indexing with Pagefind ...")
        wall, rss, cp = timed([str(pf), "--site", str(out)])
        size, files = du(out / "pagefind")
        result["pagefind_index"] = {"seconds": wall, "peak_rss_mib": rss // 1024, "bytes": size, "files": files}
        lines = [l for l in cp.stdout.decode(errors="replace").splitlines() if l.startswith("Running Pagefind")]
        result["pagefind_version"] = lines[0].removeprefix("Running ") if lines else "Pagefind"

    srv, url = serve(out)
    try:
        log("first queries in Chromium (kurator) ...")
        result["kurator"] = median_by_query(browse(url, "kurator", "/search/", a.runs))
        if not a.skip_pagefind:
            log("first queries in Chromium (Pagefind) ...")
            result["pagefind"] = median_by_query(browse(url, "pagefind", "/__pagefind.html", a.runs))
    finally:
        srv.shutdown()
    print(report(result))
    if a.json:
        a.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


def report(r: dict) -> str:
    lines = [f"Reference corpus: {r['articles']} articles + {r['links']} links; medians of the runs.", ""]
    b = r.get("build", {})
    if "with index" in b:
        over = b["with index"] / b["without index"] - 1
        c = r["build_cpu"]
        cover = c["with index"] / c["without index"] - 1
        m = r["build_rss_mib"]
        lines.append(f"Build: {b['with index']:.2f} s with the index, {b['without index']:.2f} s without "
                     f"(index adds {over * 100:+.1f} % wall; budget +10 %); CPU {c['with index']:.1f} s vs "
                     f"{c['without index']:.1f} s ({cover * 100:+.1f} %); peak RSS {m['with index']} vs "
                     f"{m['without index']} MiB.")
    k = r["kurator_index"]
    lines.append(f"kurator index on disk: {k['bytes'] / 2**20:.1f} MiB in {k['files']} files "
                 f"({k['gzip_bytes'] / 2**20:.1f} MiB gzip-compressed).")
    if "pagefind_index" in r:
        p = r["pagefind_index"]
        lines.append(f"{r.get('pagefind_version', 'Pagefind')}: indexing {p['seconds']:.1f} s, peak RSS "
                     f"{p['peak_rss_mib']} MiB; on disk {p['bytes'] / 2**20:.1f} MiB in {p['files']} files.")
    lines += ["", "| query | kurator ms | kurator req | kurator KiB | Pagefind ms | Pagefind req | Pagefind KiB | time ratio | bytes ratio |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for q in QUERIES:
        kq = r["kurator"].get(q)
        pq = r.get("pagefind", {}).get(q)
        if not kq:
            continue
        cells = [q, f"{kq['ms']:.0f}", f"{kq['requests_after']:.0f}", f"{kq['bytes_after'] / 1024:.1f}"]
        if kq["shown"] == 0:
            cells[1] += " (0 results)"
        if pq:
            none = " (0 results)" if not pq["shown"] else ""
            cells += [f"{pq['ms']:.0f}{none}", f"{pq['requests_after']:.0f}", f"{pq['bytes_after'] / 1024:.1f}",
                      f"{kq['ms'] / pq['ms']:.2f}" if pq["ms"] else "–",
                      f"{kq['bytes_after'] / pq['bytes_after']:.2f}" if pq["bytes_after"] else "–"]
        else:
            cells += ["–"] * 5
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "ms: last keystroke to the last change of the result list (10 results shown); req/KiB: "
              "requests and bytes on the wire (gzip as sent) after the first keystroke. The manifest "
              "(kurator) and pagefind.init() (Pagefind) load when the field gets focus, before typing."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
