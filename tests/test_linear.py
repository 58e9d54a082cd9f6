"""Extraction work grows linearly with an article's size (issue 10). Counted, not timed:
timing belongs in `python -m quotetrack.dev.bench_hostile`."""
import importlib

import pytest

import quotetrack.extract.surface as surface
import quotetrack.speakers as speakers
from quotetrack.dev.bench_hostile import make
from quotetrack.pipeline import extract_text

# the package exports a function named finish, so reach the module itself
finish = importlib.import_module("quotetrack.extract.finish")


def _work(monkeypatch, text: str) -> int:
    """Calls of the pairwise helpers that made long paragraphs quadratic, and the quotes
    examined for first-person sources."""
    calls = {"n": 0}
    gap, before = surface._gap, speakers.SpeakerResolver._named_before
    enclosing = finish._DirectQuotes.enclosing

    def counted_enclosing(self, a):
        calls["n"] += min(len(self.attrs), finish._NESTING_LOOKBACK)
        return enclosing(self, a)

    monkeypatch.setattr(finish._DirectQuotes, "enclosing", counted_enclosing)

    def counted_gap(a, b):
        calls["n"] += 1
        return gap(a, b)

    def counted_before(self, at, limit=speakers._LOOKBACK):
        out = before(self, at, limit)
        calls["n"] += len(out)
        return out

    monkeypatch.setattr(surface, "_gap", counted_gap)
    monkeypatch.setattr(speakers.SpeakerResolver, "_named_before", counted_before)
    extract_text(text)
    return calls["n"]


@pytest.mark.parametrize("case, scale", [("said-x16k", 0.1), ("one-line-2MB", 0.03), ("soup-2MB", 0.02),
                                         ("quotes-x4000", 0.05)])
def test_work_is_linear_in_the_size_of_a_one_line_article(monkeypatch, case, scale):
    small = _work(monkeypatch, make(case, scale))  # past the 1,500-token paragraph cap
    large = _work(monkeypatch, make(case, 4 * scale))  # four times the text
    assert small > 0
    assert large <= 5 * small, (small, large)  # quadratic work would be about 16 times


def test_a_sentence_without_an_end_is_cut():
    from quotetrack.nlp.builtin import MAX_SENTENCE_TOKENS, BuiltinAnnotator
    from quotetrack.records import Article

    doc = BuiltinAnnotator(ner=False).annotate_one(Article("x", "said " * (3 * MAX_SENTENCE_TOKENS)))
    assert max(b - a for a, b in doc.sentences) <= MAX_SENTENCE_TOKENS
    assert max(b - a for a, b in doc.paragraphs()) <= 1500
