"""The sequence tagger behind the surface (parser-free) extraction path.

Two linear-chain CRFs (python-crfsuite), trained on the PolNeAR train split by
``make train`` (see :mod:`quotetrack.train`), label the tokens of each paragraph:

* the *role* model: ``B-SRC``/``I-SRC`` (who) and ``B-CUE``/``I-CUE`` (the reporting words);
* the *content* model: ``B-CON``/``I-CON`` (what was said).

Content gets its own model because it nests: "X said that Y claimed Z" has Y's source and
cue inside X's content. Both models read the same features, computed once per paragraph.
The models were trained on the paragraphs with a quote mark, colon or cue word
(:func:`is_candidate`) but tag every paragraph: on the tune split that found cues such as
"wants" or "plans" the filter hid (joint F1 65.0 -> 65.7).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from ..doc import AnnotatedArticle
from ..lexicon import (CLOSE_ONLY_QUOTES, DATA, OPEN_ONLY_QUOTES, cue_first_words, is_quote, match_cue,
                       match_title)
from ..models import ModelsMissing
from .candidate import TaggedSpan

MODEL_PATHS = {"role": DATA / "tagger-role.crfsuite", "content": DATA / "tagger-content.crfsuite"}

# The "pron" feature: part of what the shipped models were trained on, so it stays exactly
# this list (not the lexicon's word classes) until the next `make train`.
_PRONOUNS = frozenset("he she they it we i you who which his her their its".split())


def shape(word: str) -> str:
    if word[0].isupper():
        return "X" if word.isupper() and len(word) > 1 else "Xx"
    if word[0].isdigit():
        return "d"
    if word[0].isalpha():
        return "x"
    return word if len(word) == 1 else "p"


def _stem(w: str) -> str:
    """A crude suffix-stripped form, so unseen inflections share weights ("accuses" ~ "accused")."""
    for suf in ("ing", "ed", "es", "s", "e"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[:-len(suf)]
    return w


# Neighbour offsets and where each one's strings sit in _word_strings()[3].
_WINDOW = ((-2, 0), (-1, 1), (1, 2), (2, 3))
_OFFSETS = (-2, -1, 1, 2, -3, 3)
_CUE_FLAG = {d: "c%+d" % d for d in _OFFSETS}
_QCHG = {d: "qchg%+d" % d for d in _OFFSETS}
_EDGE = {d: "edge%+d" % d for d in _OFFSETS}
_SENT_INDEX = ("si=0", "si=1", "si=2")
_WORD_CACHE: Dict[str, tuple] = {}
_WORD_CACHE_MAX = 200_000  # bounded, so memory stays flat over any corpus


def _word_strings(word: str) -> tuple:
    """Feature strings that depend on one word only, built once per distinct word.

    Returns (lower, shape, own features, neighbour strings by window slot); slots 4 and 5
    hold the w-3 / w+3 strings.
    """
    r = _WORD_CACHE.get(word)
    if r is None:
        if len(_WORD_CACHE) >= _WORD_CACHE_MAX:
            _WORD_CACHE.clear()
        w = word.lower()
        shp = shape(word)
        own = ("w=" + w, "s=" + shp, "x3=" + w[-3:], "st=" + _stem(w))
        nbr = tuple(("w%+d=%s" % (d, w), "s%+d=%s" % (d, shp)) for d in (-2, -1, 1, 2)) + \
            (("w-3=" + w,), ("w+3=" + w,))
        r = (w, shp, own, nbr)
        _WORD_CACHE[word] = r
    return r


def _bucket(d: Optional[int]) -> str:
    if d is None:
        return "none"
    if d <= 3:
        return str(d)
    if d <= 7:
        return "4-7"
    return "8+" if d <= 15 else "16+"


def token_marks(words: Sequence[str]) -> Tuple[List[str], List[bool], List[bool]]:
    """Per-token lexicon and quote facts shared by both taggers' inputs.

    Returns (cue act or "" per token, inside a title match, inside quotation marks).
    """
    n = len(words)
    lower = [w.lower() for w in words]
    # Cue-lexicon matches and title matches (multi-word), marked per token.
    cue = [""] * n
    i = 0
    while i < n:
        m = match_cue(lower, i)
        if m:
            length, c = m
            for k in range(i, i + length):
                cue[k] = c.act
            i += length
        else:
            i += 1
    title = [False] * n
    i = 0
    while i < n:
        m = match_title(lower, i) if words[i][0].isalpha() else None
        if m:
            for k in range(i, i + m[0]):
                title[k] = True
            i += m[0]
        else:
            i += 1

    # Quote state: inside quotation marks or not (straight marks toggle).
    inq = [False] * n
    depth = 0
    for i, w in enumerate(words):
        if w in OPEN_ONLY_QUOTES or w == "``":
            depth += 1
            inq[i] = True
        elif w in CLOSE_ONLY_QUOTES or w == "''":
            inq[i] = True
            depth = max(0, depth - 1)
        elif w == '"':
            inq[i] = True
            depth = 0 if depth else 1
        else:
            inq[i] = depth > 0

    return cue, title, inq


def paragraph_features(doc: AnnotatedArticle, a: int, b: int) -> List[List[str]]:
    """Feature strings for tokens ``a..b`` of one paragraph (crfsuite's binary features)."""
    toks = doc.tokens[a:b]
    n = len(toks)
    words = [t.text for t in toks]
    cue, title, inq = token_marks(words)

    sent = [t.sent for t in toks]
    first_sent = sent[0] if n else 0
    # Per-sentence facts and distances to the nearest cue word (outside quotes) left/right.
    left_cue: List[Optional[int]] = [None] * n
    right_cue: List[Optional[int]] = [None] * n
    last = None
    for i in range(n):
        if i and sent[i] != sent[i - 1]:
            last = None
        left_cue[i] = (i - last) if last is not None else None
        if cue[i] and not inq[i]:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        if i < n - 1 and sent[i] != sent[i + 1]:
            last = None
        right_cue[i] = (last - i) if last is not None else None
        if cue[i] and not inq[i]:
            last = i
    sent_has_q: Dict[int, bool] = {}
    sent_has_cue: Dict[int, bool] = {}
    for i in range(n):
        sent_has_q[sent[i]] = sent_has_q.get(sent[i], False) or is_quote(words[i])
        sent_has_cue[sent[i]] = sent_has_cue.get(sent[i], False) or (bool(cue[i]) and not inq[i])

    strings = [_word_strings(wd) for wd in words]
    buckets_l = [_bucket(x) for x in left_cue]
    buckets_r = [_bucket(x) for x in right_cue]

    feats: List[List[str]] = []
    seen_colon = False
    seen_that = False
    for i in range(n):
        w, shp, own, nb = strings[i]
        si = sent[i]
        if i and si != sent[i - 1]:
            seen_colon = seen_that = False
        q = inq[i]
        bl, br = buckets_l[i], buckets_r[i]
        f = ["b", *own, "q=1" if q else "q=0", "cl=" + bl, "cr=" + br,
             "sq=1" if sent_has_q[si] else "sq=0", "sc=1" if sent_has_cue[si] else "sc=0",
             _SENT_INDEX[min(si - first_sent, 2)],
             "wc=" + bl + "|" + br, ("qwc=1|" if q else "qwc=0|") + bl + "|" + br,
             ("qs=1|" if q else "qs=0|") + shp]
        if cue[i]:
            f.append("cue=" + cue[i])
        if title[i]:
            f.append("ttl")
        if w in _PRONOUNS:
            f.append("pron")
        if i == 0 or si != sent[i - 1]:
            f.append("sfirst")
        if i == n - 1 or si != sent[i + 1]:
            f.append("slast")
        if seen_colon:
            f.append("acolon")
        if seen_that:
            f.append("athat")
        # Window of neighbours: words, shapes, cue flags, quote-state changes.
        for d, slot in _WINDOW:
            j = i + d
            if 0 <= j < n:
                f.extend(strings[j][3][slot])
                if cue[j]:
                    f.append(_CUE_FLAG[d])
                if inq[j] != q:
                    f.append(_QCHG[d])
            else:
                f.append(_EDGE[d])
        if i >= 3:
            f.append(strings[i - 3][3][4][0])
        if i + 3 < n:
            f.append(strings[i + 3][3][5][0])
        if i:
            f.append("bg=" + strings[i - 1][0] + "|" + w)
        feats.append(f)
        if w == ":":
            seen_colon = True
        elif w == "that" and left_cue[i] is not None and left_cue[i] <= 3:
            seen_that = True
    return feats


def is_candidate(doc: AnnotatedArticle, a: int, b: int) -> bool:
    """Whether a paragraph can hold an attribution: a quote mark, colon or cue word."""
    firsts = cue_first_words()
    for t in doc.tokens[a:b]:
        w = t.text
        if is_quote(w) or w == ":" or w.lower() in firsts:
            return True
    return False


def bio_spans(labels: Sequence[str], offset: int) -> Iterator[TaggedSpan]:
    """Turn BIO labels into spans (an I- without a B- starts a span too)."""
    cur = None
    for i, lab in enumerate(labels):
        if lab == "O":
            if cur:
                yield TaggedSpan(cur[0], cur[1] + offset, i + offset)
                cur = None
            continue
        kind, tag = lab[2:], lab[0]
        if tag == "B" or cur is None or cur[0] != kind:
            if cur:
                yield TaggedSpan(cur[0], cur[1] + offset, i + offset)
            cur = (kind, i)
    if cur:
        yield TaggedSpan(cur[0], cur[1] + offset, len(labels) + offset)


class Tagger:
    """Loads the two CRF models once and tags paragraphs."""

    def __init__(self, paths: Optional[Dict[str, Path]] = None):
        import pycrfsuite

        paths = paths or MODEL_PATHS
        self._taggers = {}
        for name, path in paths.items():
            if not Path(path).is_file():
                raise ModelsMissing(f"tagger model {path} is missing; run `make train`")
            t = pycrfsuite.Tagger()
            t.open(str(path))
            self._taggers[name] = t
        self._ItemSequence = pycrfsuite.ItemSequence

    def tag(self, doc: AnnotatedArticle) -> Iterator[Tuple[Tuple[int, int], List[TaggedSpan]]]:
        """Yield ((para_start, para_end), spans) for every paragraph."""
        for a, b in doc.paragraphs():
            items = self._ItemSequence(paragraph_features(doc, a, b))
            spans: List[TaggedSpan] = []
            for name in ("role", "content"):
                spans.extend(bio_spans(self._taggers[name].tag(items), a))
            yield (a, b), spans


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()
