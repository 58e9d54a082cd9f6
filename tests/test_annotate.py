from quotetrack.models import ModelsMissing, installed_processors
from quotetrack.nlp import BuiltinAnnotator, StanzaAnnotator, make_annotator, split_sentences, tokenize
from quotetrack.records import Article


def words(text):
    return [t for t, _, _ in tokenize(text)]


def test_tokens_index_the_original_text():
    text = "Mr. Smith said, “It didn’t work.” The U.S. envoy agreed."
    for tok, s, e in tokenize(text):
        assert text[s:e] == tok


def test_abbreviations_keep_their_period_and_sentences_split_after_quotes():
    text = "Mr. Smith said, “It didn’t work.” The U.S. envoy (Sen. Jones) said: \"No.\" He left."
    toks = tokenize(text)
    assert "Mr." in words(text) and "Sen." in words(text) and "U.S." in words(text)
    sents = [" ".join(toks[i][0] for i in range(a, b)) for a, b in split_sentences(text, toks)]
    assert sents == ["Mr. Smith said , “ It did n’t work . ”",
                     "The U.S. envoy ( Sen. Jones ) said : \" No . \"",
                     "He left ."]


def test_line_breaks_end_sentences():
    text = "A headline without a period\n\nThe body starts here. It goes on."
    toks = tokenize(text)
    assert len(split_sentences(text, toks)) == 3


def test_builtin_annotator_sentence_ids_and_offsets():
    art = Article("a", "First one. Second one.")
    doc = next(BuiltinAnnotator().annotate([art]))
    assert [t.sent for t in doc.tokens] == [0, 0, 0, 1, 1, 1]
    assert doc.token_at(11) == 3 and doc.tokens[3].text == "Second"


def test_unbalanced_and_odd_input_does_not_crash():
    for text in ["“Never closed", "»« « »", "", "\n\n\n", "\x00\x01 weird", "a" * 10000]:
        doc = BuiltinAnnotator().annotate_one(Article("x", text))
        assert all(text[t.start:t.end] == t.text for t in doc.tokens)


def test_auto_falls_back_to_builtin_without_models(tmp_path):
    assert installed_processors(tmp_path) == {}
    assert make_annotator("auto", models_dir=tmp_path).name == "builtin"


def test_missing_stanza_models_give_one_clear_error(tmp_path):
    try:
        StanzaAnnotator(tmp_path)
    except ModelsMissing as exc:
        assert "quotetrack models download" in str(exc)
    else:
        raise AssertionError("expected ModelsMissing")
