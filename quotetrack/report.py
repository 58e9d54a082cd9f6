"""Reports on a :class:`quotetrack.graph.Network`: pandas tables, rendered for the terminal.

Sections:

* ``speakers`` -- most active speakers, statements by act;
* ``accusations`` -- who accuses (or criticizes) whom, how often, when;
* ``answers`` -- accusation -> answer threads, with dates and short quotes;
* ``actor`` -- one actor's statements over time, and those aimed at it (``actor=NAME``).

:func:`build_report` returns the tables as DataFrames; :func:`render` writes them as text,
markdown, CSV or JSON.

Article text is untrusted: a name or quote may hold terminal escape sequences
(``"\x1b[31m..."``), other control characters or lone surrogates. The ``text`` and ``markdown``
formats, meant for a terminal or a page, pass every cell and heading through
:func:`terminal_safe`; ``csv`` cells are spreadsheet-safe
(:func:`quotetrack.io.writers.spreadsheet_safe`) and ``json`` escapes what JSON escapes, so
every format can be printed without being run by the terminal or the spreadsheet.
"""
from __future__ import annotations

import json
import re
from typing import Dict, List, Optional, Sequence

from .mentions import parse_mention
from .graph import ANSWERS, Network
from .io.writers import spreadsheet_safe
from .lexicon import ACCUSING_ACTS, ACTS

#: Section names, in the order they are printed.
SECTIONS = ("speakers", "accusations", "answers", "actor")
#: Output formats of :func:`render`.
FORMATS = ("text", "markdown", "csv", "json")
#: Quotes longer than this are cut (with an ellipsis) in the report tables.
QUOTE_WIDTH = 80

_TITLES = {"speakers": "Most active speakers, statements by act",
           "accusations": "Who accuses whom",
           "answers": "Accusations and their answers",
           "actor": "Statements over time"}


# Terminal escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), the string
# commands DCS/SOS/PM/APC (ESC P/X/^/_ ... ST), other two-character escapes, and the 8-bit
# CSI/OSC forms. Then any C0/C1 control character left, and lone surrogates.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CELL_SPACE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    """``text`` that a terminal prints as text: no escape sequences, no control characters.

    Removes ANSI/VT escape sequences whole (colour, cursor moves, window titles, hyperlinks),
    then every other C0 or C1 control character but tab and newline; lone surrogates (which
    no terminal encoding can write) become U+FFFD.

    Args:
        text: Untrusted text (a name, a quote, a whole rendered report).
        one_line: Also turn tabs and line breaks into single spaces (for a table cell).

    Example:
        >>> terminal_safe("\x1b[31mRed\x1b[0m Army\x07")
        'Red Army'
    """
    if one_line:
        text = _CELL_SPACE.sub(" ", text)
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


def _json_surrogates(text: str) -> str:
    # json.dumps(ensure_ascii=False) leaves a lone surrogate raw, which no encoder writes;
    # outside strings JSON has no such characters, so the escape is what ensure_ascii writes.
    return _SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)


class ReportError(ValueError):
    """A report that cannot be made as asked (an unknown actor...); the message says why."""


def short(text: Optional[str], width: int = QUOTE_WIDTH) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _acts_order() -> List[str]:

    return list(ACTS)


def speakers_by_act(network: Network, *, top: int = 10):
    """Speakers (nodes at the network's level) by number of statements, one column per act.

    Columns: ``speaker``, ``kind``, ``affiliation``, one per act used, ``total``.
    """
    import pandas as pd

    res = network.resolution
    rows = []
    for a in network.corpus.attributions:
        s = res.speaker(a.id)
        if s:
            rows.append({"node": network.node_of(s), "act": a.act})
    if not rows:
        return pd.DataFrame(columns=["speaker", "kind", "affiliation", "total"])
    df = pd.DataFrame(rows)
    table = df.pivot_table(index="node", columns="act", aggfunc="size", fill_value=0)
    order = [x for x in _acts_order() if x in table.columns]
    table = table[order + sorted(c for c in table.columns if c not in order)]
    table["total"] = table.sum(axis=1)
    g = network.graph
    table.insert(0, "affiliation", [g.nodes[n].get("affiliation", "") for n in table.index])
    table.insert(0, "kind", [g.nodes[n].get("kind", "") for n in table.index])
    table.insert(0, "speaker", [g.nodes[n].get("label", n) for n in table.index])
    table = table.sort_values(["total", "speaker"], ascending=[False, True])
    return table.head(top).reset_index(drop=True).rename_axis(None, axis=1)


def who_accuses_whom(network: Network):
    """Accusing edges (accuse, criticize): ``accuser``, ``accused``, ``act``, ``statements``,
    ``first_date``, ``last_date``, ``articles``; the most frequent first."""
    import pandas as pd

    cols = ["accuser", "accused", "act", "statements", "first_date", "last_date", "articles"]
    g = network.graph
    rows = [{"accuser": g.nodes[u]["label"], "accused": g.nodes[v]["label"], "act": d["act"],
             "statements": d["weight"], "first_date": d["first_date"],
             "last_date": d["last_date"], "articles": d["articles"].replace(";", ", ")}
            for u, v, d in g.edges(data=True) if d.get("act") in ACCUSING_ACTS]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["statements", "first_date", "accuser"],
                          ascending=[False, True, True]).reset_index(drop=True)


def answer_threads(network: Network):
    """One row per answer: the accusation (date, accuser, act, target, quote) and the answer
    (date, answerer, act, quote), in story order."""
    import pandas as pd

    cols = ["accusation_date", "accuser", "act", "target", "accusation", "answer_date",
            "answerer", "answer_act", "answer"]
    by_id = {a.id: a for a in network.corpus.attributions}
    res = network.resolution
    rows = []
    for ans in network.answers:
        acc, r = by_id[ans.accusation_id], by_id[ans.answer_id]
        targets = [network.label(network.node_of(t)) for t in res.targets(acc.id)]
        rows.append((network.corpus.position(acc), network.corpus.position(r), {
            "accusation_date": acc.date or "", "accuser": network.label(
                network.node_of(ans.accuser)),
            "act": acc.act, "target": ", ".join(dict.fromkeys(targets)),
            "accusation": short(acc.content.text if acc.content else ""),
            "answer_date": r.date or "",
            "answerer": network.label(network.node_of(ans.answerer)), "answer_act": r.act,
            "answer": short(r.content.text if r.content else "")}))
    rows.sort(key=lambda x: (x[0], x[1]))
    return pd.DataFrame([r for _, _, r in rows], columns=cols)


def find_actor(network: Network, name: str) -> str:
    """The node (at the network's level) that ``name`` names.

    Label matches beat alias matches, which beat partial label matches.

    Raises:
        ReportError: No actor, or several, match.
    """
    res = network.resolution
    key = " ".join(name.split()).casefold()
    nodes = network.graph.nodes
    present = [a for a in res.actors.values() if a.mentions or network.node_of(a.id) in nodes]
    # "Ms Halvorsen", "Fisheries Minister Halvorsen": the name without courtesy words.
    form = parse_mention(name, kind="person")
    last = form.key.split()[-1] if form is not None and form.shape in ("full", "surname") else ""
    by_name = [a for a in present if last and a.kind == "person" and not a.ambiguous
               and a.label.casefold().split()[-1:] == [last]
               and (form.shape == "surname" or a.label.casefold() == form.key)]
    if form is not None and form.title and len(by_name) > 1:
        titled = [a for a in by_name
                  if form.title.casefold() in (t.casefold() for t in a.titles)]
        by_name = titled or by_name
    tiers = [
        [a for a in present if a.label.casefold() == key],
        [a for a in present if any(f.casefold() == key for f in a.aliases)],
        by_name,
        [a for a in present if key and key in a.label.casefold()],
    ]
    for tier in tiers:
        found = list(dict.fromkeys(network.node_of(a.id) for a in tier))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            labels = ", ".join(sorted(network.label(n) for n in found))
            raise ReportError(f"{name!r} matches several actors ({labels}); give a fuller name")
    known = sorted((nodes[n]["label"] for n in nodes), key=lambda s: s.casefold())
    hint = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
    raise ReportError(f"no actor matches {name!r}; known actors include: {hint}")


def actor_statements(network: Network, name: str):
    """Everything one actor said, and everything aimed at it, in story order.

    Columns: ``date``, ``article``, ``role`` (``said`` or ``target``), ``speaker``, ``act``,
    ``target``, ``kind``, ``quote``.
    """
    import pandas as pd

    node = find_actor(network, name)
    res = network.resolution
    cols = ["date", "article", "role", "speaker", "act", "target", "kind", "quote"]
    rows = []
    for a in network.corpus.attributions:
        s = res.speaker(a.id)
        s_node = network.node_of(s) if s else None
        t_nodes = list(dict.fromkeys(network.node_of(t) for t in res.targets(a.id)))
        if s_node != node and node not in t_nodes:
            continue
        rows.append({"date": a.date or "", "article": a.article_id,
                     "role": "said" if s_node == node else "target",
                     "speaker": network.label(s_node) if s_node else (
                         a.source.text if a.source else ""),
                     "act": a.act,
                     "target": ", ".join(network.label(t) for t in t_nodes) or (
                         a.target.text if a.target else ""),
                     "kind": a.kind, "quote": short(a.content.text if a.content else "")})
    return pd.DataFrame(rows, columns=cols)


def build_report(network: Network, *, actor: Optional[str] = None, top: int = 10,
                 sections: Optional[Sequence[str]] = None) -> Dict[str, "object"]:
    """The report's tables.

    Args:
        network: From :func:`quotetrack.graph.build`.
        actor: A name: adds the ``actor`` section (and, when ``sections`` is not given, is
            the only section).
        top: How many speakers the ``speakers`` section lists.
        sections: Which sections, in :data:`SECTIONS` order; default all but ``actor``
            (or only ``actor`` when ``actor`` is given).

    Returns:
        Section name -> DataFrame, in print order.

    Raises:
        ReportError: An unknown section, or ``actor`` missing/unknown.
    """
    if sections is None:
        sections = ["actor"] if actor else ["speakers", "accusations", "answers"]
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise ReportError(f"unknown section {unknown[0]!r}; one of {', '.join(SECTIONS)}")
    if "actor" in sections and not actor:
        raise ReportError("the actor section needs an actor name (--actor NAME)")
    out: Dict[str, object] = {}
    for s in SECTIONS:
        if s not in sections:
            continue
        if s == "speakers":
            out[s] = speakers_by_act(network, top=top)
        elif s == "accusations":
            out[s] = who_accuses_whom(network)
        elif s == "answers":
            out[s] = answer_threads(network)
        else:
            out[s] = actor_statements(network, actor)
    return out


def _title(section: str, network: Network, actor: Optional[str]) -> str:
    if section == "actor" and actor:
        node = find_actor(network, actor)
        d = network.graph.nodes[node]
        about = ", ".join(x for x in (d.get("kind"), d.get("affiliation")) if x)
        return f"Statements by and about {d['label']} ({about})"
    return _TITLES[section]


def _cell(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else ""
    return "" if v is None else str(v)


def _markdown(df) -> str:
    cols = [str(c) for c in df.columns]

    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(c) for c in cols) + " |",
             "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(esc(_cell(v)) for v in row) + " |")
    return "\n".join(lines)


def _printable(df):
    """``df`` with every text cell and column name :func:`terminal_safe` on one line."""
    def clean(v):
        return terminal_safe(v, one_line=True) if isinstance(v, str) else v

    out = df.apply(lambda col: col.map(clean)) if len(df) else df.copy()
    return out.rename(columns=lambda c: clean(str(c)))


def _jsonable(v):
    if hasattr(v, "item"):
        return v.item()  # numpy scalars
    return v


def render(report: Dict[str, "object"], fmt: str = "text", *, network: Optional[Network] = None,
           actor: Optional[str] = None) -> str:
    """Render :func:`build_report`'s tables.

    Args:
        report: Section name -> DataFrame.
        fmt: ``text`` (aligned tables with headings), ``markdown``, ``csv`` (one table as
            plain CSV; several as ``# section`` blocks) or ``json`` (an object of row lists).
        network, actor: For the ``actor`` section's heading.
    """
    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == "json":
        data = {name: [{k: _jsonable(v) for k, v in row.items()}
                       for row in df.to_dict(orient="records")]
                for name, df in report.items()}
        return _json_surrogates(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
    if fmt == "csv":
        # Report CSV is read by people in spreadsheets: defuse formula-like text cells.
        import pandas as pd

        def defuse(col):
            if pd.api.types.is_numeric_dtype(col):
                return col
            return col.map(lambda v: spreadsheet_safe(_SURROGATE.sub(
                lambda m: "\\u%04x" % ord(m.group()), v)) if isinstance(v, str) else v)

        safe = {name: (df.apply(defuse) if len(df) else df).rename(columns=spreadsheet_safe)
                for name, df in report.items()}
        if len(safe) == 1:
            return next(iter(safe.values())).to_csv(index=False)
        return "\n".join(f"# {name}\n{df.to_csv(index=False)}" for name, df in safe.items())
    parts = []
    for name, df in report.items():
        title = _title(name, network, actor) if network is not None else _TITLES[name]
        title = terminal_safe(title, one_line=True)
        df = _printable(df)
        if fmt == "markdown":
            body = _markdown(df) if len(df) else "_none_"
            parts.append(f"## {title}\n\n{body}\n")
        else:
            body = df.to_string(index=False) if len(df) else "(none)"
            parts.append(f"{title}\n{'=' * len(title)}\n{body}\n")
    return "\n".join(parts)


def summary(network: Network) -> str:
    """One line: how many articles, statements, actors, edges and answers."""
    g = network.graph
    n_answers = sum(1 for _, _, d in g.edges(data=True) if d.get("act") == ANSWERS)
    return (f"{len(network.corpus.articles)} articles, {len(network.corpus.attributions)} "
            f"statements, {g.number_of_nodes()} actors, {g.number_of_edges()} edges "
            f"({n_answers} answer edges, {len(network.answers)} answers)")
