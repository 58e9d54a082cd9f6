"""Tidy tables for pandas: ``actors.csv``, ``edges.csv``, ``answers.csv``, ``statements.csv``.

One row per observation, one column per variable, ids that join across tables
(``edges.source`` = ``actors.id``; ``answers.answer_id`` = ``statements.id``). Multi-valued cells
are ``;``-joined strings.

Like every CSV quotetrack writes, text cells a spreadsheet would run as a formula get a leading
``'`` (:func:`quotetrack.io.writers.spreadsheet_safe`): ``=HYPERLINK(...)`` in a quote or an
article id is written ``'=HYPERLINK(...)``. :func:`read_table` reads a table back into pandas
with that escape undone and empty strings kept empty, so text and ids come back exactly as
extracted (``pandas.read_csv(path, keep_default_na=False)`` gives the escaped cells).

The four files are replaced together: an export that fails (a full disk) leaves the previous
four tables as they were and no temporary files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

from ..io.writers import spreadsheet_unescape
from ._common import PathLike, write_csv_set

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
    """Write the four tables into ``folder`` (created if missing): all four or none.

    Returns:
        The paths written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Every row is built before any file is opened: a failing row leaves nothing behind.
    tables = {name: (TABLES[name], table) for name, table in rows(network).items()}
    return write_csv_set(folder, tables)


#: Columns of the tables that hold numbers and flags; every other column is text.
NUMBER_COLUMNS = frozenset({"weight", "statements", "mentions"})
FLAG_COLUMNS = frozenset({"ambiguous", "same_article", "on_behalf"})


def read_table(path: PathLike):
    """One table written by :func:`write_tables` as a pandas DataFrame, text exact.

    Text columns stay text (an article id ``007`` does not become the number 7), with the
    spreadsheet escape undone and empty cells as empty strings; ``weight``, ``statements``
    and ``mentions`` are integers, the yes/no columns booleans.

    Example:
        >>> statements = read_table("tables/statements.csv")  # doctest: +SKIP
    """
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df.rename(columns=spreadsheet_unescape)
    for col in df.columns:
        if col in NUMBER_COLUMNS:
            df[col] = pd.to_numeric(df[col]).astype("int64") if len(df) else df[col]
        elif col in FLAG_COLUMNS:
            df[col] = df[col].map(lambda v: v == "True").astype(bool)
        else:
            df[col] = df[col].map(spreadsheet_unescape).astype(object)
    return df
