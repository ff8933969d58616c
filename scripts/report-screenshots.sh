#!/usr/bin/env bash
# Regenerates the screenshots of report.html in docs/ (report-register.png, report-locate.png,
# report-align.png) from the real data in ../shared/data/real, with the browser checks of
# scripts/browser-tests run on the same pages.
#
#   bash scripts/report-screenshots.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
data=${ANCHORREG_DATA:-$root/../shared/data/real}
[ -d "$data" ] || { echo "report-screenshots: no data folder $data (set ANCHORREG_DATA)" >&2; exit 2; }
swift build --product anchorreg > /dev/null
bin=$(swift build --show-bin-path)/anchorreg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" register "$data/si7x7-ethz-nanolib/Si_7x7_028.sxm" --model si111-7x7 --out "$work/register" > /dev/null
"$bin" locate "$data/si7x7-spiepy/image_with_defects.dat" --raw 256,256,f64le,8 --model si111-7x7 --out "$work/locate" > /dev/null
snake="$data/optical-snake-hackerfab"
"$bin" models from-image "$snake/snake_design.jpg" --extractor rectangle --out "$work/snake.json" > /dev/null
"$bin" align "$snake/snakesmall2.jpg" "$snake/snakesmall1.jpg" --model "$work/snake.json" \
    --profile 100,300,2400,300 --out "$work/align" > /dev/null
bash scripts/browser-tests/run.sh --screenshots docs "$work/register/report.html" "$work/locate/report.html" "$work/align/report.html"
