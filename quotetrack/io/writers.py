"""Writers: the output folder of an extraction run, written atomically, and reading it back.

An output folder holds

* ``attributions.jsonl`` -- one :meth:`Attribution.to_dict` record per line, text exact;
* ``attributions.csv`` -- :data:`ATTRIBUTION_COLUMNS`, one :meth:`Attribution.to_row` per row;
* ``articles.csv`` -- :data:`ARTICLE_COLUMNS`, one :class:`ArticleStatus` per input article.

Files are written under hidden temporary names in the same folder and renamed into place
only when the run completes, so an interrupted or failed run never leaves a half-written
file under a final name (nor replaces the previous run's files). Files that belong together
(the three above; the tables of one export) are written with :func:`atomic_write_all`: every
file is complete on disk before the first rename, so a full disk leaves all old files or
all new ones, never a mix.

Spreadsheet safety, one rule for every CSV quotetrack writes (this folder's two CSV files,
``export --format csv`` and ``gephi-csv``, ``report --format csv``): :func:`spreadsheet_safe`
prefixes a text cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, CR) with ``'``. Ids are *not* kept clean (an article id is whatever the input named it,
``=HYPERLINK(...)`` included), so they are escaped like any text and unescaped on reading:
:func:`spreadsheet_unescape` undoes :func:`spreadsheet_safe` exactly (a value that already
starts with ``'`` before a formula character gets one more ``'``, so the escape is never
ambiguous). Readers of these files (:mod:`quotetrack.graph`, :func:`read_csv_rows`) unescape;
``attributions.jsonl`` is never escaped.
"""
from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, List, Optional, Sequence, Union

from ..records import ARTICLE_COLUMNS, ATTRIBUTION_COLUMNS, Article, ArticleStatus, Attribution
from .readers import article_status

log = logging.getLogger(__name__)

ATTRIBUTIONS_JSONL = "attributions.jsonl"
ATTRIBUTIONS_CSV = "attributions.csv"
ARTICLES_CSV = "articles.csv"

#: Columns holding numbers, which :func:`spreadsheet_safe` leaves alone.
NUMERIC_COLUMNS = frozenset(
    [c for c in ATTRIBUTION_COLUMNS if c.endswith(("_start", "_end"))] + ["chars", "attributions"])
# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

PathLike = Union[str, "os.PathLike[str]"]


def _needs_escape(value: str) -> bool:
    # A formula start, or one hidden behind apostrophes ("'=x" must not read back as "=x").
    return value.lstrip("'").startswith(_FORMULA_START)


def spreadsheet_safe(value: Any) -> Any:
    """Defuse a CSV cell that a spreadsheet would run as a formula.

    Strings starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
    ``'``, which spreadsheets show as text; so do strings where such a character follows
    leading apostrophes, which keeps the escape reversible (:func:`spreadsheet_unescape`).
    Other values are returned unchanged. Apply it to text columns only: ``-3`` in a number
    column is a number, not a formula. This is the one function every CSV writer of
    quotetrack uses.

    Example:
        >>> spreadsheet_safe("=HYPERLINK(...)")
        "'=HYPERLINK(...)"
    """
    if isinstance(value, str) and _needs_escape(value):
        return "'" + value
    return value


def spreadsheet_unescape(value: Any) -> Any:
    """Undo :func:`spreadsheet_safe`: ``spreadsheet_unescape(spreadsheet_safe(s)) == s``.

    Only a leading ``'`` that :func:`spreadsheet_safe` could have added is removed, so text
    such as ``'tis`` is left alone.

    Example:
        >>> spreadsheet_unescape("'=HYPERLINK(...)")
        '=HYPERLINK(...)'
    """
    if isinstance(value, str) and value.startswith("'") and _needs_escape(value[1:]):
        return value[1:]
    return value


def read_csv_rows(path: PathLike) -> Iterator[dict]:
    """The rows of a CSV file quotetrack wrote, as dicts with text cells unescaped.

    Cells are strings (``""`` for an empty cell), as :class:`csv.DictReader` gives them,
    with :func:`spreadsheet_unescape` applied. Fields longer than the csv module's default
    limit (a whole article's text in one cell) are read, not refused.

    Raises:
        OSError, UnicodeDecodeError, csv.Error: The file cannot be read as CSV.
    """
    path = Path(path)
    with _field_limit(max(path.stat().st_size, csv.field_size_limit())):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                yield {k: spreadsheet_unescape(v) for k, v in row.items()}


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    # The csv module's limit is process-wide: raise it for this read only.
    old = csv.field_size_limit()
    csv.field_size_limit(min(max(limit, old), sys.maxsize // 2))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def csv_cells(row: dict, columns) -> list:
    """One CSV row's cells: numbers as they are, text through :func:`spreadsheet_safe`."""
    out = []
    for col in columns:
        v = row.get(col)
        if v is None:
            out.append("")
        elif col in NUMERIC_COLUMNS:
            out.append(v)
        else:
            out.append(spreadsheet_safe(v if isinstance(v, str) else str(v)))
    return out


@lru_cache(maxsize=None)
def _file_mode() -> int:
    # mkstemp makes 0600 files; give finished files the mode open() would have given them.
    # The umask can only be read by setting it, so do that once.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_write(path: PathLike, mode: str = "w", *, encoding: Optional[str] = "utf-8",
                 newline: Optional[str] = None, errors: Optional[str] = None) -> Iterator[IO]:
    """Open a temporary file next to ``path``; move it onto ``path`` when the block succeeds.

    On any exception (KeyboardInterrupt included) the temporary file is removed and an
    existing ``path`` stays untouched. The file keeps the permissions of the file it
    replaces, or gets the usual ones for a new file.

    Args:
        path: The final file; its folder must exist.
        mode: A writing mode of :func:`open`: ``"w"``, ``"wb"``, ``"w+"``...
        encoding: Text encoding; ignored in binary mode.
        newline: As for :func:`open` (``""`` for the csv module).
        errors: As for :func:`open`.

    Example:
        >>> with atomic_write(tmp / "out.txt") as f:  # doctest: +SKIP
        ...     f.write("done")
    """
    with atomic_write_all([path], mode, encoding=encoding, newline=newline,
                          errors=errors) as (f,):
        yield f


@contextlib.contextmanager
def atomic_write_all(paths: Sequence[PathLike], mode: str = "w", *,
                     encoding: Optional[str] = "utf-8", newline: Optional[str] = None,
                     errors: Optional[str] = None) -> Iterator[List[IO]]:
    """:func:`atomic_write` for files that belong together: all new ones, or all old ones.

    Yields one open temporary file per path. When the block succeeds every file is flushed
    and synced to disk first, and only then are they renamed into place, in the order
    given (put the file that marks a complete set last). A failure before the renames (an
    exception in the block, a full disk while flushing) removes every temporary file and
    leaves every old file as it was. Renames within one folder do not need disk space, so
    the set is not left mixed by a full disk.

    Example:
        >>> with atomic_write_all([d / "a.csv", d / "b.csv"]) as (fa, fb):  # doctest: +SKIP
        ...     fa.write("...")
    """
    paths = [Path(p) for p in paths]
    if "b" in mode:
        encoding = None
    files: List[IO] = []
    temps: List[str] = []
    try:
        for path in paths:
            fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.",
                                       suffix=".tmp")
            temps.append(tmp)
            files.append(os.fdopen(fd, mode, encoding=encoding, newline=newline, errors=errors))
        yield files
        for f in files:
            f.flush()
            os.fsync(f.fileno())
            f.close()
        for path, tmp in zip(paths, temps):
            try:
                os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else _file_mode())
            except OSError:
                pass  # permissions are a nicety; the data is what matters
        for i, (path, tmp) in enumerate(zip(paths, temps)):
            os.replace(tmp, path)
            temps[i] = ""
    except BaseException:
        for f in files:
            with contextlib.suppress(OSError, ValueError):
                f.close()
        for tmp in temps:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        raise


class ExtractOutput:
    """Stream the results of an extraction run into an output folder (or a JSONL stream).

    Rows are written as they come, not held in memory. With a folder, the three files are
    written to temporary names and renamed into place only when the ``with`` block ends
    without an exception; otherwise the temporary files are removed and the files of any
    previous run stay as they were. With ``"-"``, attributions stream as JSON Lines to
    ``stream`` (stdout by default) and article statuses are only counted.

    CSV files are for spreadsheets too: text cells that a spreadsheet would run as a
    formula are prefixed with ``'`` (see :func:`spreadsheet_safe`); number columns are left
    alone. ``attributions.jsonl`` keeps every text exactly as in the article, so it is the
    file to use for offsets and for :func:`read_attributions`.

    Example:
        >>> with ExtractOutput("out") as out:  # doctest: +SKIP
        ...     for article in read_inputs(["news/"]):
        ...         out.add(article, extract(article))
    """

    def __init__(self, outdir: PathLike, *, stream: Optional[IO[str]] = None):
        self.outdir = None if str(outdir) == "-" else Path(outdir)
        self.stream = stream
        self.articles = 0
        self.errors = 0
        self.attributions = 0
        self._stack: Optional[contextlib.ExitStack] = None
        self._jsonl: Optional[IO[str]] = None
        self._csv = None
        self._articles_csv = None

    @property
    def paths(self) -> dict:
        """The final file paths, by name (empty when streaming)."""
        if self.outdir is None:
            return {}
        return {n: self.outdir / n for n in (ATTRIBUTIONS_JSONL, ATTRIBUTIONS_CSV, ARTICLES_CSV)}

    def open(self) -> "ExtractOutput":
        """Create the folder and the temporary files (``with`` calls this)."""
        if self._stack is not None or self._jsonl is not None:
            raise RuntimeError("ExtractOutput is already open")
        if self.outdir is None:
            self._jsonl = self.stream if self.stream is not None else sys.stdout
            return self
        self.outdir.mkdir(parents=True, exist_ok=True)
        stack = contextlib.ExitStack()
        try:
            # attributions.jsonl is renamed last: a complete one marks a complete run.
            # backslashreplace keeps a lone surrogate from a JSON input from killing the run;
            # in JSON the result reads back as the same escape.
            csv_f, articles_f, self._jsonl = stack.enter_context(atomic_write_all(
                [self.outdir / ATTRIBUTIONS_CSV, self.outdir / ARTICLES_CSV,
                 self.outdir / ATTRIBUTIONS_JSONL], newline="", errors="backslashreplace"))
            self._csv = csv.writer(csv_f)
            self._csv.writerow(ATTRIBUTION_COLUMNS)
            self._articles_csv = csv.writer(articles_f)
            self._articles_csv.writerow(ARTICLE_COLUMNS)
        except BaseException:
            stack.__exit__(*sys.exc_info())
            raise
        self._stack = stack
        return self

    def add(self, status: Union[ArticleStatus, Article],
            attributions: Iterable[Attribution] = ()) -> int:
        """Write one article's status row and its attributions.

        Args:
            status: The article's :class:`ArticleStatus`, or the :class:`Article` itself
                for a plain ``ok`` row.
            attributions: Its attributions, written as they are iterated.

        Returns:
            How many attributions were written. The ``attributions`` column of
            ``articles.csv`` is this count.
        """
        if self._jsonl is None:
            raise RuntimeError("ExtractOutput is not open; use it in a `with` block")
        if isinstance(status, Article):
            status = article_status(status)
        n = 0
        for a in attributions:
            self._jsonl.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
            if self._csv is not None:
                self._csv.writerow(csv_cells(a.to_row(), ATTRIBUTION_COLUMNS))
            n += 1
        if self._articles_csv is not None:
            row = status.to_dict()
            row["attributions"] = n
            self._articles_csv.writerow(csv_cells(row, ARTICLE_COLUMNS))
        if self.outdir is None:
            self._jsonl.flush()  # a reader at the other end of a pipe sees each article
        self.articles += 1
        self.errors += status.status == "error"
        self.attributions += n
        return n

    def close(self) -> None:
        """Finish the run: rename the files into place."""
        self._finish(None, None, None)

    def abort(self) -> None:
        """Give up the run: remove the temporary files, keep any previous files."""
        self._finish(RuntimeError, RuntimeError("output aborted"), None)

    def _finish(self, exc_type, exc, tb) -> None:
        stack, self._stack = self._stack, None
        self._jsonl = self._csv = self._articles_csv = None
        if stack is not None:
            stack.__exit__(exc_type, exc, tb)

    def __enter__(self) -> "ExtractOutput":
        return self.open()

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.close()
        else:
            # The atomic writers re-raise the exception they are given; the caller's `with`
            # raises it anyway, so swallow the echo.
            with contextlib.suppress(BaseException):
                self._finish(exc_type, exc, tb)
        return False


def open_output(outdir: PathLike, *, stdout: Optional[IO[str]] = None) -> ExtractOutput:
    """An :class:`ExtractOutput` for a folder, or for ``stdout`` when ``outdir`` is ``"-"``.

    Example:
        >>> with open_output("-", stdout=sys.stdout) as out:  # doctest: +SKIP
        ...     out.add(status, attributions)
    """
    return ExtractOutput(outdir, stream=stdout)


def read_attributions(outdir_or_file: PathLike, *, stream: Optional[IO[str]] = None
                      ) -> Iterator[Attribution]:
    """Read back the attributions of a run.

    Args:
        outdir_or_file: An output folder (its ``attributions.jsonl`` is read), a JSONL file,
            or ``"-"`` for ``stream`` (stdin by default).
        stream: The stream read for ``"-"``.

    Returns:
        An iterator of :class:`Attribution`. A line that is not a valid record is logged as
        a warning with its line number and skipped.

    Raises:
        FileNotFoundError: There is no such file (raised at once, not on iteration).
        ValueError: Raised while iterating when the file has bad lines and no good ones.
    """
    if str(outdir_or_file) == "-":
        return _iter_attributions(stream if stream is not None else sys.stdin, "stdin")
    path = Path(outdir_or_file)
    if path.is_dir():
        path = path / ATTRIBUTIONS_JSONL
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file; run `quotetrack extract` with this "
                                "output folder first")
    return _iter_path(path)


def _iter_path(path: Path) -> Iterator[Attribution]:
    with open(path, encoding="utf-8", errors="replace") as f:
        yield from _iter_attributions(f, str(path))


def _iter_attributions(lines: Iterable[str], name: str) -> Iterator[Attribution]:
    good = bad = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = Attribution.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
            bad += 1
            reason = e.msg if isinstance(e, json.JSONDecodeError) else f"{type(e).__name__}: {e}"
            log.warning("%s, line %d: not an attribution record (%s); skipped", name, n, reason)
            continue
        good += 1
        yield record
    if bad and not good:
        raise ValueError(f"{name}: no valid attribution records ({bad} bad lines); is it an "
                         f"{ATTRIBUTIONS_JSONL} written by quotetrack?")
