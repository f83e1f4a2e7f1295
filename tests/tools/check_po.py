#!/usr/bin/env python3
"""check_po.py - the interface's message catalogues against the code (issue 18).

Every word the user sees is written in English in the C code and marked with _("...")
(or N_("...") in a static table); xgettext collects them. This check fails when
  - assets/po/transformer-lab.pot differs from what the sources give (a string marked,
    changed or dropped without running --update),
  - a language's assets/po/<lang>.po lacks a string of the code, leaves it empty or
    fuzzy, or keeps one the code no longer has,
  - a translation's printf placeholders (%d, %s, %.3f, ...) differ from the English
    ones in order or kind (the C code passes the arguments for the English ones),
  - a translation drops or adds a line that starts a heading ("# ") or a newline
    count differs (the text panel and the deck cut prose at them).
msgfmt --check (the CTest po_msgfmt) checks the file format and gettext's own rules.

  check_po.py --root REPO            check (exit 1 with one line per problem)
  check_po.py --root REPO --update   rewrite the .pot from the sources and merge it
                                     into every .po (new strings come in empty: translate them)
  check_po.py --self-test            the check against broken catalogues it must reject
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

FMT = re.compile(r"%(?:\d+\$)?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGaAcspn%]")


def sources(root):
    """The app, the lessons and the engine's library (its messages reach the app, marked N_() in
    engine/data/errmsg.h and translated at display time); the command-line tools stay English."""
    files = []
    for d in ("app", "lessons", "engine"):
        for ext in ("c", "h"):
            files += glob.glob(os.path.join(root, d, "**", "*." + ext), recursive=True)
    tools = os.path.join(root, "engine", "tools") + os.sep
    return sorted(os.path.relpath(f, root) for f in files if not f.startswith(tools))


def xgettext(root, out):
    cmd = ["xgettext", "--language=C", "--from-code=UTF-8", "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
           "--add-comments=TRANSLATORS:", "--no-location", "--sort-output", "--package-name=transformer-lab",
           "--msgid-bugs-address=https://github.com/", "-o", out] + sources(root)
    subprocess.run(cmd, cwd=root, check=True)


def unquote(s):
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    s = s[1:-1]
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(esc.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_po(text):
    """[(key, msgstr, flags, obsolete)] of a .po text: key is the msgid, or "msgctxt\\x04msgid" as
    in a .mo file (C_() in the code); plurals are not used here."""
    entries, cur, key, flags = [], None, None, set()

    def close():
        nonlocal cur, flags
        if cur is not None:
            key = cur.get("msgid", "")
            if "msgctxt" in cur:
                key = cur["msgctxt"] + "\x04" + key
            entries.append((key, cur.get("msgstr", ""), flags, cur.get("obsolete", False)))
        cur, flags = None, set()

    for raw in text.splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            close()
            continue
        if line.startswith("#,"):
            if cur is not None and "msgstr" in cur:
                close()
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if m:
            if m.group(1) in ("msgid", "msgctxt") and cur is not None and "msgstr" in cur:
                close()
            if cur is None:
                cur = {}
            key = m.group(1)
            cur[key] = unquote(m.group(2))
            if obsolete:
                cur["obsolete"] = True
        elif line.startswith('"') and cur is not None and key:
            cur[key] += unquote(line)
    close()
    return entries


def placeholders(s):
    """The arguments a format string takes, as (length modifier + conversion): flags, width and
    precision may differ ("%.0s" swallows an English plural ending the translation does not need)."""
    out = []
    for m in FMT.finditer(s):
        spec = m.group(0)
        if spec == "%%":
            continue
        conv = re.search(r"(hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGaAcspn]$", spec).group(0)
        conv = re.sub(r"[iouxX]$", "d", conv) if conv[-1] in "iouxX" else conv
        conv = re.sub(r"[eEfFgGaA]$", "f", conv)
        out.append(("*" * spec.count("*")) + conv)
    return out


def check_lang(name, po_text, wanted):
    """Problems of one language's .po text against the set of msgids the code has."""
    problems, seen = [], set()
    for msgid, msgstr, flags, obsolete in parse_po(po_text):
        if msgid == "" or obsolete:
            continue
        seen.add(msgid)
        short = msgid if len(msgid) < 60 else msgid[:57] + "..."
        if msgid not in wanted:
            problems.append(f"{name}: {short!r} is not in the code any more (run --update, then delete it)")
            continue
        if not msgstr.strip():
            problems.append(f"{name}: {short!r} has no translation")
            continue
        if "fuzzy" in flags:
            problems.append(f"{name}: {short!r} is fuzzy (check the translation, then drop the flag)")
        if placeholders(msgid) != placeholders(msgstr):
            problems.append(f"{name}: {short!r}: placeholders {placeholders(msgid)} in English but "
                            f"{placeholders(msgstr)} in the translation")
        if msgid.count("\n") != msgstr.count("\n") or msgid.startswith("# ") != msgstr.startswith("# "):
            problems.append(f"{name}: {short!r}: its lines or heading marks differ from the English")
    for msgid in sorted(wanted - seen):
        problems.append(f"{name}: no entry for {msgid[:60]!r} (run --update and translate it)")
    return problems


def msgids(po_text):
    return {e[0] for e in parse_po(po_text) if e[0] and not e[3]}


def check(root):
    podir = os.path.join(root, "assets", "po")
    pot_path = os.path.join(podir, "transformer-lab.pot")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "fresh.pot")
        xgettext(root, fresh)
        wanted = msgids(open(fresh, encoding="utf-8").read())
    if not os.path.exists(pot_path):
        return [f"{pot_path} is missing (run {sys.argv[0]} --update)"]
    have = msgids(open(pot_path, encoding="utf-8").read())
    for m in sorted(wanted - have):
        problems.append(f"transformer-lab.pot: lacks {m[:60]!r} (marked in the code; run --update)")
    for m in sorted(have - wanted):
        problems.append(f"transformer-lab.pot: has {m[:60]!r}, which the code no longer marks (run --update)")
    pos = sorted(glob.glob(os.path.join(podir, "*.po")))
    if not pos:
        problems.append(f"no .po file in {podir}")
    for po in pos:
        problems += check_lang(os.path.basename(po), open(po, encoding="utf-8").read(), wanted)
    if not wanted:
        problems.append("xgettext found no marked string at all: is the keyword _ still used?")
    return problems


def update(root):
    podir = os.path.join(root, "assets", "po")
    pot = os.path.join(podir, "transformer-lab.pot")
    xgettext(root, pot)
    for po in sorted(glob.glob(os.path.join(podir, "*.po"))):
        subprocess.run(["msgmerge", "--quiet", "--update", "--no-location", "--sort-output", "--backup=none",
                        "--no-fuzzy-matching", po, pot], check=True)
        subprocess.run(["msgattrib", "--no-obsolete", "--no-location", "--sort-output", "-o", po, po], check=True)
    print(f"wrote {pot}; merged into " + ", ".join(os.path.basename(p) for p in glob.glob(os.path.join(podir, "*.po"))))


def self_test():
    head = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    wanted = {"step %d / %d", "Words (V)", "# Next step\n"}
    good = head + ('msgid "step %d / %d"\nmsgstr "第 %d / %d 步"\n\nmsgid "Words (V)"\nmsgstr "词表（V）"\n\n'
                   'msgid "# Next step\\n"\nmsgstr "# 下一步\\n"\n')
    cases = {
        "missing": (good.replace('msgid "Words (V)"\nmsgstr "词表（V）"\n', ""), "no entry"),
        "empty": (good.replace('"词表（V）"', '""'), "no translation"),
        "fuzzy": (good.replace('msgid "Words (V)"', '#, fuzzy\nmsgid "Words (V)"'), "fuzzy"),
        "placeholder dropped": (good.replace("第 %d / %d 步", "第 %d 步"), "placeholders"),
        "placeholder kind": (good.replace("第 %d / %d 步", "第 %s / %d 步"), "placeholders"),
        "placeholder precision ok": (good.replace("第 %d / %d 步", "第 %2d / %d 步"), None),
        "stale": (good + '\nmsgid "Gone"\nmsgstr "走了"\n', "not in the code"),
        "heading lost": (good.replace('"# 下一步\\n"', '"下一步\\n"'), "heading"),
        "multi-line ok": (good.replace('msgstr "词表（V）"', 'msgstr ""\n"词表"\n"（V）"'), None),
        "context is part of the key": (good.replace('msgid "Words (V)"', 'msgctxt "table"\nmsgid "Words (V)"'), "no entry"),
    }
    bad = check_lang("good.po", good, wanted)
    if bad:
        print("self-test: the good catalogue was rejected:", bad)
        return 1
    rc = 0
    for name, (text, want) in cases.items():
        got = check_lang(name, text, wanted)
        ok = (not got) if want is None else any(want in p for p in got)
        if not ok:
            print(f"self-test: case {name!r}: expected {want!r}, got {got}")
            rc = 1
    print("self-test:", "ok" if rc == 0 else "FAILED", f"({len(cases)} cases)")
    return rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--self-test", action="store_true")
    o = ap.parse_args()
    if o.self_test:
        return self_test()
    root = os.path.abspath(o.root)
    if o.update:
        update(root)
        return 0
    problems = check(root)
    for p in problems:
        print(p)
    print(f"check_po: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
