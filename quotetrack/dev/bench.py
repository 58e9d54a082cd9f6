"""Throughput benchmark: ``python -m quotetrack.bench CORPUS`` (``make bench``).

Runs the whole extraction (read -> annotate -> extract) over a folder of articles for each
annotator and prints articles/s, words/s and peak memory. For Stanza it also times Stanza's
own tokenize+mwt on the same texts in the same run, so the overhead of quotetrack on top
of Stanza is a ratio, not a guess. The ``dask`` rows time whole extract runs (outputs
written) on a Dask LocalCluster against local processes, and their ``--append`` reruns. Memory is sampled half-way and at the end: flat figures
mean the corpus is streamed, not held.
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence

from ..extract.dependency import candidate_sentence_share
from ..extract.neural import neural_available
from ..io.readers import read_inputs
from ..models import installed_processors
from ..nlp import BuiltinAnnotator, StanzaAnnotator
from ..pipeline import run
from ..records import Article


def _rss_mb() -> float:
    """Peak resident memory so far of this process and its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0  # ru_maxrss is in KB on Linux


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * resource.getpagesize() / 1e6
    except OSError:
        return float("nan")


def _articles(corpus: Sequence[str], limit: Optional[int]):
    n = 0
    for item in read_inputs(list(corpus)):
        if isinstance(item, Article):
            yield item
            n += 1
            if limit and n >= limit:
                return


def bench_extract(name: str, corpus, annotator, *, jobs: int, limit: Optional[int], total: int,
                  tagger: str = "crf") -> dict:
    """Time the full pipeline; returns a row for the table."""
    gc.collect()
    words = n = attributions = errors = 0
    half_rss = None
    t0 = time.perf_counter()
    for res in run(_articles(corpus, limit), annotator, jobs=jobs, tagger=tagger):
        n += 1
        words += len(res.article.text.split())
        attributions += len(res.attributions)
        errors += bool(res.error)
        if n == total // 2:
            half_rss = _current_rss_mb()
    secs = time.perf_counter() - t0
    return {"path": name, "articles": n, "words": words, "attributions": attributions, "errors": errors,
            "seconds": secs, "articles/s": n / secs, "words/s": words / secs,
            "rss half-way MB": half_rss or float("nan"), "rss end MB": _current_rss_mb(),
            "peak MB": _rss_mb()}


def bench_stanza_alone(corpus, models_dir: Path, *, limit: Optional[int], batch: int = 32) -> dict:
    """Stanza's own tokenize+mwt with bulk_process on the same texts: the baseline."""
    import stanza
    from stanza.models.common.doc import Document

    nlp = stanza.Pipeline("en", dir=str(models_dir), processors="tokenize,mwt",
                          download_method=None, logging_level="WARN")
    n = words = 0
    t0 = time.perf_counter()
    buf: List[Article] = []
    for a in _articles(corpus, limit):
        buf.append(a)
        if len(buf) >= batch:
            nlp.bulk_process([Document([], text=x.text) for x in buf])
            n += len(buf)
            words += sum(len(x.text.split()) for x in buf)
            buf = []
    if buf:
        nlp.bulk_process([Document([], text=x.text) for x in buf])
        n += len(buf)
        words += sum(len(x.text.split()) for x in buf)
    secs = time.perf_counter() - t0
    return {"path": "stanza tokenize+mwt alone", "articles": n, "words": words, "attributions": 0,
            "errors": 0, "seconds": secs, "articles/s": n / secs, "words/s": words / secs,
            "rss half-way MB": float("nan"), "rss end MB": _current_rss_mb(), "peak MB": _rss_mb()}


def format_rows(rows: List[dict]) -> str:
    cols = ["path", "articles", "words", "attributions", "seconds", "articles/s", "words/s",
            "rss half-way MB", "rss end MB", "peak MB"]
    out = ["  ".join(f"{c:>15}" if i else f"{c:<28}" for i, c in enumerate(cols))]
    for r in rows:
        cells = []
        for i, c in enumerate(cols):
            v = r[c]
            s = f"{v:,.1f}" if isinstance(v, float) else (f"{v:,}" if isinstance(v, int) else str(v))
            cells.append(f"{s:>15}" if i else f"{s:<28}")
        out.append("  ".join(cells))
    return "\n".join(out)


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", nargs="+", help="folders/files of articles (e.g. ../shared/corpora/bbc)")
    p.add_argument("--limit", type=int, help="only the first N articles")
    p.add_argument("--jobs", type=int, default=2, help="processes for the built-in path")
    p.add_argument("--models-dir", type=Path,
                   default=Path(__file__).resolve().parents[3] / "shared" / "models" / "stanza",
                   help="Stanza models for the Stanza rows (skipped when absent)")
    p.add_argument("--annotators", default="builtin,stanza,dask",
                   help="rows to run; dask: a LocalCluster of --jobs workers against --jobs local "
                        "processes, whole extract runs with their outputs (quotetrack.dev.bench_dask)")
    p.add_argument("--taggers", default="crf,neural",
                   help="span taggers for the built-in rows (neural skipped when not installed)")
    p.add_argument("--neural-limit", type=int, default=300,
                   help="articles for the neural rows (it is ~10x slower than the CRF)")
    args = p.parse_args(argv)
    missing = [c for c in args.corpus if not Path(c).exists()]
    if missing:
        print(f"bench: {', '.join(missing)} not found (the BBC corpus lives in ../shared/corpora/bbc)",
              file=sys.stderr)
        return 1
    total = args.limit or sum(1 for _ in _articles(args.corpus, None))
    wanted = args.annotators.split(",")
    rows = []
    taggers = args.taggers.split(",")
    if "neural" in taggers and not neural_available():
        print("bench: the neural tagger is not installed (torch, tokenizers, safetensors, "
              "quotetrack/data/neural/); neural rows skipped", file=sys.stderr)
        taggers.remove("neural")
    if "builtin" in wanted:
        for tagger in taggers:
            limit = args.limit if tagger == "crf" else min(args.limit or args.neural_limit, args.neural_limit)
            for jobs in sorted({1, args.jobs}, reverse=True):  # forks before this process loads torch
                rows.append(bench_extract(f"builtin+{tagger}, {jobs} process{'es' if jobs > 1 else ''}",
                                          args.corpus, BuiltinAnnotator(), jobs=jobs, limit=limit,
                                          total=min(total, limit or total), tagger=tagger))
                print(format_rows(rows[-1:]).splitlines()[-1], file=sys.stderr)
    if "stanza" in wanted:
        if "tokenize" not in installed_processors(args.models_dir):
            print(f"bench: no Stanza models in {args.models_dir}; Stanza rows skipped", file=sys.stderr)
        else:
            ann = StanzaAnnotator(args.models_dir, device="cpu")
            base = bench_stanza_alone(args.corpus, args.models_dir, limit=args.limit)
            rows.append(base)
            procs = "+".join(sorted(ann.processors))
            row = bench_extract(f"stanza ({procs})", args.corpus, ann, jobs=1, limit=args.limit, total=total)
            rows.append(row)
            row["path"] += f" = {row['seconds'] / base['seconds']:.2f}x alone"
    print(format_rows(rows))
    if "dask" in wanted:
        from .bench_dask import bench_dask

        print()
        if args.limit:
            print("bench: the dask rows read the whole corpus (--limit does not apply)", file=sys.stderr)
        try:
            print("\n".join(bench_dask(args.corpus, workers=args.jobs)))
        except ImportError:
            print("bench: dask[distributed] not installed; dask rows skipped", file=sys.stderr)
    if "stanza" in wanted:
        # What selective parsing saves on a machine with the full Stanza models: only
        # sentences that can hold an attribution go to pos/lemma/depparse/ner.
        share = candidate_sentence_share(BuiltinAnnotator().annotate(_articles(args.corpus, args.limit)))
        print(f"\nselective parsing: {share['candidate_sentences']:,} of {share['sentences']:,} sentences "
              f"({share['sentence_share']:.1%}), {share['candidate_tokens']:,} of {share['tokens']:,} tokens "
              f"({share['token_share']:.1%}) go to the heavy Stanza processors: "
              f"about {1 - share['token_share']:.0%} of their time saved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
