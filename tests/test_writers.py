"""Tests for quotetrack.io.writers."""
import io
import json
import logging
import os
import stat

import pandas as pd
import pytest

from quotetrack.io import writers
from quotetrack.io.writers import (ExtractOutput, atomic_write, atomic_write_all, open_output,
                                   read_attributions, read_csv_rows, spreadsheet_safe,
                                   spreadsheet_unescape)
from quotetrack.records import (ARTICLE_COLUMNS, ATTRIBUTION_COLUMNS, Article, ArticleStatus,
                                Attribution, Span, Speaker)

TEXT = ("The mayor accused the council of \u201cwasting money\u201d.\n"
        "=SUM(A1) was the engineer's reply, she said.\n")


def attribution(text=TEXT, speaker=True):
    source = Span.of(text, 4, 9)       # mayor
    cue = Span.of(text, 10, 17)        # accused
    target = Span.of(text, 18, 29)     # the council
    content = Span.of(text, 34, 47)    # wasting money
    return Attribution(
        id=Attribution.make_id("a1", cue, content), article_id="a1", kind="mixed",
        act="accuse", source=source, cue=cue, content=content, target=target,
        speaker=Speaker(id="p1", name="The mayor", kind="person", title="mayor") if speaker
        else None, date="2024-05-17")


def formula_attribution():
    line2 = TEXT.index("=SUM")
    content = Span.of(TEXT, line2, line2 + 34)
    cue = Span.of(TEXT, TEXT.index("said"), TEXT.index("said") + 4)
    return Attribution(id=Attribution.make_id("a1", cue, content), article_id="a1",
                       kind="indirect", act="say", source=None, cue=cue, content=content)


def ok_status(n=2):
    return ArticleStatus(article_id="a1", path="in/a1.txt", status="ok", title="-Bridge-",
                         date="2024-05-17", chars=len(TEXT), attributions=n)


def listing(folder):
    return sorted(os.listdir(folder))


# ---------------------------------------------------------------- atomic_write


def test_atomic_write_replaces_on_success(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_write(target) as f:
        f.write("new")
        assert target.read_text(encoding="utf-8") == "old"  # not yet
    assert target.read_text(encoding="utf-8") == "new"
    assert listing(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("exc", [ValueError, KeyboardInterrupt])
def test_atomic_write_keeps_old_file_on_exception(tmp_path, exc):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(exc):
        with atomic_write(target) as f:
            f.write("half")
            raise exc()
    assert target.read_text(encoding="utf-8") == "old"
    assert listing(tmp_path) == ["out.txt"]


def test_atomic_write_leaves_no_file_on_exception(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_write(tmp_path / "new.bin", "wb") as f:
            f.write(b"\x00")
            raise RuntimeError("boom")
    assert listing(tmp_path) == []


def test_atomic_write_binary_and_permissions(tmp_path):
    target = tmp_path / "data.bin"
    with atomic_write(target, "wb") as f:
        f.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    os.chmod(target, 0o640)
    with atomic_write(target, "wb") as f:
        f.write(b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# ---------------------------------------------------------------- spreadsheet_safe


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("", ""), ("a=b", "a=b"),
    (-3, -3), (None, None), (1.5, 1.5),
])
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize("value", [
    "=1", "+2", "-3", "@4", "\t5", "\r6", "'=7", "''-8", "'tis", "'", "''", "plain", "",
    "a=b", "'plain", "=", "'" * 3 + "@x"])
def test_spreadsheet_unescape_undoes_the_escape_exactly(value):
    safe = spreadsheet_safe(value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert spreadsheet_unescape(safe) == value
    # A value that already starts with "'" before a formula character gets one more, so an
    # id written as "'=7" cannot come back as "=7".
    if value.lstrip("'").startswith(("=", "-")) and value.startswith("'"):
        assert safe == "'" + value


def test_read_csv_rows_unescapes_and_reads_huge_fields(tmp_path):
    import csv

    title = "=" + "x" * 300_000  # past the csv module's 131,072-character field limit
    with ExtractOutput(tmp_path) as out:
        out.add(ArticleStatus(article_id="-1", path="in/@a.txt", status="ok", title=title))
    assert "'-1" in (tmp_path / "articles.csv").read_text(encoding="utf-8")
    limit = csv.field_size_limit()
    (row,) = read_csv_rows(tmp_path / "articles.csv")
    assert (row["article_id"], row["path"], row["title"]) == ("-1", "in/@a.txt", title)
    assert csv.field_size_limit() == limit  # the process-wide limit is restored


# ---------------------------------------------------------------- ExtractOutput


def test_round_trip(tmp_path):
    out_dir = tmp_path / "out"
    attrs = [attribution(), formula_attribution()]
    with ExtractOutput(out_dir) as out:
        assert out.add(ok_status(), iter(attrs)) == 2
        out.add(ArticleStatus(article_id="bad", path="in/bad.txt", status="error",
                              message="binary file, not text"))
        out.add(Article(article_id="a2", text="No quotes here.", path="in/a2.txt"))
    assert listing(out_dir) == ["articles.csv", "attributions.csv", "attributions.jsonl"]
    assert (out.articles, out.errors, out.attributions) == (3, 1, 2)

    # JSONL keeps exact text and reads back equal.
    back = list(read_attributions(out_dir))
    assert back == attrs
    assert back[1].content.text.startswith("=SUM(A1)")
    assert TEXT[back[0].content.start:back[0].content.end] == "wasting money"
    assert back[0].date == "2024-05-17"

    df = pd.read_csv(out_dir / "attributions.csv", keep_default_na=False)
    assert tuple(df.columns) == ATTRIBUTION_COLUMNS
    assert df["content_text"].tolist() == ["wasting money", "'" + attrs[1].content.text]
    assert df["content_start"].tolist() == [34, TEXT.index("=SUM")]
    assert df["speaker_name"].tolist() == ["The mayor", ""]
    assert df["source_text"].tolist() == ["mayor", ""]

    arts = pd.read_csv(out_dir / "articles.csv", keep_default_na=False)
    assert tuple(arts.columns) == ARTICLE_COLUMNS
    assert arts["article_id"].tolist() == ["a1", "bad", "a2"]
    assert arts["status"].tolist() == ["ok", "error", "ok"]
    assert arts["title"].tolist() == ["'-Bridge-", "", ""]  # a leading "-" is defused
    assert arts["attributions"].tolist() == [2, 0, 0]
    assert arts["chars"].tolist() == [len(TEXT), 0, len("No quotes here.")]


def test_failed_run_leaves_previous_files(tmp_path):
    out_dir = tmp_path / "out"
    with ExtractOutput(out_dir) as out:
        out.add(ok_status(1), [attribution()])
    before = {n: (out_dir / n).read_bytes() for n in listing(out_dir)}
    for exc in (RuntimeError, KeyboardInterrupt):
        with pytest.raises(exc):
            with ExtractOutput(out_dir) as out:
                out.add(ok_status(2), [attribution(), formula_attribution()])
                raise exc()
        assert {n: (out_dir / n).read_bytes() for n in listing(out_dir)} == before


def failing_fsync(monkeypatch, nth):
    """Make the ``nth`` fsync of the writers fail as on a full disk."""
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == nth:
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(writers.os, "fsync", fsync)
    return calls


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_full_disk_at_the_end_leaves_all_old_files(tmp_path, monkeypatch, nth):
    # Before: the three files were synced and renamed one by one, so a full disk on the
    # second left a new articles.csv beside the old attributions.
    out_dir = tmp_path / "out"
    with ExtractOutput(out_dir) as out:
        out.add(ok_status(1), [attribution()])
    before = {n: (out_dir / n).read_bytes() for n in listing(out_dir)}
    failing_fsync(monkeypatch, nth)
    with pytest.raises(OSError, match="No space"):
        with ExtractOutput(out_dir) as out:
            out.add(ok_status(2), [attribution(), formula_attribution()])
    assert {n: (out_dir / n).read_bytes() for n in listing(out_dir)} == before


def test_atomic_write_all_renames_only_after_every_file_is_on_disk(tmp_path, monkeypatch):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("old a")
    failing_fsync(monkeypatch, 2)
    with pytest.raises(OSError):
        with atomic_write_all([a, b]) as (fa, fb):
            fa.write("new a")
            fb.write("new b")
    assert listing(tmp_path) == ["a.csv"] and a.read_text() == "old a"
    monkeypatch.undo()
    with atomic_write_all([a, b]) as (fa, fb):
        fa.write("new a")
        fb.write("new b")
    assert (a.read_text(), b.read_text()) == ("new a", "new b")
    assert listing(tmp_path) == ["a.csv", "b.csv"]


def test_failed_first_run_leaves_nothing(tmp_path):
    out_dir = tmp_path / "out"
    with pytest.raises(ValueError):
        with ExtractOutput(out_dir) as out:
            out.add(ok_status(1), [attribution()])
            raise ValueError("extractor crashed")
    assert listing(out_dir) == []


def test_failing_attribution_iterator_discards_everything(tmp_path):
    def attrs():
        yield attribution()
        raise KeyError("bug")

    out_dir = tmp_path / "out"
    with pytest.raises(KeyError):
        with ExtractOutput(out_dir) as out:
            out.add(ok_status(), attrs())
    assert listing(out_dir) == []


def test_close_and_abort_without_with(tmp_path):
    out = ExtractOutput(tmp_path / "a").open()
    out.add(ok_status(0))
    out.close()
    assert listing(tmp_path / "a") == ["articles.csv", "attributions.csv", "attributions.jsonl"]
    out = ExtractOutput(tmp_path / "b").open()
    out.add(ok_status(0))
    out.abort()
    assert listing(tmp_path / "b") == []
    with pytest.raises(RuntimeError, match="not open"):
        out.add(ok_status(0))


def test_stream_mode():
    buf = io.StringIO()
    with open_output("-", stdout=buf) as out:
        out.add(ok_status(), [attribution(), formula_attribution()])
        out.add(ArticleStatus(article_id="bad", path=None, status="error", message="empty"))
    lines = buf.getvalue().splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["mixed", "indirect"]
    assert json.loads(lines[1])["content"]["text"].startswith("=SUM")
    assert (out.articles, out.errors, out.attributions) == (2, 1, 2)
    assert list(read_attributions("-", stream=io.StringIO(buf.getvalue()))) == [
        attribution(), formula_attribution()]


def test_lone_surrogate_does_not_kill_the_run(tmp_path):
    text = "He said \ud800 was odd."
    a = Attribution(id="x", article_id="s", kind="indirect", act="say", source=None,
                    cue=Span.of(text, 3, 7), content=Span.of(text, 8, 9))
    with ExtractOutput(tmp_path) as out:
        out.add(ArticleStatus(article_id="s", path=None, status="ok"), [a])
    assert list(read_attributions(tmp_path))[0].content.text == "\ud800"


# ---------------------------------------------------------------- read_attributions


def test_read_attributions_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="attributions.jsonl: no such file"):
        read_attributions(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_attributions(tmp_path / "nope.jsonl")


def test_read_attributions_skips_bad_lines(tmp_path, caplog):
    good = json.dumps(attribution().to_dict())
    path = tmp_path / "a.jsonl"
    path.write_text(good + "\n{broken\n\n" + json.dumps({"id": "only"}) + "\n" + good + "\n",
                    encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="quotetrack.io.writers"):
        got = list(read_attributions(path))
    assert got == [attribution(), attribution()]
    messages = [r.getMessage() for r in caplog.records]
    assert any("line 2" in m for m in messages) and any("line 4" in m for m in messages)


def test_read_attributions_all_bad(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("id,article_id\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no valid attribution records"):
        list(read_attributions(path))
    path.write_text("", encoding="utf-8")
    assert list(read_attributions(path)) == []
