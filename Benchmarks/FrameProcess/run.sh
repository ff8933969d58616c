#!/usr/bin/env bash
# Whole-process time of `anchorreg locate` per frame with --outputs json and with the default
# outputs, against the in-process analysis time (issue 12). The release build a user makes
# (`swift build -c release`; Package.swift links the Swift runtime and Foundation into
# `anchorreg`). One core.
# Usage: Benchmarks/FrameProcess/run.sh [--frames 5] [--size 512] [--fov-nm 20] [--repeats 3]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/Benchmarks/out/frame-process"
mkdir -p "$out"
cd "$root"
swift build -c release --product anchorreg >/dev/null
taskset -c 0 python3 "$here/measure.py" --anchorreg "$root/.build/release/anchorreg" --out "$out" "$@"
