#!/usr/bin/env python3
"""Edit-to-reload benchmark for ``kurator serve`` (not a timed test).

    python3 bench/serve.py --site example-site
    python3 bench/gen_site.py --articles 10000 --out /tmp/k10k
    python3 bench/serve.py --site /tmp/k10k/kurator --edits 10

Copies SITE to a temporary folder, starts ``kurator serve COPY --port 0`` on
it, subscribes to the live-reload event stream ``/__kurator/events`` like an
open browser tab showing the article (its ``Referer`` names the article's
page), and then ``--edits`` times appends a sentence to the article's body.
For every edit it measures

* write → reload: from the moment the write is complete to the moment the
  ``reload`` event arrives (what a person looking at the tab waits for,
  minus the browser's own reload);
* the server's own figures from its terminal output: ``Rebuilt in X ms``
  (the whole site rebuilt and served) and, when it prints it, ``open pages
  updated after Y ms`` (the first pass that rendered the open page);
* write → "Rebuilt" line: the same as seen from outside, including the
  watcher's debounce;

and checks that the page then serves the new sentence. Prints median, p90
and max of each. The next edit waits until the previous rebuild finished.

Python 3.11 standard library only. The server is killed and the copy removed
on exit (also on Ctrl-C or a failure); any failure exits non-zero.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import math
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------
# Picking the article
# --------------------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)


def front_matter_value(fm: str, key: str) -> str | None:
    """The scalar value of a top-level ``key:`` line, unquoted (enough for
    title, date and draft; this is not a YAML parser)."""
    m = re.search(rf"^{key}:[ \t]*(.*?)[ \t]*$", fm, re.M)
    if not m:
        return None
    v = m.group(1)
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return json.loads(v) if "\\" in v else v[1:-1]
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return v[1:-1].replace("''", "'")
    return v


def parse_date(s: str) -> datetime | None:
    try:
        d = datetime.fromisoformat(s.strip())
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def newest_article(site: Path) -> Path:
    """The published article (not a draft, not future-dated) with the latest
    date, relative to the site."""
    now = datetime.now(timezone.utc)
    best: tuple[datetime, str] | None = None
    for p in (site / "articles").rglob("*.md"):
        if any(part.startswith(".") for part in p.relative_to(site).parts):
            continue
        m = FRONT_MATTER.match(p.read_text(encoding="utf-8", errors="replace"))
        if not m:
            continue
        fm = m.group(1)
        if (front_matter_value(fm, "draft") or "").lower() == "true":
            continue
        # Without a `date:` the file name's YYYY-MM-DD- prefix is the date.
        named = re.match(r"(\d{4}-\d{2}-\d{2})-", p.name)
        date = parse_date(front_matter_value(fm, "date") or (named.group(1) if named else ""))
        if date is None or date > now:
            continue
        rel = p.relative_to(site).as_posix()
        if best is None or (date, rel) > best:
            best = (date, rel)
    if best is None:
        raise BenchError(f"no published article under {site / 'articles'}")
    return Path(best[1])


def article_url(base: str, site: Path, rel: Path) -> str | None:
    """The article's page, looked up by title (and date) in the search index."""
    fm = FRONT_MATTER.match((site / rel).read_text(encoding="utf-8"))
    title = front_matter_value(fm.group(1), "title") if fm else None
    named = re.match(r"(\d{4}-\d{2}-\d{2})-", rel.name)
    date = ((front_matter_value(fm.group(1), "date") if fm else None) or (named.group(1) if named else ""))[:10]
    # The search index's document shards (docs/search.md), newest first: the
    # article is usually in the first.
    records = []
    try:
        with urllib.request.urlopen(f"{base}/search/manifest.json", timeout=30) as r:
            m = json.load(r)
        for k in range(-(-m["docs"] // m["docShard"])):
            with urllib.request.urlopen(f"{base}/search/docs/{k}.json", timeout=30) as r:
                records += json.load(r)["docs"]
            if any(x.get("t") == title for x in records):
                break
    except (OSError, ValueError, KeyError):
        return None
    hits = [r for r in records if r.get("k") == "a" and r.get("t") == title]
    hits.sort(key=lambda r: r.get("d") != date)  # the same date first
    return hits[0]["u"] if hits else None


# --------------------------------------------------------------------------
# The server and its event stream
# --------------------------------------------------------------------------


@dataclass
class Server:
    proc: subprocess.Popen
    lines: "queue.Queue[tuple[float, str]]" = field(default_factory=queue.Queue)
    log: list[str] = field(default_factory=list)

    def start_readers(self) -> None:
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            line = line.rstrip("\n")
            self.log.append(line)
            self.lines.put((time.monotonic(), line))

    def wait_line(self, pattern: re.Pattern, timeout: float) -> tuple[float, re.Match]:
        """The next output line matching ``pattern`` (others are skipped)."""
        until = time.monotonic() + timeout
        while True:
            left = until - time.monotonic()
            if left <= 0:
                raise BenchError(f"no line matching /{pattern.pattern}/ within {timeout:.0f} s")
            try:
                t, line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise BenchError(f"kurator serve exited with {self.proc.returncode}")
                continue
            m = pattern.search(line)
            if m:
                return t, m

    def drain(self) -> None:
        while True:
            try:
                self.lines.get_nowait()
            except queue.Empty:
                return

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def peak_rss_kb(self) -> int | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None


class Events:
    """A live-reload event stream read on its own thread: (time, event, data)."""

    def __init__(self, host: str, port: int, referer: str | None):
        self.queue: "queue.Queue[tuple[float, str, str]]" = queue.Queue()
        # No read timeout: heartbeats come every 15 s, a rebuild may take
        # longer. The caller's waits have timeouts instead.
        self.conn = http.client.HTTPConnection(host, port, timeout=None)
        self.headers = {"Referer": referer} if referer else {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = "message", []
        try:
            self.conn.request("GET", "/__kurator/events", headers=self.headers)
            resp = self.conn.getresponse()
            if resp.status != 200:
                self.queue.put((time.monotonic(), "closed", f"/__kurator/events answered {resp.status}"))
                return
            while True:
                raw = resp.fp.readline()
                if not raw:
                    break
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if data:
                        self.queue.put((time.monotonic(), event, "\n".join(data)))
                    event, data = "message", []
                elif line.startswith(":"):
                    continue
                else:
                    name, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if name == "event":
                        event = value
                    elif name == "data":
                        data.append(value)
        except (OSError, ValueError, http.client.HTTPException) as e:
            self.queue.put((time.monotonic(), "closed", str(e)))
            return
        self.queue.put((time.monotonic(), "closed", "end of stream"))

    def wait(self, names: set[str], timeout: float) -> tuple[float, str, str]:
        until = time.monotonic() + timeout
        while True:
            left = until - time.monotonic()
            if left <= 0:
                raise BenchError(f"no {'/'.join(sorted(names))} event within {timeout:.0f} s")
            try:
                t, event, data = self.queue.get(timeout=left)
            except queue.Empty:
                continue
            if event == "closed":
                raise BenchError(f"the event stream closed: {data}")
            if event in names:
                return t, event, data

    def drain(self) -> list[str]:
        seen = []
        while True:
            try:
                seen.append(self.queue.get_nowait()[1])
            except queue.Empty:
                return seen

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------

REBUILT = re.compile(r"^(Rebuilt|Build failed) in (\d+) ms(?:.*open pages updated after (\d+) ms)?")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8", errors="replace")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"median {statistics.median(values):7.0f}   p90 {percentile(values, 90):7.0f}   "
            f"max {max(values):7.0f}   (n={len(values)})")


def run(args: argparse.Namespace) -> dict:
    binary = Path(args.binary).resolve()
    if not os.access(binary, os.X_OK):
        raise BenchError(f"kurator binary not found: {binary} (cargo build --release)")
    source = Path(args.site).resolve()
    if not (source / "site.yaml").is_file():
        raise BenchError(f"{source} has no site.yaml")

    work = Path(tempfile.mkdtemp(prefix="kurator-serve-bench-"))
    cleanups.append(lambda: shutil.rmtree(work, ignore_errors=True) if not args.keep else print(f"copy kept in {work}"))
    site = work / "site"
    t = time.monotonic()
    shutil.copytree(source, site, ignore=shutil.ignore_patterns(".git"))
    rel = Path(args.article) if args.article else newest_article(site)
    if not (site / rel).is_file():
        raise BenchError(f"no article {rel} in {source}")
    print(f"site     {source} (copied in {time.monotonic() - t:.1f} s)")
    print(f"article  {rel}")

    proc = subprocess.Popen(
        [str(binary), "serve", str(site), "--port", "0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8", errors="replace",
        env={**os.environ, "NO_COLOR": "1"},
    )
    server = Server(proc)
    servers.append(server)
    cleanups.append(server.stop)
    server.start_readers()
    _, m = server.wait_line(re.compile(r"^Serving at (http://([^/:]+|\[[^\]]+\]):(\d+))/"), args.start_timeout)
    base, host, port = m.group(1), m.group(2).strip("[]"), int(m.group(3))
    built = next((l for l in server.log if l.startswith("Built ")), "?")
    print(f"server   {base}  {built}")

    url = args.page or article_url(base, site, rel)
    if url is None:
        print("page     not found in the search index: the event stream sends no Referer "
              "(the server then treats the open page as unknown)")
    else:
        print(f"page     {url}")
    events = Events(host, port, f"{base}{url}" if url else None)
    cleanups.append(events.close)
    events.wait({"hello"}, 30)

    path = site / rel
    stamp = format(int(time.time()), "x")
    rows = []
    print(f"\n{'edit':>4} {'write→reload':>13} {'server rebuilt':>15} {'open page first':>16} {'write→rebuilt':>14}  reloads")
    for i in range(1, args.edits + 1):
        time.sleep(args.pause)
        server.drain()
        events.drain()
        sentence = f"\n\nBenchmark-Satz {i} ({stamp}).\n"
        with open(path, "a", encoding="utf-8") as f:
            f.write(sentence)
        written = time.monotonic()
        t_reload, _, _ = events.wait({"reload", "css"}, args.timeout)
        t_rebuilt, m = server.wait_line(REBUILT, args.timeout)
        if m.group(1) == "Build failed":
            raise BenchError(f"edit {i} made the build fail:\n" + "\n".join(server.log[-20:]))
        # A second reload may follow the rebuild; count what arrived.
        time.sleep(0.2)
        reloads = 1 + sum(e in ("reload", "css") for e in events.drain())
        row = {
            "write_to_reload_ms": (t_reload - written) * 1000,
            "server_rebuilt_ms": int(m.group(2)),
            "open_page_first_ms": int(m.group(3)) if m.group(3) else None,
            "write_to_rebuilt_ms": (t_rebuilt - written) * 1000,
            "reloads": reloads,
        }
        rows.append(row)
        first = row["open_page_first_ms"]
        print(f"{i:>4} {row['write_to_reload_ms']:>10.0f} ms {row['server_rebuilt_ms']:>12} ms "
              f"{(str(first) + ' ms') if first is not None else '-':>16} {row['write_to_rebuilt_ms']:>11.0f} ms  {reloads:>7}")
        if url and f"Benchmark-Satz {i} ({stamp})." not in fetch(f"{base}{url}"):
            raise BenchError(f"edit {i}: {url} does not serve the new sentence after the rebuild")

    col = lambda k: [r[k] for r in rows if r[k] is not None]  # noqa: E731
    print()
    print(f"write → reload event     {summary(col('write_to_reload_ms'))}  ms")
    print(f"server 'Rebuilt in'      {summary(col('server_rebuilt_ms'))}  ms")
    print(f"server 'open pages …'    {summary(col('open_page_first_ms'))}  ms")
    print(f"write → 'Rebuilt' line   {summary(col('write_to_rebuilt_ms'))}  ms")
    rss = server.peak_rss_kb()
    if rss:
        print(f"server peak RSS          {rss / 1024:.0f} MiB")
    return {"site": str(source), "article": rel.as_posix(), "page": url, "first_build": built,
            "edits": rows, "peak_rss_kb": rss}


cleanups: list = []
servers: list[Server] = []


def cleanup() -> None:
    while cleanups:
        try:
            cleanups.pop()()
        except Exception as e:  # a cleanup step must not hide the others
            print(f"serve.py: cleanup: {e}", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", default=str(ROOT / "example-site"), help="site folder (default: example-site)")
    ap.add_argument("--binary", default=str(ROOT / "target/release/kurator"),
                    help="kurator binary (default: target/release/kurator)")
    ap.add_argument("--edits", type=int, default=10, help="number of edits (default 10)")
    ap.add_argument("--article", help="article to edit, relative to the site (default: the newest)")
    ap.add_argument("--page", help="URL path of the article's page (default: from the search index)")
    ap.add_argument("--pause", type=float, default=0.5, help="seconds of quiet before each edit (default 0.5)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds to wait for one edit (default 300)")
    ap.add_argument("--start-timeout", type=float, default=600,
                    help="seconds to wait for the first build (default 600)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the site copy")
    args = ap.parse_args()
    if args.edits < 1:
        ap.error("--edits must be at least 1")

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        result = run(args)
    except BenchError as e:
        print(f"serve.py: {e}", file=sys.stderr)
        for server in servers:
            print("--- server output (last 30 lines)\n" + "\n".join(server.log[-30:]), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        cleanup()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
