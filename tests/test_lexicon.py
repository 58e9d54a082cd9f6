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
