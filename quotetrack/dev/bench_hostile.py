"""Time and memory of extraction on hostile inputs (issue 10): one-line articles of megabytes,
a cue word repeated thousands of times, names and cues with no full stop.

    python -m quotetrack.dev.bench_hostile [--scale 1.0]

Each case runs in a fresh process, so the peak RSS printed is that case's own. Every step of
extraction is linear (or n log n) in the article's size: a sentence longer than 300 tokens is
cut, a paragraph stops growing at 1,500 tokens, and pairing and resolution look only within a
bounded window.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from typing import Sequence

_UNIT = 'Minister John Smith said "we will win" and Jane Doe accused Acme Corp of lying, the ministry said. '
# quoted paragraphs, floating quotes and first-person sources, many times over
_QUOTES = '"We will win," he said.\n\n"We will appeal."\n\n"I agree," I said.\n\n'
_SOUP = "Smith said Acme accused Jones of lying Doe denied Reuters reported that the minister warned".split()


def make(case: str, scale: float) -> str:
    if case == "one-line-2MB":
        return _UNIT * int(20000 * scale)
    if case == "said-x16k":
        return "said " * int(16000 * scale)
    if case == "quotes-x4000":
        return _QUOTES * int(4000 * scale)
    if case == "soup-2MB":
        rnd = random.Random(1)
        return " ".join(rnd.choice(_SOUP) for _ in range(int(320000 * scale)))
    raise ValueError(case)


CASES = ("one-line-2MB", "said-x16k", "soup-2MB", "quotes-x4000")


def _child(case: str, scale: float) -> None:
    import resource
    import time

    from ..pipeline import extract_text

    text = make(case, scale)
    t0 = time.perf_counter()
    n = len(extract_text(text))
    print(json.dumps({"case": case, "MB": round(len(text) / 1e6, 2), "attributions": n,
                      "seconds": round(time.perf_counter() - t0, 1),
                      "peak_MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3)}))


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.bench_hostile", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="multiply every case's size")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(args.child, args.scale)
        return 0
    print(f"{'case':<16}{'MB':>6}{'attributions':>14}{'seconds':>9}{'peak MB':>9}")
    for case in CASES:
        out = subprocess.run([sys.executable, "-m", "quotetrack.dev.bench_hostile", "--child", case,
                              "--scale", str(args.scale)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(f"{r['case']:<16}{r['MB']:>6}{r['attributions']:>14}{r['seconds']:>9}{r['peak_MB']:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
