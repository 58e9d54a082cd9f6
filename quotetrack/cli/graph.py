"""The ``export`` and ``report`` commands: the graph and the report built from ``extract`` output.

Registered on the main group in :mod:`quotetrack.cli` (``cli.add_command(export)``,
``cli.add_command(report)``). Library errors become one clear line (exit 1); data goes to
stdout, messages to stderr. A damaged ``attributions.jsonl`` or unreadable ``articles.csv``
is such an error, not a warning. Messages quote article text (names, ids), so they pass
through :func:`quotetrack.report.terminal_safe` before reaching the terminal.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ._console import note
from ..exports import FORMATS as EXPORT_FORMATS
from ..graph import LEVELS
from ..report import FORMATS as REPORT_FORMATS
from ..report import SECTIONS


def graph_options(f):
    """OUTDIR... and --level, shared by ``export`` and ``report``."""
    f = click.option("--level", type=click.Choice(LEVELS), default="actor", show_default=True,
                     help="actor: people, bodies, countries and groups; affiliation: people "
                          "and bodies rolled up into their country or body.")(f)
    f = click.argument("outdirs", nargs=-1, required=True, metavar="OUTDIR...",
                       type=click.Path(path_type=Path))(f)
    return f


def _safe(message: str) -> str:
    from ..report import terminal_safe

    return terminal_safe(message, one_line=True)


def _network(outdirs, level: str):
    from ..graph import OutdirError, build, load

    try:
        corpus = load(list(outdirs))
    except OutdirError as exc:
        raise click.ClickException(_safe(str(exc)))
    except OSError as exc:
        raise click.ClickException(_safe(f"cannot read {exc.filename or 'input'}: "
                                         f"{exc.strerror}"))
    for line in corpus.warnings:
        note(_safe(f"quotetrack: {line}"))
    if not corpus.attributions:
        note("quotetrack: no attributions in " + ", ".join(map(str, outdirs))
             + "; the graph is empty")
    return build(corpus, level=level)


@click.command("export")
@graph_options
@click.option("-f", "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="gexf",
              show_default=True,
              help="gexf: dynamic graph for Gephi (timeline from article dates); graphml; "
                   "gephi-csv: nodes.csv + edges.csv for Gephi's spreadsheet import; "
                   "csv: tidy tables for pandas (actors, edges, answers, statements).")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The file to write (gexf, graphml) or the folder (gephi-csv, csv).")
def export(outdirs, level, fmt, output):
    """Export the graph of who accuses and who answers whom.

    OUTDIR... are folders written by `quotetrack extract -o OUTDIR`; give several to
    combine batches (an attribution seen twice counts once; one article id naming two
    different articles in two folders is kept apart as FOLDER/ID, with a note). Nodes are
    actors merged across articles; edges go from speaker to target, one per act, weighted
    by the number of statements; `answers` edges link a denial or rejection to the
    accusation it answers. CSV cells a spreadsheet would run as a formula start with '.

    Example:

        quotetrack export out/ -o story.gexf

        quotetrack export out/batch1 out/batch2 --format csv -o tables/

        quotetrack export out/ --format gephi-csv -o gephi/ --level affiliation
    """
    from ..exports import write

    kind = EXPORT_FORMATS[fmt]
    if kind == "file" and output.is_dir():
        raise click.ClickException(f"{output} is a folder; give a file name, e.g. "
                                   f"{output / ('graph.' + fmt)}")
    if kind == "folder" and output.exists() and not output.is_dir():
        raise click.ClickException(f"{output} is a file; --format {fmt} writes several files "
                                   "into a folder")
    net = _network(outdirs, level)
    try:
        if kind == "file":
            output.parent.mkdir(parents=True, exist_ok=True)
        paths = write(net, fmt, output)
    except OSError as exc:
        # Every format replaces all its files or none: the old ones are intact.
        raise click.ClickException(_safe(f"cannot write {exc.filename or output}: "
                                         f"{exc.strerror or exc}; previous output left as it was"))
    g = net.graph
    note(f"quotetrack: {g.number_of_nodes()} actors, {g.number_of_edges()} edges "
         f"({level} level) -> " + ", ".join(str(p) for p in paths))


@click.command("report")
@graph_options
@click.option("--format", "fmt", type=click.Choice(list(REPORT_FORMATS) + ["html"]),
              default="text", show_default=True,
              help="text for the terminal, markdown, csv or json; html: one self-contained "
                   "page (network, answer threads, timelines, statements in context), "
                   "written to -o FILE.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (replaced whole, or left as it was) "
                   "instead of stdout ('-'); needed for --format html.")
@click.option("--actor", metavar="NAME",
              help="One actor's statements over time (and those aimed at it); any name form "
                   "it was seen under, e.g. a surname or a capital.")
@click.option("--section", "sections", multiple=True, type=click.Choice(list(SECTIONS)),
              help="Only these sections (repeatable). Default: speakers, accusations, answers; "
                   "with --actor: actor. With --format csv give one for a plain table.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many speakers to list.")
def report(outdirs, level, fmt, output, actor, sections, top):
    """Report who said what against whom: speakers, accusations and answers.

    OUTDIR... are folders written by `quotetrack extract -o OUTDIR`. Prints the most
    active speakers by act, a who-accuses-whom table and accusation -> answer threads with
    dates and short quotes; --actor NAME prints one actor's statements over time.
    --format html writes one page that opens offline: the network, answer threads,
    timelines and every statement in its sentence (--actor opens that actor's panel).

    Example:

        quotetrack report out/

        quotetrack report out/ --actor Pashinyan --format markdown

        quotetrack report out/ --section answers --format csv > answers.csv

        quotetrack report out/ --format html -o report.html
    """
    from .. import report as rep

    if output is not None and str(output) == "-":
        output = None  # stdout, as for extract
        if fmt == "html":
            raise click.UsageError("--format html writes a file: give -o FILE, e.g. "
                                   "-o report.html")
    if fmt == "html":
        if output is None:
            raise click.UsageError("--format html writes a file: give -o FILE, e.g. "
                                   "-o report.html")
        if sections:
            raise click.UsageError("--format html holds every section; drop --section")
    if output is not None and output.is_dir():
        raise click.ClickException(f"{output} is a folder; give a file name, e.g. "
                                   f"{output / ('report.' + fmt)}")
    net = _network(outdirs, level)
    if fmt == "html":
        _html_report(net, outdirs, output, actor)
        return
    try:
        tables = rep.build_report(net, actor=actor, top=top, sections=list(sections) or None)
        text = rep.render(tables, fmt, network=net, actor=actor)
    except rep.ReportError as exc:
        raise click.ClickException(_safe(str(exc)))
    if output is not None:
        _write_text(output, text)
        note(f"quotetrack: {fmt} report -> {output}")
        return
    if fmt == "csv" and sys.stdout.isatty():
        text = rep.terminal_safe(text)  # text and markdown are made safe by render
    click.echo(text, nl=False)
    sys.stdout.flush()  # the data before the closing message, when both go to one terminal
    if fmt == "text":
        note(f"quotetrack: {rep.summary(net)}")


def _write_text(output: Path, text: str) -> None:
    from ..io.writers import atomic_write

    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(output, "w", errors="backslashreplace") as fh:
            fh.write(text)
    except OSError as exc:
        raise click.ClickException(_safe(f"cannot write {exc.filename or output}: "
                                         f"{exc.strerror or exc}"))


def _html_report(net, outdirs, output: Path, actor) -> None:
    """``report --format html``: the page, written whole or not at all."""
    from ..html_report import HtmlReportError, write_html
    from ..report import ReportError

    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        built = write_html(net, output, list(outdirs), actor=actor)
    except (HtmlReportError, ReportError) as exc:
        raise click.ClickException(_safe(str(exc)))
    except OSError as exc:
        raise click.ClickException(_safe(f"cannot write {exc.filename or output}: "
                                         f"{exc.strerror or exc}; previous file left as it was"))
    lim = built.data["limits"]
    capped = ""
    if lim["actors_drawn"] < lim["actors_total"] or \
            lim["statements_embedded"] < lim["statements_total"]:
        capped = (f" (drawn {lim['actors_drawn']} of {lim['actors_total']} actors, embedded "
                  f"{lim['statements_embedded']} of {lim['statements_total']} statements)")
    note(f"quotetrack: {output} ({built.bytes / 1e6:.1f} MB, {built.seconds:.1f} s){capped}")
