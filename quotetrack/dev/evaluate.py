"""Score predicted attributions against gold brat standoff in the PolNeAR layout.

A gold directory holds ``text/<stem>.txt`` and ``attributions/<stem>_<annotator>.ann``.
When a text has several ``.ann`` files the first in sorted order is used. In the ``.ann``
files, ``T`` lines are spans (possibly discontinuous: ``Content 10 20;25 40``) and ``E``
lines tie roles into one attribution (``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``).

Metrics, micro-averaged over the corpus:

* per role (source, cue, content), **exact** and **overlap** precision/recall/F1 over the
  distinct spans of each article (see :func:`score_article` for the matching rules);
* **joint**: a gold attribution is found when one prediction overlaps its cue, its content
  and, where gold has one, its source;
* joint recall split into **direct** (content fully inside quotation marks) and
  **indirect** gold attributions.

Typical use::

    result = evaluate_dir("polnear/dev", lambda aid, text: my_extract(aid, text))
    print(result.format_table())
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import (Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple,
                    Union)

from ..records import Attribution, Span

log = logging.getLogger(__name__)

#: The roles scored, in table order.
ROLES = ("source", "cue", "content")
#: The span-matching modes scored per role.
MODES = ("exact", "overlap")
#: Quotation marks that open or close direct speech.
QUOTE_MARKS = frozenset("\"'“”‘’«»„‚‹›")

Fragment = Tuple[int, int]
Fragments = Tuple[Fragment, ...]
ExtractFn = Callable[[str, str], List[Attribution]]
PathLike = Union[str, Path]

# brat: "T12<TAB>Type 1 5;7 9<TAB>text" and "E3<TAB>Type:T12 Role:T4 ...".
_OFFSETS = re.compile(r"^\d+ \d+(?:;\d+ \d+)*$")
# More digits than any text's offset has: such a span is out of range, whatever its value.
_MAX_OFFSET_DIGITS = 15
# Attributes, relations, equivalences, normalisations, modifiers: nothing scored here.
_OTHER_BRAT_LINES = frozenset("AR*NM")


# --------------------------------------------------------------------------- gold records

@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution; each role is a tuple of (start, end) fragments, or ``()``.

    Fragments are sorted by start. ``is_direct`` is true when every content fragment begins
    and ends with a quotation mark once surrounding whitespace and other punctuation are
    trimmed, i.e. the content is fully quoted.
    """

    source: Fragments
    cue: Fragments
    content: Fragments
    is_direct: bool = False
    event_id: str = ""  # the brat ``E`` id, for tracing a score back to the .ann file

    def covering(self, role: str) -> Optional[Fragment]:
        """The span from the first to the last fragment of ``role``, or None when absent."""
        return _covering(getattr(self, role))


@dataclass(frozen=True)
class GoldArticle:
    """One gold article: its text (as read) and the attributions of the chosen annotator."""

    article_id: str
    path: str
    text: str
    attributions: Tuple[GoldAttribution, ...]
    ann_path: Optional[str] = None

    def to_attributions(self) -> List[Attribution]:
        """The gold attributions as :class:`Attribution` records (covering spans).

        Useful as an oracle prediction (it scores 100) and for checking downstream code on
        gold input. ``kind`` is "direct", "mixed" (content holds some quote marks) or
        "indirect"; ``act`` is left empty since PolNeAR has no speech-act classes.
        """
        out = []
        for g in self.attributions:
            spans = {}
            for role in ROLES:
                cover = g.covering(role)
                spans[role] = Span.of(self.text, *cover) if cover else None
            content = spans["content"]
            if g.is_direct:
                kind = "direct"
            elif content is not None and any(c in QUOTE_MARKS - {"'", "’"} for c in content.text):
                kind = "mixed"
            else:
                kind = "indirect"
            out.append(Attribution(
                id=Attribution.make_id(self.article_id, spans["cue"], spans["content"]),
                article_id=self.article_id, kind=kind, act="", **spans))
        return out


def iter_gold_spans(article: GoldArticle, *,
                    roles: Sequence[str] = ROLES) -> Iterator[Tuple[str, int, int]]:
    """Yield the distinct ``(role, start, end)`` gold fragments of one article.

    Discontinuous spans yield one item per fragment, so text between fragments (the
    "he said" inside a split quote) is not covered. Sorted by start, then end, then role.
    Spans of different roles may overlap or nest (a quote can contain another attribution),
    so a BIO conversion has to pick a policy for those.
    """
    seen = {(role, s, e) for g in article.attributions for role in roles
            for s, e in getattr(g, role)}
    yield from sorted(seen, key=lambda x: (x[1], x[2], x[0]))


def read_gold(gold_dir: PathLike) -> Iterator[GoldArticle]:
    """Read a PolNeAR-style gold directory, one article per text file, in sorted order.

    Args:
        gold_dir: Directory with ``text/*.txt`` and ``attributions/*.ann``.

    Yields:
        One :class:`GoldArticle` per text that has a readable ``.ann`` file. Unreadable
        files, texts without annotations and malformed lines are skipped with a warning on
        this module's logger.
    """
    gold_dir = Path(gold_dir)
    text_dir, ann_dir = gold_dir / "text", gold_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        log.warning("%s: expected text/ and attributions/ subdirectories; nothing read", gold_dir)
        return
    anns: Dict[str, List[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem, sep, _annotator = ann.stem.rpartition("_")
        if not sep:
            log.warning("%s: name has no _<annotator> suffix; skipped", ann)
            continue
        anns.setdefault(stem, []).append(ann)
    texts = sorted(text_dir.glob("*.txt"))
    for stem in sorted(set(anns) - {t.stem for t in texts}):
        log.warning("%s: no text/%s.txt; annotations skipped", anns[stem][0], stem)
    for txt in texts:
        if txt.stem not in anns:
            log.warning("%s: no attributions/%s_*.ann; article skipped", txt, txt.stem)
            continue
        ann = anns[txt.stem][0]
        try:
            # newline="" keeps \r characters, so offsets index the file as written.
            with open(txt, encoding="utf-8", newline="") as f:
                text = f.read()
            with open(ann, encoding="utf-8", newline="") as f:
                # Not splitlines(): a span's text may hold \x85 or U+2028.
                ann_lines = [line.rstrip("\r") for line in f.read().split("\n")]
        except (OSError, UnicodeDecodeError) as e:
            log.warning("%s: cannot read (%s); article skipped", txt.stem, e)
            continue
        attributions = _parse_ann(ann_lines, text, str(ann))
        yield GoldArticle(txt.stem, str(txt), text, tuple(attributions), str(ann))


def _parse_ann(lines: Sequence[str], text: str, where: str) -> List[GoldAttribution]:
    """Build gold attributions from the lines of one ``.ann`` file, skipping bad lines."""
    spans: Dict[str, Fragments] = {}
    events: List[Tuple[str, str, List[Tuple[str, str]]]] = []
    mismatched = 0
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        kind = cols[0][:1]
        if kind == "T":
            frags = _parse_span(cols, len(text))
            if frags is None:
                log.warning("%s:%d: malformed or out-of-range span line skipped: %r",
                            where, n, line[:80])
                continue
            # brat joins fragments, in the order written, with one space in the text column.
            if len(cols) > 2 and " ".join(text[s:e] for s, e in frags) != cols[2]:
                mismatched += 1
            spans[cols[0]] = tuple(sorted(frags))
        elif kind == "E":
            args = cols[1].split() if len(cols) > 1 else []
            pairs = [a.partition(":")[::2] for a in args]
            if not pairs or any(not role or not ref for role, ref in pairs):
                log.warning("%s:%d: malformed event line skipped: %r", where, n, line[:80])
                continue
            events.append((cols[0], pairs[0][0], pairs[1:]))
        elif kind not in _OTHER_BRAT_LINES:
            log.warning("%s:%d: unknown line skipped: %r", where, n, line[:80])
    if mismatched:
        log.warning("%s: %d span(s) whose text differs from the article at their offsets",
                    where, mismatched)

    out = []
    seen: Dict[Tuple[Fragments, Fragments, Fragments], str] = {}
    for event_id, trigger_type, roles in events:
        if not trigger_type.startswith("Attribution"):
            continue
        found: Dict[str, List[Fragment]] = {role: [] for role in ROLES}
        for role, ref in roles:
            # brat numbers repeated roles (Content, Content2, ...): merge their fragments.
            name = role.rstrip("0123456789").lower()
            if name not in found:
                continue
            if ref not in spans:
                log.warning("%s: %s refers to unknown span %s; role dropped", where, event_id, ref)
                continue
            found[name].extend(spans[ref])
        if not found["cue"] and not found["content"]:
            log.warning("%s: %s has neither cue nor content; skipped", where, event_id)
            continue
        frags = {role: tuple(sorted(set(found[role]))) for role in ROLES}
        key = (frags["source"], frags["cue"], frags["content"])
        if key in seen:
            # One attribution annotated twice (a copied event) is one gold item, not two.
            log.warning("%s: %s repeats %s; counted once", where, event_id, seen[key])
            continue
        seen[key] = event_id
        out.append(GoldAttribution(**frags, is_direct=_is_direct(text, frags["content"]),
                                   event_id=event_id))
    return out


def _parse_span(cols: Sequence[str], n_chars: int) -> Optional[Fragments]:
    """Fragments of a ``T`` line as written, or None when malformed or outside the text."""
    if len(cols) < 2:
        return None
    _type, _, offsets = cols[1].partition(" ")
    if not _OFFSETS.match(offsets):
        return None
    frags = []
    for part in offsets.split(";"):
        if any(len(x) > _MAX_OFFSET_DIGITS for x in part.split()):
            return None  # out of range for any text; int() would refuse 5,000 digits anyway
        s, e = (int(x) for x in part.split())
        if not 0 <= s <= e <= n_chars:
            return None
        frags.append((s, e))
    return tuple(frags)


def _is_direct(text: str, content: Fragments) -> bool:
    """True when every content fragment is wrapped in quotation marks."""
    if not content:
        return False
    for s, e in content:
        frag = text[s:e]
        # Drop a final period or comma left outside the closing quote, but keep the quotes.
        drop = "".join({c for c in frag if _is_trim_char(c) and c not in QUOTE_MARKS})
        frag = frag.strip(drop)
        if len(frag) < 2 or frag[0] not in QUOTE_MARKS or frag[-1] not in QUOTE_MARKS:
            return False
    return True


# --------------------------------------------------------------------------- span matching

def _is_trim_char(c: str) -> bool:
    return c.isspace() or unicodedata.category(c).startswith("P")


def _trim(text: str, start: int, end: int) -> Fragment:
    """Offsets without surrounding whitespace, quote marks and punctuation.

    A span made only of such characters (cues like ":" or "―") is kept as it is.
    """
    s, e = max(start, 0), min(end, len(text))
    while s < e and _is_trim_char(text[s]):
        s += 1
    while e > s and _is_trim_char(text[e - 1]):
        e -= 1
    return (s, e) if s < e else (start, end)


def _covering(frags: Fragments) -> Optional[Fragment]:
    return (min(s for s, _ in frags), max(e for _, e in frags)) if frags else None


def _overlap(a: Fragments, b: Fragments) -> int:
    """Characters shared by two fragment lists."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _max_matching(adj: Sequence[Sequence[int]], n_right: int) -> int:
    """Size of a maximum one-to-one matching of a bipartite graph (augmenting paths, BFS).

    ``adj[u]`` lists the right-hand nodes left node ``u`` may match, best candidates first;
    iterative so that large articles cannot hit the recursion limit.
    """
    match_l: List[int] = [-1] * len(adj)
    match_r: List[int] = [-1] * n_right
    size = 0
    for root in range(len(adj)):
        parent: Dict[int, int] = {}
        queue, free = deque([root]), -1
        while queue and free < 0:
            u = queue.popleft()
            for v in adj[u]:
                if v in parent:
                    continue
                parent[v] = u
                if match_r[v] < 0:
                    free = v
                    break
                queue.append(match_r[v])
        if free < 0:
            continue
        v = free
        while v >= 0:  # flip the path back to the root
            u = parent[v]
            v_next = match_l[u]
            match_l[u], match_r[v] = v, u
            v = v_next
        size += 1
    return size


# --------------------------------------------------------------------------- results

def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _pct(x: float) -> float:
    return round(100.0 * x, 1)


@dataclass(frozen=True)
class Score:
    """Match counts for one metric; precision, recall and F1 are fractions in [0, 1].

    ``matched_pred`` of ``pred`` predictions matched some gold item and ``matched_gold`` of
    ``gold`` gold items were matched (the two differ only for non one-to-one metrics).
    A zero denominator gives 0.0 rather than an error.
    """

    matched_pred: int = 0
    pred: int = 0
    matched_gold: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.matched_pred, self.pred)

    @property
    def recall(self) -> float:
        return _ratio(self.matched_gold, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.matched_pred + other.matched_pred, self.pred + other.pred,
                     self.matched_gold + other.matched_gold, self.gold + other.gold)

    def to_dict(self) -> dict:
        """Percentages rounded to one decimal, plus the raw counts."""
        return {"precision": _pct(self.precision), "recall": _pct(self.recall),
                "f1": _pct(self.f1), "matched_pred": self.matched_pred, "pred": self.pred,
                "matched_gold": self.matched_gold, "gold": self.gold}


@dataclass(frozen=True)
class Recall:
    """``found`` of ``total`` gold items were matched."""

    found: int = 0
    total: int = 0

    @property
    def recall(self) -> float:
        return _ratio(self.found, self.total)

    def __add__(self, other: "Recall") -> "Recall":
        return Recall(self.found + other.found, self.total + other.total)

    def to_dict(self) -> dict:
        return {"recall": _pct(self.recall), "found": self.found, "total": self.total}


def _role_scores() -> Dict[str, Score]:
    return {role: Score() for role in ROLES}


@dataclass(frozen=True)
class EvalResult:
    """Scores for one article or, summed with ``+``, a whole corpus (micro-averaged).

    ``exact`` and ``overlap`` map each role in :data:`ROLES` to its :class:`Score`.
    """

    articles: int = 0
    gold_attributions: int = 0
    pred_attributions: int = 0
    exact: Dict[str, Score] = field(default_factory=_role_scores)
    overlap: Dict[str, Score] = field(default_factory=_role_scores)
    joint: Score = Score()
    direct: Recall = Recall()
    indirect: Recall = Recall()

    def __add__(self, other: "EvalResult") -> "EvalResult":
        return EvalResult(
            articles=self.articles + other.articles,
            gold_attributions=self.gold_attributions + other.gold_attributions,
            pred_attributions=self.pred_attributions + other.pred_attributions,
            exact={r: self.exact[r] + other.exact[r] for r in ROLES},
            overlap={r: self.overlap[r] + other.overlap[r] for r in ROLES},
            joint=self.joint + other.joint,
            direct=self.direct + other.direct,
            indirect=self.indirect + other.indirect,
        )

    def to_dict(self) -> dict:
        """Nested, JSON-friendly scores (percentages to one decimal, raw counts)."""
        return {
            "articles": self.articles,
            "gold_attributions": self.gold_attributions,
            "pred_attributions": self.pred_attributions,
            "roles": {r: {"exact": self.exact[r].to_dict(), "overlap": self.overlap[r].to_dict()}
                      for r in ROLES},
            "joint": self.joint.to_dict(),
            "direct": self.direct.to_dict(),
            "indirect": self.indirect.to_dict(),
        }

    def format_table(self) -> str:
        """A plain-text table of all scores, for a terminal or a log."""
        rows: List[Tuple[str, str, str, str, str, str]] = []

        def fmt(x: float) -> str:
            return f"{100 * x:.1f}"

        for role in ROLES:
            for mode in MODES:
                s = getattr(self, mode)[role]
                rows.append((f"{role} {mode}", fmt(s.precision), fmt(s.recall), fmt(s.f1),
                             f"{s.matched_pred}/{s.pred}", f"{s.matched_gold}/{s.gold}"))
        j = self.joint
        rows.append(("joint", fmt(j.precision), fmt(j.recall), fmt(j.f1),
                     f"{j.matched_pred}/{j.pred}", f"{j.matched_gold}/{j.gold}"))
        for name, r in (("direct recall", self.direct), ("indirect recall", self.indirect)):
            rows.append((name, "", fmt(r.recall), "", "", f"{r.found}/{r.total}"))

        header = ("metric", "P", "R", "F1", "pred matched", "gold matched")
        widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]

        def line(row: Sequence[str]) -> str:
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
            return "  ".join(cells).rstrip()

        out = [f"articles: {self.articles}  gold attributions: {self.gold_attributions}  "
               f"predicted attributions: {self.pred_attributions}",
               line(header), line(["-" * w for w in widths])]
        out.extend(line(row) for row in rows)
        return "\n".join(out)


# --------------------------------------------------------------------------- scoring

def _pred_frags(text: str, span: Optional[Span]) -> Optional[Fragments]:
    return (_trim(text, span.start, span.end),) if span is not None else None


def _gold_frags(text: str, frags: Fragments) -> Fragments:
    return tuple(_trim(text, s, e) for s, e in frags)


def _score_role(text: str, gold: Iterable[Fragments],
                pred: Iterable[Span]) -> Tuple[Score, Score]:
    """Exact and overlap scores of one role in one article."""
    gold_raw = {g for g in gold if g}
    pred_raw = {(p.start, p.end) for p in pred}

    gold_exact = {_trim(text, *_covering(g)) for g in gold_raw}
    pred_exact = {_trim(text, s, e) for s, e in pred_raw}
    hits = len(gold_exact & pred_exact)
    exact = Score(hits, len(pred_exact), hits, len(gold_exact))

    gold_ov = sorted({_gold_frags(text, g) for g in gold_raw})
    pred_ov = sorted({(_trim(text, s, e),) for s, e in pred_raw})
    adj = []
    for p in pred_ov:
        cands = [(_overlap(p, g), i) for i, g in enumerate(gold_ov)]
        adj.append([i for n, i in sorted(cands, reverse=True) if n > 0])
    matched = _max_matching(adj, len(gold_ov))
    overlap = Score(matched, len(pred_ov), matched, len(gold_ov))
    return exact, overlap


def _joint_match(gold: Dict[str, Fragments], pred: Dict[str, Optional[Fragments]]) -> bool:
    """True when the prediction overlaps every role the gold attribution has."""
    for role, g in gold.items():
        if not g:
            continue  # e.g. no source in gold: any predicted source (or none) will do
        p = pred[role]
        if p is None or not _overlap(p, g):
            return False
    return True


def score_article(gold: GoldArticle, predictions: Sequence[Attribution]) -> EvalResult:
    """Score the predictions for one article.

    Span metrics count each distinct span once per role: one source span shared by two
    attributions counts once, on either side. Spans are compared after trimming
    whitespace, quote marks and punctuation from both ends.

    * exact: trimmed offsets are equal; a discontinuous gold span is compared by the span
      covering its fragments.
    * overlap: predicted and gold spans are matched one-to-one (maximum matching) when they
      share at least one character; a discontinuous gold span overlaps only via its
      fragments, not the text between them.
    * joint: a gold attribution is found when one prediction overlaps its cue, its content
      and (when present) its source; a prediction is correct when it finds some gold
      attribution. Not one-to-one, so duplicate predictions both count.

    Args:
        gold: The gold article.
        predictions: Attributions predicted for its text (their ``article_id`` is not checked).

    Returns:
        An :class:`EvalResult` for this article alone; add results to micro-average.
    """
    text = gold.text
    exact, overlap = {}, {}
    for role in ROLES:
        exact[role], overlap[role] = _score_role(
            text, (getattr(g, role) for g in gold.attributions),
            (getattr(p, role) for p in predictions if getattr(p, role) is not None))

    gold_roles = [{r: _gold_frags(text, getattr(g, r)) for r in ROLES} for g in gold.attributions]
    pred_roles = [{r: _pred_frags(text, getattr(p, r)) for r in ROLES} for p in predictions]
    found = [any(_joint_match(g, p) for p in pred_roles) for g in gold_roles]
    correct = sum(any(_joint_match(g, p) for g in gold_roles) for p in pred_roles)
    joint = Score(correct, len(predictions), sum(found), len(found))

    direct = Recall(sum(f for f, g in zip(found, gold.attributions) if g.is_direct),
                    sum(g.is_direct for g in gold.attributions))
    indirect = Recall(sum(found) - direct.found, len(found) - direct.total)
    return EvalResult(1, len(gold.attributions), len(predictions), exact, overlap, joint,
                      direct, indirect)


def score(pairs: Iterable[Tuple[GoldArticle, Sequence[Attribution]]]) -> EvalResult:
    """Micro-averaged scores over ``(gold article, predicted attributions)`` pairs."""
    total = EvalResult()
    for gold, predictions in pairs:
        total = total + score_article(gold, list(predictions))
    return total


def read_id_list(path: PathLike) -> Set[str]:
    """Article ids (text file stems), one a line; blank lines and ``#`` comments ignored."""
    lines = (line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


#: The tune split: 84 PolNeAR train articles on which options are chosen (dev is for reporting).
TUNE_LIST = Path(__file__).with_name("polnear-tune.txt")


def evaluate_dir(gold_dir: PathLike, extract_fn: ExtractFn, *, limit: Optional[int] = None,
                 progress: Optional[Callable[[int, int], None]] = None,
                 articles: Optional[Set[str]] = None) -> EvalResult:
    """Run ``extract_fn`` on every gold article and score the result.

    Args:
        gold_dir: A PolNeAR-style directory (see :func:`read_gold`).
        extract_fn: ``extract_fn(article_id, text) -> list[Attribution]`` with offsets into
            ``text``. Its exceptions propagate: skipping a failed article would inflate scores.
        limit: Score only the first ``limit`` articles (sorted by id).
        progress: Called as ``progress(i, n)`` after each article (i from 1 to n).
        articles: Score only these article ids (e.g. :func:`read_id_list` of :data:`TUNE_LIST`).

    Returns:
        The corpus :class:`EvalResult`.
    """
    only = articles
    gold = (g for g in read_gold(gold_dir) if only is None or g.article_id in only)
    articles = list(islice(gold, limit))
    if not articles:
        log.warning("%s: no gold articles found", gold_dir)
    total = EvalResult()
    for i, article in enumerate(articles, 1):
        total = total + score_article(article, list(extract_fn(article.article_id, article.text)))
        if progress is not None:
            progress(i, len(articles))
    return total
