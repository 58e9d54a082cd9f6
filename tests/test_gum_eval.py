"""Measuring on GUM: signal parsing, scoring, and a floor for the dependency path."""
import pytest

from quotetrack.dev.gum_eval import GoldRelation, Score, format_table, main, parse_signals, score_doc
from quotetrack.io.conllu import parse_conllu
from quotetrack.records import Attribution, Span


def test_signals_give_zero_based_source_and_cue_tokens():
    assert parse_signals("sem-atsrc-215-216-_+lex-indwd-217-_") == ([214, 215], [216])
    assert parse_signals("sem-atsrc-146,161-_+lex-indph-159-160-_") == ([145, 160], [158, 159])
    assert parse_signals("grf-qt-78,97-_+sem-atsrc-79-gold+syn-rpr-83-_") == ([78], [])
    assert parse_signals("0") == ([], [])


def test_a_relation_is_found_when_cue_and_source_overlap():
    rows = ["1\tBob\tBob\tPROPN\t_\t_\t2\tnsubj\t_\t_",
            "2\tsaid\tsay\tVERB\t_\t_\t0\troot\t_\t_",
            "3\tno\tno\tINTJ\t_\t_\t2\tccomp\t_\t_",
            "4\tand\tand\tCCONJ\t_\t_\t5\tcc\t_\t_",
            "5\tthought\tthink\tVERB\t_\t_\t2\tconj\t_\t_",
            "6\tso\tso\tADV\t_\t_\t5\tadvmod\t_\t_"]
    (doc,) = parse_conllu("\n".join(rows) + "\n")
    gold = [GoldRelation("d", (0,), (1,), True), GoldRelation("d", (0,), (4,), False)]

    def att(cue, source):
        c = Span.of(doc.text, *cue)
        s = Span.of(doc.text, *source) if source else None
        return Attribution(Attribution.make_id("d", c, None), "d", "indirect", "say", s, c, None)

    score = Score()
    score_doc(doc, gold, [att((4, 8), (0, 3)), att((16, 23), (0, 3))], score)
    # gold: only the speech relation; predictions: only the one whose cue is a speech verb
    assert (score.gold, score.found, score.predicted, score.correct) == (1, 1, 1, 1)
    # over every prediction, the non-speech cue (16-23) counts too: it matches a relation
    assert (score.all_predicted, score.all_correct) == (2, 2)
    score = Score()
    score_doc(doc, gold, [att((4, 8), (0, 3)), att((24, 26), (0, 3))], score)
    # "so" is no cue of any relation: outside the speech-cue precision, wrong in the overall one
    assert (score.predicted, score.correct, score.all_predicted, score.all_correct) == (1, 1, 2, 1)
    assert score.all_precision == 0.5
    score = Score()
    score_doc(doc, gold, [att((4, 8), None)], score)
    assert (score.found, score.cue_found, score.predicted, score.correct) == (0, 1, 1, 0)
    assert score.f1 == 0.0 and "dependency" in format_table({"dependency": score})


@pytest.mark.shared
def test_dependency_path_on_gum_speech_relations(capsys):
    from conftest import shared_path

    from quotetrack.dev.gum_eval import evaluate_gum

    gum = shared_path("corpora", "gum")
    (score,) = evaluate_gum(gum, paths=["dependency"]).values()
    # Measured: 208 relations, R 92.3, P 78.9, F1 85.1 (see the README); floors a little below.
    assert score.gold >= 200
    assert score.recall >= 0.88
    assert score.precision >= 0.75
    assert score.f1 >= 0.80
    assert main([str(gum), "--paths", "dependency"]) == 0
    assert "dependency" in capsys.readouterr().out


def test_main_rejects_a_folder_without_gum(tmp_path, capsys):
    assert main([str(tmp_path)]) == 1
    assert "derived_attributions.jsonl" in capsys.readouterr().err
