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

Speed: feature strings that depend on one word only are built once per distinct word
(bounded cache, like :mod:`quotetrack.extract.tagger`); a sentence then costs a few list
operations per token plus crfsuite's Viterbi.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from .. import geo
from ..doc import AnnotatedArticle, Token, entities_from_tags
from ..lexicon import CLOSE_ONLY_QUOTES, DATA, OPEN_ONLY_QUOTES, match_title, word_class
from ..models import ModelsMissing

MODEL_PATH = DATA / "ner.crfsuite"
#: Entity types the model predicts.
TYPES = ("PERSON", "ORG", "GPE", "MISC")

_POSSESSIVE = re.compile(r"^(.+?\w)(['’]s|(?<=s)['’])$")
_OPEN_Q = OPEN_ONLY_QUOTES | {"``"}
_CLOSE_Q = CLOSE_ONLY_QUOTES | {"''"}
_GAZ_SPLIT = re.compile(r"\w+(?:[-'’ʻ&.]\w+)*\.?|[^\w\s]")
_NEIGHBOURS = (-2, -1, 1, 2)


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
    if any(ch.isdigit() for ch in stem):
        own.append("dig")
    if len(stem) <= 2 and stem.isalpha():
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
    nbr = tuple(("w%+d=%s" % (d, w), "sh%+d=%s" % (d, shp)) + (("gz%+d" % d,) if gz else ())
                + (("hon%+d" % d,) if hon else ()) for d in _NEIGHBOURS)
    r = (w, tc, ("b", *own), nbr, "bg=" + w + "|")
    _WORD_CACHE[word] = r
    return r


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


def bio_to_bioes(tags: Sequence[str]) -> List[str]:
    """BIO (or IO) tags -> BIOES, as Stanza writes them: ``S-PERSON``, ``B-ORG`` ... ``E-ORG``.

    An ``I-`` that does not continue an entity of its type starts one.
    """
    out: List[str] = []
    n = len(tags)
    for i, tag in enumerate(tags):
        if not tag or tag == "O":
            out.append("O")
            continue
        prefix, _, typ = tag.partition("-")
        starts = prefix == "B" or i == 0 or tags[i - 1] in (None, "O") or tags[i - 1][2:] != typ
        nxt = tags[i + 1] if i + 1 < n else "O"
        continues = bool(nxt) and nxt.startswith("I-") and nxt[2:] == typ
        if starts:
            out.append(("B-" if continues else "S-") + typ)
        else:
            out.append(("I-" if continues else "E-") + typ)
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

    def tag(self, words: Sequence[str], sentences: Sequence[Tuple[int, int]]) -> List[str]:
        """BIOES tags for every token (``"O"`` outside entities)."""
        tags: List[str] = ["O"] * len(words)
        tagger = self._tagger
        for (a, b), feats in zip(sentences, document_features(words, sentences)):
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
    for i in range(n - 1):
        if words[i].lower().rstrip(".") not in hons or not words[i + 1][:1].isupper():
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
    for i, tag in enumerate(tags):
        if tag == "E-PERSON":
            stem = split_possessive(words[i])[0]
            if stem[:1].isupper() and len(stem) > 1:
                surnames.add(stem)
    if not surnames:
        return
    for i, tag in enumerate(tags):
        if tag == "O":
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


__all__ = ["EntityRecognizer", "MODEL_PATH", "TYPES", "bio_to_bioes", "check_model", "default_recognizer",
           "document_features", "fix_honorifics", "propagate_surnames", "shape", "split_possessive"]
