"""Speaker resolution on the PolNeAR tune split, judged by CoreNLP's silver coreference.

    python -m quotetrack.dev.speaker_tune ../shared/corpora/polnear

GUM news+interview (:mod:`quotetrack.dev.speaker_eval`) is the evaluation set and must not
steer the speaker rules. This is the set to choose them on: the 84 tune articles of PolNeAR
train (``dev/polnear-tune.txt``), whose gold attributions give the source spans and whose
CoreNLP annotation (``corenlp/train.conllu``: NER and coreference, machine-made) says which
entity each source refers to. Silver labels are noisy, so read differences of a point or two
with care; large differences are real.

For each gold attribution with a source: the entity is the silver coreference chain with a
mention overlapping the source's last word (or, with no chain, the source itself); it is
*nameable* when a PERSON, ORGANIZATION or LOCATION entity lies inside one of its mentions.
The built-in path runs on the plain text; a prediction matches by cue overlap, else source
overlap. The speaker (and the cross-article actor) is right when its name matches one of the
entity's names as :func:`quotetrack.dev.speaker_eval.name_matches` does (case, accents,
articles and possessives aside; surnames between people), or when the speaker's
``named_start``/``named_end`` overlaps a named mention of the chain.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..actors import resolve
from ..doc import AnnotatedArticle
from ..io.conllu import read_conllu
from ..mentions import pronoun_class
from ..pipeline import extract_text
from ..records import Attribution
from .evaluate import TUNE_LIST, read_gold, read_id_list
from .speaker_eval import normalise

NAMED_TYPES = ("PERSON", "ORGANIZATION", "ORG", "LOCATION", "GPE")
ROWS = ("all", "name", "pronoun", "description")


@dataclass(frozen=True)
class Gold:
    article: str
    source: Tuple[int, int]
    cue: Tuple[int, int]
    source_type: str
    names: Tuple[str, ...]
    surnames: Tuple[str, ...]
    person: bool
    named_spans: Tuple[Tuple[int, int], ...]


def _entities(doc: AnnotatedArticle) -> List[Tuple[int, int, str]]:
    toks = doc.tokens
    return [(toks[e.start].start, toks[e.end - 1].end, e.type.upper()) for e in doc.entities
            if e.type.upper() in NAMED_TYPES]


def gold_sources(gold, doc: AnnotatedArticle) -> List[Gold]:
    """The gold attributions of one article with the silver entity of each source."""
    toks = doc.tokens
    ents = _entities(doc)
    chains = [[(toks[a].start, toks[b - 1].end) for a, b in chain] for chain in doc.coref]
    out = []
    for g in gold.attributions:
        if not g.source or not g.cue:
            continue
        s, e = g.source[0][0], g.source[-1][1]
        text = gold.text[s:e].strip()
        last = e - 1
        chain = next((c for c in chains if any(ms <= last < me for ms, me in c)), None)
        spans = chain or [(s, e)]
        named = [(a, b, t) for a, b, t in ents for ms, me in spans if ms <= a and b <= me]
        names = sorted({normalise(gold.text[a:b]) for a, b, _ in named} - {""})
        words = text.split()
        if len(words) == 1 and pronoun_class(words[0]):
            kind = "pronoun"
        elif any(s <= a and b <= e for a, b, _ in ents):
            kind = "name"
        else:
            kind = "description"
        out.append(Gold(gold.article_id, (s, e), (g.cue[0][0], g.cue[-1][1]), kind, tuple(names),
                        tuple(sorted({n.split()[-1] for n in names})),
                        any(t == "PERSON" for _, _, t in named),
                        tuple(sorted({(a, b) for a, b, _ in named}))))
    return out


def _overlaps(span, rng) -> bool:
    return span is not None and span.start < rng[1] and rng[0] < span.end


def _match(gold: Gold, preds: Sequence[Attribution]) -> Optional[Attribution]:
    for test in (lambda p: _overlaps(p.cue, gold.cue) and _overlaps(p.source, gold.source),
                 lambda p: _overlaps(p.cue, gold.cue),
                 lambda p: _overlaps(p.source, gold.source)):
        for p in preds:
            if test(p):
                return p
    return None


def _right(name: Optional[str], kind: Optional[str], gold: Gold) -> bool:
    if not name:
        return False
    n = normalise(name)
    if n and n in gold.names:
        return True
    return bool(n) and kind == "person" and gold.person and n.split()[-1] in gold.surnames


def evaluate(polnear: Path, *, ids: Optional[set] = None, errors: Optional[list] = None) -> Dict[str, List[int]]:
    """{row: [gold, found, speaker right, actor right]} over nameable gold sources; wrong cases
    are appended to ``errors`` as (article, type, source, predicted source, speaker, actor, names)."""
    ids = ids if ids is not None else read_id_list(TUNE_LIST)
    golds = {g.article_id: g for g in read_gold(polnear / "train") if g.article_id in ids}
    silver = {d.article.article_id: d for d in read_conllu(polnear / "corenlp" / "train.conllu")
              if d.article.article_id in golds}
    cases: List[Tuple[Gold, Optional[Attribution]]] = []
    preds_all: List[Attribution] = []
    for aid in sorted(golds.keys() & silver.keys()):
        preds = extract_text(golds[aid].text, article_id=aid)
        preds_all.extend(preds)
        for g in gold_sources(golds[aid], silver[aid]):
            if g.names:
                cases.append((g, _match(g, preds)))
    res = resolve(preds_all)
    table: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for g, p in cases:
        sp = p.speaker if p is not None else None
        speaker_right = sp is not None and (_right(sp.name, sp.kind, g) or (
            sp.named_start is not None and any(sp.named_start < b and a < sp.named_end for a, b in g.named_spans)))
        aid = res.speaker(p.id) if p is not None else None
        actor = res.actors[aid] if aid else None
        actor_right = actor is not None and _right(actor.label, actor.kind, g)
        if errors is not None and not actor_right:
            text = golds[g.article].text
            errors.append((g.article, g.source_type, text[g.source[0]:g.source[1]],
                           p.source.text if p is not None and p.source else None,
                           sp.name if sp else None, actor.label if actor else None, g.names))
        for row in ("all", g.source_type):
            cell = table[row]
            cell[0] += 1
            cell[1] += p is not None
            cell[2] += speaker_right
            cell[3] += actor_right
    return dict(table)


def format_table(table: Dict[str, List[int]]) -> str:
    lines = [f"{'':<12}{'gold':>6}{'found':>7}{'speaker':>9}{'%':>7}{'actor':>7}{'%':>7}", "-" * 55]
    for row in ROWS:
        g, f, s, a = table.get(row, [0, 0, 0, 0])
        pct = (lambda x: 100.0 * x / g if g else 0.0)
        lines.append(f"{row:<12}{g:>6}{f:>7}{s:>9}{pct(s):>7.1f}{a:>7}{pct(a):>7.1f}")
    return "\n".join(lines)


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.speaker_tune", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("polnear", type=Path, help="the PolNeAR folder (train/ and corenlp/)")
    p.add_argument("--errors", type=int, default=0, help="also list N wrong cases")
    args = p.parse_args(argv)
    if not (args.polnear / "corenlp" / "train.conllu").is_file():
        p.error(f"{args.polnear} has no corenlp/train.conllu")
    errors: list = []
    print("PolNeAR tune split, nameable gold sources (silver coreference), built-in path")
    print(format_table(evaluate(args.polnear, errors=errors)))
    for e in errors[:args.errors]:
        print(" | ".join(str(x) for x in e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
