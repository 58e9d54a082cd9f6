"""The progress bar and the input size estimate (quotetrack/progress.py)."""
import io
import json

from conftest import news_text, write_news

from quotetrack.progress import ProgressBar, estimate_total


def test_files_are_counted_and_records_estimated(tmp_path):
    src = write_news(tmp_path / "in", 3, jsonl=40)
    assert estimate_total([str(src)]) == 43  # a small JSONL is counted exactly
    big = tmp_path / "big.jsonl"
    with open(big, "w", encoding="utf-8") as f:
        for k in range(6000):  # over the 1 MB sample: estimated from its mean line length
            f.write(json.dumps({"id": k, "text": news_text(k)}) + "\n")
    assert 5400 <= estimate_total([str(big)]) <= 6600
    assert estimate_total([str(src), "-"]) is None  # stdin: unknown


def test_the_bar_shows_total_eta_and_errors_and_nothing_when_off():
    out = io.StringIO()
    bar = ProgressBar(True, total=10, stream=out)
    bar.update(4, errors=1, attributions=12)
    bar.message("quotetrack: a.txt: empty file")
    bar._bar.refresh()
    bar.close()
    text = out.getvalue()
    assert "4/10" in text and "1 errors" in text and "12 attributions" in text and "<" in text
    assert "quotetrack: a.txt: empty file\n" in text
    off = ProgressBar(False, total=10)
    off.update(3, errors=0)
    off.close()  # no tqdm at all: nothing to check but that it does not draw or fail
    assert off._bar is None


def test_a_short_estimate_drops_the_eta_instead_of_lying():
    out = io.StringIO()
    bar = ProgressBar(True, total=5, stream=out)
    bar.update(7)
    assert bar.total is None and bar._bar.total is None
    bar.close()
