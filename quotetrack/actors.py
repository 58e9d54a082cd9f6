"""Actors across articles: every speaker and target resolved to one canonical actor.

The extractor resolves speakers inside one article; this module links them across articles and
also resolves targets, which are only spans of text ("Baku", "Foreign Minister Ararat Mirzoyan",
"the breakaway authorities"). An actor is a person, an organization, a country or a group, with
an id derived from its kind and canonical name (:func:`quotetrack.records.stable_id`), so the same
input always gives the same ids.

Merging rules, most certain first:

* countries by name, alias, demonym, capital or seat of government (``quotetrack.geo``);
* people by full name; a bare surname ("Pashinyan", "Mr Pashinyan") joins a full name only with
  evidence: the one person of that surname known, or the one named in the same article, or the one
  whose title or affiliation matches. Two full names with the same surname never merge, and a bare
  surname with two candidates becomes its own actor flagged ``ambiguous``;
* a title without a name ("Armenia's Prime Minister") joins the one person known to hold that title
  with that affiliation (at that date when several did);
* organizations and groups by affiliation and head words ("Russia's defense ministry" = "the
  Russian Defence Ministry"); an unaffiliated "the ministry" joins the one affiliated ministry named
  in the same article.

Every merge is recorded in :attr:`Actor.aliases` with the reason.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from . import geo
from .mentions import (Form, clean_label, conjuncts, core_phrase, first_country, fold, parse_mention,
                       parse_targets, title_body, title_key, words_of)
from .lexicon import forename_variants, word_class
from .records import Attribution, stable_id

#: Values of :attr:`Actor.kind`.
ACTOR_KINDS = ("person", "organization", "country", "group")

# ---------------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------------

@dataclass
class Actor:
    """One canonical actor.

    Attributes:
        id: Stable id, ``stable_id(kind, canonical key)``.
        label: The display name.
        kind: One of :data:`ACTOR_KINDS`.
        affiliation: Canonical country name or body, "" when unknown.
        titles: Title -> [first date, last date] ("" when undated), in order first seen.
        aliases: Other forms merged into this actor -> why they were merged.
        ambiguous: True for a bare surname or title that fits several people.
        candidates: For an ambiguous actor, the labels it might be.
        statements: How many attributions it is the speaker of.
        mentions: How many times it appears as speaker or target.
        first_date, last_date: ISO dates of its first and last appearance, "" when undated.
        articles: Article ids it appears in, in corpus order.
    """

    id: str
    label: str
    kind: str
    affiliation: str = ""
    titles: Dict[str, List[str]] = field(default_factory=dict)
    aliases: Dict[str, str] = field(default_factory=dict)
    ambiguous: bool = False
    candidates: Tuple[str, ...] = ()
    statements: int = 0
    mentions: int = 0
    first_date: str = ""
    last_date: str = ""
    articles: List[str] = field(default_factory=list)

    def titles_text(self) -> str:
        """Titles as one string: ``"Foreign Minister [2024-03-04..2024-03-07]; ..."``."""
        parts = []
        for t, (first, last) in self.titles.items():
            if first and last and first != last:
                parts.append(f"{t} [{first}..{last}]")
            elif first:
                parts.append(f"{t} [{first}]")
            else:
                parts.append(t)
        return "; ".join(parts)

    def aliases_text(self) -> str:
        """Merges as one string: ``"Pashinyan (surname of Nikol Pashinyan); ..."``."""
        return "; ".join(f"{form} ({why})" for form, why in self.aliases.items())

    def to_row(self) -> dict:
        """A flat row for tables (no lists, no None)."""
        return {"id": self.id, "label": self.label, "kind": self.kind,
                "affiliation": self.affiliation, "titles": self.titles_text(),
                "aliases": self.aliases_text(), "ambiguous": self.ambiguous,
                "candidates": "; ".join(self.candidates), "statements": self.statements,
                "mentions": self.mentions, "first_date": self.first_date,
                "last_date": self.last_date, "articles": ";".join(self.articles)}


@dataclass
class _Mention:
    attr: Attribution
    role: str  # "speaker" or "target"
    form: Form
    date: str
    order: int  # position of the attribution in corpus order
    actor: Optional[str] = None
    reason: str = ""
    # How the article itself wrote it when the extractor resolved it there ("Halvorsen").
    written: str = ""
    written_why: str = ""


# Speaker resolutions inside an article that an analyst should see as aliases, and why.
_WRITTEN_REASONS = {"surname": "surname of {label} in the same article",
                    "title": "title of {label} in the same article",
                    "description": "refers to {label} in the same article"}


def actor_id(kind: str, key: str) -> str:
    """The stable id of an actor of ``kind`` with canonical ``key``."""
    return stable_id("actor", kind, key)


class Resolution:
    """The result of :func:`resolve`: actors, and which actor each speaker and target is."""

    def __init__(self) -> None:
        self.actors: Dict[str, Actor] = {}
        self._speaker: Dict[str, str] = {}
        self._target: Dict[str, List[str]] = {}
        self._rolled: Dict[str, str] = {}
        self._bodies: Optional[Dict[str, str]] = None
        self._country: Dict[str, Optional[str]] = {}

    def speaker(self, attribution_id: str) -> Optional[str]:
        """Actor id of the attribution's speaker, or None."""
        return self._speaker.get(attribution_id)

    def target(self, attribution_id: str) -> Optional[str]:
        """Actor id of the attribution's (first) target, or None (no target, or not an actor)."""
        found = self._target.get(attribution_id)
        return found[0] if found else None

    def targets(self, attribution_id: str) -> List[str]:
        """Actor ids of every target of the attribution ("urged Oslo and Reykjavik" -> two)."""
        return list(self._target.get(attribution_id, ()))

    def country_of(self, aid: Optional[str]) -> Optional[str]:
        """Actor id of the country ``aid`` is or belongs to, or None."""
        if aid is None:
            return None
        if aid not in self._country:
            a = self.actors[aid]
            country = geo.country_of(a.affiliation) if a.affiliation else None
            self._country[aid] = aid if a.kind == "country" else (
                self._ensure("country", country, country).id if country else None)
        return self._country[aid]

    def rollup(self, aid: str) -> str:
        """The actor ``aid`` rolls up to at affiliation level: a person or organization's country
        (or body, when the affiliation is not a country); countries and groups stay."""
        if aid in self._rolled:
            return self._rolled[aid]
        a = self.actors[aid]
        out = aid
        if a.kind in ("person", "organization") and a.affiliation:
            country = geo.country_of(a.affiliation)
            if country:
                out = self._ensure("country", country, country).id
            else:
                if self._bodies is None:  # built once: label -> first organization of that label
                    self._bodies = {}
                    for b in self.actors.values():
                        if b.kind == "organization":
                            self._bodies.setdefault(fold(b.label), b.id)
                found = self._bodies.get(fold(a.affiliation))
                out = found or self._ensure("organization", fold(a.affiliation), a.affiliation).id
        self._rolled[aid] = out
        return out

    # -- building ---------------------------------------------------------------------------
    def _ensure(self, kind: str, key: str, label: str) -> Actor:
        aid = actor_id(kind, key)
        a = self.actors.get(aid)
        if a is None:
            a = Actor(aid, label, kind, affiliation=label if kind == "country" else "")
            self.actors[aid] = a
        return a


def _date_within(date: str, span: List[str]) -> bool:
    return bool(date) and span[0] <= date <= span[1]


def resolve(attributions: Iterable[Attribution],
            order: Optional[Callable[[str], tuple]] = None) -> Resolution:
    """Resolve every speaker and target of ``attributions`` to canonical actors.

    Args:
        attributions: In corpus order (article order, then position in the article).
        order: Sort key of an article id (by date, then input order); only used to list
            each actor's articles in order. Defaults to first appearance.

    Returns:
        A :class:`Resolution`.
    """
    res = Resolution()
    mentions: List[_Mention] = []
    for i, a in enumerate(attributions):
        date = a.date or ""
        sp = a.speaker
        form = None
        if sp is not None and sp.name:
            form = parse_mention(sp.name, kind=sp.kind, title=sp.title,
                                 affiliation=sp.affiliation, act=a.act)
            if form is not None and form.affiliation is None and a.source is not None:
                # "Armenian Foreign Minister Ararat Mirzoyan": affiliation from the source span.
                country = first_country(a.source.text)
                if country:
                    form = Form(form.shape, form.key, form.text, country, form.title, form.how)
        elif a.source is not None:
            form = parse_mention(a.source.text, act=a.act)
        if form is not None:
            m = _Mention(a, "speaker", form, date, i)
            if sp is not None and sp.via in _WRITTEN_REASONS and a.source is not None:
                m.written = clean_label(core_phrase(a.source.text))
                m.written_why = _WRITTEN_REASONS[sp.via]
            mentions.append(m)
        if a.target_actor is not None:
            # resolved in its article (pronouns, possessives, the accusation a denial answers)
            ta = a.target_actor
            tform = parse_mention(ta.name, kind=ta.kind, title=ta.title, affiliation=ta.affiliation)
            written = parse_targets(a.target.text, act=a.act) if a.target is not None else ()
            if tform is not None and written and written[0].kind == tform.kind and written[0].key == tform.key:
                tform = written[0]  # the phrase as written says the same, and why ("capital of")
            if tform is not None:
                mentions.append(_Mention(a, "target", tform, date, i))
            # "warned Mr Blair and Mr Brown": the article resolved the first, the others as written
            for part in (conjuncts(a.target.text, act=a.act)[1:] if a.target is not None else ()):
                for other in parse_targets(part, act=a.act):
                    mentions.append(_Mention(a, "target", other, date, i))
        elif a.target is not None:
            for tform in parse_targets(a.target.text, act=a.act):
                mentions.append(_Mention(a, "target", tform, date, i))

    _resolve_direct(res, mentions)
    _merge_name_variants(res, mentions)
    _resolve_bodies(res, mentions)
    _resolve_surnames(res, mentions)
    _resolve_titles(res, mentions)
    _finish(res, mentions, order)
    return res


def _resolve_direct(res: Resolution, mentions: List[_Mention]) -> None:
    """Countries and full names: the forms that identify an actor on their own."""
    for m in mentions:
        f = m.form
        if f.shape == "country":
            a = res._ensure("country", f.key, f.key)
            m.actor = a.id
            m.reason = _country_reason(f)
        elif f.shape == "full":
            a = res._ensure("person", f.key, f.text)
            m.actor = a.id
            m.reason = "full name"


def _name_parts(key: str) -> Tuple[str, Tuple[str, ...], str]:
    """(first forename, initials of the middle names, surname) of a folded full name."""
    words = key.split()
    middle = tuple(w.strip(".")[:1] for w in words[1:-1] if w.strip("."))
    return words[0], middle, words[-1]


def _same_person_names(a: str, b: str) -> bool:
    """Two folded full names of one surname that may be one person: the same forename or one
    a short form of the other ("vince cable", "vincent cable"), and middle names that agree
    where both give them ("john kerry", "john f. kerry")."""
    fa, ma, sa = _name_parts(a)
    fb, mb, sb = _name_parts(b)
    if sa != sb or (ma and mb and ma != mb):
        return False
    if fa == fb:
        return True
    variants = forename_variants()
    return bool(variants.get(fa, {fa}) & variants.get(fb, {fb}))


def _merge_name_variants(res: Resolution, mentions: List[_Mention]) -> None:
    """Full names that are forms of one name join one actor (the most named form's).

    Only when every pair in the linked set agrees: "George Bush" beside both "George W. Bush"
    and "George H. W. Bush", or "Pat Smith" beside "Patrick" and "Patricia Smith", stays
    apart, since it could be either."""
    count: Counter = Counter(m.actor for m in mentions if m.form.shape == "full")
    # a hyphen or a space between two surnames is one name ("Kilroy-Silk", "Kilroy Silk")
    key_of = {m.actor: m.form.key.replace("-", " ") for m in mentions if m.form.shape == "full"}
    by_surname: Dict[str, List[str]] = defaultdict(list)
    for aid, key in key_of.items():
        if len(key.split()) >= 2:
            by_surname[key.split()[-1]].append(aid)
    into: Dict[str, str] = {}
    for ids in by_surname.values():
        if len(ids) < 2:
            continue
        ids.sort(key=lambda i: (-count[i], key_of[i]))
        # connected groups of names that may be one person
        group_of = {i: {i} for i in ids}
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                if _same_person_names(key_of[ids[x]], key_of[ids[y]]):
                    merged = group_of[ids[x]] | group_of[ids[y]]
                    for i in merged:
                        group_of[i] = merged
        for group in {frozenset(g) for g in group_of.values() if len(g) > 1}:
            members = [i for i in ids if i in group]
            if all(_same_person_names(key_of[p], key_of[q])
                   for n, p in enumerate(members) for q in members[n + 1:]):
                for other in members[1:]:
                    into[other] = members[0]
    for m in mentions:
        if m.actor in into:
            m.actor = into[m.actor]
            m.reason = f"other form of the name of {res.actors[m.actor].label}"
    for aid in into:
        del res.actors[aid]


def _country_reason(f: Form) -> str:
    return {"name": "name", "alias": f"other name of {f.key}", "demonym": f"demonym of {f.key}",
            "capital": f"capital of {f.key}", "seat": f"seat of government of {f.key}",
            "possessive": f"possessive of {f.key}", "region": f"a region of {f.key}"}.get(f.how, "name")


# One lower-case word for a kind of body ("government", "party", "committee"): names no body by itself.
_BARE_BODIES = word_class("org_noun") | word_class("org_noun_any") | word_class("government_noun")


def _resolve_bodies(res: Resolution, mentions: List[_Mention]) -> None:
    """Organizations and groups, keyed by (affiliation, head words)."""
    bodies = [m for m in mentions if m.form.shape in ("organization", "group")]
    # Affiliated (or capitalised, self-identifying) bodies first.
    by_article: Dict[str, List[_Mention]] = defaultdict(list)
    for m in bodies:
        f = m.form
        if f.affiliation:
            a = res._ensure(f.shape, f"{f.affiliation}|{f.key}", f.text)
            m.actor, m.reason = a.id, "same body"
            by_article[m.attr.article_id].append(m)
    for m in bodies:
        if m.actor:
            continue
        f = m.form
        # "the ministry" after "Norway's foreign ministry" in the same article: that ministry
        # (the nearest one before it, like a reader would take it).
        same = [o for o in by_article.get(m.attr.article_id, ())
                if o.form.shape == f.shape and (o.form.key == f.key
                                                or o.form.key.endswith(" " + f.key))]
        before = [o for o in same if o.order <= m.order]
        after = {o.actor for o in same}
        pick = before[-1].actor if before else (after.pop() if len(after) == 1 else None)
        if pick:
            m.actor = pick
            m.reason = f"same article as {res.actors[pick].label}"
            continue
        if f.shape == "organization" and f.text.islower() and f.key in _BARE_BODIES:
            # "the government", "the party", "the committee" that neither the article nor
            # the corpus ties to a body: a bare role noun is no actor
            m.actor, m.reason = None, ""
            continue
        a = res._ensure(f.shape, f"|{f.key}", f.text)
        m.actor, m.reason = a.id, "same body"


def _people_titles(res: Resolution, mentions: List[_Mention]) -> Dict[str, Dict[str, List[str]]]:
    """Person actor id -> title key -> [first date, last date], from resolved mentions."""
    out: Dict[str, Dict[str, List[str]]] = defaultdict(dict)
    for m in mentions:
        if m.actor and m.form.title and res.actors[m.actor].kind == "person":
            span = out[m.actor].setdefault(title_key(m.form.title), [m.date, m.date])
            if m.date:
                span[0] = min(span[0] or m.date, m.date)
                span[1] = max(span[1], m.date)
    return out


def _people_affiliations(res: Resolution, mentions: List[_Mention]) -> Dict[str, Set[str]]:
    out: Dict[str, Set[str]] = defaultdict(set)
    for m in mentions:
        if m.actor and m.form.affiliation and res.actors[m.actor].kind == "person":
            out[m.actor].add(m.form.affiliation)
    return out


def _resolve_surnames(res: Resolution, mentions: List[_Mention]) -> None:
    """Bare surnames join a full name only on evidence; see the module docstring."""
    by_surname: Dict[str, List[str]] = defaultdict(list)
    for m in mentions:
        if m.form.shape == "full" and m.actor not in by_surname[m.form.key.split()[-1]]:
            by_surname[m.form.key.split()[-1]].append(m.actor)
    named_in: Dict[str, Set[str]] = defaultdict(set)  # article -> people named in full
    for m in mentions:
        if m.form.shape == "full":
            named_in[m.attr.article_id].add(m.actor)
    titles = _people_titles(res, mentions)
    affs = _people_affiliations(res, mentions)
    full_count: Counter = Counter(m.actor for m in mentions if m.form.shape == "full")

    for m in mentions:
        f = m.form
        if f.shape != "surname":
            continue
        cands = list(by_surname.get(f.key, ()))
        evidence = []
        if cands and f.affiliation:
            kept = [c for c in cands if f.affiliation in affs.get(c, ()) or not affs.get(c)]
            if not kept:
                cands = []  # same surname, another country: somebody else
            elif len(kept) < len(cands):
                cands, evidence = kept, evidence + [f"same affiliation {f.affiliation}"]
        if len(cands) > 1 and f.title:
            kept = [c for c in cands if title_key(f.title) in titles.get(c, {})]
            if kept and len(kept) < len(cands):
                cands, evidence = kept, evidence + [f"same title {f.title}"]
        if len(cands) > 1:
            kept = [c for c in cands if c in named_in.get(m.attr.article_id, ())]
            if len(kept) == 1:
                cands, evidence = kept, evidence + ["named in the same article"]
        if len(cands) > 1:
            # One person of that surname dominates the corpus (Tony Blair beside Ian and Cherie
            # Blair): the bare surname is taken as theirs, and the reason says so.
            ranked = sorted(cands, key=lambda c: -full_count[c])
            top, rest = full_count[ranked[0]], sum(full_count[c] for c in ranked[1:])
            if top >= _DOMINANT_SHARE * (top + rest) and top >= _DOMINANT_MIN:
                cands = ranked[:1]
                evidence = evidence + [f"named in full {top} times, others of that surname {rest}"]
        if len(cands) == 1:
            m.actor = cands[0]
            if not evidence:
                evidence = ["the only person of that surname"]
            m.reason = f"surname of {res.actors[m.actor].label}, {', '.join(evidence)}"
        elif len(cands) > 1:
            labels = sorted(res.actors[c].label for c in cands)
            a = res._ensure("person", f"{f.key}|ambiguous", _surname_label(f))
            a.ambiguous, a.candidates = True, tuple(labels)
            m.actor = a.id
            m.reason = "ambiguous: " + " or ".join(labels)
        else:
            key = f"{f.key}|{f.affiliation}" if f.affiliation and by_surname.get(f.key) else f.key
            a = res._ensure("person", key, _surname_label(f))
            m.actor, m.reason = a.id, "surname only"


# A full name that holds this share of its surname's full-name mentions, and at least this many,
# takes the bare surname.
_DOMINANT_SHARE = 0.9
_DOMINANT_MIN = 10
# A bare two-word title ("the prime minister") goes to the person holding this share of it.
_TITLE_DOMINANT_SHARE = 0.8


def _surname_label(f: Form) -> str:
    words = [w for w in words_of(f.text) if w[:1].isupper()]
    return words[-1] if words else f.text


def _resolve_titles(res: Resolution, mentions: List[_Mention]) -> None:
    """A title without a name joins the one person holding it (with that affiliation)."""
    titles = _people_titles(res, mentions)
    affs = _people_affiliations(res, mentions)
    holders_of: Dict[str, List[str]] = defaultdict(list)
    holders_in: Dict[Tuple[str, str], List[str]] = defaultdict(list)  # (title, country)
    for p, ts in titles.items():
        for t in ts:
            holders_of[t].append(p)
            for aff in affs.get(p, ()):
                holders_in[(t, aff)].append(p)
    # "Tory leader Michael Howard" holds the Conservative Party's "leader" as well: the body
    # a title opens with is the office's affiliation ("the Conservative leader")
    for o in mentions:
        if o.actor and o.form.title and res.actors[o.actor].kind == "person":
            body, office = title_body(o.form.title)
            if body and office and o.actor not in holders_in[(title_key(office), body)]:
                holders_in[(title_key(office), body)].append(o.actor)
    in_article: Dict[str, Set[str]] = defaultdict(set)
    for o in mentions:
        if o.actor:
            in_article[o.attr.article_id].add(o.actor)
    # how often each person is named with each title, counted once for the whole corpus
    title_counts: Counter = Counter((o.actor, title_key(o.form.title)) for o in mentions if o.actor and o.form.title)
    for m in mentions:
        f = m.form
        if f.shape != "title":
            continue
        holders = holders_of.get(f.key, [])
        same_article = in_article[m.attr.article_id].intersection(holders)
        why = []
        if f.affiliation:
            cands = holders_in.get((f.key, f.affiliation), [])
        else:
            cands = [p for p in holders if p in same_article]  # no country: same article first
            if not cands and holders and len(f.key.split()) >= 2:
                # "the prime minister" with nobody named in the article: the corpus's holder of
                # that title when one person holds nearly all its mentions
                count = Counter({p: title_counts[(p, f.key)] for p in holders})
                (top, n), total = count.most_common(1)[0], sum(count.values())
                if n >= _DOMINANT_MIN and n >= _TITLE_DOMINANT_SHARE * total:
                    cands, why = [top], [f"holds it in {n} of {total} mentions of the title"]
        if len(cands) > 1:
            dated = [p for p in cands if f.key in titles[p] and _date_within(m.date, titles[p][f.key])]
            if len(dated) == 1:
                cands, why = dated, [f"holding it on {m.date}"]
        if len(cands) > 1:
            here = [p for p in cands if p in same_article]
            if len(here) == 1:
                cands, why = here, ["named in the same article"]
        if len(cands) == 1:
            m.actor = cands[0]
            held = ", ".join(x for x in (_title_case(f.title or f.key), f.affiliation) if x)
            m.reason = ", ".join([f"title of {res.actors[m.actor].label} ({held})"] + why)
            continue
        if not f.affiliation and len(f.key.split()) == 1:
            # "the minister", "the chancellor" with no holder the article or corpus makes
            # certain: a bare role noun is no actor (ambiguous or not)
            m.actor, m.reason = None, ""
            continue
        label = f"{f.title} of {f.affiliation}" if f.affiliation else (f.title or f.text)
        a = res._ensure("person", f"title|{f.affiliation or ''}|{f.key}", label)
        if len(cands) > 1:
            a.ambiguous = True
            a.candidates = tuple(sorted(res.actors[c].label for c in cands))
            m.reason = "ambiguous: " + " or ".join(a.candidates)
        else:
            m.reason = "title only, holder unknown"
        m.actor = a.id


def _finish(res: Resolution, mentions: List[_Mention],
            order: Optional[Callable[[str], tuple]]) -> None:
    """Fill counts, dates, titles, aliases and affiliations; index speakers and targets."""
    labels: Dict[str, Counter] = defaultdict(Counter)
    aff_votes: Dict[str, Counter] = defaultdict(Counter)
    voted: Dict[str, Set[Tuple[str, str]]] = defaultdict(set)
    articles: Dict[str, Dict[str, None]] = defaultdict(dict)
    for m in mentions:
        if m.actor is None:
            continue
        a = res.actors[m.actor]
        if m.role == "speaker":
            res._speaker[m.attr.id] = a.id
            a.statements += 1
        else:
            found = res._target.setdefault(m.attr.id, [])
            if a.id not in found:
                found.append(a.id)
        a.mentions += 1
        if m.date:
            a.first_date = min(a.first_date or m.date, m.date)
            a.last_date = max(a.last_date, m.date)
        articles[a.id][m.attr.article_id] = None
        f = m.form
        if a.kind in ("organization", "group") or (a.kind == "person" and f.shape == "full"):
            labels[a.id][f.text] += 1
        if f.title and a.kind == "person":
            t = _title_case(f.title)
            span = a.titles.setdefault(t, [m.date, m.date])
            if m.date:
                span[0] = min(span[0] or m.date, m.date)
                span[1] = max(span[1], m.date)
        if f.affiliation and a.kind != "country" and (m.attr.article_id, f.affiliation) not in voted[a.id]:
            # one vote per article: a misread phrase repeated by every "Mr X" of one article
            # must not outvote the rest of the corpus
            voted[a.id].add((m.attr.article_id, f.affiliation))
            aff_votes[a.id][f.affiliation] += 1
        if f.text != a.label and f.text not in a.aliases and m.reason:
            a.aliases[f.text] = m.reason
        if m.written and fold(m.written) != fold(a.label) and m.written not in a.aliases:
            a.aliases[m.written] = m.written_why.format(label=a.label)
    for aid, counts in labels.items():
        a = res.actors[aid]
        # The most frequent way of writing it; ties go to the first seen.
        best = max(counts.items(), key=lambda kv: kv[1])[0]
        if best != a.label:
            a.aliases.pop(best, None)
            if a.label not in a.aliases and a.kind in ("organization", "group"):
                a.aliases[a.label] = "same body"
            a.label = best
    for aid, votes in aff_votes.items():
        ranked = votes.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            res.actors[aid].affiliation = ranked[0][0]
        # a tie between articles says nothing: the affiliation stays unknown
    for aid, arts in articles.items():
        ids = list(arts)
        if order is not None:
            ids.sort(key=order)
        res.actors[aid].articles = ids
    for a in res.actors.values():
        if a.ambiguous:
            # The label itself is the unresolved form: say so where the merges are listed.
            a.aliases[a.label] = "ambiguous: " + " or ".join(a.candidates)
        else:
            a.aliases.pop(a.label, None)


def _title_case(title: str) -> str:
    """One display form for titles in any case ("foreign minister" -> "Foreign Minister")."""
    small = {"of", "for", "and", "the", "to"}
    return " ".join(w if not w.islower() or w in small else w[:1].upper() + w[1:]
                    for w in title.split())
