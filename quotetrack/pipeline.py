"""Articles -> annotated text -> attributions, streamed, optionally on several cores.

The extraction itself is a generator over articles; this module wraps it with an
annotator choice and parallelism (:func:`run`), turns a failure on one article into a
status line instead of a crashed batch, and runs a whole batch from input files to an
output folder (:func:`extract_files`, what ``quotetrack extract`` calls).

A run into an output folder takes a lock there (:data:`LOCK_NAME`, see :class:`OutputBusy`),
removes the temporary files an earlier run killed outright left behind, never reads its
own output folder as input, and never replaces earlier results when it read nothing (see
:class:`NothingRead`) or when inputs were missing and it read fewer articles than the
previous run (see :class:`InputsMissing`). :func:`sigterm_aborts` turns SIGTERM into a
clean abort that removes the temporary files.
"""
from __future__ import annotations

import contextlib
import csv
import gc
import glob
import logging
import os
import signal
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import (IO, Callable, Deque, Iterable, Iterator, List, Optional, Sequence, Tuple,
                    Union)

from .doc import AnnotatedArticle
from .extract import extract, make_tagger, tagger_kind
from .io.readers import DEFAULT_MAX_BYTES, article_status, missing_inputs, read_inputs
from .io.writers import (ARTICLES_CSV, ATTRIBUTIONS_CSV, ATTRIBUTIONS_JSONL, PathLike,
                         open_output, read_csv_rows)
from .models import ModelsMissing
from .nlp import Annotator, BuiltinAnnotator
from .records import Article, ArticleStatus, Attribution, text_hash

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    """The outcome for one article: its attributions, or the error that stopped it."""

    article: Article
    attributions: Tuple[Attribution, ...] = ()
    error: Optional[str] = None


def _extract_doc(doc: AnnotatedArticle, tagger=None) -> Result:
    """Attributions of one annotated article; a failure is this article's error, not the batch's."""
    try:
        return Result(doc.article, tuple(extract(doc, tagger=tagger)))
    except Exception as exc:
        log.debug("extraction failed on %s", doc.article.article_id, exc_info=True)
        return Result(doc.article, error=f"extraction failed: {type(exc).__name__}: {exc}")


def _extract_one(annotator: Annotator, item: Union[Article, AnnotatedArticle], tagger=None) -> Result:
    if isinstance(item, AnnotatedArticle):  # pre-annotated input (CoNLL-U) skips the annotator
        return _extract_doc(item, tagger)
    try:
        doc = next(iter(annotator.annotate([item])))
    except Exception as exc:  # one bad article must not stop the batch
        return Result(item, error=f"annotation failed: {type(exc).__name__}: {exc}")
    return _extract_doc(doc, tagger)


# Worker-process state: one annotator per process, built once.
_WORKER_ANNOTATOR: Optional[Annotator] = None
_WORKER_TAGGER = None


# The garbage collector during extraction: an article makes some hundred thousand short-lived
# objects (tokens, feature tuples) and few cycles, so a young collection every 700
# allocations, each also walking the loaded models and the word caches in older
# generations, cost 3-4% of the CPU. With the models frozen out of the collector's sight
# and a larger first generation it costs under 1%. Memory stays flat: cycles are still
# collected, only less often.
_GC_THRESHOLD = (20000, 20, 100)


def _load_entity_model(annotator: Annotator) -> None:
    """Load the entity model now (extraction loads it lazily): to freeze it, or to share it
    with forked workers."""
    if isinstance(annotator, BuiltinAnnotator) and annotator.ner:
        from .nlp.ner import default_recognizer

        default_recognizer()


@contextlib.contextmanager
def _extraction_gc() -> Iterator[None]:
    """The collector tuned for extraction (see :data:`_GC_THRESHOLD`) while the block runs:
    what exists now (the loaded models) is frozen, and all is put back as it was after.
    A caller that froze objects itself keeps them frozen and its thresholds are restored."""
    old = gc.get_threshold()
    froze = gc.isenabled() and gc.get_freeze_count() == 0
    if froze:
        gc.freeze()
    gc.set_threshold(*_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if froze:
            gc.unfreeze()


def _worker_init(ner: bool = True, tagger: str = "crf", threads: int = 1) -> None:
    global _WORKER_ANNOTATOR, _WORKER_TAGGER
    # A forked worker inherits the parent's SIGTERM handler (sigterm_aborts); the pool
    # stops its workers with SIGTERM, which must simply end them.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER_ANNOTATOR = BuiltinAnnotator(ner=ner)
    _WORKER_TAGGER = make_tagger(tagger, threads=threads)
    _load_entity_model(_WORKER_ANNOTATOR)  # (loaded already when forked from run())
    # The worker does nothing but extract until the pool ends it: tune for good.
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLD)


#: What a worker sends back for one item: the article only when extraction replaced it
#: (lone surrogates cleaned; None: the one the parent sent), the attributions, the error.
_WorkerResult = Tuple[Optional[Article], Tuple[Attribution, ...], Optional[str]]


def _worker_run(item: Union[Article, AnnotatedArticle]) -> _WorkerResult:
    res = _extract_one(_WORKER_ANNOTATOR, item, _WORKER_TAGGER)
    sent = item.article if isinstance(item, AnnotatedArticle) else item
    # The parent holds the article it sent: sending its text back would only cost pickling.
    return (None if res.article is sent else res.article), res.attributions, res.error


def _run_workers(pool, items: Iterable[Union[Article, AnnotatedArticle]]) -> Iterator[Result]:
    """Results from the pool, rebuilt with the articles this process sent (imap keeps order)."""
    sent: Deque[Article] = deque()

    def feed() -> Iterator[Union[Article, AnnotatedArticle]]:
        for item in items:  # read by the pool's task thread: deque appends are atomic
            sent.append(item.article if isinstance(item, AnnotatedArticle) else item)
            yield item

    # imap keeps order and streams: memory stays flat in corpus size.
    for article, attributions, error in pool.imap(_worker_run, feed(), chunksize=8):
        original = sent.popleft()
        yield Result(original if article is None else article, attributions, error)


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def run(articles: Iterable[Union[Article, AnnotatedArticle]], annotator: Optional[Annotator] = None, *,
        jobs: int = 1, tagger: str = "crf") -> Iterator[Result]:
    """Extract attributions from each article, yielding results in input order.

    Items that are already :class:`AnnotatedArticle` (CoNLL-U input) skip annotation.

    The built-in annotator runs in ``jobs`` processes; Stanza runs in this process with
    its own batching (``bulk_process``), since torch already uses every core.

    ``tagger`` names the span tagger (``crf``, ``neural`` or ``auto``, see
    :func:`~quotetrack.extract.make_tagger`); each worker process loads its own, with
    torch's threads shared out among the workers.
    """
    annotator = annotator or BuiltinAnnotator()
    tagger = tagger_kind(tagger)
    if isinstance(annotator, BuiltinAnnotator) and jobs > 1:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
        # the workers build the same annotator (the parent already checked its model exists)
        threads = max(1, default_jobs() // jobs)
        if tagger == "crf":  # loaded once here, shared by the forked workers (not torch: threads)
            make_tagger(tagger)
            _load_entity_model(annotator)
        with ctx.Pool(jobs, initializer=_worker_init, initargs=(annotator.ner, tagger, threads)) as pool:
            yield from _run_workers(pool, articles)
        return
    tagger_obj = make_tagger(tagger)
    if isinstance(annotator, BuiltinAnnotator):
        _load_entity_model(annotator)
        with _extraction_gc():
            for article in articles:
                yield _extract_one(annotator, article, tagger_obj)
        return
    yield from _run_batched(articles, annotator, tagger=tagger_obj)


def _run_batched(items: Iterable[Union[Article, AnnotatedArticle]], annotator: Annotator,
                 batch_size: int = 64, tagger=None) -> Iterator[Result]:
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
            yield _extract_doc(doc, tagger)

    batch: List[Article] = []
    for item in items:
        if isinstance(item, AnnotatedArticle):  # pre-annotated: keep order, skip the annotator
            yield from flush(batch) if batch else ()
            batch = []
            yield _extract_doc(item, tagger)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


def extract_text(text: str, *, article_id: str = "text", annotator: Optional[Annotator] = None,
                 tagger: str = "crf") -> List[Attribution]:
    """Convenience: attributions of one text (no header or boilerplate handling)."""
    res = _extract_one(annotator or BuiltinAnnotator(), Article(article_id, text), make_tagger(tagger))
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
        missing: Inputs that named nothing (no such path, a glob matching nothing); each
            also has an error row.
        skipped: Articles ``--append`` found already in the output folder, unchanged (same
            id, same text hash): read, not extracted, no new row.
    """

    output: str
    ok: int = 0
    errors: int = 0
    attributions: int = 0
    warnings: int = 0
    missing: Tuple[str, ...] = ()
    skipped: int = 0

    @property
    def articles(self) -> int:
        """Rows of ``articles.csv``: every input article or record, read or not."""
        return self.ok + self.errors

    def to_dict(self) -> dict:
        return {"output": self.output, "ok": self.ok, "errors": self.errors,
                "attributions": self.attributions, "warnings": self.warnings,
                "missing": list(self.missing), "skipped": self.skipped}


#: Called after each row of ``articles.csv`` is written, with that row and the counts so far;
#: with ``append``, also for each article skipped as unchanged (``status="skipped"``, no row).
ProgressCallback = Callable[[ArticleStatus, RunSummary], None]


@dataclass(frozen=True)
class Extracted:
    """One read article's outcome as an engine hands it over: its ``ok`` row (message not
    yet set), its attributions, the error that stopped it, and the reading warning."""

    status: ArticleStatus
    attributions: Tuple[Attribution, ...] = ()
    error: Optional[str] = None
    warning: str = ""

    @classmethod
    def of(cls, res: Result, warning: str = "") -> "Extracted":
        return cls(article_status(res.article), res.attributions, res.error, warning)

    def row(self) -> ArticleStatus:
        """The ``articles.csv`` row: the warning in ``message``, after the error if any."""
        if self.error:
            message = f"{self.error}; {self.warning}" if self.warning else self.error
            return replace(self.status, status="error", message=message)
        return replace(self.status, message=self.warning)


@dataclass(frozen=True)
class Skipped:
    """An article ``--append`` skipped: the output folder holds it with the same text hash."""

    article_id: str


#: What an engine yields, in input order: an unreadable input's error row, an article's
#: outcome, or a skipped article.
EngineItem = Union[ArticleStatus, Extracted, Skipped]


class LocalEngine:
    """Read the inputs here; extract in this process or in ``jobs`` local processes (:func:`run`).

    The engine interface (see :class:`quotetrack.distributed.DaskEngine` for the other one):
    :meth:`batches` yields lists of :data:`EngineItem` in input order; :attr:`read` counts
    the articles read, :attr:`flush_batches` says whether each list is a partition whose
    results should be committed together.
    """

    flush_batches = False

    def __init__(self, jobs: int = 1):
        self.jobs = jobs
        self.read = 0

    def describe(self, annotator: Annotator) -> str:
        many = isinstance(annotator, BuiltinAnnotator) and self.jobs > 1
        return f", {self.jobs} worker processes" if many else ""

    def batches(self, inputs: Sequence[str], annotator: Annotator, *, tagger: str = "crf",
                max_bytes: int = DEFAULT_MAX_BYTES, stdin: Optional[IO] = None,
                exclude: Sequence[str] = (), done: Optional[dict] = None
                ) -> Iterator[List[EngineItem]]:
        # One entry per input item, in input order: an unreadable item's error row, the
        # warning for a readable article whose result is still to come, or a skipped
        # article. `run` yields results in input order, so the front entries are always the
        # items due next. With worker processes the pool reads `readable()` from its own
        # thread; deque appends and pops are atomic.
        pending: Deque[Union[ArticleStatus, Skipped, str]] = deque()

        def readable() -> Iterator[Union[Article, AnnotatedArticle]]:
            warnings: dict = {}
            for item in read_inputs(inputs, max_bytes=max_bytes, stdin=stdin,
                                    warnings=warnings, exclude=exclude):
                if isinstance(item, ArticleStatus):
                    pending.append(item)
                    continue
                article = item.article if isinstance(item, AnnotatedArticle) else item
                self.read += 1
                if done and done.get(article.article_id) == text_hash(article.text):
                    warnings.pop(article.article_id, None)
                    pending.append(Skipped(article.article_id))
                    continue
                pending.append(warnings.pop(article.article_id, ""))
                yield item

        def ready() -> Iterator[List[EngineItem]]:
            while pending and not isinstance(pending[0], str):
                yield [pending.popleft()]

        with contextlib.closing(run(readable(), annotator, jobs=self.jobs,
                                    tagger=tagger)) as results:
            for res in results:
                yield from ready()
                yield [Extracted.of(res, pending.popleft())]
            yield from ready()


class ExtractError(Exception):
    """A run that could not go ahead; the message is one line, and no output was replaced."""


class NothingRead(ExtractError):
    """No input yielded a readable article (all missing, empty or unreadable).

    The run writes nothing: an existing output folder keeps the previous run's files.
    """


class InputsMissing(ExtractError):
    """Some inputs named nothing and the run read fewer articles than the output folder holds.

    Replacing the previous results with fewer because of a mistyped path would lose them
    without a word; the run keeps them and names the missing inputs instead.
    """


class OutputBusy(ExtractError):
    """Another run is writing the same output folder (it holds :data:`LOCK_NAME`)."""


class Terminated(BaseException):
    """SIGTERM, raised by :func:`sigterm_aborts` so that the run unwinds and cleans up.

    A :class:`BaseException`, like :class:`KeyboardInterrupt`: the per-article ``except
    Exception`` handlers must not take it for one article's failure.
    """


#: The lock file in an output folder while a run writes it: ``pid host start-time``.
LOCK_NAME = ".quotetrack.lock"
# An unreadable lock this young may be one a run is still writing.
_LOCK_GRACE_S = 10.0


@contextlib.contextmanager
def sigterm_aborts() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` instead of killing the process.

    The exception unwinds like Ctrl-C: temporary output files are removed, the lock is
    released and an existing output folder keeps its files. Only the main thread can set
    signal handlers; elsewhere this does nothing. The library never installs it by itself
    (``quotetrack extract`` does).

    Example:
        >>> with sigterm_aborts():  # doctest: +SKIP
        ...     extract_files(["news/"], "out")
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pid = os.getpid()

    def handler(signum, frame):
        if os.getpid() != pid:  # a forked child that kept the handler: die as usual
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(f"terminated by signal {signum}")

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or ``""``: a pid reused
    by another process since the lock was written then does not look like its owner."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            # Field 22; the command name (field 2) may hold spaces, so count after its ")".
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True  # cannot tell: do not break a lock that may be live
    return True


class _OutputLock:
    """``OUTDIR/.quotetrack.lock``, created with O_EXCL: one run per output folder.

    A lock whose process is gone (killed outright, the machine restarted) is stale and is
    taken over. Two runs that find the same stale lock at the same instant may both
    proceed; that needs a crash and two simultaneous starts.
    """

    def __init__(self, outdir: Path):
        self.path = outdir / LOCK_NAME
        self.token = f"{os.getpid()} {socket.gethostname()} {_start_time(os.getpid())}".strip()

    def acquire(self) -> None:
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                owner = self._live_owner()
                if owner:
                    raise OutputBusy(
                        f"{self.path.parent} is being written by another quotetrack run "
                        f"({owner}); wait for it to finish, or delete {self.path} if no "
                        "such run is going") from None
                log.info("%s: removing a stale lock", self.path)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.token + "\n")
            return
        raise OutputBusy(f"{self.path.parent}: cannot take the lock {self.path}; another "
                         "run keeps taking it")

    def _live_owner(self) -> str:
        """Who holds the lock (``"pid 123 on host"``), or ``""`` when it is stale."""
        try:
            content = self.path.read_text(encoding="utf-8", errors="replace").split()
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return ""  # released meanwhile
        except OSError:
            return "a run whose lock cannot be read"
        try:
            pid, host = int(content[0]), content[1]
        except (IndexError, ValueError):
            # Being written right now, or garbage left by a crash.
            return "a run that is starting" if age < _LOCK_GRACE_S else ""
        start = content[2] if len(content) > 2 else ""
        if host != socket.gethostname():
            return f"pid {pid} on {host}"  # cannot check another machine's processes
        if not _alive(pid) or (start and _start_time(pid) not in ("", start)):
            return ""
        return f"pid {pid}"

    def release(self) -> None:
        try:
            if self.path.read_text(encoding="utf-8").strip() == self.token:
                os.unlink(self.path)
        except OSError:
            pass


def _remove_stale_temps(outdir: Path) -> None:
    """Delete temporary files of the run's outputs left by a run killed outright.

    Only called while holding the lock, so no other run is writing them. The names are
    those :func:`~quotetrack.io.writers.atomic_write` gives: ``.NAME.XXXXXXXX.tmp``.
    """
    from .incremental import remove_stale_temps

    remove_stale_temps(outdir)  # of journal chunks and Parquet parts
    for name in (ATTRIBUTIONS_JSONL, ATTRIBUTIONS_CSV, ARTICLES_CSV):
        for tmp in glob.glob(os.path.join(glob.escape(str(outdir)), f".{glob.escape(name)}.*.tmp")):
            try:
                os.unlink(tmp)
                log.info("%s: removed a temporary file left by an interrupted run", tmp)
            except OSError as exc:
                log.warning("%s: cannot remove a stale temporary file (%s)", tmp, exc)


def _previous_ok(outdir: Path) -> Optional[int]:
    """``status=ok`` rows in the folder's ``articles.csv``; None when there is none.

    An unreadable ``articles.csv`` counts as holding more than any run reads, so that a
    run with missing inputs does not replace it.
    """
    path = outdir / ARTICLES_CSV
    if not path.is_file():
        from .io import parquet

        if not parquet.is_dataset(outdir):
            return None
        try:
            return sum(r.status == "ok" for r in parquet.read_article_rows(outdir))
        except parquet.DatasetError:
            return 1 << 62
    try:
        return sum(row.get("status") == "ok" for row in read_csv_rows(path))
    except (OSError, UnicodeDecodeError, csv.Error):
        return 1 << 62


def _names(paths: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def extract_files(inputs: Sequence[str], output: PathLike, *,
                  annotator: Optional[Annotator] = None, jobs: int = 1,
                  max_bytes: int = DEFAULT_MAX_BYTES, stdin: Optional[IO] = None,
                  stream: Optional[IO[str]] = None,
                  on_progress: Optional[ProgressCallback] = None, tagger: str = "crf",
                  fmt: str = "jsonl", append: bool = False, engine=None) -> RunSummary:
    """Read articles, extract their attributions and write an output folder.

    The library side of ``quotetrack extract``. Every input file or record gets one row in
    ``articles.csv``, in input order: ``status=ok`` with its attribution count and any
    reading warning in ``message`` (``"decoded as cp1252 (not valid UTF-8)"``), or
    ``status=error`` with the reason it was skipped. A bad file or article never stops the
    batch. The files are renamed into place only when the run completes (see
    :class:`~quotetrack.io.writers.ExtractOutput`).

    The output folder is locked while the run writes it (:data:`LOCK_NAME`), temporary files
    left by a killed run are removed first, and files under the output folder are never
    read as inputs. A run raises instead of replacing the folder's files when it read no
    article at all, or when some inputs name nothing and it read fewer articles than the
    folder holds: a mistyped path never wipes earlier results.

    Args:
        inputs: Files, folders, globs or ``"-"`` (see :func:`~quotetrack.io.readers.read_inputs`).
        output: The output folder, or ``"-"`` to stream attributions as JSON Lines to
            ``stream``.
        annotator: The annotator; the built-in one when None.
        jobs: Worker processes for the built-in annotator; 0 means one per core (at most 8).
        max_bytes: Size limit per file and per JSONL/CSV record.
        stdin: The stream read for ``"-"`` inputs (``sys.stdin`` by default).
        stream: Where ``output="-"`` writes (``sys.stdout`` by default).
        tagger: The span tagger: ``crf`` (fast), ``neural`` (accurate) or ``auto`` (neural
            when its model and torch are installed).
        on_progress: Called after each ``articles.csv`` row with that
            :class:`~quotetrack.records.ArticleStatus` and the :class:`RunSummary` so far;
            the way to report errors or show progress as they happen.
        fmt: ``"jsonl"`` (``attributions.jsonl``, ``attributions.csv``, ``articles.csv``) or
            ``"parquet"`` (datasets ``attributions/`` and ``articles/``, see
            :mod:`quotetrack.io.parquet`). A folder holds one format.
        append: Keep the folder's results and add to them: articles already there with the
            same id and text hash are skipped, changed ones re-extracted and replaced, and
            the chunks an interrupted run committed are kept (see :mod:`quotetrack.incremental`).
        engine: Where extraction runs: a :class:`LocalEngine` (the default, ``jobs``
            processes) or a :class:`quotetrack.distributed.DaskEngine`.

    Returns:
        The run's counts.

    Raises:
        NothingRead: No input yielded a readable article; nothing was written.
        InputsMissing: Inputs named nothing and fewer articles were read than the output
            folder holds; it was left as it was.
        OutputBusy: Another run is writing the output folder.
        ModelsMissing: The annotator cannot run at all (e.g. its models failed to load);
            nothing is left under the output file names.
        OSError: The output cannot be written (``BrokenPipeError`` when the reader of a
            ``"-"`` stream went away).

    Example:
        >>> summary = extract_files(["news/"], "out")  # doctest: +SKIP
        >>> summary.ok, summary.errors, summary.attributions  # doctest: +SKIP
        (118, 2, 941)
    """
    inputs = [str(i) for i in inputs]
    output = str(output)
    engine = engine or LocalEngine(jobs or default_jobs())
    check = getattr(engine, "missing_inputs", missing_inputs)  # an engine may read URLs
    missing = check(inputs)
    if inputs and len(missing) == len(inputs):
        # Nothing to read at all: fail before touching the output folder.
        raise NothingRead(f"nothing read: no such file, folder or match: {_names(missing)}"
                          + _kept(output))
    annotator = annotator or BuiltinAnnotator()
    jobs = jobs or default_jobs()
    tagger = tagger_kind(tagger)
    if output == "-":
        if append or fmt != "jsonl":
            raise ExtractError("append and --format parquet need an output folder, not '-'")
        return _extract_into(inputs, output, annotator, jobs, max_bytes, stdin, stream,
                             on_progress, missing, None, tagger, fmt, append, engine)
    outdir = Path(output)
    created = not outdir.exists()
    outdir.mkdir(parents=True, exist_ok=True)
    lock = _OutputLock(outdir)
    try:
        lock.acquire()
        try:
            _remove_stale_temps(outdir)
            return _extract_into(inputs, output, annotator, jobs, max_bytes, stdin, stream,
                                 on_progress, missing, None if append else _previous_ok(outdir),
                                 tagger, fmt, append, engine)
        finally:
            lock.release()
    finally:
        if created:
            with contextlib.suppress(OSError):
                outdir.rmdir()  # only when the run left it empty (it failed)


def _kept(output: str) -> str:
    if output != "-" and (Path(output) / ARTICLES_CSV).exists():
        return f"; {output} left as it was"
    return ""


def _extract_into(inputs: List[str], output: str, annotator: Annotator, jobs: int,
                  max_bytes: int, stdin: Optional[IO], stream: Optional[IO[str]],
                  on_progress: Optional[ProgressCallback], missing: List[str],
                  previous_ok: Optional[int], tagger: str = "crf", fmt: str = "jsonl",
                  append: bool = False, engine=None) -> RunSummary:
    """The body of :func:`extract_files` once the output folder is locked."""
    from .incremental import FormatMismatch, open_store

    engine = engine or LocalEngine(jobs)
    log.info("extracting with the %s annotator and the %s tagger%s", annotator.name, tagger,
             engine.describe(annotator))
    counts = {"ok": 0, "errors": 0, "attributions": 0, "warnings": 0, "skipped": 0}

    def progress(status: ArticleStatus) -> None:
        if on_progress is not None:
            on_progress(status, RunSummary(output, **counts, missing=tuple(missing)))

    extractor = f"{annotator.name}+{tagger}"

    def write(out, status: ArticleStatus, attributions: Sequence[Attribution] = ()) -> None:
        if status.status == "ok" and not status.extractor:
            status = replace(status, extractor=extractor)
        n = out.add(status, attributions)
        if status.status == "error":
            counts["errors"] += 1
        else:
            counts["ok"] += 1
            counts["warnings"] += bool(status.message)
            log.debug("%s: %d attributions", status.article_id, n)
        counts["attributions"] += n
        progress(status)

    first_error: List[ArticleStatus] = []
    try:
        sink = (open_output(output, stdout=stream) if output == "-"
                else open_store(output, fmt, append=append))
    except FormatMismatch as exc:
        raise ExtractError(str(exc)) from None
    with sink as out:
        done = getattr(out, "done", None)
        batches = engine.batches(inputs, annotator, tagger=tagger, max_bytes=max_bytes,
                                 stdin=stdin, exclude=[] if output == "-" else [output],
                                 done=done)
        with contextlib.closing(batches):
            for batch in batches:
                for item in batch:
                    if isinstance(item, Skipped):
                        counts["skipped"] += 1
                        progress(ArticleStatus(item.article_id, None, "skipped"))
                    elif isinstance(item, ArticleStatus):
                        if not first_error:
                            first_error.append(item)
                        write(out, item)
                    else:
                        write(out, item.row(), item.attributions)
                if engine.flush_batches and hasattr(out, "flush"):
                    out.flush()  # a partition is done: commit it
        # Raised inside the `with`: the new files are dropped and the old ones stay.
        if not engine.read:
            if missing:
                why = f"no such file, folder or match: {_names(missing)}"
            elif first_error:
                e = first_error[0]
                why = f"{counts['errors']} unreadable, e.g. {e.path or e.article_id}: {e.message[:120]}"
            else:
                why = "the inputs hold no article"
            raise NothingRead(f"no article read ({why})" + _kept(output))
        if missing and previous_ok is not None and counts["ok"] < previous_ok:
            raise InputsMissing(
                f"not replacing the {previous_ok} articles in {output} with {counts['ok']}: "
                f"no such file, folder or match: {_names(missing)}; fix the path, or delete "
                f"{os.path.join(output, ARTICLES_CSV)} to accept fewer")
    return RunSummary(output, **counts, missing=tuple(missing))
