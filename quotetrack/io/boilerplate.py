"""Page boilerplate: lines such as "Advertisement" or "Follow us on Twitter" that must yield
no attributions.

The patterns live in ``quotetrack/data/boilerplate.txt`` (one regular expression per line,
matched case-insensitively at the start of a line). :func:`boilerplate_ranges` returns the
character ranges they cover; readers store them in ``Article.skip_ranges``. The text itself
is never changed, so every offset still indexes the article as read.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Optional, Pattern, Sequence, Tuple

Range = Tuple[int, int]

_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_PATTERNS = _DATA / "boilerplate.txt"

# Leading spaces and list bullets in front of a boilerplate line.
_LEAD = re.compile(r"[ \t\u00a0]*(?:[-*•·▪►>|]+[ \t\u00a0]*)?")
_SECTIONS = ("line", "paragraph")


def _compile(lines: Iterable[str], origin: str) -> Tuple[Optional[Pattern], Optional[Pattern]]:
    """One alternation per section, so a line is matched once per section, not once per pattern."""
    parts = {name: [] for name in _SECTIONS}
    section = "line"
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            if section not in _SECTIONS:
                raise ValueError(f"{origin}, line {n}: unknown section [{section}]; "
                                 f"use one of {', '.join(_SECTIONS)}")
            continue
        try:
            re.compile(line)
        except re.error as e:
            raise ValueError(f"{origin}, line {n}: bad regular expression ({e})") from None
        parts[section].append(f"(?:{line})")
    return tuple(re.compile("|".join(p), re.IGNORECASE) if p else None  # type: ignore[return-value]
                 for p in (parts["line"], parts["paragraph"]))


@lru_cache(maxsize=None)
def load_patterns(path: Optional[str] = None) -> Tuple[Optional[Pattern], Optional[Pattern]]:
    """The compiled ``(line, paragraph)`` patterns of a boilerplate file, loaded once.

    Args:
        path: A pattern file in the format of ``quotetrack/data/boilerplate.txt``; the
            packaged file when None.

    Raises:
        ValueError: A pattern is not a valid regular expression, naming file and line.
    """
    p = Path(path) if path else DEFAULT_PATTERNS
    return _compile(p.read_text(encoding="utf-8").splitlines(), str(p))


def _lines(text: str) -> List[Range]:
    """(start, end) of every line, ``end`` before the newline and any trailing whitespace."""
    out = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        stop = n if nl < 0 else nl
        end = stop
        while end > pos and text[end - 1].isspace():
            end -= 1
        out.append((pos, end))
        if nl < 0:
            break
        pos = nl + 1
    return out


def merge_ranges(ranges: Iterable[Range]) -> Tuple[Range, ...]:
    """Sort ``ranges`` and merge the ones that overlap or touch; empty ranges are dropped."""
    merged: List[List[int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in ranges if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def boilerplate_ranges(text: str, *, patterns: Optional[str] = None) -> List[Range]:
    """Character ranges of page boilerplate in ``text``.

    A line matching a ``[line]`` pattern is boilerplate by itself. A line matching a
    ``[paragraph]`` pattern ("Also Read", "Related:", "More from ...") is boilerplate
    together with the lines after it up to the next blank line, since those are teaser
    headlines. Each range runs from the line's first non-space character to its last one,
    so ``text[start:end]`` is the boilerplate as written.

    Args:
        text: The article text, exactly as read.
        patterns: A pattern file to use instead of the packaged one.

    Returns:
        Sorted, non-overlapping ``(start, end)`` ranges (0-based, end-exclusive).

    Example:
        >>> text = "Talks began.\\n\\nAdvertisement\\n\\nThey ended."
        >>> [text[s:e] for s, e in boilerplate_ranges(text)]
        ['Advertisement']
    """
    line_re, para_re = load_patterns(patterns)
    if line_re is None and para_re is None:
        return []
    lines = _lines(text)
    ranges: List[Range] = []
    i = 0
    while i < len(lines):
        start, end = lines[i]
        if end > start:
            lead = _LEAD.match(text, start, end)
            body = lead.end() if lead else start
            # pattern.match(text, pos, endpos) anchors at the line start and lets `$` mean
            # the end of the line, without slicing the text.
            if para_re is not None and para_re.match(text, body, end):
                j = i
                while j + 1 < len(lines) and lines[j + 1][1] > lines[j + 1][0]:
                    j += 1
                ranges.append((_first_char(text, start, end), lines[j][1]))
                i = j + 1
                continue
            if line_re is not None and line_re.match(text, body, end):
                ranges.append((_first_char(text, start, end), end))
        i += 1
    return list(merge_ranges(ranges))


def _first_char(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def in_ranges(start: int, end: int, ranges: Sequence[Range]) -> bool:
    """Whether ``[start, end)`` overlaps any of ``ranges`` (sorted, as returned above)."""
    i = bisect.bisect_right(ranges, (start, float("inf")))
    # The range starting at or before `start` may reach into it; the next may start inside.
    if i > 0 and ranges[i - 1][1] > start:
        return True
    return i < len(ranges) and ranges[i][0] < end
