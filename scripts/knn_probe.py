#!/usr/bin/env python3
"""Probe: does a vote of the nearest labelled real passages correct a model's readings?

Embeds a memory of labelled passages (default: the real train split and the retired test split,
the real text the shipped English model trained on) and a dev file, takes each dev passage's k
nearest memory passages by cosine similarity, turns their gold labels into a distribution
(weights exp(similarity / T)) and mixes it with the model's probabilities from `stance classify`
output: p = (1 - lam) * p_model + lam * p_knn. Prints macro-F1 and polarity flips for every (k, T,
lam) of a small grid, the model alone first. Rows a guide rule decided (`rule` set) keep their
label. Embeddings: the stance model's pooled [CLS] (`--embed model`) or a sentence encoder's mean
of token states (`--embed mean`, e.g. models/all-minilm-l6-v2).

A dev-only probe (models/EXPERIMENTS.md, "Nearest labelled passages as a second reader"): it
refuses any file whose name contains "test" as the dev file, so a test split is never read.

Usage: .venv/bin/python scripts/knn_probe.py --encoder models/stance-minilm-v3 --embed model \\
           --dev datasets/real/dev.jsonl --predictions target/dev-pred.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

LABELS = ["opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"]
SIDE = np.array([-1, -1, 0, 1, 1, 0])
MEMORY = ["datasets/real/train.jsonl", "datasets/real/retired_test.jsonl"]


def rows(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def macro_f1_and_flips(gold: np.ndarray, pred: np.ndarray) -> tuple[float, int]:
    """Macro-F1 over the six labels (a label never gold nor predicted scores 0, as in
    `stance eval` only labels with support or predictions count) and polarity flips."""
    f1 = []
    for k in range(len(LABELS)):
        tp = int(((pred == k) & (gold == k)).sum())
        fp = int(((pred == k) & (gold != k)).sum())
        fn = int(((pred != k) & (gold == k)).sum())
        if tp + fp + fn == 0:
            continue
        f1.append(2 * tp / (2 * tp + fp + fn))
    flips = int(((SIDE[gold] != 0) & (SIDE[pred] == -SIDE[gold])).sum())
    return float(np.mean(f1)), flips


def knn_distribution(sim: np.ndarray, memory_labels: np.ndarray, k: int, t: float) -> np.ndarray:
    """Per query row, the label distribution of its k most similar memory rows, each weighted
    exp(similarity / t)."""
    idx = np.argsort(-sim, axis=1)[:, :k]
    out = np.zeros((sim.shape[0], len(LABELS)))
    for i in range(sim.shape[0]):
        w = np.exp(sim[i, idx[i]] / t)
        np.add.at(out[i], memory_labels[idx[i]], w)
        out[i] /= out[i].sum()
    return out


def embed(encoder: str, how: str, texts: list[str]) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(encoder)
    if how == "model":
        model = AutoModelForSequenceClassification.from_pretrained(encoder).eval()
    else:
        model = AutoModel.from_pretrained(encoder).eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), 32):
            b = tok(texts[i : i + 32], padding=True, truncation=True, max_length=256,
                    return_tensors="pt")
            if how == "model":
                out.append(model.bert(**b).pooler_output.numpy())
            else:
                h = model(**b).last_hidden_state
                m = b["attention_mask"].unsqueeze(-1).float()
                out.append(((h * m).sum(1) / m.sum(1)).numpy())
    e = np.concatenate(out)
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--encoder", required=True)
    ap.add_argument("--embed", choices=["model", "mean"], default="model")
    ap.add_argument("--dev", required=True)
    ap.add_argument("--predictions", required=True, help="stance classify JSONL output for --dev")
    ap.add_argument("--memory", nargs="+", default=MEMORY)
    a = ap.parse_args()
    if "test" in Path(a.dev).name:
        raise SystemExit(f"refusing {a.dev}: this probe reads dev files only")
    memory = [r for f in a.memory for r in rows(f)]
    dev = rows(a.dev)
    pred = {r["id"]: r for r in rows(a.predictions)}
    p_model = np.array([[pred[r["id"]]["p_" + l] for l in LABELS] for r in dev])
    ruled = np.array([pred[r["id"]].get("rule") is not None for r in dev])
    gold = np.array([LABELS.index(r["label"]) for r in dev])
    mem_labels = np.array([LABELS.index(r["label"]) for r in memory])
    sim = embed(a.encoder, a.embed, [r["text"] for r in dev]) @ embed(
        a.encoder, a.embed, [r["text"] for r in memory]).T
    off = LABELS.index("off_topic")
    f1, flips = macro_f1_and_flips(gold, np.where(ruled, off, p_model.argmax(1)))
    print(f"model alone: macro-F1 {f1:.4f}, flips {flips}")
    for k in (5, 10, 20):
        for t in (0.05, 0.1):
            q = knn_distribution(sim, mem_labels, k, t)
            for lam in (0.25, 0.5, 0.75, 1.0):
                p = np.where(ruled, off, ((1 - lam) * p_model + lam * q).argmax(1))
                f1, flips = macro_f1_and_flips(gold, p)
                print(f"k {k:2d}  T {t:.2f}  lam {lam:.2f}: macro-F1 {f1:.4f}, flips {flips}")


if __name__ == "__main__":
    main()
