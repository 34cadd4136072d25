# Quartier: `make demo` runs the platform with two demo tenants; `make test` runs everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
SYSTEM_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: install demo test test-each-module test-system-pg lint fmt bench messages makemessages clean-data

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	$(PY) scripts/fetch-htmx.py

# Compiles the catalogs (.mo files are build output, not committed).
messages: install
	scripts/ensure-gettext
	@if [ -d quartier/locale ]; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

# After adding or changing a user-facing string: merge it into the catalogs, translate
# the new entries in quartier/locale/*/LC_MESSAGES/django.po, then `make messages`.
makemessages: install
	scripts/ensure-gettext
	$(PY) manage.py makemessages -l de -l fr -l it --ignore=.venv --ignore=tests \
		--ignore=bench --no-location

demo: install messages
	$(PY) manage.py migrate -v 1
	$(PY) manage.py demo --port $(PORT)
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

# lint-imports checks the order of the apps (contracts in pyproject.toml, explained in
# docs/architecture.md, "Layers").
lint: install
	$(VENV)/bin/ruff check quartier tests bench
	$(VENV)/bin/ruff format --check quartier tests bench
	$(VENV)/bin/lint-imports --no-logo --cache-dir .cache/import-linter

fmt: install
	$(VENV)/bin/ruff check --fix quartier tests bench
	$(VENV)/bin/ruff format quartier tests bench

test: install messages lint
	$(PY) manage.py makemigrations --check --dry-run -v 1
	scripts/ensure-browser
	scripts/ensure-axe
	scripts/ensure-lighthouse
	scripts/ensure-oidc-provider
	scripts/ensure-poppler
	scripts/ensure-shellcheck
	$(VENV)/bin/pytest -q
	@if [ -n "$$CI" ] && [ -z "$$DATABASE_URL" ]; then $(MAKE) test-system-pg; fi

# Every test module on its own, in a fresh process (not part of `make test`: slow).
test-each-module: install messages
	PYTEST=$(VENV)/bin/pytest scripts/test-each-module

# The same suite against the machine's PostgreSQL server instead of the embedded one.
test-system-pg: install messages
	DATABASE_URL=$(SYSTEM_DATABASE_URL) $(VENV)/bin/pytest -q

bench: install
	$(PY) bench/provisioning.py

clean-data:
	rm -rf .data
