"""The dependency path: attributions from Universal Dependencies parses.

Used by :func:`quotetrack.extract.extract` when an article carries a dependency parse
(Stanza with pos/lemma/depparse, or CoNLL-U input). A *cue* is a verb whose lemma is in the
cue lexicon (``quotetrack/data/cues.tsv``), or "according to". Around it:

* **source** -- the cue's ``nsubj`` (its whole phrase: titles, appositions, compound
  names; relative clauses left out), the ``obl:agent`` of a passive ("was described as ...
  by Azerbaijan's presidency"), the subject of the verb a subject-less cue hangs from
  ("..., saying that", "went on to say", "X was quoted as saying"), the noun a relative
  clause or participle modifies ("Pashinyan, who said", "a statement saying"), or the
  object of "according to";
* **content** -- the ``ccomp``, ``parataxis`` or ``xcomp`` the cue governs, the clause the
  cue is a parenthetical of ("..., he said"), the ``as``/``of``/``for`` phrase of
  describe- and accuse-type cues, the object of deny/report/declare-type cues ("denied
  allegations of ...") or a quotation next to the cue, possibly in the next sentence after
  a colon. A content that opens or closes a quotation grows to the whole quotation, across
  sentences and paragraphs;
* **target** -- for cues the lexicon marks as aimed at someone: the ``obj``/``iobj``
  ("accused *Armenia* of", "urged *Baku* to"), the ``obl`` with the lexicon's preposition
  ("called on *Yerevan* to"), or the passive subject ("*Armenia* was accused by ...").

The cue span follows PolNeAR: auxiliaries and adverbs right before the verb belong to it
("has repeatedly said"), as do particles ("pointed out").

Sentences without a parse (see :class:`quotetrack.annotate.StanzaAnnotator`, which parses
only sentences that can hold an attribution) are skipped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from ..doc import AnnotatedArticle, Token
from ..lexicon import (ABOUT_CONTENT_ACTS, BARE_TARGET_ACTS, CLOSE_ONLY_QUOTES, OBJECT_CONTENT_ACTS,
                       OPEN_ONLY_QUOTES, PTB_QUOTES, Cue, cue_first_words, is_quote, match_cue,
                       sentence_can_attribute)
from .candidate import Candidate, CharSpan


# The straight single quote is left out: in parsed text it is nearly always an apostrophe.
_STRAIGHT_Q = frozenset(['"', *PTB_QUOTES])
# Relations that never belong to a speaker or target phrase.
_PHRASE_STOPS = frozenset(["acl:relcl", "parataxis", "dep", "reparandum", "punct:paren"])
# Relations of the cue verb whose tokens, when right before it, belong to the cue.
_CUE_PREFIX = frozenset(["aux", "aux:pass", "advmod", "neg"])
# Question words that head an embedded question used as object ("explained how ...").
_WH = frozenset("how why what whether where when who which if".split())
# Prepositions/markers that introduce what an accusation, criticism or praise is about.
_ABOUT_MARKERS = frozenset(["of", "for", "over", "against", "about", "on"])
# Words that introduce what was said and are not part of it.
_LEADING_MARKERS = frozenset(["that", "as"]) | _ABOUT_MARKERS
_RELATIVE = frozenset(["who", "which", "that", "whom"])
_EXPLETIVE = frozenset(["it", "there"])
_MAX_QUOTE_TOKENS = 400


@dataclass(frozen=True)
class _Cue:
    head: int  # the cue verb (or "according")
    first: int  # first token of the cue span
    last: int  # last token of the cue span (inclusive)
    lex: Cue


class _Parse:
    """Children lists and quotation spans of one parsed article."""

    def __init__(self, doc: AnnotatedArticle):
        self.doc = doc
        self.toks: List[Token] = doc.tokens
        n = len(self.toks)
        self.children: List[List[int]] = [[] for _ in range(n)]
        for i, t in enumerate(self.toks):
            if t.head is not None and 0 <= t.head < n:
                self.children[t.head].append(i)
        self.quotes = _quote_spans(doc)
        self.quote_of: Dict[int, Tuple[int, int]] = {}
        for a, b in self.quotes:
            for i in range(a, b + 1):
                self.quote_of.setdefault(i, (a, b))

    # -- tree helpers -------------------------------------------------------------------
    def kids(self, i: int, *rels: str) -> List[int]:
        if not rels:
            return self.children[i]
        return [k for k in self.children[i]
                if _base(self.toks[k].deprel) in rels or self.toks[k].deprel in rels]

    def subtree(self, i: int, *, stop: FrozenSet[str] = frozenset(), skip: Iterable[int] = ()) -> Set[int]:
        """``i`` and its descendants; children with a relation in ``stop`` and the tokens in
        ``skip`` are left out with everything below them."""
        skip = set(skip)
        out: Set[int] = set()
        todo = [i]
        while todo:
            j = todo.pop()
            if j in out or j in skip:
                continue
            out.add(j)
            for k in self.children[j]:
                rel = self.toks[k].deprel or ""
                if rel in stop or _base(rel) in stop:
                    continue
                todo.append(k)
        return out

    def lemma(self, i: int) -> str:
        t = self.toks[i]
        return (t.lemma or t.text).lower()


def _base(rel: Optional[str]) -> str:
    return (rel or "").split(":")[0]


# --------------------------------------------------------------------------------------
# Quotations
# --------------------------------------------------------------------------------------

def _quote_spans(doc: AnnotatedArticle) -> List[Tuple[int, int]]:
    """Token ranges (inclusive) of quotations, opening mark to closing mark.

    Curly and angle marks pair by direction, straight ones toggle. A quotation left open at
    a paragraph end continues when the next paragraph opens with a mark (the multi-paragraph
    convention); otherwise it is dropped.
    """
    toks = doc.tokens
    text = doc.text
    spans: List[Tuple[int, int]] = []
    open_at: Optional[int] = None
    for i, t in enumerate(toks):
        w = t.text
        if i and open_at is not None and "\n" in text[toks[i - 1].end:t.start]:
            # A paragraph break inside an open quotation: the new paragraph's opening mark
            # continues it; anything else (or a run-away quotation) drops it.
            if (w in OPEN_ONLY_QUOTES or w in _STRAIGHT_Q) and i - open_at <= _MAX_QUOTE_TOKENS:
                continue
            open_at = None
        if w in OPEN_ONLY_QUOTES or w == "``":
            if open_at is None:
                open_at = i
        elif w in CLOSE_ONLY_QUOTES or w == "''":
            if w == "’" and i and toks[i - 1].end == t.start and i + 1 < len(toks) \
                    and toks[i + 1].start == t.end:
                continue  # an apostrophe inside a word
            if open_at is not None:
                spans.append((open_at, i))
                open_at = None
        elif w == '"':
            if open_at is None:
                open_at = i
            else:
                spans.append((open_at, i))
                open_at = None
    return spans


# --------------------------------------------------------------------------------------
# Cues
# --------------------------------------------------------------------------------------

def _find_cue(p: _Parse, i: int, sent_end: int) -> Optional[_Cue]:
    """The cue whose head word is token ``i``, if any."""
    toks = p.toks
    t = toks[i]
    low = t.text.lower()
    rel = t.deprel or ""
    firsts = cue_first_words()
    # "according to X": a case marker over X (UD), or just the two words.
    if low == "according" and i + 1 < sent_end and toks[i + 1].text.lower() == "to":
        m = match_cue(["according", "to"], 0)
        if m:
            return _Cue(i, i, i + 1, m[1])
    if t.upos not in ("VERB",) or rel in ("amod", "compound", "case", "fixed", "nmod", "obl"):
        return None
    lemma = p.lemma(i)
    if lemma not in firsts and low not in firsts:
        return None
    rest = [toks[k].text.lower() for k in range(i + 1, min(i + 4, sent_end))]
    best = None
    for words in ([lemma] + rest, [low] + rest):
        if words[0] not in firsts:
            continue
        m = match_cue(words, 0)
        if m and (best is None or m[0] > best[0]):
            best = m
    if not best:
        return None
    length, lex = best
    last = i + length - 1
    if length > 1:
        # the extra words must hang from the verb ("pointed out", "called on X", "called for X")
        for k in range(i + 1, last + 1):
            hk = toks[k].head
            if hk != i and (hk is None or toks[hk].head != i):
                length, last = 1, i
                m = match_cue([lemma], 0) or match_cue([low], 0)
                if not m:
                    return None
                lex = m[1]
                break
    # particles right after the verb ("pointed out")
    for k in p.kids(i, "compound:prt"):
        if k == last + 1:
            last = k
    first = i
    # auxiliaries and adverbs right before the verb ("has repeatedly said")
    prefix = {k for k in p.children[i] if (toks[k].deprel or "") in _CUE_PREFIX and k < i}
    while first - 1 in prefix:
        first -= 1
    return _Cue(i, first, last, lex)


# --------------------------------------------------------------------------------------
# Spans
# --------------------------------------------------------------------------------------

def _edges(p: _Parse, tokens: Set[int], *, keep_quotes: bool) -> Optional[Tuple[int, int]]:
    """(first, last) token of a set, with punctuation trimmed from both ends."""
    if not tokens:
        return None
    a, b = min(tokens), max(tokens)
    toks = p.toks

    def trimmable(k: int) -> bool:
        t = toks[k]
        if keep_quotes and is_quote(t.text):
            return False
        return t.upos == "PUNCT" or (not t.text[:1].isalnum() and t.text not in ("$", "%", "&", "#", "@"))

    def marker(k: int) -> bool:  # "said *that* ...", "accused Baku *of* ...", "described *as* ..."
        t = toks[k]
        return _base(t.deprel) in ("mark", "case") and t.text.lower() in _LEADING_MARKERS \
            and t.head in tokens and t.head > k

    while a <= b and (a not in tokens or trimmable(a) or marker(a)):
        a += 1
    while b >= a and (b not in tokens or trimmable(b)):
        b -= 1
    return (a, b) if a <= b else None


def _chars(p: _Parse, rng: Optional[Tuple[int, int]]) -> Optional[CharSpan]:
    if rng is None:
        return None
    return p.toks[rng[0]].start, p.toks[rng[1]].end


def _phrase(p: _Parse, head: int, *, skip: Iterable[int] = ()) -> Optional[Tuple[int, int]]:
    """A speaker or target noun phrase: the head's subtree without relative clauses, cut
    to the contiguous run around the head."""
    toks = p.toks
    sub = p.subtree(head, stop=_PHRASE_STOPS, skip=skip)
    # prepositions that carried the phrase ("by", "according to") are not part of it
    sub -= {k for k in p.kids(head, "case") if k < head or toks[k].text.lower() in ("by", "to")}
    sub -= {k for k in p.kids(head, "mark")}
    # keep it contiguous around the head
    a = b = head
    while a - 1 in sub:
        a -= 1
    while b + 1 in sub:
        b += 1
    return _edges(p, set(range(a, b + 1)), keep_quotes=False)


def _grow_quotes(p: _Parse, rng: Tuple[int, int], cue: _Cue) -> Tuple[int, int]:
    """Extend a content range that opens or closes a quotation to the whole quotation."""
    a, b = rng
    for qa, qb in p.quotes:
        if qb < a or qa > b:
            continue
        inside = qa >= a and qb <= b
        if inside:
            continue
        if qa <= cue.head <= qb:
            continue  # the cue is quoted itself: don't swallow it
        a, b = min(a, qa), max(b, qb)
    return a, b


def _trim_content(p: _Parse, tokens: Set[int], cue: _Cue) -> Optional[Tuple[int, int]]:
    rng = _edges(p, tokens, keep_quotes=True)
    if rng is None:
        return None
    rng = _grow_quotes(p, rng, cue)
    a, b = rng
    toks = p.toks
    # drop a dangling quote mark left at an end with no partner inside the span
    if is_quote(toks[a].text) and not any(is_quote(toks[k].text) for k in range(a + 1, b + 1)):
        a += 1
    if b >= a and is_quote(toks[b].text) and not any(is_quote(toks[k].text) for k in range(a, b)):
        b -= 1
    return (a, b) if a <= b else None


# --------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------

def _subject(p: _Parse, v: int, depth: int = 0) -> Optional[int]:
    """The token heading the speaker phrase of verb ``v`` (nsubj, or inherited)."""
    toks = p.toks
    for k in p.kids(v, "nsubj"):
        if toks[k].deprel == "nsubj:pass" or toks[k].deprel == "nsubj:outer":
            continue
        w = toks[k].text.lower()
        if w in _RELATIVE and (toks[v].deprel or "").startswith("acl") and toks[v].head is not None:
            return toks[v].head  # "Pashinyan, who said ..."
        if w in _EXPLETIVE and toks[k].upos == "PRON" and w == "there":
            continue
        return k
    if p.lemma(v) == "quote":  # "X was quoted (by the paper) as saying": X spoke
        for k in p.kids(v, "nsubj"):
            return k
    agents = p.kids(v, "obl:agent")
    if agents:
        return agents[0]
    if depth >= 3:
        return None
    rel = toks[v].deprel or ""
    h = toks[v].head
    if h is None:
        return None
    base = _base(rel)
    if rel == "acl" or rel.startswith("acl:") and rel != "acl:relcl":
        if toks[h].upos in ("NOUN", "PROPN", "PRON"):
            return h  # "a statement saying ...", "officials speaking on condition ..."
        return None
    if base in ("conj", "xcomp", "advcl"):
        # "arrived and said", "went on to say", "..., saying that", "was quoted as saying";
        # an xcomp's subject is the governing verb's object when it has one ("let me say")
        if base == "xcomp":
            for k in p.kids(h, "obj", "iobj"):
                if k < v:
                    return k
        for k in p.kids(h, "nsubj"):
            if toks[k].text.lower() in _RELATIVE and (toks[h].deprel or "").startswith("acl"):
                return toks[h].head
            return k
        return _subject(p, h, depth + 1)
    return None


def _introduces(p: _Parse, k: int) -> bool:
    """Whether clause ``k`` opens with a quotation mark or follows a colon (direct speech)."""
    toks = p.toks
    sub = p.subtree(k)
    first = min(sub)
    if is_quote(toks[first].text):
        return True
    j = first - 1
    while j >= 0 and toks[j].text in (",", "—"):
        j -= 1
    return j >= 0 and (toks[j].text == ":" or is_quote(toks[j].text))


def _content_tokens(p: _Parse, cue: _Cue, lex: Cue) -> Tuple[Set[int], str]:
    """Tokens of what was said, and how they were found."""
    toks = p.toks
    v = cue.head
    cue_tokens = set(range(cue.first, cue.last + 1))
    content: Set[int] = set()
    for k in p.kids(v, "ccomp", "csubj:pass"):
        content |= p.subtree(k)
    for k in p.kids(v, "parataxis"):
        if _introduces(p, k):  # He said: "..." / He said, "..."
            content |= p.subtree(k)
    if content:
        return content - cue_tokens, "ccomp"
    h = toks[v].head
    rel = _base(toks[v].deprel)
    as_clause = rel == "advcl" and any(toks[m].text.lower() == "as" for m in p.kids(v, "mark"))
    if h is not None and (rel == "parataxis" or as_clause):
        # "..., he said." / "As X told Y, ..." -- the cue is a parenthetical of the content
        return p.subtree(h) - p.subtree(v), "host"
    xs = p.kids(v, "xcomp")
    if xs:
        content = set().union(*(p.subtree(k) for k in xs))
        if lex.target != "obj":  # "expect *talks to continue*": the object belongs to it
            for k in p.kids(v, "obj"):
                if k < min(xs):
                    content |= p.subtree(k)
        return content - cue_tokens, "xcomp"
    for k in p.kids(v, "obj"):
        # an embedded question: "explained how she obtained ...", "has not said why ..."
        if toks[k].text.lower() in _WH and p.children[k]:
            return p.subtree(k), "wh"
    if lex.act == "describe":
        for k in p.kids(v, "obl", "advcl", "xcomp"):
            if any(toks[m].text.lower() == "as" for m in p.kids(k, "case", "mark")):
                return p.subtree(k), "as"
    if lex.act in ABOUT_CONTENT_ACTS:
        for k in p.kids(v, "obl", "advcl"):
            if any(toks[m].text.lower() in _ABOUT_MARKERS for m in p.kids(k, "case", "mark")):
                return p.subtree(k), "about"
    if lex.target != "obj":
        objs = p.kids(v, "obj")
        if objs and (lex.act in OBJECT_CONTENT_ACTS
                     or any(is_quote(toks[m].text) for m in p.subtree(objs[0]))):
            return p.subtree(objs[0]), "obj"
        if lex.lemma == "call for":
            for k in p.kids(v, "obl"):
                if any(toks[m].text.lower() == "for" for m in p.kids(k, "case")):
                    return p.subtree(k), "obl"
    return set(), ""


def _quote_from(p: _Parse, j: int) -> Optional[Tuple[int, int]]:
    """The quotation opening at token ``j``, if one does."""
    q = p.quote_of.get(j)
    return q if q is not None and q[0] == j else None


def _adjacent_quote(p: _Parse, cue: _Cue, source: Optional[Tuple[int, int]], sent: Tuple[int, int],
                    sentences: Sequence[Tuple[int, int]], k: int) -> Optional[Tuple[int, int]]:
    """What was said when the parse links nothing to the cue: a quotation right after the
    cue clause (X said, "..."), right before it ("...," said X), or -- when the sentence ends
    with the cue clause and a colon or comma -- the next sentence (X said: / "...")."""
    toks = p.toks
    a, b = sent
    lo = min(cue.first, source[0] if source else cue.first)
    hi = max(cue.last, source[1] if source else cue.last)
    j = hi + 1
    while j < b and toks[j].text in (",", ":", "—", "-"):
        j += 1
    if j < b:
        q = _quote_from(p, j)
        if q is not None:
            return q
        if toks[j - 1].text == ":":
            return j, b - 1  # a colon introduction without marks: the rest of the sentence
    end = b - 1
    if toks[end].text in (":", ",") and end > hi and k + 1 < len(sentences) \
            and (toks[end].head == cue.head or end in p.subtree(cue.head)):
        # the sentence ends with the cue's clause and a colon: what follows is what was said
        na, nb = sentences[k + 1]
        if na < nb:
            q = _quote_from(p, na)
            if q is not None:
                return q
            if toks[b - 1].text == ":":
                return na, nb - 1
    j = lo - 1
    while j >= a and toks[j].text in (",", "—", "-"):
        j -= 1
    if j >= a:
        q = p.quote_of.get(j)
        if q is not None and q[1] == j:
            return q
    return None


def _target(p: _Parse, cue: _Cue, lex: Cue, content: Set[int]) -> Optional[Tuple[int, int]]:
    toks = p.toks
    v = cue.head
    how = lex.target
    if not how:
        return None
    if how == "obj":
        objs = [k for k in p.kids(v, "obj", "iobj") if k not in content]
        if not objs and p.kids(v, "obl:agent"):
            objs = [k for k in p.kids(v, "nsubj:pass")]  # "Armenia was accused by ..."
        for k in objs:
            if toks[k].upos in ("PRON",) and toks[k].text.lower() in ("it", "this", "that", "what"):
                continue
            return _phrase(p, k, skip=_about_children(p, k))
        return None
    for k in p.kids(v, "obl"):
        if k in content:
            continue
        if any(toks[m].text.lower() == how for m in p.kids(k, "case")):
            return _phrase(p, k)
    return None


def _about_children(p: _Parse, k: int) -> List[int]:
    """Children of a target noun that say what it is accused of ("Baku *of violating*")."""
    toks = p.toks
    out = []
    for c in p.children[k]:
        if _base(toks[c].deprel) in ("acl", "nmod", "advcl") and \
                any(toks[m].text.lower() in _ABOUT_MARKERS for m in p.kids(c, "case", "mark")):
            out.append(c)
    return out


# --------------------------------------------------------------------------------------
# The path
# --------------------------------------------------------------------------------------

def _parsed(toks: Sequence[Token], a: int, b: int) -> bool:
    return b > a and all(t.deprel for t in toks[a:b])


def dependency_candidates(doc: AnnotatedArticle) -> Iterator[Candidate]:
    """Attribution candidates (character spans) from the dependency parse of ``doc``."""
    p = _Parse(doc)
    toks = p.toks
    sentences = doc.sentences
    for k, (a, b) in enumerate(sentences):
        if not _parsed(toks, a, b):
            continue
        for i in range(a, b):
            cue = _find_cue(p, i, b)
            if cue is None:
                continue
            cand = _according_to(p, cue) if cue.lex.lemma == "according to" else \
                _verb_candidate(p, cue, (a, b), sentences, k)
            if cand is not None:
                yield cand


def _according_to(p: _Parse, cue: _Cue) -> Optional[Candidate]:
    toks = p.toks
    x = toks[cue.head].head  # the noun "according" marks
    if x is None or not cue.first <= cue.head <= cue.last:
        return None
    if x <= cue.last:
        return None
    source = _phrase(p, x, skip=range(cue.first, cue.last + 1))
    h = toks[x].head
    content = None
    if h is not None:
        sub = p.subtree(h) - p.subtree(x)
        content = _trim_content(p, sub, cue)
    if content is None:
        # "According to X." on its own: the previous sentence is what X reported
        return None
    return Candidate(cue=_chars(p, (cue.first, cue.last)), content=_chars(p, content),
                     source=_chars(p, source), target=None)


def _verb_candidate(p: _Parse, cue: _Cue, sent: Tuple[int, int], sentences, k: int) -> Optional[Candidate]:
    lex = cue.lex
    subj = _subject(p, cue.head)
    source = _phrase(p, subj, skip=[cue.head]) if subj is not None else None
    if source and source[0] <= cue.head <= source[1]:
        source = None
    content_toks, how = _content_tokens(p, cue, lex)
    if source:
        content_toks -= set(range(source[0], source[1] + 1))
    content = _trim_content(p, content_toks, cue) if content_toks else None
    if content is None:
        q = _adjacent_quote(p, cue, source, sent, sentences, k)
        if q is not None:
            content = _trim_content(p, set(range(q[0], q[1] + 1)), cue)
    elif content[1] < cue.first:
        # mid-quote attribution: "...," he said, "..." -- a quotation right after the cue
        # clause continues a quoted content that ended before the cue
        q = _adjacent_quote(p, cue, source, sent, sentences, k)
        if q is not None and q[0] > cue.last and is_quote(p.toks[content[1]].text):
            content = (content[0], q[1])
    target = _target(p, cue, lex, content_toks)
    if content is None and not (target and source and lex.act in BARE_TARGET_ACTS):
        return None
    return Candidate(cue=_chars(p, (cue.first, cue.last)), content=_chars(p, content),
                     source=_chars(p, source), target=_chars(p, target))


# --------------------------------------------------------------------------------------
# Which sentences need a parse
# --------------------------------------------------------------------------------------

def candidate_sentence_share(docs: Iterable[AnnotatedArticle]) -> Dict[str, float]:
    """How much of a corpus the heavy Stanza processors (pos, lemma, depparse, ner) would see
    when only sentences that can hold an attribution are parsed.

    Args:
        docs: Tokenized articles (any annotator, or CoNLL-U input).

    Returns:
        ``articles``, ``sentences``, ``tokens``, ``candidate_sentences``,
        ``candidate_tokens``, ``sentence_share`` and ``token_share`` (fractions 0..1). The
        heavy processors' time is roughly proportional to tokens, so ``1 - token_share``
        estimates the share of their time saved.
    """
    n_docs = n_sent = n_tok = c_sent = c_tok = 0
    for doc in docs:
        n_docs += 1
        for a, b in doc.sentences:
            if a == b:
                continue
            words = [t.text for t in doc.tokens[a:b]]
            n_sent += 1
            n_tok += b - a
            if sentence_can_attribute(words):
                c_sent += 1
                c_tok += b - a
    return {
        "articles": n_docs, "sentences": n_sent, "tokens": n_tok,
        "candidate_sentences": c_sent, "candidate_tokens": c_tok,
        "sentence_share": c_sent / n_sent if n_sent else 0.0,
        "token_share": c_tok / n_tok if n_tok else 0.0,
    }
