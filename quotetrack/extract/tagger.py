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

Training reads :func:`paragraph_features`; tagging reads :class:`TaggingFeatures`, the same
strings without those neither model has a weight for (crfsuite would drop them), built
mostly by passes that run in C, as attribute ids that
:class:`~quotetrack.nlp.crfmodel.LinearChainCRF` scores for both models at once (the labels
pycrfsuite gives, without its copying of every string).
"""
from __future__ import annotations

from functools import lru_cache
from itertools import compress, repeat
from operator import add, attrgetter, getitem, is_not, itemgetter, mul, ne
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from ..doc import AnnotatedArticle
from ..lexicon import (CLOSE_ONLY_QUOTES, DATA, OPEN_ONLY_QUOTES, QUOTE_TOKENS, cue_first_words, cue_forms,
                       is_quote, match_cue, match_title, title_first_words)
from ..models import ModelsMissing
from ..nlp.crfmodel import LinearChainCRF, ModelFormatError, known_indices, model_attributes
from .candidate import TaggedSpan

MODEL_PATHS = {"role": DATA / "tagger-role.crfsuite", "content": DATA / "tagger-content.crfsuite"}

# The "pron" feature: part of what the shipped models were trained on, so it stays exactly
# this list (not the lexicon's word classes) until the next `make train`.
_PRONOUNS = frozenset("he she they it we i you who which his her their its".split())
_OPENERS = OPEN_ONLY_QUOTES | {"``"}
_CLOSERS = CLOSE_ONLY_QUOTES | {"''"}
_QUOTE_STATE = _OPENERS | _CLOSERS | {'"'}


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


# _bucket()'s names, and the code of each distance 0..16 (16 and more: "16+"); code 0 is
# "none", codes 1-4 are the distances 0-3.
_BUCKETS = ("none", "0", "1", "2", "3", "4-7", "8+", "16+")
_BUCKET_CODE = [_BUCKETS.index(_bucket(d)) for d in range(17)]


def token_marks(words: Sequence[str]) -> Tuple[List[str], List[bool], List[bool]]:
    """Per-token lexicon and quote facts shared by both taggers' inputs.

    Returns (cue act or "" per token, inside a title match, inside quotation marks).
    """
    lower = [w.lower() for w in words]
    cue_firsts, title_firsts = cue_first_words(), title_first_words()
    cue, title, inq, _ = _marks(words, lower, [i for i, w in enumerate(lower) if w in cue_firsts],
                                [i for i, w in enumerate(lower) if w in title_firsts and words[i][0].isalpha()],
                                [i for i, w in enumerate(words) if w in _QUOTE_STATE])
    return cue, title, inq


def _marks(words: Sequence[str], lower: List[str], cue_at: List[int], title_at: List[int],
           quote_at: List[int]) -> Tuple[List[str], List[bool], List[bool], List[int]]:
    """:func:`token_marks` from the positions where something can start: words that start a
    cue, alphabetic words that start a title, quotation marks that change the quote state
    (every other word is no cue, no title and keeps the state). Also returns the positions
    of the cue words."""
    n = len(words)
    # Cue-lexicon matches and title matches (multi-word), marked per token, longest first,
    # left to right.
    cue = [""] * n
    cues: List[int] = []
    after = 0
    for i in cue_at:
        if i >= after:
            m = match_cue(lower, i)
            if m:
                after = i + m[0]
                cue[i:after] = [m[1].act] * m[0]
                cues.extend(range(i, after))
    title = [False] * n
    after = 0
    for i in title_at:
        if i >= after:
            m = match_title(lower, i)
            if m:
                after = i + m[0]
                title[i:after] = [True] * m[0]

    # Quote state: inside quotation marks or not (straight marks toggle); a mark itself is inside.
    inq = [False] * n
    depth = 0
    start = 0
    for i in quote_at:
        if depth:
            inq[start:i] = [True] * (i - start)
        inq[i] = True
        w = words[i]
        if w in _OPENERS:
            depth += 1
        elif w in _CLOSERS:
            depth = max(0, depth - 1)
        else:  # a straight double mark
            depth = 0 if depth else 1
        start = i + 1
    if depth:
        inq[start:] = [True] * (n - start)
    return cue, title, inq, cues


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


class TaggingFeatures:
    """:func:`paragraph_features` for tagging: the same strings, as UTF-8 bytes, without
    the ones the models have no weight for, built with far fewer Python steps.

    crfsuite drops a string its model does not know and reads the rest in order, so these
    lists give it the same items as :func:`paragraph_features` (``tests/test_speed_features.py``
    checks the two agree string for string); bytes spare pycrfsuite an encoding per string.
    What depends on one word only is built once per distinct word, what depends on a few
    small facts (quote state, cue-distance buckets, sentence facts) once per combination,
    and the facts that are rare (cues, quotation marks, colons) are set where they occur.

    A change of features goes into :func:`paragraph_features` (training reads it) *and* here.

    Args:
        known: Feature strings (bytes) to keep; ``None`` keeps every string.
        index: Give each kept string as its id here instead (for
            :class:`~quotetrack.nlp.crfmodel.LinearChainCRF`); ``known`` is then its keys.
            A string with a NUL byte becomes the id of what precedes the NUL, as crfsuite
            reads it, or is dropped when the models do not know that.
    """

    def __init__(self, known: Optional[FrozenSet[bytes]] = None, index: Optional[Dict[bytes, int]] = None):
        if index is not None:
            known = frozenset(index)
        self.known = known
        self.index = index
        self._words: Dict[str, tuple] = {}
        self._shapes: Dict[str, tuple] = {}
        keep = self._keep
        # Features 3-10 of paragraph_features (q, cl, cr, sq, sc, si, wc, qwc), by one code:
        # q * 768 + left bucket * 96 + right bucket * 12 + sq * 6 + sc * 3 + si.
        self._seg = [keep("q=%d" % q, "cl=" + bl, "cr=" + br, "sq=%d" % sq, "sc=%d" % sc, _SENT_INDEX[si],
                          "wc=" + bl + "|" + br, "qwc=%d|%s|%s" % (q, bl, br))
                     for q in (0, 1) for bl in _BUCKETS for br in _BUCKETS for sq in (0, 1) for sc in (0, 1)
                     for si in (0, 1, 2)]
        # sfirst, slast, acolon, athat by a 4-bit code (8, 4, 2, 1).
        self._flags = [keep(*[name for bit, name in ((8, "sfirst"), (4, "slast"), (2, "acolon"), (1, "athat"))
                              if code & bit]) for code in range(16)]
        self._cue = {act: keep("cue=" + act) for act in {c.act for c in cue_forms().values()}}
        self._cue[""] = ()
        self._ttl = keep("ttl")
        self._b = keep("b")
        self._pron = keep("pron")
        self._cflag = [keep(_CUE_FLAG[d]) for d in (-2, -1, 1, 2)]
        self._qchg = [keep(_QCHG[d]) for d in (-2, -1, 1, 2)]
        # Paddings around a paragraph: a missing neighbour's slot holds its "edge" string.
        self._left = (b"", None, None, None, keep(_EDGE[-2]), keep(_EDGE[-1]), None, None, (), None)
        self._right = (b"", None, None, None, None, None, keep(_EDGE[1]), keep(_EDGE[2]), None, ())

    def _keep(self, *strings: str) -> tuple:
        out = tuple(x.encode() for x in strings)
        known = self.known
        return out if known is None else self._ids(tuple(x for x in out if x in known or b"\0" in x))

    def _ids(self, strings: tuple) -> tuple:
        """Kept strings as they go to the models: themselves, or their ids with ``index``."""
        index = self.index
        if index is None:
            return strings
        ids = (index.get(x.split(b"\0", 1)[0] if b"\0" in x else x) for x in strings)
        return tuple([i for i in ids if i is not None])

    def word(self, word: str) -> tuple:
        """What depends on one word only: (lower-case bytes, ("b", own...), (qs=0, qs=1), pron,
        w-2/s-2, w-1/s-1, w+1/s+1, w+2/s+2, w-3, w+3 (tuples of kept strings),
        b"bg=" + lower-case bytes + b"|", lower-case word, the word's _W_* flags)."""
        r = self._words.get(word)
        if r is not None:
            return r
        if len(self._words) >= _WORD_CACHE_MAX:
            self._words.clear()
        w = word.lower()
        shp = shape(word)
        wb, sb = w.encode(), shp.encode()
        known = self.known
        if self.index is not None and "\0" not in word:  # the common case when tagging
            slots = self._word_ids(w, wb, shp)
        else:
            slots = ((b"b", b"w=" + wb, b"s=" + sb, ("x3=" + w[-3:]).encode(), ("st=" + _stem(w)).encode()),
                     (b"qs=0|" + sb,), (b"qs=1|" + sb,), (b"w-2=" + wb, b"s-2=" + sb), (b"w-1=" + wb, b"s-1=" + sb),
                     (b"w+1=" + wb, b"s+1=" + sb), (b"w+2=" + wb, b"s+2=" + sb), (b"w-3=" + wb,), (b"w+3=" + wb,))
            if known is not None and "\0" in word:  # crfsuite reads a string up to a NUL: leave those to it
                slots = tuple([self._ids(tuple([x for x in t if x in known or b"\0" in x])) for t in slots])
            elif known is not None:
                has = known.__contains__
                slots = tuple([tuple(filter(has, t)) for t in slots])
        flags = ((w in cue_first_words()) * _W_CUE | (w in title_first_words() and word[0].isalpha()) * _W_TITLE
                 | (word in _QUOTE_STATE) * _W_QSTATE | (word in QUOTE_TOKENS) * _W_QUOTE
                 | (word in (":", "that")) * _W_COLON_THAT | ("\0" in word) * _W_NUL)
        r = (wb, slots[0], slots[1:3], self._pron if w in _PRONOUNS else (), *slots[3:], b"bg=" + wb + b"|",
             w, flags)
        self._words[word] = r
        return r

    def _word_ids(self, w: str, wb: bytes, shp: str) -> tuple:
        """:meth:`word`'s nine string slots as attribute ids (a word without NUL): the ids of
        the strings that depend on the shape only come from a table of the few shapes."""
        by_shape = self._shapes.get(shp)
        if by_shape is None:
            sb = shp.encode()
            by_shape = self._shapes[shp] = tuple(self._ids((x,)) for x in (
                b"s=" + sb, b"qs=0|" + sb, b"qs=1|" + sb, b"s-2=" + sb, b"s-1=" + sb, b"s+1=" + sb, b"s+2=" + sb))
        s0, q0, q1, m2, m1, p1, p2 = by_shape
        get = self.index.get
        ids = [() if i is None else (i,) for i in map(get, (
            b"w=" + wb, ("x3=" + w[-3:]).encode(), ("st=" + _stem(w)).encode(), b"w-2=" + wb, b"w-1=" + wb,
            b"w+1=" + wb, b"w+2=" + wb, b"w-3=" + wb, b"w+3=" + wb))]
        return (self._b + ids[0] + s0 + ids[1] + ids[2], q0, q1, ids[3] + m2, ids[4] + m1, ids[5] + p1,
                ids[6] + p2, ids[7], ids[8])

    def __call__(self, doc: AnnotatedArticle, a: int, b: int) -> List[List[bytes]]:
        """The kept feature strings of tokens ``a..b`` (one paragraph).

        Most steps are passes that run in C (map, compress, slices); the Python loops visit
        only the tokens where something happens (cue and title words, quotation marks,
        sentence ends, colons, "that").
        """
        toks = doc.tokens[a:b]
        n = len(toks)
        if not n:
            return []
        words = list(map(_TEXT, toks))
        sent = list(map(_SENT, toks))
        get = self._words.get
        word = self.word
        entries = [get(w) or word(w) for w in words]
        cue_at: List[int] = []
        title_at: List[int] = []
        qstate_at: List[int] = []
        quote_at: List[int] = []
        colon_that: List[int] = []
        nul = False
        for i in compress(range(n), map(_FLAGS, entries)):
            f = entries[i][12]
            if f & _W_CUE:
                cue_at.append(i)
            if f & _W_TITLE:
                title_at.append(i)
            if f & _W_QSTATE:
                qstate_at.append(i)
            if f & _W_QUOTE:
                quote_at.append(i)
            if f & _W_COLON_THAT:
                colon_that.append(i)
            if f & _W_NUL:
                nul = True
        cue, title, inq, cues = _marks(words, list(map(_LOWER, entries)), cue_at, title_at, qstate_at)

        # Sentences of the paragraph as [start, end) ranges.
        starts = [0, *compress(range(1, n), map(ne, sent[1:], sent)), n]
        bounds = list(zip(starts, starts[1:]))
        # Cue words outside quotes; distances to the nearest one left and right in the
        # sentence, as bucket codes (0 = none); which sentences hold a quote mark or such a cue.
        outside = [i for i in cues if not inq[i]]
        lc = rc = None
        sent_c = set()
        if outside:
            lc = [0] * n
            rc = [0] * n
            codes = _distance_codes(n)
            k = 0
            for s, e in bounds:
                prev = -1
                while k < len(outside) and outside[k] < e:
                    p = outside[k]
                    lo = s if prev < 0 else prev
                    rc[lo:p] = codes[p - lo - 1::-1] if p > lo else []
                    if prev >= 0:
                        lc[prev + 1:p + 1] = codes[:p - prev]
                    prev = p
                    k += 1
                if prev >= 0:
                    sent_c.add(sent[s])
                    lc[prev + 1:e] = codes[:e - prev - 1]
        sent_q = {sent[i] for i in quote_at}
        first_sent = sent[0]
        code = []
        for s, e in bounds:
            si = sent[s]
            code += [(si in sent_q) * 6 + (si in sent_c) * 3 + min(si - first_sent, 2)] * (e - s)
        # seg code: q * 768 + left bucket * 96 + right bucket * 12 + sentence code
        code = map(add, map(mul, inq, repeat(768)), code)
        if lc is not None:
            code = map(add, map(add, map(mul, lc, repeat(96)), map(mul, rc, repeat(12))), code)
        segs = list(map(self._seg.__getitem__, code))

        # sfirst, slast; acolon after a colon, athat after "that" with a cue 0-3 tokens left.
        flags = [0] * n
        for s, e in bounds:
            flags[s] = 8
            flags[e - 1] += 4
        if colon_that:
            k = 0
            for s, e in bounds:
                colon = that = -1
                while k < len(colon_that) and colon_that[k] < e:
                    i = colon_that[k]
                    if words[i] == ":":
                        if colon < 0:
                            colon = i
                    elif that < 0 and lc is not None and 0 < lc[i] <= 4:
                        that = i
                    k += 1
                for start, bit in ((colon, 2), (that, 1)):
                    if start >= 0:
                        for i in range(start + 1, e):
                            flags[i] += bit
        # cue=, ttl, pron, sfirst, slast, acolon, athat: mostly only pron (per word); the
        # tokens with any of the others get the whole run.
        mid = list(map(_PRON, entries))
        cuef, ttl, table = self._cue, self._ttl, self._flags
        for i in {*cues, *compress(range(n), title), *compress(range(n), flags)}:
            mid[i] = cuef[cue[i]] + (ttl if title[i] else ()) + mid[i] + table[flags[i]]

        # Neighbours, with rows padded so every token has two a side (the pads hold the
        # "edge" strings) and three for w-3 / w+3; a neighbour's slot takes its cue flag and
        # quote-change flag where there is one.
        left, right = self._left, self._right
        pe = [left, left, left, *entries, right, right, right]
        quoted = bool(qstate_at)
        window = []
        for d, slot, cflag, qflag in zip((-2, -1, 1, 2), _WINDOW_SLOTS, self._cflag, self._qchg):
            col = list(map(slot, pe[3 + d:3 + d + n]))
            at = {i - d for i in cues if 0 <= i - d < n}
            if quoted:  # tokens whose neighbour at d is on the other side of a quote change
                at.update(compress(range(-d, n), map(ne, inq[-d:], inq)) if d < 0 else
                          compress(range(n - d), map(ne, inq[d:], inq)))
            for i in at:
                j = i + d
                col[i] = col[i] + (cflag if 0 <= j < n and cue[j] else ()) + \
                    (qflag if 0 <= j < n and inq[j] != inq[i] else ())
            window.append(col)
        # w+3, then the bigram with the word before where the models know it.
        last = list(map(_W_PLUS3, pe[6:n + 6]))
        if n > 1:
            bigrams = list(map(add, map(_BG, entries), map(_LOWER_BYTES, entries[1:])))
            if self.index is None:
                for k in known_indices(bigrams, self.known, nul):
                    last[k + 1] = last[k + 1] + (bigrams[k],)
            else:
                get = self.index.get
                ids = [get(x.split(b"\0", 1)[0]) for x in bigrams] if nul else list(map(get, bigrams))
                for k in compress(range(n - 1), map(is_not, ids, repeat(None))):
                    last[k + 1] = last[k + 1] + (ids[k],)
        qs = map(getitem, map(_QS, entries), inq)
        return [[*h, *sg, *qq, *md, *w2, *w1, *p1, *p2, *m3, *p3]
                for h, sg, qq, md, w2, w1, p1, p2, m3, p3 in
                zip(map(_HEAD, entries), segs, qs, mid, *window, map(_W_MINUS3, pe[0:n]), last)]


_TEXT = attrgetter("text")
_SENT = attrgetter("sent")
# TaggingFeatures.word() fields.
_LOWER_BYTES, _HEAD, _QS, _PRON = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_WINDOW_SLOTS = (itemgetter(4), itemgetter(5), itemgetter(6), itemgetter(7))
_W_MINUS3, _W_PLUS3, _BG, _LOWER, _FLAGS = itemgetter(8), itemgetter(9), itemgetter(10), itemgetter(11), itemgetter(12)
# Word flags: starts a cue, starts a title, changes the quote state, is a quotation mark,
# is ":" or "that", holds a NUL.
_W_CUE, _W_TITLE, _W_QSTATE, _W_QUOTE, _W_COLON_THAT, _W_NUL = 1, 2, 4, 8, 16, 32


_CODES: List[int] = []


def _distance_codes(n: int) -> List[int]:
    """Bucket codes of the distances 1..n (at least)."""
    if len(_CODES) < n:
        _CODES[:] = [_BUCKET_CODE[min(d, 16)] for d in range(1, max(n, 2 * len(_CODES)) + 1)]
    return _CODES


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
    last = -2
    # Only the labelled tokens need a look; an "O" shows as a gap between two of them.
    for i in compress(range(len(labels)), map(ne, labels, repeat("O"))):
        if cur and i != last + 1:
            yield TaggedSpan(cur[0], cur[1] + offset, last + 1 + offset)
            cur = None
        lab = labels[i]
        kind, tag = lab[2:], lab[0]
        if tag == "B" or cur is None or cur[0] != kind:
            if cur:
                yield TaggedSpan(cur[0], cur[1] + offset, i + offset)
            cur = (kind, i)
        last = i
    if cur:
        yield TaggedSpan(cur[0], cur[1] + offset, last + 1 + offset)


class Tagger:
    """Loads the two CRF models once and tags paragraphs.

    Both models label the same items: :class:`~quotetrack.nlp.crfmodel.LinearChainCRF`
    scores them for both at once from attribute ids and decodes each model's best path:
    the labels pycrfsuite gives (``tests/test_speed_features.py``) in under half its time.
    When that reader does not understand a model file, pycrfsuite tags.
    """

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
        self._crf: Optional[LinearChainCRF] = None
        if set(paths) == {"role", "content"}:
            try:
                self._crf = LinearChainCRF([paths["role"], paths["content"]])
            except ModelFormatError:
                pass
        if self._crf is not None:
            self._features = TaggingFeatures(index=self._crf.index)
            return
        # Both models read one item sequence: keep what either of them knows.
        try:
            known: Optional[FrozenSet[bytes]] = frozenset().union(
                *(model_attributes(Path(p)) for p in paths.values()))
        except ModelFormatError:  # a model this reader does not understand: crfsuite filters
            known = None
        self._features = TaggingFeatures(known)

    def tag(self, doc: AnnotatedArticle) -> Iterator[Tuple[Tuple[int, int], List[TaggedSpan]]]:
        """Yield ((para_start, para_end), spans) for every paragraph."""
        paragraphs = doc.paragraphs()
        if self._crf is not None:
            # Paragraphs go to the models in groups of about _BATCH_TOKENS tokens: one
            # numpy pass per group, memory bounded on a huge article.
            k = 0
            while k < len(paragraphs):
                group = [paragraphs[k]]
                size = group[0][1] - group[0][0]
                k += 1
                while k < len(paragraphs) and size < _BATCH_TOKENS:
                    group.append(paragraphs[k])
                    size += paragraphs[k][1] - paragraphs[k][0]
                    k += 1
                roles, contents = self._crf.tag_ids([self._features(doc, a, b) for a, b in group])
                for (a, b), r, c in zip(group, roles, contents):
                    spans: List[TaggedSpan] = list(bio_spans(r, a))
                    spans.extend(bio_spans(c, a))
                    yield (a, b), spans
            return
        role, content = self._taggers["role"], self._taggers["content"]
        for a, b in paragraphs:
            items = self._ItemSequence(self._features(doc, a, b))
            spans = list(bio_spans(role.tag(items), a))
            spans.extend(bio_spans(content.tag(items), a))
            yield (a, b), spans


_BATCH_TOKENS = 4096


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()
