# The two commands of the README. Both set up .venv from scratch when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint venv screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

venv: $(STAMP_TEST)

run: $(STAMP_RUN)
	$(BIN)/irdesk --demo

lint: $(STAMP_TEST)
	$(BIN)/ruff check irdesk tests
	$(BIN)/ruff format --check irdesk tests
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

screenshot: $(STAMP_RUN)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot.py resources/screenshots/main-window.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_dashboard.py resources/screenshots/dashboard.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_findings.py resources/screenshots/findings.png

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
