#!/usr/bin/env bash
# Issue 12 acceptance for `track`: N random 50-frame synthetic series (default 10), each
# generated, tracked and scored against its truth by evaluate_series.py; the summary is printed
# as JSON lines (one per series) and a total. Uses the release build.
#   Benchmarks/series/run_series_benchmark.sh [SERIES] [FRAMES] [WORKDIR] [FIRST]
# (seeds 1000 + FIRST … 1000 + FIRST + SERIES − 1; FIRST defaults to 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-10}
frames=${2:-50}
work=${3:-$(mktemp -d)}
first=${4:-1}
bin="${ANCHORREG_BIN:-$root/.build/release/anchorreg}"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product anchorreg)
mkdir -p "$work"
results="$work/results.jsonl"
: > "$results"
for seed in $(seq "$first" $((first + n - 1))); do
  s="$work/series$seed"; t="$work/track$seed"
  "$bin" synth si7x7 --seed "$((1000 + seed))" --series "$frames" --random --out "$s" --force > /dev/null
  start=$(date +%s.%N)
  "$bin" track "$s" --model si111-7x7 --out "$t" --force > /dev/null
  end=$(date +%s.%N)
  line=$(python3 "$here/evaluate_series.py" "$s" "$t")
  echo "{\"seed\": $((1000 + seed)), \"track_wall_s\": $(echo "$end - $start" | bc), \"score\": $line}" | tee -a "$results"
done
python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
s = [r["score"] for r in rows]
tot = lambda k: sum(x[k] for x in s)
print(json.dumps({
    "series": len(s), "frames": tot("frames"), "refused": tot("refused"),
    "velocity_within_bound": f'{tot("velocity_within_bound")}/{tot("velocity_frames")}',
    "velocity_error_max_nm_per_s": max(x["velocity_error_max_nm_per_s"] for x in s),
    "velocity_error_median_of_medians_nm_per_s": sorted(x["velocity_error_median_nm_per_s"] for x in s)[len(s) // 2],
    "forecast_error_mean_cells": sum(x["forecast_error_mean_cells"] for x in s) / len(s),
    "forecast_error_max_cells": max(x["forecast_error_max_cells"] for x in s),
    "cells_followed_right": f'{tot("cells_followed_right")}/{tot("tracked")}',
    "stack_deviation_max_cells": max(x["stack_deviation_max_cells"] for x in s),
    "stack_deviation_p95_worst_cells": max(x["stack_deviation_p95_cells"] for x in s),
}))
PY
