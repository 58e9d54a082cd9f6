"""Extraction on a Dask cluster: ``quotetrack extract ... --scheduler tcp://HOST:8786`` or ``local:N``.

:class:`DaskEngine` is the engine :func:`quotetrack.pipeline.extract_files` runs on instead of
its local processes. Statuses, counts, output order and the output folder stay with the
pipeline; this module only decides what each worker reads and gives the results back in
input order:

* **Partitions.** The client lists the inputs (local paths, or any fsspec URL the workers
  can reach: ``s3://bucket/news/``, ``gcs://...``, ``http(s)://.../file.jsonl``) and gives
  every file its id base exactly as a local run does. Small files go to a task in groups
  (:attr:`DaskEngine.files_per_partition`, at most :attr:`DaskEngine.partition_bytes`); a
  JSON Lines file over :attr:`DaskEngine.block_bytes` is cut into byte ranges at line ends,
  and a first round of tasks counts the lines of each range so that record numbers (and so
  default ids such as ``news-1041``) match a local run. CSV, JSON and CoNLL-U files are
  read whole by one task (a CSV record may span lines).
* **Workers** read their partition, skip what ``--append`` says is done, and extract with an
  annotator and tagger built once per worker process (module-level caches; the built-in
  models load once per process). One bad article gives that article's error row, as
  locally; a task that raises is retried (:attr:`DaskEngine.retries`), and a worker that dies
  has its tasks rerun elsewhere by the scheduler. A partition that still fails becomes one
  error row per file in it.
* **Order and ids.** Results come back partition by partition in input order (a bounded
  window of tasks is in flight, so memory stays flat); an article id seen twice gets
  ``-2``, ``-3`` on the client, as :func:`quotetrack.io.readers.read_inputs` does.

dask and distributed are imported inside the functions that need them.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import tempfile
from collections import deque
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Dict, Iterator, List, Optional, Sequence, Tuple

from .doc import AnnotatedArticle
from .io import readers
from .nlp import Annotator, BuiltinAnnotator
from .pipeline import (EngineItem, ExtractError, Extracted, Skipped, _extract_one,
                       _run_batched, default_jobs)
from .records import ArticleStatus, Attribution, text_hash

log = logging.getLogger(__name__)

#: A JSON Lines file is read by several tasks, one byte range each, of at most this...
BLOCK_BYTES = 64 << 20
#: ...and at least this (a smaller file is read whole).
MIN_BLOCK_BYTES = 256 << 10


class SchedulerError(ExtractError):
    """The scheduler address is malformed, unreachable, or dask is not installed."""


def is_url(path: str) -> bool:
    """Whether an input names an fsspec URL (``s3://...``) rather than a local path."""
    return "://" in path and not path.startswith("file://")


def _local(path: str) -> str:
    return path[len("file://"):] if path.startswith("file://") else path


# --------------------------------------------------------------------------- partitions


@dataclass(frozen=True)
class FileUnit:
    """One file, or one byte range of a JSON Lines file, read by a worker."""

    path: str
    base: str
    size: int = 0
    start: Optional[int] = None  # byte range [start, end) of a JSONL file
    end: Optional[int] = None
    first_line: int = 1
    encoding: str = ""
    warning: str = ""


@dataclass
class Partition:
    """What one task reads: files (or ranges), or articles the client read (stdin)."""

    units: List[FileUnit] = field(default_factory=list)
    articles: List[Tuple[Any, str]] = field(default_factory=list)  # (Article|status, warning)
    errors: List[ArticleStatus] = field(default_factory=list)  # client-side rows, no task

    @property
    def remote(self) -> bool:
        return bool(self.units or self.articles)


@dataclass
class PartitionResult:
    items: List[EngineItem]
    read: int


def _fs(path: str):
    import fsspec

    fs, p = fsspec.core.url_to_fs(path)
    return fs, p


def _url(fs, p: str) -> str:
    return p if "://" in p else fs.unstrip_protocol(p)


def _expand_url(raw: str) -> List[Tuple[str, str, int]]:
    """(url, problem, size) for an fsspec input: a file, a folder (recursive) or a glob."""
    try:
        fs, p = _fs(raw)
        if any(c in p for c in "*?["):
            found = fs.glob(p, detail=True)
            entries = sorted((k, v) for k, v in found.items() if v.get("type") != "directory")
        elif fs.isdir(p):
            entries = sorted((k, v) for k, v in fs.find(p, detail=True).items()
                             if k.lower().endswith(readers.FOLDER_EXTENSIONS)
                             and not any(part.startswith(".") for part in k.split("/")))
        elif fs.exists(p):
            entries = [(p, fs.info(p))]
        else:
            return [(raw, "no such file or folder", 0)]
    except Exception as exc:  # a backend not installed, no credentials, a network error
        return [(raw, f"cannot list ({type(exc).__name__}: {exc})", 0)]
    if not entries:
        return [(raw, "no files to read here", 0)]
    return [(_url(fs, k), "", int(v.get("size") or 0)) for k, v in entries]


def list_inputs(inputs: Sequence[str], exclude: Sequence[str] = ()) -> List[Tuple[str, str, int]]:
    """(path, problem, size) per file to read, in the order of a local run."""
    out: List[Tuple[str, str, int]] = []
    seen = set()
    for raw in inputs:
        raw = str(raw)
        if is_url(raw):
            found = _expand_url(raw)
        else:
            found = []
            for path, problem in readers._expand([_local(raw)], exclude):
                size = 0
                if not problem and path != "-":
                    with contextlib.suppress(OSError):
                        size = os.stat(path).st_size
                found.append((path, problem, size))
        for path, problem, size in found:
            key = path if path == "-" or is_url(path) else os.path.realpath(path)
            if key in seen:
                continue
            seen.add(key)
            out.append((path, problem, size))
    return out


def missing_inputs(inputs: Sequence[str]) -> List[str]:
    """The inputs that name nothing; URLs are checked with fsspec."""
    local = [i for i in inputs if not is_url(str(i))]
    missing = set(readers.missing_inputs([_local(str(i)) for i in local]))
    out = []
    for i in inputs:
        i = str(i)
        if is_url(i):
            if all(problem for _, problem, _ in _expand_url(i)):
                out.append(i)
        elif _local(i) in missing:
            out.append(i)
    return out


def _read_range(path: str, start: int, end: int) -> bytes:
    if is_url(path):
        fs, p = _fs(path)
        return fs.cat_file(p, start=start, end=end)
    with open(path, "rb") as f:
        f.seek(start)
        return f.read(end - start)


def _block_edges(path: str, size: int, block: int) -> List[int]:
    """Offsets that cut a file into ranges of about ``block`` bytes, each just after a ``\\n``."""
    edges = [0]
    at = block
    while at < size:
        # Find the first line end at or after `at` (a record may be long: look further).
        look = 1 << 16
        cut = None
        while cut is None and at < size:
            chunk = _read_range(path, at - 1, min(size, at - 1 + look))
            i = chunk.find(b"\n")
            if i >= 0:
                cut = at - 1 + i + 1
            else:
                at += len(chunk) - 1 if len(chunk) > 1 else look
        if cut is None or cut >= size:
            break
        edges.append(cut)
        at = cut + block
    edges.append(size)
    return edges


def _count_block(path: str, start: int, end: int) -> Tuple[int, bool, bool]:
    """Line ends in a byte range (``\\n``, ``\\r\\n`` or a lone ``\\r``, as the reader counts
    them) and whether it decodes as UTF-8 and as cp1252. Runs on a worker."""
    data = _read_range(path, start, end)

    def decodes(enc: str) -> bool:
        try:
            data.decode(enc)
            return True
        except UnicodeDecodeError:
            return False

    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return ends, decodes("utf-8"), decodes("cp1252")


def _head(path: str) -> bytes:
    return _read_range(path, 0, 8192)


# --------------------------------------------------------------------------- worker side


@lru_cache(maxsize=4)
def _stanza(models_dir: str, processors: Tuple[str, ...], device: str, ner: bool) -> Annotator:
    from .nlp import StanzaAnnotator

    return StanzaAnnotator(models_dir, processors=list(processors), device=device, ner=ner)


def annotator_spec(annotator: Annotator) -> tuple:
    """What a worker needs to build the same annotator: small and picklable.

    The built-in annotator travels as itself (its models are module-level caches, loaded
    once per worker process); Stanza's is rebuilt once per worker process from its options.
    """
    if getattr(annotator, "name", "") == "stanza" and not isinstance(annotator, BuiltinAnnotator):
        return ("stanza", str(annotator.models_dir), tuple(sorted(annotator.processors)),
                annotator.device, bool(annotator.ner))
    return ("object", annotator)


def _worker_annotator(spec: tuple) -> Annotator:
    if spec[0] == "stanza":
        return _stanza(*spec[1:])
    return spec[1]


@contextlib.contextmanager
def _local_copy(url: str) -> Iterator[str]:
    """A URL's file in a temporary folder under its own name (messages name the file)."""
    fs, p = _fs(url)
    tmpdir = tempfile.mkdtemp(prefix="quotetrack-")
    local = os.path.join(tmpdir, os.path.basename(p.rstrip("/")) or "input")
    try:
        fs.get_file(p, local)
        yield local
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _read_unit(unit: FileUnit, max_bytes: int) -> Iterator[Tuple[Any, str]]:
    """(Article | AnnotatedArticle | error status, warning) of one unit, as a local run reads it."""
    if unit.start is not None:  # a byte range of a JSON Lines file
        data = _read_range(unit.path, unit.start, unit.end)
        enc = "utf-8-sig" if unit.encoding == "utf-8-sig" and unit.start == 0 else (
            "utf-8" if unit.encoding == "utf-8-sig" else unit.encoding)
        text = data.decode(enc)
        pieces = readers._pieces(io.StringIO(text, newline=""), max_bytes + 1)
        lines = ((n + unit.first_line - 1, line)
                 for n, line in readers._bounded_lines(pieces, max_bytes))
        yield from readers._jsonl_items(lines, unit.base, unit.path, Path(unit.path).name,
                                        max_bytes, unit.warning)
        return
    if is_url(unit.path):
        try:
            with _local_copy(unit.path) as local:
                for item, warning in readers._guarded(local, unit.base, max_bytes=max_bytes,
                                                      stdin=None, skip_title=True):
                    yield _with_path(item, unit.path), warning
        except OSError as exc:
            yield readers._error(unit.base, unit.path, f"cannot read ({exc})")
        return
    yield from readers._guarded(unit.path, unit.base, max_bytes=max_bytes, stdin=None,
                                skip_title=True)


def _with_path(item, path: str):
    if isinstance(item, AnnotatedArticle):
        return replace(item, article=replace(item.article, path=path))
    return replace(item, path=path)


def run_partition(part: Partition, spec: tuple, tagger: str, max_bytes: int,
                  done: Optional[Dict[str, str]], threads: int = 1) -> PartitionResult:
    """Read and extract one partition (runs on a worker).

    ``threads``: torch threads for the neural tagger in this worker process (the client
    shares a local machine's cores among a LocalCluster's workers; one on a remote cluster,
    where each worker thread runs a task).
    """
    from .extract import make_tagger

    annotator = _worker_annotator(spec)
    tagger_obj = make_tagger(tagger, threads=threads)
    items: List[Any] = []  # EngineItem, or (article, warning) awaiting extraction
    todo: List[Tuple[int, Any, str]] = []
    read = 0
    source = part.articles if part.articles else (
        x for unit in part.units for x in _read_unit(unit, max_bytes))
    for item, warning in source:
        if isinstance(item, ArticleStatus):
            items.append(item)
            continue
        article = item.article if isinstance(item, AnnotatedArticle) else item
        read += 1
        if done and done.get(article.article_id) == text_hash(article.text):
            items.append(Skipped(article.article_id))
            continue
        todo.append((len(items), item, warning))
        items.append(None)
    if isinstance(annotator, BuiltinAnnotator):
        results = (_extract_one(annotator, item, tagger_obj) for _, item, _ in todo)
    else:  # batching annotators (Stanza) take the partition's articles in batches
        results = _run_batched([item for _, item, _ in todo], annotator, tagger=tagger_obj)
    for (slot, _, warning), res in zip(todo, results):
        items[slot] = Extracted.of(res, warning)
    return PartitionResult(items, read)


# --------------------------------------------------------------------------- the engine


def _rename(item, new_id: str, note: str):
    if isinstance(item, Skipped):
        return Skipped(new_id)
    attrs = tuple(replace(a, article_id=new_id, id=Attribution.make_id(new_id, a.cue, a.content))
                  for a in item.attributions)
    warning = "; ".join(w for w in (item.warning, note) if w)
    return replace(item, status=replace(item.status, article_id=new_id), attributions=attrs,
                   warning=warning)


class DaskEngine:
    """Run extraction on a Dask cluster (see the module docstring).

    Args:
        scheduler: ``"local:N"`` (a :class:`distributed.LocalCluster` of N worker processes,
            started and stopped by the run; ``local`` alone means one per core), a scheduler
            address (``"tcp://host:8786"``), or a :class:`distributed.Client`.
        files_per_partition: Files read by one task at most.
        partition_bytes: Bytes of input one task reads at most (a bigger file is alone).
        block_bytes: The largest byte range of a JSON Lines file one task reads (a file is
            cut into about four ranges per worker, none under ``min_block_bytes``).
        min_block_bytes: A JSON Lines file under this is read whole by one task.
        retries: How often a failed task is retried.
        on_dashboard: Called with the dashboard's URL once the client is connected (when
            the cluster serves one).
    """

    flush_batches = True

    def __init__(self, scheduler: Any, *, files_per_partition: int = 64,
                 partition_bytes: int = 8 << 20, block_bytes: int = BLOCK_BYTES,
                 min_block_bytes: int = MIN_BLOCK_BYTES, retries: int = 2, on_dashboard=None):
        self.scheduler = scheduler
        self.files_per_partition = files_per_partition
        self.partition_bytes = partition_bytes
        self.block_bytes = block_bytes
        self.min_block_bytes = min_block_bytes
        self.retries = retries
        self.on_dashboard = on_dashboard
        self.read = 0
        self.workers = 0
        self.dashboard: Optional[str] = None

    def describe(self, annotator: Annotator) -> str:
        where = self.scheduler if isinstance(self.scheduler, str) else "a Dask client"
        return f", on the Dask cluster {where}"

    def missing_inputs(self, inputs: Sequence[str]) -> List[str]:
        return missing_inputs(inputs)

    # -- connecting
    @contextlib.contextmanager
    def client(self) -> Iterator[Any]:
        """The connected :class:`distributed.Client` (and the LocalCluster it started)."""
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise SchedulerError("--scheduler needs Dask: pip install 'quotetrack[dask]' "
                                 "(dask[distributed])") from None
        if not isinstance(self.scheduler, str):
            yield self.scheduler
            return
        s = self.scheduler.strip()
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            if s == "local" or s.startswith("local:"):
                n = s.partition(":")[2]
                try:
                    workers = int(n) if n else default_jobs()
                except ValueError:
                    raise SchedulerError(f"--scheduler {s}: expected local:N with N a number "
                                         "of worker processes, e.g. local:2") from None
                if workers < 1:
                    raise SchedulerError(f"--scheduler {s}: N must be at least 1")
                dashboard = ":0" if _has_bokeh() else None
                with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=dashboard) as cluster, \
                        Client(cluster) as client:
                    yield client
                return
            if "://" not in s and ":" not in s:
                raise SchedulerError(f"--scheduler {s}: expected tcp://HOST:PORT or local:N")
            try:
                client = Client(s, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise SchedulerError(f"cannot reach the Dask scheduler at {s} ({exc}); start "
                                     "one with `dask scheduler` and workers with `dask worker "
                                     f"{s}`") from None
            with client:
                yield client
        finally:
            quiet.setLevel(level)

    # -- planning
    def plan(self, inputs: Sequence[str], exclude: Sequence[str], client, max_bytes: int,
             stdin: Optional[IO]) -> Iterator[Partition]:
        """Partitions in input order (the line-counting round runs here for big JSONL)."""
        found = list_inputs(inputs, exclude)
        bases = readers._id_bases([p for p, _, _ in found])
        group = Partition()
        size = 0

        def cut() -> Partition:
            nonlocal group, size
            done, group, size = group, Partition(), 0
            return done

        for path, problem, nbytes in found:
            base = bases[path]
            if problem:
                if group.remote:
                    yield cut()
                yield Partition(errors=[readers._error(base, path, problem)[0]])
                continue
            if path == "-":  # stdin is read here and shipped with its task
                if group.remote:
                    yield cut()
                yield Partition(articles=list(readers._guarded("-", "stdin", max_bytes=max_bytes,
                                                               stdin=stdin, skip_title=True)))
                continue
            ranges = self._ranges(path, base, nbytes, client)
            if ranges:
                if group.remote:
                    yield cut()
                for unit in ranges:
                    yield Partition(units=[unit])
                continue
            if group.units and (len(group.units) >= self.files_per_partition
                                or size + nbytes > self.partition_bytes):
                yield cut()
            group.units.append(FileUnit(path, base, nbytes))
            size += nbytes
        if group.remote:
            yield cut()

    def _ranges(self, path: str, base: str, size: int, client) -> List[FileUnit]:
        """Byte-range units of a big JSON Lines file, or [] to read it whole."""
        # Enough ranges to keep every worker busy (four each), none under MIN_BLOCK_BYTES
        # nor over block_bytes.
        block = min(self.block_bytes,
                    max(self.min_block_bytes, -(-size // (4 * max(1, self.workers)))))
        if size <= block or not path.lower().endswith(readers.JSONL_EXTENSIONS):
            return []
        try:
            head = _head(path)
            encoding, warning = readers._sniff(head)
        except Exception:  # binary, unreadable: the whole-file reader says why
            return []
        if encoding == "utf-16":
            return []
        edges = _block_edges(path, size, block)
        futures = [client.submit(_count_block, path, a, b, pure=False, retries=self.retries)
                   for a, b in zip(edges, edges[1:])]
        counts = client.gather(futures)
        if encoding != "utf-8-sig":
            if all(c[1] for c in counts):
                encoding, warning = "utf-8", ""
            elif all(c[2] for c in counts):
                encoding, warning = "cp1252", "decoded as cp1252 (not valid UTF-8)"
            else:
                return []  # the whole-file reader reports the bad byte
        units, line = [], 1
        for (a, b), (ends, _, _) in zip(zip(edges, edges[1:]), counts):
            units.append(FileUnit(path, base, b - a, a, b, line, encoding, warning))
            line += ends
        return units

    # -- running
    def batches(self, inputs: Sequence[str], annotator: Annotator, *, tagger: str = "crf",
                max_bytes: int = readers.DEFAULT_MAX_BYTES, stdin: Optional[IO] = None,
                exclude: Sequence[str] = (), done: Optional[dict] = None
                ) -> Iterator[List[EngineItem]]:
        with self.client() as client:
            self.workers = len(client.scheduler_info().get("workers", {})) or 1
            self.dashboard = _dashboard(client)
            if self.dashboard and self.on_dashboard:
                self.on_dashboard(self.dashboard)
            spec = annotator_spec(annotator)
            local = isinstance(self.scheduler, str) and self.scheduler.strip().startswith("local")
            threads = max(1, default_jobs() // self.workers) if local else 1
            # One object for every worker (a dict given to scatter would be one key per entry).
            done_f = client.scatter([dict(done)], broadcast=True)[0] if done else None
            window = 2 * self.workers + 2
            inflight: deque = deque()
            parts = self.plan(inputs, exclude, client, max_bytes, stdin)
            taken: set = set()
            try:
                while True:
                    while len(inflight) < window:
                        part = next(parts, None)
                        if part is None:
                            break
                        fut = (client.submit(run_partition, part, spec, tagger, max_bytes,
                                             done_f, threads, pure=False, retries=self.retries)
                               if part.remote else None)
                        inflight.append((part, fut))
                    if not inflight:
                        return
                    part, fut = inflight.popleft()
                    yield self._collect(part, fut, taken)
            finally:
                for _, fut in inflight:
                    if fut is not None:
                        fut.cancel()

    def _collect(self, part: Partition, fut, taken: set) -> List[EngineItem]:
        if fut is None:
            return list(part.errors)
        try:
            result: PartitionResult = fut.result()
        except Exception as exc:  # retries exhausted, or the worker kept dying
            why = f"worker failed: {type(exc).__name__}: {exc}"
            log.warning("a partition of %d file(s) failed on the cluster (%s)",
                        len(part.units), why)
            return [ArticleStatus(u.base, u.path, "error", why) for u in part.units] or \
                [ArticleStatus("stdin", "-", "error", why)]
        self.read += result.read
        out: List[EngineItem] = []
        for item in result.items:
            if isinstance(item, (Extracted, Skipped)):
                aid = item.status.article_id if isinstance(item, Extracted) else item.article_id
                if aid in taken:  # the same id in two records: renamed as a local run does
                    n = 2
                    while f"{aid}-{n}" in taken:
                        n += 1
                    new = f"{aid}-{n}"
                    item = _rename(item, new, f"id {aid!r} already used; renamed to {new!r}")
                    aid = new
                taken.add(aid)
                if isinstance(item, Extracted) and item.warning:
                    log.warning("%s (%s): %s", item.status.path, aid, item.warning)
            out.append(item)
        return out


def _has_bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def _dashboard(client) -> Optional[str]:
    try:
        info = client.scheduler_info()
        if "dashboard" not in info.get("services", {}):
            return None
        return client.dashboard_link
    except Exception:
        return None
