"""The command-line interface. The only module that imports click.

Library errors become one clear line (``click.ClickException``, exit 1); bad usage exits 2.
Data goes to stdout, progress and messages to stderr.
"""
from __future__ import annotations

import json
import os
import sys
import time

import click

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


class _Progress:
    """A one-line counter on stderr, only when stderr is a terminal (or forced)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.t0 = time.monotonic()
        self.last = 0.0

    def update(self, done: int, extra: str = "") -> None:
        now = time.monotonic()
        if self.enabled and now - self.last > 0.5:
            self.last = now
            rate = done / max(now - self.t0, 1e-9)
            click.echo(f"\r{done} articles, {rate:.0f}/s {extra}", err=True, nl=False)

    def close(self) -> None:
        if self.enabled and self.last:
            click.echo("", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quotetrack")
def cli():
    """quotetrack: who said what, against whom, in news articles.

    Extract attributed quotes and claims, build a graph of who accuses or answers whom,
    and export it for Gephi, pandas or a spreadsheet.
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", required=True,
              help="Output folder for attributions.jsonl, attributions.csv and articles.csv; "
                   "'-' streams JSONL to stdout.")
@nlp_options
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for the built-in annotator (0 = one per core).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=50_000_000, show_default=True,
              help="Skip input files larger than this.")
@click.option("--progress/--no-progress", default=None,
              help="Progress on stderr (default: when stderr is a terminal).")
def extract(inputs, outdir, nlp, models_dir, device, jobs, max_bytes, progress):
    """Extract quotes and reported claims from articles.

    INPUTS are files, folders (searched recursively), globs or '-' for stdin:
    .txt (first line may be 'date YYYY-MM-DD Title'), .jsonl/.json and .csv with a
    'text' column (optional id, title, date, source, url). Bad files are reported one
    line each (and in articles.csv) and the rest of the batch goes on.

    Example:

        quotetrack extract examples/articles -o out/

        quotetrack extract news.jsonl -o - | jq .act
    """
    from collections import deque

    from ..io.readers import read_inputs
    from ..io.writers import open_output
    from ..pipeline import default_jobs, run
    from ..records import ArticleStatus

    annotator = _annotator(nlp, models_dir, device)
    jobs = jobs or default_jobs()
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(show)
    # With several workers the pool reads articles() from its own thread: read errors go
    # through a deque and are counted where they are written, in this thread.
    unreadable: deque = deque()
    n_ok = n_err = n_attr = 0

    def articles():
        for item in read_inputs(list(inputs), max_bytes=max_bytes):
            if isinstance(item, ArticleStatus):  # a file or record that could not be read
                unreadable.append(item)
            else:  # an Article, or pre-annotated CoNLL-U
                yield item

    def flush_unreadable(out):
        nonlocal n_err
        while unreadable:
            item = unreadable.popleft()
            n_err += 1
            click.echo(f"quotetrack: {item.path or item.article_id}: {item.message}", err=True)
            out.add(item, [])

    try:
        with open_output(outdir, stdout=sys.stdout) as out:
            for res in run(articles(), annotator, jobs=jobs):
                flush_unreadable(out)
                a = res.article
                status = ArticleStatus(
                    article_id=a.article_id, path=a.path, status="error" if res.error else "ok",
                    message=res.error or "", title=a.title, date=a.date, source=a.source, url=a.url,
                    chars=len(a.text), attributions=len(res.attributions))
                if res.error:
                    n_err += 1
                    click.echo(f"quotetrack: {a.path or a.article_id}: {res.error}", err=True)
                else:
                    n_ok += 1
                n_attr += len(res.attributions)
                out.add(status, list(res.attributions))
                bar.update(n_ok + n_err, f"{n_attr} attributions")
            flush_unreadable(out)
    except BrokenPipeError:
        # `quotetrack extract ... -o - | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        raise click.ClickException(f"cannot write output: {exc}")
    bar.close()
    where = "stdout" if outdir == "-" else outdir
    click.echo(f"{n_ok} articles read, {n_err} skipped with errors, {n_attr} attributions "
               f"-> {where}", err=True)


@cli.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@nlp_options
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N articles.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def evaluate(gold_dir, nlp, models_dir, device, limit, fmt):
    """Score extraction against brat standoff gold in the PolNeAR layout.

    GOLD_DIR holds text/*.txt and attributions/*.ann. Prints exact and overlap P/R/F1 for
    source, cue and content, joint P/R/F1, and recall of direct and indirect quotes.
    Here --nlp auto means the built-in annotator, so scores do not depend on the machine.

    Example:

        quotetrack evaluate ../shared/corpora/polnear/dev --nlp builtin
    """
    from ..dev.evaluate import evaluate_dir
    from ..pipeline import extract_text

    # Scores must be reproducible: here auto means the built-in annotator, not "whatever
    # models this machine has".
    annotator = _annotator("builtin" if nlp == "auto" else nlp, models_dir, device)
    bar = _Progress(sys.stderr.isatty())
    t0 = time.monotonic()
    try:
        result = evaluate_dir(gold_dir, lambda aid, text: extract_text(text, article_id=aid, annotator=annotator),
                              limit=limit, progress=lambda i, n: bar.update(i))
    except RuntimeError as exc:
        raise click.ClickException(str(exc))
    bar.close()
    if not result.articles:
        raise click.ClickException(f"{gold_dir}: no gold articles (expected text/*.txt and "
                                   "attributions/*.ann, the PolNeAR layout)")
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(f"annotator: {annotator.name}; {time.monotonic() - t0:.1f} s")
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
