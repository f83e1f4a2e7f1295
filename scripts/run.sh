#!/usr/bin/env bash
# run.sh [ARGS...] - one command: set up a fresh Debian 12 machine (scripts/setup.sh),
# build the app and the command-line tools (quietly; log in build/logs/build.log),
# and launch the app. Arguments go to the app (try --help). Without a display the
# app says so and how to get one, or to use the headless --export-all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
bash scripts/build.sh --target transformer-lab --target tlab-run
exec build/app/transformer-lab "$@"
