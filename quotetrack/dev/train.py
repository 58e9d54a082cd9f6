"""Train the surface tagger's two CRF models on PolNeAR-layout brat data.

    python -m quotetrack.dev.train ../shared/corpora/polnear/train -o quotetrack/data

(``make train``). Deterministic: the same corpus and options give the same models.
Train only on the train split. Options are chosen on the tune split (the train articles
listed in ``dev/polnear-tune.txt``, left out with ``--exclude-list``); dev is for reporting only.
The shipped tagger is trained on train minus tune (``make train``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

from ..extract.tagger import is_candidate, paragraph_features
from ..nlp import BuiltinAnnotator
from ..records import Article
from .evaluate import read_gold, read_id_list

#: Training options (crfsuite's lbfgs). L1 keeps the shipped models small.
PARAMS = {"c1": 1.0, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True,
          "feature.minfreq": 2}


def token_labels(tokens, spans: Iterable[Tuple[int, int]], label: str, labels: List[str]) -> None:
    """Mark tokens overlapping each char span with B-/I-``label``; tokens already labelled stay.

    Longer spans should come first so an inner span does not split an outer one.
    """
    for s, e in spans:
        first = True
        for i, t in enumerate(tokens):
            if t.end <= s or t.start >= e:
                continue
            if labels[i] == "O":
                labels[i] = ("B-" if first else "I-") + label
            first = False


def gold_labels(tokens, gold) -> Tuple[List[str], List[str]]:
    """(role labels, content labels) per token of one gold article: BIO of SRC/CUE, and of CON."""
    role = ["O"] * len(tokens)
    content = ["O"] * len(tokens)
    token_labels(tokens, [f for a in gold.attributions for f in a.cue], "CUE", role)
    token_labels(tokens, [f for a in gold.attributions for f in a.source], "SRC", role)
    token_labels(tokens, sorted((f for a in gold.attributions for f in a.content), key=lambda f: f[0] - f[1]),
                 "CON", content)
    return role, content


def gold_sequences(gold_articles) -> Iterable[Tuple[List[List[str]], List[str], List[str]]]:
    """(features, role labels, content labels) per candidate paragraph of each gold article."""
    annotator = BuiltinAnnotator()
    for g in gold_articles:
        doc = annotator.annotate_one(Article(g.article_id, g.text))
        role, content = gold_labels(doc.tokens, g)
        for a, b in doc.paragraphs():
            if is_candidate(doc, a, b):
                yield paragraph_features(doc, a, b), role[a:b], content[a:b]


def train(gold_dir: Path, out_dir: Path, *, params: dict = PARAMS, limit=None,
          exclude=frozenset()) -> None:
    import pycrfsuite

    golds = [g for g in read_gold(gold_dir) if g.article_id not in exclude]
    if limit:
        golds = golds[:limit]
    trainers = {name: pycrfsuite.Trainer(verbose=False) for name in ("role", "content")}
    n = 0
    for feats, role, content in gold_sequences(golds):
        trainers["role"].append(feats, role)
        trainers["content"].append(feats, content)
        n += 1
    print(f"{len(golds)} articles, {n} candidate paragraphs", file=sys.stderr)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, trainer in trainers.items():
        trainer.set_params(params)
        t0 = time.time()
        tmp = out_dir / f"tagger-{name}.crfsuite.tmp"
        trainer.train(str(tmp))
        tmp.replace(out_dir / f"tagger-{name}.crfsuite")  # atomic: never a half-written model
        size = (out_dir / f"tagger-{name}.crfsuite").stat().st_size
        print(f"{name}: trained in {time.time() - t0:.0f} s, {size / 1e6:.1f} MB", file=sys.stderr)


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("gold_dir", type=Path, help="PolNeAR-layout folder (text/, attributions/)")
    p.add_argument("-o", "--out", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    p.add_argument("--limit", type=int, help="train on the first N articles only (quick checks)")
    p.add_argument("--exclude-list", type=Path, metavar="FILE",
                   help="leave out the articles listed in FILE (one id a line, # comments)")
    p.add_argument("--c1", type=float, default=PARAMS["c1"])
    p.add_argument("--c2", type=float, default=PARAMS["c2"])
    p.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    args = p.parse_args(argv)
    if not (args.gold_dir / "text").is_dir():
        p.error(f"{args.gold_dir} has no text/ folder: expected the PolNeAR layout")
    params = dict(PARAMS, c1=args.c1, c2=args.c2, max_iterations=args.iterations)
    exclude = read_id_list(args.exclude_list) if args.exclude_list else set()
    train(args.gold_dir, args.out, params=params, limit=args.limit, exclude=exclude)
    return 0


if __name__ == "__main__":
    sys.exit(main())
