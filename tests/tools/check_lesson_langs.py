#!/usr/bin/env python3
"""check_lesson_langs.py - every lesson text of assets/lessons/en/ has its
counterpart in every other language folder (and in each --require LANG),
with the same steps, and every step of the translation has a caption and
presenter notes written in that language (for zh: with Han characters).

The format is the one docs/lessons.md documents and app/narration.c parses
(narration_parse has no command-line hook, so it is read again here, the
same way): "# Step N" starts step N (sections before the first one are the
introduction, which belongs to step 1; a text without "# Step" has one step);
"::: caption" / "::: notes" open a block that belongs to the current step,
a line ":::" closes it, and a "# Step" line inside a block is not a heading.

Exit 0 when all is well, 1 with one line per problem on stderr.
"""
import argparse
import os
import re
import sys

STEP = re.compile(r"^# Step ([0-9]+)")
FENCE = re.compile(r"^:::\s*(caption|notes)?\s*$")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# what a caption or notes block must contain to count as written in the language
SCRIPT = {"zh": (HAN, "no Chinese (Han) characters")}


def parse(text):
    """{step: {"caption": str, "notes": str}} and the list of "# Step N" numbers in order."""
    steps, order = {1: {"caption": "", "notes": ""}}, []
    part, block = 1, None
    for line in text.split("\n"):
        m = FENCE.match(line.rstrip())
        if block is None:
            s = STEP.match(line)
            if s:
                part = int(s.group(1))
                order.append(part)
                steps.setdefault(part, {"caption": "", "notes": ""})
                continue
            if m and m.group(1):
                block = m.group(1)
            continue
        if m and not m.group(1):
            block = None
            continue
        steps[part][block] += line + "\n"
    return steps, order


def check_lang(root, lang, problems):
    en_dir, dir_ = os.path.join(root, "en"), os.path.join(root, lang)
    rule = SCRIPT.get(lang)
    for name in sorted(os.listdir(en_dir)):
        if not name.endswith(".txt"):
            continue
        path = os.path.join(dir_, name)
        where = f"assets/lessons/{lang}/{name}"
        if not os.path.isfile(path):
            problems.append(f"{where}: missing (assets/lessons/en/{name} has no {lang} counterpart)")
            continue
        with open(os.path.join(en_dir, name), encoding="utf-8") as f:
            en_steps, en_order = parse(f.read())
        try:
            with open(path, encoding="utf-8") as f:
                steps, order = parse(f.read())
        except UnicodeDecodeError as e:
            problems.append(f"{where}: not UTF-8 ({e})")
            continue
        if order != en_order:
            problems.append(f"{where}: step sections {order or '(none)'} differ from the English {en_order or '(none)'}")
        for k in sorted(set(en_steps) | set(steps)):
            st = steps.get(k)
            if st is None:
                continue
            for kind in ("caption", "notes"):
                body = st[kind].strip()
                if not body:
                    problems.append(f"{where}: step {k} has no {kind}")
                elif rule and not rule[0].search(body):
                    problems.append(f"{where}: step {k}'s {kind} has {rule[1]}")


def self_test():
    """Hand-made folders with one fault each: the checker must name it."""
    import tempfile
    en = "# Intro\n::: caption\nOne.\n:::\n::: notes\nN.\n:::\n# Step 2: B\n::: caption\nTwo.\n:::\n::: notes\nN.\n:::\n"
    good = "# 引言\n::: caption\n一。\n:::\n::: notes\n注。\n:::\n# Step 2: 乙\n::: caption\n二。\n:::\n::: notes\n注。\n:::\n"
    cases = [  # (zh text or None for a missing file, what the problem line must say)
        (good, None),
        (None, "missing"),
        (good.replace("# Step 2: 乙", "# 乙"), "differ from the English"),
        (good.replace("# Step 2: 乙\n::: caption\n二。\n:::\n", "# Step 2: 乙\n"), "step 2 has no caption"),
        (good.replace("::: notes\n注。\n:::\n# Step", "# Step"), "step 1 has no notes"),
        (good.replace("二。", "Two."), "step 2's caption has no Chinese"),
        (good.replace("# Step 2: 乙\n::: caption", "::: caption\n# Step 2: 乙"), "differ from the English"),
    ]
    bad = 0
    for zh, want in cases:
        with tempfile.TemporaryDirectory() as d:
            for lang, text in (("en", en), ("zh", zh)):
                os.makedirs(os.path.join(d, lang))
                if text is not None:
                    with open(os.path.join(d, lang, "a.txt"), "w", encoding="utf-8") as f:
                        f.write(text)
            problems = []
            check_lang(d, "zh", problems)
            ok = not problems if want is None else any(want in p for p in problems)
            if not ok:
                bad += 1
                print(f"self-test: want {want!r}, got {problems}", file=sys.stderr)
    print(f"check_lesson_langs self-test: {len(cases) - bad}/{len(cases)} cases right")
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True, help="the assets/lessons folder")
    ap.add_argument("--require", action="append", default=[], help="a language folder that must exist")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.root, "en")):
        print(f"check_lesson_langs: {a.root}/en is not a folder", file=sys.stderr)
        return 1
    langs = sorted(d for d in os.listdir(a.root) if d != "en" and os.path.isdir(os.path.join(a.root, d)))
    problems = []
    for lang in a.require:
        if lang not in langs:
            problems.append(f"assets/lessons/{lang}/: missing (required)")
    for lang in langs:
        check_lang(a.root, lang, problems)
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"check_lesson_langs: {', '.join(langs) or 'no translations'} cover every English lesson text")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
