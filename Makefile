# The two commands: `make run` serves the console with the demo college, `make test` runs
# the whole suite on SQLite and on PostgreSQL. Both install whatever is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app run
HOST ?= 127.0.0.1
PORT ?= 8080
WORKERS ?= 2

.PHONY: run run-ldap run-cas test test-sqlite test-postgresql install install-test system \
        system-test translations migrate bench lint screenshots

# The background worker (app/jobs.py: large imports) runs beside gunicorn and stops with it.
run: install migrate
	$(FLASK) seed-demo
	$(VENV)/bin/huey_consumer app.jobs.huey --workers 1 --worker-type thread & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - run:app

run-ldap: install migrate
	scripts/install-system.sh ldap
	$(FLASK) seed-demo
	$(PY) scripts/run_ldap.py

run-cas: install migrate
	scripts/install-cas-server.sh
	$(FLASK) seed-demo
	$(PY) scripts/run_cas.py

test: install-test translations
	scripts/services.sh
	$(MAKE) test-sqlite test-postgresql

test-sqlite:
	TEST_DATABASE=sqlite $(VENV)/bin/pytest -q -p no:cacheprovider

test-postgresql:
	TEST_DATABASE=postgresql $(VENV)/bin/pytest -q -p no:cacheprovider

system:
	scripts/install-system.sh run

system-test:
	scripts/install-system.sh test

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q -r requirements-test.txt
	touch $(VENV)/.installed $@

install: system $(VENV)/.installed translations

install-test: system-test $(VENV)/.installed-test
	scripts/install-cas-server.sh

translations:
	if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then $(VENV)/bin/pybabel -q compile -d translations; fi

migrate:
	$(FLASK) db upgrade
	$(FLASK) init-roles

bench: install-test
	$(PY) bench/list_page.py
	$(PY) bench/dashboard.py
	$(PY) bench/ledger_portfolio.py
	$(PY) bench/board.py
	$(PY) bench/publication.py
	$(PY) bench/export_items.py
	$(PY) bench/upload_bomb.py
	$(PY) bench/jobs.py

# Screenshots of the main pages at 1400 px and 375 px on the demo college, for review (not
# checked): test-artifacts/screenshots/<page>-<width>.png.
SCREENSHOTS ?= test-artifacts/screenshots
screenshots: install-test translations
	rm -f $(SCREENSHOTS)/site.db
	mkdir -p $(SCREENSHOTS)
	INSTANCE_PATH=$(SCREENSHOTS)/instance $(PY) -m devtools.tour screenshots sqlite:///$(abspath $(SCREENSHOTS))/site.db $(SCREENSHOTS)

LINTED := app tests bench migrations devtools scripts run.py config.py

lint: install-test
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/ruff check $(LINTED)
