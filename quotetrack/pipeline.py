"""Articles -> annotated text -> attributions, streamed, optionally on several cores.

The extraction itself is a generator over articles; this module wraps it with an
annotator choice and parallelism (:func:`run`), turns a failure on one article into a
status line instead of a crashed batch, and runs a whole batch from input files to an
output folder (:func:`extract_files`, what ``quotetrack extract`` calls).
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from dataclasses import dataclass, replace
from typing import (IO, Callable, Deque, Iterable, Iterator, List, Optional, Sequence, Tuple,
                    Union)

from .doc import AnnotatedArticle
from .extract import extract
from .io.readers import DEFAULT_MAX_BYTES, article_status, read_inputs
from .io.writers import PathLike, open_output
from .models import ModelsMissing
from .nlp import Annotator, BuiltinAnnotator
from .records import Article, ArticleStatus, Attribution

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    """The outcome for one article: its attributions, or the error that stopped it."""

    article: Article
    attributions: Tuple[Attribution, ...] = ()
    error: Optional[str] = None


def _extract_doc(doc: AnnotatedArticle) -> Result:
    """Attributions of one annotated article; a failure is this article's error, not the batch's."""
    try:
        return Result(doc.article, tuple(extract(doc)))
    except Exception as exc:
        log.debug("extraction failed on %s", doc.article.article_id, exc_info=True)
        return Result(doc.article, error=f"extraction failed: {type(exc).__name__}: {exc}")


def _extract_one(annotator: Annotator, item: Union[Article, AnnotatedArticle]) -> Result:
    if isinstance(item, AnnotatedArticle):  # pre-annotated input (CoNLL-U) skips the annotator
        return _extract_doc(item)
    try:
        doc = next(iter(annotator.annotate([item])))
    except Exception as exc:  # one bad article must not stop the batch
        return Result(item, error=f"annotation failed: {type(exc).__name__}: {exc}")
    return _extract_doc(doc)


# Worker-process state: one annotator per process, built once.
_WORKER_ANNOTATOR: Optional[Annotator] = None


def _worker_init(ner: bool = True) -> None:
    global _WORKER_ANNOTATOR
    _WORKER_ANNOTATOR = BuiltinAnnotator(ner=ner)


def _worker_run(article: Union[Article, AnnotatedArticle]) -> Result:
    return _extract_one(_WORKER_ANNOTATOR, article)


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def run(articles: Iterable[Union[Article, AnnotatedArticle]], annotator: Optional[Annotator] = None, *,
        jobs: int = 1) -> Iterator[Result]:
    """Extract attributions from each article, yielding results in input order.

    Items that are already :class:`AnnotatedArticle` (CoNLL-U input) skip annotation.

    The built-in annotator runs in ``jobs`` processes; Stanza runs in this process with
    its own batching (``bulk_process``), since torch already uses every core.
    """
    annotator = annotator or BuiltinAnnotator()
    if isinstance(annotator, BuiltinAnnotator) and jobs > 1:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
        # the workers build the same annotator (the parent already checked its model exists)
        with ctx.Pool(jobs, initializer=_worker_init, initargs=(annotator.ner,)) as pool:
            # imap keeps order and streams: memory stays flat in corpus size.
            yield from pool.imap(_worker_run, articles, chunksize=8)
        return
    if isinstance(annotator, BuiltinAnnotator):
        for article in articles:
            yield _extract_one(annotator, article)
        return
    yield from _run_batched(articles, annotator)


def _run_batched(items: Iterable[Union[Article, AnnotatedArticle]], annotator: Annotator,
                 batch_size: int = 64) -> Iterator[Result]:
    """Annotators that batch internally (Stanza): feed them lists of articles.

    Sequential on purpose: with a thread parsing one batch ahead while this one extracted,
    600 BBC articles took 1.77x Stanza's own time (torch already uses both cores); this
    loop took 1.20x.
    """
    def flush(batch: List[Article]) -> Iterator[Result]:
        try:
            docs = list(annotator.annotate(batch))
            if len(docs) != len(batch):  # results are matched to inputs by position
                raise RuntimeError(f"the annotator returned {len(docs)} documents for "
                                   f"{len(batch)} articles")
        except ModelsMissing:
            raise  # no batch can succeed: one error for the run, not one per article
        except Exception as exc:  # the annotator failed on this batch: retry one by one
            if len(batch) == 1:
                yield Result(batch[0], error=f"annotation failed: {type(exc).__name__}: {exc}")
                return
            log.debug("annotating a batch of %d failed (%s: %s); retrying one by one",
                      len(batch), type(exc).__name__, exc)
            for a in batch:
                yield from flush([a])
            return
        for doc in docs:
            yield _extract_doc(doc)

    batch: List[Article] = []
    for item in items:
        if isinstance(item, AnnotatedArticle):  # pre-annotated: keep order, skip the annotator
            yield from flush(batch) if batch else ()
            batch = []
            yield _extract_doc(item)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


def extract_text(text: str, *, article_id: str = "text", annotator: Optional[Annotator] = None) -> List[Attribution]:
    """Convenience: attributions of one text (no header or boilerplate handling)."""
    res = _extract_one(annotator or BuiltinAnnotator(), Article(article_id, text))
    if res.error:
        raise RuntimeError(res.error)
    return list(res.attributions)


@dataclass(frozen=True)
class RunSummary:
    """What :func:`extract_files` did: the counts behind ``quotetrack extract``'s last line.

    Attributes:
        output: The output folder, or ``"-"`` for a JSON Lines stream.
        ok: Articles read and extracted (``status=ok`` rows of ``articles.csv``).
        errors: Files, records and articles that failed (``status=error`` rows).
        attributions: Attributions written.
        warnings: ``ok`` articles whose row carries a warning (e.g. the encoding guessed).
    """

    output: str
    ok: int = 0
    errors: int = 0
    attributions: int = 0
    warnings: int = 0

    @property
    def articles(self) -> int:
        """Rows of ``articles.csv``: every input article or record, read or not."""
        return self.ok + self.errors

    def to_dict(self) -> dict:
        return {"output": self.output, "ok": self.ok, "errors": self.errors,
                "attributions": self.attributions, "warnings": self.warnings}


#: Called after each row of ``articles.csv`` is written, with that row and the counts so far.
ProgressCallback = Callable[[ArticleStatus, RunSummary], None]


def extract_files(inputs: Sequence[str], output: PathLike, *,
                  annotator: Optional[Annotator] = None, jobs: int = 1,
                  max_bytes: int = DEFAULT_MAX_BYTES, stdin: Optional[IO] = None,
                  stream: Optional[IO[str]] = None,
                  on_progress: Optional[ProgressCallback] = None) -> RunSummary:
    """Read articles, extract their attributions and write an output folder.

    The library side of ``quotetrack extract``. Every input file or record gets one row in
    ``articles.csv``, in input order: ``status=ok`` with its attribution count and any
    reading warning in ``message`` (``"decoded as cp1252 (not valid UTF-8)"``), or
    ``status=error`` with the reason it was skipped. A bad file or article never stops the
    batch. The files are renamed into place only when the run completes (see
    :class:`~quotetrack.io.writers.ExtractOutput`).

    Args:
        inputs: Files, folders, globs or ``"-"`` (see :func:`~quotetrack.io.readers.read_inputs`).
        output: The output folder, or ``"-"`` to stream attributions as JSON Lines to
            ``stream``.
        annotator: The annotator; the built-in one when None.
        jobs: Worker processes for the built-in annotator; 0 means one per core (at most 8).
        max_bytes: Size limit per file and per JSONL/CSV record.
        stdin: The stream read for ``"-"`` inputs (``sys.stdin`` by default).
        stream: Where ``output="-"`` writes (``sys.stdout`` by default).
        on_progress: Called after each ``articles.csv`` row with that
            :class:`~quotetrack.records.ArticleStatus` and the :class:`RunSummary` so far;
            the way to report errors or show progress as they happen.

    Returns:
        The run's counts.

    Raises:
        ModelsMissing: The annotator cannot run at all (e.g. its models failed to load);
            nothing is left under the output file names.
        OSError: The output cannot be written (``BrokenPipeError`` when the reader of a
            ``"-"`` stream went away).

    Example:
        >>> summary = extract_files(["news/"], "out")  # doctest: +SKIP
        >>> summary.ok, summary.errors, summary.attributions  # doctest: +SKIP
        (118, 2, 941)
    """
    annotator = annotator or BuiltinAnnotator()
    jobs = jobs or default_jobs()
    output = str(output)
    log.info("extracting with the %s annotator%s", annotator.name,
             f", {jobs} worker processes" if isinstance(annotator, BuiltinAnnotator) and jobs > 1
             else "")
    # One entry per input item, in input order: an unreadable item's error row, or the
    # warning for a readable article whose result is still to come. `run` yields results in
    # input order, so the front entries are always the rows due next. With worker processes
    # the pool reads `readable()` from its own thread; deque appends and pops are atomic.
    pending: Deque[Union[ArticleStatus, str]] = deque()

    def readable() -> Iterator[Union[Article, AnnotatedArticle]]:
        warnings: dict = {}
        for item in read_inputs(list(inputs), max_bytes=max_bytes, stdin=stdin,
                                warnings=warnings):
            if isinstance(item, ArticleStatus):
                pending.append(item)
                continue
            article = item.article if isinstance(item, AnnotatedArticle) else item
            pending.append(warnings.pop(article.article_id, ""))
            yield item

    counts = {"ok": 0, "errors": 0, "attributions": 0, "warnings": 0}

    def write(out, status: ArticleStatus, attributions: Sequence[Attribution] = ()) -> None:
        n = out.add(status, attributions)
        if status.status == "error":
            counts["errors"] += 1
        else:
            counts["ok"] += 1
            counts["warnings"] += bool(status.message)
            log.debug("%s: %d attributions", status.article_id, n)
        counts["attributions"] += n
        if on_progress is not None:
            on_progress(status, RunSummary(output, **counts))

    def write_unreadable(out) -> None:
        while pending and isinstance(pending[0], ArticleStatus):
            write(out, pending.popleft())

    with open_output(output, stdout=stream) as out, \
            contextlib.closing(run(readable(), annotator, jobs=jobs)) as results:
        for res in results:
            write_unreadable(out)
            warning = pending.popleft()
            status = article_status(res.article, message=warning)
            if res.error:
                message = f"{res.error}; {warning}" if warning else res.error
                status = replace(status, status="error", message=message)
            write(out, status, res.attributions)
        write_unreadable(out)
    return RunSummary(output, **counts)
