"""Speaker resolution measured on GUM: gold entities, name matching, and the table's counts.

The fixture (tests/fixtures/speaker_eval) is a made-up one-document corpus in GUM's format:
"Anna Berg leads the Harbor Trust. Berg said the port would close. Tom Olsen thinks she is
right. She added that he agreed. He told reporters so. The workers said they were angry.
Photo: Tom Olsen." with seven attribution relations.
"""
import json

import pytest

from quotetrack.dev.speaker_eval import GoldSource, evaluate, load_gold, main, name_matches, normalise
from quotetrack.records import Attribution, Span, Speaker, stable_id



@pytest.fixture
def gum():
    from conftest import FIXTURES

    return FIXTURES / "speaker_eval"


def _span(doc, a, b):
    """Characters of 0-based tokens [a, b)."""
    return Span.of(doc.text, doc.tokens[a].start, doc.tokens[b - 1].end)


def _pred(doc, source, cue, name, kind, named=None):
    s, c = _span(doc, *source), _span(doc, *cue)
    n = _span(doc, *named) if named else None
    sp = Speaker(stable_id(doc.article.article_id, name), name, kind,
                 named_start=n.start if n else None, named_end=n.end if n else None)
    return Attribution(Attribution.make_id(doc.article.article_id, c, None), doc.article.article_id,
                       "indirect", "say", s, c, None, speaker=sp)


def _made_up_predictions(doc):
    return [
        _pred(doc, (7, 8), (8, 9), "Anna Berg", "person"),  # "Berg said": right
        # "Tom Olsen thinks": no prediction (unmatched)
        # "She added": wrong name, but the named mention is Anna Berg's -> speaker right only
        _pred(doc, (21, 22), (22, 23), "the port official", "person", named=(0, 2)),
        _pred(doc, (24, 25), (25, 26), "Anna Berg", "person"),  # "he agreed" is Tom Olsen: wrong
        _pred(doc, (27, 28), (28, 29), "Olsen", "person"),  # "He told": right by surname
        _pred(doc, (32, 34), (34, 35), "workers", "group"),  # not nameable: not scored
    ]


def test_gold_entities_types_and_names(gum):
    _, gold = load_gold(gum)
    g = gold["mini_news"]
    assert [x.source_type for x in g] == ["name", "name", "pronoun", "pronoun", "pronoun",
                                         "description", "name"]
    assert [x.speech for x in g] == [True, False, True, False, True, True, False]
    assert [x.nameable for x in g] == [True, True, True, True, True, False, True]
    assert [x.chain for x in g] == ["1", "4", "1", "4", "4", "6", "4"]
    # The pronoun "She" refers to Anna Berg: her names, identity and surname.
    assert set(g[2].names) == {"anna berg", "berg"}
    assert g[2].surnames == ("berg",)
    assert g[2].named_spans == ((0, 9), (34, 38))
    assert g[6].cue == ()


def test_table_counts_right_wrong_and_unmatched(gum):
    report = evaluate(gum, predict=_made_up_predictions)
    assert (report.relations, report.cueless) == (6, 1)
    rows = {k: (c.gold, c.found, c.speaker, c.actor) for k, c in report.table(False).items()}
    assert rows == {"all": (5, 4, 3, 2), "name": (2, 1, 1, 1), "pronoun": (3, 3, 2, 1),
                    "description": (0, 0, 0, 0)}
    speech = {k: (c.gold, c.found, c.speaker, c.actor) for k, c in report.table(True).items()}
    assert speech == {"all": (3, 3, 3, 2), "name": (1, 1, 1, 1), "pronoun": (2, 2, 2, 1),
                      "description": (0, 0, 0, 0)}
    unmatched = [o for o in report.outcomes if o.gold.nameable and o.pred is None]
    assert [o.source_text for o in unmatched] == ["Tom Olsen"]
    errors = report.errors()
    assert [(o.source_text, o.speaker_right, o.actor_right) for o in errors] == [
        ("Tom Olsen", False, False), ("She", True, False), ("he", False, False)]
    d = report.to_dict()
    assert d["nameable_all"]["all"]["actor_pct"] == 40.0 and d["unmatched"] == 1


def test_cueless_relations_on_request(gum):
    report = evaluate(gum, predict=_made_up_predictions, include_cueless=True)
    assert (report.relations, report.cueless) == (7, 0)
    assert report.table(False)["name"].gold == 3
    assert report.table(False)["name"].found == 1  # the photo credit has no prediction


def test_name_normalisation_and_surnames():
    assert normalise("The Harbor Trust's") == "harbor trust"
    assert normalise("  Hernán  Gómez, ") == "hernan gomez"
    assert normalise("an official") == "official"
    person = GoldSource("d", (0,), (1,), True, "name", "1", "person", ("anna berg",), ("berg",), (), ())
    assert name_matches("Ms. Berg", person, person=True)
    assert not name_matches("Ms. Berg", person, person=False)
    assert not name_matches("Anna Holm", person, person=True)
    assert not name_matches(None, person, person=True)
    paper = GoldSource("d", (0,), (1,), True, "name", "2", "organization",
                       ("city herald",), ("herald",), (), ())
    # Surnames only between people: another paper called Herald is not this one.
    assert not name_matches("Morning Herald", paper, person=True)
    assert name_matches("the City Herald", paper, person=False)


def test_main_runs_the_builtin_path(gum, capsys):
    assert main([str(gum), "--json", "--errors", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    # Gold counts do not depend on the extractor; what it finds does.
    assert out["relations"] == 6 and out["nameable"] == 5 and out["cueless_left_out"] == 1
    assert out["nameable_speech"]["all"]["gold"] == 3
    assert len(out["errors"]) <= 2
    assert main([str(gum), "--errors", "1"]) == 0
    text = capsys.readouterr().out
    assert "(b) nameable, speech cue" in text and "pronoun" in text


def test_main_rejects_a_folder_without_gum(tmp_path, capsys):
    assert main([str(tmp_path)]) == 1
    assert "derived_attributions.jsonl" in capsys.readouterr().err


@pytest.mark.shared
def test_speaker_resolution_on_gum():
    from conftest import shared_path

    report = evaluate(shared_path("corpora", "gum"))
    table = report.table(False)
    # Gold figures are fixed by the corpus.
    assert (report.relations, report.cueless, table["all"].gold) == (370, 81, 263)
    assert report.table(True)["all"].gold == 154
    # Measured at 20ea6b3: actor right 89/263 (33.8%), speech 87/154; floors a little below.
    assert table["all"].actor >= 80
    assert report.table(True)["all"].actor >= 80
