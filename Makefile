# The README's two commands: `make demo` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install migration bench browser

$(STAMP): pyproject.toml shims/pymorphy2/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ./shims/pymorphy2 -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/otklik demo

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The console's screenshot test drives Debian's headless Chromium; install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium"; \
		apt-get update -qq && apt-get install -y -qq chromium; }

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Write a migration for model changes: make migration MESSAGE="add x to y"
migration: $(STAMP)
	$(BIN)/python -m otklik.devtools.new_migration "$(MESSAGE)"

# End-to-end load on PostgreSQL + Redis with 1, 2 and 4 rq workers (figures: BENCHMARKS.md)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.load --posts 600 --workers 1,2,4
