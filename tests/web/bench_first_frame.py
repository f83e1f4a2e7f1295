#!/usr/bin/env python3
"""bench_first_frame.py - the web page's first frame (issue 19's budget: under 2 s after
load), measured in Debian's headless Chromium at 1280x800 with tests/web/test_web.py's
Browser (the DevTools protocol on a pipe, no port).

Each run launches a new Chromium with a new profile and opens the page from file://:
  cold  the navigation right after the browser answers (a teacher who double-clicks the
        file with no browser open: the GPU process, SwiftShader and the page start together);
  warm  the navigation --settle seconds after the launch (the browser already open).
Runs alternate cold and warm. The figure is the app's own: TLAB_FIRST_FRAME, the
milliseconds from the navigation's start to the end of the first frame the app drew
(performance.now() in app/web/web.c); "launch" adds the time from starting Chromium to
the navigation. Prints each run, then the medians; --json writes them.

usage: bench_first_frame.py [--html FILE] [--runs N] [--settle S] [--json FILE]
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_web import WIDTH, HEIGHT, Browser, Failed, evaluate  # noqa: E402  (one driver for test and benchmark)


def one_run(o, settle):
    """(first frame ms after navigation start, ms from launch to navigation, the page's marks)."""
    profile = tempfile.mkdtemp(prefix="tlab-web-bench-")
    t_launch = time.time()
    b = Browser(o.chromium, profile)
    try:
        target = [t for t in b.call("Target.getTargets", session=False)["targetInfos"] if t["type"] == "page"][0]
        b.session = b.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                           session=False)["sessionId"]
        b.call("Runtime.enable")
        b.call("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                                                       "mobile": False})
        if settle > 0:
            b.pump(settle)
        t0 = time.time()
        b.call("Page.navigate", {"url": "file://" + os.path.abspath(o.html)})
        first = float(b.wait_console("TLAB_FIRST_FRAME", o.timeout, t0))
        marks = json.loads(evaluate(b, "JSON.stringify(performance.getEntriesByType('mark')"
                                       ".map(function (m) { return [m.name, Math.round(m.startTime)]; }))")["value"])
        return first, (t0 - t_launch) * 1000.0, dict(marks)
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html", default=os.path.join(HERE, "..", "..", "build-web", "transformer-lab.html"))
    ap.add_argument("--runs", type=int, default=5, help="runs of each kind (cold and warm)")
    ap.add_argument("--settle", type=float, default=4.0, help="seconds between launch and navigation, warm")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--json", help="write the figures here")
    o = ap.parse_args()
    if not os.path.isfile(o.html):
        print("bench_first_frame: no %s (build it with ./scripts/web.sh)" % o.html, file=sys.stderr)
        return 1
    res = {"html": os.path.abspath(o.html), "html_bytes": os.path.getsize(o.html), "load": os.getloadavg()[0],
           "cold": [], "warm": []}
    try:
        for i in range(o.runs):
            for kind, settle in (("cold", 0.0), ("warm", o.settle)):
                first, launch, marks = one_run(o, settle)
                res[kind].append({"first_frame_ms": round(first), "launch_ms": round(launch), "marks": marks})
                print("%s run %d: first frame %4.0f ms after navigation (%4.0f ms after launch)  %s" %
                      (kind, i + 1, first, first + launch,
                       ", ".join("%s %d" % (n.replace("tlab-", ""), t) for n, t in marks.items())), flush=True)
    except Failed as e:
        print("bench_first_frame: FAILED: %s" % e, file=sys.stderr)
        return 1
    for kind in ("cold", "warm"):
        ff = [r["first_frame_ms"] for r in res[kind]]
        total = [r["first_frame_ms"] + r["launch_ms"] for r in res[kind]]
        res[kind + "_median_ms"] = statistics.median(ff)
        print("%s: median %.0f ms after navigation (min %d, max %d); %.0f ms after launch" %
              (kind, statistics.median(ff), min(ff), max(ff), statistics.median(total)))
    print("load average at the start %.2f, now %.2f" % (res["load"], os.getloadavg()[0]))
    if o.json:
        with open(o.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
