"""The surface path: the tagger's spans (plus pattern rules) -> candidates."""
from __future__ import annotations

import bisect
from typing import Iterator, List, Optional

from ..doc import AnnotatedArticle
from ..lexicon import is_quote
from .candidate import Candidate, CharSpan, TaggedSpan
from .surface_rules import belief_candidates, dash_attributions, passive_agent, rule_candidates, subject_before

_MAX_CUE_TOKENS = 8
_SOURCE_REACH = 30  # tokens between a cue and a tagged source it may take

_MAX_CONTENT_GAP = 25  # tokens between a cue and the content it may take


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
    cue_tokens = set()  # tokens inside a tagged cue: a belief inside a content is its own attribution
    for _, spans in tagger.tag(doc):
        for sp in spans:
            if sp.label in ("CUE", "CON"):
                covered.update(range(sp.start, sp.end))
            if sp.label == "CUE":
                cue_tokens.update(range(sp.start, sp.end))
        # A run-away cue (the tagger bleeding across a clause) is no cue.
        cues = [s for s in spans if s.label == "CUE" and s.end - s.start <= _MAX_CUE_TOKENS]
        sources = _Ordered([s for s in spans if s.label == "SRC"])
        contents = [s for s in spans if s.label == "CON"]
        content_of = _pair_contents(cues, contents)
        for ci, cue in enumerate(cues):
            parts = [contents[k] for k in content_of.get(ci, ())]
            cand = _paragraph_candidate(doc, cue, parts, sources)
            if cand:
                yield cand
    if rules:
        for cue, content, source in rule_candidates(doc, covered):
            yield Candidate(cue=cue, content=content, source=source)
        for cue, content, source in dash_attributions(doc, covered):
            yield Candidate(cue=cue, content=content, source=source)
        for cue, content, source in belief_candidates(doc, cue_tokens):
            yield Candidate(cue=cue, content=content, source=source, act="believe")


def _pair_contents(cues: List[TaggedSpan], contents: List[TaggedSpan]) -> dict:
    """{cue index: [content indices]}: nearest first, each content serving one cue.

    A cue may take a second content on its other side when both are close: a quote split
    by its cue ("...," he said, "...").
    """
    pairs = []
    ordered = _Ordered(contents)
    for ci, cue in enumerate(cues):
        for ki in ordered.near(cue, _MAX_CONTENT_GAP):  # farther contents never pair
            con = contents[ki]
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


class _Ordered:
    """Disjoint spans in text order (one label's tagged spans) with a window lookup by
    bisection, so pairing cues with nearby spans stays linear in the paragraph's size."""

    def __init__(self, spans: List[TaggedSpan]):
        self.spans = spans
        self.starts = [s.start for s in spans]
        self.ends = [s.end for s in spans]

    def near(self, cue: TaggedSpan, reach: int) -> range:
        """Indices of the spans within ``reach`` tokens of ``cue``."""
        lo = bisect.bisect_left(self.ends, cue.start - reach)
        hi = bisect.bisect_right(self.starts, cue.end + reach)
        return range(lo, max(lo, hi))


def _chars(toks, span: Optional[TaggedSpan]) -> Optional[CharSpan]:
    return (toks[span.start].start, toks[span.end - 1].end) if span else None


def _paragraph_candidate(doc: AnnotatedArticle, cue: TaggedSpan, parts: List[TaggedSpan],
                         sources: "_Ordered") -> Optional[Candidate]:
    """One cue with its content parts (maybe none) and the best source for it."""
    toks = doc.tokens
    if not parts:
        source = _nearest_source(cue, sources, [], toks)
        if source is None:
            # "South Korea says the broadcasts will continue": the subject right before the cue
            subject = subject_before(doc, cue.start, doc.sentences[toks[cue.start].sent][0])
            source = TaggedSpan("SRC", *subject) if subject else None
        fallback = _clause_content(doc, cue, source)
        return Candidate(_chars(toks, cue), fallback, _chars(toks, source)) if fallback else None
    c_start = min(p.start for p in parts)
    c_end = max(p.end for p in parts)
    source = _nearest_source(cue, sources, parts, toks)
    agent = None if source else passive_agent(doc, cue.start, cue.end)
    if agent:
        source = TaggedSpan("SRC", *agent)
        if c_start < agent[0] < c_end:  # "as 'X' by Y": the agent is not what was said
            cut = agent[0] - 1 if toks[agent[0] - 1].text.lower() == "by" else agent[0]
            if cut > c_start:  # never an empty or inverted content
                c_end = cut
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


def _nearest_source(cue: TaggedSpan, sources: "_Ordered", contents: List[TaggedSpan],
                    toks) -> Optional[TaggedSpan]:
    best, best_key = None, None
    for k in sources.near(cue, _SOURCE_REACH):
        s = sources.spans[k]
        if any(c.start <= s.start and s.end <= c.end for c in contents):
            continue  # inside what was said: another attribution's source
        # Same sentence first; then prefer the closer one.
        same = toks[s.start].sent == toks[cue.start].sent or toks[s.end - 1].sent == toks[cue.end - 1].sent
        key = (0 if same else 1, _gap(cue, s))
        if key[1] > _SOURCE_REACH:
            continue
        if best_key is None or key < best_key:
            best, best_key = s, key
    return best
