"""Memory and time of ``report`` and ``export`` over a corpus N times the size of one run.

``python -m quotetrack.dev.bench_scale OUT --copies 20 --work /tmp/scale``

OUT is the output folder of one real ``quotetrack extract`` run (JSONL/CSV or Parquet). The
bigger corpus is made *synthetically*: N copies of every article with new ids (``ID~k``),
every attribution re-identified for its copy, written once as a JSONL/CSV folder and once as
a Parquet dataset (one part per copy) -- no article is extracted again. Then ``quotetrack
report`` and ``quotetrack export --format csv`` run on each folder in a child process, and
the table gives wall time and the child's peak resident memory (``ru_maxrss``).

Copies share their speakers, so the actors do not multiply: the graph has the nodes of one
run and N times its statements, which is what a corpus of repeated stories looks like too.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator, List, Sequence, Tuple

from ..io.writers import ATTRIBUTIONS_JSONL, read_attributions, read_csv_rows
from ..records import ArticleStatus, Attribution


def _source(out: Path) -> Tuple[List[ArticleStatus], List[Attribution]]:
    from ..io import parquet

    if (out / ATTRIBUTIONS_JSONL).is_file():
        statuses = []
        for r in read_csv_rows(out / "articles.csv"):
            d = {k: r.get(k) or None for k in ("article_id", "path", "status", "message", "title",
                                                "date", "source", "url", "text_hash")}
            d["message"], d["text_hash"] = d["message"] or "", d["text_hash"] or ""
            statuses.append(ArticleStatus(**d, chars=int(r.get("chars") or 0),
                                          attributions=int(r.get("attributions") or 0)))
        return statuses, list(read_attributions(out))
    return list(parquet.read_article_rows(out)), list(parquet.iter_attributions(out))


def _copy(k: int, statuses: List[ArticleStatus], by_article: dict
          ) -> Iterator[Tuple[ArticleStatus, Tuple[Attribution, ...]]]:
    """Copy k of every article: id ``ID~k``, its attributions re-identified for it."""
    for s in statuses:
        aid = f"{s.article_id}~{k}"
        yield replace(s, article_id=aid), tuple(
            replace(a, article_id=aid, id=Attribution.make_id(aid, a.cue, a.content))
            for a in by_article.get(s.article_id, ()))


def make_corpus(out: Path, work: Path, copies: int) -> Tuple[Path, Path, int, int]:
    """Write WORK/jsonl-xN and WORK/parquet-xN; returns them and the article/attribution counts."""
    from ..incremental import open_store
    from ..io import parquet

    statuses, attributions = _source(out)
    jsonl_dir, pq_dir = work / f"jsonl-x{copies}", work / f"parquet-x{copies}"
    for d in (jsonl_dir, pq_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    by_article: dict = {}
    for a in attributions:
        by_article.setdefault(a.article_id, []).append(a)
    # The JSONL/CSV folder is written the way an --append run writes it (journal, then the
    # three files); the Parquet dataset gets one part per copy.
    with open_store(jsonl_dir, "jsonl", append=True) as store:
        for k in range(1, copies + 1):
            entries = list(_copy(k, statuses, by_article))
            for status, attrs in entries:
                store.add(status, attrs)
            parquet.write_part(pq_dir, k, [s for s, _ in entries],
                               (a for _, attrs in entries for a in attrs))
    return jsonl_dir, pq_dir, len(statuses) * copies, len(attributions) * copies


def _measure(cmd: Sequence[str]) -> Tuple[float, float, int]:
    """(seconds, peak MB, exit code) of a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode:
        print(f"bench_scale: {' '.join(cmd)} exited {proc.returncode}: {err[-500:]}", file=sys.stderr)
    return secs, usage.ru_maxrss / 1024.0, proc.returncode


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.bench_scale", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path, help="output folder of one extract run (e.g. of BBC)")
    p.add_argument("--copies", type=int, default=20)
    p.add_argument("--work", type=Path, default=Path("out/bench-scale"))
    p.add_argument("--keep", action="store_true", help="keep the generated folders")
    args = p.parse_args(argv)
    if not args.out.is_dir():
        print(f"bench_scale: {args.out}: no such folder; run `quotetrack extract CORPUS -o "
              f"{args.out}` first", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    jsonl_dir, pq_dir, n_articles, n_attrs = make_corpus(args.out, args.work, args.copies)
    print(f"corpus: {args.copies} copies of {args.out}: {n_articles:,} articles, "
          f"{n_attrs:,} attributions (written in {time.perf_counter() - t0:.0f} s)")
    qt = [sys.executable, "-m", "quotetrack.cli"]
    print(f"{'folder':<16}{'command':<26}{'seconds':>10}{'peak MB':>10}")
    worst = 0.0
    for name, folder in (("jsonl/csv", jsonl_dir), ("parquet", pq_dir)):
        for label, cmd in (("report", qt + ["report", str(folder)]),
                           ("export --format csv", qt + ["export", str(folder), "--format", "csv",
                                                         "-o", str(args.work / f"tables-{name[:4]}")]),
                           ("export --format gexf", qt + ["export", str(folder), "-o",
                                                          str(args.work / f"{name[:4]}.gexf")])):
            secs, peak, rc = _measure(cmd)
            worst = max(worst, peak)
            print(f"{name:<16}{label:<26}{secs:>10.1f}{peak:>10.0f}" + ("" if rc == 0 else "  FAILED"))
    print(f"peak over all: {worst:.0f} MB")
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
