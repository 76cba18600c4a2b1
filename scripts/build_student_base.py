#!/usr/bin/env python3
"""Cut a shallower starting point for a fast-tier student out of a fine-tuned stance model.

    .venv/bin/python scripts/build_student_base.py models/stance-minilm-v2 --layers 0,2,4 \\
        --out target/student-base

Keeps the embeddings, the listed encoder layers (renumbered 0..k-1, in the order given), the
pooler and the classifier head of the teacher, and writes a Hugging Face BERT folder
(``config.json`` with ``num_hidden_layers = k``, fp32 ``model.safetensors``, the tokenizer
files). ``stance train --base OUT`` then fine-tunes it like any encoder (DistilBERT's
initialisation: every other layer of the teacher). Only numpy and safetensors are needed.
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("teacher", help="fine-tuned stance model folder")
    ap.add_argument("--layers", default="0,2,4", help="teacher layers to keep (default 0,2,4)")
    ap.add_argument("--out", required=True, help="output folder (must not exist)")
    args = ap.parse_args()
    teacher, out = pathlib.Path(args.teacher), pathlib.Path(args.out)
    layers = [int(x) for x in args.layers.split(",") if x.strip()]
    config = json.loads((teacher / "config.json").read_text())
    n = config["num_hidden_layers"]
    if not layers or len(set(layers)) != len(layers) or not all(0 <= i < n for i in layers):
        sys.exit(f"--layers must be distinct indices in 0..{n - 1}")
    if out.exists():
        sys.exit(f"{out} exists")
    tensors = student_tensors(load_file(str(teacher / "model.safetensors")), layers)
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
