#!/usr/bin/env bash
# test_lesson_training.sh - lesson 16 (Training) end to end, headless:
#  - the recorded history (assets/training-history.bin) is shown at start:
#    status "recorded", curves and snapshots; the time-lapse slider's left end
#    shows snapshot 0 (step 0, random weights); the export draws three steps;
#  - start (the lesson's button) trains live from random weights in the
#    background; after a fixed number of steps (script train-wait) and a pause
#    the dump reports the steps, a loss that fell, evaluations and snapshots;
#  - switching lessons keeps training (step grows while lesson 5 is shown);
#  - "use these weights" points the app's model at them, "back" restores it;
#  - save writes a new file each time, never over the first;
#  - reset goes back to empty; every PNG has the right size and is not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
SENT="the dog sees the cat"

printf 'lesson training\nwait 1\ndump %s\nquit\n' "$T/geo.json" > "$T/g.txt"
"$APP" --sentence "$SENT" --script "$T/g.txt" --size 1280x800 || fail "geometry run failed"

python3 - "$T/geo.json" "$T" "$ASSETS" > "$T/s.txt" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1])); g = d["lesson_state"]; pre = sys.argv[2]
def click(name):
    x, y, w, h = g[name]; print("click %d %d" % (x + w // 2, y + h // 2))
print("lesson training")
if d["training"]["status"] == "recorded":   # the time-lapse: the slider's left end is step 0
    x, y, w, h = g["slider"]; print("click %d %d" % (x + 2, y + h // 2)); print("wait 2")
    print("dump %s/rec0.json" % pre); print("screenshot %s/rec0.png" % pre)
    print("click %d %d" % (x + w - 2, y + h // 2)); print("wait 2"); print("dump %s/rec1.json" % pre)
click("start")
print("train-wait 40 240"); click("pause"); print("wait 3")
print("dump %s/d1.json" % pre); print("screenshot %s/live.png" % pre)
click("pause")                                  # resume, then leave the lesson while it trains
print("lesson 5"); print("train-wait %d 240" % 60); print("dump %s/d2.json" % pre)
print("lesson training"); click("pause"); print("wait 3"); print("dump %s/d3.json" % pre)
click("use"); print("wait 2"); print("dump %s/use.json" % pre)
click("use"); print("wait 2"); print("dump %s/back.json" % pre)
click("save"); print("wait 1"); click("save"); print("wait 1")
click("reset"); print("wait 2"); print("dump %s/reset.json" % pre)
print("quit")
EOF
"$APP" --sentence "$SENT" --script "$T/s.txt" --size 1280x800 || fail "training run failed"

python3 - "$T" "$ASSETS" <<'EOF' || fail "the dumps do not show the training"
import glob, json, os, sys
pre, assets = sys.argv[1], sys.argv[2]
ld = lambda n: json.load(open(os.path.join(pre, n)))
if os.path.exists(os.path.join(assets, "training-history.bin")):
    r0, r1 = ld("rec0.json")["training"], ld("rec1.json")["training"]
    assert r0["status"] == "recorded" and r0["snapshots"] >= 2 and r0["points"] >= 10, r0
    assert r0["view"] == 0 and r0["view_step"] == 0, r0                  # the random start
    assert r1["view_step"] > 0 and r1["exact"] > 0.5, r1                  # the end of the recorded run
    assert r1["last_loss"] < r1["first_loss"] - 2, r1
d1 = ld("d1.json")["training"]
assert d1["status"] == "paused" and d1["step"] >= 40, d1
assert d1["points"] == d1["step"], d1                                    # one point per step (below the cap)
assert d1["last_loss"] < d1["first_loss"] - 0.5, d1                      # the loss fell
assert d1["evals"] >= 1 and d1["snapshots"] >= 2 and d1["view"] == -1, d1
assert d1["view_step"] >= 0, d1
d2 = ld("d2.json"); t2 = d2["training"]
assert d2["lesson_slug"] == "attention" and t2["step"] >= 60, t2          # trained on in another lesson
d3 = ld("d3.json")["training"]
assert d3["status"] == "paused" and d3["step"] >= t2["step"], d3
u, b = ld("use.json"), ld("back.json")
assert u["training"]["using_weights"] == 1 and b["training"]["using_weights"] == 0, (u["training"], b["training"])
assert b["translation"] == "der hund sieht die katze", b["translation"]  # the shipped model again
saved = sorted(glob.glob(os.path.join(pre, "home", "TransformerLab", "exports", "trained-step-*.safetensors")))
assert len(saved) == 2, saved                                             # the second save did not overwrite the first
rs = ld("reset.json")["training"]
assert rs["status"] == "empty" and rs["step"] == 0 and rs["points"] == 0, rs
print("ok: live %d steps, loss %.3f -> %.3f, %d evaluations, %d snapshots" %
      (d1["step"], d1["first_loss"], d1["last_loss"], d1["evals"], d1["snapshots"]))
EOF
png_ok "$T/live.png" 1280 800
[ -f "$T/rec0.png" ] && png_ok "$T/rec0.png" 1280 800

# the export draws the lesson's three steps from the recorded history, without training
"$APP" --export-all "$T/x" --export-size 1280x800 --theme dark --sentence "$SENT" > /dev/null || fail "export failed"
for s in 1 2 3; do png_ok "$T/x/16-training-step$s.png" 1280 800; done
echo "test_lesson_training: ok"
