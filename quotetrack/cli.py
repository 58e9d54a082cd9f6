"""The command-line interface. The only module that imports click."""
from __future__ import annotations

import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quotetrack")
def cli():
    """quotetrack: who said what, against whom, in news articles."""


def main():  # console-script entry point
    cli(prog_name="quotetrack")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
