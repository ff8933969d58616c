#!/usr/bin/env bash
# Si(111)-(7×7) end to end, side by side: the paper's pipeline in Python + OpenCV
# (Benchmarks/reference/paper_pipeline.py) and `anchorreg locate --model si111-7x7` (when the
# build has it) on the same synthetic frames from `anchorreg synth si7x7 --random`, scored
# against the truth (corner-hole error, adatom recall at OKS 0.95, registered fraction, time
# per frame). Release build; every run pinned to one CPU. Issue 4, "Speed".
# Results: Benchmarks/results/si7x7.md (+ si7x7.json with every frame).
# Usage: Benchmarks/run_si7x7_benchmark.sh [--frames N] [--first-seed S] [--ours auto|yes|no]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
frames=30
first=1
ours=auto
while [ $# -gt 0 ]; do
    case "$1" in
        --frames) frames="$2"; shift 2 ;;
        --first-seed) first="$2"; shift 2 ;;
        --ours) ours="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import numpy, scipy, cv2, tifffile" 2>/dev/null ||
    "$venv/bin/pip" install -q numpy scipy opencv-python-headless tifffile
(cd "$root" && swift build -c release --product anchorreg)
bin="$(cd "$root" && swift build -c release --show-bin-path)/anchorreg"
out="$here/out/si7x7"
mkdir -p "$out" "$here/results"
last=$((first + frames - 1))
for seed in $(seq "$first" "$last"); do
    dir="$out/seed$(printf %04d "$seed")"
    if [ ! -f "$dir/truth.json" ]; then
        "$bin" synth si7x7 --seed "$seed" --random --out "$dir" --force >/dev/null
    fi
done
# Only the frames of this run are scored.
sel="$out/run-$first-$last"
rm -rf "$sel"
mkdir -p "$sel"
for seed in $(seq "$first" "$last"); do
    ln -s "../seed$(printf %04d "$seed")" "$sel/seed$(printf %04d "$seed")"
done
echo "self-check (the truth scored as a result):"
"$venv/bin/python" "$here/reference/score_si7x7.py" --self-check "$sel"/*/truth.json
"$venv/bin/python" "$here/reference/bench_si7x7.py" --bin "$bin" --frames "$sel" \
    --results "$here/results/si7x7.md" --ours "$ours"
