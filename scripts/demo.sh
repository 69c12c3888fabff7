#!/usr/bin/env bash
# The main job, end to end on this machine: set up .venv, make a 300 MB JSONL sample,
# upload it to the embedded local emulator with a progress bar, and verify the stored
# bytes by downloading them again. Needs only Python 3.11; safe to run again and again.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

SAMPLE="demo-data/sample.jsonl"
SIZE=300000000   # 300 MB

echo "== 1/2  sample file: $SAMPLE ($SIZE bytes)"
python - "$SAMPLE" "$SIZE" <<'PY'
"""Random-ish fine-tuning lines with a counter, generated fast; reused when present."""
import os
import random
import sys
import time

path, size = sys.argv[1], int(sys.argv[2])
if os.path.isfile(path) and os.path.getsize(path) == size:
    print(f"   reusing {path}")
    raise SystemExit(0)
started = time.monotonic()
os.makedirs(os.path.dirname(path), exist_ok=True)
rng = random.Random(20241125)
words = ("upload part chunk file byte token model train batch eval vision data line "
         "parallel resume verify digest server client network retry progress").split()
fragments = [" ".join(rng.choices(words, k=rng.randint(6, 18))) for _ in range(4096)]
tmp = path + ".tmp"
written = 0
line_number = 0
with open(tmp, "wb") as f:
    while True:
        lines = []
        for _ in range(20000):
            q, a = rng.choice(fragments), rng.choice(fragments)
            lines.append(
                f'{{"id": {line_number}, "messages": [{{"role": "user", "content": "{q}"}}, '
                f'{{"role": "assistant", "content": "{a}"}}]}}\n'
            )
            line_number += 1
        block = "".join(lines).encode()
        if written + len(block) > size - 512:
            break
        f.write(block)
        written += len(block)
    # Whole lines up to the last few hundred bytes, then one line padded to the exact size.
    line_number -= len(lines)
    for line in lines:
        data = line.encode()
        if written + len(data) > size - 512:
            break
        f.write(data)
        written += len(data)
        line_number += 1
    head = f'{{"id": {line_number}, "padding": "'.encode()
    tail = b'"}\n'
    f.write(head + b"x" * (size - written - len(head) - len(tail)) + tail)
os.replace(tmp, path)
print(f"   wrote {path}: {os.path.getsize(path)} bytes in {time.monotonic() - started:.1f} s")
PY

echo "== 2/2  openai-uploads upload $SAMPLE --purpose fine-tune --local --verify"
started=$(python -c 'import time; print(time.monotonic())')
file_id="$(openai-uploads upload "$SAMPLE" --purpose fine-tune --local --verify)"
python - "$started" "$SIZE" "$file_id" <<'PY'
import sys
import time

started, size, file_id = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
took = time.monotonic() - started
parts = -(-size // (64 * 1024 * 1024))
print(f"""
What happened:
  - an emulator of the Uploads API started in-process on a loopback port
    (temporary data directory, throwaway API key);
  - {size / 1e6:.0f} MB ({size / 2**20:.1f} MiB) were sent as {parts} Parts of at most 64 MiB, 4 at a time
    at first and more while that raised the measured rate (up to 16), each streamed from
    its offset in the file; one sequential read beside them computed the md5, sent with
    `complete`;
  - the server made File {file_id} of the Parts in order and checked the md5;
  - --verify downloaded the File again: its md5 matches the local file's;
  - the emulator stopped and its data was removed.
  {took:.1f} s in all ({size / 1e6 / took:.0f} MB/s), startup and verification included.

Against the real API:  OPENAI_API_KEY=sk-... openai-uploads upload demo-data/sample.jsonl --purpose fine-tune""")
PY
