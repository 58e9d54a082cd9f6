"""quotetrack.dev.target_eval: scoring targets of targeted acts against hand judgement."""
from dataclasses import replace

import pytest

from conftest import make_attribution as attr
from quotetrack.dev import target_eval as te
from quotetrack.records import Span, Speaker, stable_id

HEADER = "corpus\tarticle\tcue_start\tcue\tact\tgold_target\tgold_speaker\treason\n"


def person(name, kind="person"):
    return Speaker(stable_id(kind, name.lower()), name, kind, via="name")


def placed(article, act, speaker, target_actor, cue_start, *, target_text=None):
    """An attribution whose cue starts at ``cue_start`` (6 characters long)."""
    a = attr(article, act, speaker, target=target_text, at=cue_start - 100)
    assert a.cue.start == cue_start
    a = replace(a, cue=Span("xxxxxx", cue_start, cue_start + 6))
    return replace(a, target_actor=target_actor)


def gold_row(article, start, act, target, speaker="NONE"):
    return te.GoldRow("bbc-politics", article, start, "xxxxxx", act, te.parse_names(target),
                      te.parse_names(speaker))


def test_names_cells_give_alternatives_and_several_actors():
    assert te.parse_names("NONE") == ()
    assert te.parse_names("Tony Blair") == (("Tony Blair",),)
    assert te.parse_names("UK government|Tony Blair&Gordon Brown") == (
        ("UK government", "Tony Blair"), ("Gordon Brown",))


def test_gold_file_is_read_with_comments_and_header_and_bad_rows_are_refused(tmp_path):
    good = tmp_path / "g.tsv"
    good.write_text("# how it was judged\n" + HEADER
                    + "bbc-politics\t001\t415\twarned\twarn\tGordon Brown\tDigby Jones\tobject\n"
                    + "polnear-dev\tx\t7\tdenied\tdeny\tNONE\tNONE|Jo Bloggs\n", encoding="utf-8")
    rows = te.load_gold(good)
    assert [(r.article, r.cue_start, r.cue_end, r.act) for r in rows] == [("001", 415, 421, "warn"),
                                                                           ("x", 7, 13, "deny")]
    assert rows[0].targets == (("Gordon Brown",),) and rows[1].targets == ()
    assert rows[1].speakers == (("NONE", "Jo Bloggs"),)
    bad = tmp_path / "bad.tsv"
    bad.write_text(HEADER + "bbc-politics\t001\tfour\twarned\twarn\tX\tY\tz\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cue_start"):
        te.load_gold(bad)


def test_names_compare_through_the_projects_own_bodies_and_countries():
    assert te.canonical("the Tories") == te.canonical("Conservative Party") == "conservative party"
    assert te.canonical("UK") == te.canonical("Britain") == "united kingdom"
    assert te.canonical("Labour's") == "labour party"
    assert te.canonical("Mr. Blair") == "blair" != te.canonical("Tony Blair")
    assert te.canonical("Lord Strathclyde") == "strathclyde"


def test_scoring_counts_right_targets_spurious_nodes_and_edges():
    blair = person("Tony Blair")
    tories = person("Conservative Party", "organization")
    preds = {"a1": [
        placed("a1", "accuse", "Michael Howard", blair, 200),       # right
        placed("a1", "deny", "Tony Blair", tories, 400),            # gold NONE: a spurious node
        placed("a1", "urge", "Michael Howard", None, 600),          # target missed
        placed("a1", "warn", "Gordon Brown", blair, 800),           # right target, wrong act
    ]}
    rows = [gold_row("a1", 200, "accuse", "Tony Blair", "Michael Howard"),
            gold_row("a1", 402, "deny", "NONE", "Tony Blair"),   # cue overlaps the prediction at 400
            gold_row("a1", 600, "urge", "Gordon Brown", "Michael Howard"),
            gold_row("a1", 800, "praise", "Tony Blair", "Gordon Brown"),
            gold_row("a1", 1000, "accuse", "Tony Blair")]         # no prediction there
    s = te.score("tune", rows, preds)
    assert (s.rows, s.found, s.right) == (5, 4, 2)
    assert (s.gold_none, s.none_to_actor) == (1, 1)
    # gold edges: rows 1, 3, 4, 5; predicted: rows 1, 2, 4; right: row 1 only (row 4's act differs)
    assert (s.gold_edges, s.pred_edges, s.right_edges) == (4, 3, 1)
    p, r, f = s.edges
    assert round(p, 1) == 33.3 and r == 25.0 and round(f, 1) == 28.6
    # full edges also need the speaker: row 1's is right; gold rows with a speaker: 1, 3, 4
    assert (s.gold_full, s.pred_full, s.right_full) == (3, 3, 1)
    assert not s.judged[4].found


def test_several_targets_must_all_be_found_and_alternatives_count():
    blair = person("Tony Blair")
    preds = {"a1": [placed("a1", "warn", "Michael Howard", blair, 200),
                    placed("a1", "accuse", "Michael Howard", blair, 400)]}
    rows = [gold_row("a1", 200, "warn", "Tony Blair&Gordon Brown"),
            gold_row("a1", 400, "accuse", "United Kingdom government|Tony Blair")]
    s = te.score("tune", rows, preds)
    assert [j.right for j in s.judged] == [False, True]
    assert (s.gold_edges, s.pred_edges, s.right_edges) == (3, 2, 2)


def test_a_surname_counts_as_the_full_name_only_where_the_tool_merges_it():
    preds = {"a1": [placed("a1", "accuse", "Michael Howard", person("Blair"), 200)],
             "a2": [placed("a2", "say", "Tony Blair", None, 200)]}
    rows = [gold_row("a1", 200, "accuse", "Tony Blair")]
    assert te.score("tune", rows, preds).right == 1  # the one Blair the corpus knows
    preds["a3"] = [placed("a3", "say", "Cherie Blair", None, 200)]
    assert te.score("tune", rows, preds).right == 0  # two Blairs: the tool keeps "Blair" apart


def test_a_body_of_a_country_answers_to_country_and_body():
    gov = Speaker("g", "government", "organization", affiliation="United Kingdom", via="description")
    preds = {"a1": [placed("a1", "urge", "Vince Cable", gov, 200)]}
    s = te.score("tune", [gold_row("a1", 200, "urge", "United Kingdom government")], preds)
    assert s.right == 1


def test_end_to_end_on_a_written_article(tmp_path):
    folder = tmp_path / "bbc" / "politics"
    folder.mkdir(parents=True)
    text = ("Howard attacks Blair\n\nTory leader Michael Howard accused Tony Blair of misleading "
            "voters over the economy.\n")
    (folder / "x1.txt").write_text(text, encoding="utf-8")
    gold = tmp_path / "gold.tsv"
    gold.write_text(HEADER + f"bbc-politics\tx1\t{text.index('accused')}\taccused\taccuse\t"
                    "Tony Blair\tMichael Howard\tobject\n", encoding="utf-8")
    [s] = te.evaluate(tmp_path, gold=gold, parts=["tune"])
    assert (s.rows, s.found, s.right, s.right_edges, s.right_full) == (1, 1, 1, 1, 1)


def test_a_missing_article_or_folder_is_one_clear_error(tmp_path, capsys):
    gold = tmp_path / "gold.tsv"
    gold.write_text(HEADER + "bbc-politics\tnope\t5\taccused\taccuse\tX\tY\tz\n", encoding="utf-8")
    assert te.main([str(tmp_path), "--gold", str(gold)]) == 1
    assert "nope.txt: listed in" in capsys.readouterr().err
    assert te.main([str(tmp_path / "absent")]) == 1
    assert "no such folder" in capsys.readouterr().err
