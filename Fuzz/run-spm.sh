#!/usr/bin/env bash
# Build the fuzz harnesses with libFuzzer + AddressSanitizer and run one decoder.
#   Fuzz/run-spm.sh FORMAT [SECONDS] [extra libFuzzer flags…]
# FORMAT: sxm gwy gsf npy spm raw nanoscope dm ibw createc sm4 any. Seeds come from
# Fuzz/seeds/FORMAT (small valid files, made by Fuzz/make_spm_seeds.py) and, for the instrument
# formats, the real files of ../shared/data/formats (copied into the corpus, never committed);
# new inputs accumulate in Fuzz/corpus/FORMAT (gitignored); crashes are written to
# Fuzz/artifacts/FORMAT/.
set -euo pipefail
cd "$(dirname "$0")"
fmt=${1:?usage: run.sh FORMAT [SECONDS]}
secs=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
swift build --product FuzzSPMFormats -Xswiftc -sanitize=fuzzer,address \
    >/dev/null 2>build.log || { cat build.log; exit 1; }
mkdir -p "corpus/$fmt" "artifacts/$fmt"
[ -d "seeds/$fmt" ] && cp -n seeds/"$fmt"/* "corpus/$fmt/" 2>/dev/null || true
# Instrument formats: the shared real files are the seeds; inputs may be as large as they are.
maxlen=65536
shared=../../shared/data/formats
case $fmt in
    nanoscope|ibw|createc|sm4) dirs=$fmt ;;
    dm) dirs="dm3 dm4" ;;
    *) dirs= ;;
esac
for d in $dirs; do
    for f in "$shared/$d"/*; do
        case $f in *LICENSE*|*SOURCES*) continue ;; esac
        [ -f "$f" ] && cp -n "$f" "corpus/$fmt/seed-$(basename "$f")"
    done
    maxlen=2200000
done
FUZZ_FORMAT=$fmt exec ./.build/debug/FuzzSPMFormats -max_total_time="$secs" -max_len="$maxlen" \
    -rss_limit_mb=2048 -artifact_prefix="artifacts/$fmt/" "$@" "corpus/$fmt"
