# Two commands: `make start` (JupyterLab on notebooks/) and `make test` (the full suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SITE_STAMP := $(VENV)/.installed-site
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# Colab's widget stack (googlecolab/backend-info, pip-freeze.gpu.txt): the widget tests run on it too.
COLAB_IPYWIDGETS := 7.7.1
COLAB_PINS := ipywidgets==$(COLAB_IPYWIDGETS) traitlets==5.7.1 ipython==7.34.0 ipykernel==6.17.1
VENV7 := .venv-ipywidgets7
STAMP7 := $(VENV7)/.installed-ipywidgets-$(COLAB_IPYWIDGETS)
WIDGET_TESTS := tests/test_compat.py $(wildcard tests/test_widgets*.py)

.PHONY: start test test-browser test-ipywidgets7 lint exercises bench clean retarget site test-site test-workshop

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The website's tools (Sphinx, myst-nb, sphinx-book-theme) and nbgitpuller, on top of the course's venv.
$(SITE_STAMP): $(STAMP) requirements-site.txt
	$(BIN)/python -m pip install --quiet -r requirements-site.txt
	touch $(SITE_STAMP)

# A second venv with Colab's ipywidgets 7.7 and course_lib (editable, no other notebook stack).
$(STAMP7): pyproject.toml
	$(PYTHON) -m venv $(VENV7)
	echo '*' > $(VENV7)/.gitignore
	$(VENV7)/bin/python -m pip install --quiet $(COLAB_PINS) numpy matplotlib ml_dtypes pytest pytest-xdist hypothesis packaging
	$(VENV7)/bin/python -m pip install --quiet --no-deps -e .
	touch $(STAMP7)

start: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --no-browser --ip=127.0.0.1 $(ROOT_FLAG)

# Style (ruff), types (mypy over course_lib, pinned in pyproject.toml), every .py/.ipynb pair in sync, exercises fresh.
lint: $(STAMP)
	$(BIN)/ruff check course_lib tests tools notebooks exercises solutions
	$(BIN)/mypy
	$(BIN)/python -m tools.check_pairs
	$(BIN)/python -m tools.build_exercises --check
	$(BIN)/python -m course_lib.glossary --check

# Library, notebooks (nbval), Colab/Binder checks; then JupyterLab and Voila in chromium; then ipywidgets 7.7.
# pytest-xdist runs the first and last parts on every core; --dist loadfile keeps each file (a notebook's cells,
# which share one kernel) on one worker. The browser tests share one JupyterLab and run in order.
PARALLEL := -n auto --dist loadfile
test: $(STAMP) lint
	$(BIN)/python -m pytest -m "not browser" $(PARALLEL)
	$(MAKE) --no-print-directory test-browser test-ipywidgets7

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m "browser and not site and not workshop" tests/browser

test-ipywidgets7: $(STAMP7)
	EXPECT_IPYWIDGETS=$(COLAB_IPYWIDGETS) $(VENV7)/bin/python -m pytest -o addopts=-ra -p no:cacheprovider $(PARALLEL) \
		$(WIDGET_TESTS)

exercises: $(STAMP)
	$(BIN)/python -m tools.build_exercises

# The course website in build/site/ (tools/site_build.py): notebooks executed once, in parallel, then Sphinx.
site: $(SITE_STAMP)
	$(BIN)/python -m tools.site_build

# The built website in chromium: pages, images, internal links, launch buttons (tests/browser/test_site.py).
test-site: site
	$(BIN)/python -m pytest -m site tests/browser

# The JupyterHub workshop path: nbgitpuller's git-pull link against a local clone (tests/browser/test_workshop.py).
test-workshop: $(SITE_STAMP)
	$(BIN)/python -m pytest -m workshop tests/browser

# Point every Colab/Binder/install/nbgitpuller/website link at REPO=owner/name [BRANCH=main] ([tool.course]).
retarget: $(STAMP)
	$(BIN)/python -m tools.retarget $(if $(REPO),--repo $(REPO)) $(if $(BRANCH),--branch $(BRANCH))

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) $(VENV7) .pytest_cache test-artifacts build
