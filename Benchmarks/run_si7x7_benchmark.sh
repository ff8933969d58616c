#!/usr/bin/env bash
# Si(111)-(7×7) end to end, side by side: the paper's pipeline in Python + OpenCV
# (Benchmarks/reference/paper_pipeline.py) and `anchorreg locate --model si111-7x7` (when the
# build has it) on the same synthetic frames, scored against the truth (corner-hole error,
# adatom recall at OKS 0.95, registered fraction, time per frame). Release build; every run
# pinned to one CPU. Issue 4, "Speed".
# Two frame sets, N frames each (seeds S … S+N−1):
#   random: `anchorreg synth si7x7 --seed K --random` (256–1024 px, 10–40 nm, easy to hard)
#   512:    the same parameter ranges but 512² px (reference/synth_options.py), for the
#           "512² frame from file to sites" figure.
# Results: Benchmarks/results/si7x7.md (+ si7x7-<set>.json with every frame).
# Usage: Benchmarks/run_si7x7_benchmark.sh [--frames N] [--first-seed S] [--sets "random 512"] [--ours auto|yes|no]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
frames=30
first=1
ours=auto
sets="random 512"
while [ $# -gt 0 ]; do
    case "$1" in
        --frames) frames="$2"; shift 2 ;;
        --first-seed) first="$2"; shift 2 ;;
        --sets) sets="$2"; shift 2 ;;
        --ours) ours="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import numpy, scipy, cv2, tifffile" 2>/dev/null ||
    "$venv/bin/pip" install -q numpy scipy opencv-python-headless tifffile
(cd "$root" && swift build -c release --product anchorreg)
bin="$(cd "$root" && swift build -c release --show-bin-path)/anchorreg"
mkdir -p "$here/results"
last=$((first + frames - 1))
tables=()
for set in $sets; do
    out="$here/out/si7x7-$set"
    mkdir -p "$out"
    for seed in $(seq "$first" "$last"); do
        dir="$out/seed$(printf %04d "$seed")"
        if [ ! -f "$dir/truth.json" ]; then
            case "$set" in
                random) "$bin" synth si7x7 --seed "$seed" --random --out "$dir" --force >/dev/null ;;
                512) # shellcheck disable=SC2046
                     "$bin" synth si7x7 --seed "$seed" $("$venv/bin/python" "$here/reference/synth_options.py" "$seed") \
                         --out "$dir" --force >/dev/null ;;
                *) echo "unknown set $set (random, 512)" >&2; exit 2 ;;
            esac
        fi
    done
    # Only the frames of this run are scored.
    sel="$out/run-$first-$last"
    rm -rf "$sel"
    mkdir -p "$sel"
    for seed in $(seq "$first" "$last"); do
        ln -s "../seed$(printf %04d "$seed")" "$sel/seed$(printf %04d "$seed")"
    done
    echo "self-check, set $set (the truth scored as a result):"
    "$venv/bin/python" "$here/reference/score_si7x7.py" --self-check "$sel"/*/truth.json
    "$venv/bin/python" "$here/reference/bench_si7x7.py" --bin "$bin" --frames "$sel" --label "$set" \
        --results "$here/results/si7x7-$set.md" --ours "$ours"
    tables+=("$here/results/si7x7-$set.md")
done
{ echo "# Si(111)-(7×7): the paper's pipeline (Python + OpenCV) vs AnchorReg on the same synthetic frames"; for t in "${tables[@]}"; do echo; cat "$t"; done; } > "$here/results/si7x7.md"
echo "written: $here/results/si7x7.md"
