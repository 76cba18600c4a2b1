#!/usr/bin/env python3
"""The baselines a speed-minded user would run: plain torch and ONNX Runtime, length-sorted.

    .venv/bin/python scripts/bench/fast_baselines.py prepare --model DIR --cache DIR
    .venv/bin/python scripts/bench/fast_baselines.py run CORPUS.jsonl --engine ENGINE \\
        --model DIR --cache DIR --threads T --out RESULT.json [--sentences]

``prepare`` exports the model once and caches it under ``--cache/<model sha256 prefix>/``:
``model.onnx`` (``torch.onnx.export``, dynamic batch and sequence axes), ``model-opt.onnx``
(``onnxruntime.transformers.optimizer``, model type ``bert``: fused attention, LayerNorm,
GELU) and ``model-opt-int8.onnx`` (``onnxruntime.quantization.quantize_dynamic``, int8
weights, activations quantised per batch at run time). A later ``prepare`` with the same model
reuses the files.

``run`` classifies every ``text`` of a JSONL corpus with one engine, as its own process (bench.py
times the whole process: imports, model load, tokenising, inference):

* ``torch``: ``AutoModelForSequenceClassification`` in ``torch.inference_mode()``;
* ``ort-fp32`` / ``ort-int8``: an ONNX Runtime CPU session over the optimised / int8 model,
  ``intra_op_num_threads = T``, graph optimisation level ALL; neither torch nor transformers
  is imported.

All engines tokenise with the model's ``tokenizer.json`` through ``tokenizers`` (truncation at 256 tokens, specials
included, as stance), sort the units by length and cut batches of at most 64 rows and 8,192
padded tokens, as stance does. With ``--sentences`` (the long-document corpus) each text is cut
into sentences by a regular expression, every sentence is classified, and the document label is
rolled up like stance's: the most confident explicit stance (opposes, does_not_support,
supports) with probability >= 0.5 wins, else the most confident other stance >= 0.5, else the
most confident doubtful stance, else off_topic.

The result JSON has per-id labels (and the document's sentence count), the unit count, padding
and the timings of each phase.
"""
import argparse
import hashlib
import json
import os
import pathlib
import re
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from hf_pipeline import read_corpus_with_actors, reads_actor  # noqa: E402  (this folder; standard library only)

BATCH_ROWS = 64
BATCH_TOKENS = 8192
MAX_LENGTH = 256
MIN_STANCE_CONFIDENCE = 0.5
EXPLICIT = {"opposes", "does_not_support", "supports"}
ENGINES = ("torch", "ort-fp32", "ort-int8")
SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"])\s+(?=[\"\u201c(A-Z0-9])|\n\s*\n")


def model_key(model_dir):
    """First 16 hex digits of the sha256 of the model's weights file."""
    h = hashlib.sha256()
    with open(pathlib.Path(model_dir) / "model.safetensors", "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def cache_paths(model_dir, cache):
    folder = pathlib.Path(cache) / model_key(model_dir)
    return {"dir": folder, "raw": folder / "model.onnx", "opt": folder / "model-opt.onnx",
            "int8": folder / "model-opt-int8.onnx"}


def load_classifier(model_dir):
    """transformers' classifier for the folder, in eval mode, called as
    ``model(input_ids=, attention_mask=, token_type_ids=)``. A model whose head reads the mean
    of the token states (``"stance_pooling": "mean"`` in config.json) is wrapped so that the
    call computes that head (and returns the logits tensor itself)."""
    import torch
    from transformers import AutoModelForSequenceClassification
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    cfg = json.loads((pathlib.Path(model_dir) / "config.json").read_text())
    if cfg.get("stance_pooling") != "mean":
        return model

    class MeanHead(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            states = self.inner.bert(input_ids=input_ids, attention_mask=attention_mask,
                                     token_type_ids=token_type_ids).last_hidden_state
            w = attention_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * w).sum(1) / w.sum(1)
            return self.inner.classifier(torch.tanh(self.inner.bert.pooler.dense(mean)))

    return MeanHead(model).eval()


def prepare(model_dir, cache):
    """Exports, optimises and quantises the model into the cache (skipping files that exist)."""
    paths = cache_paths(model_dir, cache)
    paths["dir"].mkdir(parents=True, exist_ok=True)
    if not paths["raw"].exists():
        import torch
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(model_dir)
        model = load_classifier(model_dir)
        enc = tok(["a short example sentence", "another one"], padding=True, return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        axes = {n: {0: "batch", 1: "sequence"} for n in names}
        axes["logits"] = {0: "batch"}
        tmp = paths["raw"].with_suffix(".tmp")
        with torch.inference_mode():
            torch.onnx.export(model, tuple(enc[n] for n in names), str(tmp), input_names=names,
                              output_names=["logits"], dynamic_axes=axes, opset_version=17)
        tmp.rename(paths["raw"])
    if not paths["opt"].exists():
        from onnxruntime.transformers import optimizer
        cfg = json.loads((pathlib.Path(model_dir) / "config.json").read_text())
        opt = optimizer.optimize_model(str(paths["raw"]), model_type="bert",
                                       num_heads=cfg["num_attention_heads"],
                                       hidden_size=cfg["hidden_size"], opt_level=1)
        tmp = paths["opt"].with_suffix(".tmp")
        opt.save_model_to_file(str(tmp))
        tmp.rename(paths["opt"])
    if not paths["int8"].exists():
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
        tmp = paths["int8"].with_suffix(".tmp")
        # The fused contrib ops defeat ONNX shape inference; their outputs are float.
        quantize_dynamic(str(paths["opt"]), str(tmp), weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        tmp.rename(paths["int8"])
    return paths


def split_sentences(text):
    """Sentences of a transcript, by punctuation followed by a capital, or a blank line."""
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def batches(lengths):
    """Index lists of length-sorted batches within the row and padded-token limits."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    out, cur = [], []
    for i in order:
        longest = lengths[i]  # sorted ascending: the newest row is the longest
        if cur and (len(cur) + 1 > BATCH_ROWS or (len(cur) + 1) * longest > BATCH_TOKENS):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out


class Engine:
    """One inference engine: ``logits(input_ids, attention_mask, token_type_ids)`` on numpy."""

    def __init__(self, name, model_dir, cache, threads):
        self.name = name
        if name == "torch":
            import torch
            torch.set_num_threads(threads)
            self.torch = torch
            self.model = load_classifier(model_dir)
        else:
            import onnxruntime as ort
            paths = cache_paths(model_dir, cache)
            path = paths["opt" if name == "ort-fp32" else "int8"]
            if not path.exists():
                sys.exit(f"{path} missing: run `fast_baselines.py prepare` first")
            so = ort.SessionOptions()
            so.intra_op_num_threads = threads
            so.inter_op_num_threads = 1
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
            self.inputs = {i.name for i in self.session.get_inputs()}

    def logits(self, ids, mask, types):
        if self.name == "torch":
            t = self.torch
            with t.inference_mode():
                out = self.model(input_ids=t.from_numpy(ids), attention_mask=t.from_numpy(mask),
                                 token_type_ids=t.from_numpy(types))
            return getattr(out, "logits", out).numpy()
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]


def classify_units(engine, tokenizer, units, actors=None):
    """Softmax probabilities (n × labels) of every unit text, length-sorted batches. With
    ``actors`` (a model that reads them) each unit is the pair (actor, text), as stance reads it."""
    import numpy as np
    encoded = tokenizer.encode_batch(units if actors is None else list(zip(actors, units)))
    enc = [e.ids for e in encoded]
    type_ids = [e.type_ids for e in encoded]
    lengths = [len(e) for e in enc]
    probs = [None] * len(units)
    padded = 0
    for batch in batches(lengths):
        width = max(lengths[i] for i in batch)
        padded += width * len(batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, i in enumerate(batch):
            ids[row, :lengths[i]] = enc[i]
            mask[row, :lengths[i]] = 1
            types[row, :lengths[i]] = type_ids[i]
        logits = engine.logits(ids, mask, types)
        logits = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        for row, i in enumerate(batch):
            probs[i] = p[row]
    return probs, sum(lengths), padded


def roll_up(sentence_probs, names):
    """stance's document decision over its sentences' probabilities (see the module docs)."""
    best, doubtful = None, None
    for p in sentence_probs:
        k = int(p.argmax())
        label, conf = names[k], float(p[k])
        if label == "off_topic":
            continue
        if conf < MIN_STANCE_CONFIDENCE:
            if doubtful is None or conf > doubtful[1]:
                doubtful = (label, conf)
            continue
        key = (label in EXPLICIT, conf)
        if best is None or key > best[0]:
            best = (key, label)
    if best:
        return best[1]
    return doubtful[0] if doubtful else "off_topic"


def load_tokenizer(model_dir):
    """The model's fast tokenizer (``tokenizers``), truncating at 256 tokens, no padding."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(pathlib.Path(model_dir) / "tokenizer.json"))
    tok.enable_truncation(MAX_LENGTH)
    tok.no_padding()
    return tok


def run(args):
    t0 = time.perf_counter()
    import numpy  # noqa: F401
    import tokenizers  # noqa: F401
    import_s = time.perf_counter() - t0
    ids, texts, actors = read_corpus_with_actors(args.corpus)
    pairs = reads_actor(args.model)
    t0 = time.perf_counter()
    tokenizer = load_tokenizer(args.model)
    config = json.loads((pathlib.Path(args.model) / "config.json").read_text())
    names = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    engine = Engine(args.engine, args.model, args.cache, args.threads)
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    if args.sentences:
        owner, units = [], []
        for d, text in enumerate(texts):
            for s in split_sentences(text) or [text]:
                owner.append(d)
                units.append(s)
    else:
        owner, units = list(range(len(texts))), texts
    unit_actors = [actors[d] for d in owner] if pairs else None
    probs, tokens, padded = classify_units(engine, tokenizer, units, unit_actors)
    per_doc = [[] for _ in texts]
    for d, p in zip(owner, probs):
        per_doc[d].append(p)
    labels = {i: roll_up(ps, names) if args.sentences else names[int(ps[0].argmax())]
              for i, ps in zip(ids, per_doc)}
    infer_s = time.perf_counter() - t0
    out = {"engine": args.engine, "n": len(texts), "units": len(units), "threads": args.threads,
           "import_s": import_s, "load_s": load_s, "infer_s": infer_s, "tokens": tokens,
           "padded_tokens": padded, "padding_overhead": (padded - tokens) / padded if padded else 0.0,
           "labels": labels, "n_sentences": {i: len(ps) for i, ps in zip(ids, per_doc)}}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f)
    print(f"{args.engine}: {len(texts)} texts ({len(units)} units) in {infer_s:.2f}s, "
          f"loaded in {load_s:.2f}s", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="export, optimise and quantise the model (cached)")
    p.add_argument("--model", required=True)
    p.add_argument("--cache", required=True)
    r = sub.add_parser("run", help="classify a corpus with one engine")
    r.add_argument("corpus")
    r.add_argument("--engine", choices=ENGINES, required=True)
    r.add_argument("--model", required=True)
    r.add_argument("--cache", required=True)
    r.add_argument("--threads", type=int, required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--sentences", action="store_true", help="classify sentences, roll up per text")
    args = ap.parse_args()
    if args.cmd == "prepare":
        paths = prepare(args.model, args.cache)
        print(json.dumps({k: str(v) for k, v in paths.items()}))
    else:
        run(args)


if __name__ == "__main__":
    main()
