"""Measuring attribution on GUM's news and interview documents.

GUM (Georgetown University Multilayer corpus) annotates discourse ``attribution``
relations with the tokens of their source (``sem-atsrc`` signals) and cue (``lex-indwd``
indicative word, or ``lex-indph`` for "according to"). ``derived_attributions.jsonl``
lists them; its ``signals`` string carries 1-based document token numbers, which index the
words of ``dep/<doc>.conllu``.

What is measured:

* **Gold**: the relations whose cue is a *speech* cue -- a cue token whose lemma is a verb
  of saying or reporting in :data:`SPEECH_LEMMAS`, or "according to". Cognition cues
  (think, know, believe, realize ...), evidence cues (show, find, estimate) and relations
  without a cue (photo credits, bylines) are left out.
* **Match**: a relation is *found* when some prediction's cue shares a character with the
  relation's cue tokens **and** the prediction's source shares a character with its
  source tokens. *Cue recall* drops the source condition.
* **Precision**: over the predictions whose cue covers a speech-cue word (same
  :data:`SPEECH_LEMMAS`, judged by GUM's lemma of the tokens under the predicted cue): the
  share that matches any GUM attribution relation.
* **Precision over all**: the same over *every* prediction, whatever its cue: "called X",
  "committed suicide" or "continues to" taken as attributions count against it.

Every path runs on the same text, rebuilt from the CoNLL-U by :mod:`quotetrack.io.conllu`:
the dependency path reads GUM's gold parse with the dependency rules; ``builtin`` (the CRF
tagger) and ``neural`` re-tokenize the text as ``quotetrack extract`` does. Run
``python -m quotetrack.dev.gum_eval ../shared/corpora/gum``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ..doc import AnnotatedArticle
from ..extract import dependency_candidates, finish
from ..io.conllu import read_conllu
from ..nlp import BuiltinAnnotator
from ..pipeline import extract_text
from ..records import Attribution

#: Lemmas of verbs of saying, writing and reporting: the benchmark's definition of a speech cue.
SPEECH_LEMMAS = frozenset(
    "say tell state claim explain report observe note write assert add comment quote announce "
    "reveal remark mention tweet declare reply respond admit ask promise accord read recommend "
    "confirm deny argue insist warn urge accuse describe answer testify acknowledge concede "
    "stress emphasize reiterate allege contend suggest predict".split())

#: The documents GUM reserves for testing (splits.md), among the news and interview ones.
TEST_DOCS = frozenset(["GUM_news_nasa", "GUM_news_sensitive", "GUM_interview_hill",
                       "GUM_interview_libertarian"])

_SIGNAL = re.compile(r"^(\w+)-(\w+)-([\d,\-]+)-")


@dataclass(frozen=True)
class GoldRelation:
    """One GUM attribution relation, in token indices of the rebuilt document."""

    doc: str
    source: Tuple[int, ...]
    cue: Tuple[int, ...]
    speech: bool


@dataclass
class Score:
    """Counts and ratios for one path."""

    gold: int = 0
    found: int = 0
    cue_found: int = 0
    predicted: int = 0
    correct: int = 0
    all_predicted: int = 0
    all_correct: int = 0
    seconds: float = 0.0
    docs: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def cue_recall(self) -> float:
        return self.cue_found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def all_precision(self) -> float:
        return self.all_correct / self.all_predicted if self.all_predicted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"gold": self.gold, "found": self.found, "cue_found": self.cue_found,
                "predicted": self.predicted, "correct": self.correct,
                "all_predicted": self.all_predicted, "all_correct": self.all_correct,
                "all_precision": round(100 * self.all_precision, 1),
                "recall": round(100 * self.recall, 1), "precision": round(100 * self.precision, 1),
                "f1": round(100 * self.f1, 1), "cue_recall": round(100 * self.cue_recall, 1),
                "seconds": round(self.seconds, 2), "docs": self.docs}


def _numbers(spec: str) -> List[int]:
    out: List[int] = []
    for part in spec.split(","):
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def parse_signals(signals: str) -> Tuple[List[int], List[int]]:
    """(source, cue) 0-based document token indices from a GUM signals string."""
    source: List[int] = []
    cue: List[int] = []
    for sig in signals.split("+"):
        m = _SIGNAL.match(sig + "-")
        if not m:
            continue
        kind = f"{m.group(1)}-{m.group(2)}"
        nums = [n - 1 for n in _numbers(m.group(3).strip("-"))]
        if kind == "sem-atsrc":
            source.extend(nums)
        elif kind in ("lex-indwd", "lex-indph"):
            cue.extend(nums)
    return source, cue


def _is_speech(doc: AnnotatedArticle, idx: Iterable[int]) -> bool:
    for i in idx:
        if 0 <= i < len(doc.tokens):
            t = doc.tokens[i]
            if (t.lemma or t.text).lower() in SPEECH_LEMMAS or t.text.lower() == "according":
                return True
    return False


def load_gum(gum_dir: Path | str, *, docs: Optional[Sequence[str]] = None
             ) -> Tuple[Dict[str, AnnotatedArticle], Dict[str, List[GoldRelation]]]:
    """The GUM documents (rebuilt from ``dep/*.conllu``) and their attribution relations.

    Args:
        gum_dir: The folder with ``dep/`` and ``derived_attributions.jsonl``.
        docs: Only these document ids (default: all in ``dep/``).
    """
    articles = {doc.article.article_id: doc for _, doc in gum_documents(gum_dir, docs=docs)}
    gold: Dict[str, List[GoldRelation]] = {d: [] for d in articles}
    for doc_id, source, cue in gum_relations(gum_dir, articles):
        if source and cue:
            gold[doc_id].append(GoldRelation(doc_id, tuple(source), tuple(cue), _is_speech(articles[doc_id], cue)))
    return articles, gold


def gum_documents(gum_dir: Path | str, *, docs: Optional[Sequence[str]] = None
                  ) -> Iterator[Tuple[Path, AnnotatedArticle]]:
    """(file, document) for every ``dep/*.conllu`` of GUM (or only ``docs``), sorted by file."""
    for path in sorted((Path(gum_dir) / "dep").glob("*.conllu")):
        if docs is not None and path.stem not in docs:  # GUM names files after their documents
            continue
        for doc in read_conllu(path):
            if docs is None or doc.article.article_id in docs:
                yield path, doc


def gum_relations(gum_dir: Path | str, doc_ids: Iterable[str]
                  ) -> Iterator[Tuple[str, List[int], List[int]]]:
    """(document, source tokens, cue tokens) of each relation in ``derived_attributions.jsonl``
    that belongs to one of ``doc_ids``; either list may be empty."""
    wanted = set(doc_ids)
    with open(Path(gum_dir) / "derived_attributions.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                if rec["doc"] in wanted:
                    source, cue = parse_signals(rec.get("signals", ""))
                    yield rec["doc"], source, cue


def _char_set(doc: AnnotatedArticle, idx: Iterable[int]) -> List[Tuple[int, int]]:
    return [(doc.tokens[i].start, doc.tokens[i].end) for i in idx if 0 <= i < len(doc.tokens)]


def _overlaps(span, ranges: Sequence[Tuple[int, int]]) -> bool:
    if span is None:
        return False
    return any(span.start < e and s < span.end for s, e in ranges)


def _tokens_under(doc: AnnotatedArticle, start: int, end: int) -> List[int]:
    return [i for i, t in enumerate(doc.tokens) if t.start < end and start < t.end]


def score_doc(doc: AnnotatedArticle, gold: Sequence[GoldRelation], preds: Sequence[Attribution],
              score: Score) -> None:
    """Add one document's counts to ``score``."""
    rels = [(g, _char_set(doc, g.cue), _char_set(doc, g.source)) for g in gold]
    for g, cue, src in rels:
        if not g.speech:
            continue
        score.gold += 1
        if any(_overlaps(p.cue, cue) for p in preds):
            score.cue_found += 1
        if any(_overlaps(p.cue, cue) and _overlaps(p.source, src) for p in preds):
            score.found += 1
    for p in preds:
        right = any(_overlaps(p.cue, cue) and _overlaps(p.source, src) for _, cue, src in rels)
        score.all_predicted += 1
        score.all_correct += right
        if p.cue is None or not _is_speech(doc, _tokens_under(doc, p.cue.start, p.cue.end)):
            continue
        score.predicted += 1
        score.correct += right


def dependency_predict(doc: AnnotatedArticle) -> List[Attribution]:
    """The dependency rules on a parsed document."""
    return finish(doc, list(dependency_candidates(doc)))


def builtin_predict(doc: AnnotatedArticle) -> List[Attribution]:
    """The built-in path (tokenizer + CRF tagger) on the document's text."""
    return extract_text(doc.text, article_id=doc.article.article_id, annotator=_builtin())


def neural_predict(doc: AnnotatedArticle) -> List[Attribution]:
    """The built-in tokenizer with the neural tagger."""
    return extract_text(doc.text, article_id=doc.article.article_id, annotator=_builtin(),
                        tagger="neural")


_BUILTIN = None


def _builtin():
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = BuiltinAnnotator()
    return _BUILTIN


PATHS: Dict[str, Callable[[AnnotatedArticle], List[Attribution]]] = {
    "dependency": dependency_predict,
    "builtin": builtin_predict,
    "neural": neural_predict,
}


def evaluate_gum(gum_dir: Path | str, *, paths: Sequence[str] = ("dependency", "builtin"),
                 docs: Optional[Sequence[str]] = None) -> Dict[str, Score]:
    """Score each extraction path on GUM's speech-cue attribution relations."""
    articles, gold = load_gum(gum_dir, docs=docs)
    out: Dict[str, Score] = {}
    for name in paths:
        predict = PATHS[name]
        score = Score()
        t0 = time.perf_counter()
        preds = {d: predict(doc) for d, doc in articles.items()}
        score.seconds = time.perf_counter() - t0
        for d, doc in articles.items():
            score_doc(doc, gold[d], preds[d], score)
            score.docs += 1
        out[name] = score
    return out


def format_table(results: Dict[str, Score], title: str = "") -> str:
    head = f"{'path':<12}{'docs':>5}{'gold':>6}{'found':>7}{'R':>7}{'pred':>6}{'corr':>6}{'P':>7}" \
           f"{'F1':>7}{'cue R':>8}{'all pred':>9}{'P all':>7}{'sec':>7}"
    lines = [title] if title else []
    lines += [head, "-" * len(head)]
    for name, s in results.items():
        lines.append(f"{name:<12}{s.docs:>5}{s.gold:>6}{s.found:>7}{100 * s.recall:>7.1f}{s.predicted:>6}"
                     f"{s.correct:>6}{100 * s.precision:>7.1f}{100 * s.f1:>7.1f}{100 * s.cue_recall:>8.1f}"
                     f"{s.all_predicted:>9}{100 * s.all_precision:>7.1f}"
                     f"{s.seconds:>7.2f}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m quotetrack.gum_eval",
        description="Source+cue recall and precision on GUM's speech-cue attribution relations, "
                    "for the dependency rules (gold UD parses) and the built-in path with each tagger.")
    parser.add_argument("gum_dir", help="folder with dep/*.conllu and derived_attributions.jsonl")
    parser.add_argument("--paths", default="dependency,builtin", help="comma-separated: dependency,builtin,neural")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    root = Path(args.gum_dir)
    if not (root / "dep").is_dir() or not (root / "derived_attributions.jsonl").is_file():
        print(f"gum_eval: {root} has no dep/ folder or derived_attributions.jsonl", file=sys.stderr)
        return 1
    paths = [p for p in args.paths.split(",") if p]
    unknown = [p for p in paths if p not in PATHS]
    if unknown:
        print(f"gum_eval: unknown path(s) {', '.join(unknown)}; use {', '.join(PATHS)}", file=sys.stderr)
        return 2
    all_docs = evaluate_gum(root, paths=paths)
    test = evaluate_gum(root, paths=paths, docs=sorted(TEST_DOCS))
    if args.json:
        print(json.dumps({"all": {k: v.to_dict() for k, v in all_docs.items()},
                          "test": {k: v.to_dict() for k, v in test.items()}}, indent=2))
    else:
        print(format_table(all_docs, "GUM news+interview, speech-cue attribution relations (all 43 docs)"))
        print()
        print(format_table(test, "GUM test split only (news_nasa, news_sensitive, interview_hill, "
                                 "interview_libertarian)"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
