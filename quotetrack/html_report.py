"""The self-contained HTML report: ``quotetrack report OUT... --format html -o report.html``.

One file that opens offline: every script and style is inlined and nothing on the page asks
the network for anything. It holds

* a summary (articles, statements, actors, date range, what is known of the extraction run);
* the network of who accuses, criticizes, denies or answers whom, drawn by **vis-network**
  (the copy the ``pyvis`` package ships, read from its package folder): node size by
  statements, colour by kind or affiliation, edge colour by act, counts on hover, a node's
  statements on click, filters by act, date range and affiliation;
* answer threads (an accusation and the answers to it) in story order;
* per-actor timelines of statements by act, drawn by **Bokeh** (its JavaScript inlined
  from the ``bokeh`` package) when articles have dates;
* the statements, each with its article (title, date, id, URL) and the sentence around it
  with source, cue, content and target highlighted, and for a speaker resolved from a
  pronoun, title, surname or role, what it was resolved from.

Data flows one way: the page is built from a :class:`quotetrack.graph.Network` through the
tidy rows of :mod:`quotetrack.exports.tables` (actors, edges, answers, statements), the same
rows ``export --format csv`` writes.

Sentences: ``extract`` writes no article text into OUT, only offsets and the texts of the
spans. The report re-reads each article from the ``path`` that ``articles.csv`` records, with
the reader ``extract`` used (:func:`quotetrack.io.read_inputs`), and uses it only when it is
the same text (same length, and every span's text at its offsets). Otherwise (the input was
moved, edited, or came from stdin) the statement shows its spans alone, joined by "…".

Large corpora: the network draws the actors on an edge, at most ``max_actors`` (the most
active); every statement is embedded when the corpus holds at most ``max_statements``, else
those in answer threads and, for the drawn actors and the most active speakers, at most
``per_actor`` each (as speaker or target).
The page says what was left out.

Escaping: article text reaches the page only as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c``,
``\\u003e``, ``\\u0026``, and the page's script puts it into the DOM as text
(``textContent``), never as HTML; Bokeh HTML-escapes its own document JSON.
"""
from __future__ import annotations

import datetime as _dt
import importlib.util
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import __version__
from .exports.tables import actor_rows, answer_rows, edge_rows, statement_rows
from .graph import ANSWERS, Network
from .io.readers import read_inputs
from .io.writers import atomic_write, read_csv_rows
from .lexicon import ACTS, DATA
from .nlp.builtin import split_sentences, tokenize
from .records import Attribution, Span

PathLike = Union[str, Path]

#: The page template (CSS and the page's own script); the libraries are inlined into it.
TEMPLATE = DATA / "report.html"
#: Defaults of the caps (see :class:`Limits`).
MAX_ACTORS = 150
MAX_STATEMENTS = 3000
PER_ACTOR = 40
#: Timelines: how many actors get a row.
TIMELINE_ACTORS = 25
#: The sentence around a statement is cut to about this many characters.
CONTEXT_CHARS = 700

# Roles of a piece of context text, as bits (the page's script reads the same bits).
SOURCE, CUE, CONTENT, TARGET, NAMED = 1, 2, 4, 8, 16
_ROLE_BITS = (("source", SOURCE), ("cue", CUE), ("content", CONTENT), ("target", TARGET))
#: A gap between spans whose text is not known (the article could not be re-read).
GAP = "…"


class HtmlReportError(ValueError):
    """The report cannot be made (a library missing, a template damaged); the message says
    what to do."""


@dataclass(frozen=True)
class Limits:
    """What the page draws and embeds at most.

    Attributes:
        max_actors: Actors drawn in the network: those on an edge, the most active (by
            statements plus edge weight) first.
        max_statements: Corpora up to this many statements embed all of them.
        per_actor: Above that, statements embedded per actor (as speaker or target), for
            the drawn actors and the ``max_actors`` most active speakers.
        timeline_actors: Rows of the timeline chart.
    """

    max_actors: int = MAX_ACTORS
    max_statements: int = MAX_STATEMENTS
    per_actor: int = PER_ACTOR
    timeline_actors: int = TIMELINE_ACTORS


# ---------------------------------------------------------------------------------------------
# Article text and context
# ---------------------------------------------------------------------------------------------

@dataclass
class ArticleRow:
    """What the page shows of one article: the ``articles.csv`` row (or what the corpus
    knows when there is none)."""

    article_id: str
    title: str = ""
    date: str = ""
    url: str = ""
    source: str = ""
    path: str = ""
    status: str = ""
    message: str = ""
    chars: str = ""
    extractor: str = ""


def article_rows(network: Network, outdirs: Sequence[PathLike]) -> Dict[str, ArticleRow]:
    """Article id -> :class:`ArticleRow` for every article of the corpus, and the error rows.

    Titles, dates and paths come from the corpus (:func:`quotetrack.graph.load` read them
    from ``articles.csv``); URL, source, status, message and length from ``articles.csv``
    itself, read with the same spreadsheet-safe reader.
    """
    extra: Dict[str, dict] = {}
    errors: List[dict] = []
    for d in outdirs:
        path = Path(d) / "articles.csv"
        if not path.is_file():
            continue
        for r in read_csv_rows(path):
            aid = r.get("article_id") or ""
            if not aid.strip():
                continue
            extra.setdefault(aid, r)
            # graph.load keeps a second article of one id apart as FOLDER/ID
            extra.setdefault(f"{Path(d).as_posix().rstrip('/')}/{aid}", r)
            if r.get("status") == "error":
                errors.append(r)
    out: Dict[str, ArticleRow] = {}
    for aid, info in network.corpus.articles.items():
        r = extra.get(aid, {})
        out[aid] = ArticleRow(aid, info.title or r.get("title") or "", info.date or "",
                              r.get("url") or "", r.get("source") or "",
                              info.path or r.get("path") or "", r.get("status") or "",
                              r.get("message") or "", r.get("chars") or "",
                              r.get("extractor") or "")
    for r in errors:  # an unreadable input has no attributions, so the corpus lacks it
        aid = r["article_id"]
        if aid not in out:
            out[aid] = ArticleRow(aid, r.get("title") or "", r.get("date") or "",
                                  r.get("url") or "", r.get("source") or "",
                                  r.get("path") or "", "error", r.get("message") or "",
                                  r.get("chars") or "")
    return out


def article_texts(rows: Dict[str, ArticleRow], wanted: Iterable[str]) -> Dict[str, str]:
    """The text of each wanted article that can still be read from its recorded path.

    Each path is read once with :func:`quotetrack.io.read_inputs` (what ``extract`` read);
    its items are matched to the ``articles.csv`` rows of that path in order, and a text is
    kept only when its length is the recorded ``chars``. Spans are checked later, one by
    one. A path that is gone or unreadable gives nothing (the statement shows its spans).
    """
    by_path: Dict[str, List[ArticleRow]] = defaultdict(list)
    for r in rows.values():
        if r.path and r.path != "-":
            by_path[r.path].append(r)
    wanted = set(wanted)
    texts: Dict[str, str] = {}
    for path, group in by_path.items():
        if not any(r.article_id in wanted for r in group) or not Path(path).is_file():
            continue
        try:
            items = read_inputs([path])
            for row, item in zip(group, items):
                article = getattr(item, "article", item)  # AnnotatedArticle (CoNLL-U) too
                text = getattr(article, "text", None)
                if text is None or row.article_id not in wanted:
                    continue
                if row.chars and row.chars != str(len(text)):
                    continue
                texts[row.article_id] = text
        except (OSError, ValueError, UnicodeError):
            continue
    return texts


def _spans_match(text: Optional[str], spans: Iterable[Span]) -> bool:
    return text is not None and all(text[s.start:s.end] == s.text for s in spans)


def _sentence_bounds(text: str, lo: int, hi: int) -> Tuple[int, int]:
    """The sentences of ``text`` that hold ``[lo, hi)``, by the built-in sentence splitter
    run on the paragraph(s) around it (bounded, so a huge one-line article stays cheap)."""
    reach = CONTEXT_CHARS
    p0 = text.rfind("\n", max(0, lo - reach), lo)
    p0 = p0 + 1 if p0 >= 0 else max(0, lo - reach)
    p1 = text.find("\n", hi, min(len(text), hi + reach))
    p1 = p1 if p1 >= 0 else min(len(text), hi + reach)
    tokens = tokenize(text, p0, p1)
    if not tokens:
        return lo, hi
    start, end = lo, hi
    for a, b in split_sentences(text, tokens):
        s, e = tokens[a][1], tokens[b - 1][2]
        if (e > lo and s < hi) or s <= lo < e:
            start, end = min(start, s), max(end, e)
    return start, end


def context_segments(a: Attribution, text: Optional[str]) -> Tuple[List[list], bool]:
    """The sentence around a statement as ``[[text, roles], ...]`` pieces, and whether it
    comes from the article (``False``: the spans alone, joined by :data:`GAP`).

    ``roles`` is a bit set of :data:`SOURCE`, :data:`CUE`, :data:`CONTENT`, :data:`TARGET`
    and :data:`NAMED` (the mention that names a speaker resolved from a pronoun, title...).
    """
    spans = [(getattr(a, name), bit) for name, bit in _ROLE_BITS if getattr(a, name)]
    sp = a.speaker
    named = None
    if sp is not None and isinstance(sp.named_start, int) and isinstance(sp.named_end, int) \
            and 0 <= sp.named_start < sp.named_end:
        named = (sp.named_start, sp.named_end)
    if not spans:
        return [], False
    full = _spans_match(text, [s for s, _ in spans])
    marks: List[Tuple[int, int, int]] = [(s.start, s.end, bit) for s, bit in spans]
    lo, hi = min(m[0] for m in marks), max(m[1] for m in marks)
    if full:
        s0, s1 = _sentence_bounds(text, lo, hi)
        w0, w1 = s0, s1
        if w1 - w0 > CONTEXT_CHARS + (hi - lo):  # a run-on "sentence": a window around it
            w0, w1 = max(w0, lo - CONTEXT_CHARS // 4), min(w1, hi + CONTEXT_CHARS // 4)
        # The naming mention is marked when it is in the sentence; elsewhere the page quotes it.
        if named and w0 <= named[0] and named[1] <= w1:
            marks.append((named[0], named[1], NAMED))
        pieces = _pieces(marks, w0, w1, lambda s, e: text[s:e], cover_all=True)
        if w0 > s0:
            pieces.insert(0, [GAP, 0])
        if w1 < s1:
            pieces.append([GAP, 0])
    else:
        texts = {(s.start, s.end, bit): s.text for s, bit in spans}

        def piece(s: int, e: int) -> str:
            for (a0, a1, _), t in texts.items():
                if a0 <= s and e <= a1 and len(t) == a1 - a0:
                    return t[s - a0:e - a0]
            return ""
        pieces = _pieces(marks, lo, hi, piece, cover_all=False)
    return _cut(pieces), full


def _pieces(marks, w0: int, w1: int, text_of, *, cover_all: bool) -> List[list]:
    cuts = sorted({w0, w1} | {x for s, e, _ in marks for x in (s, e) if w0 < x < w1})
    out: List[list] = []
    for s, e in zip(cuts, cuts[1:]):
        bits = 0
        for m0, m1, bit in marks:
            if m0 <= s and e <= m1:
                bits |= bit
        if not bits and not cover_all:
            if out and out[-1][0] != f" {GAP} ":
                out.append([f" {GAP} ", 0])
            continue
        t = text_of(s, e)
        if out and out[-1][1] == bits and not (not bits and out[-1][0] == f" {GAP} "):
            out[-1][0] += t
        else:
            out.append([t, bits])
    return out


def _cut(pieces: List[list], limit: int = 4 * CONTEXT_CHARS) -> List[list]:
    """At most ``limit`` characters (a 2 MB quote stays a paragraph on the page)."""
    total, out = 0, []
    for t, bits in pieces:
        if total + len(t) > limit:
            out.append([t[:max(0, limit - total)] + GAP, bits])
            break
        out.append([t, bits])
        total += len(t)
    return out


# ---------------------------------------------------------------------------------------------
# The page's data
# ---------------------------------------------------------------------------------------------

def _date_range(dates: Iterable[str]) -> Tuple[str, str]:
    ds = sorted(d for d in dates if d)
    return (ds[0], ds[-1]) if ds else ("", "")


def page_data(network: Network, outdirs: Sequence[PathLike] = (), *,
              limits: Limits = Limits(), actor: Optional[str] = None,
              context: bool = True) -> dict:
    """Everything the page's script reads, as plain JSON-ready values.

    Args:
        network: From :func:`quotetrack.graph.build`.
        outdirs: The ``extract`` folders it was built from (for ``articles.csv``).
        limits: What to draw and embed at most.
        actor: A name whose panel the page opens first (see
            :func:`quotetrack.report.find_actor`).
        context: Re-read the articles to show each statement's sentence.

    Returns:
        A dict with ``summary``, ``acts``, ``actors``, ``edges``, ``articles``,
        ``statements``, ``threads`` and ``limits`` (what was left out).
    """
    corpus = network.corpus
    actors = {r["id"]: r for r in actor_rows(network)}
    statements = statement_rows(network)  # in corpus order, one per attribution
    attrs = corpus.attributions
    answers = answer_rows(network)

    said: Dict[str, Counter] = defaultdict(Counter)
    aimed: Dict[str, int] = Counter()
    for row in statements:
        if row["speaker_id"]:
            said[row["speaker_id"]][row["act"]] += 1
        for t in filter(None, row["target_ids"].split(";")):
            aimed[t] += 1

    # The actors drawn: those on an edge (the network is who accuses, answers... whom), the
    # most active first; only when no actor has an edge, the most active speakers.
    ranked = sorted(actors, key=lambda n: (-int(actors[n]["statements"] or 0),
                                           -int(actors[n]["mentions"] or 0),
                                           actors[n]["label"].casefold(), n))
    all_edges = edge_rows(network)
    degree: Counter = Counter()
    for e in all_edges:
        degree[e["source"]] += int(e["weight"])
        degree[e["target"]] += int(e["weight"])
    on_edge = [n for n in ranked if degree[n]]
    on_edge.sort(key=lambda n: -(int(actors[n]["statements"] or 0) + degree[n]))  # stable
    drawn = (on_edge or ranked)[:limits.max_actors]
    drawn_set = set(drawn)
    edges = [e for e in all_edges if e["source"] in drawn_set and e["target"] in drawn_set]
    if on_edge:  # an actor whose only edges lead to actors left out would float alone
        linked = {n for e in edges if e["source"] != e["target"]
                  for n in (e["source"], e["target"])}
        drawn = [n for n in drawn if n in linked]
        drawn_set = set(drawn)
        edges = [e for e in edges if e["source"] in drawn_set and e["target"] in drawn_set]
    # Statements are embedded for the drawn actors and the most active speakers.
    featured = drawn_set | set(ranked[:limits.max_actors])

    # The statements embedded.
    in_threads = {x for a in answers for x in (a["answer_id"], a["accusation_id"])}
    if len(attrs) <= limits.max_statements:
        keep = [True] * len(attrs)
    else:
        per: Dict[str, int] = Counter()
        keep = []
        for row in statements:
            nodes = [row["speaker_id"]] + row["target_ids"].split(";")
            ok = row["id"] in in_threads
            for n in nodes:
                if n in featured and per[n] < limits.per_actor:
                    ok = True
            if ok:
                for n in nodes:
                    if n in featured:
                        per[n] += 1
            keep.append(ok)
    kept = [(a, row) for a, row, k in zip(attrs, statements, keep) if k]

    arts = article_rows(network, outdirs)
    texts = article_texts(arts, {a.article_id for a, _ in kept}) if context else {}
    art_index: Dict[str, int] = {}
    art_list: List[dict] = []

    def art(aid: str) -> int:
        if aid not in art_index:
            r = arts.get(aid) or ArticleRow(aid)
            art_index[aid] = len(art_list)
            art_list.append({"id": aid, "title": r.title, "date": r.date, "url": r.url,
                             "source": r.source, "path": r.path})
        return art_index[aid]

    # Every actor an embedded statement names, so the page can label it (drawn or not).
    shown_actors = set(drawn)
    out_statements = []
    n_full = 0
    for a, row in kept:
        segs, full = context_segments(a, texts.get(a.article_id))
        n_full += full
        sp = a.speaker
        named_text = ""
        if sp is not None and sp.via not in (None, "name") and isinstance(sp.named_start, int) \
                and isinstance(sp.named_end, int):
            t = texts.get(a.article_id)
            if t is not None and full and 0 <= sp.named_start < sp.named_end <= len(t):
                named_text = t[sp.named_start:sp.named_end]
        targets = [t for t in row["target_ids"].split(";") if t]
        shown_actors.update([row["speaker_id"]] if row["speaker_id"] else [])
        shown_actors.update(targets)
        out_statements.append({
            "id": a.id, "a": art(a.article_id), "d": a.date or "", "kind": a.kind,
            "act": a.act, "s": row["speaker_id"], "t": targets,
            "src": row["source_text"], "tgt": row["target_text"],
            "sname": sp.name if sp else "", "via": (sp.via or "") if sp else "",
            "role": (sp.role or "") if sp else "", "named": named_text,
            "ctx": segs, "full": full})

    actor_out = {}
    for n in ranked:
        if n not in shown_actors:
            continue
        r = actors[n]
        actor_out[n] = {"label": r["label"], "kind": r["kind"], "aff": r["affiliation"],
                        "titles": r["titles"], "aliases": r["aliases"],
                        "members": r["members"], "ambiguous": bool(r["ambiguous"]),
                        "n": int(r["statements"] or 0), "m": int(r["mentions"] or 0),
                        "acts": dict(said.get(n, {})), "aimed": aimed.get(n, 0),
                        "first": r["first_date"], "last": r["last_date"],
                        "dates": network.graph.nodes[n].get("dates", "").split(";")
                        if network.graph.nodes[n].get("dates") else [],
                        "drawn": n in drawn_set}
    embedded = {s["id"] for s in out_statements}
    edge_out = [{"id": e["id"], "from": e["source"], "to": e["target"], "act": e["act"],
                 "w": int(e["weight"]), "dates": [d for d in e["dates"].split(";") if d],
                 "st": [x for x in e["attributions"].split(";") if x in embedded]}
                for e in edges]

    threads = _threads(network, answers)
    acts_used = Counter(a.act for a in attrs)
    act_list = [x for x in ACTS if acts_used.get(x) or any(e["act"] == x for e in edge_out)]
    act_list += sorted(x for x in acts_used if x not in act_list)
    if any(e["act"] == ANSWERS for e in edge_out):
        act_list.append(ANSWERS)
    edge_acts = [x for x in act_list if any(e["act"] == x for e in edge_out)]

    first, last = _date_range(a.date or "" for a in attrs)
    statuses = Counter(r.status or "ok" for r in arts.values())
    initial = ""
    if actor:
        from .report import find_actor

        initial = find_actor(network, actor)
        if initial not in actor_out:
            r = actors[initial]
            actor_out[initial] = {"label": r["label"], "kind": r["kind"],
                                  "aff": r["affiliation"], "titles": r["titles"],
                                  "aliases": r["aliases"], "members": r["members"],
                                  "ambiguous": bool(r["ambiguous"]),
                                  "n": int(r["statements"] or 0), "m": int(r["mentions"] or 0),
                                  "acts": dict(said.get(initial, {})),
                                  "aimed": aimed.get(initial, 0), "first": r["first_date"],
                                  "last": r["last_date"], "dates": [], "drawn": False}
    n_dated_articles = sum(1 for i in corpus.articles.values() if i.date)
    summary = {
        "articles": len(corpus.articles), "articles_error": statuses.get("error", 0),
        "extractors": dict(Counter(r.extractor for r in arts.values() if r.status != "error")),
        "articles_dated": n_dated_articles,
        "statements": len(attrs), "actors": network.graph.number_of_nodes(),
        "edges": network.graph.number_of_edges(), "answers": len(network.answers),
        "first_date": first, "last_date": last, "level": network.level,
        "outdirs": [str(d) for d in outdirs],
        "outdir_times": [_mtime(Path(d) / "attributions.jsonl") for d in outdirs],
        "kinds": dict(Counter(a.kind for a in attrs)),
        "via": dict(Counter(a.speaker.via or "" for a in attrs if a.speaker)),
        "no_speaker": sum(1 for a in attrs if a.speaker is None),
        "warnings": list(corpus.warnings),
        "messages": _messages(arts.values()),
        "version": __version__,
        "built": _dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }
    return {
        "summary": summary, "acts": act_list, "edge_acts": edge_acts, "actors": actor_out,
        "drawn": drawn,
        "edges": edge_out, "articles": art_list, "statements": out_statements,
        "threads": threads, "initial": initial,
        "limits": {"max_actors": limits.max_actors, "actors_total": len(actors),
                   "actors_on_edge": len(on_edge),
                   "actors_drawn": len(drawn), "edges_total": network.graph.number_of_edges(),
                   "edges_drawn": len(edge_out), "statements_total": len(attrs),
                   "statements_embedded": len(out_statements),
                   "max_statements": limits.max_statements, "per_actor": limits.per_actor,
                   "with_sentence": n_full, "context": context},
    }


def _mtime(path: Path) -> str:
    try:
        t = path.stat().st_mtime
    except OSError:
        return ""
    return _dt.datetime.fromtimestamp(t).replace(microsecond=0).isoformat(sep=" ")


def _messages(rows: Iterable[ArticleRow]) -> Dict[str, int]:
    """Reading warnings and errors of ``articles.csv``, counted by message."""
    c = Counter(r.message for r in rows if r.message)
    return dict(c.most_common(10))


def _threads(network: Network, answers: List[dict]) -> List[dict]:
    """Accusations with the answers to them, in story order (accusation first, answers by
    their own position), from :func:`quotetrack.exports.tables.answer_rows`."""
    corpus = network.corpus
    by_id = {a.id: a for a in corpus.attributions}
    groups: Dict[str, dict] = {}
    for r in answers:
        g = groups.setdefault(r["accusation_id"], {
            "id": r["accusation_id"], "d": r["accusation_date"], "a": r["accusation_article"],
            "who": r["accuser_id"], "act": r["accusation_act"], "q": r["accusation_quote"],
            "targets": [], "answers": []})
        g["answers"].append({"id": r["answer_id"], "d": r["answer_date"],
                             "a": r["answer_article"], "who": r["answerer_id"],
                             "act": r["answer_act"], "q": r["answer_quote"],
                             "same": bool(r["same_article"]),
                             "behalf": bool(r["on_behalf"]),
                             "pos": corpus.position(by_id[r["answer_id"]])})
    res = network.resolution
    for acc_id, g in groups.items():
        g["targets"] = list(dict.fromkeys(network.node_of(t) for t in res.targets(acc_id)))
        g["answers"].sort(key=lambda x: x.pop("pos"))
    order = sorted(groups.values(), key=lambda g: corpus.position(by_id[g["id"]]))
    return order


# ---------------------------------------------------------------------------------------------
# The libraries
# ---------------------------------------------------------------------------------------------

def _package_dir(name: str) -> Path:
    """A package's folder, found without importing it (pyvis imports IPython on import)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise HtmlReportError(f"the HTML report needs the {name} package: "
                              f"pip install '{name}' (or reinstall quotetrack)")
    return Path(list(spec.submodule_search_locations)[0])


def vis_network_js() -> Tuple[str, str]:
    """The vis-network script that pyvis ships, and its version.

    pyvis's own ``cdn_resources="in_line"`` page still links Bootstrap from a CDN and leaves
    vis-network's stylesheet out, so the report takes only the script (the standalone build,
    which carries its own CSS) and draws with it directly.
    """
    base = _package_dir("pyvis") / "templates" / "lib"
    found = sorted(base.glob("vis-*/vis-network.min.js"),
                   key=lambda p: [int(x) if x.isdigit() else 0
                                  for x in p.parent.name[4:].split(".")])
    if not found:
        raise HtmlReportError(f"no vis-network.min.js under {base}; reinstall pyvis")
    path = found[-1]
    return path.read_text(encoding="utf-8"), path.parent.name[4:]


def timeline_html(data: dict, limits: Limits = Limits()) -> Tuple[str, str, str]:
    """Bokeh's timeline chart of the most active dated actors: (script, div, Bokeh's JS).

    One row per actor (at most ``limits.timeline_actors``), one mark per (date, act) sized
    by how many statements; hover for counts, click a mark to open the actor on the page.
    Returns three empty strings when no embedded statement has a date.
    """
    dated = [s for s in data["statements"] if s["d"] and s["s"]]
    if not dated:
        return "", "", ""
    try:
        from bokeh.embed import components
        from bokeh.embed.bundle import bundle_for_objs_and_resources
        from bokeh.models import (CDSView, ColumnDataSource, CustomJS, HoverTool, IndexFilter,
                                  TapTool)
        from bokeh.plotting import figure
        from bokeh.resources import Resources
    except ImportError:
        raise HtmlReportError("the HTML report's timelines need Bokeh: pip install 'bokeh>=3.4'")

    actors = data["actors"]
    per_actor = Counter(s["s"] for s in dated)
    top = [n for n, _ in sorted(per_actor.items(), key=lambda kv: (-kv[1],
                                                                   actors[kv[0]]["label"]))]
    top = top[:limits.timeline_actors]
    keep = set(top)
    counts: Counter = Counter((s["s"], s["d"], s["act"]) for s in dated if s["s"] in keep)
    acts = [a for a in data["acts"] if a != ANSWERS]
    colours = act_colours(data["acts"])
    # Labels must be unique factors: two actors with one label get their kind added.
    labels: Dict[str, str] = {}
    seen: Counter = Counter(actors[n]["label"] for n in top)
    for n in top:
        lab = actors[n]["label"] or n
        labels[n] = f"{lab} ({actors[n]['kind']}, {n[:4]})" if seen[lab] > 1 else lab
    src = {"x": [], "y": [], "actor": [], "node": [], "date": [], "act": [], "n": [],
           "size": [], "colour": []}
    for (n, d, act), k in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        try:
            x = _dt.datetime.strptime(d[:10], "%Y-%m-%d")
        except ValueError:
            continue
        src["x"].append(x)
        src["y"].append(labels[n])
        src["actor"].append(labels[n])
        src["node"].append(n)
        src["date"].append(d[:10])
        src["act"].append(act)
        src["n"].append(k)
        src["size"].append(8 + 4 * min(k, 6))
        src["colour"].append(colours.get(act, _GREY))
    factors = list(reversed([labels[n] for n in top]))
    fig = figure(y_range=factors, x_axis_type="datetime", height=90 + 26 * len(top),
                 sizing_mode="stretch_width", tools="pan,xwheel_zoom,reset,tap",
                 toolbar_location="above", name="qt-timeline")
    source = ColumnDataSource(src)
    for act in acts:
        view_idx = [i for i, a in enumerate(src["act"]) if a == act]
        if not view_idx:
            continue
        fig.scatter("x", "y", size="size", color="colour", alpha=0.75, source=source,
                    view=CDSView(filter=IndexFilter(view_idx)), legend_label=act)
    fig.add_tools(HoverTool(tooltips=[("actor", "@actor"), ("date", "@date"), ("act", "@act"),
                                      ("statements", "@n")]))
    fig.select_one(TapTool).callback = CustomJS(args={"source": source}, code=(
        "const i = source.selected.indices[0];"
        "if (i !== undefined && window.qtShowActor) window.qtShowActor(source.data.node[i]);"))
    fig.legend.location = "top_left"
    fig.legend.click_policy = "hide"
    fig.legend.label_text_font_size = "9pt"
    fig.add_layout(fig.legend[0], "right")
    script, div = components(fig)
    bundle = bundle_for_objs_and_resources([fig], Resources(mode="inline", log_level="warn"))
    js = "\n".join(bundle.js_raw)
    return script, div, js


#: Colours of the acts: ``data/act-colours.tsv``.
ACT_COLOURS_FILE = DATA / "act-colours.tsv"
_GREY = "#888888"


@lru_cache(maxsize=None)
def _act_colour_table() -> Dict[str, str]:
    table = {}
    for line in ACT_COLOURS_FILE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or len(cells) != 2 or cells[0] == "act":
            continue
        if re.fullmatch(r"#[0-9a-fA-F]{6}", cells[1].strip()):
            table[cells[0].strip()] = cells[1].strip()
    return table


def act_colours(acts: Iterable[str]) -> Dict[str, str]:
    """Act -> colour (``#rrggbb``) for each act; grey for an act the table lacks."""
    table = _act_colour_table()
    return {a: table.get(a, _GREY) for a in acts}


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def script_json(value) -> str:
    """``value`` as JSON that can sit inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e``, ``\\u0026`` (so no
    ``</script>`` or ``<!--`` can end or bend the block), U+2028/U+2029 and lone surrogates
    as escapes too; everything else stays as UTF-8 text.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return _SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)


_SOURCE_MAP = re.compile(r"^\s*//[#@] sourceMappingURL=\S*\s*$", re.MULTILINE)


def _inline_script(js: str) -> str:
    """A library's script inlined as it is, less its source-map comment (a developer tool
    would fetch the map from beside the page). One holding ``</script`` would end the
    element, so it is refused."""
    if re.search(r"</script|<!--", js, re.IGNORECASE):
        raise HtmlReportError("a bundled script holds '</script' or '<!--' and cannot be "
                              "inlined; report this as a bug")
    return _SOURCE_MAP.sub("", js)


def render_html(data: dict, *, limits: Limits = Limits()) -> str:
    """The whole page for :func:`page_data`'s ``data``."""
    try:
        template = TEMPLATE.read_text(encoding="utf-8")
    except OSError as exc:
        raise HtmlReportError(f"cannot read the report template {TEMPLATE}: {exc.strerror}")
    vis_js, vis_version = vis_network_js()
    script, div, bokeh_js = timeline_html(data, limits)
    data = dict(data)
    data["colours"] = act_colours(data["acts"])
    data["libs"] = {"vis": vis_version, "bokeh": _bokeh_version() if bokeh_js else ""}
    parts = {
        "<!--QT:VIS-->": "<script>" + _inline_script(vis_js) + "</script>",
        "<!--QT:BOKEH-->": ("<script>" + _inline_script(bokeh_js) + "</script>")
        if bokeh_js else "",
        "<!--QT:DATA-->": '<script type="application/json" id="qt-data">'
                          + script_json(data) + "</script>",
        "<!--QT:TIMELINE-->": div + script if div else "",
    }
    for marker in parts:
        if template.count(marker) != 1:
            raise HtmlReportError(f"the report template {TEMPLATE} lacks {marker}; "
                                  "reinstall quotetrack")
    # One pass, so text put in by one marker is never searched for the next.
    pattern = re.compile("|".join(re.escape(m) for m in parts))
    return pattern.sub(lambda m: parts[m.group()], template)


def _bokeh_version() -> str:
    try:
        from bokeh import __version__ as v
    except ImportError:
        return ""
    return v


@dataclass
class Built:
    """What :func:`write_html` wrote: the path, its size and the build time."""

    path: Path
    bytes: int
    seconds: float
    data: dict = field(repr=False, default_factory=dict)


def write_html(network: Network, path: PathLike, outdirs: Sequence[PathLike] = (), *,
               limits: Limits = Limits(), actor: Optional[str] = None,
               context: bool = True) -> Built:
    """Build the page and write it to ``path`` atomically (a temporary file renamed into
    place; an existing file stays as it was when anything fails).

    Raises:
        HtmlReportError: A library or the template is missing.
        quotetrack.report.ReportError: ``actor`` names no actor, or several.
        OSError: ``path`` cannot be written.
    """
    t0 = time.perf_counter()
    data = page_data(network, outdirs, limits=limits, actor=actor, context=context)
    page = render_html(data, limits=limits)
    path = Path(path)
    encoded = page.encode("utf-8")
    with atomic_write(path, "wb", encoding=None) as fh:
        fh.write(encoded)
    return Built(path, len(encoded), time.perf_counter() - t0, data)
