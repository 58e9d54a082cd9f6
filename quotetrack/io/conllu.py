"""CoNLL-U in (and out): already-annotated articles from any Universal Dependencies parser.

A ``.conllu`` file holds one article, or several split on ``# newdoc`` comments. Each
becomes an :class:`~quotetrack.annotate.AnnotatedArticle` whose text is rebuilt from the
tokens, and every offset quotetrack reports indexes that rebuilt text:

* when every token carries Stanza's ``start_char=..|end_char=..`` in MISC, tokens are put
  back at those offsets (gaps become spaces), so offsets match the text Stanza was run on;
* otherwise sentence by sentence: the ``# text`` comment when the tokens can be found in it
  in order, else the word forms joined with a space unless ``SpaceAfter=No``
  (``SpacesAfter=`` is honoured). Sentences are separated by one space, paragraphs
  (``# newpar``) by a blank line.

Entities come from MISC ``ner=`` tags (BIOES or BIO, as Stanza writes them) or from GUM's
``Entity=`` bracket annotation, whose coreference ids also fill ``AnnotatedArticle.coref``.
``# meta::title``, ``# meta::dateCreated`` and ``# meta::sourceURL`` (GUM) give title,
date and url; ``article_id`` is the ``newdoc id`` or the file stem.

Parsing is plain Python (no Stanza, no torch): a 1,000-token document reads in a few
milliseconds. Bad input raises :class:`ConlluError` naming the line; :func:`conllu_items`
turns that into one error status so a batch goes on. Offsets are checked before any text
is built from them: an ``end_char`` beyond :data:`OFFSET_SCALE` times the document's own
size (or :data:`OFFSET_FLOOR`, whichever is larger) is an error, so a 130-byte file
cannot ask for gigabytes.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from ..doc import AnnotatedArticle, Entity, Token, entities_from_tags
from ..records import Article, ArticleStatus

#: File extensions read as CoNLL-U.
CONLLU_EXTENSIONS = (".conllu",)
#: ``end_char`` may reach this many times the characters of the document's CoNLL-U lines:
#: every token takes a line of ten columns, so real offsets stay well below its size.
OFFSET_SCALE = 4
#: ... or this many characters, whichever is larger (room for a document whose offsets
#: index a longer original, e.g. when only some of its sentences were kept).
OFFSET_FLOOR = 1 << 16

#: GUM entity types -> the OntoNotes-style NER types Stanza uses.
GUM_ENTITY_TYPES = {"person": "PERSON", "organization": "ORG", "place": "GPE"}

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ENTITY_PART = re.compile(r"\(([^()]*)|(\w+)\)")


class ConlluError(ValueError):
    """Malformed CoNLL-U; the message names the line."""


# --------------------------------------------------------------------------- parsing


class _Word:
    __slots__ = ("id", "form", "lemma", "upos", "xpos", "head", "deprel", "misc", "surface",
                 "start", "end")

    def __init__(self, wid, form, lemma, upos, xpos, head, deprel, misc):
        self.id, self.form, self.lemma, self.upos, self.xpos = wid, form, lemma, upos, xpos
        self.head, self.deprel, self.misc = head, deprel, misc
        self.start = self.end = -1


class _Surface:
    """One surface token: a plain word or a multi-word token (``3-4 Mecca's``)."""

    __slots__ = ("form", "words", "misc", "line")

    def __init__(self, form: str, misc: Dict[str, str], line: int = 0):
        self.form, self.misc, self.words, self.line = form, misc, [], line


class _Sentence:
    __slots__ = ("comments", "surfaces", "words", "newpar", "line")

    def __init__(self, line: int):
        self.comments: Dict[str, str] = {}
        self.surfaces: List[_Surface] = []
        self.words: List[_Word] = []
        self.newpar = False
        self.line = line


def _misc(field: str) -> Dict[str, str]:
    if field in ("_", ""):
        return {}
    out = {}
    for part in field.split("|"):
        k, sep, v = part.partition("=")
        out[k] = v if sep else ""
    return out


def _opt(value: str) -> Optional[str]:
    return None if value == "_" else value


def _unescape_spaces(value: str) -> str:
    return value.replace("\\s", " ").replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "") \
        .replace("\\\\", "\\")


def _documents(lines: Iterable[str]) -> Iterator[Tuple[Dict[str, str], List[_Sentence], int]]:
    """(document comments, sentences, first line number) per document."""
    for meta, sents, line, _ in _sized_documents(lines):
        yield meta, sents, line


def _sized_documents(lines: Iterable[str]
                     ) -> Iterator[Tuple[Dict[str, str], List[_Sentence], int, int]]:
    """(document comments, sentences, first line number, characters of its lines) per document."""
    doc_meta: Dict[str, str] = {}
    sents: List[_Sentence] = []
    doc_line = 1
    doc_chars = 0
    cur: Optional[_Sentence] = None
    pending_par = False
    mwt_end = 0

    def close(lineno: int) -> None:
        nonlocal cur, mwt_end
        end, mwt_end = mwt_end, 0
        if cur is None:
            return
        if end > len(cur.words):
            raise ConlluError(f"line {cur.line}: multi-word token runs to word {end} but the sentence "
                              f"has {len(cur.words)} words")
        if not cur.words:
            raise ConlluError(f"line {cur.line}: sentence has comments but no words")
        n = len(cur.words)
        for w in cur.words:
            if w.head is not None and not 0 <= w.head <= n:
                raise ConlluError(f"line {cur.line}: word {w.id} has head {w.head} outside the sentence "
                                  f"(1..{n})")
        sents.append(cur)
        cur = None

    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        doc_chars += len(raw) + 1
        if "\x00" in line:
            raise ConlluError(f"line {lineno}: NUL character (a binary or corrupt file)")
        if not line.strip():
            close(lineno)
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            key, eq, value = body.partition("=")
            key, value = key.strip(), value.strip()
            if key == "newdoc" or key.startswith("newdoc ") or key == "newdoc id":
                close(lineno)
                if sents or doc_meta:
                    yield doc_meta, sents, doc_line, doc_chars - len(raw) - 1
                doc_meta, sents, doc_line, doc_chars = {}, [], lineno, len(raw) + 1
                doc_meta["newdoc"] = value if eq else ""
                pending_par = False
                continue
            if key == "newpar" or key.startswith("newpar ") or key == "newpar id":
                close(lineno)
                pending_par = True
                continue
            if key.startswith("meta::") or key.startswith("global."):
                doc_meta[key] = value
                continue
            if cur is None:
                cur = _Sentence(lineno)
                cur.newpar, pending_par = pending_par, False
            if eq:
                cur.comments[key] = value
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise ConlluError(f"line {lineno}: expected 10 tab-separated columns, found {len(cols)}")
        if cur is None:
            cur = _Sentence(lineno)
            cur.newpar, pending_par = pending_par, False
        wid = cols[0]
        if "." in wid:  # empty node of enhanced dependencies
            continue
        if "-" in wid:
            a, _, b = wid.partition("-")
            if not (a.isdigit() and b.isdigit()) or int(a) != len(cur.words) + 1 or int(b) < int(a):
                raise ConlluError(f"line {lineno}: bad multi-word token range {wid!r}")
            cur.surfaces.append(_Surface(cols[1], _misc(cols[9]), lineno))
            mwt_end = int(b)
            continue
        if not wid.isdigit() or int(wid) != len(cur.words) + 1:
            raise ConlluError(f"line {lineno}: word id {wid!r} where {len(cur.words) + 1} was expected")
        head_s = cols[6]
        if head_s == "_":
            head = None
        elif head_s.isdigit():
            head = int(head_s)
        else:
            raise ConlluError(f"line {lineno}: head {head_s!r} is not a number")
        if cols[1] == "":
            raise ConlluError(f"line {lineno}: empty word form")
        w = _Word(int(wid), cols[1], _opt(cols[2]), _opt(cols[3]), _opt(cols[4]), head,
                  _opt(cols[7]), _misc(cols[9]))
        cur.words.append(w)
        if w.id <= mwt_end:
            cur.surfaces[-1].words.append(w)
        else:
            s = _Surface(w.form, w.misc, lineno)
            s.words.append(w)
            cur.surfaces.append(s)
    close(-1)
    if sents:
        yield doc_meta, sents, doc_line, doc_chars
    elif doc_meta.get("newdoc") is not None and doc_meta:
        raise ConlluError(f"line {doc_line}: document has no sentences")


# --------------------------------------------------------------------------- text rebuilding


def _space_after(s: _Surface) -> str:
    if "SpacesAfter" in s.misc:
        return _unescape_spaces(s.misc["SpacesAfter"])
    return "" if s.misc.get("SpaceAfter") == "No" else " "


def _align(text: str, forms: Sequence[str]) -> Optional[List[int]]:
    """Start offset of each form in ``text`` (in order, only whitespace between), or None."""
    pos, out = 0, []
    for f in forms:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not text.startswith(f, pos):
            return None
        out.append(pos)
        pos += len(f)
    return out if not text[pos:].strip() else None


def _absolute_offsets(sents: List[_Sentence],
                      limit: Optional[int] = None) -> Optional[List[Tuple[int, int]]]:
    """(start, end) per surface token from Stanza's start_char/end_char, when all have them.

    Raises:
        ConlluError: An ``end_char`` beyond ``limit`` (checked before any text is built).
    """
    out = []
    last = 0
    for sent in sents:
        for s in sent.surfaces:
            misc = s.misc if "start_char" in s.misc else (s.words[0].misc if s.words else {})
            end_misc = s.misc if "end_char" in s.misc else (s.words[-1].misc if s.words else {})
            try:
                a, b = int(misc["start_char"]), int(end_misc["end_char"])
            except (KeyError, ValueError):
                return None
            if a < last or b - a != len(s.form):
                return None
            if limit is not None and b > limit:
                raise ConlluError(
                    f"line {s.line}: end_char={b} of {s.form[:20]!r} is far beyond this "
                    f"document's size (at most {limit} characters allowed); the offsets are "
                    "corrupt")
            out.append((a, b))
            last = b
    return out


def _place_words(s: _Surface, a: int) -> None:
    """Offsets of a surface token's words: sub-spans when they spell it out, else the whole token."""
    if len(s.words) == 1:
        s.words[0].start, s.words[0].end = a, a + len(s.form)
        return
    pos = 0
    low = s.form.lower()
    spans = []
    for w in s.words:
        i = low.find(w.form.lower(), pos)
        if i != pos:
            spans = None
            break
        spans.append((a + i, a + i + len(w.form)))
        pos = i + len(w.form)
    if spans is None or pos != len(s.form):
        spans = [(a, a + len(s.form))] * len(s.words)
    for w, (x, y) in zip(s.words, spans):
        w.start, w.end = x, y


def _rebuild(sents: List[_Sentence], limit: Optional[int] = None) -> str:
    """The article text; sets every word's start/end.

    Args:
        sents: The document's sentences.
        limit: Largest ``end_char`` accepted (see :func:`_absolute_offsets`); None: no check.
    """
    absolute = _absolute_offsets(sents, limit)
    if absolute is not None:
        any_par = any(s.newpar for s in sents[1:])
        pieces: List[str] = []
        length = 0
        k = 0
        for si, sent in enumerate(sents):
            for ti, s in enumerate(sent.surfaces):
                a, _ = absolute[k]
                k += 1
                gap = a - length
                if gap > 0:
                    # A paragraph break: marked, or (no marks at all) a gap of 2+ between sentences.
                    breaks = 0
                    if ti == 0 and si and (sent.newpar or (not any_par and gap >= 2)):
                        breaks = min(2, gap)
                    pieces.append(" " * (gap - breaks) + "\n" * breaks)
                pieces.append(s.form)
                length = a + len(s.form)
                _place_words(s, a)
        return "".join(pieces)

    parts: List[str] = []
    length = 0
    tail = ""  # line breaks the previous sentence already ended with (SpacesAfter)
    for si, sent in enumerate(sents):
        if si:
            if tail:
                sep = "\n" if sent.newpar and not tail.endswith("\n\n") else ""
            else:
                sep = "\n\n" if sent.newpar else " "
            parts.append(sep)
            length += len(sep)
        forms = [s.form for s in sent.surfaces]
        given = sent.comments.get("text")
        starts = _align(given, forms) if given is not None else None
        if starts is not None:
            body = given.rstrip()
            for s, st in zip(sent.surfaces, starts):
                _place_words(s, length + st)
        else:
            pieces = []
            pos = 0
            for i, s in enumerate(sent.surfaces):
                _place_words(s, length + pos)
                pieces.append(s.form)
                pos += len(s.form)
                if i < len(sent.surfaces) - 1:
                    sp = _space_after(s)
                    pieces.append(sp)
                    pos += len(sp)
            body = "".join(pieces)
        parts.append(body)
        length += len(body)
        # A trailing SpacesAfter with a line break (UD's convention) ends the paragraph.
        last = sent.surfaces[-1]
        tail = _space_after(last) if "SpacesAfter" in last.misc else ""
        tail = tail if "\n" in tail else ""
        if tail:
            parts.append(tail)
            length += len(tail)
    return "".join(parts)


# --------------------------------------------------------------------------- entities


def _gum_mentions(words: List[_Word], fields: List[str]) -> List[Tuple[int, int, Dict[str, str]]]:
    """(first word, end word, attributes) of every GUM ``Entity=`` mention."""
    mentions: List[Tuple[int, int, Dict[str, str]]] = []
    open_: Dict[str, List[Tuple[int, Dict[str, str]]]] = {}
    for i, w in enumerate(words):
        value = w.misc.get("Entity")
        if not value:
            continue
        for m in _ENTITY_PART.finditer(value):
            if m.group(1) is not None:
                body = m.group(1)
                closes_here = value[m.end():m.end() + 1] == ")"
                parts = body.split("-", len(fields) - 1) if fields else body.split("-")
                attrs = dict(zip(fields, parts)) if fields else {"eid": parts[0]}
                eid = parts[0]
                attrs.setdefault("eid", eid)
                if closes_here:
                    mentions.append((i, i + 1, attrs))
                else:
                    open_.setdefault(eid, []).append((i, attrs))
            else:
                eid = m.group(2)
                stack = open_.get(eid)
                if stack:
                    a, attrs = stack.pop()
                    mentions.append((a, i + 1, attrs))
    # GUM writes "(5-...)" for one-word mentions: the regex sees "(5-...", then "5)" is
    # not there, so those were closed above; unclosed mentions are dropped.
    mentions.sort(key=lambda m: (m[0], -m[1]))
    return mentions


def _gum_fields(meta: Dict[str, str]) -> List[str]:
    spec = meta.get("global.Entity")
    if not spec:
        return ["eid", "etype"]
    names = [f.lower() for f in spec.split("-")]
    return ["eid" if n == "grp" else n for n in names]


# --------------------------------------------------------------------------- documents


def _build(meta: Dict[str, str], sents: List[_Sentence], article_id: str,
           path: Optional[str], limit: Optional[int] = None) -> AnnotatedArticle:
    text = _rebuild(sents, limit)
    words = [w for s in sents for w in s.words]
    tokens: List[Token] = []
    ranges: List[Tuple[int, int]] = []
    ner_tags: List[Optional[str]] = []
    for k, sent in enumerate(sents):
        first = len(tokens)
        for s in sent.surfaces:
            tag = s.misc.get("ner") or None
            for j, w in enumerate(s.words):
                wtag = w.misc.get("ner") or tag
                if wtag and len(s.words) > 1 and w.misc.get("ner") is None:  # MWT: spread the tag
                    p, _, t = wtag.partition("-")
                    if p in ("S", "B", "E", "I") and t:
                        inner = {"S": ("B", "I", "E"), "B": ("B", "I", "I"), "E": ("I", "I", "E"),
                                 "I": ("I", "I", "I")}[p]
                        wtag = (inner[0] if j == 0 else inner[2] if j == len(s.words) - 1 else inner[1]) \
                            + "-" + t
                ner_tags.append(wtag)
                head = (first + w.head - 1) if w.head else None
                tokens.append(Token(w.form, w.start, w.end, k, w.lemma, w.upos, w.xpos, head, w.deprel,
                                    None))
        ranges.append((first, len(tokens)))

    entities: List[Entity] = []
    coref: List[List[Tuple[int, int]]] = []
    tagged = any(ner_tags)
    if tagged:
        entities = entities_from_tags(ner_tags)
    if any("Entity" in w.misc for w in words):
        # Coreference comes from Entity= whether or not NER tags are there too (CoreNLP silver
        # files have both); entity types come from it only when there are no NER tags.
        mentions = _gum_mentions(words, _gum_fields(meta))
        chains: Dict[str, List[Tuple[int, int]]] = {}
        for a, b, attrs in mentions:
            chains.setdefault(attrs.get("eid", ""), []).append((a, b))
            typ = None if tagged else GUM_ENTITY_TYPES.get(attrs.get("etype", ""))
            if not typ:
                continue
            # A named mention has a proper-noun head (GUM's identity links also cover pronouns
            # and descriptions of named entities, which NER would not tag).
            heads = [i for i in range(a, b) if tokens[i].head is None or not a <= tokens[i].head < b]
            if heads and tokens[heads[0]].upos == "PROPN":
                entities.append(Entity(a, b, typ))
        coref = [sorted(ms) for ms in chains.values() if len(ms) > 1]
        coref.sort(key=lambda ms: ms[0])
        # Token-level BIOES from the outermost named mentions.
        ner_tags = [None] * len(tokens)
        taken_until = 0
        for e in sorted(entities, key=lambda e: (e.start, -e.end)):
            if e.start < taken_until:
                continue
            taken_until = e.end
            if e.end - e.start == 1:
                ner_tags[e.start] = "S-" + e.type
            else:
                ner_tags[e.start] = "B-" + e.type
                for i in range(e.start + 1, e.end - 1):
                    ner_tags[i] = "I-" + e.type
                ner_tags[e.end - 1] = "E-" + e.type
    if any(ner_tags):
        tokens = [t if tag is None else Token(t.text, t.start, t.end, t.sent, t.lemma, t.upos, t.xpos,
                                              t.head, t.deprel, tag)
                  for t, tag in zip(tokens, ner_tags)]

    processors = {"tokenize"}
    if any(len(s.words) > 1 for sent in sents for s in sent.surfaces):
        processors.add("mwt")
    if words and all(w.upos for w in words):
        processors.add("pos")
    if words and all(w.lemma for w in words):
        processors.add("lemma")
    if words and all(w.head is not None and w.deprel for w in words):
        processors.add("depparse")
    if entities or any(ner_tags):
        processors.add("ner")
    if coref:
        processors.add("coref")

    date = meta.get("meta::dateCreated") or meta.get("meta::date")
    date = date[:10] if date and _DATE_RE.match(date) else None
    article = Article(article_id=article_id, text=text, title=meta.get("meta::title") or None, date=date,
                      source=meta.get("meta::source") or None,
                      url=meta.get("meta::sourceURL") or meta.get("meta::url") or None, path=path)
    return AnnotatedArticle(article, tokens, ranges, frozenset(processors), entities, coref)


def parse_conllu(lines: Union[str, Iterable[str]], *, default_id: str = "conllu",
                 path: Optional[str] = None,
                 max_chars: Optional[int] = None) -> Iterator[AnnotatedArticle]:
    """Articles from CoNLL-U text (a string or an iterable of lines).

    Args:
        lines: The CoNLL-U content.
        default_id: ``article_id`` of a document without ``# newdoc id`` (numbered
            ``-2``, ``-3``, ... when there are several).
        path: Stored on each ``Article.path``.
        max_chars: Longest article text accepted (``end_char`` offsets are also held to
            the document's own size, see :data:`OFFSET_SCALE`).

    Raises:
        ConlluError: The input is not valid CoNLL-U (the message names the line), or its
            offsets are out of all proportion to its size.
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    n = 0
    seen: Dict[str, int] = {}
    for meta, sents, _, size in _sized_documents(lines):
        limit = max(OFFSET_FLOOR, OFFSET_SCALE * size)
        if max_chars is not None:
            limit = min(limit, max_chars)
        n += 1
        aid = meta.get("newdoc") or (default_id if n == 1 else f"{default_id}-{n}")
        if aid in seen:
            seen[aid] += 1
            aid = f"{aid}-{seen[aid]}"
        else:
            seen[aid] = 1
        yield _build(meta, sents, aid, path, limit)


def read_conllu(path: Union[str, os.PathLike], *, article_id: Optional[str] = None,
                max_bytes: Optional[int] = None) -> Iterator[AnnotatedArticle]:
    """Articles from a ``.conllu`` file: one, or several split on ``# newdoc``.

    Args:
        path: The file (UTF-8).
        article_id: Id for documents without ``# newdoc id`` (default: the file stem).
        max_bytes: When given, a file over this size is an error however large it was
            when opened (it may still be growing), and no article text is longer.

    Raises:
        ConlluError: Malformed CoNLL-U, or over ``max_bytes``.
        OSError, UnicodeDecodeError: The file cannot be read as UTF-8.
    """
    p = Path(path)
    with open(p, encoding="utf-8-sig") as f:
        lines: Iterable[str] = f if max_bytes is None else _limited(f, max_bytes)
        yield from parse_conllu(lines, default_id=article_id or p.stem, path=str(path),
                                max_chars=max_bytes)


def _limited(f, max_bytes: int) -> Iterator[str]:
    """The lines of ``f``; more than ``max_bytes`` characters in all raise :class:`ConlluError`.

    Characters, not bytes: UTF-8 has at least one byte per character, so a file within
    the limit always passes. No line is read more than ``max_bytes + 1`` at a time.
    """
    total = 0
    while True:
        line = f.readline(max_bytes + 1 - total)
        if not line:
            return
        total += len(line)
        if total > max_bytes:
            raise ConlluError(f"file is larger than {max_bytes} bytes; raise --max-bytes to "
                              "read it")
        yield line


def conllu_items(path: Union[str, os.PathLike], *, article_id: Optional[str] = None,
                 max_bytes: Optional[int] = None) -> Iterator[Union[AnnotatedArticle, ArticleStatus]]:
    """Like :func:`read_conllu` but never raises: a bad file ends in one error status.

    Documents before the bad spot are yielded; the error status carries the line number.
    This is what :func:`quotetrack.io.readers.read_inputs` uses for ``.conllu`` files.
    """
    p = Path(path)
    aid = article_id or p.stem
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):  # never open a FIFO or device: it may block forever
            yield ArticleStatus(aid, str(path), "error", "not a regular file; skipped")
            return
        if max_bytes is not None and st.st_size > max_bytes:
            yield ArticleStatus(aid, str(path), "error",
                                f"file is larger than {max_bytes} bytes; raise --max-bytes to read it")
            return
        yield from read_conllu(p, article_id=aid, max_bytes=max_bytes)
    except ConlluError as exc:
        yield ArticleStatus(aid, str(path), "error", f"bad CoNLL-U: {exc}")
    except UnicodeDecodeError as exc:
        yield ArticleStatus(aid, str(path), "error", f"CoNLL-U must be UTF-8 ({exc.reason})")
    except OSError as exc:
        yield ArticleStatus(aid, str(path), "error", f"cannot read ({exc.strerror or exc})")


# --------------------------------------------------------------------------- writing


def to_conllu(doc: AnnotatedArticle) -> str:
    """CoNLL-U for one annotated article, with ``start_char``/``end_char`` (and ``ner``) in
    MISC, so that :func:`parse_conllu` rebuilds the same text and offsets.

    Words sharing one character span (a multi-word token) get a range line.
    """
    a = doc.article
    out = [f"# newdoc id = {a.article_id}"]
    for key, value in (("title", a.title), ("dateCreated", a.date), ("sourceURL", a.url)):
        if value:
            out.append(f"# meta::{key} = {' '.join(value.split())}")
    text = doc.text
    for k, (s, e) in enumerate(doc.sentences):
        if s == e:
            continue
        toks = doc.tokens[s:e]
        if s and "\n\n" in text[doc.tokens[s - 1].end:toks[0].start]:
            out.append("# newpar")
        out.append(f"# text = {' '.join(text[toks[0].start:toks[-1].end].split())}")
        i = 0
        while i < len(toks):
            j = i + 1
            while j < len(toks) and (toks[j].start, toks[j].end) == (toks[i].start, toks[i].end):
                j += 1
            t0 = toks[i]
            span = [f"start_char={t0.start}", f"end_char={t0.end}"]
            if j - i > 1:
                out.append("\t".join([f"{i + 1}-{j}", text[t0.start:t0.end]] + ["_"] * 7 + ["|".join(span)]))
            for m in range(i, j):
                t = toks[m]
                misc = span if j - i == 1 else []
                if t.ner:
                    misc = misc + [f"ner={t.ner}"]
                if t.head is not None:
                    head = str(t.head - s + 1)
                else:
                    head = "0" if t.deprel else "_"
                out.append("\t".join([str(m + 1), t.text, t.lemma or "_", t.upos or "_", t.xpos or "_", "_",
                                      head, t.deprel or "_", "_", "|".join(misc) or "_"]))
            i = j
        out.append("")
    return "\n".join(out) + "\n"
