#!/usr/bin/env bash
# `anchorreg batch` throughput on 2 cores vs 1, and N = 1 vs N = 3 shards byte-identical
# (issue 12). Release build.
# Usage: Benchmarks/BatchThroughput/run.sh [--frames 400] [--size 256] [--fov-nm 10] [--repeats 1]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/Benchmarks/out/batch-throughput"
mkdir -p "$out"
cd "$root"
swift build -c release --product anchorreg >/dev/null
python3 "$here/measure.py" --anchorreg "$root/.build/release/anchorreg" --out "$out" "$@"
