# The two commands the README promises: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = FLASK_APP=portal $(BIN)/flask
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint translations bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## install: create the virtualenv, install the portal and compile the translations
install: $(BIN)/.installed
	$(FLASK) translate compile >/dev/null

## run: migrate the SQLite database, load demo data, serve http://127.0.0.1:5000 with a mail worker
run: install
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@echo "Mail is written to instance/mail/*.eml by the outbox worker."
	$(FLASK) outbox deliver --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite, on SQLite and (when reachable) PostgreSQL, browser tests included
test: install
	$(BIN)/ruff check portal tests bench deploy config.py
	$(BIN)/lint-imports
	$(FLASK) translate check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: requests per second of the main pages under gunicorn (not a test)
bench: install
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) instance .pytest_cache
