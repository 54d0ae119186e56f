#!/usr/bin/env bash
# The main job: install what is missing, build, run the whole matrix and
# write the summary, charts and report.
#   scripts/main.sh                      # configs/all.yaml
#   scripts/main.sh configs/quick.yaml   # the one-minute first try
# Extra arguments go to `pbench run` (e.g. --profiler py_spy).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
config=${1:-configs/all.yaml}
shift || true
build=${PBENCH_BUILD_DIR:-build}
"$build/pbench" run "$config" "$@"
latest=$(ls -td results/*/ 2>/dev/null | head -n 1)
if [ -n "$latest" ] && [ -x "$build/pbench" ]; then
    "$build/pbench" report "${latest%/}" || true
fi
