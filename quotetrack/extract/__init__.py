"""Attributions out of annotated articles.

Two paths produce :class:`~.candidate.Candidate` records (character spans of source, cue,
content and perhaps target); one shared finishing step (:mod:`.finish`) turns them into
:class:`~quotetrack.records.Attribution` records (speech act, kind, target, speaker, id):

* the surface path (:mod:`.surface`) -- a sequence tagger over tokens, the CRF
  (:mod:`.tagger`, fast) or the fine-tuned transformer (:mod:`.neural`, accurate), backed by
  pattern rules (:mod:`.surface_rules`). It runs on every path: spans are tagged on the
  built-in tokenization the taggers were trained on, also when the article was parsed
  (Stanza, CoNLL-U), whose tokens, entities and coreference then serve speakers and targets;
* the dependency path (:mod:`.dependency`) -- rules over Universal Dependencies; on PolNeAR dev
  through CoreNLP parses it scored joint F1 53.8 against the tagger's 69, so :func:`extract`
  no longer uses it (``dependency_candidates`` stays for comparison in ``gum_eval``).
"""
from __future__ import annotations

from typing import List, Optional

from ..doc import AnnotatedArticle
from ..records import Attribution
from .candidate import Candidate, CharSpan, TaggedSpan
from .dependency import dependency_candidates
from .finish import extend_multiparagraph, find_target, finish, kind_of, trim
from .surface import surface_candidates
from .tagger import Tagger, default_tagger

TAGGERS = ("auto", "crf", "neural")

__all__ = ["extract", "Candidate", "CharSpan", "TaggedSpan", "Tagger", "default_tagger", "finish",
           "surface_candidates", "dependency_candidates", "kind_of", "trim", "extend_multiparagraph",
           "find_target", "make_tagger", "tagger_kind", "TAGGERS"]


def tagger_kind(kind: str = "auto") -> str:
    """``crf`` or ``neural``: what ``auto`` means here (neural when its model and torch are
    installed) and a check of the name."""
    if kind == "auto":
        from .neural import neural_available

        return "neural" if neural_available() else "crf"
    if kind not in TAGGERS:
        raise ValueError(f"unknown tagger {kind!r}; expected one of {', '.join(TAGGERS)}")
    return kind


def make_tagger(kind: str = "crf", *, threads: Optional[int] = None):
    """The CRF or neural tagger (loaded once per process); ``auto`` as in :func:`tagger_kind`."""
    kind = tagger_kind(kind)
    if kind == "neural":
        from .neural import default_neural_tagger

        return default_neural_tagger(threads)
    return default_tagger()


# The tokens the taggers were trained on: the built-in tokenizer's.
_BUILTIN_PROCESSORS = (frozenset({"tokenize"}), frozenset({"tokenize", "ner"}))


def tagging_doc(doc: AnnotatedArticle) -> AnnotatedArticle:
    """The article as the taggers see it: built-in tokens and sentences.

    Another annotator's tokens (Stanza, CoNLL-U parses) split text differently ("gon na",
    `` quotes, sentence breaks), which cost the CRF 3 points of joint F1 on PolNeAR dev.
    Spans come back as character offsets, so they apply to the original document.
    """
    if doc.processors in _BUILTIN_PROCESSORS:
        return doc
    from ..nlp.builtin import BuiltinAnnotator

    return BuiltinAnnotator(ner=False).annotate_one(doc.article)


def extract(doc: AnnotatedArticle, *, tagger=None) -> List[Attribution]:
    """All attributions in one annotated article, in text order.

    ``tagger`` is a tagger object (:func:`make_tagger`); None means the CRF.
    """
    candidates = list(surface_candidates(tagging_doc(doc), tagger or default_tagger()))
    return finish(doc, candidates)


# --------------------------------------------------------------------------------------
# Surface path: tagged spans -> candidates
# --------------------------------------------------------------------------------------
