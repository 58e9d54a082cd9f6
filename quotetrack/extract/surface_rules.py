"""Pattern rules that back up the tagger on the surface path.

The CRF misses some clear constructions that the cue lexicon and word order pin down:
"X accused Y of ...", "X denied ...", "... was described as '...' by X". These rules add a
candidate only where the tagger found no cue on the same words, so they can add recall but
never override it.
"""
from __future__ import annotations

from typing import Iterator, Optional, Set, Tuple

from ..doc import AnnotatedArticle
from ..lexicon import DOUBLE_QUOTES, SUBJECT_RULE_ACTS, cue_first_words, match_cue, word_class

CharSpan = Tuple[int, int]

# Words that end a subject noun phrase when walking left from the verb.
_CLAUSE_LEFT = frozenset("while whereas but and or that which who after before as because when if "
                         "although though since so yet where".split())
# Words that end the content clause when walking right.
_CLAUSE_RIGHT = frozenset("while whereas but".split())
_AUX = frozenset("has have had was were is are be been being will would also repeatedly "
                 "previously later earlier again then once further publicly privately".split())
_LINKS = word_class("prepositions") | frozenset("to on at in for from by with of".split())
_DETERMINERS = word_class("articles") | word_class("demonstratives") | word_class("possessives")
_MAX_SUBJECT = 9
_MAX_APPOSITION = 12  # words of a description between commas after a name


def _is_word(t: str) -> bool:
    return t[:1].isalnum()


def subject_before(doc: AnnotatedArticle, verb: int, sent_start: int) -> Optional[Tuple[int, int]]:
    """Token range of the subject noun phrase ending just before ``verb`` (skipping auxiliaries)."""
    toks = doc.tokens
    end = verb
    while end > sent_start and toks[end - 1].text.lower() in _AUX:
        end -= 1
    appositive = end - 2 >= sent_start and toks[end - 1].text == "," and toks[end - 2].text[:1].isupper()
    if appositive:
        end -= 1  # the comma closing an apposition: "His counterpart, Jeyhun Bayramov, accused"
    elif end - 2 >= sent_start and toks[end - 1].text == ",":
        # "Kiara Perkins, a second-year art major, admitted": a described name before the verb
        k = end - 2
        while k > sent_start and end - k <= _MAX_APPOSITION and toks[k].text not in (",", ";", ":"):
            k -= 1
        if k > sent_start and toks[k].text == "," and toks[k + 1].text.lower() in _DETERMINERS \
                and toks[k - 1].text[:1].isupper():
            end, appositive = k, True
    i = end
    while i > sent_start:
        w = toks[i - 1].text
        lw = w.lower()
        if lw in _CLAUSE_LEFT or w in (";", ":", "(", ")", "“", "”", '"', "—", "–") or \
                match_cue([lw], 0) and lw not in ("minister",):
            break
        if w == ",":
            # An apposition "His counterpart, Jeyhun Bayramov," continues the subject.
            if i - 1 > sent_start and toks[i - 2].text[:1].isupper() is False and end - i >= 1 \
                    and all(t.text[:1].isupper() for t in toks[i:end] if _is_word(t.text)):
                i -= 1
                continue
            if i < end and toks[i].text[:1].isupper() and all(
                    t.text[:1].isupper() or t.text in ("’s", "'s") for t in toks[i:end] if t.text != ","):
                i -= 1
                continue
            break
        i -= 1
        if end - i > _MAX_SUBJECT:
            return None
    if i >= end:
        return None
    words = [t.text for t in toks[i:end] if t.text != ","]
    # A subject needs a name or a determined noun: "Azerbaijan", "the breakaway authorities".
    if not any(w[:1].isupper() for w in words) and words[0].lower() not in _DETERMINERS:
        return None
    if len(words) == 1 and words[0].lower() in ("it", "this", "that", "there"):
        return None
    if appositive and any(w.lower() in _LINKS for w in words):
        return None  # "responded to London on Friday, saying": a phrase, not a subject
    return i, end


def clause_after(doc: AnnotatedArticle, start: int, sent_end: int) -> Optional[Tuple[int, int]]:
    toks = doc.tokens
    j = start
    while j < sent_end:
        w = toks[j].text
        if w == "," and j + 1 < sent_end and toks[j + 1].text.lower() in _CLAUSE_RIGHT:
            break
        j += 1
    while j > start and not _is_word(toks[j - 1].text) and toks[j - 1].text not in ("”", '"', "’"):
        j -= 1
    return (start, j) if j - start >= 2 else None


def rule_candidates(doc: AnnotatedArticle, covered: Set[int]) -> Iterator[Tuple[CharSpan, CharSpan, Optional[CharSpan]]]:
    """(cue, content, source) char spans for cue verbs the tagger left alone.

    ``covered`` holds indices of tokens already inside a tagged cue or content.
    """
    toks = doc.tokens
    firsts = cue_first_words()
    for a, b in doc.sentences:
        lower = [t.text.lower() for t in toks[a:b]]
        after = a  # tokens before this are inside the last cue taken
        # Only words that start a cue can match (the rest would just be stepped over).
        for i in [a + k for k, w in enumerate(lower) if w in firsts]:
            if i < after or i in covered:
                continue
            m = match_cue(lower, i - a)
            if not m or not _finite_past_or_present(lower[i - a]):
                continue
            n, cue = m
            cue_end = i + n
            prev = lower[i - a - 1] if i > a else ""
            if prev in ("was", "were", "been", "being", "is", "are") :
                # passive: "... was described as X by Y" -> source after "by"
                found = _passive(doc, i, cue_end, b)
                if found:
                    yield found
                after = cue_end
                continue
            # only the acts acts.tsv marks subject_rule (plain saying is left to the tagger)
            if prev in ("to", "not") or cue.act not in SUBJECT_RULE_ACTS:
                after = cue_end
                continue
            subj = subject_before(doc, i, a)
            content = clause_after(doc, cue_end, b)
            if subj and content and not any(k in covered for k in range(subj[0], subj[1])):
                yield ((toks[i].start, toks[cue_end - 1].end),
                       (toks[content[0]].start, toks[content[1] - 1].end),
                       (toks[subj[0]].start, toks[subj[1] - 1].end))
            after = cue_end


def belief_candidates(doc: AnnotatedArticle, covered: Set[int]) -> Iterator[Tuple[CharSpan, CharSpan, Optional[CharSpan]]]:
    """(cue, content, source) for "I think ...", "do you believe that ...", "we hope ...":
    a first- or second-person pronoun (``belief_subjects`` in word_classes.tsv) right before a
    belief cue (acts.tsv act ``believe``), then a clause, outside quotation marks.

    That is how interviews and first-person pieces report beliefs. Third-person subjects
    and beliefs inside quotes are left to the tagger: PolNeAR's annotators rarely mark them,
    and on the tune split adding them cost 1.2 points of joint F1.
    """
    toks = doc.tokens
    quoted = _quoted_tokens(doc)
    subjects = word_class("belief_subjects")
    skip = word_class("belief_adverbs")
    not_clause = _LINKS | word_class("belief_non_clause")
    epistemic = word_class("epistemic_verbs")
    firsts = cue_first_words()
    for a, b in doc.sentences:
        lower = [t.text.lower() for t in toks[a:b]]
        # Only a word that starts a cue or is an epistemic verb can be the belief cue.
        for i in [a + k for k in range(1, b - a - 2) if lower[k] in firsts or lower[k] in epistemic]:
            if i in covered or i in quoted:
                continue
            m = match_cue(lower, i - a)
            if m and m[1].act == "believe":
                cue_end = i + m[0]
            elif lower[i - a] in epistemic:  # "I know", "I mean", "I suspect": first person only
                cue_end = i + 1
            else:
                continue
            j = i - 1
            while j > a and lower[j - a] in skip:
                j -= 1
            if lower[j - a] not in subjects or j in covered:
                continue
            nxt = lower[cue_end - a] if cue_end < b else ""
            if not nxt[:1].isalnum() or (nxt in not_clause and nxt != "that"):
                continue  # "I think so", "we hope to", "they fear for": no reported clause
            start = cue_end + 1 if lower[cue_end - a] == "that" else cue_end
            content = clause_after(doc, start, b)
            if content:
                yield ((toks[i].start, toks[cue_end - 1].end),
                       (toks[content[0]].start, toks[content[1] - 1].end),
                       (toks[j].start, toks[j].end))


def _quoted_tokens(doc: AnnotatedArticle) -> Set[int]:
    """Indices of tokens inside double quotation marks, per paragraph (marks reset at its end)."""
    toks = doc.tokens
    out: Set[int] = set()
    for a, b in doc.paragraphs():
        inside = False
        start = a
        for i in [i for i in range(a, b) if toks[i].text in _QUOTE_MARKS]:
            if inside:
                out.update(range(start, i))
            w = toks[i].text
            inside = not inside if w == '"' else w in "“«„"
            start = i + 1
        if inside:
            out.update(range(start, b))
    return out


def _finite_past_or_present(word: str) -> bool:
    # Past tense only: a bare "-s" form is too often a noun ("appeals court", "press").
    return word.endswith("ed") or word in ("said", "told", "wrote", "found", "felt", "thought")


_BE = frozenset("was were is are been being be".split())


def passive_agent(doc: AnnotatedArticle, cue_start: int, cue_end: int) -> Optional[Tuple[int, int]]:
    """Token range of X in a passive cue's "by X" ("was described as ... by X"), if any."""
    toks = doc.tokens
    words = [t.text.lower() for t in toks[cue_start:cue_end]]
    if not any(w in _BE for w in words) and not (cue_start and toks[cue_start - 1].text.lower() in _BE):
        return None
    sent_end = doc.sentences[toks[cue_start].sent][1]
    found = _passive(doc, cue_start + 1, cue_end, sent_end)
    if not found:
        return None
    return doc.token_at(found[2][0]), doc.token_at(found[2][1] - 1) + 1


def _passive(doc: AnnotatedArticle, cue_start: int, cue_end: int, sent_end: int):
    toks = doc.tokens
    j = cue_end
    while j < sent_end and toks[j].text.lower() != "by" and j - cue_end < 12:
        j += 1
    if j >= sent_end or toks[j].text.lower() != "by":
        return None
    k = j + 1
    while k < sent_end and toks[k].text not in (",", ";", ".", ":") and k - j <= 6:
        k += 1
    if k == j + 1:
        return None
    content = (cue_end, j)
    if content[1] - content[0] < 1:
        return None
    return ((toks[cue_start - 1].start, toks[cue_end - 1].end),
            (toks[content[0]].start, toks[content[1] - 1].end),
            (toks[j + 1].start, toks[k - 1].end))


_DASHES = frozenset("―—–")
_QUOTE_MARKS = frozenset(DOUBLE_QUOTES)


def dash_attributions(doc: AnnotatedArticle, covered: Set[int]) -> Iterator[Tuple[CharSpan, CharSpan, Optional[CharSpan]]]:
    """A quotation signed with a dash: “We will not yield.” ― Jane Doe (pull quotes, vox pops).

    The paragraph must hold only the quote, the dash and a short capitalised name.
    """
    toks = doc.tokens
    for a, b in doc.paragraphs():
        d = next((k for k in range(a + 1, b) if toks[k].text in _DASHES), None)
        if d is None or d in covered or toks[a].text not in _QUOTE_MARKS or toks[d - 1].text not in _QUOTE_MARKS:
            continue
        name = toks[d + 1:b]
        if not 1 <= len(name) <= 6 or not name[0].text[:1].isupper():
            continue
        end = b
        while end > d + 1 and not toks[end - 1].text[:1].isalnum():
            end -= 1
        yield ((toks[d].start, toks[d].end), (toks[a].start, toks[d - 1].end),
               (toks[d + 1].start, toks[end - 1].end))
