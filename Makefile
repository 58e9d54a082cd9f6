# quotetrack: `make demo` sets up and runs the main job; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SHARED ?= ../shared
OUT    ?= out

.PHONY: install demo test eval eval-speakers bench train clean

# The venv is rebuilt when setup.cfg changes. torch is pinned to the CPU build that lies
# on this machine's disk; a plain requirement would pull a multi-GB CUDA build.
$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) examples/run_demo.py --out $(OUT)/demo

test: install
	$(PY) -m pytest -q

eval: install
	$(VENV)/bin/quotetrack evaluate $(SHARED)/corpora/polnear/dev

# Speaker and actor accuracy on GUM's news+interview attribution sources (built-in path).
eval-speakers: install
	$(PY) -m quotetrack.dev.speaker_eval $(SHARED)/corpora/gum

bench: install
	$(PY) -m quotetrack.dev.bench $(SHARED)/corpora/bbc

train: install
	$(PY) -m quotetrack.dev.train $(SHARED)/corpora/polnear/train -o quotetrack/data

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
