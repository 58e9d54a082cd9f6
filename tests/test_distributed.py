"""Extraction on Dask (quotetrack/distributed.py): a small LocalCluster gives a local run's results."""
import json
import threading

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from click.testing import CliRunner  # noqa: E402
from conftest import news_text, write_news  # noqa: E402

from quotetrack import distributed as qd  # noqa: E402
from quotetrack import pipeline  # noqa: E402
from quotetrack.cli import cli  # noqa: E402
from quotetrack.io import parquet  # noqa: E402
from quotetrack.io.writers import read_attributions, read_csv_rows  # noqa: E402
from quotetrack.pipeline import extract_files  # noqa: E402


@pytest.fixture(scope="module")
def client():
    """Two single-threaded workers in this process: starts in about a second."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


def corpus(folder):
    src = write_news(folder, 7, jsonl=9)
    (src / "broken.txt").write_bytes(b"\x00\x01binary")
    with open(src / "more.csv", "w", encoding="utf-8", newline="") as f:
        f.write('id,title,text\n')
        for k in range(3):
            f.write(f'c{k},csv {k},"{news_text(200 + k)}"\n')
    # The same record ids in two files: a local run renames the second ones -2.
    for name in ("x.jsonl", "y.jsonl"):
        with open(src / name, "w", encoding="utf-8") as f:
            for k in range(2):
                f.write(json.dumps({"id": f"dup{k}", "text": news_text(300 + k)}) + "\n")
    return src


def rows(out):
    return [r.to_dict() for r in parquet.read_article_rows(out)]


def local_rows(out):
    out_rows = []
    for r in read_csv_rows(out / "articles.csv"):
        d = {k: (v if v != "" else None) for k, v in r.items()}
        d["chars"], d["attributions"] = int(d["chars"]), int(d["attributions"])
        d["message"], d["text_hash"] = d["message"] or "", d["text_hash"] or ""
        d["extractor"] = d["extractor"] or ""
        out_rows.append(d)
    return out_rows


def test_a_cluster_run_gives_exactly_the_local_results(tmp_path, client):
    src = corpus(tmp_path / "in")
    extract_files([str(src)], tmp_path / "local", jobs=1)
    # Tiny partitions and byte ranges, so that every path is taken: groups of files,
    # feed.jsonl cut into ranges whose record numbers must continue across the cuts.
    engine = qd.DaskEngine(client, files_per_partition=3, block_bytes=700, min_block_bytes=1)
    summary = extract_files([str(src)], tmp_path / "dask", fmt="parquet", engine=engine)
    local = [a.to_dict() for a in read_attributions(tmp_path / "local")]
    got = [a.to_dict() for a in parquet.iter_attributions(tmp_path / "dask")]
    assert got == local and len(local) > 50
    assert rows(tmp_path / "dask") == local_rows(tmp_path / "local")
    ids = [r["article_id"] for r in rows(tmp_path / "dask")]
    assert "feed-9" in ids and "dup0-2" in ids and "broken" in ids
    assert (summary.ok, summary.errors) == (7 + 9 + 3 + 4, 1)
    # One part per partition: committed as each completed.
    assert len(parquet.parts(tmp_path / "dask")) > 5


def test_byte_ranges_cut_at_line_ends_and_count_every_line(tmp_path, client):
    path = tmp_path / "big.jsonl"
    lines = [json.dumps({"text": news_text(k) * (1 + k % 3)}) for k in range(20)]
    path.write_text("\n".join(lines[:10]) + "\r\n" + "\n".join(lines[10:]) + "\n", encoding="utf-8")
    engine = qd.DaskEngine(client, block_bytes=1500, min_block_bytes=1)
    units = engine._ranges(str(path), "big", path.stat().st_size, client)
    assert len(units) > 3
    data = path.read_bytes()
    assert all(data[u.start - 1:u.start] == b"\n" for u in units[1:])
    assert [u.first_line for u in units][0] == 1
    got = [item.article_id for u in units for item, _ in qd._read_unit(u, 10 ** 6)]
    assert got == [f"big-{n}" for n in range(1, 21)]


def test_one_bad_article_fails_alone_on_the_cluster(tmp_path, client, monkeypatch):
    real = pipeline.extract

    def flaky(doc, **kw):  # the workers are threads of this process: the patch reaches them
        if doc.article.article_id == "03":
            raise IndexError("token out of range")
        return real(doc, **kw)

    monkeypatch.setattr(pipeline, "extract", flaky)
    src = write_news(tmp_path / "in", 6)
    summary = extract_files([str(src)], tmp_path / "out", fmt="parquet",
                            engine=qd.DaskEngine(client, files_per_partition=2))
    got = {r["article_id"]: r for r in rows(tmp_path / "out")}
    assert got["03"]["status"] == "error"
    assert got["03"]["message"] == "extraction failed: IndexError: token out of range"
    assert (summary.ok, summary.errors) == (5, 1) and got["02"]["attributions"] > 0


_REAL_RUN = qd.run_partition
_FAILS = {"left": 0, "always": ""}
_LOCK = threading.Lock()


def _flaky_partition(part, *args, **kw):
    """Fails the next `left` tasks, and always a partition holding the file named `always`."""
    with _LOCK:
        if _FAILS["left"]:
            _FAILS["left"] -= 1
            raise ConnectionError("worker lost its input share")
    if _FAILS["always"] and any(u.path.endswith(_FAILS["always"]) for u in part.units):
        raise ConnectionError("this partition kills its worker")
    return _REAL_RUN(part, *args, **kw)


def test_a_failed_task_is_retried_and_one_that_keeps_failing_gives_error_rows(tmp_path, client,
                                                                              monkeypatch):
    src = write_news(tmp_path / "in", 6)
    monkeypatch.setattr(qd, "run_partition", _flaky_partition)
    monkeypatch.setitem(_FAILS, "left", 2)  # fewer failures than retries: nothing is lost
    ok = extract_files([str(src)], tmp_path / "a", fmt="parquet",
                       engine=qd.DaskEngine(client, files_per_partition=2, retries=2))
    assert (ok.ok, ok.errors) == (6, 0) and _FAILS["left"] == 0
    monkeypatch.setitem(_FAILS, "always", "03.txt")
    bad = extract_files([str(src)], tmp_path / "b", fmt="parquet",
                        engine=qd.DaskEngine(client, files_per_partition=2, retries=1))
    assert (bad.ok, bad.errors) == (4, 2)
    got = {r["article_id"]: r for r in rows(tmp_path / "b")}
    assert got["02"]["status"] == got["03"]["status"] == "error"
    assert got["03"]["message"].startswith("worker failed: ConnectionError")
    assert got["04"]["status"] == "ok"


def test_append_on_the_cluster_skips_what_is_there(tmp_path, client):
    src = write_news(tmp_path / "in", 5)
    out = tmp_path / "out"
    extract_files([str(src)], out, fmt="parquet", engine=qd.DaskEngine(client))
    (src / "01.txt").write_text(news_text(1) + "\nA later paragraph.\n", encoding="utf-8")
    again = extract_files([str(src)], out, fmt="parquet", append=True, engine=qd.DaskEngine(client))
    assert (again.ok, again.skipped) == (1, 4)
    assert sorted(r["article_id"] for r in rows(out)) == ["00", "01", "02", "03", "04"]


def test_fsspec_urls_are_read_by_the_workers(tmp_path, client):
    src = write_news(tmp_path / "in", 3)
    extract_files([str(src)], tmp_path / "local")
    url = "file://" + str(src)  # any fsspec URL; file:// is the one every machine has
    memory = __import__("fsspec").filesystem("memory")
    for p in sorted(src.iterdir()):
        memory.pipe(f"/news/{p.name}", p.read_bytes())
    summary = extract_files(["memory://news/"], tmp_path / "mem", fmt="parquet",
                            engine=qd.DaskEngine(client))
    assert summary.ok == 3
    got = [a.to_dict() for a in parquet.iter_attributions(tmp_path / "mem")]
    assert got == [a.to_dict() for a in read_attributions(tmp_path / "local")]
    assert rows(tmp_path / "mem")[0]["path"] == "memory:///news/00.txt"
    assert qd.missing_inputs(["memory://nowhere/", url]) == ["memory://nowhere/"]


def test_bad_scheduler_addresses_are_one_line(tmp_path):
    src = write_news(tmp_path / "in", 1)
    runner = CliRunner()
    for address, words in (("local:x", "expected local:N"), ("nonsense", "expected tcp://HOST:PORT")):
        result = runner.invoke(cli, ["extract", str(src), "-o", str(tmp_path / "o"),
                                     "--scheduler", address])
        assert result.exit_code == 1 and words in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_cli_local_cluster_of_worker_processes(tmp_path):
    """`--scheduler local:1`: a real LocalCluster with a worker process, as users start it."""
    src = write_news(tmp_path / "in", 4)
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", str(src), "-o", str(tmp_path / "d"), "--format",
                                 "parquet", "--scheduler", "local:1", "--tagger", "crf"])
    assert result.exit_code == 0, result.stderr
    assert "4 articles read" in result.stderr
    extract_files([str(src)], tmp_path / "l")
    assert [a.to_dict() for a in parquet.iter_attributions(tmp_path / "d")] == \
        [a.to_dict() for a in read_attributions(tmp_path / "l")]


def test_cli_on_a_running_cluster_by_its_tcp_address(tmp_path):
    """`--scheduler tcp://HOST:PORT`, as with `dask scheduler` + `dask worker` elsewhere."""
    src = write_news(tmp_path / "in", 3, jsonl=2)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp://", dashboard_address=":0") as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        result = CliRunner().invoke(cli, ["extract", str(src), "-o", str(tmp_path / "d"),
                                          "--format", "parquet", "--scheduler", address,
                                          "--tagger", "crf"])
    assert result.exit_code == 0, result.stderr
    assert "5 articles read" in result.stderr
    extract_files([str(src)], tmp_path / "l")
    assert [a.to_dict() for a in parquet.iter_attributions(tmp_path / "d")] == \
        [a.to_dict() for a in read_attributions(tmp_path / "l")]
