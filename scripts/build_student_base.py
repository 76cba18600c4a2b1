#!/usr/bin/env python3
"""Cut a shallower starting point for a fast-tier student out of a fine-tuned stance model.

    .venv/bin/python scripts/build_student_base.py models/stance-minilm-v3 --layers 0,2,4 \\
        --out target/student-base

Keeps the embeddings, the listed encoder layers (renumbered 0..k-1, in the order given), the
pooler and the classifier head of the teacher, and writes a Hugging Face BERT folder
(``config.json`` with ``num_hidden_layers = k``, fp32 ``model.safetensors``, the tokenizer
files). ``stance train --base OUT`` then fine-tunes it like any encoder (DistilBERT's
initialisation: every other layer of the teacher). Only numpy and safetensors are needed.

``--ffn N --ffn-data FILE...`` also narrows every kept layer's feed-forward block to its N most
important hidden units (``intermediate_size = N``). A unit's importance is its mean absolute
GELU activation over the tokens of the given texts (JSONL with a ``text`` field; give training
splits only) times the norm of its output weights; this step runs the teacher with transformers.
"""
import argparse
import json
import pathlib
import shutil
import sys

import numpy as np
from safetensors.numpy import load_file, save_file

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def student_tensors(tensors, layers):
    """The teacher's tensors with only ``layers`` kept and renumbered."""
    out = {}
    prefix = "bert.encoder.layer."
    for name, value in tensors.items():
        if not name.startswith(prefix):
            out[name] = value.astype(np.float32)
            continue
        index, rest = name[len(prefix):].split(".", 1)
        if int(index) in layers:
            out[f"{prefix}{layers.index(int(index))}.{rest}"] = value.astype(np.float32)
    return out


def ffn_importance(teacher, layers, files):
    """Per kept layer, an importance score for each feed-forward hidden unit (see the docstring)."""
    import torch
    from transformers import AutoTokenizer, BertModel

    tok = AutoTokenizer.from_pretrained(str(teacher))
    model = BertModel.from_pretrained(str(teacher)).eval()
    texts = [json.loads(line)["text"] for f in files for line in open(f, encoding="utf-8") if line.strip()]
    sums = {i: torch.zeros(model.config.intermediate_size) for i in layers}
    count = 0
    mask_holder = {}

    def hook(index):
        def record(_module, _inputs, output):
            mask = mask_holder["mask"].unsqueeze(-1)
            sums[index].add_((output.abs() * mask).sum(dim=(0, 1)))
        return record

    for i in layers:
        model.encoder.layer[i].intermediate.register_forward_hook(hook(i))
    texts.sort(key=len)
    with torch.inference_mode():
        for start in range(0, len(texts), 32):
            batch = tok(texts[start:start + 32], padding=True, truncation=True, max_length=256,
                        return_tensors="pt")
            mask_holder["mask"] = batch["attention_mask"].float()
            count += int(batch["attention_mask"].sum())
            model(**batch)
    out = {}
    for i in layers:
        w_out = model.encoder.layer[i].output.dense.weight.detach()  # [hidden, intermediate]
        out[i] = (sums[i] / count * w_out.norm(dim=0)).numpy()
    return out, len(texts)


def narrow_ffn(tensors, layers, importance, keep):
    """Keep the ``keep`` most important feed-forward units of every student layer (in order)."""
    prefix = "bert.encoder.layer."
    for new, old in enumerate(layers):
        units = np.sort(np.argsort(-importance[old])[:keep])
        p = f"{prefix}{new}."
        tensors[p + "intermediate.dense.weight"] = np.ascontiguousarray(tensors[p + "intermediate.dense.weight"][units, :])
        tensors[p + "intermediate.dense.bias"] = np.ascontiguousarray(tensors[p + "intermediate.dense.bias"][units])
        tensors[p + "output.dense.weight"] = np.ascontiguousarray(tensors[p + "output.dense.weight"][:, units])
    return tensors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("teacher", help="fine-tuned stance model folder")
    ap.add_argument("--layers", default="0,2,4", help="teacher layers to keep (default 0,2,4)")
    ap.add_argument("--out", required=True, help="output folder (must not exist)")
    ap.add_argument("--ffn", type=int, help="feed-forward units to keep per layer (default: all)")
    ap.add_argument("--ffn-data", nargs="+", default=[], help="JSONL texts that rank the units (with --ffn)")
    args = ap.parse_args()
    teacher, out = pathlib.Path(args.teacher), pathlib.Path(args.out)
    layers = [int(x) for x in args.layers.split(",") if x.strip()]
    config = json.loads((teacher / "config.json").read_text())
    n = config["num_hidden_layers"]
    if not layers or len(set(layers)) != len(layers) or not all(0 <= i < n for i in layers):
        sys.exit(f"--layers must be distinct indices in 0..{n - 1}")
    if args.ffn is not None and not (0 < args.ffn <= config["intermediate_size"] and args.ffn_data):
        sys.exit(f"--ffn must be in 1..{config['intermediate_size']} and needs --ffn-data")
    if out.exists():
        sys.exit(f"{out} exists")
    tensors = student_tensors(load_file(str(teacher / "model.safetensors")), layers)
    if args.ffn is not None:
        importance, n_texts = ffn_importance(teacher, layers, args.ffn_data)
        tensors = narrow_ffn(tensors, layers, importance, args.ffn)
        config["intermediate_size"] = args.ffn
        print(f"feed-forward blocks narrowed to {args.ffn} units, ranked on {n_texts} texts")
    out.mkdir(parents=True)
    config["num_hidden_layers"] = len(layers)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    for f in TOKENIZER_FILES:
        if (teacher / f).exists():
            shutil.copy(teacher / f, out / f)
    print(f"{out}: {len(layers)} layers ({args.layers}) from {teacher}, {len(tensors)} tensors")


if __name__ == "__main__":
    main()
