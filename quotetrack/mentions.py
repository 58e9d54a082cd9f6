"""One mention model: a source or target phrase -> name, title, affiliation, kind.

Both per-article speaker resolution (:mod:`quotetrack.speakers`) and cross-article actor
merging (:mod:`quotetrack.actors`) read phrases through :func:`parse_mention`, so they agree
on what "Armenian Foreign Minister Ararat Mirzoyan", "Russia's defense ministry", "a BBC
spokesman" or "he" say about who is speaking. Word lists live in ``data/word_classes.tsv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

from . import geo
from .lexicon import ANSWERING_ACTS, DATA, titles, word_class


# Courtesy words: part of how a name is written, never a title worth keeping.
_HONORIFICS = word_class("honorific")
# Relational words the title lexicon lists that say nothing about an office.
_NOT_TITLES = word_class("not_title")
_FUNCTION_WORDS = word_class("function")
_PRONOUNS = (word_class("pronoun_male") | word_class("pronoun_female") | word_class("pronoun_neuter")
             | word_class("pronoun_plural") | word_class("pronoun_first") | word_class("pronoun_second"))
# British and American spellings of head words, so "Defence Ministry" = "defense ministry".
_SPELLING = {"defence": "defense", "organisation": "organization", "programme": "program"}
# Acts whose target may be the thing answered ("denied the allegations") rather than an actor.
_REPLY_ACTS = ANSWERING_ACTS

_WORD = re.compile(r"\w+(?:[.\-'’]\w+)*\.?")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")


@lru_cache(maxsize=None)
def _titles() -> Dict[Tuple[str, ...], str]:
    # The extractor's title lexicon (quotetrack/data/titles.tsv), shared so both agree, plus
    # titles only the mention model reads (word class ``title_extra``: "Archbishop of
    # Canterbury" is a person); the tagger's features stay as it was trained.
    table = dict(titles())
    for w in word_class("title_extra"):
        table.setdefault(tuple(w.split()), "person")
    return table


@lru_cache(maxsize=None)
def _title_longest() -> int:
    return max((len(k) for k in _titles()), default=1)


def _norm_word(w: str) -> str:
    w = w.lower().rstrip(".")
    return _SPELLING.get(w, w)


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def clean_label(text: str) -> str:
    """Text as a label: whitespace collapsed, outer quotes/punctuation and a leading "the" gone."""
    text = " ".join(text.split()).strip(" \"'“”‘’«»()[],;:!?")
    if text[:4].lower() == "the ":
        text = text[4:]
    return text


# ---------------------------------------------------------------------------------------------
# Parsing one mention
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Form:
    """What one mention says about its actor, before cross-article resolution.

    ``shape`` is one of: ``country``, ``full`` (a person's full name), ``surname``, ``title``
    (a person named by title only), ``organization``, ``group``; and two that only the
    article can resolve: ``role`` (a spokesperson whose body is not named) and ``document``
    ("the report": its publisher speaks).
    """

    shape: str
    key: str  # country name, folded full name, folded surname, title key, or org/group head words
    text: str  # the mention as written, cleaned for display
    affiliation: Optional[str] = None
    title: Optional[str] = None  # display form ("Foreign Minister")
    how: str = ""  # for countries: geo.HOW; for people: "" or "honorific"
    role: Optional[str] = None  # a spokesperson's role when the phrase names the body it speaks for

    @property
    def kind(self) -> str:
        """The actor kind this form names: person, organization, country or group."""
        if self.shape in ("full", "surname", "title"):
            return "person"
        return "organization" if self.shape in ("role", "document") else self.shape

    @property
    def name(self) -> str:
        """The name to show: a person's name words (no title), else the cleaned text."""
        if self.shape == "surname":
            caps = [w for w in words_of(self.text) if w[:1].isupper() and w.lower().rstrip(".") not in _HONORIFICS]
            return caps[-1] if caps else self.text
        return self.text


def _portfolio(words: Sequence[str], *, listed: bool = False) -> bool:
    """Words that can be an office's portfolio before its title: one or two capitalised words,
    or capitalised words joined by "and" ("Work and Pensions"). ``listed``: the phrase holds a
    comma-separated portfolio (:func:`portfolio_lists`: "Environment, Food and Rural Affairs"),
    whose items may be more words."""
    caps = [w for w in words if w[:1].isupper()]
    joined = [w for w in words if not w[:1].isupper()]
    if not joined:
        return len(words) <= 2
    # "Bob and Secretary Ann Lee" joins two people, not a portfolio
    return (len(caps) <= (_MAX_PORTFOLIO_WORDS if listed else 3) and words[0][:1].isupper()
            and words[-1][:1].isupper() and all(w.lower() in ("and", "&") for w in joined)
            and not any(_forenames().get(w) for w in caps))


# A comma-separated portfolio before a person's title ("Culture, Media and Sport Secretary"):
# items of at most this many capitalised words, and at most this many words in all.
_MAX_PORTFOLIO_ITEM = 3
_MAX_PORTFOLIO_WORDS = 9
_LIST_TOKEN = re.compile(r"\w[\w'’-]*|[^\s\w]")
# Where to look for one: a comma, a capital, then "and" and a capital on the same line; the
# list is looked for this many characters around it.
_LIST_HINT = re.compile(r",\s+[A-Z][^\n]{0,80}?\s(?:and|&)\s+[A-Z]")
_LIST_REACH = 80
# Prepositions that open a sentence's introductory phrase ("In Leeds, Trade and Industry
# Secretary ..."): the word after one, then a comma, is no item of a portfolio that follows.
_INTRODUCING = word_class("prepositions") | frozenset(["in", "on", "at", "from", "for", "with", "by", "since", "until"])


def _portfolio_word(w: str) -> bool:
    """A capitalised word that can be part of a portfolio: no possessive, no digits, no
    function word, honorific, pronoun or sentence opener ("The", "Mr", "I", "Monday")."""
    core = w.replace("-", "").replace("'", "").replace("’", "")
    low = w.lower()
    return (w[:1].isupper() and core.isalpha() and not _POSSESSIVE.search(w) and low not in _FUNCTION_WORDS
            and low.rstrip(".") not in _HONORIFICS and low not in _PRONOUNS and low not in word_class("opener")
            and low not in word_class("date_word"))


def _portfolio_item(words: Sequence[str]) -> bool:
    """One item of a portfolio list: not a person's name (a known forename first), a title
    ("Home Secretary, Chancellor and ...": a list of office holders), a country or a
    well-known body (a list of countries or parties)."""
    phrase = " ".join(words)
    return not (_forenames().get(words[0]) or any(_titles().get((w.lower(),)) == "person" for w in words)
                or geo.lookup(phrase) is not None or known_body(phrase) is not None)


def _title_at(words: Sequence[str]) -> int:
    """How many words from the start form a person's title written as an office's
    ("Secretary", "Foreign Minister", a lower-case "spokesman"), 0 if none."""
    table = _titles()
    for n in range(min(_title_longest(), len(words)), 0, -1):
        key = tuple(w.lower() for w in words[:n])
        if table.get(key) != "person" or (n == 1 and key[0] in _NOT_TITLES):
            continue
        if all(w[:1].isupper() for w in words[:n]) or (n == 1 and key[0] in word_class("spokesperson")):
            return n
    return 0


def _portfolio_list_at(toks: Sequence[str], i: int, *, min_commas: int = 1) -> Optional[Tuple[int, int]]:
    """For a portfolio list starting at token ``i``: (its title's first token, the token after
    the title), else None. Items are separated by commas (at least ``min_commas``), the last
    one joined by "and"."""
    n = len(toks)
    commas, j = 0, i
    while True:
        k = j
        while k < n and k - j < _MAX_PORTFOLIO_ITEM and _portfolio_word(toks[k]):
            k += 1
        if k == j or not _portfolio_item(toks[j:k]):
            return None
        if k < n and toks[k] == ",":
            commas += 1
            k += 1
            if k < n and toks[k].lower() not in ("and", "&"):
                j = k
                continue
        if k >= n or toks[k].lower() not in ("and", "&") or commas < min_commas:
            return None
        break
    j = k + 1  # the last item: the words before the title
    for m in range(1, _MAX_PORTFOLIO_ITEM + 1):
        if j + m > n or not _portfolio_word(toks[j + m - 1]) or not _portfolio_item(toks[j:j + m]):
            return None
        hit = _title_at(toks[j + m:j + m + _title_longest()])
        if hit:
            return j + m, j + m + hit
    return None


def portfolio_lists(text: str) -> List[Tuple[int, int, int]]:
    """Comma-separated portfolios before a person's title: (start, title start, end) character
    offsets in ``text`` of each "Culture, Media and Sport Secretary" (the title included).

    The general rule: a list of capitalised words (items of one to three words) separated by
    commas, its last item joined by "and", directly before a capitalised title of the lexicon.
    A list of people ("Blair, Brown and Prescott said": no title follows; "Tony Blair, Gordon
    Brown and Home Secretary ...": forenames) or of countries, parties or offices is none. A
    list starts after no word of a name ("Mr Nath, ..."), and a first item of several words
    before a portfolio of its own is a name in apposition ("Tessa Jowell, Culture, Media and
    Sport Secretary", "Kamal Nath, Commerce and Industry Minister"), as is the word of a
    sentence's introductory phrase ("In Leeds, Trade and Industry Secretary ..."; dates never
    are items: "In September, ...").
    """
    out: List[Tuple[int, int, int]] = []
    for m in _LIST_HINT.finditer(text):
        # the list's line around the hint, from a word's start
        lo = max(text.rfind("\n", 0, m.start()) + 1, m.start() - _LIST_REACH)
        while 0 < lo < m.start() and not text[lo - 1].isspace():
            lo += 1
        hi = text.find("\n", m.end())
        hi = min(len(text) if hi < 0 else hi, m.end() + _LIST_REACH)
        before = _LIST_TOKEN.findall(text[max(0, lo - 40):lo])[-2:]
        for hit in _lists_in(text, lo, hi, before):
            if not out or hit[0] >= out[-1][2]:
                out.append(hit)
    return out


def _after_name(before: Sequence[str]) -> bool:
    """Whether tokens ``before`` end with a word of a name ("Tony", "Mr", "Mr ."), not with a
    lower-case word, punctuation, a capitalised opener ("The", "Later"), a party or a place
    ("Tory", "British"); or with a body's "Department for" ("Department for Culture, Media
    and Sport" goes on as its name)."""
    if before[-1:] == ["."] and len(before) >= 2:
        return before[-2].lower() in _HONORIFICS
    if len(before) >= 2 and before[-1] in ("for", "of") and before[-2][:1].isupper():
        return True  # "Department for Culture, Media and Sport": a body's name goes on
    last = before[-1] if before else ""
    return (last[:1].isupper() and last.lower() not in _FUNCTION_WORDS and last.lower() not in word_class("opener")
            and known_body(last) is None and geo.lookup(last) is None)  # "Tory", "Scottish": no name


def _lists_in(text: str, lo: int, hi: int, prev: Sequence[str]) -> List[Tuple[int, int, int]]:
    """:func:`portfolio_lists` in ``text[lo:hi]``, ``prev`` the tokens before ``lo``."""
    found = list(_LIST_TOKEN.finditer(text, lo, hi))
    toks = [m.group() for m in found]
    out = []
    i = 0
    while i < len(toks):
        before = (list(prev) + toks[:i])[-2:]
        hit = _portfolio_list_at(toks, i) if toks[i][:1].isupper() and not _after_name(before) else None
        if hit is not None:
            comma = toks.index(",", i)
            opening = before[-1:] and before[-1][:1].isupper() and before[-1].lower() in _INTRODUCING
            if (comma - i >= 2 or opening) and _portfolio_list_at(toks, comma + 1, min_commas=0) is not None:
                hit = None  # "Ann Lee, Trade and Industry Secretary", "In Leeds, Trade and ..."
        if hit is None:
            i += 1
            continue
        out.append((found[i].start(), found[hit[0]].start(), found[hit[1] - 1].end()))
        i = hit[1]
    return out


def _as_written(words: Sequence[str], text: str) -> str:
    """Words joined as ``text`` writes them, commas kept ("Culture, Media and Sport Secretary")."""
    joined = " ".join(words)
    if "," not in text or not words:
        return joined
    m = re.search(r"[\s,]+".join(re.escape(w) for w in words), text)
    return " ".join(m.group().split()) if m else joined


def _split_title(words: List[str], *, listed: bool = False, person: bool = False
                 ) -> Tuple[List[str], List[str], List[str]]:
    """Split name-ish words into (title words, honorifics, the rest), by the title lexicon.
    ``listed``: the phrase holds a comma-separated portfolio (:func:`portfolio_lists`), which
    joins the title whether or not a name follows ("Culture, Media and Sport Secretary").
    ``person``: the words were recognized as a person's name, so a title word that ends two
    capitalised words is a surname ("Oona King")."""
    table = _titles()
    lower = [w.lower() for w in words]
    title: List[str] = []
    honor: List[str] = []
    rest: List[str] = []
    i = 0
    while i < len(words):
        if lower[i].rstrip(".") in _HONORIFICS:
            honor.append(words[i])
            i += 1
            continue
        hit = 0
        for n in range(min(_title_longest(), len(words) - i), 0, -1):
            if table.get(tuple(lower[i:i + n])) == "person":
                hit = n
                break
        if hit == 1 and i == len(words) - 1 and words[i][:1].isupper() and i > 0 and (
                lower[i - 1].rstrip(".") in word_class("name_honorific") and lower[i] not in word_class("address_title")
                or lower[i] in word_class("title_surname") and _name_before(words, rest, i, person)):
            hit = 0  # "Ms King", "Gerald Judge": a surname that is also a title word
        if hit and not (hit == 1 and lower[i] in _NOT_TITLES):
            # a comma-separated portfolio is the words before the title from where it starts
            # ("shadow Culture, Media and Sport Secretary")
            cut = next((k for k in range(len(rest)) if _portfolio(rest[k:], listed=True)), None) if listed else 0
            ranked = _ranked_office(rest) if rest and not title and not honor and not listed else None
            if ranked is not None and any(w[:1].isupper() for w in words[i + hit:]):
                # "former Tory leader Ian Pike", "shadow Home Secretary David Davis": a rank
                # makes another office, so it stays in the title with the portfolio after it
                title.extend(rest[ranked:])
                rest = rest[:ranked]
            elif rest and cut is not None and not title and not honor and _portfolio(rest[cut:], listed=listed) \
                    and (listed or any(w[:1].isupper() for w in words[i + hit:])):
                # "Fisheries Minister Halvorsen", "Environment Secretary Thomas Reed", "Trade
                # and Industry Secretary Ann Lee": the capitalised words before a title that a
                # name follows are its portfolio.
                title.extend(rest[cut:])
                rest = rest[:cut]
            elif rest and not title and not honor and not listed and i + hit == len(words) \
                    and _capitalised_office(rest, words[i]):
                # "the Foreign Secretary", "Environment Secretary": capitalised words before a
                # title that ends the phrase are its portfolio too
                title.extend(rest)
                rest = []
            elif rest and not title and not honor and i + hit == len(words):
                # "the home secretary", "the shadow chancellor": lower-case words right before
                # a title that ends the phrase (no name follows) are its office, as capitalised
                # ones are before a name; descriptions ("the new", "a senior") are not
                keep = _office_words(rest)
                if keep:
                    title.extend(rest[-keep:])
                    rest = rest[:-keep]
            title.extend(words[i:i + hit])
            i += hit
        elif lower[i] in _NOT_TITLES:
            i += 1
        else:
            rest.append(words[i])
            i += 1
    return title, honor, rest


def _capitalised_office(before: Sequence[str], title: str) -> bool:
    """Whether one or two capitalised words before a capitalised title that ends the phrase
    are its portfolio ("Foreign Secretary", "Chief Constable"), not a name ("Mervyn King"),
    a body ("Labour Leader") or a place ("US Secretary"). An acronym title ("Smith MP")
    follows a name."""
    phrase = " ".join(before)
    return (len(before) <= 2 and all(w[:1].isupper() for w in [*before, title]) and not title.isupper()
            and _portfolio(before) and not any(_forenames().get(w) for w in before)
            and (title.lower() not in word_class("title_surname")
                 or all(w.lower() in word_class("title_rank") for w in before))
            and not known_body(phrase) and not geo.lookup(phrase))


def _name_before(words: Sequence[str], rest: Sequence[str], i: int, person: bool) -> bool:
    """Whether the words right before ``words[i]`` (still in ``rest``, not a title) are the
    start of a person's name: one to three capitalised words, a known forename first or the
    phrase recognized as a person ("Labour MP Oona King")."""
    k = 0
    while k < min(3, i) and rest[-k - 1:] == list(words[i - k - 1:i]) and words[i - k - 1][:1].isupper() \
            and words[i - k - 1].lower() not in word_class("title_rank"):
        k += 1
    return k > 0 and (person or bool(_forenames().get(words[i - k])))


def _rank_word(w: str) -> bool:
    low = w.lower()
    return w.islower() and low in word_class("title_rank") or (low.startswith("ex-") and len(low) > 3)


def _ranked_office(rest: Sequence[str]) -> Optional[int]:
    """Where a rank ("former", "shadow", "deputy", "ex-") and the portfolio after it start in
    ``rest``, the words before a title: [..., rank words, portfolio]; None without a rank."""
    for start in range(len(rest)):
        if not _rank_word(rest[start]):
            continue
        end = start
        while end < len(rest) and _rank_word(rest[end]):
            end += 1
        if end == len(rest) or _portfolio(rest[end:]):
            return start
        return None
    return None


def _office_words(words: Sequence[str]) -> int:
    """How many of the last ``words`` (lower case, alphabetic, joined by "and" at most) name an
    office's portfolio or rank before a title ("home", "work and pensions", "shadow", "former");
    a description ("new", "senior", word class ``title_descriptor``) or function word ends them."""
    n = 0
    k = len(words)
    while k > 0:
        w = words[k - 1]
        low = w.lower()
        if low in ("and", "&") and n and k > 1 and _office_word(words[k - 2]):
            k -= 1
            continue
        if not _office_word(w):
            break
        k -= 1
        n = len(words) - k
    return n


def _office_word(w: str) -> bool:
    low = w.lower()
    return (w.islower() and low.replace("-", "").isalpha() and low not in _FUNCTION_WORDS
            and low not in word_class("title_descriptor") and low not in word_class("opener")
            and low not in _PRONOUNS and low not in word_class("quantifier"))


def _org_head(words: Sequence[str]) -> int:
    """How many trailing words form an organization title ("the foreign ministry" -> 2), or
    name a kind of body ("Scottish Executive", ``body_kind`` in ``word_classes.tsv``; a
    publication or broadcaster, ``media_head``: "New Zealand Herald"). The
    longest title wins: "chief executive" is a person's title, not a body."""
    table = _titles()
    lower = [w.lower() for w in words]
    for n in range(min(_title_longest(), len(lower)), 0, -1):
        kind = table.get(tuple(lower[-n:]))
        if kind == "organization":
            return n
        if kind == "person":
            return 0
    if lower and lower[-1] in word_class("body_kind"):
        return 1
    return 1 if _media_name(words) else 0


def _media_name(words: Sequence[str]) -> bool:
    """A publication's or broadcaster's name: capitalised words ending with a ``media_head``
    ("New Zealand Herald", "Fox News"), not a person's ("Mr Post", "Emily Post")."""
    words = [w for w in words if w.lower() not in _FUNCTION_WORDS]
    return (len(words) >= 2 and all(w[:1].isupper() for w in words)
            and words[-1].lower() in word_class("media_head")
            and not (_forenames().get(words[0]) or words[0].lower().rstrip(".") in _HONORIFICS))


def is_media_name(text: str, noun: Optional[str] = None) -> bool:
    """A publication's or broadcaster's name: "the Daily Telegraph", "Fox News", or a
    well-known body whose name is one ("BBC": British Broadcasting Corporation). With
    ``noun`` ("newspaper", "broadcaster", "magazine"), one of that sort only."""
    body = known_body(text)
    words = words_of(body[0]) if body is not None else words_of(text)
    if noun is not None and noun != "publication":
        # the name's last word says the sort ("Daily Telegraph"); any word of a well-known
        # body's name ("British Broadcasting Corporation")
        heads = {w.lower() for w in (words if body is not None else words[-1:])}
        sort = ("media_print" if noun in word_class("media_noun_print") else
                "media_broadcast" if noun in word_class("media_noun_broadcast") else None)
        if not (noun in heads if sort is None else heads & word_class(sort)):
            return False
    named = [w for w in words if w.lower() != "the"]
    if body is None and len(named) == 1 and named[0][:1].isupper() and named[0].lower() in word_class("media_head"):
        return True  # "The Times", "the Guardian"
    if body is not None:
        return any(w[:1].isupper() and w.lower() in word_class("media_head") for w in words)
    return _media_name(words)


def _org_lead(words: Sequence[str]) -> bool:
    """True for "Ministry of Defence", "Council of Europe": an organization title, then "of"."""
    table = _titles()
    lower = [w.lower() for w in words]
    for n in range(min(_title_longest(), len(lower) - 1), 0, -1):
        if table.get(tuple(lower[:n])) == "organization" and lower[n] == "of":
            return True
    return False


def _strip_countries(text: str) -> Tuple[str, Optional[str]]:
    """Remove country references from ``text``: (rest, first country referred to).

    A place name that ends a person's name ("Valeska Paris", "Jordan" in "Michael Jordan")
    stays: a capitalised word right before it that is no title and no other country
    makes it part of the name.
    """
    mentions = [g for g in geo.find(text) if not _inside_name(text, g.start, g.end)]
    if not mentions:
        return text, None
    parts, last = [], 0
    for m in mentions:
        parts.append(text[last:m.start])
        last = m.end
    parts.append(text[last:])
    return " ".join(parts), mentions[0].country


def _described_country(text: str) -> Optional[str]:
    """The country a phrase ends with when only a description comes before it ("NATO member
    Estonia", "its neighbour Ukraine"): a lower-case noun right before the country, no
    preposition or clause between ("rebels in eastern Ukraine" is no country)."""
    found = [g for g in geo.find(text) if not _inside_name(text, g.start, g.end)]
    if not found or text[found[-1].end:].strip(" .,;:'\"’”") or found[-1].how not in ("name", "alias"):
        return None
    before = words_of(text[:found[-1].start])
    while before and before[0].lower() in _FUNCTION_WORDS | word_class("possessives"):
        before = before[1:]
    if not before or not before[-1].isalpha() or not before[-1].islower():
        return None
    if len(before) > 3 or any(w.lower() in _FUNCTION_WORDS | word_class("prepositions") | word_class("region_modifier")
                              | word_class("quantifier") | word_class("relative") for w in before):
        return None  # "the terrorists who threaten Britain": a clause, not a description
    return found[-1].country


def _inside_name(text: str, start: int, end: int) -> bool:
    if text[end:end + 2] in ("'s", "’s") or end < len(text) and text[end] in "'’":
        return False  # "Armenia's", "Netherlands'": a possessive country is an affiliation
    before = text[:start].split()
    if not before:
        return False
    prev = before[-1]
    if prev.lower().rstrip(".") in _HONORIFICS:
        return True  # "Mr Hague", "Ms Paris": a person's surname
    if not prev[:1].isupper() or not prev.isalpha() or prev.lower() in _FUNCTION_WORDS:
        return False
    if _titles().get((prev.lower(),)) or prev.lower() in _HONORIFICS or geo.find(prev) or known_body(prev):
        return False  # "President Macron of France" reads the country as affiliation
    if prev.lower() in word_class("region_modifier"):
        return False  # "Eastern Ukraine", "Greater London": a part of the place
    return bool(_forenames().get(prev)) or len(before) == 1


def words_of(text: str) -> List[str]:
    """Words of ``text`` with possessive endings removed ("Russia's" -> "Russia")."""
    out = []
    for w in _WORD.findall(text):
        w = _POSSESSIVE.sub("", w)
        if w:
            out.append(w)
    return out


def _affiliation(value: Optional[str]) -> Optional[str]:
    if not value or not value.strip():
        return None
    return geo.country_of(value) or clean_label(value)


def _name_span(words: List[str]) -> List[str]:
    """From the first to the last capitalised word: keeps particles ("Ursula von der Leyen");
    a sentence opener capitalised at the start ("Earlier chief constable Green") is no part."""
    caps = [i for i, w in enumerate(words) if w[:1].isupper()]
    if len(caps) > 1 and caps[0] == 0 and words[0].lower() in word_class("opener"):
        caps = caps[1:]
    return words[caps[0]:caps[-1] + 1] if caps else []



_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which|whose|whom|where)\b.*$"
                              r"|\s+(?:who|which)\s+(?:is|was|has|had|heads|leads|chairs|runs)\b.*$", re.S)
_PROXY = re.compile(r"^(.*?\S)['’]s?\s+(\w+)$")
_HYPHENS = ("-", "\u2010", "\u2013")
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*(?:\([^)]*\))?\s*[-–—]+\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[a-z]{2})\. (?=[A-Z])")
_PAREN = re.compile(r"\s*[(\[].*$", re.S)
_OF_BODY = re.compile(r"^(.*?[A-Z][\w.'’-]*)\s+(?:of|for|at)\s+(?:the\s+)?([A-Z].*)$")
_AMPERSAND_NAME = re.compile(r"\b[A-Z][\w'’.-]*\s+&\s+[A-Z]")
_TRAILING_NAME = re.compile(r"^(.*?\S)\s+([A-Z][\w.'’&-]*(?:\s+(?:[A-Z][\w.'’&-]*|&))*)\s*$")
_BODY_PERSON = re.compile(r"^(.*?\S)['’]s\s+((?:[A-Z][\w.'’-]*\s+)+[A-Z][\w'’-]*)$")
_FOR_BODY = re.compile(r"\b(?:for|of|at|from|with)\s+(\S.*)$")


@lru_cache(maxsize=None)
def _known_bodies() -> Dict[str, Tuple[str, Optional[str]]]:
    """Folded form -> (canonical name, country or None), from ``data/organizations.tsv``."""
    out: Dict[str, Tuple[str, Optional[str]]] = {}
    for line in (DATA / "organizations.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, country, aliases = (line.split("\t") + ["", ""])[:3]
        country = None if country.strip() in ("", "-") else country.strip()
        for form in [name] + aliases.split("|"):
            if form.strip():
                out[fold(clean_label(form))] = (name.strip(), country)
    return out


def known_body(text: str) -> Optional[Tuple[str, Optional[str]]]:
    """(canonical name, country) when ``text`` is a well-known body's name in any form, the
    possessive included ("Labour's")."""
    key = fold(clean_label(text))
    found = _known_bodies().get(key)
    if found is None and _POSSESSIVE.search(key):
        found = _known_bodies().get(_POSSESSIVE.sub("", key))
    return found


def titled_name(text: str) -> bool:
    """Whether a phrase is a person's title from the lexicon, then a full name ("curator Jane
    Roe", "Archbishop Desmond Tutu"): a person, whatever an entity recognizer typed it. Not a
    name and then a title ("an Investment Ministry official": the ministry's)."""
    form = parse_mention(text)
    if form is None or form.shape != "full" or not form.title:
        return False
    words = words_of(text)
    name = words_of(form.text)
    if not name or words[-len(name):] != name:
        return False
    before = [w.lower() for w in words[:-len(name)]]
    return any(_titles().get((w,)) == "person" for w in before)


def names_an_actor(text: str) -> bool:
    """Whether a phrase surely names one person, body or country by itself: a country; a
    well-known body; a body by a body's head word or an acronym ("Tourism Council", "IMF"); a
    full name with a known forename or an honorific or title ("Dana Whitlock", "Mr Hill",
    "Conservative Michael Howard"). Not "World Travel", not "Only Fools"."""
    form = parse_mention(text)
    if form is None:
        return False
    words = [w for w in words_of(text) if w.lower() not in _FUNCTION_WORDS]
    if form.shape == "country" or form.how == "known body":
        return True
    if form.shape == "organization":
        return bool(words) and (_org_head(words) > 0 or _org_lead(words) or (len(words) == 1 and words[0].isupper()))
    if form.shape == "surname":
        return form.how == "honorific"  # "Mr Hill"; not "Former Foreign Minister"
    if form.shape == "full":
        first = words_of(form.text)[:1]
        return bool(form.title or first and _forenames().get(first[0])
                    or any(w.lower().rstrip(".") in _HONORIFICS for w in words))
    return False


_FOR_BODY_AFTER_NAME = re.compile(r"^(.+?)\s+(?:for|of|at|from|with)\s+(?:the\s+)?[A-Z]")


def speaks_for_body(text: str) -> bool:
    """Whether a phrase is a person's name, then the body they speak for or belong to ("Ngaire
    Holmwood for Food Safety Norway", "Jane Roe of the Health Agency"): two or three
    capitalised words that read as a full name and hold no word of a body's name ("Royal Bank
    of Scotland", "Council of Europe" are bodies). An entity recognizer often types the whole
    phrase as the organization."""
    m = _FOR_BODY_AFTER_NAME.match(" ".join(text.split()))
    if not m or m.group(1).split()[0].lower() in word_class("determiner"):
        return False  # "The Guinness Book of Records": no person's name follows "the"
    left = words_of(m.group(1))
    if not 2 <= len(left) <= 3 or not all(w[:1].isupper() for w in left):
        return False
    bodies = word_class("org_noun") | word_class("org_noun_any") | word_class("body_kind") | word_class("media_head")
    if any(w.lower() in bodies for w in left) or _org_head(left) or known_body(" ".join(left)):
        return False
    form = parse_mention(" ".join(left))
    return form is not None and form.shape == "full" and not form.title


@lru_cache(maxsize=None)
def _forenames() -> Dict[str, str]:
    path = DATA / "forenames.tsv"
    out: Dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                name, gender = line.split("\t")[:2]
                out[name] = gender
    return out


def forename_gender(name: str) -> Optional[str]:
    """``male`` or ``female`` when the first word of a person's name is a forename learned from
    coreference (``data/forenames.tsv``, made by ``quotetrack.dev.train_gender``), else None."""
    words = name.split()
    return _forenames().get(words[0]) if len(words) >= 2 else None


def is_forename(word: str) -> bool:
    """Whether ``word`` is a forename learned from coreference (``data/forenames.tsv``)."""
    return bool(_forenames().get(word))


def pronoun_class(word: str) -> Optional[str]:
    """``male``, ``female``, ``neuter``, ``plural``, ``first``, ``second``, ``relative`` or None."""
    if len(word) > 1 and word.isupper():
        return None  # "WHO", "US": acronyms
    w = word.lower()
    for cls in ("first", "male", "female", "neuter", "plural", "second", "relative"):
        if w in word_class("pronoun_" + cls if cls != "relative" else "relative"):
            return cls
    return None


def _looks_like_person(words: Sequence[str]) -> bool:
    """Two or more capitalised words with a known forename or a middle initial ("James B. Comey")."""
    words = [w.strip(",") for w in words if w.strip(",")]
    particles = word_class("name_particle")
    caps = [w for w in words if w[:1].isupper()]
    if not 2 <= len(caps) <= 4 or any(not (w[:1].isupper() or w.lower() in particles) for w in words):
        return False
    if len(words) > 2 and words[1].lower() == "of":
        return False  # "Republican of South Carolina", "Mayor of London": one word, then where from
    if known_body(" ".join(words)) or geo.lookup(" ".join(words)) or _titles().get((caps[0].lower(),)):
        return False
    return True


def _has_name(words: Sequence[str]) -> bool:
    """Whether capitalised words other than titles, honorifics and openers are present."""
    title, _, rest = _split_title([_POSSESSIVE.sub("", w) for w in words if w.lower() not in _FUNCTION_WORDS])
    return any(w[:1].isupper() and w.lower() not in word_class("opener") and not geo.lookup(w) for w in rest if w)


def core_phrase(text: str) -> str:
    return split_apposition(text)[0]


def _proxy_of_name(text: str, role: str) -> Optional[Form]:
    """ "the Clinton campaign", "Clinton campaign aides", "several Cruz associates": a person's
    name used as a modifier of the people or office acting for them (lower-case ``proxy``
    words): the person, in that role. The name must read as a person's by itself. Not those
    that more often follow a body's name (``proxy_body``: "a Pentagon spokesman", "the Google
    team", "Defense lawyers")."""
    words = words_of(text)
    while words and words[0].lower() in word_class("quantifier") | word_class("determiner"):
        words = words[1:]
    if any(w.lower() in _FUNCTION_WORDS for w in words):
        return None  # "Dr Jane Roe of the Patent Office": her body, not her office
    acting = word_class("proxy") - word_class("spokesperson") - word_class("proxy_body")
    k = len(words)
    while k > 0 and words[k - 1] in acting:
        k -= 1
    if k == 0 or k == len(words) or len(words) - k > 2 or not all(w[:1].isupper() for w in words[:k]):
        return None
    owner = parse_mention(" ".join(words[:k]), role=role)
    if owner is None or not (owner.shape == "surname" or owner.shape == "full" and (
            _forenames().get(words[0]) or words[0].lower().rstrip(".") in _HONORIFICS)):
        return None  # "the Vote Leave campaign": no forename, so no person's campaign
    return Form(owner.shape, owner.key, owner.text, owner.affiliation, owner.title, owner.how,
                role=words[-1].lower())


# A lower-case verb in the past tense right after a name: a span run on into its clause
# ("Cruz entered the debate", "Donald Trump picked up ...").
_RUN_ON_VERB = re.compile(r"^(.*?[A-Z][\w.'’-]*)\s+[a-z]+ed\s+\S.*$")
# Endings of adverbs a span may run on into ("originally", "vigorously"); not "family", "ally".
_ADVERB_ENDINGS = ("ally", "ously", "ently", "antly", "ively", "edly", "ingly", "ately", "fully", "lessly")
# A name, then "the" and words: an epithet ("Alexander the Great") or a span run on.
_NAME_THE = re.compile(r"^(.*?[A-Z][\w.'’-]*)\s+the\s+(\S.*)$")
# "Jane Roe in The Guardian", "Jane Roe in London": where the person wrote or is.
# "X and <lower-case words, no determiner, no name> ...": a clause run on after the name, not a
# second person ("and serialised in the newspaper", "and now says"; not "and party leader Dana Lee").
_AND_CLAUSE = re.compile(r"(.*?\S)\s+and\s+(?!(?:the|a|an|his|her|their|its|our|other|fellow|former)\b)[a-z][^A-Z]*$")
# "The book, by X, says": a document, then its author after a comma.
_COMMA_BY = re.compile(r"^\s*([^,]+?),\s+((?:by|from)\s+.*?)[\s,]*$", re.I)
_NAME_IN = re.compile(r"^(.*?\S)\s+in\s+(?:the\s+)?[A-Z].*$", re.I)


def _after_sentence_break(text: str) -> str:
    """What follows the last full stop that ends a sentence inside the phrase; the stop of an
    abbreviated title ("Sen. Dana Whitlock", "Gov. Jim Hale") ends none."""
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        word = text[:m.start()].split()[-1].lower() if text[:m.start()].split() else ""
        if word in _title_abbreviations() or word in _HONORIFICS:
            continue
        start = m.end()
    return text[start:]


def _comma_parts(text: str) -> List[str]:
    """``text`` split at ", ", except inside a comma-separated portfolio ("Tessa Jowell, Culture,
    Media and Sport Secretary" -> "Tessa Jowell", "Culture, Media and Sport Secretary")."""
    if ", " not in text:
        return [text]
    lists = portfolio_lists(text)
    parts, last = [], 0
    for m in re.finditer(", ", text):
        if any(a <= m.start() < t for a, t, _ in lists):
            continue
        parts.append(text[last:m.start()])
        last = m.end()
    parts.append(text[last:])
    return parts


def split_apposition(text: str) -> Tuple[str, Optional[str]]:
    """The part of a source or target phrase that names someone, and a trailing apposition.

    Relative clauses, parentheses and trailing appositions go ("Bill Sims, the city's
    director of ..." -> "Bill Sims"); a leading description joins the name it introduces
    ("His counterpart, Jeyhun Bayramov" -> "His counterpart Jeyhun Bayramov"); words that
    only open the sentence go ("Well I" -> "I", "Monday Tony Blair" -> "Tony Blair").
    """
    text = " ".join((text or "").split())
    text = _DATELINE.sub("", text)  # "PARIS, Aug 31 (Reuters) - France's ..."
    text = _RELATIVE_CLAUSE.sub("", text)
    text = _PAREN.sub("", text) or text
    text = _after_sentence_break(text)  # "Oaten. Clarke": a span run over a full stop
    apposition = None
    parts = _comma_parts(text)
    if len(parts) > 1:
        left, right = parts[0], parts[1]
        lw, rw = words_of(left), words_of(right)
        if lw and rw and _split_title(lw)[0] and _looks_like_person(rw) and not _looks_like_person(lw):
            text = f"{left} {right}"  # "the F.B.I. director, James B. Comey": title, then the name
        elif lw and rw and _split_title(rw)[0] and _has_name(rw) and (
                people_noun(lw[-1]) or len(lw) == 1 and known_body(lw[0])):
            # "Trump's leading rivals, Sens. Ted Cruz and Marco Rubio": the people, then who they
            # are; "Republican, presidential candidate Sen. Lindsey Graham": a label run into
            # the span, then the titled name
            text = right
        elif lw and _has_name(lw):
            text, apposition = left, right
        elif rw and rw[0][:1].isupper() and _has_name(rw):
            # "His counterpart, Jeyhun Bayramov": a person's description introduces the name;
            # anything else before the comma ("the exchange of fire, North Korea") is not theirs
            describes = _split_title(lw)[0] or (lw and lw[0].lower() in word_class("possessives"))
            text = f"{left} {right}" if describes else right
        else:
            text = left
    run_on = _RUN_ON_VERB.match(text)
    if run_on and _has_name(words_of(run_on.group(1))) and not run_on.group(1).endswith(tuple(_HYPHENS)):
        text = run_on.group(1)  # "Perez hammered Trump" -> "Perez"
    epithet = _NAME_THE.match(text)
    if epithet and _has_name(words_of(epithet.group(1))) and epithet.group(2).split()[-1].islower():
        text = epithet.group(1)  # "Rathbun the church's property": no epithet ("the Great") ends lower-case
    placed = _NAME_IN.match(text)
    if placed and placed.group(1)[:1].isupper() and _looks_like_person(words_of(placed.group(1))):
        text = placed.group(1)  # "Ben Jacobs in The Guardian" -> "Ben Jacobs"
    joined = _AND_CLAUSE.match(text)
    if joined and _has_name(words_of(joined.group(1))):
        text = joined.group(1)  # "journalist Robert Peston and serialised in the paper": no second name
    words = text.split(" ")
    openers = word_class("opener") | word_class("date_word")
    while len(words) > 1 and words[0][:1].isupper() and words[0].lower().strip(",") in openers \
            and (words[1][:1].isupper() or words[1].lower() in _PRONOUNS | word_class("articles")):
        words = words[1:]  # "Monday Tony Blair", "Later the prime minister's spokesman"
    trailing = (word_class("date_word") | _FUNCTION_WORDS | word_class("prepositions") | word_class("relative")
                | word_class("intensifier"))
    while len(words) > 1 and (words[-1].lower().strip(",.") in trailing
                              or words[-1].islower() and words[-1] in word_class("auxiliary")
                              or words[-1].islower() and len(words[-1]) >= 6 and words[-1].endswith(_ADVERB_ENDINGS)):
        words = words[:-1]  # "Hugh McGuire Sunday", "the Saudi Interior Ministry over", "the Tory leader will",
        # "Cruz himself", "President Obama originally"
    return " ".join(words).strip(" ,;:-—"), apposition


def _person_name(names: List[str]) -> Tuple[List[str], Optional[str]]:
    """A person's name is the capitalised run that ends the name span; what comes before it
    ("Tory co-chairman", "Lib Dem home affairs", "Harrogate") describes the person. A long run
    starts at a known forename, else keeps its last two words ("Foreign Policy Centre Straw")."""
    if len(names) <= 1:
        return names, None
    end = len(names)
    table = _titles()
    while end > 1 and table.get((names[end - 1].lower().rstrip("."),)) == "person" \
            and names[end - 1].lower() not in word_class("title_surname"):
        end -= 1  # "Frank Field MP": a title after the name; "Oona King" is a name
    start = end
    particles = word_class("name_particle")
    while start > 0 and (names[start - 1][:1].isupper() or (
            names[start - 1].lower() in particles and any(w[:1].isupper() for w in names[:start - 1]))):
        start -= 1
    while start < end and names[start].lower() in particles:
        start += 1
    run = names[start:end]
    # Leading words that name a party or body ("Tory Liam Fox", "Labour Livingstone") describe.
    while len(run) > 1 and known_body(run[0]) is not None:
        start += 1
        run = run[1:]
    if sum(1 for w in run if w[:1].isupper()) > 3 or (len(run) >= 3 and any(
            _forenames().get(w) for w in run[1:-1])):
        cut = _name_start(run)
        start += cut
        run = run[cut:]
    before = " ".join(names[:start]) or None
    return run, before


def _name_start(words: Sequence[str]) -> int:
    """Where a person's name starts in "Education Stefania Giannini", "Washington Chris
    Gregoire": at a known forename, else two words from the end."""
    for i, w in enumerate(words[:-1]):
        if _forenames().get(w):
            return i
    return max(0, len(words) - 2)


def _spokesperson(text: str) -> Optional[Form]:
    """ "a BBC spokesman", "a spokeswoman for the ministry", "Russian officials": the body
    speaks (kind organization, or the country), the role is kept. None when no body is named
    or when the spokesperson is named ("Foreign Office spokesman John Smith")."""
    words = words_of(text)
    low = [w.lower() for w in words]
    roles = word_class("spokesperson")
    at = next((i for i, w in enumerate(low) if w in roles), None)
    if at is None:
        return None
    role = low[at]
    before = [w for w in words[:at] if w.lower() not in _FUNCTION_WORDS and not w.islower()]
    after = words[at + 1:]
    if any(w[:1].isupper() for w in after) and not _FOR_BODY.search(" ".join(after[:1] + ["x"])):
        if not re.match(r"(?i)(for|of|at|from|with)$", after[0]):
            return None  # a named spokesperson: a person
    m = _FOR_BODY.search(" ".join(words[at + 1:]))
    body = m.group(1) if m else " ".join(before)
    body = body.strip()
    owner = re.match(r"^(.*?\S)['’]s?\s+(?:[a-z]+\s+)?" + re.escape(words[at]), text)
    if not body and not m and owner:
        # "the prime minister's official spokesman": the office holder speaks through them
        owner_words = [w for w in words_of(owner.group(1)) if w.lower() not in _FUNCTION_WORDS]
        title, _, rest = _split_title(owner_words)
        if title and not rest:
            shown = " ".join(title)
            return Form("title", title_key(shown), shown, None, shown, role=role)
    if not body:
        # "a spokesman", "the spokeswoman": somebody's spokesperson; the article must say whose
        return Form("role", role, role, None, role=role)
    whole = geo.lookup(body)
    if whole is not None:
        return Form("country", whole.country, whole.country, whole.country, how=whole.how, role=role)
    inner = parse_mention(body, kind=None)
    if inner is None or inner.shape in ("full", "surname", "title"):
        if inner is not None and inner.shape == "surname" and body.isupper():
            pass  # an acronym ("BBC") read as a name
        elif inner is not None and inner.shape == "full" and not inner.title and not _forenames().get(
                inner.text.split()[0]) and not re.search(r"(?i)\b(?:mr|mrs|ms|dr|sir)\b", body):
            inner = None  # "Acme Industries": no forename, no honorific -- a body, not a person
        elif inner is not None and m:
            # "a spokesman for Mr Blair": the person speaks through the spokesperson
            return Form(inner.shape, inner.key, inner.text, inner.affiliation, inner.title, inner.how, role=role)
        elif inner is not None:
            return None
    label = inner.text if inner is not None and inner.how == "known body" else clean_label(body)
    aff = inner.affiliation if inner is not None else None
    key = inner.key if inner is not None else fold(label)
    return Form("organization", key, label, aff, role=role)


@lru_cache(maxsize=65536)  # the same names recur across a corpus; Forms are immutable
def parse_mention(text: str, *, kind: Optional[str] = None, title: Optional[str] = None,
                  affiliation: Optional[str] = None, act: Optional[str] = None,
                  role: str = "speaker") -> Optional[Form]:
    """Read one speaker or target mention.

    Args:
        text: The mention: a speaker's resolved name, or a target span's text.
        kind: The extractor's speaker kind when known (person/organization/country/group).
        title: The extractor's title for the speaker, if any.
        affiliation: The extractor's affiliation for the speaker, if any.
        act: The attribution's act; a reply act's lower-case target ("the allegations")
            is the thing answered, not an actor.
        role: ``"speaker"`` or ``"target"``.

    Returns:
        A :class:`Form`, or None when the text names no actor.
    """
    single = text.split()[0] if len(text.split()) == 1 else ""
    whole_body = known_body(text) if not single or single.isupper() or single.lower() not in (
        _PRONOUNS | word_class("relative")) and not single.islower() else None
    if whole_body is not None and kind in (None, "organization", "group", "person"):
        # before any splitting: "Department for Environment, Food and Rural Affairs"
        return Form("organization", fold(whole_body[0]), whole_body[0], whole_body[1], how="known body")
    if role == "speaker" and kind is None:
        authored = _COMMA_BY.match(text)
        if authored:  # "The book, by journalist Robert Peston and serialised in ...": the author speaks
            published = _document_source(f"{authored.group(1)} {authored.group(2)}")
            if published is not None:
                return published
    text, apposition = split_apposition(text)
    shown = clean_label(text)
    if not shown:
        return None
    if role == "speaker" and apposition and kind in (None, "organization") and apposition[:1].isupper():
        # "the New Zealand Herald, Emeritus Professor Jo Burr, ...": a body (whom the person
        # spoke to, or works for), then a person named in full -- the person speaks
        head = parse_mention(text, role=role)
        person = parse_mention(apposition, role=role) if head is not None and head.kind == "organization" else None
        if person is not None and person.shape == "full":
            return person
    if apposition and not title:
        # "Nikol Pashinyan, Prime Minister of Armenia": the apposition gives title and affiliation
        extra = parse_mention(apposition, role=role)
        if extra is not None and extra.shape == "title":
            title, affiliation = extra.title, affiliation or extra.affiliation
    if len(shown.split()) == 1 and shown.lower() in word_class("opener"):
        return None  # "Nevertheless", "Meanwhile": a sentence opener alone names nobody
    low_words = shown.lower().split()
    if low_words[0] in word_class("quantifier") | word_class("demonstratives") and (
            len(low_words) == 1 or low_words[1:] in (["of", "whom"], ["of", "them"], ["of", "those"])):
        return None  # "Many", "those", "many of whom": people the phrase counts, not names
    if low_words[0] in ("our", "my") and len(low_words) <= 3 and kind is None \
            and low_words[-1] not in word_class("document_noun"):
        return None  # "our correspondent": the publication's own reporter, unnamed ("our research" speaks for its author)
    if kind is None and len(shown.split()) == 1 and not (len(shown) > 1 and shown.isupper()) \
            and (shown.lower() in _PRONOUNS or shown.lower() in word_class("relative")):
        return None  # pronouns name nobody by themselves ("who" is no WHO): see quotetrack.speakers

    whole = geo.lookup(text)
    if whole is not None:
        return Form("country", whole.country, shown, whole.country, how=whole.how)
    body = known_body(text)
    if body is not None and kind in (None, "organization", "group", "person"):
        return Form("organization", fold(body[0]), body[0], body[1], how="known body")
    if kind == "country":
        return Form("country", shown, shown, shown, how="name")

    if role == "speaker" and kind is None:
        published = _document_source(text)
        if published is not None:
            return published

    if role == "target" and kind is None:
        if clean_label(text).split(" ", 1)[0].lower() in word_class("clause_opener"):
            return None  # "how Labour would pay", "whether he knew": a clause, not an actor
        # "Baku's claims", "the separatists' accusations": aimed at the owner of the thing.
        owner = _possessor(text)
        if owner is not None:
            return parse_mention(owner, role=role)
        m = _FROM.search(text)
        if m and names_a_thing(text[:m.start()]):
            # "rejected the accusations of Chile's foreign minister", "praised the work of
            # Ms Hutt", "the decision by the law lords": the thing's author
            return parse_mention(m.group(1), role=role)

    if kind is None:
        tail = _TRAILING_NAME.search(text)
        described = tail.group(1).strip() if tail else ""
        if tail and described.islower() and (known_body(tail.group(2)) is not None or described.split()[-1] in
                                             word_class("org_noun_any") | word_class("body_kind")):
            # "agriculture department Defra"; "accountancy firm Ernst & Young", "campaign group
            # Liberty": a description ending with a kind of body, then the body's name
            return parse_mention(tail.group(2), role=role, act=act,
                                 kind=None if known_body(tail.group(2)) is not None else "organization")
    if kind in (None, "person", "organization"):
        owned = _BODY_PERSON.match(text)
        body_of = known_body(owned.group(1)) if owned else None
        if body_of is not None:
            # "Plaid Cymru's Elfyn Llwyd", "Labour's Ken Livingstone": the party's person
            person = parse_mention(owned.group(2), kind="person", title=title, role=role)
            if person is not None and person.shape == "full":
                return Form("full", person.key, person.text, person.affiliation or body_of[1],
                            person.title, how="member")
    if kind is None:
        spoke = _spokesperson(text)
        if spoke is not None:
            # as a target, a bare "the spokesman" names nobody the phrase can tell
            return None if role == "target" and spoke.shape == "role" else spoke
        proxy = _PROXY.match(text)
        if proxy and proxy.group(2).lower() in word_class("proxy"):
            # "Hillary Clinton's campaign", "Mr. Sanders's aides": the person, in that role
            owner = parse_mention(proxy.group(1), role=role)
            if owner is not None and owner.kind == "person":
                return Form(owner.shape, owner.key, owner.text, owner.affiliation, owner.title, owner.how,
                            role=proxy.group(2).lower())
        owned = _proxy_of_name(text, role)
        if owned is not None:
            return owned
    if kind in (None, "person") and not affiliation:
        of = _OF_BODY.match(text)
        if of:
            lw, rw = words_of(of.group(1)), words_of(of.group(2))
            if lw and rw and _titles().get((lw[-1].lower(), "of", rw[0].lower())) == "person":
                of = None  # "Former Secretary of State ...": the "of" is inside a title
        if of:
            # "Foreign Minister Lena Varga of Norland": "of X" after a person names the affiliation
            left = parse_mention(of.group(1), kind=kind, title=title, role=role)
            right = parse_mention(of.group(2), role=role)
            if left is not None and left.shape == "title" and right is not None and right.shape == "full":
                # "Governor of Washington Chris Gregoire", "Minister of Education Stefania Giannini"
                words2 = words_of(of.group(2))
                cut = _name_start(words2)
                portfolio, name = " ".join(words2[:cut]), " ".join(words2[cut:])
                return Form("full", fold(name), name, right.affiliation or geo.country_of(portfolio) or None,
                            f"{left.title} of {portfolio}".strip() if portfolio else left.title)
            if left is not None and left.shape in ("full", "title") and not _org_lead(words_of(of.group(1))):
                aff = geo.country_of(of.group(2)) or clean_label(of.group(2))
                return Form(left.shape, left.key, left.text, left.affiliation or aff, left.title, left.how)

    rest, country = _strip_countries(text)
    aff = _affiliation(affiliation) or country
    if kind in (None, "country", "organization"):
        ending = _described_country(text)
        if ending is not None:  # "NATO member Estonia", "its neighbour Ukraine": the country
            return Form("country", ending, shown, ending, how="name")
    if _media_name(words_of(text)) and (kind is None or kind == "person"
                                        and words_of(text)[-1].lower() in word_class("media_head_sure")):
        # "the New Zealand Herald", "the Washington Post": the country in the name is where it
        # is published, and the rest no surname
        return Form("organization", " ".join(_norm_word(w) for w in words_of(text)
                                             if w.lower() not in _FUNCTION_WORDS), shown, aff)
    words = words_of(rest)
    while len(words) > 1 and words[-1].lower() in _FUNCTION_WORDS:
        words = words[:-1]  # "the Foreign Ministry of Norway" -> "Foreign Ministry" (+ Norway)
    if country and words and all(w.lower() in word_class("region_modifier") for w in words):
        return Form("country", country, shown, country, how="region")  # "Eastern Ukraine"
    # Leading function words go ("His ... counterpart", "the"); inner ones stay in names.
    while words and words[0].lower() in _FUNCTION_WORDS:
        words = words[1:]
    if not words:
        # Nothing but a country reference ("Azerbaijan's"): the country.
        c = geo.country_of(aff) if aff else None
        return Form("country", c, shown, c, how="possessive") if c else None
    low = [_norm_word(w) for w in words]

    if kind in ("organization", "group"):
        return Form(kind, " ".join(low), shown, aff)
    if kind in (None, "person") and _AMPERSAND_NAME.search(text) and all(w[:1].isupper() for w in words) \
            and not any(w.lower().rstrip(".") in _HONORIFICS for w in words):
        return Form("organization", " ".join(low), shown, aff)  # "Ernst & Young": no person's name has "&"
    head = _org_head(words) if kind is None else 0
    if kind is None and not head and _org_lead(words):
        return Form("organization", " ".join(low), shown, aff)
    if head:
        # "the foreign ministry", "Azerbaijan's presidency", "the Security Council" are bodies;
        # "the breakaway authorities" (a lower-case modifier before the head) is a group.
        modifiers = [w for w in words[:-head] if w.lower() not in _FUNCTION_WORDS]
        is_group = bool(modifiers) and not any(w[:1].isupper() for w in modifiers) and not aff
        if role == "target" and not aff and all(w.islower() for w in words):
            # "the government", "the party": only the article can tell which (speakers.py);
            # "the breakaway authorities": a group
            return _target_group(text, words, aff, shown) if is_group else None
        return Form("group" if is_group else "organization", " ".join(low), shown, aff)
    if kind is None and len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
        return Form("organization", low[0], shown, aff)  # "NATO", "OSCE"
    if kind is None and len(words) == 1 and (low[0] in word_class("group_noun") or low[0].endswith("s")
                                             and _titles().get((low[0][:-1],)) == "person"):
        if role == "target":
            return _target_group(text, words, aff, shown)
        return Form("group", low[0], shown, aff)  # "MPs", "Ministers": people holding a title
    if kind is None and all(w.islower() for w in words) and len(words) <= 3 \
            and low[-1] in word_class("org_noun_any") | word_class("org_noun"):
        if role == "target" and not aff:
            return None  # "the government": only the article can tell which (see speakers.py)
        return Form("organization", " ".join(low), shown, aff)  # "the watchdog": a body, named before
    if kind is None and low[-1] in word_class("document_noun") and all(w.islower() for w in words):
        if role == "target":
            return None  # "condemned the document": a thing, not its publisher
        return Form("document", low[-1], shown, aff)  # "the report": whoever published it speaks

    if role == "target" and kind is None and len(words) >= 2 and people_noun(words[-1]):
        # "his fellow UKIP MEPs", "Labour supporters": the body they belong to; "union leaders",
        # "the three men": people the phrase does not name
        caps = [k for k, w in enumerate(words[:-1]) if w[:1].isupper()]
        owner = None
        if caps and caps == list(range(caps[0], caps[-1] + 1)):
            owner = parse_mention(" ".join(words[caps[0]:caps[-1] + 1]), role=role)
        if owner is not None and owner.shape in ("organization", "country"):
            return owner
        return _target_group(text, words, aff, shown)
    if role == "speaker" and kind in (None, "person", "group") and _plural_people(words[-1]) \
            and not any(w.lower().rstrip(".") in _HONORIFICS for w in words):
        # "Labour MPs", "some MPs", "pro-hunt campaigners": people of a kind speak as a group
        # (of the body named before them), never as a person called "MPs"
        counted = word_class("quantifier") | word_class("opener")
        key = [w for w in words if w.lower() not in counted and not w.isdigit()]
        caps = [w for w in key[:-1] if w[:1].isupper()]
        body = known_body(" ".join(caps)) if caps else None
        if body is not None:  # "Tory MEPs" = "Conservative MEPs"
            key = body[0].split() + [w for w in key if w not in caps]
        return Form("group", " ".join(_norm_word(w) for w in key), shown, aff or (body[0] if body else None))
    listed = bool(portfolio_lists(text))
    title_words, honor, rest_words = _split_title(words, listed=listed, person=kind == "person")
    if title_words and not honor and 2 <= len(rest_words) <= 3 and rest_words[0].lower() == "for" \
            and words[len(title_words)] == rest_words[0] and all(w[:1].isupper() for w in rest_words[1:]) \
            and not any(_forenames().get(w) for w in rest_words):
        # "Secretary of State for Culture": the portfolio after "for" belongs to the office
        title_words, rest_words = title_words + rest_words, []
    names = _name_span(rest_words)
    if title_words and names and not honor and known_body(" ".join(names)) is not None:
        # "the Tory leader", "Labour chairman": a party's office, nobody's name
        aff = aff or known_body(" ".join(names))[0]
        names = []
    elif title_words and names and not honor and kind in (None, "person") and len(names) <= 4 \
            and words[len(names):] == title_words and (
                all(w.islower() for w in title_words)
                or re.match(r"(?i)\W*the\s", text) is not None and all(w.isupper() for w in title_words)) \
            and all(w[:1].isupper() for w in names):
        # "the England coach", "the Vermont senator": capitalised words, then a lower-case
        # title and no name after it -- where the office is, not the holder's name
        if title_words[-1].lower() in word_class("spokesperson") | word_class("agent_title"):
            # "a Sony representative", "an Investment Ministry official": the body speaks
            body = parse_mention(" ".join(names))
            if body is not None and body.kind in ("organization", "country"):
                return replace(body, role=title_words[-1].lower(), affiliation=body.affiliation or aff)
            return Form("organization", " ".join(_norm_word(w) for w in names), " ".join(names), aff,
                        role=title_words[-1].lower())
        aff = aff or geo.country_of(" ".join(names)) or " ".join(names)
        names = []
    if kind is None and not title_words and not honor and len(names) >= 3 \
            and any(w.lower() in ("of", "for", "and", "&") for w in names[1:-1]):
        return Form("organization", " ".join(low), shown, aff)  # "Church of Scientology"
    if kind is None and names:
        # "the North Atlantic mackerel stock": a lower-case head noun after the capitals
        # means a thing or a group, not a person's name.
        last_cap = max(i for i, w in enumerate(rest_words) if w[:1].isupper())
        after = rest_words[last_cap + 1:]  # "Ali Abdullah Ali": after the last capital, not the first
        if any(w.lower() not in _FUNCTION_WORDS for w in after) and not honor:
            # "the North Atlantic mackerel stock" is no person; "Mr. Comey couched his
            # concern" (a span run on) still is
            names, title_words, honor = [], [], []
    parsed = _as_written(title_words, text) if listed else " ".join(title_words)
    # The title as written wins when it says more ("Fisheries Minister" over "Minister").
    title_shown = (parsed if parsed and (not title or fold(title) in fold(parsed))
                   else title or parsed).strip() or None
    if title_shown and fold(title_shown) in _NOT_TITLES:
        title_shown = None
    if kind == "person" or names or title_words or honor:
        names, extra = _person_name(names)
        if extra and len(names) >= 2 and len(extra.split()) <= 4 and not any(c.isdigit() for c in extra):
            # "Tory co-chairman Liam Fox", "Shadow home secretary David Davis": what comes
            # before the name describes the person
            title_shown = f"{extra} {title_shown}" if title_shown and fold(title_shown) not in fold(extra) \
                else (title_shown or extra)
        if len(names) >= 2:
            full = " ".join(names)
            return Form("full", fold(full), full, aff, title_shown)
        if len(names) == 1 and names[0].lower() not in _PRONOUNS:  # "a constituent I": no name
            return Form("surname", fold(names[0]), shown, aff, title_shown,
                        how="honorific" if honor else "")
        if title_shown:
            if role == "target" and clean_label(text).split(" ", 1)[0].lower() in ("a", "an", "one"):
                return None  # "criticised a union leader": somebody the phrase does not name
            return Form("title", title_key(title_shown), shown, aff, title_shown)
        if kind == "person" and (len(words) == 1 and low[0] in _PRONOUNS or not words):
            return None  # a pronoun the extractor could not resolve: nothing to link
    if role == "target" and kind is None:
        caps = [k for k, w in enumerate(words) if w[:1].isupper()]
        if caps and caps == list(range(caps[0], caps[-1] + 1)):
            # "Tory plans", "the latest Tory attack", "NATO proposals": aimed at the modifier's
            # body; "his fellow UKIP MEPs", "Labour MPs": the body they sit for
            if caps[-1] < len(words) - 1:
                modifier = words[caps[0]:caps[-1] + 1]
            elif len(caps) >= 2 and people_noun(words[-1]):
                modifier = words[caps[0]:caps[-1]]
            else:
                modifier = []
            owner = parse_mention(" ".join(modifier), role=role) if modifier else None
            if owner is not None and owner.shape in ("organization", "country", "full"):
                return owner
    if role == "target" and act in _REPLY_ACTS and not aff:
        return None  # "denied the allegations": the thing denied, not an actor
    if role == "target" and kind is None:
        if any(people_noun(w) for w in words):
            return _target_group(text, words, aff, shown)
        # "Russian plans": the country whose plans they are; "the plans", "the fact": things
        # are not actors
        return Form("country", aff, aff, aff, how="possessive") if aff and geo.country_of(aff) else None
    return Form("group", " ".join(low), shown, aff)


_BY_FROM_OF = re.compile(r"\s(?:by|from|of)\s+")
_MADE = re.compile(r"(?:ed|en)$")


def _document_noun(word: str) -> Optional[str]:
    """The ``document_noun`` a word is, singular or plural ("polls" -> "poll"), else None."""
    low = word.lower()
    nouns = word_class("document_noun")
    if low in nouns:
        return low
    return low[:-1] if low.endswith("s") and low[:-1] in nouns else None


def _document_source(text: str) -> Optional[Form]:
    """Whose document speaks, when the phrase names them: "a poll by the Policy Institute",
    "a new study from Acme University", "the average of polls compiled by Real Clear
    Politics", "a survey conducted by analyst Jane Roe" (what comes before "by"/"from"/"of"
    is lower-case words ending in a ``document_noun``, perhaps with a participle); "a BBC
    report", "Federal Election Commission filings" (a name, then the noun). The publisher,
    with the document kept as the role; None when the phrase is no such thing or names
    nobody ("the report": only the article can say whose)."""
    text = " ".join(text.split()).strip(" ,;:")
    for m in _BY_FROM_OF.finditer(text):
        left = [w for w in words_of(text[:m.start()]) if w.lower() not in _FUNCTION_WORDS]
        if left and _MADE.search(left[-1]) and len(left) > 1 and _document_noun(left[-1]) is None:
            left = left[:-1]  # "compiled", "conducted", "carried out" reads as "conducted"
        if not left or not all(w.islower() for w in left) or len(left) > 5:
            return None  # "Bank of England", "the head of the agency": no document
        noun = next((n for n in map(_document_noun, left) if n), None)  # "a study of voters by X"
        rest = text[m.end():].strip()
        if noun is None or not any(w[:1].isupper() for w in rest.split()) or re.search(r"\s(?:by|from)\s", rest):
            continue  # "the average of polls by ...", "a study of voters by ...": read on
        inner = parse_mention(rest)
        if inner is not None and inner.shape in ("full", "organization", "country"):
            return replace(inner, role=noun)
    words = [w for w in words_of(text) if w.lower() not in _FUNCTION_WORDS]
    if len(words) >= 2 and _document_noun(words[-1]) and all(w[:1].isupper() for w in words[:-1]):
        inner = parse_mention(" ".join(words[:-1]))
        if inner is not None and inner.shape in ("organization", "country"):
            return replace(inner, role=_document_noun(words[-1]))
    return None


def _target_group(text: str, words: Sequence[str], aff: Optional[str], shown: str) -> Optional[Form]:
    """People as a target. With a country: officials and the like are their state ("Russian
    officials" -> Russia, ``state_noun``), others a group of that country ("Armenian
    separatists"). Without: a definite group is one ("the separatists", "the breakaway
    authorities"); bare plurals, counted or generic people name nobody ("critics", "union
    leaders", "the three men", "the public"), and plural offices ("MPs", "the ministers") only
    as the body the article makes clear (:mod:`quotetrack.speakers`)."""
    words = [w for w in words if w.lower() not in _FUNCTION_WORDS]
    if not words:
        return None
    low = [_norm_word(w) for w in words]
    if aff and geo.country_of(aff):
        if low[-1] in word_class("state_noun"):
            return Form("country", geo.country_of(aff), aff, geo.country_of(aff), how="possessive")
        return Form("group", " ".join(low), shown, aff)
    plural_office = low[-1].endswith("s") and _titles().get((low[-1][:-1],)) == "person"
    definite = re.match(r"(?i)\W*the\s", text or "") is not None
    if plural_office or low == [low[-1]] and low[-1] in word_class("government_noun") or not definite \
            or any(w in word_class("quantifier") or w.isdigit() for w in low) or low[-1] in word_class("generic_people"):
        return None
    return Form("group", " ".join(low), shown, None)


def _plural_people(word: str) -> bool:
    """A head noun for people of a kind: a lower-case group noun ("campaigners") or a plural
    office in any case ("MPs", "Ministers"); a capitalised "Banks" may be a surname."""
    low = word.lower()
    return (word.islower() and low in word_class("group_noun")) or (
        low.endswith("s") and _titles().get((low[:-1],)) == "person")


def people_noun(word: str) -> bool:
    """A plural noun for people: a group noun ("supporters") or a plural title ("MEPs")."""
    low = word.lower()
    return low in word_class("group_noun") or (low.endswith("s") and _titles().get((low[:-1],)) == "person")


def names_a_thing(phrase: str) -> bool:
    """Whether a lower-case phrase names a thing ("the decision", "the accusations"), not
    people or a body ("the leader", "a committee", "officials", "a spokesman")."""
    words = [w for w in words_of(phrase) if w.lower() not in _FUNCTION_WORDS]
    if not words or any(not w.islower() for w in words):
        return False
    low = [w.lower() for w in words]
    return not (_split_title(words)[0] or _org_head(words) or any(people_noun(w) for w in words)
                or any(w in word_class("spokesperson") | word_class("org_noun") for w in low))


_FROM = re.compile(r"\b(?:from|of|by)\s+(\S.*)$")
_CONJUNCTION = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+")


def conjuncts(text: str, *, act: Optional[str] = None) -> List[str]:
    """The conjoined actors a target phrase names ("Mr Blair and Mr Brown", "the government
    and the chancellor", "Oslo, Reykjavik and Bergen"), or ``[text]`` when it is one phrase
    ("Marks and Spencer" parses as no two actors only when a part names none)."""
    parts = [p.strip() for p in _CONJUNCTION.split(re.sub(r"(?i)^(?:both|either|neither)\s+", "", text)) if p.strip()]
    if len(parts) > 1 and all(_actor_like(p, act) for p in parts):
        return parts
    return [text]


def _actor_like(part: str, act: Optional[str]) -> bool:
    form = parse_mention(part, act=act, role="target")
    if form is not None:
        return form.shape in ("country", "full", "surname", "title", "organization")
    bare = parse_mention(part)  # "the government": a body only the article can name
    return bare is not None and bare.kind in ("organization", "group") and not bare.affiliation \
        and clean_label(part).islower() and bare.key.split()[-1] in (
            word_class("government_noun") | word_class("org_noun") | word_class("org_noun_any"))


@lru_cache(maxsize=65536)
def parse_targets(text: str, *, act: Optional[str] = None) -> Tuple[Form, ...]:
    """Read a target span: one :class:`Form`, or one per conjunct when it names several
    actors ("Oslo and Reykjavik", "Mr Blair and Mr Brown", see :func:`conjuncts`; a conjunct
    only the article can resolve, "the government", is left out); () for no actor."""
    parts = conjuncts(text, act=act)
    if len(parts) > 1:
        return tuple(f for f in (parse_mention(p, act=act, role="target") for p in parts) if f is not None)
    form = parse_mention(text, act=act, role="target")
    return (form,) if form is not None else ()


@lru_cache(maxsize=65536)
def first_country(text: str) -> Optional[str]:
    """The first country a mention refers to in its own words: not one that ends a person's
    name ("Mr Hague", "William Hague"), nor one in a clause or apposition after the name
    ("Clare Short, who resigned over the Iraq war")."""
    core = core_phrase(text)
    found = [g for g in geo.find(core) if not _inside_name(core, g.start, g.end)]
    if not found:
        # "Per Halvorsen, who heads the Norwegian Fishermen's Association": a clause that
        # says what the person heads or works for gives the affiliation
        m = _HEADS_CLAUSE.search(text, len(core))
        found = [g for g in geo.find(m.group(1)) if not _inside_name(m.group(1), g.start, g.end)] if m else []
    return found[0].country if found else None


_HEADS_CLAUSE = re.compile(r"\bwho\s+(?:heads|leads|chairs|runs|represents|works\s+for|speaks\s+for)\s+(.*)$", re.S)


def _possessor(text: str) -> Optional[str]:
    """The owner in "Baku's claims" when what is owned is not itself an actor, else None."""
    m = re.search(r"^(.*?\S)(['’]s|s['’])\s+(.+)$", text)
    if not m:
        return None
    owned = words_of(m.group(3))
    if not owned or _org_head(owned) or any(w[:1].isupper() for w in owned):
        return None  # "Russia's defense ministry", "Armenia's Prime Minister": keep whole
    if _split_title(owned)[0]:
        return None  # "Armenia's prime minister"
    return m.group(1) + ("s" if m.group(2)[0] == "s" else "")


def title_body(title: str) -> Tuple[Optional[str], str]:
    """A title opening with a well-known body's or a country's name, split into that affiliation
    and the office: "Tory leader" -> ("Conservative Party", "leader"), "Liberal Democrat home
    affairs spokesman" -> ("Liberal Democrats", "home affairs spokesman"); else (None, title).
    How "Tory leader Michael Howard" is matched with a nameless "the Conservative leader"."""
    words = words_of(title)
    for n in range(min(3, len(words) - 1), 0, -1):
        head = words[:n]
        if not all(w[:1].isupper() for w in head):
            continue
        phrase = " ".join(head)
        body = known_body(phrase)
        if body is not None:
            return body[0], " ".join(words[n:])
        country = geo.country_of(phrase)
        if country:
            return country, " ".join(words[n:])
    return None, title


def title_key(title: str) -> str:
    return " ".join(_norm_word(w) for w in words_of(title))


@lru_cache(maxsize=None)
def _title_abbreviations() -> Dict[str, str]:
    return dict(item.split(":", 1) for item in word_class("title_abbreviation"))


def title_words(title: str) -> str:
    """A title's words for comparing offices: lower case, abbreviations written out
    ("Sen." -> "senator", "Gov." -> "governor")."""
    return " ".join(_title_abbreviations().get(w, w) for w in title_key(title).split())


