# ecoplan task runner. Two commands matter on a fresh machine:
#   make reports   set up .venv, ingest, build every demo town's appendices and the site
#   make test      set up .venv, lint, run the full test suite with coverage
# noxfile.py has the same sessions for people who prefer nox.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ecoplan-installed

.PHONY: setup reports ingest build site test lint format typecheck lab doctor bench clean lock

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . || \
	  $(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name ecoplan --display-name "ecoplan (Python 3)" >/dev/null
	@touch $(STAMP)

reports: setup
	$(BIN)/ecoplan ingest
	$(BIN)/ecoplan build --all
	$(BIN)/ecoplan site
	@echo "Open reports/site/index.html in a browser."

ingest: setup
	$(BIN)/ecoplan ingest

build: setup
	$(BIN)/ecoplan build --all

site: setup
	$(BIN)/ecoplan site

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: setup
	$(BIN)/mypy

test: setup lint
	$(BIN)/python -m pytest --cov --cov-report=term --cov-fail-under=70

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks

doctor: setup
	$(BIN)/ecoplan doctor

bench: setup
	$(BIN)/python benchmarks/run_all.py

lock:
	@echo "Regenerate requirements/lock.txt from a fresh venv of pyproject.toml[dev]:"
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv && .lockenv/bin/pip install --quiet -e '.[dev]' && \
	  .lockenv/bin/pip freeze --exclude-editable | grep -v '^ecoplan' > requirements/lock.txt && rm -rf .lockenv

clean:
	rm -rf data/processed/* reports/* .pytest_cache .ruff_cache .mypy_cache
	@touch data/processed/.gitkeep reports/.gitkeep
