#!/usr/bin/env bash
# DoG keypoint detector on a 512² synthetic Si(111)-7×7-like STM image, AnchorReg vs
# cv2.SIFT_create().detect, single-threaded on both sides; plus corner-hole recall within 1 px.
# Release build. Results: Benchmarks/results/detector.json.
# Usage: Benchmarks/run_detector_benchmark.sh [--size N] [--repeat N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q numpy opencv-python-headless
(cd "$root" && swift build -c release --product anchorreg-bench)
bin="$(cd "$root" && swift build -c release --show-bin-path)/anchorreg-bench"
mkdir -p "$here/results"
OMP_NUM_THREADS=1 "$venv/bin/python" "$here/detector_benchmark.py" "$bin" "$@" | tee "$here/results/detector.json"
