#!/usr/bin/env python3
"""check_numfmt.py - one number format on screen (issue 14 item 3).

Every number the app draws or shows in a tooltip goes through ui_fmt (app/ui/ui_format.c):
significant digits, a true minus, "5.3×10⁻⁵" rather than "5.3e-05", "−∞" for a masked
score. This check fails when a string literal in app/ or lessons/ holds a printf float
conversion (%f, %.3f, %g, %.2e, ...) that is not one of these:
  - a percentage, "%.0f%%" or "%.1f%%" (never negative, never tiny);
  - machine-readable output: a JSON key before it in the same literal (\\"key\\": %.6g),
    a line of lesson_json_put / EMB_PUT / fprintf, or a terminal message
    ("transformer-lab: ..."); app/dump.c, app/bench.c and app/monkey.c write only such;
  - a slider's value form on a ui_slider line (a count: "%.0f");
  - a line that says why with a comment "numfmt: <reason>".

  check_numfmt.py --root REPO   check (exit 1 with one line per offending literal)
  check_numfmt.py --self-test   the check against lines it must reject and accept
"""
import argparse
import glob
import os
import re
import sys

FLOAT = re.compile(r"%[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?[lL]?[fFgGeEaA]")
PERCENT = re.compile(r"%[-+ #0']*\d*(?:\.\d+)?f%%")
LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
JSON_KEY = re.compile(r'\\"[A-Za-z0-9_]+\\": ')
MACHINE_LINE = ("lesson_json_put", "EMB_PUT", "fprintf", "numfmt:")
SKIP_FILES = {"app/ui/ui_format.c", "app/dump.c", "app/bench.c", "app/monkey.c"}


def offending(line):
    """The literals of one source line that print a float in a form other than ui_fmt's."""
    if any(m in line for m in MACHINE_LINE) or "ui_slider(" in line:
        return []
    bad = []
    for lit in LITERAL.findall(line):
        body = PERCENT.sub("", lit).replace("%%", "")
        if not FLOAT.search(body) or JSON_KEY.search(lit) or lit.startswith('"transformer-lab: '):
            continue
        bad.append(lit)
    return bad


def check(root):
    problems = []
    for d in ("app", "lessons"):
        for path in sorted(glob.glob(os.path.join(root, d, "**", "*.c"), recursive=True)):
            rel = os.path.relpath(path, root)
            if rel in SKIP_FILES:
                continue
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    for lit in offending(line):
                        problems.append("%s:%d: %s prints a number with printf, not ui_fmt (app/ui/ui.h)" % (rel, n, lit[:70]))
    return problems


def self_test():
    reject = ['snprintf(b, sizeof b, "%.2f", (double)v);',
              'snprintf(b, n, _("loss %.3f, lr %.2e"), a, b);',
              'ui_hover_value(ui, r, v, "%s at x=%g", name, x);',
              'snprintf(b, n, "p = %5.1f", p);']
    accept = ['snprintf(b, n, "%.0f%%", 100.0 * p);',
              'lesson_json_put(j, ", \\"err\\": %.3g", e);',
              '"{\\"step\\": %d, \\"cum\\": %.9g}", s, c);',
              'ui_slider(ui, r, _("k"), k, 0, 9, "%.0f");',
              'snprintf(b, n, "%s = %s", a, ui_fmts(&x, v, 3));',
              'snprintf(fmt, n, "%%d of %d", k);',
              'snprintf(b, n, "%.2f", w); /* numfmt: a row of weights in [0, 1] at fixed decimals */']
    bad = [l for l in reject if not offending(l)] + [l for l in accept if offending(l)]
    for l in bad:
        print("self-test: wrong verdict on %s" % l)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        sys.exit(self_test())
    problems = check(a.root)
    for p in problems:
        print(p)
    print("check_numfmt: %d literal(s) print numbers outside ui_fmt" % len(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
