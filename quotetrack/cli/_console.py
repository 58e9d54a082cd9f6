"""What the CLI says on stderr: the ``-v``/``-q`` level, the log handler, notes and progress.

The library only logs (its ``quotetrack`` logger has a ``NullHandler``); the handler that
prints those records on stderr is installed here, by the ``quotetrack`` group, for the
length of one command.
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Callable, Optional

import click

from ..progress import ProgressBar

LOGGER = "quotetrack"


@dataclass(frozen=True)
class Console:
    """The message level chosen on the command line: -1 quiet, 0 default, 1 -v, 2 -vv."""

    verbosity: int = 0

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0

    @property
    def log_level(self) -> int:
        return {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
            self.verbosity, logging.DEBUG)


def console() -> Console:
    """The current command's :class:`Console` (the default one outside the ``quotetrack`` group)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Console) if ctx is not None else None
    return found or Console()


def note(message: str) -> None:
    """A message that is not an error (a summary, a warning): on stderr unless ``-q``."""
    if not console().quiet:
        _echo(message)


class Progress(ProgressBar):
    """The progress bar (:class:`quotetrack.progress.ProgressBar`, tqdm on stderr) of a command.

    While it is drawn, log lines and notes go above it (:func:`note`, the log handler).
    """

    def __init__(self, enabled: bool, *, total: Optional[int] = None):
        super().__init__(enabled, total=total, stream=_StderrProxy())
        global _ACTIVE
        if enabled:
            _ACTIVE = self

    def update(self, done: int, extra: str = "", **figures) -> None:  # type: ignore[override]
        super().update(done, extra=extra, **figures)

    def message(self, line: str) -> None:
        if self._bar is not None:
            super().message(line)
        else:
            click.echo(line, err=True)

    def close(self) -> None:
        global _ACTIVE
        super().close()
        if _ACTIVE is self:
            _ACTIVE = None


class _StderrProxy:
    """The current ``sys.stderr``, looked up on every write: click's test runner swaps it."""

    def write(self, s: str) -> int:
        return sys.stderr.write(s)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return sys.stderr.isatty()


# The counter on screen, if any: log lines go through it so they start on a line of their own.
_ACTIVE: Optional[Progress] = None


def _echo(line: str) -> None:
    if _ACTIVE is not None:
        _ACTIVE.message(line)
    else:
        click.echo(line, err=True)


class _StderrHandler(logging.Handler):
    """Log records as ``quotetrack: ...`` lines on the current stderr (click's, under tests)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _echo(self.format(record))
        except Exception:  # a logging call must never break the run
            self.handleError(record)


def configure_logging(con: Console) -> Callable[[], None]:
    """Print the ``quotetrack`` logger's records on stderr at ``con``'s level.

    Returns:
        A function that removes the handler and restores the logger's level.
    """
    logger = logging.getLogger(LOGGER)
    for old in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(old)  # left by an earlier command in this process
    handler = _StderrHandler(con.log_level)
    fmt = ("quotetrack: %(levelname)s %(name)s: %(message)s" if con.log_level <= logging.DEBUG
           else "quotetrack: %(message)s")
    handler.setFormatter(logging.Formatter(fmt))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(con.log_level)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    return restore
