#!/usr/bin/env bash
# check_layers.sh - checks the include rules of docs/architecture.md over the
# source tree (the CTest test "layers"; also runs by hand from anywhere):
#   layers, lowest first: engine < app/ui < lessons (+ lessons/common) < app shell;
#   a file may include headers of its own layer or of a lower one, never a higher;
#   inside the engine, nn/ and data/ include nothing from engine/ itself
#   (training, beam search, evaluation sit above them);
#   engine/ includes no SDL and no cglm header.
# A project include is resolved by its file name (every header name in the tree
# is unique; a second header of the same name is itself an error), so the rules
# hold whatever include directories CMake gives. Prints one line per violation
# and exits 1 if there is any; exit 0 says how many includes it checked.
# Usage: check_layers.sh [SOURCE_DIR]   (default: the tree this script is in)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

# layer FILE -> sets rank and lname for a project source path
layer() {
    case $1 in
        engine/nn/* | engine/data/*) rank=0 lname=engine/nn+data ;;
        engine/*) rank=0 lname=engine ;;
        app/ui/*) rank=1 lname=app/ui ;;
        lessons/*) rank=2 lname=lessons ;;
        app/*) rank=3 lname=app-shell ;;
    esac
}

mapfile -t sources < <(find engine app lessons -type f \( -name '*.c' -o -name '*.h' \) | sort)
declare -A header_at=()
bad=0
for f in "${sources[@]}"; do
    [[ $f == *.h ]] || continue
    name=${f##*/}
    if [[ -n ${header_at[$name]:-} ]]; then
        echo "layers: two headers named $name: ${header_at[$name]} and $f" >&2
        bad=$((bad + 1))
    fi
    header_at[$name]=$f
done

checked=0
# every #include line of the tree, "name" or <name>: FILE:LINE:TEXT
while IFS=: read -r f lineno inc; do
    layer "$f"
    from_rank=$rank from_name=$lname
    [[ $inc =~ include[[:space:]]*[\"\<]([^\">]+) ]] || continue
    target=${BASH_REMATCH[1]}
    if [[ $from_name == engine* ]] && [[ $target =~ ^(SDL|SDL2/|cglm/) ]]; then
        echo "layers: $f:$lineno: the engine includes <$target> (no SDL or cglm in engine/)" >&2
        bad=$((bad + 1))
        continue
    fi
    to=${header_at[${target##*/}]:-}
    if [[ -z $to ]]; then
        if [[ $inc == *'"'* ]]; then # a quoted include must be a header of this tree
            echo "layers: $f:$lineno: \"$target\" is no header of engine/, app/ or lessons/" >&2
            bad=$((bad + 1))
        fi
        continue
    fi
    checked=$((checked + 1))
    layer "$to"
    if ((rank > from_rank)); then
        echo "layers: $f:$lineno: $from_name includes $to ($lname is a higher layer)" >&2
        bad=$((bad + 1))
    elif [[ $from_name == engine/nn+data && $lname == engine ]]; then
        echo "layers: $f:$lineno: engine/nn and engine/data include nothing from engine/ itself ($to)" >&2
        bad=$((bad + 1))
    fi
done < <(grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' "${sources[@]}" || true)

if ((bad)); then
    echo "layers: $bad violation(s) of the include rules (docs/architecture.md)" >&2
    exit 1
fi
echo "layers: ${#sources[@]} files, $checked project includes, every one pointing down"
