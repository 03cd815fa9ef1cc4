# Abonent: `make demo` runs the demo, `make test` runs the tests (each sets up .venv on first use).
# `make test` = ruff + the import contracts (lint-imports, see pyproject.toml) + pytest.
PYTHON ?= python3
PORT ?= 5000  # make demo PORT=8080 serves the demo on another port
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2  # two workers: the suite is parallel-safe (one database per worker)

.PHONY: demo test test-postgres bench bench-load bench-pages lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,server]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/abonent demo --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	ABONENT_TEST_DATABASE_URL=$${ABONENT_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

bench-load: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m bench.load

bench-pages: $(STAMP)
	$(BIN)/python -m bench.load.pages

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance test-artifacts
