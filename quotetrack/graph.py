"""Who accuses and who answers whom: the actor graph built from ``extract`` output folders.

:func:`load` reads one or more output folders of ``quotetrack extract`` (``attributions.jsonl``
and ``articles.csv``) into a :class:`Corpus`; :func:`build` resolves actors across articles
(:mod:`quotetrack.actors`), links answers to accusations and returns a :class:`Network` whose
``graph`` is a :class:`networkx.MultiDiGraph`.

Why a MultiDiGraph with one edge per (speaker, target, act): a pair of actors is often linked by
several acts (Azerbaijan *accuses* Armenia and *answers* Armenia); a plain DiGraph would have to
merge them and lose the act, while one edge per statement would flood Gephi with parallel edges
of weight 1. So statements with the same speaker, target and act become one edge whose ``weight``
counts them, with their dates, article ids and attribution ids joined by ``;``.

Every node and edge attribute is a plain ``str``, ``int`` or ``bool`` (never None, a list or a
date), so the graph goes to GEXF, GraphML and CSV as it is. Node ids are actor ids (strings).
"""
from __future__ import annotations

import bisect
import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from .actors import Actor, Resolution, resolve
# The act sets come from quotetrack/data/acts.tsv; ACCUSING_ACTS and ANSWERING_ACTS stay
# importable from here. TARGETED_ACTS: acts that make a speaker -> target edge.
from .lexicon import ACCUSING_ACTS, ANSWERING_ACTS, TARGETED_ACTS
from .io.writers import read_csv_rows
from .records import Attribution, stable_id

#: The act of the edges that link an answer to the accusation it answers.
ANSWERS = "answers"
#: Values of ``level``.
LEVELS = ("actor", "affiliation")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
PathLike = Union[str, Path]


class OutdirError(Exception):
    """An output folder that cannot be read; the message says what to do."""


@dataclass(frozen=True)
class ArticleInfo:
    """What the graph needs to know about one article."""

    article_id: str
    order: int  # position in the input (folders in the order given, then articles.csv order)
    date: Optional[str] = None
    title: Optional[str] = None
    path: Optional[str] = None


@dataclass
class Corpus:
    """Attributions from one or more ``extract`` output folders, in story order.

    Attributes:
        attributions: Deduplicated by id (a later folder wins) and sorted by article date,
            then input order, then position in the article.
        articles: Article id -> :class:`ArticleInfo`.
        warnings: Lines the user should see: article ids kept apart across folders,
            ``articles.csv`` counts that disagree with ``attributions.jsonl``.
    """

    attributions: List[Attribution]
    articles: Dict[str, ArticleInfo]
    warnings: List[str] = field(default_factory=list)

    def order_key(self, article_id: str) -> Tuple:
        """Story order of an article: dated articles by date then input order; undated last."""
        info = self.articles.get(article_id)
        if info is None:
            return (2, "", 0, article_id)
        return (0, info.date, info.order, article_id) if info.date else (1, "", info.order,
                                                                       article_id)

    def position(self, a: Attribution) -> Tuple:
        """Story order of an attribution: its article, then where in the article."""
        anchor = a.cue or a.content or a.source
        return self.order_key(a.article_id) + (anchor.start if anchor else 0,)

    @classmethod
    def of(cls, attributions: Iterable[Attribution],
           articles: Optional[Iterable[ArticleInfo]] = None) -> "Corpus":
        """A corpus from records in memory (articles default to order of first appearance).

        An attribution without a date takes its article's; an article without one takes the
        first date its attributions carry.
        """
        infos: Dict[str, ArticleInfo] = {a.article_id: a for a in (articles or ())}
        attributions = list(attributions)
        for a in attributions:
            info = infos.get(a.article_id)
            if info is None:
                infos[a.article_id] = ArticleInfo(a.article_id, len(infos), _iso(a.date))
            elif info.date is None and _iso(a.date):
                infos[a.article_id] = replace(info, date=_iso(a.date))
        unique: Dict[str, Attribution] = {}
        for a in attributions:  # the same id twice: the later record wins
            date = _iso(a.date) or infos[a.article_id].date
            unique[a.id] = replace(a, date=date) if date != a.date else a
        corpus = cls([], infos)
        corpus.attributions = sorted(unique.values(), key=corpus.position)
        return corpus


def _iso(date: Optional[str]) -> Optional[str]:
    if not date:
        return None
    m = _ISO_DATE.match(str(date).strip())
    return m.group(0) if m else None


def load(outdirs: Sequence[PathLike]) -> Corpus:
    """Read ``extract`` output folders.

    Every line of ``attributions.jsonl`` must be a valid record: a truncated or damaged file
    is an error naming the file and line, not a warning, since a report built on part of a
    file would look complete. ``articles.csv`` is optional (dates then come with each
    attribution) but must be readable when present; its cells are unescaped
    (:func:`quotetrack.io.writers.spreadsheet_unescape`), so article ids such as ``=1`` or
    ``-draft`` match the ids in ``attributions.jsonl``. A lone surrogate, which JSON can
    spell but no UTF-8 text holds, becomes U+FFFD.

    Two folders holding the same article id: when ``articles.csv`` shows the same article
    (same ``path`` and ``chars``), it is one article extracted twice and later folders win
    for the same attribution id (a re-extracted batch). When it shows two different
    articles (``001.txt`` of two days' folders), they are kept apart: the later one's id is
    qualified by its folder (``day2/out/001``) and a line in :attr:`Corpus.warnings` says so.

    Args:
        outdirs: Folders written by ``quotetrack extract ... -o OUTDIR``.

    Returns:
        A :class:`Corpus`; :attr:`Corpus.warnings` lists what the caller should show.

    Raises:
        OutdirError: A folder is missing or has no ``attributions.jsonl``; a line of it is
            not an attribution record; ``articles.csv`` cannot be read.
    """
    if not outdirs:
        raise OutdirError("no output folder given: pass the folder(s) written by "
                          "`quotetrack extract INPUT... -o OUTDIR`")
    infos: Dict[str, ArticleInfo] = {}
    identity: Dict[str, Tuple[str, Optional[Tuple[str, str]]]] = {}  # id -> (folder, identity)
    attributions: List[Attribution] = []
    warnings: List[str] = []
    order = 0  # input order of articles.csv rows, across folders
    for d in outdirs:
        d = Path(d)
        if not d.is_dir():
            raise OutdirError(f"{d}: no such folder (expected an output folder of "
                              "`quotetrack extract INPUT... -o OUTDIR`)")
        jsonl = d / "attributions.jsonl"
        if not jsonl.is_file() and _is_parquet(d):
            rows, records = _read_parquet(d)
        elif not jsonl.is_file():
            raise OutdirError(f"{d}: no attributions.jsonl in it; run "
                              f"`quotetrack extract INPUT... -o {d}` first")
        else:
            rows = _read_articles(d / "articles.csv", d)
            records = _read_jsonl(jsonl, d)
        _check_counts(rows, records, d, warnings)
        # Article ids of this folder that name a different article of an earlier folder.
        ids = list(dict.fromkeys([r["article_id"] for r in rows]
                                 + [a.article_id for a in records]))
        own = {r["article_id"]: _identity(r) for r in rows}
        renamed: Dict[str, str] = {}
        for aid in ids:
            earlier = identity.get(aid)
            here = own.get(aid)
            if earlier is not None and earlier[0] != str(d) and None not in (earlier[1], here) \
                    and earlier[1] != here:
                new = _qualified(d, aid, identity)
                renamed[aid] = new
                warnings.append(f"{d}: article id {aid!r} also names a different article in "
                                f"{earlier[0]}; kept apart as {new!r}")
            identity.setdefault(renamed.get(aid, aid), (str(d), here))
        taken = {a.id for a in attributions}
        for r in rows:
            aid = renamed.get(r["article_id"], r["article_id"])
            infos[aid] = ArticleInfo(aid, order, _iso(r.get("date")),
                                     r.get("title") or None, r.get("path") or None)
            order += 1
        for a in records:
            if a.article_id in renamed:
                q = renamed[a.article_id]
                # A kept-apart article's statements keep their ids unless they clash.
                a = replace(a, article_id=q, id=stable_id(q, a.id) if a.id in taken else a.id)
            attributions.append(a)
    corpus = Corpus.of(attributions, infos.values())
    corpus.warnings = warnings
    return corpus


def _identity(row: Dict[str, str]) -> Optional[Tuple[str, str]]:
    """What tells two articles.csv rows of one id apart: the input path and the length."""
    path, chars = row.get("path") or "", row.get("chars") or ""
    return (path, chars) if path or chars else None


def _qualified(folder: Path, article_id: str, taken: Dict[str, object]) -> str:
    base = f"{folder.as_posix().rstrip('/')}/{article_id}"
    new, n = base, 1
    while new in taken:
        n += 1
        new = f"{base}#{n}"
    return new


def _is_parquet(folder: Path) -> bool:
    from .io.parquet import is_dataset

    return is_dataset(folder)


def _read_parquet(folder: Path) -> Tuple[List[Dict[str, str]], List[Attribution]]:
    """The ``articles`` rows (as strings, like ``articles.csv``'s) and the attributions of a
    Parquet output folder (``extract --format parquet``), streamed part by part."""
    from .io.parquet import DatasetError, iter_attributions, latest_parts, read_article_rows

    try:
        latest = latest_parts(folder)
        rows = [{k: "" if v is None else str(v) for k, v in r.to_dict().items()}
                for r in read_article_rows(folder)]
        records = list(iter_attributions(folder, latest=latest))
    except DatasetError as e:
        raise OutdirError(str(e)) from None
    return rows, records


def _read_articles(path: Path, folder: Path) -> List[Dict[str, str]]:
    """The rows of ``articles.csv`` (unescaped), or ``[]`` when the folder has none."""
    if not path.is_file():
        return []  # dates may still come with each attribution
    try:
        rows = [r for r in read_csv_rows(path) if (r.get("article_id") or "").strip()]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise OutdirError(f"{path}: cannot be read ({_one_line(e)}); re-run `quotetrack "
                          f"extract INPUT... -o {folder}`, or delete it to take dates from "
                          "attributions.jsonl") from None
    return rows  # ids exactly as written: " a1" and "a1" are two ids in attributions.jsonl too


def _read_jsonl(path: Path, folder: Path) -> List[Attribution]:
    """Every record of ``attributions.jsonl``; the first bad line is an :class:`OutdirError`."""
    out = []
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
                if not line.strip():
                    continue
                record = json.loads(line)
                if _ESCAPED_SURROGATE.search(line):
                    record = _no_surrogates(record)
                a = Attribution.from_dict(record)
                _check_record(a)
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
                what = ("truncated" if not raw.endswith(b"\n") else "not an attribution record")
                reason = e.msg if isinstance(e, json.JSONDecodeError) else _one_line(e)
                raise OutdirError(f"{path}, line {n}: {what} ({reason}); the file is damaged: "
                                  f"re-run `quotetrack extract INPUT... -o {folder}`") from None
            out.append(a)
    return out


# JSON may spell a lone surrogate ("\\ud800"); no UTF-8 file or hash can hold one.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value):
    """``value`` with every lone surrogate in its strings replaced by U+FFFD (one character
    for one, so offsets stay right)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    return value


def _check_record(a: Attribution) -> None:
    """Types ``Attribution.from_dict`` does not check; a wrong one would fail much later."""
    for role in ("source", "cue", "content", "target"):
        span = getattr(a, role)
        if span is not None and (not isinstance(span.text, str) or not 0 <= span.start
                                 <= span.end):
            raise ValueError(f"bad {role} span")
    for who in (a.speaker, a.target_actor):
        if who is not None and not all(isinstance(getattr(who, f), str)
                                       for f in ("id", "name", "kind")):
            raise ValueError("speaker id, name and kind must be strings")
    if a.date is not None and not isinstance(a.date, str):
        raise ValueError("date must be a string")


def _check_counts(rows: List[Dict[str, str]], records: List[Attribution], folder: Path,
                  warnings: List[str]) -> None:
    """Warn when ``articles.csv`` counts other attributions than the JSONL holds (a file cut
    at a line break, or edited by hand)."""
    have: Dict[str, int] = defaultdict(int)
    for a in records:
        have[a.article_id] += 1
    for r in rows:
        try:
            counted = int(r.get("attributions") or "")
        except ValueError:
            continue
        if counted != have.get(r["article_id"], 0):
            warnings.append(f"{folder}: articles.csv counts {counted} attributions for "
                            f"{r['article_id']!r}, attributions.jsonl has "
                            f"{have.get(r['article_id'], 0)} (cut short, or edited by hand?)")
            return  # one line is enough to send the user to the folder


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 200 else text[:199] + "…"


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """A denial, rejection or response that answers an earlier (or same-article) accusation.

    ``answerer`` and ``accuser`` are actor ids (actor level). ``on_behalf`` is set when the
    accusation targeted the answerer's country and the answerer (a minister, a ministry) spoke
    for it.
    """

    answer_id: str
    accusation_id: str
    answerer: str
    accuser: str
    same_article: bool
    on_behalf: bool


def find_answers(corpus: Corpus, res: Resolution) -> List[Answer]:
    """Link each denial/rejection/response to the accusation it answers.

    X answers Y when X denies, rejects or responds to an accusation (accuse, criticize) that Y
    levelled at X — or at X's country — in the same article or an earlier one (by date, then
    input order). When X's statement names a target, Y must be that target (or belong to the
    country named). Of several such accusations the nearest wins: the same article first
    (closest in the text), else the latest earlier article.
    """
    # Accused actor -> [(article order + position, accusation, accuser)], in story order.
    against: Dict[str, list] = defaultdict(list)
    for a in corpus.attributions:  # already in story order
        if a.act in ACCUSING_ACTS and res.speaker(a.id):
            for t in res.targets(a.id):
                against[t].append((corpus.position(a), a, res.speaker(a.id)))
    keys = {t: [e[0] for e in entries] for t, entries in against.items()}

    out: List[Answer] = []
    for r in corpus.attributions:
        if r.act not in ANSWERING_ACTS:
            continue
        x = res.speaker(r.id)
        if x is None:
            continue
        x_country = res.country_of(x)
        named = res.targets(r.id)
        named_countries = {res.country_of(t) for t in named} - {None}
        r_pos = corpus.position(r)

        def fits(acc: Attribution, y: str) -> bool:
            if y == x or acc.id == r.id:
                return False
            # When the answer names somebody, the accuser must be them (or of that country).
            return not named or y in named or res.country_of(y) in named_countries

        best = None  # (rank, accusation, accuser, accused)
        # Aimed at X itself, or at the country X speaks for.
        for t in dict.fromkeys(c for c in (x, x_country) if c):
            entries = against.get(t, [])
            # Only accusations no later than the answer's article; newest first.
            i = bisect.bisect_right(keys.get(t, []), r_pos[:-1] + (float("inf"),))
            for j in range(i - 1, -1, -1):
                a_pos, acc, y = entries[j]
                same = a_pos[:-1] == r_pos[:-1]
                if not same and best is not None and best[0][0] == 1:
                    break  # a same-article accusation beats every earlier article
                if not fits(acc, y):
                    continue
                rank = (1, 0, -abs(a_pos[-1] - r_pos[-1])) if same else (0, a_pos, 0)
                if best is None or rank > best[0]:
                    best = (rank, acc, y, t)
                if not same:
                    break  # the newest fitting one of an earlier article is the one
        if best is not None:
            _, acc, y, t = best
            out.append(Answer(r.id, acc.id, x, y, best[0][0] == 1, on_behalf=(t != x)))
    return out


# ---------------------------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------------------------

@dataclass
class Network:
    """The built graph and everything behind it.

    Attributes:
        graph: ``networkx.MultiDiGraph``; node ids are actor ids, edge keys are edge ids.
        corpus: The attributions it was built from.
        resolution: Actors and who each speaker and target is (actor level).
        answers: Answer links (actor level).
        level: ``"actor"`` or ``"affiliation"``.
    """

    graph: "object"
    corpus: Corpus
    resolution: Resolution
    answers: List[Answer]
    level: str = "actor"

    def node_of(self, actor_id: str) -> str:
        """The node an actor is drawn as at this level."""
        return self.resolution.rollup(actor_id) if self.level == "affiliation" else actor_id

    def label(self, actor_id: Optional[str]) -> str:
        """Display label of an actor id ("" for None)."""
        return self.resolution.actors[actor_id].label if actor_id else ""


def build(corpus: Corpus, *, level: str = "actor") -> Network:
    """Resolve actors, link answers and build the graph.

    Args:
        corpus: From :func:`load` or :meth:`Corpus.of`.
        level: ``"actor"`` (people, bodies, countries, groups) or ``"affiliation"`` (people
            and bodies rolled up into their country or body).

    Returns:
        A :class:`Network`.
    """
    import networkx as nx

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    res = resolve(corpus.attributions, order=corpus.order_key)
    answers = find_answers(corpus, res)
    net = Network(nx.MultiDiGraph(), corpus, res, answers, level)
    g = net.graph
    g.graph["name"] = "quotetrack"
    g.graph["level"] = level

    # Nodes: every actor that appears, aggregated into its node at this level.
    groups: Dict[str, List[Actor]] = defaultdict(list)
    for a in list(res.actors.values()):
        if a.mentions:
            groups[net.node_of(a.id)].append(a)
    dates_of: Dict[str, set] = defaultdict(set)
    for a in corpus.attributions:
        for aid in [res.speaker(a.id)] + res.targets(a.id):
            if aid and a.date:
                dates_of[net.node_of(aid)].add(a.date)
    by_id = {a.id: a for a in corpus.attributions}
    for ans in answers:
        # An answered accuser is in the story that day too: Gephi's timeline shows an edge
        # only while both its ends are alive.
        date = by_id[ans.answer_id].date
        if date:
            dates_of[net.node_of(ans.accuser)].add(date)
    for node in sorted(groups, key=lambda n: res.actors[n].label.casefold()):
        members = groups[node]
        head = res.actors[node]
        dates = sorted(dates_of.get(node, ()))
        g.add_node(node, **{
            "label": head.label, "kind": head.kind, "affiliation": head.affiliation,
            "titles": head.titles_text(), "aliases": head.aliases_text(),
            "ambiguous": head.ambiguous, "candidates": "; ".join(head.candidates),
            "statements": sum(m.statements for m in members),
            "mentions": sum(m.mentions for m in members),
            "first_date": dates[0] if dates else "", "last_date": dates[-1] if dates else "",
            "dates": ";".join(dates),
            "articles": ";".join(sorted({x for m in members for x in m.articles},
                                        key=corpus.order_key)),
            "members": "; ".join(sorted(m.label for m in members if m.id != node)),
        })

    # Edges: one per (speaker, target, act) at this level.
    edges: Dict[Tuple[str, str, str], Dict[str, list]] = {}

    def add(u: str, v: str, act: str, a: Attribution, answers_to: str = "") -> None:
        e = edges.setdefault((u, v, act), {"attrs": [], "answers_to": [], "ids": set()})
        if a.id not in e["ids"]:
            e["ids"].add(a.id)
            e["attrs"].append(a)
        if answers_to and answers_to not in e["answers_to"]:
            e["answers_to"].append(answers_to)

    for a in corpus.attributions:
        if a.act not in TARGETED_ACTS:
            continue
        s = res.speaker(a.id)
        if s is None:
            continue
        for t in res.targets(a.id):
            add(net.node_of(s), net.node_of(t), a.act, a)
    for ans in answers:
        add(net.node_of(ans.answerer), net.node_of(ans.accuser), ANSWERS,
            by_id[ans.answer_id], ans.accusation_id)

    for (u, v, act), e in sorted(edges.items(), key=lambda kv: (
            corpus.position(kv[1]["attrs"][0]), kv[0])):
        attrs = e["attrs"]
        dates = sorted({a.date for a in attrs if a.date})
        key = stable_id("edge", u, v, act)
        g.add_edge(u, v, key=key, **{
            "act": act, "label": act, "weight": len(attrs),
            "first_date": dates[0] if dates else "", "last_date": dates[-1] if dates else "",
            "dates": ";".join(dates),
            "articles": ";".join(dict.fromkeys(a.article_id for a in attrs)),
            "attributions": ";".join(a.id for a in attrs),
            "answers_to": ";".join(e["answers_to"]),
        })
    return net


def edges_by_act(graph, act: Optional[str] = None) -> List[Tuple[str, str, dict]]:
    """(source label, target label, data) for every edge, or those of one act; for tests and
    reports that want to read the graph by names."""
    out = []
    for u, v, d in graph.edges(data=True):
        if act is None or d.get("act") == act:
            out.append((graph.nodes[u].get("label", u), graph.nodes[v].get("label", v), d))
    return out
