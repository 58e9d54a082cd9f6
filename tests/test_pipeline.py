"""pipeline: run (order, workers, the batched path, pre-annotated input, per-article
failures) and extract_files (one articles.csv row per input, warnings kept, counts)."""
import csv
import io
import json
import pickle
import subprocess
import sys

import pytest

from quotetrack import pipeline
from quotetrack.models import ModelsMissing
from quotetrack.nlp import Annotator, BuiltinAnnotator
from quotetrack.pipeline import Result, RunSummary, _run_batched, extract_files, run
from quotetrack.records import Article

TEXTS = [f"Minister {name} said the bridge at {place} would reopen in spring."
         for name, place in [("Ada Lind", "Skarvik"), ("Bo Hale", "Norrby"), ("Cy Moss", "Vetter"),
                             ("Di Rowe", "Lunden"), ("Ed Park", "Ostmark")]]


def articles():
    return [Article(f"a{i}", t) for i, t in enumerate(TEXTS)]


def test_two_workers_give_the_same_results_in_input_order():
    one = list(run(articles(), jobs=1))
    two = list(run(articles(), jobs=2))
    assert [r.article.article_id for r in two] == [f"a{i}" for i in range(len(TEXTS))]
    assert [r.attributions for r in one] == [r.attributions for r in two]
    assert all(r.attributions and r.error is None for r in one)


def test_workers_send_back_only_what_is_new_and_the_parent_rebuilds_the_result(monkeypatch):
    from quotetrack.extract import make_tagger

    monkeypatch.setattr(pipeline, "_WORKER_ANNOTATOR", BuiltinAnnotator())
    monkeypatch.setattr(pipeline, "_WORKER_TAGGER", make_tagger("crf"))
    article = articles()[0]
    sent_back, attributions, error = pipeline._worker_run(article)
    assert sent_back is None and error is None and attributions
    assert article.text.encode() not in pickle.dumps((sent_back, attributions, error))
    # An article extraction had to change (a lone surrogate) comes back whole.
    odd = Article("odd", TEXTS[1] + " \ud800")
    sent_back, _, _ = pipeline._worker_run(odd)
    assert sent_back is not None and sent_back.text == TEXTS[1] + " \ufffd"


def test_two_workers_give_each_result_its_own_article():
    items = articles()
    items[3] = Article("a3", TEXTS[3] + " \udfff")  # cleaned by the worker
    pre = BuiltinAnnotator().annotate_one(Article("pre", TEXTS[4]))
    one = list(run(items + [pre], jobs=1))
    two = list(run(items + [pre], jobs=2))
    assert [r.article for r in two] == [r.article for r in one]
    assert two[3].article.text.endswith("\ufffd") and two[5].article is pre.article
    assert all(r.article is a for r, a in zip(two, items) if r.article.article_id != "a3")
    assert [r.attributions for r in two] == [r.attributions for r in one]


def test_a_single_process_run_puts_the_garbage_collector_back_as_it_was():
    import gc

    before = gc.get_threshold(), gc.get_freeze_count()
    results = run(articles(), jobs=1)
    next(results)
    assert gc.get_threshold() == pipeline._GC_THRESHOLD  # tuned while it runs
    assert list(results)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_pre_annotated_items_skip_the_annotator_and_keep_their_place():
    docs = articles()
    pre = BuiltinAnnotator().annotate_one(docs[2])
    items = docs[:2] + [pre] + docs[3:]
    results = list(run(items, jobs=1))
    assert [r.article.article_id for r in results] == [a.article_id for a in docs]
    assert results[2].attributions == list(run([docs[2]]))[0].attributions


class _Exploding(BuiltinAnnotator):
    def annotate(self, articles):
        for a in articles:
            if a.article_id == "a1":
                raise ValueError("cannot tokenize this one")
            yield self.annotate_one(a)


def test_one_failing_article_is_an_error_result_and_the_rest_go_on():
    results = list(run(articles(), _Exploding(), jobs=1))
    assert [r.error is not None for r in results] == [False, True, False, False, False]
    assert isinstance(results[1], Result) and "cannot tokenize" in results[1].error


# --------------------------------------------------------------------------- the batched path
# Annotators other than the built-in one (Stanza) go through pipeline._run_batched. These fakes
# stand in for Stanza: they take whole batches, and real extraction runs on what they yield.


class _Batching(Annotator):
    """Annotates batches with the built-in tokenizer; records each batch; fails where told.

    Args:
        fail_on: Article ids whose annotation raises ValueError (after the documents before
            it in the batch were yielded, as a parser failing mid-batch would).
        drop: Article ids silently left out of the output.
        missing: Raise ModelsMissing on every call, as a Stanza whose models will not load.
    """

    name = "fake-batching"

    def __init__(self, fail_on=(), drop=(), missing=False):
        self.fail_on, self.drop, self.missing = set(fail_on), set(drop), missing
        self.batches = []
        self._builtin = BuiltinAnnotator()

    def annotate(self, articles):
        batch = list(articles)
        self.batches.append([a.article_id for a in batch])
        if self.missing:
            raise ModelsMissing("Stanza's English models are not installed; run quotetrack models download")
        for a in batch:
            if a.article_id in self.fail_on:
                raise ValueError(f"parser crashed on {a.article_id}")
            if a.article_id not in self.drop:
                yield self._builtin.annotate_one(a)


def builtin_results():
    return {r.article.article_id: r.attributions for r in run(articles(), jobs=1)}


def test_batched_path_feeds_batches_and_keeps_input_order():
    fake = _Batching()
    results = list(_run_batched(articles(), fake, batch_size=2))
    assert fake.batches == [["a0", "a1"], ["a2", "a3"], ["a4"]]
    assert [r.article.article_id for r in results] == [f"a{i}" for i in range(len(TEXTS))]
    assert all(r.error is None for r in results)
    expected = builtin_results()
    assert all(expected[r.article.article_id] and r.attributions == expected[r.article.article_id]
               for r in results)


def test_run_sends_other_annotators_to_the_batched_path_whatever_jobs_says():
    fake = _Batching()
    results = list(run(articles(), fake, jobs=4))
    assert fake.batches == [[f"a{i}" for i in range(len(TEXTS))]]  # one batch, this process
    assert [r.attributions for r in results] == list(builtin_results().values())


def test_a_failing_batch_is_retried_one_by_one_and_only_the_bad_article_fails():
    fake = _Batching(fail_on={"a1"})
    results = list(_run_batched(articles(), fake, batch_size=2))
    assert fake.batches == [["a0", "a1"], ["a0"], ["a1"], ["a2", "a3"], ["a4"]]
    assert [r.error is not None for r in results] == [False, True, False, False, False]
    assert results[1].error == "annotation failed: ValueError: parser crashed on a1"
    assert results[1].attributions == ()
    assert results[0].attributions == builtin_results()["a0"]


def test_an_annotator_losing_an_article_is_that_articles_error_not_a_shift():
    fake = _Batching(drop={"a2"})
    results = list(_run_batched(articles(), fake, batch_size=5))
    assert [r.article.article_id for r in results] == [f"a{i}" for i in range(len(TEXTS))]
    assert [r.error is not None for r in results] == [False, False, True, False, False]
    assert "returned 0 documents for 1 articles" in results[2].error
    expected = builtin_results()
    assert all(r.attributions == expected[r.article.article_id] for r in results if not r.error)


def test_models_missing_stops_the_run_at_once_instead_of_failing_each_article():
    fake = _Batching(missing=True)
    with pytest.raises(ModelsMissing, match="models download"):
        list(run(articles(), fake))
    assert len(fake.batches) == 1  # not retried article by article


def test_pre_annotated_items_split_the_batch_and_keep_their_place():
    docs = articles()
    items = docs[:3] + [BuiltinAnnotator().annotate_one(docs[3])] + docs[4:]
    fake = _Batching()
    results = list(_run_batched(items, fake, batch_size=2))
    assert fake.batches == [["a0", "a1"], ["a2"], ["a4"]]
    assert [r.article.article_id for r in results] == [a.article_id for a in docs]
    assert [r.attributions for r in results] == list(builtin_results().values())


def test_an_extraction_failure_is_that_articles_error(monkeypatch):
    real = pipeline.extract

    def flaky(doc, **kw):
        if doc.article.article_id == "a3":
            raise IndexError("token out of range")
        return real(doc, **kw)

    monkeypatch.setattr(pipeline, "extract", flaky)
    results = list(_run_batched(articles(), _Batching(), batch_size=2))
    assert [r.error for r in results][3] == "extraction failed: IndexError: token out of range"
    assert [r.error is None for r in results] == [True, True, True, False, True]


# --------------------------------------------------------------------------- extract_files
# Made-up articles; encoded as cp1252, the curly quotes become bytes 0x93/0x94, invalid in UTF-8.
CP1252 = "date 2031-05-02 Port\n\nThe harbour master said \u201cthe port will stay open\u201d all winter.\n"


def make_inputs(folder):
    folder.mkdir()
    (folder / "a_good.txt").write_text(TEXTS[0] + "\n", encoding="utf-8")
    (folder / "b_empty.txt").write_text("", encoding="utf-8")
    (folder / "c_latin.txt").write_bytes(CP1252.encode("cp1252"))
    (folder / "d_news.jsonl").write_text(
        json.dumps({"id": "n1", "text": TEXTS[1]}) + "\n{broken\n"
        + json.dumps({"id": "n2", "text": TEXTS[2]}) + "\n", encoding="utf-8")
    return folder


EXPECTED_ROWS = [("a_good", "ok"), ("b_empty", "error"), ("c_latin", "ok"), ("n1", "ok"),
                 ("d_news-2", "error"), ("n2", "ok")]


def read_rows(out):
    with open(out / "articles.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("jobs", [1, 2])
def test_extract_files_writes_one_row_per_input_in_input_order(tmp_path, jobs):
    src = make_inputs(tmp_path / "in")
    out = tmp_path / "out"
    seen = []
    summary = extract_files([str(src)], out, jobs=jobs,
                            on_progress=lambda status, so_far: seen.append((status, so_far)))
    rows = read_rows(out)
    assert [(r["article_id"], r["status"]) for r in rows] == EXPECTED_ROWS
    latin = rows[2]
    assert latin["message"] == "decoded as cp1252 (not valid UTF-8)"
    assert all(r["message"] == "" for r in rows if r["status"] == "ok" and r is not latin)
    assert "empty" in rows[1]["message"] and "not valid JSON" in rows[4]["message"]
    n_attr = len((out / "attributions.jsonl").read_text(encoding="utf-8").splitlines())
    assert n_attr == sum(int(r["attributions"]) for r in rows) > 0
    assert summary == RunSummary(str(out), ok=4, errors=2, attributions=n_attr, warnings=1)
    assert summary.articles == 6
    # One callback per row, in the same order, with running counts ending at the summary.
    assert [(s.article_id, s.status) for s, _ in seen] == EXPECTED_ROWS
    assert [so_far.articles for _, so_far in seen] == list(range(1, 7))
    assert seen[-1][1] == summary


def test_extract_files_keeps_a_warning_next_to_an_annotation_error(tmp_path):
    src = make_inputs(tmp_path / "in")
    fake = _Batching(fail_on={"c_latin"})
    summary = extract_files([str(src)], tmp_path / "out", annotator=fake)
    rows = {r["article_id"]: r for r in read_rows(tmp_path / "out")}
    assert rows["c_latin"]["status"] == "error"
    assert rows["c_latin"]["message"] == ("annotation failed: ValueError: parser crashed on c_latin; "
                                          "decoded as cp1252 (not valid UTF-8)")
    assert rows["n1"]["status"] == "ok" and int(rows["n1"]["attributions"]) > 0
    assert (summary.ok, summary.errors, summary.warnings) == (3, 3, 0)


def test_extract_files_streams_jsonl_when_output_is_dash(tmp_path):
    src = make_inputs(tmp_path / "in")
    stream = io.StringIO()
    summary = extract_files([str(src)], "-", stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines and len(lines) == summary.attributions
    assert {json.loads(line)["article_id"] for line in lines} <= {"a_good", "c_latin", "n1", "n2"}
    assert summary.output == "-" and summary.errors == 2


def test_extract_files_with_missing_models_raises_and_leaves_no_output_files(tmp_path):
    src = make_inputs(tmp_path / "in")
    out = tmp_path / "out"
    with pytest.raises(ModelsMissing):
        extract_files([str(src)], out, annotator=_Batching(missing=True))
    assert not out.exists() or list(out.iterdir()) == []  # not even temporary files


def test_the_library_prints_nothing_by_itself(tmp_path):
    # The package logger's NullHandler keeps logging's last-resort handler from printing
    # the cp1252 warning on stderr.
    (tmp_path / "latin.txt").write_bytes(CP1252.encode("cp1252"))
    code = ("from quotetrack.pipeline import extract_files\n"
            f"s = extract_files([{str(tmp_path / 'latin.txt')!r}], {str(tmp_path / 'out')!r})\n"
            "assert s.warnings == 1, s\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""
