#!/usr/bin/env bash
# Whole-process `anchorreg fit` on 16,000 samples vs OpenCV's findHomography(..., LMEDS) fit
# loop on the same samples, in the same run, one core each (issue 12).
# Usage: Benchmarks/FitWholeProcess/run.sh [--samples 16000] [--grid 6] [--outliers 3] [--repeats 3]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/Benchmarks/.venv"
out="$root/Benchmarks/out/fit-whole-process"
mkdir -p "$out"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c "import numpy, cv2" 2>/dev/null || "$venv/bin/pip" install -q opencv-python-headless numpy
cd "$root"
swift build -c release --product anchorreg >/dev/null
taskset -c 0 "$venv/bin/python" "$here/compare.py" --anchorreg "$root/.build/release/anchorreg" --out "$out" "$@"
