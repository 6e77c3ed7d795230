# Passerelle — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/passerelle_test
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
WORKER_THREADS ?= 2
# Test processes (pytest-xdist): auto = one per core; PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto
# Each test process compiles the code and rewrites the tests' asserts; with bytecode kept in
# __pycache__ (git-ignored) the next process loads it: half the CPU of collecting the suite.
# --dist worksteal: a process that runs out of tests takes some of the other's, so a few long
# tests (the browser journeys) near the end do not leave one core idle.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal

.PHONY: run worker test test-sqlite test-postgres serve bench lint format translations extract-messages check-content clean

$(BIN)/activate:
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: on Debian, apt-get install python3-venv"; exit 1; }

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

# The Nu Html Checker for the browser journeys (runs on Java); skipped with a message without npm.
VNU_VERSION := 26.9.27
$(VENV)/vnu/.installed-$(VNU_VERSION): | $(BIN)/activate
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION) && touch $@; \
	else echo "npm not found: the HTML validation of browser journeys will be skipped (apt-get install npm)"; fi

translations: $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d translations

## make run: install, migrate, create a development signing key (first start only), load the
## demo data and serve on http://127.0.0.1:5000
run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask credentials keygen --if-missing
	$(BIN)/flask demo
	@echo "Passerelle is starting on http://$(HOST):$(PORT), with a task-queue worker beside it"
	@$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/flask run --host $(HOST) --port $(PORT)

## make worker: a task-queue worker (mail, reminders, digests) for this or another machine; it
## needs the servers' DATABASE_URL and REDIS_URL (without REDIS_URL: instance/tasks.sqlite3)
worker: $(VENV)/.installed translations
	$(BIN)/flask worker --threads $(WORKER_THREADS)

## make serve: production-style server (gunicorn); set SECRET_KEY, DATABASE_URL, REDIS_URL
serve: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - 'app:app'

## make test: lint, then the suite on SQLite, then again on PostgreSQL when reachable. The browser
## tests (tests/browser, marker "browser") drive the UI, which is the same on either database, so
## they run once: the journeys in the SQLite pass, the every-page walk (marker "every_page": every
## page as every role, both languages, both widths, JavaScript on and off) in the PostgreSQL pass,
## on production's database. Without PostgreSQL the SQLite pass runs all of them. Every other
## test, the PostgreSQL-only ones included, runs on PostgreSQL.
test: $(VENV)/.dev-installed $(VENV)/vnu/.installed-$(VNU_VERSION) translations lint
	@if $(BIN)/python -m tests.support.pg_ready "$(TEST_DATABASE_URL)"; then \
		$(MAKE) --no-print-directory test-sqlite SQLITE_TESTS="$(SQLITE_TESTS) and not every_page" && \
		$(MAKE) --no-print-directory test-postgres POSTGRES_TESTS="not browser or every_page"; \
	else \
		$(MAKE) --no-print-directory test-sqlite && $(MAKE) --no-print-directory test-postgres; \
	fi

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The SQLite pass leaves out the tests of PostgreSQL itself (marker "postgres"): they run below.
SQLITE_TESTS ?= not postgres
POSTGRES_TESTS ?= not browser

test-sqlite:
	@echo "== SQLite: $(SQLITE_TESTS)"
	$(PYTEST) -m "$(SQLITE_TESTS)"

test-postgres:
	@if $(BIN)/python -m tests.support.pg_ready "$(TEST_DATABASE_URL)"; then \
		echo "== PostgreSQL: $(POSTGRES_TESTS), on $(TEST_DATABASE_URL)"; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(PYTEST) -m "$(POSTGRES_TESTS)"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required under CI=true but $(TEST_DATABASE_URL) is not reachable"; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL suite ($(TEST_DATABASE_URL) not reachable; set TEST_DATABASE_URL)"; \
	fi

## make bench: requests/s and render ratios against baselines measured in the same run
bench: $(VENV)/.dev-installed translations
	$(BIN)/python -m bench

check-content: $(VENV)/.installed
	$(BIN)/flask courses check

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".* _* tests bench" --no-location -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap

clean:
	rm -rf $(VENV) instance/passerelle.sqlite3
