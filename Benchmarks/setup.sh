#!/bin/sh
# Creates Benchmarks/.venv (gitignored) with the Python reference libraries, once.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/.venv/bin/python" ]; then python3 -m venv "$here/.venv"; fi
"$here/.venv/bin/python" -c "import numpy, PIL, tifffile, imagecodecs" 2>/dev/null ||
    "$here/.venv/bin/pip" install -q numpy pillow tifffile imagecodecs
