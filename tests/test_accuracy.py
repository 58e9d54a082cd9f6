"""Accuracy floors on the PolNeAR dev split (the figures `make eval` prints).

Not a timing test: it fails when a change makes extraction worse than the floors, which sit
a little under the figures measured when the shipped tagger was trained.
"""
import pytest

from quotetrack.nlp import BuiltinAnnotator
from quotetrack.dev.evaluate import evaluate_dir
from quotetrack.pipeline import extract_text

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def test_builtin_path_on_polnear_dev(shared):
    gold = shared("corpora", "polnear", "dev")
    annotator = BuiltinAnnotator()
    result = evaluate_dir(gold, lambda aid, text: extract_text(text, article_id=aid, annotator=annotator))
    scores = result.to_dict()
    assert result.articles == 84
    assert scores["joint"]["f1"] >= 67.0
    assert scores["roles"]["cue"]["exact"]["f1"] >= 65.5
    assert scores["roles"]["source"]["exact"]["f1"] >= 69.5
    assert scores["roles"]["content"]["overlap"]["f1"] >= 75.0
