"""The annotator interface."""
from __future__ import annotations

from typing import FrozenSet, Iterable, Iterator

from ..doc import AnnotatedArticle
from ..records import Article


class Annotator:
    """Interface: turn articles into :class:`AnnotatedArticle` objects, lazily."""

    name = "abstract"
    processors: FrozenSet[str] = frozenset()

    def annotate(self, articles: Iterable[Article]) -> Iterator[AnnotatedArticle]:
        raise NotImplementedError

