#!/usr/bin/env bash
# Installs what building and testing dialogdesk needs, when it is missing.
# Idempotent: a machine that has everything is left alone.
set -euo pipefail

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
