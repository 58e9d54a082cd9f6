"""quotetrack.geo: countries, demonyms, capitals and seats of government from the data file."""
from collections import defaultdict
from pathlib import Path

import pytest

from quotetrack import geo


def test_table_covers_the_un_members_and_the_disputed_sides():
    names = [c.name for c in geo.countries()]
    assert len(names) == len(set(names)), "a country is listed twice"
    assert len(names) >= 195
    for name in ("Armenia", "Azerbaijan", "Russia", "United States", "United Kingdom", "France",
                 "China", "India", "Brazil", "South Africa", "Holy See", "Palestine", "Taiwan",
                 "Kosovo", "Nagorno-Karabakh", "Tuvalu", "Eswatini", "Timor-Leste",
                 "Côte d'Ivoire"):
        assert name in names
    iso = [c.iso2 for c in geo.countries() if c.iso2]
    assert len(iso) == len(set(iso)), "an ISO code is listed twice"


def test_every_form_maps_back_to_its_country_unless_it_is_ambiguous():
    owners = defaultdict(set)
    for c in geo.countries():
        for form in (c.name,) + c.aliases + c.demonyms + c.capitals + c.seats:
            owners[form[4:] if form.startswith(("the ", "The ")) else form].add(c.name)
    clashes = {f for f, cs in owners.items() if len(cs) > 1}
    # Only forms that really are shared; anything else here is a typo in the data file.
    assert clashes == {"Congolese"}
    for form, cs in owners.items():
        expected = None if form in clashes else next(iter(cs))
        assert geo.country_of(form) == expected, form


@pytest.mark.parametrize("text, country", [
    ("Azerbaijan", "Azerbaijan"), ("Baku", "Azerbaijan"), ("Yerevan", "Armenia"),
    ("Moscow", "Russia"), ("the Kremlin", "Russia"), ("The Kremlin", "Russia"),
    ("Armenian", "Armenia"), ("Armenians", "Armenia"), ("Azerbaijani", "Azerbaijan"),
    ("Azeri", "Azerbaijan"), ("Azerbaijanis", "Azerbaijan"),
    ("Russia's", "Russia"), ("Russia’s", "Russia"), ("Azerbaijan’s", "Azerbaijan"),
    ("the Netherlands'", "Netherlands"), ("Russia.", "Russia"),
    ("the White House", "United States"), ("Washington", "United States"),
    ("U.S.", "United States"), ("US", "United States"), ("America", "United States"),
    ("Americans", "United States"),
    ("Downing Street", "United Kingdom"), ("London", "United Kingdom"),
    ("Britain", "United Kingdom"), ("UK", "United Kingdom"), ("British", "United Kingdom"),
    ("Artsakh", "Nagorno-Karabakh"), ("Stepanakert", "Nagorno-Karabakh"),
    ("Kyiv", "Ukraine"), ("Kiev", "Ukraine"), ("Swiss", "Switzerland"), ("RUSSIA", "Russia"),
    ("Reykjavik", "Iceland"), ("Icelandic", "Iceland"), ("Oslo", "Norway"),
])
def test_country_of(text, country):
    assert geo.country_of(text) == country


@pytest.mark.parametrize("text", [
    "us", "uk", "chad", "Congolese", "Korean", "Nikol Pashinyan", "", "the", "separatists",
    "Armenia's Prime Minister",  # a phrase about a country is not the country
])
def test_not_a_country(text):
    assert geo.country_of(text) is None


def test_metonyms():
    assert geo.is_metonym("Baku") and geo.is_metonym("the Kremlin")
    assert geo.is_metonym("Downing Street") and geo.is_metonym("the White House")
    assert not geo.is_metonym("Azerbaijan") and not geo.is_metonym("Armenian")
    assert geo.lookup("Baku").how == "capital"
    assert geo.lookup("the Kremlin").how == "seat"
    assert geo.lookup("Armenians").how == "demonym"


def test_find_inside_a_phrase():
    text = "Armenia's Prime Minister met U.S. and Azerbaijani envoys in Baku, not in Moscow."
    found = [(text[m.start:m.end], m.country, m.how) for m in geo.find(text)]
    assert found == [("Armenia's", "Armenia", "name"), ("U.S.", "United States", "alias"),
                     ("Azerbaijani", "Azerbaijan", "demonym"), ("Baku", "Azerbaijan", "capital"),
                     ("Moscow", "Russia", "capital")]
    # Longest match wins, and lower-case words are never countries.
    assert [m.country for m in geo.find("the United States and us")] == ["United States"]
    assert [m.country for m in geo.find("the Democratic Republic of the Congo")] == [
        "Democratic Republic of the Congo"]


def _find_by_every_length(text):
    """geo.find as first written: at each capitalised word, every length from the longest
    form down, each with the last word as written, without a possessive, without a stop."""
    _, _, by_tokens, longest = geo._tables()
    toks = [(m.start(), m.end(), m.group()) for m in geo._TOKEN.finditer(text)]
    out, i = [], 0
    while i < len(toks):
        hit = None
        if toks[i][2][:1].isupper():
            for n in range(min(longest, len(toks) - i), 0, -1):
                words = [t[2] for t in toks[i:i + n]]
                last = words[-1]
                for variant in (last, geo._POSSESSIVE.sub("", last), last.rstrip(".")):
                    m = by_tokens.get(tuple(words[:-1] + [variant]))
                    if m is not None:
                        hit = (n, m, len(last) - len(variant) if variant == last.rstrip(".") else 0)
                        break
                if hit:
                    break
        if hit:
            n, m, cut = hit
            start, end = toks[i][0], toks[i + n - 1][1] - cut
            if end < len(text) and text[end] in "'’":
                end += 1
            out.append(geo.Mention(start, end, m.country, m.how))
            i += n
        else:
            i += 1
    return out


def test_find_skips_words_that_start_no_form_and_finds_what_the_full_search_finds():
    """find() tries a long match only at words that start a form of several words: the same
    mentions as trying every length at every capitalised word, on phrases built from every
    form in the table (possessives, full stops, cut and run-on forms, case changes)."""
    import random

    rng = random.Random(7)
    forms = sorted({f for c in geo.countries()
                    for f in (c.name,) + c.aliases + c.demonyms + c.capitals + c.seats})
    fillers = ["said", "The", "Minister", "of", "and", "New", "South", "Republic", "the", "U.S.",
               "President", "Kim's", "North", "Democratic", "Islamic", "St.", "Mr", "’s", "."]
    texts = []
    for form in forms:
        words = form.split()
        texts += [form, form + "'s", form + "’s", form + ".", form + "s'", f"the {form} said",
                  form.upper(), form.lower(), " ".join(words[:-1]) + " Xyz", form + " " + form,
                  " ".join(words[:1] + ["of"] + words[1:]), f"({form}), {rng.choice(forms)}."]
    for _ in range(3000):
        texts.append(" ".join(rng.choice(forms + fillers) for _ in range(rng.randint(1, 9))))
    found = 0
    for text in texts:
        expected = _find_by_every_length(text)
        assert geo.find(text) == expected, text
        found += len(expected)
    assert found > len(forms)  # the phrases do hold mentions, of several words too
    assert any(len(m.country.split()) > 1 for m in geo.find("the United Arab Emirates' envoy"))


def test_lookups_build_the_table_once(monkeypatch):
    """``country_of`` runs for every speaker: the table is read and indexed once, not per lookup.

    Counts file reads and table builds instead of timing calls (timing belongs in benchmarks).
    """
    reads, builds = [], []
    real_read_text, real_countries = Path.read_text, geo.countries

    def counting_read_text(self, *args, **kwargs):
        if Path(self) == geo.DATA_FILE:
            reads.append(self)
        return real_read_text(self, *args, **kwargs)

    def counting_countries():
        builds.append(1)
        return real_countries()

    # Start cold whatever ran before: every memo in the module is emptied.
    caches = [f for f in vars(geo).values() if callable(getattr(f, "cache_clear", None))]
    assert caches, "geo memoises nothing: every lookup would rebuild the table"
    for f in caches:
        f.cache_clear()
    monkeypatch.setattr(Path, "read_text", counting_read_text)
    monkeypatch.setattr(geo, "countries", counting_countries)
    for i in range(500):
        assert geo.country_of(f"Jeyhun Bayramov {i}") is None
        assert geo.country_of("Baku") == "Azerbaijan"
        assert geo.find(f"Oslo and Reykjavik {i}")[1].country == "Iceland"
    assert len(reads) == 1, "the data file was read more than once"
    assert len(builds) == 1, "the lookup tables were rebuilt"
