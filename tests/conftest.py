"""Shared test helpers: paths to ../shared (skipped when absent), one builder of made-up
attributions, and a fresh interpreter for checks that must not share this process's state.

Test modules import the plain functions directly (``from conftest import make_attribution``);
pytest puts ``tests/`` on ``sys.path`` because it is not a package.
"""
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from quotetrack.records import Attribution, Span, Speaker, stable_id

# The CLI's default tagger is `auto` (the neural one when torch is installed). Tests that do
# not ask for a tagger run the CRF: the neural tagger's own tests (test_neural.py) ask for it,
# and loading torch in every worker process of every CLI test would take minutes.
os.environ.setdefault("QUOTETRACK_TAGGER", "crf")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: this test needs the shared corpora beside the checkout")
    return path


@pytest.fixture
def shared():
    return shared_path


# Made-up offsets: each call without ``at`` gets the next block of 1000 characters, so the
# spans of different attributions never overlap and their order follows the calls.
_next_at = itertools.count(0, 1000)


def make_attribution(article: str = "a1", act: str = "say", speaker: Optional[str] = None,
                     kind: str = "person", target: Optional[str] = None, *,
                     title: Optional[str] = None, aff: Optional[str] = None,
                     date: Optional[str] = None, source: Optional[str] = None,
                     cue: Optional[str] = None, content: Optional[str] = None,
                     text: Optional[str] = None, at: Optional[int] = None) -> Attribution:
    """One attribution for a test, with an id computed the way the extractor computes it.

    Two ways to place its spans:

    * Without ``text`` (made-up offsets; the graph and actor tests need no article): the
      source starts at ``at``, the cue at ``at + 100``, the content at ``at + 120`` and the
      target at ``at + 300``. ``cue`` defaults to ``act`` and ``content`` to ``"something"``;
      ``source`` defaults to ``speaker``. ``at`` defaults to a fresh block per call.
    * With ``text``: each phrase given (``source``, ``cue``, ``content``, ``target``) is found
      at its first occurrence in ``text`` (ValueError when absent); phrases not given stay
      None, so ``cue=None`` really means no cue.

    Args:
        article: The article id.
        act: Speech-act class ("say", "accuse", ...).
        speaker: Name of the resolved speaker; None leaves the attribution without one.
        kind: The speaker's kind ("person", "organization", "country", "group").
        target: Text of the target span.
        title: The speaker's title.
        aff: The speaker's affiliation.
        date: The article date (ISO).
        source: Text of the source span when it differs from the speaker's name.
        cue: Text of the cue span.
        content: Text of the content span.
        text: The article text the phrases are found in (see above).
        at: Start of the made-up offsets (ignored with ``text``).

    Returns:
        An ``indirect`` Attribution.
    """
    if text is not None:
        def span(phrase: Optional[str]) -> Optional[Span]:
            if phrase is None:
                return None
            start = text.index(phrase)
            return Span.of(text, start, start + len(phrase))

        src, cue_span, ct, tg = span(source), span(cue), span(content), span(target)
    else:
        at = next(_next_at) if at is None else at
        src_text = source or speaker
        cue, content = cue or act, content or "something"
        src = Span(src_text, at, at + len(src_text)) if src_text else None
        cue_span = Span(cue, at + 100, at + 100 + len(cue))
        ct = Span(content, at + 120, at + 120 + len(content))
        tg = Span(target, at + 300, at + 300 + len(target)) if target else None
    sp = Speaker(stable_id(speaker, kind), speaker, kind, title, aff) if speaker else None
    return Attribution(Attribution.make_id(article, cue_span, ct), article, "indirect", act,
                       src, cue_span, ct, tg, sp, date)


def run_python(code: str, *, hashseed: str) -> str:
    """Run ``code`` in a fresh interpreter with ``PYTHONHASHSEED=hashseed``; return its stdout.

    For checks that a result does not depend on the process: string hashes (and so set
    iteration order) differ between seeds, so anything derived from ``hash()`` shows up.
    """
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=str(ROOT),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


# Made-up news for the extraction-run tests (distributed, Parquet, --append): short articles
# with direct quotes, accusations and denials between invented people and countries.
_PEOPLE = [("Foreign Minister", "Lena Varga", "Norland"), ("Prime Minister", "Tomas Brel", "Ostland"),
           ("Defence Minister", "Ada Kovic", "Sudmark"), ("President", "Ivo Lind", "Westria")]
_QUOTES = ["We will not be intimidated", "The border stays open", "Talks must resume this week",
           "Our patience has limits", "The ceasefire is holding", "Nobody wants another winter of this"]


def news_text(i: int) -> str:
    """The i-th made-up article: a dated title line, a quote, an accusation and a denial."""
    title, name, country = _PEOPLE[i % len(_PEOPLE)]
    _, other, other_country = _PEOPLE[(i + 1) % len(_PEOPLE)]
    quote, answer = _QUOTES[i % len(_QUOTES)], _QUOTES[(i + 3) % len(_QUOTES)]
    return (f"date 2031-{1 + i % 12:02d}-{1 + i % 27:02d} Talks, round {i}\n\n"
            f"{title} {name} of {country} declared: \u201c{quote}.\u201d\n\n"
            f"{name.split()[1]} accused {other_country} of bad faith in round {i}.\n\n"
            f"{other} denied the claim on day {i}. \u201c{answer},\u201d {other.split()[1]} said.\n")


def write_news(folder: Path, n: int = 6, *, jsonl: int = 0, start: int = 0) -> Path:
    """``n`` made-up .txt articles in ``folder`` (``NN.txt``), plus ``jsonl`` more as records of
    ``folder/feed.jsonl`` (ids ``feed-K``); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"{i:02d}.txt").write_text(news_text(i), encoding="utf-8")
    if jsonl:
        with open(folder / "feed.jsonl", "w", encoding="utf-8") as f:
            for k in range(jsonl):
                f.write(json.dumps({"text": news_text(100 + k), "title": f"feed {k}"}) + "\n")
    return folder
