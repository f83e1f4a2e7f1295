#!/bin/bash
# test_layout_sweep.sh - the layout audit over every lesson and step at
# 4 sizes x 3 zooms x 2 themes x 2 sentences, as full screens (--screens) and
# as slides (96 runs of --export-all DIR --audit-only, two at a time; about
# 3 minutes on 2 cores): every configuration must draw with no two
# texts overlapping and no text cut (audit.json: total_overlaps == 0 and
# total_clipped == 0). On failure it prints each failing configuration and its
# worst offenders (the texts cut or overlapping most often).
#
# The configurations required to be clean are REQUIRED below (all 96 when it
# says "all"); the others are audited and printed but do not fail the test.
# Shrinking REQUIRED is a decision to write down here and in docs/app.md, never
# a silent one.
. "$(dirname "$0")/lib.sh"
SIZES="1024x768 1280x800 1920x1080 3840x2160"
ZOOMS="1 1.5 2"
THEMES="light dark"
SHORT="the dog sees the cat"
LONG="a small brown woman does not say that the friend helps the small friends from the brown big dog although the big children have come in the old big houses"
# Every configuration is required, in English and in Chinese (TLAB_SWEEP_REQUIRED, a
# list of names such as screens-1280x800-z1-dark-long, narrows it while working).
# English since 2026-12-02, 20:10 (the last 4 were the 30-word sentence as 3840x2160 slides
# at zoom 1.5 and 2, where lesson 6 step 1's last row label '<eos>' reached below its grid:
# ui_grid now keeps a thinned last row label inside the grid's rect). Chinese since 20:40
# (it required the 52 with the 5-word sentence or as slides at 1280x800/1920x1080 zoom 1;
# then lesson 8's zero bars kept their first label out of the title and lesson 15 shows a
# column less rather than put "steps 7–32 ▶" over a step's header).
# With an argument (a language code: test_layout_sweep_zh.sh passes zh) the sweep runs in
# that language (issue 18); with a narrowed list only the listed configurations run there.
SWEEP_LANG=${1:-en}
REQUIRED=${TLAB_SWEEP_REQUIRED:-all}

run_one() { # mode(screens|slides) size zoom theme s(short|long)
  local dir="$T/$1-$2-z$3-$4-$5" sent="$SHORT" screens=""
  [ "$5" = long ] && sent="$LONG"
  [ "$1" = screens ] && screens=--screens
  "$APP" --model "$MODEL" --export-all "$dir" $screens --audit-only --export-size "$2" --zoom "$3" --theme "$4" \
    --sentence "$sent" --lang "$SWEEP_LANG" > "$dir.log" 2>&1 || { echo "FAIL $*: exit $?" >> "$T/errors"; cat "$dir.log" >&2; }
}
jobs_running=0
for mode in screens slides; do for size in $SIZES; do for z in $ZOOMS; do for th in $THEMES; do for s in short long; do
  if [ "$SWEEP_LANG" != en ] && [ "$REQUIRED" != all ]; then
    case " $(echo $REQUIRED) " in *" $mode-$size-z$z-$th-$s "*) ;; *) continue ;; esac
  fi
  run_one "$mode" "$size" "$z" "$th" "$s" &
  jobs_running=$((jobs_running + 1))
  if [ "$jobs_running" -ge 2 ]; then wait -n; jobs_running=$((jobs_running - 1)); fi
done; done; done; done; done
wait
[ ! -s "$T/errors" ] || { cat "$T/errors" >&2; fail "an export failed"; }
python3 - "$T" "$REQUIRED" "$SWEEP_LANG" <<'PY'
import collections, glob, json, os, re, sys
root, required, lang = sys.argv[1], sys.argv[2], sys.argv[3]
HAN, NO_START, NO_END = "[\u4e00-\u9fff]", "，。、；：？！）」』》", "（「『《"
req = None if required == "all" else set(required.split())
want = 96 if lang == "en" or req is None else len(req)
rows, bad = [], []
for path in sorted(glob.glob(os.path.join(root, "*", "audit.json"))):
    name = os.path.basename(os.path.dirname(path))
    d = json.load(open(path))
    o, c = d["total_overlaps"], d["total_clipped"]
    # Chinese line breaking (issue 18 item 4): no drawn line (a wrapped line is drawn, and
    # recorded, as one text) starts with a closing mark or ends with an opening one
    d["rule_breaks"] = [(im["file"], t) for im in d["images"] for t in im["strings"]
                        if re.search(HAN, t) and (t[0] in NO_START or t[-1] in NO_END)]
    is_req = req is None or name in req
    rows.append((name, o, c + len(d["rule_breaks"]), is_req))
    if (o or c or d["rule_breaks"]) and is_req:
        bad.append((name, d))
if len(rows) != want:
    sys.exit("FAIL: %d audits, want %d" % (len(rows), want))
print("language: %s" % lang)
print("%-40s %8s %8s  %s" % ("configuration", "overlaps", "clipped", "required"))  # clipped: + Chinese rule breaks
for name, o, c, r in rows:
    print("%-40s %8d %8d  %s" % (name, o, c, "yes" if r else "no"))
print("total: %d overlaps, %d clipped" % (sum(r[1] for r in rows), sum(r[2] for r in rows)))
for name, d in bad:
    cnt = collections.Counter()
    for im in d["images"]:
        for a, b in im["overlaps"]:
            cnt["%s: overlap %r / %r" % (im["file"], a[:40], b[:40])] += 1
        for t in im["clipped"]:
            cnt["%s: clipped %r" % (im["file"], t[:60])] += 1
    for f, t in d["rule_breaks"]:
        cnt["%s: line breaks a Chinese rule %r" % (f, t[:60])] += 1
    print("\nFAIL %s: %d overlaps, %d clipped; worst:" % (name, d["total_overlaps"], d["total_clipped"]))
    for k, n in cnt.most_common(12):
        print("  %3d  %s" % (n, k))
sys.exit(1 if bad else 0)
PY
echo "layout sweep ok"
