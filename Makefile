# PutRight: `make run` serves the demo landlord, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint types imports pytest install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "PutRight needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/putright migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/putright demo
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/putright serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy putright config

imports: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest

check: lint types imports pytest

test: check

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
