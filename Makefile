# Two commands for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint unit integration e2e pg-test browser-test schema bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/sxq migrate
	$(BIN)/sxq seed demo
	$(BIN)/sxq serve

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

clean:
	rm -rf $(VENV) var .pytest_cache
