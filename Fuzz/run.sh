#!/bin/sh
# Builds the libFuzzer harness (AddressSanitizer + libFuzzer) and fuzzes one decoder.
#
#   Fuzz/run.sh png|jpeg|tiff|any [SECONDS]      (default 600 s)
#
# Seeds: small valid files written by Fuzz/seeds.sh into Fuzz/corpus-FORMAT/ (gitignored).
# A crash leaves Fuzz/crash-* files: turn each into a regression test in BrokenFileTests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
format=${1:-any}
seconds=${2:-600}
cd "$here"
# Optimised build (FUZZ_CONFIG=debug for a debug one): ~10x more executions per second under
# AddressSanitizer than a debug build.
config=${FUZZ_CONFIG:-release}
swift build -c "$config" --product ImageFuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -g >/dev/null
bin=$(swift build -c "$config" --product ImageFuzzer --show-bin-path)/ImageFuzzer
corpus="$here/corpus-$format"
mkdir -p "$corpus"
[ -n "$(ls -A "$corpus")" ] || "$here/seeds.sh" "$format" "$corpus"
FUZZ_FORMAT=$format "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -artifact_prefix="$here/crash-$format-" -print_final_stats=1 "$corpus"
