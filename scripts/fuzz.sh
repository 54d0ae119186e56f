#!/usr/bin/env bash
# Fuzzes the config loader and the readers of stored results directories
# with libFuzzer (clang, AddressSanitizer, UndefinedBehaviorSanitizer, leak
# checks), each for SECONDS, from the seed corpora in tests/fuzz/corpus (the
# project's own configs) and tests/fuzz/store-corpus (the test fixtures'
# stored files).
#   scripts/fuzz.sh [SECONDS]       # default 60; CI runs a short bound
# New interesting inputs go to build-fuzz/corpus (not committed); a crash,
# hang or leak stops the run with the reproducer in build-fuzz/ and exit 1.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
secs=${1:-60}
if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
    pkgs=(clang libclang-rt-14-dev)
    echo "fuzz: installing ${pkgs[*]}" >&2
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
build=build-fuzz
mkdir -p "$build/corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_GNU_SOURCE -DPB_SOURCE_DIR="\"$root\"" -Iharness \
    tests/fuzz/fuzz_config.c \
    harness/core/*.c \
    harness/util/error.c harness/util/strv.c harness/util/suggest.c harness/util/path.c harness/util/fs.c \
    harness/util/datadir.c harness/util/rng.c \
    $(pkg-config --cflags --libs yaml-0.1) -o "$build/fuzz_config"
# The readers of a stored results directory (untrusted input): runs.jsonl,
# summary.json, accuracy.json, meta.json, config-resolved.json,
# calibration.json; the first byte of an input picks the file.
mkdir -p "$build/store-corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_GNU_SOURCE -Iharness \
    tests/fuzz/fuzz_store.c \
    harness/store/*.c harness/analysis/*.c harness/core/*.c \
    harness/util/*.c \
    $(pkg-config --cflags --libs jansson yaml-0.1) -lm -o "$build/fuzz_store"
cd "$build"
fuzz_one() {  # NAME SECONDS CORPUS... : runs one target, 1 when it found a problem
    local name=$1 t=$2 status=0
    shift 2
    ./"$name" -max_total_time="$t" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        "$@" > "$name.log" 2>&1 || status=$?
    grep -E "^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY)" "$name.log" || true
    if [ "$status" != 0 ]; then
        echo "fuzz: libFuzzer found a problem in $name (exit $status); see $build/$name.log" >&2
        return 1
    fi
    echo "fuzz: $name: no crash, hang or leak in ${t}s ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$name.log" | awk '{print $2}') inputs)"
}
fail=0
fuzz_one fuzz_config "$secs" -dict="$root/tests/fuzz/yaml.dict" corpus "$root/tests/fuzz/corpus" || fail=1
fuzz_one fuzz_store "$secs" -dict="$root/tests/fuzz/json.dict" store-corpus "$root/tests/fuzz/store-corpus" || fail=1
exit $fail
