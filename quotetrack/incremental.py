"""Committed chunks, resumable runs and ``--append``: how results reach an output folder.

:func:`open_store` gives the object :func:`quotetrack.pipeline.extract_files` writes each
article's row and attributions to (``add``), for either output format:

* **JSONL/CSV** (the default; :class:`FilesStore`): ``attributions.jsonl``,
  ``attributions.csv`` and ``articles.csv`` are replaced only when a run completes, as
  before. Meanwhile every :data:`COMMIT_ARTICLES` articles (or :data:`COMMIT_SECONDS`) the
  results so far are committed to the *journal*, ``OUT/.quotetrack-journal/chunk-NNNNNNNN.jsonl``,
  one file per chunk written under a temporary name and renamed, one line per article
  (``{"status": ..., "attributions": [...]}``). A plain run streams its rows into the
  three files' temporary names as well and renames them at the end; an ``--append`` run
  writes the three files at the end from the old ones (minus the articles it replaces) and
  the journal. Either way the journal is then removed. A run killed half-way leaves the
  three files as the last completed run left them (readable) and its committed chunks in
  the journal (hidden: no reader looks there); the next ``--append`` run first publishes
  that journal, so the articles it holds are not extracted again. A plain run starts
  afresh and drops an old journal.
* **Parquet** (:class:`ParquetStore`): the committed chunks are the dataset's part files
  themselves (see :mod:`quotetrack.io.parquet`), visible as soon as each is complete.

With ``--append`` an article whose id and text hash (``text_hash`` column) are already in
the folder is skipped (:attr:`Store.done`); an article whose text changed is extracted
again and its new rows replace the old ones. Output order: the rows already there, then
this run's rows in input order (a re-extracted article moves to the end). Without
``--append`` a completed run replaces the folder's results, as before.

Article ids are the identity: two different articles named ``001`` in two batches are one
article whose text changed. Give records ids (an ``id`` field), or pass the batch folder so
that ids keep a parent folder name, when batches reuse file names.
"""
from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from .io.writers import (ARTICLES_CSV, ATTRIBUTIONS_CSV, ATTRIBUTIONS_JSONL, ExtractOutput,
                         PathLike, atomic_write_all, csv_cells, spreadsheet_unescape)
from .records import ARTICLE_COLUMNS, ATTRIBUTION_COLUMNS, ArticleStatus, Attribution

log = logging.getLogger(__name__)

#: Values of ``format``.
FORMATS = ("jsonl", "parquet")
#: The hidden folder of committed chunks of a JSONL/CSV run.
JOURNAL_DIR = ".quotetrack-journal"
#: A chunk is committed after this many articles...
COMMIT_ARTICLES = 500
#: ...or this many seconds, whichever comes first.
COMMIT_SECONDS = 30.0

Entry = Tuple[ArticleStatus, Tuple[Attribution, ...]]


class FormatMismatch(Exception):
    """The output folder holds the other format's results; one folder holds one format."""


def output_format(outdir: PathLike) -> Optional[str]:
    """``"jsonl"`` or ``"parquet"`` for a folder holding results, else None."""
    from .io.parquet import is_dataset

    d = Path(outdir)
    if (d / ATTRIBUTIONS_JSONL).is_file() or (d / ARTICLES_CSV).is_file():
        return "jsonl"
    if is_dataset(d):
        return "parquet"
    return None


def _done(status: ArticleStatus) -> bool:
    """A row ``--append`` need not redo: the text was read (it has a hash)."""
    return bool(status.text_hash)


class Store:
    """Where one run's rows go; see :func:`open_store`.

    Attributes:
        done: Article id -> text hash of the articles the folder already holds (``--append``
            only; empty otherwise): the pipeline skips an article found here with the same hash.
        added: Rows written by this run.
    """

    def __init__(self, outdir: PathLike, *, append: bool,
                 commit_articles: int = COMMIT_ARTICLES, commit_seconds: float = COMMIT_SECONDS):
        self.outdir = Path(outdir)
        self.append = append
        self.commit_articles = commit_articles
        self.commit_seconds = commit_seconds
        self.done: Dict[str, str] = {}
        self._old_errors: Dict[str, str] = {}  # id -> message of unreadable inputs' rows
        self.added = 0
        self._buffer: List[Entry] = []
        self._last_commit = time.monotonic()

    # -- what the pipeline calls
    def add(self, status: ArticleStatus, attributions: Sequence[Attribution] = ()) -> int:
        """Write one article's row and attributions; returns how many attributions."""
        attributions = tuple(attributions)
        status = ArticleStatus(**{**status.to_dict(), "attributions": len(attributions)})
        if self.append and not status.text_hash and self._old_errors.get(status.article_id) \
                == status.message:
            return 0  # the same unreadable input as last time: its row is already there
        self._buffer.append((status, attributions))
        self.added += 1
        if len(self._buffer) >= self.commit_articles or \
                time.monotonic() - self._last_commit >= self.commit_seconds:
            self.flush()
        return len(attributions)

    def flush(self) -> None:
        """Commit the rows added so far (a partition of a distributed run has completed)."""
        if self._buffer:
            self._commit(self._buffer)
            self._buffer = []
        self._last_commit = time.monotonic()

    def __enter__(self) -> "Store":
        self.open()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.flush()
            self.publish()
            return False
        try:
            if not issubclass(exc_type, Exception):
                # Ctrl-C or SIGTERM: the rows in hand are whole articles; keep them for --append.
                with contextlib.suppress(Exception):
                    self.flush()
        finally:
            self._abort()
        return False

    def _index(self, rows: Iterator[ArticleStatus]) -> None:
        for r in rows:
            if _done(r):
                self.done[r.article_id] = r.text_hash
                self._old_errors.pop(r.article_id, None)
            else:
                self.done.pop(r.article_id, None)
                if r.status == "error":
                    self._old_errors[r.article_id] = r.message

    # -- what each format does
    def open(self) -> None:
        raise NotImplementedError

    def _commit(self, entries: List[Entry]) -> None:
        raise NotImplementedError

    def publish(self) -> None:
        raise NotImplementedError

    def _abort(self) -> None:
        """The run failed: drop what is not committed (committed chunks stay)."""


# --------------------------------------------------------------------------- JSONL/CSV


def _entry_line(status: ArticleStatus, attributions: Sequence[Attribution]) -> str:
    return json.dumps({"status": status.to_dict(),
                       "attributions": [a.to_dict() for a in attributions]},
                      ensure_ascii=False) + "\n"


class Journal:
    """``OUT/.quotetrack-journal/``: the committed chunks of a JSONL/CSV run."""

    def __init__(self, outdir: Path):
        self.dir = outdir / JOURNAL_DIR
        self._next: Optional[int] = None

    def chunks(self) -> List[Path]:
        if not self.dir.is_dir():
            return []
        return sorted(self.dir / n for n in os.listdir(self.dir)
                      if n.startswith("chunk-") and n.endswith(".jsonl"))

    def commit(self, entries: List[Entry]) -> Path:
        self.dir.mkdir(exist_ok=True)
        if self._next is None:
            last = self.chunks()
            self._next = int(last[-1].name[6:-6]) + 1 if last else 1
        number, self._next = self._next, self._next + 1
        path = self.dir / f"chunk-{number:08d}.jsonl"
        with atomic_write_all([path], errors="backslashreplace") as (f,):
            for status, attributions in entries:
                f.write(_entry_line(status, attributions))
        return path

    def entries(self) -> Iterator[Entry]:
        for path in self.chunks():
            with open(path, encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    try:
                        d = json.loads(line)
                        status = ArticleStatus(**d["status"])
                        attrs = tuple(Attribution.from_dict(a) for a in d["attributions"])
                    except (ValueError, KeyError, TypeError, AttributeError) as exc:
                        # Chunks are renamed into place whole; this one was damaged since.
                        log.warning("%s, line %d: damaged journal entry skipped (%s)", path, n, exc)
                        continue
                    yield status, attrs

    def clear(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self._next = None


def _raw_rows(path: Path) -> Iterator[Tuple[List[str], dict]]:
    """(header, raw row) of a CSV quotetrack wrote; cells still escaped, ready to copy."""
    from .io.writers import _field_limit

    with _field_limit(max(path.stat().st_size, csv.field_size_limit())):
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            for row in reader:
                yield row


class FilesStore(Store):
    """The default output: ``attributions.jsonl``, ``attributions.csv``, ``articles.csv``."""

    def open(self) -> None:
        from .io.writers import read_csv_rows

        self.journal = Journal(self.outdir)
        self._out = None
        if not self.append:
            self.journal.clear()  # a fresh run: an interrupted run's chunks are not reused
            # The three files stream into their temporary files as rows come (as before
            # --append existed); the journal only matters if the run is interrupted.
            self._out = ExtractOutput(self.outdir).open()
            return
        if self.journal.chunks():
            log.info("%s: publishing the results an interrupted run committed", self.outdir)
            self.publish()
        articles = self.outdir / ARTICLES_CSV
        if articles.is_file():
            self._index(ArticleStatus(**{c: r.get(c) or "" for c in ("article_id", "status",
                                                                     "message", "text_hash")},
                                      path=None) for r in read_csv_rows(articles))

    def add(self, status: ArticleStatus, attributions: Sequence[Attribution] = ()) -> int:
        n = super().add(status, attributions)
        if self._out is not None:
            self._out.add(status, attributions)
        return n

    def _commit(self, entries: List[Entry]) -> None:
        self.journal.commit(entries)

    def _abort(self) -> None:
        if self._out is not None:
            self._out.abort()
            self._out = None

    def publish(self) -> None:
        """Rename the new files into place, or (``--append``) write them from the old ones
        and the journal; then clear the journal."""
        if self._out is not None:
            self._out.close()
            self._out = None
            self.journal.clear()
            return
        if not self.journal.chunks():
            return
        replaced: Set[str] = set()
        for status, _ in self.journal.entries():
            replaced.add(status.article_id)
        self._write(self.journal.entries(), replaced)
        self.journal.clear()

    def _write(self, entries, replaced: Set[str]) -> None:
        old = {name: self.outdir / name for name in
               (ATTRIBUTIONS_CSV, ARTICLES_CSV, ATTRIBUTIONS_JSONL)}
        # attributions.jsonl is renamed last: a complete one marks a complete run.
        with atomic_write_all([old[ATTRIBUTIONS_CSV], old[ARTICLES_CSV], old[ATTRIBUTIONS_JSONL]],
                              newline="", errors="backslashreplace") as (csv_f, art_f, jsonl_f):
            attr_csv, art_csv = csv.writer(csv_f), csv.writer(art_f)
            attr_csv.writerow(ATTRIBUTION_COLUMNS)
            art_csv.writerow(ARTICLE_COLUMNS)
            self._copy_old(old, replaced, attr_csv, art_csv, jsonl_f)
            for status, attributions in entries:
                for a in attributions:
                    jsonl_f.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
                    attr_csv.writerow(csv_cells(a.to_row(), ATTRIBUTION_COLUMNS))
                art_csv.writerow(csv_cells(status.to_dict(), ARTICLE_COLUMNS))

    @staticmethod
    def _copy_old(old: Dict[str, Path], replaced: Set[str], attr_csv, art_csv, jsonl_f) -> None:
        if old[ARTICLES_CSV].is_file():
            for row in _raw_rows(old[ARTICLES_CSV]):
                if spreadsheet_unescape(row.get("article_id") or "") not in replaced:
                    art_csv.writerow([row.get(c) or "" for c in ARTICLE_COLUMNS])
        if old[ATTRIBUTIONS_CSV].is_file():
            for row in _raw_rows(old[ATTRIBUTIONS_CSV]):
                if spreadsheet_unescape(row.get("article_id") or "") not in replaced:
                    attr_csv.writerow([row.get(c) or "" for c in ATTRIBUTION_COLUMNS])
        if old[ATTRIBUTIONS_JSONL].is_file():
            with open(old[ATTRIBUTIONS_JSONL], encoding="utf-8", errors="surrogateescape") as f:
                for line in f:
                    if not line.strip():
                        continue
                    try:
                        aid = json.loads(line).get("article_id")
                    except ValueError:
                        aid = None  # a damaged line stays, for `report` to point at
                    if aid not in replaced:
                        jsonl_f.write(line if line.endswith("\n") else line + "\n")


# --------------------------------------------------------------------------- Parquet


class ParquetStore(Store):
    """``--format parquet``: ``OUT/attributions/`` and ``OUT/articles/`` part files."""

    def open(self) -> None:
        from .io import parquet

        self._pq = parquet
        if self.append:
            parquet.compact(self.outdir)  # orphans and rows an interrupted run superseded
            self._index(parquet.read_article_rows(self.outdir))
        self.first_part = self._next = parquet.next_part(self.outdir)

    def _commit(self, entries: List[Entry]) -> None:
        number = self._next
        self._next += 1  # one writer (the folder's lock holder): no need to list the folder
        self._pq.write_part(self.outdir, number, [s for s, _ in entries],
                            (a for _, attrs in entries for a in attrs))

    def publish(self) -> None:
        if self.append:
            self._pq.compact(self.outdir)
        else:
            if self._next == self.first_part:
                # Nothing written by this run: an empty dataset still replaces the old one.
                self._pq.write_part(self.outdir, self.first_part, [], [])
            self._pq.compact(self.outdir, before=self.first_part)


def open_store(outdir: PathLike, fmt: str = "jsonl", *, append: bool = False,
               commit_articles: Optional[int] = None,
               commit_seconds: Optional[float] = None) -> Store:
    """The store for a run into ``outdir`` (the caller holds the folder's lock).

    Raises:
        FormatMismatch: The folder holds results in the other format.
        ValueError: An unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}: use {' or '.join(FORMATS)}")
    have = output_format(outdir)
    if have is not None and have != fmt:
        hint = "--format parquet" if have == "parquet" else "the default format (no --format)"
        raise FormatMismatch(f"{outdir} holds {have} results; write {fmt} to another folder, "
                             f"or use {hint} here")
    cls = ParquetStore if fmt == "parquet" else FilesStore
    return cls(outdir, append=append,
               commit_articles=COMMIT_ARTICLES if commit_articles is None else commit_articles,
               commit_seconds=COMMIT_SECONDS if commit_seconds is None else commit_seconds)


def remove_stale_temps(outdir: PathLike) -> None:
    """Temporary files of journal chunks and part files left by a run killed outright."""
    outdir = Path(outdir)
    for folder in (outdir / JOURNAL_DIR, outdir / "attributions", outdir / "articles"):
        if not folder.is_dir():
            continue
        for name in os.listdir(folder):
            if name.startswith(".") and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(folder / name)
    with contextlib.suppress(OSError):
        (outdir / JOURNAL_DIR).rmdir()  # only when empty: nothing was committed
