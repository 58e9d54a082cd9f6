"""The export and report commands, through click's CliRunner."""
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from quotetrack.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
A, B = str(FIXTURES / "outdir_a"), str(FIXTURES / "outdir_b")


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)
    return invoke


@pytest.mark.parametrize("command", ["export", "report"])
def test_help_ends_with_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "quotetrack " + command in result.stdout.split("Example:")[1]


def test_export_gexf(run, tmp_path):
    out = tmp_path / "sub" / "story.gexf"
    result = run("export", A, B, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "12 actors, 15 edges (actor level)" in result.stderr
    g = nx.read_gexf(out)
    assert g.number_of_nodes() == 12 and g.number_of_edges() == 15


@pytest.mark.parametrize("fmt, names", [
    ("gephi-csv", ["edges.csv", "nodes.csv"]),
    ("csv", ["actors.csv", "answers.csv", "edges.csv", "statements.csv"]),
])
def test_export_folders(run, tmp_path, fmt, names):
    out = tmp_path / fmt
    result = run("export", A, B, "--format", fmt, "-o", str(out), "--level", "affiliation")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == names
    edges = pd.read_csv(out / "edges.csv", keep_default_na=False)
    assert len(edges) == 14  # the affiliation-level graph


def test_export_graphml(run, tmp_path):
    out = tmp_path / "g.graphml"
    assert run("export", A, "-f", "graphml", "-o", str(out)).exit_code == 0
    assert nx.read_graphml(out).number_of_nodes() > 0


def test_export_output_kind_mismatch(run, tmp_path):
    result = run("export", A, "-o", str(tmp_path))
    assert result.exit_code == 1 and "is a folder" in result.stderr
    f = tmp_path / "file.csv"
    f.write_text("x")
    result = run("export", A, "--format", "csv", "-o", str(f))
    assert result.exit_code == 1 and "is a file" in result.stderr


def test_report_text_to_stdout_summary_to_stderr(run):
    result = run("report", A, B)
    assert result.exit_code == 0
    assert "Most active speakers" in result.stdout and "Who accuses whom" in result.stdout
    assert "Accusations and their answers" in result.stdout
    assert "quotetrack: 5 articles" in result.stderr and "quotetrack:" not in result.stdout


def test_report_json_and_csv(run):
    result = run("report", A, B, "--format", "json", "--top", "2")
    data = json.loads(result.stdout)
    assert [r["speaker"] for r in data["speakers"]] == ["Tomas Rivas", "Elena Fuentes"]
    result = run("report", A, B, "--format", "csv", "--section", "accusations")
    assert result.stdout.splitlines()[0] == (
        "accuser,accused,act,statements,first_date,last_date,articles")


def test_report_actor(run):
    result = run("report", A, B, "--actor", "Rivas", "--format", "markdown")
    assert result.exit_code == 0
    assert "Statements by and about Rivas (person)" in result.stdout
    result = run("report", A, B, "--actor", "Mr Rivas")
    assert "Statements by and about Tomas Rivas" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["report", "no/such/folder"], "no/such/folder: no such folder"),
    (["report", str(FIXTURES)], "no attributions.jsonl"),
    (["export", str(FIXTURES), "-o", "x.gexf"], "no attributions.jsonl"),
    (["report", A, "--actor", "Nobody"], "no actor matches 'Nobody'"),
])
def test_errors_are_one_clear_line(run, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_bad_usage_exits_2(run):
    assert run("report").exit_code == 2
    assert run("export", A).exit_code == 2  # -o is required
    assert run("report", A, "--format", "pdf").exit_code == 2
