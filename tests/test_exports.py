"""quotetrack.exports: every format written, read back, and checked edge by edge."""
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from conftest import make_attribution as attr
from quotetrack import exports
from quotetrack.exports.gephi_csv import interval
from quotetrack.exports._common import clean_value
from quotetrack.graph import Corpus, build, load

FIXTURES = Path(__file__).parent / "fixtures"
GEXF_NS = {"g": "http://www.gexf.net/1.2draft"}

# (source, act, target, weight) of the fixture's actor graph; see tests/test_graph.py.
EXPECTED = {
    ("Elena Fuentes", "accuse", "Peru", 1), ("coastal fishermen", "accuse", "Peru", 1),
    ("Peru", "answers", "coastal fishermen", 1), ("Tomas Rivas", "reject", "Elena Fuentes", 1),
    ("Tomas Rivas", "answers", "Elena Fuentes", 1),
    ("Tomas Rivas", "criticize", "Chilean military", 1), ("Tomas Rivas", "urge", "Chile", 1),
    ("Ana Rivas", "praise", "Elena Fuentes", 1), ("Russia", "urge", "Chile", 1),
    ("Russia", "urge", "Peru", 1), ("Elena Fuentes", "criticize", "Rivas", 1),
    ("Russia's defence ministry", "accuse", "Peru", 1),
    ("Peru's foreign ministry", "respond", "Russia", 1),
    ("Peru's foreign ministry", "answers", "Russia's defence ministry", 1),
    ("Tomas Rivas", "answers", "Russia's defence ministry", 1),
}

@pytest.fixture(scope="module")
def net():
    return build(load([FIXTURES / "outdir_a", FIXTURES / "outdir_b"]))


def labelled(g):
    return {(g.nodes[u]["label"], d["act"], g.nodes[v]["label"], int(d["weight"]))
            for u, v, d in g.edges(data=True)}


def test_gexf_reads_back_edge_by_edge_and_is_dynamic(net, tmp_path):
    path = tmp_path / "story.gexf"
    assert exports.write(net, "gexf", path) == [path]
    g = nx.read_gexf(path)
    assert isinstance(g, nx.MultiDiGraph)
    assert labelled(g) == EXPECTED
    assert set(g.nodes) == set(net.graph.nodes)  # ids are the actor ids, as strings
    for u, v, k, d in g.edges(keys=True, data=True):
        src = net.graph.edges[u, v, k]
        assert d["spells"] == [(x, x) for x in src["dates"].split(";")]
        assert d["first_date"] == src["first_date"] and d["articles"] == src["articles"]
        assert "networkx_key" not in d and "type" not in d
    fuentes = next(d for _, d in g.nodes(data=True) if d["label"] == "Elena Fuentes")
    assert fuentes["spells"] == [("2024-05-01", "2024-05-08")]
    assert fuentes["statements"] == 3 and fuentes["kind"] == "person"
    assert fuentes["ambiguous"] is False
    root = ET.parse(path).getroot()
    gr = root.find("g:graph", GEXF_NS)
    assert gr.get("mode") == "dynamic" and gr.get("timeformat") == "date"
    kinds = {e.get("kind") for e in root.iter("{http://www.gexf.net/1.2draft}edge")}
    assert kinds == {act for _, act, _, _ in EXPECTED}  # Gephi keeps parallel acts apart
    titles = {a.get("title") for a in root.iter("{http://www.gexf.net/1.2draft}attribute")}
    assert "type" not in titles and "networkx_key" not in titles and "dates" not in titles


def test_graphml_reads_back_edge_by_edge(net, tmp_path):
    path = tmp_path / "story.graphml"
    exports.write(net, "graphml", path)
    g = nx.read_graphml(path)
    assert labelled(g) == EXPECTED
    for u, v, k, d in g.edges(keys=True, data=True):
        assert d["dates"] == net.graph.edges[u, v, k]["dates"]
    rivas = next(d for _, d in g.nodes(data=True) if d["label"] == "Rivas")
    assert rivas["ambiguous"] is True and rivas["candidates"] == "Ana Rivas; Tomas Rivas"


def test_gephi_csv_tables(net, tmp_path):
    nodes_path, edges_path = exports.write(net, "gephi-csv", tmp_path / "gephi")
    nodes = pd.read_csv(nodes_path, keep_default_na=False)
    edges = pd.read_csv(edges_path, keep_default_na=False)
    assert list(nodes.columns[:2]) == ["Id", "Label"]
    assert {"Source", "Target", "Type", "Weight", "Label", "Kind", "Interval"} <= set(edges)
    assert set(edges["Type"]) == {"Directed"}
    assert edges["Weight"].dtype.kind == "i"
    label = dict(zip(nodes["Id"], nodes["Label"]))
    got = {(label[r.Source], r.Kind, label[r.Target], r.Weight) for r in edges.itertuples()}
    assert got == EXPECTED
    fuentes = nodes[nodes["Label"] == "Elena Fuentes"].iloc[0]
    assert fuentes["Interval"] == "<[2024-05-01, 2024-05-08]>"
    answers = edges[(edges["Kind"] == "answers") & (edges["Weight"] == 1)]
    assert all(i.startswith("<[") and i.endswith("]>") for i in answers["Interval"])


def test_tidy_tables_join_and_keep_text_exact(net, tmp_path):
    paths = exports.write(net, "csv", tmp_path / "tables")
    assert sorted(p.name for p in paths) == ["actors.csv", "answers.csv", "edges.csv",
                                             "statements.csv"]
    t = {p.stem: pd.read_csv(p, keep_default_na=False) for p in paths}
    edges = t["edges"].merge(t["actors"][["id", "label"]], left_on="source", right_on="id",
                             suffixes=("", "_s"))
    assert (edges["label"] == edges["source_label"]).all()
    got = {(r.source_label, r.act, r.target_label, r.weight) for r in t["edges"].itertuples()}
    assert got == EXPECTED
    a = t["answers"]
    assert len(a) == 4
    row = a[a["answerer"] == "Peru"].iloc[0]
    assert (row["accuser"], row["accusation_date"], row["answer_date"]) == (
        "coastal fishermen", "2024-05-01", "2024-05-01")
    assert bool(row["same_article"]) is True
    assert set(a["answer_id"]) <= set(t["statements"]["id"])
    s = t["statements"]
    assert len(s) == 16
    assert "calling the claim \u201c=baseless\u201d" in set(s["content_text"])
    urge = s[(s["act"] == "urge") & (s["speaker"] == "Russia")].iloc[0]
    assert urge["targets"] == "Chile;Peru"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cells(path):
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def formula_network():
    c = Corpus.of([attr("=cmd|' /C calc'!A0", "accuse", "=SUM+A1 group", kind="group",
                        target="=2+3 group", content="=HYPERLINK(\"http://evil\")",
                        date="2024-01-01"),
                   attr("@home", "praise", "@everyone", kind="group", target="+Plus Group",
                        content="-minus", date="2024-01-01")])
    return build(c)


def test_every_csv_export_neutralises_formulas_and_reads_back_exact(tmp_path):
    # Before: `export --format csv` wrote "=SUM+A1 group", "=HYPERLINK(...)" and the article
    # id "=cmd|..." raw; only the Gephi tables were safe.
    n = formula_network()
    paths = exports.write(n, "gephi-csv", tmp_path / "g") + exports.write(n, "csv",
                                                                          tmp_path / "t")
    for path in paths:
        cells = csv_cells(path)
        bad = [c for c in cells if c.startswith(FORMULA_START)]
        assert not bad, (path.name, bad)
    labels = set(pd.read_csv(paths[0], keep_default_na=False)["Label"])
    assert "'=SUM+A1 group" in labels and "'=2+3 group" in labels
    # The tidy tables read back exactly, escape undone.
    t = {p.stem: exports.read_table(p) for p in paths[2:]}
    assert {"=SUM+A1 group", "@everyone"} <= set(t["actors"]["label"])
    s = t["statements"]
    assert set(s["article_id"]) == {"=cmd|' /C calc'!A0", "@home"}
    assert set(s["content_text"]) == {"=HYPERLINK(\"http://evil\")", "-minus"}
    assert set(t["edges"]["articles"]) == {"=cmd|' /C calc'!A0", "@home"}
    assert t["edges"]["weight"].dtype.kind == "i"


def test_read_table_keeps_text_columns_text(tmp_path):
    n = build(Corpus.of([attr("007", "accuse", "Norway", kind="country", target="Iceland",
                              content="1e5", date="2024-01-01"),
                         attr("-1", "accuse", "Norway", kind="country", target="Iceland",
                              content="TRUE", date="2024-01-02")]))
    exports.write(n, "csv", tmp_path)
    s = exports.read_table(tmp_path / "statements.csv")
    assert list(s["article_id"]) == ["007", "-1"] and list(s["content_text"]) == ["1e5", "TRUE"]
    e = exports.read_table(tmp_path / "edges.csv")
    assert list(e["weight"]) == [2] and list(e["articles"]) == ["007;-1"]
    a = exports.read_table(tmp_path / "actors.csv")
    assert a["statements"].dtype.kind == "i" and a["ambiguous"].dtype == bool


def test_csv_export_on_a_full_disk_keeps_every_old_table(net, tmp_path, monkeypatch):
    # Before: each table was synced and renamed on its own, so a full disk while writing
    # statements.csv left three new tables beside one old one.
    from quotetrack.io import writers

    for fmt, folder, n_files in (("csv", tmp_path / "t", 4), ("gephi-csv", tmp_path / "g", 2)):
        exports.write(build(Corpus.of([])), fmt, folder)  # the previous export: empty tables
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        for nth in range(1, n_files + 1):
            calls = []

            def fsync(fd, calls=calls, nth=nth):
                calls.append(fd)
                if len(calls) == nth:
                    raise OSError(28, "No space left on device")

            monkeypatch.setattr(writers.os, "fsync", fsync)
            with pytest.raises(OSError, match="No space"):
                exports.write(net, fmt, folder)
            monkeypatch.undo()
            assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, (fmt, nth)
        exports.write(net, fmt, folder)
        after = {p.name: p.read_bytes() for p in folder.iterdir()}
        assert set(after) == set(before) and all(after[k] != before[k] for k in after)


def test_a_failing_table_leaves_no_new_table(net, tmp_path, monkeypatch):
    from quotetrack.exports import tables

    folder = tmp_path / "t"
    exports.write(net, "csv", folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    class Unwritable:
        def __str__(self):
            raise OSError(5, "Input/output error")

    real = tables.statement_rows
    monkeypatch.setattr(tables, "statement_rows",
                        lambda network: real(network) + [{"id": Unwritable()}])
    with pytest.raises(OSError):
        exports.write(net, "csv", folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_cli_export_csv_on_a_full_disk_is_one_line_and_keeps_old_tables(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from quotetrack.cli import cli
    from quotetrack.io import writers

    out = tmp_path / "tables"
    runner = CliRunner()
    args = ["export", str(FIXTURES / "outdir_a"), "--format", "csv", "-o", str(out)]
    assert runner.invoke(cli, args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers.os, "fsync", fsync)
    result = runner.invoke(cli, ["export", str(FIXTURES / "outdir_a"), str(FIXTURES / "outdir_b"),
                                 "--format", "csv", "-o", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert "No space left on device" in line and "previous output" in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_cli_export_of_a_damaged_attributions_jsonl_fails(tmp_path):
    # Before: exit 0 with one warning, and the export silently lacked the damaged records.
    import shutil

    from click.testing import CliRunner

    from quotetrack.cli import cli

    d = tmp_path / "out"
    shutil.copytree(FIXTURES / "outdir_a", d)
    data = (d / "attributions.jsonl").read_bytes()
    (d / "attributions.jsonl").write_bytes(data[:len(data) // 2])
    result = CliRunner().invoke(cli, ["export", str(d), "-o", str(tmp_path / "g.gexf")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"{d / 'attributions.jsonl'}, line " in line and "truncated" in line
    assert not (tmp_path / "g.gexf").exists()


def test_xml_exports_escape_markup_and_drop_control_characters(tmp_path):
    c = Corpus.of([attr("a1", "accuse", "Bad\x07 <Group> & \"Co\" Ltd", kind="group",
                        target="Norway\x00", content="\x1b[31m<b>loud</b>", date="2024-01-01")])
    n = build(c)
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        path = tmp_path / f"g.{fmt}"
        exports.write(n, fmt, path)
        raw = path.read_bytes()
        assert b"\x07" not in raw and b"\x00" not in raw and b"\x1b" not in raw
        g = read(path)
        labels = {d["label"] for _, d in g.nodes(data=True)}
        assert "Bad <Group> & \"Co\" Ltd" in labels and "Norway" in labels


def test_exports_of_an_empty_graph(tmp_path):
    n = build(Corpus.of([]))
    for fmt in exports.FORMATS:
        for p in exports.write(n, fmt, tmp_path / f"empty-{fmt}"):
            assert p.exists()
    assert nx.read_gexf(tmp_path / "empty-gexf").number_of_nodes() == 0


def test_writes_are_atomic_and_leave_no_temporary_files(net, tmp_path):
    path = tmp_path / "g.gexf"
    path.write_text("previous run")
    exports.write(net, "gexf", path)
    assert nx.read_gexf(path).number_of_edges() == len(EXPECTED)
    assert os.listdir(tmp_path) == ["g.gexf"]
    with pytest.raises(ValueError):
        exports.write(net, "pdf", tmp_path / "g.pdf")


def test_clean_value_and_interval():
    import datetime
    import numpy as np

    assert clean_value(None) == "" and clean_value(np.int64(3)) == 3
    assert type(clean_value(np.int64(3))) is int and type(clean_value(np.float32(1.5))) is float
    assert clean_value(datetime.date(2024, 1, 2)) == "2024-01-02"
    assert clean_value(["a", "b"]) == "a;b" and clean_value(True) is True
    assert interval([("2024-01-01", "2024-01-02")]) == "<[2024-01-01, 2024-01-02]>"
    assert interval([]) == ""


def test_every_gexf_edge_spell_lies_within_its_nodes_spells(net, tmp_path):
    path = tmp_path / "g.gexf"
    exports.write(net, "gexf", path)
    g = nx.read_gexf(path)
    for u, v, d in g.edges(data=True):
        for start, end in d["spells"]:
            for n in (u, v):
                (first, last), = g.nodes[n]["spells"]
                assert first <= start and end <= last, (g.nodes[n]["label"], d["act"], start)
