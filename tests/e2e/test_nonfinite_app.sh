#!/usr/bin/env bash
# test_nonfinite_app.sh - a model with finite but huge weights (docs/bad-input.md,
# issue 12 item 2, the app half): the shipped model with every weight times 1e15
# loads, its forward pass overflows to NaN/Inf, and the app says so on the status
# line (the state dump's "nonfinite" counts the non-finite output scores) and
# still draws every lesson and step: --export-all writes the whole deck (it
# crashed in SDL under ui_fill <- ui_bars: float -> int casts of huge values).
# The ASan pass runs the same script (signed overflow, SEGV in lesson_addnorm).
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
. "$(dirname "$0")/lib.sh"
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
scale() { # SRC DST FACTOR: every F32 tensor of a safetensors file times FACTOR
  python3 - "$@" <<'PY'
import array, json, struct, sys
src, dst, k = sys.argv[1], sys.argv[2], float(sys.argv[3])
b = open(src, "rb").read()
n = struct.unpack("<Q", b[:8])[0]
hdr, data = json.loads(b[8:8 + n]), bytearray(b[8 + n:])
for name, t in hdr.items():
    if name == "__metadata__" or t["dtype"] != "F32":
        continue
    s, e = t["data_offsets"]
    a = array.array("f")
    a.frombytes(bytes(data[s:e]))
    data[s:e] = array.array("f", [x * k for x in a]).tobytes()
open(dst, "wb").write(b[:8 + n] + bytes(data))
PY
}
scale "$ASSETS/model.safetensors" "$T/huge.safetensors" 1e15
# the status line and the dump
printf 'wait 1\ndump %s\nscreenshot %s\nquit\n' "$T/huge.json" "$T/huge.png" > "$T/s.txt"
"$APP" --model "$T/huge.safetensors" --script "$T/s.txt" 2> "$T/err" || { cat "$T/err" >&2; fail "the app failed on the x1e15 model"; }
[ "$(jget "$T/huge.json" 'd["nonfinite"] > 0')" = True ] || fail "no non-finite values reported: $(jget "$T/huge.json" 'd["nonfinite"]')"
[ "$(jget "$T/huge.json" 'd["nonfinite_tensor"] != ""')" = True ] || fail "the first non-finite tensor is not named"
printf 'wait 1\ndump %s\nquit\n' "$T/ok.json" > "$T/ok.txt"
"$APP" --script "$T/ok.txt" 2> "$T/err" || { cat "$T/err" >&2; fail "the app failed on the shipped model"; }
[ "$(jget "$T/ok.json" 'd["nonfinite"]')" = 0 ] || fail "the shipped model reports non-finite values"
# every lesson and step draws: the whole deck, as many images as the shipped model gives
"$APP" --model "$T/huge.safetensors" --export-all "$T/deck" --export-size 1280x800 2> "$T/err" \
  || { rc=$?; cat "$T/err" >&2; fail "--export-all with the x1e15 model failed (exit $rc)"; }
n=$(ls "$T/deck" | wc -l)
[ "$n" -ge 16 ] || fail "only $n images"
"$BIN/tests/tlab-pngstat" --step 0 "$T/deck"/*.png > /dev/null || fail "an image does not decode"
# the other way: every weight times 1e-30 (underflow to zeros and denormals) draws too
scale "$ASSETS/model.safetensors" "$T/tiny.safetensors" 1e-30
"$APP" --model "$T/tiny.safetensors" --export-all "$T/deck2" --export-size 1280x800 2> "$T/err" \
  || { cat "$T/err" >&2; fail "--export-all with the x1e-30 model failed"; }
echo "test_nonfinite_app: ok ($n images)"
