#!/usr/bin/env python3
"""Reference classifier: the Hugging Face ``transformers`` text-classification pipeline.

    .venv/bin/python scripts/bench/hf_pipeline.py CORPUS.jsonl --model DIR --threads T --out RESULT.json

Run by bench.py as its own process (so its peak RSS is measured alone). Loads the model folder
offline, classifies every ``text`` of the corpus with ``pipeline("text-classification", ...,
device=-1, batch_size=64, truncation=True, top_k=None)`` and writes a JSON object with the
timings (import, model load, warm-up, the timed pipeline call), the argmax label per ``id``,
and an estimate of the floating-point work the pipeline's padded batches cost.

Only the pipeline call over the full list is timed for statements/s; model load is reported
separately. One batch is classified first as a warm-up (not timed), since the pipeline is
measured as a steady-state library call.
"""
import argparse
import json
import os
import pathlib
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

BATCH_SIZE = 64


def read_corpus_with_actors(path):
    """(ids, texts, actors) of a JSONL corpus; a missing or blank actor is ""."""
    ids, texts, actors = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                ids.append(rec["id"])
                texts.append(rec["text"])
                actors.append((rec.get("actor") or "").strip())
    return ids, texts, actors


def reads_actor(model_dir):
    """Whether the model reads (actor, text) pairs (``"stance_input": "actor_text"``)."""
    config = json.loads((pathlib.Path(model_dir) / "config.json").read_text())
    return config.get("stance_input") == "actor_text"


def top_label(scores):
    """The argmax label of one pipeline result (a list of {label, score} dicts)."""
    if isinstance(scores, dict):  # top_k=1 style result
        return scores["label"]
    return max(scores, key=lambda s: s["score"])["label"]


def estimate_flops(tokenizer, config, texts, max_length, actors=None):
    """FLOPs of a full BERT forward over the pipeline's batches (input order, 64 per batch,
    each padded to its longest sequence): QKV, attention, output projection and FFN in every
    layer, plus pooler and classifier. Embeddings, softmax and layer norms are left out, as in
    stance's own count (which differs only in skipping non-CLS rows of the last layer)."""
    if actors is None:
        enc = tokenizer(texts, truncation=True, max_length=max_length)
    else:
        enc = tokenizer(actors, texts, truncation="only_second", max_length=max_length)
    lengths = [len(ids) for ids in enc["input_ids"]]
    h, inter, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    labels = config.num_labels
    total = 0.0
    padded = 0
    for start in range(0, len(lengths), BATCH_SIZE):
        chunk = lengths[start:start + BATCH_SIZE]
        b, l = len(chunk), max(chunk)
        padded += b * l
        per_layer = 2 * b * l * (4 * h * h + 2 * h * inter) + 2 * 2 * b * l * l * h
        total += layers * per_layer + 2 * b * (h * h + h * labels)
    return total, sum(lengths), padded


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="JSONL with id and text")
    ap.add_argument("--model", required=True, help="Hugging Face model folder")
    ap.add_argument("--threads", type=int, required=True, help="torch intra-op threads")
    ap.add_argument("--max-length", type=int, default=256,
                    help="truncation length in tokens, specials included (default 256, as stance)")
    ap.add_argument("--out", required=True, help="result JSON path")
    args = ap.parse_args()
    config = json.loads((pathlib.Path(args.model) / "config.json").read_text())
    if config.get("stance_pooling") == "mean":
        # The pipeline classifies [CLS]; it cannot compute a head over the mean of the token
        # states, so it would time (and label with) another function than stance's.
        sys.exit(f"{args.model}: the head reads the mean of the token states "
                 "(stance_pooling = mean), which the transformers pipeline cannot compute")

    t0 = time.perf_counter()
    import torch
    import transformers
    from transformers import pipeline
    import_s = time.perf_counter() - t0

    torch.set_num_threads(args.threads)
    ids, texts, actors = read_corpus_with_actors(args.corpus)
    pairs = reads_actor(args.model)
    # A model that reads the actor gets the pair stance gives it: actor, then text.
    inputs = [{"text": a, "text_pair": t} for a, t in zip(actors, texts)] if pairs else texts

    t0 = time.perf_counter()
    clf = pipeline("text-classification", model=args.model, tokenizer=args.model, device=-1,
                   torch_dtype=torch.float32)
    load_s = time.perf_counter() - t0
    max_length = min(args.max_length, clf.tokenizer.model_max_length)
    call = dict(batch_size=BATCH_SIZE, truncation=True, max_length=max_length, top_k=None)

    t0 = time.perf_counter()
    clf(inputs[:BATCH_SIZE], **call)
    warmup_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    results = clf(inputs, **call)
    infer_s = time.perf_counter() - t0

    labels = {i: top_label(r) for i, r in zip(ids, results)}
    flops, tokens, padded = estimate_flops(clf.tokenizer, clf.model.config, texts, max_length,
                                           actors if pairs else None)
    out = {
        "n": len(texts),
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "import_s": import_s,
        "load_s": load_s,
        "warmup_s": warmup_s,
        "infer_s": infer_s,
        "statements_per_s": len(texts) / infer_s if infer_s > 0 else 0.0,
        "max_length": max_length,
        "tokens": tokens,
        "padded_tokens": padded,
        "padding_overhead": (padded - tokens) / padded if padded else 0.0,
        "flops_est": flops,
        "gflop_per_s_est": flops / 1e9 / infer_s if infer_s > 0 else 0.0,
        "labels": labels,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f)
    print(f"pipeline: {len(texts)} statements in {infer_s:.2f}s "
          f"({out['statements_per_s']:.1f}/s), model loaded in {load_s:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
