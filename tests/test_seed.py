"""The article quotetrack was conceived from: what a careful reader finds must come out right."""
import pytest

from quotetrack.nlp import BuiltinAnnotator, StanzaAnnotator
from quotetrack.extract import extract
from quotetrack.io.readers import read_inputs

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module", params=["builtin", "stanza"])
def seed(request):
    """The seed through each annotator available here: built-in, and Stanza tokenize+mwt."""
    from conftest import shared_path

    path = shared_path("corpora", "seed", "nagorno-karabakh-truce.txt")
    article = next(iter(read_inputs([str(path)])))
    if request.param == "stanza":
        annotator = StanzaAnnotator(shared_path("models", "stanza"), device="cpu")
    else:
        annotator = BuiltinAnnotator()
    return article, extract(next(iter(annotator.annotate([article]))))


def find(attributions, cue_word, source_word=None):
    hits = [a for a in attributions if cue_word in a.cue.text.lower()
            and (source_word is None or (a.source and source_word in a.source.text)
                 or (a.speaker and source_word in a.speaker.name))]
    assert hits, f"no attribution with cue {cue_word!r} and source {source_word!r}"
    return hits[0]


def test_offsets_index_the_whole_file(seed):
    article, attributions = seed
    assert attributions
    on_disk = open(article.path, encoding="utf-8").read()  # read independently of quotetrack
    assert on_disk == article.text
    for a in attributions:
        for span in (a.source, a.cue, a.content, a.target):
            if span:
                assert on_disk[span.start:span.end] == span.text


def test_denial_and_accusation(seed):
    _, attrs = seed
    deny = find(attrs, "denied", "Azerbaijan")
    assert deny.act == "deny" and "breaching the ceasefire" in deny.content.text
    accuse = find(attrs, "accused", "breakaway authorities")
    assert accuse.act == "accuse" and accuse.target.text == "Baku"
    assert accuse.speaker.kind in ("group", "organization")


def test_presidency_description_and_defense_ministry_report(seed):
    _, attrs = seed
    described = find(attrs, "described")
    assert described.act == "describe" and "constructive and peaceful" in described.content.text
    assert described.source and "presidency" in described.source.text
    report = find(attrs, "reported", "defense ministry")
    assert report.act == "report" and "five ceasefire violations" in report.content.text
    assert report.speaker.kind == "organization" and report.speaker.affiliation == "Russia"
    according = find(attrs, "according to")
    assert according.act == "report" and "separatist reports" in according.source.text


def test_mirzoyan_declared_directly(seed):
    _, attrs = seed
    a = find(attrs, "declared", "Mirzoyan")
    assert a.act == "declare" and a.kind == "direct"
    assert a.content.text.startswith("“There are no longer sides")
    sp = a.speaker
    assert (sp.name, sp.kind, sp.title, sp.affiliation) == ("Ararat Mirzoyan", "person", "Foreign Minister", "Armenia")


def test_bayramov_accused_armenia(seed):
    _, attrs = seed
    a = find(attrs, "accused", "Bayramov")
    assert a.act == "accuse" and a.target.text == "Armenia"
    assert a.speaker.name == "Jeyhun Bayramov" and a.speaker.affiliation == "Azerbaijan"


def test_aliyev_declared(seed):
    _, attrs = seed
    a = find(attrs, "declared", "Aliyev")
    assert a.speaker.name == "Ilham Aliyev" and a.speaker.affiliation == "Azerbaijan"
    assert "restoration of sovereignty" in a.content.text


def test_pashinyan_assured_emphasized_and_affirmed(seed):
    _, attrs = seed
    assured = find(attrs, "assured", "Pashinyan")
    emphasized = find(attrs, "emphasized", "Pashinyan")
    affirmed = find(attrs, "affirmed")
    assert affirmed.source.text == "he" and affirmed.kind == "direct"
    assert affirmed.content.text.startswith("“This path is not easy")
    for a in (assured, emphasized, affirmed):
        assert a.speaker.name == "Nikol Pashinyan"
        assert a.speaker.affiliation == "Armenia" and a.speaker.title == "Prime Minister"


def test_nothing_from_the_boilerplate(seed):
    article, attrs = seed
    tail = article.text.index("To stay informed")
    assert all(a.cue.start < tail for a in attrs)
