"""The distributed path against local processes, and ``--append`` reruns: ``make bench`` (dask rows).

``python -m quotetrack.dev.bench_dask ../shared/corpora/bbc --workers 2``

Runs the whole ``extract`` (read, extract, write the output folder) over the same corpus:

1. on ``--workers`` local processes into a JSONL/CSV folder (``extract -j N``);
2. on a Dask ``LocalCluster`` of ``--workers`` worker processes into a Parquet dataset
   (``extract --scheduler local:N --format parquet``), cluster start-up included;

checks that both hold exactly the same attributions (ids, every field, order), then reruns
each with ``--append`` (nothing changed: every article skipped) and prints the times.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Sequence


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def bench_dask(corpus: Sequence[str], *, workers: int = 2, work: Path = None) -> List[str]:
    """Run the four runs; returns the lines of the table."""
    from ..distributed import DaskEngine
    from ..io import parquet
    from ..io.writers import read_attributions
    from ..pipeline import extract_files

    own = work is None
    work = Path(work or tempfile.mkdtemp(prefix="quotetrack-bench-"))
    local, dask = work / "local", work / "dask"
    for d in (local, dask):
        shutil.rmtree(d, ignore_errors=True)
    try:
        s_local, t_local = _timed(lambda: extract_files(list(corpus), local, jobs=workers))
        s_dask, t_dask = _timed(lambda: extract_files(
            list(corpus), dask, fmt="parquet", engine=DaskEngine(f"local:{workers}")))
        want = [a.to_dict() for a in read_attributions(local)]
        got = [a.to_dict() for a in parquet.iter_attributions(dask)]
        a_local, ta_local = _timed(lambda: extract_files(list(corpus), local, jobs=workers,
                                                         append=True))
        a_dask, ta_dask = _timed(lambda: extract_files(
            list(corpus), dask, fmt="parquet", append=True, engine=DaskEngine(f"local:{workers}")))
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
    lines = [f"{'run':<52}{'extracted':>10}{'skipped':>9}{'attributions':>14}{'seconds':>9}"
             f"{'articles/s':>12}{'vs local':>10}"]

    def row(name, s, secs):
        rate = (s.ok + s.errors) / secs if secs else float("nan")
        lines.append(f"{name:<52}{s.ok + s.errors:>10,}{s.skipped:>9,}{s.attributions:>14,}"
                     f"{secs:>9.1f}{rate:>12.1f}{secs / t_local:>9.2f}x")

    row(f"local, {workers} processes -> JSONL/CSV", s_local, t_local)
    row(f"Dask LocalCluster, {workers} workers -> Parquet", s_dask, t_dask)
    row(f"--append rerun, local {workers} processes", a_local, ta_local)
    row(f"--append rerun, Dask {workers} workers", a_dask, ta_dask)
    same = "yes" if got == want else "NO"
    lines.append(f"identical attributions (ids, fields, order): {same} ({len(want):,} local, "
                 f"{len(got):,} Dask); --append reruns took {ta_local / t_local:.1%} (local) and "
                 f"{ta_dask / t_dask:.1%} (Dask) of the first runs")
    return lines


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.bench_dask", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", nargs="+")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--work", type=Path, help="keep the output folders here")
    args = p.parse_args(argv)
    missing = [c for c in args.corpus if not Path(c).exists()]
    if missing:
        print(f"bench_dask: {', '.join(missing)} not found", file=sys.stderr)
        return 1
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("bench_dask: needs dask[distributed] (pip install 'quotetrack[dask]')", file=sys.stderr)
        return 1
    print("\n".join(bench_dask(args.corpus, workers=args.workers, work=args.work)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
