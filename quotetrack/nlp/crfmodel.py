"""What a crfsuite model knows: its attribute names, read straight from the model file.

crfsuite looks every feature string of an item up in the model's attribute dictionary and
silently drops the ones it has no weight for. Dropping them earlier, in Python, gives it the
same item (the kept strings in the same order, so the same scores and labels) while sparing
the conversion of strings it would throw away. :func:`model_attributes` reads that
dictionary (a CQDB chunk, see crfsuite's ``crf1d_model.c`` and ``cqdb.c``) in a few
milliseconds; ``pycrfsuite.Tagger.info()`` gives the same names but parses a text dump of
the whole model (a third of a second per model).
"""
from __future__ import annotations

import struct
from pathlib import Path
from itertools import compress
from typing import FrozenSet, Iterable, Optional, Sequence

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
    try:
        magic, size, kind, _version, _nf, _nl, num_attrs, _of, _ol, off_attrs, _olr, _oar = \
            _MODEL_HEADER.unpack_from(data, 0)
        if magic != b"lCRF" or kind != b"FOMC" or size != len(data):
            raise ModelFormatError(f"{path}: not a crfsuite CRF1d model")
        chunk, _size, _flag, _order, bwd_size, bwd_offset = _CQDB_HEADER.unpack_from(data, off_attrs)
        if chunk != b"CQDB" or bwd_size != num_attrs:
            raise ModelFormatError(f"{path}: attribute dictionary not found")
        offsets = struct.unpack_from("<%dI" % bwd_size, data, off_attrs + bwd_offset)
        names = set()
        unpack = _RECORD.unpack_from
        for aid, off in enumerate(offsets):
            pos = off_attrs + off
            rid, ksize = unpack(data, pos)
            if rid != aid or ksize < 1 or data[pos + 8 + ksize - 1] != 0:
                raise ModelFormatError(f"{path}: damaged attribute record {aid}")
            names.add(data[pos + 8:pos + 8 + ksize - 1])
    except struct.error as exc:
        raise ModelFormatError(f"{path}: truncated crfsuite model ({exc})") from None
    return frozenset(names)




__all__ = ["ModelFormatError", "model_attributes"]


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
