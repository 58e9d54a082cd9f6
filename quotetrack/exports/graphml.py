"""GraphML: the same graph for tools other than Gephi (yEd, igraph, Cytoscape). No time.

The ``dates`` attribute keeps the statement dates as one ``;``-joined string.
"""
from __future__ import annotations

from pathlib import Path

from ..io.writers import atomic_write
from ._common import PathLike, clean_graph


def write_graphml(network, path: PathLike) -> Path:
    """Write the network's graph as GraphML to ``path`` (atomically).

    Args:
        network: A :class:`quotetrack.graph.Network` (or a graph built like one).
        path: The ``.graphml`` file to write.
    """
    import networkx as nx

    graph = clean_graph(getattr(network, "graph", network), spells=False)
    # The edge key is the edge id; as an attribute too it would only repeat it.
    for _, _, d in graph.edges(data=True):
        d.pop("id", None)
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        nx.write_graphml_xml(graph, fh, encoding="utf-8", prettyprint=True)
    return path
