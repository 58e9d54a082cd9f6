"""Gephi's spreadsheet import: ``nodes.csv`` (``Id``, ``Label``, ...) and ``edges.csv``
(``Source``, ``Target``, ``Type``, ``Kind``, ``Weight``, ``Label``, ``Interval``, ...).

In Gephi: File > Import spreadsheet, nodes table first, then edges ("append to existing
workspace"); pick "Intervals" as the time representation to get the timeline. Text cells a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab, CR) are
neutralised with a leading ``'`` (:func:`quotetrack.io.writers.spreadsheet_safe`), since these
files are meant to be opened in spreadsheets too. Both files are replaced together or not at
all.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, Tuple

from ._common import PathLike, write_csv_set

NODES_CSV = "nodes.csv"
EDGES_CSV = "edges.csv"

NODE_COLUMNS = ("Id", "Label", "kind", "affiliation", "titles", "aliases", "ambiguous",
                "statements", "mentions", "first_date", "last_date", "articles", "members",
                "Interval")
EDGE_COLUMNS = ("Id", "Source", "Target", "Type", "Kind", "Label", "Weight", "act",
                "first_date", "last_date", "articles", "attributions", "answers_to", "Interval")


def interval(spells: Iterable[Tuple[str, str]]) -> str:
    """Gephi's interval-set syntax: ``<[2024-05-01, 2024-05-03]; [2024-05-06, 2024-05-06]>``."""
    parts = [f"[{a}, {b}]" for a, b in spells]
    return f"<{'; '.join(parts)}>" if parts else ""


def node_rows(graph) -> List[dict]:
    """One row per node, with Gephi's column names."""
    rows = []
    for n, d in graph.nodes(data=True):
        dates = [x for x in str(d.get("dates", "")).split(";") if x]
        row = {k: d.get(k, "") for k in NODE_COLUMNS}
        row.update(Id=n, Label=d.get("label", n),
                   Interval=interval([(dates[0], dates[-1])]) if dates else "")
        rows.append(row)
    return rows


def edge_rows(graph) -> List[dict]:
    """One row per edge, with Gephi's column names."""
    rows = []
    for u, v, key, d in graph.edges(keys=True, data=True):
        dates = [x for x in str(d.get("dates", "")).split(";") if x]
        row = {k: d.get(k, "") for k in EDGE_COLUMNS}
        row.update(Id=key, Source=u, Target=v, Type="Directed", Kind=d.get("act", ""),
                   Label=d.get("label", d.get("act", "")), Weight=d.get("weight", 1),
                   Interval=interval((x, x) for x in dates))
        rows.append(row)
    return rows


def write_gephi_csv(network, folder: PathLike) -> Tuple[Path, Path]:
    """Write ``nodes.csv`` and ``edges.csv`` for Gephi's spreadsheet import into ``folder``.

    Args:
        network: A :class:`quotetrack.graph.Network` (or a graph built like one).
        folder: Created if missing.

    Returns:
        (nodes path, edges path).
    """
    graph = getattr(network, "graph", network)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nodes, edges = write_csv_set(folder, {NODES_CSV: (NODE_COLUMNS, node_rows(graph)),
                                          EDGES_CSV: (EDGE_COLUMNS, edge_rows(graph))})
    return nodes, edges
