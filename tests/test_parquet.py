"""Parquet output (quotetrack/io/parquet.py): schema, round trip, parts, and report/export on it."""
import pytest

pytest.importorskip("pyarrow")

from click.testing import CliRunner  # noqa: E402
from conftest import make_attribution, write_news  # noqa: E402

from quotetrack.cli import cli  # noqa: E402
from quotetrack.graph import build, load  # noqa: E402
from quotetrack.io import parquet  # noqa: E402
from quotetrack.io.writers import read_attributions  # noqa: E402
from quotetrack.pipeline import ExtractError, extract_files  # noqa: E402
from quotetrack.records import ArticleStatus, Span, Speaker  # noqa: E402


def status(aid, n=0, text_hash="h"):
    return ArticleStatus(aid, f"{aid}.txt", "ok", chars=10, attributions=n, text_hash=text_hash)


def test_rows_round_trip_every_field_including_the_target_actors():
    a = make_attribution("a1", "accuse", "Lena Varga", title="Foreign Minister", aff="Norland",
                         target="Ostland", date="2031-05-02")
    ta = Speaker("t1", "Ostland", "country", None, "Ostland", "name", "envoy", 3, 10)
    a = a.__class__(**{**a.__dict__, "target_actor": ta})
    floating = make_attribution("a1", "say", None, cue=None, content="x")
    floating = floating.__class__(**{**floating.__dict__, "cue": None, "source": None})
    empty_text = floating.__class__(**{**floating.__dict__, "content": Span("", 5, 5)})
    for rec in (a, floating, empty_text):
        row = parquet.attribution_row(rec)
        assert tuple(row) == parquet.ATTRIBUTION_COLUMNS
        assert parquet.attribution_from_row(row).to_dict() == rec.to_dict()
    # The CSV flattening drops the target actor's title/role/mention; the Parquet one keeps them.
    assert parquet.attribution_from_row(parquet.attribution_row(a)).target_actor == ta


def test_parts_newest_wins_orphans_are_ignored_and_compact_cleans_up(tmp_path):
    old = [make_attribution("a1", content="old"), make_attribution("a2", content="kept")]
    parquet.write_part(tmp_path, 1, [status("a1", 1), status("a2", 1)], old)
    new = [make_attribution("a1", content="new one")]
    parquet.write_part(tmp_path, 2, [status("a1", 1, "h2")], new)
    # An attributions part whose articles part never landed (killed between the renames).
    parquet._write_table(tmp_path / "attributions" / parquet.part_name(3),
                         [parquet.attribution_row(make_attribution("a2", content="orphan"))],
                         parquet.ATTRIBUTION_COLUMNS)
    contents = sorted(a.content.text for a in parquet.iter_attributions(tmp_path))
    assert contents == ["kept", "new one"]
    assert [(r.article_id, r.text_hash) for r in parquet.read_article_rows(tmp_path)] == \
        [("a2", "h"), ("a1", "h2")]
    assert parquet.compact(tmp_path) == 3  # orphan removed, part 1 rewritten in both datasets
    assert [n for n, _ in parquet.parts(tmp_path, "attributions")] == [1, 2]
    import pandas as pd

    table = pd.read_parquet(tmp_path / "attributions")  # plain readers now see each row once
    assert sorted(table["content_text"]) == ["kept", "new one"]
    assert list(table.columns) == list(parquet.ATTRIBUTION_COLUMNS)
    arts = pd.read_parquet(tmp_path / "articles")
    assert sorted(arts["article_id"]) == ["a1", "a2"] and str(arts["chars"].dtype) == "int64"


def test_a_damaged_part_is_one_clear_error(tmp_path):
    parquet.write_part(tmp_path, 1, [status("a1")], [])
    (tmp_path / "articles" / parquet.part_name(1)).write_bytes(b"not parquet at all")
    with pytest.raises(parquet.DatasetError, match="part-00000001.parquet: cannot be read"):
        list(parquet.read_article_rows(tmp_path))


def test_extract_to_parquet_holds_exactly_the_jsonl_results(tmp_path):
    src = write_news(tmp_path / "in", 5, jsonl=3)
    (src / "bad.txt").write_bytes(b"")  # an error row too
    extract_files([str(src)], tmp_path / "j")
    summary = extract_files([str(src)], tmp_path / "p", fmt="parquet")
    assert summary.ok == 8 and summary.errors == 1
    assert not (tmp_path / "p" / "attributions.jsonl").exists()
    want = [a.to_dict() for a in read_attributions(tmp_path / "j")]
    got = [a.to_dict() for a in parquet.iter_attributions(tmp_path / "p")]
    assert got == want and len(want) > 20
    rows = list(parquet.read_article_rows(tmp_path / "p"))
    assert [r.status for r in rows].count("error") == 1
    assert all(len(r.text_hash) == 16 for r in rows if r.status == "ok")
    # report and export read it as they read the JSONL folder.
    pj, pp = build(load([tmp_path / "j"])), build(load([tmp_path / "p"]))
    assert sorted(pp.graph.edges(keys=True)) == sorted(pj.graph.edges(keys=True))
    runner = CliRunner()
    rj = runner.invoke(cli, ["report", str(tmp_path / "j")])
    rp = runner.invoke(cli, ["report", str(tmp_path / "p")])
    assert rp.exit_code == 0 and rp.stdout == rj.stdout and "Varga" in rp.stdout
    ex = runner.invoke(cli, ["export", str(tmp_path / "p"), "--format", "csv", "-o",
                             str(tmp_path / "tables")])
    assert ex.exit_code == 0 and (tmp_path / "tables" / "edges.csv").is_file()


def test_a_plain_parquet_run_replaces_the_earlier_parts(tmp_path):
    src = write_news(tmp_path / "in", 4)
    extract_files([str(src)], tmp_path / "p", fmt="parquet")
    (src / "00.txt").unlink()
    extract_files([str(src)], tmp_path / "p", fmt="parquet")
    assert sorted(r.article_id for r in parquet.read_article_rows(tmp_path / "p")) == \
        ["01", "02", "03"]
    import pandas as pd

    assert set(pd.read_parquet(tmp_path / "p" / "attributions")["article_id"]) == {"01", "02", "03"}


def test_one_folder_holds_one_format(tmp_path):
    src = write_news(tmp_path / "in", 2)
    extract_files([str(src)], tmp_path / "out")
    with pytest.raises(ExtractError, match="holds jsonl results"):
        extract_files([str(src)], tmp_path / "out", fmt="parquet")
    result = CliRunner().invoke(cli, ["extract", str(src), "-o", "-", "--format", "parquet"])
    assert result.exit_code == 2 and "need an output folder" in result.stderr
