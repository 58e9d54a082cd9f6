"""What the extraction paths hand to the finishing step: character spans, no decisions yet."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

#: A character span [start, end) into the article text.
CharSpan = Tuple[int, int]


@dataclass(frozen=True)
class TaggedSpan:
    """A labelled token range from the tagger or a rule: tokens [start, end)."""

    label: str  # SRC, CUE or CON
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """An attribution before acts, kinds and speakers are decided: character spans."""

    cue: CharSpan
    content: Optional[CharSpan]
    source: Optional[CharSpan] = None
    target: Optional[CharSpan] = None
    act: Optional[str] = None  # when a rule knows it better than the cue lexicon ("I mean" -> believe)
