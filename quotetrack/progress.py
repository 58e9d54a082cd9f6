"""The progress bar of long runs (tqdm, on stderr), and how many articles a run will read.

:class:`ProgressBar` shows done/total, rate and ETA when the total is known or estimated
(:func:`estimate_total`), errors and attributions so far, and nothing at all when disabled
(the CLI disables it when stderr is not a terminal or with ``-q``). Lines printed through
:meth:`ProgressBar.message` go above the bar instead of through it.
"""
from __future__ import annotations

import os
import sys
from typing import IO, Optional, Sequence

from .io.readers import CSV_EXTENSIONS, JSONL_EXTENSIONS, TSV_EXTENSIONS, iter_paths

_SAMPLE = 1 << 20


class ProgressBar:
    """A tqdm bar on stderr; every method is a no-op when ``enabled`` is false.

    Args:
        enabled: Draw the bar at all.
        total: Articles expected (None: a counter and a rate, no ETA).
        unit: What is counted.
        stream: Where to draw (stderr by default).
    """

    def __init__(self, enabled: bool, *, total: Optional[int] = None, unit: str = "articles",
                 stream: Optional[IO[str]] = None):
        self.enabled = enabled
        self.total = total
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=f" {unit}", unit_scale=False, dynamic_ncols=True,
                             file=stream or sys.stderr, mininterval=0.5, leave=False,
                             smoothing=0.1)

    def set_total(self, total: Optional[int]) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def update(self, done: int, *, errors: Optional[int] = None,
               attributions: Optional[int] = None, extra: str = "") -> None:
        """Set the count to ``done`` and the figures after the bar."""
        bar = self._bar
        if bar is None:
            return
        if self.total is not None and done > self.total:
            self.set_total(None)  # the estimate was short: no ETA rather than a wrong one
        bar.n = done
        parts = []
        if errors is not None:
            parts.append(f"{errors} errors")
        if attributions is not None:
            parts.append(f"{attributions} attributions")
        if extra:
            parts.append(extra)
        bar.set_postfix_str(", ".join(parts), refresh=False)
        bar.update(0)  # redraws at most every mininterval

    def message(self, line: str) -> None:
        """Print a line on stderr above the bar."""
        if self._bar is not None:
            self._bar.write(line, file=self._bar.fp)
        else:
            print(line, file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _estimate_records(path: str, size: int) -> int:
    """Records in a JSON Lines / CSV file: its size over the mean line length of its first MB."""
    try:
        with open(path, "rb") as f:
            head = f.read(_SAMPLE)
    except OSError:
        return 1
    if len(head) >= size:
        lines = head.count(b"\n") + (0 if head.endswith(b"\n") else 1)
        return max(1, lines - (1 if path.lower().endswith(CSV_EXTENSIONS + TSV_EXTENSIONS) else 0))
    lines = max(1, head.count(b"\n"))
    return max(1, round(size * lines / len(head)))


def estimate_total(inputs: Sequence[str], *, exclude: Sequence[str] = ()) -> Optional[int]:
    """About how many articles ``inputs`` hold, or None when that cannot be known cheaply.

    Text and other one-article files count one each; JSON Lines and CSV files are estimated
    from their size and the length of their first lines (records spanning lines in a CSV
    make that an overestimate). Stdin and URLs make the total unknown.
    """
    total = 0
    for raw in inputs:
        if str(raw) == "-" or "://" in str(raw):
            return None
    for path in iter_paths([str(i) for i in inputs], exclude=exclude):
        low = path.lower()
        if low.endswith(JSONL_EXTENSIONS + CSV_EXTENSIONS + TSV_EXTENSIONS):
            try:
                size = os.stat(path).st_size
            except OSError:
                total += 1
                continue
            total += _estimate_records(path, size)
        else:
            total += 1
    return total
