# The two commands of the README. Both do all the set-up a fresh machine needs.
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The console's and GraphiQL's pinned files (console/package-lock.json), copied from npm.
CONSOLE := console/public/vendor/.built

.PHONY: run test lint schema bench lock

LOCK := requirements.lock

# Exactly the versions of the lock file, each checked against its hash; then govgraph
# itself, built with the locked setuptools.
$(INSTALLED): pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --editable .
	$(BIN)/pip check
	touch $@

$(CONSOLE): console/package-lock.json console/vendor.mjs
	cd console && npm ci --no-audit --no-fund --loglevel=error && node vendor.mjs
	touch $@

# Re-resolve every Python package (after a change of pyproject.toml, or to take newer
# versions) into requirements.lock, with hashes; the next make installs from it.
UV := .lock-tools/bin/uv
lock:
	test -x $(UV) || { python3 -m venv .lock-tools && .lock-tools/bin/pip install --quiet uv==0.13.8; }
	echo "setuptools>=69" | $(UV) pip compile pyproject.toml - --extra dev --generate-hashes \
		--python-version 3.11 --custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade) \
		-o $(LOCK)

# Start the local Neo4j, import the demo data when the database is empty, serve
# http://127.0.0.1:8000/graphql. Ctrl-C stops the server and the Neo4j it started.
# Authentication is off (loopback only) unless GOVGRAPH_AUTH says otherwise.
run: $(INSTALLED) $(CONSOLE)
	GOVGRAPH_AUTH=$${GOVGRAPH_AUTH:-off} GOVGRAPH_LOG_FORMAT=$${GOVGRAPH_LOG_FORMAT:-text} \
		$(BIN)/govgraph up

# The whole suite against a real Neo4j (a local test instance, or NEO4J_URI). The browser
# tests (tests/console) need Debian's Chromium, its driver and a Chinese font: installed here when missing
# and run as root; without them those tests are skipped.
test: $(INSTALLED) $(CONSOLE)
	@if ! { command -v chromium && command -v chromedriver; } >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver fonts-wqy-zenhei; } >/dev/null 2>&1 \
	  || echo "Chromium could not be installed; the browser tests will be skipped."; fi
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Export the served schema to schema.graphql (a test fails when it is stale).
schema: $(INSTALLED)
	$(BIN)/govgraph schema --out schema.graphql

# The benchmark of issue #5 (BENCHMARKS.md): govgraph, @neo4j/graphql 7 and hand-written
# Cypher on one Neo4j. SCALE=0.01 (default, minutes), 0.1 or 1; BENCH_NEO4J_URI uses a
# database already holding that scale instead of the bench's own instance.
SCALE ?= $(or $(BENCH_SCALE),0.01)
bench: $(INSTALLED)
	$(BIN)/python -m bench.run --scale $(SCALE) $(BENCH_ARGS)
