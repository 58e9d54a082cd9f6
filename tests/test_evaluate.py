"""Tests for quotetrack.dev.evaluate: reading brat gold and scoring predictions."""
import json
import logging
from pathlib import Path

import pytest

from conftest import make_attribution
from quotetrack.dev.evaluate import (EvalResult, GoldArticle, GoldAttribution, evaluate_dir,
                                 iter_gold_spans, read_gold, score, score_article)
from quotetrack.records import Attribution, Span

SHARED_DEV = Path(__file__).parents[1] / ".." / "shared" / "corpora" / "polnear" / "dev"

# A made-up article: one direct quote with a source, one indirect claim without a source.
TEXT = ('Mayor Ada Lin said: "The bridge will open in May." '
        "Critics claim that the budget doubled.\n")


def off(text, sub, nth=0):
    """(start, end) of the nth occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def t_line(tid, role, text, *subs):
    frags = [off(text, s) for s in subs]
    offsets = ";".join(f"{s} {e}" for s, e in frags)
    return f"{tid}\t{role} {offsets}\t{' '.join(text[s:e] for s, e in frags)}"


def write_corpus(root, texts, anns):
    """texts: {stem: text}; anns: {filename: [lines]}."""
    (root / "text").mkdir(parents=True, exist_ok=True)
    (root / "attributions").mkdir(parents=True, exist_ok=True)
    for stem, text in texts.items():
        (root / "text" / f"{stem}.txt").write_text(text, encoding="utf-8")
    for name, lines in anns.items():
        (root / "attributions" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def basic_ann(text=TEXT):
    return [
        t_line("T1", "Source", text, "Mayor Ada Lin"),
        t_line("T2", "Cue", text, "said"),
        t_line("T3", "Content", text, '"The bridge will open in May."'),
        t_line("T4", "Attribution", text, "said"),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        t_line("T5", "Cue", text, "claim"),
        t_line("T6", "Content", text, "that the budget doubled"),
        t_line("T7", "Attribution-no-source", text, "claim"),
        "E2\tAttribution-no-source:T7 Cue:T5 Content:T6",
        t_line("T8", "Discard", text, "Critics"),
    ]


@pytest.fixture
def gold(tmp_path):
    write_corpus(tmp_path, {"a1": TEXT}, {"a1_xx.ann": basic_ann()})
    (article,) = read_gold(tmp_path)
    return article


def attr(text, *, source=None, cue=None, content=None, article_id="a1"):
    """A prediction whose given phrases sit at their first occurrence in ``text``."""
    return make_attribution(article_id, text=text, source=source, cue=cue, content=content)


# --------------------------------------------------------------------------- reading

def test_read_gold_basic(gold):
    assert gold.article_id == "a1"
    assert gold.text == TEXT
    assert len(gold.attributions) == 2
    direct, indirect = gold.attributions
    assert TEXT[slice(*direct.source[0])] == "Mayor Ada Lin"
    assert direct.is_direct and direct.event_id == "E1"
    assert not indirect.is_direct
    assert indirect.source == ()
    assert TEXT[slice(*indirect.content[0])] == "that the budget doubled"


def test_read_gold_discontinuous_and_repeated_role(tmp_path):
    text = '"We won," she said, "and we will win again." They said: "Yes." "No."\n'
    lines = [
        t_line("T1", "Source", text, "she"),
        t_line("T2", "Cue", text, "said"),
        # Fragments written out of order, as brat allows.
        t_line("T3", "Content", text, '"and we will win again."', '"We won,"'),
        "E1\tAttribution:T9 Cue:T2 Source:T1 Content:T3",
        t_line("T4", "Source", text, "They"),
        t_line("T5", "Cue", text, "said:"),
        t_line("T6", "Content", text, '"Yes."'),
        t_line("T7", "Content", text, '"No."'),
        "E2\tAttribution:T8 Cue:T5 Source:T4 Content:T6 Content2:T7",
        t_line("T8", "Attribution", text, "said:"),
        t_line("T9", "Attribution", text, "said"),
    ]
    write_corpus(tmp_path, {"d": text}, {"d_aa.ann": lines})
    (article,) = read_gold(tmp_path)
    first, second = article.attributions
    assert first.content == (off(text, '"We won,"'), off(text, '"and we will win again."'))
    assert first.covering("content") == (0, off(text, "again.\"")[1])
    assert first.is_direct
    assert second.content == (off(text, '"Yes."'), off(text, '"No."'))
    assert second.is_direct
    spans = list(iter_gold_spans(article, roles=("content",)))
    assert spans == sorted(spans, key=lambda x: (x[1], x[2]))
    assert ("content", *off(text, '"We won,"')) in spans and len(spans) == 4


def test_read_gold_first_sorted_ann_and_missing_files(tmp_path, caplog):
    other = [t_line("T1", "Cue", TEXT, "said"), t_line("T2", "Content", TEXT, "Mayor"),
             "E1\tAttribution:T1 Cue:T1 Content:T2"]
    write_corpus(tmp_path, {"a1": TEXT, "a1_b": TEXT, "lonely": "No annotations.\n"},
                 {"a1_zz.ann": other, "a1_aa.ann": basic_ann(), "a1_b_aa.ann": other,
                  "orphan_aa.ann": other})
    with caplog.at_level(logging.WARNING, logger="quotetrack.dev.evaluate"):
        articles = {a.article_id: a for a in read_gold(tmp_path)}
    # "a1_b_aa.ann" belongs to text "a1_b", not to "a1".
    assert set(articles) == {"a1", "a1_b"}
    assert articles["a1"].ann_path.endswith("a1_aa.ann")
    assert len(articles["a1"].attributions) == 2
    assert len(articles["a1_b"].attributions) == 1
    assert "lonely" in caplog.text and "orphan" in caplog.text


def test_read_gold_malformed_lines(tmp_path, caplog):
    lines = basic_ann() + [
        "T9\tSource 5 x\tbad",           # non-numeric offset
        "T10\tSource 10 9999\tout",      # past the end of the text
        "T11",                           # no columns
        "E3\tAttribution:T99 Cue:T98",   # refers to unknown spans
        "E4\t",                          # no arguments
        "E5\tAttribution:T4 Cue",        # role without a span
        "garbage line",
        "#1\tAnnotatorNotes T1\tfine",
    ]
    write_corpus(tmp_path, {"a1": TEXT}, {"a1_xx.ann": lines})
    (tmp_path / "text" / "broken.txt").write_bytes(b"\xff\xfe bad utf-8")
    (tmp_path / "attributions" / "broken_xx.ann").write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="quotetrack.dev.evaluate"):
        articles = list(read_gold(tmp_path))
    assert [a.article_id for a in articles] == ["a1"]
    assert len(articles[0].attributions) == 2
    for expected in ("broken", "T98", "garbage", "E4", "E5", "T9\\t", "T10", "T11"):
        assert expected in caplog.text
    assert "AnnotatorNotes" not in caplog.text


def test_an_offset_of_5000_digits_is_one_warning_not_a_crash(tmp_path, caplog):
    # Before: int() refused the 5,000-digit string (ValueError) and read_gold died.
    huge = "9" * 5000
    lines = basic_ann() + [f"T9\tSource 0 {huge}\tx", f"T10\tCue {huge} {huge};1 2\ty"]
    write_corpus(tmp_path, {"a1": TEXT}, {"a1_xx.ann": lines})
    with caplog.at_level(logging.WARNING, logger="quotetrack.dev.evaluate"):
        (article,) = read_gold(tmp_path)
    assert len(article.attributions) == 2
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and all("out-of-range span line skipped" in w for w in warnings)
    assert all(len(w) < 300 for w in warnings)  # the line is quoted cut short


def test_duplicate_gold_events_count_once(tmp_path, caplog):
    # Before: an event copied under a new id counted as a second gold attribution, so a
    # perfect prediction had recall 2/3.
    lines = basic_ann() + ["E3\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
                           "E4\tAttribution:T4 Source:T1 Cue:T2 Content:T3"]
    write_corpus(tmp_path, {"a1": TEXT}, {"a1_xx.ann": lines})
    with caplog.at_level(logging.WARNING, logger="quotetrack.dev.evaluate"):
        (article,) = read_gold(tmp_path)
    assert [g.event_id for g in article.attributions] == ["E1", "E2"]
    assert "E3 repeats E1" in caplog.text and "E4 repeats E1" in caplog.text
    r = score([(article, article.to_attributions())])
    assert r.gold_attributions == 2 and r.joint.recall == 1.0 and r.joint.precision == 1.0


def test_read_gold_crlf_ann(tmp_path, caplog):
    write_corpus(tmp_path, {"a1": TEXT}, {})
    (tmp_path / "attributions" / "a1_xx.ann").write_bytes(
        "\r\n".join(basic_ann()).encode("utf-8"))
    with caplog.at_level(logging.WARNING, logger="quotetrack.dev.evaluate"):
        (article,) = read_gold(tmp_path)
    assert len(article.attributions) == 2 and not caplog.text


def test_read_gold_missing_dir(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="quotetrack.dev.evaluate"):
        assert list(read_gold(tmp_path / "nope")) == []
    assert "nope" in caplog.text


# --------------------------------------------------------------------------- span metrics

def test_exact_trims_quotes_and_punctuation(gold):
    # Content without the quote marks and final period still matches exactly.
    pred = attr(TEXT, source="Mayor Ada Lin", cue="said",
                content="The bridge will open in May")
    r = score_article(gold, [pred])
    assert r.exact["content"].matched_gold == 1
    assert r.exact["source"].matched_gold == 1
    assert r.exact["cue"].recall == 0.5 and r.exact["cue"].precision == 1.0


def test_exact_vs_overlap(gold):
    pred = attr(TEXT, source="Ada Lin", cue="said", content="The bridge will open")
    r = score_article(gold, [pred])
    assert r.exact["source"].matched_gold == 0 and r.overlap["source"].matched_gold == 1
    assert r.exact["content"].matched_gold == 0 and r.overlap["content"].matched_gold == 1


def test_overlap_ignores_shared_punctuation_only(gold):
    # '": "' between cue and quote: a span of just 'said: "' touches the quote mark only.
    pred = attr(TEXT, content='said: "')
    r = score_article(gold, [pred])
    assert r.overlap["content"].matched_gold == 0


def test_overlap_is_one_to_one(gold):
    preds = [attr(TEXT, cue="said", content="The bridge"),
             attr(TEXT, cue="said", content="open in May")]
    r = score_article(gold, preds)
    ov = r.overlap["content"]
    assert (ov.matched_pred, ov.pred, ov.matched_gold, ov.gold) == (1, 2, 1, 2)
    # The duplicated cue span is counted once.
    assert r.overlap["cue"].pred == 1


def test_overlap_finds_maximum_matching(tmp_path):
    text = "aaaa bbbb cccc dddd\n"
    lines = [t_line("T1", "Content", text, "aaaa bbbb"), t_line("T2", "Content", text, "cccc"),
             t_line("T3", "Cue", text, "dddd"),
             "E1\tAttribution:T3 Cue:T3 Content:T1", "E2\tAttribution:T3 Cue:T3 Content:T2"]
    write_corpus(tmp_path, {"m": text}, {"m_aa.ann": lines})
    (article,) = read_gold(tmp_path)
    # The long prediction overlaps both gold spans most with the first; greedy-by-size
    # would give it T1 and leave "bbbb" unmatched.
    preds = [attr(text, content="aaaa bbbb cccc", article_id="m"),
             attr(text, content="bbbb", article_id="m")]
    assert score_article(article, preds).overlap["content"].matched_gold == 2


def test_discontinuous_gold_spans(tmp_path):
    text = '"We won," she said, "and we will win again."\n'
    lines = [t_line("T1", "Source", text, "she"), t_line("T2", "Cue", text, "said"),
             t_line("T3", "Content", text, '"We won,"', '"and we will win again."'),
             "E1\tAttribution:T2 Cue:T2 Source:T1 Content:T3"]
    write_corpus(tmp_path, {"d": text}, {"d_aa.ann": lines})
    (article,) = read_gold(tmp_path)
    whole = Span.of(text, 0, len(text) - 1)
    pred = Attribution("x", "d", "direct", "say", Span.of(text, *off(text, "she")),
                       Span.of(text, *off(text, "said")), whole)
    r = score_article(article, [pred])
    assert r.exact["content"].matched_gold == 1  # covering span, trimmed
    # A prediction inside the gap ("she said") does not overlap the content fragments.
    gap = attr(text, content="she said", article_id="d")
    assert score_article(article, [gap]).overlap["content"].matched_gold == 0


# --------------------------------------------------------------------------- joint metrics

def test_joint_with_and_without_gold_source(gold):
    right = attr(TEXT, source="Mayor Ada Lin", cue="said", content="The bridge will open")
    wrong_source = attr(TEXT, source="Critics", cue="said", content="The bridge will open")
    no_source = attr(TEXT, cue="claim", content="the budget doubled")
    with_source = attr(TEXT, source="Critics", cue="claim", content="the budget doubled")
    no_cue = attr(TEXT, source="Critics", content="the budget doubled")

    assert score_article(gold, [right]).joint.matched_gold == 1
    assert score_article(gold, [wrong_source]).joint.matched_gold == 0
    # Gold E2 has no source: a prediction with or without one finds it.
    assert score_article(gold, [no_source]).joint.matched_gold == 1
    assert score_article(gold, [with_source]).joint.matched_gold == 1
    assert score_article(gold, [no_cue]).joint.matched_gold == 0

    r = score_article(gold, [right, wrong_source, no_source])
    assert (r.joint.matched_pred, r.joint.pred, r.joint.matched_gold, r.joint.gold) == (2, 3, 2, 2)


def test_direct_indirect_split(gold):
    r = score_article(gold, [attr(TEXT, cue="claim", content="budget")])
    assert (r.direct.found, r.direct.total) == (0, 1)
    assert (r.indirect.found, r.indirect.total) == (1, 1)


@pytest.mark.parametrize("content, direct", [
    ('"The bridge will open in May."', True),
    ("“Curly quotes,” ", True),
    ("«Guillemets».", True),
    ("that the budget doubled", False),
    ('that it was "historic"', False),
    ('"Half quoted, then not', False),
])
def test_is_direct(tmp_path, content, direct):
    text = f"X said {content}\n"
    lines = [t_line("T1", "Cue", text, "said"), t_line("T2", "Content", text, content),
             "E1\tAttribution:T1 Cue:T1 Content:T2"]
    write_corpus(tmp_path, {"q": text}, {"q_aa.ann": lines})
    (article,) = read_gold(tmp_path)
    assert article.attributions[0].is_direct is direct


# --------------------------------------------------------------------------- totals

def test_perfect_prediction_scores_100(gold):
    r = score([(gold, gold.to_attributions())])
    d = r.to_dict()
    assert d["joint"] == {"precision": 100.0, "recall": 100.0, "f1": 100.0, "matched_pred": 2,
                          "pred": 2, "matched_gold": 2, "gold": 2}
    for role in ("source", "cue", "content"):
        for mode in ("exact", "overlap"):
            assert d["roles"][role][mode]["f1"] == 100.0
    assert d["direct"] == {"recall": 100.0, "found": 1, "total": 1}
    json.dumps(d)  # JSON-friendly


def test_empty_prediction_scores_zero(gold):
    r = score([(gold, []), (gold, [])])
    assert r.articles == 2 and r.gold_attributions == 4 and r.pred_attributions == 0
    assert r.joint.recall == 0.0 and r.joint.precision == 0.0 and r.joint.f1 == 0.0
    assert r.overlap["content"].gold == 4
    table = r.format_table()
    assert "joint" in table and "0/4" in table


def test_empty_corpus_has_no_zero_division():
    r = score([])
    assert r.to_dict()["joint"]["f1"] == 0.0
    assert "articles: 0" in r.format_table()
    assert isinstance(r + EvalResult(), EvalResult)


def test_format_table_rows(gold):
    table = score([(gold, gold.to_attributions())]).format_table()
    for row in ("source exact", "source overlap", "cue exact", "cue overlap", "content exact",
                "content overlap", "joint", "direct recall", "indirect recall"):
        assert row in table
    assert "articles: 1" in table and "gold attributions: 2" in table


def test_evaluate_dir(tmp_path):
    write_corpus(tmp_path, {"a1": TEXT, "a2": TEXT},
                 {"a1_xx.ann": basic_ann(), "a2_xx.ann": basic_ann()})
    calls, ticks = [], []

    def extract(article_id, text):
        calls.append(article_id)
        return [attr(text, cue="claim", content="budget", article_id=article_id)]

    r = evaluate_dir(tmp_path, extract, progress=lambda i, n: ticks.append((i, n)))
    assert calls == ["a1", "a2"] and ticks == [(1, 2), (2, 2)]
    assert (r.joint.matched_gold, r.joint.gold, r.joint.matched_pred) == (2, 4, 2)
    assert evaluate_dir(tmp_path, extract, limit=1).articles == 1


def test_gold_attribution_is_frozen():
    g = GoldAttribution(source=(), cue=((0, 1),), content=((2, 5),))
    with pytest.raises(AttributeError):
        g.cue = ()
    assert g.covering("source") is None and g.covering("content") == (2, 5)


def test_gold_article_to_attributions(gold):
    attrs = gold.to_attributions()
    assert [a.kind for a in attrs] == ["direct", "indirect"]
    assert attrs[0].source.text == "Mayor Ada Lin" and attrs[1].source is None
    assert all(isinstance(a, Attribution) for a in attrs)
    assert isinstance(gold, GoldArticle)


# --------------------------------------------------------------------------- shared corpus

@pytest.mark.shared
def test_polnear_dev_reads_and_scores_gold_as_100():
    if not (SHARED_DEV / "text").is_dir():
        pytest.skip(f"PolNeAR dev corpus not found at {SHARED_DEV.resolve()}")
    articles = list(read_gold(SHARED_DEV))
    assert len(articles) == 84
    # 2,193 events in the chosen .ann files; one (E21 of a breitbart article) has no
    # arguments at all and is skipped.
    assert sum(len(a.attributions) for a in articles) == 2192
    r = score((a, a.to_attributions()) for a in articles)
    assert r.joint.f1 == 1.0
    assert r.exact["content"].f1 == 1.0 and r.overlap["source"].f1 == 1.0
    assert r.direct.total + r.indirect.total == 2192
