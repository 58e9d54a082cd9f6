"""The example story (examples/articles) end to end: extract, then the graph edge by edge.

The graph tests state what a careful reader finds in the five made-up articles: the
extractor has to split speaker names from their titles and find targets such as "Oslo" and
"the criticism from Reykjavik". The golden tests at the end pin the exact attributions the
extractor gives on the same articles today.
"""
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotetrack.cli import cli
from quotetrack.graph import build, edges_by_act, load
from quotetrack.io.readers import read_inputs
from quotetrack.pipeline import run
from quotetrack.records import Article

ARTICLES = Path(__file__).resolve().parents[1] / "examples" / "articles"

EXPECTED_ACTOR_EDGES = {
    # 4 March: Norway's minister accuses Iceland.
    ("Ingrid Halvorsen", "accuse", "Iceland"),
    # 5 March: Iceland's minister rejects that (an earlier article) and accuses "Oslo".
    ("Gunnar Sigurdsson", "answers", "Ingrid Halvorsen"),
    ("Gunnar Sigurdsson", "accuse", "Norway"),
    # 7 March: Norway's foreign ministry denies the charge Sigurdsson levelled at Oslo;
    # Britain's Thomas Reed urges Iceland.
    ("Norway's foreign ministry", "answers", "Gunnar Sigurdsson"),
    ("Thomas Reed", "urge", "Iceland"),
    # 8 March: Iceland's prime minister answers London (not an accusation: no answers edge)
    # and criticizes Oslo; Per Halvorsen (not the minister) warns Iceland.
    ("Helga Jonsdottir", "respond", "United Kingdom"),
    ("Helga Jonsdottir", "criticize", "Norway"),
    ("Per Halvorsen", "warn", "Iceland"),
    # 11 March: "Fisheries Minister Halvorsen" (Ingrid, by her title) rejects the criticism
    # from Reykjavik; the fishermen's association praises her.
    ("Ingrid Halvorsen", "reject", "Iceland"),
    ("Ingrid Halvorsen", "answers", "Helga Jonsdottir"),
    ("Norwegian Fishermen's Association", "praise", "Ingrid Halvorsen"),
}

EXPECTED_AFFILIATION_EDGES = {
    ("Norway", "accuse", "Iceland"), ("Iceland", "answers", "Norway"),
    ("Iceland", "accuse", "Norway"), ("Norway", "answers", "Iceland"),
    ("United Kingdom", "urge", "Iceland"), ("Iceland", "respond", "United Kingdom"),
    ("Iceland", "criticize", "Norway"), ("Norway", "warn", "Iceland"),
    ("Norway", "reject", "Iceland"), ("Norway", "praise", "Norway"),
}


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("examples") / "out"
    result = CliRunner().invoke(cli, ["extract", str(ARTICLES), "-o", str(out),
                                      "--nlp", "builtin"])
    assert result.exit_code == 0, result.output
    return out


def test_example_story_actor_graph(outdir):
    net = build(load([outdir]))
    got = {(u, d["act"], v) for u, v, d in edges_by_act(net.graph)}
    assert got == EXPECTED_ACTOR_EDGES
    labels = {d["label"]: d for _, d in net.graph.nodes(data=True)}
    # Two Halvorsens, never merged; "Iceland's Prime Minister" is Helga Jonsdottir.
    assert labels["Ingrid Halvorsen"]["affiliation"] == "Norway"
    assert labels["Per Halvorsen"]["affiliation"] == "Norway"
    assert "Iceland's Prime Minister" in labels["Helga Jonsdottir"]["aliases"]
    assert "Halvorsen (surname of Ingrid Halvorsen" in labels["Ingrid Halvorsen"]["aliases"]
    assert "Reykjavik (capital of Iceland)" in labels["Iceland"]["aliases"]


def test_example_story_affiliation_graph(outdir):
    net = build(load([outdir]), level="affiliation")
    got = {(u, d["act"], v) for u, v, d in edges_by_act(net.graph)}
    assert got == EXPECTED_AFFILIATION_EDGES


IDEAL = Path(__file__).parent / "fixtures" / "examples_ideal"


def test_ideal_extraction_of_the_story_gives_the_expected_graph():
    """What the graph stage must do with a perfect extraction of the story (hand-made JSONL
    with real offsets into examples/articles): the same edges, without the extractor."""
    for level, expected in (("actor", EXPECTED_ACTOR_EDGES),
                            ("affiliation", EXPECTED_AFFILIATION_EDGES)):
        net = build(load([IDEAL]), level=level)
        assert {(u, d["act"], v) for u, v, d in edges_by_act(net.graph)} == expected, level
    net = build(load([IDEAL]))
    labels = {d["label"]: d for _, d in net.graph.nodes(data=True)}
    assert "Halvorsen (surname of Ingrid Halvorsen, same title Fisheries Minister)" in labels[
        "Ingrid Halvorsen"]["aliases"]
    assert labels["Per Halvorsen"]["aliases"] == ""
    assert "Iceland's Prime Minister" in labels["Helga Jonsdottir"]["aliases"]
    assert "Downing Street (seat of government of United Kingdom)" in labels[
        "United Kingdom"]["aliases"]


def test_ideal_offsets_index_the_example_files():
    from quotetrack.records import Attribution

    texts = {p.stem: p.read_text(encoding="utf-8") for p in ARTICLES.glob("*.txt")}
    for p in ARTICLES.glob("*.jsonl"):
        rec = json.loads(p.read_text(encoding="utf-8"))
        texts[rec["id"]] = rec["text"]
    for line in (IDEAL / "attributions.jsonl").read_text(encoding="utf-8").splitlines():
        a = Attribution.from_dict(json.loads(line))
        for span in (a.source, a.cue, a.content, a.target):
            if span is not None:
                assert texts[a.article_id][span.start:span.end] == span.text


# -- golden attributions -------------------------------------------------------------------------
# Golden on our own example articles (not evaluation data): the exact attributions the
# extractor (built-in annotator) gives today on examples/articles, one JSONL file per example
# file in tests/fixtures/golden_examples/. They pin behaviour, so that any change to what is
# extracted shows up as a diff of these files in review; they say nothing about accuracy
# (that is `quotetrack evaluate` on PolNeAR). After an intended change, regenerate and review:
#
#     QUOTETRACK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_examples.py -k golden
#     git diff tests/fixtures/golden_examples/
GOLDEN = Path(__file__).parent / "fixtures" / "golden_examples"
UPDATE_GOLDEN = os.environ.get("QUOTETRACK_UPDATE_GOLDEN") == "1"
EXAMPLE_FILES = sorted(p for p in ARTICLES.iterdir() if p.suffix in (".txt", ".jsonl"))


def golden_record(a):
    """The fields a golden line pins: spans with offsets, act, kind, and who spoke."""
    def span(s):
        return None if s is None else {"text": s.text, "start": s.start, "end": s.end}

    return {"article_id": a.article_id, "kind": a.kind, "act": a.act,
            "source": span(a.source), "cue": span(a.cue), "content": span(a.content),
            "target": span(a.target),
            "speaker": {"name": a.speaker.name, "kind": a.speaker.kind} if a.speaker else None}


@pytest.fixture(scope="module")
def extracted():
    """Example file name -> golden records of its articles, in output order."""
    articles = list(read_inputs([str(ARTICLES)]))
    assert all(isinstance(a, Article) for a in articles), articles  # no read errors
    by_file = {p.name: [] for p in EXAMPLE_FILES}
    for res in run(articles):
        assert res.error is None, (res.article.article_id, res.error)
        by_file[Path(res.article.path).name] += [golden_record(a) for a in res.attributions]
    return by_file


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_golden_attributions_of_the_example_articles(example, extracted):
    path = GOLDEN / f"{example.stem}.jsonl"
    got = extracted[example.name]
    if UPDATE_GOLDEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in got),
                        encoding="utf-8")
    assert path.exists(), f"no golden file {path}: regenerate it (see the comment above)"
    expected = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert got == expected, f"{example.name} differs from {path.name} (regenerate if intended)"


def test_every_golden_file_belongs_to_an_example():
    assert sorted(p.stem for p in GOLDEN.glob("*.jsonl")) == [p.stem for p in EXAMPLE_FILES]
