"""Run quotetrack end to end on the example story: extract -> report -> export.

    python examples/run_demo.py --out out/demo

Writes ``OUT/extract/`` (attributions and articles tables), ``OUT/report.html`` (one page that
opens offline in any browser: the network, answer threads, timelines, statements in context),
``OUT/story.gexf`` (open it in Gephi; the timeline plays the story day by day) and
``OUT/tables/`` (tidy CSV for pandas), prints
a short report and says where everything went. Each step is the ``quotetrack`` command a user
would type, run with this Python (``python -m quotetrack.cli``).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def quotetrack(*args: str, capture: bool = False) -> str:
    """Run ``quotetrack ARGS...``; stop the demo with its message when it fails."""
    cmd = [sys.executable, "-m", "quotetrack.cli", *args]
    done = subprocess.run(cmd, stdout=subprocess.PIPE if capture else None, text=True)
    if done.returncode != 0:
        sys.exit(f"run_demo: `quotetrack {' '.join(args)}` failed (exit {done.returncode})")
    return done.stdout or ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    parser.add_argument("--articles", default=str(HERE / "articles"),
                        help="articles to read (default: the example story)")
    parser.add_argument("--nlp", default="auto", choices=["auto", "builtin", "stanza"],
                        help="annotator passed to `quotetrack extract` (default: auto)")
    args = parser.parse_args(argv)

    out = Path(args.out)
    extracted, gexf, tables = out / "extract", out / "story.gexf", out / "tables"
    page = out / "report.html"
    out.mkdir(parents=True, exist_ok=True)

    print(f"== quotetrack extract {args.articles} -o {extracted}", file=sys.stderr)
    quotetrack("extract", args.articles, "-o", str(extracted), "--nlp", args.nlp)

    print(f"== quotetrack report {extracted}", file=sys.stderr)
    print(quotetrack("report", str(extracted), capture=True))

    print(f"== quotetrack report {extracted} --format html -o {page}", file=sys.stderr)
    quotetrack("report", str(extracted), "--format", "html", "-o", str(page))

    print(f"== quotetrack export {extracted} (gexf, csv)", file=sys.stderr)
    quotetrack("export", str(extracted), "--format", "gexf", "-o", str(gexf))
    quotetrack("export", str(extracted), "--format", "csv", "-o", str(tables))

    print("Where everything went:")
    print(f"  attributions: {extracted / 'attributions.jsonl'} (and .csv, articles.csv)")
    print(f"  HTML report:  {page} (open it in a browser; it needs no network)")
    print(f"  Gephi graph:  {gexf}")
    print(f"  CSV tables:   {tables}/ (actors, edges, answers, statements)")
    print(f"  try:          python -c \"import pandas as pd; "
          f"print(pd.read_csv('{tables / 'edges.csv'}'))\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
