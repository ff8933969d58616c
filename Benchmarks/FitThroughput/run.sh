#!/usr/bin/env bash
# Fit throughput of AnchorGeometry's estimators vs OpenCV findHomography (LMEDS, USAC_MAGSAC)
# on identical point sets; release build, one core each.
# Usage: Benchmarks/FitThroughput/run.sh [--sets 2000] [--noise 0.05] [--estimators lmeds,msac]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/Benchmarks/.venv"
out="$root/Benchmarks/out/fit-throughput"
mkdir -p "$out"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q opencv-python-headless numpy
fi
cd "$root"
swift build -c release --target AnchorGeometry >/dev/null
rel=.build/release
shims="$(find .build/checkouts/swift-numerics/Sources/_NumericsShims -name module.modulemap | head -1)"
swiftc -O -module-name FitThroughput -I "$rel/Modules" -Xcc -fmodule-map-file="$shims" \
  "$here/bench.swift" "$rel"/AnchorGeometry.build/*.o "$rel"/RealModule.build/*.o -o "$out/bench"
taskset -c 0 "$venv/bin/python" "$here/compare.py" --bench "$out/bench" --out "$out" "$@"
