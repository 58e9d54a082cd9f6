"""The built-in tokenizer and sentence splitter (pure Python), with the shipped entity CRF."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple

from ..doc import AnnotatedArticle, Token, entities_from_tags
from ..lexicon import CLOSING_QUOTES, DATA, OPENING_QUOTES
from ..records import Article, without_surrogates
from .base import Annotator
from .ner import check_model, default_recognizer


@lru_cache(maxsize=None)
def _abbreviations() -> FrozenSet[str]:
    words = set()
    for line in (DATA / "abbreviations.txt").read_text(encoding="utf-8").splitlines():
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
#: A sentence with no end in sight is cut here (hostile or broken text: "said said said ...").
MAX_SENTENCE_TOKENS = 300


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
        if not boundary and j - begin >= MAX_SENTENCE_TOKENS:
            boundary = True  # no real sentence is this long: keep every later step bounded
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
    """Pure-Python tokenizer and sentence splitter, plus the shipped CRF entity recognizer
    (:mod:`quotetrack.nlp.ner`), which fills ``Token.ner`` (BIOES) and ``entities``.
    Thread- and fork-safe; nothing to download.

    Args:
        ner: Tag named entities (PERSON, ORG, GPE, MISC). ``False``: tokens and sentences only.

    Raises:
        ModelsMissing: ``ner`` and the entity model file is missing (``make train-ner``).
    """

    name = "builtin"

    def __init__(self, *, ner: bool = True):
        self.ner = ner
        if ner:
            check_model()  # fail here, once, not on every article
        self.processors = frozenset({"tokenize", "ner"} if ner else {"tokenize"})

    def annotate_one(self, article: Article) -> AnnotatedArticle:
        clean = without_surrogates(article.text)
        if clean is not article.text:
            article = replace(article, text=clean)  # same length: offsets still index the text
        raw = tokenize(article.text)
        sents = split_sentences(article.text, raw)
        if not self.ner:
            tokens: List[Token] = []
            for k, (a, b) in enumerate(sents):
                for t, s, e in raw[a:b]:
                    tokens.append(Token(t, s, e, k))
            return AnnotatedArticle(article, tokens, sents, self.processors)
        tags = default_recognizer().tag([t for t, _, _ in raw], sents)
        tokens = []
        for k, (a, b) in enumerate(sents):
            for i in range(a, b):
                t, s, e = raw[i]
                tokens.append(Token(t, s, e, k, ner=tags[i]))
        return AnnotatedArticle(article, tokens, sents, self.processors, entities_from_tags(tags))

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        for article in articles:
            yield self.annotate_one(article)


# --------------------------------------------------------------------------------------
# Stanza
