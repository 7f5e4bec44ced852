# Impactbeurs: `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: install install-dev run test bench lint format translations compile-translations serve clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## install: create the virtualenv and install the pinned dependencies
install: $(VENV)/.installed compile-translations

install-dev: $(VENV)/.installed-dev compile-translations

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d marketplace/translations >/dev/null

## run: install, migrate, load demo data when empty, serve on http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: install test dependencies, lint, run the suite on SQLite (and PostgreSQL if TEST_DATABASE_URL is set)
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Schemathesis runs once: on PostgreSQL when it is there (it refuses NUL bytes, SQLite does not)
	env -u TEST_DATABASE_URL $(BIN)/pytest -q $${TEST_DATABASE_URL:+-m "not schemathesis"}
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TEST_DATABASE_URL"; \
		$(BIN)/pytest -q -m "not browser"; \
	fi

## bench: the national-scale benchmark on PostgreSQL (BENCH_DATABASE_URL); writes docs/performance.md
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/run.py

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## translations: extract strings and update the nl/en catalogs
translations:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-location --omit-header --no-fuzzy-matching
	$(BIN)/python scripts/fill_en_catalog.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
