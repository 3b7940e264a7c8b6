#!/usr/bin/env bash
# Bounded load check of `kurator serve` (see README.md).
#
#   tests/e2e/load.sh [path/to/kurator]      default: target/debug/kurator
#
# Serves a copy of example-site/ and, while a loop edits one article every
# ~200 ms (so the server rebuilds all the time), runs
#   wrk -t2 -c50 -d5s --latency
# against the hub, that article, a stylesheet and a missing page, one after
# the other. Fails unless
#   - wrk saw no socket error (connect, read, write, or a response slower
#     than 2 s: wrk's default timeout),
#   - every response was 200 (404 for the missing page),
#   - the server is still running and answers afterwards,
#   - the article's last edit is what is served once the edits stop.
# Prints requests/s and latency (average, p50, p90, p99, max) per URL.
# Env: LOAD_DURATION=5s LOAD_CONNECTIONS=50 LOAD_THREADS=2 LOAD_EDIT_INTERVAL=0.2
#      LOAD_TIMEOUT=2s
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/kurator}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[[ -x "$bin" ]] || { echo "load.sh: kurator binary not found: $bin (run cargo build first)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load.sh: wrk not found (tests/setup-tools.sh installs it)" >&2; exit 2; }

duration="${LOAD_DURATION:-5s}"
connections="${LOAD_CONNECTIONS:-50}"
threads="${LOAD_THREADS:-2}"
interval="${LOAD_EDIT_INTERVAL:-0.2}"
# A response slower than this counts as a socket error (wrk's default).
timeout="${LOAD_TIMEOUT:-2s}"
article=articles/2023/2023-02-14-warum-dieser-hub.md
article_url=/2023/02/warum-dieser-hub/

work="$(mktemp -d "${TMPDIR:-/tmp}/kurator-load.XXXXXX")"
server=""
editor=""
cleanup() {
  local pid
  for pid in $editor $server; do kill "$pid" 2>/dev/null || true; done
  for pid in $editor $server; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "load.sh: FAIL $*" >&2
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/serve.err" >&2 || true
  exit 1
}

cp -r "$root/example-site" "$work/site"
cp "$work/site/$article" "$work/article.orig"
"$bin" serve "$work/site" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
base=""
for _ in $(seq 1200); do # up to 120 s for the first build
  base="$(sed -n 's|^Serving at \(http://127\.0\.0\.1:[0-9]*\)/$|\1|p' "$work/serve.out")"
  [[ -n "$base" ]] && break
  kill -0 "$server" 2>/dev/null || fail "kurator serve exited before serving"
  sleep 0.1
done
[[ -n "$base" ]] || fail "no 'Serving at' line from kurator serve"
echo "kurator serve at $base: $(grep -m1 '^Built' "$work/serve.err" || true)"

# Counts response statuses across wrk's threads (wrk alone only reports
# "non-2xx or 3xx", which would let a 302 or 500 pass for the missing page).
cat >"$work/status.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("figures: rps=%.0f avg_ms=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests / (summary.duration / 1e6), latency.mean / 1000, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  local e = summary.errors
  io.write(string.format("socket_errors: connect=%d read=%d write=%d timeout=%d status=%d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
end
LUA

# The editor: appends a numbered sentence to the article every $interval s.
(
  i=0
  while :; do
    i=$((i + 1))
    { cat "$work/article.orig"; printf '\nLastprobe Nummer %d.\n' "$i"; } >"$work/site/$article"
    echo "$i" >"$work/last-edit"
    sleep "$interval"
  done
) &
editor=$!

failures=0
printf '\n%-8s %-28s %9s %9s %9s %9s %9s %9s  %s\n' url path req/s avg_ms p50_ms p90_ms p99_ms max_ms statuses
for spec in "hub / 200" "article $article_url 200" "css /css/kurator.css 200" "404 /no-such-page/ 404"; do
  read -r name url want <<<"$spec"
  out="$work/wrk-$name.txt"
  wrk -t"$threads" -c"$connections" -d"$duration" --timeout "$timeout" -s "$work/status.lua" "$base$url" >"$out" 2>&1 \
    || { cat "$out" >&2; fail "wrk failed for $url"; }
  statuses="$(sed -n 's/^statuses: //p' "$out")"
  read -r rps avg p50 p90 p99 max <<<"$(sed -n 's/^figures: //p' "$out" | sed 's/[a-z0-9_]*=//g')"
  errors="$(sed -n 's/^socket_errors: //p' "$out")"
  printf '%-8s %-28s %9s %9s %9s %9s %9s %9s  %s\n' "$name" "$url" "$rps" "$avg" "$p50" "$p90" "$p99" "$max" "$statuses"
  if [[ "$errors" != "connect=0 read=0 write=0 timeout=0 status="* ]]; then
    echo "  FAIL $url: socket errors: $errors" >&2; failures=$((failures + 1))
  fi
  if [[ ! "$statuses" =~ ^$want=[0-9]+$ ]]; then
    echo "  FAIL $url: expected only $want responses, got: ${statuses:-none}" >&2; failures=$((failures + 1))
  fi
done

kill "$editor" 2>/dev/null || true
wait "$editor" 2>/dev/null || true
editor=""
# Killing the loop can cut a write short, so the last edit is made here, once
# nothing else writes to the file.
last=$(($(cat "$work/last-edit") + 1))
{ cat "$work/article.orig"; printf '\nLastprobe Nummer %d.\n' "$last"; } >"$work/site/$article"
written=$(date +%s%N)
kill -0 "$server" 2>/dev/null || fail "kurator serve died under load"

# The last edit must be served once the server has caught up.
served=""
for _ in $(seq 300); do # up to 30 s
  if curl -fsS --max-time 5 "$base$article_url" -o "$work/article.html" 2>/dev/null \
    && grep -q "Lastprobe Nummer $last\." "$work/article.html"; then
    served=yes; break
  fi
  sleep 0.1
done
[[ -n "$served" ]] || fail "the last edit (Lastprobe Nummer $last) is not served at $article_url within 30 s"
rebuilds="$(grep -c '^Rebuilt in' "$work/serve.err" || true)"
rss="$(awk '/^VmHWM/ {print $2 " " $3}' "/proc/$server/status" 2>/dev/null || echo "?")"
echo
echo "edits: $last (every ${interval}s), rebuilds finished: $rebuilds, server peak RSS: $rss"
echo "  ok   the last edit (Lastprobe Nummer $last) is served, $(( ($(date +%s%N) - written) / 1000000 )) ms after the write"
code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "$base/")"
[[ "$code" == 200 ]] || fail "the hub answers $code after the load, not 200"
echo "  ok   the server is still up and answers 200"
((failures == 0)) || fail "$failures wrk check(s) failed"
echo "load.sh: all checks passed"
