#!/usr/bin/env python3
"""A teacher's readings for `stance train --teacher-readings`, from a model `stance` cannot load.

Reads every distinct `text` of the given JSONL files (training data and distillation pools)
with a Hugging Face sequence-classification folder (e.g. all-mpnet-base-v2 fine-tuned by
`scripts/encoder_probe.py --save`) and writes one JSONL row per distinct text:

    {"text": "...", "probs": {"opposes": 0.91, "does_not_support": 0.04, ...}}

Probabilities are the model's softmax at temperature 1, keyed by the folder's `id2label`
(which must name the six stance labels); `stance train` softens them with
`--distill-temperature`. Texts are read in length-sorted batches, in order of first
appearance, so the same model and files give the same file. It never reads a test split.

    .venv/bin/python scripts/teacher_readings.py --model target/teacher-mpnet/model \\
        --data datasets/stance/train.jsonl --data datasets/real/train.jsonl \\
        --data datasets/real/retired_test.jsonl --out target/teacher-mpnet/readings.jsonl
"""

import argparse

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from readings import distinct_texts, write_readings
from stance_labels import LABELS


def label_order(model):
    names = [model.config.id2label[i] for i in range(model.config.num_labels)]
    if sorted(names) != sorted(LABELS):
        raise SystemExit(f"the model's labels {names} are not the six stance labels")
    return names


def readings(model, tokenizer, texts, max_tokens, batch_size):
    names = label_order(model)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = [None] * len(texts)
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            enc = tokenizer([texts[i] for i in idx], truncation=True, max_length=max_tokens,
                            padding=True, return_tensors="pt")
            probs = torch.softmax(model(**enc).logits.double(), dim=-1).tolist()
            for i, p in zip(idx, probs):
                out[i] = {name: p[k] for k, name in enumerate(names)}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="Hugging Face sequence-classification folder")
    ap.add_argument("--data", action="append", required=True, help="JSONL with a text field")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    texts = distinct_texts(args.data)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSequenceClassification.from_pretrained(args.model)
    probs = readings(model, tokenizer, texts, args.max_tokens, args.batch_size)
    write_readings(args.out, texts, probs)
    print(f"teacher_readings: {len(texts)} texts -> {args.out}")


if __name__ == "__main__":
    main()
