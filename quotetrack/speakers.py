"""Who a source span refers to, resolved inside one article.

"Armenian Foreign Minister Ararat Mirzoyan" -> person Ararat Mirzoyan, title Foreign Minister,
affiliation Armenia; "Russia's defense ministry" -> organization, affiliation Russia; "a BBC
spokesman" -> organization BBC in the role of spokesman; a later "Pashinyan" -> Nikol Pashinyan;
"he" -> the person the article is talking about, by gender, recency and salience.

Phrases are read by the one mention model (:mod:`quotetrack.mentions`). The article's named
entities (the annotator's NER when it ran, else capitalised runs of words) form an inventory that
pronouns, surnames, role nouns ("the prime minister") and descriptions ("the ministry") resolve
to. Every resolved speaker says how (:attr:`Speaker.via`) and, when the source itself does not
name it, which mention of the article does (``named_start``/``named_end``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Tuple

from .doc import AnnotatedArticle
from .lexicon import ANSWERING_ACTS, OPENING_QUOTES, is_quote, titles
from . import geo
from .mentions import (Form, conjuncts, fold, forename_gender, is_forename, is_media_name, known_body,
                       parse_mention, parse_targets, people_noun, names_an_actor, portfolio_lists, pronoun_class,
                       speaks_for_body, title_body, title_words, titled_name, word_class)
from .records import Span, Speaker, stable_id

# NER types (Stanza's, CoreNLP's, GUM's, ours) -> what the inventory keeps them as.
_ENTITY_KINDS = {"PERSON": "person", "PER": "person", "ORG": "organization", "ORGANIZATION": "organization",
                 "GPE": "place", "LOC": "place", "LOCATION": "place", "NORP": "group"}
# Entity types that name one actor by themselves (conjoined speakers: each part one).
_NAMED_TYPES = frozenset({"PERSON", "PER", "ORG", "ORGANIZATION", "GPE"})
# How far back (sentences) a pronoun looks for its antecedent.
_PRONOUN_WINDOW = {"male": 6, "female": 6, "neuter": 3, "plural": 3, "relative": 0}
# A capitalised run longer than this is a headline or a list, not a name.
_MAX_NAME_TOKENS = 7
# Named mentions a resolution looks back over (descriptions, titles, pronouns).
_LOOKBACK = 400
# Sentences back to the body whose report or study speaks.
_DOCUMENT_WINDOW = 3
# First-person pronouns outside quotation marks that make an article read as an interview.
_INTERVIEW_MIN_FIRST_PERSON = 5
# Words that introduce an interviewee, and how far after them (characters) the name may come.
_INTERVIEW_CUE = re.compile(r"\b(?:interview(?:ed|s)?(?: with)?|spoke (?:with|to)|talked (?:with|to)|"
                            r"sat down with|caught up with|conversation with)\b", re.I)
_INTERVIEW_REACH = 40
_TO_US = re.compile(r"\s+(?:us|me|wikinews|this (?:reporter|newspaper|paper|site))\b", re.I)
# A name in the headline counts this much more towards who an interview is with, and one an
# interview phrase introduces this much.
_HEADLINE_WEIGHT = 2.0
_CUE_WEIGHT = 3.0
_CAPITALISED_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+")
# A picture credit before a name on its line ("Image: Jane Roe", "Photo by Jane Roe"; the
# label words are the ``credit_word`` class), looked for this many characters back.
_CREDIT_BEFORE = re.compile(r"\b(\w+)(?:\s+by)?\s*[:;]?\s*$")
_CREDIT_REACH = 30
_DETERMINERS = word_class("articles") | word_class("possessives") | frozenset(["your", "my"])
# A byline: a short paragraph naming who wrote the article or put its questions ("By Jane Roe",
# "Interview by Jane Roe, Daily Crumb", "Interviewer: Jane Roe"), at most this many words.
_BYLINE = re.compile(r"(?:by|(?:interview(?:ed)?|questions|reported|written)\s+by|interviewer\s*:)\s+(\S.*)$", re.I)
_BYLINE_MAX_WORDS = 10
_BYLINE_PARTS = re.compile(r"\s*(?:,|;|\||\(|/|\s[-\u2013\u2014]\s)\s*|\s+(?:and|for|of|at|in|with)\s+")
# A turn's label at the start of a paragraph ("Q:", "Jane Roe:", "Daily Crumb:").
_TURN_LABEL = re.compile(r"([A-Z][\w.'\u2019&-]*(?:\s+[A-Z][\w.'\u2019&-]*){0,3})\s*:\s+\S")
# A capitalised run right before or after an interview phrase ("the Daily Crumb interviewed
# her", "... was interviewed by Jane Roe", "... spoke with Wikinews").
_RUN_BEFORE = re.compile(r"((?:[A-Z][\w.'\u2019&-]*\s+){0,4}[A-Z][\w.'\u2019&-]*)(?:['\u2019]s)?"
                         r"(?:\s+(?:has|have|had|recently|also|first|then))?\s*$")
_RUN_AFTER = re.compile(r"\s+(?:by\s+)?(?:the\s+)?([A-Z][\w.'\u2019&-]*(?:\s+(?:of\s+)?[A-Z][\w.'\u2019&-]*){0,4})")
# Lower-case words that may follow a name after an interview phrase ("spoke with Wikinews
# about ...", "... last week", "... in London"); any other ("US activist") makes the name a modifier.
_AFTER_A_NAME = (word_class("function") | word_class("prepositions") | word_class("date_word")
                 | word_class("auxiliary") | word_class("opener") | frozenset(["about", "earlier", "recently"]))
_OBJECT_PRONOUN = re.compile(r"\s+(?:him|her|them)\b")
# A paragraph ending in a question mark (closing quotes and brackets after it allowed).
_QUESTION_END = re.compile(r"\?[\"'\u201d\u2019\u00bb)\]]*$")
# A question-and-answer layout: at least this many question paragraphs, each followed by an
# answer paragraph of at least this many words.
_QA_MIN_TURNS = 2
_ANSWER_MIN_WORDS = 2
# An interviewer's turn is short: a longer paragraph ending in a question mark is an answer
# (or a whole interview run together) that ends by asking.
_QUESTION_MAX_WORDS = 100
# Common words that a sentence start capitalises ("The government", "Ministers").
_COMMON_OPENERS = (word_class("articles") | word_class("demonstratives") | word_class("group_noun")
                   | word_class("government_noun") | word_class("org_noun"))
# The article's country (for "the government") is the one referred to at least this often,
# and this many times as often as any other.
_COUNTRY_MIN = 2
_COUNTRY_SHARE = 2.0


_UNSET = object()  # a cached value not worked out yet


@dataclass(frozen=True)
class _Named:
    """An entity named in the article: where, and who."""

    start: int  # character offsets of the mention
    end: int
    sent: int
    rank: int  # position among the named mentions of its sentence (0 = first, the likely subject)
    speaker: Speaker


def _nameless(sp: Speaker) -> bool:
    """A person known only by an office ("Scotland's first minister", unresolved)."""
    return sp.kind == "person" and bool(sp.title) and fold(sp.name).endswith(fold(sp.title))


def _not_an_office(text: str) -> bool:
    """Whether a phrase the recognizer tagged whole reads as a person's full name or a country
    ("Tony Blair"), not a title ("Former Secretary of State", which "and" joins to the same
    person's name) nor one word of a longer body's name ("the Public" of "the Public and
    Commercial Services union")."""
    form = parse_mention(text)
    return form is not None and form.shape in ("full", "country")


def _lead_in_pronoun(words: List[str]) -> bool:
    """A subject pronoun after a few lower-case lead-in words ("First of all I", "And then
    we"): the pronoun is the source; the words before it name nobody."""
    if not 2 <= len(words) <= 5 or words[-1].lower() not in word_class("subject_pronouns"):
        return False
    lead = words[:-1]
    first = lead[0].lower()
    return all(w.isalpha() and w.islower() for w in lead[1:]) and lead[0].isalpha() and (
        lead[0].islower() or first in word_class("opener") | word_class("function") | word_class("prepositions")
        or len(lead) >= 2 and not (is_forename(lead[0]) or geo.lookup(lead[0]) or known_body(lead[0])
                                   or _title_word(lead[0])))


def _speaker_id(kind: str, name: str) -> str:
    return stable_id(kind, name if kind == "country" else name.lower())


def speaker_of(form: Form, *, via: str) -> Speaker:
    """A Speaker for a parsed mention (no article context). A bare role or document
    ("a spokesman", "the report") gives a placeholder the article must resolve."""
    kind = form.kind
    if kind == "country":
        return Speaker(_speaker_id("country", form.key), form.key, "country", via=via, role=form.role)
    if form.shape == "title":
        label = form.text
        key = f"{form.title} of {form.affiliation}" if form.affiliation else label
        return Speaker(_speaker_id("person", key), label, "person", form.title, form.affiliation, via=via)
    name = form.name
    return Speaker(_speaker_id(kind, name), name, kind, form.title if kind == "person" else None,
                   form.affiliation, via=via, role=form.role)


def _cap_word(t: str) -> bool:
    """A capitalised word: "Aliyev", "Azerbaijan's", "Al-Assad", "U.S."."""
    if not t[:1].isupper():
        return False
    core = t[:-2] if t[-2:] in ("'s", "’s") else t
    return core.replace("-", "").replace("'", "").replace("’", "").isalpha() or ("." in t and len(t) <= 4)


def _title_word(word: str) -> bool:
    """A lower-case person's title ("leader", "chairman"): "Tory leader Michael Howard"."""
    return word.islower() and titles().get((word,)) == "person"


def _gender_of(form: Form, written: str = "") -> Optional[str]:
    """From an honorific as written ("Ms Dagny Holm"), else from a learned forename."""
    words = (written or form.text).lower().replace(".", "").split()
    words = [w for w in words if w in word_class("honorific")][:1] or words
    if not words:
        return None
    if words[0] in word_class("honorific_male"):
        return "male"
    if words[0] in word_class("honorific_female"):
        return "female"
    return forename_gender(form.name) if form.shape == "full" else None


class SpeakerResolver:
    """Resolves the source spans of one article, in text order, remembering who was named."""

    def __init__(self, doc: AnnotatedArticle):
        self.doc = doc
        self.people: Dict[str, Tuple[Speaker, int, int]] = {}  # folded full name -> (speaker, start, end)
        self.by_surname: Dict[str, List[str]] = {}  # folded surname -> folded full names
        self.gender: Dict[str, str] = {}  # speaker id -> "male" / "female"
        self.spoke: List[Tuple[int, Speaker, int]] = []  # (start, speaker, end) of the sources resolved so far
        self._portfolios: Optional[List[Tuple[int, int, int]]] = None  # portfolio_lists of the text (the inventory reads it)
        self.named: List[_Named] = self._inventory()
        self._starts: List[int] = [n.start for n in self.named]  # bisect index into self.named
        self._entities: Optional[List] = None  # doc.entities by start, built on first use
        self._entity_starts: List[int] = []
        self._first_person: Optional[int] = None
        self._government = None  # the article's country's government, found on first use (False: none)
        self._paras: Optional[List[Tuple[int, int]]] = None  # non-empty lines, found on first use
        self._qa: object = _UNSET  # qa_layout(), found on first use
        self._interview: object = _UNSET  # interviewee(), for first-person sources
        self._interviewers: Optional[Tuple[Optional[Speaker], Optional[Speaker]]] = None  # (person, body)
        self._labels: Optional[Tuple[frozenset, frozenset]] = None  # labels of questions, of answers

    # -- public -----------------------------------------------------------------------
    def resolve(self, source: Span) -> Optional[Speaker]:
        """The speaker a source span refers to, or None when it names nobody we can tell."""
        speaker = self._resolve(source)
        if speaker is not None:
            self.spoke.append((source.start, speaker, source.end))
            if speaker.named_start is None and speaker.kind != "person":
                # "Norway's foreign ministry" is no capitalised run: keep it for "the ministry"
                self._add_named(source, speaker)
        return speaker

    def _add_named(self, source: Span, speaker: Speaker) -> None:
        lo = bisect.bisect_left(self._starts, source.start)
        hi = bisect.bisect_right(self._starts, source.start)
        if any(self.named[k].end == source.end for k in range(lo, hi)):
            return
        toks = self.doc.tokens
        i = min(self.doc.token_at(source.start), len(toks) - 1)
        self.named.insert(lo, _Named(source.start, source.end, toks[i].sent, 0, speaker))
        self._starts.insert(lo, source.start)

    def _named_before(self, at: int, limit: int = _LOOKBACK) -> List[_Named]:
        """The last ``limit`` named mentions starting before ``at`` (a bounded look back keeps
        resolution linear in the article's size)."""
        k = bisect.bisect_left(self._starts, at)
        return self.named[max(0, k - limit):k]

    def describe(self, text: str) -> Optional[Speaker]:
        """A speaker from a phrase alone (plus names seen earlier in the article)."""
        form = parse_mention(text)
        if form is None:
            return None
        return self._link(form, speaker_of(form, via="name"), None)

    def salient_person(self, bonus: Optional[Dict[int, float]] = None, *,
                       exclude: frozenset = frozenset()) -> Optional[Speaker]:
        """The person the article is about (an interview's interviewee): the most mentions,
        surnames included, with the headline's names counting more. A name in a picture
        credit ("Image: Jane Roe", "Photo by Jane Roe") is the photographer's and does not count.

        Args:
            bonus: Extra weight for the named mentions starting at these offsets.
            exclude: Ids of people who cannot be the one (see :meth:`interviewee`).
        """
        score: Dict[str, float] = {}
        first: Dict[str, _Named] = {}
        headline_end = self.doc.text.find("\n")
        for n in self.named:
            sp = self._person_of(n)
            if sp is None or sp.id in exclude or self._credited(n):
                continue
            weight = 1.0 + (_HEADLINE_WEIGHT if 0 <= n.start < headline_end else 0.0)
            weight += (bonus or {}).get(n.start, 0.0)
            score[sp.id] = score.get(sp.id, 0.0) + weight
            first.setdefault(sp.id, n)
        if not score:
            return None
        best = max(score, key=lambda k: (score[k], -first[k].start))
        return self._named_speaker(first[best], "salience")

    def _person_of(self, n: _Named) -> Optional[Speaker]:
        """The person a named mention stands for (a bare surname as the full name the article
        gives it), or None for anything else."""
        sp = n.speaker
        if sp.kind != "person":
            return None
        if " " not in sp.name:
            full = self._full_name(fold(sp.name), before=n.start)
            return full[0] if full is not None else None
        return sp

    def _credited(self, n: _Named) -> bool:
        """Whether a name follows a picture-credit label on its line ("Image: Jane Roe") or
        stands in a byline ("By Jane Roe")."""
        text = self.doc.text
        line = text.rfind("\n", 0, n.start) + 1
        m = _CREDIT_BEFORE.search(text, max(line, n.start - _CREDIT_REACH), n.start)
        return m is not None and m.group(1).lower() in word_class("credit_word") or self._byline(line) is not None

    def _byline(self, line: int) -> Optional["re.Match"]:
        """The byline match of the paragraph starting at offset ``line`` (:data:`_BYLINE`), if any."""
        text = self.doc.text
        end = text.find("\n", line)
        end = len(text) if end < 0 else end
        while line < end and text[line].isspace():
            line += 1
        m = _BYLINE.match(text, line, end)
        return m if m and len(text[line:end].split()) <= _BYLINE_MAX_WORDS else None

    def _paragraphs(self) -> List[Tuple[int, int]]:
        """(start, end) of each non-empty line of the text, surrounding spaces left out."""
        if self._paras is None:
            self._paras = []
            pos = 0
            for line in self.doc.text.split("\n"):
                stripped = line.strip()
                if stripped:
                    a = pos + len(line) - len(line.lstrip())
                    self._paras.append((a, a + len(stripped)))
                pos += len(line) + 1
        return self._paras

    def _is_question(self, para: Tuple[int, int]) -> bool:
        """A paragraph that asks: it ends with a question mark and is not itself a quotation
        (a quoted question belongs to whoever the article quotes)."""
        t = self.doc.text[para[0]:para[1]]
        return bool(_QUESTION_END.search(t)) and t[:1] not in OPENING_QUOTES

    def qa_layout(self) -> Optional[int]:
        """Where an interview's questions and answers start: the offset of the first of at
        least :data:`_QA_MIN_TURNS` question paragraphs that an answer paragraph follows, the
        headline aside; None when the article has no such layout."""
        paras = self._paragraphs()[1:]
        turns = [p for p, q in zip(paras, paras[1:]) if self._is_question(p) and not self._is_question(q)
                 and len(self.doc.text[q[0]:q[1]].split()) >= _ANSWER_MIN_WORDS]
        return turns[0][0] if len(turns) >= _QA_MIN_TURNS else None

    def _interview_cue_before(self, at: int) -> bool:
        return _INTERVIEW_CUE.search(self.doc.text, 0, at) is not None

    def _asked_about(self, qa_start: int) -> frozenset:
        """The people a question paragraph names in the third person ("What do you make of
        Tom Green's plan?"): talked about, so not the one the questions are put to. A name
        the question addresses ("Ms Doe, ..." at its start, "..., Ms Doe?" at its end) is not
        among them, nor one that only modifies a noun ("a Doe government", "the Doe bakery":
        often the interviewee's own)."""
        text = self.doc.text
        out = set()
        for para in self._paragraphs():
            if para[1] <= qa_start or not self._is_question(para):
                continue
            lo = bisect.bisect_left(self._starts, para[0])
            for n in self.named[lo:]:
                if n.start >= para[1]:
                    break
                vocative = (n.start == para[0] and text[n.end:n.end + 1] == ",") or (
                    text[max(para[0], n.start - 2):n.start] == ", " and text[n.end:para[1]].strip() in ("?", ""))
                before = text[max(para[0], n.start - 8):n.start].split()[-1:]
                after = text[n.end:n.end + 20].split()[:1]
                modifier = bool(before and after) and before[0].lower() in _DETERMINERS and after[0].islower()
                sp = self._person_of(n)
                if sp is not None and not vocative and not modifier:
                    out.add(sp.id)
        return frozenset(out)

    def interviewee(self) -> Optional[Speaker]:
        """In an interview, the person answering; None for ordinary news.

        An article is an interview when first-person speech outside quotation marks runs
        through it (at least :data:`_INTERVIEW_MIN_FIRST_PERSON` times), or when its headline
        or introduction says it is one ("interviews", "spoke with") and it is laid out as
        questions and answers (:meth:`qa_layout`) with some first-person speech. The answering
        person is the most salient one, with those an interview phrase introduces ("Interview
        with X", "X spoke with us", "X was interviewed by Y") counting more; in a
        question-and-answer layout, people the questions talk about are not the one they are
        put to (:meth:`_asked_about`), and a picture credit names a photographer."""
        first_person = self._first_person_outside_quotes()
        qa_start = self._qa_start()
        if first_person < _INTERVIEW_MIN_FIRST_PERSON and not (
                qa_start is not None and first_person > 0 and self._interview_cue_before(qa_start)):
            return None
        text = self.doc.text
        bonus: Dict[int, float] = {}
        people = [n for n in self.named if n.speaker.kind == "person"]
        for m in _INTERVIEW_CUE.finditer(text):
            line_end = text.find("\n", m.end())
            line_end = len(text) if line_end < 0 else line_end
            if _TO_US.match(text, m.end()) or text[m.end():m.end() + 4].lower() == " by ":
                # "Jane Doe spoke with us", "X was interviewed by Y": the person before the cue
                near = [n for n in people if m.start() - _INTERVIEW_REACH <= n.end <= m.start()]
                if near:
                    bonus[near[-1].start] = bonus.get(near[-1].start, 0.0) + _CUE_WEIGHT
                continue
            # "Interview with US activist and philosopher Noam Chomsky": the first person named
            # after the cue on its line, with no other capitalised name in between
            after = [n for n in people if m.end() <= n.start < line_end]
            if after and not _CAPITALISED_NAME.search(text, m.end(), after[0].start):
                bonus[after[0].start] = bonus.get(after[0].start, 0.0) + _CUE_WEIGHT
        exclude = self._asked_about(qa_start) if qa_start is not None else frozenset()
        sp = self.salient_person(bonus, exclude=exclude)
        return replace(sp, via="interviewee") if sp is not None else None

    def outside_quotes(self, pronoun: Span, *, act: str = "") -> Optional[Speaker]:
        """Who a first- or second-person source outside quotation marks is ("I", "we", "you";
        ``pronoun`` is the source, so its position in the article counts). Only an interview
        has one (:meth:`interviewee`). Where the interview is laid out as questions and answers
        (:meth:`qa_layout`), a question (:meth:`in_question`) is the interviewer's turn: its
        "I"/"we" is the interviewer (:meth:`interviewer`; None when the text names nobody,
        never the interviewee), as is a first-person "asked" anywhere ("We asked ..."). Every
        other "I"/"we", and "you" wherever it stands (asked, or spoken of in an answer), is
        the interviewee. In ordinary news None."""
        words = pronoun.text.split()
        person = pronoun_class(words[-1]) if words else None
        if person not in ("first", "second"):
            return None
        interviewee = self._interviewee()
        if interviewee is None:
            return None
        if person == "first" and (act == "ask" or self.in_question(pronoun.start)):
            return self.interviewer(plural=words[-1].lower() in ("we", "us", "our"))
        return interviewee

    def _interviewee(self) -> Optional[Speaker]:
        """:meth:`interviewee`, worked out once per article."""
        if self._interview is _UNSET:
            self._interview = self.interviewee()
        return self._interview  # type: ignore[return-value]

    def _qa_start(self) -> Optional[int]:
        if self._qa is _UNSET:
            self._qa = self.qa_layout()
        return self._qa  # type: ignore[return-value]

    def _paragraph_at(self, at: int) -> Optional[Tuple[int, int]]:
        paras = self._paragraphs()
        k = bisect.bisect_right(paras, (at, len(self.doc.text) + 1)) - 1
        return paras[k] if k >= 0 and paras[k][0] <= at < paras[k][1] else None

    def _turn_label(self, para: Tuple[int, int]) -> Optional[str]:
        m = _TURN_LABEL.match(self.doc.text, para[0], para[1])
        return m.group(1) if m else None

    def _turn_labels(self) -> Tuple[frozenset, frozenset]:
        """Labels that mark the questions ("Q", "Daily Crumb") and those that mark the answers
        ("A", "Jane Doe") of a question-and-answer layout, by which kind of paragraph
        (:meth:`_is_question`) each labels more often."""
        if self._labels is None:
            qa = self._qa_start()
            asks: Dict[str, int] = {}
            answers: Dict[str, int] = {}
            for para in self._paragraphs():
                label = self._turn_label(para) if qa is not None and para[0] >= qa else None
                if label is not None:
                    seen = asks if self._is_question(para) else answers
                    seen[label] = seen.get(label, 0) + 1
            labels = set(asks) | set(answers)
            self._labels = (frozenset(k for k in labels if asks.get(k, 0) > answers.get(k, 0)),
                            frozenset(k for k in labels if answers.get(k, 0) > asks.get(k, 0)))
        return self._labels

    def in_question(self, at: int) -> bool:
        """Whether offset ``at`` lies in one of the interviewer's turns of a question-and-answer
        layout (:meth:`qa_layout`): from the first turn on, a paragraph labelled as the
        questions are ("Q: ...", "Jane Roe: ..."), else, unlabelled, a question paragraph
        (:meth:`_is_question`) of at most :data:`_QUESTION_MAX_WORDS` words. A paragraph labelled as the answers are is an answer even when
        it ends with a question mark."""
        qa = self._qa_start()
        if qa is None or at < qa:
            return False
        para = self._paragraph_at(at)
        if para is None:
            return False
        label = self._turn_label(para)
        if label is not None:
            asks, answers = self._turn_labels()
            if label in asks or label in answers:
                return label in asks
        return self._is_question(para) and len(self.doc.text[para[0]:para[1]].split()) <= _QUESTION_MAX_WORDS

    def interviewer(self, *, plural: bool = False) -> Optional[Speaker]:
        """Who puts an interview's questions, for the "I" (a person first) or the "we" (a
        publication first, ``plural``) of a question. Found, in this order: a byline ("By Jane
        Roe", "Interview by Jane Roe, Daily Crumb"); the label of the question paragraphs
        ("Jane Roe: Why ...?"); an interview phrase that names who asks ("Jane Doe was
        interviewed by the Daily Crumb", "the Daily Crumb interviewed her", "Wikinews spoke
        with Jane Doe", "Jane Doe spoke with Wikinews", "in an interview with the Daily
        Crumb"); the publication the article comes from (``Article.source``) when the text names
        it. None when the text names nobody: never the interviewee."""
        if self._interviewers is None:
            self._interviewers = self._find_interviewers()
        person, body = self._interviewers
        return (body or person) if plural else (person or body)

    def _find_interviewers(self) -> Tuple[Optional[Speaker], Optional[Speaker]]:
        interviewee = self._interviewee()
        found: List[Speaker] = []
        text = self.doc.text
        qa = self._qa_start()
        for para in self._paragraphs():
            m = self._byline(para[0])
            if m:
                at = m.start(1)
                for part in _BYLINE_PARTS.split(text[at:para[1]]):
                    at = text.find(part, at)
                    found += self._asker(at, at + len(part), interviewee)
                    at += len(part)
        if qa is not None:
            asks, _ = self._turn_labels()
            for para in self._paragraphs():
                label = self._turn_label(para) if para[0] >= qa else None
                if label in asks:
                    found += self._asker(para[0], para[0] + len(label), interviewee)
        for m in _INTERVIEW_CUE.finditer(text):
            found += self._asker_of_phrase(m, interviewee)
        source = (self.doc.article.source or "").strip()
        at = text.lower().find(source.lower()) if source else -1
        if at >= 0:
            found += self._asker(at, at + len(source), interviewee, body=True)
        person = next((sp for sp in found if sp.kind == "person"), None)
        body = next((sp for sp in found if sp.kind != "person"), None)
        return person, body

    def _asker_of_phrase(self, m: "re.Match", interviewee: Optional[Speaker]) -> List[Speaker]:
        """The interviewer an interview phrase names: after "interviewed by"; before the phrase
        when what follows it is the interviewee or a pronoun ("the Daily Crumb interviewed
        her"); after it when what precedes it is the interviewee or nothing named ("Jane Doe
        spoke with Wikinews", "In an interview with the Daily Crumb")."""
        text = self.doc.text
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        us = _TO_US.match(text, m.end(), line_end)
        if us and us.group().strip()[:1].islower():
            return []  # "spoke with us": the publication, unnamed
        after = _RUN_AFTER.match(text, m.end(), line_end)
        after_span = (after.start(1), after.end(1)) if after else None
        nxt = text[after_span[1]:line_end].split()[:1] if after_span else []
        if nxt and nxt[0].islower() and nxt[0] not in _AFTER_A_NAME:
            after_span = None  # "Interview with US activist ...": a modifier, not who
        the_after = bool(after_span) and text[m.end():after_span[0]].split()[-1:] == ["the"]
        if after_span and text[m.end():after_span[0]].split()[:1] == ["by"]:
            return self._asker(*after_span, interviewee, body=the_after)  # "was interviewed by Jane Roe"
        before = _RUN_BEFORE.search(text, max(line_start, m.start() - _INTERVIEW_REACH), m.start())
        before_span = (before.start(1), before.end(1)) if before else None
        if before_span:
            run = text[before_span[0]:before_span[1]]
            cut = run.rfind(". ") + 2 if ". " in run else 0  # "Leeds. The Daily Crumb": a sentence ended
            cut += 4 if run[cut:cut + 4] == "The " and len(run) > cut + 4 else 0  # "The Daily Crumb"
            before_span = (before_span[0] + cut, before_span[1])
        said_by = pronoun_class(text[before_span[0]:before_span[1]]) if before_span else None
        the_before = bool(before_span) and text[max(0, before_span[0] - 4):before_span[0]].lower() == "the "
        if said_by in ("first", "second"):
            return []  # "We interviewed Jane Doe", "I spoke to Tom Green": the publication, or an answer
        after_is_them = after_span is not None and self._is_person(after_span, interviewee)
        if before_span and not said_by and not self._is_person(before_span, interviewee) and (
                after_is_them or _OBJECT_PRONOUN.match(text, m.end(), line_end)):
            return self._asker(*before_span, interviewee, body=the_before)  # "the Daily Crumb interviewed her"
        if after_span and not after_is_them and (
                before_span is None or said_by or self._is_person(before_span, interviewee)):
            return self._asker(*after_span, interviewee, body=the_after)  # "Jane Doe spoke with Wikinews"
        return []

    def _is_person(self, span: Tuple[int, int], person: Optional[Speaker]) -> bool:
        """Whether the text at ``span`` names ``person`` (full name or surname)."""
        if person is None:
            return False
        words = fold(self.doc.text[span[0]:span[1]]).replace("'s", "").replace("\u2019s", "").split()
        name = fold(person.name).split()
        return bool(words) and (words[-len(name):] == name or words[-1] == name[-1])

    def _asker(self, start: int, end: int, interviewee: Optional[Speaker], *, body: bool = False) -> List[Speaker]:
        """The person or body named at ``text[start:end]`` as an interviewer ([] for nobody,
        a pronoun or the interviewee). A single word that is no one's surname in the article
        ("Wikinews", "Reuters") is a body."""
        phrase = self.doc.text[start:end].strip(" ,.;:")
        if not phrase or not phrase[:1].isupper() or self._is_person((start, end), interviewee):
            return []
        words = phrase.split()
        if len(words) == 1 and pronoun_class(words[0]):
            return []
        form = parse_mention(phrase, kind="organization" if body else None)
        if form is None:
            return []
        if form.shape == "surname" and not form.how:
            known = self._known_surname(phrase, before=start)
            if known is not None:
                return [replace(known, via="interviewer", named_start=start, named_end=start + len(phrase))]
            hint = self._entity_kind(Span(phrase, start, start + len(phrase)), phrase)
            if hint == "person" or is_forename(phrase):
                return []  # a surname or forename alone: nobody the article can name
            form = parse_mention(phrase, kind="organization")
            if form is None:
                return []
        if form.shape not in ("full", "organization"):
            return []  # a title alone ("the editor"), a group, a country
        sp = speaker_of(form, via="interviewer")
        if sp.kind == "person" and fold(sp.name) in self.people:
            sp = replace(self.people[fold(sp.name)][0], via="interviewer")
        return [replace(sp, named_start=start, named_end=start + len(phrase))]

    def resolve_target(self, target: Span, act: str, speaker: Optional[Speaker] = None, *,
                       subject: bool = False) -> Optional[Speaker]:
        """The actor a target phrase is aimed at, resolved like a speaker: pronouns ("accused
        him"), possessives ("his policies" -> his owner, "Tory plans" -> the Conservative Party),
        surnames, titles, bare role nouns ("the government", "ministers": see
        :meth:`country_government`). None when it names no actor: things ("the plans", "the
        fact"), clauses ("how Labour would pay"), people it does not name ("his lawyers",
        "union leaders"). Of several conjoined targets ("Mr Blair and Mr Brown") the first;
        :func:`quotetrack.actors.resolve` adds the others. ``subject``: the target is the
        subject of a passive ("He was asked"), so a subject pronoun is whom it was aimed at."""
        text = target.text.strip()
        words = text.split()
        if not words:
            return None
        pclass = pronoun_class(words[0])
        if pclass in ("neuter", "plural") and act in ANSWERING_ACTS and (
                len(words) == 1 or words[-1].lower() in word_class("claim_noun")):
            return None  # "denied it", "dismissed them", "rejected their claims": the claim answered
        if words[0].lower() in word_class("subject_pronouns") and not subject:
            return None  # "denied he had lied": the subject of what was denied, not a target
        if words[0][:1].isupper() and words[0].lower() in _COMMON_OPENERS:
            # "Ministers have been asked", "The government was urged": a sentence's capital
            words = [words[0].lower()] + words[1:]
            text = " ".join(words)
        if pclass in ("male", "female", "neuter", "plural"):
            if len(words) > 1:
                rest = parse_mention(" ".join(words[1:]), role="target", act=act)
                if words[-1].lower() not in word_class("proxy") and (
                        rest is not None and rest.kind == "person" or people_noun(words[-1])):
                    # "his chancellor", "his lawyers", "their supporters": other people, whom
                    # the pronoun does not name ("his government" is his, see the proxy class)
                    return None
            # "him", "them", "his policies", "their plans": whoever the pronoun stands for --
            # never the clause's own subject ("Smith accused him": him is not Smith)
            exclude = frozenset([speaker.id]) if speaker is not None else frozenset()
            return self._pronoun(Span(words[0], target.start, target.start + len(words[0])), pclass, exclude,
                                 target=not subject)
        parts = conjuncts(text, act=act)
        if len(parts) > 1:
            first = text.find(parts[0])
            return self.resolve_target(Span(parts[0], target.start + first, target.start + first + len(parts[0])),
                                       act, speaker, subject=subject)
        known = self._known_surname(text, before=target.start)
        if known is not None:
            return known  # "Mr Hague" after "William Hague": the person, not The Hague
        described = parse_mention(text)
        if described is not None and described.kind in ("organization", "group") and not described.affiliation \
                and described.how != "known body" and text.islower() and (
                described.kind == "organization" or described.key.split()[-1] in word_class("government_noun")):
            return self._bare_body(described, target.start)
        forms = parse_targets(text, act=act)
        if not forms:
            return None
        form = forms[0]
        sp = self._link(form, speaker_of(form, via="name"), target)
        return sp

    def _bare_body(self, form: Form, at: int) -> Optional[Speaker]:
        """ "the ministry", "the party", "the government", "ministers": the body of that kind
        named before, else (government nouns) the government of the article's country, else
        nobody: a bare role noun is never an actor."""
        words = form.key.split()
        if not words or len(words) > 3:
            return None
        body = self._earlier_body(form, before=at)
        if body is not None:
            return body
        if len(words) == 1 and words[-1] in word_class("government_noun"):
            return self.country_government()
        # "the breakaway authorities": a group; "the party" with no party named: nobody
        return speaker_of(form, via="description") if form.kind == "group" and len(words) > 1 else None

    def country_government(self) -> Optional[Speaker]:
        """The government of the country the article is about, for "the government",
        "ministers", "the administration". The article's country is the one it refers to most
        (names, demonyms, capitals, seats of government, and the countries of the bodies it
        names, such as a national party; a country after a locative preposition, "the war in
        Iraq", is a place and does not count), when that is at least twice as often as any
        other and at least twice in all; otherwise None (no guess)."""
        if self._government is None:
            counts: Dict[str, int] = {}
            text = self.doc.text
            for m in geo.find(text):
                before = text[max(0, m.start - 12):m.start].split()
                if before and before[-1].lower() in word_class("locative"):
                    continue  # "the war in Iraq": a place the article is about, not whose government
                counts[m.country] = counts.get(m.country, 0) + 1
            for n in self.named:
                c = geo.country_of(n.speaker.affiliation) if n.speaker.affiliation and n.speaker.kind != "country" \
                    else None
                if c:
                    counts[c] = counts.get(c, 0) + 1
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])
            top = ranked[0] if ranked else None
            if top and top[1] >= _COUNTRY_MIN and (len(ranked) == 1 or top[1] >= _COUNTRY_SHARE * ranked[1][1]):
                name = f"{top[0]} government"
                self._government = Speaker(_speaker_id("organization", name), name, "organization",
                                           affiliation=top[0], via="description")
            else:
                self._government = False
        return self._government or None

    def _first_person_outside_quotes(self) -> int:
        if self._first_person is None:
            n = 0
            inside = False
            for t in self.doc.tokens:
                w = t.text
                if is_quote(w) and w not in ("'", "’"):
                    inside = not inside if w in ('"', "``", "''") else w in OPENING_QUOTES
                elif not inside and w in ("I", "we", "We"):
                    n += 1
            self._first_person = n
        return self._first_person

    # -- resolution ---------------------------------------------------------------------
    def _whole_portfolio(self, source: Span) -> Span:
        """A source that starts inside a comma-separated portfolio and reaches its title
        ("Media and Sport Secretary Tessa Jowell" of "Culture, Media and Sport Secretary Tessa
        Jowell") read from the portfolio's start."""
        found = self._portfolio_around(source.start)
        if found is not None:
            lo, title, _ = found
            if lo < source.start < title < source.end:
                return Span(self.doc.text[lo:source.end], lo, source.end)
        return source

    def _portfolio_lists(self) -> List[Tuple[int, int, int]]:
        """:func:`quotetrack.mentions.portfolio_lists` of the article, found once."""
        if self._portfolios is None:
            self._portfolios = portfolio_lists(self.doc.text)
        return self._portfolios

    def _portfolio_around(self, at: int) -> Optional[Tuple[int, int, int]]:
        """The comma-separated portfolio (start, title start, end) that offset ``at`` lies in, else None."""
        lists = self._portfolio_lists()
        k = bisect.bisect_right(lists, (at, len(self.doc.text), 0)) - 1
        return lists[k] if k >= 0 and lists[k][0] <= at < lists[k][2] else None

    def _resolve(self, source: Span) -> Optional[Speaker]:
        source = self._whole_portfolio(source)
        text = source.text.strip()
        words = text.split()
        pclass = pronoun_class(words[-1]) if len(words) == 1 or (
            len(words) == 2 and words[0].lower() in word_class("opener")) or _lead_in_pronoun(words) else None
        if pclass:
            chained = self._from_coref(source)
            if chained is not None:
                return chained
            return self._pronoun(source, pclass)
        known = self._known_surname(text, before=source.start)
        if known is not None:
            return known
        first = self._first_conjunct(source)
        if first is not None:
            return self._resolve(first)
        form = parse_mention(text)
        if form is None:
            return None
        if form.role in word_class("spokesperson") and form.kind == "organization" \
                and words[0].lower() == "the":
            # "the Lib Dem spokesman" after "Lib Dem spokesman Vince Cable": the person the
            # article named in that role for that body, not the body
            named = self._role_holder(form, before=source.start)
            if named is not None:
                return named
        hint = self._entity_kind(source, form.name)
        if hint == "organization" and form.shape == "full" and (
                forename_gender(form.text) or any(w.lower().rstrip(".") in word_class("honorific") for w in words)
                or speaks_for_body(text) or titled_name(text)):
            # "Lydia Buchtmann for Food Standards", "Lord Roberts of Conwy", "curator Jane Roe":
            # a person's name, whatever the recognizer typed it
            hint = None
        if hint in ("person", "organization") and hint != form.kind and not form.role \
                and form.shape not in ("role", "document") and form.how not in ("known body", "member"):
            # the entity recognizer read the name ("New Zealand Herald" is a body, not
            # Mr Herald of New Zealand): parse it again as that kind
            form = parse_mention(text, kind=hint) or form
        return self._link(form, speaker_of(form, via="name"), source)

    def _first_conjunct(self, source: Span) -> Optional[Span]:
        """The first of conjoined speakers ("Both the school district and the police
        department said", "Mr Hill and Ms Dahl said"): one speaker per statement, and the first
        named is one of those who made it. Only an "and" joins them (commas also set off
        appositions: "the F.B.I. director, James B. Comey"), every part surely names a person,
        a body or a country (:func:`quotetrack.mentions.names_an_actor`: not "Secretary of
        State and presidential candidate Hillary Clinton", one person with two titles, nor "the
        World Travel and Tourism Council", one body), no recognized entity runs across the
        "and", and the phrase starts with "both" or every part has two words or more."""
        text = source.text.strip()
        lead = len(source.text) - len(source.text.lstrip())
        joins = list(re.finditer(r"\s(?:and|&)\s", text))
        if not joins:
            return None
        comma = text.find(",", joins[-1].end())
        if comma >= 0:
            if not text[comma + 1:].strip()[:1].islower():
                return None  # "MP for Conwy and the party's leader, Mr Llwyd": one person, named last
            # "George Bush and James Baker, secretary of state": the last one's description
            text = text[:comma].rstrip()
        if any(a <= joins[-1].start() < t for a, t, _ in portfolio_lists(text)):
            return None  # "Culture, Media and Sport Secretary Tessa Jowell": one office
        parts = conjuncts(text)
        if len(parts) < 2 or not (text.split()[0].lower() == "both" or all(len(p.split()) >= 2 for p in parts)):
            return None
        base = source.start + lead
        spans, pos = [], 0
        for p in parts:
            k = text.find(p, pos)
            spans.append((base + k, base + k + len(p)) if k >= 0 else None)
            pos = k + len(p) if k >= 0 else pos
        # each part names an actor by its form ("Mr Hill", a known body) or is a name the
        # entity recognizer tagged whole ("Tony Blair and Ruth Kelly": two PERSON entities)
        if not all(names_an_actor(p) or (sp is not None and self._entity_is(*sp) and _not_an_office(p))
                   for p, sp in zip(parts, spans)):
            return None
        if spans[0] is None:
            return None
        start = spans[0][0]
        if self._entity_across(start + len(parts[0]), source.end):
            return None
        return Span(parts[0], start, start + len(parts[0]))

    def _entity_is(self, start: int, end: int) -> bool:
        """Whether a recognized person, organization or place entity covers exactly the
        characters ``start..end`` (a leading "the" aside)."""
        doc = self.doc
        for e in doc.entities:
            if e.type.upper() in _NAMED_TYPES:
                s, t = doc.tokens[e.start].start, doc.tokens[e.end - 1].end
                if t == end and (s == start or doc.text[start:s].strip().lower() == "the"):
                    return True
        return False

    def _entity_across(self, at: int, end: int) -> bool:
        """Whether a recognized entity starts before ``at`` and runs past the next "and"."""
        doc = self.doc
        conj = doc.text.find(" and ", at, end)
        conj = doc.text.find(" & ", at, end) if conj < 0 else conj
        if conj < 0:
            return False
        for e in doc.entities:
            s, t = doc.tokens[e.start].start, doc.tokens[e.end - 1].end
            if s < conj and t > conj + 4:
                return True
        return False

    def _known_surname(self, text: str, *, before: int) -> Optional[Speaker]:
        """ "Paris" after "Valeska Paris", "Mr Key" after "John Key": the person, not the place."""
        words = [w for w in text.replace(".", "").split() if w.lower() not in word_class("honorific")]
        if len(words) != 1 or not words[0][:1].isupper():
            return None
        found = self._full_name(fold(words[0]), before=before)
        if found is None:
            return None
        sp, s, e = found
        return replace(sp, via="surname", named_start=s, named_end=e)

    def _link(self, form: Form, speaker: Speaker, source: Optional[Span]) -> Optional[Speaker]:
        """Tie a parsed mention to what the article named before it."""
        at = source.start if source is not None else len(self.doc.text)
        if form.shape == "role":
            # "a spokesman said": the body whose spokesperson spoke earlier in the article
            for _, sp, _ in reversed(self.spoke):
                if sp.role and sp.kind != "person":
                    return replace(sp, via="role")
            return None
        if form.shape == "document":
            # "the report said": the body named last before it, within a few sentences
            body = self._nearest_body(at)
            return replace(body, role=form.key, via="document") if body is not None else None
        if speaker.kind == "person" and form.shape == "full":
            known = self.people.get(form.key)
            if known is not None:
                sp, s, e = known
                if (speaker.title and not sp.title) or (speaker.affiliation and not sp.affiliation):
                    # a later, fuller mention ("Armenia's Prime Minister, Nikol Pashinyan") teaches
                    # the article's title and affiliation to every later reference
                    sp = replace(sp, title=sp.title or speaker.title, affiliation=sp.affiliation or speaker.affiliation)
                    self.people[form.key] = (sp, s, e)
                return replace(sp, title=speaker.title or sp.title,
                               affiliation=speaker.affiliation or sp.affiliation, via="name")
            if source is not None:
                self._register(speaker, source.start, source.end, form)
            return speaker
        if speaker.kind == "person" and form.shape == "surname":
            found = self._full_name(form.key, before=at)
            if found is not None:
                sp, s, e = found
                return replace(sp, title=speaker.title or sp.title, via="surname", named_start=s, named_end=e)
            return speaker
        if speaker.kind == "person" and form.shape == "title":
            holder = self._title_holder(form, before=at)
            if holder is not None:
                return replace(holder, role=form.role) if form.role else holder
            if form.role:
                # "the prime minister's spokesman" with no prime minister named: as a bare
                # spokesman, the body whose spokesperson spoke before
                return self._link(Form("role", form.role, form.role, role=form.role), speaker, source)
            return speaker
        if speaker.kind in ("organization", "group") and not form.affiliation and form.how != "known body":
            body = self._earlier_body(form, before=at)
            if body is not None:
                return replace(body, role=speaker.role or body.role)
            if form.key in word_class("government_noun"):
                # "the government said", "ministers said": the article's country's, or nobody
                return self.country_government()
        return speaker

    def _pronoun(self, source: Span, pclass: str, exclude: frozenset = frozenset(),
                 target: bool = False) -> Optional[Speaker]:
        """The antecedent of a pronoun. A target pronoun ("accused him") is not a continued
        speaker, so the last person quoted gets no preference; a plural one ("urged them") is
        a group or a body, never one person or a country."""
        if pclass == "first":
            return None  # decided by the caller: the quote's speaker, or an interviewee
        if pclass == "second":
            return None
        toks = self.doc.tokens
        i = self.doc.token_at(source.start)
        if i >= len(toks):
            return None
        sent = toks[i].sent
        window = _PRONOUN_WINDOW.get(pclass, 3)
        before = [n for n in self._named_before(source.start) if n.end <= source.start and sent - n.sent <= window]
        if pclass in ("male", "female"):
            return self._person_antecedent(source, pclass, sent, before, exclude, follow_speaker=not target)
        if pclass == "relative":
            same = [n for n in before if n.sent == sent]
            return self._named_speaker(same[-1], "relative") if same else None
        if target and pclass == "plural":
            kinds: Tuple[str, ...] = ("organization", "group")
        else:
            kinds = ("organization", "country") if pclass == "neuter" else ("organization", "group", "country")
        before = [n for n in before if n.speaker.id not in exclude]
        cands = [n for n in before if n.speaker.kind in kinds]
        return self._named_speaker(cands[-1], "pronoun") if cands else None

    def _person_antecedent(self, source: Span, gender: str, sent: int, before: List[_Named],
                           exclude: frozenset = frozenset(), follow_speaker: bool = True) -> Optional[Speaker]:
        def fits(sp: Speaker) -> bool:
            return sp.kind == "person" and self.gender.get(sp.id, gender) == gender and sp.id not in exclude

        people = [n for n in before if fits(n.speaker)]
        # Where some candidates are known to be of the pronoun's gender, the unknown ones
        # ("Food Standards", "Freewinds": capitalised phrases that may not be people) wait.
        sure = [n for n in people if self.gender.get(n.speaker.id) == gender]
        if sure and max(n.sent for n in sure) >= max(n.sent for n in people) - 2:
            people = sure
        # The last person quoted is who a following "he said" most often continues.
        last = None
        for at, sp, end in reversed(self.spoke if follow_speaker else ()):
            if at < source.start and fits(sp):
                if sp.named_start is None:
                    sp = replace(sp, named_start=at, named_end=end)  # named by that source itself
                last = (at, sp)
                break
        if last is not None and _nameless(last[1]) and any(n.start > last[0] for n in people):
            # "Scotland's first minister has told ... Jack McConnell was speaking ... He": a
            # person named after a nameless office holder quoted is the nearer antecedent
            last = None
        chosen: Optional[Speaker] = None
        # A person named earlier in the same sentence (the subject first) wins.
        same = [n for n in people if n.sent == sent]
        if same:
            chosen = self._named_speaker(min(same, key=lambda n: n.rank), "pronoun")
        elif last is not None and sent - self.doc.tokens[self.doc.token_at(last[0])].sent <= 2:
            chosen = replace(last[1], via="pronoun")
        elif people:
            nearest = max(n.sent for n in people)
            chosen = self._named_speaker(min((n for n in people if n.sent == nearest), key=lambda n: n.rank),
                                         "pronoun")
        elif last is not None:
            chosen = replace(last[1], via="pronoun")
        if chosen is not None:
            self.gender.setdefault(chosen.id, gender)
        return chosen

    def _named_speaker(self, n: _Named, via: str) -> Speaker:
        sp = n.speaker
        if sp.kind == "person" and " " not in sp.name:  # a bare surname named earlier
            full = self._full_name(fold(sp.name), before=n.start)
            if full is not None:
                fsp, s, e = full
                return replace(fsp, via=via, named_start=s, named_end=e)
        return replace(sp, via=via, named_start=n.start, named_end=n.end)

    def _full_name(self, surname_key: str, *, before: int) -> Optional[Tuple[Speaker, int, int]]:
        """The one full name of the article this surname (or full form) belongs to. Names
        anywhere in the article count (``before`` is where the surname stands, kept for
        callers; a headline's "Smith" is the lede's "John Smith")."""
        if surname_key in self.people:
            return self.people[surname_key]
        last = surname_key.split()[-1] if surname_key else ""
        hits = [k for k in self.by_surname.get(last, ()) if k.endswith(surname_key)]
        if len(hits) == 1:
            return self.people[hits[0]]
        return None

    def _title_holder(self, form: Form, *, before: int, named: Optional[List[_Named]] = None) -> Optional[Speaker]:
        """ "the prime minister" -> the person the article named with that title before
        (``named``: the mentions to look in, while the inventory is being built)."""
        key = title_words(form.title or "")
        if not key:
            return None
        head = key.split()[-1]
        best = None
        for n in (named[-_LOOKBACK:] if named is not None else self._named_before(before)):
            sp = self._titled(n.speaker)
            if sp.kind == "person" and sp.title and " " in sp.name:
                t = title_words(sp.title)
                extra = t[:-len(key)].split() if t.endswith(" " + key) else []
                if extra and extra[-1] in word_class("title_rank"):
                    continue  # a deputy prime minister is not "the prime minister"
                if t == key or t.endswith(" " + key) or (len(key.split()) == 1 and t.split()[-1] == head):
                    if form.affiliation and sp.affiliation and fold(form.affiliation) != fold(sp.affiliation):
                        continue
                    best = n
        return self._named_speaker(best, "title") if best else None

    def _titled(self, sp: Speaker) -> Speaker:
        """A person named without a title, with the title a fuller mention gave them."""
        if sp.kind == "person" and not sp.title and fold(sp.name) in self.people:
            return self.people[fold(sp.name)][0]
        return sp

    def _role_holder(self, form: Form, *, before: int) -> Optional[Speaker]:
        """The last person named before ``before`` with ``form``'s role as their title's last
        word and ``form``'s body opening it or as their affiliation ("Lib Dem spokesman Vince
        Cable" for "the Lib Dem spokesman")."""
        best = None
        for n in self._named_before(before):
            sp = self._titled(n.speaker)
            if sp.kind != "person" or not sp.title or title_words(sp.title).split()[-1:] != [form.role]:
                continue
            body, _ = title_body(sp.title)
            lead = " ".join(w for w in sp.title.split() if w[:1].isupper())  # "Green" of "Green spokeswoman"
            if fold(form.name) in (fold(body or ""), fold(sp.affiliation or ""), fold(lead)):
                best = n
        return self._named_speaker(best, "title") if best else None

    def _nearest_body(self, before: int) -> Optional[Speaker]:
        toks = self.doc.tokens
        i = min(self.doc.token_at(before), len(toks) - 1)
        if i < 0:
            return None
        sent = toks[i].sent
        cands = [n for n in self._named_before(before) if n.end <= before and sent - n.sent <= _DOCUMENT_WINDOW
                 and n.speaker.kind == "organization"]
        return self._named_speaker(cands[-1], "document") if cands else None

    def _earlier_body(self, form: Form, *, before: int) -> Optional[Speaker]:
        """ "the ministry", "the company" -> the organization of that kind the article named before."""
        head = form.key.split()[-1] if form.key else ""
        if not head or not form.text.islower() or len(form.text.split()) > 3:
            return None  # only a plain description ("the ministry"), not a name ("Audit Commission")
        generic = head in word_class("org_noun_any")
        media = head in word_class("media_noun")
        best = None
        for n in self._named_before(before):
            sp = n.speaker
            if sp.kind != "organization":
                continue
            if head in fold(sp.name).split() or (generic and form.kind == "organization") \
                    or (media and is_media_name(sp.name, head)):
                best = n  # "the newspaper": the publication named before ("the Daily Telegraph")
        return self._named_speaker(best, "description") if best else None

    # -- the article's inventory of named entities ---------------------------------------
    def _inventory(self) -> List[_Named]:
        doc = self.doc
        spans = self._entity_spans() if doc.entities else self._capitalised_runs()
        spans = self._with_portfolios(spans)
        out: List[_Named] = []
        rank: Dict[int, int] = {}
        for a, b, hint in spans:
            toks = doc.tokens
            text = doc.text[toks[a].start:toks[b - 1].end]
            known = self._known_surname(text, before=toks[a].start)
            if known is not None:
                sent = toks[a].sent
                r = rank.get(sent, 0)
                rank[sent] = r + 1
                out.append(_Named(toks[a].start, toks[b - 1].end, sent, r, known))
                continue
            form = parse_mention(text, kind=hint if hint in ("person", "organization") else None)
            if form is None:
                continue
            if hint == "place" and form.kind != "country":
                if form.shape == "full" and forename_gender(form.text):
                    pass  # "Valeska Paris": the recognizer saw the place; the forename says a person
                else:
                    continue  # a town or a region: no speaker, and no antecedent for "he" or "it"
            if hint is None and b - a == 1 and a == doc.sentences[toks[a].sent][0] \
                    and form.shape in ("surname", "group"):
                continue  # one capitalised word opening a sentence ("Allegedly"): no evidence of a name
            if hint == "person" and form.kind != "person":
                continue  # a title run the tagger typed as a name
            sp = speaker_of(form, via="name")
            if form.shape == "full":
                self._register(sp, toks[a].start, toks[b - 1].end, form)
            elif form.shape == "surname":
                full = self._full_name(form.key, before=toks[a].start)
                if full is not None:
                    sp = full[0]
            elif form.shape == "title":
                # "The Tory leader will ...": the person named with that title before, so a
                # later "he" finds Michael Howard, not a nameless title
                holder = self._title_holder(form, before=toks[a].start, named=out)
                if holder is not None:
                    sp = holder
            sent = toks[a].sent
            r = rank.get(sent, 0)
            rank[sent] = r + 1
            out.append(_Named(toks[a].start, toks[b - 1].end, sent, r, sp))
        # Full names are registered for the whole article: a headline or lede may name someone
        # by surname before the text names them in full ("Smith resigns" ... "John Smith said").
        return out

    def _register(self, sp: Speaker, start: int, end: int, form: Form) -> None:
        key = fold(sp.name)
        if key in self.people:
            return
        self.people[key] = (sp, start, end)
        self.by_surname.setdefault(key.split()[-1], []).append(key)
        g = _gender_of(form, self.doc.text[start:end])
        if g:
            self.gender.setdefault(sp.id, g)

    def _with_portfolios(self, spans: List[Tuple[int, int, Optional[str]]]) -> List[Tuple[int, int, Optional[str]]]:
        """Spans that reach a comma-separated portfolio's title ("Sport Secretary Tessa Jowell"
        in "Culture, Media and Sport Secretary Tessa Jowell", :func:`quotetrack.mentions.portfolio_lists`)
        start where the portfolio starts; the list's items alone ("Culture", "Media") are no
        mentions of their own."""
        if not self._portfolio_lists():
            return spans
        toks = self.doc.tokens
        out = []
        for a, b, hint in spans:
            start, end = toks[a].start, toks[b - 1].end
            found = self._portfolio_around(start)
            if found is not None:
                lo, title, _ = found
                if end <= title:
                    continue  # an item of the list
                a = self.doc.token_at(lo)
            out.append((a, b, hint))
        out.sort(key=lambda t: (t[0], t[1]))
        return out

    def _entity_spans(self) -> List[Tuple[int, int, Optional[str]]]:
        """NER entities, a person's title words before it included ("Foreign Minister X")."""
        doc = self.doc
        toks = doc.tokens
        out = []
        for ent in sorted(doc.entities, key=lambda e: e.start):
            kind = _ENTITY_KINDS.get(ent.type.upper())
            if kind is None and is_media_name(doc.text[toks[ent.start].start:toks[ent.end - 1].end]):
                kind = "organization"  # a publication the recognizer typed as a work ("MISC")
            if kind is None:
                continue
            a = ent.start
            if kind == "person":
                while a > 0 and toks[a - 1].sent == toks[ent.start].sent and ent.start - a < 4 \
                        and (_cap_word(toks[a - 1].text) and not pronoun_class(toks[a - 1].text)
                             or toks[a - 1].text in ("'s", "’s") and a >= 2 and _cap_word(toks[a - 2].text)
                             or _title_word(toks[a - 1].text) and a >= 2 and _cap_word(toks[a - 2].text)):
                    a -= 1  # "Foreign Minister X", "Russia's X", "Tory leader X"
            out.append((a, ent.end, kind))
        # extending a person over title words can reach before an earlier entity: keep order
        out.sort(key=lambda t: (t[0], t[1]))
        return out

    def _capitalised_runs(self) -> List[Tuple[int, int, Optional[str]]]:
        """Without NER: runs of capitalised words (particles and possessives inside) per sentence."""
        doc = self.doc
        toks = doc.tokens
        connect = word_class("name_particle")
        openers = word_class("opener") | word_class("determiner")
        out = []
        for s, e in doc.sentences:
            i = s
            while i < e:
                t = toks[i].text
                if not _cap_word(t):
                    i += 1
                    continue
                if (i == s and (t.lower() in openers or pronoun_class(t))) or t == "I":
                    i += 1
                    continue
                j = i + 1
                while j < e:
                    w = toks[j].text
                    if _cap_word(w) and w != "I":
                        j += 1
                    elif w in ("'s", "’s") and j + 1 < e and toks[j + 1].text[:1].isupper():
                        j += 1
                    elif w.lower() in connect and j + 1 < e and toks[j + 1].text[:1].isupper():
                        j += 1
                    else:
                        break
                if j - i <= _MAX_NAME_TOKENS:
                    out.append((i, j, None))
                i = j
        return out

    # -- other evidence ------------------------------------------------------------------
    def _entity_kind(self, source: Span, name: str) -> Optional[str]:
        """The recognized entity kind of the name inside a source span (person, organization,
        place), or None. The entity that holds the name counts, not whatever ends the span:
        "Per Halvorsen, who heads the Fishermen's Association" is a person."""
        doc = self.doc
        if not doc.entities or not name.strip():
            return None
        a, b = doc.token_at(source.start), doc.token_at(max(source.start, source.end - 1)) + 1
        last_word = fold(name).split()[-1]
        if self._entities is None:
            self._entities = sorted(doc.entities, key=lambda e: e.start)
            self._entity_starts = [e.start for e in self._entities]
        # entities starting inside the span, and one that starts before it and may reach in
        lo = max(0, bisect.bisect_left(self._entity_starts, a) - 1)
        hi = bisect.bisect_left(self._entity_starts, b)
        for e in self._entities[lo:hi]:
            if e.end <= a or e.start >= b:
                continue
            words = fold(doc.text[doc.tokens[e.start].start:doc.tokens[e.end - 1].end]).replace("'s", "").split()
            if last_word in words:
                return _ENTITY_KINDS.get(e.type.upper())
        return None

    def _from_coref(self, source: Span) -> Optional[Speaker]:
        """Follow a coreference chain (when the annotator made them) to its first named mention."""
        doc = self.doc
        if not doc.coref:
            return None
        i = doc.token_at(source.start)
        for chain in doc.coref:
            if any(a <= i < b for a, b in chain):
                for a, b in chain:
                    s, e = doc.tokens[a].start, doc.tokens[b - 1].end
                    phrase = doc.text[s:e]
                    if len(phrase.split()) == 1 and pronoun_class(phrase):
                        continue
                    form = parse_mention(phrase)
                    if form is not None:
                        sp = self._link(form, speaker_of(form, via="coref"), None)
                        if sp is not None:
                            return replace(sp, via="coref", named_start=s, named_end=e)
        return None
