# Styrdok: the two commands a new machine needs are `make run` and `make test`.
# Everything else here is a convenience for developers.

PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# The suite runs on every core (pytest-xdist), a test module per worker so that module-wide
# fixtures are built once. PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n auto --dist loadfile

PY := $(VENV)/bin/python
# Touched after a successful install; reinstalls only when pyproject.toml is newer.
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run install test test-postgres lint format messages makemessages clean

help:
	@echo "make run            install, migrate, load the demo municipality, serve on http://127.0.0.1:$(PORT)"
	@echo "make test           run the whole test suite on SQLite"
	@echo "make test-postgres  run the test suite on PostgreSQL ($(PG_TEST_URL))"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make messages       compile the Swedish translations (locale/sv)"
	@echo "make clean          remove the virtualenv, caches and collected static files"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Styrdok needs Python 3.11 or newer, with venv. '$(PYTHON)' is: $$($(PYTHON) --version 2>&1)"; \
		echo "Choose another interpreter with 'make PYTHON=python3.12 ...'."; \
		exit 1; \
	}
	@$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		echo ""; \
		echo "Could not create a virtual environment with '$(PYTHON) -m venv'."; \
		echo "On Debian or Ubuntu install it first:  sudo apt-get install python3-venv"; \
		exit 1; \
	}
	@$(PY) -m pip --version >/dev/null 2>&1 || { \
		rm -rf $(VENV); \
		echo "The virtual environment has no pip. On Debian or Ubuntu: sudo apt-get install python3-venv"; \
		exit 1; \
	}

$(STAMP): pyproject.toml | $(PY)
	@echo "Installing Styrdok and its dependencies into $(VENV) (the first time takes a minute) ..."
	$(PY) -m pip install --disable-pip-version-check --quiet -e ".[dev]"
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py compilemessages --locale sv --ignore "$(VENV)"

makemessages: $(STAMP)
	$(PY) manage.py makemessages --locale sv --no-obsolete --ignore "$(VENV)/*" --ignore "var/*"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
