# Mikhak: `make run` serves a working system; `make test` runs every test. Both set themselves up.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test e2e lint security scan check-schemas translations extract-messages worker bench clean totp

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

translations: $(VENV)/.runtime
	$(BIN)/pybabel -q compile -d translations

run: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) documents dev-keys
	@echo "Mikhak: http://$(HOST):$(PORT)  (dev inbox: http://$(HOST):$(PORT)/dev/inbox, back office: http://$(HOST):$(PORT)/admin/)"
	PUBLIC_URL=$${PUBLIC_URL:-http://$(HOST):$(PORT)} $(FLASK) run --host $(HOST) --port $(PORT)

# Debian packages the tests need: Chromium (browser tests), Pango (WeasyPrint PDFs), poppler (reading PDFs back),
# haproxy (the app behind a real reverse proxy), wapiti and sqlmap (`make security`'s scanners), wrk (`make bench`'s load client),
# Graphviz (workflow diagrams on the back office's services page).
SYSTEM_STAMP := $(VENV)/.system

$(SYSTEM_STAMP): | $(BIN)/python
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	[ -x /usr/sbin/haproxy ] || missing="$$missing haproxy"; \
	command -v wapiti >/dev/null || missing="$$missing wapiti"; \
	command -v sqlmap >/dev/null || missing="$$missing sqlmap"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	touch $@

AXE := tests/e2e/node_modules/axe-core/axe.min.js

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)
	npm ci --prefix tests/e2e --no-audit --no-fund --silent
	touch $@

test: $(VENV)/.dev translations $(SYSTEM_STAMP) $(AXE)
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: $(VENV)/.dev translations $(SYSTEM_STAMP) $(AXE)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# bandit over the whole tree, pip-audit over the pinned ranges (needs the PyPI/OSV advisory services), then
# `scan`: wapiti and sqlmap against the app on 127.0.0.1 with demo data, as an applicant and as staff. Each
# fails on a finding of medium severity or above. SCAN_SECONDS bounds wapiti's crawl and attack per identity.
SCAN_SECONDS ?= 60

security: $(VENV)/.dev $(SYSTEM_STAMP) translations
	$(BIN)/bandit -q -r . -x ./.venv,./tests/e2e/node_modules -ll
	$(BIN)/pip-audit -r requirements.txt --progress-spinner off
	$(MAKE) --no-print-directory scan

scan: $(VENV)/.dev $(SYSTEM_STAMP) translations
	$(BIN)/python tools/scan.py --seconds $(SCAN_SECONDS)

check-schemas: $(VENV)/.runtime
	$(FLASK) schemas check

extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching

# The speed suite (bench/RESULTS.md): generated step vs hand-written, sign-in, memory, start-up. < 10 min on 2 cores.
bench: $(VENV)/.dev translations $(SYSTEM_STAMP)
	$(BIN)/python bench/bench_step.py $(BENCH_ARGS)
	$(BIN)/python bench/bench_signin.py
	$(BIN)/python bench/bench_memory.py
	$(BIN)/python bench/bench_startup.py --repeat 2

# The current TOTP code of a staff member (development only): `make totp` for the demo admin, or EMAIL=… make totp.
EMAIL ?= admin@mikhak.example
totp: $(VENV)/.runtime
	@$(FLASK) staff totp $(EMAIL)

worker: $(VENV)/.runtime
	$(FLASK) mail work

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
