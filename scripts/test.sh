#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (ctest).
# .ci/run calls exactly this.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/setup.sh
build=${PBENCH_BUILD_DIR:-build}
ctest --test-dir "$build" --output-on-failure -j1
