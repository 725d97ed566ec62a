# The one entry point for developers and CI. `make run` and `make test` each install what they need themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=true
PORT ?= 8000

.PHONY: help run serve test lint fmt check migrations bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed  ## serve the API on http://127.0.0.1:8000, or PORT=N (DEBUG on, SQLite, demo account)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: DEBUG off, migrate, collectstatic, then gunicorn with gunicorn.conf.py.
# It speaks plain http, so the https redirect and secure cookies are off unless the environment turns them on.
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and the rest come from the environment or .env; without a
# secret anywhere, this run gets a throwaway one (tokens then end with the process).
serve: $(VENV)/.installed  ## production-like server on http://127.0.0.1:8000 (DEBUG off, gunicorn, WhiteNoise)
	@if [ -z "$$DJANGO_SECRET_KEY" ] && ! grep -qs '^DJANGO_SECRET_KEY=.' .env; then \
	  echo "No DJANGO_SECRET_KEY set: using a throwaway one for this run."; \
	  export DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	fi; \
	export DJANGO_DEBUG=false; \
	export DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-false}; \
	export DJANGO_SECURE_COOKIES=$${DJANGO_SECURE_COOKIES:-false}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput -v 0 && \
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

lint: $(VENV)/.installed  ## ruff format check + ruff lint
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

check: lint  ## lint, Django's system checks, migrations up to date
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

test: check  ## lint, checks, then the whole test suite
	$(VENV)/bin/pytest $(PYTEST_ARGS)

fmt: $(VENV)/.installed  ## fix what ruff can fix, then format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations: $(VENV)/.installed  ## write new migrations after a model change
	$(DEV_ENV) $(PY) manage.py makemigrations users

bench: $(VENV)/.installed  ## load benchmark on PostgreSQL/MariaDB (BENCH_DATABASE_URL); table in bench/results/latest.md
	$(PY) -m bench.run

clean:  ## remove the virtualenv and caches (keeps db.sqlite3 and media/)
	rm -rf $(VENV) .pytest_cache .ruff_cache
