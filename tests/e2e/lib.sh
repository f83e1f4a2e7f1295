# lib.sh - the common set-up of the lesson end-to-end scripts: paths from
# TLAB_BIN and TLAB_ASSETS, a temporary folder removed at exit, the headless
# SDL drivers, fail(), check_png FILE W H (size and not blank), png_ok FILE W H
# (the same check without Python when tlab-pngstat is built), translations
# SENTENCE... (tlab-run's, one a line), MODEL.
# Source it; it sets -euo pipefail.
set -euo pipefail
BIN=${TLAB_BIN:?set TLAB_BIN to the build directory}
ASSETS=${TLAB_ASSETS:?set TLAB_ASSETS to the assets directory}
APP=$BIN/app/transformer-lab
RUN=$BIN/engine/tlab-run
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
export SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export HOME=$T/home
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE CMD...: runs CMD, stdout to $T/out, stderr to $T/err, checks the exit code
expect() {
  local want=$1 rc=0; shift
  "$@" > "$T/out" 2> "$T/err" || rc=$?
  [ "$rc" = "$want" ] || { cat "$T/err" >&2; fail "$* exited $rc, want $want"; }
}
# translations SENTENCE...: tlab-run's translation of each sentence with MODEL, one a line on stdout
translations() {
  local s
  for s in "$@"; do "$RUN" --model "$MODEL" "$s" | sed -n 's/^translation: //p'; done
}
# has FILE TEXT: $T/FILE contains TEXT
has() { grep -q -- "$2" "$T/$1" || { cat "$T/$1" >&2; fail "no '$2' in $1"; }; }
check_png() { # FILE W H [ROWSTEP: every n-th row measured, default 8; 0 = size only]
  [ -s "$1" ] || fail "missing image $1"
  local out w h var # pngcheck.py prints "FILE W H VARIANCE" (fast C path when the tests are built)
  out=$(python3 "$HERE/pngcheck.py" --step "${4:-8}" "$1") || fail "unreadable image $1"
  read -r w h var <<< "$(echo "$out" | awk '{print $(NF-2), $(NF-1), $NF}')"
  [ "$w" = "$2" ] && [ "$h" = "$3" ] || fail "$1 is ${w}x$h, want $2x$3"
  [ "${4:-8}" = 0 ] || python3 -c "import sys; sys.exit(0 if float('$var') > 200 else 1)" || fail "$1 looks blank (variance $var)"
}
png_ok() { # FILE W H: check_png without starting Python (the C tool alone) when it is built
  local st=$BIN/tests/tlab-pngstat f w h var
  [ -x "$st" ] || { check_png "$@"; return; }
  read -r f w h var <<< "$("$st" --step 8 "$1")" || fail "unreadable image $1"
  [ "$w" = "$2" ] && [ "$h" = "$3" ] || fail "$1 is ${w}x$h, want $2x$3"
  awk -v v="$var" 'BEGIN { exit !(v > 200) }' || fail "$1 looks blank (variance $var)"
}
MODEL=$ASSETS/model.safetensors
[ -f "$MODEL" ] || MODEL=$ASSETS/model-untrained.safetensors
