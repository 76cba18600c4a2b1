#!/usr/bin/env python3
"""Deterministic benchmark corpora built from the labelled stance corpus.

    .venv/bin/python scripts/bench/corpora.py --n 4000 --seed 13 --out target/bench/corpora

Writes three JSONL files (fields ``id`` and ``text`` only):

* ``mixed.jsonl``: about 80% single statements (the corpus texts, 5-120 words) and 20%
  paragraphs of 40-110 words (2-4 corpus statements, or 1-2 corpus statements plus off-topic
  sentences), shuffled. Ids say which is which: ``mixed-single-000001`` / ``mixed-para-000001``.
* ``single.jsonl``: single statements only (``single-000001``).
* ``longdocs.jsonl``: ``LONG_DOCS`` transcripts of 500-3,000 words (``long-000001``), each one
  or more of the long-document corpus' dev and test documents (datasets/longdocs) joined by a
  blank line until it reaches 500 words.

Statements are drawn without replacement while the pool lasts, then from a reshuffled pool
again, so any ``--n`` works (ids stay unique). The same ``--n`` and ``--seed`` give
byte-identical files.
"""
import argparse
import json
import pathlib
import random
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "datasets" / "stance" / f"{split}.jsonl" for split in ("train", "dev", "test")]
LONG_SOURCES = [ROOT / "datasets" / "longdocs" / f"{split}.jsonl" for split in ("dev", "test")]
LONG_WORDS = (500, 3000)
LONG_DOCS = 80

SINGLE_WORDS = (5, 120)
PARAGRAPH_WORDS = (40, 110)
PARAGRAPH_SHARE = 0.20

# Off-topic sentences mixed into some paragraphs (as a briefing or press release would have).
FILLER = [
    "The delegation also visited a container port and a wind farm during the two-day trip.",
    "Officials said the next round of trade talks would take place in the autumn.",
    "The minister thanked the host city for its hospitality and praised the local cuisine.",
    "Both sides signed a memorandum on vocational training and student exchanges.",
    "The meeting ran an hour longer than scheduled because of a packed agenda.",
    "A separate session covered fisheries quotas and the protection of coral reefs.",
    "Reporters were told that the summit communique would be published later in the day.",
    "The central bank left interest rates unchanged, citing easing inflation.",
    "Heavy rain delayed the motorcade on its way from the airport.",
    "The spokesperson declined to comment on the cabinet reshuffle rumours.",
    "Discussions also touched on semiconductor supply chains and export controls on batteries.",
    "The agreement on double taxation is expected to enter into force next year.",
    "Organisers said more than three hundred companies had registered for the trade fair.",
    "The foreign minister will travel on to Jakarta and Manila later this week.",
    "Both governments pledged to cooperate on disaster relief and pandemic preparedness.",
    "The embassy announced extended opening hours for visa applications.",
    "Questions from the press focused mainly on energy prices and the budget.",
    "A joint working group on climate finance will report back within six months.",
    "The talks were described by participants as frank, constructive and businesslike.",
    "Cultural events marking the anniversary of diplomatic ties will continue through December.",
    "The parliament's budget committee approved additional funding for the coast guard.",
    "The two leaders also discussed football, and exchanged signed jerseys.",
    "Tourism numbers have recovered to pre-pandemic levels, the ministry said.",
    "A statement on agricultural market access is expected after the weekend.",
]


def word_count(text):
    """Whitespace word count, the unit of the corpus' length limits."""
    return len(text.split())


def load_statements(sources=SOURCES):
    """Corpus texts of 5-120 words, in file order (deterministic)."""
    texts = []
    for path in sources:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                text = json.loads(line)["text"].strip()
                if SINGLE_WORDS[0] <= word_count(text) <= SINGLE_WORDS[1]:
                    texts.append(text)
    if not texts:
        sys.exit("corpora: no statements found in datasets/stance/*.jsonl")
    return texts


class Drawer:
    """Draws statements without replacement, reshuffling the pool whenever it runs out."""

    def __init__(self, texts, rng):
        self.texts = list(texts)
        self.rng = rng
        self.queue = []

    def draw(self):
        if not self.queue:
            self.queue = self.texts[:]
            self.rng.shuffle(self.queue)
        return self.queue.pop()


def _sentence(text):
    """The text ending in sentence punctuation, so joined parts read as separate sentences."""
    text = text.strip()
    return text if text[-1:] in '.!?"\u201d' else text + "."


def make_paragraph(rng, pool, max_tries=10_000):
    """One 40-110-word paragraph: 2-4 statements, or 1-2 statements plus off-topic sentences."""
    lo, hi = PARAGRAPH_WORDS
    short = [t for t in pool if word_count(t) <= hi - 5]
    for _ in range(max_tries):
        if rng.random() < 0.5:
            parts = rng.sample(short, rng.randint(2, 4))
        else:
            parts = rng.sample(short, rng.randint(1, 2)) + rng.sample(FILLER, rng.randint(1, 3))
            rng.shuffle(parts)
        text = " ".join(_sentence(p) for p in parts)
        if lo <= word_count(text) <= hi:
            return text
    raise RuntimeError("could not build a 40-110-word paragraph from the corpus")


def build_mixed(texts, n, seed):
    """``n`` records: ~80% single statements and ~20% paragraphs, shuffled."""
    rng = random.Random(f"mixed-{seed}")
    n_para = round(n * PARAGRAPH_SHARE)
    drawer = Drawer(texts, rng)
    records = [("single", drawer.draw()) for _ in range(n - n_para)]
    records += [("para", make_paragraph(rng, texts)) for _ in range(n_para)]
    rng.shuffle(records)
    counters = {"single": 0, "para": 0}
    out = []
    for kind, text in records:
        counters[kind] += 1
        out.append({"id": f"mixed-{kind}-{counters[kind]:06d}", "text": text})
    return out


def build_single(texts, n, seed):
    """``n`` single statements."""
    drawer = Drawer(texts, random.Random(f"single-{seed}"))
    return [{"id": f"single-{i:06d}", "text": drawer.draw()} for i in range(1, n + 1)]


def build_longdocs(seed, n=LONG_DOCS, sources=LONG_SOURCES):
    """``n`` transcripts of 500-3,000 words from the long-document corpus (cycled if short)."""
    docs = []
    for path in sources:
        with open(path, encoding="utf-8") as f:
            docs += [json.loads(line)["text"].strip() for line in f if line.strip()]
    rng = random.Random(f"long-{seed}")
    drawer = Drawer([d for d in docs if word_count(d) <= LONG_WORDS[1]], rng)
    out = []
    while len(out) < n:
        parts = [drawer.draw()]
        while word_count("\n\n".join(parts)) < LONG_WORDS[0]:
            parts.append(drawer.draw())
        text = "\n\n".join(parts)
        if word_count(text) <= LONG_WORDS[1]:
            out.append({"id": f"long-{len(out) + 1:06d}", "text": text})
    return out


def write_jsonl(records, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def describe(records):
    """Size statistics of a corpus, for the results file."""
    words = sorted(word_count(r["text"]) for r in records)
    paras = sum(1 for r in records if "-para-" in r["id"])
    return {
        "n": len(records),
        "paragraphs": paras,
        "paragraph_share": paras / len(records) if records else 0.0,
        "words_mean": sum(words) / len(words) if words else 0.0,
        "words_median": words[len(words) // 2] if words else 0,
        "words_min": words[0] if words else 0,
        "words_max": words[-1] if words else 0,
    }


CORPORA = ("mixed", "single", "longdocs")


def build_all(n, seed, out_dir, names=CORPORA, long_n=LONG_DOCS):
    """Builds and writes the named corpora; returns {name: (path, stats)}."""
    texts = load_statements()
    builders = {"mixed": lambda: build_mixed(texts, n, seed),
                "single": lambda: build_single(texts, n, seed),
                "longdocs": lambda: build_longdocs(seed, long_n)}
    result = {}
    for name in names:
        records = builders[name]()
        path = pathlib.Path(out_dir) / f"{name}.jsonl"
        write_jsonl(records, path)
        result[name] = (path, describe(records))
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=4000, help="statements per corpus (default 4000)")
    ap.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    ap.add_argument("--out", default=str(ROOT / "target" / "bench" / "corpora"), help="output folder")
    args = ap.parse_args()
    for name, (path, stats) in build_all(args.n, args.seed, args.out).items():
        print(f"{name}: {path} {json.dumps(stats)}")


if __name__ == "__main__":
    main()
