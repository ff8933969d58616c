#!/usr/bin/env bash
# Issue 12 acceptance for `watch`: 200 files dropped into a folder at 10 per second (good
# frames, truncated frames, files that are not images), the watcher killed with SIGKILL half
# way and restarted. Checks that every good frame got exactly one "ok" line and every bad file
# exactly one "error" line, then prints the counts as JSON. Uses the release build.
#   Benchmarks/series/watch_soak.sh [FILES] [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
total=${1:-200}
work=${2:-$(mktemp -d)}
bin="${ANCHORREG_BIN:-$root/.build/release/anchorreg}"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product anchorreg)
rm -rf "$work/src" "$work/in" "$work/log.jsonl"
mkdir -p "$work/in"
good=$(( total * 8 / 10 ))
"$bin" synth si7x7 --seed 77 --size 256 --fov-nm 12 --series "$good" --interval 10 --out "$work/src" > /dev/null
log="$work/log.jsonl"
start_watch() {
  "$bin" watch "$work/in" --model si111-7x7 --log "$log" --settle 0.3 --poll 0.05 --idle-exit 4 > /dev/null 2>&1 &
  pid=$!
}
start_watch
g=0; bad=0; killed=0
for k in $(seq 0 $(( total - 1 ))); do
  if (( k % 10 == 3 )); then
    head -c 40000 "$work/src/frame_$(printf %03d $(( g > 0 ? g - 1 : 0 ))).tiff" > "$work/in/truncated_$k.tiff"; bad=$((bad + 1))
  elif (( k % 10 == 7 )); then
    echo "not an image $k" > "$work/in/notes_$k.txt"; bad=$((bad + 1))
  else
    cp "$work/src/frame_$(printf %03d $g).tiff" "$work/in/frame_$(printf %03d $g).tiff"; g=$((g + 1))
  fi
  if (( k == total / 2 )); then
    kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; killed=1
    start_watch
  fi
  sleep 0.1
done
wait "$pid" || true
python3 - "$log" "$g" "$bad" <<'PY'
import json, sys, collections
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
good, bad = int(sys.argv[2]), int(sys.argv[3])
per = collections.Counter(l["file"].rsplit("/", 1)[-1] for l in lines)
ok = [l for l in lines if l["status"] == "ok"]
err = [l for l in lines if l["status"] == "error"]
okfiles = {l["file"].rsplit("/", 1)[-1] for l in ok}
errfiles = {l["file"].rsplit("/", 1)[-1] for l in err}
result = {
    "dropped": good + bad, "good": good, "bad": bad, "lines": len(lines),
    "good_processed_once": sum(1 for f in okfiles if f.startswith("frame_") and per[f] == 1),
    "bad_reported_once": sum(1 for f in errfiles if not f.startswith("frame_") and per[f] == 1),
    "duplicates": sum(1 for v in per.values() if v > 1),
    "good_refused": sum(1 for f in errfiles if f.startswith("frame_")),
    "error_types": dict(collections.Counter(l["error"]["type"] for l in err)),
}
print(json.dumps(result))
sys.exit(0 if result["good_processed_once"] == good and result["bad_reported_once"] == bad and result["duplicates"] == 0 else 1)
PY
