"""quotetrack.graph: loading extract output, answers, and the actor graph edge by edge."""
import json
import shutil
from pathlib import Path

import pytest

from conftest import make_attribution as attr
from quotetrack.graph import Corpus, OutdirError, build, edges_by_act, find_answers, load

FIXTURES = Path(__file__).parent / "fixtures"
OUT_A, OUT_B = FIXTURES / "outdir_a", FIXTURES / "outdir_b"

def edge_set(g):
    return {(u, d["act"], v, d["weight"]) for u, v, d in edges_by_act(g)}


@pytest.fixture(scope="module")
def corpus():
    return load([OUT_A, OUT_B])


# -- loading -----------------------------------------------------------------------------------

def test_load_dedupes_and_orders_by_date_then_input(corpus):
    assert len(corpus.attributions) == 16  # 15 + 1 new; the re-extracted one counts once
    assert corpus.warnings == []
    articles = [a.article_id for a in corpus.attributions]
    assert articles == sorted(articles, key=corpus.order_key)
    assert list(dict.fromkeys(articles)) == ["a1", "a2", "a3", "a4", "a5"]
    assert all(a.date for a in corpus.attributions)


def test_load_errors_name_the_fix(tmp_path):
    with pytest.raises(OutdirError, match="no such folder"):
        load([tmp_path / "missing"])
    with pytest.raises(OutdirError, match=r"no attributions.jsonl .*quotetrack extract"):
        load([tmp_path])
    with pytest.raises(OutdirError, match="no output folder"):
        load([])


def test_dates_come_from_articles_csv(tmp_path):
    d = tmp_path / "out"
    shutil.copytree(OUT_A, d)
    lines = (d / "attributions.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["date"] = None  # the date must come from articles.csv
    lines[0] = json.dumps(first)
    (d / "attributions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    c = load([d])
    assert len(c.attributions) == 15 and c.warnings == []
    assert next(a for a in c.attributions if a.id == first["id"]).date == "2024-05-01"


def damaged_copy(tmp_path, change):
    d = tmp_path / "out"
    shutil.copytree(OUT_A, d)
    data = (d / "attributions.jsonl").read_bytes()
    (d / "attributions.jsonl").write_bytes(change(data))
    return d


@pytest.mark.parametrize("change, line, what", [
    # cut in the middle of the last record (a full disk while copying the folder)
    (lambda b: b[:len(b) - 40], 15, "truncated"),
    (lambda b: b.replace(b"\n", b"\n{not json\n", 1), 2, "not an attribution record"),
    (lambda b: b + b'{"id": "x"}\n', 16, "not an attribution record"),
    (lambda b: b + b"\x00\x00\xff\xfe garbage\n", 16, "not an attribution record"),
    # valid JSON, wrong types: would fail much later, deep in the graph
    (lambda b: b.replace(b'"start": ', b'"start": -', 1), 1, "not an attribution record"),
    (lambda b: b + json.dumps({**json.loads(b.splitlines()[0]), "id": "y",
                               "speaker": {"id": 1, "name": ["x"], "kind": "person"}}
                              ).encode() + b"\n", 16, "not an attribution record"),
])
def test_a_damaged_attributions_jsonl_is_an_error_naming_file_and_line(tmp_path, change, line,
                                                                        what):
    # Before: bad lines were skipped with a warning and the report ran on what was left.
    d = damaged_copy(tmp_path, change)
    with pytest.raises(OutdirError) as err:
        load([OUT_B, d])
    message = str(err.value)
    assert f"{d / 'attributions.jsonl'}, line {line}: {what}" in message, message
    assert "\n" not in message and "quotetrack extract" in message


def test_an_unreadable_articles_csv_is_an_error(tmp_path):
    d = tmp_path / "out"
    shutil.copytree(OUT_A, d)
    (d / "articles.csv").write_bytes(b"article_id,date\n\xff\xfe,2024\n")
    with pytest.raises(OutdirError, match=r"articles.csv: cannot be read"):
        load([d])


def test_counts_that_disagree_with_articles_csv_are_reported(tmp_path):
    # A file cut exactly at a line break parses; articles.csv still knows how many there were.
    d = damaged_copy(tmp_path, lambda b: b"".join(b.splitlines(keepends=True)[:-2]))
    c = load([d])
    assert len(c.attributions) == 13
    (w,) = c.warnings
    assert "articles.csv counts 4 attributions for 'a4'" in w and "has 2" in w


def write_outdir(folder, articles):
    """An extract output folder: articles = [(article id, path, text, [phrases])]; each
    phrase becomes one statement "<speaker> accused <target>" found in the text."""
    from quotetrack.io.writers import ExtractOutput
    from quotetrack.records import ArticleStatus

    with ExtractOutput(folder) as out:
        for aid, path, text, statements in articles:
            attrs = [attr(aid, "accuse", who, "country", target, text=text, source=who,
                          cue="accused", content=target, date="2024-02-01")
                     for who, target in statements]
            out.add(ArticleStatus(aid, path, "ok", title=f"title of {aid}", date="2024-02-01",
                                  chars=len(text)), attrs)
    return folder


FORMULA_IDS = ["=1+1", "+44 20 7946", "-draft", "@home", "'=quoted", "'plain", "\tTab",
               "=HYPERLINK(\"http://x\")", "a1", "a2", "@", "-", "+", "=", "''@two",
               "normal id", "\rcr"]


def test_article_ids_that_look_like_formulas_round_trip(tmp_path):
    # Before: articles.csv escaped "=1+1" as "'=1+1" and nothing unescaped it, so every such
    # article was counted twice (once per spelling) and lost its date and title.
    assert len(set(FORMULA_IDS)) == 17
    text = "Norway accused Iceland."
    d = write_outdir(tmp_path / "out", [(aid, f"in/{i}.txt", text, [("Norway", "Iceland")])
                                        for i, aid in enumerate(FORMULA_IDS)])
    c = load([d])
    assert len(c.articles) == 17 and set(c.articles) == set(FORMULA_IDS)
    assert {a.article_id for a in c.attributions} == set(FORMULA_IDS)
    assert c.articles["=1+1"].title == "title of =1+1"
    assert [c.articles[a].order for a in FORMULA_IDS] == list(range(17))
    assert c.warnings == []


def test_same_article_ids_of_different_articles_are_kept_apart(tmp_path):
    # Two days' folders both have "001" (day1/001.txt and day2/001.txt): two articles.
    day1 = write_outdir(tmp_path / "day1", [
        ("001", "day1/001.txt", "Norway accused Iceland.", [("Norway", "Iceland")])])
    day2 = write_outdir(tmp_path / "day2", [
        ("001", "day2/001.txt", "Norway accused Iceland.", [("Norway", "Iceland")]),
        ("002", "day2/002.txt", "Chile accused Peru.", [("Chile", "Peru")])])
    c = load([day1, day2])
    kept = f"{day2.as_posix()}/001"
    assert set(c.articles) == {"001", kept, "002"}
    assert c.articles[kept].path == "day2/001.txt"
    assert sorted(a.article_id for a in c.attributions) == sorted(["001", "002", kept])
    assert len({a.id for a in c.attributions}) == 3  # same words, still two statements
    (w,) = c.warnings
    assert "'001'" in w and "kept apart" in w and str(day1) in w
    net = build(c)
    edge = next(d for _, _, d in edges_by_act(net.graph, "accuse") if d["weight"] == 2)
    assert edge["articles"] == f"001;{kept}"


def test_the_same_article_extracted_twice_counts_once(tmp_path):
    art = ("001", "news/001.txt", "Norway accused Iceland.", [("Norway", "Iceland")])
    a = write_outdir(tmp_path / "a", [art])
    b = write_outdir(tmp_path / "b", [art])
    c = load([a, b, b])
    assert list(c.articles) == ["001"] and len(c.attributions) == 1 and c.warnings == []


def test_undated_articles_come_after_dated_ones_in_input_order():
    c = Corpus.of([attr("u1", "say", "X Y"), attr("d1", "say", "X Y", date="2024-01-02"),
                   attr("u2", "say", "X Y"), attr("d0", "say", "X Y", date="2024-01-01")])
    assert [a.article_id for a in c.attributions] == ["d0", "d1", "u1", "u2"]


# -- the fixture graph, edge by edge -----------------------------------------------------------

EXPECTED_ACTOR_EDGES = {
    ("Elena Fuentes", "accuse", "Peru", 1),
    ("coastal fishermen", "accuse", "Peru", 1),
    ("Peru", "answers", "coastal fishermen", 1),          # same article, nearest accusation
    ("Tomas Rivas", "reject", "Elena Fuentes", 1),        # "Chile's foreign minister"
    ("Tomas Rivas", "answers", "Elena Fuentes", 1),       # an earlier article
    ("Tomas Rivas", "criticize", "Chilean military", 1),
    ("Tomas Rivas", "urge", "Chile", 1),                  # "Santiago"
    ("Ana Rivas", "praise", "Elena Fuentes", 1),
    ("Russia", "urge", "Chile", 1),                       # "The Kremlin urged Chile and Peru"
    ("Russia", "urge", "Peru", 1),
    ("Elena Fuentes", "criticize", "Rivas", 1),           # Ana or Tomas: stays ambiguous
    ("Russia's defence ministry", "accuse", "Peru", 1),   # = "the Russian Defense Ministry"
    ("Peru's foreign ministry", "respond", "Russia", 1),  # "Moscow"
    ("Peru's foreign ministry", "answers", "Russia's defence ministry", 1),
    ("Tomas Rivas", "answers", "Russia's defence ministry", 1),  # from the second folder
}


def test_actor_graph_edge_by_edge(corpus):
    net = build(corpus)
    assert edge_set(net.graph) == EXPECTED_ACTOR_EDGES
    labels = sorted(d["label"] for _, d in net.graph.nodes(data=True))
    assert labels == sorted(["Ana Rivas", "Chile", "Chilean military", "coastal fishermen",
                             "Elena Fuentes", "Peru", "Peru's foreign ministry",
                             "Peruvian officials", "Rivas", "Russia",
                             "Russia's defence ministry", "Tomas Rivas"])


def test_node_and_edge_attributes_are_plain_and_complete(corpus):
    g = build(corpus).graph
    node_keys = None
    for n, d in g.nodes(data=True):
        assert isinstance(n, str)
        node_keys = node_keys or set(d)
        assert set(d) == node_keys, "every node has the same attributes"
        for k, v in d.items():
            assert type(v) in (str, int, bool), (k, v)
    for _, _, k, d in g.edges(keys=True, data=True):
        assert "type" not in d
        assert isinstance(k, str)
        for name, v in d.items():
            assert type(v) in (str, int, bool), (name, v)
    fuentes = next(d for _, d in g.nodes(data=True) if d["label"] == "Elena Fuentes")
    assert fuentes["kind"] == "person" and fuentes["affiliation"] == "Chile"
    assert fuentes["statements"] == 3
    assert fuentes["first_date"] == "2024-05-01" and fuentes["last_date"] == "2024-05-08"
    assert fuentes["titles"] == "Foreign Minister [2024-05-01..2024-05-08]"
    assert "Fuentes (surname of Elena Fuentes" in fuentes["aliases"]
    rivas = next(d for _, d in g.nodes(data=True) if d["label"] == "Rivas")
    assert rivas["ambiguous"] is True and rivas["candidates"] == "Ana Rivas; Tomas Rivas"


def test_answer_edges_link_the_accusation(corpus):
    net = build(corpus)
    by_id = {a.id: a for a in corpus.attributions}
    answers = {(net.label(x.answerer), net.label(x.accuser)): x for x in net.answers}
    peru = answers[("Peru", "coastal fishermen")]
    assert peru.same_article and not peru.on_behalf
    assert by_id[peru.accusation_id].target.text == "Lima"
    rivas = answers[("Tomas Rivas", "Elena Fuentes")]
    assert not rivas.same_article and rivas.on_behalf  # Fuentes accused Peru, his country
    assert by_id[rivas.accusation_id].article_id == "a1"
    # The edge carries the accusation's id.
    edge = next(d for u, v, d in edges_by_act(net.graph, "answers")
                if (u, v) == ("Tomas Rivas", "Elena Fuentes"))
    assert edge["answers_to"] == rivas.accusation_id
    assert edge["attributions"] == rivas.answer_id


def test_seed_like_denial_without_target_answers_the_accusation_against_baku():
    # "Azerbaijan denied allegations of breaching the ceasefire, while the breakaway
    # authorities accused Baku of violating the agreement." (made-up offsets)
    deny = attr("seed", "deny", "Azerbaijan", kind="country",
                content="allegations of breaching the ceasefire", date="2023-09-22", at=10)
    accuse = attr("seed", "accuse", "the breakaway authorities", kind="group", target="Baku",
                  content="of violating the agreement", date="2023-09-22", at=80)
    net = build(Corpus.of([deny, accuse]))
    assert edge_set(net.graph) == {("breakaway authorities", "accuse", "Azerbaijan", 1),
                                   ("Azerbaijan", "answers", "breakaway authorities", 1)}
    (ans,) = net.answers
    assert ans.accusation_id == accuse.id and ans.answer_id == deny.id and ans.same_article


def test_answers_need_an_accusation_against_the_answerer_made_no_later():
    acc = attr("b", "accuse", "Anna Berg", target="Norway", aff="Sweden", date="2024-01-02")
    too_early = attr("a", "deny", "Norway", kind="country", date="2024-01-01")
    other = attr("b", "deny", "Finland", kind="country", date="2024-01-02")
    self_deny = attr("c", "deny", "Anna Berg", date="2024-01-03")
    wrong_target = attr("c", "reject", "Norway", kind="country", target="Denmark",
                        date="2024-01-03")
    right_target = attr("d", "reject", "Norway", kind="country", target="Stockholm",
                        date="2024-01-04")
    c = Corpus.of([acc, too_early, other, self_deny, wrong_target, right_target])
    net = build(c)
    assert [(a.answer_id, a.accusation_id) for a in find_answers(c, net.resolution)] == [
        (right_target.id, acc.id)]  # "Stockholm": the accuser's country named as target


def test_latest_earlier_accusation_wins():
    first = attr("a1", "accuse", "Anna Berg", target="Norway", aff="Sweden", date="2024-01-01")
    second = attr("a2", "criticize", "Lars Holm", target="Oslo", aff="Denmark",
                  date="2024-01-05")
    reply = attr("a3", "reject", "Norway", kind="country", date="2024-01-06")
    net = build(Corpus.of([reply, second, first]))
    (ans,) = net.answers
    assert ans.accusation_id == second.id


def test_affiliation_level_rolls_people_and_bodies_into_countries(corpus):
    net = build(corpus, level="affiliation")
    assert edge_set(net.graph) == {
        ("Chile", "accuse", "Peru", 1),
        ("coastal fishermen", "accuse", "Peru", 1),
        ("Peru", "answers", "coastal fishermen", 1),
        ("Peru", "reject", "Chile", 1),
        ("Peru", "answers", "Chile", 1),
        ("Peru", "criticize", "Chile", 1),
        ("Peru", "urge", "Chile", 1),
        ("Chile", "praise", "Chile", 1),
        ("Russia", "urge", "Chile", 1),
        ("Russia", "urge", "Peru", 1),
        ("Chile", "criticize", "Rivas", 1),
        ("Russia", "accuse", "Peru", 1),
        ("Peru", "respond", "Russia", 1),
        ("Peru", "answers", "Russia", 2),  # the ministry and Rivas answered the same charge
    }
    chile = next(d for _, d in net.graph.nodes(data=True) if d["label"] == "Chile")
    assert chile["members"] == "Ana Rivas; Chilean military; Elena Fuentes"
    assert chile["statements"] == 4
    with pytest.raises(ValueError):
        build(corpus, level="galaxy")


def test_empty_corpus_builds_an_empty_graph():
    net = build(Corpus.of([]))
    assert net.graph.number_of_nodes() == 0 and net.answers == []
