#!/usr/bin/env bash
# Builds the SPA's release bundle into frontend/dist (what `dialogdesk serve`
# serves at /): cargo → spa-split → wasm-bindgen → wasm-opt → a
# content-hashed folder, a gzip copy of each asset, and index.html.
#
# Why not `trunk build`: trunk takes 9 minutes to compile on 2 cores, more
# than everything else of a first `make run`. The release bundle needs only
# cargo and the tools below; trunk stays for `make dev` (`trunk serve`, rebuild
# on save), which reads frontend/index.html and Trunk.toml instead.
#
# Needs (installed by scripts/setup.sh): the wasm32 rustup target,
# wasm-bindgen-cli at Cargo.lock's version, zopfli, and binaryen's wasm-opt
# and esbuild from frontend/package-lock.json (npm; Debian's 108 cannot read what
# wasm-bindgen 0.2.130 emits).
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
dist=frontend/dist
stage=$(mktemp -d)
trap 'kill "${splitter:-}" 2>/dev/null || true; rm -rf "$stage"' EXIT

# The size profile and `--cfg erase_components` (.cargo/config.toml): the
# numbers behind both are in BENCHMARKS.md. The `split` feature makes the
# functions of frontend/src/ui/split.rs split points.
#
# The wasm cutter (crates/spa-split) builds meanwhile, in a target dir of
# its own so the two cargo runs do not wait for each other's lock: it fills
# the core the wasm's single-threaded LTO leaves idle.
splitter_dir="$target_dir/spa-split"
cargo build --release -p dialogdesk-spa-split --target-dir "$splitter_dir" > "$stage/splitter.log" 2>&1 &
splitter=$!
cargo build --profile wasm-release --target wasm32-unknown-unknown -p dialogdesk-frontend --features split
wait "$splitter" || { cat "$stage/splitter.log" >&2; echo "spa: building crates/spa-split failed" >&2; exit 1; }
# Cut at the split points: dialogdesk.wasm keeps what the first chats page
# runs; each split point (the open chat, Records, a record, Settings) gets
# a wasm of its own, code shared by several of them goes into chunks, and
# __wasm_split.js fetches them (relative to itself) on first use.
"$splitter_dir/release/spa-split" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/dialogdesk-frontend.wasm" "$stage/split"
mkdir "$stage/pkg"
# wasm-bindgen keeps the exports the split wasms call back into, under their
# linker names.
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$stage/pkg" --out-name dialogdesk "$stage/split/dialogdesk.wasm"
find "$stage/split" -maxdepth 1 -type f ! -name dialogdesk.wasm -exec cp {} "$stage/pkg/" \;
# The features are those rustc enables for wasm32 by default (and every
# browser the app supports has): wasm-opt must know them to read a module.
for module in "$stage"/pkg/*.wasm; do
  frontend/node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
    --enable-sign-ext --enable-multivalue --enable-mutable-globals \
    "$module" -o "$module.opt" 2> >(grep -v "unknown name subsection" >&2)
  mv -f "$module.opt" "$module"
done
# The JS glue and the split loader minified (esbuild from
# frontend/package-lock.json): 9.7 → 7.2 KB gzipped. The glue names the
# split loader once per import it takes from it, which esbuild warns about;
# the keys are the same module, so the warning is noise.
minify() { frontend/node_modules/.bin/esbuild --minify --log-level=error "$@"; }
for script in "$stage"/pkg/*.js; do
  minify --format=esm "$script" > "$script.min"
  mv -f "$script.min" "$script"
done

# The scripts and wasms load each other by relative names, so they keep
# them and their folder is named by a hash of them all: a new build is a
# new folder, and every file in it can be cached for good.
hash_of() { sha256sum "$1" | cut -c1-16; }
pkg="pkg-$(cd "$stage/pkg" && sha256sum -- * | sha256sum | cut -c1-16)"
# A page opened before this build still fetches its parts from its own
# folder, so the folders of the two builds before this one stay (a page
# older than that reloads: ui/split.rs); the rest of dist is replaced.
mkdir -p "$dist"
find "$dist" -mindepth 1 -maxdepth 1 ! -name 'pkg-*' -exec rm -rf {} +
rm -rf "${dist:?}/$pkg"
cp -r "$stage/pkg" "$dist/$pkg"
ls -1dt "$dist"/pkg-* | tail -n +4 | xargs -r rm -rf
minify frontend/style.css > "$stage/style.css"
css="style-$(hash_of "$stage/style.css").css"
cp "$stage/style.css" "$dist/$css"
js="$pkg/dialogdesk.js"
wasm="$pkg/dialogdesk_bg.wasm"

# The page is frontend/index.html (one head for both builds) without
# trunk's lines and the comment about them: the built assets' links go
# before </head>, and the loader into <body>. The loader is inline (the
# server allows it by its hash in the CSP); the wasm is named here, so the
# JS glue never guesses its address.
links="<link rel=\"stylesheet\" href=\"/$css\" /><link rel=\"modulepreload\" href=\"/$js\" /><link rel=\"modulepreload\" href=\"/$pkg/__wasm_split.js\" /><link rel=\"preload\" href=\"/$wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin />"
loader="<script type=\"module\">import init from '/$js'; init({ module_or_path: '/$wasm' });</script>"
sed -e '/<!--/,/-->/d' -e '/data-trunk/d' \
  -e "s|</head>|  $links\n  </head>|" -e "s|<body></body>|<body>$loader</body>|" \
  frontend/index.html > "$dist/index.html"
grep -q "$wasm" "$dist/index.html" || { echo "spa: the page names no wasm (frontend/index.html changed?)" >&2; exit 1; }

# Served instead of the file to a browser that accepts gzip (routes/spa.rs).
# zopfli writes gzip that is 4 % smaller than gzip -9's (BENCHMARKS.md);
# it takes a few seconds, so the files are compressed side by side.
compressing=()
for asset in "$dist/$css" "$dist/$pkg"/*; do
  zopfli "$asset" & compressing+=($!)
done
for job in "${compressing[@]}"; do
  wait "$job" || { echo "spa: zopfli failed" >&2; exit 1; }
done

# The first load: what the page fetches before the first chats page shows.
total=0
for asset in "$wasm" "$js" "$pkg/__wasm_split.js" "$css"; do
  total=$((total + $(wc -c < "$dist/$asset.gz")))
done
echo "spa: frontend/dist — first load (wasm + js + css) $((total / 1024)) KiB gzipped"
