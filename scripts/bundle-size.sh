#!/usr/bin/env bash
# Prints the release bundle of the SPA: each file raw and gzipped, as the
# server sends it (the .gz copy scripts/build-spa.sh writes with zopfli;
# gzip -9 where a file has none). The first load is what index.html names (the css, the
# JS glue, the split loader, the main wasm); the split wasms are fetched
# when their part (the open chat, Records, Settings) is first shown. Then
# the first load against the bundle before the size work (trunk's release
# build, no size profile, no wasm-opt: 832 KB gzipped, BENCHMARKS.md
# 2026-12-03) and against the budget of 250 KB gzipped.
set -euo pipefail
cd "$(dirname "$0")/../frontend/dist"
budget=$((250 * 1000))
first_load=$(grep -o 'href="/[^"]*"' index.html | sed -e 's|href="/||' -e 's|"$||' | sort -u)
gzipped() { if [ -f "$1.gz" ]; then stat -c %s "$1.gz"; else gzip -9 -n -c "$1" | wc -c; fi; }
line() { printf '  %-66s %9d bytes  %8d gzipped\n' "$1" "$2" "$3"; }
total_raw=0; total_gz=0
echo "first load:"
for f in $first_load; do
  raw=$(stat -c %s "$f"); gz=$(gzipped "$f")
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  line "$f" "$raw" "$gz"
done
line "SPA first load (wasm + js + css)" "$total_raw" "$total_gz"
echo "loaded on first use:"
later_raw=0; later_gz=0
pkg=$(grep -o 'pkg-[0-9a-f]*' index.html | head -1)
for f in "$pkg"/*.wasm "$pkg"/*.js; do
  grep -qxF "$f" <<<"$first_load" && continue
  raw=$(stat -c %s "$f"); gz=$(gzipped "$f")
  later_raw=$((later_raw + raw)); later_gz=$((later_gz + gz))
  line "$f" "$raw" "$gz"
done
line "the rest (every part opened once)" "$later_raw" "$later_gz"
before=832000
awk -v gz="$total_gz" -v budget="$budget" -v before="$before" 'BEGIN {
  printf "  first load / before the size work (832 KB gzipped): %.2fx\n", gz / before
  printf "  first load / budget (250 KB gzipped): %.2fx\n", gz / budget
}'
