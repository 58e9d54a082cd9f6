"""Annotators: articles in, tokens and sentences (and, when models allow, parses) out.

Two annotators share one interface: ``annotate(articles) -> Iterator[AnnotatedArticle]``.

* :class:`BuiltinAnnotator` -- a pure-Python tokenizer and sentence splitter; always
  available and fast.
* :class:`StanzaAnnotator` -- Stanza with whatever English processors are installed
  (tokenize+mwt at least; pos, lemma, depparse, ner when present).

Everything downstream reads :class:`AnnotatedArticle`, so extraction does not care which
annotator ran; it checks ``doc.has("depparse")`` to pick the dependency-based path.
"""
from __future__ import annotations

import bisect
import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple

from .records import Article

log = logging.getLogger(__name__)

#: Processors quotetrack can use, in Stanza's names.
PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner", "coref")


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


@dataclass
class AnnotatedArticle:
    """An article with its tokens, sentences and whatever else the annotator produced."""

    article: Article
    tokens: List[Token]
    sentences: List[Tuple[int, int]]  # token index ranges [start, end)
    processors: FrozenSet[str] = frozenset({"tokenize"})
    entities: List[Entity] = field(default_factory=list)
    # Coreference chains as lists of token ranges; the first mention is the representative.
    coref: List[List[Tuple[int, int]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text

    def has(self, processor: str) -> bool:
        return processor in self.processors

    def token_at(self, char: int) -> int:
        """Index of the token containing or following character offset ``char``."""
        starts = self._starts()
        i = bisect.bisect_right(starts, char) - 1
        if i >= 0 and self.tokens[i].end > char:
            return i
        return i + 1

    def _starts(self) -> List[int]:
        cached = getattr(self, "_start_cache", None)
        if cached is None or len(cached) != len(self.tokens):
            cached = [t.start for t in self.tokens]
            self._start_cache = cached
        return cached

    def in_skip_range(self, char: int) -> bool:
        return any(s <= char < e for s, e in self.article.skip_ranges)


class Annotator:
    """Interface: turn articles into :class:`AnnotatedArticle` objects, lazily."""

    name = "abstract"
    processors: FrozenSet[str] = frozenset()

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        raise NotImplementedError


# --------------------------------------------------------------------------------------
# Built-in tokenizer and sentence splitter
# --------------------------------------------------------------------------------------

_DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def _abbreviations() -> FrozenSet[str]:
    words = set()
    for line in (_DATA / "abbreviations.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line.lower().rstrip("."))
    return frozenset(words)


# Order matters: the first alternative that matches at a position wins.
_TOKEN_RE = re.compile(
    r"""
    https?://\S+[^\s.,;:!?"'”’)\]]            # URLs
  | [\w.+-]+@[\w-]+\.[\w.-]*\w                 # e-mail addresses
  | (?:[A-Za-z]\.){2,}                          # U.S. / a.m.
  | \d+(?:[.,:]\d+)*(?:st|nd|rd|th|s|%)?        # numbers, 1,000.5, 1990s, 24-hour parts
  | [\w]+(?:[-'’&][\w]+)*(?=n['’]t\b)           # stem of a negative contraction (did|n't)
  | n['’]t\b                                    # the n't part
  | ['’](?:s|re|ve|ll|d|m|S|RE|VE|LL|D|M)\b     # clitics 's 're
  | \w+(?:[-&]\w+)*(?:['’]\w+)?\.?              # words, hyphenated words; maybe a period
  | -{2,}|\.{2,}|…                              # dashes and ellipses
  | \S                                          # any other single character
    """,
    re.VERBOSE | re.UNICODE,
)

_OPENING_QUOTES = "\"“‘«‹„'"
_CLOSING_QUOTES = "\"”’»›'"
_SENT_END = ".!?…"


def tokenize(text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[str, int, int]]:
    """Split ``text[start:end]`` into (token, start, end) triples with absolute offsets.

    A trailing period stays on a word only when the word is a known abbreviation or a
    single capital letter (an initial); otherwise it becomes its own token.
    """
    abbrevs = _abbreviations()
    out: List[Tuple[str, int, int]] = []
    end = len(text) if end is None else end
    for m in _TOKEN_RE.finditer(text, start, end):
        tok, s, e = m.group(), m.start(), m.end()
        if len(tok) > 1 and tok.endswith(".") and not re.fullmatch(r"(?:[A-Za-z]\.){2,}", tok):
            stem = tok[:-1]
            if not (stem.lower() in abbrevs or (len(stem) == 1 and stem.isupper())):
                out.append((stem, s, e - 1))
                out.append((".", e - 1, e))
                continue
        out.append((tok, s, e))
    return out


def split_sentences(text: str, tokens: Sequence[Tuple[str, int, int]]) -> List[Tuple[int, int]]:
    """Group tokens into sentences; returns token index ranges.

    A sentence ends after . ! ? (plus any closing quotes/brackets) when the next token
    starts with a capital, a digit or an opening quote, and at every line break.
    """
    sents: List[Tuple[int, int]] = []
    n = len(tokens)
    begin = 0
    i = 0
    while i < n:
        tok, s, e = tokens[i]
        boundary = False
        j = i + 1
        if tok in _SENT_END or tok == "..." or (tok.endswith(".") and len(tok) > 1 and tok[-2:] != ".."
                                                and tok.lower().rstrip(".") in _abbreviations()
                                                and _followed_by_sentence_start(tokens, j, strict=True)):
            # absorb closing quotes and brackets
            while j < n and (tokens[j][0] in _CLOSING_QUOTES or tokens[j][0] in ")]") \
                    and tokens[j][1] == tokens[j - 1][2]:
                j += 1
            if tok in _SENT_END or tok == "...":
                boundary = _followed_by_sentence_start(tokens, j, strict=False)
            else:
                boundary = True
        if not boundary and j < n and "\n" in text[tokens[j - 1][2]:tokens[j][1]]:
            boundary = True
        if boundary or j >= n:
            sents.append((begin, j))
            begin = j
        i = j
    if begin < n:
        sents.append((begin, n))
    return sents


def _followed_by_sentence_start(tokens, j: int, *, strict: bool) -> bool:
    if j >= len(tokens):
        return True
    nxt = tokens[j][0]
    if strict:  # after an abbreviation, only a clear new-sentence opener counts
        return nxt in ("The", "He", "She", "It", "They", "We", "I", "But", "In", "A", "This") \
            or nxt[0] in _OPENING_QUOTES
    c = nxt[0]
    return c.isupper() or c.isdigit() or c in _OPENING_QUOTES or c in "([-—"


class BuiltinAnnotator(Annotator):
    """Pure-Python tokenizer and sentence splitter. Thread- and fork-safe, no models."""

    name = "builtin"
    processors = frozenset({"tokenize"})

    def annotate_one(self, article: Article) -> AnnotatedArticle:
        raw = tokenize(article.text)
        sents = split_sentences(article.text, raw)
        tokens: List[Token] = []
        for k, (a, b) in enumerate(sents):
            for t, s, e in raw[a:b]:
                tokens.append(Token(t, s, e, k))
        return AnnotatedArticle(article, tokens, sents, self.processors)

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        for article in articles:
            yield self.annotate_one(article)


# --------------------------------------------------------------------------------------
# Stanza
# --------------------------------------------------------------------------------------

class ModelsMissing(RuntimeError):
    """Stanza or its English models are not installed where we looked."""


def default_models_dir() -> Path:
    """Where Stanza keeps models: ``$STANZA_RESOURCES_DIR`` or Stanza's own default."""
    env = os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env)
    try:
        from stanza.resources.common import DEFAULT_MODEL_DIR  # cheap: no torch import
        return Path(DEFAULT_MODEL_DIR)
    except Exception:  # stanza not importable
        return Path.home() / "stanza_resources"


def installed_processors(models_dir: Optional[os.PathLike] = None) -> Dict[str, Path]:
    """English processors whose model files exist under ``models_dir``: {processor: path}."""
    root = Path(models_dir) if models_dir else default_models_dir()
    found: Dict[str, Path] = {}
    en = root / "en"
    if not (root / "resources.json").is_file() or not en.is_dir():
        return found
    for proc in PROCESSORS:
        d = en / proc
        if d.is_dir() and any(d.glob("*.pt")):
            found[proc] = d
    return found


class StanzaAnnotator(Annotator):
    """Stanza with whichever English processors are installed.

    The pipeline is built lazily (importing stanza costs ~2 s) and never downloads:
    ``download_method=None``. Articles are processed in batches with ``bulk_process``.
    """

    name = "stanza"

    def __init__(self, models_dir: Optional[os.PathLike] = None, *, processors: Optional[Sequence[str]] = None,
                 device: str = "auto", batch_size: int = 32):
        self.models_dir = Path(models_dir) if models_dir else default_models_dir()
        available = installed_processors(self.models_dir)
        if "tokenize" not in available:
            raise ModelsMissing(
                f"no Stanza English tokenize model under {self.models_dir}; "
                f"run `quotetrack models download` or pass --models-dir / set STANZA_RESOURCES_DIR")
        wanted = list(processors) if processors else [p for p in PROCESSORS if p != "coref"]
        missing = [p for p in wanted if p not in available and p != "coref"]
        if processors and missing:
            raise ModelsMissing(
                f"Stanza processors {', '.join(missing)} are not installed under {self.models_dir}; "
                f"run `quotetrack models download --processors {','.join(missing)}`")
        self.processors = frozenset(p for p in wanted if p in available)
        self.device = device
        self.batch_size = batch_size
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            try:
                import stanza
            except ImportError as exc:  # pragma: no cover - stanza is a dependency
                raise ModelsMissing("stanza is not installed: pip install stanza") from exc
            use_gpu = {"auto": None, "cpu": False, "cuda": True}[self.device]
            kwargs = dict(lang="en", dir=str(self.models_dir), download_method=None,
                          processors=",".join(p for p in PROCESSORS if p in self.processors),
                          logging_level="WARN")
            if use_gpu is not None:
                kwargs["use_gpu"] = use_gpu
            try:
                self._nlp = stanza.Pipeline(**kwargs)
            except Exception as exc:
                raise ModelsMissing(f"could not load Stanza models from {self.models_dir}: {exc}") from exc
        return self._nlp

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        import stanza  # noqa: F401  (already imported by .nlp; keeps Document import local)
        from stanza.models.common.doc import Document

        batch: List[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                yield from self._run(batch, Document)
                batch = []
        if batch:
            yield from self._run(batch, Document)

    def _run(self, batch: List[Article], Document) -> Iterator[AnnotatedArticle]:
        docs = self.nlp.bulk_process([Document([], text=a.text) for a in batch])
        for article, doc in zip(batch, docs):
            yield from_stanza_document(article, doc, self.processors)


def from_stanza_document(article: Article, doc, processors: Iterable[str]) -> AnnotatedArticle:
    """Convert a ``stanza.Document`` whose text is ``article.text`` into an AnnotatedArticle.

    Works for pipeline output and for Documents built from CoNLL-U (offsets come from
    ``start_char``/``end_char``; words of a multi-word token share the token's span).
    """
    tokens: List[Token] = []
    sentences: List[Tuple[int, int]] = []
    entities: List[Entity] = []
    for k, sent in enumerate(doc.sentences):
        first = len(tokens)
        for tok in sent.tokens:
            for word in tok.words:
                s = word.start_char if getattr(word, "start_char", None) is not None else tok.start_char
                e = word.end_char if getattr(word, "end_char", None) is not None else tok.end_char
                head = (first + word.head - 1) if word.head else None
                tokens.append(Token(word.text, s, e, k, word.lemma, word.upos, word.xpos,
                                    head, word.deprel, getattr(tok, "ner", None)))
        sentences.append((first, len(tokens)))
    for ent in getattr(doc, "ents", []) or []:
        a = _char_to_token(tokens, ent.start_char)
        b = _char_to_token(tokens, ent.end_char - 1) + 1
        entities.append(Entity(a, b, ent.type))
    return AnnotatedArticle(article, tokens, sentences, frozenset(processors), entities)


def _char_to_token(tokens: Sequence[Token], char: int) -> int:
    starts = [t.start for t in tokens]
    return max(0, bisect.bisect_right(starts, char) - 1)


def make_annotator(kind: str = "auto", *, models_dir: Optional[os.PathLike] = None,
                   device: str = "auto") -> Annotator:
    """``auto`` = Stanza when its English tokenize model is found, else the built-in one."""
    if kind == "builtin":
        return BuiltinAnnotator()
    if kind == "stanza":
        return StanzaAnnotator(models_dir, device=device)
    if kind != "auto":
        raise ValueError(f"unknown annotator {kind!r}: use auto, builtin or stanza")
    if "tokenize" in installed_processors(models_dir):
        return StanzaAnnotator(models_dir, device=device)
    return BuiltinAnnotator()
