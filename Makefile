# PutRight: `make run` serves the demo landlord, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# GOV.UK Frontend and MOJ Frontend are committed, built, under $(VENDOR)/govuk and /moj (MIT
# licensed minified files), so the package carries them and `make run` needs no npm;
# `make vendor` rebuilds them from package-lock.json. axe-core (test only) is not committed.
VENDOR := putright/staff/static/vendor
AXE := $(VENDOR)/axe/axe.min.js

.PHONY: run test check lint types imports pytest install assets vendor dist system-packages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "PutRight needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(AXE) system-packages

# Debian packages: WeasyPrint's Pango libraries and fonts for letters, Chromium for the
# page tests. Installed when missing and this is root on Debian; otherwise reported.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core chromium
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null); \
	  else \
	    echo "Missing Debian packages:$$missing (install them for letters and the browser tests)"; \
	  fi; \
	fi

# axe-core for the accessibility checks of the page tests, from package-lock.json.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/axe
	cp node_modules/axe-core/axe.min.js $(AXE)
	touch $(AXE)

assets: $(AXE)

# GOV.UK Frontend and MOJ Frontend from package-lock.json, with their asset URLs pointed at
# where they are served. Run after changing their versions, then commit $(VENDOR); CI checks
# that the committed files are what this builds.
vendor:
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)/govuk $(VENDOR)/moj && mkdir -p $(VENDOR)/govuk $(VENDOR)/moj
	cp -R node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk/
	sed 's#url(/assets/#url(/static/vendor/govuk/assets/#g' \
	  node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(VENDOR)/govuk/govuk-frontend.min.css
	cp -R node_modules/@ministryofjustice/frontend/moj/assets $(VENDOR)/moj/
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js $(VENDOR)/moj/
	sed 's#url(/assets/#url(/static/vendor/moj/assets/#g' \
	  node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css > $(VENDOR)/moj/moj-frontend.min.css

# The wheel and sdist under dist/, carrying the built GOV.UK and MOJ Frontend files.
dist: $(STAMP)
	rm -rf dist build
	$(BIN)/python -m build --outdir dist . >/dev/null
	@ls dist

run: $(STAMP) system-packages
	mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/putright migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/putright demo --url http://$(HOST):$(PORT)
	DJANGO_SETTINGS_MODULE=config.settings.demo $(BIN)/putright serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	PYTHONPATH=$(CURDIR) $(BIN)/mypy putright config

imports: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest

check: lint types imports pytest

test: check

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache node_modules $(VENDOR)/axe dist build
