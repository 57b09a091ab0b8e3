#!/usr/bin/env bash
# Starts `dialogdesk serve --demo` on a fresh SQLite file and a free port,
# serving the built SPA, runs the browser tests (e2e/*.test.mjs) against it,
# and stops it. Screenshots land in e2e/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/serve-demo.sh
source scripts/lib/serve-demo.sh
echo "browser tests against $url"
cd e2e && DIALOGDESK_URL="$url" node --test spa.test.mjs
