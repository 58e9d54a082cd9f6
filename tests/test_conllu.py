"""CoNLL-U in: rebuilt text, offsets, documents, entities, coreference, bad input."""
from pathlib import Path

import pytest

from quotetrack.doc import AnnotatedArticle
from quotetrack.extract import extract
from quotetrack.io.conllu import ConlluError, conllu_items, parse_conllu, read_conllu, to_conllu
from quotetrack.io.readers import read_inputs
from quotetrack.records import ArticleStatus

FIXTURES = Path(__file__).parent / "fixtures" / "conllu"


def row(i, form, lemma="_", upos="_", head="_", rel="_", misc="_"):
    return "\t".join([str(i), form, lemma, upos, "_", "_", str(head), rel, "_", misc])


def conllu(*lines):
    return "\n".join(lines) + "\n"


def assert_offsets(doc: AnnotatedArticle):
    for t in doc.tokens:
        assert doc.text[t.start:t.end] == t.text, t


def test_text_is_rebuilt_from_space_after_and_paragraphs():
    src = conllu(
        "# newpar",
        row(1, "Hello", misc="SpaceAfter=No"), row(2, ","), row(3, "world", misc="SpaceAfter=No"), row(4, "."),
        "",
        row(1, "Again", misc="SpaceAfter=No"), row(2, "."),
        "",
        "# newpar",
        row(1, "New"), row(2, "paragraph"),
        "")
    (doc,) = parse_conllu(src, default_id="x")
    assert doc.text == "Hello, world. Again.\n\nNew paragraph"
    assert doc.sentences == ((0, 4), (4, 6), (6, 8))
    assert_offsets(doc)
    assert doc.processors == frozenset({"tokenize"})  # no tags, no heads: the surface path


def test_sentence_text_comment_gives_the_spacing():
    src = conllu("# text = It's  (odd) spacing", row(1, "It"), row(2, "'s"), row(3, "("), row(4, "odd"),
                 row(5, ")"), row(6, "spacing"), "")
    (doc,) = parse_conllu(src)
    assert doc.text == "It's  (odd) spacing"
    assert_offsets(doc)


def test_stanza_character_offsets_are_kept():
    # Stanza writes start_char/end_char: offsets then match the text Stanza was run on.
    src = conllu(
        "# text = Bob said no.",
        row(1, "Bob", misc="start_char=2|end_char=5|ner=S-PERSON"), row(2, "said", misc="start_char=6|end_char=10"),
        row(3, "no", misc="start_char=11|end_char=13"), row(4, ".", misc="start_char=13|end_char=14"),
        "",
        "# text = Yes.",
        row(1, "Yes", misc="start_char=16|end_char=19"), row(2, ".", misc="start_char=19|end_char=20"),
        "")
    (doc,) = parse_conllu(src)
    assert doc.text == "  Bob said no.\n\nYes."
    assert doc.tokens[0].start == 2 and doc.tokens[4].start == 16
    assert_offsets(doc)
    assert [(e.start, e.end, e.type) for e in doc.entities] == [(0, 1, "PERSON")]
    assert doc.tokens[0].ner == "S-PERSON"


def test_multiword_tokens_get_sub_spans_when_they_spell_the_token():
    src = conllu(
        "# text = Baku’s envoy won't go",
        "1-2\tBaku’s\t_\t_\t_\t_\t_\t_\t_\t_", row(1, "Baku"), row(2, "’s"), row(3, "envoy"),
        "4-5\twon't\t_\t_\t_\t_\t_\t_\t_\t_", row(4, "will"), row(5, "not"), row(6, "go"), "")
    (doc,) = parse_conllu(src)
    assert doc.text == "Baku’s envoy won't go"
    assert [(t.text, doc.text[t.start:t.end]) for t in doc.tokens] == [
        ("Baku", "Baku"), ("’s", "’s"), ("envoy", "envoy"), ("will", "won't"), ("not", "won't"), ("go", "go")]
    assert "mwt" in doc.processors


def test_newdoc_splits_articles_and_reads_metadata(tmp_path):
    path = tmp_path / "batch.conllu"
    path.write_text(conllu(
        "# newdoc id = first",
        "# meta::title = A title",
        "# meta::dateCreated = 2015-09-12",
        "# meta::sourceURL = https://example.org/a",
        row(1, "One", "one", "NUM", 0, "root"), "",
        "# newdoc",
        row(1, "Two", "two", "NUM", 0, "root"), "",
        "# newdoc",
        row(1, "Three", "three", "NUM", 0, "root"), ""), encoding="utf-8")
    docs = list(read_conllu(path))
    assert [d.article.article_id for d in docs] == ["first", "batch-2", "batch-3"]
    first = docs[0].article
    assert (first.title, first.date, first.url, first.path) == ("A title", "2015-09-12", "https://example.org/a",
                                                               str(path))
    assert docs[1].text == "Two" and docs[1].has("depparse")


def test_file_without_newdoc_takes_the_file_stem(tmp_path):
    path = tmp_path / "story.conllu"
    path.write_text(conllu(row(1, "Hi"), ""), encoding="utf-8")
    assert [d.article.article_id for d in read_conllu(path)] == ["story"]


def test_gum_entity_annotation_gives_named_entities_and_coreference():
    src = conllu(
        "# global.Entity = GRP-etype-infstat-salience-centering-minspan-link-identity",
        row(1, "Mark", "Mark", "PROPN", 3, "nsubj", "Entity=(1-person-new-sssss-cf1-1,2-coref-Mark_Rathbun"),
        row(2, "Rathbun", "Rathbun", "PROPN", 1, "flat", "Entity=1)"),
        row(3, "wrote", "write", "VERB", 0, "root"),
        row(4, "to", "to", "ADP", 6, "case"),
        row(5, "the", "the", "DET", 6, "det", "Entity=(2-organization-new-sssss-cf2-2-coref"),
        row(6, "Church", "Church", "PROPN", 3, "obl", "Entity=2)|SpaceAfter=No"),
        row(7, ".", ".", "PUNCT", 3, "punct"),
        "",
        row(1, "He", "he", "PRON", 2, "nsubj", "Entity=(1-person-giv:act-sssss-cf1-1-coref-Mark_Rathbun)"),
        row(2, "left", "leave", "VERB", 0, "root", "SpaceAfter=No"),
        row(3, ".", ".", "PUNCT", 2, "punct"),
        "")
    (doc,) = parse_conllu(src)
    named = {(doc.text[doc.tokens[e.start].start:doc.tokens[e.end - 1].end], e.type) for e in doc.entities}
    assert named == {("Mark Rathbun", "PERSON"), ("the Church", "ORG")}  # "He" is no named mention
    assert doc.coref == (((0, 2), (7, 8)),)
    assert [t.ner for t in doc.tokens[:2]] == ["B-PERSON", "E-PERSON"]
    assert {"ner", "coref", "depparse"} <= doc.processors


@pytest.mark.parametrize("bad, where", [
    (conllu(row(1, "a"), "2\tb\tonly\tfour"), "line 2"),
    (conllu(row(1, "a"), row(3, "b")), "line 2"),
    (conllu(row(1, "a", head=7, rel="dep")), "line 1"),
    (conllu(row(1, "a", head="x", rel="dep")), "line 1"),
    (conllu("1-3\tabc" + "\t_" * 8, row(1, "a")), "line 1"),
])
def test_bad_conllu_names_the_line(bad, where):
    with pytest.raises(ConlluError, match=where):
        list(parse_conllu(bad))


def test_bad_file_becomes_one_error_status_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.conllu"
    good.write_text(conllu(row(1, "Fine"), ""), encoding="utf-8")
    bad = tmp_path / "bad.conllu"
    bad.write_text(conllu("# newdoc id = ok", row(1, "A"), "", "# newdoc id = broken", "1\tnot enough"),
                   encoding="utf-8")
    binary = tmp_path / "binary.conllu"
    binary.write_bytes(b"\xff\xfe\x00garbage\x00")
    items = list(conllu_items(bad))
    assert [type(i).__name__ for i in items] == ["AnnotatedArticle", "ArticleStatus"]
    assert items[1].status == "error" and "line 5" in items[1].message
    (status,) = list(conllu_items(binary))
    assert status.status == "error" and "UTF-8" in status.message
    out = list(read_inputs([str(tmp_path)]))
    kinds = sorted((type(i).__name__, i.article_id if isinstance(i, ArticleStatus) else i.article.article_id)
                   for i in out)
    assert kinds == [("AnnotatedArticle", "good"), ("AnnotatedArticle", "ok"), ("ArticleStatus", "bad"),
                     ("ArticleStatus", "binary")]


def test_round_trip_through_to_conllu(tmp_path):
    (doc,) = [d for d in read_conllu(FIXTURES / "constructions.conllu") if d.article.article_id == "passive_by"]
    again = list(parse_conllu(to_conllu(doc)))[0]
    assert again.text == doc.text
    assert [(t.text, t.start, t.end, t.head, t.deprel, t.ner) for t in again.tokens] == \
        [(t.text, t.start, t.end, t.head, t.deprel, t.ner) for t in doc.tokens]
    assert [a.to_dict() for a in extract(again)] == [a.to_dict() for a in extract(doc)]


@pytest.mark.shared
def test_gum_documents_rebuild_with_exact_offsets():
    from conftest import shared_path

    path = shared_path("corpora", "gum", "dep", "GUM_news_crane.conllu")
    (doc,) = read_conllu(path)
    assert doc.article.article_id == "GUM_news_crane"
    assert doc.article.date == "2015-09-12"
    assert doc.text.startswith("At least 107 killed in Mecca crane collapse\n\nSaturday, September 12, 2015")
    assert_offsets(doc)
    assert {"depparse", "ner", "coref", "mwt"} <= doc.processors
    assert any(doc.text[doc.tokens[e.start].start:doc.tokens[e.end - 1].end] == "Saudi Arabia's Civil Defense Authority"
               and e.type == "ORG" for e in doc.entities)
    found = extract(doc)
    assert any(a.cue.text == "according to" and a.source.text == "Saudi Arabia's Civil Defense Authority"
               for a in found)


def test_with_text_gives_back_the_line_breaks_conllu_dropped():
    # A one-space gap between sentences cannot tell a space from a line break; the text the
    # parse was made from can.
    src = conllu(
        row(1, "Bob", misc="start_char=0|end_char=3"), row(2, "left", misc="start_char=4|end_char=8"),
        row(3, ".", misc="start_char=8|end_char=9"), "",
        row(1, "Yes", misc="start_char=10|end_char=13"), row(2, ".", misc="start_char=13|end_char=14"), "")
    (doc,) = parse_conllu(src)
    assert doc.text == "Bob left. Yes." and len(doc.paragraphs()) == 1
    laid = doc.with_text("Bob left.\nYes.")
    assert laid.text == "Bob left.\nYes." and laid.tokens == doc.tokens
    assert laid.paragraphs() == [(0, 3), (3, 5)]
    with pytest.raises(ValueError, match="'left' at 4"):
        doc.with_text("Bob went.\nYes.")
