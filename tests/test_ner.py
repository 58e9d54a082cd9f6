"""The built-in entity recognizer (quotetrack.nlp.ner) and its training/evaluation readers."""
import pytest

from quotetrack.dev import ner_eval, train_ner
from quotetrack.models import ModelsMissing
from quotetrack.nlp import BuiltinAnnotator, ner
from quotetrack.nlp.builtin import split_sentences, tokenize
from quotetrack.records import Article

from conftest import FIXTURES, shared_path

SENTENCE = "Foreign Minister Lena Varga of Norland met officials from the Fisheries Ministry in Oslo."


def features_of(text):
    raw = tokenize(text)
    words = [t for t, _, _ in raw]
    sents = split_sentences(text, raw)
    return words, [f for sent in ner.document_features(words, sents) for f in sent]


def test_possessives_and_shapes():
    assert ner.split_possessive("Russia's") == ("Russia", True)
    assert ner.split_possessive("Jones’") == ("Jones", True)
    assert ner.split_possessive("O'Neill") == ("O'Neill", False)
    assert ner.split_possessive("'s") == ("'s", False)
    assert ner.shape("Varga-Kiss") == "Xx-Xx"
    assert ner.shape("U.S.") == "X.X."
    assert ner.shape("iPhone") == "xXx"


def test_features_of_a_made_up_sentence():
    text = 'Mr. Tom Hale said "Norway\'s envoy" (Dr. Ivo Kral) left Saudi Arabia. Hale agreed.'
    words, feats = features_of(text)
    f = dict(zip(range(len(words)), feats))
    at = {w: i for i, w in reversed(list(enumerate(words)))}
    assert "first" in f[at["Mr."]] and "hon" in f[at["Mr."]] and "ttl=person" in f[at["Mr."]]
    assert "hon-1" in f[at["Tom"]] and "w-1=mr." in f[at["Tom"]] and "sh=Xx" in f[at["Tom"]]
    norway = f[at["Norway's"]]
    assert "poss" in norway and "w=norway" in norway and "gz=name" in norway and "inq" in norway
    assert "inp" in f[at["Ivo"]] and "inq" not in f[at["Ivo"]]
    assert "gzB=name" in f[at["Saudi"]] and "gzI=name" in f[at["Arabia"]]
    # "Hale" opens the second sentence, but it is capitalised mid-sentence elsewhere too.
    second_hale = feats[len(words) - 3]
    assert "first" in second_hale and "capdoc" in second_hale and "lcdoc" not in second_hale


def test_bio_to_bioes_like_stanza():
    assert ner.bio_to_bioes(["B-PERSON", "I-PERSON", "O", "B-GPE", "I-ORG", "I-ORG", "B-ORG", "I-ORG", "I-ORG"]) == \
        ["B-PERSON", "E-PERSON", "O", "S-GPE", "B-ORG", "E-ORG", "B-ORG", "I-ORG", "E-ORG"]
    assert ner.bio_to_bioes(["I-MISC"]) == ["S-MISC"]
    assert ner.bio_to_bioes([]) == []


def test_the_shipped_model_finds_the_person_and_the_place():
    doc = BuiltinAnnotator().annotate_one(Article("t", SENTENCE))
    found = {(SENTENCE[doc.tokens[e.start].start:doc.tokens[e.end - 1].end], e.type) for e in doc.entities}
    assert ("Lena Varga", "PERSON") in found
    assert ("Oslo", "GPE") in found
    assert not any(text.startswith("Foreign") for text, _ in found)  # the title is not the name


def test_builtin_annotator_fills_bioes_tags_and_entities():
    doc = BuiltinAnnotator().annotate_one(Article("t", SENTENCE))
    assert "ner" in doc.processors
    tags = {t.text: t.ner for t in doc.tokens}
    assert tags["Lena"] == "B-PERSON" and tags["Varga"] == "E-PERSON" and tags["Oslo"] == "S-GPE"
    assert tags["met"] == "O"
    person = next(e for e in doc.entities if e.type == "PERSON")
    assert [t.text for t in doc.tokens[person.start:person.end]] == ["Lena", "Varga"]


def test_ner_false_keeps_tokens_only():
    doc = BuiltinAnnotator(ner=False).annotate_one(Article("t", SENTENCE))
    assert doc.processors == frozenset({"tokenize"})
    assert doc.entities == () and all(t.ner is None for t in doc.tokens)
    with_ner = BuiltinAnnotator().annotate_one(Article("t", SENTENCE))
    assert [(t.text, t.start, t.end, t.sent) for t in doc.tokens] == \
        [(t.text, t.start, t.end, t.sent) for t in with_ner.tokens]


def test_a_missing_model_names_make_train_ner(tmp_path, monkeypatch):
    with pytest.raises(ModelsMissing, match="make train-ner"):
        ner.EntityRecognizer(tmp_path / "absent.crfsuite")
    monkeypatch.setattr(ner, "MODEL_PATH", tmp_path / "absent.crfsuite")
    with pytest.raises(ModelsMissing) as info:
        BuiltinAnnotator()
    assert "make train-ner" in str(info.value) and "\n" not in str(info.value)
    assert BuiltinAnnotator(ner=False).annotate_one(Article("t", "Still works.")).tokens


def test_gum_named_mentions_are_cut_down_to_names():
    (doc,) = ner_eval.gum_documents([FIXTURES / "ner" / "made_up_gum.conllu"])
    got = [(doc.text[s:e], t) for s, e, t in doc.entities]
    # The title leaves the person's name, "of Norland" is a place of its own, the nested
    # "Eastport" gives way to the organization, "She" and "Monday" are not names, and a
    # nationality is MISC.
    assert got == [("Lena Varga", "PERSON"), ("Norland", "GPE"), ("University of Eastport", "ORG"),
                   ("Americans", "MISC"), ("Eastport", "GPE")]


def test_corenlp_silver_loses_titles_and_labels_follow_builtin_tokens():
    (doc,) = ner_eval.polnear_documents(FIXTURES / "ner" / "made_up_corenlp.conllu")
    assert [(doc.text[s:e], t) for s, e, t in doc.entities] == \
        [("Tom Hale", "PERSON"), ("Acme Corp.", "ORG"), ("Eastport", "GPE")]
    (feats, labels), = train_ner.sequences(doc)
    words = [t for t, _, _ in tokenize(doc.text)]
    assert dict(zip(words, labels))["Eastport’s"] == "B-GPE"  # one built-in token, labelled
    assert labels[:3] == ["O", "B-PERSON", "I-PERSON"]
    # Scoring the gold labels back gives the gold spans: the possessive is not in the span.
    raw = tokenize(doc.text)
    pred = ner_eval.predicted_spans(doc.text, [(s, e) for _, s, e in raw], labels)
    assert pred == ner_eval.gold_spans(doc)


def test_scores_count_exact_spans_only():
    counts = {}
    ner_eval.score({(0, 4, "PERSON"), (10, 14, "GPE")}, {(0, 4, "PERSON"), (10, 15, "GPE"), (20, 22, "ORG")},
                   counts)
    assert (counts["PERSON"].tp, counts["GPE"].tp, counts["GPE"].gold, counts["ORG"].pred) == (1, 0, 1, 1)
    assert counts["PERSON"].f1 == 1.0 and counts["GPE"].f1 == 0.0


@pytest.mark.shared
def test_a_small_training_run_makes_a_working_model(tmp_path, capsys):
    corpora = shared_path("corpora")
    shared_path("corpora", "gum", "other-genres")
    shared_path("corpora", "polnear", "corenlp", "train.conllu")
    out = tmp_path / "ner.crfsuite"
    assert train_ner.main([str(corpora), "-o", str(out), "--limit", "2", "--iterations", "10"]) == 0
    assert out.is_file() and out.stat().st_size > 0
    assert "trained" in capsys.readouterr().err
    rec = ner.EntityRecognizer(out)
    words = ["Lena", "Varga", "visited", "Oslo", "."]
    tags = rec.tag(words, [(0, 5)])
    assert len(tags) == 5 and all(t == "O" or t[:2] in ("B-", "I-", "E-", "S-") for t in tags)


@pytest.mark.shared
def test_training_documents_never_include_the_evaluation_sets():
    corpora = shared_path("corpora")
    docs = train_ner.training_documents(corpora, ["gum"])
    genres = {d.doc_id.split("_")[1] for d in docs}
    assert genres == set(train_ner.GUM_GENRES)
    assert not any(d.doc_id.startswith(("GUM_news", "GUM_interview")) for d in docs)


@pytest.mark.shared
def test_stanza_tokens_get_entities_from_the_crf_when_stanza_has_no_ner():
    from quotetrack.nlp import StanzaAnnotator

    models = shared_path("models", "stanza")
    ann = StanzaAnnotator(models, device="cpu")
    assert "ner" not in ann.processors  # only tokenize+mwt are shared
    (doc,) = list(ann.annotate([Article("t", SENTENCE)]))
    assert doc.has("ner")
    found = {(SENTENCE[doc.tokens[e.start].start:doc.tokens[e.end - 1].end], e.type) for e in doc.entities}
    assert ("Lena Varga", "PERSON") in found and ("Oslo", "GPE") in found
    assert all(t.ner for t in doc.tokens)
    (plain,) = list(StanzaAnnotator(models, device="cpu", ner=False).annotate([Article("t", SENTENCE)]))
    assert not plain.has("ner") and plain.entities == ()


def test_an_honorific_is_not_part_of_the_name_after_it():
    words = ["Ms", "Dagny", "Holm", "met", "Mr", "Vik", "and", "Mr.", "Ola", "Berg"]
    tags = ["B-MISC", "I-MISC", "E-MISC", "O", "O", "S-GPE", "O", "O", "B-PERSON", "E-PERSON"]
    ner.fix_honorifics(words, tags)
    assert tags == ["O", "B-PERSON", "E-PERSON", "O", "O", "S-PERSON", "O", "O", "B-PERSON", "E-PERSON"]


def test_lone_surnames_of_people_named_in_full_become_people():
    words = ["Rick", "Santorum", "spoke", ".", "Santorum's", "aide", "and", "Jordan", "and", "Santorum", "."]
    tags = ["B-PERSON", "E-PERSON", "O", "O", "O", "O", "O", "S-GPE", "O", "S-ORG", "O"]
    ner.propagate_surnames(words, tags)
    assert tags[4] == "S-PERSON"  # the possessive form counts
    assert tags[9] == "S-ORG"  # only untagged words change
    assert tags[:4] == ["B-PERSON", "E-PERSON", "O", "O"]
    tags = ["B-PERSON", "E-PERSON", "O", "O"]
    ner.propagate_surnames(["Hussein", "Jordan", "visited", "Jordan"], tags)
    assert tags[3] == "O"  # a country's name stays as the CRF tagged it
