#!/usr/bin/env bash
# Monte-Carlo validation of AnchorReg against OpenCV on identical samples (docs/validation.md).
#
# Builds anchorreg in release, creates Benchmarks/.venv with numpy, opencv-python-headless and
# scipy, exports the study's samples as .npy files, runs
#   - anchorreg validate (paired: LMedS+refinement and the best estimator; pairing mode),
#   - cv2.findHomography LMEDS and USAC_MAGSAC on the identical paired samples,
#   - a Python + OpenCV version of the paper's single-pass chain on the identical pairing samples,
#   - fits/second on one core, ours vs OpenCV LMEDS, for 4, 16, 36 and 100 points,
# and writes Benchmarks/results/summary.md.
#
# Environment: SAMPLES (default 10000), SEED (1), BEST (our best paired-mode estimator, default
# dlt, validate's paired default), PAIRING_ESTIMATOR (default lmeds), PAIRING_SAMPLES (samples for the
# pairing comparison, default SAMPLES),
# THROUGHPUT_FITS (2000), MAGSAC_THRESHOLD (OpenCV's ransacReprojThreshold for USAC_MAGSAC).
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES=${SAMPLES:-10000}
SEED=${SEED:-1}
PAIRING_SAMPLES=${PAIRING_SAMPLES:-$SAMPLES}
THROUGHPUT_FITS=${THROUGHPUT_FITS:-2000}
OUT=Benchmarks/results
mkdir -p "$OUT"

swift build -c release --product anchorreg
BIN="$(swift build -c release --show-bin-path)/anchorreg"
BEST=${BEST:-dlt}
PAIRING_ESTIMATOR=${PAIRING_ESTIMATOR:-lmeds}

if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
fi
Benchmarks/.venv/bin/pip install -q -r Benchmarks/requirements.txt
PY=Benchmarks/.venv/bin/python
V=Benchmarks/validation

echo "== exporting samples ($SAMPLES per condition, seed $SEED)"
"$BIN" validate --samples "$SAMPLES" --seed "$SEED" --export-samples "$OUT/samples-paired" --force
"$BIN" validate --mode pairing --samples "$PAIRING_SAMPLES" --seed "$SEED" --export-samples "$OUT/samples-pairing" --force

echo "== anchorreg, paired mode"
for E in $(printf "%s\n" lmeds "$BEST" | sort -u); do
  "$BIN" validate --samples "$SAMPLES" --seed "$SEED" --estimator "$E" --json --out "$OUT/ours-$E" --force > "$OUT/ours-$E.json"
done
echo "== anchorreg, pairing mode"
"$BIN" validate --mode pairing --samples "$PAIRING_SAMPLES" --seed "$SEED" --estimator "$PAIRING_ESTIMATOR" --json \
  --out "$OUT/ours-pairing" --force > "$OUT/ours-pairing.json"

echo "== OpenCV, paired mode"
(cd $V && ../../$PY opencv_paired.py "../../$OUT/samples-paired" --method lmeds) > "$OUT/opencv-lmeds.json"
if [ -n "${MAGSAC_THRESHOLD:-}" ]; then
  (cd $V && ../../$PY opencv_paired.py "../../$OUT/samples-paired" --method magsac --threshold "$MAGSAC_THRESHOLD") > "$OUT/opencv-magsac.json"
else
  (cd $V && ../../$PY opencv_paired.py "../../$OUT/samples-paired" --method magsac) > "$OUT/opencv-magsac.json"
fi
echo "== paper's chain in Python + OpenCV, pairing mode"
(cd $V && ../../$PY paper_chain.py "../../$OUT/samples-pairing") > "$OUT/paper-chain.json"

echo "== throughput, one core each"
"$BIN" validate --threads 1 --points 4,16,36,100 --noise 0.05 --samples "$THROUGHPUT_FITS" --seed "$SEED" \
  --estimator "$BEST" --json > "$OUT/ours-throughput.json"
"$BIN" validate --threads 1 --points 4,16,36,100 --noise 0.05 --samples "$THROUGHPUT_FITS" --seed "$SEED" \
  --estimator lmeds --json > "$OUT/ours-throughput-lmeds.json"
(cd $V && ../../$PY opencv_throughput.py "../../$OUT/samples-paired" --method lmeds --fits "$THROUGHPUT_FITS") \
  > "$OUT/opencv-throughput-lmeds.json"

(cd $V && ../../$PY compare.py \
  --paired "../../$OUT/ours-$BEST.json" "../../$OUT/ours-lmeds.json" "../../$OUT/opencv-lmeds.json" "../../$OUT/opencv-magsac.json" \
  --pairing "../../$OUT/ours-pairing.json" "../../$OUT/paper-chain.json" \
  --throughput "../../$OUT/ours-throughput.json" "../../$OUT/opencv-throughput-lmeds.json") > "$OUT/summary.md"
(cd $V && ../../$PY compare.py \
  --throughput "../../$OUT/ours-throughput-lmeds.json" "../../$OUT/opencv-throughput-lmeds.json") >> "$OUT/summary.md"
echo "== summary: $OUT/summary.md"
cat "$OUT/summary.md"
