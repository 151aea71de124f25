# The front door: `make run` and `make test` are all a fresh clone needs.
VENV := .venv
# Development defaults; production sets its own environment (README, Deployment).
export DEBUG ?= true
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: setup run test lint fmt messages bench clean demo

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_areas
	$(MANAGE) seed_demo

run: demo
	@$(MANAGE) demo_accounts
	$(MANAGE) runserver 127.0.0.1:8000

test: setup
	@scripts/ensure-chromium
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# Load test on PostgreSQL (DATABASE_URL, default a youthnet_bench database on this machine); see README.
bench: setup
	@command -v wrk >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null)
	DEBUG=false $(PY) bench/run.py $(BENCH_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Extract strings, write the Serbian Cyrillic catalogue from the Latin one, compile all.
messages: setup
	$(MANAGE) makemessages --locale=sr_Latn --ignore='.venv/*' --ignore='node_modules/*' --no-obsolete
	$(MANAGE) cyrillic_catalog
	$(MANAGE) compilemessages --ignore='.venv/*' --ignore='node_modules/*'

clean:
	rm -rf $(VENV) node_modules staticfiles
