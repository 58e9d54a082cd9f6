"""The data model: every record quotetrack reads, builds or writes.

Records are frozen dataclasses with flat, serialisable fields. Offsets are 0-based,
end-exclusive Python ``str`` offsets into the article text exactly as read.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Optional, Tuple

#: Values of ``Attribution.kind``.
KINDS = ("direct", "mixed", "indirect")
#: Values of ``Speaker.kind``.
SPEAKER_KINDS = ("person", "organization", "country", "group")


def stable_id(*parts: object, length: int = 16) -> str:
    """A short hex digest of ``parts``: the same inputs give the same id on every run."""
    # surrogatepass: a lone surrogate (broken JSON escapes) still hashes, the same way every run
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:length]


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_hash(text: str) -> str:
    """The ``text_hash`` column of ``articles.csv``: 16 hex digits of the SHA-1 of ``text``.

    The same text gives the same hash on every run and machine; ``extract --append`` skips an
    article whose id and hash are already in the output folder.
    """
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (which no UTF-8 file can hold) replaced by U+FFFD.

    One code point for one: every offset into the text stays valid.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


@dataclass(frozen=True)
class Article:
    """One article as read, before any annotation.

    ``text`` is the whole decoded input (for .txt files, header line included) and every
    offset quotetrack reports indexes it. ``skip_ranges`` are (start, end) character
    ranges of page boilerplate that must yield no attributions.
    """

    article_id: str
    text: str
    title: Optional[str] = None
    date: Optional[str] = None  # ISO YYYY-MM-DD
    source: Optional[str] = None
    url: Optional[str] = None
    path: Optional[str] = None
    skip_ranges: Tuple[Tuple[int, int], ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ArticleStatus:
    """One row of ``articles.csv``: what happened to one input article or record."""

    article_id: str
    path: Optional[str]
    status: str  # "ok" or "error"
    message: str = ""
    title: Optional[str] = None
    date: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    chars: int = 0
    attributions: int = 0
    # What ``extract --append`` compares to tell an unchanged article from a changed one:
    # :func:`text_hash` of the text as read ("" for an input that could not be read).
    text_hash: str = ""
    # How it was extracted: "<annotator>+<tagger>", e.g. "builtin+neural" ("" when not extracted).
    extractor: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Span:
    """A piece of article text: ``text == article.text[start:end]``."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(text[start:end], start, end)


@dataclass(frozen=True)
class Speaker:
    """Who made a statement, resolved inside one article."""

    id: str
    name: str
    kind: str  # one of SPEAKER_KINDS
    title: Optional[str] = None
    affiliation: Optional[str] = None
    # The evidence, so an analyst can check the decision: how the source was resolved
    # (one of RESOLUTIONS), the role a spokesperson spoke in ("spokesman"), and the
    # article's mention [start, end) that names the speaker when the source itself does not
    # ("he" -> the earlier "Foreign Minister Lena Varga").
    via: Optional[str] = None
    role: Optional[str] = None
    named_start: Optional[int] = None
    named_end: Optional[int] = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Speaker":
        known = {f: d.get(f) for f in SPEAKER_FIELDS if f in d}
        return cls(**known)


@dataclass(frozen=True)
class Attribution:
    """One quote or reported claim: who (source) said (cue) what (content) against whom (target)."""

    id: str
    article_id: str
    kind: str  # one of KINDS
    act: str  # speech-act class from the cue lexicon ("say", "accuse", ...)
    source: Optional[Span]
    cue: Optional[Span]
    content: Optional[Span]
    target: Optional[Span] = None
    speaker: Optional[Speaker] = None
    # Context carried for downstream tables; not part of the identity.
    date: Optional[str] = field(default=None, compare=False)
    # The actor the target phrase refers to (resolved like a speaker), or None when it
    # names no actor ("the plans", "the fact").
    target_actor: Optional[Speaker] = None

    @staticmethod
    def make_id(article_id: str, cue: Optional[Span], content: Optional[Span]) -> str:
        # The texts are hashed too: two different articles that happen to share an id
        # (row numbers of two batches' news.jsonl) must not produce the same attribution id.
        anchor = cue or content
        c = content or cue
        return stable_id(article_id, anchor.start if anchor else -1, anchor.end if anchor else -1,
                         c.start if c else -1, c.end if c else -1,
                         anchor.text if anchor else "", c.text if c else "")

    def to_dict(self) -> dict:
        """The JSONL record of the output contract."""
        def span(s: Optional[Span]):
            return s.to_dict() if s is not None else None

        return {
            "id": self.id,
            "article_id": self.article_id,
            "date": self.date,
            "kind": self.kind,
            "act": self.act,
            "source": span(self.source),
            "cue": span(self.cue),
            "content": span(self.content),
            "target": span(self.target),
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "target_actor": self.target_actor.to_dict() if self.target_actor else None,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Attribution":
        def span(v):
            return Span(v["text"], int(v["start"]), int(v["end"])) if v else None

        for key in ("id", "article_id", "kind", "act"):
            if not isinstance(d.get(key), str):
                raise TypeError(f"attribution field {key!r} must be a string, not {type(d.get(key)).__name__}")
        sp = d.get("speaker")
        ta = d.get("target_actor")
        return cls(
            id=d["id"], article_id=d["article_id"], kind=d["kind"], act=d["act"],
            source=span(d.get("source")), cue=span(d.get("cue")), content=span(d.get("content")),
            target=span(d.get("target")),
            speaker=Speaker.from_dict(sp) if sp else None,
            target_actor=Speaker.from_dict(ta) if ta else None, date=d.get("date"),
        )

    def to_row(self) -> dict:
        """The flat row of ``attributions.csv``."""
        row = {"id": self.id, "article_id": self.article_id, "date": self.date,
               "kind": self.kind, "act": self.act}
        for role in ("source", "cue", "content", "target"):
            s = getattr(self, role)
            row[f"{role}_text"] = s.text if s else None
            row[f"{role}_start"] = s.start if s else None
            row[f"{role}_end"] = s.end if s else None
        sp = self.speaker
        for key in SPEAKER_FIELDS:
            row[f"speaker_{key}"] = getattr(sp, key) if sp else None
        ta = self.target_actor
        for key in TARGET_ACTOR_FIELDS:
            row[f"target_actor_{key}"] = getattr(ta, key) if ta else None
        return row


#: Fields of a speaker record, in column order.
SPEAKER_FIELDS = ("id", "name", "kind", "title", "affiliation", "via", "role", "named_start", "named_end")
#: The target actor's fields that ``attributions.csv`` carries.
TARGET_ACTOR_FIELDS = ("id", "name", "kind", "affiliation", "via")
#: Column order of ``attributions.csv``.
ATTRIBUTION_COLUMNS = tuple(
    ["id", "article_id", "date", "kind", "act"]
    + [f"{r}_{k}" for r in ("source", "cue", "content", "target") for k in ("text", "start", "end")]
    + [f"speaker_{k}" for k in SPEAKER_FIELDS]
    + [f"target_actor_{k}" for k in TARGET_ACTOR_FIELDS]
)
#: Column order of ``articles.csv``.
ARTICLE_COLUMNS = ("article_id", "path", "status", "message", "title", "date", "source", "url",
                   "chars", "attributions", "text_hash", "extractor")
