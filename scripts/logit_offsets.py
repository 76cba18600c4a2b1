"""Do per-label logit offsets pay? Fits six offsets (added to the log probabilities) that
maximise macro-F1 on a labelled split, then estimates whether they generalise: fitted on half of
the split's source pages (doc_id) and scored on the other half, over REPS random page splits,
both ways. The README ("Chinese: routing by language") reports the result for real dev.

    target/release/stance classify datasets/real/dev.jsonl --out - --quiet > /tmp/dev.jsonl
    python3 scripts/logit_offsets.py datasets/real/dev.jsonl /tmp/dev.jsonl 20

Inputs: the gold JSONL (id, label, doc_id) and `stance classify --out -` lines (id, p_<label>).
Standard library only."""
import json, sys, math, random
from stance_labels import LABELS, is_flip, side

def load(gold, pred):
    g = {}
    for l in open(gold):
        r = json.loads(l); g[r["id"]] = r
    rows = []
    for l in open(pred):
        r = json.loads(l)
        if r.get("status") != "ok": continue
        gr = g[r["id"]]
        lp = [math.log(max(r[f"p_{k}"], 1e-9)) for k in LABELS]
        rows.append((gr["label"], lp, gr.get("doc_id", r["id"])))
    return rows

def macro_f1(rows, b, idx=None):
    tp = {k: 0 for k in LABELS}; fp = dict(tp); fn = dict(tp); flips = 0; nst = 0
    for i in (idx if idx is not None else range(len(rows))):
        gold, lp, _ = rows[i]
        s = [x + y for x, y in zip(lp, b)]
        p = LABELS[max(range(6), key=lambda j: s[j])]
        if p == gold: tp[gold] += 1
        else: fp[p] += 1; fn[gold] += 1
        if side(gold):
            nst += 1
            if is_flip(gold, p): flips += 1
    f = []
    for k in LABELS:
        if tp[k] + fn[k] == 0 and tp[k] + fp[k] == 0: continue
        pr = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 0
        rc = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else 0
        f.append(2 * pr * rc / (pr + rc) if pr + rc else 0)
    return sum(f) / len(f), flips / max(nst, 1)

def fit(rows, idx, grid=None, rounds=3):
    grid = grid or [x / 10 for x in range(-20, 21)]
    b = [0.0] * 6
    best = macro_f1(rows, b, idx)[0]
    for _ in range(rounds):
        for j in range(6):
            for v in grid:
                c = list(b); c[j] = v
                f = macro_f1(rows, c, idx)[0]
                if f > best + 1e-9: best, b = f, c
    return b, best

if __name__ == "__main__":
    rows = load(sys.argv[1], sys.argv[2])
    base = macro_f1(rows, [0] * 6)
    b, best = fit(rows, None)
    print(f"n={len(rows)} base macro-F1 {base[0]:.4f} flips {base[1]:.4f}; fitted on all {best:.4f} offsets {b}")
    docs = sorted({r[2] for r in rows})
    gains = []
    rng = random.Random(7)
    for rep in range(int(sys.argv[3]) if len(sys.argv) > 3 else 10):
        rng.shuffle(docs); half = set(docs[: len(docs) // 2])
        A = [i for i, r in enumerate(rows) if r[2] in half]; B = [i for i, r in enumerate(rows) if r[2] not in half]
        for tr, te in ((A, B), (B, A)):
            bb, _ = fit(rows, tr, rounds=2)
            gains.append(macro_f1(rows, bb, te)[0] - macro_f1(rows, [0] * 6, te)[0])
    m = sum(gains) / len(gains)
    sd = (sum((g - m) ** 2 for g in gains) / (len(gains) - 1)) ** 0.5
    print(f"CV gain on held-out halves: mean {m:+.4f} sd {sd:.4f} over {len(gains)} folds; positive {sum(g > 0 for g in gains)}")
