#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (ctest),
# then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer,
# then a short bounded fuzz of the config loader. .ci/run calls exactly this.
#   PBENCH_TEST_QUICK=1 scripts/test.sh     # the plain suite only
#   PBENCH_FUZZ_SECONDS=600 scripts/test.sh # a longer fuzz
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# .venvs/3.11 and .venvs/3.12 too: the version suite (tests/test_versions_run.c)
# runs pyperformance benchmarks under the profilers on both; Slurm and munge
# too: the Slurm suite starts a real single-node cluster (scripts/slurm_local.sh)
PBENCH_SLURM=1 PBENCH_PYTHONS=${PBENCH_PYTHONS-3.11 3.12} bash scripts/setup.sh
build=${PBENCH_BUILD_DIR:-build}
# ctest's output, also kept to count the skipped suites for the closing line
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
echo "== test suite ($build)" >&2
ctest --test-dir "$build" --output-on-failure -j1 | tee "$logs/plain.log"
if [ "${PBENCH_TEST_QUICK:-0}" = 1 ]; then
    exit 0
fi

echo "== test suite under AddressSanitizer and UndefinedBehaviorSanitizer (build-asan)" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPB_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)" >/dev/null
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir build-asan --output-on-failure -j1 | tee "$logs/asan.log"

echo "== config loader fuzzing (${PBENCH_FUZZ_SECONDS:-30} s)" >&2
bash scripts/fuzz.sh "${PBENCH_FUZZ_SECONDS:-30}"

# Reached only when everything above passed (set -e): the closing count of
# the ctest suites of both builds. A suite that skipped a test (ctest's
# "***Skipped": SKIP_RETURN_CODE, see tests/runner.c) is counted apart.
n=$(ctest --test-dir "$build" -N | sed -n 's/^Total Tests: //p')
skipped=$(cat "$logs/plain.log" "$logs/asan.log" | grep -c 'Test *#[0-9]*: .*\*\*\*Skipped' || true)
echo "suites: $((2 * n - skipped)) passed, 0 failed, $skipped skipped"
