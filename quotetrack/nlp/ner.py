"""Named-entity recognition without models to download: a linear-chain CRF over built-in tokens.

The built-in path (and Stanza without its own ``ner`` processor) gets entity types from one
small python-crfsuite model shipped in ``quotetrack/data/ner.crfsuite`` and reproduced by
``make train-ner`` (:mod:`quotetrack.dev.train_ner`, which documents the training data).
It tags each sentence with BIO labels for four types:

* ``PERSON`` -- people; ``ORG`` -- organizations; ``GPE`` -- places (countries, cities, regions);
* ``MISC`` -- other names: nationalities and other groups by origin ("Americans"), events,
  works, products, languages.

Features read only the tokens (no tags or parse): the word, its shape, prefixes and
suffixes, the words and shapes two either side, sentence position, title words
(:func:`quotetrack.lexicon.match_title`), honorifics (``word_classes.tsv``), country
names, capitals and demonyms (:mod:`quotetrack.geo`), quotation-mark and parenthesis
context, and two document-level hints (is the word also written in lower case, or capitalised mid-sentence, elsewhere in
the article). A possessive ending stays on the built-in tokenizer's word ("Russia's"), so
word features are computed on the word without it and a ``poss`` flag is added; the same
word split by another tokenizer ("Russia" + "'s") gets the same word features.

After the CRF, two small passes over the document's tags: an honorific is never part of a
name and makes the name after it a person's (:func:`fix_honorifics`), and the lone surnames
of people the document names in full are people too (:func:`propagate_surnames`).

Speed: tagging builds the features with :class:`TaggingFeatures` (the same strings as
:func:`document_features`, which training reads, as bytes and without those the model has no
weight for); what depends on one word only is built once per distinct word (bounded cache,
like :mod:`quotetrack.extract.tagger`), so a sentence costs a few passes that run in C plus
crfsuite's Viterbi.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from bisect import bisect_left
from itertools import compress, repeat
from operator import add, itemgetter, methodcaller, ne
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from .. import geo
from ..doc import AnnotatedArticle, Token, entities_from_tags
from ..lexicon import CLOSE_ONLY_QUOTES, DATA, OPEN_ONLY_QUOTES, match_title, title_first_words, word_class
from ..models import ModelsMissing
from .crfmodel import ModelFormatError, known_indices, model_attributes

MODEL_PATH = DATA / "ner.crfsuite"
#: Entity types the model predicts.
TYPES = ("PERSON", "ORG", "GPE", "MISC")

_POSSESSIVE = re.compile(r"^(.+?\w)(['’]s|(?<=s)['’])$")
_OPEN_Q = OPEN_ONLY_QUOTES | {"``"}
_CLOSE_Q = CLOSE_ONLY_QUOTES | {"''"}
_GAZ_SPLIT = re.compile(r"\w+(?:[-'’ʻ&.]\w+)*\.?|[^\w\s]")
_NEIGHBOURS = (-2, -1, 1, 2)
# Per neighbour: the prefixes of its word and shape strings, its gz and hon strings.
_NEIGHBOUR_PREFIXES = tuple(("w%+d=" % d, "sh%+d=" % d, "gz%+d" % d, "hon%+d" % d) for d in _NEIGHBOURS)
# Every word split_possessive shortens ends so ($ also matches before a final newline).
_POSSESSIVE_ENDS = ("'", "’", "'s", "’s", "'\n", "’\n", "'s\n", "’s\n")
_RSTRIP_DOT = methodcaller("rstrip", ".")
_BRACKETS = _OPEN_Q | _CLOSE_Q | {'"', "(", ")"}
_OPENISH = _OPEN_Q | {'"', "("}
_CLOSISH = _CLOSE_Q | {'"', ")"}
_AFTER_MARKS = _CLOSISH | {"'s", "’s"}


def split_possessive(word: str) -> Tuple[str, bool]:
    """``"Russia's"`` -> ``("Russia", True)``; ``"Jones'"`` -> ``("Jones", True)``; else unchanged."""
    m = _POSSESSIVE.match(word)
    if m and m.group(1)[-1:].isalpha():
        return m.group(1), True
    return word, False


def shape(word: str) -> str:
    """Character classes with repeats collapsed: ``Varga-Kiss`` -> ``Xx-Xx``, ``U.S.`` -> ``X.X.``."""
    out = []
    for ch in word[:12]:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=None)
def honorifics() -> FrozenSet[str]:
    """Courtesy words before a name ("mr", "dr", "sir"), without their full stop."""
    return frozenset(w.rstrip(".") for w in word_class("honorific"))


@lru_cache(maxsize=None)
def _gazetteer() -> Tuple[Dict[Tuple[str, ...], str], FrozenSet[str], int]:
    """Multi-word country forms as token tuples -> how they refer ("name", "capital", ...),
    their first words, and the longest form in tokens. One-word forms go through
    :func:`quotetrack.geo.lookup` instead (it knows plurals and possessives)."""
    table: Dict[Tuple[str, ...], str] = {}
    for c in geo.countries():
        for how, forms in (("name", (c.name,)), ("alias", c.aliases), ("demonym", c.demonyms),
                           ("capital", c.capitals), ("seat", c.seats)):
            for form in forms:
                toks = tuple(_GAZ_SPLIT.findall(form))
                if len(toks) > 1:
                    table.setdefault(toks, how)
    return table, frozenset(k[0] for k in table), max((len(k) for k in table), default=1)


@lru_cache(maxsize=None)
def _gaz_index() -> Tuple[FrozenSet[Tuple[str, str]], Dict[str, Tuple[int, ...]]]:
    """The first two words of every multi-word country form, and the lengths of the forms
    by first word, longest first: what :func:`_gazetteer` matching can skip."""
    table = _gazetteer()[0]
    lengths: Dict[str, set] = {}
    for k in table:
        lengths.setdefault(k[0], set()).add(len(k))
    return (frozenset(k[:2] for k in table),
            {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()})


_WORD_CACHE: Dict[str, tuple] = {}
_WORD_CACHE_MAX = 50_000  # bounded (~1.5 KB a word), so memory stays flat over any corpus


def _word_strings(word: str) -> tuple:
    """Everything that depends on one word only, built once per distinct word.

    Returns (lower-case stem, is title-case, own feature strings, neighbour strings by
    offset slot (-2, -1, +1, +2), the start of a bigram feature with the next word).
    """
    r = _WORD_CACHE.get(word)
    if r is not None:
        return r
    if len(_WORD_CACHE) >= _WORD_CACHE_MAX:
        _WORD_CACHE.clear()
    r = _WORD_CACHE[word] = _make_word_strings(word)
    return r


def _make_word_strings(word: str) -> tuple:
    """:func:`_word_strings` without the cache."""
    stem, poss = split_possessive(word)
    w = stem.lower()
    shp = shape(stem)
    tc = stem[:1].isupper()
    own = ["w=" + w, "sh=" + shp, "p2=" + w[:2], "p3=" + w[:3], "s2=" + w[-2:], "s3=" + w[-3:],
           "s4=" + w[-4:]]
    if poss:
        own.append("poss")
    if tc and stem[1:].islower():
        own.append("tc")
    if len(stem) > 1 and stem.isupper():
        own.append("caps")
    alpha = stem.isalpha()  # (no letter is a digit: most words skip the digit scan)
    if not alpha and any(ch.isdigit() for ch in stem):
        own.append("dig")
    if len(stem) <= 2 and alpha:
        own.append("short")
    hon = w.rstrip(".") in honorifics()
    if hon:
        own.append("hon")
    gz = None
    if tc or stem.isupper():
        m = geo.lookup(word)
        if m is not None:
            gz = m.how
            own.append("gz=" + gz)
    if gz or hon:
        nbr = tuple((w_ + w, sh_ + shp) + ((gz_,) if gz else ()) + ((hon_,) if hon else ())
                    for w_, sh_, gz_, hon_ in _NEIGHBOUR_PREFIXES)
    else:
        nbr = tuple((w_ + w, sh_ + shp) for w_, sh_, _, _ in _NEIGHBOUR_PREFIXES)
    return w, tc, ("b", *own), nbr, "bg=" + w + "|"


def document_features(words: Sequence[str], sentences: Sequence[Tuple[int, int]]) -> List[List[List[str]]]:
    """crfsuite feature strings for each token, grouped by sentence.

    Args:
        words: The document's token texts.
        sentences: Token index ranges ``[start, end)`` of its sentences.
    """
    strings = [_word_strings(w) for w in words]
    # Document-level hints: a capitalised word that also occurs in lower case is probably an
    # ordinary word at a sentence start; one capitalised mid-sentence is probably a name.
    lower_seen = set()
    cap_mid = set()
    for a, b in sentences:
        for i in range(a, b):
            s = strings[i]
            if s[1]:
                if i > a:
                    cap_mid.add(s[0])
            elif words[i][:1].islower():
                lower_seen.add(s[0])
    out: List[List[List[str]]] = []
    for a, b in sentences:
        out.append(_sentence_features(words, strings, a, b, lower_seen, cap_mid))
    return out


def _sentence_features(words, strings, a: int, b: int, lower_seen, cap_mid) -> List[List[str]]:
    n = b - a
    lower = [strings[i][0] for i in range(a, b)]
    # Title words ("Foreign Minister") and multi-word country forms ("Saudi Arabia").
    extra: List[List[str]] = [[] for _ in range(n)]
    gaz_table, gaz_first, gaz_longest = _gazetteer()
    i = 0
    while i < n:
        if lower[i][:1].isalpha():
            m = match_title(lower, i)
            if m:
                length, kind = m
                for k in range(i, i + length):
                    extra[k].append("ttl=" + kind)
                if i > 0:
                    extra[i - 1].append("ttl+1=" + kind)
                if i + length < n:
                    extra[i + length].append("ttl-1=" + kind)
                    if i + length + 1 < n:
                        extra[i + length + 1].append("ttl-2=" + kind)
                i += length
                continue
        i += 1
    i = 0
    while i < n:
        w = words[a + i]
        if w in gaz_first:
            hit = None
            for length in range(min(gaz_longest, n - i), 1, -1):
                toks = tuple(words[a + i:a + i + length - 1]) + (split_possessive(words[a + i + length - 1])[0],)
                how = gaz_table.get(toks)
                if how:
                    hit = (length, how)
                    break
            if hit:
                for k in range(i, i + hit[0]):
                    extra[k].append(("gzB=" if k == i else "gzI=") + hit[1])
                i += hit[0]
                continue
        i += 1
    # Quotation marks and parentheses around the token.
    depth_q = depth_p = 0
    for i in range(n):
        w = words[a + i]
        if w in _OPEN_Q:
            depth_q += 1
        elif w in _CLOSE_Q:
            depth_q = max(0, depth_q - 1)
        elif w == '"':  # straight double marks toggle; a lone ' is too often an apostrophe
            depth_q = 0 if depth_q else 1
        elif w == "(":
            depth_p += 1
        elif w == ")":
            depth_p = max(0, depth_p - 1)
        elif depth_q:
            extra[i].append("inq")
        elif depth_p:
            extra[i].append("inp")
    feats: List[List[str]] = []
    last = n - 1
    for i in range(n):
        j = a + i
        w, tc, own, _, _ = strings[j]
        f = list(own)
        if extra[i]:
            f += extra[i]
        if i == 0:
            f.append("first")
        elif i == 1:
            f.append("second")
        if i == last:
            f.append("last")
        if tc:
            if w in lower_seen:
                f.append("lcdoc")
            if w in cap_mid:
                f.append("capdoc")
        # Neighbours: slots 0..3 of each word's strings hold its -2, -1, +1, +2 forms.
        if i >= 2:
            f += strings[j - 2][3][0]
        else:
            f.append("edge-2")
        if i >= 1:
            f += strings[j - 1][3][1]
        else:
            f.append("edge-1")
        if i < last:
            f += strings[j + 1][3][2]
        else:
            f.append("edge+1")
        if i < last - 1:
            f += strings[j + 2][3][3]
        else:
            f.append("edge+2")
        if i:
            f.append(strings[j - 1][4] + w)
            prev = words[j - 1]
            if prev in _OPEN_Q or prev == '"' or prev == "(":
                f.append("open-1")
        if i < last:
            nxt = words[j + 1]
            if nxt in _CLOSE_Q or nxt == '"' or nxt == ")":
                f.append("close+1")
            elif nxt in ("'s", "’s"):
                f.append("poss+1")
        feats.append(f)
    return feats


class TaggingFeatures:
    """:func:`document_features` for tagging: the same strings, as UTF-8 bytes, without the
    ones the model has no weight for, built with fewer Python steps.

    crfsuite drops a string its model does not know and reads the rest in order, so these
    lists give it the same items as :func:`document_features` (``tests/test_speed_features.py``
    checks the two agree string for string); bytes spare pycrfsuite an encoding per string.
    Word features are built once per distinct word; the rare facts (titles, country names,
    quotation marks, parentheses) are set where they occur.

    A change of features goes into :func:`document_features` (training reads it) *and* here.

    Args:
        known: Feature strings (bytes) to keep; ``None`` keeps every string.
    """

    def __init__(self, known: Optional[FrozenSet[bytes]] = None):
        self.known = known
        self._words: Dict[str, tuple] = {}
        self._consts: Dict[str, tuple] = {}
        c = self._const
        self._first, self._second, self._last = c("first"), c("second"), c("last")
        self._first_last, self._second_last = c("first") + c("last"), c("second") + c("last")
        self._docf = ((), c("lcdoc"), c("capdoc"), c("lcdoc") + c("capdoc"))
        self._open1 = c("open-1")
        self._close1, self._poss1 = c("close+1"), c("poss+1")
        self._inq, self._inp = c("inq"), c("inp")
        # Paddings around a sentence: a missing neighbour's slot holds its "edge" string.
        self._left = (None, None, None, c("edge-2"), c("edge-1"), None, None)
        self._right = (None, None, None, None, None, c("edge+1"), c("edge+2"))

    def _const(self, s: str) -> tuple:
        """``(s as bytes,)`` when kept, else ``()``; memoized (few distinct strings)."""
        r = self._consts.get(s)
        if r is None:
            x = s.encode()
            r = (x,) if self.known is None or x in self.known or b"\0" in x else ()
            self._consts[s] = r
        return r

    def word(self, word: str) -> tuple:
        """What depends on one word only: (lower-case stem, title-case, own strings, -2, -1,
        +1, +2 strings, "bg=w|" bytes, lower-case stem bytes, written in lower case (and not
        title-case), the word's _W_* flags)."""
        r = self._words.get(word)
        if r is not None:
            return r
        if len(self._words) >= _WORD_CACHE_MAX:
            self._words.clear()
        w, tc, own, nbr, bg = _make_word_strings(word)
        slots = (own, *nbr)
        known = self.known
        if known is None:
            slots = tuple([tuple([x.encode() for x in t]) for t in slots])
        elif "\0" in word:  # crfsuite reads a string up to a NUL: leave those to it
            slots = tuple([tuple([y for y in [x.encode() for x in t] if y in known or b"\0" in y]) for t in slots])
        else:
            slots = tuple([tuple([y for y in [x.encode() for x in t] if y in known]) for t in slots])
        wb = w.encode()
        flags = ((w in title_first_words() and w[:1].isalpha()) * _W_TITLE | (word in _gazetteer()[1]) * _W_GAZ
                 | (word in _BRACKETS) * _W_BRACKET | (word in _OPENISH) * _W_OPEN
                 | (word in _AFTER_MARKS) * _W_AFTER | ("\0" in word) * _W_NUL)
        r = (w, tc, *slots, bg.encode(), wb, not tc and word[:1].islower(), flags)
        self._words[word] = r
        return r

    def __call__(self, words: Sequence[str], sentences: Sequence[Tuple[int, int]]) -> List[List[List[bytes]]]:
        """The kept feature strings of each token, grouped by sentence (as document_features)."""
        get = self._words.get
        word = self.word
        entries = [get(w) or word(w) for w in words]
        lower_seen = set()
        cap_mid = set()
        for a, b in sentences:
            if a < b:
                cap_mid.update(compress(map(_LOWER, entries[a + 1:b]), map(_TC, entries[a + 1:b])))
                lower_seen.update(compress(map(_LOWER, entries[a:b]), map(_IS_LOWER, entries[a:b])))
        flagged = list(compress(range(len(entries)), map(_FLAGS, entries)))
        return [self._sentence(words, entries, a, b, lower_seen, cap_mid,
                               flagged[bisect_left(flagged, a):bisect_left(flagged, b)]) for a, b in sentences]

    def _sentence(self, words, entries, a: int, b: int, lower_seen, cap_mid, flagged) -> List[List[bytes]]:
        n = b - a
        if n <= 0:
            return []
        ents = entries[a:b]
        sw = words[a:b]
        c = self._const
        E = ()
        last = n - 1
        title_at: List[int] = []
        gaz_at: List[int] = []
        marks: List[int] = []
        opens: List[int] = []
        afters: List[int] = []
        nul = False
        for i in flagged:
            i -= a
            f = ents[i][10]
            if f & _W_TITLE:
                title_at.append(i)
            if f & _W_GAZ and i < last:
                gaz_at.append(i)
            if f & _W_BRACKET:
                marks.append(i)
            if f & _W_OPEN and i < last:
                opens.append(i)
            if f & _W_AFTER and i:
                afters.append(i)
            if f & _W_NUL:
                nul = True
        # Title words, country forms, quotes and parentheses, sentence position and the
        # document hints: own strings, then these (few tokens have any), in this order.
        extra: Dict[int, tuple] = {}
        # Title words ("Foreign Minister") and the words either side.
        if title_at:
            lower = list(map(_LOWER, ents))
            after = 0
            for i in title_at:
                if i >= after:
                    m = match_title(lower, i)
                    if m:
                        length, kind = m
                        after = i + length
                        for k in range(i, after):
                            extra[k] = extra.get(k, E) + c("ttl=" + kind)
                        if i > 0:
                            extra[i - 1] = extra.get(i - 1, E) + c("ttl+1=" + kind)
                        if after < n:
                            extra[after] = extra.get(after, E) + c("ttl-1=" + kind)
                            if after + 1 < n:
                                extra[after + 1] = extra.get(after + 1, E) + c("ttl-2=" + kind)
        # Multi-word country forms ("Saudi Arabia").
        if gaz_at:
            gaz_table = _gazetteer()[0]
            gaz_pairs, gaz_lengths = _gaz_index()
            after = 0
            for i in gaz_at:
                if i < after:
                    continue
                w0, w1 = sw[i], sw[i + 1]
                if (w0, w1) not in gaz_pairs and \
                        (w1[-1:] not in "s'’" or (w0, split_possessive(w1)[0]) not in gaz_pairs):
                    continue  # no form starts with these two words
                for length in gaz_lengths[w0]:
                    if length > n - i:
                        continue
                    how = gaz_table.get(tuple(sw[i:i + length - 1]) + (split_possessive(sw[i + length - 1])[0],))
                    if how:
                        after = i + length
                        extra[i] = extra.get(i, E) + c("gzB=" + how)
                        for k in range(i + 1, after):
                            extra[k] = extra.get(k, E) + c("gzI=" + how)
                        break
        # Inside quotation marks or parentheses (the marks themselves are neither).
        if marks:
            depth_q = depth_p = 0
            start = 0
            for i in marks + [n]:
                if depth_q or depth_p:
                    inside = self._inq if depth_q else self._inp
                    for k in range(start, i):
                        extra[k] = extra.get(k, E) + inside
                if i == n:
                    break
                w = sw[i]
                if w in _OPEN_Q:
                    depth_q += 1
                elif w in _CLOSE_Q:
                    depth_q = max(0, depth_q - 1)
                elif w == '"':
                    depth_q = 0 if depth_q else 1
                elif w == "(":
                    depth_p += 1
                else:  # ")"
                    depth_p = max(0, depth_p - 1)
                start = i + 1
        # Sentence position.
        if n == 1:
            pos = {0: self._first_last}
        else:
            pos = {0: self._first, 1: self._second_last if last == 1 else self._second}
            if last > 1:
                pos[last] = self._last
        docf = self._docf
        mid = [E] * n
        for i in {*extra, *pos, *compress(range(n), map(_TC, ents))}:
            e = ents[i]
            mid[i] = extra.get(i, E) + pos.get(i, E) + \
                (docf[(e[0] in lower_seen) + 2 * (e[0] in cap_mid)] if e[1] else E)
        # The bigram with the word before where the model knows it; after an opening mark;
        # before a closing mark or a possessive 's.
        end = [E] * n
        if n > 1:
            bigrams = list(map(add, map(_BG, ents), map(_LOWER_BYTES, ents[1:])))
            for k in known_indices(bigrams, self.known, nul):
                end[k + 1] = (bigrams[k],)
            for i in opens:
                end[i + 1] = end[i + 1] + self._open1
            for i in afters:
                end[i - 1] = end[i - 1] + (self._close1 if sw[i] in _CLOSISH else self._poss1)
        # Neighbours: rows padded with the "edge" strings.
        left, right = self._left, self._right
        pe = [left, left, *ents, right, right]
        return [[*o, *md, *m2, *m1, *p1, *p2, *en]
                for o, md, m2, m1, p1, p2, en in
                zip(map(_OWN, ents), mid, map(_NB_M2, pe[0:n]), map(_NB_M1, pe[1:n + 1]),
                    map(_NB_P1, pe[3:n + 3]), map(_NB_P2, pe[4:n + 4]), end)]


# TaggingFeatures.word() fields.
_LOWER, _TC, _OWN = itemgetter(0), itemgetter(1), itemgetter(2)
_NB_M2, _NB_M1, _NB_P1, _NB_P2 = itemgetter(3), itemgetter(4), itemgetter(5), itemgetter(6)
_BG, _LOWER_BYTES, _IS_LOWER, _FLAGS = itemgetter(7), itemgetter(8), itemgetter(9), itemgetter(10)


# Word flags: starts a title, starts a country form, a quotation mark or parenthesis, opens
# one, closes one or is a possessive 's, holds a NUL.
_W_TITLE, _W_GAZ, _W_BRACKET, _W_OPEN, _W_AFTER, _W_NUL = 1, 2, 4, 8, 16, 32


def bio_to_bioes(tags: Sequence[str]) -> List[str]:
    """BIO (or IO) tags -> BIOES, as Stanza writes them: ``S-PERSON``, ``B-ORG`` ... ``E-ORG``.

    An ``I-`` that does not continue an entity of its type starts one.
    """
    n = len(tags)
    out = ["O"] * n
    # Only the tokens inside entities need a look (most are "O").
    for i in compress(range(n), map(ne, tags, repeat("O"))):
        tag = tags[i]
        if not tag:
            continue
        prefix, _, typ = tag.partition("-")
        starts = prefix == "B" or i == 0 or tags[i - 1] in (None, "O") or tags[i - 1][2:] != typ
        nxt = tags[i + 1] if i + 1 < n else "O"
        continues = bool(nxt) and nxt.startswith("I-") and nxt[2:] == typ
        if starts:
            out[i] = ("B-" if continues else "S-") + typ
        else:
            out[i] = ("I-" if continues else "E-") + typ
    return out


class EntityRecognizer:
    """The CRF entity model, loaded once; tags tokens of any annotator.

    Args:
        path: The crfsuite model (default: the shipped ``quotetrack/data/ner.crfsuite``).
        surnames: After tagging, mark lone surnames of people named in full elsewhere in the
            document (:func:`propagate_surnames`).

    Raises:
        ModelsMissing: The model file does not exist.
    """

    def __init__(self, path: Optional[Path] = None, *, surnames: bool = True):
        import pycrfsuite

        self.surnames = surnames
        self.path = Path(path) if path else MODEL_PATH
        check_model(self.path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.path))
        try:
            known: Optional[FrozenSet[bytes]] = model_attributes(self.path)
        except ModelFormatError:  # a model this reader does not understand: crfsuite filters
            known = None
        self._features = TaggingFeatures(known)

    def tag(self, words: Sequence[str], sentences: Sequence[Tuple[int, int]]) -> List[str]:
        """BIOES tags for every token (``"O"`` outside entities)."""
        tags: List[str] = ["O"] * len(words)
        tagger = self._tagger
        for (a, b), feats in zip(sentences, self._features(words, sentences)):
            if feats:
                tags[a:b] = bio_to_bioes(tagger.tag(feats))
        fix_honorifics(words, tags)
        if self.surnames:
            propagate_surnames(words, tags)
        return tags

    def annotate(self, doc: AnnotatedArticle) -> AnnotatedArticle:
        """``doc`` with ``Token.ner``, ``entities`` and the ``ner`` processor filled in."""
        tags = self.tag([t.text for t in doc.tokens], doc.sentences)
        tokens = with_tags(doc.tokens, tags)
        return replace(doc, tokens=tokens, entities=entities_from_tags(tags),
                       processors=doc.processors | {"ner"})


def fix_honorifics(words: Sequence[str], tags: List[str]) -> None:
    """An honorific is never part of a name, and the name after it is a person's, in place.

    "Ms Dagny Holm" tagged as one MISC becomes ``O`` + PERSON "Dagny Holm"; "Mr Vik" tagged
    GPE becomes PERSON. (Rare in the training data without its full stop, "Ms" and "Mr"
    otherwise leave the CRF unsure.)
    """
    hons = honorifics()
    n = len(tags)
    # Only words that are honorifics need a look (the same test, without a loop step per word).
    for i in compress(range(n - 1), map(hons.__contains__, map(_RSTRIP_DOT, map(str.lower, words[:n - 1])))):
        if not words[i + 1][:1].isupper():
            continue
        tag = tags[i]
        if tag != "O" and tag[:1] not in ("B", "S"):
            continue  # inside a longer entity: leave it
        if tag[:1] == "B":  # the honorific opened the entity: the name is the rest
            end = i + 1
            while end < n and tags[end][:1] == "I":
                end += 1
            last = end if end < n and tags[end][:1] == "E" else end - 1
        elif tags[i + 1][:1] in ("B", "S"):  # an entity right after the honorific
            end = i + 1
            while end < n - 1 and tags[end][:1] not in ("E", "S"):
                end += 1
            last = end
        else:
            continue
        tags[i] = "O"
        first = i + 1
        if last == first:
            tags[first] = "S-PERSON"
        else:
            tags[first] = "B-PERSON"
            for k in range(first + 1, last):
                tags[k] = "I-PERSON"
            tags[last] = "E-PERSON"


def propagate_surnames(words: Sequence[str], tags: List[str]) -> None:
    """Tag lone surnames of people the document names in full, in place.

    Once "Rick Santorum" is a PERSON, a lone "Santorum" tagged ``O`` elsewhere in the
    document becomes ``S-PERSON`` (the CRF sees one sentence at a time and often misses bare
    surnames). Only ``O`` tokens outside other entities change, and never a word that names
    a country, capital or nationality. On the held-out 10% of the training data this raised
    F1 on GUM (gold) by 1.8 points and lowered it on PolNeAR (silver) by 0.6, where most
    of the "errors" are names used as modifiers ("the Trump campaign") that CoreNLP leaves
    untagged.
    """
    surnames = set()
    for i in [i for i, tag in enumerate(tags) if tag == "E-PERSON"]:
        stem = split_possessive(words[i])[0]
        if stem[:1].isupper() and len(stem) > 1:
            surnames.add(stem)
    if not surnames:
        return
    # A word's stem is the word itself or the word less a possessive ending, so only words
    # that are surnames or end like a possessive need splitting.
    words = words[:len(tags)]
    for i in sorted({*compress(range(len(words)), map(surnames.__contains__, words)),
                     *compress(range(len(words)), map(str.endswith, words, repeat(_POSSESSIVE_ENDS)))}):
        if tags[i] == "O":
            stem = split_possessive(words[i])[0]
            if stem in surnames and geo.lookup(stem) is None:
                tags[i] = "S-PERSON"


def with_tags(tokens: Sequence[Token], tags: Sequence[str]) -> List[Token]:
    """Tokens with ``ner`` set from ``tags`` (``"O"`` outside entities, as Stanza writes it)."""
    return [t if t.ner == tag else replace(t, ner=tag) for t, tag in zip(tokens, tags)]


def check_model(path: Optional[Path] = None) -> None:
    """Raise :class:`ModelsMissing` when the entity model file (default: the shipped one) is
    not there."""
    path = Path(path) if path else MODEL_PATH
    if not path.is_file():
        raise ModelsMissing(f"entity model {path} is missing; run `make train-ner`")


@lru_cache(maxsize=1)
def default_recognizer() -> EntityRecognizer:
    """The shipped model, loaded once per process."""
    return EntityRecognizer()


__all__ = ["EntityRecognizer", "MODEL_PATH", "TYPES", "TaggingFeatures", "bio_to_bioes", "check_model",
           "default_recognizer", "document_features", "fix_honorifics", "propagate_surnames", "shape",
           "split_possessive"]
