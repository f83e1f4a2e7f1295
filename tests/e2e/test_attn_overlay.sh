#!/usr/bin/env bash
# test_attn_overlay.sh - the attention overlay (key A): opened from two
# different lessons, it switches kind (Tab, 1 2 3, a click on a tab), layer
# ([ ]) and head (, .); hovering a cell reports exactly the weight of
# `tlab-run --trace-json` (attention.encoder[l].self[h][q][k],
# attention.decoder[l].self / cross); A and Esc close it, keys do not leak to
# the lesson while it is open, and the layer / head chosen inside stay in the
# shared selection after changing lesson. Also: a translation too long for the
# top bar is cut, and hovering it shows the whole of it (translation_popup).
# Env: TLAB_BIN (build dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok
SENT="the girl likes the small cat"
"$RUN" --trace-json "$T/trace.json" "$SENT" > /dev/null

# run: one session reading commands on stdin, after typing the sentence
run() {
  { printf 'key slash\nkey ctrl+a\ntype %s\nkey Return\n' "$SENT"; cat; echo quit; } > "$T/s.txt"
  "$APP" --script "$T/s.txt" > "$T/out.txt" 2>&1 || fail "app exited with an error: $(cat "$T/out.txt")"
}
# cell DUMP Q K: "x y", the centre of cell (Q, K) from the dumped cells rectangle
cell() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["attn_overlay"]
q, k = int(sys.argv[2]), int(sys.argv[3])
x, y, w, h = d["cells"]
print(int(x + (k + 0.5) * w / d["cols"]), int(y + (q + 0.5) * h / d["rows"]))
PY
}
# check DUMP KIND LAYER HEAD Q K: the overlay shows that map and the hover is cell (Q, K) with the trace's value
check() {
  python3 - "$T/trace.json" "$@" <<'PY' || fail "hover check $*"
import json, sys
tr = json.load(open(sys.argv[1]))["attention"]
d = json.load(open(sys.argv[2]))
kind, l, h, q, k = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
o = d["attn_overlay"]
assert o["open"] == 1 and o["kind"] == kind, o
assert (o["layer"], o["head"]) == (l, h), o
m = tr["encoder"][l]["self"] if kind == "encoder-self" else tr["decoder"][l]["self" if kind == "decoder-self" else "cross"]
want = m[h][q][k]
hv = d["hover"]
assert hv is not None, "nothing hovered"
assert hv["label"].startswith("%s layer %d head %d [%d][%d]" % (kind, l + 1, h + 1, q, k)), hv["label"]
assert abs(hv["value"] - want) <= 1e-6 * max(1.0, abs(want)), (hv["value"], want)
print("ok", kind, l, h, q, k, hv["value"], hv["label"])
PY
}

# ---- 1. from lesson 3: encoder self-attention (7 tokens), head 2, hover (2, 4)
run <<EOF
lesson 3
key a
key period
dump $T/e0.json
EOF
python3 -c "import json; o=json.load(open('$T/e0.json'))['attn_overlay']; assert o['open']==1 and o['kind']=='encoder-self' and o['rows']==7 and o['cols']==7, o" \
  || fail "overlay not open on encoder self-attention with 7 tokens"
read -r X Y < <(cell "$T/e0.json" 2 4)
run <<EOF
lesson 3
key a
key period
move $X $Y
dump $T/e1.json
EOF
check "$T/e1.json" encoder-self 0 1 2 4

# ---- 2. Tab: decoder masked self-attention, ] layer 2; a live cell and a future cell (exactly 0)
DEC_L2="lesson 3
key a
key period
key Tab
key ]"   # overlay open, head 2, decoder masked self-attention, layer 2
run <<EOF
$DEC_L2
dump $T/d0.json
EOF
read -r X Y < <(cell "$T/d0.json" 3 1)
read -r X2 Y2 < <(cell "$T/d0.json" 1 3)
run <<EOF
$DEC_L2
move $X $Y
dump $T/d1.json
move $X2 $Y2
dump $T/d2.json
EOF
check "$T/d1.json" decoder-self 1 1 3 1
check "$T/d2.json" decoder-self 1 1 1 3
python3 -c "import json; v=json.load(open('$T/d2.json'))['hover']['value']; assert v==0, v" || fail "future cell not exactly 0"

# ---- 3. from lesson 12: 3 picks cross-attention; , . change the head; A closes; the
#         selection stays after changing lesson and reopening; Esc closes too
CROSS_H1="lesson 12
key period
key ]
key a
key 3
key comma
key period"   # lesson 12, overlay open, cross-attention, head changed back and forth
run <<EOF
$CROSS_H1
dump $T/c0.json
EOF
read -r X Y < <(cell "$T/c0.json" 2 5)
run <<EOF
$CROSS_H1
move $X $Y
dump $T/c1.json
key a
lesson 5
dump $T/c2.json
key a
dump $T/c3.json
key Escape
dump $T/c4.json
EOF
check "$T/c1.json" cross 1 1 2 5
python3 - "$T" <<'PY' || fail "selection kept / close"
import json, sys
d2, d3, d4 = (json.load(open("%s/c%d.json" % (sys.argv[1], i))) for i in (2, 3, 4))
assert d2["attn_overlay"]["open"] == 0, "A did not close"
assert d2["lesson_slug"] == "attention", d2["lesson_slug"]
assert (d2["selection"]["layer"], d2["selection"]["head"]) == (1, 1), d2["selection"]
assert d3["attn_overlay"]["open"] == 1 and d3["attn_overlay"]["kind"] == "cross", d3["attn_overlay"]
assert (d3["attn_overlay"]["layer"], d3["attn_overlay"]["head"]) == (1, 1), d3["attn_overlay"]
assert d4["attn_overlay"]["open"] == 0, "Esc did not close"
PY

# ---- 4. keys do not leak to navigation while open
run <<EOF
lesson 7
key a
key 2
key Right
key 9
dump $T/t1.json
EOF
python3 -c "import json; d=json.load(open('$T/t1.json')); assert d['lesson_slug']=='add-norm' and d['step']==0 and d['attn_overlay']['kind']=='decoder-self', (d['lesson_slug'], d['step'], d['attn_overlay'])" \
  || fail "keys leaked through the overlay"
# ---- 5. a long sentence: the translation is cut in the top bar; hovering it shows all of it
SENT="today the old man says that the young children do not see the big brown dog in the garden because the small brown cat has not played with the ball"
run <<EOF
dump $T/l0.json
EOF
python3 -c "import json; d=json.load(open('$T/l0.json')); assert d['translation_cut']==1 and d['translation_popup']==0, d" || fail "long translation not cut"
read -r X Y < <(python3 -c "import json; x,y,w,h=json.load(open('$T/l0.json'))['translation_rect']; print(x + w // 2, y + h // 2)")
run <<EOF
move $X $Y
dump $T/l1.json
EOF
python3 -c "import json; d=json.load(open('$T/l1.json')); assert d['translation_popup']==1, d['translation_rect']" || fail "hovering the cut translation shows no popup"
echo "PASS test_attn_overlay"
