"""Shared finishing: candidates -> attributions (act, kind, target, speaker, stable id)."""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import Iterable, List, Optional

from ..doc import AnnotatedArticle
from ..lexicon import ACCUSING_ACTS, ANSWERING_ACTS, OPENING_QUOTES, QUOTE_MARKS, act_of, is_quote, match_cue, word_class
from ..records import Attribution, Span, Speaker
from ..mentions import parse_mention, pronoun_class
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
        if m and m[1].target == how:  # the verb that decided the act
            i = first + k + m[0]
            break
    if how != "obj":  # a preposition must come first: "appealed to X", "lashed out at X"
        if i >= n or toks[i].text.lower() != how:
            # the preposition may be inside the cue already ("called on")
            if doc.text[cue[0]:cue[1]].lower().split()[-1:] != [how]:
                return None
        else:
            i += 1
    start = i
    while i < n and i - start < _MAX_TARGET_TOKENS:
        w = toks[i].text
        if act in ANSWERING_ACTS and w.lower() in ("from", "by") and i > start and i + 1 < n \
                and toks[i + 1].text[:1].isupper():
            # "rejected the criticism from Reykjavik": the statement's author is the target
            i += 1
            continue
        if w.lower() in _TARGET_STOPS or (not w[0].isalnum() and w not in ("'s", "’s", "-", "&")) \
                or is_quote(w) or toks[i].sent != toks[start].sent:
            break
        i += 1
    if i == start:
        return None
    words = [t.text.lower() for t in toks[start:i]]
    if all(w in _EMPTY_TARGET for w in words):
        return None
    return toks[start].start, toks[i - 1].end


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
        target = cand.target or find_target(doc, cue, how, act)
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
    out = [replace(a, target_actor=_not_self(a, resolver.resolve_target(a.target, a.act, a.speaker))) if a.target
           else a for a in out]
    return answered_accusers(out)


def _not_self(a: Attribution, target: Optional[Speaker]) -> Optional[Speaker]:
    """Nobody is their own target ("denied his forecasts were wrong" aims at no one)."""
    if target is None or a.speaker is None:
        return target
    return None if target.id == a.speaker.id or target.name.lower() == a.speaker.name.lower() else target


def answered_accusers(attrs: List[Attribution]) -> List[Attribution]:
    """A denial, rejection or response that names nobody answers the last accusation the
    article reported against its speaker: "X accused Y of lying. Y denied it." -> Y denies X."""
    out = list(attrs)
    for k, a in enumerate(out):
        if a.act not in ANSWERING_ACTS or a.target_actor is not None or a.speaker is None:
            continue
        for earlier in reversed(out[:k]):
            t = earlier.target_actor
            if earlier.act in ACCUSING_ACTS and earlier.speaker is not None and t is not None \
                    and (t.id == a.speaker.id or t.name.lower() == a.speaker.name.lower()) \
                    and _not_self(a, earlier.speaker) is not None:
                out[k] = replace(a, target_actor=replace(earlier.speaker, via="answers"))
                break
    return out


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
    any quote, in an interview, the interviewee."""
    out = list(attrs)
    interviewee = None
    checked = False
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
            elif outer is None and a.act != "ask":
                # outside quotation marks "I" is the interviewee answering, and "you" the
                # interviewee asked about; in ordinary news neither names anyone. "We asked"
                # is the interviewer.
                if not checked:
                    interviewee, checked = resolver.interviewee(), True
                if interviewee is not None:
                    out[k] = replace(a, speaker=interviewee)
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
