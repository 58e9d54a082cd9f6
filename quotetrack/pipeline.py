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
from .extract import extract
from .io.readers import DEFAULT_MAX_BYTES, article_status, missing_inputs, read_inputs
from .io.writers import (ARTICLES_CSV, ATTRIBUTIONS_CSV, ATTRIBUTIONS_JSONL, PathLike,
                         open_output, read_csv_rows)
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
    # A forked worker inherits the parent's SIGTERM handler (sigterm_aborts); the pool
    # stops its workers with SIGTERM, which must simply end them.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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
        missing: Inputs that named nothing (no such path, a glob matching nothing); each
            also has an error row.
    """

    output: str
    ok: int = 0
    errors: int = 0
    attributions: int = 0
    warnings: int = 0
    missing: Tuple[str, ...] = ()

    @property
    def articles(self) -> int:
        """Rows of ``articles.csv``: every input article or record, read or not."""
        return self.ok + self.errors

    def to_dict(self) -> dict:
        return {"output": self.output, "ok": self.ok, "errors": self.errors,
                "attributions": self.attributions, "warnings": self.warnings,
                "missing": list(self.missing)}


#: Called after each row of ``articles.csv`` is written, with that row and the counts so far.
ProgressCallback = Callable[[ArticleStatus, RunSummary], None]


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
        return None
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
                  on_progress: Optional[ProgressCallback] = None) -> RunSummary:
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
        on_progress: Called after each ``articles.csv`` row with that
            :class:`~quotetrack.records.ArticleStatus` and the :class:`RunSummary` so far;
            the way to report errors or show progress as they happen.

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
    missing = missing_inputs(inputs)
    if inputs and len(missing) == len(inputs):
        # Nothing to read at all: fail before touching the output folder.
        raise NothingRead(f"nothing read: no such file, folder or match: {_names(missing)}"
                          + _kept(output))
    annotator = annotator or BuiltinAnnotator()
    jobs = jobs or default_jobs()
    if output == "-":
        return _extract_into(inputs, output, annotator, jobs, max_bytes, stdin, stream,
                             on_progress, missing, None)
    outdir = Path(output)
    created = not outdir.exists()
    outdir.mkdir(parents=True, exist_ok=True)
    lock = _OutputLock(outdir)
    try:
        lock.acquire()
        try:
            _remove_stale_temps(outdir)
            return _extract_into(inputs, output, annotator, jobs, max_bytes, stdin, stream,
                                 on_progress, missing, _previous_ok(outdir))
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
                  previous_ok: Optional[int]) -> RunSummary:
    """The body of :func:`extract_files` once the output folder is locked."""
    log.info("extracting with the %s annotator%s", annotator.name,
             f", {jobs} worker processes" if isinstance(annotator, BuiltinAnnotator) and jobs > 1
             else "")
    # One entry per input item, in input order: an unreadable item's error row, or the
    # warning for a readable article whose result is still to come. `run` yields results in
    # input order, so the front entries are always the rows due next. With worker processes
    # the pool reads `readable()` from its own thread; deque appends and pops are atomic.
    pending: Deque[Union[ArticleStatus, str]] = deque()
    read = [0]  # articles read, whether or not their extraction then succeeded

    def readable() -> Iterator[Union[Article, AnnotatedArticle]]:
        warnings: dict = {}
        for item in read_inputs(inputs, max_bytes=max_bytes, stdin=stdin,
                                warnings=warnings, exclude=[] if output == "-" else [output]):
            if isinstance(item, ArticleStatus):
                pending.append(item)
                continue
            article = item.article if isinstance(item, AnnotatedArticle) else item
            pending.append(warnings.pop(article.article_id, ""))
            read[0] += 1
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
            on_progress(status, RunSummary(output, **counts, missing=tuple(missing)))

    first_error: List[ArticleStatus] = []

    def write_unreadable(out) -> None:
        while pending and isinstance(pending[0], ArticleStatus):
            status = pending.popleft()
            if not first_error:
                first_error.append(status)
            write(out, status)

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
        # Raised inside the `with`: the new files are dropped and the old ones stay.
        if not read[0]:
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
