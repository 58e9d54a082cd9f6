"""The built-in tokenizer and sentence splitter (pure Python), with the shipped entity CRF."""
from __future__ import annotations

import bisect
import re
from dataclasses import fields, replace
from functools import lru_cache
from itertools import compress, repeat
from operator import itemgetter
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
  | (?=[\w'’&-]*n['’]t)                         # stem of a negative contraction (did|n't); the
    [\w]+(?:[-'’&][\w]+)*(?=n['’]t\b)           #   first lookahead only skips other words fast
  | n['’]t\b                                    # the n't part
  | ['’](?:s|re|ve|ll|d|m|S|RE|VE|LL|D|M)\b     # clitics 's 're
  | \w+(?:[-&]\w+)*(?:['’]\w+)?\.?              # words, hyphenated words; maybe a period
  | -{2,}|\.{2,}|…                              # dashes and ellipses
  | \S                                          # any other single character
    """,
    re.VERBOSE | re.UNICODE,
)

_NEWLINE = re.compile("\n")
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
_SENT_END = ".!?…"
_STOP_ENDS = tuple(_SENT_END)
#: A sentence with no end in sight is cut here (hostile or broken text: "said said said ...").
MAX_SENTENCE_TOKENS = 300


def tokenize(text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[str, int, int]]:
    """Split ``text[start:end]`` into (token, start, end) triples with absolute offsets.

    A trailing period stays on a word only when the word is a known abbreviation or a
    single capital letter (an initial); otherwise it becomes its own token.
    """
    end = len(text) if end is None else end
    out = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, start, end)]
    # Only tokens that end in a period can split; done right to left so indices hold.
    dotted = [i for i, t in enumerate(out) if t[0][-1] == "." and len(t[0]) > 1]
    if dotted:
        abbrevs = _abbreviations()
        for i in reversed(dotted):
            tok, s, e = out[i]
            if _INITIALS.fullmatch(tok):
                continue
            stem = tok[:-1]
            if not (stem.lower() in abbrevs or (len(stem) == 1 and stem.isupper())):
                out[i:i + 1] = [(stem, s, e - 1), (".", e - 1, e)]
    return out


def split_sentences(text: str, tokens: Sequence[Tuple[str, int, int]]) -> List[Tuple[int, int]]:
    """Group tokens into sentences; returns token index ranges.

    A sentence ends after . ! ? (plus any closing quotes/brackets) when the next token
    starts with a capital, a digit or an opening quote, and at every line break.
    """
    sents: List[Tuple[int, int]] = []
    n = len(tokens)
    abbrevs = _abbreviations()
    # The tokens where a sentence can end: sentence punctuation, a known abbreviation, a
    # line break after the token, the length limit or the last token. Every other token
    # just continues its sentence, so the walk jumps from one of these to the next.
    words = list(map(itemgetter(0), tokens))
    if words.count(""):  # ("" is in any string: an empty token is a stop too)
        maybe = range(n)
    else:  # only a token ending in . ! ? or … can be one: found without a Python step per token
        maybe = compress(range(n), map(str.endswith, words, repeat(_STOP_ENDS)))
    stops = [i for i in maybe
             if words[i] in _SENT_END or words[i] == "..." or (
                 words[i].endswith(".") and len(words[i]) > 1 and words[i][-2:] != ".."
                 and words[i].lower().rstrip(".") in abbrevs)]
    token_ends = [e for _, _, e in tokens]
    breaks = sorted({bisect.bisect_right(token_ends, m.start()) - 1 for m in _NEWLINE.finditer(text)})
    stop_k = break_k = 0
    begin = 0
    i = 0
    while i < n:
        # The next token where something can happen.
        while stop_k < len(stops) and stops[stop_k] < i:
            stop_k += 1
        while break_k < len(breaks) and breaks[break_k] < i:
            break_k += 1
        nxt = min(stops[stop_k] if stop_k < len(stops) else n - 1,
                  breaks[break_k] if break_k < len(breaks) else n - 1,
                  begin + MAX_SENTENCE_TOKENS - 1, n - 1)
        i = max(i, nxt)
        tok, s, e = tokens[i]
        boundary = False
        j = i + 1
        if tok in _SENT_END or tok == "..." or (tok.endswith(".") and len(tok) > 1 and tok[-2:] != ".."
                                                and tok.lower().rstrip(".") in abbrevs
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


# Token is a frozen dataclass whose __init__ only sets these fields (the rest None); setting
# its __dict__ directly builds the same object in a third of the time. Checked here, so a
# change to Token (a field, __post_init__, slots) falls back to the constructor.
_TOKEN_FIELDS = ("text", "start", "end", "sent", "lemma", "upos", "xpos", "head", "deprel", "ner")
_FAST_TOKENS = (tuple(f.name for f in fields(Token)) == _TOKEN_FIELDS
                and all(f.default is None for f in fields(Token)[4:])
                and not hasattr(Token, "__post_init__") and not hasattr(Token, "__slots__"))


def make_tokens(raw: Sequence[Tuple[str, int, int]], sents: Sequence[Tuple[int, int]],
                tags: Optional[Sequence[str]] = None) -> List[Token]:
    """:class:`Token` objects for (text, start, end) triples grouped into sentences, with
    ``ner`` from ``tags`` when given; equal to ``Token(text, start, end, k, ner=tag)``."""
    tokens: List[Token] = []
    append = tokens.append
    if not _FAST_TOKENS:
        for k, (a, b) in enumerate(sents):
            for i in range(a, b):
                t, s, e = raw[i]
                append(Token(t, s, e, k, ner=tags[i] if tags is not None else None))
        return tokens
    new = object.__new__
    set_dict = object.__setattr__
    for k, (a, b) in enumerate(sents):
        for i in range(a, b):
            t, s, e = raw[i]
            tok = new(Token)
            set_dict(tok, "__dict__", {"text": t, "start": s, "end": e, "sent": k, "lemma": None, "upos": None,
                                       "xpos": None, "head": None, "deprel": None,
                                       "ner": tags[i] if tags is not None else None})
            append(tok)
    return tokens


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
            return AnnotatedArticle(article, make_tokens(raw, sents), sents, self.processors)
        tags = default_recognizer().tag([t for t, _, _ in raw], sents)
        return AnnotatedArticle(article, make_tokens(raw, sents, tags), sents, self.processors,
                                entities_from_tags(tags))

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        for article in articles:
            yield self.annotate_one(article)


# --------------------------------------------------------------------------------------
# Stanza
