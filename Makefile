# Two commands on a fresh Debian machine: `make demo` and `make test`.
# Each installs what it needs: Debian packages (fonts …) and a virtualenv in .venv.

VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint rules-doc bench fuzz mutate system-deps clean

demo: system-deps $(STAMP)
	$(BIN)/signage check content || [ $$? -eq 1 ]
	$(BIN)/signage demo

# The suite runs in random order (pytest-randomly; `make test SEED=N` repeats the printed order)
# and from a scratch folder, so no test can lean on the order of others or on the current folder.
test: system-deps $(STAMP)
	$(BIN)/ruff check .
	seed=$${SEED:-$$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}; echo "test order: SEED=$$seed"; \
	cd "$$(mktemp -d)" && $(abspath $(BIN))/python -m pytest -q -c $(CURDIR)/pyproject.toml \
		--rootdir $(CURDIR) -p randomly --randomly-seed=$$seed $(CURDIR)/tests

lint: $(STAMP)
	$(BIN)/ruff check .

rules-doc: $(STAMP)
	$(BIN)/signage rules --format markdown > docs/RULES.md

bench: $(STAMP)
	$(BIN)/python bench/check_catalogue.py
	$(BIN)/python bench/publish.py
	$(BIN)/python bench/player.py
	$(BIN)/python bench/soak.py
	$(BIN)/python bench/led.py
	$(BIN)/python bench/board.py
	$(BIN)/python bench/kiosk.py
	$(BIN)/python bench/assess.py
	$(BIN)/python bench/console.py

system-deps:
	@deploy/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=nightly $(BIN)/python -m pytest -q tests/test_fuzz.py

# Mutation testing of the security- and rule-critical modules (tests/mutation/run.py,
# docs/TESTING.md); about 20–40 minutes on two cores. `make mutate TARGETS="wire review"` for some.
mutate: system-deps $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,mutate]'
	$(BIN)/python tests/mutation/run.py $(TARGETS)

