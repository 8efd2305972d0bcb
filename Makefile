# Hearth: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run run-stack test test-unit test-browser browser-deps stack-deps lint smoke bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[ml,test]"
	touch $(INSTALLED)

install: $(INSTALLED)

## The embedded demo: SQLite, in-process tasks and channel layer, demo data, ASGI on :8000.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

## The real stack: needs DATABASE_URL and REDIS_URL; nginx, the HTTP and websocket
## servers, Celery worker and beat.
run-stack: install stack-deps
	bin/run-stack

## nginx (Debian's), the reverse proxy of the real stack (deploy/nginx.conf). Safe to run again.
stack-deps:
	@test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx gettext-base)

## Chromium, and axe-core (pinned, sha256 checked) for the accessibility journey: test
## tooling in the git-ignored tests/browser/vendor/, never served. Safe to run again.
browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)
	@$(PYTHON) bin/fetch-axe

## Unit and integration tests, then the browser journeys in their own process.
test: install browser-deps stack-deps
	$(BIN)/pytest -m "not e2e" -q
	$(BIN)/pytest tests/browser -q --timeout=300

test-unit: install stack-deps
	$(BIN)/pytest -m "not e2e" -q

test-browser: install browser-deps
	$(BIN)/pytest tests/browser -q --timeout=300

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

smoke: install
	bin/smoke-embedded


## Benchmarks on the real stack (PostgreSQL + Redis on this machine): see bench/README.md.
bench: install stack-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3 .test-db.sqlite3 .test-media staticfiles
