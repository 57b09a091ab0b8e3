#!/usr/bin/env bash
# Prints the release bundle of the SPA (what a first visit downloads): each
# file raw and gzipped (the copy the server sends), the total, and the total
# against the budget of 250 KB gzipped (issue 14; before it: 708 KB, then
# 820 KB of trunk's build without a size profile or wasm-opt).
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
awk -v gz="$total_gz" -v budget="$budget" \
  'BEGIN { printf "  first load / budget (250 KB gzipped): %.2fx\n", gz / budget }'
