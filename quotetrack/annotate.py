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

from .lexicon import CLOSING_QUOTES, OPENING_QUOTES
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
            while j < n and (tokens[j][0] in CLOSING_QUOTES or tokens[j][0] in ")]") \
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
            or nxt[0] in OPENING_QUOTES
    c = nxt[0]
    return c.isupper() or c.isdigit() or c in OPENING_QUOTES or c in "([-—"


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

    Pipelines are built lazily (importing stanza costs ~2 s) and never download:
    ``download_method=None``. Articles go through in batches (``bulk_process``).

    Speed: tokenize+mwt run on every sentence, but the heavy processors (pos, lemma,
    depparse, ner) only on sentences that can hold an attribution -- a quotation mark or a
    word that starts a reporting cue (:func:`quotetrack.dependency.sentence_can_attribute`).
    Those sentences, from every article of a batch, go as pre-tokenized words to a second
    pipeline in one call. Other sentences keep tokens only (no lemma, tags, parse or
    entities). ``selective=False`` parses everything; with coref (which needs whole
    documents) everything is parsed anyway.

    Args:
        models_dir: Stanza model folder (default ``$STANZA_RESOURCES_DIR`` or Stanza's own).
        processors: Processors to use; default: every installed one but coref. Asking for
            one that is not installed raises :class:`ModelsMissing`.
        device: ``auto``, ``cpu`` or ``cuda``.
        batch_size: Articles per batch.
        selective: Run the heavy processors only on candidate sentences.

    Raises:
        ModelsMissing: No tokenizer, or a requested processor is missing; the message names
            the command that installs it.
    """

    name = "stanza"
    #: Processors that run only on sentences that can hold an attribution.
    HEAVY = ("pos", "lemma", "depparse", "ner")

    def __init__(self, models_dir: Optional[os.PathLike] = None, *, processors: Optional[Sequence[str]] = None,
                 device: str = "auto", batch_size: int = 32, selective: bool = True):
        self.models_dir = Path(models_dir) if models_dir else default_models_dir()
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"unknown device {device!r}: use auto, cpu or cuda")
        where = "" if models_dir is None else f" --models-dir {self.models_dir}"
        available = installed_processors(self.models_dir)
        if "tokenize" not in available:
            raise ModelsMissing(
                f"no Stanza English tokenize model under {self.models_dir}; "
                f"run `quotetrack models download{where}` or pass --models-dir / set STANZA_RESOURCES_DIR")
        explicit = processors is not None
        wanted = [p.strip().lower() for p in processors] if explicit else [p for p in PROCESSORS if p != "coref"]
        unknown = [p for p in wanted if p not in PROCESSORS]
        if unknown:
            raise ValueError(f"unknown Stanza processor(s) {', '.join(unknown)}; choose from {', '.join(PROCESSORS)}")
        if "depparse" in wanted:
            wanted += [p for p in ("pos", "lemma") if p not in wanted]
        # A model file is not enough: pos, depparse and ner also need their embeddings.
        from .models import status as _status

        loadable = set(_status(self.models_dir).loadable) if set(wanted) & set(self.HEAVY) else set(available)
        missing = [p for p in PROCESSORS if p in wanted
                   and (p not in available or (p in self.HEAVY and p not in loadable))]
        if explicit and missing:
            extra = " --coref" if "coref" in missing else ""
            procs = ",".join(p for p in missing if p != "coref")
            cmd = f"quotetrack models download{' --processors ' + procs if procs else ''}{extra}{where}"
            raise ModelsMissing(
                f"Stanza processor(s) {', '.join(missing)} not installed under {self.models_dir}; run `{cmd}`")
        unusable = [p for p in missing if p in available]
        if unusable:
            log.warning("Stanza %s installed under %s but not loadable (embeddings missing?); "
                        "see `quotetrack models status`", ", ".join(unusable), self.models_dir)
        chosen = [p for p in PROCESSORS if p in wanted and p not in missing]
        if "depparse" in chosen and not {"pos", "lemma"} <= set(chosen):
            chosen.remove("depparse")
        if "coref" in chosen:
            import importlib.util

            if any(importlib.util.find_spec(m) is None for m in ("transformers", "peft")):
                raise ModelsMissing("Stanza's coref model needs transformers and peft: "
                                    "pip install 'quotetrack[coref]'")
        self.processors = frozenset(chosen)
        self.device = device
        self.batch_size = batch_size
        self.selective = selective and bool(self.processors & set(self.HEAVY)) and "coref" not in self.processors
        self._nlp = None
        self._heavy = None

    def _pipeline(self, processors: Sequence[str], **extra):
        try:
            import stanza
        except ImportError as exc:  # pragma: no cover - stanza is a dependency
            raise ModelsMissing("stanza is not installed: pip install stanza") from exc
        kwargs = dict(lang="en", dir=str(self.models_dir), download_method=None,
                      processors=",".join(processors), logging_level="WARN", **extra)
        use_gpu = {"auto": None, "cpu": False, "cuda": True}[self.device]
        if use_gpu is not None:
            kwargs["use_gpu"] = use_gpu
        try:
            return stanza.Pipeline(**kwargs)
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise ModelsMissing(f"could not load Stanza models ({','.join(processors)}) from {self.models_dir}: "
                                f"{first}; run `quotetrack models status` to see what is missing") from exc

    @property
    def nlp(self):
        """The pipeline every sentence goes through (tokenize+mwt when selective)."""
        if self._nlp is None:
            procs = [p for p in PROCESSORS if p in self.processors
                     and (not self.selective or p not in self.HEAVY)]
            self._nlp = self._pipeline(procs)
        return self._nlp

    @property
    def heavy_nlp(self):
        """The pipeline for candidate sentences: pre-tokenized words in, tags/parse/NER out."""
        if self._heavy is None:
            procs = ["tokenize"] + [p for p in self.HEAVY if p in self.processors]
            self._heavy = self._pipeline(procs, tokenize_pretokenized=True)
        return self._heavy

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        batch: List[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, batch: List[Article]) -> Iterator[AnnotatedArticle]:
        from stanza.models.common.doc import Document

        docs = self.nlp.bulk_process([Document([], text=a.text) for a in batch])
        if not self.selective:
            for article, doc in zip(batch, docs):
                yield from_stanza_document(article, doc, self.processors)
            return
        from .dependency import sentence_can_attribute

        picks: List[Tuple[int, int]] = []
        words: List[List[str]] = []
        for di, doc in enumerate(docs):
            for si, sent in enumerate(doc.sentences):
                ws = [w.text for w in sent.words]
                if ws and sentence_can_attribute(ws):
                    picks.append((di, si))
                    words.append(ws)
        parsed: Dict[int, Dict[int, object]] = {}
        if words:
            heavy = self.heavy_nlp(words)
            for (di, si), hs in zip(picks, heavy.sentences):
                parsed.setdefault(di, {})[si] = hs
        for di, (article, doc) in enumerate(zip(batch, docs)):
            yield from_stanza_document(article, doc, self.processors, parsed=parsed.get(di, {}))


def from_stanza_document(article: Article, doc, processors: Iterable[str], *,
                         parsed: Optional[Dict[int, object]] = None) -> AnnotatedArticle:
    """Convert a ``stanza.Document`` whose text is ``article.text`` into an AnnotatedArticle.

    Works for pipeline output and for Documents built from CoNLL-U (offsets come from
    ``start_char``/``end_char``; words of a multi-word token share the token's span).

    Args:
        parsed: For selective parsing: sentence index -> a Stanza ``Sentence`` holding the
            same words with tags, lemmas, parse and NER (from the pre-tokenized pipeline);
            those fields of the other sentences stay empty. When given, entities come from
            the parsed sentences' NER tags.
    """
    tokens: List[Token] = []
    sentences: List[Tuple[int, int]] = []
    entities: List[Entity] = []
    for k, sent in enumerate(doc.sentences):
        first = len(tokens)
        heavy = parsed.get(k) if parsed is not None else None
        hwords = list(heavy.words) if heavy is not None else None
        if hwords is not None and len(hwords) != len(sent.words):  # pragma: no cover - defensive
            hwords = None
        j = 0
        for tok in sent.tokens:
            for word in tok.words:
                s = word.start_char if getattr(word, "start_char", None) is not None else tok.start_char
                e = word.end_char if getattr(word, "end_char", None) is not None else tok.end_char
                src = hwords[j] if hwords is not None else word
                if parsed is not None and hwords is None:
                    tokens.append(Token(word.text, s, e, k))
                else:
                    head = (first + src.head - 1) if src.head else None
                    ner = getattr(src.parent, "ner", None) if hwords is not None else getattr(tok, "ner", None)
                    tokens.append(Token(word.text, s, e, k, src.lemma, src.upos, src.xpos,
                                        head, src.deprel, ner))
                j += 1
        sentences.append((first, len(tokens)))
    if parsed is not None:
        entities = entities_from_tags([t.ner for t in tokens])
    else:
        starts = [t.start for t in tokens]
        for ent in getattr(doc, "ents", []) or []:
            a = _char_to_token(starts, ent.start_char)
            b = _char_to_token(starts, ent.end_char - 1) + 1
            entities.append(Entity(a, b, ent.type))
    coref: List[List[Tuple[int, int]]] = []
    for chain in getattr(doc, "coref", None) or []:
        ranges = []
        for m in chain.mentions:
            if not isinstance(m.start_word, int) or m.sentence >= len(sentences):
                continue  # zero anaphora
            base = sentences[m.sentence][0]
            ranges.append((base + m.start_word, base + m.end_word))
        rep = chain.representative_index
        if rep is not None and 0 <= rep < len(chain.mentions) and isinstance(chain.mentions[rep].start_word, int):
            m = chain.mentions[rep]
            first_range = (sentences[m.sentence][0] + m.start_word, sentences[m.sentence][0] + m.end_word)
            ranges = [first_range] + sorted(r for r in ranges if r != first_range)
        else:
            ranges.sort()
        if len(ranges) > 1:
            coref.append(ranges)
    return AnnotatedArticle(article, tokens, sentences, frozenset(processors), entities, coref)


def entities_from_tags(tags: Sequence[Optional[str]]) -> List[Entity]:
    """Entity spans from per-token BIOES (or BIO) NER tags; None counts as "O"."""
    out: List[Entity] = []
    start, typ = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        tag = tag or "O"
        prefix, _, t = tag.partition("-")
        if prefix in ("B", "S") or tag == "O" or (prefix in ("I", "E") and t != typ):
            if start is not None:
                out.append(Entity(start, i, typ))
                start, typ = None, None
        if prefix in ("B", "S", "I", "E") and t and start is None:
            start, typ = i, t
        if prefix in ("E", "S") and start is not None:
            out.append(Entity(start, i + 1, typ))
            start, typ = None, None
    return out


def _char_to_token(starts: Sequence[int], char: int) -> int:
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
