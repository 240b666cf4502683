# Each target creates .venv from requirements/lock.txt on first use, so that a
# fresh clone needs only Python 3.10+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MATHJAX := docs/assets/vendor/mathjax/.complete
HOST ?= 127.0.0.1
PORT ?= 8000
# Package index that `make bench` installs PyTorch from; empty means pip's default.
TORCH_INDEX ?=

# Material for MkDocs prints a long notice about its successor on every build.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve site test lint bench lock clean

## serve: build the site and serve it at http://$(HOST):$(PORT), rebuilding on changes
serve: $(INSTALLED) $(MATHJAX)
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

## site: build the site into site/
site: $(INSTALLED) $(MATHJAX)
	$(BIN)/mkdocs build --strict

## test: run the whole test suite (doctests, unit, property and docs-build tests)
test: $(INSTALLED) $(MATHJAX)
	$(BIN)/python -m pytest

## lint: check style and types
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: compare dltut with PyTorch, scipy and scikit-learn; writes benchmarks/results.json
bench: $(INSTALLED) $(MATHJAX)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
	  $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) "torch==2.13.0"
	$(BIN)/python -m benchmarks.run

## lock: re-pin requirements/lock.txt from the ranges in pyproject.toml
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet ".[docs,test,lint]"
	{ sed -n '1,3p' requirements/lock.txt; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^dltut'; } > requirements/lock.new
	mv requirements/lock.new requirements/lock.txt
	rm -rf .lock-venv

clean:
	rm -rf site .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis

$(INSTALLED): pyproject.toml requirements/lock.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(MATHJAX): $(INSTALLED) tools/mathjax-requirements.txt tools/vendor_mathjax.py
	$(BIN)/python tools/vendor_mathjax.py
