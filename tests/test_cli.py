"""The extract and evaluate commands end to end, and the documentation of every command."""
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from quotetrack.cli import cli

ARTICLE = ("date 2031-05-02 Talks stall\n\n"
           "Foreign Minister Lena Varga of Norland accused Sudmark of stalling the talks.\n\n"
           "“We will not be intimidated,” Varga said on Tuesday.\n")


@pytest.fixture
def runner():
    return CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def all_commands(group=cli, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from all_commands(cmd, prefix + (name,))
        else:
            yield prefix + (name,)


@pytest.mark.parametrize("command", sorted(all_commands()), ids=" ".join)
def test_every_command_is_documented_with_an_example(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"quotetrack {' '.join(command)} --help has no Example: block"


def test_extract_writes_the_three_tables(runner, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "talks.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["extract", str(tmp_path / "in"), "-o", str(out), "--nlp", "builtin"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "attributions.jsonl").read_text().splitlines()]
    acts = {r["act"] for r in rows}
    assert {"accuse", "say"} <= acts
    accuse = next(r for r in rows if r["act"] == "accuse")
    assert accuse["article_id"] == "talks" and accuse["date"] == "2031-05-02"
    assert accuse["target"]["text"] == "Sudmark"
    assert accuse["speaker"]["name"] == "Lena Varga" and accuse["speaker"]["title"] == "Foreign Minister"
    for r in rows:
        for role in ("source", "cue", "content", "target"):
            if r[role]:
                assert ARTICLE[r[role]["start"]:r[role]["end"]] == r[role]["text"]
    table = pd.read_csv(out / "attributions.csv")
    assert list(table["id"]) == [r["id"] for r in rows]
    articles = pd.read_csv(out / "articles.csv")
    assert articles.loc[0, "status"] == "ok" and articles.loc[0, "attributions"] == len(rows)


def test_extract_streams_jsonl_to_stdout_and_messages_to_stderr(runner, tmp_path):
    path = tmp_path / "talks.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path), "-o", "-", "--nlp", "builtin"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(json.loads(line)["article_id"] == "talks" for line in lines)
    assert "attributions" in result.stderr and "attributions" not in result.stdout.split("{")[0]


def test_bad_files_are_reported_once_and_the_batch_goes_on(runner, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "empty.txt").write_text("", encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (src / "broken.jsonl").write_text('{"id": "ok1", "text": "The mayor said the road would reopen."}\n{"id": oops\n',
                                      encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["extract", str(src), "-o", str(out), "--nlp", "builtin"])
    assert result.exit_code == 0
    assert result.stderr.count("quotetrack:") == 3  # one line per bad file or record
    status = pd.read_csv(out / "articles.csv").set_index("article_id")["status"].to_dict()
    assert status["good"] == "ok" and status["ok1"] == "ok"
    assert sorted(v for v in status.values() if v == "error") == ["error"] * 3


def test_missing_models_for_stanza_is_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["extract", "x.txt", "-o", "-", "--nlp", "stanza", "--models-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "quotetrack models download" in result.stderr and "Traceback" not in result.stderr


def test_evaluate_scores_a_tiny_gold_folder(runner, tmp_path):
    text = "The mayor said the road would reopen.\n"
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attributions" / "a_x.ann").write_text(
        "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\nT3\tContent 15 36\tthe road would reopen\n"
        "T4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n", encoding="utf-8")
    result = runner.invoke(cli, ["evaluate", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["joint"]["f1"] == 100.0


def test_two_batches_with_the_same_record_ids_keep_all_statements(runner, tmp_path):
    outs = []
    for name, text in (("b1", "Norway accused Sweden of illegal fishing."),
                       ("b2", "Brazil accused Mexico of illegal fishing.")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "news.jsonl").write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
        out = tmp_path / f"out-{name}"
        assert runner.invoke(cli, ["extract", str(tmp_path / name), "-o", str(out), "--nlp", "builtin"]).exit_code == 0
        outs.append(out)
    ids = [json.loads((o / "attributions.jsonl").read_text().splitlines()[0])["id"] for o in outs]
    assert ids[0] != ids[1]  # same article id and offsets, different text: different ids
    result = runner.invoke(cli, ["report", *map(str, outs), "--format", "json", "--section", "accusations"])
    assert result.exit_code == 0, result.output
    assert "Sweden" in result.stdout and "Mexico" in result.stdout


def test_pathological_json_is_one_error_line(runner, tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100000, encoding="utf-8")
    (tmp_path / "digits.jsonl").write_text('{"text": "x", "n": ' + "9" * 5000 + "}\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(tmp_path), "-o", str(tmp_path / "out"), "--nlp", "builtin"])
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert result.stderr.count("not valid JSON") == 2


@pytest.mark.parametrize("args", [["extract", "x.txt", "-o", "-", "--max-bytes", "-5"],
                                  ["extract", "x.txt", "-o", "-", "-j", "-3"],
                                  ["evaluate", ".", "--limit", "-1"]])
def test_bad_numbers_are_usage_errors(runner, args):
    assert runner.invoke(cli, args).exit_code == 2


def test_evaluate_on_a_folder_without_gold_is_one_error(runner, tmp_path):
    result = runner.invoke(cli, ["evaluate", str(tmp_path)])
    assert result.exit_code == 1 and "no gold articles" in result.stderr


def test_broken_model_folder_is_one_error_not_one_per_article(runner, tmp_path):
    models = tmp_path / "models"
    (models / "en" / "tokenize").mkdir(parents=True)
    (models / "resources.json").write_text("{}", encoding="utf-8")
    (models / "en" / "tokenize" / "combined.pt").write_bytes(b"not a model")
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["extract", str(src), "-o", str(out), "--nlp", "auto",
                                 "--models-dir", str(models)])
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1 and "Traceback" not in result.stderr
    assert not out.exists()  # nothing half-written
