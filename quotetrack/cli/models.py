"""``quotetrack models``: download Stanza's English models and see what is installed.

Registered on the main group in :mod:`quotetrack.cli`. Errors are one line (exit 1).
"""
from __future__ import annotations

import json

import click

from ._console import console, note


def _models_dir_option(f):
    return click.option("--models-dir", type=click.Path(file_okay=False), envvar="STANZA_RESOURCES_DIR",
                        show_envvar=True, help="Stanza model folder (default: Stanza's own).")(f)


@click.group()
def models():
    """Download Stanza's English models and show what is installed.

    With pos, lemma and depparse installed, `quotetrack extract` uses the dependency
    parse (speakers, indirect speech and accusation targets get more reliable); with only
    the tokenizer it uses Stanza's tokens and the built-in tagger; with nothing, the
    built-in tokenizer.

    Example:

        quotetrack models download

        quotetrack models status
    """


@models.command()
@click.option("--processors", default=None, metavar="LIST",
              help="Comma-separated Stanza processors [default: tokenize,mwt,pos,lemma,depparse,ner].")
@click.option("--coref", is_flag=True,
              help="Also fetch the coreference model (needs pip install 'quotetrack[coref]').")
@_models_dir_option
@click.option("--quiet", is_flag=True, help="No progress output (also implied by quotetrack -q).")
def download(processors, coref, models_dir, quiet):
    """Download Stanza's English models (and their embeddings) into the model folder.

    Progress goes to stderr. Nothing else in quotetrack downloads: extraction only uses
    what is already installed.

    Example:

        quotetrack models download

        quotetrack models download --processors tokenize,mwt --models-dir ~/stanza
    """
    from ..models import ModelsError, download as do_download, format_status, parse_processors

    try:
        procs = parse_processors(processors, coref=coref)
        note(f"downloading Stanza English models: {', '.join(procs)}")
        st = do_download(procs, models_dir, verbose=not (quiet or console().quiet))
    except ModelsError as exc:
        raise click.ClickException(str(exc))
    note(format_status(st))


@models.command()
@_models_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(models_dir, as_json):
    """Show which Stanza processors are installed, where, their sizes, and which path
    `quotetrack extract --nlp auto` will take (builtin / stanza tokenize-only / stanza
    full parse).

    Example:

        quotetrack models status --models-dir ../shared/models/stanza
    """
    from ..extract import tagger_kind
    from ..extract.neural import model_dir
    from ..models import format_status, status as get_status

    st = get_status(models_dir)
    tagger = tagger_kind("auto")  # what --tagger auto picks on this machine
    if as_json:
        click.echo(json.dumps(dict(st.to_dict(), tagger=tagger, neural_model=str(model_dir())), indent=2))
    else:
        click.echo(format_status(st))
        why = ("its model and torch are installed" if tagger == "neural"
               else "the neural tagger needs torch, tokenizers, safetensors and " + str(model_dir()))
        click.echo(f"extract --tagger auto will use: {tagger} ({why})")
