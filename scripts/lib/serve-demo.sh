# Sourced by the test scripts: starts `dialogdesk serve --demo` on a fresh
# SQLite file in a temporary folder ($work) and a free port, sets $url and
# $server, and stops it and removes the folder on exit.
bin=${DIALOGDESK_BIN:-${CARGO_TARGET_DIR:-target}/debug/dialogdesk}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
# Webhook receivers of the tests listen on loopback.
DATABASE_URL="sqlite://$work/demo.db" DIALOGDESK_DATA_DIR="$work" DIALOGDESK_SPA_DIR=frontend/dist \
  DIALOGDESK_WEBHOOK_ALLOW_PRIVATE=1 \
  "$bin" serve --demo --bind 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
url=
for _ in $(seq 120); do
  url=$(sed -n 's/^dialogdesk listening on //p' "$work/server.log")
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
[ -n "$url" ] || { echo "the server did not start"; cat "$work/server.log"; exit 1; }
