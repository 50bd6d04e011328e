# Switchyard: `make run` starts a server with demo data, `make test` runs every check.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for make test (each has its own SQLite and PostgreSQL databases)
TEST_WORKERS ?= 2

.PHONY: run test lint typecheck unit bench fuzz mutate install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/switchyard run --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -p no:cacheprovider -W ignore::DeprecationWarning -n $(TEST_WORKERS) tests

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

# The OpenAPI fuzzer at a nightly budget (make test runs it with 4 examples per operation)
FUZZ_EXAMPLES ?= 200
fuzz: $(STAMP)
	SWITCHYARD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SWITCHYARD_FUZZ_SCENARIOS=200 SWITCHYARD_FUZZ_STEPS=20 \
		$(BIN)/python -m pytest -p no:cacheprovider -q tests/contract

# Mutation testing of the rules we fear most ([tool.mutmut] in pyproject.toml; not in make
# test: about an hour on 2 cores; MUTANTS="switchyard.orders.line.*" runs one module). Survivors:
# .venv/bin/mutmut results / show <name>; docs/reliability.md lists them with reasons.
mutate: $(STAMP)
	HYPOTHESIS_PROFILE=mutation $(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut results

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
