"""The sequence tagger behind the surface (parser-free) extraction path.

Two linear-chain CRFs (python-crfsuite), trained on the PolNeAR train split by
``make train`` (see :mod:`quotetrack.train`), label the tokens of each paragraph:

* the *role* model: ``B-SRC``/``I-SRC`` (who) and ``B-CUE``/``I-CUE`` (the reporting words);
* the *content* model: ``B-CON``/``I-CON`` (what was said).

Content gets its own model because it nests: "X said that Y claimed Z" has Y's source and
cue inside X's content. Both models read the same features, computed once per paragraph.
Paragraphs with no quote mark, colon or cue word cannot hold an attribution and are skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from .annotate import AnnotatedArticle
from .lexicon import DATA, cue_first_words, match_cue, match_title

MODEL_PATHS = {"role": DATA / "tagger-role.crfsuite", "content": DATA / "tagger-content.crfsuite"}

_OPEN_Q = frozenset("“‘«‹„")
_CLOSE_Q = frozenset("”’»›")
_STRAIGHT_Q = frozenset("\"'")
_PRONOUNS = frozenset("he she they it we i you who which his her their its".split())
_PUNCT_RE = re.compile(r"^\W+$")


def shape(word: str) -> str:
    if word[0].isupper():
        return "X" if word.isupper() and len(word) > 1 else "Xx"
    if word[0].isdigit():
        return "d"
    if word[0].isalpha():
        return "x"
    return word if len(word) == 1 else "p"


def paragraphs(doc: AnnotatedArticle) -> List[Tuple[int, int]]:
    """Token ranges of paragraphs: runs of sentences not separated by a line break."""
    out: List[Tuple[int, int]] = []
    text, toks = doc.text, doc.tokens
    for a, b in doc.sentences:
        if a == b:
            continue
        if out and "\n" not in text[toks[out[-1][1] - 1].end:toks[a].start]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def is_quote(word: str) -> bool:
    return word in _OPEN_Q or word in _CLOSE_Q or word in _STRAIGHT_Q or word in ("``", "''")


def _stem(w: str) -> str:
    """A crude suffix-stripped form, so unseen inflections share weights ("accuses" ~ "accused")."""
    for suf in ("ing", "ed", "es", "s", "e"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[:-len(suf)]
    return w


def _bucket(d: Optional[int]) -> str:
    if d is None:
        return "none"
    if d <= 3:
        return str(d)
    if d <= 7:
        return "4-7"
    return "8+" if d <= 15 else "16+"


def paragraph_features(doc: AnnotatedArticle, a: int, b: int) -> List[List[str]]:
    """Feature strings for tokens ``a..b`` of one paragraph (crfsuite's binary features)."""
    toks = doc.tokens[a:b]
    n = len(toks)
    words = [t.text for t in toks]
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
        m = match_title(lower, i) if toks[i].text[0].isalpha() else None
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
        if w in _OPEN_Q or w == "``":
            depth += 1
            inq[i] = True
        elif w in _CLOSE_Q or w == "''":
            inq[i] = True
            depth = max(0, depth - 1)
        elif w == '"':
            inq[i] = True
            depth = 0 if depth else 1
        else:
            inq[i] = depth > 0

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

    base = []
    for i in range(n):
        w = lower[i]
        base.append((w, shape(words[i]), cue[i]))

    feats: List[List[str]] = []
    seen_colon = False
    seen_that = False
    for i in range(n):
        w, shp, c = base[i]
        if i and sent[i] != sent[i - 1]:
            seen_colon = seen_that = False
        f = ["b", "w=" + w, "s=" + shp, "x3=" + w[-3:], "st=" + _stem(w), "q=" + str(int(inq[i])),
             "cl=" + _bucket(left_cue[i]), "cr=" + _bucket(right_cue[i]),
             "sq=" + str(int(sent_has_q[sent[i]])), "sc=" + str(int(sent_has_cue[sent[i]])),
             "si=" + str(min(sent[i] - first_sent, 2))]
        if c:
            f.append("cue=" + c)
        if title[i]:
            f.append("ttl")
        if w in _PRONOUNS:
            f.append("pron")
        if i == 0 or sent[i] != sent[i - 1]:
            f.append("sfirst")
        if i == n - 1 or sent[i] != sent[i + 1]:
            f.append("slast")
        if seen_colon:
            f.append("acolon")
        if seen_that:
            f.append("athat")
        # Window of neighbours: words, shapes and cue flags.
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                bw, bs, bc = base[j]
                f.append("w%+d=%s" % (d, bw))
                f.append("s%+d=%s" % (d, bs))
                if bc:
                    f.append("c%+d" % d)
                if inq[j] != inq[i]:
                    f.append("qchg%+d" % d)
            else:
                f.append("edge%+d" % d)
        f.append("wc=%s|%s" % (_bucket(left_cue[i]), _bucket(right_cue[i])))
        f.append("qwc=%d|%s|%s" % (inq[i], _bucket(left_cue[i]), _bucket(right_cue[i])))
        for d in (-3, 3):
            j = i + d
            if 0 <= j < n:
                f.append("w%+d=%s" % (d, base[j][0]))
        f.append("qs=%d|%s" % (inq[i], shp))
        if i:
            f.append("bg=%s|%s" % (base[i - 1][0], w))
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


@dataclass(frozen=True)
class TaggedSpan:
    label: str  # SRC, CUE or CON
    start: int  # token indices into doc.tokens, end-exclusive
    end: int


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


class ModelMissing(RuntimeError):
    pass


class Tagger:
    """Loads the two CRF models once and tags paragraphs."""

    def __init__(self, paths: Optional[Dict[str, Path]] = None):
        import pycrfsuite

        paths = paths or MODEL_PATHS
        self._taggers = {}
        for name, path in paths.items():
            if not Path(path).is_file():
                raise ModelMissing(f"tagger model {path} is missing; run `make train`")
            t = pycrfsuite.Tagger()
            t.open(str(path))
            self._taggers[name] = t
        self._ItemSequence = pycrfsuite.ItemSequence

    def tag(self, doc: AnnotatedArticle) -> Iterator[Tuple[Tuple[int, int], List[TaggedSpan]]]:
        """Yield ((para_start, para_end), spans) for every candidate paragraph."""
        for a, b in paragraphs(doc):
            if not is_candidate(doc, a, b):
                continue
            items = self._ItemSequence(paragraph_features(doc, a, b))
            spans: List[TaggedSpan] = []
            for name in ("role", "content"):
                spans.extend(bio_spans(self._taggers[name].tag(items), a))
            yield (a, b), spans


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()
