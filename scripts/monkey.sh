#!/usr/bin/env bash
# monkey.sh - the full monkey test: transformer-lab headless (software
# renderer) takes 20,000 seeded random events through its real event loop;
# exports go to a temporary folder. Passes when the app exits 0 with a heap
# growth of at most 10% between event 1,000 and the end (printed by the app).
#   scripts/monkey.sh [EVENTS] [SEED]     defaults 20000 and 1; BIN=build dir (default build)
# The same seed gives the same events: rerun a failure with its seed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build}
[ -x "$BIN/app/transformer-lab" ] || bash scripts/build.sh
export TLAB_BIN=$PWD/$BIN MONKEY_EVENTS=${1:-20000} MONKEY_SEED=${2:-1}
time bash tests/e2e/test_monkey.sh
