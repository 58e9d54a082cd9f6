"""The fast paths of the CRF taggers give crfsuite exactly what the plain code would.

Tagging builds its feature strings with :class:`quotetrack.extract.tagger.TaggingFeatures`
and :class:`quotetrack.nlp.ner.TaggingFeatures` (bytes, without the strings the models have
no weight for); training and these tests use the plain :func:`paragraph_features` and
:func:`document_features`. crfsuite drops unknown strings and reads the rest in order, so
the two must agree string for string after that filter, and so must the labels. The
tokenizer's and sentence splitter's shortcuts are checked against the step-by-step
versions they replace.
"""
import random
import re
import struct
from dataclasses import FrozenInstanceError

import numpy as np
import pycrfsuite
import pytest

from quotetrack import geo
from quotetrack.doc import Token
from quotetrack.extract import tagger as T
from quotetrack.nlp import builtin, ner
from quotetrack.nlp.builtin import BuiltinAnnotator, make_tokens, split_sentences, tokenize
from quotetrack.nlp.crfmodel import LinearChainCRF, ModelFormatError, model_attributes, read_model
from quotetrack.records import Article

# Made-up text that exercises every kind of feature: quotes of several styles (nested,
# unclosed, straight), colons, "that" after a cue, titles, pronouns, possessives, country
# forms of several words, parentheses, honorifics, one-word and two-word sentences.
ARTICLE = (
    "Foreign Minister Lena Varga said: \u201cWe will not yield.\u201d She added that the talks "
    "(held in Saudi Arabia's capital) had failed, and accused Norland of lying.\n\n"
    "\"It is over,\" said Mr Tom Hale, the Prime Minister of the United Kingdom. Hale denied it.\n"
    "Why? No.\n"
    "The ministry \u2018warned\u2019 that prices would rise \u2014 \u00abagain\u00bb \u2014 according to "
    "the Bank of England's governor, who told reporters he didn't know.\n"
    "\u201cAn unclosed quote goes on: Dr. Ivo Kral (of the Czech Republic) promised that it would end\n"
    "Yes\n"
    "U.S. officials, the UN and Ms. Dagny Holm's aides said so; they said that 3.5% wasn't enough!"
)
# A word with a NUL: crfsuite reads a string only up to it, so the fast path keeps those.
ODD = "He said \"a\x00b\" and \x00 that x\x00.\n\nShe said: 'yes'"


def _annotated(text):
    return BuiltinAnnotator().annotate_one(Article("t", text))


def _encoded(feats, known=None):
    return [[x.encode() for x in f if known is None or x.encode() in known or "\0" in x] for f in feats]


@pytest.mark.parametrize("name", ["role", "content"])
def test_model_attributes_match_pycrfsuite(name):
    path = T.MODEL_PATHS[name]
    t = pycrfsuite.Tagger()
    t.open(str(path))
    assert model_attributes(path) == {a.encode() for a in t.info().attributes}


def test_model_attributes_of_the_entity_model():
    t = pycrfsuite.Tagger()
    t.open(str(ner.MODEL_PATH))
    assert model_attributes(ner.MODEL_PATH) == {a.encode() for a in t.info().attributes}


def test_model_attributes_refuse_other_files(tmp_path):
    bad = tmp_path / "x.crfsuite"
    bad.write_bytes(b"not a model at all, just some bytes")
    with pytest.raises(ModelFormatError):
        model_attributes(bad)
    cut = tmp_path / "cut.crfsuite"
    cut.write_bytes(T.MODEL_PATHS["role"].read_bytes()[:5000])
    with pytest.raises(ModelFormatError):
        model_attributes(cut)


def _as_crfsuite_reads(items, index):
    """Attribute ids of items of strings as crfsuite finds them: each string up to a NUL
    byte, the unknown ones dropped."""
    heads = [[x.split(b"\0", 1)[0] for x in item] for item in items]
    return [[index[x] for x in item if x in index] for item in heads]


@pytest.mark.parametrize("text", [ARTICLE, ODD, "said", "\u201c"])
def test_tagger_features_agree_with_paragraph_features(text):
    doc = _annotated(text)
    tagger = T.default_tagger()
    known = model_attributes(T.MODEL_PATHS["role"]) | model_attributes(T.MODEL_PATHS["content"])
    index = tagger._features.index  # tagging gives the models attribute ids
    assert tagger._features.known == known == set(index)
    every = T.TaggingFeatures(None)
    kept = T.TaggingFeatures(known)
    assert doc.paragraphs()
    for a, b in doc.paragraphs():
        plain = T.paragraph_features(doc, a, b)
        assert every(doc, a, b) == _encoded(plain)
        fast = kept(doc, a, b)
        assert fast == _encoded(plain, known)
        assert tagger._features(doc, a, b) == _as_crfsuite_reads(_encoded(plain), index)
        for model in tagger._taggers.values():
            assert model.tag(pycrfsuite.ItemSequence(fast)) == model.tag(pycrfsuite.ItemSequence(plain))


# -- LinearChainCRF: the labels pycrfsuite gives, from the model file ------------------------

def _pycrfsuite(path):
    t = pycrfsuite.Tagger()
    t.open(str(path))
    return t


@pytest.mark.parametrize("path", [T.MODEL_PATHS["role"], T.MODEL_PATHS["content"], ner.MODEL_PATH])
def test_read_model_reads_the_weights_pycrfsuite_dumps(path):
    labels, attrs, state, trans = read_model(path)
    info = _pycrfsuite(path).info()
    assert labels == list(info.labels) and set(attrs) == {a.encode() for a in info.attributes}
    aid = {a: k for k, a in enumerate(attrs)}
    expected = {(aid[a.encode()], labels.index(lab)): w for (a, lab), w in info.state_features.items()}
    assert {k: state[k] for k in expected} == pytest.approx(expected, abs=1e-6)  # the dump prints 6 decimals
    assert (state != 0).sum() == len(expected)
    assert {(labels.index(x), labels.index(y)): trans[labels.index(x), labels.index(y)]
            for x, y in info.transitions} == pytest.approx(
        {(labels.index(x), labels.index(y)): w for (x, y), w in info.transitions.items()}, abs=1e-6)


def _random_items(attrs, rnd, n):
    """Items drawn from a model's attributes, with unknown strings, NUL bytes, repeats and
    empty items among them."""
    pool = list(attrs) + [b"no-such-attribute", b"w=\0x", attrs[0] + b"\0tail", b""]
    return [[rnd.choice(pool) for _ in range(rnd.choice([0, 1, 3, 12, 40]))] for _ in range(n)]


def test_linear_chain_crf_labels_as_pycrfsuite_does():
    rnd = random.Random(3)
    crf = LinearChainCRF([T.MODEL_PATHS["role"], T.MODEL_PATHS["content"]])
    taggers = [_pycrfsuite(T.MODEL_PATHS["role"]), _pycrfsuite(T.MODEL_PATHS["content"])]
    attrs = sorted(crf.index)
    # Real paragraphs, then random ones (long, single items, empty ones).
    seqs = [T.TaggingFeatures(None)(doc, a, b) for doc in (_annotated(ARTICLE), _annotated(ODD))
            for a, b in doc.paragraphs()]
    seqs += [_random_items(attrs, rnd, n) for n in (1, 2, 5, 60, 300, 0, 7)]
    got = crf.tag(seqs)
    for k, t in enumerate(taggers):
        assert got[k] == [t.tag(pycrfsuite.ItemSequence(s)) if s else [] for s in seqs]
    assert crf.tag_ids([[crf.ids(item) for item in s] for s in seqs]) == got
    assert crf.tag([]) == [[], []] and crf.tag([[]]) == [[[]], [[]]]


def test_linear_chain_crf_adds_the_weights_in_crfsuites_order():
    """State scores bit for bit: 0.0, then each attribute's weight in the item's order (a
    float sum in another order can differ in the last bit, and a label with it)."""
    rnd = random.Random(11)
    crf = LinearChainCRF([T.MODEL_PATHS["role"], T.MODEL_PATHS["content"]])
    items = [crf.ids(item) for item in _random_items(sorted(crf.index), rnd, 200)]
    items.append([])
    sizes = np.array([len(i) for i in items])
    got = crf._state_scores(np.array([x for i in items for x in i], dtype=np.intp), sizes).tolist()
    W = crf._W.tolist()
    for item, row in zip(items, got):
        expected = [0.0] * len(row)
        for a in item:
            for label in range(len(row)):
                expected[label] += W[a][label]
        assert row == expected


def _crfsuite_viterbi(trans, rows):
    """crf1dc_viterbi as crfsuite's C code has it: max_score starts at -FLOAT_MAX and a
    score replaces it only when greater; the last label is the first best one."""
    L, T_ = len(trans), len(rows)
    alpha, back = [list(rows[0])], [None]
    for t in range(1, T_):
        cur, bk = [], []
        for j in range(L):
            best, arg = -1.7976931348623157e308, -1
            for i in range(L):
                score = alpha[-1][i] + trans[i][j]
                if best < score:
                    best, arg = score, i
            bk.append(arg)
            cur.append(best + rows[t][j])
        alpha.append(cur)
        back.append(bk)
    best, last = -1.7976931348623157e308, 0
    for i in range(L):
        if best < alpha[-1][i]:
            best, last = alpha[-1][i], i
    path = [last]
    for t in range(T_ - 1, 0, -1):
        path.append(back[t][path[-1]])
    return path[::-1]


def test_the_written_out_viterbi_breaks_ties_as_crfsuite_does():
    from quotetrack.nlp.crfmodel import _viterbi_code

    rnd = random.Random(2)
    for L in (1, 2, 3, 5):
        # Few distinct values: equal scores everywhere.
        trans = [[rnd.choice([0.0, 0.5, -0.5, 1.0]) for _ in range(L)] for _ in range(L)]
        decode = _viterbi_code(trans, 1)
        for _ in range(200):
            rows = [[9.9] + [rnd.choice([0.0, 0.5, 1.0]) for _ in range(L)] for _ in range(rnd.randint(1, 12))]
            assert decode(rows, 0, len(rows)) == _crfsuite_viterbi(trans, [r[1:] for r in rows])
        assert decode([[0.0] * (L + 1)] * 5, 1, 4) == _crfsuite_viterbi(trans, [[0.0] * L] * 3)


def test_linear_chain_crf_with_the_entity_model():
    rnd = random.Random(5)
    crf = LinearChainCRF([ner.MODEL_PATH])
    t = _pycrfsuite(ner.MODEL_PATH)
    raw = tokenize(ARTICLE)
    seqs = ner.TaggingFeatures(None)([w for w, _, _ in raw], split_sentences(ARTICLE, raw))
    seqs += [_random_items(sorted(crf.index), rnd, n) for n in (1, 4, 50)]
    assert crf.tag(seqs)[0] == [t.tag(s) if s else [] for s in seqs]


def test_tagger_gives_the_spans_pycrfsuite_gives():
    fast = T.Tagger()
    assert fast._crf is not None
    slow = T.Tagger()
    slow._crf = None  # the fallback path: pycrfsuite over strings
    slow._features = T.TaggingFeatures(fast._features.known)
    for text in (ARTICLE, ODD, "said", " ".join(["He said \"no\"."] * 800)):
        doc = _annotated(text)
        tagged = list(fast.tag(doc))
        assert tagged == list(slow.tag(doc))
    assert sum(len(spans) for _, spans in tagged) > 100  # a long paragraph, in groups


def test_a_model_file_the_reader_does_not_understand_leaves_tagging_to_pycrfsuite(tmp_path):
    data = bytearray(T.MODEL_PATHS["content"].read_bytes())
    off_features = struct.unpack_from("<I", data, 28)[0]
    data[off_features:off_features + 4] = b"XXXX"  # crfsuite never reads the chunk's name
    odd = tmp_path / "content.crfsuite"
    odd.write_bytes(bytes(data))
    with pytest.raises(ModelFormatError):
        read_model(odd)
    tagger = T.Tagger({"role": T.MODEL_PATHS["role"], "content": odd})
    assert tagger._crf is None and tagger._features.index is None
    doc = _annotated(ARTICLE)
    assert list(tagger.tag(doc)) == list(T.default_tagger().tag(doc))


def test_tagger_features_hold_what_the_text_has():
    doc = _annotated(ARTICLE)
    (a, b), = [p for p in doc.paragraphs() if doc.tokens[p[0]].text == "Foreign"]
    feats = T.TaggingFeatures(None)(doc, a, b)
    words = [t.text for t in doc.tokens[a:b]]
    said, colon, she = words.index("said"), words.index(":"), words.index("She")
    assert b"cue=say" in feats[said] and b"ttl" in feats[0] and b"ttl" in feats[1]
    assert b"acolon" in feats[colon + 1] and b"sfirst" in feats[she] and b"pron" in feats[she]
    assert b"q=1" in feats[colon + 2] and b"q=0" in feats[said] and b"edge-2" in feats[0]
    assert b"bg=minister|lena" in feats[2]


@pytest.mark.parametrize("text", [ARTICLE, ODD, "Hale", "Mr Hale"])
def test_entity_features_agree_with_document_features(text):
    raw = tokenize(text)
    words = [t for t, _, _ in raw]
    sents = split_sentences(text, raw)
    recognizer = ner.default_recognizer()
    known = recognizer._features.known
    assert known == model_attributes(ner.MODEL_PATH)
    plain = ner.document_features(words, sents)
    assert ner.TaggingFeatures(None)(words, sents) == [_encoded(s) for s in plain]
    fast = recognizer._features(words, sents)
    assert fast == [_encoded(s, known) for s in plain]
    for f, p in zip(fast, plain):
        if f:
            assert recognizer._tagger.tag(f) == recognizer._tagger.tag(p)


def _entity_word_strings_as_first_written(word):
    stem, poss = ner.split_possessive(word)
    w = stem.lower()
    shp = ner.shape(stem)
    tc = stem[:1].isupper()
    own = ["w=" + w, "sh=" + shp, "p2=" + w[:2], "p3=" + w[:3], "s2=" + w[-2:], "s3=" + w[-3:], "s4=" + w[-4:]]
    if poss:
        own.append("poss")
    if tc and stem[1:].islower():
        own.append("tc")
    if len(stem) > 1 and stem.isupper():
        own.append("caps")
    if any(ch.isdigit() for ch in stem):
        own.append("dig")
    if len(stem) <= 2 and stem.isalpha():
        own.append("short")
    hon = w.rstrip(".") in ner.honorifics()
    if hon:
        own.append("hon")
    gz = None
    if tc or stem.isupper():
        m = geo.lookup(word)
        if m is not None:
            gz = m.how
            own.append("gz=" + gz)
    nbr = tuple(("w%+d=%s" % (d, w), "sh%+d=%s" % (d, shp)) + (("gz%+d" % d,) if gz else ())
                + (("hon%+d" % d,) if hon else ()) for d in (-2, -1, 1, 2))
    return w, tc, ("b", *own), nbr, "bg=" + w + "|"


def test_entity_word_strings_as_first_written():
    rnd = random.Random(4)
    pieces = ["Mr", "Dr.", "mrs", "Russia", "'s", "\u2019", "3", "\u00b2", "\u0663", "x", "AB", "U.S.", "-",
              "Saudi", "Baku", "Kremlin", "\u00e9t\u00e9", "\u00c9", "s'", "o", "42nd", "\u00bd", "\u0000"]
    words = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4))) for _ in range(3000)]
    words += [w for w, _, _ in tokenize(ARTICLE)]
    for w in words:
        assert ner._make_word_strings(w) == _entity_word_strings_as_first_written(w), w


def test_entity_features_hold_what_the_text_has():
    raw = tokenize(ARTICLE)
    words = [t for t, _, _ in raw]
    feats = [f for s in ner.TaggingFeatures(None)(words, split_sentences(ARTICLE, raw)) for f in s]
    at = {w: i for i, w in reversed(list(enumerate(words)))}
    assert b"gzB=name" in feats[at["Saudi"]] and b"gzI=name" in feats[at["Arabia's"]]
    assert b"inp" in feats[at["Saudi"]] and b"poss" in feats[at["Arabia's"]]
    assert b"ttl=person" in feats[at["Foreign"]] and b"hon" in feats[at["Mr"]]
    assert b"inq" in feats[at["We"]] and b"open-1" in feats[at["We"]] and b"first" in feats[at["Foreign"]]


def test_token_marks():
    words = ["He", "said", "\u201c", "the", "Prime", "Minister", "lied", "\u201d", "and", '"', "x", '"', "."]
    cue, title, inq = T.token_marks(words)
    assert cue[1] == "say" and cue.count("") == len(words) - 1
    assert [i for i, t in enumerate(title) if t] == [4, 5]
    assert [i for i, q in enumerate(inq) if q] == [2, 3, 4, 5, 6, 7, 9, 10, 11]


# -- tokenizer and sentence splitter: the shortcuts against the step-by-step versions ------

_PLAIN_TOKEN_RE = re.compile(builtin._TOKEN_RE.pattern.replace("(?=[\\w'’&-]*n['’]t)", ""),
                             re.VERBOSE | re.UNICODE)


def _tokenize_every_match(text, start=0, end=None):
    abbrevs = builtin._abbreviations()
    out = []
    end = len(text) if end is None else end
    for m in _PLAIN_TOKEN_RE.finditer(text, start, end):
        tok, s, e = m.group(), m.start(), m.end()
        if len(tok) > 1 and tok.endswith(".") and not re.fullmatch(r"(?:[A-Za-z]\.){2,}", tok):
            stem = tok[:-1]
            if not (stem.lower() in abbrevs or (len(stem) == 1 and stem.isupper())):
                out.append((stem, s, e - 1))
                out.append((".", e - 1, e))
                continue
        out.append((tok, s, e))
    return out


def _split_every_token(text, tokens):
    sents, n, begin, i = [], len(tokens), 0, 0
    while i < n:
        tok = tokens[i][0]
        boundary = False
        j = i + 1
        if tok in builtin._SENT_END or tok == "..." or (
                tok.endswith(".") and len(tok) > 1 and tok[-2:] != ".." and tok.lower().rstrip(".")
                in builtin._abbreviations() and builtin._followed_by_sentence_start(tokens, j, strict=True)):
            while j < n and (tokens[j][0] in builtin.CLOSING_QUOTES or tokens[j][0] in ")]") \
                    and tokens[j][1] == tokens[j - 1][2]:
                j += 1
            if tok in builtin._SENT_END or tok == "...":
                boundary = builtin._followed_by_sentence_start(tokens, j, strict=False)
            else:
                boundary = True
        if not boundary and j < n and "\n" in text[tokens[j - 1][2]:tokens[j][1]]:
            boundary = True
        if not boundary and j - begin >= builtin.MAX_SENTENCE_TOKENS:
            boundary = True
        if boundary or j >= n:
            sents.append((begin, j))
            begin = j
        i = j
    if begin < n:
        sents.append((begin, n))
    return sents


_PIECES = ["Mr.", "U.S.", "said", ".", "...", "..", "?", "!", "?!", "\u201d", "\u201c", '"', ")", "(", "\n", "\n\n",
           "The", "he", "3.5", "e.g.", "Dr.", "A.", "x", "\u2019", "'s", "\u2014", "\u2026", "word.", "didn't",
           "can\u2019t", "rock'n't", "won't-", "n't", "a@b.co", "http://x.org/a.", "O'Neill", "well-being"]


def _random_texts(count, seed):
    rnd = random.Random(seed)
    for _ in range(count):
        yield "".join(rnd.choice(_PIECES) + rnd.choice(["", " ", " ", "\n"]) for _ in range(rnd.randint(0, 50)))
    yield ARTICLE
    yield " ".join(["said"] * 700)  # cut at MAX_SENTENCE_TOKENS
    yield "x. " * 400


def test_tokenize_and_split_agree_with_the_step_by_step_versions():
    for text in _random_texts(1500, seed=7):
        tokens = tokenize(text)
        assert tokens == _tokenize_every_match(text)
        assert tokenize(text, 3, max(3, len(text) - 2)) == _tokenize_every_match(text, 3, max(3, len(text) - 2))
        assert split_sentences(text, tokens) == _split_every_token(text, tokens)


def test_split_sentences_on_tokens_from_elsewhere():
    text = "a b. C d\n e \u201cf.\u201d G"
    tokens = [("a", 0, 1), ("", 1, 1), ("b.", 2, 4), ("C", 5, 6), ("d", 7, 8), ("e", 10, 11),
              ("\u201c", 12, 13), ("f", 13, 14), (".", 14, 15), ("\u201d", 15, 16), ("G", 17, 18)]
    assert split_sentences(text, tokens) == _split_every_token(text, tokens)


def test_make_tokens_builds_the_same_tokens():
    raw = [("Lena", 0, 4), ("said", 5, 9), (".", 9, 10), ("Yes", 11, 14)]
    sents = [(0, 3), (3, 4)]
    tags = ["S-PERSON", "O", "O", "O"]
    made = make_tokens(raw, sents, tags)
    expected = [Token("Lena", 0, 4, 0, ner="S-PERSON"), Token("said", 5, 9, 0, ner="O"),
                Token(".", 9, 10, 0, ner="O"), Token("Yes", 11, 14, 1, ner="O")]
    assert made == expected
    assert [vars(t) for t in made] == [vars(t) for t in expected]
    assert [hash(t) for t in made] == [hash(t) for t in expected]
    assert make_tokens(raw, sents) == [Token(t, s, e, k) for (t, s, e), k in zip(raw, [0, 0, 0, 1])]
    with pytest.raises(FrozenInstanceError):
        made[0].text = "x"  # still frozen


# -- label post-processing: the sparse walks against the token-by-token loops ---------------

def _bio_spans_every_label(labels, offset):
    cur = None
    for i, lab in enumerate(labels):
        if lab == "O":
            if cur:
                yield (cur[0], cur[1] + offset, i + offset)
                cur = None
            continue
        kind, tag = lab[2:], lab[0]
        if tag == "B" or cur is None or cur[0] != kind:
            if cur:
                yield (cur[0], cur[1] + offset, i + offset)
            cur = (kind, i)
    if cur:
        yield (cur[0], cur[1] + offset, len(labels) + offset)


def _bioes_every_tag(tags):
    out = []
    for i, tag in enumerate(tags):
        if not tag or tag == "O":
            out.append("O")
            continue
        prefix, _, typ = tag.partition("-")
        starts = prefix == "B" or i == 0 or tags[i - 1] in (None, "O") or tags[i - 1][2:] != typ
        nxt = tags[i + 1] if i + 1 < len(tags) else "O"
        continues = bool(nxt) and nxt.startswith("I-") and nxt[2:] == typ
        out.append((("B-" if continues else "S-") if starts else ("I-" if continues else "E-")) + typ)
    return out


def test_bio_spans_and_bioes_agree_with_the_token_by_token_loops():
    rnd = random.Random(11)
    labels = ["O", "O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "I-CON"]
    tags = ["O", "O", "B-PERSON", "I-PERSON", "B-ORG", "I-ORG", "I-GPE", "S-MISC", "", None]
    for _ in range(3000):
        seq = [rnd.choice(labels) for _ in range(rnd.randint(0, 9))]
        assert [(s.label, s.start, s.end) for s in T.bio_spans(seq, 3)] == list(_bio_spans_every_label(seq, 3))
        seq = [rnd.choice(tags) for _ in range(rnd.randint(0, 9))]
        assert ner.bio_to_bioes(seq) == _bioes_every_tag(seq)


def _honorifics_every_word(words, tags):
    hons, n = ner.honorifics(), len(tags)
    for i in range(n - 1):
        if words[i].lower().rstrip(".") not in hons or not words[i + 1][:1].isupper():
            continue
        tag = tags[i]
        if tag != "O" and tag[:1] not in ("B", "S"):
            continue
        if tag[:1] == "B":
            end = i + 1
            while end < n and tags[end][:1] == "I":
                end += 1
            last = end if end < n and tags[end][:1] == "E" else end - 1
        elif tags[i + 1][:1] in ("B", "S"):
            end = i + 1
            while end < n - 1 and tags[end][:1] not in ("E", "S"):
                end += 1
            last = end
        else:
            continue
        tags[i] = "O"
        if last == i + 1:
            tags[i + 1] = "S-PERSON"
        else:
            tags[i + 1] = "B-PERSON"
            for k in range(i + 2, last):
                tags[k] = "I-PERSON"
            tags[last] = "E-PERSON"


def _surnames_every_word(words, tags):
    surnames = {s for s in (ner.split_possessive(words[i])[0] for i, t in enumerate(tags) if t == "E-PERSON")
                if s[:1].isupper() and len(s) > 1}
    for i, tag in enumerate(tags):
        stem = ner.split_possessive(words[i])[0]
        if tag == "O" and stem in surnames and ner.geo.lookup(stem) is None:
            tags[i] = "S-PERSON"


def test_honorifics_and_surnames_agree_with_the_word_by_word_loops():
    rnd = random.Random(13)
    vocab = ["Hale", "Hale's", "Hales'", "Hale\u2019s", "Jones", "Jones'", "Mr", "Mr.", "MS", "dr.", "the", "Russia",
             "Russia's", "Kral", "Ivo", "x", "Sir"]
    tags = ["O", "O", "O", "B-PERSON", "I-PERSON", "E-PERSON", "S-PERSON", "S-GPE", "B-ORG", "E-ORG"]
    for _ in range(3000):
        n = rnd.randint(0, 10)
        words = [rnd.choice(vocab) for _ in range(n)]
        got = [rnd.choice(tags) for _ in range(n)]
        want = list(got)
        ner.fix_honorifics(words, got)
        _honorifics_every_word(words, want)
        assert got == want
        ner.propagate_surnames(words, got)
        _surnames_every_word(words, want)
        assert got == want


def _entities_reference(tags):
    """entities_from_tags as it was: one step per token (the reference the fast one must equal)."""
    from quotetrack.doc import Entity
    out, start, typ = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        tag = tag or "O"
        prefix, _, t = tag.partition("-")
        if prefix in ("B", "S") or tag == "O" or (prefix in ("I", "E") and t != typ):
            if start is not None:
                out.append(Entity(start, i, typ))
                start, typ = None, None
        if prefix in ("B", "S", "I", "E") and t and start is None:
            start, typ = i, t
        if prefix in ("E", "S") and start is not None:
            out.append(Entity(start, i + 1, typ))
            start, typ = None, None
    return out


def test_entities_from_tags_equals_the_token_by_token_reading():
    import random
    from quotetrack.doc import entities_from_tags
    rng = random.Random(7)
    pool = ["O", "O", "O", None, "", "B-PERSON", "I-PERSON", "E-PERSON", "S-PERSON", "B-ORG", "I-ORG",
            "E-ORG", "S-GPE", "I-GPE", "X", "B-", "I-MISC"]
    for _ in range(3000):
        tags = [rng.choice(pool) for _ in range(rng.randint(0, 25))]
        assert entities_from_tags(tags) == _entities_reference(tags), tags
