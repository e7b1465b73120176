# 苏仙党建 / suxian. `make run` and `make test` work on a machine with only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Settings are secure by default (DEBUG off, real keys required); these development targets turn DEBUG on
# unless the environment says otherwise. Production sets DEBUG=0 and its keys in .env.
export DEBUG ?= 1
# The suite runs in parallel (pytest-xdist, one worker per core); `make test PYTEST_ARGS=-x` runs it serially.
PYTEST_ARGS ?= -n auto

# `make lint` fixes what ruff can fix by itself (import order, unused imports).
.PHONY: run test lint install migrate demo messages bench lock clean

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@$(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Lint first (the rule set is in pyproject.toml): a finding fails the run, as in CI.
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check --fix .

# Regenerate the compiled catalogue after editing locale/zh_Hans/LC_MESSAGES/django.po (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete -i ".venv/*" -i "bench/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# Re-pin requirements.lock from pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python $(BIN)/python

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
