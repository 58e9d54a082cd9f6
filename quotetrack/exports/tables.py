"""Tidy tables for pandas: ``actors.csv``, ``edges.csv``, ``answers.csv``, ``statements.csv``.

One row per observation, one column per variable, ids that join across tables
(``edges.source`` = ``actors.id``; ``answers.answer_id`` = ``statements.id``). Multi-valued cells
are ``;``-joined strings. Text is written exactly as extracted, for analysis; the spreadsheet-safe
files are the Gephi ones (:mod:`.gephi_csv`). Read them with ``pandas.read_csv(path,
keep_default_na=False)`` to keep empty strings empty.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

from ._common import PathLike, write_csv

ACTOR_COLUMNS = ("id", "label", "kind", "affiliation", "titles", "aliases", "ambiguous",
                 "candidates", "statements", "mentions", "first_date", "last_date", "articles",
                 "members")
EDGE_COLUMNS = ("id", "source", "target", "source_label", "target_label", "act", "weight",
                "first_date", "last_date", "dates", "articles", "attributions", "answers_to")
ANSWER_COLUMNS = ("answer_id", "answer_date", "answer_article", "answerer_id", "answerer",
                  "answer_act", "answer_quote", "accusation_id", "accusation_date",
                  "accusation_article", "accuser_id", "accuser", "accusation_act",
                  "accusation_quote", "same_article", "on_behalf")
STATEMENT_COLUMNS = ("id", "article_id", "date", "kind", "act", "speaker_id", "speaker",
                     "target_ids", "targets", "source_text", "cue_text", "content_text",
                     "target_text")

#: File name -> columns, in the order written.
TABLES: Dict[str, Tuple[str, ...]] = {"actors.csv": ACTOR_COLUMNS, "edges.csv": EDGE_COLUMNS,
                                      "answers.csv": ANSWER_COLUMNS,
                                      "statements.csv": STATEMENT_COLUMNS}


def actor_rows(network) -> List[dict]:
    """One row per node of the network's graph (actors, or affiliations at that level)."""
    rows = []
    for n, d in network.graph.nodes(data=True):
        row = {k: d.get(k, "") for k in ACTOR_COLUMNS}
        row["id"] = n
        rows.append(row)
    return rows


def edge_rows(network) -> List[dict]:
    """One row per edge: (source, target, act) with its weight, dates and statement ids."""
    g = network.graph
    rows = []
    for u, v, key, d in g.edges(keys=True, data=True):
        row = {k: d.get(k, "") for k in EDGE_COLUMNS}
        row.update(id=key, source=u, target=v, source_label=g.nodes[u].get("label", u),
                   target_label=g.nodes[v].get("label", v))
        rows.append(row)
    return rows


def _text(span) -> str:
    return span.text if span is not None else ""


def answer_rows(network) -> List[dict]:
    """One row per answer link: who answered whom, when, with both statements' words."""
    by_id = {a.id: a for a in network.corpus.attributions}
    rows = []
    for ans in network.answers:
        r, acc = by_id[ans.answer_id], by_id[ans.accusation_id]
        x, y = network.node_of(ans.answerer), network.node_of(ans.accuser)
        rows.append({
            "answer_id": r.id, "answer_date": r.date or "", "answer_article": r.article_id,
            "answerer_id": x, "answerer": network.label(x), "answer_act": r.act,
            "answer_quote": _text(r.content),
            "accusation_id": acc.id, "accusation_date": acc.date or "",
            "accusation_article": acc.article_id, "accuser_id": y, "accuser": network.label(y),
            "accusation_act": acc.act, "accusation_quote": _text(acc.content),
            "same_article": ans.same_article, "on_behalf": ans.on_behalf,
        })
    return rows


def statement_rows(network) -> List[dict]:
    """One row per attribution, with its speaker and targets resolved to actors (or nodes at
    affiliation level)."""
    res = network.resolution
    rows = []
    for a in network.corpus.attributions:
        s = res.speaker(a.id)
        s = network.node_of(s) if s else ""
        ts = list(dict.fromkeys(network.node_of(t) for t in res.targets(a.id)))
        rows.append({
            "id": a.id, "article_id": a.article_id, "date": a.date or "", "kind": a.kind,
            "act": a.act, "speaker_id": s, "speaker": network.label(s) if s else "",
            "target_ids": ";".join(ts), "targets": ";".join(network.label(t) for t in ts),
            "source_text": _text(a.source), "cue_text": _text(a.cue),
            "content_text": _text(a.content), "target_text": _text(a.target),
        })
    return rows


def rows(network) -> Dict[str, List[dict]]:
    """Every table as rows: ``{"actors.csv": [...], "edges.csv": [...], ...}``."""
    return {"actors.csv": actor_rows(network), "edges.csv": edge_rows(network),
            "answers.csv": answer_rows(network), "statements.csv": statement_rows(network)}


def frames(network) -> Dict[str, "object"]:
    """Every table as a pandas DataFrame, keyed ``actors``, ``edges``, ``answers``,
    ``statements`` (columns in the order of the CSV files, even when empty)."""
    import pandas as pd

    return {name[:-4]: pd.DataFrame(table, columns=list(TABLES[name]))
            for name, table in rows(network).items()}


def write_tables(network, folder: PathLike) -> List[Path]:
    """Write the four tables into ``folder`` (created if missing), each atomically.

    Returns:
        The paths written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_csv(folder / name, TABLES[name], table, safe=False)
            for name, table in rows(network).items()]
