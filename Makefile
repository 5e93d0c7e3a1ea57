# Mikhak: `make run` serves a working system; `make test` runs every test. Both set themselves up.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test e2e lint check-schemas translations extract-messages worker bench clean

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
	@echo "Mikhak: http://$(HOST):$(PORT)  (dev inbox: http://$(HOST):$(PORT)/dev/inbox, back office: http://$(HOST):$(PORT)/admin/)"
	$(FLASK) run --host $(HOST) --port $(PORT)

CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@echo "installing Debian's chromium for the end-to-end tests"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

test: $(VENV)/.dev translations $(CHROMIUM)
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: $(VENV)/.dev translations $(CHROMIUM)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

check-schemas: $(VENV)/.runtime
	$(FLASK) schemas check

extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching

worker: $(VENV)/.runtime
	$(FLASK) mail work

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
