#!/bin/sh
# Writes small valid seed files for FORMAT (png, jpeg, tiff, any) into DIR, made by Pillow,
# tifffile and imagecodecs (Benchmarks/.venv, created by Benchmarks/setup.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/../Benchmarks/setup.sh" >/dev/null
"$here/../Benchmarks/.venv/bin/python" "$here/make_seeds.py" "$2" "$1"
