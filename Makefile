# Two commands do everything on a fresh machine with Python 3.12+ and make:
#   make run   – virtualenv, install, migrate, demo data, serve on http://127.0.0.1:8000
#   make test  – virtualenv, install with test extras, run the whole suite
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2


.PHONY: system-packages run test lint format check-python install install-test demo pg-test browser-test clean messages

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "Python 3.12 or newer is required; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.12+ or run: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12"; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# WeasyPrint's HarfBuzz subsetting and the DejaVu fonts (scripts/system-packages.sh).
system-packages:
	@bash scripts/system-packages.sh

$(VENV)/.installed: pyproject.toml | $(BIN)/python system-packages
	$(BIN)/pip install --quiet .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python system-packages
	$(BIN)/pip install --quiet ".[test]"
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-test
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal

# ruff, then mypy with django-stubs on the services, selectors, rules and flow
# ([tool.mypy] in pyproject.toml lists the files).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The same suite against the PostgreSQL on 127.0.0.1:5432 (trust auth, database "test").
pg-test: install-test
	DATABASE_URL=$${PG_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal

# Refresh the Polish catalogues after changing user-visible text (needs GNU gettext);
# translate the new entries, then commit both the .po and the .mo files.
messages: install
	for app in core workflows forms people oik_site documents audit oversight accounts centre; do \
	  (cd $$app && ../$(BIN)/python ../manage.py makemessages -l pl --no-obsolete && \
	   ../$(BIN)/python ../manage.py compilemessages -l pl); done

# The browser suite (tests/browser): Debian's Chromium driven by Playwright, axe-core from npm
# (tests/browser/package-lock.json), screenshots in browser-shots/. A step taking more pages
# than docs/usability-metrics.json records fails; UPDATE_USABILITY=1 rewrites the record,
# UPDATE_SCREENSHOTS=1 the user guide's images (docs/guide/img/).
$(VENV)/.installed-browser: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[test,browser]"
	@touch $(VENV)/.installed $(VENV)/.installed-test $@

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	@touch $@

browser-test: $(VENV)/.installed-browser tests/browser/node_modules/axe-core/axe.min.js
	@bash scripts/system-packages.sh browser
	BROWSER_TESTS=1 $(BIN)/python -m pytest -p no:xdist tests/browser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache tests/browser/node_modules browser-shots
