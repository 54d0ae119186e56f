#!/usr/bin/env bash
# Installs what pbench needs and is missing, then builds it. Idempotent: a
# second call skips everything already there.
#   - Debian packages (apt-get, as root or through sudo)
#   - the C build in build/ (CMake)
#   - .venv with the pinned profilers of requirements.txt
# Environment: PBENCH_BUILD_DIR (default build), PBENCH_BUILD_TYPE
# (default RelWithDebInfo), PBENCH_PYTHON (interpreter for .venv, default
# /usr/bin/python3), PBENCH_SKIP_VENV=1 to skip the profilers.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${PBENCH_BUILD_DIR:-build}
build_type=${PBENCH_BUILD_TYPE:-RelWithDebInfo}
python=${PBENCH_PYTHON:-/usr/bin/python3}

say() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages ---------------------------------------------------------
packages=(build-essential cmake pkg-config libyaml-dev libjansson-dev check libsubunit-dev
          gnuplot-nox python3 python3-venv python3-dev python3-pip hyperfine)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
        sudo=sudo
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    say "Debian packages: all present"
fi

# --- the profilers' virtual environment --------------------------------------------
# (before the build: CMake registers the adapter tests only when .venv exists)
if [ "${PBENCH_SKIP_VENV:-0}" = 1 ]; then
    say "skipping .venv (PBENCH_SKIP_VENV=1)"
else
stamp=.venv/.pbench-requirements
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say ".venv: up to date"
else
    if [ ! -x .venv/bin/python ]; then
        say "creating .venv with $python"
        "$python" -m venv .venv
    fi
    say "installing the pinned profilers into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$want" > "$stamp"
fi
fi

# --- the C build ----------------------------------------------------------------
say "building pbench ($build_type) in $build/"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="$build_type" ${PBENCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

