"""Stanza as an annotator: imported lazily, built with ``download_method=None``."""
from __future__ import annotations

import bisect
import importlib.util
import logging
from dataclasses import replace
import os
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ..doc import AnnotatedArticle, Entity, Token, entities_from_tags
from ..lexicon import sentence_can_attribute
from ..models import PROCESSORS, ModelsMissing, default_models_dir, installed_processors, status
from ..records import Article, without_surrogates
from .base import Annotator
from .ner import check_model, default_recognizer

log = logging.getLogger(__name__)


class StanzaAnnotator(Annotator):
    """Stanza with whichever English processors are installed.

    Pipelines are built lazily (importing stanza costs ~2 s) and never download:
    ``download_method=None``. Articles go through in batches (``bulk_process``).

    Speed: tokenize+mwt run on every sentence, but the heavy processors (pos, lemma,
    depparse, ner) only on sentences that can hold an attribution -- a quotation mark or a
    word that starts a reporting cue (:func:`quotetrack.lexicon.sentence_can_attribute`).
    Those sentences, from every article of a batch, go as pre-tokenized words to a second
    pipeline in one call. Other sentences keep tokens only (no lemma, tags, parse or
    entities). ``selective=False`` parses everything; with coref (which needs whole
    documents) everything is parsed anyway.

    Args:
        models_dir: Stanza model folder (default ``$STANZA_RESOURCES_DIR`` or Stanza's own).
        processors: Processors to use; default: every installed one but coref. Asking for
            one that is not installed raises :class:`ModelsMissing`.
        device: ``auto``, ``cpu`` or ``cuda``.
        batch_size: Articles per batch.
        selective: Run the heavy processors only on candidate sentences.
        ner: When Stanza's own ``ner`` processor is not used, tag entities with the built-in
            CRF (:mod:`quotetrack.nlp.ner`) on Stanza's tokens, over every sentence.

    Raises:
        ModelsMissing: No tokenizer, or a requested processor is missing; the message names
            the command that installs it.
    """

    name = "stanza"
    #: Processors that run only on sentences that can hold an attribution.
    HEAVY = ("pos", "lemma", "depparse", "ner")

    def __init__(self, models_dir: Optional[os.PathLike] = None, *, processors: Optional[Sequence[str]] = None,
                 device: str = "auto", batch_size: int = 32, selective: bool = True, ner: bool = True):
        self.models_dir = Path(models_dir) if models_dir else default_models_dir()
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"unknown device {device!r}: use auto, cpu or cuda")
        where = "" if models_dir is None else f" --models-dir {self.models_dir}"
        available = installed_processors(self.models_dir)
        if "tokenize" not in available:
            raise ModelsMissing(
                f"no Stanza English tokenize model under {self.models_dir}; "
                f"run `quotetrack models download{where}` or pass --models-dir / set STANZA_RESOURCES_DIR")
        explicit = processors is not None
        wanted = [p.strip().lower() for p in processors] if explicit else [p for p in PROCESSORS if p != "coref"]
        unknown = [p for p in wanted if p not in PROCESSORS]
        if unknown:
            raise ValueError(f"unknown Stanza processor(s) {', '.join(unknown)}; choose from {', '.join(PROCESSORS)}")
        if "depparse" in wanted:
            wanted += [p for p in ("pos", "lemma") if p not in wanted]
        # A model file is not enough: pos, depparse and ner also need their embeddings.
        loadable = set(status(self.models_dir).loadable) if set(wanted) & set(self.HEAVY) else set(available)
        missing = [p for p in PROCESSORS if p in wanted
                   and (p not in available or (p in self.HEAVY and p not in loadable))]
        if explicit and missing:
            extra = " --coref" if "coref" in missing else ""
            procs = ",".join(p for p in missing if p != "coref")
            cmd = f"quotetrack models download{' --processors ' + procs if procs else ''}{extra}{where}"
            raise ModelsMissing(
                f"Stanza processor(s) {', '.join(missing)} not installed under {self.models_dir}; run `{cmd}`")
        unusable = [p for p in missing if p in available]
        if unusable:
            log.warning("Stanza %s installed under %s but not loadable (embeddings missing?); "
                        "see `quotetrack models status`", ", ".join(unusable), self.models_dir)
        chosen = [p for p in PROCESSORS if p in wanted and p not in missing]
        if "depparse" in chosen and not {"pos", "lemma"} <= set(chosen):
            chosen.remove("depparse")
        if "coref" in chosen:
            if any(importlib.util.find_spec(m) is None for m in ("transformers", "peft")):
                raise ModelsMissing("Stanza's coref model needs transformers and peft: "
                                    "pip install 'quotetrack[coref]'")
        self.processors = frozenset(chosen)
        # Stanza's NER when it is installed; else the shipped CRF fills entities.
        self.ner = ner
        if ner and "ner" not in self.processors:
            check_model()
        self.device = device
        self.batch_size = batch_size
        self.selective = selective and bool(self.processors & set(self.HEAVY)) and "coref" not in self.processors
        self._nlp = None
        self._heavy = None

    def _pipeline(self, processors: Sequence[str], **extra):
        try:
            import stanza
        except ImportError as exc:  # pragma: no cover - stanza is a dependency
            raise ModelsMissing("stanza is not installed: pip install stanza") from exc
        kwargs = dict(lang="en", dir=str(self.models_dir), download_method=None,
                      processors=",".join(processors), logging_level="WARN", **extra)
        use_gpu = {"auto": None, "cpu": False, "cuda": True}[self.device]
        if use_gpu is not None:
            kwargs["use_gpu"] = use_gpu
        try:
            return stanza.Pipeline(**kwargs)
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise ModelsMissing(f"could not load Stanza models ({','.join(processors)}) from {self.models_dir}: "
                                f"{first}; run `quotetrack models status` to see what is missing") from exc

    @property
    def nlp(self):
        """The pipeline every sentence goes through (tokenize+mwt when selective)."""
        if self._nlp is None:
            procs = [p for p in PROCESSORS if p in self.processors
                     and (not self.selective or p not in self.HEAVY)]
            self._nlp = self._pipeline(procs)
        return self._nlp

    @property
    def heavy_nlp(self):
        """The pipeline for candidate sentences: pre-tokenized words in, tags/parse/NER out."""
        if self._heavy is None:
            procs = ["tokenize"] + [p for p in self.HEAVY if p in self.processors]
            self._heavy = self._pipeline(procs, tokenize_pretokenized=True)
        return self._heavy

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        batch: List[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, batch: List[Article]) -> Iterator[AnnotatedArticle]:
        if not self.ner or "ner" in self.processors:
            yield from self._run_stanza(batch)
            return
        recognizer = default_recognizer()
        for doc in self._run_stanza(batch):
            yield recognizer.annotate(doc)

    def _run_stanza(self, batch: List[Article]) -> Iterator[AnnotatedArticle]:
        from stanza.models.common.doc import Document

        batch = [a if without_surrogates(a.text) is a.text else replace(a, text=without_surrogates(a.text))
                 for a in batch]  # same length: offsets still index the text
        docs = self.nlp.bulk_process([Document([], text=a.text) for a in batch])
        if not self.selective:
            for article, doc in zip(batch, docs):
                yield from_stanza_document(article, doc, self.processors)
            return
        picks: List[Tuple[int, int]] = []
        words: List[List[str]] = []
        for di, doc in enumerate(docs):
            for si, sent in enumerate(doc.sentences):
                ws = [w.text for w in sent.words]
                if ws and sentence_can_attribute(ws):
                    picks.append((di, si))
                    words.append(ws)
        parsed: Dict[int, Dict[int, object]] = {}
        if words:
            heavy = self.heavy_nlp(words)
            for (di, si), hs in zip(picks, heavy.sentences):
                parsed.setdefault(di, {})[si] = hs
        for di, (article, doc) in enumerate(zip(batch, docs)):
            yield from_stanza_document(article, doc, self.processors, parsed=parsed.get(di, {}))


def from_stanza_document(article: Article, doc, processors: Iterable[str], *,
                         parsed: Optional[Dict[int, object]] = None) -> AnnotatedArticle:
    """Convert a ``stanza.Document`` whose text is ``article.text`` into an AnnotatedArticle.

    Works for pipeline output and for Documents built from CoNLL-U (offsets come from
    ``start_char``/``end_char``; words of a multi-word token share the token's span).

    Args:
        parsed: For selective parsing: sentence index -> a Stanza ``Sentence`` holding the
            same words with tags, lemmas, parse and NER (from the pre-tokenized pipeline);
            those fields of the other sentences stay empty. When given, entities come from
            the parsed sentences' NER tags.
    """
    tokens: List[Token] = []
    sentences: List[Tuple[int, int]] = []
    entities: List[Entity] = []
    for k, sent in enumerate(doc.sentences):
        first = len(tokens)
        heavy = parsed.get(k) if parsed is not None else None
        hwords = list(heavy.words) if heavy is not None else None
        if hwords is not None and len(hwords) != len(sent.words):  # pragma: no cover - defensive
            hwords = None
        j = 0
        for tok in sent.tokens:
            for word in tok.words:
                s = word.start_char if getattr(word, "start_char", None) is not None else tok.start_char
                e = word.end_char if getattr(word, "end_char", None) is not None else tok.end_char
                src = hwords[j] if hwords is not None else word
                if parsed is not None and hwords is None:
                    tokens.append(Token(word.text, s, e, k))
                else:
                    head = (first + src.head - 1) if src.head else None
                    ner = getattr(src.parent, "ner", None) if hwords is not None else getattr(tok, "ner", None)
                    tokens.append(Token(word.text, s, e, k, src.lemma, src.upos, src.xpos,
                                        head, src.deprel, ner))
                j += 1
        sentences.append((first, len(tokens)))
    if parsed is not None:
        entities = entities_from_tags([t.ner for t in tokens])
    else:
        starts = [t.start for t in tokens]
        for ent in getattr(doc, "ents", []) or []:
            a = _char_to_token(starts, ent.start_char)
            b = _char_to_token(starts, ent.end_char - 1) + 1
            entities.append(Entity(a, b, ent.type))
    coref: List[List[Tuple[int, int]]] = []
    for chain in getattr(doc, "coref", None) or []:
        ranges = []
        for m in chain.mentions:
            if not isinstance(m.start_word, int) or m.sentence >= len(sentences):
                continue  # zero anaphora
            base = sentences[m.sentence][0]
            ranges.append((base + m.start_word, base + m.end_word))
        rep = chain.representative_index
        if rep is not None and 0 <= rep < len(chain.mentions) and isinstance(chain.mentions[rep].start_word, int):
            m = chain.mentions[rep]
            first_range = (sentences[m.sentence][0] + m.start_word, sentences[m.sentence][0] + m.end_word)
            ranges = [first_range] + sorted(r for r in ranges if r != first_range)
        else:
            ranges.sort()
        if len(ranges) > 1:
            coref.append(ranges)
    return AnnotatedArticle(article, tokens, sentences, frozenset(processors), entities, coref)



def _char_to_token(starts: Sequence[int], char: int) -> int:
    return max(0, bisect.bisect_right(starts, char) - 1)

