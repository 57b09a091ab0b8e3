#!/usr/bin/env bash
# Prints the release bundle of the SPA: each file raw and gzipped, and the total.
set -euo pipefail
cd "$(dirname "$0")/../frontend/dist"
total_raw=0; total_gz=0
for f in *.wasm *.js *.css; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-50s %9d bytes  %8d gzipped\n' "$f" "$raw" "$gz"
done
printf '  %-50s %9d bytes  %8d gzipped\n' "SPA bundle (wasm + js + css)" "$total_raw" "$total_gz"
