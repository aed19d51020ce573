# mlopslab: two commands on a fresh machine.
#   make run    set up .venv and run every lab headless on the local stack, then print a summary
#   make test   set up .venv and run the checks CI runs (nbdev sync, notebook tests, pytest)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp's name carries a hash of the dependency files' contents: a second `make` skips setup unless
# they really changed (nbdev-export rewrites pyproject.toml, so a timestamp would not do).
DEPS_HASH := $(shell cat requirements.txt constraints.txt pyproject.toml 2>/dev/null | md5sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(DEPS_HASH)
CHECKOV := .venv-checkov/bin/checkov
JOBS ?= 2
# Telemetry off, and tool state (IPython, matplotlib) in the workspace, for every target.
WORKSPACE := $(CURDIR)/.mlopslab
export MLFLOW_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := true
export DVC_NO_ANALYTICS := 1
export IPYTHONDIR := $(WORKSPACE)/ipython
export MPLCONFIGDIR := $(WORKSPACE)/matplotlib

.PHONY: setup run test sync-check nbtest pytest bench jupyter stack-up stack-down infra-scan clean help

help:
	@echo "make run     set up and run every lab headless (local stack), with a summary"
	@echo "make test    set up and run nbdev sync check, nbdev-test and pytest (what CI runs)"
	@echo "make setup   only create/refresh .venv"
	@echo "make jupyter JupyterLab on 127.0.0.1 with state kept in .mlopslab/"
	@echo "make bench   run the benchmarks in benchmarks/"

setup: $(STAMP)

$(STAMP):
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or pass PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing torch 2.13.0 (CPU) first, so no dependency pulls a CUDA build"
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	@echo "setup: installing the pinned environment (requirements.txt + constraints.txt)"
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# checkov pins an old `packaging` that breaks pytest, so it gets its own venv (infra/scan.sh makes it).
$(CHECKOV):
	bash infra/scan.sh --install-only

run: setup
	$(BIN)/mlopslab labs run --all --jobs $(JOBS)

test: setup $(CHECKOV)
	@$(MAKE) --no-print-directory sync-check nbtest pytest

sync-check: setup
	@bash .ci/sync-check.sh

nbtest: setup
	@mkdir -p $(IPYTHONDIR) $(MPLCONFIGDIR)
	$(BIN)/nbdev-test --n-workers $(JOBS)

pytest: setup
	@mkdir -p $(IPYTHONDIR) $(MPLCONFIGDIR)
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python benchmarks/import_time.py
	$(BIN)/python benchmarks/labs_runtime.py
	$(BIN)/python benchmarks/data/bench_data.py
	$(BIN)/python benchmarks/grading/bench.py

jupyter: setup
	$(BIN)/mlopslab config >/dev/null
	$(BIN)/python -c "from mlopslab.config import activate; import os; activate(); os.execvp('$(BIN)/jupyter', ['jupyter', 'lab', '--ip=127.0.0.1', '--no-browser'] + (['--allow-root'] if os.geteuid() == 0 else []))"

stack-up: setup
	$(BIN)/mlopslab stack up

stack-down: setup
	$(BIN)/mlopslab stack down

infra-scan:
	bash infra/scan.sh

clean:
	-$(BIN)/mlopslab stack down 2>/dev/null
	rm -rf .mlopslab _docs _proc .pytest_cache
