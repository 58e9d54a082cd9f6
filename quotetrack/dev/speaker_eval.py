"""Measuring speaker resolution on GUM's news and interview documents.

GUM marks the source of every attribution relation (``sem-atsrc`` signals, see
:mod:`quotetrack.dev.gum_eval`) and, in the MISC ``Entity=`` column, every entity mention with
its type, its coreference chain and, for named entities, a Wikipedia identity. So for each
source we know *who* it is, even when it says only "he" or "the agency".

Definitions:

* **Gold relations**: the relations of ``derived_attributions.jsonl`` with source *and* cue
  tokens, the gold set of :mod:`~quotetrack.dev.gum_eval` (370 of 451 with a source).
  ``--include-cueless`` adds the 81 without a cue: mostly photo credits and bylines
  ("Ann Lee." under a picture), a few "According to X" whose cue GUM did not signal.
  *Speech* relations are those whose cue is a verb of saying
  (:data:`quotetrack.dev.gum_eval.SPEECH_LEMMAS`, or "according to").
* **Source head**: the source token whose dependency head lies outside the source (the first
  such). **Source type**: ``pronoun`` when the head is PRON, ``name`` when PROPN,
  ``description`` otherwise.
* **Gold entity**: the coreference chain of the smallest ``Entity`` mention covering the
  source head (else the smallest covering any source token). A mention is **named** when its
  own head token is PROPN. The chain is **nameable** when it has a named mention in the
  document or a Wikipedia identity. Only nameable relations are scored.
* **Names of the chain**: the text of each named mention, the run of proper nouns around its
  head ("Professor Ann Lee, who ..." -> "Professor Ann Lee"; hyphens between proper nouns
  kept), for a person also a name in apposition ending the mention ("Undersecretary for
  Education Mr. Lee" -> "Mr. Lee"), and the identity with ``_`` as spaces (URL escapes and
  a parenthesised qualifier dropped); a bare title ("President", which GUM tags PROPN) is
  not a name. Names are compared after :func:`normalise`: case-folded, accents, possessive
  's and punctuation removed, a leading "the"/"a"/"an" dropped. A *person* (predicted kind
  ``person`` and gold entity type ``person``) also matches by surname: the last word of the
  predicted name equals the last word of a named mention's proper-noun run, unless that
  word is a title ("Secretary").
* **Prediction**: the built-in path (:func:`quotetrack.dev.gum_eval.builtin_predict`: built-in
  tokenizer and CRF tagger on the text rebuilt from the CoNLL-U, not GUM's parse). A gold
  relation is **found** by the first prediction whose cue and source both overlap the gold cue
  and source characters, else whose cue overlaps, else whose source overlaps.
* **Speaker right** (article level): the found prediction's ``speaker.name`` matches a name
  of the chain, or its ``named_start``/``named_end`` overlaps a named mention of the chain.
* **Actor right** (across articles): :func:`quotetrack.actors.resolve` runs over the
  predictions of all documents as one corpus; right when the label of the actor the found
  prediction's speaker resolves to matches a name of the chain (surname rule for person
  actors).
* Gold relations that no prediction found count as wrong in both (recall-oriented); the
  *found* column shows how many were found at all, and the unmatched are counted apart.

Run ``python -m quotetrack.dev.speaker_eval ../shared/corpora/gum`` (``make eval-speakers``);
``--errors N`` lists wrong cases for analysis, ``--json`` prints the figures as JSON.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple
from urllib.parse import unquote

from ..actors import resolve
from ..doc import AnnotatedArticle
from ..io.conllu import _documents, _gum_fields, _gum_mentions
from ..lexicon import match_title
from ..records import Attribution
from .gum_eval import PATHS, _char_set, _is_speech, _overlaps, builtin_predict, gum_documents, gum_relations

#: Source types, in table order.
SOURCE_TYPES = ("name", "pronoun", "description")


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True)
class Mention:
    """One GUM entity mention: tokens ``[start, end)`` of the document."""

    start: int
    end: int
    chain: str
    etype: str
    identity: Optional[str]
    head: int
    named: bool


@dataclass(frozen=True)
class GoldSource:
    """One gold attribution relation and the entity its source refers to."""

    doc: str
    source: Tuple[int, ...]  # 0-based document token indices
    cue: Tuple[int, ...]
    speech: bool
    source_type: str  # one of SOURCE_TYPES
    chain: Optional[str]  # coreference chain id, None when no mention covers the source
    etype: str
    names: Tuple[str, ...]  # normalised names of the chain (see the module docstring)
    surnames: Tuple[str, ...]  # normalised last words of the chain's proper-noun runs
    named_spans: Tuple[Tuple[int, int], ...]  # character ranges of the chain's named mentions
    display: Tuple[str, ...]  # the names as written, for error listings

    @property
    def nameable(self) -> bool:
        return bool(self.names)


def _head_of(doc: AnnotatedArticle, idx: Sequence[int]) -> int:
    """The first token of ``idx`` whose dependency head lies outside ``idx``."""
    inside = set(idx)
    for i in sorted(idx):
        h = doc.tokens[i].head
        if h is None or h not in inside:
            return i
    return min(idx)


def read_mentions(path: Path | str, doc: AnnotatedArticle) -> List[Mention]:
    """The ``Entity=`` mentions of the document in ``path`` (its first, as GUM has one per file).

    Word order is the reader's token order, so mention indices index ``doc.tokens``.
    """
    with open(path, encoding="utf-8-sig") as f:
        meta, sents, _ = next(_documents(f))
    words = [w for s in sents for w in s.words]
    if len(words) != len(doc.tokens):
        raise ValueError(f"{path}: {len(words)} words but {len(doc.tokens)} tokens")
    out = []
    for a, b, attrs in _gum_mentions(words, _gum_fields(meta)):
        head = _head_of(doc, range(a, b))
        identity = attrs.get("identity") or None
        out.append(Mention(a, b, attrs.get("eid", ""), attrs.get("etype", ""), identity, head,
                           doc.tokens[head].upos == "PROPN"))
    return out


_POSSESSIVE = re.compile("['\u2019]s\\b|(?<=s)['\u2019](?=\\s|$)")
_LEAD = re.compile(r"^(?:the|a|an)\s+")


def normalise(name: str) -> str:
    """Case-folded, accents, possessive and punctuation removed, leading article dropped.

    >>> normalise("The Food Standards Agency's")
    'food standards agency'
    """
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _POSSESSIVE.sub("", text)
    text = "".join(c if c.isalnum() or c.isspace() else " " for c in text)
    text = " ".join(text.split())
    return _LEAD.sub("", text)


def _identity_name(identity: str) -> str:
    """ "John_Smith_%28politician%29" -> "John Smith" """
    return re.sub(r"\s*\(.*\)\s*$", "", unquote(identity).replace("_", " "))


def _bare_title(name: str) -> bool:
    words = name.split()
    found = match_title(words, 0) if words else None
    return found is not None and found[0] == len(words)


def _name_word(doc: AnnotatedArticle, i: int, lo: int, hi: int) -> bool:
    """A proper noun, or a hyphen joining two ("Al - Maeena" is one name)."""
    t = doc.tokens[i]
    if t.upos == "PROPN":
        return True
    return (t.text in ("-", "\u2010") and lo < i < hi - 1 and doc.tokens[i - 1].upos == "PROPN"
            and doc.tokens[i + 1].upos == "PROPN")


def _propn_run(doc: AnnotatedArticle, m: Mention, at: int) -> Tuple[int, int]:
    """The contiguous proper nouns around token ``at``, inside the mention."""
    a = b = at
    while a > m.start and _name_word(doc, a - 1, m.start, m.end):
        a -= 1
    while b + 1 < m.end and _name_word(doc, b + 1, m.start, m.end):
        b += 1
    return a, b + 1


def _runs(doc: AnnotatedArticle, m: Mention) -> List[Tuple[int, int]]:
    """The proper-noun run around the head and, for a person, the name in apposition that
    ends the mention ("Undersecretary for Education Mr. Smith" -> "Mr. Smith"; not "Chairman
    of the Centre for Iodine Disorders" nor "Ann Lee of Reuters")."""
    runs = [_propn_run(doc, m, m.head)]
    last = m.end - 1
    t = doc.tokens[last]
    if m.etype == "person" and t.upos == "PROPN" and t.head == m.head and (t.deprel or "").startswith("appos"):
        a = last
        # Leftwards while the word hangs on the name ("Mr." on "Smith"), not on the head.
        while a - 1 > m.head and doc.tokens[a - 1].upos == "PROPN" and a <= (doc.tokens[a - 1].head or -1) <= last:
            a -= 1
        if (a, last + 1) != runs[0]:
            runs.append((a, last + 1))
    return runs


def _text(doc: AnnotatedArticle, a: int, b: int) -> str:
    return doc.text[doc.tokens[a].start:doc.tokens[b - 1].end]


def _gold_entity(mentions: Sequence[Mention], source: Sequence[int], head: int) -> Optional[Mention]:
    covering = [m for m in mentions if m.start <= head < m.end]
    if not covering:
        covering = [m for m in mentions if any(m.start <= i < m.end for i in source)]
    if not covering:
        return None
    return min(covering, key=lambda m: (m.end - m.start, m.start))


def gold_sources(doc: AnnotatedArticle, mentions: Sequence[Mention],
                 relations: Iterable[Tuple[Sequence[int], Sequence[int]]]) -> List[GoldSource]:
    """A :class:`GoldSource` per (source tokens, cue tokens) relation with source tokens."""
    out = []
    for source, cue in relations:
        source = [i for i in source if 0 <= i < len(doc.tokens)]
        if not source:
            continue
        head = _head_of(doc, source)
        upos = doc.tokens[head].upos
        stype = "pronoun" if upos == "PRON" else "name" if upos == "PROPN" else "description"
        ent = _gold_entity(mentions, source, head)
        names: List[str] = []
        display: List[str] = []
        surnames: List[str] = []
        spans: List[Tuple[int, int]] = []
        if ent is not None:
            chain = [m for m in mentions if m.chain == ent.chain]
            for m in chain:
                if m.named:
                    spans.append((doc.tokens[m.start].start, doc.tokens[m.end - 1].end))
                    texts = [_text(doc, m.start, m.end)] + [_text(doc, a, b) for a, b in _runs(doc, m)]
                    for t in texts:
                        if not _bare_title(normalise(t)):
                            display.append(t)
                            names.append(normalise(t))
                    for t in texts[1:]:
                        last = normalise(t).split()[-1:]
                        if last and not _bare_title(last[0]):  # "Home Secretary" has no surname
                            surnames.append(last[0])
                if m.identity:
                    display.append(m.identity)
                    names.append(normalise(_identity_name(m.identity)))
        out.append(GoldSource(
            doc.article.article_id, tuple(source), tuple(cue), _is_speech(doc, cue), stype,
            ent.chain if ent else None, ent.etype if ent else "",
            tuple(dict.fromkeys(n for n in names if n)), tuple(dict.fromkeys(surnames)),
            tuple(sorted(set(spans))), tuple(dict.fromkeys(display))))
    return out


def load_gold(gum_dir: Path | str, *, docs: Optional[Sequence[str]] = None
              ) -> Tuple[Dict[str, AnnotatedArticle], Dict[str, List[GoldSource]]]:
    """The GUM documents and their gold sources.

    Args:
        gum_dir: The folder with ``dep/`` and ``derived_attributions.jsonl``.
        docs: Only these document ids (default: all in ``dep/``).
    """
    articles: Dict[str, AnnotatedArticle] = {}
    mentions: Dict[str, List[Mention]] = {}
    for path, doc in gum_documents(gum_dir, docs=docs):
        articles[doc.article.article_id] = doc
        mentions[doc.article.article_id] = read_mentions(path, doc)
    relations: Dict[str, List[Tuple[List[int], List[int]]]] = {d: [] for d in articles}
    for doc_id, source, cue in gum_relations(gum_dir, articles):
        relations[doc_id].append((source, cue))
    gold = {d: gold_sources(articles[d], mentions[d], relations[d]) for d in articles}
    return articles, gold


# --------------------------------------------------------------------------- scoring


def name_matches(name: Optional[str], gold: GoldSource, *, person: bool) -> bool:
    """Whether a predicted speaker name or actor label names the gold entity."""
    if not name:
        return False
    n = normalise(name)
    if not n:
        return False
    if n in gold.names:
        return True
    # Surnames only between people: "Sydney Morning Herald" is not "the New Zealand Herald".
    return person and gold.etype == "person" and n.split()[-1] in gold.surnames


def find_prediction(doc: AnnotatedArticle, gold: GoldSource,
                    preds: Sequence[Attribution]) -> Optional[Attribution]:
    """The prediction that matches ``gold``: cue and source overlap, else cue, else source."""
    cue = _char_set(doc, gold.cue)
    src = _char_set(doc, gold.source)
    for test in (lambda p: _overlaps(p.cue, cue) and _overlaps(p.source, src),
                 lambda p: _overlaps(p.cue, cue),
                 lambda p: _overlaps(p.source, src)):
        for p in preds:
            if test(p):
                return p
    return None


@dataclass
class Outcome:
    """One scored gold relation."""

    gold: GoldSource
    pred: Optional[Attribution]
    actor: Optional[str]  # the actor's label
    actor_kind: Optional[str]
    speaker_right: bool
    actor_right: bool
    source_text: str

    def to_dict(self) -> dict:
        p = self.pred
        return {"doc": self.gold.doc, "source_type": self.gold.source_type, "speech": self.gold.speech,
                "gold_source": self.source_text, "gold_names": list(self.gold.display),
                "pred_source": p.source.text if p and p.source else None,
                "pred_speaker": p.speaker.name if p and p.speaker else None,
                "actor": self.actor, "speaker_right": self.speaker_right, "actor_right": self.actor_right}


def score_outcome(doc: AnnotatedArticle, gold: GoldSource, pred: Optional[Attribution],
                  actor: Optional[Tuple[str, str]]) -> Outcome:
    """Judge one gold relation given its prediction and the prediction's (label, kind) actor."""
    source_text = " ".join(doc.tokens[i].text for i in gold.source)
    speaker_right = False
    sp = pred.speaker if pred is not None else None
    if sp is not None:
        speaker_right = name_matches(sp.name, gold, person=sp.kind == "person")
        if not speaker_right and sp.named_start is not None and sp.named_end is not None:
            speaker_right = any(sp.named_start < e and s < sp.named_end for s, e in gold.named_spans)
    label, kind = actor if actor else (None, None)
    actor_right = name_matches(label, gold, person=kind == "person")
    return Outcome(gold, pred, label, kind, speaker_right, actor_right, source_text)


@dataclass
class Cell:
    """Counts for one row of the table."""

    gold: int = 0
    found: int = 0
    speaker: int = 0
    actor: int = 0

    def add(self, o: Outcome) -> None:
        self.gold += 1
        self.found += o.pred is not None
        self.speaker += o.speaker_right
        self.actor += o.actor_right

    def to_dict(self) -> dict:
        def pct(n: int) -> float:
            return round(100 * n / self.gold, 1) if self.gold else 0.0

        return {"gold": self.gold, "found": self.found, "speaker_right": self.speaker,
                "speaker_pct": pct(self.speaker), "actor_right": self.actor, "actor_pct": pct(self.actor)}


@dataclass
class Report:
    """All outcomes, with the table of nameable relations (all) and speech-cue ones."""

    outcomes: List[Outcome] = field(default_factory=list)
    relations: int = 0  # gold relations scored (nameable or not)
    cueless: int = 0  # relations with a source but no cue, left out
    docs: int = 0

    def table(self, speech_only: bool) -> Dict[str, Cell]:
        rows = {k: Cell() for k in ("all", *SOURCE_TYPES)}
        for o in self.outcomes:
            if not o.gold.nameable or (speech_only and not o.gold.speech):
                continue
            rows["all"].add(o)
            rows[o.gold.source_type].add(o)
        return rows

    def errors(self, n: Optional[int] = None) -> List[Outcome]:
        """Nameable relations whose speaker or actor is wrong, in corpus order; with ``n``,
        at most ``n`` of them spread evenly over the corpus."""
        errs = [o for o in self.outcomes if o.gold.nameable and not (o.speaker_right and o.actor_right)]
        if n is None:
            return errs
        return errs[::max(1, len(errs) // n)][:n] if n > 0 else []

    def to_dict(self) -> dict:
        return {"docs": self.docs, "relations": self.relations, "cueless_left_out": self.cueless,
                "nameable": sum(o.gold.nameable for o in self.outcomes),
                "unmatched": sum(o.gold.nameable and o.pred is None for o in self.outcomes),
                "nameable_all": {k: v.to_dict() for k, v in self.table(False).items()},
                "nameable_speech": {k: v.to_dict() for k, v in self.table(True).items()}}


def evaluate(gum_dir: Path | str, *, docs: Optional[Sequence[str]] = None, include_cueless: bool = False,
             predict: Callable[[AnnotatedArticle], List[Attribution]] = builtin_predict) -> Report:
    """Score speaker and actor resolution on GUM.

    Args:
        gum_dir: The folder with ``dep/`` and ``derived_attributions.jsonl``.
        docs: Only these document ids (default: all).
        include_cueless: Also score relations without a cue (photo credits, bylines).
        predict: Attributions of one document; the default runs the built-in path on its text.
    """
    articles, gold = load_gold(gum_dir, docs=docs)
    preds = {d: predict(doc) for d, doc in articles.items()}
    res = resolve([p for d in articles for p in preds[d]])
    report = Report(docs=len(articles))
    for d, doc in articles.items():
        for g in gold[d]:
            if not g.cue and not include_cueless:
                report.cueless += 1
                continue
            report.relations += 1
            p = find_prediction(doc, g, preds[d])
            aid = res.speaker(p.id) if p is not None else None
            actor = res.actors.get(aid) if aid else None
            report.outcomes.append(score_outcome(doc, g, p, (actor.label, actor.kind) if actor else None))
    return report


# --------------------------------------------------------------------------- output


def format_table(report: Report) -> str:
    """The two tables as text."""
    lines = [f"GUM speaker resolution, built-in path: {report.docs} docs, {report.relations} relations "
             f"scored, {sum(o.gold.nameable for o in report.outcomes)} of them nameable"
             + (f" ({report.cueless} without a cue left out)" if report.cueless else "")]
    head = f"{'':<14}{'gold':>6}{'found':>7}{'speaker':>9}{'%':>7}{'actor':>7}{'%':>7}"
    for title, speech in (("(a) nameable gold attributions", False),
                          ("(b) nameable, speech cue", True)):
        lines += ["", title, head, "-" * len(head)]
        for name, c in report.table(speech).items():
            d = c.to_dict()
            lines.append(f"{name:<14}{c.gold:>6}{c.found:>7}{c.speaker:>9}{d['speaker_pct']:>7.1f}"
                         f"{c.actor:>7}{d['actor_pct']:>7.1f}")
    unmatched = [o for o in report.outcomes if o.gold.nameable and o.pred is None]
    lines += ["", (f"unmatched nameable relations (no prediction, counted wrong): {len(unmatched)} "
                   f"({sum(o.gold.speech for o in unmatched)} with a speech cue)")]
    return "\n".join(lines)


def format_errors(report: Report, n: int) -> str:
    """``n`` wrong cases spread evenly over the corpus."""
    picked = report.errors(n)
    if not picked:
        return ""
    lines = [f"{len(picked)} of {len(report.errors())} errors (S = speaker right, A = actor right):"]
    for o in picked:
        p = o.pred
        lines.append(
            f"{o.gold.doc} [{o.gold.source_type}{', speech' if o.gold.speech else ''}] "
            f"gold={o.source_text!r} pred_source={p.source.text if p and p.source else None!r} "
            f"speaker={p.speaker.name if p and p.speaker else None!r} actor={o.actor!r} "
            f"S={'y' if o.speaker_right else 'n'} A={'y' if o.actor_right else 'n'} "
            f"names={' | '.join(o.gold.display)}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m quotetrack.dev.speaker_eval",
        description="Speaker (article level) and actor (corpus level) accuracy of the built-in path "
                    "on GUM's attribution sources that refer to a named entity.")
    parser.add_argument("gum_dir", help="folder with dep/*.conllu and derived_attributions.jsonl")
    parser.add_argument("--docs", default="", help="comma-separated document ids (default: all)")
    parser.add_argument("--include-cueless", action="store_true",
                        help="also score relations without a cue (photo credits, bylines)")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="also list N wrong cases")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--tagger", choices=["crf", "neural"], default="crf",
                        help="span tagger of the built-in path (default: crf)")
    args = parser.parse_args(argv)
    root = Path(args.gum_dir)
    if not (root / "dep").is_dir() or not (root / "derived_attributions.jsonl").is_file():
        print(f"speaker_eval: {root} has no dep/ folder or derived_attributions.jsonl", file=sys.stderr)
        return 1
    docs = [d for d in args.docs.split(",") if d] or None
    predict = PATHS["builtin" if args.tagger == "crf" else "neural"]
    report = evaluate(root, docs=docs, include_cueless=args.include_cueless, predict=predict)
    if args.json:
        out = report.to_dict()
        if args.errors:
            out["errors"] = [o.to_dict() for o in report.errors(args.errors)]
        print(json.dumps(out, indent=2))
    else:
        print(format_table(report))
        if args.errors:
            print()
            print(format_errors(report, args.errors))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
