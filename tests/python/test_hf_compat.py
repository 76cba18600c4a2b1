#!/usr/bin/env python3
"""The model folders `stance` writes and assembles are standard Hugging Face checkpoints.

For each model folder: loads it with `transformers.AutoModelForSequenceClassification` and
`AutoTokenizer` (unchanged, offline), computes logits for English, Simplified and Traditional
Chinese statements, applies the model's calibration temperature, and checks the probabilities
equal those `stance classify --segmentation truncate` writes (within 1e-5) — same weights, same
tokenizer, same arithmetic, no Python in the Rust path. A model that reads the actor
(`"stance_input": "actor_text"`) is given each statement's actor as the pair's first segment. A
model whose head reads the mean of the token states (`"stance_pooling": "mean"`) is read through
the same transformers model: the encoder's last hidden states averaged over the real tokens,
then its own pooler dense + tanh and classifier. A packed folder (with assembly.json)
must be assembled, its model.safetensors the sha256 the manifest lists.

Without folders it checks the shipped model and a tiny packed multilingual model built here:
a random BERT base with the XLM-R tokenizer of models/multilingual-e5-small (written by
transformers, tensor names without the `bert.` prefix), fine-tuned by `stance train
--freeze-word-embeddings --pooling mean`, packed by `stance model pack`, its model.safetensors and tokenizer
files deleted, and rebuilt by `stance model assemble`.

Usage: .venv/bin/python tests/python/test_hf_compat.py [DIR ...] [--tiny-packed] [--stance-bin PATH]
       (e.g. tests/python/test_hf_compat.py models/stance-multilingual-v7)
Prints `hf_compat: N passed, M failed` last.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "China firmly opposes Taiwan independence and will never allow any part of its territory to be split off.",
    "The United States does not support Taiwan independence; we oppose unilateral changes to the status quo from either side.",
    "We support Taiwan's meaningful participation in the World Health Assembly.",
    "Paraguay recognises the Republic of China (Taiwan) as a sovereign state.",
    "The typhoon delayed container shipping through the Taiwan Strait.",
    "Peace and stability across the Taiwan Strait matter to the whole world.",
    "我们坚决反对任何形式的“台独”分裂图谋，一个中国原则是国际社会的普遍共识。",
    "美方不支持“台独”，反对任何一方单方面改变现状。",
    "中華民國是主權獨立的國家，與中華人民共和國互不隸屬。",
    "台灣的前途應由兩千三百萬台灣人民共同決定。",
]
# Whose words each text records: a model with `"stance_input": "actor_text"` in its config.json
# reads (actor, text) as a sentence pair, which `transformers` encodes as `tok(actors, texts)`.
ACTORS = [
    "PRC Ministry of Foreign Affairs", "U.S. Department of State", "G7 Foreign Ministers",
    "Government of Paraguay", "Reuters", "Government of Japan", "中华人民共和国外交部",
    "", "中華民國外交部", "民主進步黨",
]
LABELS = ["opposes", "does_not_support", "neutral", "leans_supports", "supports", "off_topic"]
MULTILINGUAL_BASE = ROOT / "models/multilingual-e5-small"
TINY_TRAIN = [
    ("opposes", "China firmly opposes Taiwan independence", "中国坚决反对“台独”"),
    ("does_not_support", "Washington does not support Taiwan independence", "美方不支持“台独”"),
    ("neutral", "We call for peace and stability across the Strait", "我们呼吁维护台海和平稳定"),
    ("leans_supports", "Taiwan should take part in the World Health Assembly", "台灣應參與世界衛生大會"),
    ("supports", "Taiwan is a sovereign and independent country", "中華民國是主權獨立國家"),
    ("off_topic", "The trade fair opened with a record number of visitors", "博览会今天开幕"),
]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stance(stance_bin: str, *args: str) -> None:
    out = subprocess.run([stance_bin, *args], capture_output=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"stance {' '.join(args)} failed:\n{out.stderr.decode()[-2000:]}")


def build_tiny_packed(work: Path, stance_bin: str) -> Path:
    """A tiny packed-then-assembled multilingual model folder under `work` (see the docstring)."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertConfig, BertModel

    base = work / "base"
    vocab = Tokenizer.from_file(str(MULTILINGUAL_BASE / "tokenizer.json")).get_vocab_size()
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=64, max_position_embeddings=512, pad_token_id=1)
    BertModel(cfg).save_pretrained(base, safe_serialization=True)
    for f in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(MULTILINGUAL_BASE / f, base / f)
    data = work / "train.jsonl"
    with open(data, "w", encoding="utf-8") as f:
        for i in range(3):
            for label, en, zh in TINY_TRAIN:
                for text in (en, zh):
                    f.write(json.dumps({"text": f"{text} ({i})", "label": label}, ensure_ascii=False) + "\n")
    model = work / "stance-multilingual-tiny"
    stance(stance_bin, "train", "--train", str(data), "--dev", str(data), "--base", str(base),
           "--out", str(model), "--epochs", "2", "--batch-size", "8", "--lr", "1e-3",
           "--freeze-word-embeddings", "--pooling", "mean", "--quiet")
    stance(stance_bin, "model", "pack", str(model), "--base", str(base))
    assembly = json.loads((model / "assembly.json").read_text())
    for f in ["model.safetensors", *assembly["files_from_base"]]:
        (model / f).unlink()
    stance(stance_bin, "model", "assemble", str(model))
    return model


def check_folder(model_dir: str, stance_bin: str, check) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    name = Path(model_dir).name
    assembly_path = Path(model_dir) / "assembly.json"
    if assembly_path.exists():
        want = json.loads((Path(model_dir) / "manifest.json").read_text())["files"]["model.safetensors"]["sha256"]
        got = sha256(Path(model_dir) / "model.safetensors")
        check(f"{name}: the assembled model.safetensors is the manifest's", got == want, f"{got} vs {want}")
    model = AutoModelForSequenceClassification.from_pretrained(model_dir)
    model.eval()
    tok = AutoTokenizer.from_pretrained(model_dir)
    check(f"{name}: config id2label is the six stance labels",
          [model.config.id2label[i] for i in range(6)] == LABELS)
    temperature = json.loads((Path(model_dir) / "calibration.json").read_text())["temperature"]
    config = json.loads((Path(model_dir) / "config.json").read_text())
    pair = config.get("stance_input") == "actor_text"
    mean = config.get("stance_pooling") == "mean"
    with torch.no_grad():
        if pair:
            enc = tok(ACTORS, TEXTS, padding=True, truncation="only_second", max_length=256,
                      return_tensors="pt")
        else:
            enc = tok(TEXTS, padding=True, truncation=True, max_length=256, return_tensors="pt")
        if mean:
            states = model.bert(**enc).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = torch.tanh(model.bert.pooler.dense((states * m).sum(1) / m.sum(1)))
            logits = model.classifier(pooled)
        else:
            logits = model(**enc).logits
        hf = torch.softmax(logits.double() / temperature, dim=-1).numpy()
    if tok.unk_token_id is not None and "<s>" in tok.get_vocab():
        unk = sum(int((enc["input_ids"][i] == tok.unk_token_id).sum()) for i in range(len(TEXTS)))
        check(f"{name}: the XLM-R tokenizer reads the Chinese statements without <unk>", unk == 0,
              f"{unk} <unk> tokens")

    lines = "\n".join(json.dumps({"id": f"t{i}", "text": t, "actor": a}, ensure_ascii=False)
                      for i, (t, a) in enumerate(zip(TEXTS, ACTORS))) + "\n"
    out = subprocess.run(
        # The model's arithmetic is compared, so the guide's actor rules, which come after the
        # model (an outlet such as Reuters is off_topic whatever the model says), are off.
        [stance_bin, "classify", "-", "--out", "-", "--model", model_dir, "--quiet",
         "--segmentation", "truncate", "--no-actor-rules"],
        input=lines.encode(), capture_output=True, check=False,
    )
    check(f"{name}: stance classify ran", out.returncode == 0, out.stderr.decode()[-500:])
    if out.returncode == 0:
        rows = [json.loads(l) for l in out.stdout.decode().splitlines()]
        worst = 0.0
        for i, r in enumerate(rows):
            for j, lab in enumerate(LABELS):
                worst = max(worst, abs(r[f"p_{lab}"] - hf[i][j]))
        check(f"{name}: transformers and stance give the same probabilities", worst < 1e-5,
              f"max |diff| = {worst:.2e}")
        same = all(r["label"] == LABELS[int(hf[i].argmax())] for i, r in enumerate(rows))
        check(f"{name}: same labels", same)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", metavar="DIR", help="model folders to check")
    ap.add_argument("--model", action="append", default=[], help="(same as DIR)")
    ap.add_argument("--tiny-packed", action="store_true",
                    help="also build and check a tiny packed multilingual model")
    ap.add_argument("--stance-bin", default=str(ROOT / "target/release/stance"))
    a = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    folders = a.models + a.model
    tiny = a.tiny_packed or not folders
    if not folders:
        folders = [str(ROOT / "models/stance-minilm-v3")]

    results: list[tuple[str, bool]] = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        results.append((name, ok))
        print(f"hf_compat: {'ok  ' if ok else 'FAIL'} {name}{(' — ' + detail) if detail else ''}")

    with tempfile.TemporaryDirectory(prefix="hf-compat-") as work:
        if tiny:
            try:
                tiny_dir = build_tiny_packed(Path(work), a.stance_bin)
                folders.append(str(tiny_dir))
                check("tiny multilingual model trained, packed, and assembled", True)
                pooling = json.loads((tiny_dir / "config.json").read_text()).get("stance_pooling")
                check("the tiny model's head reads the mean of the token states",
                      pooling == "mean", f"stance_pooling = {pooling!r}")
            except Exception as e:  # reported as a failure, never skipped
                check("tiny multilingual model trained, packed, and assembled", False, str(e))
        for folder in folders:
            check_folder(folder, a.stance_bin, check)
    passed = sum(ok for _, ok in results)
    print(f"hf_compat: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
