#!/usr/bin/env bash
# One command: set up a fresh Debian 12 machine, build, and launch the app.
# Arguments are passed to the app (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
if [ -x build/app/transformer-lab ]; then
  exec build/app/transformer-lab "$@"
else
  exec build/engine/tlab-run "${@:-the dog sees the cat}"
fi
