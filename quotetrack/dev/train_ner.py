"""Train the built-in entity recognizer (:mod:`quotetrack.nlp.ner`): one CRF, BIO labels.

    python -m quotetrack.dev.train_ner ../shared/corpora -o quotetrack/data/ner.crfsuite

(``make train-ner``). Deterministic: the same corpora and options give the same model file.
``--heldout`` trains on 90% of the documents and scores the other 10% (the same
deterministic split every time, :func:`quotetrack.dev.ner_eval.is_heldout`): that is where
options were chosen, never on the evaluation sets.

Training data, read by path from the shared corpora (nothing is copied into the project):

* **GUM, other genres** (``gum/other-genres/``), gold: only the genres whose text licence
  allows a shipped model -- academic, court, textbook, vlog (CC BY 4.0) and bio, voyage
  (CC BY-SA 3.0); annotations CC BY 4.0. Not used: essay, fiction, letter, podcast, whow
  (CC BY-NC-SA: non-commercial), speech and conversation (their document metadata states no
  licence), and never ``gum/dep/`` (news + interview: the evaluation set). GUM types every
  mention; only *named* ones are kept, cut down to the name and mapped to PERSON / ORG /
  GPE / MISC as :func:`quotetrack.dev.ner_eval.named_mentions` describes.
* **PolNeAR train** (``polnear/corenlp/train.conllu``), CoreNLP *silver* ``ner=`` tags:
  PERSON, ORGANIZATION -> ORG, LOCATION -> GPE, MISC. Never the dev split (evaluation).

Tokens: each document's text is re-tokenized with the built-in tokenizer and sentence
splitter -- what the model sees at run time -- and entity labels are projected onto those
tokens by character offsets (``--tokens gold`` trains on the corpus tokenization instead).
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import sys
import time
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from ..nlp.builtin import split_sentences, tokenize
from ..nlp.ner import MODEL_PATH, EntityRecognizer, document_features
from .ner_eval import (GoldDoc, evaluate, format_table, gum_documents, is_heldout,
                       polnear_documents)

#: GUM genres whose text licence allows training a model that ships (see the module doc).
GUM_GENRES = ("academic", "bio", "court", "textbook", "vlog", "voyage")
#: Training options (crfsuite's lbfgs), chosen on the held-out 10%. L1 keeps the model small.
#: Each GUM document is appended this many times (chosen on the held-out 10%).
GUM_WEIGHT = 3
PARAMS = {"c1": 0.5, "c2": 0.01, "max_iterations": 300, "feature.possible_transitions": True,
          "feature.minfreq": 1}


def training_documents(corpora: Path, which: Sequence[str] = ("gum", "polnear"), *,
                       limit: Optional[int] = None) -> List[GoldDoc]:
    """The training documents, in a fixed order (GUM by file name, then PolNeAR); ``limit``
    keeps the first N of each corpus."""
    docs: List[GoldDoc] = []
    if "gum" in which:
        folder = corpora / "gum" / "other-genres"
        files = sorted(f for f in folder.glob("GUM_*.conllu") if f.name.split("_")[1] in GUM_GENRES)
        if not files:
            raise FileNotFoundError(f"no GUM documents of genres {', '.join(GUM_GENRES)} in {folder}")
        docs.extend(itertools.islice(gum_documents(files), limit))
    if "polnear" in which:
        conllu = corpora / "polnear" / "corenlp" / "train.conllu"
        if not conllu.is_file():
            raise FileNotFoundError(f"{conllu} not found")
        text_dir = corpora / "polnear" / "train" / "text"
        docs.extend(itertools.islice(polnear_documents(conllu, text_dir if text_dir.is_dir() else None), limit))
    return docs


def read_id_list(path: Path) -> Set[str]:
    """Document ids from a file: one a line; blank lines and ``#`` comments skipped."""
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line)
    return ids


def bio_labels(tokens: Sequence[Tuple[int, int]], entities: Iterable[Tuple[int, int, str]]) -> List[str]:
    """B-/I- labels for the tokens overlapping each character span (first span wins)."""
    labels = ["O"] * len(tokens)
    starts = [s for s, _ in tokens]
    for s, e, typ in sorted(entities):
        i = max(0, bisect.bisect_right(starts, s) - 1)
        first = True
        while i < len(tokens) and tokens[i][0] < e:
            if tokens[i][1] > s and labels[i] == "O":
                labels[i] = ("B-" if first else "I-") + typ
                first = False
            i += 1
    return labels


def sequences(doc: GoldDoc, tokens: str = "builtin") -> Iterator[Tuple[List[List[str]], List[str]]]:
    """(features, labels) per sentence of one document."""
    if tokens == "builtin":
        raw = tokenize(doc.text)
        sents = split_sentences(doc.text, raw)
        words = [t for t, _, _ in raw]
        spans = [(s, e) for _, s, e in raw]
    else:
        words, spans, sents = list(doc.words), list(doc.spans), list(doc.sentences)
    labels = bio_labels(spans, doc.entities)
    for (a, b), feats in zip(sents, document_features(words, sents)):
        lab = labels[a:b]
        if lab and lab[0].startswith("I-"):  # an entity cut by a sentence break
            lab[0] = "B-" + lab[0][2:]
        yield feats, lab


def train(docs: Sequence[GoldDoc], model_path: Path, *, params: Dict = PARAMS, tokens: str = "builtin") -> float:
    """Train on ``docs`` and write ``model_path`` atomically; returns the seconds taken."""
    import pycrfsuite

    t0 = time.time()
    trainer = pycrfsuite.Trainer(verbose=False)
    n = ntok = 0
    for doc in docs:
        for feats, labels in sequences(doc, tokens):
            trainer.append(feats, labels)
            n += 1
            ntok += len(labels)
    print(f"{len(docs)} documents, {n:,} sentences, {ntok:,} tokens; features in {time.time() - t0:.0f} s",
          file=sys.stderr)
    trainer.set_params(params)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = model_path.with_name(model_path.name + ".tmp")
    trainer.train(str(tmp))
    tmp.replace(model_path)  # atomic: never a half-written model
    return time.time() - t0


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.train_ner", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpora", type=Path, help="the shared corpora folder (holds gum/ and polnear/)")
    p.add_argument("-o", "--out", type=Path, default=MODEL_PATH, help="model file to write")
    p.add_argument("--corpora", dest="which", default="gum,polnear", help="gum, polnear or both (default)")
    p.add_argument("--tokens", choices=("builtin", "gold"), default="builtin")
    p.add_argument("--gum-weight", type=int, default=GUM_WEIGHT,
                   help="how many times each GUM document is seen (it is gold; PolNeAR is silver)")
    p.add_argument("--heldout", action="store_true",
                   help="train on 90%% of the documents, score the other 10%% (for choosing options)")
    p.add_argument("--limit", type=int, help="only the first N documents of each corpus (quick checks)")
    p.add_argument("--exclude-list", type=Path,
                   help="file of document ids (one a line, # comments) never to train on: "
                        "the PolNeAR tune split the pipeline's options are chosen on")
    p.add_argument("--c1", type=float, default=PARAMS["c1"])
    p.add_argument("--c2", type=float, default=PARAMS["c2"])
    p.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    p.add_argument("--minfreq", type=int, default=PARAMS["feature.minfreq"])
    args = p.parse_args(argv)
    which = [w.strip() for w in args.which.split(",") if w.strip()]
    if not which or set(which) - {"gum", "polnear"}:
        p.error("--corpora takes gum, polnear or gum,polnear")
    if not args.corpora.is_dir():
        print(f"train_ner: {args.corpora} not found (the corpora live in ../shared/corpora)", file=sys.stderr)
        return 1
    params = dict(PARAMS, c1=args.c1, c2=args.c2, max_iterations=args.iterations,
                  **{"feature.minfreq": args.minfreq})
    t0 = time.time()
    docs = training_documents(args.corpora, which, limit=args.limit)
    if args.exclude_list:
        excluded = read_id_list(args.exclude_list)
        docs = [d for d in docs if d.doc_id not in excluded]
    print(f"read {len(docs)} documents in {time.time() - t0:.0f} s", file=sys.stderr)
    test: List[GoldDoc] = []
    if args.heldout:
        test = [d for d in docs if is_heldout(d.doc_id)]
        docs = [d for d in docs if not is_heldout(d.doc_id)]
    docs = [d for d in docs for _ in range(args.gum_weight if d.corpus == "gum" else 1)]
    secs = train(docs, args.out, params=params, tokens=args.tokens)
    size = args.out.stat().st_size
    print(f"trained {args.out} in {secs:.0f} s ({secs / 60:.1f} min), {size / 1e6:.2f} MB", file=sys.stderr)
    if test:
        rec = EntityRecognizer(args.out)
        for corpus in which:
            part = [d for d in test if d.corpus == corpus]
            if part:
                counts, ntok, tsecs = evaluate(part, rec)
                print(format_table(f"held-out {corpus}", counts,
                                   f": {len(part)} documents, {ntok:,} tokens, {ntok / tsecs:,.0f} tokens/s"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
