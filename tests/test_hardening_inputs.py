"""Issue 10, inputs and runs: no input can hang, exhaust memory or wipe earlier results.

Regression tests for each case of the issue that concerns reading and running (CoNLL-U
offsets, missing inputs, oversize CSV fields, FIFOs and unreadable folders, SIGTERM and
two runs on one output folder, the output folder inside an input folder, NUL bytes and
lone surrogates), then property tests over the readers with bounded examples.
"""
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotetrack.cli import cli
from quotetrack.io.conllu import ConlluError, conllu_items, parse_conllu
from quotetrack.io.readers import _bounded_lines, _csv_records, _pieces, missing_inputs, read_inputs
from quotetrack.pipeline import (LOCK_NAME, InputsMissing, NothingRead, OutputBusy, RunSummary,
                                 _start_time, extract_files)
from quotetrack.records import Article, ArticleStatus

ROOT = Path(__file__).resolve().parents[1]
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX only (FIFOs, signals)")

STORY = "Talks stall\n\nMinister Lena Varga said the talks had failed.\n"
OTHER = "Fishing row\n\nMayor Ivo Brandt said the boats would stay in port.\n"


@pytest.fixture
def runner():
    return CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def items(*inputs, **kw):
    return list(read_inputs([str(i) for i in inputs], **kw))


def snapshot(folder: Path) -> dict:
    """Every file in ``folder`` (hidden ones too) with its bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def good_folder(tmp_path: Path) -> Path:
    src = tmp_path / "news"
    src.mkdir()
    (src / "a.txt").write_text(STORY, encoding="utf-8")
    (src / "b.txt").write_text(OTHER, encoding="utf-8")
    return src


def cli_env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


# ---------------------------------------------------------------- 2. CoNLL-U offsets and sizes

HUGE_OFFSET = ("# newdoc id = d1\n"
               "1\tHello\thello\tINTJ\t_\t_\t0\troot\t_\tstart_char=99999999999|end_char=100000000004\n"
               "\n")


@POSIX  # resource limits
def test_conllu_offset_far_beyond_the_file_is_one_error_row_in_bounded_memory(tmp_path):
    # In a child with 2 GB of address space: the old reader asked for gigabytes here and the
    # whole batch ended in a MemoryError traceback.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "huge.conllu").write_text(HUGE_OFFSET, encoding="utf-8")
    assert (tmp_path / "in" / "huge.conllu").stat().st_size < 130
    (tmp_path / "in" / "ok.txt").write_text(STORY, encoding="utf-8")
    out = tmp_path / "out"
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "from quotetrack.cli import main\n"
            f"sys.argv = ['quotetrack', 'extract', {str(tmp_path / 'in')!r}, '-o', {str(out)!r},"
            " '--nlp', 'builtin', '-j', '1']\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=cli_env())
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    with open(out / "articles.csv", newline="", encoding="utf-8") as f:
        rows = {r["article_id"]: r for r in csv.DictReader(f)}
    assert rows["huge"]["status"] == "error" and "end_char=100000000004" in rows["huge"]["message"]
    assert rows["ok"]["status"] == "ok"


def test_conllu_offsets_must_stay_within_the_documents_scale():
    with pytest.raises(ConlluError, match="line 2: end_char"):
        list(parse_conllu(HUGE_OFFSET))
    # Offsets into a longer original are fine up to the floor (64K characters) ...
    fine = HUGE_OFFSET.replace("start_char=99999999999|end_char=100000000004",
                               "start_char=60000|end_char=60005")
    (doc,) = parse_conllu(fine)
    assert doc.text[60000:60005] == "Hello" and len(doc.text) == 60005


def test_max_bytes_bounds_the_text_a_conllu_file_builds(tmp_path):
    # 130 bytes of CoNLL-U got past --max-bytes and still built a 60,000-character text.
    path = tmp_path / "sparse.conllu"
    path.write_text(HUGE_OFFSET.replace("start_char=99999999999|end_char=100000000004",
                                        "start_char=60000|end_char=60005"), encoding="utf-8")
    (status,) = items(path, max_bytes=1000)
    assert isinstance(status, ArticleStatus) and status.status == "error"
    assert "end_char=60005" in status.message
    (status,) = list(conllu_items(path, max_bytes=50))  # the file itself is over
    assert "larger than 50 bytes" in status.message


def test_max_bytes_applies_to_stdin_and_jsonl_records(tmp_path):
    (status,) = items("-", stdin=io.BytesIO(b"x" * 2000), max_bytes=1000)
    assert "too large" in status.message
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"text": "y " * 5000}) + "\n" + json.dumps({"text": STORY}) + "\n",
                    encoding="utf-8")
    got = items(path, max_bytes=1000)
    assert [type(i).__name__ for i in got] == ["ArticleStatus", "Article"]
    assert "line 1 of news.jsonl: record too large" in got[0].message


# ---------------------------------------------------------------- 3. missing inputs never wipe results


def test_a_mistyped_path_exits_1_in_one_line_and_leaves_the_previous_output(runner, tmp_path):
    src, out = good_folder(tmp_path), tmp_path / "out"
    assert runner.invoke(cli, ["extract", str(src), "-o", str(out), "--nlp", "builtin"]).exit_code == 0
    before = snapshot(out)
    typo = str(tmp_path / "nesw")
    result = runner.invoke(cli, ["extract", typo, "-o", str(out), "--nlp", "builtin"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and typo in lines[0] and "left as it was" in lines[0]
    assert snapshot(out) == before


def test_a_run_that_reads_nothing_leaves_the_output_and_creates_no_folder(tmp_path):
    src, out = good_folder(tmp_path), tmp_path / "out"
    extract_files([str(src)], out)
    before = snapshot(out)
    (tmp_path / "junk.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(NothingRead, match=r"no article read \(2 unreadable"):
        extract_files([str(tmp_path / "junk.txt"), str(tmp_path / "empty.txt")], out)
    assert snapshot(out) == before
    with pytest.raises(NothingRead, match="no such file"):
        extract_files([str(tmp_path / "nope.txt")], tmp_path / "new")
    with pytest.raises(NothingRead):
        extract_files([str(tmp_path / "junk.txt")], tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_missing_inputs_and_fewer_articles_keep_the_previous_output(tmp_path):
    src, out = good_folder(tmp_path), tmp_path / "out"
    extract_files([str(src)], out)
    before = snapshot(out)
    with pytest.raises(InputsMissing, match=r"2 articles .* with 1: .*typo\.txt"):
        extract_files([str(src / "a.txt"), str(tmp_path / "typo.txt")], out)
    assert snapshot(out) == before
    # Every input there and read: fewer articles is what the user asked for.
    summary = extract_files([str(src / "a.txt")], out)
    assert summary.ok == 1 and summary.missing == ()
    # Missing inputs on a fresh folder: written, with the missing path as an error row.
    summary = extract_files([str(src), str(tmp_path / "typo.txt")], tmp_path / "fresh")
    assert summary == RunSummary(str(tmp_path / "fresh"), ok=2, errors=1,
                                 attributions=summary.attributions,
                                 missing=(str(tmp_path / "typo.txt"),))


def test_missing_inputs_lists_only_what_names_nothing(tmp_path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    inputs = ["-", str(tmp_path / "a.txt"), str(tmp_path / "*.txt"), str(tmp_path / "*.json"),
              str(tmp_path / "b.txt"), str(tmp_path)]
    assert missing_inputs(inputs) == [str(tmp_path / "*.json"), str(tmp_path / "b.txt")]


# ---------------------------------------------------------------- 4. CSV fields over the limit


def test_csv_field_over_the_limit_is_one_error_row_and_the_next_row_survives(tmp_path):
    path = tmp_path / "news.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        w.writerow(["a", STORY])
        # 240 KB, over the csv module's 128 KB default and over --max-bytes, full of
        # commas, quotes and line breaks that a lost parser reads as rows of their own.
        w.writerow(["b", ('x, "y" ' * 10 + "\n") * 3000])
        w.writerow(["c", OTHER])
    got = items(path, max_bytes=5000)
    assert [(type(i).__name__, i.article_id) for i in got] == [
        ("Article", "a"), ("ArticleStatus", "news-2"), ("Article", "c")]
    assert got[1].message == ("row 2 (line 6) of news.csv: record too large (more than 5000 bytes; "
                              "raise --max-bytes)")
    assert got[2].text == OTHER


def test_csv_field_over_the_modules_default_limit_is_read_whole(tmp_path):
    path = tmp_path / "long.csv"
    long_text = "Officials said the plan would work. " * 5000  # 180 KB, one field
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["text"], [long_text], [STORY]])
    got = items(path)
    assert [i.text for i in got] == [long_text, STORY]


def test_a_huge_single_line_csv_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "oneline.tsv"
    path.write_text("text\n" + "z" * 300_000 + "\nA short one said hi.\n", encoding="utf-8")
    got = items(path, max_bytes=1000)
    assert [type(i).__name__ for i in got] == ["ArticleStatus", "Article"]
    assert "line 2" in got[0].message and got[1].text == "A short one said hi."


# ---------------------------------------------------------------- 5. only regular files


@POSIX
def test_a_fifo_among_the_inputs_is_skipped_without_being_opened(tmp_path):
    src = good_folder(tmp_path)
    os.mkfifo(src / "pipe.txt")
    os.mkfifo(tmp_path / "named.jsonl")
    # A child process: the old reader blocked forever opening the FIFO.
    code = ("import json, sys\n"
            "from quotetrack.io.readers import read_inputs\n"
            "got = [[type(i).__name__, i.article_id, getattr(i, 'message', '')]\n"
            "       for i in read_inputs(sys.argv[1:])]\n"
            "print(json.dumps(got))\n")
    done = subprocess.run([sys.executable, "-c", code, str(src), str(tmp_path / "named.jsonl")],
                          capture_output=True, text=True, timeout=60, env=cli_env())
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert [(kind, aid) for kind, aid, _ in got] == [
        ("Article", "a"), ("Article", "b"), ("ArticleStatus", "pipe"), ("ArticleStatus", "named")]
    assert all("named pipe (FIFO), not a regular file" in m for _, _, m in got[2:])


def test_a_device_is_skipped(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    (status,) = items("/dev/zero")
    assert status.message.startswith("a device, not a regular file")


def test_an_unreadable_subfolder_is_reported(tmp_path, monkeypatch):
    src = good_folder(tmp_path)
    (src / "locked").mkdir()
    (src / "locked" / "c.txt").write_text(STORY, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    # os.walk lists folders with os.scandir; this makes one fail as chmod 000 would (and
    # runs as root too, which chmod cannot lock out).
    monkeypatch.setattr(os, "scandir", scandir)
    got = items(src)
    assert [(type(i).__name__, i.article_id) for i in got] == [
        ("Article", "a"), ("Article", "b"), ("ArticleStatus", "locked")]
    assert got[2].message == "cannot read folder (Permission denied)"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads any folder")
def test_a_folder_without_read_permission_is_reported(tmp_path):
    src = good_folder(tmp_path)
    (src / "locked").mkdir()
    (src / "locked").chmod(0)
    try:
        got = items(src)
    finally:
        (src / "locked").chmod(0o755)
    assert got[-1].status == "error" and "cannot read folder" in got[-1].message


# ---------------------------------------------------------------- 7. SIGTERM, stale temp files, the lock


def _start_blocked_run(out: Path) -> subprocess.Popen:
    """An extract reading stdin, which this test keeps open: it waits with its files open."""
    proc = subprocess.Popen([sys.executable, "-m", "quotetrack.cli", "extract", "-", "-o", str(out),
                             "--nlp", "builtin", "-j", "1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=cli_env(), cwd=str(ROOT))
    deadline = time.monotonic() + 60
    lock = out / LOCK_NAME  # the run holds the folder's lock while it waits on stdin
    while not (lock.is_file() and lock.read_text().split()[:1] == [str(proc.pid)]):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the run did not start: {proc.communicate()[1].decode()}")
        time.sleep(0.05)
    return proc


@POSIX
def test_sigterm_removes_the_temporary_files_and_a_second_run_is_refused(runner, tmp_path):
    src, out = good_folder(tmp_path), tmp_path / "out"
    extract_files([str(src)], out)
    before = snapshot(out)
    proc = _start_blocked_run(out)
    try:
        assert (out / LOCK_NAME).read_text().split()[0] == str(proc.pid)
        # A second run on the same folder: one clear line, nothing touched.
        second = runner.invoke(cli, ["extract", str(src), "-o", str(out), "--nlp", "builtin"])
        assert second.exit_code == 1
        assert f"being written by another quotetrack run (pid {proc.pid})" in second.stderr
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in err.decode() and "terminated" in err.decode()
    assert snapshot(out) == before  # no .tmp file, no lock, the old files as they were


def test_stale_temp_files_and_a_dead_runs_lock_are_cleaned_by_the_next_run(tmp_path):
    src, out = good_folder(tmp_path), tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK_NAME).write_text(f"{dead.pid} {socket.gethostname()}\n")
    for name in ("attributions.jsonl", "attributions.csv", "articles.csv"):
        (out / f".{name}.k3j4h5g6.tmp").write_text("half written")
    (out / "notes.tmp").write_text("not ours")
    summary = extract_files([str(src)], out)
    assert summary.ok == 2
    assert sorted(p.name for p in out.iterdir()) == [
        "articles.csv", "attributions.csv", "attributions.jsonl", "notes.tmp"]


def test_a_live_runs_lock_refuses_the_run(tmp_path):
    src, out = good_folder(tmp_path), tmp_path / "out"
    out.mkdir()
    # This very process holds it (as another thread or library call would).
    (out / LOCK_NAME).write_text(f"{os.getpid()} {socket.gethostname()} {_start_time(os.getpid())}\n")
    with pytest.raises(OutputBusy, match=f"pid {os.getpid()}"):
        extract_files([str(src)], out)
    assert [p.name for p in out.iterdir()] == [LOCK_NAME]  # not removed by the refused run


# ---------------------------------------------------------------- 8. the output folder inside an input folder


def test_the_output_folder_inside_an_input_folder_is_not_read(tmp_path):
    src = good_folder(tmp_path)
    out = src / "out"
    first = extract_files([str(src)], out)
    second = extract_files([str(src)], out)
    assert (first.ok, first.errors) == (second.ok, second.errors) == (2, 0)
    with open(out / "articles.csv", newline="", encoding="utf-8") as f:
        assert [r["article_id"] for r in csv.DictReader(f)] == ["a", "b"]
    # A glob reaching into it is filtered too; naming it outright says why it is not read.
    got = list(read_inputs([str(src / "**" / "*.csv"), str(out / "articles.csv")], exclude=[str(out)]))
    assert [(i.status, i.message) for i in got] == [
        ("error", "matches only files in the output folder of this run; not read"),
        ("error", "inside the output folder of this run; not read")]


# ---------------------------------------------------------------- 10. NUL bytes and lone surrogates


def test_nul_bytes_after_the_first_8kb_are_replaced_one_for_one(tmp_path):
    text = "Headline\n\n" + "Filler words here. " * 500 + "The mayor said\x00 it was over.\n"
    assert text.index("\x00") > 8192
    (tmp_path / "late.txt").write_text(text, encoding="utf-8")
    warnings = {}
    (article,) = items(tmp_path / "late.txt", warnings=warnings)
    assert "\x00" not in article.text and article.text == text.replace("\x00", " ")
    assert warnings == {"late": "1 NUL character replaced by spaces"}


def test_nul_in_json_and_csv_records_is_replaced(tmp_path):
    (tmp_path / "n.jsonl").write_text(json.dumps({"id": "x\u0000y", "text": "He said\u0000 no."}) + "\n",
                                      encoding="utf-8")
    # (a NUL in the first 8 KB makes the whole file binary, as before)
    (tmp_path / "n.csv").write_text("text\n" + "A filler row said little.\n" * 400
                                    + '"She said\x00 yes."\n', encoding="utf-8")
    got = items(tmp_path / "n.jsonl", tmp_path / "n.csv")
    assert [i.text for i in got[:1] + got[-1:]] == ["He said  no.", "She said  yes."]
    assert got[0].article_id == "xy"


def test_mostly_nul_text_is_rejected_as_binary(tmp_path):
    (tmp_path / "half.txt").write_bytes(b"Plain words. " * 700 + b"\x00" * 5000)
    (status,) = items(tmp_path / "half.txt")
    assert status.status == "error" and "binary data (5000 NUL characters)" in status.message


def test_a_lone_surrogate_in_json_does_not_fail_its_article(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s1", "title": "T\\udc00", '
                    '"text": "Mayor Ivo Brandt said \\"we won\\" \\ud800 on Monday."}\n'
                    '{"id": "s2", "text": "Minister Lena Varga said the talks had failed."}\n',
                    encoding="utf-8")
    summary = extract_files([str(path)], tmp_path / "out")
    with open(tmp_path / "out" / "articles.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["status"] for r in rows] == ["ok", "ok"], rows
    assert rows[0]["message"] == "1 lone surrogate replaced by U+FFFD"
    assert rows[0]["title"] == "T\ufffd"
    assert summary.ok == 2 and summary.attributions >= 2


# ---------------------------------------------------------------- property tests

PROPS = settings(max_examples=50, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# Quote-mark soup, RTL, combining marks, NUL, controls, line breaks of every kind.
SOUP = st.sampled_from(list('"“”‘’«»„\'`,;\t\n\r \x00\x1b\u200f\u202e\u0301\u05d0\u0627\u2028'))
ANY_TEXT = st.text(st.one_of(st.characters(), SOUP), max_size=300)
NO_SURROGATES = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)), SOUP), max_size=300)
# For CSV: a NUL or many control characters in the first 8 KB make a whole file binary.
CSV_TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")),
                             st.sampled_from(list('"“”«»\'`,;\t\n\r \u200f\u202e\u0301\u05d0\u2028'))),
                   max_size=300)


def cleaned(text: str) -> str:
    return "".join(" " if c == "\x00" else "\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def check_article(item, expected: str) -> None:
    assert isinstance(item, (Article, ArticleStatus))
    if cleaned(expected).strip() and expected.count("\x00") <= 100:
        assert isinstance(item, Article), item  # text with anything in it is read
    if isinstance(item, ArticleStatus):
        assert item.status == "error" and item.message and "\n" not in item.message
        return
    assert item.text == cleaned(expected)
    assert "\x00" not in item.text and not any("\ud800" <= c <= "\udfff" for c in item.text)
    for s, e in item.skip_ranges:
        assert 0 <= s <= e <= len(item.text)


@PROPS
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=4))
def test_any_unicode_in_jsonl_reads_back_equal_or_as_one_error_per_record(texts):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "any.jsonl"
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        got = items(path)
    assert len(got) == len(texts)
    for item, text in zip(got, texts):
        if not text.strip():
            assert isinstance(item, ArticleStatus)
        check_article(item, text)


@PROPS
@given(texts=st.lists(CSV_TEXT, min_size=1, max_size=4), delimiter=st.sampled_from([",", "\t"]))
def test_any_unicode_in_csv_reads_back_equal_or_as_one_error_per_record(texts, delimiter):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / ("any.csv" if delimiter == "," else "any.tsv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, delimiter=delimiter)
            w.writerow(["id", "text"])
            w.writerows([[f"r{i}", t] for i, t in enumerate(texts)])
        got = items(path)
    assert len(got) == len(texts)
    for item, text in zip(got, texts):
        check_article(item, text)


@PROPS
@given(text=NO_SURROGATES)
def test_any_unicode_in_a_text_file_reads_back_equal(text):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "any.txt"
        path.write_bytes(text.encode("utf-8"))
        (item,) = items(path)
    if isinstance(item, Article):
        assert item.text == cleaned(text[1:] if text.startswith("\ufeff") else text)
    else:  # only what is empty or looks binary is refused
        assert item.message.startswith(("empty file", "binary"))


@PROPS
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.txt", "x.json", "x.jsonl", "x.csv",
                                                            "x.conllu"]))
def test_any_bytes_never_raise(data, name):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        got = items(path) + items("-", stdin=io.BytesIO(data))
    assert got
    for item in got:
        if isinstance(item, Article):
            assert "\x00" not in item.text
        elif isinstance(item, ArticleStatus):
            assert item.status == "error" and item.message


CSV_SOUP = st.text(st.sampled_from(list('ab,"\n\r \t')), max_size=60)


@PROPS
@given(content=CSV_SOUP, delimiter=st.sampled_from([",", "\t"]), piece=st.integers(1, 70))
def test_csv_records_split_where_the_csv_module_splits_them(content, delimiter, piece):
    # The reader finds records itself (so that it can skip an oversize one and carry on);
    # on anything, it must find the rows and first line numbers the csv module finds, also
    # when long lines come in pieces.
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    expected, starts = [], []
    while True:
        line_no = reader.line_num + 1
        try:
            expected.append(next(reader))
        except StopIteration:
            break
        starts.append(line_no)
    got, firsts = [], []
    for first, record in _csv_records(_pieces(io.StringIO(content, newline=""), piece), delimiter, 10**6):
        got.extend(csv.reader(record, delimiter=delimiter))
        firsts.append(first)
    assert (got, firsts) == (expected, starts)
    lines = [line for _, line in _bounded_lines(_pieces(io.StringIO(content, newline=""), piece), 10**6)]
    assert lines == list(io.StringIO(content, newline=""))


CONLLU_LINE = st.one_of(
    st.just(""), st.just("# newdoc id = d"), st.just("# newpar"), st.just("# text = a b"),
    st.builds(lambda i, h, a, n: f"{i}\tw\tw\tX\t_\t_\t{h}\tdep\t_\tstart_char={a}|end_char={a + n}",
              st.sampled_from(["1", "2", "3", "1-2", "x"]), st.sampled_from(["0", "1", "9", "_"]),
              st.integers(0, 10**12), st.integers(0, 3)),
    st.text(st.sampled_from(list("1\tab_=|#\x00")), max_size=30))


@PROPS
@given(lines=st.lists(CONLLU_LINE, max_size=12))
def test_any_conllu_gives_articles_or_one_error_and_small_texts(lines):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "any.conllu"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        got = list(conllu_items(path, max_bytes=10**6))
    size = len("\n".join(lines)) + 1
    for item in got:
        if isinstance(item, ArticleStatus):  # a bad file ends in one error
            assert item is got[-1] and item.message
        else:  # offsets cannot make a text out of proportion to the file
            assert len(item.text) <= max(1 << 16, 4 * (size + 100))
