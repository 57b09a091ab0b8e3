#!/usr/bin/env bash
# `make bench`: the first chats page's time to the first dialog row in
# headless Chromium (e2e/bench/first-load.mjs), against the release server
# with demo data on a fresh SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
export DIALOGDESK_BIN=${DIALOGDESK_BIN:-${CARGO_TARGET_DIR:-target}/release/dialogdesk}
# shellcheck source=scripts/lib/serve-demo.sh
source scripts/lib/serve-demo.sh
cd e2e && DIALOGDESK_URL="$url" node bench/first-load.mjs
