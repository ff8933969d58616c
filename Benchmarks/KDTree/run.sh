#!/usr/bin/env bash
# k-d tree speed of AnchorGeometry.KDTree vs scipy.spatial.cKDTree on identical data;
# release build, one core each. Ratios > 1 mean AnchorReg is faster.
# Usage: Benchmarks/KDTree/run.sh [--sizes 100,1000,10000,100000] [--queries 10000] [--repeats 5]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/Benchmarks/.venv"
out="$root/Benchmarks/out/kdtree"
mkdir -p "$out"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c "import numpy, scipy" 2>/dev/null || "$venv/bin/pip" install -q numpy scipy
cd "$root"
swift build -c release --target AnchorGeometry >/dev/null
rel=.build/release
shims="$(find .build/checkouts/swift-numerics/Sources/_NumericsShims -name module.modulemap | head -1)"
swiftc -O -module-name KDTreeBench -I "$rel/Modules" -Xcc -fmodule-map-file="$shims" \
  "$here/bench.swift" "$rel"/AnchorGeometry.build/*.o "$rel"/RealModule.build/*.o -o "$out/bench"
taskset -c 0 "$venv/bin/python" "$here/compare.py" --bench "$out/bench" --out "$out" "$@"
