#!/usr/bin/env python3
"""test_web.py - drives the web build (build-web/transformer-lab.html, scripts/web.sh)
in Debian's headless Chromium and checks it, using only the standard library.

Chromium is spoken to over --remote-debugging-pipe (the DevTools protocol on file
descriptors 3 and 4: no port is opened at all). The test:
  1. loads the single file from file:// at 1280x800 and waits for its first frame;
  2. focuses the sentence box (Tab), empties it (Backspace), types a sentence key by
     key, presses Enter, and checks the translation in the app's state dump
     (app_dump, printed on the console by app/web/web.c's tlab_web_dump);
  3. visits every step of every lesson (PageDown), checks each lesson's number in
     the dump, screenshots each lesson, checks that the picture is not blank and that
     the lesson title's region differs between lessons; moves the mouse over the
     lesson (hover redraws) and reads the frame times (tlab_web_frames);
  4. switches to Chinese with Ctrl+Shift+L (the dump's lang and title, the title's
     pixels change) and back with a mouse click on the language button (the dump
     gives its rectangle);
  5. opens the Training lesson, presses G (start) and waits until the trainer (pumped a
     little per frame: the page has no threads) has made --train-steps steps; the
     training loss must have fallen (first point vs last, in the dump); then G and at once R
     (reset while it prepares): the run is empty and stays so;
  6. opens the Experiments lesson and waits for its first held-out scores (pumped too);
  7. the browser's own paths: the canvas follows the window's size (Emulation.
     setDeviceMetricsOverride to 1000x700 and back: the app's reported size follows);
     T switches the theme (the dump's theme, the pixels change, the dark one's background
     is dark); Ctrl+= zooms (the dump's zoom, the lesson's pixels change; Ctrl+0 gives the
     same picture back); Ctrl+S offers the screen as a download (Browser.
     setDownloadBehavior into a temporary folder: a valid 1280x800 PNG of the lesson);
     Ctrl+Shift+D the deck as one ZIP (a 1920x1080 slide per step, deck.json);
     an input method's composition (Input.imeSetComposition, then insertText) puts a
     Chinese character between typed words, and the app marks it an unknown word;
  8. asserts that the page made no network request (only file:, data:, blob:);
  9. closes Chromium (and kills it if it does not go) and removes its profile.
With --threads it checks the threaded hosting build instead (build-web/threads/,
scripts/web.sh --threads): scripts/web_serve.py serves build-web/ on 127.0.0.1 (a free
port) with the cross-origin isolation headers; the page must be crossOriginIsolated and
say it trains on 2 threads (console "TLAB_THREADS 2"), the typed sentence is translated,
the trainer runs on threads (the page's running pthreads are counted while it trains:
at least 2) and its loss falls as in 1-6, lesson 17 scores on its thread; then the same
page served without the headers (python3 -m http.server) must open the single-threaded
build (../multi/, "TLAB_THREADS 1"). Only requests to the server are allowed, and both
servers are stopped afterwards.

usage: test_web.py [--html FILE] [--no-tour] [--no-train] [--sentence TEXT --expect TRANSLATION] [--train-steps N]
                   [--shots DIR] [--json FILE] [--timeout S] [--threads [--web-dir DIR]]
Prints one line per check and the figures (first frame, frame p50/p95 per lesson);
--json writes them for BENCHMARKS.md. Exit 0 when every check passes, else 1.
"""
import argparse
import base64
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from pngcheck import unfilter  # noqa: E402  (the one PNG decoder of the tests)

ALLOWED_SCHEMES = ("file:", "data:", "blob:", "about:")
WIDTH, HEIGHT = 1280, 800
TITLE_BOX = (300, 86, 600, 42)  # x, y, w, h of the lesson title at 1280x800 (right of the sidebar)


class Failed(Exception):
    pass


class Browser:
    """Chromium with the DevTools protocol on a pipe (fd 3: commands in, fd 4: replies out)."""

    def __init__(self, exe, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def child_fds():  # runs before subprocess closes the fds it was not told to keep
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)  # out of the way of 3 and 4
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.setsid()  # its own process group: the whole tree can be stopped

        args = [exe, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
                "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
                "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider",
                "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--allow-file-access-from-files",
                "--window-size=%d,%d" % (WIDTH, HEIGHT), "--force-device-scale-factor=1",
                "--hide-scrollbars", "--mute-audio", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=child_fds, pass_fds=(3, 4),
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "stderr.txt"), "wb"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.replies = {}
        self.events = []
        self.console = []
        self.requests = []
        self.session = None
        self.expected_exception = None  # an exception the page throws on purpose (web_threads.js's stop)

    def _read(self, timeout):
        ready, _, _ = select.select([self.from_chrome], [], [], timeout)
        if not ready:
            return
        data = os.read(self.from_chrome, 1 << 20)
        if not data:
            raise Failed("chromium closed the DevTools pipe (exit status %s)" % self.proc.poll())
        self.buf += data
        while b"\0" in self.buf:
            raw, self.buf = self.buf.split(b"\0", 1)
            msg = json.loads(raw)
            if "id" in msg:
                self.replies[msg["id"]] = msg
            else:
                self._event(msg)

    def _event(self, msg):
        m, p = msg.get("method"), msg.get("params", {})
        if m == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            self.console.append((time.time(), text))
        elif m == "Runtime.exceptionThrown":
            full = json.dumps(p.get("exceptionDetails", {}))
            text = full[:400]
            expected = self.expected_exception and self.expected_exception in full
            self.console.append((time.time(), ("EXPECTED EXCEPTION " if expected else "EXCEPTION ") + text))
        elif m == "Network.requestWillBeSent":
            self.requests.append(p.get("request", {}).get("url", ""))
        elif m == "Log.entryAdded":
            self.console.append((time.time(), "LOG " + p.get("entry", {}).get("text", "")))
        self.events.append(msg)

    def call(self, method, params=None, timeout=60, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        end = time.time() + timeout
        while self.next_id not in self.replies:
            if time.time() > end:
                raise Failed("no reply to %s within %d s" % (method, timeout))
            self._read(end - time.time())
        reply = self.replies.pop(self.next_id)
        if "error" in reply:
            raise Failed("%s: %s" % (method, reply["error"]))
        return reply.get("result", {})

    def wait_console(self, prefix, timeout, since=0.0):
        """The first console line starting with prefix logged at or after since."""
        end = time.time() + timeout
        while True:
            for t, text in self.console:
                if t >= since and text.startswith(prefix):
                    return text[len(prefix):].strip()
                if text.startswith("EXCEPTION") or text.startswith("Transformer Lab stopped"):
                    raise Failed("the page failed: " + text)
            if time.time() > end:
                tail = "\n  ".join(t for _, t in self.console[-15:])
                raise Failed("no '%s' on the console within %d s; its last lines:\n  %s" % (prefix, timeout, tail))
            self._read(min(0.5, max(0.0, end - time.time())))

    def pump(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            self._read(end - time.time())

    def close(self):
        try:
            if self.proc.poll() is None:
                self.session = None
                self.call("Browser.close", timeout=10)
        except (Failed, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for fd in (self.to_chrome, self.from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass


# ---- input -------------------------------------------------------------------------
KEYS = {"Tab": ("Tab", 9), "Backspace": ("Backspace", 8), "Enter": ("Enter", 13), "PageDown": ("PageDown", 34), "Home": ("Home", 36),
        "End": ("End", 35), "=": ("Equal", 187), "0": ("Digit0", 48)}


def key(b, name, ctrl=False, shift=False):
    """A key press; with ctrl (shift), Control (Shift) is held around it (SDL keeps the
    modifiers from the modifier keys' own events, not from the key's flags)."""
    code, vk = KEYS[name] if name in KEYS else ("Key" + name.upper(), ord(name.upper()))
    mods = (2 if ctrl else 0) | (8 if shift else 0)
    k = {"key": name, "code": code, "windowsVirtualKeyCode": vk, "modifiers": mods}
    held = ([{"key": "Control", "code": "ControlLeft", "windowsVirtualKeyCode": 17, "location": 1}] if ctrl else []) + \
           ([{"key": "Shift", "code": "ShiftLeft", "windowsVirtualKeyCode": 16, "location": 1}] if shift else [])
    for m in held:
        b.call("Input.dispatchKeyEvent", dict(m, type="rawKeyDown", modifiers=mods))
    b.call("Input.dispatchKeyEvent", dict(k, type="rawKeyDown"))
    b.call("Input.dispatchKeyEvent", dict(k, type="keyUp"))
    for m in reversed(held):
        b.call("Input.dispatchKeyEvent", dict(m, type="keyUp"))


def type_text(b, text):
    for ch in text:
        code = "Space" if ch == " " else "Key" + ch.upper() if ch.isalpha() else ""
        vk = 32 if ch == " " else ord(ch.upper())
        k = {"key": ch, "code": code, "windowsVirtualKeyCode": vk}
        b.call("Input.dispatchKeyEvent", dict(k, type="keyDown", text=ch, unmodifiedText=ch))
        b.call("Input.dispatchKeyEvent", dict(k, type="keyUp"))


def mouse_move(b, x, y):
    b.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})


def click(b, x, y):
    """A left click at (x, y): moved there, pressed, released."""
    mouse_move(b, x, y)
    for t in ("mousePressed", "mouseReleased"):
        b.call("Input.dispatchMouseEvent", {"type": t, "x": x, "y": y, "button": "left", "clickCount": 1})


def evaluate(b, expression):
    r = b.call("Runtime.evaluate", {"expression": expression})
    if "exceptionDetails" in r:
        raise Failed("%s: %s" % (expression, json.dumps(r["exceptionDetails"])[:500]))
    return r.get("result", {})


def dump(b):
    since = time.time()
    evaluate(b, "Module._tlab_web_dump()")
    text = b.wait_console("TLAB_DUMP", 30, since)
    return json.loads(text)


def dump_when(b, pred, timeout=20):
    """The first dump for which pred holds (the page handles keys on its next frame)."""
    end = time.time() + timeout
    while True:
        d = dump(b)
        if pred(d) or time.time() > end:
            return d
        b.pump(0.1)


def frames(b):
    since = time.time()
    evaluate(b, "Module._tlab_web_frames()")
    n, p50, p95, mx = b.wait_console("TLAB_FRAMES", 30, since).split()
    return int(n), float(p50), float(p95), float(mx)


# ---- pictures ----------------------------------------------------------------------
def screenshot(b, clip=None):
    """(w, h, rows of RGB(A) bytes, bpp, png bytes) of the page, or of clip (x, y, w, h, scale)."""
    params = {"format": "png"}
    if clip:
        params["clip"] = dict(zip(("x", "y", "width", "height", "scale"), clip))
    png = base64.b64decode(b.call("Page.captureScreenshot", params)["data"])
    pos, idat = 8, []
    while pos < len(png):
        n = int.from_bytes(png[pos:pos + 4], "big")
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, ctype = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big"), body[9]
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    bpp = {2: 3, 6: 4}[ctype]
    return w, h, unfilter(w, h, bpp, zlib.decompress(b"".join(idat))), bpp, png


def picture_stats(w, h, rows, bpp):
    """(distinct colours, brightness variance) over every pixel."""
    colours, vals = set(), []
    for line in rows:
        for x in range(w):
            px = bytes(line[x * bpp:x * bpp + 3])
            colours.add(px)
            vals.append(sum(px) / 3)
    mean = sum(vals) / len(vals)
    return len(colours), sum((v - mean) ** 2 for v in vals) / len(vals)


def run(o, b, results):
    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            raise Failed(what)

    target = [t for t in b.call("Target.getTargets", session=False)["targetInfos"] if t["type"] == "page"][0]
    b.session = b.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                       session=False)["sessionId"]
    for dom in ("Network", "Runtime", "Page", "Log"):
        b.call(dom + ".enable")
    b.call("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                                                   "mobile": False})
    t0 = time.time()
    b.call("Page.navigate", {"url": o.url})
    first = float(b.wait_console("TLAB_FIRST_FRAME", o.timeout, t0))
    results["first_frame_ms"] = first
    results["load_wall_s"] = round(time.time() - t0, 2)
    print("     first frame %.0f ms after navigation start (%s)" % (first, o.url), flush=True)
    if o.threads:
        threads_check(b, check, results, t0)
    marks = json.loads(evaluate(b, "JSON.stringify(performance.getEntriesByType('mark')"
                                   ".map(function (m) { return [m.name, Math.round(m.startTime)]; }))")["value"])
    results["load_marks_ms"] = dict(marks)  # where the time went (app/web/single_file.py, pack_assets.py, web.c)
    print("     " + ", ".join("%s %d" % (n.replace("tlab-", ""), t) for n, t in marks) + " ms", flush=True)
    d = dump(b)
    check(d["window"] == [WIDTH, HEIGHT], "the canvas follows the browser's size: %s" % d["window"])
    n_lessons = d["n_lessons"]

    # typing: Tab focuses the sentence box (the cursor at its end), Backspace empties it
    key(b, "Tab")  # the app takes text from its next frame on (before it, keys send no characters)
    check(dump_when(b, lambda d: d["focus"] == 1)["focus"] == 1, "Tab focuses the sentence box")
    for _ in range(len(d["sentence"])):
        key(b, "Backspace")
    check(dump_when(b, lambda d: d["sentence"] == "")["sentence"] == "", "Backspace empties the box")
    type_text(b, o.sentence)
    key(b, "Enter")
    d = dump_when(b, lambda d: d["sentence"] == o.sentence and d["focus"] == 0)
    check(d["sentence"] == o.sentence, "typed sentence in the box: %r" % d["sentence"])
    check(d["translation"] == o.expect, "translation %r (want %r)" % (d["translation"], o.expect))

    # every lesson and step
    if not o.no_tour:
        tour(b, check, results, n_lessons, o.shots)
    # the language switch (issue 19 item 2)
    if not o.threads:
        lang_switch(b, check, results, o.shots)
    if not o.no_train:
        # training in the page (no threads: the trainer is pumped a little per frame; --threads: on its threads)
        train(b, check, results, o.train_steps, o.threads)
        # lesson 17's held-out scores in the page (pumped too, or on the scorer's thread)
        experiments(b, check, results)

    if o.threads:  # the same page on a server without the isolation headers: the single-threaded build
        not_isolated_check(b, check, results, o)
    else:  # the browser's own paths: window size, theme, zoom, a PNG download, an input method
        browser_checks(b, check, results)

    # nothing leaves the page
    b.pump(0.5)
    bad = [u for u in b.requests if not u.startswith(o.allowed)]
    check(not bad, "no network request (%d requests, all %s)%s" %
          (len(b.requests), "/".join(o.allowed), "; requested: " + ", ".join(bad[:5]) if bad else ""))
    results["requests"] = len(b.requests)


def threads_check(b, check, results, since):
    """The threaded page: cross-origin isolated, and it says it trains on 2 threads."""
    iso = evaluate(b, "self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function'").get("value")
    check(iso is True, "the page is cross-origin isolated (crossOriginIsolated, SharedArrayBuffer)")
    said = b.wait_console("TLAB_THREADS", 10, since)
    check(said.split()[0] == "2", "the page trains on 2 threads: TLAB_THREADS %s" % said)
    results["threads"] = int(said.split()[0])


def not_isolated_check(b, check, results, o):
    """The threaded page from a server without the isolation headers (python3 -m http.server on 127.0.0.1)
    opens the single-threaded hosting build beside it (../multi/), which runs: TLAB_THREADS 1."""
    b.expected_exception = "threads need a cross-origin isolated page"
    with Server([sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", o.web_dir, "0"],
                "Serving HTTP on 127.0.0.1 port ") as plain:
        o.allowed += (plain.url,)
        t0 = time.time()
        b.call("Page.navigate", {"url": plain.url + "threads/transformer-lab.html"})
        b.wait_console("TLAB_NOT_ISOLATED", 30, t0)
        said = b.wait_console("TLAB_THREADS", o.timeout, t0)
        check(said.split()[0] == "1", "without the isolation headers the page opens the single-threaded build: "
              "TLAB_THREADS %s" % said)
        url = evaluate(b, "location.pathname").get("value")
        check(url == "/multi/transformer-lab.html", "... which is ../multi/: %s" % url)
        b.wait_console("TLAB_FIRST_FRAME", o.timeout, t0)
        d = dump(b)
        check(d["window"] == [WIDTH, HEIGHT], "... and draws: its window %s" % d["window"])


class Server:
    """A loopback web server (a child process in its own process group), stopped on leaving the with block.
    It must print `ready` followed by its port on its first line."""

    def __init__(self, argv, ready):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True)
        line = ""
        if select.select([self.proc.stdout], [], [], 20)[0]:
            line = self.proc.stdout.readline()
        if ready not in line:
            self.stop()
            raise Failed("the web server did not start: %r (exit %s)" % (line, self.proc.poll()))
        port = int(line.split(ready, 1)[1].split()[0].strip("/ "))
        self.url = "http://127.0.0.1:%d/" % port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stdout.close()


def tour(b, check, results, n_lessons, shots):
    """Every step of every lesson: screenshots, pictures not blank, titles differ, frame times."""
    key(b, "Home")
    titles, per_lesson = {}, []
    for li in range(n_lessons):
        d = dump_when(b, lambda d: d["lesson_index"] == li and d["step"] == 0)
        check(d["lesson_index"] == li and d["step"] == 0, "lesson %d (%s) open" % (li, d["lesson_slug"]))
        b.pump(0.3)
        frames(b)  # forget the frames of the way here
        for k in range(24):  # hover over the lesson: every move redraws
            mouse_move(b, 320 + (k * 37) % 900, 150 + (k * 53) % 600)
            b.pump(0.03)
        n, p50, p95, mx = frames(b)
        per_lesson.append({"lesson": d["lesson_number"], "slug": d["lesson_slug"], "frames": n,
                           "p50_ms": p50, "p95_ms": p95, "max_ms": mx})
        mouse_move(b, 5, HEIGHT - 5)
        b.pump(0.2)
        w, h, rows, bpp, png = screenshot(b, (0, 0, WIDTH, HEIGHT, 0.25))
        if shots:
            with open(os.path.join(shots, "%02d-%s.png" % (d["lesson_number"], d["lesson_slug"])), "wb") as f:
                f.write(png)
        colours, var = picture_stats(w, h, rows, bpp)
        check(colours > 50 and var > 100, "lesson %d picture not blank (%d colours, variance %.0f)" %
              (li, colours, var))
        tw, th, trows, tbpp, _ = screenshot(b, TITLE_BOX + (1,))
        titles[li] = b"".join(bytes(r) for r in trows)
        for step in range(d["n_steps"]):
            key(b, "PageDown")
            if step < d["n_steps"] - 1:
                s = dump_when(b, lambda s: s["step"] == step + 1)
                check(s["lesson_index"] == li and s["step"] == step + 1, "lesson %d step %d" % (li, step + 1))
    distinct = len(set(titles.values()))
    check(distinct == n_lessons, "the title region differs between lessons (%d distinct of %d)" % (distinct, n_lessons))
    results["lessons"] = per_lesson
    worst = max(per_lesson, key=lambda r: r["p95_ms"])
    results["frame_p95_worst_ms"] = worst["p95_ms"]
    print("     frame p95 per lesson (ms): " + ", ".join("%d:%.1f" % (r["lesson"], r["p95_ms"]) for r in per_lesson))
    print("     worst frame p95 %.2f ms (lesson %d %s)" % (worst["p95_ms"], worst["lesson"], worst["slug"]))


def train(b, check, results, steps, threads=False):
    """Opens the Training lesson, presses G (start: random weights, the corpus) and
    waits until the trainer has made `steps` steps; the loss must have fallen. With
    threads, the page's running pthreads (emscripten's PThread.runningWorkers) are
    counted meanwhile: the trainer's thread and the second thread of its steps."""
    key(b, "Home")
    d = dump_when(b, lambda d: d["lesson_index"] == 0 and d["step"] == 0)
    for _ in range(200):  # PageDown through the steps until the Training lesson, one key at a time
        if d["lesson_slug"] == "training":
            break
        at = (d["lesson_index"], d["step"])
        key(b, "PageDown")
        d = dump_when(b, lambda d: (d["lesson_index"], d["step"]) != at)
    check(d["lesson_slug"] == "training", "the Training lesson open (lesson %d)" % d["lesson_number"])
    t = d["training"]
    check(t is not None and t["available"] == 1, "a trainer in the page: %s" % (t and t["message"]))
    t0 = time.time()
    key(b, "g")
    most = [0]

    def count_threads(d):
        if threads:
            most[0] = max(most[0], evaluate(b, "Module.PThread.runningWorkers.length").get("value", 0))
        return d["training"]["step"] >= steps or d["training"]["status"] == "failed"
    d = dump_when(b, count_threads, timeout=600)
    t = d["training"]
    secs = time.time() - t0
    if threads:
        check(most[0] >= 2, "the trainer runs on threads: at most %d running at once (want 2 or more)" % most[0])
        results["training_threads_seen"] = most[0]
    print("     training: %s, step %d after %.1f s (%.1f s training), loss %.3f -> %.3f, %d evaluations" %
          (t["status"], t["step"], secs, t["train_s"], t["first_loss"], t["last_loss"], t["evals"]), flush=True)
    check(t["status"] == "running" and t["step"] >= steps, "the trainer runs in the page: step %d of %d (%s)" %
          (t["step"], steps, t["message"]))
    check(t["last_loss"] < t["first_loss"] - 0.5, "the loss falls: %.3f -> %.3f" % (t["first_loss"], t["last_loss"]))
    results["training"] = {"steps": t["step"], "wall_s": round(secs, 1), "train_s": t["train_s"],
                            "steps_per_s": round(t["step"] / t["train_s"], 2) if t["train_s"] > 0 else None,
                            "first_loss": t["first_loss"], "last_loss": t["last_loss"]}
    key(b, "k")  # pause: the page goes back to idle frames
    # Reset right after Start, while the trainer prepares (random weights and the step-0 evaluation on
    # threads: the worker's; pumped: a frame's turn): the run is empty at once and stays so, the
    # preparation in flight thrown away; the longest frame meanwhile is a figure (with threads the
    # page's thread does not wait for the preparation)
    d = dump_when(b, lambda d: d["training"]["status"] == "paused")
    frames(b)
    key(b, "g")
    key(b, "r")
    d = dump_when(b, lambda d: d["training"]["status"] == "empty")
    check(d["training"]["status"] == "empty" and d["training"]["step"] == 0,
          "R right after G: the run is reset (%s, step %d)" % (d["training"]["status"], d["training"]["step"]))
    b.pump(3.0)
    d = dump(b)
    check(d["training"]["status"] == "empty" and d["training"]["step"] == 0,
          "... and 3 s later the preparation that was in flight has not started it (%s)" % d["training"]["message"])
    n, _, _, mx = frames(b)
    results["reset_while_preparing_max_frame_ms"] = mx
    print("     the longest of the %d frames around Start + Reset: %.1f ms" % (n, mx), flush=True)


def lang_switch(b, check, results, shots):
    """Ctrl+Shift+L switches the page to Chinese (the page carries /assets/locale/zh.mo):
    the dump's lang and the lesson title in Han characters, the title's pixels change;
    again: back to English."""
    key(b, "Home")
    d = dump_when(b, lambda d: d["lesson_index"] == 0 and d["step"] == 0)
    if d["lang"] != "en":  # the page follows the browser's language (emscripten's LANG): English first
        key(b, "L", ctrl=True, shift=True)
        d = dump_when(b, lambda d: d["lang"] == "en")
    check(d["lang"] == "en", "the page in English before the switch (lang %r)" % d["lang"])
    mouse_move(b, 5, HEIGHT - 5)
    b.pump(0.3)
    en_title = b"".join(bytes(r) for r in screenshot(b, TITLE_BOX + (1,))[2])
    key(b, "L", ctrl=True, shift=True)
    d = dump_when(b, lambda d: d["lang"] == "zh")
    han = [c for c in d["lesson_title_shown"] if "\u4e00" <= c <= "\u9fff"]
    check(d["lang"] == "zh" and bool(han), "Ctrl+Shift+L: the page in Chinese (lang %r, title %r)" %
          (d["lang"], d["lesson_title_shown"]))
    b.pump(0.5)
    if shots:
        png = screenshot(b, (0, 0, WIDTH, HEIGHT, 0.25))[4]
        with open(os.path.join(shots, "zh-%02d-%s.png" % (d["lesson_number"], d["lesson_slug"])), "wb") as f:
            f.write(png)
    zh_title = b"".join(bytes(r) for r in screenshot(b, TITLE_BOX + (1,))[2])
    check(zh_title != en_title, "the title drawn in Chinese differs from the English one")
    results["lang_switch"] = {"title_zh": d["lesson_title_shown"]}
    x, y, w, h = d["lang_button_rect"]  # the top bar's language button, as the page drew it
    check(w > 0 and h > 0, "the language button is drawn: %s (%r)" % (d["lang_button_rect"], d["lang_button"]))
    click(b, x + w // 2, y + h // 2)
    check(dump_when(b, lambda d: d["lang"] == "en")["lang"] == "en", "a click on the language button: back to English")


def experiments(b, check, results):
    """Opens the Experiments lesson (End: the last one), whose held-out scorer runs pumped a little per frame
    (no threads), and waits until its first three rows (the intact model, no positional encoding, none in
    the encoder) are scored on every held-out sentence: none failed, and the broken models score lower."""
    key(b, "End")
    d = dump_when(b, lambda d: d["lesson_slug"] == "experiments")
    check(d["lesson_slug"] == "experiments", "the Experiments lesson open (lesson %d)" % d["lesson_number"])
    t0 = time.time()
    done = lambda d: all(r[0] in (3, 4) for r in d["lesson_state"]["rows"][:3])  # EXPERIMENT_DONE, _FAILED
    d = dump_when(b, lambda d: done(d) or any(r[0] == 4 for r in d["lesson_state"]["rows"]), timeout=600)
    ls = d["lesson_state"]
    rows = ls["rows"]
    print("     experiments: %s after %.1f s" % ([r[:4] for r in rows[:3]], time.time() - t0), flush=True)
    failed = [r for r in rows if r[0] == 4]
    check(not failed, "the held-out scorer runs in the page%s" % (": " + failed[0][-1] if failed else ""))
    check(done(d) and all(r[1] == ls["held_out"] for r in rows[:3]),
          "three experiments scored on all %d held-out sentences" % ls["held_out"])
    check(rows[1][2] < rows[0][2] and rows[2][2] < rows[0][2],
          "without positional encoding fewer exact: %d, %d < %d" % (rows[1][2], rows[2][2], rows[0][2]))
    results["experiments_s"] = round(time.time() - t0, 1)


def lesson_area(b):
    """Pixels of the lesson's area (right of the sidebar, above the text panel) at 1/2 scale: (rows, bpp, w, h)."""
    w, h, rows, bpp, _ = screenshot(b, (300, 130, 900, 360, 0.5))
    return rows, bpp, w, h


def mean_brightness(rows, bpp, w):
    vals = [sum(line[x * bpp:x * bpp + 3]) / 3 for line in rows for x in range(w)]
    return sum(vals) / len(vals)


def settled(b):
    """Waits for the page's next frames (a key or a resize is handled on the next turn)."""
    dump(b)
    b.pump(0.3)


def window_size(b, check, w, h):
    b.call("Emulation.setDeviceMetricsOverride", {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False})
    d = dump_when(b, lambda d: d["window"] == [w, h])
    check(d["window"] == [w, h], "the canvas follows the window to %dx%d: the app reports %s" % (w, h, d["window"]))


def theme_check(b, check, results):
    """T switches the theme: the dump says so, the pixels change, the dark theme's background is dark."""
    before = dump(b)["theme"]
    rows0, bpp, w, _ = lesson_area(b)
    key(b, "t")
    d = dump_when(b, lambda d: d["theme"] != before)
    check(d["theme"] != before, "T switches the theme: %s -> %s" % (before, d["theme"]))
    settled(b)
    rows1, _, _, _ = lesson_area(b)
    m0, m1 = mean_brightness(rows0, bpp, w), mean_brightness(rows1, bpp, w)
    check(abs(m0 - m1) > 40, "the theme's pixels differ (mean brightness %.0f -> %.0f)" % (m0, m1))
    dark = m0 if before == "dark" else m1 if d["theme"] == "dark" else None
    check(dark is not None and dark < 90, "the dark theme has a dark background (mean brightness %s)" %
          ("%.0f" % dark if dark is not None else "- no dark theme seen"))
    for _ in range(6):  # round the cycle back to where it started
        if dump(b)["theme"] == before:
            break
        key(b, "t")
        dump_when(b, lambda x: x["theme"] != d["theme"])
    check(dump(b)["theme"] == before, "T comes back to the %s theme" % before)
    results["theme_brightness"] = [round(m0), round(m1)]


def changed(rows0, rows1, bpp, w):
    """Share of the pixels that differ clearly between two pictures of the same size."""
    n = diff = 0
    for a, b in zip(rows0, rows1):
        for x in range(w):
            n += 1
            diff += sum(abs(a[x * bpp + c] - b[x * bpp + c]) for c in range(3)) > 60
    return diff / max(n, 1)


def zoom_check(b, check, results):
    """Ctrl+= zooms (the dump's zoom up, the lesson's figure redrawn bigger: a good share of its
    pixels change), Ctrl+0 sets it back (the same picture as before)."""
    settled(b)
    rows0, bpp, w, _ = lesson_area(b)
    z0 = dump(b)["zoom"]
    key(b, "=", ctrl=True)
    key(b, "=", ctrl=True)
    d = dump_when(b, lambda d: d["zoom"] > z0 * 1.15)
    check(d["zoom"] > z0 * 1.15, "Ctrl+= twice zooms: %.2f -> %.2f" % (z0, d["zoom"]))
    settled(b)
    rows1, _, _, _ = lesson_area(b)
    grown = changed(rows0, rows1, bpp, w)
    check(grown > 0.05, "the figure is drawn bigger: %.1f%% of the lesson's pixels change" % (100 * grown))
    key(b, "0", ctrl=True)
    d = dump_when(b, lambda d: abs(d["zoom"] - z0) < 1e-3)
    check(abs(d["zoom"] - z0) < 1e-3, "Ctrl+0 sets the zoom back: %.2f" % d["zoom"])
    settled(b)
    back = changed(rows0, lesson_area(b)[0], bpp, w)
    check(back < 0.01, "the same picture as before the zoom (%.2f%% of the pixels differ)" % (100 * back))
    results["zoom_changed"] = [round(grown, 4), round(back, 4)]


def png_size(data):
    """(width, height) of a PNG file's bytes, or None when they are not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def wait_download(b, folder, since, what, timeout):
    """The page's next download after since (its console line TLAB_DOWNLOAD name bytes), once the file is
    all in folder: (name, bytes, path)."""
    try:
        line = b.wait_console("TLAB_DOWNLOAD", timeout, since)
    except Failed:
        raise Failed("%s offered no download within %d s; the app says: %r" % (what, timeout, dump(b).get("toast")))
    name, size = line.split()[0], int(line.split()[1])
    path, end = os.path.join(folder, name), time.time() + 30
    while not (os.path.isfile(path) and os.path.getsize(path) == size) and time.time() < end:
        b.pump(0.2)
    return name, size, path


def export_check(b, check, results, folder):
    """Ctrl+S: the lesson's screen comes as a download, a valid PNG of the window's size, not blank."""
    b.call("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder}, session=False)
    since = time.time()
    key(b, "s", ctrl=True)
    name, _, path = wait_download(b, folder, since, "Ctrl+S", 60)
    check(os.path.isfile(path), "Ctrl+S offers the screen as a download: %s in %s" % (name, sorted(os.listdir(folder))))
    with open(path, "rb") as f:
        data = f.read()
    check(name.endswith(".png") and png_size(data) == (WIDTH, HEIGHT),
          "the download is a PNG of %dx%d: %s, %d bytes, %s" % (WIDTH, HEIGHT, name, len(data), png_size(data)))
    chunks, pos = {}, 8
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        chunks.setdefault(data[pos + 4:pos + 8], []).append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    ihdr = chunks[b"IHDR"][0]
    bpp = {2: 3, 6: 4}.get(ihdr[9])
    check(bpp is not None and ihdr[8] == 8, "the PNG is 8-bit RGB(A) (colour type %d)" % ihdr[9])
    rows = unfilter(WIDTH, HEIGHT, bpp, zlib.decompress(b"".join(chunks[b"IDAT"])))
    colours, var = picture_stats(WIDTH, HEIGHT, rows[::8], bpp)
    check(colours > 50 and var > 100, "the PNG shows the lesson (%d colours, variance %.0f)" % (colours, var))
    results["export_png"] = {"name": name, "bytes": len(data)}


def deck_check(b, check, results, folder):
    """Ctrl+Shift+D: the deck (every step of every lesson as a slide, and deck.json) comes as one ZIP
    download: the archive reads back (CRC-32s checked), a PNG per step in the order of deck.json, each
    a 1920x1080 PNG; the page stays at its lesson and step."""
    d0 = dump(b)
    want = sum(l["steps"] for l in d0["lessons"])
    since = time.time()
    key(b, "D", ctrl=True, shift=True)
    name, size, path = wait_download(b, folder, since, "Ctrl+Shift+D", 300)
    check(os.path.isfile(path) and name.startswith("deck-") and name.endswith(".zip"),
          "Ctrl+Shift+D offers the deck as one download: %s (%d bytes)" % (name, size))
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        names = z.namelist()
        listing = json.loads(z.read(name[:-4] + "/deck.json"))
        pngs = [n for n in names if n.endswith(".png")]
        sizes = set(png_size(z.read(n)) for n in pngs)
    check(bad is None, "the ZIP reads back, every CRC-32 right (%d files)" % len(names))
    check(len(pngs) == want and [name[:-4] + "/" + s["file"] for s in listing["slides"]] == pngs,
          "a slide per step, in deck.json's order: %d PNGs for %d steps" % (len(pngs), want))
    check(sizes == {(1920, 1080)}, "the slides are 1920x1080 PNGs: %s" % sorted(sizes))
    d = dump(b)
    check((d["lesson_index"], d["step"]) == (d0["lesson_index"], d0["step"]),
          "the page stays at its lesson and step (%d, %d)" % (d["lesson_index"], d["step"]))
    results["deck_zip"] = {"name": name, "bytes": size, "slides": len(pngs), "wall_s": round(time.time() - since, 1)}


def ime_check(b, check, results):
    """An input method's composition (CDP Input.imeSetComposition, then insertText commits it)
    reaches the sentence box between typed keys; the app marks the non-Latin word unknown."""
    want_sentence = "the 狗 sees the cat"
    key(b, "Tab")
    d = dump_when(b, lambda d: d["focus"] == 1)
    check(d["focus"] == 1, "Tab focuses the sentence box (for the input method)")
    for _ in range(len(d["sentence"])):
        key(b, "Backspace")
    dump_when(b, lambda d: d["sentence"] == "")
    type_text(b, "the ")
    dump_when(b, lambda d: d["sentence"] == "the ")
    b.call("Input.imeSetComposition", {"text": "gou", "selectionStart": 3, "selectionEnd": 3})
    b.call("Input.imeSetComposition", {"text": "狗", "selectionStart": 1, "selectionEnd": 1})
    b.call("Input.insertText", {"text": "狗"})
    dump_when(b, lambda d: d["sentence"] == "the 狗")
    type_text(b, " sees the cat")
    key(b, "Enter")
    d = dump_when(b, lambda d: d["sentence"] == want_sentence and d["focus"] == 0)
    check(d["sentence"] == want_sentence, "the composed character reaches the box: %r" % d["sentence"])
    check(d["input_status"] == "unknown_words" and d["n_unk"] >= 1,
          "the app marks it an unknown word: %s (%d unknown)" % (d["input_status"], d["n_unk"]))
    results["ime"] = {"sentence": d["sentence"], "input_status": d["input_status"]}


def browser_checks(b, check, results):
    """The window's size, the theme, the zoom, the PNG export and the input method, in the page."""
    key(b, "Home")
    dump_when(b, lambda d: d["lesson_index"] == 0 and d["step"] == 0)
    window_size(b, check, 1000, 700)
    window_size(b, check, WIDTH, HEIGHT)
    theme_check(b, check, results)
    zoom_check(b, check, results)
    folder = tempfile.mkdtemp(prefix="tlab-web-downloads-")
    try:
        export_check(b, check, results, folder)
        deck_check(b, check, results, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ime_check(b, check, results)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html", default=os.path.join(HERE, "..", "..", "build-web", "transformer-lab.html"))
    ap.add_argument("--sentence", default="the cat sees the dog")
    ap.add_argument("--expect", default="die katze sieht den hund")
    ap.add_argument("--no-tour", dest="no_tour", action="store_true",
                    help="skip the tour of every lesson and step (a quick check of typing and training)")
    ap.add_argument("--no-train", dest="no_train", action="store_true",
                    help="skip the training and the held-out scores (a quick check of the rest)")
    ap.add_argument("--train-steps", dest="train_steps", type=int, default=60,
                    help="steps the trainer must make in the Training lesson (loss must fall)")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--shots", help="keep each lesson's screenshot (1/4 size) in this folder")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--timeout", type=float, default=120, help="seconds to wait for the first frame")
    ap.add_argument("--threads", action="store_true",
                    help="check the threaded hosting build (WEB_DIR/threads/, served by scripts/web_serve.py) instead")
    ap.add_argument("--web-dir", dest="web_dir", default=os.path.join(HERE, "..", "..", "build-web"),
                    help="what --threads serves (holds threads/ and multi/)")
    o = ap.parse_args()
    if o.threads:
        o.html = os.path.join(o.web_dir, "threads", "transformer-lab.html")
        o.no_tour = True
    if not os.path.isfile(o.html):
        print("test_web: no %s (build it with ./scripts/web.sh%s)" % (o.html, " --threads" if o.threads else ""),
              file=sys.stderr)
        return 1
    if o.shots:
        os.makedirs(o.shots, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="tlab-web-test-")
    results = {"html": os.path.abspath(o.html), "html_bytes": os.path.getsize(o.html)}
    o.url, o.allowed, server = "file://" + os.path.abspath(o.html), ALLOWED_SCHEMES, None
    rc = 0
    try:
        if o.threads:
            server = Server([sys.executable, os.path.join(HERE, "..", "..", "scripts", "web_serve.py"), o.web_dir,
                             "--port", "0", "--quiet"], "web_serve: http://127.0.0.1:")
            o.url, o.allowed = server.url + "threads/transformer-lab.html", ALLOWED_SCHEMES + (server.url,)
    except Failed as e:
        print("test_web: FAILED: %s" % e, file=sys.stderr)
        return 1
    b = Browser(o.chromium, profile)
    try:
        run(o, b, results)
    except Failed as e:
        print("test_web: FAILED: %s" % e, file=sys.stderr)
        try:
            with open(os.path.join(profile, "stderr.txt"), errors="replace") as f:
                print("----- chromium's last messages -----\n" + "".join(f.readlines()[-12:]), file=sys.stderr)
        except OSError:
            pass
        rc = 1
    finally:
        b.close()
        if server:
            server.stop()
        shutil.rmtree(profile, ignore_errors=True)
    if o.json:
        with open(o.json, "w") as f:
            json.dump(results, f, indent=1)
    print("test_web: %s" % ("all checks passed" if rc == 0 else "FAILED"), file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
