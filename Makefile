# The two commands a fresh clone needs:
#   make run    start Response on its embedded defaults (SQLite, in-process worker)
#   make test   lint and run the whole test suite (SQLite, then PostgreSQL when reachable)
# Both create .venv/ and install the pinned dependencies from the lock files themselves.

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(shell scripts/find-python)

.PHONY: run demo test lint format lock clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12+ not found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime dependencies only: enough to run the product.
$(VENV)/.installed-run: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# Runtime and development dependencies: what the test suite needs.
$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/response run $(ARGS)

demo: $(VENV)/.installed-run
	$(BIN)/response demo $(ARGS)

test: $(VENV)/.installed-dev
	$(BIN)/python scripts/run_tests.py $(ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Maintainers only: re-pin the lock files (needs network access to PyPI and uv).
UV ?= uv
lock:
	$(UV) pip compile pyproject.toml build-requirements.in --generate-hashes --python-version 3.12 --universal -o requirements.lock
	$(UV) pip compile pyproject.toml build-requirements.in --extra dev -c requirements.lock --generate-hashes --python-version 3.12 --universal -o requirements-dev.lock

clean:
	rm -rf $(VENV)
