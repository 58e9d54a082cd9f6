"""Exports of a :class:`quotetrack.graph.Network`: one module per format.

* :mod:`.gexf` -- GEXF for Gephi, dynamic (spells from article dates);
* :mod:`.graphml` -- GraphML (no time);
* :mod:`.gephi_csv` -- Gephi's spreadsheet import: ``nodes.csv`` and ``edges.csv``;
* :mod:`.tables` -- tidy CSV tables for pandas: actors, edges, answers, statements.

Every writer writes atomically (a temporary file renamed into place), so an interrupted export
never leaves a half-written file under the final name; the CSV formats replace all their files
together or none (a full disk leaves the previous export whole). Every CSV cell is
spreadsheet-safe (:func:`quotetrack.io.writers.spreadsheet_safe`); :func:`read_table` reads a
tidy table back with the escape undone.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

from ._common import PathLike, xml_text  # noqa: F401  (xml_text: public helper)
from .gephi_csv import write_gephi_csv
from .gexf import write_gexf
from .graphml import write_graphml
from .tables import read_table, write_tables  # noqa: F401  (read_table: public)

#: Export formats and what ``-o PATH`` names for each: a file or a folder.
FORMATS: Dict[str, str] = {"gexf": "file", "graphml": "file", "gephi-csv": "folder",
                           "csv": "folder"}

def write(network, fmt: str, path: PathLike) -> List[Path]:
    """Write ``network`` in format ``fmt`` to ``path`` (a file or a folder, see :data:`FORMATS`).

    Returns:
        The paths written.
    """
    writers = {"gexf": write_gexf, "graphml": write_graphml, "gephi-csv": write_gephi_csv,
               "csv": write_tables}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    w = writers[fmt]
    out = w(network, path)
    return list(out) if isinstance(out, (list, tuple)) else [out]
