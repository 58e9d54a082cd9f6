"""Learn which forenames are referred to as "he" and which as "she", from coreference.

    python -m quotetrack.dev.train_gender ../shared/corpora -o quotetrack/data/forenames.tsv

(``make train-gender``). For every coreference chain that holds a person's full name (a
PERSON entity of two or more words, or GUM's ``person`` entity with a proper-noun head), the
chain's he/him/his and she/her pronouns decide the chain's gender (two thirds must agree), and
chains vote for the gender of the name's first word. Read:

* ``polnear/corenlp/train.conllu`` -- CoreNLP's silver NER and coreference on PolNeAR train;
* ``gum/other-genres/dep/*.conllu`` -- GUM's gold coreference, only the genres whose licence
  allows a shipped derivative (the non-commercial ones are skipped).

Never reads GUM news/interview (the speaker evaluation set) or PolNeAR dev. Deterministic: the
output lists names sorted, with their counts, so a reader can check every decision.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, Sequence

from ..doc import AnnotatedArticle
from ..io.conllu import read_conllu
from ..mentions import pronoun_class

#: GUM genres whose texts may feed a shipped model (see gum/README.md); essay, fiction, letter,
#: podcast and whow are non-commercial and never read.
GUM_GENRES = ("academic", "bio", "court", "textbook", "vlog", "voyage")
#: A chain votes for a gender when this share of its he/she pronouns agree.
CHAIN_SHARE = 2 / 3
#: A name is kept when at least this many chains voted and this share agree.
MIN_VOTES = 2
MIN_SHARE = 0.8


def votes(docs: Iterable[AnnotatedArticle]) -> Dict[str, Counter]:
    """Forename -> Counter(male=.., female=..) from the pronouns in each name's chain."""
    out: Dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        toks = doc.tokens
        people = [(e.start, e.end) for e in doc.entities
                  if e.type.upper() in ("PERSON", "PER") and e.end - e.start >= 2]
        for chain in doc.coref:
            forenames = set()
            for a, b in chain:
                for s, e in people:
                    if a <= s and e <= b and toks[s].text[:1].isupper() and toks[s].text.isalpha():
                        forenames.add(toks[s].text)
            if not forenames:
                continue
            tally = Counter()
            for a, b in chain:
                if b - a == 1:
                    cls = pronoun_class(toks[a].text)
                    if cls in ("male", "female"):
                        tally[cls] += 1
            total = tally["male"] + tally["female"]
            if not total:
                continue
            gender, n = tally.most_common(1)[0]
            if n / total >= CHAIN_SHARE:
                # one vote per chain: a long chain that merged two people (silver coreference
                # does) cannot outvote many clean ones
                for name in forenames:
                    out[name][gender] += 1
    return out


def corpus_docs(root: Path) -> Iterable[AnnotatedArticle]:
    silver = root / "polnear" / "corenlp" / "train.conllu"
    if silver.is_file():
        yield from read_conllu(silver)
    gum = root / "gum" / "other-genres" / "dep"
    for genre in GUM_GENRES:
        for path in sorted(gum.glob(f"GUM_{genre}_*.conllu")):
            yield from read_conllu(path)


def decide(tally: Dict[str, Counter]) -> Dict[str, tuple]:
    """Names with a clear gender: name -> (gender, votes for it, all votes)."""
    out = {}
    for name, c in tally.items():
        total = c["male"] + c["female"]
        if total < MIN_VOTES:
            continue
        gender, n = c.most_common(1)[0]
        if n / total >= MIN_SHARE:
            out[name] = (gender, n, total)
    return out


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.train_gender", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpora", type=Path, help="the shared corpora folder (holds polnear/ and gum/)")
    p.add_argument("-o", "--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "forenames.tsv")
    args = p.parse_args(argv)
    if not (args.corpora / "polnear").is_dir() and not (args.corpora / "gum").is_dir():
        p.error(f"{args.corpora} holds neither polnear/ nor gum/")
    t0 = time.time()
    kept = decide(votes(corpus_docs(args.corpora)))
    lines = ["# Forename -> gender, learned from coreference (python -m quotetrack.dev.train_gender).",
             "# name\tgender\tchains voting for it\tchains voting"]
    lines += [f"{n}\t{g}\t{k}\t{t}" for n, (g, k, t) in sorted(kept.items())]
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"{len(kept)} forenames written to {args.out} in {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
