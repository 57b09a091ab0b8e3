#!/usr/bin/env bash
# Starts `dialogdesk serve --demo` on a fresh SQLite file and a free port,
# serving the built SPA, runs the browser tests (e2e/*.test.mjs) against it,
# and stops it. Screenshots land in e2e/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIALOGDESK_BIN:-${CARGO_TARGET_DIR:-target}/debug/dialogdesk}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
DATABASE_URL="sqlite://$work/e2e.db" DIALOGDESK_DATA_DIR="$work" DIALOGDESK_SPA_DIR=frontend/dist \
  "$bin" serve --demo --bind 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 120); do
  url=$(sed -n 's/^dialogdesk listening on //p' "$work/server.log")
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
[ -n "$url" ] || { echo "the server did not start"; cat "$work/server.log"; exit 1; }
echo "browser tests against $url"
cd e2e && DIALOGDESK_URL="$url" node --test spa.test.mjs
