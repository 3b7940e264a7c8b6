#!/usr/bin/env bash
# Runs every test of the project: unit and integration tests (cargo), then the
# end-to-end checks (feeds parsed by feedparser, JSON-LD/OPML/sitemap, the Nu
# HTML validator, headless Chromium) and a smoke run of the benchmark.
# Installs the tools the end-to-end checks need when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked
# Tests that mount file systems (full disk, read-only output) need root;
# they are #[ignore = "needs root"] and run here on purpose when we are root.
if [ "$(id -u)" = 0 ]; then
  cargo test --locked --test adversarial -- --ignored
else
  echo "all.sh: not root: skipping the tests marked 'needs root'" >&2
fi
cargo build --locked --release

bash tests/setup-tools.sh
bash tests/e2e/run.sh target/release/kurator

if [ -f bench/run.py ]; then
  python3 bench/run.py --smoke --kurator target/release/kurator
fi
echo "all tests passed"
