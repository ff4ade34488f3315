# Two commands for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve-production test install lint unit integration e2e pg-test browser-test schema bench soak soak-short clean lock lock-upgrade lock-check

# Installs exactly what requirements.lock pins (hash-checked), then the project itself without resolving again.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the pinned dependencies (requirements.lock) into $(VENV)"
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --require-hashes -r requirements.lock
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

run: install
	@$(BIN)/sxq migrate
	@$(BIN)/sxq seed demo
	@$(BIN)/sxq serve

# Production (README "Production"): the environment carries SXQ_MODE=production, SXQ_MASTER_KEY, the database and
# the vendors; the CA was made once (`sxq ca init` or `sxq ca import`). No demo data: `sxq seed demo` is sandbox-only.
serve-production: install
	@test "$$SXQ_MODE" = production || { echo "serve-production: set SXQ_MODE=production (README: Production)" >&2; exit 2; }
	$(BIN)/sxq serve --migrate

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q -n auto -m "not browser"

# The browser tests (tests/browser) in Debian's headless Chromium; .ci/install-browser installs it when missing.
browser-test: install
	./.ci/install-browser
	$(BIN)/python -m pytest -q -n auto -m browser tests/browser

# The adapter, end-to-end and contract tests again, against PostgreSQL (URL in SXQ_TEST_DATABASE_URL); tests that
# run a subprocess on its own SQLite file (marked own_database) already ran in `make test`.
pg-test: install
	$(BIN)/python -m pytest -q -n auto -m "not own_database and not browser" tests/integration tests/e2e tests/contract

schema: install
	$(BIN)/sxq schema > schema.graphql

bench: install
	$(BIN)/python bench/graphql_overhead.py

# The soak with faults against 2 serve + 1 worker on PostgreSQL (PGHOST/PGPORT/PGUSER or SXQ_SOAK_ADMIN_DSN) and
# Redis behind a proxy (bench/soak.py): 15 minutes, 6 users; the chart goes to var/soak.png. soak-short: .ci/run's.
soak: install
	$(BIN)/python bench/soak.py --seconds 900 --lanes 6 --chart var/soak.png

soak-short: install
	$(BIN)/python bench/soak.py --seconds 60 --drain-seconds 180 --chart var/soak-ci.png

# After changing dependencies in pyproject.toml: re-pin (keeping the pins that still fit) with hashes, for
# CPython 3.11 on Linux x86_64 (tools/lock.py; uses uv). lock-upgrade moves every pin to the newest allowed.
$(BIN)/uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --disable-pip-version-check "uv>=0.5,<1" packaging

lock: $(BIN)/uv
	$(BIN)/python tools/lock.py

lock-upgrade: $(BIN)/uv
	$(BIN)/python tools/lock.py --upgrade

# Offline: fails when pyproject.toml and requirements.lock disagree (also a test in `make test`).
lock-check: install
	$(BIN)/python tools/lock.py --check

clean:
	rm -rf $(VENV) var .pytest_cache
