"""The neural sequence tagger: a small transformer encoder that labels source, cue and content.

A drop-in for the CRF :class:`~.tagger.Tagger` (same ``tag(doc)`` contract, same labels, so
the surface path links its spans into attributions with the same rules):

* encoder: all-MiniLM-L6-v2 (6 layers, 384 wide, Apache-2.0), fine-tuned on PolNeAR train
  minus the tune split by ``make train-neural`` (:mod:`quotetrack.dev.train_neural`);
* input: the wordpieces of each paragraph, plus four per-word marks the uncased
  wordpieces cannot see (capitalisation shape, inside quotation marks, cue-lexicon word,
  title word), added to the input embeddings;
* two heads, as in the CRF tagger: *role* (``B/I-SRC``, ``B/I-CUE``) and *content*
  (``B/I-CON``), which may nest inside another attribution's content;
* decoding: per word (its first wordpiece), a Viterbi path that never puts ``I-X`` after
  anything but ``B-X``/``I-X``;
* long paragraphs: windows of at most :data:`WINDOW` wordpieces overlapping by
  :data:`OVERLAP`; each word takes the window where it sits farthest from an edge.

torch and tokenizers are imported only when a NeuralTagger is built.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

from ..doc import AnnotatedArticle
from ..lexicon import DATA
from ..models import ModelsMissing
from .candidate import TaggedSpan
from .tagger import bio_spans, shape, token_marks

MODEL_DIR = DATA / "neural"
#: Point this at another trained folder (e.g. while choosing options on the tune split).
MODEL_DIR_ENV = "QUOTETRACK_NEURAL_DIR"
WEIGHTS = "tagger.safetensors"
CONFIG = "config.json"
TOKENIZER = "tokenizer.json"

ROLE_LABELS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE")
CONTENT_LABELS = ("O", "B-CON", "I-CON")
SHAPES = ("pad", "Xx", "X", "x", "d", "p")  # index 0 pads; shape() gives the rest (or the char)

WINDOW = 256   # wordpieces per window, [CLS] and [SEP] included
OVERLAP = 64   # wordpieces shared by neighbouring windows
MAX_BATCH_PIECES = 8192  # padded wordpieces per forward pass (bounds memory)
PAD_SLACK = 1.2  # a batch's longest window is at most this times its shortest
GROUP_WINDOWS = 256  # windows tagged together (sorted into batches); bounds memory per article


def model_dir() -> Path:
    """The neural tagger's folder: ``$QUOTETRACK_NEURAL_DIR`` or the shipped one."""
    return Path(os.environ.get(MODEL_DIR_ENV) or MODEL_DIR)


def shape_id(word: str) -> int:
    s = shape(word)
    return SHAPES.index(s) if s in SHAPES else SHAPES.index("p")


def word_marks(words: Sequence[str]) -> List[Tuple[int, int, int, int]]:
    """(shape, in quotes, cue word, title word) per word: what the model sees besides wordpieces."""
    cue, title, inq = token_marks(words)
    return [(shape_id(w), int(q), int(bool(c)), int(t)) for w, c, t, q in zip(words, cue, title, inq)]


# --------------------------------------------------------------------------------------
# The model (torch is imported inside, so this module loads without it)
# --------------------------------------------------------------------------------------

def build_model(config: dict):
    """A BERT encoder whose parameter names match the upstream checkpoint, plus the heads."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    hidden, heads, inter = config["hidden_size"], config["num_attention_heads"], config["intermediate_size"]
    eps = config.get("layer_norm_eps", 1e-12)
    drop = config.get("hidden_dropout_prob", 0.1)

    class Embeddings(nn.Module):
        def __init__(self):
            super().__init__()
            self.word_embeddings = nn.Embedding(config["vocab_size"], hidden, padding_idx=0)
            self.position_embeddings = nn.Embedding(config["max_position_embeddings"], hidden)
            self.token_type_embeddings = nn.Embedding(config["type_vocab_size"], hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
            self.dropout = nn.Dropout(drop)

        def forward(self, ids, extra):
            pos = torch.arange(ids.shape[1], device=ids.device)
            x = self.word_embeddings(ids) + self.position_embeddings(pos)[None] + \
                self.token_type_embeddings.weight[0] + extra
            return self.dropout(self.LayerNorm(x))

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)

    class Dense(nn.Module):
        def __init__(self, a, b):
            super().__init__()
            self.dense = nn.Linear(a, b)

    class DenseNorm(nn.Module):
        def __init__(self, a, b):
            super().__init__()
            self.dense = nn.Linear(a, b)
            self.LayerNorm = nn.LayerNorm(b, eps=eps)
            self.dropout = nn.Dropout(drop)

        def forward(self, x, residual):
            return self.LayerNorm(self.dropout(self.dense(x)) + residual)

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.self = SelfAttention()
            self.output = DenseNorm(hidden, hidden)

        def forward(self, x, mask):
            b, n, _ = x.shape
            split = lambda t: t.view(b, n, heads, hidden // heads).transpose(1, 2)  # noqa: E731
            q, k, v = split(self.self.query(x)), split(self.self.key(x)), split(self.self.value(x))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                                 dropout_p=drop if self.training else 0.0)
            return self.output(ctx.transpose(1, 2).reshape(b, n, hidden), x)

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = Attention()
            self.intermediate = Dense(hidden, inter)
            self.output = DenseNorm(inter, hidden)

        def forward(self, x, mask):
            x = self.attention(x, mask)
            return self.output(F.gelu(self.intermediate.dense(x)), x)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.ModuleList(Layer() for _ in range(config["num_hidden_layers"]))

    class QuoteTagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embeddings = Embeddings()
            self.encoder = Encoder()
            # Word marks, added to the input embeddings; zero-initialised so fine-tuning
            # starts from the pretrained encoder's own representations.
            self.marks = nn.ModuleList([nn.Embedding(len(SHAPES), hidden), nn.Embedding(2, hidden),
                                        nn.Embedding(2, hidden), nn.Embedding(2, hidden)])
            for m in self.marks:
                nn.init.zeros_(m.weight)
            self.dropout = nn.Dropout(drop)
            self.role = nn.Linear(hidden, len(ROLE_LABELS))
            self.content = nn.Linear(hidden, len(CONTENT_LABELS))

        def forward(self, ids, marks):
            """ids: (batch, pieces); marks: (batch, pieces, 4) -> (role, content) logits."""
            extra = sum(emb(marks[..., k]) for k, emb in enumerate(self.marks))
            x = self.embeddings(ids, extra)
            keep = (ids != 0)
            mask = keep[:, None, None, :]  # attend to real pieces only
            for layer in self.encoder.layer:
                x = layer(x, mask)
            x = self.dropout(x)
            return self.role(x), self.content(x)

    return QuoteTagger()


def allowed_transitions(labels: Sequence[str]):
    """(from, to) -> allowed: I-X only after B-X or I-X; anything may start with O or B-."""
    out = {}
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            ok = not b.startswith("I-") or (a != "O" and a[2:] == b[2:])
            out[i, j] = ok
    start = [not lab.startswith("I-") for lab in labels]
    return out, start


def viterbi(logprobs, labels: Sequence[str]) -> List[str]:
    """The best label path under the BIO constraint; ``logprobs`` is (words, labels) numpy."""
    import numpy as np

    n, k = logprobs.shape
    if n == 0:
        return []
    allowed, start = allowed_transitions(labels)
    trans = np.full((k, k), -1e9, dtype=np.float32)
    for (i, j), ok in allowed.items():
        if ok:
            trans[i, j] = 0.0
    score = logprobs[0] + np.where(start, 0.0, -1e9)
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + trans  # (from, to)
        back[t] = cand.argmax(0)
        score = cand.max(0) + logprobs[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return [labels[i] for i in reversed(path)]


# --------------------------------------------------------------------------------------
# Windows: paragraphs -> fixed-size wordpiece windows and back
# --------------------------------------------------------------------------------------

def load_tokenizer(path: Path):
    """The wordpiece tokenizer, with the truncation and padding its file asks for turned off
    (windows are cut here, and a truncating tokenizer would drop words silently)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def encode_words(tokenizer, words: Sequence[str]) -> Tuple[List[int], List[int]]:
    """(wordpiece ids, word index per piece) without special tokens; a word with no piece
    (e.g. a control character) gets [UNK] so every word has a first piece."""
    enc = tokenizer.encode(list(words), is_pretokenized=True, add_special_tokens=False)
    ids, owners = list(enc.ids), list(enc.word_ids)
    have = set(owners)
    if len(have) < len(words):
        unk = tokenizer.token_to_id("[UNK]")
        fixed_ids, fixed_owners, k = [], [], 0
        for w in range(len(words)):
            if w not in have:
                fixed_ids.append(unk)
                fixed_owners.append(w)
            while k < len(owners) and owners[k] == w:
                fixed_ids.append(ids[k])
                fixed_owners.append(w)
                k += 1
        ids, owners = fixed_ids, fixed_owners
    return ids, owners


def windows(n_pieces: int, size: int = WINDOW - 2, overlap: int = OVERLAP) -> List[Tuple[int, int]]:
    """Piece ranges [a, b) covering 0..n with the given overlap."""
    if n_pieces <= size:
        return [(0, n_pieces)]
    out, a = [], 0
    step = size - overlap
    while True:
        b = min(a + size, n_pieces)
        out.append((a, b))
        if b == n_pieces:
            return out
        a += step


def first_pieces(owners: Sequence[int], n_words: int) -> List[int]:
    firsts = [-1] * n_words
    for p, w in enumerate(owners):
        if firsts[w] < 0:
            firsts[w] = p
    return firsts


def best_window(firsts: Sequence[int], spans: Sequence[Tuple[int, int]]) -> List[int]:
    """For each word, the window in which its first piece is farthest from an edge."""
    out = []
    for p in firsts:
        best, best_margin = 0, -1
        for k, (a, b) in enumerate(spans):
            if a <= p < b:
                margin = min(p - a, b - 1 - p)
                if margin > best_margin:
                    best, best_margin = k, margin
        out.append(best)
    return out


def paragraph_windows(tokenizer, words: Sequence[str]):
    """One paragraph as the model reads it: ``(items, spans, owners)``.

    ``items`` holds one ``(ids, marks)`` per window, wrapped in [CLS] ... [SEP]; ``spans`` the
    windows' piece ranges; ``owners`` the word of every piece. Shared by tagging and training.
    """
    ids, owners = encode_words(tokenizer, words)
    marks = word_marks(words)
    piece_marks = [marks[w] for w in owners]
    spans = windows(len(ids))
    cls, sep, none = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]"), (0, 0, 0, 0)
    items = [([cls] + ids[a:b] + [sep], [none] + piece_marks[a:b] + [none]) for a, b in spans]
    return items, spans, owners


class NeuralTagger:
    """Loads the fine-tuned encoder once and tags paragraphs in batches."""

    name = "neural"

    def __init__(self, folder: Optional[Path] = None, *, threads: Optional[int] = None):
        folder = Path(folder or model_dir())
        missing = [f for f in (WEIGHTS, CONFIG, TOKENIZER) if not (folder / f).is_file()]
        if missing:
            raise ModelsMissing(f"neural tagger files missing in {folder}: {', '.join(missing)}; "
                                "run `make train-neural` or use --tagger crf")
        try:
            import torch
            from safetensors.torch import load_file
            import tokenizers  # noqa: F401
        except ImportError as exc:
            raise ModelsMissing(f"the neural tagger needs torch, safetensors and tokenizers ({exc}); "
                                "install them or use --tagger crf") from exc
        self._torch = torch
        if threads:
            torch.set_num_threads(threads)
        config = json.loads((folder / CONFIG).read_text())
        self.config = config
        model = build_model(config["encoder"])
        state = {k: v.float() for k, v in load_file(str(folder / WEIGHTS)).items()}
        model.load_state_dict(state)
        model.eval()
        self.model = model
        self.tokenizer = load_tokenizer(folder / TOKENIZER)

    def _prepare(self, words: Sequence[str]):
        items, spans, owners = paragraph_windows(self.tokenizer, words)
        return items, spans, first_pieces(owners, len(words))

    def _forward(self, items):
        """Log-probabilities for a list of windows: [(role (n, 5), content (n, 3)) numpy]."""
        torch = self._torch
        out = [None] * len(items)
        order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
        k = 0
        while k < len(order):
            shortest = len(items[order[k]][0])  # the order is ascending
            j = k
            # windows of similar length share a batch: padding is computed for nothing
            while j < len(order) and (j - k + 1) * len(items[order[j]][0]) <= max(MAX_BATCH_PIECES, shortest) \
                    and len(items[order[j]][0]) <= PAD_SLACK * shortest:
                j += 1
            batch = order[k:j]
            width = max(len(items[i][0]) for i in batch)
            ids = torch.zeros((len(batch), width), dtype=torch.long)
            marks = torch.zeros((len(batch), width, 4), dtype=torch.long)
            for r, i in enumerate(batch):
                n = len(items[i][0])
                ids[r, :n] = torch.tensor(items[i][0])
                marks[r, :n] = torch.tensor(items[i][1])
            with torch.inference_mode():
                role, content = self.model(ids, marks)
                role = torch.log_softmax(role, -1).numpy()
                content = torch.log_softmax(content, -1).numpy()
            for r, i in enumerate(batch):
                n = len(items[i][0])
                out[i] = (role[r, 1:n - 1], content[r, 1:n - 1])
            k = j
        return out

    def tag(self, doc: AnnotatedArticle) -> Iterator[Tuple[Tuple[int, int], List[TaggedSpan]]]:
        """Yield ((para_start, para_end), spans) for every paragraph, in text order.

        Paragraphs go to the model in groups of about :data:`GROUP_WINDOWS` windows (a whole
        news article is one group), so memory stays bounded on a megabyte-long article.
        """
        # Every paragraph, not only those with a quote mark, colon or cue word (the CRF's
        # filter): on the tune split the filter cost 1.4 joint F1 (77.5 -> 76.1) and on BBC
        # it would skip only 7% of the tokens.
        group: List[tuple] = []
        n_windows = 0
        for a, b in doc.paragraphs():
            its, spans, firsts = self._prepare([t.text for t in doc.tokens[a:b]])
            group.append(((a, b), its, spans, firsts))
            n_windows += len(its)
            if n_windows >= GROUP_WINDOWS:
                yield from self._tag_group(group)
                group, n_windows = [], 0
        if group:
            yield from self._tag_group(group)

    def _tag_group(self, group: List[tuple]) -> Iterator[Tuple[Tuple[int, int], List[TaggedSpan]]]:
        import numpy as np

        items = [it for _, its, _, _ in group for it in its]
        logp = self._forward(items)
        first_item = 0
        for (a, b), its, spans, firsts in group:
            choice = best_window(firsts, spans)
            role = np.stack([logp[first_item + c][0][p - spans[c][0]] for p, c in zip(firsts, choice)])
            content = np.stack([logp[first_item + c][1][p - spans[c][0]] for p, c in zip(firsts, choice)])
            first_item += len(its)
            out = list(bio_spans(viterbi(role, ROLE_LABELS), a))
            out.extend(bio_spans(viterbi(content, CONTENT_LABELS), a))
            yield (a, b), out


def neural_available(folder: Optional[Path] = None) -> bool:
    """Whether the neural tagger can be built here: its files shipped and torch importable."""
    folder = Path(folder or model_dir())
    if not all((folder / f).is_file() for f in (WEIGHTS, CONFIG, TOKENIZER)):
        return False
    import importlib.util
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "safetensors", "tokenizers"))


@lru_cache(maxsize=2)
def default_neural_tagger(threads: Optional[int] = None) -> NeuralTagger:
    """The shipped (or ``$QUOTETRACK_NEURAL_DIR``) tagger, loaded once per process and thread count."""
    return NeuralTagger(threads=threads)
