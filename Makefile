# One command to run, one to test. Everything happens inside .venv; nothing is global.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest Python 3.11+ on PATH; Django 5.2 supports 3.10-3.13 and this project pins 3.11+.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_PORT ?= 8000
export DEV_PORT

.PHONY: help install run test lint typecheck pytest css clean bench bench-quick bench-deps

help:
	@echo "make run    start the demo site at http://127.0.0.1:$(DEV_PORT) with the task worker"
	@echo "make test   lint, type-check and run the whole test suite (SQLite, then PostgreSQL if reachable)"
	@echo "make css    rebuild static/css/app.css and the vendored JS (needs Node.js and npm)"
	@echo "make bench  the benchmark set behind docs/COMPARISON.md (about 10 minutes)"
	@echo "make bench-quick  a one-minute smoke run of the same harness"

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (none found on PATH)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	@echo ""
	@echo "  FastOpp Django is starting at http://127.0.0.1:$(DEV_PORT)/"
	@echo "  Admin: http://127.0.0.1:$(DEV_PORT)/admin/  login admin@example.com / admin123"
	@echo "  Press Ctrl-C to stop the web server and the task worker."
	@echo ""
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho --procfile Procfile.dev start

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

test: lint typecheck
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) .ci/test_matrix.py

pytest: $(STAMP)
	$(PY) -m pytest $(ARGS)

# psycopg 3 for the pooled PostgreSQL runs, in its own folder: installed into .venv it
# would replace psycopg2, the project's default driver, for everything else.
PSYCOPG3 := .bench-deps/psycopg3
$(PSYCOPG3)/.installed: $(STAMP)
	$(PY) -m pip install --quiet --upgrade --target $(PSYCOPG3) "psycopg[binary,pool]==3.3.9"
	@touch $@

bench-deps: $(PSYCOPG3)/.installed

# Results land in docs/bench/ (committed: COMPARISON.md links its plots).
bench: bench-deps
	$(PY) -m bench --plan standard --out docs/bench

bench-quick: bench-deps
	$(PY) -m bench --plan quick

css:
	npm ci
	npm run build

clean:
	rm -rf $(VENV) .bench-deps staticfiles .pytest_cache .mypy_cache .ruff_cache bench/results
