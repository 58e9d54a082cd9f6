"""Shared finishing: candidates -> attributions (act, kind, target, speaker, stable id)."""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import Iterable, List, Optional

from ..doc import AnnotatedArticle
from ..lexicon import (ACCUSING_ACTS, ANSWERING_ACTS, OPENING_QUOTES, QUOTE_MARKS, TARGETED_ACTS, act_of, is_quote,
                       match_cue, word_class)
from ..records import Attribution, Span, Speaker
from ..mentions import names_a_thing, parse_mention, pronoun_class
from ..speakers import SpeakerResolver
from .candidate import Candidate, CharSpan
from .surface_rules import subject_before

# What is trimmed from the ends of every span: whitespace and edge punctuation, but never
# quotation marks (they decide the kind).
_SPAN_TRIM = " \t\r\n,;:—–-"
# Words that end the noun phrase after a targeted cue ("accused Baku *of* ...").
_TARGET_STOPS = frozenset("of to for that over on with in as against after from about by at "
                          "and but when while because if amid during would will could should must may "
                          "might can is are was were has have had".split())
_MAX_TARGET_TOKENS = 8
# Inside a target phrase, these start a new clause: its subject ("denied her faith meant
# she ..."), a question ("asked Mr McConnell how ..."), a negation ("urged Mr Brown not to").
_CLAUSE_START = word_class("subject_pronouns") | word_class("clause_opener") | frozenset(["not", "it"])
_DETERMINER_WORDS = word_class("articles") | word_class("demonstratives") | word_class("possessives")
_OWNER_LINKS = frozenset(["of", "by", "from"])
# Statements a denial may answer when no accusation against its speaker was reported ("X said
# judges should decide. Y rejected that idea."), and how many sentences before the denial
# they may stand. On the BBC tune rows of target_gold.tsv adding plain statements to
# accusations and claims took target edges F1 from 72.3 to 73.1.
_CLAIMING_ACTS = ACCUSING_ACTS | frozenset(["claim", "say", "declare", "assert", "report", "warn"])
_ANSWER_WINDOW = 2
# Passives (word_classes.tsv): forms of "be" before a participle cue ("was asked"), the words
# that may stand between ("has been harshly criticised"), and the participles that open a
# sentence and make its subject the one addressed ("Asked whether ..., Mr Howard said").
_PASSIVE_BE = word_class("passive_be")
_PASSIVE_GAP = word_class("passive_gap")
_QUESTIONED = word_class("questioned")
_MAX_INVERTED_SOURCE = 6  # words of a speaker named after the cue ("said correspondent Stephen Cape")
_FLOAT_REACH = 2  # paragraphs back to the speaker a floating quote continues
_NESTING_LOOKBACK = 50  # quotes examined for the one holding a first-person source
# A target of nothing but these words ("accused *those* who ...") is no target.
_EMPTY_TARGET = word_class("articles") | word_class("demonstratives")

# --------------------------------------------------------------------------------------

def trim(text: str, start: int, end: int, chars: str = " \t\r\n") -> CharSpan:
    """The span without ``chars`` at its ends; a span of nothing else (a ":" cue) keeps them."""
    s0, e0 = start, end
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    if start == end and chars.strip():
        return trim(text, s0, e0)
    return start, end




def extend_multiparagraph(text: str, content: CharSpan) -> CharSpan:
    """A quote whose paragraph ends with no closing mark goes on in the next paragraph when
    that one opens with a quote mark (the news convention for multi-paragraph quotes)."""
    start, end = content
    stripped = text[start:end].lstrip()
    if not stripped or stripped[0] not in OPENING_QUOTES:
        return content
    para_start = start
    while True:
        seg = text[para_start:end]  # only the last paragraph: each one reopens the quote
        opens = sum(seg.count(q) for q in "“«„‹")
        closes = sum(seg.count(q) for q in "”»›")
        straight = seg.count('"')
        balanced = (opens <= closes) if (opens or closes) else straight % 2 == 0
        if balanced:
            return start, end
        line_end = text.find("\n", end)
        if line_end < 0 or text[end:line_end].strip():
            return start, end  # the quote does not run to the end of its paragraph
        nxt = line_end
        while nxt < len(text) and text[nxt] in " \t\r\n":
            nxt += 1
        if nxt >= len(text) or text[nxt] not in OPENING_QUOTES:
            return start, end
        para_end = text.find("\n", nxt)
        para_end = len(text) if para_end < 0 else para_end
        para_start, end = nxt, trim(text, nxt, para_end)[1]


_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)|(?<=s)['’](?=\s|$)")


def kind_of(content: str) -> str:
    """direct = fully in quotation marks, mixed = partly, indirect = none.

    Apostrophes ("won't", "the country's", "voters’") are not quotation marks.
    """
    core = _APOSTROPHE.sub("", content).strip(" \t\r\n.,;:!?—–-")
    if not any(q in core for q in QUOTE_MARKS):
        return "indirect"
    if core and core[0] in QUOTE_MARKS and core[-1] in QUOTE_MARKS:
        return "direct"
    return "mixed"


def find_target(doc: AnnotatedArticle, cue: CharSpan, how: Optional[str], act: str = "") -> Optional[CharSpan]:
    """The noun phrase a targeted cue is aimed at: "accused *Baku* of", "called on *Yerevan* to"."""
    if not how:
        return None
    toks = doc.tokens
    n = len(toks)
    # Start after the cue verb itself: a tagged cue may run on ("accused Iceland of ...").
    first, last = doc.token_at(cue[0]), doc.token_at(cue[1] - 1) + 1
    words = [t.text.lower() for t in toks[first:last]]
    i = last
    for k in range(len(words)):
        m = match_cue(words, k)
        if m and (m[1].target == how or m[1].act == act):  # the verb that decided the act
            i = first + k + m[0]
            break
    if how != "obj":  # a preposition must come first: "appealed to X", "lashed out at X"
        if i >= n or toks[i].text.lower() != how:
            # the preposition may be inside the cue already ("called on")
            if doc.text[cue[0]:cue[1]].lower().split()[-1:] != [how]:
                return None
        else:
            i += 1
    if i < n and is_quote(toks[i].text):
        # 'criticised "extravagant" Tory promises': a scare-quoted modifier, then the phrase
        close = next((k for k in range(i + 1, min(n, i + 5)) if is_quote(toks[k].text)), None)
        if close is not None and close + 1 < n and toks[close + 1].text[:1].isalnum() \
                and toks[close + 1].sent == toks[i].sent:
            i = close + 1
    if act in ANSWERING_ACTS and i < n and toks[i].text.islower() and toks[i].text.endswith("ing") \
            and toks[i].text.lower() not in _TARGET_STOPS:
        return None  # "denied accusing Germany", "denied wanting to lead": his own doing, no target
    start = i
    while i < n and i - start < _MAX_TARGET_TOKENS and toks[i].sent == toks[start].sent:
        w = toks[i].text
        lw = w.lower()
        if i > start and _new_clause(toks, start, i):
            break
        if lw in _OWNER_LINKS and i > start and i + 1 < n and _names_owner(toks, i + 1) \
                and (act in ANSWERING_ACTS and lw != "of" or names_a_thing(doc.text[toks[start].start:toks[i - 1].end])):
            # "rejected the criticism from Reykjavik", "praised the work of Ms Hutt": the
            # author of the thing is the target
            i += 1
            continue
        if lw in ("of", "for") and i > start and i + 1 < n and _cap_word(toks[i - 1].text) \
                and _cap_word(toks[i + 1].text) and toks[i + 1].sent == toks[i].sent:
            i += 1  # "the Department for Constitutional Affairs", "the Bank of England": one name
            continue
        if lw == "and" and i > start and i + 2 < n and toks[i + 1].sent == toks[i].sent \
                and _names_actor(doc, start, i) and _names_actor(doc, i + 1, min(n, i + 4)):
            i += 1  # "warned Mr Blair and Mr Brown", "the government and the chancellor": both
            continue
        if lw in _TARGET_STOPS or (not w[0].isalnum() and w not in ("'s", "’s", "-", "&")) or is_quote(w):
            break
        i += 1
    if i == start:
        return None
    if act in ANSWERING_ACTS and i < n and toks[i].text in word_class("auxiliary"):
        return None  # "denied security services were involved": a clause, whose subject is no target
    words = [t.text.lower() for t in toks[start:i]]
    if all(w in _EMPTY_TARGET for w in words):
        return None
    return toks[start].start, toks[i - 1].end


def _new_clause(toks, start: int, i: int) -> bool:
    """Whether token ``i`` of a target phrase begins something other than the phrase: a
    clause ("denied her faith meant *she*", "the way *the* war was sold"), a question ("asked
    Mr McConnell *how*"), a negation, a date ("*last* week"), or the claim a claim noun
    introduces ("claims *the* deal failed", "the idea *Mr* Kilroy-Silk posed a threat")."""
    w = toks[i].text
    lw = w.lower()
    prev = toks[i - 1].text.lower()
    if lw in _CLAUSE_START or lw in word_class("date_word") or lw in ("there", "last", "next"):
        return True
    if lw in _DETERMINER_WORDS and prev not in _DETERMINER_WORDS | _OWNER_LINKS | {"and", "both", "all"}:
        return True
    return prev in word_class("claim_noun") and lw not in _OWNER_LINKS | {"'s", "’s"}


def _cap_word(w: str) -> bool:
    return w[:1].isupper() and w.lower() not in _DETERMINER_WORDS


def _names_actor(doc: AnnotatedArticle, a: int, b: int) -> bool:
    """Whether tokens [a, b) start with a name, a title or a body ("Mr Brown", "the
    chancellor", "the government"), not a thing or unnamed people ("his lawyers")."""
    toks = doc.tokens
    if toks[a].text.lower() in _DETERMINER_WORDS and a + 1 < b:
        if toks[a].text.lower() in word_class("possessives"):
            return False
        a += 1
    if toks[a].text[:1].isupper():
        return True
    form = parse_mention(doc.text[toks[a].start:toks[b - 1].end])
    return form is not None and form.shape in ("title", "organization")


def _names_owner(toks, k: int) -> bool:
    """Whether the words from ``k`` name somebody: a capitalised word, maybe after "the" or a
    possessive ("of *the* Tories", "by *Britain's* highest court")."""
    if toks[k].text.lower() in _DETERMINER_WORDS and k + 1 < len(toks):
        k += 1
    return toks[k].text[:1].isupper()


def finish(doc: AnnotatedArticle, candidates: Iterable[Candidate]) -> List[Attribution]:
    """Acts, kinds, targets, speakers and ids; drops boilerplate and duplicates."""
    text = doc.text
    article = doc.article
    resolver = SpeakerResolver(doc)
    out: List[Attribution] = []
    seen = set()
    for cand in sorted(candidates, key=lambda c: (c.cue[0], c.cue[1])):
        if doc.in_skip_range(cand.cue[0]):
            continue
        cue = trim(text, *cand.cue, chars=_SPAN_TRIM)
        content = trim(text, *cand.content, chars=_SPAN_TRIM) if cand.content else None
        if content:
            content = extend_multiparagraph(text, content)
        source = trim(text, *cand.source, chars=_SPAN_TRIM) if cand.source else None
        if source and content and source[0] >= cue[1] and text[cue[0]:cue[1]].lower().startswith("according"):
            # "According to X, the crisis has ...": the source ends at the comma, the rest is said
            comma = text.find(",", source[0], source[1])
            if comma > source[0]:
                rest = trim(text, comma + 1, source[1])
                source = trim(text, source[0], comma)
                if content[0] >= source[1] and rest[0] < content[0]:
                    content = (rest[0], content[1])
        key = (cue, content)
        if key in seen or cue[0] >= cue[1]:
            continue
        seen.add(key)
        if source and source[0] >= cue[1] and _addresses(text[cue[0]:cue[1]]):
            # "told BBC Radio 4", "said to reporters": whom it was said to, never who said it
            source = _subject_before(doc, cue)
        if source is None and content:
            source = _inverted_source(doc, cue, content)
        act, lex = act_of(text[cue[0]:cue[1]])
        act = cand.act or act
        how = lex.target if lex else None
        if not how and act in ANSWERING_ACTS:
            how = "obj"  # "denied Labour claims", "denied claims by the Tories": whose claims
        target = cand.target
        if act in TARGETED_ACTS and target is None and _passive(doc, cue):
            # "Ministers have been asked ...", "He was criticised by MPs", "Asked whether ...,
            # Mr Howard said": the subject is whom the act was aimed at; who did it is the
            # "by" agent, or nobody named (a parse that knew the passive gave both already)
            target = _main_subject(doc, cue) or _without_auxiliaries(doc, source) or _subject_before(doc, cue)
            source = _by_agent(doc, cue)
        else:
            target = target or find_target(doc, cue, how, act)
        content_span = Span.of(text, *content) if content else None
        cue_span = Span.of(text, *cue)
        source_span = Span.of(text, *source) if source else None
        out.append(Attribution(
            id=Attribution.make_id(article.article_id, cue_span, content_span),
            article_id=article.article_id,
            kind=kind_of(content_span.text) if content_span else "indirect",
            act=act,
            source=source_span,
            cue=cue_span,
            content=content_span,
            target=Span.of(text, *target) if target else None,
            speaker=resolver.resolve(source_span) if source_span else None,
            date=article.date,
        ))
    out = first_person_speakers(out, resolver)
    out = out + floating_quotes(doc, out)
    out.sort(key=lambda a: ((a.cue or a.content).start, (a.cue or a.content).end))
    out = [replace(a, target_actor=_not_self(a, resolver.resolve_target(
        a.target, a.act, a.speaker, subject=a.cue is not None and _passive(doc, (a.cue.start, a.cue.end)))))
           if a.target else a for a in out]
    return answered_accusers(out, doc)


def _not_self(a: Attribution, target: Optional[Speaker]) -> Optional[Speaker]:
    """Nobody is their own target ("denied his forecasts were wrong" aims at no one)."""
    if target is None or a.speaker is None:
        return target
    return None if target.id == a.speaker.id or target.name.lower() == a.speaker.name.lower() else target


def answered_accusers(attrs: List[Attribution], doc: Optional[AnnotatedArticle] = None) -> List[Attribution]:
    """A denial, rejection or response that names nobody answers the last accusation the
    article reported against its speaker: "X accused Y of lying. Y denied it." -> Y denies X.
    Failing that (with ``doc``), a denial, rejection or response answers a statement a named
    actor made just before it (:data:`_ANSWER_WINDOW` sentences): "Llwyd has suggested the
    security services were involved. Lord Roberts denied they were." -> Lord Roberts denies
    Llwyd; "He insisted there were no deals. The Tory leader countered that ..." -> the Tory
    leader responds to him (BBC tune target edges F1 78.6 -> 79.7 with responses included)."""
    out = list(attrs)
    nested = None  # indices of attributions reported inside another's content, found on first use
    for k, a in enumerate(out):
        if a.act not in ANSWERING_ACTS or a.target_actor is not None or a.speaker is None \
                or not _answers_a_claim(a.target) or doc is not None and _own_doing(doc, a):
            continue
        for earlier in reversed(out[:k]):
            t = earlier.target_actor
            if earlier.act in ACCUSING_ACTS and earlier.speaker is not None and t is not None \
                    and (t.id == a.speaker.id or t.name.lower() == a.speaker.name.lower()) \
                    and _not_self(a, earlier.speaker) is not None:
                out[k] = replace(a, target_actor=replace(earlier.speaker, via="answers"))
                break
        else:
            if doc is None or a.cue is None:
                continue
            if nested is None:
                nested = _inside_contents(out)
            sent = doc.tokens[doc.token_at(a.cue.start)].sent
            for j in range(k - 1, -1, -1):
                earlier = out[j]
                if earlier.cue is None or j in nested:
                    continue  # reported inside another's words ("X alleged Y charged ..."): X's claim
                if sent - doc.tokens[doc.token_at(earlier.cue.start)].sent > _ANSWER_WINDOW:
                    break
                if _answered_claim(a, earlier):
                    out[k] = replace(a, target_actor=replace(earlier.speaker, via="answers"))
                    break
    return out


def _answered_claim(answer: Attribution, earlier: Attribution) -> bool:
    """Whether ``earlier`` is a claim or charge ``answer`` can answer: made by a named actor
    (no unnamed group, not the answerer), aimed at nobody or at the answerer."""
    sp, aimed = earlier.speaker, earlier.target_actor
    if earlier.act not in _CLAIMING_ACTS or sp is None:
        return False
    if aimed is not None:
        return aimed.id == answer.speaker.id
    return sp.kind != "group" and _not_self(answer, sp) is not None


def _inside_contents(attrs: List[Attribution]) -> set:
    """Indices of the attributions whose cue lies inside some attribution's content."""
    spans = sorted((a.content.start, a.content.end) for a in attrs if a.content is not None)
    starts = [st for st, _ in spans]
    reach: List[int] = []
    for _, e in spans:
        reach.append(max(e, reach[-1]) if reach else e)
    out = set()
    for k, a in enumerate(attrs):
        if a.cue is None:
            continue
        i = bisect.bisect_right(starts, a.cue.start)
        if i and reach[i - 1] > a.cue.start:
            out.add(k)
    return out


def _own_doing(doc: AnnotatedArticle, a: Attribution) -> bool:
    """ "denied having personal experience", "denied accusing Germany": a gerund in the cue
    or right after it; the speaker denies something of their own doing, answering nobody."""
    if a.cue is None:
        return False
    first, last = doc.token_at(a.cue.start), doc.token_at(a.cue.end - 1)
    words = [t.text for t in doc.tokens[first + 1:last + 2]]  # after the verb, one past the cue
    return any(w.islower() and w.endswith("ing") and w not in _TARGET_STOPS for w in words)


def _passive(doc: AnnotatedArticle, cue: CharSpan) -> bool:
    """A participle cue in the passive ("was asked", "has been harshly criticised", "were
    rejected by"), or one opening its sentence ("Asked whether ..., he said")."""
    toks = doc.tokens
    first, last = doc.token_at(cue[0]), doc.token_at(cue[1] - 1) + 1
    words = [t.text.lower() for t in toks[first:last]]
    verb = next((k for k in range(len(words)) if match_cue(words, k)), None)
    if verb is None or not words[verb].endswith("ed"):
        return False  # a participle: "asked", "accused", "criticised"
    k = first + verb - 1
    while k >= 0 and toks[k].sent == toks[first].sent and (
            toks[k].text.lower() in _PASSIVE_GAP or toks[k].text.lower().endswith("ly")):
        k -= 1
    if k >= 0 and toks[k].sent == toks[first].sent and toks[k].text.lower() in _PASSIVE_BE:
        return True
    sent_start = doc.sentences[toks[first].sent][0]
    return first + verb == sent_start and words[verb] in _QUESTIONED


def _without_auxiliaries(doc: AnnotatedArticle, span: Optional[CharSpan]) -> Optional[CharSpan]:
    """A subject span without the auxiliaries and adverbs a tagger ran it on to ("the
    government was widely" -> "the government")."""
    if span is None:
        return None
    toks = doc.tokens
    a, b = doc.token_at(span[0]), doc.token_at(span[1] - 1) + 1
    while b > a + 1 and (toks[b - 1].text.lower() in _PASSIVE_BE | _PASSIVE_GAP or toks[b - 1].text.endswith("ly")
                         and toks[b - 1].text.islower()):
        b -= 1
    return toks[a].start, toks[b - 1].end


def _main_subject(doc: AnnotatedArticle, cue: CharSpan) -> Optional[CharSpan]:
    """For a participle opening its sentence ("Asked if she was a member, Ms Kelly said"), the
    subject after the clause's comma: a capitalised run or a pronoun; else None."""
    toks = doc.tokens
    i = doc.token_at(cue[0])
    sent_start, sent_end = doc.sentences[toks[i].sent]
    if i != sent_start:
        return None
    comma = next((k for k in range(i + 1, sent_end) if toks[k].text == "," or is_quote(toks[k].text)
                  or toks[k].text == ":"), None)
    if comma is None or toks[comma].text != "," or comma + 1 >= sent_end:
        return None  # no comma before the quotation: no participle clause to step over
    a = comma + 1
    if pronoun_class(toks[a].text) in ("male", "female", "plural", "neuter"):
        return toks[a].start, toks[a].end
    b = a
    while b < sent_end and b - a < _MAX_INVERTED_SOURCE and (
            toks[b].text[:1].isupper() or toks[b].text in ("'s", "’s") or b > a and toks[b].text.islower()
            and b + 1 < sent_end and toks[b + 1].text[:1].isupper() and toks[b].text.lower() in ("the", "of")):
        b += 1
    return (toks[a].start, toks[b - 1].end) if b > a else None


def _by_agent(doc: AnnotatedArticle, cue: CharSpan) -> Optional[CharSpan]:
    """The agent of a passive cue: "criticised *by road safety campaigners*", "rejected by the
    Human Rights Council"; None when no "by" follows within the clause."""
    toks = doc.tokens
    i = doc.token_at(cue[1] - 1)
    if i < len(toks) and toks[i].text.lower() != "by":
        i += 1
    if i >= len(toks) or toks[i].text.lower() != "by":
        return None
    start = i + 1
    j = start
    while j < len(toks) and j - start < _MAX_TARGET_TOKENS and toks[j].sent == toks[i].sent:
        w = toks[j].text
        if w.lower() in ("of", "for") and j > start and j + 1 < len(toks) and _cap_word(toks[j - 1].text) \
                and _cap_word(toks[j + 1].text):
            j += 1  # "by the Ministry of Defence"
            continue
        if w.lower() in _TARGET_STOPS or (not w[0].isalnum() and w not in ("'s", "’s", "-", "&")) \
                or (j > start and _new_clause(toks, start, j)):
            break
        j += 1
    return (toks[start].start, toks[j - 1].end) if j > start else None


def _answers_a_claim(target: Optional[Span]) -> bool:
    """Whether a denial or rejection answers a claim: no target phrase ("denied", "denied he
    had lied"), a claim ("rejected the claims", "dismissed them"), not a thing of its own
    ("rejected across-the-board tax cuts")."""
    if target is None:
        return True
    words = target.text.lower().split()
    return not words or words[-1] in word_class("claim_noun") or (
        len(words) == 1 and (pronoun_class(words[0]) in ("neuter", "plural") or words[0] in _EMPTY_TARGET))


def _addresses(cue_text: str) -> bool:
    """Whether a cue names whom it was said to after it ("told", "said to", "wrote to")."""
    words = cue_text.lower().split()
    if not words:
        return False
    if words[-1] == "to":  # "said to", "wrote to" -- but not "according to", "appealed to"
        return len(words) >= 2 and words[-2] in word_class("addressing_to_verbs")
    return words[-1] in word_class("addressing_verbs")


def _subject_before(doc: AnnotatedArticle, cue: CharSpan) -> Optional[CharSpan]:
    i = doc.token_at(cue[0])
    if i >= len(doc.tokens):
        return None
    found = subject_before(doc, i, doc.sentences[doc.tokens[i].sent][0])
    return (doc.tokens[found[0]].start, doc.tokens[found[1] - 1].end) if found else None


def _inverted_source(doc: AnnotatedArticle, cue: CharSpan, content: CharSpan) -> Optional[CharSpan]:
    """The speaker named right after the cue when what was said comes first:
    '"...," says the watchdog.' / '..., said correspondent Stephen Cape.'"""
    toks = doc.tokens
    i = doc.token_at(cue[1])
    if content[1] > cue[0]:
        # 'said Bolden to the gathered crowd, "We want ..."': the name between cue and content
        if content[0] < cue[1] or i >= len(toks) or not toks[i].text[:1].isupper() \
                or doc.token_at(content[0]) - i > _MAX_INVERTED_SOURCE + 4:
            return None
        j = i
        while j < doc.token_at(content[0]) and toks[j].text[:1].isupper() and j - i < _MAX_INVERTED_SOURCE:
            j += 1
        form = parse_mention(doc.text[toks[i].start:toks[j - 1].end]) if j > i else None
        return (toks[i].start, toks[j - 1].end) if form is not None and form.kind != "group" else None
    if i >= len(toks) or toks[i].sent != toks[doc.token_at(cue[0])].sent:
        return None
    j = i
    while j < len(toks) and j - i < _MAX_INVERTED_SOURCE and toks[j].sent == toks[i].sent \
            and (toks[j].text[:1].isalnum() or toks[j].text in ("'s", "’s", "-")):
        w = toks[j].text.lower()
        if j > i and w in _TARGET_STOPS and not (w in ("for", "of", "at") and j + 1 < len(toks)
                                                  and toks[j + 1].text[:1].isupper()):
            break  # "said the spokesman for Acme Corp" goes on; "said Smith on Monday" stops
        j += 1
    if j == i or (j < len(toks) and toks[j].sent == toks[i].sent and toks[j].text not in ".,;:!?—–-)\"”’"):
        return None
    span = (toks[i].start, toks[j - 1].end)
    form = parse_mention(doc.text[span[0]:span[1]])
    if form is None or (not toks[i].text[:1].isupper() and form.kind not in ("person", "organization", "country")):
        return None  # "said the watchdog", "said correspondent Stephen Cape"; not "said nothing"
    return span


def first_person_speakers(attrs: List[Attribution], resolver: SpeakerResolver) -> List[Attribution]:
    """ "I"/"we" (and a quoted "you" has no speaker) inside a quote: the quote's speaker; outside
    any quote, in an interview, whoever the pronoun's place makes it: the interviewee in an
    answer, the interviewer in a question (:meth:`SpeakerResolver.outside_quotes`)."""
    out = list(attrs)
    for _ in range(2):  # nested quotes: a speaker found in the first pass can feed the second
        changed = False
        quotes = _DirectQuotes(out)
        for k, a in enumerate(out):
            if a.speaker is not None or a.source is None or not a.source.text.strip():
                continue
            person = pronoun_class(a.source.text.strip().split()[-1])
            if person not in ("first", "second"):
                continue
            outer = quotes.enclosing(a)
            if outer is not None and outer.speaker is not None and person == "first":
                out[k] = replace(a, speaker=replace(outer.speaker, via="quote"))
                changed = True
            elif outer is None:
                # outside quotation marks, in an interview: the source span (so where the
                # pronoun stands, question or answer) decides; in ordinary news nobody
                sp = resolver.outside_quotes(a.source, act=a.act)
                if sp is not None:
                    out[k] = replace(a, speaker=sp)
                    changed = True
        if not changed:
            break
    return out


class _DirectQuotes:
    """The fully quoted contents of an article by start, to find the one holding a position."""

    def __init__(self, attrs: List[Attribution]):
        quoted = sorted((a for a in attrs if a.content is not None and a.kind == "direct"),
                        key=lambda a: a.content.start)
        self.attrs = quoted
        self.starts = [a.content.start for a in quoted]

    def enclosing(self, a: Attribution) -> Optional[Attribution]:
        """The innermost quote holding ``a``'s source (a bounded look back: quotes nest shallowly)."""
        at = a.source.start
        best = None
        k = bisect.bisect_right(self.starts, at)
        for o in reversed(self.attrs[max(0, k - _NESTING_LOOKBACK):k]):
            c = o.content
            if o is a or not (c.start <= at < c.end):
                continue
            if best is None or c.end - c.start < best.content.end - best.content.start:
                best = o
        return best


def floating_quotes(doc: AnnotatedArticle, attrs: List[Attribution]) -> List[Attribution]:
    """Paragraphs wholly in quotation marks, with no cue, that continue the running speaker:
    '"...," she said. / "We will appeal."' -> the second paragraph is hers (cue None, act say)."""
    text = doc.text
    toks = doc.tokens
    # Sorted starts with running maximum ends: does any content overlap [start, end)?
    contents = sorted((a.content.start, a.content.end) for a in attrs if a.content)
    c_starts = [s for s, _ in contents]
    c_reach: List[int] = []
    for _, e in contents:
        c_reach.append(max(e, c_reach[-1]) if c_reach else e)
    cue_starts = sorted(a.cue.start for a in attrs if a.cue)
    spoken = sorted((a for a in attrs if a.speaker is not None and a.content is not None),
                    key=lambda a: a.content.end)
    spoken_ends = [a.content.end for a in spoken]
    out: List[Attribution] = []
    paras = doc.paragraphs()
    for n, (a, b) in enumerate(paras):
        start, end = toks[a].start, toks[b - 1].end
        para = text[start:end]
        if len(para) < 3 or para[0] not in OPENING_QUOTES or not _closes_quote(para):
            continue
        k = bisect.bisect_left(c_starts, end)  # contents starting before the paragraph ends
        if k and c_reach[k - 1] > start:
            continue  # some content reaches into it
        c = bisect.bisect_left(cue_starts, start)
        if c < len(cue_starts) and cue_starts[c] < end:
            continue  # a cue inside: an ordinary attribution
        if doc.in_skip_range(start):
            continue
        # The running speaker: the last attribution of the previous paragraph or the one before.
        lo = toks[paras[max(0, n - _FLOAT_REACH)][0]].start
        i = bisect.bisect_right(spoken_ends, start)
        if i == 0 or spoken_ends[i - 1] < lo:
            continue
        last = spoken[i - 1]
        content = Span.of(text, start, end)
        out.append(Attribution(
            id=Attribution.make_id(doc.article.article_id, None, content), article_id=doc.article.article_id,
            kind="direct", act="say", source=None, cue=None, content=content,
            speaker=replace(last.speaker, via="continued"), date=doc.article.date))
        spoken.insert(i, out[-1])
        spoken_ends.insert(i, end)
    return out


def _closes_quote(para: str) -> bool:
    core = para.rstrip(" \t.,;:!?")
    return bool(core) and core[-1] in QUOTE_MARKS and core[-1] not in "'’" or para.rstrip()[-2:] in ('."', '.”', '?”', '!”')
