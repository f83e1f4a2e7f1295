#!/usr/bin/env bash
# Trains the shipped model from scratch with the shipped settings and
# evaluates it: builds (scripts/build.sh), runs tlab-train (corpus, untrained
# weights -> assets/model-untrained.safetensors, training, checkpoints in
# checkpoints/, trained model -> assets/model.safetensors, the run's curves and
# snapshots -> assets/training-history.bin), then tlab-eval.
# Extra arguments go to tlab-train (e.g. --steps 500, --resume checkpoints/tlab-train.ckpt,
# --out /tmp/m.safetensors --init-out /tmp/init.safetensors to keep the shipped files).
# About 5-6 minutes on an idle 2-core machine; on a busy one a time limit stops
# training early so the whole script stays within 10 minutes (the model is then
# written at the step it reached, which the last progress line shows).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/build.sh
out=assets/model.safetensors
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--out" ] && [ $((i + 1)) -lt ${#args[@]} ] && out=${args[$((i + 1))]}
done
# The whole script must finish within 10 minutes: training gets what the build
# left of 600 s, minus 30 s for the corpus, saving and evaluation (a --time-limit
# given on the command line comes later and wins).
limit=$(( 600 - ($(date +%s) - start) - 30 ))
[ "$limit" -lt 60 ] && limit=60
# The run's record for the Training lesson (docs/training-history.md) goes next to the model.
build/engine/tlab-train --steps 5000 --batch 64 --seed 1 --warmup 400 --lr-scale 1 --threads 2 \
  --time-limit "$limit" --eval-every 50 --valid-n 200 --history "$(dirname "$out")/training-history.bin" "$@"
build/engine/tlab-eval --model "$out"
echo "train.sh: total $(( $(date +%s) - start )) s (build + training + evaluation)"
