"""Parquet datasets: the output folder of ``quotetrack extract --format parquet``.

An output folder holds two datasets, each a folder of part files that pandas, Dask, DuckDB
and Spark read as one table::

    OUT/attributions/part-00000001.parquet   one row per attribution
    OUT/articles/part-00000001.parquet       one row per input article or record

Parts are numbered across runs (a new part gets the highest number so far plus one) and
written as each chunk of articles completes: a part is written under a hidden temporary
name and renamed into place, the attributions part before its articles part, so a part
visible under its final name is always complete. A run killed half-way leaves the parts
it finished, and ``--append`` goes on from there.

**The same article in two parts.** An article re-extracted by ``--append`` (its text
changed) has rows in an older part and in a newer one until the run that re-extracted it
finishes and rewrites the older part without them (:func:`compact`). The readers here
(:func:`read_article_rows`, :func:`iter_attributions`) take each article from the highest
numbered articles part that lists it, so they never see it twice; an attributions part
without its articles part (a run killed between the two renames) is ignored, and removed
by the next run. Other readers (``pd.read_parquet(OUT / "attributions")``, DuckDB) see a
clean table after every completed run.

**Schema** (stable; columns are flat, no nested structs, so every tool reads them alike):

* ``attributions``: the columns of ``attributions.csv`` (:data:`~quotetrack.records.ATTRIBUTION_COLUMNS`)
  plus the target actor's ``title``, ``role``, ``named_start``, ``named_end``
  (:data:`ATTRIBUTION_COLUMNS`): ``id``, ``article_id``, ``date``, ``kind``, ``act``, then
  ``{source,cue,content,target}_{text,start,end}`` (null when the span is absent), then
  ``speaker_*`` and ``target_actor_*`` (``id``, ``name``, ``kind``, ``title``, ``affiliation``,
  ``via``, ``role``, ``named_start``, ``named_end``; all null when there is none). Offsets are
  ``int64``, everything else ``string``. Text is exact (no spreadsheet escaping).
* ``articles``: the columns of ``articles.csv`` (:data:`~quotetrack.records.ARTICLE_COLUMNS`);
  ``chars`` and ``attributions`` are ``int64``, the rest ``string``.

pyarrow is imported inside the functions that need it.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from ..records import (ARTICLE_COLUMNS, SPEAKER_FIELDS, ArticleStatus, Attribution, Span,
                       Speaker, without_surrogates)

log = logging.getLogger(__name__)

ATTRIBUTIONS_DIR = "attributions"
ARTICLES_DIR = "articles"
_SPANS = ("source", "cue", "content", "target")
_INT_SPEAKER_FIELDS = ("named_start", "named_end")
#: Columns of the ``attributions`` dataset, in order.
ATTRIBUTION_COLUMNS: Tuple[str, ...] = tuple(
    ["id", "article_id", "date", "kind", "act"]
    + [f"{r}_{k}" for r in _SPANS for k in ("text", "start", "end")]
    + [f"speaker_{k}" for k in SPEAKER_FIELDS]
    + [f"target_actor_{k}" for k in SPEAKER_FIELDS])
#: Columns of the ``articles`` dataset, in order (those of ``articles.csv``).
ARTICLE_DATASET_COLUMNS: Tuple[str, ...] = tuple(ARTICLE_COLUMNS)
_INT_ARTICLE_COLUMNS = ("chars", "attributions")
_PART = re.compile(r"^part-(\d{8,})\.parquet$")

PathLike = Union[str, "os.PathLike[str]"]


class DatasetError(Exception):
    """A Parquet output folder that cannot be read; the message names the file."""


def _is_int_column(name: str) -> bool:
    return name.endswith(("_start", "_end")) or name in _INT_ARTICLE_COLUMNS


def _schema(columns: Sequence[str]):
    import pyarrow as pa

    return pa.schema([(c, pa.int64() if _is_int_column(c) else pa.string()) for c in columns])


def attribution_row(a: Attribution) -> dict:
    """The flat row of the ``attributions`` dataset (lossless: :func:`attribution_from_row`)."""
    row = {"id": a.id, "article_id": a.article_id, "date": a.date, "kind": a.kind, "act": a.act}
    for role in _SPANS:
        s = getattr(a, role)
        row[f"{role}_text"] = s.text if s else None
        row[f"{role}_start"] = s.start if s else None
        row[f"{role}_end"] = s.end if s else None
    for prefix, who in (("speaker", a.speaker), ("target_actor", a.target_actor)):
        for key in SPEAKER_FIELDS:
            row[f"{prefix}_{key}"] = getattr(who, key) if who else None
    return row


class _Interner:
    """One shared object per distinct string and speaker: 300k attributions of a few thousand
    speakers hold a few thousand Speaker objects, not 300k."""

    def __init__(self) -> None:
        self.speakers: Dict[tuple, Speaker] = {}

    def speaker(self, row: dict, prefix: str) -> Optional[Speaker]:
        values = tuple(row[f"{prefix}_{k}"] for k in SPEAKER_FIELDS)
        if values[0] is None:
            return None
        sp = self.speakers.get(values)
        if sp is None:
            sp = Speaker(*(sys.intern(v) if isinstance(v, str) else v for v in values))
            self.speakers[values] = sp
        return sp


def attribution_from_row(row: dict, interner: Optional[_Interner] = None) -> Attribution:
    """An :class:`Attribution` from a row of the ``attributions`` dataset."""
    interner = interner or _Interner()

    def span(role: str) -> Optional[Span]:
        start = row[f"{role}_start"]
        if start is None:
            return None
        return Span(row[f"{role}_text"] or "", int(start), int(row[f"{role}_end"]))

    def intern(v):
        return sys.intern(v) if isinstance(v, str) else v

    return Attribution(
        id=row["id"], article_id=intern(row["article_id"]), kind=intern(row["kind"]),
        act=intern(row["act"]), source=span("source"), cue=span("cue"),
        content=span("content"), target=span("target"),
        speaker=interner.speaker(row, "speaker"), date=intern(row["date"]),
        target_actor=interner.speaker(row, "target_actor"))


def article_row(status: ArticleStatus) -> dict:
    """The row of the ``articles`` dataset for one ``articles.csv`` row."""
    return {c: getattr(status, c) for c in ARTICLE_DATASET_COLUMNS}


def status_from_row(row: dict) -> ArticleStatus:
    """An :class:`ArticleStatus` from a row of the ``articles`` dataset."""
    kw = {c: row.get(c) for c in ARTICLE_DATASET_COLUMNS}
    for c in _INT_ARTICLE_COLUMNS:
        kw[c] = int(kw[c] or 0)
    for c in ("message", "text_hash", "extractor"):
        kw[c] = kw[c] or ""
    return ArticleStatus(**kw)


# --------------------------------------------------------------------------- parts


def is_dataset(outdir: PathLike) -> bool:
    """Whether ``outdir`` holds a Parquet output (an ``articles/`` or ``attributions/`` folder)."""
    d = Path(outdir)
    return (d / ARTICLES_DIR).is_dir() or (d / ATTRIBUTIONS_DIR).is_dir()


def parts(outdir: PathLike, dataset: str = ARTICLES_DIR) -> List[Tuple[int, Path]]:
    """``(number, path)`` of the complete part files of one dataset, in number order."""
    folder = Path(outdir) / dataset
    if not folder.is_dir():
        return []
    found = []
    for name in os.listdir(folder):
        m = _PART.match(name)
        if m:
            found.append((int(m.group(1)), folder / name))
    return sorted(found)


def part_name(number: int) -> str:
    return f"part-{number:08d}.parquet"


def next_part(outdir: PathLike) -> int:
    """The number the next part gets: one more than any part of either dataset."""
    numbers = [n for ds in (ARTICLES_DIR, ATTRIBUTIONS_DIR) for n, _ in parts(outdir, ds)]
    return max(numbers, default=0) + 1


def _write_table(path: Path, rows: List[dict], columns: Sequence[str]) -> None:
    """Write one part file atomically: a hidden temporary file, synced, then renamed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schema(columns)
    table = pa.Table.from_pylist([{c: _arrow_safe(r.get(c)) for c in columns} for r in rows],
                                 schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pq.write_table(table, f, compression="zstd")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _arrow_safe(value):
    # Arrow strings are UTF-8: a lone surrogate (JSON can spell one) becomes U+FFFD, one
    # character for one, so offsets stay right -- as `report` and `export` read JSONL.
    return without_surrogates(value) if isinstance(value, str) else value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_part(outdir: PathLike, number: int, statuses: Sequence[ArticleStatus],
               attributions: Iterable[Attribution]) -> None:
    """Write one committed chunk: its attributions part, then its articles part.

    The articles part is what makes the chunk count (see the module docstring), so it is
    renamed into place last.
    """
    outdir = Path(outdir)
    _write_table(outdir / ATTRIBUTIONS_DIR / part_name(number),
                 [attribution_row(a) for a in attributions], ATTRIBUTION_COLUMNS)
    _write_table(outdir / ARTICLES_DIR / part_name(number),
                 [article_row(s) for s in statuses], ARTICLE_DATASET_COLUMNS)


def _read_batches(path: Path, columns: Optional[Sequence[str]] = None,
                  batch_size: int = 8192) -> Iterator[List[dict]]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(str(path))
        names = set(pf.schema_arrow.names)
        cols = [c for c in columns if c in names] if columns else None
        for batch in pf.iter_batches(batch_size=batch_size, columns=cols):
            yield batch.to_pylist()
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        raise DatasetError(f"{path}: cannot be read as Parquet ({exc}); re-run "
                           f"`quotetrack extract ... -o {path.parent.parent} --format parquet`") from None


def latest_parts(outdir: PathLike) -> Dict[str, int]:
    """Article id -> the number of the newest articles part that lists it."""
    latest: Dict[str, int] = {}
    for number, path in parts(outdir, ARTICLES_DIR):
        for batch in _read_batches(path, ["article_id"]):
            for row in batch:
                latest[row["article_id"]] = number
    return latest


def read_article_rows(outdir: PathLike) -> Iterator[ArticleStatus]:
    """The ``articles`` dataset, each article once (its newest row), in part order."""
    latest = latest_parts(outdir)
    for number, path in parts(outdir, ARTICLES_DIR):
        for batch in _read_batches(path):
            for row in batch:
                if latest.get(row["article_id"]) == number:
                    yield status_from_row(row)


def iter_attributions(outdir: PathLike, *, latest: Optional[Dict[str, int]] = None,
                      batch_size: int = 8192) -> Iterator[Attribution]:
    """The ``attributions`` dataset as records, streamed batch by batch.

    Only rows of each article's newest part count (see the module docstring). Strings that
    repeat (ids, acts, kinds, dates) and speakers are shared between records, which keeps a
    corpus of millions of statements compact once in memory.
    """
    latest = latest_parts(outdir) if latest is None else latest
    interner = _Interner()
    for number, path in parts(outdir, ATTRIBUTIONS_DIR):
        for batch in _read_batches(path, ATTRIBUTION_COLUMNS, batch_size):
            for row in batch:
                if latest.get(row["article_id"]) == number:
                    yield attribution_from_row(row, interner)


def compact(outdir: PathLike, *, before: Optional[int] = None) -> int:
    """Tidy a dataset: drop superseded rows, orphan parts and temporary files.

    Args:
        outdir: The output folder.
        before: Also remove every part numbered below this (a run that replaces the
            folder's results removes the parts of earlier runs once its own are written).

    Returns:
        How many part files were rewritten or removed.
    """
    outdir = Path(outdir)
    for ds in (ARTICLES_DIR, ATTRIBUTIONS_DIR):
        folder = outdir / ds
        if folder.is_dir():
            for name in os.listdir(folder):
                if name.startswith(".part-") and name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        os.unlink(folder / name)
    touched = 0
    if before is not None:
        # Articles parts first: their attributions parts then are orphans no reader takes.
        for ds in (ARTICLES_DIR, ATTRIBUTIONS_DIR):
            for number, path in parts(outdir, ds):
                if number < before:
                    os.unlink(path)
                    touched += 1
    latest = latest_parts(outdir)
    article_numbers = {n for n, _ in parts(outdir, ARTICLES_DIR)}
    for number, path in parts(outdir, ATTRIBUTIONS_DIR):
        if number not in article_numbers:  # killed between the two renames: never counted
            os.unlink(path)
            touched += 1
    for ds, columns in ((ATTRIBUTIONS_DIR, ATTRIBUTION_COLUMNS),
                        (ARTICLES_DIR, ARTICLE_DATASET_COLUMNS)):
        for number, path in parts(outdir, ds):
            rows = [r for b in _read_batches(path, ["article_id"]) for r in b]
            if all(latest.get(r["article_id"]) == number for r in rows):
                continue
            kept = [r for b in _read_batches(path) for r in b
                    if latest.get(r["article_id"]) == number]
            if kept:
                _write_table(path, kept, columns)
            else:
                os.unlink(path)
            touched += 1
    return touched
