"""GEXF, Gephi's own format: a dynamic graph whose spells come from article dates.

Nodes live from the first to the last date their actor appears; each edge has one spell per
date it was stated, so Gephi's timeline plays the story day by day. Edges carry Gephi's ``kind``
(the act), so an ``accuse`` and an ``answers`` edge between the same two actors stay two edges.
Attributes are cleaned for networkx's writer and for XML: no None, lists or dates, no attribute
named ``type``, one Python type per attribute, no control characters.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

from . import xml_text

PathLike = Union[str, Path]

# Time is carried by spells; these attributes are kept out of the attribute table.
_TIME_KEYS = ("dates",)


def clean_value(value: Any) -> Any:
    """An attribute value as GEXF/GraphML can hold it: str, int, float or bool."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # numpy integers and bool subclasses come out as plain int
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return ";".join(xml_text(str(v)) for v in value)
    if hasattr(value, "item"):  # a numpy scalar
        return clean_value(value.item())
    return xml_text(str(value))


def clean_graph(graph, *, spells: bool):
    """A copy of ``graph`` ready for networkx's XML writers.

    Args:
        graph: A :class:`networkx.MultiDiGraph` from :func:`quotetrack.graph.build`.
        spells: Add GEXF spells from the ``dates`` attributes (and drop those attributes).
    """
    import networkx as nx

    g = nx.MultiDiGraph()
    g.graph.update({k: clean_value(v) for k, v in graph.graph.items() if k != "mode"})
    dated = False
    for n, d in graph.nodes(data=True):
        data, dates = _attributes(d, spells)
        if dates:  # a node lives from its first statement to its last
            data["spells"] = [(dates[0], dates[-1])]
            dated = True
        g.add_node(xml_text(str(n)), **data)
    for u, v, key, d in graph.edges(keys=True, data=True):
        data, dates = _attributes(d, spells)
        if dates:  # an edge is there on each day it was stated
            data["spells"] = [(x, x) for x in dates]
            dated = True
        data["id"] = xml_text(str(key))
        g.add_edge(xml_text(str(u)), xml_text(str(v)), key=xml_text(str(key)), **data)
    if dated:
        g.graph["mode"] = "dynamic"
    return g


def to_gexf_tree(graph):
    """The GEXF document for ``graph`` as an ElementTree writer (networkx's, post-processed)."""
    from networkx.readwrite.gexf import GEXFWriter

    g = clean_graph(graph, spells=True)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(g)
    # networkx stores a multigraph's edge key as an extra attribute; our key *is* the edge id,
    # so drop that column rather than show Gephi users a "networkx_key".
    key_ids = set()
    for attrs in writer.xml.iter("attributes"):
        for a in list(attrs):
            if a.get("title") == "networkx_key":
                key_ids.add(a.get("id"))
                attrs.remove(a)
    acts = {str(k): d.get("act", "") for _, _, k, d in g.edges(keys=True, data=True)}
    for edge in writer.xml.iter("edge"):
        if edge.get("id") in acts and acts[edge.get("id")]:
            edge.set("kind", acts[edge.get("id")])  # Gephi's edge type: parallel acts stay apart
        for values in edge.iter("attvalues"):
            for v in list(values):
                if v.get("for") in key_ids:
                    values.remove(v)
    return writer


def write_gexf(network, path: PathLike) -> Path:
    """Write the network's graph as dynamic GEXF 1.2 to ``path`` (atomically).

    Args:
        network: A :class:`quotetrack.graph.Network` (or a graph built like one).
        path: The ``.gexf`` file to write.
    """
    from ..io.writers import atomic_write

    graph = getattr(network, "graph", network)
    writer = to_gexf_tree(graph)
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        writer.write(fh)
    return path


def _attributes(d: Dict[str, Any], spells: bool) -> Tuple[Dict[str, Any], List[str]]:
    """GEXF-safe attributes of one node or edge, and its dates when spells are wanted."""
    data: Dict[str, Any] = {}
    for k, v in d.items():
        if spells and k in _TIME_KEYS:
            continue
        data["act" if k == "type" else xml_text(str(k))] = clean_value(v)
    dates = [x for x in str(d.get("dates", "")).split(";") if x] if spells else []
    return data, dates
