"""The extract and evaluate commands end to end, -v/-q, and the documentation of every command."""
import json
import logging
import subprocess
import sys

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
    # stdout is data only: every line a record; the summary is the last line of stderr.
    assert lines and all(json.loads(line)["article_id"] == "talks" for line in lines)
    assert result.stderr.splitlines()[-1] == \
        f"1 articles read, 0 skipped with errors, {len(lines)} attributions -> stdout"


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


def test_evaluate_on_parsed_input_lays_the_parse_on_the_gold_text(runner, tmp_path):
    from quotetrack.io.conllu import to_conllu
    from quotetrack.nlp.builtin import BuiltinAnnotator
    from quotetrack.records import Article

    text = "Talks stalled.\nThe mayor said the road would reopen.\n"
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attributions" / "a_x.ann").write_text(
        "T1\tSource 15 24\tThe mayor\nT2\tCue 25 29\tsaid\nT3\tContent 30 51\tthe road would reopen\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n", encoding="utf-8")
    parse = tmp_path / "a.conllu"
    parse.write_text(to_conllu(BuiltinAnnotator().annotate_one(Article("a", text))), encoding="utf-8")
    args = ["evaluate", str(tmp_path), "--format", "json", "--tagger", "crf", "--conllu", str(parse)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["joint"]["f1"] == 100.0 and "rebuilt" not in result.stderr
    # A parse of some other text: one warning, and the text rebuilt from the parse is scored.
    (tmp_path / "text" / "a.txt").write_text(text.replace("mayor", "major"), encoding="utf-8")
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("scoring the text rebuilt from the CoNLL-U") == 1


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


# Encoded as cp1252, the curly quotes become bytes 0x93/0x94: not UTF-8.
LATIN = ("date 2031-05-03 Harbour\n\n"
         "The harbour master said \u201cthe port will stay open\u201d all winter.\n").encode("cp1252")
CP1252_WARNING = "decoded as cp1252 (not valid UTF-8)"


def latin_inputs(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "harbour.txt").write_bytes(LATIN)
    (src / "talks.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "zero.txt").write_text("", encoding="utf-8")
    return src


def test_a_cp1252_files_warning_reaches_stderr_and_articles_csv(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["extract", str(latin_inputs(tmp_path)), "-o", str(out), "--nlp", "builtin"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out / "articles.csv", keep_default_na=False).set_index("article_id")
    assert rows.loc["harbour", "status"] == "ok" and rows.loc["harbour", "message"] == CP1252_WARNING
    assert rows.loc["harbour", "attributions"] >= 1 and rows.loc["talks", "message"] == ""
    assert f"harbour.txt (harbour): {CP1252_WARNING}" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("2 articles read, 1 skipped with errors")


def test_quiet_prints_errors_only(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["-q", "extract", str(latin_inputs(tmp_path)), "-o", str(out), "--nlp", "builtin"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("quotetrack: ") and "zero.txt: empty" in lines[0]
    # Quiet is about the terminal, not the data: the warning is still in articles.csv.
    assert CP1252_WARNING in (out / "articles.csv").read_text(encoding="utf-8")


def test_verbose_adds_steps_and_twice_adds_debugging(runner, tmp_path):
    path = tmp_path / "talks.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    args = ["extract", str(path), "-o", "-", "--nlp", "builtin", "-j", "1"]
    default, v, vv = (runner.invoke(cli, [*flags, *args]) for flags in ([], ["-v"], ["-vv"]))
    assert default.exit_code == v.exit_code == vv.exit_code == 0
    assert default.stdout == v.stdout == vv.stdout  # stdout stays data only
    step = "quotetrack: extracting with the builtin annotator"
    assert step not in default.stderr and step in v.stderr
    assert "DEBUG" not in v.stderr
    n = len(vv.stdout.splitlines())
    assert f"quotetrack: DEBUG quotetrack.pipeline: talks: {n} attributions" in vv.stderr


def test_verbose_and_quiet_together_is_a_usage_error(runner):
    result = runner.invoke(cli, ["-v", "-q", "extract", "x.txt", "-o", "-"])
    assert result.exit_code == 2 and "cannot be used together" in result.stderr


def test_the_log_handler_lasts_one_command(runner, tmp_path):
    logger = logging.getLogger("quotetrack")
    before = (list(logger.handlers), logger.level)
    path = tmp_path / "talks.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    for flags in ([], ["-vv"], ["-q"]):
        assert runner.invoke(cli, [*flags, "extract", str(path), "-o", "-", "--nlp", "builtin"]).exit_code == 0
    assert (list(logger.handlers), logger.level) == before
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


def test_forced_progress_keeps_error_lines_apart_from_the_counter(runner, tmp_path):
    src = latin_inputs(tmp_path)
    result = runner.invoke(cli, ["extract", str(src), "-o", str(tmp_path / "out"), "--nlp", "builtin",
                                 "--progress"])
    assert result.exit_code == 0, result.output
    assert "/3 [" in result.stderr and "articles/s" in result.stderr  # the bar, with a total
    # What a terminal shows of each line: the text after the last carriage return.
    shown = [line.split("\r")[-1].rstrip() for line in result.stderr.split("\n")]
    assert f"quotetrack: {src / 'zero.txt'}: empty file" in shown
    assert shown[-2].startswith("2 articles read, 1 skipped with errors") and shown[-1] == ""


class _NoModels:
    """An annotator whose models fail to load on first use (not at construction)."""

    name = "fake"

    def annotate(self, articles):
        from quotetrack.models import ModelsMissing
        raise ModelsMissing("could not load Stanza models from /nowhere; run quotetrack models download")


def test_models_failing_mid_run_is_one_error_line_and_no_output(runner, tmp_path, monkeypatch):
    import quotetrack.nlp

    monkeypatch.setattr(quotetrack.nlp, "make_annotator", lambda *a, **k: _NoModels())
    out = tmp_path / "out"
    result = runner.invoke(cli, ["extract", str(latin_inputs(tmp_path)), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.count("Error:") == 1 and "models download" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "attributions.jsonl").exists() and not (out / "articles.csv").exists()


def test_help_imports_no_heavy_library():
    code = ("import sys\n"
            "from quotetrack.cli import cli\n"
            "for args in (['--help'], ['extract', '--help'], ['export', '--help']):\n"
            "    try:\n"
            "        cli(args, prog_name='quotetrack')\n"
            "    except SystemExit as e:\n"
            "        assert e.code == 0, e.code\n"
            "print(' '.join(m for m in ('pandas', 'stanza', 'torch', 'networkx') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == ""


@pytest.mark.parametrize("module", ["quotetrack", "quotetrack.cli"])
def test_python_dash_m_runs_the_command_line(module):
    # examples/run_demo.py (make demo) runs `python -m quotetrack.cli`
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "extract" in done.stdout and "Usage:" in done.stdout
