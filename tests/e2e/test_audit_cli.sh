#!/bin/bash
# test_audit_cli.sh - the layout audit's command line: --export-all DIR --audit
# writes the PNGs and DIR/audit.json (valid JSON, one entry per PNG, totals the
# sum of the entries); --audit-only writes the JSON alone; an existing
# audit.json is never overwritten (exit 1, file unchanged); --audit without
# --export-all and bad --zoom values are usage errors (exit 2).
. "$(dirname "$0")/lib.sh"
expect 0 "$APP" --model "$MODEL" --export-all "$T/a" --export-size 640x400 --audit --zoom 1.5
has err "layout audit of"
n_png=$(ls "$T/a"/*.png | wc -l)
python3 - "$T/a/audit.json" "$n_png" <<'PY' || fail "audit.json of --audit"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["images"]) == int(sys.argv[2]), (len(d["images"]), sys.argv[2])
assert d["total_overlaps"] == sum(len(i["overlaps"]) for i in d["images"])
assert d["total_clipped"] == sum(len(i["clipped"]) for i in d["images"])
assert all(i["texts"] > 0 for i in d["images"])
assert all(len(p) == 2 for i in d["images"] for p in i["overlaps"])
# 640x400 is far below the smallest supported screen: the audit must find cuts there
assert d["total_overlaps"] + d["total_clipped"] > 0, "nothing found at 640x400"
PY
expect 0 "$APP" --model "$MODEL" --export-all "$T/b" --export-size 1024x768 --audit-only
[ -s "$T/b/audit.json" ] || fail "--audit-only wrote no audit.json"
[ -z "$(ls "$T/b"/*.png 2>/dev/null)" ] || fail "--audit-only wrote PNGs"
cp "$T/b/audit.json" "$T/keep.json"
expect 1 "$APP" --model "$MODEL" --export-all "$T/b" --audit-only
has err "audit.json already exists"
cmp -s "$T/b/audit.json" "$T/keep.json" || fail "audit.json was overwritten"
expect 2 "$APP" --audit
has err "go with --export-all"
for z in 0.5 3.5 abc 1x ""; do
  expect 2 "$APP" --export-all "$T/c" --zoom "$z"
  has err "zoom wants a number from 0.75 to 3"
done
echo "audit cli ok"
