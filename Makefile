# Two commands do all set-up on a fresh Linux machine with Python 3.11: make demo, make test.
# The venv's interpreter: the first python3.11 on PATH that can make a venv and has libpython
# linked in, else the first python3.11. pyenv's default build runs from a shared libpython built
# without PGO; jwflint's own Python code runs about 15% slower on it than on Debian's python3.11,
# while lxml's C parsing runs the same (docs/performance.md, "Which Python 3.11").
# `make PYTHON=/path/to/python3.11 ...` picks one by hand.
FIND_PYTHON := for candidate in $$(which -a python3.11 2>/dev/null); do \
  "$$candidate" -c 'import ensurepip, sys; sys.exit(any("libpython" in line for line in open("/proc/self/maps")))' \
  >/dev/null 2>&1 && { echo "$$candidate"; exit 0; }; done; echo python3.11
PYTHON ?= $(shell $(FIND_PYTHON))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := fixtures/demo/service_desk.xml
OUT := demo-out

.PHONY: demo test lint bench clean system-deps python

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; print("venv:", sys.version.split()[0], "from", sys.base_prefix)'

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Graphviz's `dot` draws SVG/PNG/PDF; install Debian's package when it is missing and apt works.
system-deps:
	@command -v dot >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else echo "note: Graphviz 'dot' is missing; SVG/PNG/PDF rendering will be unavailable"; fi; }

# The main job on a bundled service-desk workflow (its catalogue: fixtures/demo/.jwflint.yaml):
# what the bot lacks, the patched workflow that adds it, and pictures of both.
demo: $(STAMP) system-deps
	@rm -rf $(OUT) && mkdir -p $(OUT)
	@echo "== 1. jwflint lint $(DEMO): what the bot still lacks"
	@$(BIN)/jwflint lint $(DEMO) || echo "   (exit code $$?: findings at or above fail_on, as a CI job or pre-commit hook would fail)"
	@echo
	@echo "== 2. jwflint patch bot: bot-only Any status -> Resolved / In Progress / Reopened"
	$(BIN)/jwflint patch bot $(DEMO) -o $(OUT)/service_desk.patched.xml --render $(OUT)/service_desk.patch.html
	@echo
	@echo "== 3. the patch: jwflint patch bot without -o prints it as a diff (first 60 lines)"
	@$(BIN)/jwflint patch bot $(DEMO) 2>/dev/null | head -n 60
	@echo "   ... (whole patch: $(OUT)/service_desk.patched.xml)"
	@echo
	@echo "== 4. jwflint lint on the patched workflow"
	@$(BIN)/jwflint lint --config fixtures/demo/.jwflint.yaml $(OUT)/service_desk.patched.xml || echo "   (exit code $$?: what the patch cannot fix is left for the manual steps)"
	@echo
	@echo "== 5. diagrams and report"
	@if command -v dot >/dev/null 2>&1; then \
	  $(BIN)/jwflint render $(DEMO) -o $(OUT)/service_desk.svg && echo "wrote $(OUT)/service_desk.svg"; \
	  else echo "note: Graphviz 'dot' is missing: no SVG (the HTML report says so)"; fi
	$(BIN)/jwflint render $(DEMO) -o $(OUT)/service_desk.html
	@echo "wrote $(OUT)/service_desk.html (diagram + findings) and $(OUT)/service_desk.patch.html (the patch, before/after)"

# Tests over ../shared/corpus-bulk (hundreds of files) are marked `bulk` and run when CI is set.
PYTEST_SELECT := $(if $(CI),,-m "not bulk")

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -n 2 $(PYTEST_SELECT)

lint: $(STAMP)
	$(BIN)/ruff check jwflint tests bench

bench: $(STAMP)
	$(BIN)/python bench/bench.py ../shared/corpus

# The interpreter a new venv would be made with.
python:
	@echo $(PYTHON)

clean:
	rm -rf $(VENV) $(OUT) build dist *.egg-info
