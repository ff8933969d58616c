#!/usr/bin/env bash
# Build the fuzz harnesses with libFuzzer + AddressSanitizer and run one decoder.
#   Fuzz/run-spm.sh FORMAT [SECONDS] [extra libFuzzer flags…]
# FORMAT: sxm gwy gsf npy spm raw any. Seeds come from Fuzz/seeds/FORMAT (small valid files,
# made by Fuzz/make_spm_seeds.py); new inputs accumulate in Fuzz/corpus/FORMAT (gitignored);
# crashes are written to Fuzz/artifacts/FORMAT/.
set -euo pipefail
cd "$(dirname "$0")"
fmt=${1:?usage: run.sh FORMAT [SECONDS]}
secs=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
swift build --product FuzzSPMFormats -Xswiftc -sanitize=fuzzer,address \
    >/dev/null 2>build.log || { cat build.log; exit 1; }
mkdir -p "corpus/$fmt" "artifacts/$fmt"
[ -d "seeds/$fmt" ] && cp -n seeds/"$fmt"/* "corpus/$fmt/" 2>/dev/null || true
FUZZ_FORMAT=$fmt exec ./.build/debug/FuzzSPMFormats -max_total_time="$secs" -max_len=65536 \
    -rss_limit_mb=2048 -artifact_prefix="artifacts/$fmt/" "$@" "corpus/$fmt"
