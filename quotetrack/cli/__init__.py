"""The command-line interface: the only package that imports click.

Commands parse options, call the library and print; library errors become one clear line
(``click.ClickException``, exit 1); bad usage exits 2. Data goes to stdout, progress and
messages to stderr, at the level the group's ``-v``/``-q`` set (see :mod:`._console`).
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time

import click

from ..io.readers import DEFAULT_MAX_BYTES
from ._console import Console, Progress, configure_logging, console, note

log = logging.getLogger(__name__)

NLP_CHOICES = click.Choice(["auto", "builtin", "stanza"])


def nlp_options(f):
    """--nlp, --models-dir and --device, shared by every command that annotates text."""
    f = click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
                     show_default=True, help="Where Stanza runs.")(f)
    f = click.option("--models-dir", type=click.Path(file_okay=False),
                     envvar="STANZA_RESOURCES_DIR", show_envvar=True,
                     help="Stanza model folder (default: Stanza's own).")(f)
    f = click.option("--nlp", type=NLP_CHOICES, default="auto", show_default=True,
                     help="Annotator: auto = Stanza when its English models are installed, "
                          "else the built-in tokenizer.")(f)
    return f


def tagger_option(f):
    """--tagger, shared by extract, evaluate (and the bench script's own flag)."""
    return click.option("--tagger", type=click.Choice(["auto", "crf", "neural"]), default="auto",
                        show_default=True, envvar="QUOTETRACK_TAGGER", show_envvar=True,
                        help="Span tagger: crf = fast; neural = the fine-tuned transformer, more "
                             "accurate and slower; auto = neural when torch is installed.")(f)


def _tagger(kind: str) -> str:
    from ..extract import tagger_kind
    from ..extract.neural import neural_available

    kind = tagger_kind(kind)
    if kind == "neural" and not neural_available():
        raise click.ClickException("the neural tagger needs torch, safetensors and tokenizers and "
                                   "its model files (quotetrack/data/neural/); use --tagger crf")
    return kind


def _annotator(nlp: str, models_dir, device: str):
    from ..models import ModelsMissing
    from ..nlp import make_annotator

    try:
        annotator = make_annotator(nlp, models_dir=models_dir, device=device)
        if getattr(annotator, "name", "") == "stanza":
            annotator.nlp  # load now: a broken model folder is one error, not one per article
        return annotator
    except ModelsMissing as exc:
        raise click.ClickException(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True,
              help="More messages on stderr: -v what each step does, -vv debugging detail.")
@click.option("-q", "--quiet", is_flag=True,
              help="Only errors on stderr: no warnings, progress line or closing summary.")
@click.version_option(package_name="quotetrack")
@click.pass_context
def cli(ctx, verbose, quiet):
    """quotetrack: who said what, against whom, in news articles.

    Extract attributed quotes and claims, build a graph of who accuses or answers whom,
    and export it for Gephi, pandas or a spreadsheet. -v/-q go before the command.

    Example:

        quotetrack extract examples/articles -o out/

        quotetrack -q extract news.jsonl -o - > attributions.jsonl
    """
    if verbose and quiet:
        raise click.UsageError("-v/--verbose and -q/--quiet cannot be used together")
    con = Console(-1 if quiet else min(verbose, 2))
    ctx.obj = con
    ctx.call_on_close(configure_logging(con))


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", required=True,
              help="Output folder for attributions.jsonl, attributions.csv and articles.csv; "
                   "'-' streams JSONL to stdout.")
@nlp_options
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for the built-in annotator (0 = one per core).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Skip input files (and JSONL/CSV records, stdin) larger than this.")
@click.option("--progress/--no-progress", default=None,
              help="Progress on stderr (default: when stderr is a terminal and -q is not given).")
@tagger_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "parquet"]), default="jsonl",
              show_default=True,
              help="jsonl: attributions.jsonl, attributions.csv, articles.csv; parquet: the "
                   "datasets OUT/attributions/ and OUT/articles/ (pandas, Dask, DuckDB).")
@click.option("--append", is_flag=True,
              help="Add to OUT instead of replacing it: articles already there (same id, same "
                   "text) are skipped, changed ones re-extracted; resumes an interrupted run.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on Dask: tcp://HOST:PORT of a running scheduler, or local:N to start "
                   "N worker processes here (needs quotetrack[dask]).")
@click.option("-q", "--quiet", "quiet_here", is_flag=True,
              help="Only errors on stderr (the same as quotetrack -q extract).")
def extract(inputs, outdir, nlp, models_dir, device, jobs, max_bytes, progress, tagger, fmt,
            append, scheduler, quiet_here):
    """Extract quotes and reported claims from articles.

    INPUTS are files, folders (searched recursively), globs or '-' for stdin:
    .txt (first line may be 'date YYYY-MM-DD Title'), .jsonl/.json and .csv with a
    'text' column (optional id, title, date, source, url). Bad files are reported one
    line each (and in articles.csv) and the rest of the batch goes on; reading warnings
    (e.g. a file decoded as cp1252) go to stderr and to the message column of articles.csv.
    Only regular files are read (a FIFO or device is skipped; pipe data in with '-'), and
    never the files under the output folder.

    The output folder is replaced only by a run that read something: when no input could
    be read, or an input path does not exist and fewer articles were read than the folder
    holds, the command exits 1 and leaves it as it was. One run at a time writes a folder
    (it holds a .quotetrack.lock meanwhile); SIGTERM and Ctrl-C leave it as it was.

    Example:

        quotetrack extract examples/articles -o out/

        quotetrack extract news.jsonl -o - | jq .act

        quotetrack extract archive/ -o out/ --format parquet --append

        quotetrack extract s3://bucket/news/ -o out/ --scheduler tcp://10.0.0.5:8786
    """
    from ..models import ModelsMissing
    from ..pipeline import ExtractError, Terminated, extract_files, sigterm_aborts
    from ..io.parquet import DatasetError
    from ..progress import estimate_total

    if quiet_here and not console().quiet:
        ctx = click.get_current_context()
        ctx.obj = Console(-1)
        ctx.call_on_close(configure_logging(ctx.obj))
    if outdir == "-" and (append or fmt != "jsonl"):
        raise click.UsageError("--append and --format parquet need an output folder, not -o -")
    annotator = _annotator(nlp, models_dir, device)
    tagger = _tagger(tagger)
    show = (sys.stderr.isatty() and not console().quiet) if progress is None else progress
    bar = Progress(show, total=estimate_total(inputs, exclude=[] if outdir == "-" else [outdir])
                   if show else None)
    engine = None
    if scheduler:
        from ..distributed import DaskEngine

        engine = DaskEngine(scheduler, on_dashboard=lambda url: (
            bar.message(f"quotetrack: Dask dashboard: {url}") if show else None))

    def on_progress(status, summary):
        if status.status == "error":  # errors show even with -q
            bar.message(f"quotetrack: {status.path or status.article_id}: {status.message}")
        bar.update(summary.articles + summary.skipped, errors=summary.errors,
                   attributions=summary.attributions,
                   extra=f"{summary.skipped} unchanged" if summary.skipped else "")

    try:
        with sigterm_aborts():
            summary = extract_files(inputs, outdir, annotator=annotator, jobs=jobs,
                                    max_bytes=max_bytes, stream=sys.stdout,
                                    on_progress=on_progress, tagger=tagger, fmt=fmt,
                                    append=append, engine=engine)
    except Terminated:
        bar.close()
        kept = "" if outdir == "-" else f"; {outdir} left as it was"
        click.echo(f"quotetrack: terminated{kept}", err=True)
        sys.exit(128 + signal.SIGTERM)
    except ExtractError as exc:
        raise click.ClickException(str(exc))
    except DatasetError as exc:
        raise click.ClickException(str(exc))
    except BrokenPipeError:
        # `quotetrack extract ... -o - | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except ModelsMissing as exc:
        raise click.ClickException(str(exc))
    except OSError as exc:
        raise click.ClickException(f"cannot write output: {exc}")
    finally:
        bar.close()
    where = "stdout" if outdir == "-" else outdir
    if append:
        note(f"{summary.ok} new or changed articles extracted, {summary.skipped} unchanged "
             f"(already in {outdir}), {summary.errors} skipped with errors, "
             f"{summary.attributions} attributions added -> {where}")
    else:
        note(f"{summary.ok} articles read, {summary.errors} skipped with errors, "
             f"{summary.attributions} attributions -> {where}")


@cli.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@nlp_options
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N articles.")
@click.option("--articles", "articles_file", type=click.Path(exists=True, dir_okay=False),
              help="Score only the article ids listed in this file (one a line), e.g. the tune split.")
@click.option("--tune", is_flag=True,
              help="Score only the tune split of PolNeAR train (quotetrack/dev/polnear-tune.txt).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--conllu", "conllu_file", type=click.Path(exists=True, dir_okay=False),
              help="Score parsed input: the gold articles' CoNLL-U parses (e.g. "
                   "corenlp/dev.conllu), matched by document id, instead of annotating the text.")
@tagger_option
def evaluate(gold_dir, nlp, models_dir, device, limit, articles_file, tune, fmt, conllu_file, tagger):
    """Score extraction against brat standoff gold in the PolNeAR layout.

    GOLD_DIR holds text/*.txt and attributions/*.ann. Prints exact and overlap P/R/F1 for
    source, cue and content, joint P/R/F1, and recall of direct and indirect quotes.
    Here --nlp auto means the built-in annotator, so scores do not depend on the machine.

    Example:

        quotetrack evaluate ../shared/corpora/polnear/dev --nlp builtin
        quotetrack evaluate ../shared/corpora/polnear/train --tune
    """
    from ..dev.evaluate import TUNE_LIST, evaluate_dir, read_id_list
    from ..extract import extract as extract_doc, make_tagger
    from ..io.conllu import read_conllu
    from ..pipeline import extract_text

    # Scores must be reproducible: here auto means the built-in annotator, not "whatever
    # models this machine has".
    annotator = _annotator("builtin" if nlp == "auto" else nlp, models_dir, device)
    tagger = _tagger(tagger)
    tagger_obj = make_tagger(tagger)
    parsed = {}
    if conllu_file:
        parsed = {d.article.article_id: d for d in read_conllu(conllu_file, max_bytes=1 << 40)}

    def extract_fn(aid, text):
        if conllu_file:  # only articles with a parse are scored (see `only` below)
            doc = parsed[aid]
            try:  # the gold text gives back the line breaks CoNLL-U drops
                doc = doc.with_text(text)
            except ValueError as exc:
                log.warning("%s; scoring the text rebuilt from the CoNLL-U", exc)
            return extract_doc(doc, tagger=tagger_obj)
        return extract_text(text, article_id=aid, annotator=annotator, tagger=tagger)

    only = None
    if articles_file or tune:
        only = read_id_list(articles_file or TUNE_LIST)
    if conllu_file:  # score the articles that have a parse (PolNeAR's CoreNLP files miss a few)
        only = set(parsed) if only is None else only & set(parsed)
    bar = Progress(sys.stderr.isatty() and not console().quiet)
    t0 = time.monotonic()
    try:
        result = evaluate_dir(gold_dir, extract_fn, limit=limit,
                              progress=lambda i, n: bar.update(i), articles=only)
    except RuntimeError as exc:
        raise click.ClickException(str(exc))
    finally:
        bar.close()
    if not result.articles:
        raise click.ClickException(f"{gold_dir}: no gold articles (expected text/*.txt and "
                                   "attributions/*.ann, the PolNeAR layout)")
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        source = f"parses from {conllu_file}" if conllu_file else f"annotator: {annotator.name}"
        click.echo(f"{source}; tagger: {tagger}; {time.monotonic() - t0:.1f} s")
        click.echo(result.format_table())


from .graph import export as _export_cmd, report as _report_cmd  # noqa: E402

cli.add_command(_export_cmd)
cli.add_command(_report_cmd)

from .models import models  # noqa: E402

cli.add_command(models)


def main():  # console-script entry point
    cli(prog_name="quotetrack")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
