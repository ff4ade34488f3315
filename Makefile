# Two commands for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve-production test install lint unit integration e2e pg-test schema bench clean

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

# Production (README "Production"): the environment carries SXQ_MODE=production, SXQ_MASTER_KEY, the database and
# the vendors; the CA was made once (`sxq ca init` or `sxq ca import`). No demo data: `sxq seed demo` is sandbox-only.
serve-production: install
	@test "$$SXQ_MODE" = production || { echo "serve-production: set SXQ_MODE=production (README: Production)" >&2; exit 2; }
	$(BIN)/sxq serve --migrate

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q -n auto

# The adapter, end-to-end and contract tests again, against PostgreSQL (URL in SXQ_TEST_DATABASE_URL); tests that
# run a subprocess on its own SQLite file (marked own_database) already ran in `make test`.
pg-test: install
	$(BIN)/python -m pytest -q -n auto -m "not own_database" tests/integration tests/e2e tests/contract

schema: install
	$(BIN)/sxq schema > schema.graphql

bench: install
	$(BIN)/python bench/graphql_overhead.py

clean:
	rm -rf $(VENV) var .pytest_cache
