#!/bin/sh
# Device alignment (issue 5): accuracy over 50 random synthetic pairs and the time to align a
# 2048×1536 JPEG pair, anchorreg (release, one core) against the OpenCV reference pipeline
# (Benchmarks/align/opencv_align.py, one thread), same files, same run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out="$here/out/align"
mkdir -p "$out"
[ -x "$here/.venv/bin/python" ] || python3 -m venv "$here/.venv"
"$here/.venv/bin/python" -c "import numpy, cv2, PIL" 2>/dev/null ||
    "$here/.venv/bin/pip" install -q numpy opencv-python-headless pillow
(cd "$root" && swift build -c release --product anchorreg-bench)
bin="$root/.build/release/anchorreg-bench"
"$bin" synth om-pair --seed 7 --size 2048x1536 --out "$out/om2048" --force >/dev/null
mkdir -p "$out/om2048jpg"
"$here/.venv/bin/python" - "$out" <<'PY'
import shutil, sys
from PIL import Image
o = sys.argv[1]
for n in ("before", "after"):
    Image.open(f"{o}/om2048/{n}.png").save(f"{o}/om2048jpg/{n}.jpg", quality=92)
for n in ("device.json", "truth.json"):
    shutil.copy(f"{o}/om2048/{n}", f"{o}/om2048jpg/{n}")
PY
taskset -c 0 "$bin" align --pairs 0 --timing-dir "$out/om2048jpg" --repeat 5 --json > "$out/anchorreg_timing.json"
taskset -c 0 "$here/.venv/bin/python" "$here/align/opencv_align.py" "$out/om2048jpg" --repeat 5 > "$out/opencv_timing.json"
taskset -c 0 "$bin" align --pairs 50 --size 1024x768 --json > "$out/anchorreg_accuracy_50.json"
echo "results in $out"
