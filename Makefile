# Two commands on a fresh machine with only Python 3.11+: `make demo` and `make test`.
# uv (pinned) is bootstrapped from PyPI into .tools/; the environment is .venv/ at the root.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
PARKOS := .venv/bin/parkos
PORT ?= 8000
# Both cores: the suite runs in two processes, each with its own test database.
PYTEST_ARGS ?= -n auto

.PHONY: install demo test test-postgres stack-test lint format messages vendor bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

install: .venv/.installed

# Plain HTTP on the loopback: the production settings otherwise insist on HTTPS.
demo: install
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	MQTT_URL=$${MQTT_URL-} $(PARKOS) demo --port $(PORT)

test: install
	.venv/bin/pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} .venv/bin/pytest $(PYTEST_ARGS)

# The production topology on this machine (PostgreSQL, Redis, Mosquitto, web, Celery, ingest,
# 1,000 devices) with faults injected; prints its figures as one JSON line. Needs root (to run
# PostgreSQL as its own user), PostgreSQL 15, redis-server, mosquitto and its plugin headers.
stack-test: install
	.venv/bin/python tests/stack/run.py $(STACK_ARGS)

lint: install
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/lint-imports

format: install
	.venv/bin/ruff check --fix src tests bench
	.venv/bin/ruff format src tests bench

# Regenerate and compile the translation catalogues (needs GNU gettext).
messages: install
	cd src/parkos && for app in core accounts parks demo approvals relief filings marketplace property iot crowd; do \
	  [ -d $$app/locale ] && (cd $$app && ../../../.venv/bin/django-admin makemessages -l zh_Hans --no-obsolete >/dev/null) || true; done
	cd src/parkos && ../../.venv/bin/django-admin makemessages -l zh_Hans --no-obsolete $(foreach app,core accounts parks demo approvals relief filings marketplace property iot crowd,-i '$(app)/*') >/dev/null
	cd src/parkos && ../../.venv/bin/django-admin compilemessages >/dev/null

# Front-end packages come from the npm registry; their built files are committed.
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/LICENSE static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE static/vendor/echarts/

clean:
	rm -rf .venv .tools var
