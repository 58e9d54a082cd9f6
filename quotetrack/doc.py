"""The document model every stage reads: tokens, sentences, entities, coreference.

Annotators (:mod:`quotetrack.nlp`) and the CoNLL-U reader build :class:`AnnotatedArticle`
objects; extraction, speakers and evaluation only read them. Everything here is frozen:
a stage that needs a changed document makes a new one (``dataclasses.replace``).
Token ranges are 0-based and end-exclusive everywhere: ``(start, end)`` = ``tokens[start:end]``.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from itertools import compress, repeat
from operator import ne
from typing import FrozenSet, List, Optional, Sequence, Tuple

from .records import Article

#: A token range [start, end).
TokenRange = Tuple[int, int]
#: Paragraphs longer than this (tokens) are split at sentence boundaries.
MAX_PARAGRAPH_TOKENS = 1500


@dataclass(frozen=True)
class Token:
    """One word. ``head`` indexes ``AnnotatedArticle.tokens`` (None for the root or unparsed)."""

    text: str
    start: int
    end: int
    sent: int
    lemma: Optional[str] = None
    upos: Optional[str] = None
    xpos: Optional[str] = None
    head: Optional[int] = None
    deprel: Optional[str] = None
    ner: Optional[str] = None  # BIOES tag, e.g. "S-PERSON"


@dataclass(frozen=True)
class Entity:
    """A named-entity mention over tokens ``[start, end)``."""

    start: int
    end: int
    type: str  # PERSON, ORG, GPE, NORP, ...




@dataclass(frozen=True)
class AnnotatedArticle:
    """An article with its tokens, sentences and whatever else the annotator produced."""

    article: Article
    tokens: Tuple[Token, ...]
    sentences: Tuple[TokenRange, ...]  # token index ranges [start, end)
    processors: FrozenSet[str] = frozenset({"tokenize"})
    entities: Tuple[Entity, ...] = ()
    # Coreference chains as token ranges; the first mention is the representative.
    coref: Tuple[Tuple[TokenRange, ...], ...] = ()
    _starts: List[int] = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        # Normalise to tuples so the document cannot be changed in place after it is built.
        object.__setattr__(self, "tokens", tuple(self.tokens))
        object.__setattr__(self, "sentences", tuple(tuple(s) for s in self.sentences))
        object.__setattr__(self, "processors", frozenset(self.processors))
        object.__setattr__(self, "entities", tuple(self.entities))
        object.__setattr__(self, "coref", tuple(tuple(tuple(m) for m in c) for c in self.coref))
        object.__setattr__(self, "_starts", [t.start for t in self.tokens])

    @property
    def text(self) -> str:
        return self.article.text

    def with_text(self, text: str) -> "AnnotatedArticle":
        """The same annotation laid on ``text``, an equivalent text with the same offsets.

        CoNLL-U keeps no line breaks between sentences, so a parse read back from it has lost
        the paragraph layout the taggers read; when the text the parse was made from is at
        hand, this puts it back.

        Raises:
            ValueError: a token's characters differ from ``text`` at its offsets.
        """
        for t in self.tokens:
            if text[t.start:t.end] != t.text:
                raise ValueError(f"{self.article.article_id}: token {t.text!r} at {t.start} "
                                 f"is {text[t.start:t.end]!r} in the text given")
        return replace(self, article=replace(self.article, text=text))

    def has(self, processor: str) -> bool:
        return processor in self.processors

    def token_at(self, char: int) -> int:
        """Index of the token containing or following character offset ``char``."""
        i = bisect.bisect_right(self._starts, char) - 1
        if i >= 0 and self.tokens[i].end > char:
            return i
        return i + 1

    def in_skip_range(self, char: int) -> bool:
        return any(s <= char < e for s, e in self.article.skip_ranges)

    def paragraphs(self) -> List[TokenRange]:
        """Token ranges of paragraphs: runs of sentences not separated by a line break.

        A paragraph stops growing at :data:`MAX_PARAGRAPH_TOKENS` (at a sentence boundary), so
        a one-line article of megabytes is tagged in bounded pieces.
        """
        out: List[TokenRange] = []
        text, toks = self.text, self.tokens
        for a, b in self.sentences:
            if a == b:
                continue
            if out and "\n" not in text[toks[out[-1][1] - 1].end:toks[a].start] \
                    and b - out[-1][0] <= MAX_PARAGRAPH_TOKENS:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        return out


def entities_from_tags(tags: Sequence[Optional[str]]) -> List[Entity]:
    """Entity spans from per-token BIOES (or BIO) NER tags; None and "" count as "O".

    Only the tagged tokens are visited (most are "O"): a gap between two of them is an "O",
    which ends an open entity.
    """
    out: List[Entity] = []
    start, typ = None, None
    last = -2
    for i in compress(range(len(tags)), map(ne, tags, repeat("O"))):
        if not tags[i]:
            continue  # None or "": an "O" (the gap check below closes what it ends)
        if start is not None and i != last + 1:
            out.append(Entity(start, last + 1, typ))
            start, typ = None, None
        prefix, _, t = tags[i].partition("-")
        if prefix in ("B", "S") or (prefix in ("I", "E") and t != typ):
            if start is not None:
                out.append(Entity(start, i, typ))
                start, typ = None, None
        if prefix in ("B", "S", "I", "E") and t and start is None:
            start, typ = i, t
        if prefix in ("E", "S") and start is not None:
            out.append(Entity(start, i + 1, typ))
            start, typ = None, None
        last = i
    if start is not None:
        out.append(Entity(start, last + 1, typ))
    return out
