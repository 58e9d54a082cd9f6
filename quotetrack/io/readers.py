"""Readers: files, folders, globs and stdin in; one :class:`Article` per article out.

:func:`read_inputs` never raises for bad input. A file or record that cannot be read
becomes an ``ArticleStatus(status="error")`` with a one-line message saying what to do,
and the batch goes on.

Formats, by extension:

* ``.txt`` and anything else that looks like text: one article per file. A first line
  ``date YYYY-MM-DD <title>`` gives date and title; otherwise a short first line without a
  closing period is taken as the title. That line stays in ``Article.text`` (so offsets
  index the whole file as decoded) and goes into ``skip_ranges``.
* ``.jsonl`` / ``.ndjson``: one JSON object per line.
* ``.json``: an object, a list of objects, or an object with an ``articles`` list.
* ``.csv`` / ``.tsv``: a header row with a ``text`` column.
* ``-``: stdin, one text article with id ``stdin`` (JSON Lines when it starts with ``{``).

Records carry ``text`` and optionally ``id``, ``title``, ``date``, ``source``, ``url``.

Text is never changed, apart from dropping a byte-order mark at the start of a file and
replacing, one character for one, NUL characters by spaces and lone surrogates (possible
in JSON) by U+FFFD, with a warning: ``Article.text`` is the file (or JSON/CSV field) as
decoded, and every offset quotetrack reports indexes it. Files are UTF-8; a file that is
not valid UTF-8 but is valid cp1252 (Windows Latin-1, a superset of ISO-8859-1 for
printable text) is decoded as cp1252 with a warning, as is UTF-16 with a byte-order mark.

Nothing read can hang or exhaust memory: only regular files are opened (a FIFO, socket or
device gets an error status), ``max_bytes`` bounds every file, JSONL line, CSV record and
stdin before it is held whole, and a CSV record over it is reported alone, the records
after it read as usual.
"""
from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import logging
import os
import re
import stat
import sys
from dataclasses import replace
from datetime import date as _date
from pathlib import Path
from typing import (IO, Any, Dict, Iterable, Iterator, List, MutableMapping, Optional, Sequence,
                    Set, Tuple, Union)

from ..doc import AnnotatedArticle
from ..records import Article, ArticleStatus, text_hash
from .boilerplate import boilerplate_ranges, merge_ranges
from .conllu import conllu_items

log = logging.getLogger(__name__)

#: Default per-file (per-record for JSONL/CSV) size limit in bytes.
DEFAULT_MAX_BYTES = 50_000_000
#: Extensions read as text; any other extension is also read as text when it looks like it.
TEXT_EXTENSIONS = (".txt", ".text")
JSONL_EXTENSIONS = (".jsonl", ".ndjson")
JSON_EXTENSIONS = (".json",)
CSV_EXTENSIONS = (".csv",)
TSV_EXTENSIONS = (".tsv", ".tab")
#: Files picked up when a folder is given (named files and glob matches are read whatever
#: their extension).
FOLDER_EXTENSIONS = TEXT_EXTENSIONS + JSONL_EXTENSIONS + JSON_EXTENSIONS + CSV_EXTENSIONS \
    + TSV_EXTENSIONS + (".conllu",)
#: Optional record fields besides ``text``.
RECORD_FIELDS = ("id", "title", "date", "source", "url")
#: A first line longer than this is never a title.
MAX_TITLE_CHARS = 150

_SNIFF_BYTES = 8192
_CHUNK = 1 << 20
_GLOB_CHARS = re.compile(r"[*?\[]")
# Bytes that never occur in text, apart from tab, newline, form feed, CR and ESC.
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")
_DATE_HEADER = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*?)\s*$", re.IGNORECASE)
_NON_SPACE = re.compile(r"\S")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HINT = "quotetrack reads UTF-8 text, .json, .jsonl, .csv and .tsv files"

Item = Union[Article, ArticleStatus]


class _ReadError(Exception):
    """One clear line about why a file or record was not read."""


# --------------------------------------------------------------------------- paths


def iter_paths(inputs: Sequence[str], *, exclude: Sequence[str] = ()) -> Iterator[str]:
    """Expand inputs into the files to read, in a stable order.

    Folders are walked recursively in sorted order, skipping hidden files and folders and
    picking up only :data:`FOLDER_EXTENSIONS`. Globs (``*``, ``?``, ``[``; ``**`` recurses)
    are expanded in sorted order. ``-`` stands for stdin. A file reached twice is yielded
    once. An input that does not exist, a glob that matches nothing, a folder with nothing
    to read and a folder that cannot be listed are yielded unchanged, so that
    :func:`read_inputs` reports them.

    Args:
        inputs: Paths, folders, glob patterns or ``-``.
        exclude: Folders never read when reached through a folder or a glob (the output
            folder of the run, so that a run never reads its own outputs).

    Yields:
        Path strings (or ``-``).
    """
    for path, _ in _expand(inputs, exclude):
        yield path


def missing_inputs(inputs: Sequence[str]) -> List[str]:
    """The inputs that name nothing: no such path, or a glob that matches nothing.

    Cheap (no folder is walked); ``-`` is never missing.

    Example:
        >>> missing_inputs(["-", "no/such/file.txt"])
        ['no/such/file.txt']
    """
    out = []
    for raw in map(str, inputs):
        if raw == "-" or os.path.lexists(raw):
            continue
        if _GLOB_CHARS.search(raw) and next(glob.iglob(raw, recursive=True), None) is not None:
            continue
        out.append(raw)
    return out


def _expand(inputs: Sequence[str], exclude: Sequence[str]) -> Iterator[Tuple[str, str]]:
    """(path, problem) per path to read; ``problem`` is ``""`` or why it cannot be read."""
    seen: Set[str] = set()
    excluded = {os.path.realpath(str(x)) for x in exclude}

    def once(path: str) -> bool:
        key = path if path == "-" else os.path.realpath(path)
        if key in seen:
            return False
        seen.add(key)
        return True

    for raw in inputs:
        raw = str(raw)
        if raw == "-":
            if once(raw):
                yield raw, ""
            continue
        if excluded and _inside(os.path.realpath(raw), excluded):
            if once(raw):
                yield raw, "inside the output folder of this run; not read"
            continue
        if os.path.isdir(raw):
            found = _walk(raw, excluded)
        elif os.path.lexists(raw) or not _GLOB_CHARS.search(raw):
            found = [(raw, "")]
        else:
            found = []
            matches = sorted(glob.glob(raw, recursive=True))
            for match in matches:
                if excluded and _inside(os.path.realpath(match), excluded):
                    continue
                found.extend(_walk(match, excluded) if os.path.isdir(match) else [(match, "")])
            if matches and not found:
                found = [(raw, "matches only files in the output folder of this run; not read")]
        if not found:
            found = [(raw, "")]  # reported by read_inputs
        for f, problem in found:
            if once(f):
                yield f, problem


def _inside(real: str, folders: Set[str]) -> bool:
    """Whether the resolved path ``real`` is one of ``folders`` or lies under one."""
    return any(real == d or real.startswith(d.rstrip(os.sep) + os.sep) for d in folders)


def _walk(top: str, excluded: Set[str] = frozenset()) -> List[Tuple[str, str]]:
    found: List[Tuple[str, str]] = []

    def unreadable(err: OSError) -> None:
        # os.walk skips a folder it cannot list without a word; say so instead.
        found.append((err.filename or top, f"cannot read folder ({err.strerror or err})"))

    for root, dirs, files in os.walk(top, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if excluded:
            kept = []
            for d in dirs:
                if _inside(os.path.realpath(os.path.join(root, d)), excluded):
                    log.info("%s: the output folder of this run; its files are not read",
                             os.path.join(root, d))
                else:
                    kept.append(d)
            dirs[:] = kept
        for name in files:
            if not name.startswith(".") and name.lower().endswith(FOLDER_EXTENSIONS):
                found.append((os.path.join(root, name), ""))
    # Sort on path components so "a/b.txt" and "a-b.txt" order the same on every OS.
    return sorted(found, key=lambda p: Path(os.path.relpath(p[0], top)).parts)


def _id_bases(paths: Sequence[str]) -> Dict[str, str]:
    """The id (or id prefix) of each path: its stem, made unique with parent folders.

    ``a/sport/001.txt`` and ``a/tech/001.txt`` become ``sport__001`` and ``tech__001``.
    """
    bases = {"-": "stdin"}
    groups: Dict[str, List[str]] = {}
    for p in paths:
        if p != "-":
            groups.setdefault(Path(p).stem or Path(p).name, []).append(p)
    for stem, group in groups.items():
        if len(group) == 1:
            bases[group[0]] = stem
            continue
        parents = {p: [x for x in Path(p).parent.parts if x not in ("/", "\\", ".", "..")]
                   for p in group}
        bases.update(_disambiguate(group, stem, parents, 1))
    return bases


def _disambiguate(group: List[str], stem: str, parents: Dict[str, List[str]],
                  k: int) -> Dict[str, str]:
    """Names for paths sharing ``stem``: ``k`` parent folders, more where still ambiguous."""
    if k > max(len(parents[p]) for p in group):
        # Same folders all the way up: the extension tells them apart, else a number.
        names = {p: "__".join(parents[p][-1:] + [Path(p).name]) for p in group}
        if len(set(names.values())) == len(group):
            return names
        return {p: f"{stem}-{i}" for i, p in enumerate(group, 1)}
    by_name: Dict[str, List[str]] = {}
    for p in group:
        by_name.setdefault("__".join(parents[p][-k:] + [stem]), []).append(p)
    out = {}
    for name, sub in by_name.items():
        out.update({sub[0]: name} if len(sub) == 1 else _disambiguate(sub, stem, parents, k + 1))
    return out


# --------------------------------------------------------------------------- decoding


def _sniff(head: bytes) -> Tuple[Optional[str], str]:
    """(encoding, warning) from a byte-order mark, or (None, "") when there is none.

    Raises:
        _ReadError: The bytes look binary.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", ""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
            and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16", "decoded as UTF-16"
    if b"\x00" in head or (head and sum(head.count(c) for c in _CONTROL) > 0.1 * len(head)):
        raise _ReadError(f"binary file, not text; {_HINT}")
    return None, ""


def _first_bad_byte(chunks: Iterable[bytes], encoding: str) -> Optional[Tuple[int, int]]:
    """(offset, byte) of the first byte ``encoding`` cannot decode, or None when all can."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as e:
            # e.start counts from the start of the bytes the decoder held, which begin at
            # most 3 bytes before this chunk (an unfinished UTF-8 sequence).
            held = len(e.object) - len(chunk)
            pos = offset - held + e.start
            return pos, e.object[e.start]
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        return offset - len(e.object) + e.start, e.object[e.start]
    return None


def _choose_encoding(head: bytes, chunks) -> Tuple[str, str]:
    """(encoding, warning) for bytes starting with ``head``; ``chunks()`` yields all of them.

    Raises:
        _ReadError: Binary, or neither UTF-8 nor cp1252.
    """
    encoding, warning = _sniff(head)
    if encoding:
        return encoding, warning
    bad = _first_bad_byte(chunks(), "utf-8")
    if bad is None:
        return "utf-8", ""
    # Latin-1 / Windows text (e.g. curly quotes as 0x93/0x94): every byte but five is
    # defined in cp1252, and ISO-8859-1 text decodes the same way.
    if _first_bad_byte(chunks(), "cp1252") is None:
        return "cp1252", "decoded as cp1252 (not valid UTF-8)"
    pos, byte = bad
    raise _ReadError(f"not UTF-8 text (byte 0x{byte:02x} at offset {pos}); re-encode it as UTF-8")


def decode_bytes(data: bytes) -> Tuple[str, str]:
    """Decode file contents: UTF-8 (a leading BOM dropped), else UTF-16 with BOM, else cp1252.

    Args:
        data: The raw bytes.

    Returns:
        ``(text, warning)``; ``warning`` is ``""`` for plain UTF-8.

    Raises:
        ValueError: The bytes are binary or in no encoding tried, in one line.
    """
    try:
        encoding, warning = _choose_encoding(data[:_SNIFF_BYTES], lambda: [data])
    except _ReadError as e:
        raise ValueError(str(e)) from None
    return data.decode(encoding), warning


def _not_regular(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "not a regular file"
        return f"{kind}; skipped"
    return f"{kind}, not a regular file; skipped (to read a pipe, give '-' and redirect it)"


def _open_regular(path: str) -> IO[bytes]:
    """Open a regular file for binary reading; anything else raises :class:`_ReadError`.

    Opening never blocks: O_NONBLOCK keeps a FIFO put in the file's place since the last
    check from waiting for a writer (it changes nothing for a regular file).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _ReadError(_not_regular(mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _open_text(path: str, encoding: str) -> IO[str]:
    """A regular file as text; ``newline=""`` keeps line ends as they are (for csv)."""
    return io.TextIOWrapper(_open_regular(path), encoding=encoding, newline="")


def _file_chunks(path: str):
    def chunks():
        with _open_regular(path) as f:
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    return
                yield chunk
    return chunks


def _read_limited(f: IO[bytes], max_bytes: int) -> bytes:
    try:
        size = os.fstat(f.fileno()).st_size
    except (OSError, ValueError, AttributeError):
        size = None
    if size is not None and size > max_bytes:
        raise _ReadError(f"too large ({size} bytes > {max_bytes}; raise --max-bytes)")
    data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _ReadError(f"too large (more than {max_bytes} bytes; raise --max-bytes)")
    return data


# --------------------------------------------------------------------------- fields


_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_END = r"(?=$|[\st,])"  # the string is lower-cased: "t" as in 2023-09-22T10:00
_DATE_FORMATS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _END), "ymd"),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})" + _END), "ymd"),
    (re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})" + _END), "dmy"),
    (re.compile(_WEEKDAY + r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _END), "mdy"),
)


def parse_date(value: Any) -> Optional[str]:
    """Normalise a date to ISO ``YYYY-MM-DD``; None when it cannot be read.

    Accepts ``2023-09-22``, ``2023-09-22T10:00:00Z`` (the date as written, no time-zone
    shift), ``2023/09/22``, ``22 September 2023``, ``Friday, 22 Sept. 2023`` and
    ``September 22, 2023``. Day-month order of all-numeric dates (``09/10/2023``) is
    ambiguous, so those give None.

    Example:
        >>> parse_date("September 22, 2023")
        '2023-09-22'
    """
    if not isinstance(value, str):
        return None
    s = value.strip().lower()
    for pattern, order in _DATE_FORMATS:
        m = pattern.match(s)
        if not m:
            continue
        a, b, c = m.groups()
        if order == "ymd":
            y, mo, d = int(a), int(b), int(c)
        elif order == "dmy":
            y, mo, d = int(c), _MONTHS.get(b), int(a)
        else:
            y, mo, d = int(c), _MONTHS.get(a), int(b)
        if not mo:
            continue
        try:
            return _date(y, mo, d).isoformat()
        except ValueError:
            return None
    return None


def _scalar(value: Any) -> Optional[str]:
    """An optional field as a string; None for missing, empty or non-scalar values."""
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    return _clean_field(value if isinstance(value, str) else str(value))


def _clean_text(text: str) -> Tuple[str, str]:
    """``text`` without NUL characters or lone surrogates, and a note saying what changed.

    Each is replaced one for one (NUL by a space, a surrogate by U+FFFD), so offsets into
    the cleaned text still index the text as read. A NUL would otherwise travel into spans
    and CSV cells; a lone surrogate (valid in JSON, ``"\\ud800"``) cannot be encoded as
    UTF-8 and would fail the article later on.

    Raises:
        _ReadError: So many NULs that the text is binary data.
    """
    notes = []
    nul = text.count("\x00")
    if nul:
        if nul > 100 and nul * 100 > len(text):
            raise _ReadError(f"binary data ({nul} NUL characters), not text; {_HINT}")
        text = text.replace("\x00", " ")
        notes.append(f"{nul} NUL character{'s' if nul > 1 else ''} replaced by spaces")
    if not text.isascii():
        text, n = _SURROGATE.subn("\ufffd", text)
        if n:
            notes.append(f"{n} lone surrogate{'s' if n > 1 else ''} replaced by U+FFFD")
    return text, "; ".join(notes)


def _clean_field(value: Optional[str]) -> Optional[str]:
    """An optional field without NULs or lone surrogates (dropped / replaced)."""
    if value is None:
        return None
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        value = _SURROGATE.sub("\ufffd", value)
    return value if value.strip() else None


def _too_big(text: str, max_bytes: int) -> bool:
    # A str of n chars is n..4n UTF-8 bytes; only encode when that range straddles the limit.
    if len(text) > max_bytes:
        return True
    return 4 * len(text) > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes


def _record_article(rec: Dict[str, Any], default_id: str, path: Optional[str],
                    max_bytes: int) -> Tuple[Article, str]:
    """An Article from a JSON object or CSV row (keys already lower-case), and a note on
    what :func:`_clean_text` changed (``""`` when nothing).

    Raises:
        _ReadError: No usable text.
    """
    text = rec.get("text")
    if not isinstance(text, str):
        got = "missing" if text is None else f"a {type(text).__name__}, not a string"
        raise _ReadError(f"no 'text' field ({got})")
    if _too_big(text, max_bytes):
        raise _ReadError(f"text too large (> {max_bytes} bytes; raise --max-bytes)")
    text, note = _clean_text(text)
    if not text.strip():
        raise _ReadError("empty text")
    article_id = _scalar(rec.get("id")) or _scalar(rec.get("article_id")) or default_id
    return Article(
        article_id=article_id.strip(), text=text, title=_scalar(rec.get("title")),
        date=parse_date(rec.get("date")), source=_scalar(rec.get("source")),
        url=_scalar(rec.get("url")), path=path,
        skip_ranges=tuple(boilerplate_ranges(text)),
    ), note


def _record_error(rec: Any, default_id: str, path: Optional[str], message: str) -> ArticleStatus:
    rid = None
    if isinstance(rec, dict):
        rid = _scalar(rec.get("id")) or _scalar(rec.get("article_id"))
    return ArticleStatus(article_id=(rid or default_id).strip(), path=path, status="error",
                         message=message)


# --------------------------------------------------------------------------- text


def _lines(text: str) -> Iterator[Tuple[int, int]]:
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        stop = len(text) if nl < 0 else nl
        yield pos, stop
        pos = stop + 1


def _strip_span(text: str, start: int, end: int) -> Tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _looks_like_title(line: str) -> bool:
    if len(line) > MAX_TITLE_CHARS or not any(ch.isalpha() for ch in line):
        return False
    tail = line.rstrip("\"'”’»)]")
    if tail.endswith(("...", "…")):
        return True  # a cut-off headline ("Rivals of the new phone...")
    # A sentence, or a line that runs on into the next one.
    return not tail.endswith((".", ",", ";", ":"))


def parse_header(text: str, *, skip_title: bool = True,
                 boilerplate: Sequence[Tuple[int, int]] = ()
                 ) -> Tuple[Optional[str], Optional[str], Optional[Tuple[int, int]]]:
    """Find the header of a plain-text article.

    A first line ``date YYYY-MM-DD <title>`` (leading spaces allowed) gives date and title.
    Otherwise the first non-empty line is the title when it is short (at most
    :data:`MAX_TITLE_CHARS`), ends without a period (an ellipsis is fine), comma, colon or
    semicolon, is not boilerplate, and more text follows it (after a blank line, or on the
    next line when that starts a new sentence rather than continuing a wrapped one).

    Args:
        text: The decoded file.
        skip_title: When False the range covers only the ``date YYYY-MM-DD`` marker, so a
            headline can still yield attributions (corpora such as PolNeAR annotate them).
        boilerplate: Ranges already known to be boilerplate; such a line is not a title.

    Returns:
        ``(title, date, skip_range)``; each None when absent.
    """
    lines = _lines(text)
    first = next(lines, None)
    if first is None:
        return None, None, None
    start, end = first
    m = _DATE_HEADER.match(text, start, end)
    if m:
        s, e = _strip_span(text, start, end)
        title = m.group(2) or None
        if not skip_title and title:
            e = m.start(2)
            s, e = _strip_span(text, s, e)
        return title, parse_date(m.group(1)), (s, e)
    s, e = _strip_span(text, start, end)
    for start, end in lines:  # skip leading blank lines
        if e > s:
            break
        s, e = _strip_span(text, start, end)
    if e == s or not _looks_like_title(text[s:e]) or not _NON_SPACE.search(text, e) \
            or any(a <= s < b for a, b in boilerplate):
        return None, None, None
    # Straight on to a line that starts in lower case: a hard-wrapped sentence.
    nl = text.find("\n", e)
    nxt = text[nl + 1:nl + 2] if nl >= 0 else ""
    if nxt.islower():
        return None, None, None
    return text[s:e], None, ((s, e) if skip_title else None)


def text_article(text: str, article_id: str, *, path: Optional[str] = None,
                 skip_title: bool = True) -> Article:
    """An Article from plain text, with header and boilerplate in ``skip_ranges``.

    Args:
        text: The decoded file, exactly as it will be offset-indexed.
        article_id: The article's id.
        path: Where it came from.
        skip_title: Whether the title line yields no attributions (see :func:`parse_header`).
    """
    boiler = boilerplate_ranges(text)
    title, date, header = parse_header(text, skip_title=skip_title, boilerplate=boiler)
    ranges = merge_ranges(boiler + ([header] if header else []))
    return Article(article_id=article_id, text=text, title=title, date=date, path=path,
                   skip_ranges=ranges)


# --------------------------------------------------------------------------- formats

_Result = Tuple[Item, str]  # an item and a warning to go with it


def _error(article_id: str, path: Optional[str], message: str) -> _Result:
    return ArticleStatus(article_id=article_id, path=path, status="error", message=message), ""


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _read_text(path: str, base: str, max_bytes: int, skip_title: bool) -> Iterator[_Result]:
    with _open_regular(path) as f:
        data = _read_limited(f, max_bytes)
    yield from _text_items(data, base, path, skip_title)


def _text_items(data: Union[bytes, str], base: str, path: Optional[str],
                skip_title: bool) -> Iterator[_Result]:
    if isinstance(data, str):
        text, warning = data, ""
    else:
        if not data:
            raise _ReadError("empty file")
        encoding, warning = _choose_encoding(data[:_SNIFF_BYTES], lambda: [data])
        text = data.decode(encoding)
    text, note = _clean_text(text)
    if not text.strip():
        raise _ReadError("empty file (only whitespace)")
    yield text_article(text, base, path=path, skip_title=skip_title), _join(warning, note)


def _read_json(path: str, base: str, max_bytes: int) -> Iterator[_Result]:
    name = Path(path).name
    with _open_regular(path) as f:
        try:
            data = _read_limited(f, max_bytes)
        except _ReadError as e:
            raise _ReadError(f"{e}; or write it as JSON Lines (.jsonl), which is read "
                             "record by record") from None
    if not data.strip():
        raise _ReadError("empty file")
    encoding, warning = _choose_encoding(data[:_SNIFF_BYTES], lambda: [data])
    try:
        obj = json.loads(data.decode(encoding))
    except json.JSONDecodeError as e:
        hint = "; it looks like JSON Lines: name it .jsonl" if e.msg == "Extra data" else ""
        raise _ReadError(f"{name}: not valid JSON ({e.msg} at line {e.lineno}, "
                         f"column {e.colno}){hint}") from None
    except (ValueError, RecursionError) as e:  # a 5,000-digit number, nesting too deep
        raise _ReadError(f"{name}: not valid JSON ({type(e).__name__}: {str(e)[:80]})") from None
    single = False
    if isinstance(obj, dict) and isinstance(obj.get("articles"), list):
        records = obj["articles"]
    elif isinstance(obj, dict):
        records, single = [obj], True
    elif isinstance(obj, list):
        records = obj
    else:
        raise _ReadError(f"{name}: expected an object with 'text', a list of objects, or an "
                         "object with an 'articles' list")
    for n, rec in enumerate(records, 1):
        default_id = base if single else f"{base}-{n}"
        where = f"record {n} of {name}"
        if not isinstance(rec, dict):
            yield _error(default_id, path, f"{where}: expected an object, got "
                                           f"{type(rec).__name__}")
            continue
        try:
            article, note = _record_article(_lower_keys(rec), default_id, path, max_bytes)
        except _ReadError as e:
            yield _record_error(_lower_keys(rec), default_id, path, f"{where}: {e}"), ""
            continue
        yield article, _join(warning, note)


def _lower_keys(rec: Dict[str, Any]) -> Dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in rec.items()}


def _jsonl_items(lines: Iterable[Tuple[int, Optional[str]]], base: str, path: Optional[str],
                 name: str, max_bytes: int, warning: str) -> Iterator[_Result]:
    """Items of JSON Lines; a line given as None was over ``max_bytes`` and not kept."""
    for n, line in lines:
        default_id = f"{base}-{n}"
        where = f"line {n} of {name}"
        if line is None:
            yield _error(default_id, path, f"{where}: record too large (more than {max_bytes} "
                                           "bytes; raise --max-bytes)")
            continue
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield _error(default_id, path, f"{where}: not valid JSON ({e.msg} at column "
                                           f"{e.colno})")
            continue
        except (ValueError, RecursionError) as e:  # a 5,000-digit number, nesting too deep
            yield _error(default_id, path, f"{where}: not valid JSON ({type(e).__name__}: {str(e)[:80]})")
            continue
        if not isinstance(rec, dict):
            yield _error(default_id, path, f"{where}: expected an object, got "
                                           f"{type(rec).__name__}")
            continue
        rec = _lower_keys(rec)
        try:
            article, note = _record_article(rec, default_id, path, max_bytes)
        except _ReadError as e:
            yield _record_error(rec, default_id, path, f"{where}: {e}"), ""
            continue
        yield article, _join(warning, note)


def _sniff_encoding(path: str) -> Tuple[str, str]:
    """(encoding, warning) of a record file read in streaming mode; empty files fail."""
    chunks = _file_chunks(path)
    with _open_regular(path) as f:
        head = f.read(_SNIFF_BYTES)
    if not head.strip():
        raise _ReadError("empty file")
    return _choose_encoding(head, chunks)


def _pieces(f: IO[str], limit: int) -> Iterator[Tuple[str, bool]]:
    """(piece, ends a line) for the lines of ``f``, none longer than ``limit`` characters.

    A line over ``limit`` comes in several pieces, so that one huge line never has to be
    held whole: memory stays bounded by ``limit`` whatever the file.
    """
    prev = ""
    while True:
        piece = f.readline(limit)
        if prev:
            # "\r" then "\n" in two pieces: one "\r\n" that the limit cut, not two line ends.
            cut = prev.endswith("\r") and piece.startswith("\n")
            yield prev, not cut and prev.endswith(("\n", "\r"))
        if not piece:
            return
        prev = piece


def _bounded_lines(pieces: Iterable[Tuple[str, bool]],
                   limit: int) -> Iterator[Tuple[int, Optional[str]]]:
    """(line number, line) from :func:`_pieces`; None for a line over ``limit`` characters."""
    n, parts, size = 1, [], 0
    for piece, eol in pieces:
        size += len(piece)
        if size <= limit:
            parts.append(piece)
        if eol:
            yield n, ("".join(parts) if size <= limit else None)
            n, parts, size = n + 1, [], 0
    if size:
        yield n, ("".join(parts) if size <= limit else None)


def _read_jsonl(path: str, base: str, max_bytes: int) -> Iterator[_Result]:
    encoding, warning = _sniff_encoding(path)
    # newline="" keeps "\r" inside lines (JSON strings cannot hold a raw one anyway).
    with _open_text(path, encoding) as f:
        lines = _bounded_lines(_pieces(f, max_bytes + 1), max_bytes)
        yield from _jsonl_items(lines, base, path, Path(path).name, max_bytes, warning)


def _raise_field_limit(max_bytes: int) -> None:
    # The csv module refuses fields over 128 KB by default; allow up to the article limit.
    # The limit is process-wide, so only ever raise it.
    want = min(max_bytes + 1, 2**31 - 1)
    if csv.field_size_limit() < want:
        csv.field_size_limit(want)


# States of a CSV record scan, as in the csv module's own parser (default dialect:
# '"' quotes, doubled to escape, no escape character, strict=False).
_START, _PLAIN, _QUOTED, _QUOTE_IN_QUOTED = range(4)


def _scan_csv(s: str, state: int, delimiter: str) -> int:
    """The parser state after the characters of ``s`` (no line end in it)."""
    p, n = 0, len(s)
    while p < n:
        if state == _QUOTED:
            j = s.find('"', p)
            if j < 0:
                return _QUOTED
            p, state = j + 1, _QUOTE_IN_QUOTED
        elif state == _PLAIN:
            j = s.find(delimiter, p)
            if j < 0:
                return _PLAIN
            p, state = j + 1, _START
        elif state == _START:
            if s[p] == '"':
                p, state = p + 1, _QUOTED
            else:
                state = _PLAIN
        else:  # a quote inside a quoted field: doubled, closing, or stray (kept as text)
            c = s[p]
            if c == '"':
                p, state = p + 1, _QUOTED
            elif c == delimiter:
                p, state = p + 1, _START
            else:
                state = _PLAIN
    return state


def _csv_records(pieces: Iterable[Tuple[str, bool]], delimiter: str,
                 limit: int) -> Iterator[Tuple[int, Optional[List[str]]]]:
    """(first line number, ``[record text]``) per CSV record; None for a record over ``limit``.

    Records are found here rather than by the csv module, which loses its place after a
    field over its size limit and reads the rest of that field as rows of its own. Each
    record found is parsed by the csv module alone, so nothing after a bad record is lost.
    """
    first = line_no = 1
    parts: List[str] = []
    size, state = 0, _START
    for piece, eol in pieces:
        body = piece.rstrip("\r\n") if eol else piece
        state = _scan_csv(body, state, delimiter)
        size += len(piece)
        if size <= limit:
            parts.append(piece)
        if not eol:
            continue
        line_no += 1
        if state == _QUOTED:
            continue  # the line break is inside a quoted field
        yield first, (["".join(parts)] if size <= limit else None)
        first, parts, size, state = line_no, [], 0, _START
    if size:
        yield first, (["".join(parts)] if size <= limit else None)


def _read_csv(path: str, base: str, max_bytes: int, delimiter: str) -> Iterator[_Result]:
    name = Path(path).name
    encoding, warning = _sniff_encoding(path)
    _raise_field_limit(max_bytes)
    too_large = f"record too large (more than {max_bytes} bytes; raise --max-bytes)"

    def parse(lines: List[str]) -> List[str]:
        rows = list(csv.reader(lines, delimiter=delimiter))
        if len(rows) != 1:  # cannot happen when _csv_records agrees with the csv module
            raise csv.Error(f"{len(rows)} rows in one record")
        return rows[0]

    with _open_text(path, encoding) as f:
        records = _csv_records(_pieces(f, max_bytes + 1), delimiter, max_bytes)
        header: List[str] = []
        for line_no, lines in records:
            if lines is None:
                raise _ReadError(f"{name}: header row {too_large}")
            try:
                header = parse(lines)
            except csv.Error as e:
                raise _ReadError(f"{name}: bad header row ({e})") from None
            if header:
                break
        columns = [c.strip().lstrip("\ufeff").lower() for c in header]
        if "text" not in columns:
            found = ", ".join(c for c in columns if c) or "none"
            raise _ReadError(f"{name}: no 'text' column (columns: {found}); the first row "
                             "must name the columns, one of them 'text'")
        row_no = 0
        for line_no, lines in records:
            if lines is not None:
                try:
                    row = parse(lines)
                except csv.Error as e:
                    row_no += 1
                    yield _error(f"{base}-{row_no}", path,
                                 f"row {row_no} (line {line_no}) of {name}: {e}")
                    continue
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
            row_no += 1
            default_id = f"{base}-{row_no}"
            where = f"row {row_no} (line {line_no}) of {name}"
            if lines is None:
                yield _error(default_id, path, f"{where}: {too_large}")
                continue
            if len(row) != len(columns):
                yield _error(default_id, path, f"{where}: {len(row)} fields, the header has "
                                               f"{len(columns)}; check quoting")
                continue
            rec = dict(zip(columns, row))
            try:
                article, note = _record_article(rec, default_id, path, max_bytes)
            except _ReadError as e:
                yield _record_error(rec, default_id, path, f"{where}: {e}"), ""
                continue
            yield article, _join(warning, note)


def _read_stdin(stream: Optional[IO], max_bytes: int, skip_title: bool) -> Iterator[_Result]:
    stream = stream if stream is not None else sys.stdin
    source = getattr(stream, "buffer", stream)
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _ReadError(f"too large (more than {max_bytes} bytes; raise --max-bytes)")
    if isinstance(data, bytes):
        if not data.strip():
            raise _ReadError("empty input on stdin")
        encoding, warning = _choose_encoding(data[:_SNIFF_BYTES], lambda: [data])
        text = data.decode(encoding)
    else:
        text, warning = data, ""
    if not text.strip():
        raise _ReadError("empty input on stdin")
    if text.lstrip().startswith("{"):
        lines = enumerate(text.split("\n"), 1)
        yield from _jsonl_items(lines, "stdin", "-", "stdin", max_bytes, warning)
        return
    for article, note in _text_items(text, "stdin", "-", skip_title):
        yield article, _join(warning, note)


def _read_path(path: str, base: str, *, max_bytes: int, stdin: Optional[IO],
               skip_title: bool) -> Iterator[_Result]:
    if path == "-":
        return _read_stdin(stdin, max_bytes, skip_title)
    try:
        mode = os.stat(path).st_mode  # never open(): a FIFO would block until a writer comes
    except FileNotFoundError:
        if _GLOB_CHARS.search(path) and not os.path.lexists(path):
            raise _ReadError("no files match this pattern") from None
        raise _ReadError("no such file or folder") from None
    if stat.S_ISDIR(mode):
        raise _ReadError("folder has no files to read (looked for "
                         f"{', '.join(FOLDER_EXTENSIONS)}; hidden files are skipped)")
    if not stat.S_ISREG(mode):
        raise _ReadError(_not_regular(mode))
    ext = Path(path).suffix.lower()
    if ext in JSONL_EXTENSIONS:
        return _read_jsonl(path, base, max_bytes)
    if ext in JSON_EXTENSIONS:
        return _read_json(path, base, max_bytes)
    if ext in CSV_EXTENSIONS:
        return _read_csv(path, base, max_bytes, ",")
    if ext in TSV_EXTENSIONS:
        return _read_csv(path, base, max_bytes, "\t")
    if ext == ".conllu":  # already annotated (parsed elsewhere): AnnotatedArticle items
        return ((item, "") for item in conllu_items(path, article_id=base, max_bytes=max_bytes))
    return _read_text(path, base, max_bytes, skip_title)


def _guarded(path: str, base: str, **kw) -> Iterator[_Result]:
    """Items of one path; a failure part-way turns into one error status and the batch goes on."""
    try:
        yield from _read_path(path, base, **kw)
    except _ReadError as e:
        yield _error(base, path, str(e))
    except OSError as e:
        yield _error(base, path, f"cannot read ({e.strerror or e})")
    except UnicodeDecodeError as e:  # only if the file changed between checks
        yield _error(base, path, f"not UTF-8 text ({e.reason}); re-encode it as UTF-8")


def read_inputs(inputs: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
                stdin: Optional[IO] = None, skip_title: bool = True,
                warnings: Optional[MutableMapping[str, str]] = None,
                exclude: Sequence[str] = ()) -> Iterator[Item]:
    """Read articles from files, folders, globs and ``-`` (stdin).

    Never raises for bad input: each unreadable file, record or folder becomes an
    ``ArticleStatus(status="error", message=...)`` and reading goes on. Only regular files
    are opened: a FIFO, socket or device gets an error status without being opened (a
    FIFO would block). Article ids are unique within one call: a repeated id gets ``-2``,
    ``-3``, ... with a warning. NUL characters and lone surrogates in a text are replaced
    one for one (see the warning on that article).

    Args:
        inputs: Paths, folders, glob patterns or ``-`` (see :func:`iter_paths`).
        max_bytes: Size limit per .txt/.json/.conllu file, per JSONL/CSV record and for
            stdin.
        stdin: Stream read for ``-`` (text or binary); ``sys.stdin`` by default.
        skip_title: Whether a .txt title line goes into ``skip_ranges`` (see
            :func:`parse_header`).
        warnings: When given, filled with ``article_id -> message`` for articles read with
            a warning (e.g. ``"decoded as cp1252 (not valid UTF-8)"``); pass it on as
            ``article_status(article, message=warnings.get(article.article_id, ""))``.
            Warnings are also logged.
        exclude: Folders not read when a folder or glob reaches them (see
            :func:`iter_paths`); an input inside one gets an error status.

    Yields:
        An :class:`Article` per good article, an error :class:`ArticleStatus` per bad
        file or record, in input order.
    """
    found = list(_expand(inputs, exclude))
    bases = _id_bases([p for p, _ in found])
    taken: Set[str] = set()
    for path, problem in found:
        if problem:
            yield _error(bases[path], path, problem)[0]
            continue
        for item, warning in _guarded(path, bases[path], max_bytes=max_bytes, stdin=stdin,
                                      skip_title=skip_title):
            if isinstance(item, AnnotatedArticle):  # CoNLL-U: its article needs a unique id too
                article, renamed = _unique(item.article, taken)
                item = replace(item, article=article)
                if renamed:
                    log.warning("%s (%s): %s", path, article.article_id, renamed)
            elif isinstance(item, Article):
                item, renamed = _unique(item, taken)
                warning = "; ".join(w for w in (warning, renamed) if w)
                if warning:
                    log.warning("%s (%s): %s", path, item.article_id, warning)
                    if warnings is not None:
                        warnings[item.article_id] = warning
            yield item


def _unique(article: Article, taken: Set[str]) -> Tuple[Article, str]:
    aid = article.article_id
    if aid not in taken:
        taken.add(aid)
        return article, ""
    n = 2
    while f"{aid}-{n}" in taken:
        n += 1
    new = f"{aid}-{n}"
    taken.add(new)
    return replace(article, article_id=new), f"id {aid!r} already used; renamed to {new!r}"


def article_status(article: Article, *, attributions: int = 0, message: str = "") -> ArticleStatus:
    """The ``status="ok"`` row of ``articles.csv`` for an article that was read.

    Args:
        article: The article.
        attributions: How many attributions it yielded.
        message: A warning to keep with it (see ``warnings`` in :func:`read_inputs`).
    """
    return ArticleStatus(article_id=article.article_id, path=article.path, status="ok",
                         message=message, title=article.title, date=article.date,
                         source=article.source, url=article.url, chars=len(article.text),
                         attributions=attributions, text_hash=text_hash(article.text))
