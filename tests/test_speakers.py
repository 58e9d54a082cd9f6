from dataclasses import replace

from quotetrack.doc import Entity
from quotetrack.nlp import BuiltinAnnotator
from quotetrack.records import Article, Span
from quotetrack.speakers import SpeakerResolver


def resolver(text="", entities=(), coref=()):
    doc = BuiltinAnnotator().annotate_one(Article("t", text))
    doc = replace(doc, entities=tuple(entities), coref=tuple(coref))
    return doc, SpeakerResolver(doc)


def span(text, phrase, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(phrase, start, start + len(phrase))


def test_title_name_and_affiliation():
    _, r = resolver()
    sp = r.describe("Armenian Foreign Minister Ararat Mirzoyan")
    assert (sp.name, sp.kind, sp.title, sp.affiliation) == ("Ararat Mirzoyan", "person", "Foreign Minister", "Armenia")
    sp = r.describe("Norwegian Fisheries Minister Ingrid Halvorsen")
    assert (sp.name, sp.title, sp.affiliation) == ("Ingrid Halvorsen", "Fisheries Minister", "Norway")


def test_organizations_countries_metonyms_and_groups():
    _, r = resolver()
    sp = r.describe("Russia’s defense ministry")
    assert (sp.kind, sp.affiliation) == ("organization", "Russia")
    assert r.describe("Baku").name == "Azerbaijan" and r.describe("Baku").kind == "country"
    assert r.describe("the Kremlin").name == "Russia"
    assert r.describe("the breakaway authorities").kind == "group"
    assert r.describe("Per Halvorsen, who heads the Norwegian Fishermen's Association").name == "Per Halvorsen"


def test_surnames_and_pronouns_resolve_to_the_named_person():
    text = "Prime Minister Nikol Pashinyan spoke first. Later Pashinyan said more. He added a line."
    doc, r = resolver(text)
    first = r.resolve(span(text, "Prime Minister Nikol Pashinyan"))
    later = r.resolve(span(text, "Pashinyan", 1))
    he = r.resolve(span(text, "He"))
    assert first.name == later.name == he.name == "Nikol Pashinyan"
    assert later.id == first.id and later.title == "Prime Minister"


def test_two_people_sharing_a_surname_stay_apart():
    text = "Ingrid Halvorsen spoke. Per Halvorsen spoke. Halvorsen said no."
    _, r = resolver(text)
    r.resolve(span(text, "Ingrid Halvorsen"))
    r.resolve(span(text, "Per Halvorsen"))
    bare = r.resolve(span(text, "Halvorsen", 2))
    assert bare.name == "Halvorsen"  # ambiguous: not merged into either


def test_definite_description_refers_back_to_the_last_organization():
    text = "Norway's foreign ministry denied it. The ministry said so."
    _, r = resolver(text)
    first = r.resolve(span(text, "Norway's foreign ministry"))
    again = r.resolve(span(text, "The ministry"))
    assert (again.id, again.name, again.via) == (first.id, first.name, "description")


def test_entity_types_settle_the_kind():
    text = "Acme Widgets said it would appeal."
    doc, r = resolver(text, entities=[Entity(0, 2, "ORG")])
    assert r.resolve(span(text, "Acme Widgets")).kind == "organization"


def test_coreference_chains_resolve_pronouns():
    text = "Maria Lopez arrived. Juan Perez waved. She said hello."
    doc, _ = resolver(text)
    she = doc.token_at(text.index("She"))
    doc = replace(doc, coref=(((0, 2), (she, she + 1)),))
    r = SpeakerResolver(doc)
    assert r.resolve(span(text, "She")).name == "Maria Lopez"
