#!/usr/bin/env bash
# test_lesson_beam.sh - lesson 15 (beam search), headless, for two sentences
# (one where beam 4 and greedy agree, one where the length penalty makes them
# differ): the dumped best hypothesis and its score equal `tlab-run --beam 4
# --alpha 0.6`; with beam 1 (key - three times) the best equals the greedy
# translation and the lesson says it agrees; alpha 0 (key L twice) gives a
# score equal to the log-prob; hovering a node reports its cumulative
# log-prob; screenshots at 1920x1080 light and 1280x800 dark have the right
# size and are not blank; the two sentences give different dumps.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" "$MODEL" <<'EOF'
import subprocess, sys
from e2e_util import Lab, fail
app, run, tmp, model = sys.argv[1:5]
lab = Lab(app, run, tmp, model)

def tlab_beam(sent, beam, alpha):
    r = subprocess.run([run, "--model", model, "--beam", str(beam), "--alpha", str(alpha), sent],
                       capture_output=True, text=True)
    if r.returncode != 0: fail("tlab-run --beam failed: %s" % r.stderr)
    out = {}
    for line in r.stdout.splitlines():
        if line.startswith("translation: "): out["greedy"] = line[len("translation: "):]
        elif line.startswith("beam %d alpha " % beam): out["best"] = line.split(": ", 1)[1]
        elif line.startswith("beam score: "):
            f = line[len("beam score: "):].split()
            out["score"] = float(f[0])
            kv = dict(zip(f[1::2], f[2::2]))
            out["logp"], out["len"] = float(kv["log_p"]), int(kv["length"])
    if "best" not in out or "score" not in out: fail("tlab-run --beam output: %s" % r.stdout)
    return out

def close(a, b, tol=1e-6): return abs(a - b) <= tol * max(1.0, abs(b))

sentences = ["the dog sees the cat", "small black teacher has said that the friends run ."]
states = []
for si, sent in enumerate(sentences):
    ref = tlab_beam(sent, 4, 0.6)
    ref1 = tlab_beam(sent, 1, 0.6)
    ref0 = tlab_beam(sent, 4, 0)
    lines = lab.typed(sent, "beam") + ["wait 1", lab.dump("b4-%d" % si), lab.shot("light-%d" % si),
             "key minus", "key minus", "key minus", "wait 1", lab.dump("b1-%d" % si),
             "key =", "key =", "key =", "key l", "key l", "wait 1", lab.dump("a0-%d" % si)]
    lab.script(lines, "s%d" % si, size="1920x1080", theme="light")
    d = lab.load("b4-%d" % si)
    if d["lesson_slug"] != "beam": fail("not on the beam lesson: %s" % d["lesson_slug"])
    st = d["lesson_state"]
    if st["beam"] != 4 or abs(st["alpha"] - 0.6) > 1e-12: fail("default is not beam 4, alpha 0.6: %s" % st)
    if st["best"] != ref["best"]: fail("best %r, tlab-run %r" % (st["best"], ref["best"]))
    if not close(st["best_score"], ref["score"]): fail("score %r, tlab-run %r" % (st["best_score"], ref["score"]))
    if not close(st["best_logp"], ref["logp"]) or st["best_len"] != ref["len"]: fail("logp/len %s vs %s" % (st, ref))
    if d["translation"] != ref["greedy"]: fail("live translation %r, tlab-run %r" % (d["translation"], ref["greedy"]))
    if st["agrees"] != (ref["best"] == ref["greedy"]): fail("agrees flag %s for %r vs %r" % (st["agrees"], ref["best"], ref["greedy"]))
    states.append(st)
    # beam 1 = greedy
    b1 = lab.load("b1-%d" % si)["lesson_state"]
    if b1["beam"] != 1: fail("key minus did not reach beam 1: %s" % b1["beam"])
    if b1["best"] != ref["greedy"] or b1["best"] != ref1["best"] or b1["agrees"] != 1:
        fail("beam 1 %r is not greedy %r" % (b1["best"], ref["greedy"]))
    if not close(b1["best_logp"], b1["greedy_logp"], 1e-9): fail("beam 1 log P %r != greedy %r" % (b1["best_logp"], b1["greedy_logp"]))
    # alpha 0: score = log P
    a0 = lab.load("a0-%d" % si)["lesson_state"]
    if a0["beam"] != 4 or a0["alpha"] != 0: fail("keys = and L: %s" % a0)
    if a0["best"] != ref0["best"] or not close(a0["best_score"], ref0["score"]) or not close(a0["best_score"], a0["best_logp"], 1e-12):
        fail("alpha 0: %s vs %s" % (a0, ref0))
    # hover the node of the best hypothesis' first word, and a pruned one when shown
    nodes = st["nodes"]
    if not nodes: fail("no nodes in the dump")
    first = [n for n in nodes if n["step"] == 0 and n["entry"] >= 0 and n["token"] == st["best_ids"][0]]
    if not first: fail("the best hypothesis' first word is not drawn: %s" % nodes[:6])
    picks = [("n0", first[0])] + [("np", n) for n in nodes if n["entry"] < 0][:1]
    hl = lab.typed(sent, "beam")
    for name, n in picks:
        x, y, w, h = n["rect"]
        hl += lab.hover(x + w // 2, y + h // 2, "%s-%d" % (name, si))
    lab.script(hl, "h%d" % si, size="1920x1080", theme="light")
    for name, n in picks:
        hv = lab.load("%s-%d" % (name, si))["hover"]
        if hv is None: fail("%s: nothing hovered" % name)
        if not close(hv["value"], n["cum"], 1e-9): fail("%s: hover %r, node %r" % (name, hv, n))
        if "cumulative log P" not in hv["label"]: fail("%s: label %r" % (name, hv["label"]))
        if name == "np" and "pruned" not in hv["label"]: fail("pruned node label %r" % hv["label"])
    # dark, small window, end of the sentence (window of steps)
    lab.script(lab.typed(sent, "beam") + ["key quote"] * 12 + ["wait 1", lab.shot("dark-%d" % si), lab.dump("dk-%d" % si)],
               "d%d" % si, size="1280x800", theme="dark")
    dk = lab.load("dk-%d" % si)["lesson_state"]
    lo, hi = dk["window"]
    if not (0 <= lo <= hi < dk["n_steps"]): fail("window %s for %d steps" % (dk["window"], dk["n_steps"]))
    sel = min(lab.load("dk-%d" % si)["selection"]["step"], dk["n_steps"] - 1)
    if not (lo <= sel <= hi): fail("selected step %d outside the window %s" % (sel, dk["window"]))

if states[0]["best"] == states[1]["best"]: fail("two sentences gave the same best hypothesis")
if states[0]["agrees"] != 1 or states[1]["agrees"] != 0:
    fail("expected agreement on sentence 1 and a difference on sentence 2: %s %s" % (states[0]["agrees"], states[1]["agrees"]))
lab.pngs([("light-0", 1920, 1080), ("light-1", 1920, 1080), ("dark-0", 1280, 800), ("dark-1", 1280, 800)])
print("ok beam lesson")
EOF
