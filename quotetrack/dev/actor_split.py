"""How whole are people across articles: for each surname, the share of the statements made
under any form of that person's name that the largest actor holds.

    python -m quotetrack.dev.actor_split OUT [OUT ...] [--names Blair,Brown,...] [--top 30]

OUT are ``quotetrack extract`` output folders. A "form of the name" is a person actor whose
label is the surname or ends with it ("Blair", "Tony Blair", "Mr Blair"). Without
``--names`` the surnames of the most quoted people are taken. Prints, per surname, the
statements on every form, the largest actor's share, and the other forms.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from typing import Dict, List, Sequence

from ..graph import OutdirError, load
from ..actors import resolve


def splits(outdirs: Sequence[str], names: Sequence[str] = (), top: int = 30) -> List[dict]:
    corpus = load(list(outdirs))
    res = resolve(corpus.attributions)
    per_actor: Counter = Counter()
    for a in corpus.attributions:
        aid = res.speaker(a.id)
        if aid:
            per_actor[aid] += 1
    people = {aid: res.actors[aid] for aid in per_actor if res.actors[aid].kind == "person"}
    if not names:
        by_surname: Counter = Counter()
        for aid, actor in people.items():
            words = actor.label.split()
            if len(words) >= 2 and all(w[:1].isupper() for w in words):
                by_surname[words[-1]] += per_actor[aid]
        names = [n for n, _ in by_surname.most_common(top)]
    out = []
    for name in names:
        forms: Dict[str, int] = defaultdict(int)
        for aid, actor in people.items():
            words = actor.label.replace(".", "").split()
            if words and words[-1].lower() == name.lower():
                forms[actor.label] += per_actor[aid]
        if not forms:
            continue
        # The person is the most quoted full name; other full names (another forename: Ken
        # beside Charles Clarke) are other people and are left out of "forms of the name".
        best = max(forms, key=lambda k: (len(k.split()) >= 2, forms[k]))
        forename = best.split()[-2] if len(best.split()) >= 2 else None
        forms = {k: v for k, v in forms.items()
                 if k == best or len(k.split()) == 1 or (forename and k.split()[-2:-1] == [forename])}
        total = sum(forms.values())
        out.append({"name": name, "statements": total, "actor": best, "share": forms[best] / total,
                    "others": {k: v for k, v in sorted(forms.items(), key=lambda kv: -kv[1]) if k != best}})
    return out


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.actor_split", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("outdirs", nargs="+")
    p.add_argument("--names", default="", help="comma-separated surnames (default: the most quoted)")
    p.add_argument("--top", type=int, default=30)
    args = p.parse_args(argv)
    try:
        rows = splits(args.outdirs, [n for n in args.names.split(",") if n], args.top)
    except OutdirError as exc:
        print(f"actor_split: {exc}", file=sys.stderr)
        return 1
    if not rows:
        print("no people found", file=sys.stderr)
        return 1
    print(f"{'surname':<16}{'statements':>11}{'share':>8}  actor / other forms")
    for r in rows:
        others = "; ".join(f"{k} {v}" for k, v in list(r["others"].items())[:4])
        print(f"{r['name']:<16}{r['statements']:>11}{100 * r['share']:>7.1f}%  {r['actor']}"
              + (f"  | {others}" if others else ""))
    whole = sum(1 for r in rows if r["share"] >= 0.95)
    share = sum(r["statements"] * r["share"] for r in rows) / sum(r["statements"] for r in rows)
    print(f"\n{whole} of {len(rows)} people hold >= 95% of their statements on one actor; "
          f"{100 * share:.1f}% of all their statements are on their main actor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
