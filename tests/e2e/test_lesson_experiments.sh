#!/usr/bin/env bash
# test_lesson_experiments.sh - lesson 17 (Experiments) end to end, headless:
#  - once the lesson is shown its scores are computed in the background
#    (busy-wait); the intact model's exact match on the 200 held-out sentences
#    is tlab-eval's on the same test set (n 200, seed 1), every experiment of
#    step 1 and every head of step 3 is scored on all 200, and breaking the
#    model costs something (no PE, some head);
#  - the intact row's translation is tlab-run's; without positional encoding
#    "the dog sees the cat" and "the cat sees the dog" get the same
#    translation, with it they get tlab-run's two different ones;
#  - the layer button moves step 1 to layer 2, the "no causal mask" link opens
#    lesson 11; screenshots of the three steps are not blank;
#  - the layout audit of the lesson's slides is clean at 1280x800 and 1920x1080.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok

S="the dog has seen the cat"
SIZE=1280x800
printf 'lesson experiments\nwait 1\ndump %s\nquit\n' "$T/geo.json" > "$T/g.txt"
"$APP" --sentence "$S" --script "$T/g.txt" --size $SIZE || fail "geometry run failed"

python3 - "$T/geo.json" "$T" > "$T/s.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]
t = sys.argv[2]
c = lambda r: "click %d %d" % (r[0] + r[2] // 2, r[1] + r[3] // 2)
print("lesson experiments\nbusy-wait 600\ndump %s/a.json\nscreenshot %s/step1.png" % (t, t))
print("key right\nwait 1\nscreenshot %s/step2.png\nkey right\nwait 1\nscreenshot %s/step3.png" % (t, t))
print("key left\nkey left\nwait 1\n" + c(g["lay_next"]) + "\nwait 1\ndump %s/b.json" % t)
print(c(g["link_mask"]) + "\nwait 1\ndump %s/c.json\nquit" % t)
EOF
"$APP" --sentence "$S" --script "$T/s.txt" --size $SIZE || fail "experiments run failed"

"$BIN/engine/tlab-eval" --model "$MODEL" --n 200 --examples 0 > "$T/eval.txt" || fail "tlab-eval failed"
translations "$S" "the dog sees the cat" "the cat sees the dog" > "$T/run.txt"

python3 - "$T" <<'EOF' || fail "experiment scores"
import json, re, sys
t = sys.argv[1]
a = json.load(open(t + "/a.json"))["lesson_state"]
b = json.load(open(t + "/b.json"))["lesson_state"]
c = json.load(open(t + "/c.json"))
run = open(t + "/run.txt").read().split("\n")
m = re.search(r"test_exact=([0-9.]+)", open(t + "/eval.txt").read())
assert a["pending"] == 0 and a["held_out"] == 200, (a["pending"], a["held_out"])
rows, heads = a["rows"], a["heads"]
assert len(rows) == 12 and len(heads) == 24, (len(rows), len(heads))
assert all(r[0] == 3 and r[1] == 200 for r in rows), rows          # EXPERIMENT_DONE on all 200
assert all(h[3] == 3 for h in heads), heads
intact = rows[0]
assert abs(100.0 * intact[2] / 200 - float(m.group(1))) < 1e-9, (intact, m.group(1))
assert intact[4] == run[0], (intact[4], run[0])
assert rows[1][2] < intact[2] and rows[1][3] > intact[3], rows[1]   # no positional encoding costs
assert min(h[4] for h in heads) < intact[2], heads                # some head matters
assert max(h[5] for h in heads) > intact[3] + 0.05, heads
nope = a["no_pe"]
assert nope[0] == nope[1] and nope[0], nope                       # no PE: word order no longer matters
assert nope[2] == run[1] and nope[3] == run[2] and nope[2] != nope[3], (nope, run)
assert b["layer"] == 1 and b["rows"][0][:4] == intact[:4], b["rows"][0]
assert c["lesson_slug"] == "masked-attention", c["lesson_slug"]
EOF
for k in 1 2 3; do png_ok "$T/step$k.png" 1280 800; done

for size in 1280x800 1920x1080; do
  "$APP" --model "$MODEL" --export-all "$T/audit-$size" --audit-only --lessons 17 --export-size $size --theme light \
    --sentence "$S" 2> "$T/audit.err" || { cat "$T/audit.err" >&2; fail "audit $size"; }
  python3 - "$T/audit-$size/audit.json" <<'EOF' || fail "layout audit $size"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["total_overlaps"] == 0 and a["total_clipped"] == 0, {k: v for k, v in a.items() if k.startswith("total")}
EOF
done
echo "lesson experiments: ok"
