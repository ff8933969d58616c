#!/usr/bin/env bash
# Gaussian blur σ=2 and perspective warps (bilinear, bicubic) on 1024², AnchorReg vs OpenCV,
# single-threaded on both sides. Release build. Results: Benchmarks/results/imaging.json.
# Usage: Benchmarks/run_imaging_benchmark.sh [--size N] [--repeat N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q numpy opencv-python-headless scikit-image
(cd "$root" && swift build -c release --product anchorreg)
bin="$(cd "$root" && swift build -c release --show-bin-path)/anchorreg"
mkdir -p "$here/results"
OMP_NUM_THREADS=1 "$venv/bin/python" "$here/imaging_benchmark.py" "$bin" "$@" | tee "$here/results/imaging.json"
