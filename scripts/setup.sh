#!/usr/bin/env bash
# Installs what pbench needs and is missing, then builds it. Idempotent: a
# second call skips everything already there.
#   - Debian packages (apt-get, as root or through sudo)
#   - the C build in build/ (CMake)
#   - .venv with the pinned profilers of requirements.txt
# Environment: PBENCH_BUILD_DIR (default build), PBENCH_BUILD_TYPE
# (default RelWithDebInfo), PBENCH_PYTHON (interpreter for .venv, default
# /usr/bin/python3), PBENCH_SKIP_VENV=1 to skip the profilers,
# PBENCH_PYTHONS="3.12 3.13" (or --python 3.12 ...) for one environment per
# Python version in .venvs/ (a config's `pythons:`), PBENCH_SLURM=1 (or
# --slurm) to add Debian's Slurm and munge (slurmctld, slurmd, slurm-client,
# munge) for the tests of the Slurm job-array mode, which start a private
# cluster with scripts/slurm_local.sh; scripts/test.sh asks for them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${PBENCH_BUILD_DIR:-build}
build_type=${PBENCH_BUILD_TYPE:-RelWithDebInfo}
python=${PBENCH_PYTHON:-/usr/bin/python3}

say() { printf 'setup: %s\n' "$*" >&2; }

slurm=${PBENCH_SLURM:-0}
for arg in "$@"; do
    [ "$arg" = --slurm ] && slurm=1
done

# --- Debian packages ---------------------------------------------------------
packages=(build-essential cmake pkg-config libyaml-dev libjansson-dev check libsubunit-dev
          gnuplot-nox python3 python3-venv python3-dev python3-pip hyperfine)
# Slurm (opt-in): controller, node daemon, client commands and munge; the
# packages' services are not used (scripts/slurm_local.sh runs its own)
if [ "$slurm" = 1 ]; then
    packages+=(slurmctld slurmd slurm-client munge)
fi
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

# --- the profilers' virtual environments ------------------------------------------
# (before the build: CMake registers the adapter tests only when .venv exists)
# .venv: the interpreter of the shipped configs (PBENCH_PYTHON). .venvs/X.Y: one
# per version a config's `pythons: [X.Y, ...]` names, made when asked for
# (PBENCH_PYTHONS="3.12 3.13", or --python X.Y), from the interpreter pyenv or
# PATH has, with requirements-X.Y.txt when a version needs its own pins.
# Each is rebuilt only when its requirements changed; a version that cannot be
# set up is reported and skipped: pbench then reports it unavailable.

# make_venv DIR INTERPRETER REQUIREMENTS: creates or updates one environment.
make_venv() {
    local dir=$1 interp=$2 req=$3 stamp=$1/.pbench-requirements want
    want=$(sha256sum "$req" | cut -d' ' -f1)
    if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say "$dir: up to date"
        return 0
    fi
    if [ ! -x "$dir/bin/python" ]; then
        say "creating $dir with $interp"
        "$interp" -m venv "$dir" || return 1
    fi
    say "installing $req into $dir"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" || return 1
    echo "$want" > "$stamp"
}

# The interpreter of version X.Y (or X.Y.Z): pyenv's, else pythonX.Y on PATH.
find_python() {
    local v=$1 d
    for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v".*; do
        [ -x "$d/bin/python3" ] && { echo "$d/bin/python3"; return 0; }
    done
    command -v "python$v" 2>/dev/null
}

pythons=${PBENCH_PYTHONS:-}
for arg in "$@"; do
    case $arg in
        --python=*) pythons="$pythons ${arg#--python=}" ;;
    esac
done
while [ $# -gt 0 ]; do
    [ "$1" = --python ] && [ $# -gt 1 ] && { pythons="$pythons $2"; shift; }
    shift
done

if [ "${PBENCH_SKIP_VENV:-0}" = 1 ]; then
    say "skipping .venv (PBENCH_SKIP_VENV=1)"
else
    make_venv .venv "$python" requirements.txt || { say "cannot set up .venv with $python"; exit 1; }
fi
for v in $pythons; do
    interp=$(find_python "$v")
    req=requirements.txt
    [ -f "requirements-$v.txt" ] && req=requirements-$v.txt
    if [ -z "$interp" ]; then
        say "no Python $v here (not in pyenv, no python$v on PATH): runs on it will be reported unavailable"
    elif ! make_venv ".venvs/$v" "$interp" "$req"; then
        say "could not set up .venvs/$v (see pip's messages above): runs on it will be reported unavailable"
    fi
done

# --- the C build ----------------------------------------------------------------
say "building pbench ($build_type) in $build/"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="$build_type" ${PBENCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

