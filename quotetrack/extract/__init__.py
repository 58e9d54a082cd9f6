"""Attributions out of annotated articles.

Two paths produce :class:`~.candidate.Candidate` records (character spans of source, cue,
content and perhaps target); one shared finishing step (:mod:`.finish`) turns them into
:class:`~quotetrack.records.Attribution` records (speech act, kind, target, speaker, id):

* the surface path (:mod:`.surface`) -- the CRF tagger (:mod:`.tagger`) over tokens, backed
  by pattern rules (:mod:`.surface_rules`), for any annotator;
* the dependency path (:mod:`.dependency`) -- rules over Universal Dependencies, used when
  the article was parsed.
"""
from __future__ import annotations

from typing import List

from ..doc import AnnotatedArticle
from ..records import Attribution
from .candidate import Candidate, CharSpan, TaggedSpan
from .dependency import dependency_candidates
from .finish import extend_multiparagraph, find_target, finish, kind_of, trim
from .surface import surface_candidates
from .tagger import Tagger, default_tagger

__all__ = ["extract", "Candidate", "CharSpan", "TaggedSpan", "Tagger", "default_tagger", "finish",
           "surface_candidates", "dependency_candidates", "kind_of", "trim", "extend_multiparagraph",
           "find_target"]


def extract(doc: AnnotatedArticle, *, tagger=None) -> List[Attribution]:
    """All attributions in one annotated article, in text order."""
    if doc.has("depparse"):
        candidates = list(dependency_candidates(doc))
    else:
        candidates = list(surface_candidates(doc, tagger or default_tagger()))
    return finish(doc, candidates)


# --------------------------------------------------------------------------------------
# Surface path: tagged spans -> candidates
# --------------------------------------------------------------------------------------
