#!/usr/bin/env python3
"""Which encoder, or which input, reads real statements better? A dev-only probe.

Fine-tunes a Hugging Face encoder folder (any `AutoModelForSequenceClassification`
architecture, e.g. all-mpnet-base-v2, which `stance` cannot load) on the given training
files with one fixed recipe, and scores the **real dev** split after every epoch: macro-F1,
accuracy and polarity flips, computed as `stance eval` computes them. Run it on two encoders
with the same arguments to compare encoders rather than recipes; `--with-actor` gives the
recorded actor as a first segment; `--pooling mean` classifies the mean of the token states
instead of `[CLS]`; `--freeze-word-embeddings` keeps the word-embedding table fixed (as the
multilingual models are trained). It never reads a test split.

    .venv/bin/python scripts/encoder_probe.py --base models/all-minilm-l6-v2 \
        --train datasets/stance/train.jsonl --train datasets/real/train.jsonl \
        --train datasets/real/retired_test.jsonl --dev datasets/real/dev.jsonl \
        --epochs 3 --lr 5e-5 --out target/probe-minilm

Writes `<out>/dev-epoch<N>.jsonl` (id, gold, probabilities), `<out>/summary.json` and, with
`--save`, the final model to `<out>/model`.
"""

import argparse
import json
import math
import os
import random
import time

import torch
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

from stance_labels import LABELS, is_flip, side


class MeanPooled(torch.nn.Module):
    """The encoder's token states averaged over the real tokens (how sentence-embedding bases
    such as all-MiniLM-L6-v2 and multilingual-e5 were trained to be read), then BERT's
    sequence-classification head (dense + tanh, dropout, linear) on that mean instead of on
    [CLS]. The pooler starts from the base's when it has one."""

    def __init__(self, base, num_labels):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(base, add_pooling_layer=False)
        h = self.encoder.config.hidden_size
        self.pooler = torch.nn.Linear(h, h)
        self.dropout = torch.nn.Dropout(self.encoder.config.hidden_dropout_prob)
        self.classifier = torch.nn.Linear(h, num_labels)
        std = self.encoder.config.initializer_range
        for lin in (self.pooler, self.classifier):
            torch.nn.init.normal_(lin.weight, std=std)
            torch.nn.init.zeros_(lin.bias)
        pretrained = AutoModel.from_pretrained(base)
        if getattr(pretrained, "pooler", None) is not None:
            self.pooler.load_state_dict(pretrained.pooler.dense.state_dict())

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        x = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(x.dtype)
        mean = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        logits = self.classifier(self.dropout(torch.tanh(self.pooler(mean))))
        return type("Out", (), {"logits": logits})


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def macro_f1(gold, pred):
    scores = []
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def polarity_flips(gold, pred):
    stance = [(g, p) for g, p in zip(gold, pred) if side(g)]
    flips = sum(is_flip(g, p) for g, p in stance)
    return flips / max(len(stance), 1)


def batches(rows, tokenizer, max_tokens, batch_size, shuffle, rng, with_actor=False):
    """Length-bucketed batches (sorted within chunks of 50 batches, then shuffled)."""
    order = list(range(len(rows)))
    if shuffle:
        rng.shuffle(order)
    chunk = batch_size * 50
    out = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: len(rows[i]["text"]))
        out.extend(part[i:i + batch_size] for i in range(0, len(part), batch_size))
    if shuffle:
        rng.shuffle(out)
    for idx in out:
        texts = [rows[i]["text"] for i in idx]
        if with_actor:
            # The guide labels the recorded actor's own words (5.14.20): the actor is the
            # first segment of a sentence pair, the passage the second.
            actors = [rows[i].get("actor") or "" for i in idx]
            enc = tokenizer(actors, texts, truncation="only_second", max_length=max_tokens,
                            padding=True, return_tensors="pt")
        else:
            enc = tokenizer(texts, truncation=True, max_length=max_tokens, padding=True,
                            return_tensors="pt")
        yield idx, enc


def write_probs(path, rows, probs):
    with open(path, "w") as f:
        for row, p in zip(rows, probs):
            f.write(json.dumps({"id": row["id"], "gold": row["label"], "probs": p}) + "\n")


def evaluate(model, tokenizer, rows, max_tokens, with_actor):
    model.eval()
    probs = [None] * len(rows)
    with torch.inference_mode():
        for idx, enc in batches(rows, tokenizer, max_tokens, 64, False, None, with_actor):
            p = torch.softmax(model(**enc).logits.float(), dim=-1)
            for i, row in zip(idx, p.tolist()):
                probs[i] = row
    model.train()
    pred = [LABELS[max(range(6), key=lambda k: p[k])] for p in probs]
    gold = [r["label"] for r in rows]
    acc = sum(g == p for g, p in zip(gold, pred)) / len(rows)
    return probs, {"macro_f1": macro_f1(gold, pred), "accuracy": acc,
                   "polarity_flips": polarity_flips(gold, pred)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--train", action="append", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--with-actor", action="store_true",
                    help="give the recorded actor as the first segment of a sentence pair")
    ap.add_argument("--save", action="store_true", help="save the final model to <out>/model")
    ap.add_argument("--freeze-word-embeddings", action="store_true",
                    help="keep the word-embedding table as the base has it (as `stance train "
                         "--freeze-word-embeddings` does for the multilingual models)")
    ap.add_argument("--pooling", choices=["cls", "mean"], default="cls",
                    help="classify [CLS] (BERT's head, the shipped models) or the mean of the "
                         "token states")
    args = ap.parse_args()
    if args.save and args.pooling == "mean":
        raise SystemExit("--save: only a [CLS] model saves as a transformers folder")
    for path in args.train + [args.dev]:
        name = os.path.basename(path)
        if "test" in name and "retired" not in name:
            raise SystemExit(f"{path}: the probe never reads a test split")

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    train = [r for path in args.train for r in read_jsonl(path)]
    dev = read_jsonl(args.dev)
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    if args.pooling == "mean":
        model = MeanPooled(args.base, len(LABELS))
    else:
        model = AutoModelForSequenceClassification.from_pretrained(
            args.base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
            label2id={l: i for i, l in enumerate(LABELS)})
    if args.freeze_word_embeddings:
        encoder = model.encoder if args.pooling == "mean" else model.base_model
        encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    model.train()
    label_id = {l: i for i, l in enumerate(LABELS)}
    steps = args.epochs * math.ceil(len(train) / args.batch_size)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    warmup = int(0.1 * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / max(warmup, 1), max(0.0, (steps - s) / max(steps - warmup, 1))))
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    os.makedirs(args.out, exist_ok=True)
    summary = {"base": args.base, "train": args.train, "dev": args.dev, "train_rows": len(train),
               "args": vars(args), "epochs": []}
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        for n, (idx, enc) in enumerate(batches(train, tokenizer, args.max_tokens,
                                                args.batch_size, True, rng, args.with_actor)):
            target = torch.tensor([label_id[train[i]["label"]] for i in idx])
            loss = loss_fn(model(**enc).logits, target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            if n % 50 == 0:
                print(f"epoch {epoch} batch {n} loss {loss.item():.3f} "
                      f"{time.time() - start:.0f}s", flush=True)
        probs, metrics = evaluate(model, tokenizer, dev, args.max_tokens, args.with_actor)
        metrics.update(epoch=epoch, seconds=round(time.time() - start))
        summary["epochs"].append(metrics)
        print(json.dumps(metrics), flush=True)
        write_probs(os.path.join(args.out, f"dev-epoch{epoch}.jsonl"), dev, probs)
        with open(os.path.join(args.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
    if args.with_actor:
        # How much the model leans on the actor field: the same passages with it left empty.
        blank = [dict(row, actor="") for row in dev]
        probs, metrics = evaluate(model, tokenizer, blank, args.max_tokens, True)
        summary["without_actor"] = metrics
        print(json.dumps({"without_actor": metrics}), flush=True)
        write_probs(os.path.join(args.out, "dev-without-actor.jsonl"), dev, probs)
        with open(os.path.join(args.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
    if args.save:
        model.save_pretrained(os.path.join(args.out, "model"))
        tokenizer.save_pretrained(os.path.join(args.out, "model"))


if __name__ == "__main__":
    main()
