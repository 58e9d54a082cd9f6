"""Lexicons kept as data files in ``quotetrack/data``: reporting cues, speech acts, titles and
closed word classes.

Each is loaded once (``lru_cache``); the code holds no word lists of its own. The speech acts
and what each does (``acts.tsv``) are :data:`ACTS` and the ``*_ACTS`` sets below; closed word
classes (``word_classes.tsv``: articles, possessives, ...) come from :func:`word_class`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

DATA = Path(__file__).parent / "data"

#: Columns of ``acts.tsv`` after ``act``: the properties a speech act has or not.
ACT_PROPERTIES = ("targeted", "accusing", "answering", "object_is_content", "bare_target",
                  "about_is_content", "subject_rule")


def _rows(name: str) -> Iterator[List[str]]:
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


@lru_cache(maxsize=None)
def act_table() -> Dict[str, FrozenSet[str]]:
    """``acts.tsv``: each speech act, in report order -> the properties it has.

    Raises:
        ValueError: The file's header is not ``act`` + :data:`ACT_PROPERTIES`, or a value is
            not yes/no, or an act is listed twice.
    """
    rows = _rows("acts.tsv")
    header = next(rows)
    if tuple(header) != ("act",) + ACT_PROPERTIES:
        raise ValueError(f"acts.tsv: header must be act + {', '.join(ACT_PROPERTIES)}; got {header}")
    table: Dict[str, FrozenSet[str]] = {}
    for row in rows:
        act, values = row[0], row[1:]
        if len(values) != len(ACT_PROPERTIES) or set(values) - {"yes", "no"}:
            raise ValueError(f"acts.tsv: row {act!r} needs {len(ACT_PROPERTIES)} yes/no values")
        if act in table:
            raise ValueError(f"acts.tsv: act {act!r} is listed twice")
        table[act] = frozenset(p for p, v in zip(ACT_PROPERTIES, values) if v == "yes")
    return table


def acts_with(prop: str) -> FrozenSet[str]:
    """The speech acts that have one property of ``acts.tsv`` ("targeted", ...)."""
    if prop not in ACT_PROPERTIES:
        raise ValueError(f"unknown act property {prop!r}; one of {', '.join(ACT_PROPERTIES)}")
    return frozenset(act for act, props in act_table().items() if prop in props)


#: Speech-act classes, in the order reports list them.
ACTS: Tuple[str, ...] = tuple(act_table())
#: Acts aimed at somebody: the ones that make graph edges.
TARGETED_ACTS = acts_with("targeted")
#: Acts that level a charge that can be answered.
ACCUSING_ACTS = acts_with("accusing")
#: Acts that answer a charge; their target may be the statement answered, and its author
#: ("rejected the claims from Baku") is whom they answer.
ANSWERING_ACTS = acts_with("answering")
#: Acts whose direct object is what was said ("denied allegations", "reported violations").
OBJECT_CONTENT_ACTS = acts_with("object_is_content")
#: Targeted acts that make an attribution even when nothing said is found ("accused Baku").
BARE_TARGET_ACTS = acts_with("bare_target")
#: Acts whose of/for/over/against/about/on phrase is what was said ("accused X of lying").
ABOUT_CONTENT_ACTS = acts_with("about_is_content")
#: Acts the surface path's backup subject-verb rule fires for.
SUBJECT_RULE_ACTS = acts_with("subject_rule")


@lru_cache(maxsize=None)
def _word_classes() -> Dict[str, FrozenSet[str]]:
    out: Dict[str, set] = {}
    for row in _rows("word_classes.tsv"):
        out.setdefault(row[0].strip(), set()).update(w.replace("_", " ") for w in row[1].split())
    return {name: frozenset(words) for name, words in out.items()}


@lru_cache(maxsize=None)
def forename_variants() -> Dict[str, FrozenSet[str]]:
    """``forename_variants.tsv``: each forename (lower case) -> the formal names it may stand
    for, itself included ("vince" -> {"vincent"}, "pat" -> {"patrick", "patricia"})."""
    out: Dict[str, set] = {}
    for row in _rows("forename_variants.tsv"):
        formal = row[0].strip()
        out.setdefault(formal, set()).add(formal)
        for short in row[1].split():
            out.setdefault(short, set()).add(formal)
    return {name: frozenset(v) for name, v in out.items()}


def word_class(name: str) -> FrozenSet[str]:
    """A closed word class from ``data/word_classes.tsv`` ("articles", "possessives", ...).

    Raises:
        KeyError: No such class.
    """
    classes = _word_classes()
    if name not in classes:
        raise KeyError(f"no word class {name!r} in word_classes.tsv; one of {', '.join(classes)}")
    return classes[name]


#: Quotation marks, straight and typographic; straight ones open and close.
OPENING_QUOTES = "\"'“‘«‹„"
CLOSING_QUOTES = "\"'”’»›"
QUOTE_MARKS = "".join(dict.fromkeys(OPENING_QUOTES + CLOSING_QUOTES))
#: Double quotation marks only: single ones are too often apostrophes.
DOUBLE_QUOTES = "\"“”«»„"
#: Straight marks toggle: they open outside a quotation and close inside one.
STRAIGHT_QUOTES = "\"'"
#: Typographic marks that only open / only close (straight ones do either).
OPEN_ONLY_QUOTES = frozenset(OPENING_QUOTES) - frozenset(STRAIGHT_QUOTES)
CLOSE_ONLY_QUOTES = frozenset(CLOSING_QUOTES) - frozenset(STRAIGHT_QUOTES)
#: Penn-Treebank quote tokens that some parsers (CoreNLP) write instead of the marks.
PTB_QUOTES = ("``", "''")
#: Every token that is a quotation mark (any style, PTB tokens included).
QUOTE_TOKENS = frozenset(QUOTE_MARKS) | frozenset(PTB_QUOTES)


def is_quote(word: str) -> bool:
    """Whether a token is a quotation mark (any style, PTB tokens included)."""
    return word in QUOTE_TOKENS


@dataclass(frozen=True)
class Cue:
    lemma: str  # "call on"
    act: str
    target: Optional[str]  # "obj", a preposition, or None


def _inflect(verb: str) -> List[str]:
    """Regular -s, -ed and -ing forms of an English verb (irregulars come from the data)."""
    if verb.endswith("e"):
        ed, ing = verb + "d", verb[:-1] + "ing"
    elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
        ed, ing = verb[:-1] + "ied", verb + "ing"
    else:
        ed, ing = verb + "ed", verb + "ing"
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        s = verb + "es"
    elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
        s = verb[:-1] + "ies"
    else:
        s = verb + "s"
    return [verb, s, ed, ing]


@lru_cache(maxsize=None)
def cue_forms() -> Dict[Tuple[str, ...], Cue]:
    """Every inflected form of every cue, as a tuple of lower-case words -> :class:`Cue`."""
    forms: Dict[Tuple[str, ...], Cue] = {}
    for row in _rows("cues.tsv"):
        lemma, act = row[0], row[1]
        if act not in act_table():
            raise ValueError(f"cues.tsv: {lemma!r} has act {act!r}, which acts.tsv does not list")
        target = row[2] if len(row) > 2 and row[2] != "-" else None
        cue = Cue(lemma, act, target)
        head, *rest = lemma.split()
        variants = [" ".join([f] + rest) for f in _inflect(head)]
        if len(row) > 3 and row[3]:
            for form in row[3].split(","):
                form = form.strip()
                variants.append(form if " " in form or not rest else " ".join([form] + rest))
        for v in variants:
            forms.setdefault(tuple(v.lower().split()), cue)
    return forms


@lru_cache(maxsize=None)
def cue_first_words() -> Dict[str, int]:
    """First word of every cue form -> the longest form's length in words (for matching)."""
    out: Dict[str, int] = {}
    for words in cue_forms():
        out[words[0]] = max(out.get(words[0], 0), len(words))
    return out


def match_cue(words: List[str], i: int) -> Optional[Tuple[int, Cue]]:
    """Longest cue starting at ``words[i]`` (lower-cased words): (length, Cue) or None."""
    longest = cue_first_words().get(words[i])
    if not longest:
        return None
    forms = cue_forms()
    for n in range(min(longest, len(words) - i), 0, -1):
        cue = forms.get(tuple(words[i:i + n]))
        if cue:
            return n, cue
    return None


def act_of(cue_text: str) -> Tuple[str, Optional[Cue]]:
    """Speech act of a cue phrase as written ("has repeatedly accused" -> accuse).

    Auxiliaries and adverbs are skipped; when a cue holds several reporting words
    ("responded to London, saying") the first one more specific than plain saying wins;
    unknown cues are ``say``.
    """
    words = [w.strip(".,:;\"'“”‘’").lower() for w in cue_text.split()]
    words = [w for w in words if w]
    found: List[Cue] = []
    i = 0
    while i < len(words):
        m = match_cue(words, i)
        if m:
            found.append(m[1])
            i += m[0]
        else:
            i += 1
    for cue in found:
        if cue.act != "say":
            return cue.act, cue
    if found:
        return found[0].act, found[0]
    return "say", None


@lru_cache(maxsize=None)
def titles() -> Dict[Tuple[str, ...], str]:
    """Title words (lower-case tuple) -> kind of holder ("person" or "organization")."""
    return {tuple(row[0].lower().split()): row[1] for row in _rows("titles.tsv")}


@lru_cache(maxsize=None)
def _title_longest() -> int:
    return max(len(k) for k in titles())


@lru_cache(maxsize=None)
def title_first_words() -> FrozenSet[str]:
    """First words of every title (lower-case): a word outside this set starts no title."""
    return frozenset(k[0] for k in titles())


def match_title(words: List[str], i: int) -> Optional[Tuple[int, str]]:
    """Longest title starting at ``words[i]`` (lower-cased): (length, holder kind) or None."""
    if words[i] not in title_first_words():  # most words: no dictionary probes at all
        return None
    table = titles()
    for n in range(min(_title_longest(), len(words) - i), 0, -1):
        kind = table.get(tuple(words[i:i + n]))
        if kind:
            return n, kind
    return None


def sentence_can_attribute(words: List[str]) -> bool:
    """Whether a sentence (its word forms) can hold an attribution: a quotation mark or a
    word that starts a reporting cue ("said", "according", "accused", ...)."""
    firsts = cue_first_words()
    lower = [w.lower() for w in words]
    for i, w in enumerate(words):
        if is_quote(w):
            return True
        if lower[i] in firsts and match_cue(lower, i):  # whole forms: "point out", not "point"
            return True
    return False
