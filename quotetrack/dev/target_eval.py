"""Targets of targeted acts against a hand-judged gold set.

    python -m quotetrack.dev.target_eval [CORPORA] [--gold FILE] [--tagger crf|neural]
                                          [--part tune|report] [--errors N] [--json]

The gold set (``quotetrack/dev/target_gold.tsv``; its header says how it was sampled and
judged) lists targeted attributions (accuse, criticize, deny, reject, respond, warn, threaten,
urge, praise, ask) of BBC politics (the *tune* part) and PolNeAR dev (the *report* part) by
article and cue offset, with the actor each is aimed at ("NONE" when it names no actor) and
who performed it. CORPORA is the folder holding ``bbc/politics`` and ``polnear/dev/text``
(default ``../shared/corpora``).

Definitions:

* **Prediction**: the listed articles of a part are read like ``quotetrack extract`` reads
  them and extracted with the built-in annotator and the chosen tagger; the cross-article
  actor merge (:func:`quotetrack.actors.resolve`) then runs over all predictions of the part,
  as one corpus. A prediction's *target actors* are the actors of ``Resolution.targets`` (what
  the graph draws edges to), its *speaker actor* that of ``Resolution.speaker``.
* **Match**: a gold row goes with the prediction of its article whose cue overlaps the gold
  cue the most (first on a tie); no overlapping cue: not found (its predicted targets are
  none).
* **Names of an actor**: its label and its aliases (the forms the tool merged into it), and
  for a body affiliated to a country "<country> <label>" ("United Kingdom government"). Names
  are compared after :func:`normalise` (case, accents, possessives, punctuation, a leading
  "the" folded) and :func:`canonical` (a well-known body's or a country's other names -> its
  canonical name), so "the Tories" is "Conservative Party" and "UK" is "United Kingdom". No
  surname rule: "Blair" counts as "Tony Blair" only where the tool itself merged it.
* **Target right**: gold NONE and no predicted target, or every gold target matched by a
  distinct predicted target actor and no predicted target left over. "A|B" in gold: either
  name; "A&B": several targets.
* **Edges**: (act, target) pairs of the gold rows: gold edges from gold targets, predicted
  edges from the matched predictions' target actors. A predicted edge is right when its act
  is the row's act and its actor matches a gold target not matched yet. *Full edges* add the
  speaker: right when the speaker actor also matches the gold speaker (gold NONE speakers
  make no gold edge).
* **NONE -> actor**: gold NONE rows whose prediction has a target actor (spurious nodes).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .. import geo
from ..actors import Actor, Resolution, resolve
from ..lexicon import word_class
from ..mentions import known_body
from ..records import Attribution

GOLD = Path(__file__).with_name("target_gold.tsv")
#: Corpus name in the gold file -> (folder under CORPORA, part).
CORPORA = {"bbc-politics": ("bbc/politics", "tune"), "polnear-dev": ("polnear/dev/text", "report")}
PARTS = ("tune", "report")
NONE = "NONE"


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True)
class GoldRow:
    """One judged attribution. ``targets``/``speakers``: one tuple of alternative names per
    actor ("A|B&C" -> (("A", "B"), ("C",))); empty for NONE."""

    corpus: str
    article: str
    cue_start: int
    cue: str
    act: str
    targets: Tuple[Tuple[str, ...], ...]
    speakers: Tuple[Tuple[str, ...], ...]
    reason: str = ""

    @property
    def cue_end(self) -> int:
        return self.cue_start + len(self.cue)


def parse_names(cell: str) -> Tuple[Tuple[str, ...], ...]:
    """ "A|B&C" -> (("A", "B"), ("C",)); "NONE" -> (). A "NONE" alternative ("NONE|X") means
    either nobody or X: kept as the name "NONE", which no actor has."""
    cell = cell.strip()
    if not cell or cell == NONE:
        return ()
    return tuple(tuple(a.strip() for a in part.split("|") if a.strip()) for part in cell.split("&"))


def load_gold(path: Path | str = GOLD) -> List[GoldRow]:
    """Rows of a gold file: ``#`` comments, a header row, then tab-separated rows.

    Raises:
        ValueError: A row has the wrong number of columns or a non-numeric offset.
    """
    rows: List[GoldRow] = []
    header_seen = False
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if cells[0] == "corpus":
                continue
        if len(cells) < 7:
            raise ValueError(f"{path}:{n}: expected 8 tab-separated columns, got {len(cells)}")
        corpus, article, start, cue, act, target, speaker = cells[:7]
        if not start.isdigit():
            raise ValueError(f"{path}:{n}: cue_start must be a number, got {start!r}")
        rows.append(GoldRow(corpus, article, int(start), cue, act, parse_names(target), parse_names(speaker),
                            cells[7] if len(cells) > 7 else ""))
    return rows


# --------------------------------------------------------------------------- names


def normalise(name: str) -> str:
    """Case-folded, accents, possessive 's and punctuation removed, a leading "the" and
    honorifics ("Mr", "Lord") dropped: "Lord Strathclyde" is "strathclyde"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^\w\s&-]", " ", text).replace("-", " ")
    words = text.split()
    if words[:1] == ["the"]:
        words = words[1:]
    while len(words) > 1 and words[0] in word_class("honorific"):
        words = words[1:]
    return " ".join(words)


def canonical(name: str) -> str:
    """The normalised canonical name: a well-known body's or a country's other names -> its own."""
    body = known_body(name)
    if body is not None:
        return normalise(body[0])
    place = geo.lookup(name)
    if place is not None:
        return normalise(place.country)
    return normalise(name)


def actor_names(actor: Actor) -> Set[str]:
    """Every name an actor answers to, canonicalised (label, aliases, "<country> <body>")."""
    forms = {actor.label, *actor.aliases}
    if actor.kind in ("organization", "group") and actor.affiliation and geo.country_of(actor.affiliation):
        country = geo.country_of(actor.affiliation)
        for form in list(forms):
            rest = " ".join(w for w in form.split() if not geo.lookup(w.rstrip("'’s")))
            if rest:
                forms.add(f"{country} {rest}")
    return {canonical(f) for f in forms if f.strip()}


def _matches(names: Set[str], alternatives: Tuple[str, ...]) -> bool:
    return any(canonical(a) in names for a in alternatives if a != NONE)


def _assign(gold: Sequence[Tuple[str, ...]], predicted: Sequence[Set[str]]) -> int:
    """How many gold actors a distinct predicted actor matches (greedy, gold order)."""
    used: Set[int] = set()
    hits = 0
    for alts in gold:
        for k, names in enumerate(predicted):
            if k not in used and _matches(names, alts):
                used.add(k)
                hits += 1
                break
    return hits


# --------------------------------------------------------------------------- matching


def match(rows: Sequence[GoldRow], predictions: Dict[str, Sequence[Attribution]]) -> List[Optional[Attribution]]:
    """For each gold row, the prediction of its article whose cue overlaps the gold cue most."""
    out: List[Optional[Attribution]] = []
    for r in rows:
        best, best_overlap = None, 0
        for a in predictions.get(r.article, ()):
            if a.cue is None:
                continue
            overlap = min(a.cue.end, r.cue_end) - max(a.cue.start, r.cue_start)
            if overlap > best_overlap:
                best, best_overlap = a, overlap
        out.append(best)
    return out


# --------------------------------------------------------------------------- scoring


@dataclass
class Judged:
    """One gold row with what the tool made of it."""

    row: GoldRow
    found: bool
    act: Optional[str]
    targets: List[Tuple[str, Set[str]]]  # predicted target actors: (label, names)
    speaker: Optional[Tuple[str, Set[str]]]
    right: bool
    target_text: Optional[str] = None


@dataclass
class Score:
    """Figures for one part."""

    part: str
    rows: int = 0
    found: int = 0
    right: int = 0
    gold_none: int = 0
    none_to_actor: int = 0
    gold_edges: int = 0
    pred_edges: int = 0
    right_edges: int = 0
    gold_full: int = 0
    pred_full: int = 0
    right_full: int = 0
    judged: List[Judged] = field(default_factory=list)

    @staticmethod
    def _prf(right: int, pred: int, gold: int) -> Tuple[float, float, float]:
        p = 100.0 * right / pred if pred else 0.0
        r = 100.0 * right / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def accuracy(self) -> float:
        return 100.0 * self.right / self.rows if self.rows else 0.0

    @property
    def edges(self) -> Tuple[float, float, float]:
        return self._prf(self.right_edges, self.pred_edges, self.gold_edges)

    @property
    def full(self) -> Tuple[float, float, float]:
        return self._prf(self.right_full, self.pred_full, self.gold_full)

    def as_dict(self) -> dict:
        p, r, f = self.edges
        fp, fr, ff = self.full
        return {"part": self.part, "rows": self.rows, "found": self.found, "target_right": self.right,
                "target_accuracy": round(self.accuracy, 1), "gold_none": self.gold_none,
                "none_to_actor": self.none_to_actor, "gold_edges": self.gold_edges,
                "pred_edges": self.pred_edges, "right_edges": self.right_edges,
                "edge_p": round(p, 1), "edge_r": round(r, 1), "edge_f1": round(f, 1),
                "gold_full": self.gold_full, "pred_full": self.pred_full, "right_full": self.right_full,
                "full_p": round(fp, 1), "full_r": round(fr, 1), "full_f1": round(ff, 1)}


def score(part: str, rows: Sequence[GoldRow], predictions: Dict[str, Sequence[Attribution]],
          res: Optional[Resolution] = None) -> Score:
    """Score one part's gold rows against its predictions (article id -> attributions).

    ``res`` is the cross-article resolution of all those predictions (computed when None).
    """
    if res is None:
        res = resolve([a for arts in predictions.values() for a in arts])
    out = Score(part)
    names_cache: Dict[str, Set[str]] = {}

    def named(aid: str) -> Tuple[str, Set[str]]:
        if aid not in names_cache:
            names_cache[aid] = actor_names(res.actors[aid])
        return res.actors[aid].label, names_cache[aid]

    for r, a in zip(rows, match(rows, predictions)):
        targets = [named(t) for t in res.targets(a.id)] if a is not None else []
        sp = res.speaker(a.id) if a is not None else None
        speaker = named(sp) if sp else None
        hits = _assign(r.targets, [n for _, n in targets])
        right = hits == len(r.targets) == len(targets)
        out.rows += 1
        out.found += a is not None
        out.right += right
        if not r.targets:
            out.gold_none += 1
            out.none_to_actor += bool(targets)
        act_ok = a is not None and a.act == r.act
        out.gold_edges += len(r.targets)
        out.pred_edges += len(targets)
        out.right_edges += hits if act_ok else 0
        speaker_ok = speaker is not None and any(_matches(speaker[1], alts) for alts in r.speakers)
        optional = any(NONE in alts for alts in r.speakers)  # "NONE|X": nobody named, or X
        if r.speakers and not optional:
            out.gold_full += len(r.targets)
        elif optional and act_ok and speaker_ok:
            out.gold_full += hits  # an optional edge the tool found counts as gold
        if speaker is not None:
            out.pred_full += len(targets)
        out.right_full += hits if act_ok and speaker_ok else 0
        out.judged.append(Judged(r, a is not None, a.act if a else None, targets, speaker, right,
                                 a.target.text if a is not None and a.target is not None else None))
    return out


# --------------------------------------------------------------------------- extraction


def extract_articles(paths: Sequence[Path], *, tagger: str = "crf") -> Dict[str, List[Attribution]]:
    """Article id (file stem) -> attributions, read and extracted like ``quotetrack extract``
    (built-in annotator). An unreadable file is reported on stderr and skipped."""
    from ..io.readers import read_inputs
    from ..pipeline import run
    from ..records import Article

    articles = []
    for item in read_inputs([str(p) for p in paths]):
        if isinstance(item, Article):
            articles.append(item)
        else:
            print(f"target_eval: {getattr(item, 'path', '')} {getattr(item, 'message', item)}", file=sys.stderr)
    out: Dict[str, List[Attribution]] = {}
    for result in run(articles, jobs=1, tagger=tagger):
        if result.error:
            print(f"target_eval: {result.article.article_id}: {result.error}", file=sys.stderr)
        out[result.article.article_id] = list(result.attributions)
    return out


def evaluate(corpora: Path | str, *, gold: Path | str = GOLD, tagger: str = "crf",
             parts: Sequence[str] = PARTS) -> List[Score]:
    """Re-extract the gold articles of each part and score them.

    Raises:
        FileNotFoundError: A listed article is not in the corpora folder.
    """
    rows = load_gold(gold)
    by_part: Dict[str, List[GoldRow]] = defaultdict(list)
    for r in rows:
        if r.corpus not in CORPORA:
            raise ValueError(f"unknown corpus {r.corpus!r} in {gold}; one of {', '.join(CORPORA)}")
        by_part[CORPORA[r.corpus][1]].append(r)
    out = []
    for part in parts:
        part_rows = by_part.get(part, [])
        paths = []
        for corpus, article in dict.fromkeys((r.corpus, r.article) for r in part_rows):
            path = Path(corpora) / CORPORA[corpus][0] / f"{article}.txt"
            if not path.is_file():
                raise FileNotFoundError(f"{path}: listed in {gold} but not found (is CORPORA right?)")
            paths.append(path)
        predictions = extract_articles(paths, tagger=tagger)
        out.append(score(part, part_rows, predictions))
    return out


# --------------------------------------------------------------------------- report


def table(scores: Iterable[Score]) -> str:
    head = (f"{'part':7} {'rows':>5} {'found':>6} {'target right':>13} {'NONE->actor':>12}"
            f" {'edges P':>8} {'R':>5} {'F1':>5} {'full P':>7} {'R':>5} {'F1':>5}")
    lines = [head, "-" * len(head)]
    for s in scores:
        p, r, f = s.edges
        fp, fr, ff = s.full
        lines.append(f"{s.part:7} {s.rows:5d} {s.found:6d} {s.right:5d} {s.accuracy:6.1f}%"
                     f" {s.none_to_actor:5d}/{s.gold_none:<6d} {p:8.1f} {r:5.1f} {f:5.1f} {fp:7.1f} {fr:5.1f} {ff:5.1f}")
        lines.append(f"{'':7} edges: {s.right_edges} right of {s.pred_edges} predicted, {s.gold_edges} gold;"
                     f" full edges: {s.right_full} of {s.pred_full}, {s.gold_full} gold")
    return "\n".join(lines)


def errors(s: Score, limit: int) -> str:
    """Wrong rows: the target, or (for a right target with a gold speaker) the speaker."""
    lines = []
    for j in s.judged:
        r = j.row
        optional = any(NONE in alts for alts in r.speakers)
        speaker_wrong = bool(r.targets) and bool(r.speakers) and not (
            j.speaker is not None and any(_matches(j.speaker[1], alts) for alts in r.speakers)
            or j.speaker is None and optional)
        if j.right and not speaker_wrong:
            continue
        gold = " & ".join("|".join(alts) for alts in r.targets) or NONE
        pred = " & ".join(label for label, _ in j.targets) or NONE
        what = (f"gold {gold}; predicted {pred} (span {j.target_text!r}{'' if j.found else ', cue not found'})"
                if not j.right else f"target right; speaker gold {' & '.join('|'.join(a) for a in r.speakers)},"
                                    f" predicted {j.speaker[0] if j.speaker else NONE}")
        lines.append(f"{r.article}@{r.cue_start} {r.cue!r} {r.act}: {what}")
        if len(lines) >= limit:
            break
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.target_eval", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpora", nargs="?", default="../shared/corpora",
                   help="folder holding bbc/politics and polnear/dev/text (default ../shared/corpora)")
    p.add_argument("--gold", default=str(GOLD), help="gold file (default: the shipped target_gold.tsv)")
    p.add_argument("--tagger", default="crf", choices=("crf", "neural", "auto"))
    p.add_argument("--part", choices=PARTS, action="append", help="only this part (repeatable)")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N wrong rows per part")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if not Path(args.corpora).is_dir():
        print(f"target_eval: {args.corpora}: no such folder (give the folder holding bbc/ and polnear/)",
              file=sys.stderr)
        return 1
    try:
        scores = evaluate(args.corpora, gold=args.gold, tagger=args.tagger, parts=args.part or PARTS)
    except (OSError, ValueError) as exc:
        print(f"target_eval: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([s.as_dict() for s in scores], indent=1))
    else:
        print(f"Targets of targeted acts vs hand judgement ({Path(args.gold).name}), built-in path, "
              f"{args.tagger} tagger\n")
        print(table(scores))
    for s in scores:
        if args.errors:
            print(f"\nwrong rows, {s.part}:\n{errors(s, args.errors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
