"""Who a source span refers to, resolved inside one article.

"Armenian Foreign Minister Ararat Mirzoyan" -> person Ararat Mirzoyan, title Foreign Minister,
affiliation Armenia; "Russia's defense ministry" -> organization, affiliation Russia;
"he" -> the last person named before it; a later "Pashinyan" -> Nikol Pashinyan.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from .doc import AnnotatedArticle
from .geo import country_of
from .lexicon import match_title
from .records import Span, Speaker, stable_id

_PERSON_PRONOUNS = frozenset("he she him her his i we".split())
_RELATIVE = frozenset(["who", "whom", "whose"])
# Closed-class words that are capitalised only because they open a sentence.
_DETERMINERS = frozenset("the a an this that these those its his her their our both all some many "
                         "several most each every other another few no".split())
_GROUP_PRONOUNS = frozenset(["they", "them"])
_WORD_RE = re.compile(r"[\w’'.-]+|[^\w\s]")
_POSSESSIVE = ("'s", "’s")
_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which|whose|whom)\b|\s+(?:who|which)\s+(?:is|was|has|had|heads|leads)\b")
_CONNECT = frozenset(["of", "for", "de", "van", "von", "al", "bin", "la", "le", "du"])


_ARTICLE_RE = re.compile(r"^(the|a|an)\s+", re.I)


def _strip_article(text: str) -> str:
    """ "the breakaway authorities" -> "breakaway authorities" """
    return _ARTICLE_RE.sub("", text.strip())


def _words(text: str) -> List[Tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


class SpeakerResolver:
    """Resolves source spans of one article in text order, remembering who was named."""

    def __init__(self, doc: AnnotatedArticle):
        self.doc = doc
        self.people: Dict[str, Speaker] = {}  # full name -> speaker
        self.by_surname: Dict[str, List[str]] = {}  # surname -> full names seen
        self.last_person: Optional[Speaker] = None
        self.organizations: Dict[str, Speaker] = {}  # head word ("ministry") -> last one named

    # -- public -----------------------------------------------------------------------
    def resolve(self, source: Span, cue: Optional[Span] = None) -> Optional[Speaker]:
        text = source.text.strip()
        low = text.lower()
        if low in _PERSON_PRONOUNS or low in _RELATIVE or low in _GROUP_PRONOUNS:
            chained = self._from_coref(source)
            if chained or low in _GROUP_PRONOUNS:
                return chained
            return self._antecedent(source.start)
        speaker = self._retype(self.describe(text), source)
        if speaker and speaker.kind == "person":
            self._remember(speaker)
        elif speaker and speaker.kind == "organization":
            head = speaker.name.lower().split()[-1]
            if speaker.affiliation is None and speaker.name.lower() == head:
                # a bare definite description ("the ministry"): the last one named
                earlier = self.organizations.get(head)
                if earlier:
                    return earlier
            self.organizations[head] = speaker
        return speaker

    def describe(self, text: str) -> Optional[Speaker]:
        """A speaker from a noun phrase alone (plus names seen earlier in the article)."""
        text = _RELATIVE_CLAUSE.split(text, 1)[0].strip()  # "X, who heads the Y" -> "X"
        bare = _strip_article(text)
        whole = country_of(bare)
        if whole and not match_title([w.lower() for w in bare.split()], len(bare.split()) - 1):
            # "Azerbaijan", "Baku", "Downing Street", "the Kremlin": the state speaks
            return Speaker(stable_id("country", whole), whole, "country")
        words = _words(text)
        if not words:
            return None
        lower = [w[0].lower() for w in words]
        title_parts: List[str] = []
        title_kind = None
        affiliation = None
        name_words: List[str] = []
        i = 0
        n = len(words)
        while i < n:
            w = words[i][0]
            lw = lower[i]
            m = match_title(lower, i)
            if m:
                if name_words and not title_parts and m[1] == "person" and i and words[i - 1][0] != ",":
                    # "Fisheries Minister", "Environment Secretary": the capitalised words
                    # before a title qualify it; they are not a name
                    title_parts.append(" ".join(name_words))
                    name_words = []
                title_parts.append(" ".join(x[0] for x in words[i:i + m[0]]))
                title_kind = title_kind or m[1]
                if m[1] == "organization":
                    title_kind = "organization"
                i += m[0]
                continue
            if lw in _POSSESSIVE:
                i += 1
                continue
            if lw in _CONNECT and name_words and i + 1 < n and words[i + 1][0][:1].isupper():
                # "Foreign Minister Ararat Mirzoyan of Armenia": "of X" names the affiliation
                tail = " ".join(x[0] for x in words[i + 1:])
                country = country_of(tail)
                if country or (lw == "of" and (title_parts or len(name_words) >= 2)):
                    # an unknown place or body after a full name is still its affiliation
                    affiliation = affiliation or country or tail
                    break
            country = country_of(w) if w[:1].isupper() else None
            if country and (i + 1 < n and lower[i + 1] in _POSSESSIVE or not name_words):
                affiliation = affiliation or country
                if i == n - 1 and not title_parts and not name_words:
                    # the phrase is just the country (or its capital): the country speaks
                    return Speaker(stable_id("country", country), country, "country")
                i += 1
                continue
            if lw in _DETERMINERS:
                i += 1
                continue
            if w[:1].isupper() and w.isalpha() or (w[:1].isupper() and "." in w and len(w) <= 3) \
                    or (w[:1].isupper() and ("-" in w or "’" in w or "'" in w)):
                name_words.append(w)
            elif name_words and w == ",":
                # apposition: "His Azerbaijani counterpart, Jeyhun Bayramov"
                pass
            elif name_words and not w[:1].isupper():
                # a lower-case word after a name ends it unless the name is just a title-ish cap
                pass
            i += 1
        title = " ".join(title_parts) if title_parts else None
        if title:
            title = re.sub(r"\s+", " ", title).strip()
            if title.lower() in ("mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."):
                title = None
        name = " ".join(name_words)
        if name_words and title_kind != "organization":
            full = self._full_name(name)
            if full:
                found = self.people[full]
                return Speaker(found.id, found.name, "person", title or found.title,
                               affiliation or found.affiliation)
            return Speaker(stable_id("person", name.lower()), name, "person", title, affiliation)
        if title_kind == "organization":
            label = text.strip()
            label = _strip_article(label)
            return Speaker(stable_id("organization", label.lower()), label, "organization",
                           None, affiliation)
        if title_kind == "person" and affiliation:
            # "Armenia's Prime Minister": a role, no name; unresolved person
            label = _strip_article(text)
            return Speaker(stable_id("person", f"{title} of {affiliation}".lower()),
                           label, "person", title, affiliation)
        label = _strip_article(text)
        if not label:
            return None
        if affiliation and label.lower() in (affiliation.lower(),):
            return Speaker(stable_id("country", affiliation), affiliation, "country")
        return Speaker(stable_id("group", label.lower()), label, "group", title, affiliation)

    # -- helpers ----------------------------------------------------------------------
    def _entity_type(self, source: Span) -> Optional[str]:
        """NER type of the entity covering the source's last word (its head, in English)."""
        doc = self.doc
        if not doc.entities:
            return None
        last = doc.token_at(max(source.start, source.end - 1))
        for ent in doc.entities:
            if ent.start <= last < ent.end:
                return ent.type
        return None

    def _retype(self, speaker: Optional[Speaker], source: Span) -> Optional[Speaker]:
        """Let named-entity types, when the annotator produced them, settle the kind."""
        etype = self._entity_type(source) if speaker else None
        if not etype or not speaker:
            return speaker
        kind = {"PERSON": "person", "PER": "person", "ORG": "organization", "ORGANIZATION": "organization",
                "NORP": "group"}.get(etype)
        if etype in ("GPE", "LOC", "PLACE"):
            country = country_of(speaker.name)
            if country:
                return Speaker(stable_id("country", country), country, "country")
        if kind and kind != speaker.kind:
            return Speaker(stable_id(kind, speaker.name.lower()), speaker.name, kind,
                           speaker.title, speaker.affiliation)
        return speaker

    def _from_coref(self, source: Span) -> Optional[Speaker]:
        """Follow a coreference chain (when the annotator made them) to its first named mention."""
        doc = self.doc
        if not doc.coref:
            return None
        i = doc.token_at(source.start)
        for chain in doc.coref:
            if any(a <= i < b for a, b in chain):
                for a, b in chain:
                    phrase = doc.text[doc.tokens[a].start:doc.tokens[b - 1].end]
                    if phrase.lower() in _PERSON_PRONOUNS or phrase.lower() in _GROUP_PRONOUNS:
                        continue
                    sp = self.describe(phrase)
                    if sp:
                        return sp
        return None

    def _remember(self, sp: Speaker) -> None:
        if len(sp.name.split()) >= 2 and sp.name not in self.people:
            self.people[sp.name] = sp
            self.by_surname.setdefault(sp.name.split()[-1], []).append(sp.name)
        self.last_person = self.people.get(sp.name, sp)

    def _full_name(self, name: str) -> Optional[str]:
        """An earlier full name that this name is the surname (or full form) of, if unique."""
        if name in self.people:
            return name
        parts = name.split()
        hits = [full for full in self.by_surname.get(parts[-1], ())
                if len(parts) == 1 or full.endswith(name)]
        return hits[0] if len(hits) == 1 else None

    def _antecedent(self, char: int) -> Optional[Speaker]:
        """The last person named before ``char`` (speakers first, then any capitalised name)."""
        best = self._last_named_before(char)
        if best:
            return best
        return self.last_person

    def _last_named_before(self, char: int) -> Optional[Speaker]:
        # Title + name or two capitalised words in the text before the pronoun, nearest first.
        doc = self.doc
        toks = doc.tokens
        i = doc.token_at(char) - 1
        lo = max(0, i - 120)
        while i >= lo:
            t = toks[i]
            known = self._full_name(t.text) if t.text[:1].isupper() and t.text.isalpha() else None
            if known:  # the surname of someone already named
                return self.people[known]
            if t.text[:1].isupper() and t.text.isalpha() and i > 0 and toks[i - 1].text[:1].isupper() \
                    and toks[i - 1].text.isalpha() and toks[i - 1].sent == t.sent:
                j = i - 1
                while j - 1 >= 0 and toks[j - 1].sent == t.sent and (
                        toks[j - 1].text[:1].isupper() and (
                            toks[j - 1].text.isalpha() or toks[j - 1].text[:-2].isalpha()
                            and toks[j - 1].text[-2:] in ("’s", "'s"))
                        or toks[j - 1].text in ("’s", "'s") and j >= 2 and toks[j - 2].text[:1].isupper()):
                    j -= 1  # "Azerbaijan's President Ilham Aliyev": possessives belong to the phrase
                phrase = doc.text[toks[j].start:t.end]
                sp = self.describe(phrase)
                if sp and sp.kind == "person":
                    full = self._full_name(sp.name)
                    return self.people[full] if full else sp
                i = j - 1
                continue
            if t.text[:1].isupper() and t.text.isalpha() and len(t.text) > 2:
                full = self._full_name(t.text)
                if full:
                    return self.people[full]
            i -= 1
        return None
