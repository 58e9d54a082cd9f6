"""Annotators: articles in, :class:`~quotetrack.doc.AnnotatedArticle` out.

* :class:`BuiltinAnnotator` (:mod:`.builtin`) -- a pure-Python tokenizer and sentence
  splitter, plus the shipped CRF entity recognizer; always available and fast.
* :class:`StanzaAnnotator` (:mod:`.stanza_nlp`) -- Stanza with whatever English processors
  are installed (tokenize+mwt at least; pos, lemma, depparse, ner when present; without
  Stanza's ner, the shipped CRF tags entities).
* :class:`EntityRecognizer` (:mod:`.ner`) -- that CRF: PERSON, ORG, GPE, MISC.

Everything downstream reads the document model, so extraction does not care which
annotator ran; it checks ``doc.has("depparse")`` to use the parse.
"""
from __future__ import annotations

import os
from typing import Optional

from ..models import ModelsMissing, installed_processors
from .base import Annotator
from .builtin import BuiltinAnnotator, split_sentences, tokenize
from .ner import EntityRecognizer
from .stanza_nlp import StanzaAnnotator, from_stanza_document

__all__ = ["Annotator", "BuiltinAnnotator", "EntityRecognizer", "StanzaAnnotator", "ModelsMissing", "make_annotator",
           "from_stanza_document", "tokenize", "split_sentences"]


def make_annotator(kind: str = "auto", *, models_dir: Optional[os.PathLike] = None,
                   device: str = "auto") -> Annotator:
    """``auto`` = Stanza when its English tokenize model is found, else the built-in one."""
    if kind == "builtin":
        return BuiltinAnnotator()
    if kind == "stanza":
        return StanzaAnnotator(models_dir, device=device)
    if kind != "auto":
        raise ValueError(f"unknown annotator {kind!r}: use auto, builtin or stanza")
    if "tokenize" in installed_processors(models_dir):
        return StanzaAnnotator(models_dir, device=device)
    return BuiltinAnnotator()
