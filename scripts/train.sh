#!/usr/bin/env bash
# Trains the shipped model from scratch with the shipped settings and
# evaluates it: builds (scripts/build.sh), runs tlab-train (corpus, untrained
# weights -> assets/model-untrained.safetensors, training, checkpoints in
# checkpoints/, trained model -> assets/model.safetensors), then tlab-eval.
# Extra arguments go to tlab-train (e.g. --steps 500, --resume checkpoints/tlab-train.ckpt,
# --out /tmp/m.safetensors --init-out /tmp/init.safetensors to keep the shipped files).
# About 3-5 minutes on an idle 2-core machine; --time-limit keeps the training
# part under 8 minutes on a busy one (the model is then written where it got to).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/build.sh
out=assets/model.safetensors
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--out" ] && [ $((i + 1)) -lt ${#args[@]} ] && out=${args[$((i + 1))]}
done
build/engine/tlab-train --steps 5000 --batch 64 --seed 1 --warmup 400 --lr-scale 1 --threads 2 \
  --time-limit 480 "$@"
build/engine/tlab-eval --model "$out"
echo "train.sh: total $(( $(date +%s) - start )) s (build + training + evaluation)"
