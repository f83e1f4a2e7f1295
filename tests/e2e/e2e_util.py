"""e2e_util.py - helpers shared by the Python parts of the lesson end-to-end
tests (the scripts put this folder on sys.path through E2E_DIR or PYTHONPATH).

check_png(path, w, h, fail): the image has size w x h and is not blank (the
grey-level variance of every 8th row, every 2nd pixel, above 200). It uses
tlab-pngstat from the build (TLAB_BIN), a C reader: decoding 1080p PNGs in pure
Python took seconds each. Without it, pngcheck.py's stdlib decoder does the same.

For the scripts whose checks are all in Python (one interpreter: starting
python3 costs about half a second here):
  fail(msg)                  print "FAIL: msg" and exit 1
  png_levels(path)           distinct byte values of the decompressed pixel data
  tensor(path, name)         (shape, floats) of one tensor of a safetensors file
  cell(g, row, col)          the centre of cell (row, col) of a dumped grid {x, y, cw, ch}
  UI_NUM, ui_number(text)    a regular expression for a number as ui_fmt draws it (true minus,
                             "1.23×10⁻⁴", "−∞") and its value
  Lab(app, run, tmp, model)  runs the app's --script files and tlab-run in tmp:
      script(lines, name, size, theme, sentence) writes tmp/name.txt (+ quit), runs it
                             (with --sentence when given), fails on error
      trace(sentence)        `tlab-run --trace-json -` as a dict
      load(name)             tmp/name.json;   dump(name), shot(name): the script lines
      hover(x, y, name)      move, wait 1, dump
      typed(sentence, slug)  type the sentence into the box, then open the lesson
      png(name, w, h)        check_png of tmp/name.png plus at least 16 byte levels
      pngs([(name, w, h)])   the same for several images, one tlab-pngstat run
"""
import array
import json
import os
import struct
import subprocess
import sys

import pngcheck


def png_stats(path, step=8):
    """(width, height, variance) of a PNG."""
    exe = os.path.join(os.environ.get("TLAB_BIN", ""), "tests", "tlab-pngstat")
    if os.environ.get("TLAB_BIN") and os.access(exe, os.X_OK):
        r = subprocess.run([exe, "--step", str(step), path], capture_output=True, text=True)
        if r.returncode != 0:
            raise ValueError(r.stderr.strip() or "unreadable PNG")
        _, w, h, var = r.stdout.split()
        return int(w), int(h), float(var)
    w, h, bpp, raw = pngcheck.read_png(path)
    return w, h, pngcheck.variance(w, h, bpp, raw, step)


def check_png(path, w, h, fail):
    try:
        pw, ph, var = png_stats(path)
    except (OSError, ValueError, SystemExit) as e:
        fail("%s: %s" % (path, e))
        return
    if (pw, ph) != (w, h):
        fail("%s is %dx%d, want %dx%d" % (path, pw, ph, w, h))
    if var <= 200:
        fail("%s looks blank (variance %.1f)" % (path, var))


def hover_matches(pattern, regex):
    """(hover, match) for every state dump matching the glob pattern whose hover
    label matches the regular expression (dumps that hovered nothing are skipped)."""
    import glob
    import re
    for path in sorted(glob.glob(pattern)):
        hv = json.load(open(path))["hover"]
        m = re.match(regex, hv["label"]) if hv else None
        if m:
            yield hv, m


SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
UI_NUM = "([\u2212+]?[\\d.]+(?:\u00d710\u207b?[%s]+)?|[\u2212+]\u221e|NaN)" % SUP


def ui_number(text):
    """The value of a number in ui_fmt's form (app/ui/ui_format.c)."""
    t = text.replace("\u2212", "-").replace("\u221e", "inf")
    if "\u00d710" in t:
        mant, ex = t.split("\u00d710")
        e = int("".join(str(SUP.index(c)) if c in SUP else "-" for c in ex))
        return float(mant) * 10.0 ** e
    return float(t)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def png_stats_all(paths, step=8):
    """[(width, height, variance)] of several PNGs, as png_stats, with one
    tlab-pngstat process for all of them (each start costs a little, more under ASan)."""
    exe = os.path.join(os.environ.get("TLAB_BIN", ""), "tests", "tlab-pngstat")
    if not (os.environ.get("TLAB_BIN") and os.access(exe, os.X_OK)):
        return [png_stats(p, step) for p in paths]
    r = subprocess.run([exe, "--step", str(step)] + paths, capture_output=True, text=True)
    if r.returncode != 0:
        raise ValueError(r.stderr.strip() or "unreadable PNG")
    out = []
    for path, line in zip(paths, r.stdout.splitlines()):
        name, w, h, var = line.rsplit(None, 3)
        if name != path:
            raise ValueError("tlab-pngstat answered for %s, not %s" % (name, path))
        out.append((int(w), int(h), float(var)))
    if len(out) != len(paths):
        raise ValueError("tlab-pngstat answered for %d of %d images" % (len(out), len(paths)))
    return out


def png_levels(path):
    """How many distinct byte values the decompressed (still filtered) IDAT
    stream holds: a blank or two-colour picture has very few."""
    import zlib
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    return len(set(zlib.decompress(b"".join(idat))))


def tensor(path, name):
    """(shape, array of float32) of tensor `name` in a safetensors file."""
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    t = json.loads(data[8:8 + n])[name]
    a, b = t["data_offsets"]
    out = array.array("f")
    out.frombytes(data[8 + n + a:8 + n + b])
    return t["shape"], out


def cell(g, row, col):
    """Centre (x, y) of cell (row, col) of a grid dumped as {x, y, cw, ch}."""
    return g["x"] + col * g["cw"] + g["cw"] // 2, g["y"] + row * g["ch"] + g["ch"] // 2


class Lab:
    """The app and tlab-run of one test, with its scratch folder tmp; model
    (optional) is passed to both as --model."""

    def __init__(self, app, run, tmp, model=None):
        self.app, self.run, self.tmp = app, run, tmp
        self.model_args = ["--model", model] if model else []

    def path(self, name):
        return os.path.join(self.tmp, name)

    def dump(self, name):
        return "dump %s.json" % self.path(name)

    def shot(self, name):
        return "screenshot %s.png" % self.path(name)

    def hover(self, x, y, name):
        return ["move %d %d" % (x, y), "wait 1", self.dump(name)]

    @staticmethod
    def typed(sentence, slug):
        return ["key slash", "key ctrl+a", "type " + sentence, "key Return", "lesson " + slug]

    def load(self, name):
        return json.load(open(self.path(name) + ".json"))

    def script(self, lines, name, size="1280x800", theme=None, sentence=None):
        path = self.path(name) + ".txt"
        with open(path, "w") as f:
            f.write("\n".join(lines + ["quit"]) + "\n")
        cmd = [self.app, "--script", path, "--size", size] + self.model_args + (["--theme", theme] if theme else [])
        cmd += ["--sentence", sentence] if sentence else []
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            fail("script %s: exit %d: %s" % (name, r.returncode, r.stderr))

    def each_trace(self, sentences):
        """(index, sentence, its tlab-run trace) for each of sentences."""
        for i, sentence in enumerate(sentences):
            yield i, sentence, self.trace(sentence)

    def trace(self, sentence):
        r = subprocess.run([self.run] + self.model_args + ["--trace-json", "-", sentence], capture_output=True, text=True)
        if r.returncode != 0:
            fail("tlab-run failed on '%s': %s" % (sentence, r.stderr))
        return json.loads(r.stdout)

    def png(self, name, w, h):
        self.pngs([(name, w, h)])

    def pngs(self, specs):
        """check_png (size, variance above 200) and at least 16 byte levels for
        each (name, w, h): tmp/name.png, with one tlab-pngstat run for all."""
        paths = [self.path(name) + ".png" for name, _, _ in specs]
        try:
            stats = png_stats_all(paths)
        except (OSError, ValueError, SystemExit) as e:
            fail("%s: %s" % (" ".join(paths), e))
        for path, (_, w, h), (pw, ph, var) in zip(paths, specs, stats):
            if (pw, ph) != (w, h):
                fail("%s is %dx%d, want %dx%d" % (path, pw, ph, w, h))
            if var <= 200:
                fail("%s looks blank (variance %.1f)" % (path, var))
            try:
                levels = png_levels(path)
            except (OSError, ValueError) as e:
                fail("%s: %s" % (path, e))
            if levels < 16:
                fail("%s looks blank (%d byte levels)" % (path, levels))
