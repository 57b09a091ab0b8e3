#!/usr/bin/env bash
# Builds the SPA's release bundle into frontend/dist (what `dialogdesk serve`
# serves at /): cargo → wasm-bindgen → wasm-opt → content-hashed names, a
# gzip copy of each asset, and index.html.
#
# Why not `trunk build`: trunk takes 9 minutes to compile on 2 cores, more
# than everything else of a first `make run`. The release bundle needs only
# the three tools below; trunk stays for `make dev` (`trunk serve`, rebuild
# on save), which reads frontend/index.html and Trunk.toml instead.
#
# Needs (installed by scripts/setup.sh): the wasm32 rustup target,
# wasm-bindgen-cli at Cargo.lock's version, and binaryen's wasm-opt from
# frontend/package-lock.json (npm; Debian's 108 cannot read what
# wasm-bindgen 0.2.130 emits).
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
dist=frontend/dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The size profile and `--cfg erase_components` (.cargo/config.toml): the
# numbers behind both are in BENCHMARKS.md.
cargo build --profile wasm-release --target wasm32-unknown-unknown -p dialogdesk-frontend
wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name dialogdesk \
  "$target_dir/wasm32-unknown-unknown/wasm-release/dialogdesk-frontend.wasm"
# The features are those rustc enables for wasm32 by default (and every
# browser the app supports has): wasm-opt must know them to read the module.
frontend/node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
  --enable-sign-ext --enable-multivalue --enable-mutable-globals \
  "$stage/dialogdesk_bg.wasm" -o "$stage/dialogdesk_bg.opt.wasm"

hash_of() { sha256sum "$1" | cut -c1-16; }
rm -rf "$dist"
mkdir -p "$dist"
wasm="dialogdesk-$(hash_of "$stage/dialogdesk_bg.opt.wasm")_bg.wasm"
cp "$stage/dialogdesk_bg.opt.wasm" "$dist/$wasm"
js="dialogdesk-$(hash_of "$stage/dialogdesk.js").js"
cp "$stage/dialogdesk.js" "$dist/$js"
css="style-$(hash_of frontend/style.css).css"
cp frontend/style.css "$dist/$css"

# The page is frontend/index.html (one head for both builds) without
# trunk's lines and the comment about them: the built assets' links go
# before </head>, and the loader into <body>. The loader is inline (the
# server allows it by its hash in the CSP); the wasm is named here, so the
# JS glue never guesses its address.
links="<link rel=\"stylesheet\" href=\"/$css\" /><link rel=\"modulepreload\" href=\"/$js\" /><link rel=\"preload\" href=\"/$wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin />"
loader="<script type=\"module\">import init from '/$js'; init({ module_or_path: '/$wasm' });</script>"
sed -e '/<!--/,/-->/d' -e '/data-trunk/d' \
  -e "s|</head>|  $links\n  </head>|" -e "s|<body></body>|<body>$loader</body>|" \
  frontend/index.html > "$dist/index.html"
grep -q "$wasm" "$dist/index.html" || { echo "spa: the page names no wasm (frontend/index.html changed?)" >&2; exit 1; }

# Served instead of the file to a browser that accepts gzip (routes/spa.rs).
for asset in "$wasm" "$js" "$css"; do
  gzip -9 -k -n "$dist/$asset"
done

total=0
for asset in "$wasm" "$js" "$css"; do
  total=$((total + $(wc -c < "$dist/$asset.gz")))
done
echo "spa: frontend/dist — first load (wasm + js + css) $((total / 1024)) KiB gzipped"
