# Two commands: `make start` (JupyterLab on notebooks/) and `make test` (the full suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: start test lint exercises bench clean

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

start: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --no-browser --ip=127.0.0.1 $(ROOT_FLAG)

lint: $(STAMP)
	$(BIN)/ruff check course_lib tests notebooks exercises solutions
	$(BIN)/python -m course_lib.build_exercises --check

test: $(STAMP) lint
	$(BIN)/python -m pytest

exercises: $(STAMP)
	$(BIN)/python -m course_lib.build_exercises

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
