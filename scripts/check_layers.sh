#!/usr/bin/env bash
# The layer rule of docs/architecture.md, checked on the #include lines of
# harness/: a file may include headers of its own folder and of the layers
# below it, never of a layer above. sampler/ stands beside the pipeline and
# uses only util/; only cli/ may include sampler/.
#   scripts/check_layers.sh [HARNESS_DIR]   # exit 1 and one line per upward edge
set -euo pipefail
dir=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/harness}
layers=(util core store analysis run output cli)
rank() {
    local i
    for i in "${!layers[@]}"; do
        [ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }
    done
    echo -1
}
bad=0 files=0 edges=0
while IFS= read -r -d '' f; do
    rel=${f#"$dir"/}
    from=${rel%%/*}
    [ "$from" = "$rel" ] && { echo "$rel: a source file outside every layer folder"; bad=1; continue; }
    files=$((files + 1))
    while IFS= read -r inc; do
        to=${inc%%/*}
        edges=$((edges + 1))
        [ "$to" = "$inc" ] && { echo "$rel: #include \"$inc\" names no layer folder"; bad=1; continue; }
        [ "$to" = "$from" ] && continue
        if [ "$from" = sampler ] || [ "$to" = sampler ]; then
            if { [ "$from" = sampler ] && [ "$to" = util ]; } || { [ "$to" = sampler ] && [ "$from" = cli ]; }; then
                continue
            fi
            echo "$rel: #include \"$inc\": sampler/ uses only util/, and only cli/ uses sampler/"
            bad=1
            continue
        fi
        rf=$(rank "$from") rt=$(rank "$to")
        if [ "$rf" -lt 0 ] || [ "$rt" -lt 0 ]; then
            echo "$rel: #include \"$inc\": unknown layer"
            bad=1
        elif [ "$rt" -gt "$rf" ]; then
            echo "$rel: #include \"$inc\": $from/ may not include $to/ (a layer above it)"
            bad=1
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find "$dir" -name '*.[ch]' -print0 | sort -z)
if [ "$bad" = 0 ]; then
    echo "layers: $files files, $edges includes, no upward edge (${layers[*]}; sampler beside)"
fi
exit "$bad"
