"""extract --append and resumable runs (quotetrack/incremental.py through extract_files)."""
import json

import pytest
from click.testing import CliRunner
from conftest import news_text, write_news

from quotetrack import incremental
from quotetrack.cli import cli
from quotetrack.io.writers import read_attributions, read_csv_rows
from quotetrack.pipeline import extract_files
from quotetrack.records import text_hash

FORMATS = ["jsonl", pytest.param("parquet", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("pyarrow") is None, reason="needs pyarrow"))]


def attributions(out, fmt):
    if fmt == "parquet":
        from quotetrack.io import parquet

        return [a.to_dict() for a in parquet.iter_attributions(out)]
    return [a.to_dict() for a in read_attributions(out)]


def article_rows(out, fmt):
    if fmt == "parquet":
        from quotetrack.io import parquet

        return [(r.article_id, r.status, r.text_hash) for r in parquet.read_article_rows(out)]
    return [(r["article_id"], r["status"], r["text_hash"]) for r in read_csv_rows(out / "articles.csv")]


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def by_article(records):
    out = {}
    for a in records:
        out.setdefault(a["article_id"], []).append(a)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_second_identical_run_processes_nothing_and_changes_nothing(tmp_path, fmt):
    src = write_news(tmp_path / "in", 5, jsonl=2)
    out = tmp_path / "out"
    first = extract_files([str(src)], out, fmt=fmt, append=True)
    assert (first.ok, first.skipped) == (7, 0)
    before = snapshot(out)
    second = extract_files([str(src)], out, fmt=fmt, append=True)
    assert (second.ok, second.errors, second.skipped, second.attributions) == (0, 0, 7, 0)
    assert snapshot(out) == before  # not even rewritten


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_changed_article_alone_is_extracted_again_and_replaces_its_rows(tmp_path, fmt):
    src = write_news(tmp_path / "in", 5)
    out = tmp_path / "out"
    extract_files([str(src)], out, fmt=fmt)
    old = by_article(attributions(out, fmt))
    changed = news_text(2).replace("bad faith", "sabotage")
    (src / "02.txt").write_text(changed, encoding="utf-8")
    write_news(src, 1, start=7)  # and one new article
    summary = extract_files([str(src)], out, fmt=fmt, append=True)
    assert (summary.ok, summary.skipped) == (2, 4)
    new = by_article(attributions(out, fmt))
    assert set(new) == {"00", "01", "02", "03", "04", "07"}
    assert any("sabotage" in (a["content"] or {}).get("text", "") for a in new["02"])
    assert not any("bad faith" in (a["content"] or {}).get("text", "") for a in new["02"])
    assert all(new[k] == old[k] for k in ("00", "01", "03", "04"))
    rows = article_rows(out, fmt)
    assert [r[0] for r in rows] == ["00", "01", "03", "04", "02", "07"]  # re-extracted: at the end
    assert dict((r[0], r[2]) for r in rows)["02"] == text_hash(changed)
    if fmt == "jsonl":  # the CSV and the JSONL agree row for row
        csv_ids = [r["id"] for r in read_csv_rows(out / "attributions.csv")]
        assert csv_ids == [a["id"] for a in attributions(out, fmt)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_run_killed_half_way_leaves_out_readable_and_append_resumes_it(tmp_path, fmt, monkeypatch):
    monkeypatch.setattr(incremental, "COMMIT_ARTICLES", 2)
    src = write_news(tmp_path / "in", 7)
    clean = tmp_path / "clean"
    extract_files([str(src)], clean, fmt=fmt)
    out = tmp_path / "out"
    seen = []

    def killer(status, summary):
        seen.append(status.article_id)
        if len(seen) == 5:
            raise KeyboardInterrupt  # as Ctrl-C or SIGTERM would, after 5 articles

    with pytest.raises(KeyboardInterrupt):
        extract_files([str(src)], out, fmt=fmt, on_progress=killer)
    visible = [p.name for p in out.iterdir() if not p.name.startswith(".")]
    if fmt == "jsonl":
        assert visible == []  # no half-written attributions.jsonl: the files come at the end
        assert len(list((out / incremental.JOURNAL_DIR).glob("chunk-*.jsonl"))) == 3
    else:  # complete parts only, readable by any Parquet reader
        import pandas as pd

        assert len(pd.read_parquet(out / "articles")) == 5
        assert not list(out.rglob("*.tmp"))
    resumed = extract_files([str(src)], out, fmt=fmt, append=True)
    assert (resumed.ok, resumed.skipped) == (2, 5)
    assert attributions(out, fmt) == attributions(clean, fmt)
    assert [r[:2] for r in article_rows(out, fmt)] == [r[:2] for r in article_rows(clean, fmt)]
    assert not (out / incremental.JOURNAL_DIR).exists()


def test_a_plain_run_after_a_killed_one_starts_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "COMMIT_ARTICLES", 1)
    src = write_news(tmp_path / "in", 4)
    out = tmp_path / "out"

    def killer(status, summary):
        if summary.articles == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        extract_files([str(src)], out, on_progress=killer)
    summary = extract_files([str(src)], out)
    assert (summary.ok, summary.skipped) == (4, 0)
    assert not (out / incremental.JOURNAL_DIR).exists()


def test_a_chunk_half_written_by_a_dead_run_is_never_read(tmp_path):
    src = write_news(tmp_path / "in", 3)
    out = tmp_path / "out"
    extract_files([str(src)], out)
    journal = out / incremental.JOURNAL_DIR
    journal.mkdir()
    (journal / ".chunk-00000001.jsonl.abcd.tmp").write_text('{"status": {"article_id": "x"')
    summary = extract_files([str(src)], out, append=True)
    assert summary.skipped == 3 and not journal.exists()
    assert {a["article_id"] for a in attributions(out, "jsonl")} == {"00", "01", "02"}


def test_an_unreadable_input_is_reported_again_but_not_rewritten(tmp_path):
    src = write_news(tmp_path / "in", 2)
    (src / "empty.txt").write_text("")
    out = tmp_path / "out"
    extract_files([str(src)], out, append=True)
    before = snapshot(out)
    again = extract_files([str(src)], out, append=True)
    assert (again.ok, again.errors, again.skipped) == (0, 1, 2)
    assert snapshot(out) == before


def test_cli_append_says_what_it_skipped(tmp_path):
    src = write_news(tmp_path / "in", 3)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", str(src), "-o", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["extract", str(src), "-o", str(out), "--append"])
    assert result.exit_code == 0, result.stderr
    assert "0 new or changed articles extracted, 3 unchanged" in result.stderr
    quiet = runner.invoke(cli, ["extract", str(src), "-o", str(out), "--append", "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    rows = list(read_csv_rows(out / "articles.csv"))
    assert [r["article_id"] for r in rows] == ["00", "01", "02"]
    assert json.loads((out / "attributions.jsonl").read_text().splitlines()[0])["article_id"] == "00"


@pytest.mark.parametrize("fmt", FORMATS)
def test_sigkill_half_way_then_append_gives_the_clean_result(tmp_path, fmt):
    """A real kill -9 after five articles: no cleanup runs, yet OUT stays readable."""
    import subprocess
    import sys

    src = write_news(tmp_path / "in", 8)
    out = tmp_path / "out"
    extract_files([str(src)], tmp_path / "clean", fmt=fmt)
    code = (
        "import os, signal\n"
        "from quotetrack import incremental\n"
        "from quotetrack.pipeline import extract_files\n"
        "incremental.COMMIT_ARTICLES = 2\n"
        "def kill(status, summary):\n"
        "    if summary.articles == 5:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"extract_files([{str(src)!r}], {str(out)!r}, fmt={fmt!r}, on_progress=kill)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode()
    assert (out / ".quotetrack.lock").exists()  # the dead run's lock: the next run takes it over
    if fmt == "parquet":
        import pandas as pd

        assert len(pd.read_parquet(out / "articles")) == 4  # two committed chunks of two
    else:
        assert not (out / "attributions.jsonl").exists()
    resumed = extract_files([str(src)], out, fmt=fmt, append=True)
    assert (resumed.ok, resumed.skipped) == (4, 4)
    assert attributions(out, fmt) == attributions(tmp_path / "clean", fmt)
    assert not list(out.rglob("*.tmp")) and not (out / ".quotetrack.lock").exists()
