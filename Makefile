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

.PHONY: help install run test lint typecheck pytest css clean bench bench-quick bench-deps bench-packages lock lock-check

help:
	@echo "make run    start the demo site at http://127.0.0.1:$(DEV_PORT) with the task worker"
	@echo "make test   lint, type-check and run the whole test suite (SQLite, then PostgreSQL if reachable)"
	@echo "make css    rebuild static/css/app.css and the vendored JS (needs Node.js and npm)"
	@echo "make bench  the benchmark set behind docs/COMPARISON.md (about 10 minutes)"
	@echo "make bench-quick  a one-minute smoke run of the same harness"
	@echo "make lock   after editing pyproject.toml's dependencies: regenerate the hashed requirements*.txt"

# Installs: uv when it can (seconds), pip otherwise (minutes); both install exactly the hashed
# pins of the requirements files (the project's lock, see `make lock`). INSTALLER=pip forces pip.
# uv reads no pip.conf: it uses PyPI unless UV_DEFAULT_INDEX (or uv.toml) names another index.
INSTALLER ?= uv
# The uv that `make install` puts into .venv when none is on PATH; pyproject's dev group pins
# the same one (`make lock-check` checks), so .venv/bin/uv is this version once installed.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv

# $(call venv_install,uv pip verb (sync: exactly this set; install: on top),hashed requirements file)
define venv_install
@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (none found on PATH)."; exit 1; }
@test -x $(PY) || $(PYTHON) -m venv $(VENV)
@uv=""; \
	if [ "$(INSTALLER)" = uv ]; then \
	  uv=$$(command -v $(UV) || command -v uv || true); \
	  if [ -z "$$uv" ]; then \
	    echo "uv is not on PATH: installing uv $(UV_VERSION) into $(VENV) with pip"; \
	    $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) && uv=$(UV); \
	  fi; \
	elif [ "$(INSTALLER)" != pip ]; then \
	  echo "INSTALLER must be uv or pip, not '$(INSTALLER)'"; exit 1; \
	fi; \
	if [ -n "$$uv" ] && $$uv pip $(1) $(2) --quiet --python $(PY) --require-hashes; then exit 0; fi; \
	if [ -n "$$uv" ] || [ "$(INSTALLER)" = uv ]; then echo "uv could not install; falling back to pip."; fi; \
	echo "Installing $(2) with pip"; \
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(2)
endef

# uv itself is in requirements-dev.txt, so a sync keeps the .venv/bin/uv that installed it.
$(STAMP): pyproject.toml requirements.txt requirements-dev.txt
	$(call venv_install,sync,requirements-dev.txt)
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

test: lock-check lint typecheck
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) .ci/test_matrix.py

pytest: $(STAMP)
	$(PY) -m pytest $(ARGS)

# The benchmark's own packages (pyproject's bench group), on top of the dev install. When the
# lock changes, uv's next install of .venv removes them; this stamp is then older than .venv's
# and the next make bench puts them back.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(call venv_install,install -r,requirements-bench.txt)
	@touch $@

# psycopg 3 for the pooled PostgreSQL runs, in its own folder: installed into .venv it
# would replace psycopg2, the project's default driver, for everything else.
PSYCOPG3 := .bench-deps/psycopg3
$(PSYCOPG3)/.installed: $(STAMP) requirements-bench-psycopg3.txt
	rm -rf $(PSYCOPG3)
	@if [ "$(INSTALLER)" = uv ] && [ -x $(UV) ]; then \
	  $(UV) pip install --quiet --python $(PY) --target $(PSYCOPG3) --require-hashes -r requirements-bench-psycopg3.txt; \
	else \
	  $(PY) -m pip install --quiet --disable-pip-version-check --target $(PSYCOPG3) --require-hashes -r requirements-bench-psycopg3.txt; \
	fi
	@touch $@

bench-packages: $(BENCH_STAMP)

bench-deps: bench-packages $(PSYCOPG3)/.installed

# Results land in docs/bench/ (committed: COMPARISON.md links its plots).
bench: bench-deps
	$(PY) -m bench --plan standard --out docs/bench

bench-quick: bench-deps
	$(PY) -m bench --plan quick

# The lock: each requirements file pins every package of its install, direct or not, with its
# hashes, resolved by uv from pyproject.toml for every platform. No uv.lock is committed: it
# would name the index's download address for each file. Each file, then its compile options:
REQUIREMENTS := requirements.txt requirements-dev.txt requirements-rq.txt requirements-bench.txt requirements-bench-psycopg3.txt
COMPILE_requirements.txt := pyproject.toml
COMPILE_requirements-dev.txt := pyproject.toml --group dev -c requirements.txt
COMPILE_requirements-rq.txt := --group pyproject.toml:rq -c requirements-dev.txt
COMPILE_requirements-bench.txt := --group pyproject.toml:bench -c requirements-dev.txt
COMPILE_requirements-bench-psycopg3.txt := --group pyproject.toml:bench-psycopg3 -c requirements-dev.txt
ABOUT_requirements.txt := The runtime (production) install: pip install -r requirements.txt
ABOUT_requirements-dev.txt := Runtime and development tools: pip install -r requirements-dev.txt
ABOUT_requirements-rq.txt := TASKS_BACKEND=rq on top of the runtime: pip install -r requirements.txt -r requirements-rq.txt
ABOUT_requirements-bench.txt := The benchmark's packages, on top of requirements-dev.txt (make bench-deps)
ABOUT_requirements-bench-psycopg3.txt := psycopg 3 for the pooled benchmark runs, into .bench-deps/ (make bench-deps)
HASH := \#
# $(call requirements_compile,file,output path): the versions already in the output path stay
# (uv prefers them), so a lock only moves what pyproject.toml's pins or LOCK_ARGS move.
requirements_compile = $(UV) pip compile $(COMPILE_$(1)) --universal --python-version 3.11 \
	--generate-hashes --no-header --quiet $(LOCK_ARGS) -o $(2) && \
	{ echo "$(HASH) $(ABOUT_$(1))"; \
	  echo "$(HASH) Every package pinned with its hashes. Generated by make lock from pyproject.toml: do not edit."; \
	  cat $(2); } > $(2).new && mv $(2).new $(2)

# After changing pyproject.toml's dependencies. LOCK_ARGS="--upgrade-package NAME" (or
# --upgrade) moves versions that are already pinned.
lock: $(STAMP)
	@$(foreach f,$(REQUIREMENTS),$(call requirements_compile,$(f),$(f)) && echo "wrote $(f)" &&) true

# Part of make test: fails when a requirements file no longer matches pyproject.toml.
lock-check: $(STAMP)
	@test "$$($(UV) --version | cut -d' ' -f2)" = "$(UV_VERSION)" || \
	  { echo "Makefile's UV_VERSION $(UV_VERSION) is not the pinned uv ($$($(UV) --version)); change one."; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	$(foreach f,$(REQUIREMENTS),cp $(f) $$tmp/$(f) && $(call requirements_compile,$(f),$$tmp/$(f)) && \
	  { diff -u $(f) $$tmp/$(f) || { echo "$(f) does not match pyproject.toml: run make lock"; exit 1; }; } &&) true
	@echo "$(REQUIREMENTS) match pyproject.toml."

css:
	npm ci
	npm run build

clean:
	rm -rf $(VENV) .bench-deps staticfiles .pytest_cache .mypy_cache .ruff_cache bench/results
