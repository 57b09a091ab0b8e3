#!/usr/bin/env bash
# Prints the release bundle of the SPA (what a first visit downloads): each
# file raw and gzipped (the copy the server sends), the total, and the total
# against the bundle before the size work (trunk's release build, no size
# profile, no wasm-opt: 832 KB gzipped, BENCHMARKS.md 2026-12-03) and
# against the budget of 250 KB gzipped.
set -euo pipefail
cd "$(dirname "$0")/../frontend/dist"
budget=$((250 * 1000))
total_raw=0; total_gz=0
for f in *.wasm *.js *.css; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -n -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-50s %9d bytes  %8d gzipped\n' "$f" "$raw" "$gz"
done
printf '  %-50s %9d bytes  %8d gzipped\n' "SPA first load (wasm + js + css)" "$total_raw" "$total_gz"
before=832000
awk -v gz="$total_gz" -v budget="$budget" -v before="$before" 'BEGIN {
  printf "  first load / before the size work (832 KB gzipped): %.2fx\n", gz / before
  printf "  first load / budget (250 KB gzipped): %.2fx\n", gz / budget
}'
