"""quotetrack.dev.speaker_tune: gold sources judged by silver coreference (made-up article)."""
from quotetrack.dev.evaluate import GoldArticle, GoldAttribution
from quotetrack.dev.speaker_tune import gold_sources
from quotetrack.io.conllu import parse_conllu

TEXT = "Lena Varga met reporters. She said the port would close."


def row(i, form, start, end, ner=None, entity=None, space=True):
    misc = [f"start_char={start}", f"end_char={end}"]
    if ner:
        misc.append(f"ner={ner}")
    if entity:
        misc.append(f"Entity={entity}")
    if not space:
        misc.append("SpaceAfter=No")
    return f"{i}\t{form}\t_\t_\t_\t_\t0\tdep\t_\t{'|'.join(misc)}"


def silver():
    lines = ["# newdoc id = t", "# global.Entity = eid-etype-head-other",
             row(1, "Lena", 0, 4, "B-PERSON", "(e1-person-1-x"),
             row(2, "Varga", 5, 10, "I-PERSON", "e1)"),
             row(3, "met", 11, 14), row(4, "reporters", 15, 24, space=False), row(5, ".", 24, 25), "",
             row(1, "She", 26, 29, entity="(e1-person-1-x)"), row(2, "said", 30, 34),
             row(3, "the", 35, 38), row(4, "port", 39, 43), row(5, "would", 44, 49),
             row(6, "close", 50, 55, space=False), row(7, ".", 55, 56), ""]
    return next(iter(parse_conllu("\n".join(lines))))


def test_a_pronoun_source_gets_the_names_of_its_silver_chain():
    doc = silver()
    assert doc.text[:25] == TEXT[:25]
    gold = GoldArticle("t", "t.txt", TEXT, (GoldAttribution(((26, 29),), ((30, 34),), ((35, 55),)),))
    (g,) = gold_sources(gold, doc)
    assert (g.source_type, g.names, g.surnames, g.person) == ("pronoun", ("lena varga",), ("varga",), True)
    assert g.named_spans == ((0, 10),)


def test_a_source_outside_any_chain_with_no_name_is_not_nameable():
    doc = silver()
    gold = GoldArticle("t", "t.txt", TEXT, (GoldAttribution(((15, 24),), ((11, 14),), ((0, 4),)),))
    (g,) = gold_sources(gold, doc)
    assert (g.source_type, g.names) == ("description", ())
