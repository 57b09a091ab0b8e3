# dialogdesk — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO ?= cargo
DATABASE_URL ?= sqlite://data/dialogdesk.db
DATABASE_URL_PG ?= postgres://postgres@127.0.0.1:5432/test
export DATABASE_URL_PG

.PHONY: help setup setup-test dev build spa run test check fmt clippy wasm-check pg-notice openapi bench browser-test e2e api-scenarios client-ts api-fuzz fuzz

help:
	@echo "make run    build everything and serve http://127.0.0.1:8080 with demo data (SQLite)"
	@echo "make test   every test: Rust (SQLite + PostgreSQL), the SPA in headless Chromium, wasm builds, fmt, clippy"
	@echo "make check  fmt, clippy -D warnings, wasm build of the domain crate"
	@echo "make e2e    API scenarios via the generated client, browser tests, spec fuzzing (part of make test)"
	@echo "make fuzz   long spec fuzzing (>= 20,000 requests, random seed) as every role and token scope"
	@echo "make client-ts  a typed TypeScript client from the committed spec"
	@echo "make openapi  regenerate openapi/openapi.json from the code (commit the result)"
	@echo "make bench  measure; figures are printed as ratios to a baseline of the same run"
	@echo "make dev    the SPA from trunk serve on :8081 (rebuilt on save), the API of \`make run\` on :8080"

# What `make run` needs; `setup-test` adds the browser and the test tools.
setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

build: setup spa
	$(CARGO) build --release -p dialogdesk-cli

# The web app (Leptos, wasm32) into frontend/dist, which `dialogdesk serve`
# serves at /: cargo + spa-split + wasm-bindgen + wasm-opt (scripts/build-spa.sh).
spa: setup
	scripts/build-spa.sh

# Development: trunk rebuilds the SPA on save and proxies /api/ to :8080.
dev:
	@scripts/setup.sh dev
	cd frontend && trunk serve

run: build
	DATABASE_URL='$(DATABASE_URL)' ./target/release/dialogdesk serve --demo

fmt:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p dialogdesk-frontend --target wasm32-unknown-unknown -- -D warnings
	$(CARGO) clippy -p dialogdesk-frontend --target wasm32-unknown-unknown --features split -- -D warnings

wasm-check:
	$(CARGO) build -p dialogdesk-domain --target wasm32-unknown-unknown

check: setup-test fmt clippy wasm-check

# Say once, clearly, when the PostgreSQL half of the tests will be skipped.
pg-notice:
	@if command -v pg_isready >/dev/null && pg_isready -q -d '$(DATABASE_URL_PG)'; then \
	  echo "PostgreSQL at $(DATABASE_URL_PG): the store and serve tests run on SQLite and PostgreSQL"; \
	elif [ "$${DIALOGDESK_REQUIRE_PG:-}" = 1 ]; then \
	  echo "PostgreSQL is required (DIALOGDESK_REQUIRE_PG=1) but $(DATABASE_URL_PG) does not answer"; exit 1; \
	else \
	  echo "PostgreSQL not reachable at $(DATABASE_URL_PG): skipping the PostgreSQL half of the tests"; \
	fi

test: check pg-notice spa
	$(CARGO) test --workspace
	$(MAKE) e2e

# Black-box: API scenarios through the client generated from the committed
# spec (generation + type check are part of it), then the SPA in Chromium.
e2e: setup-test
	$(CARGO) build -p dialogdesk-cli
	$(MAKE) api-scenarios browser-test api-fuzz

# Spec fuzzing as every role and token scope (scripts/api-fuzz.sh): a short
# fixed-seed pass in `make test` (about 18,000 requests, 2 min), a long
# random one in `make fuzz`.
api-fuzz:
	scripts/api-fuzz.sh 2 2000 1

fuzz: setup-test
	$(CARGO) build -p dialogdesk-cli
	scripts/api-fuzz.sh 25 20000

api-scenarios:
	cd e2e && npm run --silent build && node --test build/api/

# A typed TypeScript client (types for openapi-fetch) for QA engineers.
client-ts: setup-test
	cd e2e && npx openapi-typescript ../openapi/openapi.json -o ../clients/typescript/dialogdesk.d.ts
	@echo "wrote clients/typescript/dialogdesk.d.ts (use with openapi-fetch)"

# The SPA in headless Chromium against a freshly started server with demo data.
browser-test:
	scripts/browser-test.sh

# The committed spec; a test fails when it drifts from what the server serves.
openapi:
	$(CARGO) run -q -p dialogdesk-cli -- openapi > openapi/openapi.json
	@echo "wrote openapi/openapi.json"

# Speed is measured here, never asserted in a test.
# BENCH_DIALOGS changes the size (default 1,000,000 on PostgreSQL, 100,000
# on SQLite); the seeded databases are kept for the next run.
bench: setup-test spa
	$(CARGO) bench -p dialogdesk-api --bench fanout
	$(CARGO) bench -p dialogdesk-api --bench webhooks
	BENCH_BACKEND=postgres $(CARGO) bench -p dialogdesk-api --bench scale
	BENCH_BACKEND=sqlite $(CARGO) bench -p dialogdesk-api --bench scale
	@echo "SPA release bundle:"
	@scripts/bundle-size.sh
	$(CARGO) build --release -p dialogdesk-cli
	scripts/bench-first-load.sh
