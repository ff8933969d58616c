#!/usr/bin/env bash
# PNG and TIFF decode of a 2048² 16-bit image, AnchorReg vs Pillow/tifffile, single-threaded.
# Release build. Results: Benchmarks/results/formats.json.
# Usage: Benchmarks/run_format_benchmark.sh [--size N] [--repeat N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
"$here/setup.sh"
(cd "$root" && swift build -c release --product anchorreg-bench)
bin="$(cd "$root" && swift build -c release --show-bin-path)/anchorreg-bench"
mkdir -p "$here/results"
OMP_NUM_THREADS=1 "$here/.venv/bin/python" "$here/format_benchmark.py" "$bin" "$@" | tee "$here/results/formats.json"
