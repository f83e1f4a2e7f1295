"""e2e_util.py - helpers shared by the Python parts of the lesson end-to-end
tests (the scripts put this folder on sys.path through E2E_DIR).

check_png(path, w, h, fail): the image has size w x h and is not blank (the
grey-level variance of every 8th row, every 2nd pixel, above 200). It uses
tlab-pngstat from the build (TLAB_BIN), a C reader: decoding 1080p PNGs in pure
Python took seconds each. Without it, pngcheck.py's stdlib decoder does the same.
"""
import os
import subprocess

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
    rows = pngcheck.unfilter(w, h, bpp, raw)
    vals = []
    for y in range(0, h, step):
        line = rows[y]
        for x in range(0, w, 2):
            px = line[x * bpp:x * bpp + min(bpp, 3)]
            vals.append(sum(px) / len(px))
    mean = sum(vals) / len(vals)
    return w, h, sum((v - mean) ** 2 for v in vals) / len(vals)


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
