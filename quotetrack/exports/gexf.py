"""GEXF, Gephi's own format: a dynamic graph whose spells come from article dates.

Nodes live from the first to the last date their actor appears; each edge has one spell per
date it was stated, so Gephi's timeline plays the story day by day. Edges carry Gephi's ``kind``
(the act), so an ``accuse`` and an ``answers`` edge between the same two actors stay two edges.
Attributes are cleaned for networkx's writer and for XML: no None, lists or dates, no attribute
named ``type``, one Python type per attribute, no control characters.
"""
from __future__ import annotations

from pathlib import Path

from ..io.writers import atomic_write
from ._common import PathLike, clean_graph


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
    graph = getattr(network, "graph", network)
    writer = to_gexf_tree(graph)
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        writer.write(fh)
    return path


