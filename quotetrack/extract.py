"""Attributions out of annotated articles.

Two paths produce :class:`Candidate` records (character spans of source, cue, content and
perhaps target); one shared finishing step turns them into :class:`Attribution` records
(speech act, kind, target, speaker, stable id):

* the surface path -- the CRF tagger (:mod:`quotetrack.tagger`) over tokens, for any annotator;
* the dependency path -- rules over Universal Dependencies, used when the article was parsed
  (:mod:`quotetrack.dependency`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional, Tuple

from .annotate import AnnotatedArticle
from .lexicon import OPENING_QUOTES, QUOTE_MARKS, act_of, match_cue
from .records import Attribution, Span
from .surface_rules import passive_agent, subject_before
from .tagger import TaggedSpan, default_tagger, is_quote

CharSpan = Tuple[int, int]

# What is trimmed from the ends of every span: whitespace and edge punctuation, but never
# quotation marks (they decide the kind).
_SPAN_TRIM = " \t\r\n,;:—–-"
# Words that end the noun phrase after a targeted cue ("accused Baku *of* ...").
_TARGET_STOPS = frozenset("of to for that over on with in as against after from about by at "
                          "and but when while because if amid during".split())
_MAX_TARGET_TOKENS = 8
_MAX_CUE_TOKENS = 8
_MAX_CONTENT_GAP = 25  # tokens between a cue and the content it may take
# Acts whose object is a statement; its author ("from X") is whom they answer.
_ANSWER_ACTS = frozenset({"reject", "deny", "respond"})


@dataclass(frozen=True)
class Candidate:
    """An attribution before acts, kinds and speakers are decided: character spans."""

    cue: CharSpan
    content: Optional[CharSpan]
    source: Optional[CharSpan] = None
    target: Optional[CharSpan] = None


def extract(doc: AnnotatedArticle, *, tagger=None) -> List[Attribution]:
    """All attributions in one annotated article, in text order."""
    if doc.has("depparse"):
        from .dependency import dependency_candidates

        candidates = list(dependency_candidates(doc))
    else:
        candidates = list(surface_candidates(doc, tagger or default_tagger()))
    return finish(doc, candidates)


# --------------------------------------------------------------------------------------
# Surface path: tagged spans -> candidates
# --------------------------------------------------------------------------------------

def _gap(a: TaggedSpan, b: TaggedSpan) -> int:
    """Tokens between two spans (0 when adjacent; negative never, overlaps give 0)."""
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def surface_candidates(doc: AnnotatedArticle, tagger, *, rules: bool = True) -> Iterator[Candidate]:
    """Candidates from the tagger's spans, then from pattern rules where it found nothing."""
    covered = set()  # tokens inside a tagged cue or content: the rules leave them alone
    for _, spans in tagger.tag(doc):
        for sp in spans:
            if sp.label in ("CUE", "CON"):
                covered.update(range(sp.start, sp.end))
        # A run-away cue (the tagger bleeding across a clause) is no cue.
        cues = [s for s in spans if s.label == "CUE" and s.end - s.start <= _MAX_CUE_TOKENS]
        sources = [s for s in spans if s.label == "SRC"]
        contents = [s for s in spans if s.label == "CON"]
        content_of = _pair_contents(cues, contents)
        for ci, cue in enumerate(cues):
            parts = [contents[k] for k in content_of.get(ci, ())]
            cand = _paragraph_candidate(doc, cue, parts, sources)
            if cand:
                yield cand
    if rules:
        from .surface_rules import dash_attributions, rule_candidates

        for cue, content, source in rule_candidates(doc, covered):
            yield Candidate(cue=cue, content=content, source=source)
        for cue, content, source in dash_attributions(doc, covered):
            yield Candidate(cue=cue, content=content, source=source)


def _pair_contents(cues: List[TaggedSpan], contents: List[TaggedSpan]) -> dict:
    """{cue index: [content indices]}: nearest first, each content serving one cue.

    A cue may take a second content on its other side when both are close: a quote split
    by its cue ("...," he said, "...").
    """
    pairs = []
    for ci, cue in enumerate(cues):
        for ki, con in enumerate(contents):
            if con.start <= cue.start and cue.end <= con.end:
                continue  # the cue sits inside this content: it belongs to an outer cue
            pairs.append((_gap(cue, con), ci, ki))
    pairs.sort()
    content_of: dict = {}
    used = set()
    for gap, ci, ki in pairs:
        if ki in used:
            continue
        if ci in content_of:
            first, other, cue = contents[content_of[ci][0]], contents[ki], cues[ci]
            if gap <= 4 and len(content_of[ci]) == 1 and \
                    (first.end <= cue.start) != (other.end <= cue.start):
                content_of[ci].append(ki)
                used.add(ki)
            continue
        if gap > _MAX_CONTENT_GAP:
            continue
        content_of[ci] = [ki]
        used.add(ki)
    return content_of


def _chars(toks, span: Optional[TaggedSpan]) -> Optional[CharSpan]:
    return (toks[span.start].start, toks[span.end - 1].end) if span else None


def _paragraph_candidate(doc: AnnotatedArticle, cue: TaggedSpan, parts: List[TaggedSpan],
                         sources: List[TaggedSpan]) -> Optional[Candidate]:
    """One cue with its content parts (maybe none) and the best source for it."""
    toks = doc.tokens
    if not parts:
        source = _nearest_source(cue, sources, [], toks)
        fallback = _clause_content(doc, cue, source)
        return Candidate(_chars(toks, cue), fallback, _chars(toks, source)) if fallback else None
    c_start = min(p.start for p in parts)
    c_end = max(p.end for p in parts)
    source = _nearest_source(cue, sources, parts, toks)
    agent = None if source else passive_agent(doc, cue.start, cue.end)
    if agent:
        source = TaggedSpan("SRC", *agent)
        if c_start < agent[0] < c_end:  # "as 'X' by Y": the agent is not what was said
            c_end = agent[0] - 1 if toks[agent[0] - 1].text.lower() == "by" else agent[0]
    elif not source or not (source.end == cue.start or source.start == cue.end):
        # No tagged source next to the cue: an untagged subject right before it wins
        # ("..., while the breakaway authorities accused Baku").
        subject = subject_before(doc, cue.start, doc.sentences[toks[cue.start].sent][0])
        if subject and not (c_start <= subject[0] < c_end) and \
                (not source or source.end < subject[0] or source.start >= cue.end):
            source = TaggedSpan("SRC", *subject)
    return Candidate(_chars(toks, cue), (toks[c_start].start, toks[c_end - 1].end), _chars(toks, source))


def _clause_content(doc: AnnotatedArticle, cue: TaggedSpan, source: Optional[TaggedSpan]) -> Optional[CharSpan]:
    """When the tagger found a cue but no content: the rest of the cue's sentence.

    After the cue (skipping an inverted source, "said the minister") when at least three
    words follow; otherwise the words before the cue (and its source).
    """
    toks = doc.tokens
    a, b = doc.sentences[toks[cue.start].sent]
    start = cue.end
    if source and source.start >= cue.end and source.start - cue.end <= 1:
        start = source.end
    end = b
    while end > start and not toks[end - 1].text[0].isalnum() and not is_quote(toks[end - 1].text):
        end -= 1
    while start < end and toks[start].text in (",", ":", "—"):
        start += 1
    if end - start >= 3:
        return toks[start].start, toks[end - 1].end
    end = source.start if source and source.end <= cue.start else cue.start
    while end > a and toks[end - 1].text in (",", ":", "—", "-"):
        end -= 1
    if end - a >= 3:
        return toks[a].start, toks[end - 1].end
    return None


def _nearest_source(cue: TaggedSpan, sources: List[TaggedSpan], contents: List[TaggedSpan],
                    toks) -> Optional[TaggedSpan]:
    best, best_key = None, None
    for s in sources:
        if any(c.start <= s.start and s.end <= c.end for c in contents):
            continue  # inside what was said: another attribution's source
        # Same sentence first; then prefer the closer one.
        same = toks[s.start].sent == toks[cue.start].sent or toks[s.end - 1].sent == toks[cue.end - 1].sent
        key = (0 if same else 1, _gap(cue, s))
        if key[1] > 30:
            continue
        if best_key is None or key < best_key:
            best, best_key = s, key
    return best


# --------------------------------------------------------------------------------------
# Shared finishing: candidates -> attributions
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
        if act in _ANSWER_ACTS and w.lower() in ("from", "by") and i > start and i + 1 < n \
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
    if all(w in ("the", "a", "an", "this", "that", "these", "those") for w in words):
        return None
    return toks[start].start, toks[i - 1].end


def finish(doc: AnnotatedArticle, candidates: Iterable[Candidate]) -> List[Attribution]:
    """Acts, kinds, targets, speakers and ids; drops boilerplate and duplicates."""
    from .speakers import SpeakerResolver

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
        act, lex = act_of(text[cue[0]:cue[1]])
        target = cand.target or find_target(doc, cue, lex.target if lex else None, act)
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
            speaker=resolver.resolve(source_span, cue_span) if source_span else None,
            date=article.date,
        ))
    return out
