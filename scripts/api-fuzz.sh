#!/usr/bin/env bash
# Spec fuzzing: schemathesis generates requests from the served OpenAPI
# document and runs them against `dialogdesk serve --demo` (fresh SQLite,
# free port) as every kind of caller — anonymous, each role, each API token
# scope. Passes when no run finds a failure (a 5xx, an answer that breaks
# the spec: status, content type, headers, body schema; a wrong method not
# answered 405; auth ignored) and at least MIN_REQUESTS were generated.
#
#   scripts/api-fuzz.sh [examples per operation] [minimum requests] [seed]
#
# `make test` runs a short fixed-seed pass, `make fuzz` a long random one.
#
# Left out, with why:
# - GET /api/v1/stream never ends (covered by the live tests);
# - the positive_data_acceptance check: it expects every request that fits
#   the schema to succeed, but some rules cannot be written in a schema (a
#   cursor this list gave out, the dialog's current version, a step of the
#   chosen flow, from <= to); those answers are documented 4xx;
# - for a logged-in caller, logout (it would end the session under test),
#   and for the admin, resetting passwords (one's own would end it too).
# One worker: with two, schemathesis' own generator (CPython's AST compiler
# under threads) now and then fails with an internal SystemError.
# Runs go from least to most powerful, so that what the admin run deletes
# or deactivates cannot change an earlier run.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-5}
min_requests=${2:-2000}
seed=${3:-}
st=.tools/schemathesis/bin/schemathesis
[ -x "$st" ] || { echo "schemathesis is missing: run scripts/setup.sh"; exit 1; }
# shellcheck source=scripts/lib/serve-demo.sh
source scripts/lib/serve-demo.sh

json_field() { python3 -c "import sys, json; print(json.load(sys.stdin)['$1'])"; }
login() {
  curl -sf "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\": \"$1@demo.local\", \"password\": \"$1-demo\"}" | json_field access_token
}
operator=$(login operator); head=$(login head); admin=$(login admin)
token() {
  curl -sf "$url/api/v1/api-tokens" -H "Authorization: Bearer $admin" -H 'content-type: application/json' \
    -d "{\"name\": \"fuzz $1\", \"scopes\": [\"$1\"]}" | json_field token
}
read_token=$(token read); inbound_token=$(token inbound); bot_token=$(token bot); admin_token=$(token admin)

total=0
failed=()
run() {
  local who=$1 credential=$2; shift 2
  local auth=()
  [ -n "$credential" ] && auth=(-H "Authorization: Bearer $credential")
  local log="$work/$who.log"
  local seeded=()
  [ -n "$seed" ] && seeded=(--seed "$seed")
  echo "fuzzing as $who…"
  if ! "$st" run "$url/api/openapi.json" "${auth[@]}" "${seeded[@]}" \
      --checks all --exclude-checks positive_data_acceptance \
      --exclude-path /api/v1/stream "$@" \
      --max-examples "$examples" --workers 1 --request-timeout 20 \
      --suppress-health-check all --no-color > "$log" 2>&1; then
    failed+=("$who")
    # The failures, or errors (e.g. a request that timed out), and the summary.
    sed -n '/= \(FAILURES\|ERRORS\) =/,$p' "$log" | head -150
  fi
  local generated
  generated=$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$log" | tail -1)
  echo "  $who: ${generated:-0} requests generated"
  total=$((total + ${generated:-0}))
}
run anonymous ""
run operator "$operator" --exclude-path /api/v1/auth/logout
run head "$head" --exclude-path /api/v1/auth/logout
run token-read "$read_token"
run token-inbound "$inbound_token"
run token-bot "$bot_token"
run token-admin "$admin_token"
run admin "$admin" --exclude-path /api/v1/auth/logout --exclude-path '/api/v1/operators/{id}/password'

if grep -qi "panicked" "$work/server.log"; then
  echo "the server panicked:"; grep -i -A5 "panicked" "$work/server.log" | head -40; failed+=(server-panic)
fi
echo "spec fuzzing: $total requests generated in all (at least $min_requests wanted)"
[ "$total" -ge "$min_requests" ] || failed+=("too-few-requests")
if [ ${#failed[@]} -gt 0 ]; then echo "spec fuzzing failed: ${failed[*]}"; exit 1; fi
echo "spec fuzzing: no failures"
