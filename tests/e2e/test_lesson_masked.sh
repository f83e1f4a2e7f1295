#!/usr/bin/env bash
# test_lesson_masked.sh - lesson 11 (masked self-attention) end to end, headless.
# For two sentences, at several decoding steps and a chosen decoder layer/head
# (shared keys [ ] , . ; '):
#  - the upper triangle of the decoder self-attention weights is EXACTLY 0 in
#    `tlab-run --trace-json` and in every hovered cell of the lesson;
#  - every hovered weight equals attention.decoder[l].self[h][q][k] of the trace,
#    the mask cells are 0 on/below the diagonal and -inf above;
#  - rows after the step are reported as not computed yet;
#  - "break it" (key M) shows the no-mask what-if run: hovered weights equal
#    `tlab-run --src-ids .. --tgt-ids .. --no-causal-mask`, some upper-triangle
#    weight is non-zero, and the per-row predictions equal that run's out_ids;
#  - the what-if run is redone when the sentence changes, not on every frame;
#  - step 2 (padding mask) and both themes/sizes export non-blank PNGs.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok

# Writes one script that opens the lesson, selects layer/head, and for each
# phase (decoding steps, then "break it") hovers a grid of points over the mask
# and the weights matrices, dumping after each move.
write_script() { # GEO_JSON PREFIX NLAYER NHEAD STEP... (a step "b1" = break it at step 1)
  python3 - "$@" <<'EOF'
import json, sys
geo, pre, nl, nh = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
g = json.load(open(geo))["lesson_state"]
print("lesson masked-attention")
for _ in range(nl): print("key rightbracket")
for _ in range(nh): print("key period")
cur = 0
N = 7
for ph in sys.argv[5:]:
    broken = ph.startswith("b")
    step = int(ph.lstrip("b"))
    while cur < step: print("key quote"); cur += 1
    while cur > step: print("key semicolon"); cur -= 1
    if broken: print("key m")
    print("wait 1")
    print("dump %s-%s-state.json" % (pre, ph))
    for name, idx in (("mask", 0), ("w", 3)):
        x, y, w, h = g["mats"][idx]
        n = 0
        for i in range(N):
            for j in range(N):
                print("move %d %d" % (x + w * 0.75 * (j + 0.5) / N, y + h * (0.22 + 0.78 * (i + 0.5) / N)))  # the colour bar takes the right
                print("wait 1")
                print("dump %s-%s-%s-%d.json" % (pre, ph, name, n)); n += 1
    if broken: print("key m")
print("move 5 5")
print("quit")
EOF
}

check_hovers() { # PREFIX TRACE_JSON LAYER HEAD STEP BROKEN
  python3 - "$@" <<'EOF'
import json, math, re, sys
pre, trf, l, h, step, broken = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
tr = json.load(open(trf))
W = tr["attention"]["decoder"][l]["self"][h]
T = len(tr["tgt_ids"])
st = json.load(open(pre + "-state.json"))
assert st["lesson_slug"] == "masked-attention", st["lesson_slug"]
ls = st["lesson_state"]
assert ls["layer"] == l and ls["head"] == h and ls["step"] == step and ls["broken"] == broken, (ls, l, h, step, broken)
assert st["selection"]["layer"] == l and st["selection"]["head"] == h and st["selection"]["step"] == step, st["selection"]
if broken:
    assert ls["whatif_ok"] == 1 and ls["nomask_out_ids"] == tr["out_ids"], (ls, tr["out_ids"])
# the trace itself: upper triangle exactly 0 under the mask, not all 0 without it
upper = [W[q][k] for q in range(T) for k in range(q + 1, T)]
if not broken:
    assert all(v == 0 for v in upper), "masked weights are not exactly 0 in the trace"
seen = {"w": set(), "mask": set()}
zeros_upper = nonzero_upper = future_rows = 0
for name in ("mask", "w"):
    for n in range(49):  # N x N points of the first script
        d = json.load(open("%s-%s-%d.json" % (pre, name, n)))
        hv = d["hover"]
        if not hv or hv.get("value") is None: continue
        m = re.search(r"\[(\d+)\]\[(\d+)\]", hv["label"])
        if not m: continue
        q, k = int(m.group(1)), int(m.group(2))
        if name == "mask":
            if "causal mask" not in hv["label"]: continue
            want = "-inf" if (k > q and not broken) else 0
            assert hv["value"] == want, (hv, q, k)
        else:
            if "attention weight" not in hv["label"]: continue
            assert ("decoder layer %d head %d" % (l + 1, h + 1)) in hv["label"], hv
            assert abs(hv["value"] - W[q][k]) < 1e-6, (hv, W[q][k], q, k)
            if k > q:
                if broken:
                    assert "no-mask run" in hv["label"], hv
                    nonzero_upper += hv["value"] != 0
                else:
                    assert hv["value"] == 0, ("not exactly zero", hv)
                    assert "future" in hv["label"], hv
                    zeros_upper += 1
            if q > step and k <= q and not broken:
                assert "not computed yet" in hv["label"], hv
                future_rows += 1
        seen[name].add((q, k))
assert len(seen["w"]) >= min(T * T, 8), ("too few weight cells hovered", len(seen["w"]), T)
assert len(seen["mask"]) >= min(T * T, 8), ("too few mask cells hovered", len(seen["mask"]), T)
if not broken:
    assert zeros_upper >= 2, ("too few upper-triangle cells checked", zeros_upper)
print("ok", pre, "T", T, "cells", len(seen["w"]), "upper zeros", zeros_upper, "future rows", future_rows, "upper non-zero", nonzero_upper)
EOF
}

run_sentence() { # TAG SENTENCE THEME SIZE LAYER HEAD
  local tag=$1 sent=$2 theme=$3 size=$4 nl=$5 nh=$6
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  local src tgt
  src=$(python3 -c 'import json,sys; print(",".join(map(str, json.load(open(sys.argv[1]))["src_ids"])))' "$T/$tag-trace.json")
  tgt=$(python3 -c 'import json,sys; print(",".join(map(str, json.load(open(sys.argv[1]))["tgt_ids"])))' "$T/$tag-trace.json")
  "$RUN" --src-ids "$src" --tgt-ids "$tgt" --no-causal-mask --trace-json "$T/$tag-nomask.json" > /dev/null || fail "tlab-run --no-causal-mask failed"
  printf 'lesson masked-attention\nwait 1\ndump %s\nquit\n' "$T/$tag-geo.json" > "$T/$tag-g.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-g.txt" --size "$size" --theme "$theme" || fail "$tag: geometry run failed"
  local ntgt
  ntgt=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tgt_ids"]))' "$T/$tag-trace.json")
  write_script "$T/$tag-geo.json" "$T/$tag" "$nl" "$nh" 0 2 $((ntgt - 1)) b1 > "$T/$tag-s.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-s.txt" --size "$size" --theme "$theme" || fail "$tag: hover run failed"
  for step in 0 2 $((ntgt - 1)); do
    check_hovers "$T/$tag-$step" "$T/$tag-trace.json" "$nl" "$nh" "$step" 0 || fail "$tag step $step: hovered values differ from the trace"
  done
  check_hovers "$T/$tag-b1" "$T/$tag-nomask.json" "$nl" "$nh" 1 1 || fail "$tag: no-mask values differ from tlab-run --no-causal-mask"
  # screenshots of both steps, and the step-2 state
  printf 'lesson masked-attention\nkey quote\nwait 1\nscreenshot %s\nkey Right\nwait 1\nscreenshot %s\ndump %s\nquit\n' \
    "$T/$tag-1.png" "$T/$tag-2.png" "$T/$tag-pad.json" > "$T/$tag-p.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-p.txt" --size "$size" --theme "$theme" || fail "$tag: screenshot run failed"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["step"] == 1 and d["n_steps"] == 2, d' "$T/$tag-pad.json" \
    || fail "$tag: no padding-mask step"
  # hover the padding mask: 0 on real tokens, -inf on <pad> columns, for both batch rows
  python3 - "$T/$tag-pad.json" "$T/$tag" > "$T/$tag-ph.txt" <<'EOF'
import json, sys
x, y, w, h = json.load(open(sys.argv[1]))["lesson_state"]["pad_mask"]; pre = sys.argv[2]
print("lesson masked-attention"); print("key Right")
n = 0
for i in range(8):
    for j in range(16):
        print("move %d %d" % (x + w * (j + 0.5) / 16, y + h * (i + 0.5) / 8)); print("wait 1"); print("dump %s-pm%d.json" % (pre, n)); n += 1
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-ph.txt" --size "$size" --theme "$theme" || fail "$tag: padding hover run failed"
  local other
  other=$(python3 -c 'import json,sys; print("the cat sleeps" if len(json.load(open(sys.argv[1]))["src_ids"]) > 5 else "the woman sees the old dog in the garden")' "$T/$tag-trace.json")
  "$RUN" --trace-json "$T/$tag-other.json" "$other" > /dev/null
  PYTHONPATH=$HERE python3 - "$T/$tag-trace.json" "$T/$tag-other.json" "$T/$tag" <<'EOF' || fail "$tag: padding mask values wrong"
import e2e_util, json, sys
n = [len(json.load(open(p))["src_ids"]) for p in sys.argv[1:3]]; pre = sys.argv[3]
seen = set()
for hv, m in e2e_util.hover_matches(pre + "-pm*.json", r"^padding mask\[(\d)\]\[(\d+)\]"):
    b, j = int(m.group(1)), int(m.group(2))
    want = "-inf" if j >= n[b] else 0
    assert hv["value"] == want, (hv, n)
    seen.add((b, j))
W = max(n)
assert len(seen) >= min(W, 8), ("too few mask cells hovered", sorted(seen), n)
assert any(j >= n[b] for b, j in seen), ("no <pad> cell hovered", sorted(seen), n)
print("ok padding", n, len(seen))
EOF
}

A="the dog sees the cat"
B="the woman sees the old dog in the garden"
run_sentence a "$A" light 1280x800 0 0
check_png "$T/a-1.png" 1280 800
check_png "$T/a-2.png" 1280 800
run_sentence b "$B" dark 1920x1080 1 2
check_png "$T/b-1.png" 1920 1080
check_png "$T/b-2.png" 1920 1080
cmp -s "$T/a-1.png" "$T/b-1.png" && fail "the two sentences draw the same picture"

# at least one head of sentence b really reads the future without the mask
python3 - "$T/b-nomask.json" <<'EOF' || fail "no head attends to later positions without the mask"
import json, sys
tr = json.load(open(sys.argv[1])); T = len(tr["tgt_ids"])
m = max(tr["attention"]["decoder"][l]["self"][h][q][k] for l in range(2) for h in range(4) for q in range(T) for k in range(q + 1, T))
assert m > 0.1, m
EOF

# the what-if run follows the live sentence, once per sentence
cat > "$T/c.txt" <<EOF
lesson masked-attention
key m
wait 2
dump $T/c1.json
key slash
key ctrl+a
type $B
key Return
lesson masked-attention
wait 2
dump $T/c2.json
key m
key m
wait 3
dump $T/c3.json
quit
EOF
"$APP" --sentence "$A" --script "$T/c.txt" || fail "sentence-change run failed"
"$RUN" --trace-json "$T/b2.json" "$B" > /dev/null
python3 - "$T/c1.json" "$T/c2.json" "$T/c3.json" "$T/a-nomask.json" "$T/b-nomask.json" <<'EOF' || fail "what-if run does not follow the sentence"
import json, sys
c1, c2, c3, an, bn = (json.load(open(p)) for p in sys.argv[1:])
s1, s2, s3 = c1["lesson_state"], c2["lesson_state"], c3["lesson_state"]
assert s1["broken"] == 1 and s2["broken"] == 1, (s1, s2)
assert s1["nomask_out_ids"] == an["out_ids"] and s2["nomask_out_ids"] == bn["out_ids"], (s1, s2)
# once for the first sentence; again while the new one is typed (each edit is a
# new sentence); never again for the same sentence (frames, toggling off and on)
assert s1["whatif_runs"] == 1 and s2["whatif_runs"] > 1, ("runs", s1["whatif_runs"], s2["whatif_runs"])
assert s3["whatif_runs"] == s2["whatif_runs"] and s3["nomask_out_ids"] == bn["out_ids"], ("re-ran", s2, s3)
EOF
echo "PASS test_lesson_masked"
