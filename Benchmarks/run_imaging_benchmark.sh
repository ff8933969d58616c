#!/usr/bin/env bash
# Gaussian blur σ=2 and perspective warps (bilinear, bicubic) on 1024², AnchorReg vs OpenCV,
# single-threaded on both sides, release builds. Two Swift builds are measured: the default
# release build (baseline x86-64, i.e. SSE2 — what `swift build -c release` gives everyone) and
# one compiled for AVX2/FMA (`-target-cpu haswell`, scratch path .build-native), because OpenCV
# picks AVX2/AVX-512 kernels at run time and Swift has no run-time dispatch.
# Results: Benchmarks/results/imaging.json.
# Usage: Benchmarks/run_imaging_benchmark.sh [--size N] [--repeat N] [--rounds N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q numpy opencv-python-headless scikit-image
cd "$root"
swift build -c release --product anchorreg-bench
bin="$(swift build -c release --show-bin-path)/anchorreg-bench"
args=("$bin")
if [ "$(uname -m)" = "x86_64" ] && grep -q avx2 /proc/cpuinfo 2>/dev/null; then
    swift build -c release --product anchorreg-bench --scratch-path .build-native -Xswiftc -target-cpu -Xswiftc haswell
    args+=(--native-binary "$(swift build -c release --scratch-path .build-native --show-bin-path)/anchorreg-bench")
fi
mkdir -p "$here/results"
OMP_NUM_THREADS=1 "$venv/bin/python" "$here/imaging_benchmark.py" "${args[@]}" "$@" | tee "$here/results/imaging.json"
