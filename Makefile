# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Each creates the virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run recommend test test-fast test-floors lint bench preparsed clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[app,test]'
	touch $(STAMP)

# The questionnaire on the built-in example; .streamlit/config.toml binds it to 127.0.0.1
# with usage statistics off.
run: $(STAMP)
	$(BIN)/streamlit run app.py

recommend: $(STAMP)
	$(BIN)/advisor recommend examples/support-reply-draft.yaml

# ruff and mypy read their configuration from pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Everything, as CI runs it.
test: lint
	$(BIN)/pytest -q -p no:cacheprovider

# The inner loop: everything but the wheel build, the Streamlit app and the browser.
test-fast: lint
	$(BIN)/pytest -q -p no:cacheprovider -m "not slow"

# The suite in a fresh venv under /tmp with every runtime dependency (and the app extra) at the
# floor pyproject.toml declares: the oldest versions pip would let a user keep.
# Not part of `make test`: it downloads those releases and takes minutes.
test-floors:
	$(PYTHON) .ci/floors.py

# Every speed and memory goal, against zen-engine, a straight-line floor, libyaml and the
# libraries the CLI stands on: one table, exit 1 when a goal is missed (docs/performance.md).
# Not part of `make test`: it takes minutes and measures a machine, not the code's behaviour.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[app,test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py

# After editing the shipped rule set: its YAML parsed ahead, which every command's start reads
# instead of parsing files whose bytes it holds (advisor/core/preparsed.py; a test checks it).
preparsed: $(STAMP)
	$(BIN)/python -m advisor.core.preparsed

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
