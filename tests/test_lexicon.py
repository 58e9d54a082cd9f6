import pytest

from quotetrack import graph, lexicon
from quotetrack.lexicon import ACTS, act_of, cue_forms, match_cue, match_title


def test_every_cue_maps_to_a_known_act():
    assert {c.act for c in cue_forms().values()} <= set(ACTS)


def test_inflected_and_multiword_cues():
    assert act_of("said")[0] == "say"
    assert act_of("has repeatedly accused")[0] == "accuse"
    assert act_of("denied")[0] == "deny"
    assert act_of("According to")[0] == "report"
    assert act_of("called for")[0] == "urge"
    assert act_of("emphasized")[0] == "assert"
    assert act_of("criticised")[0] == "criticize"
    assert act_of("warns")[0] == "warn"
    assert act_of("mumbled")[0] == "say"  # unknown cue: plain saying


def test_longest_match_wins():
    n, cue = match_cue(["called", "on", "yerevan"], 0)
    assert n == 2 and cue.act == "urge" and cue.target == "on"
    n, cue = match_cue(["called", "yerevan"], 0)
    assert n == 1 and cue.act == "describe"


def test_titles():
    assert match_title(["foreign", "minister", "ararat"], 0) == (2, "person")
    assert match_title(["defense", "ministry"], 0) == (2, "organization")
    assert match_title(["ararat"], 0) is None


# --- speech acts (data/acts.tsv) ---------------------------------------------------------

def test_acts_tsv_reproduces_the_act_sets():
    # The sets the modules held before acts.tsv existed: the file must keep them.
    assert lexicon.ACTS == ("say", "declare", "assert", "claim", "report", "describe", "accuse",
                            "criticize", "deny", "reject", "respond", "warn", "threaten", "urge",
                            "praise", "promise", "admit", "ask", "believe")
    assert lexicon.TARGETED_ACTS == {"accuse", "criticize", "deny", "reject", "respond", "warn",
                                     "threaten", "urge", "praise", "ask"}
    assert lexicon.ACCUSING_ACTS == {"accuse", "criticize"}
    assert lexicon.ANSWERING_ACTS == {"deny", "reject", "respond"}
    assert lexicon.OBJECT_CONTENT_ACTS == {"deny", "reject", "report", "declare", "assert", "admit",
                                           "promise", "warn", "threaten"}
    assert lexicon.BARE_TARGET_ACTS == {"accuse", "criticize", "reject", "warn", "threaten", "urge",
                                        "praise"}
    assert lexicon.ABOUT_CONTENT_ACTS == {"accuse", "criticize", "praise", "warn", "urge", "threaten",
                                          "deny", "reject"}
    assert lexicon.SUBJECT_RULE_ACTS == {"accuse", "criticize", "deny", "reject", "urge", "warn",
                                         "threaten"}


def test_act_properties_are_consistent():
    # Charges and answers are aimed at somebody, or the graph could not link them.
    assert lexicon.ACCUSING_ACTS | lexicon.ANSWERING_ACTS <= lexicon.TARGETED_ACTS
    assert lexicon.BARE_TARGET_ACTS <= lexicon.TARGETED_ACTS
    assert not lexicon.ACCUSING_ACTS & lexicon.ANSWERING_ACTS
    for prop in lexicon.ACT_PROPERTIES:
        assert lexicon.acts_with(prop) <= set(lexicon.ACTS)
    with pytest.raises(ValueError, match="unknown act property"):
        lexicon.acts_with("rude")


def test_every_act_in_cues_tsv_is_in_acts_tsv():
    # Read the file itself: cue_forms() would raise before an assertion could name the cue.
    rows = [line.split("\t") for line in (lexicon.DATA / "cues.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    unknown = sorted({(row[0], row[1]) for row in rows if row[1] not in lexicon.act_table()})
    assert rows and unknown == []


def test_modules_share_the_act_sets():
    # graph keeps exporting the names other modules import from it.
    assert graph.ACCUSING_ACTS is lexicon.ACCUSING_ACTS
    assert graph.ANSWERING_ACTS is lexicon.ANSWERING_ACTS
    assert graph.TARGETED_ACTS is lexicon.TARGETED_ACTS


_LOADERS = (lexicon.act_table, lexicon.cue_forms, lexicon.cue_first_words, lexicon._word_classes)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of the data folder the lexicon reads instead; caches emptied before and after."""
    for f in list(lexicon.DATA.glob("*.tsv")) + list(lexicon.DATA.glob("*.txt")):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    monkeypatch.setattr(lexicon, "DATA", tmp_path)
    for loader in _LOADERS:
        loader.cache_clear()
    yield tmp_path
    for loader in _LOADERS:
        loader.cache_clear()


def test_acts_tsv_errors_name_the_problem(data_copy):
    acts = data_copy / "acts.tsv"
    good = acts.read_text(encoding="utf-8")
    assert lexicon.act_table()["deny"] == {"targeted", "answering", "object_is_content", "about_is_content",
                                           "subject_rule"}
    acts.write_text(good.replace("deny\tyes", "deny\tmaybe"), encoding="utf-8")
    lexicon.act_table.cache_clear()
    with pytest.raises(ValueError, match="'deny' needs 7 yes/no values"):
        lexicon.act_table()
    acts.write_text(good + "say" + "\tno" * 7 + "\n", encoding="utf-8")
    lexicon.act_table.cache_clear()
    with pytest.raises(ValueError, match="listed twice"):
        lexicon.act_table()
    acts.write_text(good.replace("subject_rule", "rule"), encoding="utf-8")
    lexicon.act_table.cache_clear()
    with pytest.raises(ValueError, match="header"):
        lexicon.act_table()


def test_a_cue_with_an_unknown_act_is_refused(data_copy):
    with open(data_copy / "cues.tsv", "a", encoding="utf-8") as f:
        f.write("grumble\tcomplain\t-\n")
    with pytest.raises(ValueError, match="'grumble' has act 'complain'"):
        lexicon.cue_forms()


# --- word classes (data/word_classes.tsv) --------------------------------------------------

def test_word_classes():
    assert lexicon.word_class("articles") == {"the", "a", "an"}
    assert lexicon.word_class("demonstratives") == {"this", "that", "these", "those"}
    assert lexicon.word_class("possessives") == {"his", "her", "their", "its", "our"}
    with pytest.raises(KeyError, match="no word class 'adverbs'"):
        lexicon.word_class("adverbs")


def test_counterpart_is_a_relation_not_a_title():
    assert match_title(["counterpart"], 0) is None
    assert match_title(["foreign", "minister"], 0) == (2, "person")


def test_typographic_quotes_open_or_close_only():
    assert "“" in lexicon.OPEN_ONLY_QUOTES and "”" in lexicon.CLOSE_ONLY_QUOTES
    assert not (lexicon.OPEN_ONLY_QUOTES | lexicon.CLOSE_ONLY_QUOTES) & set(lexicon.STRAIGHT_QUOTES)
