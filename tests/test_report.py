"""quotetrack.report: the report's tables and how they render."""
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from quotetrack import report
from quotetrack.graph import build, load

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def net():
    return build(load([FIXTURES / "outdir_a", FIXTURES / "outdir_b"]))


def test_speakers_by_act(net):
    df = report.speakers_by_act(net, top=3)
    assert list(df["speaker"]) == ["Tomas Rivas", "Elena Fuentes", "Peru's foreign ministry"]
    rivas = df.iloc[0]
    assert (rivas["reject"], rivas["criticize"], rivas["urge"], rivas["deny"],
            rivas["total"]) == (1, 1, 1, 1, 4)
    assert rivas["affiliation"] == "Peru" and rivas["kind"] == "person"
    # Acts in the lexicon's order, total last.
    assert list(df.columns[:4]) == ["speaker", "kind", "affiliation", "say"]
    assert df.columns[-1] == "total"


def test_who_accuses_whom(net):
    df = report.who_accuses_whom(net)
    rows = {(r.accuser, r.accused, r.act, r.statements) for r in df.itertuples()}
    assert rows == {("Elena Fuentes", "Peru", "accuse", 1),
                    ("coastal fishermen", "Peru", "accuse", 1),
                    ("Tomas Rivas", "Chilean military", "criticize", 1),
                    ("Elena Fuentes", "Rivas", "criticize", 1),
                    ("Russia's defence ministry", "Peru", "accuse", 1)}
    assert list(df["first_date"]) == sorted(df["first_date"])


def test_answer_threads_in_story_order_with_dates_and_quotes(net):
    df = report.answer_threads(net)
    assert list(zip(df["accuser"], df["answerer"], df["answer_act"])) == [
        ("Elena Fuentes", "Tomas Rivas", "reject"),
        ("coastal fishermen", "Peru", "deny"),
        ("Russia's defence ministry", "Peru's foreign ministry", "respond"),
        ("Russia's defence ministry", "Tomas Rivas", "deny")]
    first = df.iloc[0]
    assert (first["accusation_date"], first["answer_date"]) == ("2024-05-01", "2024-05-03")
    assert first["accusation"] == "of violating the fishing agreement"
    assert first["target"] == "Peru"


def test_actor_statements_by_any_name_form(net):
    df = report.actor_statements(net, "Fuentes")  # an alias
    assert list(df["role"]) == ["said", "said", "target", "target", "said"]
    assert list(df["date"]) == sorted(df["date"])
    assert report.find_actor(net, "elena fuentes") == report.find_actor(net, "Fuentes")
    assert net.graph.nodes[report.find_actor(net, "Lima")]["label"] == "Peru"
    with pytest.raises(report.ReportError, match="no actor matches 'Nobody'"):
        report.find_actor(net, "Nobody")


def test_actor_at_affiliation_level_gathers_its_members():
    net = build(load([FIXTURES / "outdir_a", FIXTURES / "outdir_b"]), level="affiliation")
    df = report.actor_statements(net, "Peru")
    said = df[df["role"] == "said"]
    assert set(said["speaker"]) == {"Peru"}
    assert len(said) == 7  # Peru, Rivas x4, the foreign ministry x2


def test_render_formats(net):
    tables = report.build_report(net)
    assert list(tables) == ["speakers", "accusations", "answers"]
    text = report.render(tables, "text", network=net)
    assert "Who accuses whom\n================" in text and "Tomas Rivas" in text
    md = report.render(tables, "markdown", network=net)
    assert "## Accusations and their answers" in md and "| accuser | accused |" in md
    data = json.loads(report.render(tables, "json"))
    assert set(data) == set(tables) and data["speakers"][0]["total"] == 4
    one = report.build_report(net, sections=["answers"])
    df = pd.read_csv(io.StringIO(report.render(one, "csv")), keep_default_na=False)
    assert len(df) == 4
    # Spreadsheet-bound: a quote starting with "=" would be defused; none here starts so.
    several = report.render(tables, "csv")
    assert several.startswith("# speakers\n") and "\n# answers\n" in several


def test_report_csv_defuses_formulas(net):
    df = pd.DataFrame({"quote": ["=1+1", "fine", "-x"], "n": [1, 2, 3]})
    out = report.render({"answers": df}, "csv")
    assert out.splitlines() == ["quote,n", "'=1+1,1", "fine,2", "'-x,3"]


def test_actor_section(net):
    tables = report.build_report(net, actor="Tomas Rivas")
    assert list(tables) == ["actor"]
    text = report.render(tables, "text", network=net, actor="Tomas Rivas")
    assert text.startswith("Statements by and about Tomas Rivas (person, Peru)")
    with pytest.raises(report.ReportError, match="needs an actor"):
        report.build_report(net, sections=["actor"])
    with pytest.raises(report.ReportError, match="unknown section"):
        report.build_report(net, sections=["gossip"])


def test_short():
    assert report.short("a  b\nc") == "a b c"
    cut = report.short("x" * 100, 10)
    assert len(cut) == 10 and cut.endswith("…")


def test_summary(net):
    assert report.summary(net) == ("5 articles, 16 statements, 12 actors, 15 edges "
                                   "(4 answer edges, 4 answers)")


def test_find_actor_by_name_with_courtesy_words_or_title():
    from quotetrack.graph import build, load

    net = build(load([FIXTURES / "examples_ideal"]))
    ingrid = report.find_actor(net, "Ingrid Halvorsen")
    assert report.find_actor(net, "Fisheries Minister Halvorsen") == ingrid  # by her title
    with pytest.raises(report.ReportError, match="several actors"):
        report.find_actor(net, "Ms Halvorsen")  # Ingrid or Per: say so, never guess
    assert report.find_actor(net, "Mr Per Halvorsen") != ingrid


# -- untrusted text: terminals, spreadsheets, encodings --------------------------------------

ESC_NAME = "Red \x1b[31mParty"  # a "name" that turns a terminal red


def hostile_network():
    from dataclasses import replace

    from conftest import make_attribution as attr
    from quotetrack.graph import Corpus
    from quotetrack.records import Span

    accuse = attr("a1", "accuse", ESC_NAME, kind="organization", target="Norway",
                  date="2024-01-01")
    # A lone surrogate is legal in JSON; it reaches the report through attributions.jsonl.
    words = "\x1b]0;pwned\x07stop the \x9b2Jfleet\r\nnow\ud800"
    accuse = replace(accuse, content=Span(words, accuse.content.start,
                                          accuse.content.start + len(words)))
    return build(Corpus.of([
        accuse,
        attr("a1", "deny", "Norway", kind="country", target=ESC_NAME,
             content="=cmd\x00 nonsense", date="2024-01-02")]))


HOSTILE = "\x1b]0;pwned\x07stop the \x9b2Jfleet\r\nnow\ud800"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_strip_escape_sequences_and_controls(fmt):
    # Before: the report printed "\x1b[31m" from the article straight to the terminal.
    net = hostile_network()
    assert "\x1b" in "".join(d["label"] for _, d in net.graph.nodes(data=True))
    out = report.render(report.build_report(net), fmt, network=net)
    assert "Red" in out and "Norway" in out
    # dtype=object: with pyarrow installed pandas 3 stores str columns as Arrow strings,
    # which refuse a lone surrogate; the report must still render one.
    quotes = pd.DataFrame({"answer": [HOSTILE, "=cmd\x00 nonsense"], "n": [1, 2],
                           "\x1b[1mcolumn": ["a\tb", "c"]}, dtype=object)
    table = report.render({"answers": quotes}, fmt)
    assert "stop the fleet now\ufffd" in table and "=cmd nonsense" in table
    for text in (out, table):
        assert not any(c in text for c in "\x1b\x07\x9b\x00\r\t\ud800"), repr(text)


def test_terminal_safe():
    assert report.terminal_safe("\x1b[31mX\x1b[0m") == "X"
    assert report.terminal_safe("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b") == "alinkb"
    assert report.terminal_safe("tab\tand\nline\x07") == "tab\tand\nline"
    assert report.terminal_safe("tab\tand\r\nline", one_line=True) == "tab and line"
    assert report.terminal_safe("\ud800 \u202b\u05e9\u05dc\u05d5\u05dd e\u0301") == (
        "\ufffd \u202b\u05e9\u05dc\u05d5\u05dd e\u0301")  # RTL and combining marks stay


def test_csv_and_json_of_hostile_text_can_be_written_out():
    net = hostile_network()
    tables = report.build_report(net)
    for fmt in ("csv", "json"):
        out = report.render(tables, fmt, network=net)
        out.encode("utf-8")  # before: a lone surrogate made the print fail
        assert "\x1b" not in out or fmt == "csv"
    hostile = pd.DataFrame({"answer": [HOSTILE]}, dtype=object)  # see the test above
    data = json.loads(report.render({"answers": hostile}, "json"))
    assert data["answers"][0]["answer"] == HOSTILE  # JSON keeps the text, escaped
    df = pd.DataFrame({"=act": ["x"], "n": [1]})  # a column named by the data is a cell too
    assert report.render({"speakers": df}, "csv").splitlines()[0] == "'=act,n"


def test_cli_report_to_the_terminal_prints_no_escape_sequence(tmp_path):
    from click.testing import CliRunner

    from quotetrack.cli import cli
    from quotetrack.io.writers import ExtractOutput
    from quotetrack.records import ArticleStatus

    out = tmp_path / "out"
    with ExtractOutput(out) as w:
        w.add(ArticleStatus("a1", "in/a1.txt", "ok", date="2024-01-01"),
              hostile_network().corpus.attributions)
    for fmt in ("text", "markdown"):
        result = CliRunner().invoke(cli, ["report", str(out), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "Red" in result.stdout and "\x1b" not in result.output
    result = CliRunner().invoke(cli, ["report", str(out), "--actor", "\x1b[2Jnobody at all"])
    assert result.exit_code == 1 and "\x1b" not in result.output


def test_cli_report_of_a_damaged_attributions_jsonl_fails(tmp_path):
    # Before: exit 0 and a report of whatever lines still parsed, with one warning.
    import shutil

    from click.testing import CliRunner

    from quotetrack.cli import cli

    d = tmp_path / "out"
    shutil.copytree(FIXTURES / "outdir_a", d)
    with open(d / "attributions.jsonl", "ab") as f:
        f.write(b"\x00\x00\x00\x00garbage")
    result = CliRunner().invoke(cli, ["report", str(FIXTURES / "outdir_b"), str(d)])
    assert result.exit_code == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert f"{d / 'attributions.jsonl'}, line 16: truncated" in line
