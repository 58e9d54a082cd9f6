"""What every export shares: XML-safe text, attribute cleaning for networkx's XML writers,
and one spreadsheet-safe CSV writer.

Every CSV cell goes through :func:`quotetrack.io.writers.spreadsheet_safe` (the one rule for
all of quotetrack's CSV files); read the tables back with :func:`read_csv_rows` or
:func:`quotetrack.exports.tables.read_table`, which undo the escape.
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple, Union

from ..io.writers import atomic_write_all, read_csv_rows, spreadsheet_safe  # noqa: F401

PathLike = Union[str, Path]

# Time is carried by spells; these attributes are kept out of the attribute table.
_TIME_KEYS = ("dates",)

# Characters XML 1.0 cannot hold at all, escaped or not: C0 controls but tab/newline/CR,
# lone surrogates, U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML cannot hold (escaping of ``<&>"`` is the writer's)."""
    return _XML_INVALID.sub("", value)


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


def _attributes(d: Dict[str, Any], spells: bool) -> Tuple[Dict[str, Any], List[str]]:
    """GEXF-safe attributes of one node or edge, and its dates when spells are wanted."""
    data: Dict[str, Any] = {}
    for k, v in d.items():
        if spells and k in _TIME_KEYS:
            continue
        data["act" if k == "type" else xml_text(str(k))] = clean_value(v)
    dates = [x for x in str(d.get("dates", "")).split(";") if x] if spells else []
    return data, dates


def _cells(columns: Sequence[str], row: dict) -> list:
    cells = []
    for c in columns:
        v = row.get(c, "")
        cells.append("" if v is None else spreadsheet_safe(v))
    return cells


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict]) -> Path:
    """Write ``rows`` as CSV (atomically), text cells spreadsheet-safe."""
    return write_csv_set(Path(path).parent, {Path(path).name: (columns, rows)})[0]


def write_csv_set(folder: Path, tables: Mapping[str, Tuple[Sequence[str], Iterable[dict]]]
                  ) -> List[Path]:
    """Write several CSV files into ``folder`` as one set: all new files or all old ones.

    Every table is written to a temporary file and synced before any is renamed into place
    (:func:`quotetrack.io.writers.atomic_write_all`), so a full disk or a failing row leaves
    the previous export whole. Text cells are spreadsheet-safe; numbers are written as
    numbers.

    Args:
        folder: An existing folder.
        tables: File name -> (columns, rows), in the order written.

    Returns:
        The paths written, in the order of ``tables``.
    """
    folder = Path(folder)
    paths = [folder / name for name in tables]
    # backslashreplace: a lone surrogate (legal in JSON, not in UTF-8) must not fail the export.
    with atomic_write_all(paths, "w", newline="", errors="backslashreplace") as files:
        for fh, (columns, rows) in zip(files, tables.values()):
            w = csv.writer(fh)
            w.writerow([spreadsheet_safe(c) for c in columns])
            for row in rows:
                w.writerow(_cells(columns, row))
    return paths
