#!/usr/bin/env bash
# Screenshots of the example site for README.md and docs/theming.md.
#
#   tests/e2e/screenshots.sh [path/to/kurator] [OUT]   defaults: target/debug/kurator, docs/screenshots
#
# Builds example-site/ with the default theme and once more with
# `theme: newsroom`, serves both on loopback and writes viewport PNGs:
#   OUT/<page>-<width>-<scheme>.png           hub, channel, article, link, author
#                                             × 375, 1280 × light, dark
#   OUT/newsroom-<page>-<width>-<scheme>.png  hub and channel, 375 and 1280, light
# Needs what run.sh needs (Chromium, `npm ci` in tests/e2e); pngquant if present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/kurator}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
out="${2:-$root/docs/screenshots}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
[[ -x "$bin" ]] || { echo "screenshots.sh: kurator binary not found: $bin (run cargo build first)" >&2; exit 2; }
[[ -d "$here/node_modules/playwright-core" ]] || { echo "screenshots.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/kurator-shots.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # serve DIR PORT
  python3 -m http.server --bind 127.0.0.1 --directory "$1" "$2" >"$work/http-$2.log" 2>&1 &
  pids+=("$!")
  local i
  for i in $(seq 100); do
    python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$2/', timeout=1)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "screenshots.sh: server for $1 did not start" >&2
  return 1
}

"$bin" build "$root/example-site" -o "$work/default"
# The same content with the newsroom theme: a copy whose site.yaml says so.
cp -r "$root/example-site" "$work/site-newsroom"
sed -i 's/^theme: .*/theme: newsroom/' "$work/site-newsroom/site.yaml"
grep -q '^theme: newsroom' "$work/site-newsroom/site.yaml"
"$bin" build "$work/site-newsroom" -o "$work/newsroom"

p1="$(free_port)"; serve "$work/default" "$p1"
p2="$(free_port)"; serve "$work/newsroom" "$p2"
node "$here/screenshots.mjs" --site "http://127.0.0.1:$p1" --out "$out"
node "$here/screenshots.mjs" --site "http://127.0.0.1:$p2" --out "$out" --prefix newsroom- \
  --pages "hub=/,channel=/channels/fuehrung-kultur/" --schemes light
# Optional: pngquant (apt-get install pngquant) makes the PNGs about 3x smaller
# with no visible change; exit code 99 means "already small", not an error.
if command -v pngquant >/dev/null; then
  pngquant --quality 65-90 --speed 1 --strip --force --ext .png "$out"/*.png || [[ $? -eq 99 ]]
else
  echo "screenshots.sh: pngquant not found; PNGs left uncompressed" >&2
fi
du -ch "$out"/*.png | tail -1
