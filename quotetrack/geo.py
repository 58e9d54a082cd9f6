"""Countries and the words that stand for them: names, demonyms, capitals and seats of government.

The table lives in ``quotetrack/data/countries.tsv`` and is loaded once. Every lookup maps a word
or phrase as written in an article to the canonical country name::

    >>> [country_of(w) for w in ("Baku", "Russia's", "the Kremlin", "Armenians")]
    ['Azerbaijan', 'Russia', 'Russia', 'Armenia']

Matching is case-sensitive ("US" is the United States, "us" is not), with a case-insensitive
fallback for forms longer than three characters when the input has a capital letter
("RUSSIA", "The white house"). ``country_of`` is called for every speaker the extractor resolves,
so it is a few string operations and one dict lookup, memoised.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

DATA_FILE = Path(__file__).parent / "data" / "countries.tsv"

#: How a form refers to its country, in the order a form's meaning is preferred.
HOW = ("name", "alias", "demonym", "capital", "seat")
# Forms that stand for a state by metonymy ("Baku said", "the Kremlin denied").
_METONYMIC = frozenset({"capital", "seat"})

_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
# A word, keeping inner dots, hyphens and apostrophes ("U.S.", "Guinea-Bissau", "N'Djamena").
_TOKEN = re.compile(r"\w+(?:[.\-'’ʻ]\w+)*\.?")


class Country(NamedTuple):
    """One row of the data file."""

    name: str
    iso2: Optional[str]
    aliases: Tuple[str, ...]
    demonyms: Tuple[str, ...]
    capitals: Tuple[str, ...]
    seats: Tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """What a form refers to: ``country`` (canonical name), and ``how`` (one of :data:`HOW`)."""

    country: str
    form: str
    how: str


def _split(field: str) -> Tuple[str, ...]:
    return tuple(f.strip() for f in field.split("|") if f.strip() and f.strip() != "-")


@lru_cache(maxsize=None)
def countries() -> Tuple[Country, ...]:
    """Every row of ``countries.tsv``, in file order."""
    rows = []
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 6:
            raise ValueError(f"{DATA_FILE.name}: expected 6 tab-separated fields: {line!r}")
        name, iso2, *rest = cells
        rows.append(Country(name.strip(), None if iso2.strip() == "-" else iso2.strip(),
                            *(_split(c) for c in rest)))
    return tuple(rows)


def _strip_the(form: str) -> str:
    return form[4:] if form[:4] in ("the ", "The ") else form


def _plural(demonym: str) -> Optional[str]:
    # "Armenian" -> "Armenians"; "Swiss", "French", "Chinese" have no -s plural.
    if demonym.endswith(("s", "sh", "ch", "ese", "x", "z")) or " " in demonym:
        return None
    return demonym + "s"


@lru_cache(maxsize=None)
def _tables() -> Tuple[Dict[str, Match], Dict[str, Match], Dict[Tuple[str, ...], Match], int]:
    """(exact forms, case-folded forms, token-tuple forms, longest form in tokens)."""
    exact: Dict[str, Match] = {}
    clash: set = set()

    def add(form: str, country: str, how: str) -> None:
        form = _strip_the(form)
        old = exact.get(form)
        if old is None:
            exact[form] = Match(country, form, how)
        elif old.country != country:
            clash.add(form)  # "Congolese", "Korean": ambiguous, so no answer at all
        elif HOW.index(how) < HOW.index(old.how):
            exact[form] = Match(country, form, how)

    for c in countries():
        add(c.name, c.name, "name")
        for a in c.aliases:
            add(a, c.name, "alias")
        for d in c.demonyms:
            add(d, c.name, "demonym")
            plural = _plural(d)
            if plural:
                add(plural, c.name, "demonym")
        for cap in c.capitals:
            add(cap, c.name, "capital")
        for s in c.seats:
            add(s, c.name, "seat")
    for form in clash:
        del exact[form]

    folded: Dict[str, Match] = {}
    folded_clash: set = set()
    for form, m in exact.items():
        if len(form) <= 3:
            continue  # "US", "UK", "UAE" only as written
        key = form.casefold()
        if key in folded and folded[key].country != m.country:
            folded_clash.add(key)
        folded.setdefault(key, m)
    for key in folded_clash:
        del folded[key]

    by_tokens = {tuple(_TOKEN.findall(form)): m for form, m in exact.items()}
    longest = max(len(k) for k in by_tokens)
    return exact, folded, by_tokens, longest


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(" \t\"'“”‘’«»()[],;:!?")
    text = _strip_the(text)
    return text


@lru_cache(maxsize=65536)
def lookup(text: str) -> Optional[Match]:
    """What a whole word or phrase refers to, or None.

    Accepts names, aliases, demonyms (singular or plural), capitals and seats of government,
    with or without a leading "the", a possessive ("Russia's", "the Netherlands'") or a
    trailing full stop.
    """
    if not text:
        return None
    exact, folded, _, _ = _tables()
    form = _clean(text)
    candidates = [form]
    bare = _POSSESSIVE.sub("", form)
    if bare != form:
        candidates.append(bare)
    if form.endswith(".") and form not in exact:
        candidates.append(form[:-1])
    for f in candidates:
        m = exact.get(f)
        if m is not None:
            return m
    if any(ch.isupper() for ch in form):
        for f in candidates:
            m = folded.get(f.casefold())
            if m is not None:
                return m
    return None


def country_of(text: str) -> Optional[str]:
    """The canonical country a word or phrase stands for ("Baku" -> "Azerbaijan"), or None."""
    m = lookup(text)
    return m.country if m else None


def is_metonym(text: str) -> bool:
    """True when ``text`` names a state by its capital or seat of government ("the Kremlin")."""
    m = lookup(text)
    return bool(m and m.how in _METONYMIC)


class Mention(NamedTuple):
    """A country reference inside a longer text: ``text[start:end]`` refers to ``country``."""

    start: int
    end: int
    country: str
    how: str


def find(text: str) -> List[Mention]:
    """Every country reference in ``text``, longest match first, left to right.

    ``find("Armenia's Prime Minister")`` -> one mention of Armenia over ``Armenia's``.
    Only forms that start with a capital letter are searched, so "us" and "chad" stay words.
    """
    firsts = _first_words()
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    out: List[Mention] = []
    i = 0
    while i < len(toks):
        word = toks[i][2]
        hit = None
        if word[:1].isupper():
            # Forms of several words start with this very word (only the last word of a
            # form may carry a possessive or a full stop); the longest goes first.
            for n in range(min(firsts.get(word, 1), len(toks) - i), 1, -1):
                hit = _match([t[2] for t in toks[i:i + n]])
                if hit:
                    break
            else:
                hit = _one_word(word)
        if hit:
            n, m, cut = hit
            start, end = toks[i][0], toks[i + n - 1][1] - cut
            # A possessive's apostrophe may follow the token ("Netherlands'").
            if end < len(text) and text[end] in "'’":
                end += 1
            out.append(Mention(start, end, m.country, m.how))
            i += n
        else:
            i += 1
    return out


def _match(words: List[str]) -> Optional[Tuple[int, Match, int]]:
    """(words, the form's match, characters cut off the last word) when ``words`` is a form,
    the last word as written, without a possessive, or without a full stop, in that order."""
    by_tokens = _tables()[2]
    last = words[-1]
    for variant in (last, _POSSESSIVE.sub("", last), last.rstrip(".")):
        m = by_tokens.get(tuple(words[:-1] + [variant]))
        if m is not None:
            # A sentence's full stop is not part of the mention ("in Moscow.").
            return len(words), m, len(last) - len(variant) if variant == last.rstrip(".") else 0
    return None


@lru_cache(maxsize=65536)
def _one_word(word: str) -> Optional[Tuple[int, Match, int]]:
    return _match([word])


@lru_cache(maxsize=None)
def _first_words() -> Dict[str, int]:
    """For each first word of a form of two or more words, the longest such form's length
    in words: :func:`find` tries longer matches only at these words, and no longer ones."""
    firsts: Dict[str, int] = {}
    for key in _tables()[2]:
        if len(key) > 1:
            firsts[key[0]] = max(firsts.get(key[0], 1), len(key))
    return firsts
