"""Property-based tests (hypothesis): arbitrary Unicode through extraction and every writer.

The texts mix any Unicode character with the ones that break naive code: NUL and other
controls, terminal escapes, lone surrogates, CR/NEL/U+2028 line breaks, right-to-left script
and bidi marks, combining marks, every kind of quotation mark, formula starters (``= + - @``)
and XML markup, plus cue words and names so that extraction finds something to attribute.

Properties: extraction never crashes and its spans index the text; JSONL reads back equal;
every CSV file reads back with its text and ids exact and no cell a spreadsheet would run as
a formula; GEXF and GraphML always parse; every report format renders, and the terminal
formats hold no control character. Bounded (``max_examples`` per test, short texts) so the
module runs in seconds.
"""
import csv
import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrack import exports, report
from quotetrack.graph import build, load
from quotetrack.io.writers import ExtractOutput, read_attributions, read_csv_rows
from quotetrack.lexicon import ACTS
from quotetrack.pipeline import extract_text
from quotetrack.records import ArticleStatus, Attribution, Span, Speaker

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff")
SPECIAL = [
    "\x00", "\x01", "\x07", "\x1b", "\x1b[31m", "\x1b]0;title\x07", "\x7f", "\x85", "\x9b",
    "\t", "\r", "\n", "\r\n", "\n\n", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff",
    *SURROGATES,
    "\u05e9\u05dc\u05d5\u05dd", "\u0627\u0644\u0633\u0644\u0627\u0645", "\u202e", "\u202b",
    "\u200f", "\u2066", "\u0301", "\u0308\u0308", "e\u0301", "\U0001f600", "\u00a0",
    '"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "\u201a",
    "\u2039", "\u203a", "\u300c", "\u300d", "\uff02", "``", "''", '"\u201c\u00ab\'',
    "=", "+", "-", "@", "=HYPERLINK(\"http://x\")", "=1+1", "<", ">", "&", "]]>", "<b>",
    " ", ". ", ", ", ": ", "?", "\u2014",
]
WORDS = [
    "said", "says", "told reporters", "accused", "denied", "rejected", "urged", "warned",
    "according to", "The minister", "Mr ", "Ms. ", "Norway", "Iceland", "he ", "she ", "They ",
    "a spokesman for", "Anna Berg", "the government", "President ", "Lena Varga",
]


# Names the actor resolver takes, some hostile, so that the graph gets nodes and edges.
NAMES = ["Norway", "Iceland", "Anna Berg", "=Evil Corp", "@Lena Varga", "-Minus Party",
         "Red \x1b[31mParty", "Ana\u0301 Li", "\u05e9\u05dc\u05d5\u05dd Party",
         "the <b>Ministry</b> & Co", "Norway\x00", "+Plus \ud800 Group"]


def _pieces(surrogates: bool):
    special = [s for s in SPECIAL if surrogates or not any(c in s for c in SURROGATES)]
    return st.one_of(st.text(max_size=6), st.sampled_from(special), st.sampled_from(WORDS))


def texts(*, surrogates: bool = True, max_pieces: int = 30):
    """Short texts of random characters, hostile characters, cue words and names."""
    return st.lists(_pieces(surrogates), max_size=max_pieces).map("".join)


def has_surrogate(value: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in value)


def spans_index(text, attributions):
    for a in attributions:
        for span in (a.source, a.cue, a.content, a.target):
            if span is not None:
                assert 0 <= span.start <= span.end <= len(text)
                assert text[span.start:span.end] == span.text, (span, text)


# --------------------------------------------------------------------------- extraction

@SETTINGS
@given(text=texts(surrogates=False, max_pieces=40))
def test_extraction_never_crashes_and_spans_index_the_text(text):
    spans_index(text, extract_text(text))


def test_extraction_survives_a_lone_surrogate():
    # A lone surrogate becomes U+FFFD, one code point for one: offsets still index the text.
    from quotetrack.records import without_surrogates

    text = 'The minister said "we will \ud800 fight" on Monday.'
    got = extract_text(text)
    assert got and any("\ufffd" in a.content.text for a in got if a.content)
    spans_index(without_surrogates(text), got)


# --------------------------------------------------------------------------- records

@st.composite
def attributions(draw, article_id: str):
    """One attribution with arbitrary text in every field (ids are not hashed: a hash of a
    lone surrogate is another module's problem)."""
    n = draw(st.integers(0, 10_000))
    parts = {}
    at = draw(st.integers(0, 5000))
    for role in ("source", "cue", "content", "target"):
        if draw(st.booleans()) or role == "content":
            words = draw(st.sampled_from(NAMES) if role == "target" and draw(st.booleans())
                         else texts(max_pieces=6))
            parts[role] = Span(words, at, at + len(words))
            at += len(words) + 1
    speaker = None
    if draw(st.booleans()):
        speaker = Speaker(id=draw(st.text(max_size=8)),
                          name=draw(st.sampled_from(NAMES) | texts(max_pieces=4)),
                          kind=draw(st.sampled_from(["person", "organization", "country",
                                                     "group"])),
                          title=draw(st.none() | texts(max_pieces=2)),
                          affiliation=draw(st.none() | st.sampled_from(["Norway", "=x"])))
    return Attribution(id=f"id{n}", article_id=article_id,
                       kind=draw(st.sampled_from(["direct", "mixed", "indirect"])),
                       act=draw(st.sampled_from(["accuse", "deny", "reject", "criticize"])
                                | st.sampled_from(list(ACTS)) | st.text(max_size=5)),
                       speaker=speaker, date=draw(st.sampled_from([None, "2024-05-01",
                                                                    "2024-05-02", "=1"])),
                       **{r: parts.get(r) for r in ("source", "cue", "content", "target")})


@st.composite
def articles(draw):
    """(status, attributions) of one article; some attributions come from real extraction."""
    article_id = draw(texts(max_pieces=3))
    title = draw(st.none() | texts(max_pieces=4))
    text = draw(texts(surrogates=False, max_pieces=15))
    found = extract_text(text, article_id="x")
    found = [Attribution(**{**a.__dict__, "article_id": article_id}) for a in found]
    made = draw(st.lists(attributions(article_id), min_size=1, max_size=3))
    seen, attrs = set(), []
    for a in found + made:  # ids unique within a run, as the extractor makes them
        if a.id not in seen:
            seen.add(a.id)
            attrs.append(a)
    status = ArticleStatus(article_id=article_id, path=draw(texts(max_pieces=2)),
                           status="ok", title=title, date=draw(st.sampled_from(
                               [None, "2024-05-01", "-1"])), chars=len(text))
    return status, attrs


def csv_cells(text):
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_no_formula_cells(path):
    cells = csv_cells(Path(path).read_text(encoding="utf-8"))
    bad = [c for c in cells if c.startswith(FORMULA_START)]
    assert not bad, (Path(path).name, bad)


def write_run(folder, batch):
    with ExtractOutput(folder) as out:
        for status, attrs in batch:
            out.add(status, attrs)


# --------------------------------------------------------------------------- extract output

@SETTINGS
@given(batch=st.lists(articles(), min_size=1, max_size=3))
def test_extract_output_reads_back_exact_and_is_spreadsheet_safe(batch):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_run(folder, batch)
        written = [a for _, attrs in batch for a in attrs]
        assert list(read_attributions(folder)) == written
        for name in ("attributions.csv", "articles.csv"):
            assert_no_formula_cells(folder / name)
        rows = list(read_csv_rows(folder / "articles.csv"))
        assert len(rows) == len(batch)
        for row, (status, attrs) in zip(rows, batch):
            for key in ("article_id", "title", "path"):
                value = getattr(status, key) or ""
                if not has_surrogate(value):  # written as a backslash escape
                    assert row[key] == value
            assert int(row["attributions"]) == len(attrs)


# --------------------------------------------------------------------------- graph, exports, report

@settings(SETTINGS, max_examples=30)
@given(batch=st.lists(articles(), min_size=1, max_size=3))
def test_every_export_and_report_format_survives_arbitrary_text(batch):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_run(tmp / "out", batch)
        corpus = load([tmp / "out"])
        net = build(corpus)

        for fmt in ("gexf", "graphml"):
            (path,) = exports.write(net, fmt, tmp / f"g.{fmt}")
            ET.parse(path)  # always well-formed XML
        for path in exports.write(net, "gephi-csv", tmp / "gephi"):
            assert_no_formula_cells(path)
        tables = exports.write(net, "csv", tmp / "tables")
        for path in tables:
            assert_no_formula_cells(path)
        statements = exports.read_table(tmp / "tables" / "statements.csv")
        assert len(statements) == len(corpus.attributions)
        by_id = {a.id: a for a in corpus.attributions}
        for row in statements.itertuples():
            a = by_id[row.id]
            assert row.article_id == a.article_id
            assert row.content_text == (a.content.text if a.content else "")
        actors = exports.read_table(tmp / "tables" / "actors.csv")
        assert sorted(actors["label"]) == sorted(d["label"] for _, d in net.graph.nodes(data=True))

        tables = report.build_report(net)
        for fmt in report.FORMATS:
            out = report.render(tables, fmt, network=net)
            out.encode("utf-8")  # printable in UTF-8: no lone surrogate
            if fmt == "json":
                json.loads(out)
            elif fmt == "csv":
                cells = [c for line in out.split("\n# ") for c in csv_cells(line)]
                assert not [c for c in cells if c.startswith(FORMULA_START)]
            else:
                assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), repr(out)
