"""Scoring the built-in entity recognizer (:mod:`quotetrack.nlp.ner`) on held-out text.

    python -m quotetrack.dev.ner_eval ../shared/corpora

Two evaluation sets, neither used in training:

* **GUM news + interview** (``gum/dep/*.conllu``): gold *named* mentions (rule in
  :func:`named_mentions`), types person/organization/place and other named things mapped
  to PERSON/ORG/GPE/MISC as in training.
* **PolNeAR dev** (``polnear/corenlp/dev.conllu``): CoreNLP's *silver* ``ner=`` tags,
  PERSON/ORGANIZATION/LOCATION/MISC mapped to PERSON/ORG/GPE/MISC.

The model runs on the built-in tokenization of each document's text (for PolNeAR the
original ``dev/text/<doc>.txt``), and a prediction counts when its characters match a gold
mention exactly and the type agrees. A possessive ending is not part of a mention on either
side ("Russia's" predicted over one built-in token matches gold "Russia"). Reports
precision, recall and F1 per type and overall, and the recognizer's tokens per second
(features + Viterbi; tokenization excluded).

This module also holds the corpus readers that :mod:`quotetrack.dev.train_ner` trains from.
"""
from __future__ import annotations

import argparse
import sys
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from .. import geo
from ..doc import entities_from_tags
from ..io.conllu import _documents, _gum_fields, _gum_mentions, _rebuild, read_conllu
from ..lexicon import match_title, word_class
from ..nlp.ner import TYPES, EntityRecognizer, honorifics, split_possessive

#: GUM entity types -> NER types. Other named types (event, object, abstract, substance,
#: animal, plant) are MISC; time and quantity are dropped, as CoreNLP's DATE/NUMBER... are
#: dropped from PolNeAR's ner= tags.
GUM_TYPES = {"person": "PERSON", "organization": "ORG", "place": "GPE", "event": "MISC", "object": "MISC",
             "abstract": "MISC", "substance": "MISC", "animal": "MISC", "plant": "MISC"}
#: CoreNLP's types in PolNeAR's silver tags -> NER types.
CORENLP_TYPES = {"PERSON": "PERSON", "ORGANIZATION": "ORG", "LOCATION": "GPE", "MISC": "MISC"}

_NAME_UPOS = frozenset({"PROPN", "ADJ", "NOUN", "VERB", "NUM", "X", "ADV", "INTJ"})

#: A character span with its type: (start, end, type).
CharSpan = Tuple[int, int, str]


@dataclass(frozen=True)
class GoldDoc:
    """One document with gold (or silver) entity mentions as character spans."""

    doc_id: str
    corpus: str  # "gum" or "polnear"
    text: str
    words: Tuple[str, ...]  # the corpus's own tokens
    spans: Tuple[Tuple[int, int], ...]  # their character offsets
    sentences: Tuple[Tuple[int, int], ...]  # token index ranges
    entities: Tuple[CharSpan, ...]


def is_heldout(doc_id: str) -> bool:
    """The deterministic 10% of training documents kept aside for choosing options."""
    return zlib.crc32(doc_id.encode("utf-8")) % 10 == 0


# --------------------------------------------------------------------------- GUM


def _namey(w) -> bool:
    return w.upos == "PROPN" or (w.form[:1].isupper() and w.upos in _NAME_UPOS)


@lru_cache(maxsize=None)
def _links() -> FrozenSet[str]:
    # Words that join the parts of a name ("Bank of England", "Ursula von der Leyen").
    return word_class("name_particle") | {"the", "and", "&", "-", "–"}


def _link(w) -> bool:
    return w.form in _links()


def _hyphen(w) -> bool:
    return w.form in ("-", "–")


def leading_titles(words: Sequence[str]) -> int:
    """How many words before a person's name are a title, an honorific or their modifiers
    ("Mr.", "Sir", "Foreign Minister", "US President", "Major general"): up to the last such
    word that more words follow."""
    lower = [w.lower() for w in words]
    hons = honorifics()
    cut = k = 0
    while k < len(lower) - 1:
        m = match_title(lower, k) or ((1, "person") if lower[k].rstrip(".") in hons else None)
        if m and k + m[0] < len(lower):
            k += m[0]
            cut = k
        else:
            k += 1
    return cut


def _only_title(words: Sequence[str]) -> bool:
    lower = [w.lower() for w in words]
    m = match_title(lower, 0)
    return bool(m) and m[0] == len(lower)


def named_mentions(words, heads: Sequence[Optional[int]], mentions) -> List[Tuple[int, int, str]]:
    """Named mentions of one GUM document as (first word, end word, NER type), not overlapping.

    GUM types every mention, pronouns and descriptions included. A mention is *named* when
    its head word (the one whose head lies outside the mention) is a proper noun (UPOS PROPN).
    Its span is cut down to the name, as NER annotates names:

    * the run of name words around the head: proper nouns, or capitalised words GUM tags
      otherwise ("United/VERB Kingdom"), joined by name particles ("of", "de", "von":
      ``word_classes.tsv``), "the", "and", "&" or hyphens ("Bank of America", "Bosnia and
      Herzegovina"); people's names are joined by hyphens only ("Lena Varga of Norland" is a
      name and a place). So "the famous mathematician Daniel Bernoulli" gives "Daniel
      Bernoulli" and "the United States" gives "United States";
    * titles before a person's name are left out ("Prof.", "US President"), and a person
      mention that is only a title ("the Prime Minister") is no name;
    * a name that starts in lower case (e-mail addresses, URLs) is dropped.

    Types: person, organization, place -> PERSON, ORG, GPE; a one-word person or place that
    is a demonym or a plural proper noun ("Americans", "Muslims") -> MISC, as CoreNLP tags
    nationalities and religions; an *abstract* mention that is a citation ("Brieber 2014")
    -> PERSON (its author); other named things -> MISC. Where cut-down spans overlap, the
    longer one wins (GUM nests "[University of [Portsmouth]]"; NER is flat).
    """
    found: List[Tuple[int, int, str]] = []
    for a, b, attrs in mentions:
        typ = GUM_TYPES.get(attrs.get("etype", ""))
        if typ is None:
            continue
        hs = [i for i in range(a, b) if heads[i] is None or not a <= heads[i] < b]
        if not hs or words[hs[0]].upos != "PROPN":
            continue
        h = hs[0]
        s = e = h
        # People's names take no "of" ("Lena Varga of Norland" is a name and a place).
        link = _hyphen if typ == "PERSON" else _link
        while s > a and (_namey(words[s - 1]) or (s - 1 > a and link(words[s - 1]) and _namey(words[s - 2]))):
            s -= 1
        while e + 1 < b and (_namey(words[e + 1]) or (e + 2 < b and link(words[e + 1]) and _namey(words[e + 2]))):
            e += 1
        if typ == "PERSON":  # "Prof. Patrizia d'Ettorre": NER leaves titles out of the name
            forms = [w.form for w in words[s:e + 1]]
            s += leading_titles(forms)
            if _only_title([w.form for w in words[s:e + 1]]):  # "the Prime Minister": no name
                continue
        if not any(ch.isupper() for ch in words[s].form):
            continue
        if typ == "MISC" and attrs.get("etype") == "abstract" and any(
                words[i].upos == "NUM" and len(words[i].form) == 4 and words[i].form.isdigit() for i in range(a, b)):
            typ = "PERSON"
        if e == s and typ in ("PERSON", "GPE"):
            m = geo.lookup(words[s].form)
            if (m is not None and m.how == "demonym") or (typ == "PERSON" and words[s].xpos == "NNPS"):
                typ = "MISC"  # a people by origin or faith ("Americans", "Muslims")
        found.append((s, e + 1, typ))
    out: List[Tuple[int, int, str]] = []
    taken: List[Tuple[int, int]] = []
    for s, e, typ in sorted(set(found), key=lambda m: (-(m[1] - m[0]), m[0], m[2])):
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        out.append((s, e, typ))
    return sorted(out)


def gum_documents(files: Iterable[Path]) -> Iterator[GoldDoc]:
    """GoldDocs from GUM ``.conllu`` files, with named mentions (:func:`named_mentions`)."""
    for path in files:
        with open(path, encoding="utf-8-sig") as fh:
            for meta, sents, _ in _documents(fh):
                text = _rebuild(sents)  # also sets every word's start/end
                words = [w for s in sents for w in s.words]
                heads: List[Optional[int]] = []
                ranges = []
                base = 0
                for s in sents:
                    for w in s.words:
                        heads.append(base + w.head - 1 if w.head else None)
                    ranges.append((base, base + len(s.words)))
                    base += len(s.words)
                mentions = _gum_mentions(words, _gum_fields(meta))
                ents = tuple((words[s].start, words[e - 1].end, t)
                             for s, e, t in named_mentions(words, heads, mentions))
                yield GoldDoc(meta.get("newdoc") or Path(path).stem, "gum", text, tuple(w.form for w in words),
                              tuple((w.start, w.end) for w in words), tuple(ranges), ents)


# --------------------------------------------------------------------------- PolNeAR


def polnear_documents(conllu: Path, text_dir: Optional[Path] = None) -> Iterator[GoldDoc]:
    """GoldDocs from PolNeAR's CoreNLP CoNLL-U: silver ``ner=`` entities.

    Titles at the start of a PERSON ("Mr.", "President") are cut off, as for GUM: CoreNLP
    is inconsistent there (it tags "Mr." as part of the name in 383 of 2,434 cases in train).

    The text is the original article from ``text_dir/<doc>.txt`` when present (its line
    breaks end sentences for the built-in splitter); the CoNLL-U offsets index it.
    """
    for doc in read_conllu(conllu):
        text = doc.text
        if text_dir is not None:
            p = text_dir / f"{doc.article.article_id}.txt"
            if p.is_file():
                original = p.read_text(encoding="utf-8")
                if all(original[t.start:t.end] == doc.text[t.start:t.end] for t in doc.tokens):
                    text = original
        toks = doc.tokens
        ents = []
        for e in doc.entities:
            typ = CORENLP_TYPES.get(e.type)
            if typ:
                start = e.start
                if typ == "PERSON":  # CoreNLP takes "Mr." into a name one time in six: never
                    start += leading_titles([t.text for t in toks[e.start:e.end]])
                ents.append((toks[start].start, toks[e.end - 1].end, typ))
        yield GoldDoc(doc.article.article_id, "polnear", text, tuple(t.text for t in toks),
                      tuple((t.start, t.end) for t in toks), tuple(doc.sentences), tuple(ents))


def corpus_paths(root: Path) -> Dict[str, Path]:
    """Where the evaluation sets live under the shared corpora folder."""
    return {"gum": root / "gum" / "dep", "polnear": root / "polnear" / "corenlp" / "dev.conllu",
            "polnear_text": root / "polnear" / "dev" / "text"}


# --------------------------------------------------------------------------- scoring


def predicted_spans(text: str, tokens: Sequence[Tuple[int, int]], tags: Sequence[str]) -> Set[CharSpan]:
    """Character spans of the entities in BIOES/BIO ``tags`` over ``tokens``, without a
    trailing possessive."""
    out = set()
    for e in entities_from_tags(tags):
        s, end = tokens[e.start][0], tokens[e.end - 1][1]
        last_start = tokens[e.end - 1][0]
        stem, poss = split_possessive(text[last_start:end])
        if poss:
            end = last_start + len(stem)
        out.add((s, end, e.type))
    return out


def gold_spans(doc: GoldDoc) -> Set[CharSpan]:
    out = set()
    for s, e, t in doc.entities:
        stem, poss = split_possessive(doc.text[s:e])
        out.add((s, s + len(stem) if poss else e, t))
    return out


@dataclass
class Counts:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: Set[CharSpan], pred: Set[CharSpan], counts: Dict[str, Counts]) -> None:
    """Add one document's exact-match counts per type to ``counts``."""
    for typ in TYPES:
        g = {x for x in gold if x[2] == typ}
        p = {x for x in pred if x[2] == typ}
        c = counts.setdefault(typ, Counts())
        c.tp += len(g & p)
        c.pred += len(p)
        c.gold += len(g)


def format_table(name: str, counts: Dict[str, Counts], extra: str = "") -> str:
    lines = [f"{name}{extra}", f"  {'type':<10}{'gold':>7}{'pred':>7}{'P':>8}{'R':>8}{'F1':>8}"]
    rows = [(t, counts.get(t, Counts())) for t in TYPES]
    core = Counts()
    overall = Counts()
    for t, c in rows:
        overall.add(c)
        if t != "MISC":
            core.add(c)
    rows += [("P/O/G", core), ("overall", overall)]
    for t, c in rows:
        lines.append(f"  {t:<10}{c.gold:>7}{c.pred:>7}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}")
    return "\n".join(lines)


def evaluate(docs: Iterable[GoldDoc], recognizer: EntityRecognizer) -> Tuple[Dict[str, Counts], int, float]:
    """(counts per type, tokens tagged, seconds spent tagging) over ``docs``, on the built-in
    tokenization of each text."""
    from ..nlp.builtin import split_sentences, tokenize

    counts: Dict[str, Counts] = {}
    ntok = 0
    secs = 0.0
    for doc in docs:
        raw = tokenize(doc.text)
        sents = split_sentences(doc.text, raw)
        words = [t for t, _, _ in raw]
        t0 = time.perf_counter()
        tags = recognizer.tag(words, sents)
        secs += time.perf_counter() - t0
        ntok += len(words)
        score(gold_spans(doc), predicted_spans(doc.text, [(s, e) for _, s, e in raw], tags), counts)
    return counts, ntok, secs


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.ner_eval", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpora", type=Path, help="the shared corpora folder (holds gum/ and polnear/)")
    p.add_argument("--model", type=Path, help="crfsuite model (default: the shipped one)")
    p.add_argument("--no-surnames", action="store_true", help="the CRF alone, without the surname pass")
    args = p.parse_args(argv)
    paths = corpus_paths(args.corpora)
    if not paths["gum"].is_dir() and not paths["polnear"].is_file():
        print(f"ner_eval: neither {paths['gum']} nor {paths['polnear']} found", file=sys.stderr)
        return 1
    recognizer = EntityRecognizer(args.model, surnames=not args.no_surnames)
    if paths["gum"].is_dir():
        docs = list(gum_documents(sorted(paths["gum"].glob("*.conllu"))))
        counts, ntok, secs = evaluate(docs, recognizer)
        print(format_table("GUM news + interview (gold named mentions)", counts,
                           f": {len(docs)} documents, {ntok:,} tokens, {ntok / secs:,.0f} tokens/s"))
    if paths["polnear"].is_file():
        text_dir = paths["polnear_text"] if paths["polnear_text"].is_dir() else None
        docs = list(polnear_documents(paths["polnear"], text_dir))
        counts, ntok, secs = evaluate(docs, recognizer)
        print(format_table("PolNeAR dev (CoreNLP silver)", counts,
                           f": {len(docs)} documents, {ntok:,} tokens, {ntok / secs:,.0f} tokens/s"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
