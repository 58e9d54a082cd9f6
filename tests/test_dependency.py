"""The dependency path, pinned down on hand-written UD analyses of short news sentences
(tests/fixtures/conllu/constructions.conllu, one ``# newdoc`` per construction)."""
from pathlib import Path

import pytest

from quotetrack.nlp import BuiltinAnnotator
from quotetrack.extract.dependency import candidate_sentence_share, dependency_candidates
from quotetrack.lexicon import sentence_can_attribute
from quotetrack.extract import finish
from quotetrack.io.conllu import parse_conllu, read_conllu
from quotetrack.records import Article

FIXTURE = Path(__file__).parent / "fixtures" / "conllu" / "constructions.conllu"


@pytest.fixture(scope="module")
def docs():
    return {d.article.article_id: d for d in read_conllu(FIXTURE)}


def extract(doc):
    """The dependency path alone (extract() now tags spans on every path)."""
    return finish(doc, list(dependency_candidates(doc)))


def only(attributions, cue_word):
    hits = [a for a in attributions if cue_word in a.cue.text.lower()]
    assert len(hits) == 1, f"expected one attribution with cue {cue_word!r}, got {attributions}"
    return hits[0]


def text(span):
    return span.text if span is not None else None


def test_every_span_indexes_the_rebuilt_text(docs):
    for doc in docs.values():
        assert doc.has("depparse")
        for a in extract(doc):
            for span in (a.source, a.cue, a.content, a.target):
                if span is not None:
                    assert doc.text[span.start:span.end] == span.text


def test_denial_object_is_content_and_accusation_has_target(docs):
    atts = extract(docs["denial_accusation"])
    deny = only(atts, "denied")
    assert (deny.act, text(deny.source), text(deny.content)) == \
        ("deny", "Azerbaijan", "allegations of breaking the truce")
    accuse = only(atts, "accused")
    assert accuse.act == "accuse"
    assert text(accuse.source) == "the separatist authorities"
    assert text(accuse.target) == "Baku"
    assert text(accuse.content) == "violating the deal"


def test_passive_by_agent_is_the_source(docs):
    a = only(extract(docs["passive_by"]), "described")
    assert a.cue.text == "was described"
    assert text(a.source) == "Azerbaijan’s presidency"
    assert text(a.content) == "“constructive and peaceful”"
    assert (a.act, a.kind) == ("describe", "direct")


def test_according_to_names_the_source(docs):
    a = only(extract(docs["according_to"]), "according")
    assert a.cue.text == "According to"
    assert text(a.source) == "separatist reports"
    assert text(a.content) == "the fighting has killed about 200 people"
    assert a.act == "report"


def test_quote_before_the_cue(docs):
    a = only(extract(docs["quote_before"]), "said")
    assert text(a.source) == "the Armenian foreign minister"
    assert a.content.text.startswith("“There are no longer")
    assert a.content.text.rstrip(",").endswith("victims,”")
    assert "minister" not in a.content.text
    assert a.kind == "direct"


def test_mid_quote_attribution_joins_both_parts(docs):
    a = only(extract(docs["mid_quote"]), "said")
    assert text(a.source) == "he"
    assert a.content.text == "“This path is not easy,” he said, “but we must persevere.”"
    assert a.kind == "direct"


def test_accused_x_of_with_apposition_speaker(docs):
    a = only(extract(docs["accuse_of"]), "accused")
    assert text(a.source) == "His Azerbaijani counterpart, Jeyhun Bayramov"
    assert (text(a.target), text(a.content), a.act) == ("Armenia", "spreading disinformation", "accuse")
    assert a.speaker is not None and a.speaker.name == "Jeyhun Bayramov"


def test_urged_x_to(docs):
    a = only(extract(docs["urge_to"]), "urged")
    assert (text(a.source), text(a.target), text(a.content), a.act) == \
        ("The UN chief", "Baku", "to let aid into the region", "urge")


def test_relative_clause_is_not_part_of_the_speaker_and_aux_joins_the_cue(docs):
    a = only(extract(docs["relative_clause"]), "said")
    assert a.cue.text == "has said"
    assert text(a.source) == "Prime Minister Nikol Pashinyan"
    assert text(a.content) == "the truce is largely holding"


def test_passive_accusation_target_is_the_subject(docs):
    a = only(extract(docs["passive_accused"]), "accused")
    assert (text(a.source), text(a.target), text(a.content)) == ("Baku", "Armenia", "shelling civilian areas")


def test_colon_introduction_takes_the_quote_in_the_next_paragraph(docs):
    doc = docs["colon_intro"]
    a = only(extract(doc), "told")
    assert text(a.source) == "the foreign minister"
    assert text(a.target) == "reporters"
    assert a.content.text == "“The ceasefire is holding. We expect talks to continue.”"
    assert a.kind == "direct"


def test_unparsed_sentences_yield_nothing():
    art = Article("x", "Azerbaijan said the truce holds.")
    doc = BuiltinAnnotator().annotate_one(art)
    assert list(dependency_candidates(doc)) == []


def test_cue_without_content_is_dropped_unless_it_aims_at_someone():
    conllu = "\n".join([
        "# text = He told me.",
        "1\tHe\the\tPRON\t_\t_\t2\tnsubj\t_\t_",
        "2\ttold\ttell\tVERB\t_\t_\t0\troot\t_\t_",
        "3\tme\tI\tPRON\t_\t_\t2\tobj\t_\tSpaceAfter=No",
        "4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_",
        "",
        "# text = They condemned Baku.",
        "1\tThey\tthey\tPRON\t_\t_\t2\tnsubj\t_\t_",
        "2\tcondemned\tcondemn\tVERB\t_\t_\t0\troot\t_\t_",
        "3\tBaku\tBaku\tPROPN\t_\t_\t2\tobj\t_\tSpaceAfter=No",
        "4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_",
        ""])
    doc = next(parse_conllu(conllu))
    atts = extract(doc)
    assert [a.cue.text for a in atts] == ["condemned"]
    assert (atts[0].act, text(atts[0].target), atts[0].content) == ("criticize", "Baku", None)


def test_unbalanced_quotes_do_not_crash():
    conllu = "\n".join([
        "# text = “It never ends , he said .",
        "1\t“\t“\tPUNCT\t_\t_\t4\tpunct\t_\tSpaceAfter=No",
        "2\tIt\tit\tPRON\t_\t_\t4\tnsubj\t_\t_",
        "3\tnever\tnever\tADV\t_\t_\t4\tadvmod\t_\t_",
        "4\tends\tend\tVERB\t_\t_\t7\tccomp\t_\tSpaceAfter=No",
        "5\t,\t,\tPUNCT\t_\t_\t4\tpunct\t_\t_",
        "6\the\the\tPRON\t_\t_\t7\tnsubj\t_\t_",
        "7\tsaid\tsay\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No",
        "8\t.\t.\tPUNCT\t_\t_\t7\tpunct\t_\t_",
        ""])
    doc = next(parse_conllu(conllu))
    (a,) = extract(doc)
    assert a.content.text == "It never ends"


def test_sentence_selection_for_the_heavy_processors():
    assert sentence_can_attribute("The minister said so .".split())
    assert sentence_can_attribute(["“", "No", "”"])
    assert sentence_can_attribute("according to the police".split())
    assert not sentence_can_attribute("The weather was fine .".split())
    # multi-word cues count only as a whole: "point out", not "point"
    assert not sentence_can_attribute("The point was won .".split())
    docs = [BuiltinAnnotator().annotate_one(Article("a", "He said yes. The sky is blue. It rained."))]
    share = candidate_sentence_share(docs)
    assert (share["sentences"], share["candidate_sentences"]) == (3, 1)
    assert share["tokens"] == 12 and share["candidate_tokens"] == 4
    assert abs(share["token_share"] - 4 / 12) < 1e-9


def test_quote_running_over_two_paragraphs():
    conllu = "\n".join([
        "# newpar",
        "# text = He said: “We stay.",
        "1\tHe\the\tPRON\t_\t_\t2\tnsubj\t_\t_",
        "2\tsaid\tsay\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No",
        "3\t:\t:\tPUNCT\t_\t_\t6\tpunct\t_\t_",
        "4\t“\t“\tPUNCT\t_\t_\t6\tpunct\t_\tSpaceAfter=No",
        "5\tWe\twe\tPRON\t_\t_\t6\tnsubj\t_\t_",
        "6\tstay\tstay\tVERB\t_\t_\t2\tparataxis\t_\tSpaceAfter=No",
        "7\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_",
        "",
        "# newpar",
        "# text = “Then we win.”",
        "1\t“\t“\tPUNCT\t_\t_\t4\tpunct\t_\tSpaceAfter=No",
        "2\tThen\tthen\tADV\t_\t_\t4\tadvmod\t_\t_",
        "3\twe\twe\tPRON\t_\t_\t4\tnsubj\t_\t_",
        "4\twin\twin\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No",
        "5\t.\t.\tPUNCT\t_\t_\t4\tpunct\t_\tSpaceAfter=No",
        "6\t”\t”\tPUNCT\t_\t_\t4\tpunct\t_\t_",
        ""])
    doc = next(parse_conllu(conllu))
    (a,) = extract(doc)
    assert a.content.text == "“We stay.\n\n“Then we win.”"
    assert (text(a.source), a.kind) == ("He", "direct")
