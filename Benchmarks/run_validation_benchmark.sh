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
# Environment:
#   SAMPLES            samples per condition of our study (default 10000)
#   PY_SAMPLES         samples per condition run through Python/OpenCV (default SAMPLES); the
#                      first PY_SAMPLES samples of each condition, which our study also reruns
#                      alone so the side-by-side tables hold identical samples (OpenCV LMEDS
#                      runs 2000 iterations per fit: ~6 CPU-s per condition per 10,000 samples)
#   SEED (1), BEST (our best paired-mode estimator, default dlt, validate's paired default),
#   PAIRING_ESTIMATOR (lmeds), THROUGHPUT_FITS (2000).
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES=${SAMPLES:-10000}
PY_SAMPLES=${PY_SAMPLES:-$SAMPLES}
SEED=${SEED:-1}
BEST=${BEST:-dlt}
PAIRING_ESTIMATOR=${PAIRING_ESTIMATOR:-lmeds}
THROUGHPUT_FITS=${THROUGHPUT_FITS:-2000}
OUT=Benchmarks/results
mkdir -p "$OUT"

swift build -c release --product anchorreg --product anchorreg-bench
BIN="$(swift build -c release --show-bin-path)/anchorreg"
BENCH="$(swift build -c release --show-bin-path)/anchorreg-bench"

if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
fi
Benchmarks/.venv/bin/pip install -q -r Benchmarks/requirements.txt
PY=../../Benchmarks/.venv/bin/python
V=Benchmarks/validation
R=../../$OUT
ESTIMATORS=$(printf "%s\n" lmeds "$BEST" | sort -u)

echo "== exporting samples ($SAMPLES per condition, seed $SEED)"
"$BENCH" export-samples --samples "$SAMPLES" --seed "$SEED" --out "$OUT/samples-paired" --force
"$BENCH" export-samples --mode pairing --samples "$SAMPLES" --seed "$SEED" --out "$OUT/samples-pairing" --force

echo "== anchorreg ($SAMPLES samples, and the first $PY_SAMPLES alone)"
for E in $ESTIMATORS; do
  "$BIN" validate --samples "$SAMPLES" --seed "$SEED" --estimator "$E" --json --out "$OUT/ours-$E" --force > "$OUT/ours-$E.json"
  "$BIN" validate --samples "$PY_SAMPLES" --seed "$SEED" --estimator "$E" --json > "$OUT/ours-$E-py.json"
done
"$BIN" validate --mode pairing --samples "$SAMPLES" --seed "$SEED" --estimator "$PAIRING_ESTIMATOR" --json \
  --out "$OUT/ours-pairing" --force > "$OUT/ours-pairing.json"
"$BIN" validate --mode pairing --samples "$PY_SAMPLES" --seed "$SEED" --estimator "$PAIRING_ESTIMATOR" --json \
  > "$OUT/ours-pairing-py.json"

echo "== OpenCV on the identical paired samples"
(cd $V && $PY opencv_paired.py "$R/samples-paired" --method lmeds --max-samples "$PY_SAMPLES") > "$OUT/opencv-lmeds.json"
(cd $V && $PY opencv_paired.py "$R/samples-paired" --method magsac --max-samples "$PY_SAMPLES") > "$OUT/opencv-magsac.json"
echo "== the paper's chain in Python + OpenCV on the identical pairing samples"
(cd $V && $PY paper_chain.py "$R/samples-pairing" --max-samples "$PY_SAMPLES") > "$OUT/paper-chain.json"

echo "== throughput, one core each"
for E in $ESTIMATORS; do
  "$BIN" validate --threads 1 --points 4,16,36,100 --noise 0.05 --samples "$THROUGHPUT_FITS" --seed "$SEED" \
    --estimator "$E" --json > "$OUT/ours-throughput-$E.json"
done
for M in lmeds magsac; do
  (cd $V && $PY opencv_throughput.py "$R/samples-paired" --method $M --fits "$THROUGHPUT_FITS") \
    > "$OUT/opencv-throughput-$M.json"
done

{
  (cd $V && $PY compare.py \
    --paired "$R/ours-$BEST-py.json" "$R/ours-lmeds-py.json" "$R/opencv-lmeds.json" "$R/opencv-magsac.json" \
    --pairing "$R/ours-pairing-py.json" "$R/paper-chain.json")
  echo "# Our study alone, $SAMPLES samples per condition"
  (cd $V && $PY compare.py --paired "$R/ours-$BEST.json" "$R/ours-lmeds.json" --pairing "$R/ours-pairing.json" | tail -n +2)
  for E in $ESTIMATORS; do
    (cd $V && $PY compare.py --throughput "$R/ours-throughput-$E.json" "$R/opencv-throughput-lmeds.json" \
      "$R/opencv-throughput-magsac.json" | tail -n +2)
  done
} > "$OUT/summary.md"
echo "== summary: $OUT/summary.md"
cat "$OUT/summary.md"
