#!/usr/bin/env bash
# Installs what dialogdesk needs, when it is missing. Idempotent: a machine
# that has everything is left alone.
#
#   scripts/setup.sh build   what `make run` needs: Rust's wasm32 target,
#                            libpq, wasm-bindgen-cli, binaryen and esbuild
#                            (npm), zopfli
#   scripts/setup.sh test    that, and what `make test` adds: Chromium, the
#                            e2e packages, schemathesis
#   scripts/setup.sh dev     that of build, and trunk for `make dev`
#
# A first `make run` installs only the first group, so it does not wait
# for a browser or for trunk (9 minutes to compile on 2 cores).
set -euo pipefail

mode=${1:-test}
case "$mode" in build | test | dev) ;; *) echo "usage: $0 [build|test|dev]" >&2; exit 2 ;; esac

say() { printf 'setup: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

apt_install() {
  # One `apt-get update` per run, only when something is missing.
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || { say "cargo is missing: install Rust with rustup (https://rustup.rs)"; exit 1; }

# The domain crate is checked for wasm32 because the SPA shares it.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# diesel's PostgreSQL backend links libpq; SQLite is bundled (built from source with cc).
if ! { [ -e /usr/include/postgresql/libpq-fe.h ] || pkg-config --exists libpq 2>/dev/null; }; then
  say "installing libpq-dev (PostgreSQL client library)"
  apt_install libpq-dev
fi
command -v cc >/dev/null || { say "installing a C compiler for the bundled SQLite"; apt_install build-essential; }

# The SPA's release bundle (scripts/build-spa.sh): wasm-bindgen-cli without
# --locked (its lock names a crate version the registry lacks), at the
# wasm-bindgen version of Cargo.lock, so the two always match (--force: a
# binary removed by hand is still "installed" in cargo's own records); and
# binaryen's wasm-opt from npm, pinned by frontend/package-lock.json.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -n "$wbg" ] && ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  say "installing wasm-bindgen-cli $wbg (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$wbg" --force --quiet
fi
command -v node >/dev/null || { say "installing nodejs and npm"; apt_install nodejs npm; }
npm_ci() { # $1: a folder with a package-lock.json; reinstalled whenever the lock changes
  local sum
  sum=$(sha256sum "$1/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$1/node_modules/.dialogdesk-lock" 2>/dev/null)" != "$sum" ]; then
    say "installing the packages of $1 (npm ci)"
    (cd "$1" && npm ci --no-audit --no-fund --silent)
    echo "$sum" > "$1/node_modules/.dialogdesk-lock"
  fi
}
npm_ci frontend
# The gzip copies the server sends are made by zopfli (smaller than gzip -9
# by 4 %, and any browser reads them).
command -v zopfli >/dev/null || { say "installing zopfli"; apt_install zopfli; }

# `make dev`: trunk 0.21.14 with --locked (newer ones need a newer rustc).
if [ "$mode" = dev ]; then
  if ! trunk --version 2>/dev/null | grep -q '0.21.14'; then
    say "installing trunk 0.21.14 (about 9 minutes, once)"
    cargo install trunk --version 0.21.14 --locked --quiet
  fi
  exit 0
fi
[ "$mode" = test ] || exit 0

# Browser tests: Debian's Chromium (never a browser a tool downloads) and
# the e2e packages from the committed lock.
if [ "${DIALOGDESK_SETUP_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null || { say "installing chromium"; apt_install chromium; }
  npm_ci e2e
fi

# Spec fuzzing: schemathesis and its dependencies, pinned, in a virtualenv of
# the project's own (nothing goes into the system Python).
fuzz_venv=.tools/schemathesis
req_sum=$(sha256sum e2e/fuzz/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$fuzz_venv/.dialogdesk-lock" 2>/dev/null)" != "$req_sum" ]; then
  say "installing schemathesis (pinned, into $fuzz_venv)"
  python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
  rm -rf "$fuzz_venv"
  python3 -m venv "$fuzz_venv"
  "$fuzz_venv/bin/pip" install --quiet --disable-pip-version-check -r e2e/fuzz/requirements.txt
  echo "$req_sum" > "$fuzz_venv/.dialogdesk-lock"
fi
