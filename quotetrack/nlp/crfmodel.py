"""What a crfsuite model knows, read straight from the model file, and labelling with it.

crfsuite looks every feature string of an item up in the model's attribute dictionary and
silently drops the ones it has no weight for. Dropping them earlier, in Python, gives it the
same item (the kept strings in the same order, so the same scores and labels) while sparing
the conversion of strings it would throw away. :func:`model_attributes` reads that
dictionary (a CQDB chunk, see crfsuite's ``crf1d_model.c`` and ``cqdb.c``) in a few
milliseconds; ``pycrfsuite.Tagger.info()`` gives the same names but parses a text dump of
the whole model (a third of a second per model).

:func:`read_model` reads the weights too, and :class:`LinearChainCRF` labels with them as
crfsuite does (the same float additions in the same order, the same Viterbi ties), from
attribute ids instead of strings: the span tagger's two models in under half of
pycrfsuite's time.
"""
from __future__ import annotations

import math
import struct
from pathlib import Path
from itertools import chain, compress
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

# crf1d model header: magic "lCRF", size, type "FOMC", version, num_features, num_labels,
# num_attrs, off_features, off_labels, off_attrs, off_labelrefs, off_attrrefs (little-endian).
_MODEL_HEADER = struct.Struct("<4sI4sIIIIIIIII")
# CQDB chunk header: "CQDB", size, flag, byteorder, bwd_size, bwd_offset.
_CQDB_HEADER = struct.Struct("<4sIIIII")
_RECORD = struct.Struct("<iI")  # id, key size (with its NUL)


class ModelFormatError(ValueError):
    """The file is not a crfsuite CRF1d model this reader understands."""


def model_attributes(path: Path) -> FrozenSet[bytes]:
    """The attribute names of a crfsuite CRF1d model file, as UTF-8 bytes (read anew on
    every call: a model retrained in place is read as it is now).

    Raises:
        ModelFormatError: The file is not a crfsuite model, or is damaged.
    """
    data = Path(path).read_bytes()
    header = _header(data, path)
    return frozenset(_cqdb_names(data, header[9], header[6], path, "attribute"))


def _header(data: bytes, path) -> tuple:
    try:
        header = _MODEL_HEADER.unpack_from(data, 0)
    except struct.error as exc:
        raise ModelFormatError(f"{path}: truncated crfsuite model ({exc})") from None
    magic, size, kind = header[:3]
    if magic != b"lCRF" or kind != b"FOMC" or size != len(data):
        raise ModelFormatError(f"{path}: not a crfsuite CRF1d model")
    return header


def _cqdb_names(data: bytes, offset: int, count: int, path, what: str) -> List[bytes]:
    """The strings of a CQDB chunk, by id (0 .. count - 1)."""
    try:
        chunk, _size, _flag, _order, bwd_size, bwd_offset = _CQDB_HEADER.unpack_from(data, offset)
        if chunk != b"CQDB" or bwd_size != count:
            raise ModelFormatError(f"{path}: {what} dictionary not found")
        offsets = struct.unpack_from("<%dI" % bwd_size, data, offset + bwd_offset)
        names = []
        unpack = _RECORD.unpack_from
        for aid, off in enumerate(offsets):
            pos = offset + off
            rid, ksize = unpack(data, pos)
            if rid != aid or ksize < 1 or data[pos + 8 + ksize - 1] != 0:
                raise ModelFormatError(f"{path}: damaged {what} record {aid}")
            names.append(data[pos + 8:pos + 8 + ksize - 1])
    except struct.error as exc:
        raise ModelFormatError(f"{path}: truncated crfsuite model ({exc})") from None
    return names


# One feature of the FEAT chunk: type (0 state, 1 transition), source (attribute or
# label), destination label, weight.
_FEATURE = [("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")]


def read_model(path: Path) -> Tuple[List[str], List[bytes], "object", "object"]:
    """A crfsuite CRF1d model's labels, attribute names, state weights (attributes x
    labels) and transition weights (labels x labels), read straight from the file.

    Raises:
        ModelFormatError: Not a model this reader understands, damaged, or holding two
            weights for one (attribute, label) or (label, label) pair (crfsuite never
            writes that; :class:`LinearChainCRF` could not sum them in crfsuite's order).
    """
    import numpy as np

    data = Path(path).read_bytes()
    _m, _s, _k, _v, _nf, num_labels, num_attrs, off_features, off_labels, off_attrs, \
        off_labelrefs, off_attrrefs = _header(data, path)
    labels = [x.decode("utf-8") for x in _cqdb_names(data, off_labels, num_labels, path, "label")]
    attrs = _cqdb_names(data, off_attrs, num_attrs, path, "attribute")
    try:
        # (crfsuite leaves the header's feature count at 0: the chunk's count holds)
        chunk, size, num = struct.unpack_from("<4sII", data, off_features)
        if chunk != b"FEAT" or size != 12 + 20 * num:
            raise ModelFormatError(f"{path}: feature chunk not found")
        feats = np.frombuffer(data, dtype=np.dtype(_FEATURE), count=num, offset=off_features + 12)
        refs = {}
        # (crfsuite writes two more label references than labels, for BOS and EOS)
        for name, offset, count in ((b"AFRF", off_attrrefs, num_attrs), (b"LFRF", off_labelrefs, num_labels)):
            chunk, _size, num = struct.unpack_from("<4sII", data, offset)
            if chunk != name or num < count:
                raise ModelFormatError(f"{path}: feature references not found")
            refs[name] = np.frombuffer(data, dtype="<u4", count=count, offset=offset + 12).astype(np.int64)
        words = np.frombuffer(data, dtype="<u4", count=len(data) // 4)
    except ModelFormatError:
        raise
    except (struct.error, ValueError) as exc:
        raise ModelFormatError(f"{path}: truncated crfsuite model ({exc})") from None
    kind, src, dst, weight = (feats[f].astype(np.int64) if f != "weight" else feats[f].astype(np.float64)
                              for f, _ in _FEATURE)
    state = kind == 0
    trans = kind == 1
    if not (state | trans).all() or (src[state] >= num_attrs).any() or (dst >= num_labels).any() \
            or (src[trans] >= num_labels).any():
        raise ModelFormatError(f"{path}: damaged features")
    # crfsuite scores an attribute (a label's transitions) through its reference list:
    # check that each lists as many features as the attribute (label) has here.
    for name, mask, count in ((b"AFRF", state, num_attrs), (b"LFRF", trans, num_labels)):
        at = refs[name]
        if (at % 4).any() or (at // 4 >= len(words)).any() or \
                not np.array_equal(words[at // 4], np.bincount(src[mask], minlength=count)):
            raise ModelFormatError(f"{path}: feature references do not match the features")
    W = np.zeros((num_attrs, num_labels))
    T = np.zeros((num_labels, num_labels))
    for table, mask in ((W, state), (T, trans)):
        keys = src[mask] * num_labels + dst[mask]
        if len(np.unique(keys)) != len(keys):
            raise ModelFormatError(f"{path}: two weights for one feature")
        table.flat[keys] = weight[mask]
    return labels, attrs, W, T


class LinearChainCRF:
    """Viterbi labelling with one or more crfsuite CRF1d models reading the same items,
    equal to ``pycrfsuite.Tagger.tag`` label for label.

    An item is a list of attribute names, each with the value 1 (what pycrfsuite makes of a
    list of strings). crfsuite scores an item by adding, in the item's order, the weight of
    each of its attributes for each label (unknown attributes are dropped; a string is read
    up to a NUL byte), then runs Viterbi keeping the first of equal scores. This does the same float64
    additions in the same order (an attribute a model has no weight for adds an exact 0.0):
    the state scores of all the items of a document at once with numpy, then Viterbi per
    sequence in Python code written out for each model's label count (see
    :func:`_viterbi_code`). What it spares is crfsuite's own overhead here: pycrfsuite copies
    every feature string into C++ objects twice per model and looks each one up again.
    The models share one attribute index (:attr:`index`), so items given as ids
    (:meth:`tag_ids`) are scored for all the models by one pass.

    Args:
        paths: The model files.

    Raises:
        ModelFormatError: A file this reader does not understand (callers fall back to
            pycrfsuite).
    """

    def __init__(self, paths: Sequence[Path]):
        import numpy as np

        self._np = np
        models = [read_model(Path(p)) for p in paths]
        index: Dict[bytes, int] = {}
        for _, attrs, _, _ in models:
            for a in attrs:
                index.setdefault(a, len(index))
        n = len(index)
        width = sum(len(labels) for labels, _, _, _ in models)
        W = np.zeros((n + 1, width))  # the last row: the padding id, all 0.0
        self.labels: List[Tuple[str, ...]] = []
        self._decoders = []
        col = 0
        for labels, attrs, w, t in models:
            L = len(labels)
            W[[index[a] for a in attrs], col:col + L] = w
            self.labels.append(tuple(labels))
            self._decoders.append(_viterbi_code(t.tolist(), col))
            col += L
        #: Attribute name (bytes) -> id, over all the models.
        self.index = index
        self.pad = n
        self._W = W

    def ids(self, item: Iterable[bytes]) -> List[int]:
        """An item's attribute ids as crfsuite finds them (unknown ones dropped)."""
        get = self.index.get
        out = (get(x.split(b"\0", 1)[0] if b"\0" in x else x) for x in item)
        return [i for i in out if i is not None]

    def tag(self, sequences: Sequence[Sequence[Iterable[bytes]]]) -> List[List[List[str]]]:
        """The labels of each sequence (a list of items, each a list of attribute strings),
        one list per model: ``result[model][sequence]``. An empty sequence gets no labels."""
        return self.tag_ids([[self.ids(item) for item in seq] for seq in sequences])

    def tag_ids(self, sequences: Sequence[Sequence[Sequence[int]]]) -> List[List[List[str]]]:
        """:meth:`tag` for items given as attribute ids (from :attr:`index`)."""
        np = self._np
        items = [item for s in sequences for item in s]
        if not items:
            return [[[] for _ in sequences] for _ in self.labels]
        sizes = np.fromiter(map(len, items), dtype=np.intp, count=len(items))
        ids = np.fromiter(chain.from_iterable(items), dtype=np.intp, count=int(sizes.sum()))
        rows = self._state_scores(ids, sizes).tolist()
        out: List[List[List[str]]] = []
        for labels, decode in zip(self.labels, self._decoders):
            paths = []
            start = 0
            for s in sequences:
                end = start + len(s)
                paths.append([labels[j] for j in decode(rows, start, end)] if end > start else [])
                start = end
            out.append(paths)
        return out

    def _state_scores(self, ids, sizes):
        """Per item and label, the attribute weights added in the item's order."""
        np = self._np
        n = len(sizes)
        K = int(sizes.max())
        starts = np.cumsum(sizes) - sizes
        table = np.full((max(K, 1), n), self.pad, dtype=np.intp)  # [position in item, item]
        table[np.arange(len(ids)) - np.repeat(starts, sizes), np.repeat(np.arange(n), sizes)] = ids
        W = self._W
        state = W.take(table[0], axis=0)
        row = np.empty_like(state)
        for k in range(1, K):
            state += W.take(table[k], axis=0, out=row)
        return state


def _viterbi_code(trans: List[List[float]], col: int):
    """crfsuite's Viterbi (``crf1dc_viterbi``) for one model, written out for its labels.

    Returns ``decode(rows, start, end)``: the best label ids of the items ``rows[start:end]``,
    whose state scores for this model are ``row[col:col + L]``. Per item and label it does
    what crfsuite does: ``prev[i] + trans[i][j]`` over i in order, keeping the first of equal
    maxima, plus the state score; the last item's label is the first best one. Written out
    with the transition weights as constants (a loop over labels in Python would be ~4x
    slower), on Python floats, which are the C doubles crfsuite adds.
    """
    L = len(trans)
    # The weights as literals: repr() of a float reads back as the same double.
    w = [[repr(float(x)) if math.isfinite(x) else f"float({repr(str(float(x)))})" for x in row]
         for row in trans]
    a = [f"a{j}" for j in range(L)]
    lines = ["def decode(rows, start, end):",
             "    back = []",
             "    push = back.append",
             f"    {', '.join(a)}, = rows[start][{col}:{col + L}]",
             "    for t in range(start + 1, end):",
             "        s = rows[t]"]
    for j in range(L):
        lines.append(f"        m = a0 + ({w[0][j]}); b{j} = 0")
        for i in range(1, L):
            lines.append(f"        v = a{i} + ({w[i][j]})")
            lines.append(f"        if m < v: m = v; b{j} = {i}")
        lines.append(f"        n{j} = m + s[{col + j}]")
    lines += [f"        {', '.join(a)}, = {', '.join(f'n{j}' for j in range(L))},",
              f"        push(({', '.join(f'b{j}' for j in range(L))},))",
              f"    last = [{', '.join(a)}]",
              "    j = last.index(max(last))",
              "    path = [j]",
              "    for b in reversed(back):",
              "        j = b[j]",
              "        path.append(j)",
              "    path.reverse()",
              "    return path"]
    scope: dict = {}
    exec("\n".join(lines), scope)  # noqa: S102 - code built above from numbers only
    return scope["decode"]


__all__ = ["LinearChainCRF", "ModelFormatError", "model_attributes", "read_model"]


def known_indices(strings: Sequence[bytes], known: Optional[FrozenSet[bytes]],
                  nul: bool) -> Iterable[int]:
    """Indices of ``strings`` the model has a weight for: all when ``known`` is None (the
    model file could not be read), and, when ``nul`` says some word holds a NUL byte, every
    string with one too (crfsuite reads such a string cut short, so it is kept as it was)."""
    if known is None:
        return range(len(strings))
    if nul:
        return [k for k, x in enumerate(strings) if x in known or b"\0" in x]
    return compress(range(len(strings)), map(known.__contains__, strings))
