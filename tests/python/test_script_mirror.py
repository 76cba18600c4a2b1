#!/usr/bin/env python3
"""scripts/script_mirror.py writes the other-script copy of a Chinese training split.

Each Traditional row comes back in Simplified characters and each Simplified row in Traditional
(OpenCC t2s / s2t), with its label and fields kept, `id` suffixed by the conversion, `script`
switched, `origin` = `script_mirror` and `mirror_of` = the original id; rows without a known
script are left out; the same input gives the same bytes; a dev or test row stops the script
with its line number and writes nothing.

Usage: .venv/bin/python tests/python/test_script_mirror.py   (exit 0 when every check passes)
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "scripts/script_mirror.py"

ROWS = [
    {"id": "t1", "text": "兩岸關係不是國與國關係。", "label": "opposes", "script": "traditional",
     "split": "train", "actor": "A"},
    {"id": "s1", "text": "坚决反对台独分裂活动。", "label": "opposes", "script": "simplified",
     "split": "train"},
    {"id": "x1", "text": "Taiwan.", "label": "off_topic", "split": "train"},
]


def run(rows, out):
    """Runs the script on `rows` (written beside `out`)."""
    train = out.with_suffix(".in.jsonl")
    train.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                     encoding="utf-8")
    return subprocess.run([sys.executable, str(SCRIPT), str(train), "--out", str(out)],
                          capture_output=True, text=True)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "mirror.jsonl"
        done = run(ROWS, out)
        assert done.returncode == 0, done.stderr
        got = [json.loads(line) for line in out.open(encoding="utf-8")]
        assert [r["id"] for r in got] == ["t1-t2s", "s1-s2t"], got
        assert got[0]["text"] == "两岸关系不是国与国关系。", got[0]["text"]
        assert got[1]["text"] == "堅決反對臺獨分裂活動。", got[1]["text"]
        assert [r["script"] for r in got] == ["simplified", "traditional"]
        assert all(r["origin"] == "script_mirror" for r in got)
        assert [r["mirror_of"] for r in got] == ["t1", "s1"]
        assert [r["label"] for r in got] == ["opposes", "opposes"]
        assert got[0]["actor"] == "A"
        assert "2 mirrored rows from 3 (1 without a script)" in done.stderr, done.stderr
        first = out.read_bytes()
        assert run(ROWS, out).returncode == 0 and out.read_bytes() == first, "not deterministic"

        refused = Path(tmp) / "refused.jsonl"
        done = run(ROWS[:1] + [dict(ROWS[1], split="dev")], refused)
        assert done.returncode != 0 and ":2: a dev row" in done.stderr, done.stderr
        assert not refused.exists(), "wrote a mirror of a dev split"
    print("test_script_mirror: all checks passed")


if __name__ == "__main__":
    main()
