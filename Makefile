# Two commands for a fresh clone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Every queue the tasks are routed to (oms/settings/base.py CELERY_TASK_ROUTES); run a worker per
# queue in production, e.g. `make worker QUEUES=webhooks` next to `make worker QUEUES=default,channel,feeds,erp`.
QUEUES ?= default,webhooks,channel,feeds,erp
CELERY_WORKER = $(BIN)/celery -A oms worker -Q $(QUEUES) --beat --loglevel

.PHONY: run serve test install lint check bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

## Migrate, load demo data and serve on http://$(HOST):$(PORT)/ (with REDIS_URL set, a Celery worker runs too).
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	if [ -n "$$REDIS_URL" ]; then $(CELERY_WORKER)=warning & fi; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Production: gunicorn (oms/gunicorn.conf.py) with production settings on DATABASE_URL / REDIS_URL,
## listening on $(HOST):$(PORT), static files collected first (WhiteNoise serves them, STATIC_ROOT);
## with REDIS_URL set, a Celery worker runs too. Needs SECRET_KEY and ALLOWED_HOSTS.
serve: install
	@for name in SECRET_KEY ALLOWED_HOSTS; do \
	  if [ -z "$$(printenv $$name)" ]; then \
	    echo "make serve: set $$name in the environment (production settings require it)" >&2; exit 1; \
	  fi; \
	done
	DJANGO_SETTINGS_MODULE=oms.settings.production $(BIN)/python manage.py collectstatic --noinput -v 0
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	export DJANGO_SETTINGS_MODULE=oms.settings.production HOST=$(HOST) PORT=$(PORT); \
	if [ -n "$$REDIS_URL" ]; then $(CELERY_WORKER)=warning & fi; \
	$(BIN)/gunicorn -c oms/gunicorn.conf.py

## The whole test suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

## Benchmarks print their figures; run on demand, against PostgreSQL for the real numbers.
bench: install
	$(BIN)/python -m pytest tests/benchmarks -s -p no:cacheprovider -o addopts="" -m benchmark

## A Celery worker on $(QUEUES) with beat (schedules from the database, editable in the admin).
## Needs REDIS_URL; migrate first. Beat must run once per deployment: BEAT= to leave it out.
BEAT ?= --beat
worker: install
	@if [ -z "$$REDIS_URL" ]; then echo "make worker: set REDIS_URL (without it tasks run in process)" >&2; exit 1; fi
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/celery -A oms worker -Q $(QUEUES) $(BEAT) --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache
