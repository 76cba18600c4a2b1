#!/usr/bin/env python3
"""Measured fp32 matmul peak of this machine (the yardstick for stance's GFLOP/s).

    .venv/bin/python scripts/bench/peak.py --threads T [--size 2048] [--reps 5]

Times ``torch.mm`` of two random square fp32 matrices with T intra-op threads: one warm-up,
then ``--reps`` timed products; the best one gives GFLOP/s = 2 n^3 / t. Prints one JSON object.
"""
import argparse
import json
import time


def measure(threads, size, reps):
    """Best-of-``reps`` GFLOP/s of an n×n fp32 matmul."""
    import torch

    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(size, size, generator=gen)
    b = torch.randn(size, size, generator=gen)
    out = torch.empty(size, size)
    torch.mm(a, b, out=out)  # warm-up
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b, out=out)
        best = min(best, time.perf_counter() - t0)
    flops = 2.0 * size ** 3
    return {
        "size": size,
        "reps": reps,
        "threads": torch.get_num_threads(),
        "best_s": best,
        "gflop_per_s": flops / best / 1e9,
        "torch_version": torch.__version__,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    print(json.dumps(measure(args.threads, args.size, args.reps)))


if __name__ == "__main__":
    main()
