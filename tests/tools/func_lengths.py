#!/usr/bin/env python3
"""func_lengths.py - counts the sizes the project keeps small (issue 13, docs/style.md):
every C function longer than N lines (default 100) and every .c file longer than
M lines (default 900), over engine/ app/ lessons/ tests/.

A function is counted from the first line of its signature to its closing brace
at column 0. Data tables (`static const T name[] = { ... };`, any initialiser
after `=`) are not functions and are skipped. Test code (tests/) is listed but
does not fail the check unless --strict-tests is given. ALLOW below lists the
functions allowed over the limit for now; an entry no longer needed is named
in a note on stderr (the check still passes).

Usage:
  func_lengths.py [--root DIR] [--max-lines N] [--max-file-lines M] [--list]
    --list   print every function over N lines (and every file over M) without failing
  Exit 0: nothing over the limits (one summary line); 1: one line per offender.

The CTest "func_lengths" runs it with the defaults. Anyone can count with:
  python3 tests/tools/func_lengths.py --list --max-lines 80
"""
import argparse
import os
import re
import sys

DIRS = ("engine", "app", "lessons", "tests")

# Functions allowed over the limit for now, each with the reason. Keep empty
# when possible; the lead removes an entry when the work it names has landed.
ALLOW = {
}

SIG_START = re.compile(r"^[A-Za-z_][A-Za-z0-9_ \t\*]*\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
SKIP_START = re.compile(r"^(#|typedef\b|struct\b[^(]*$|enum\b|union\b|extern\b)")


def c_files(root):
    for d in DIRS:
        top = os.path.join(root, d)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(x for x in dirnames if not x.startswith("."))
            for f in sorted(filenames):
                if f.endswith(".c"):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def functions(path):
    """Yields (name, first_line, last_line) for each function definition in path."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().split("\n")
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        m = SIG_START.match(line)
        if not m or SKIP_START.match(line) or "=" in line.split("(")[0]:
            i += 1
            continue
        # The signature runs until a line that ends with "{" (a body),
        # or ";" (a prototype), whichever comes first.
        j = i
        body = None
        while j < n and j < i + 20:
            s = lines[j].rstrip()
            code = s.split("//")[0].rstrip()
            if code.endswith(";"):
                break
            if code.endswith("{"):
                body = j
                break
            j += 1
        if body is None:
            i = j + 1
            continue
        k = body + 1
        while k < n and not re.match(r"^}\s*(//.*|/\*.*)?$", lines[k]):
            k += 1
        if k < n:
            yield m.group(1), i + 1, k + 1
        i = k + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--max-lines", type=int, default=100)
    ap.add_argument("--max-file-lines", type=int, default=900)
    ap.add_argument("--list", action="store_true", help="report without failing")
    ap.add_argument("--strict-tests", action="store_true", help="tests/ functions fail too")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    bad, allowed, nfun, nfile = [], [], 0, 0
    used = set()
    for path in c_files(root):
        nfile += 1
        full = os.path.join(root, path)
        with open(full, encoding="utf-8", errors="replace") as fh:
            nlines = fh.read().count("\n")
        if nlines > a.max_file_lines:
            bad.append("%s: file of %d lines (over %d)" % (path, nlines, a.max_file_lines))
        for name, first, last in functions(full):
            nfun += 1
            length = last - first + 1
            if length <= a.max_lines:
                continue
            msg = "%s:%d: %s() is %d lines (over %d)" % (path, first, name, length, a.max_lines)
            if (path, name) in ALLOW:
                used.add((path, name))
                allowed.append(msg + "  [allowed: %s]" % ALLOW[(path, name)])
            elif path.startswith("tests/") and not a.strict_tests:
                allowed.append(msg + "  [test code]")
            else:
                bad.append(msg)
    for m in bad + allowed:
        print(m)
    for path, name in sorted(set(ALLOW) - used):
        print("func_lengths: note: the allow-list entry %s %s() is no longer needed" % (path, name),
              file=sys.stderr)
    print("func_lengths: %d functions in %d .c files; %d over the limits, %d listed but allowed"
          % (nfun, nfile, len(bad), len(allowed)), file=sys.stderr)
    return 0 if a.list or not bad else 1


if __name__ == "__main__":
    sys.exit(main())
