# policybuilder: `make run` starts the app on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Debian packages: what WeasyPrint needs to make PDFs, and what the tests add (browser, PDF tools, LibreOffice,
# Redis for the shared-limit and queue tests, Java for the Nu Html Checker; Node and npm come with the machine).
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fonts-dejavu-core
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils libreoffice-writer-nogui redis-server openjdk-17-jre-headless

.PHONY: run dev test test-postgres bench bench-load install catalogue system-run system-test clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# The interface's translations: each catalogue (.po, in git) compiled to the .mo Flask-Babel reads (not in git).
CATALOGUES := $(wildcard policybuilder/translations/*/LC_MESSAGES/messages.po)
%/LC_MESSAGES/messages.mo: %/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# The sources byte-compiled once here, so that no start (web worker, flask command) compiles them again.
install: $(BIN)/.installed $(CATALOGUES:.po=.mo)
	$(BIN)/python -m compileall -q -j 0 policybuilder migrations wsgi.py gunicorn.conf.py bench >/dev/null

# After adding or changing an interface string: its msgid joins each catalogue without a translation (or marked
# fuzzy); tests/test_i18n.py names every such msgid until it has its French.
catalogue: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -w 120 -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -i $(VENV)/messages.pot -d policybuilder/translations -w 120 --ignore-pot-creation-date

# Install the missing Debian packages (as root), or name them and stop.
define install_missing
	@missing=""; for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then echo "Missing Debian packages:$$missing (sudo apt-get install$$missing)" >&2; exit 1; fi; \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

system-run:
	$(call install_missing,$(RUN_PACKAGES))

system-test:
	$(call install_missing,$(TEST_PACKAGES))

# Plain HTTP on loopback, so cookies may go without HTTPS here (behind a TLS proxy they must not: see README).
LOOPBACK_COOKIES := POLICYBUILDER_SESSION_COOKIE_SECURE=false POLICYBUILDER_REMEMBER_COOKIE_SECURE=false

# gunicorn (gunicorn.conf.py: workers and threads from the cores) on 127.0.0.1:$(PORT).
run: system-run install
	$(BIN)/flask --app wsgi db upgrade
	$(LOOPBACK_COOKIES) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Flask's development server with reloading and the debugger: for development only.
dev: system-run install
	$(BIN)/flask --app wsgi db upgrade
	$(LOOPBACK_COOKIES) $(BIN)/flask --app wsgi run --debug --host 127.0.0.1 --port $(PORT)

# The tests that touch the database run a second time on PostgreSQL: a throwaway cluster on loopback,
# started and stopped by scripts/with-postgres.sh (which installs Debian's PostgreSQL if it is missing).
POSTGRES_TESTS := tests/test_migrations.py tests/test_backup.py tests/test_health.py tests/wizard tests/approvals tests/auth tests/federation \
	tests/security/test_error_pages.py

# The page checkers of tests/browser/test_a11y.py: axe-core (injected into each page) and the Nu Html Checker (run with Java).
NPM_TOOLS := axe-core@4.14.1 vnu-jar@26.9.27
.npm/.installed: Makefile
	npm install --no-save --no-audit --no-fund --prefix .npm $(NPM_TOOLS)
	touch $@

test: system-test install .npm/.installed
	$(BIN)/python -m pytest
	scripts/with-postgres.sh $(BIN)/python -m pytest $(POSTGRES_TESTS)

test-postgres: install
	scripts/with-postgres.sh $(BIN)/python -m pytest $(POSTGRES_TESTS)

bench: system-test install
	$(BIN)/python bench/render.py

# 20 drafters (and then 5 PDF downloads besides) against gunicorn as `make run` starts it, on a temporary instance.
bench-load: system-run install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) instance/cache
