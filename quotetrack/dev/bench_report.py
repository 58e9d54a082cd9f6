"""HTML report benchmark: ``python -m quotetrack.dev.bench_report CORPUS_OR_OUTDIR``.

For a folder of articles (the BBC politics folder by default) it runs ``quotetrack extract``
into a temporary folder first (timed apart); for an ``extract`` output folder it uses that.
Then it times the report build (load -> actors and graph -> page), prints the page's size and
what was capped, and, when headless Chromium and playwright are there, loads the page and
prints the time until the network is laid out, console errors, requests that left the page,
and how many actors vis-network placed; ``--screenshot FILE`` keeps a picture.

    python -m quotetrack.dev.bench_report ../shared/corpora/bbc/politics --screenshot /tmp/bbc.png
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from ..graph import build, load
from ..html_report import Limits, write_html

DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "bbc" \
    / "politics"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _extract(corpus: Path, out: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "quotetrack.cli", "-q", "extract", str(corpus),
                           "-o", str(out)])
    if done.returncode != 0:
        sys.exit(f"bench_report: extract failed on {corpus} (exit {done.returncode})")
    return time.perf_counter() - t0


def _browser(page: Path, screenshot: Optional[Path]) -> None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser: skipped (pip install playwright)")
        return
    if exe is None:
        print("browser: skipped (no chromium; apt-get install chromium)")
        return
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=exe, headless=True,
                                                   args=FLAGS,
                                                   viewport={"width": 1400, "height": 900})
        tab = ctx.new_page()
        errors, requests = [], []
        tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("request", lambda r: requests.append(r.url))
        t0 = time.perf_counter()
        tab.goto(page.resolve().as_uri())
        tab.wait_for_selector("#qt-network[data-ready]", timeout=120000)
        seconds = time.perf_counter() - t0
        placed = tab.evaluate("Object.keys(qtNetwork.getPositions()).length")
        top = tab.evaluate("Object.keys(qtNetwork.getPositions()).slice(0, 5)"
                           ".map(id => qtData.actors[id].label)")
        away = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
        print(f"browser: laid out in {seconds:.1f} s, {placed} actors placed "
              f"(first: {', '.join(top)}), {len(errors)} console errors, "
              f"{len(away)} requests off the page")
        for e in errors[:5]:
            print(f"  console error: {e}")
        if screenshot is not None:
            tab.screenshot(path=str(screenshot))
            print(f"screenshot: {screenshot}")
        ctx.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_CORPUS),
                        help="a folder of articles, or an extract output folder "
                             "(default: the BBC politics folder)")
    parser.add_argument("-o", "--output", help="the page (default: a temporary file)")
    parser.add_argument("--screenshot", type=Path, help="save the browser's view here")
    parser.add_argument("--max-actors", type=int, default=Limits().max_actors)
    parser.add_argument("--max-statements", type=int, default=Limits().max_statements)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    path = Path(args.path)
    if not path.is_dir():
        sys.exit(f"bench_report: {path} not found (a folder of articles or an extract output)")
    with tempfile.TemporaryDirectory() as tmp:
        if (path / "attributions.jsonl").is_file():
            out = path
        else:
            out = Path(tmp) / "out"
            print(f"extract: {_extract(path, out):.1f} s ({path})")
        page = Path(args.output) if args.output else Path(tmp) / "report.html"
        t0 = time.perf_counter()
        net = build(load([out]))
        t_graph = time.perf_counter() - t0
        built = write_html(net, page, [out], limits=Limits(max_actors=args.max_actors,
                                                           max_statements=args.max_statements))
        lim = built.data["limits"]
        print(f"report: {t_graph + built.seconds:.2f} s (load+graph {t_graph:.2f} s, page "
              f"{built.seconds:.2f} s), {built.bytes / 1e6:.2f} MB, "
              f"{lim['statements_total']} statements ({lim['statements_embedded']} embedded, "
              f"{lim['with_sentence']} with their sentence), {lim['actors_total']} actors "
              f"({lim['actors_drawn']} drawn), {lim['edges_drawn']} edges drawn")
        if not args.no_browser:
            _browser(page, args.screenshot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
