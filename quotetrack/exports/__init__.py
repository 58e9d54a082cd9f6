"""Exports of a :class:`quotetrack.graph.Network`: one module per format.

* :mod:`.gexf` -- GEXF for Gephi, dynamic (spells from article dates);
* :mod:`.graphml` -- GraphML (no time);
* :mod:`.gephi_csv` -- Gephi's spreadsheet import: ``nodes.csv`` and ``edges.csv``;
* :mod:`.tables` -- tidy CSV tables for pandas: actors, edges, answers, statements.

Every writer writes atomically (a temporary file renamed into place), so an interrupted export
never leaves a half-written file under the final name.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Union

PathLike = Union[str, Path]

#: Export formats and what ``-o PATH`` names for each: a file or a folder.
FORMATS: Dict[str, str] = {"gexf": "file", "graphml": "file", "gephi-csv": "folder",
                           "csv": "folder"}

# Characters XML 1.0 cannot hold at all, escaped or not: C0 controls but tab/newline/CR,
# lone surrogates, U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML cannot hold (escaping of ``<&>"`` is the writer's)."""
    return _XML_INVALID.sub("", value)


def write(network, fmt: str, path: PathLike) -> List[Path]:
    """Write ``network`` in format ``fmt`` to ``path`` (a file or a folder, see :data:`FORMATS`).

    Returns:
        The paths written.
    """
    if fmt == "gexf":
        from .gexf import write_gexf as w
    elif fmt == "graphml":
        from .graphml import write_graphml as w
    elif fmt == "gephi-csv":
        from .gephi_csv import write_gephi_csv as w
    elif fmt == "csv":
        from .tables import write_tables as w
    else:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    out = w(network, path)
    return list(out) if isinstance(out, (list, tuple)) else [out]
