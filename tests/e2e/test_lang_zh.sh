#!/bin/bash
# test_lang_zh.sh - the whole app in Chinese (issue 18):
#  1. --lang zh --export-all --screens (chrome included) draws no English string of
#     the interface's catalogue: every text the layout audit recorded (audit.json's
#     "strings") is checked against every English msgid of assets/po/transformer-lab.pot
#     whose Chinese differs (printf placeholders match anything), and for runs of four
#     or more English words that neither the sentence, its translation nor the Chinese
#     lesson texts contain. The same check must find English in the --lang en export
#     (so the check itself works).
#  2. Ctrl+Shift+L switches live (the dump's "lang" and shown title), writes
#     settings.conf under XDG_CONFIG_HOME, a later run without --lang starts in the
#     remembered language, and --lang en still wins over it. The top bar's language
#     button ("中文" / "English") switches the same with a click, and fits at 1024x768 zoom 2.
#  4. the command line speaks the run's language too: --help and a bad option's message
#     in Chinese with --lang zh or LANG=zh_CN.UTF-8 (LC_ALL=C.UTF-8 wins: English; nothing remembered), and an
#     engine's message (a model that is no safetensors file) translated at display time.
#  3. the Chinese PDF deck (lesson 5): Chinese title, step counter and notes pages as
#     text (pdftotext), WenQuanYi embedded (pdffonts); the export's summary line and its
#     refusal to overwrite in Chinese; the layout audit of every zh
#     slide at 1920x1080 finds nothing overlapping or cut.
. "$(dirname "$0")/lib.sh"
export XDG_CONFIG_HOME=$T/config
SRC=$(cd "$HERE/../.." && pwd)
for lang in zh en; do
  expect 0 "$APP" --model "$MODEL" --lang $lang --export-all "$T/$lang" --screens --export-size 1280x800 --audit-only \
    --sentence "the dog sees the cat"
done
python3 - "$SRC" "$T/zh/audit.json" "$T/en/audit.json" "$MODEL" <<'PY' || fail "English strings in the Chinese export"
import glob, json, os, re, sys
sys.path.insert(0, os.path.join(sys.argv[1], "tests", "tools"))
from check_po import parse_po, FMT
po = os.path.join(sys.argv[1], "assets", "po")
zh = {e[0]: e[1] for e in parse_po(open(os.path.join(po, "zh.po"), encoding="utf-8").read()) if e[0]}
pats = []
for msgid, msgstr in zh.items():
    if msgstr == msgid or not re.search(r"[A-Za-z]{3,}", FMT.sub("", msgid)):
        continue  # the same in both languages (symbols, key names, formulas), or no English word in it
    parts, specs = [re.escape(p) for p in FMT.split(msgid)], FMT.findall(msgid)
    conv = [r"[−+-]?[0-9]+" if c[-1] in "diouxX" else r"\S+" if c[-1] in "eEfFgGaA" else "%" if c == "%%" else ".*?"
            for c in specs]
    pats.append((msgid, re.compile("^" + "".join(p + (conv[i] if i < len(conv) else "") for i, p in enumerate(parts)) + "$", re.S)))
lesson_texts = " ".join(open(f, encoding="utf-8").read() for f in glob.glob(os.path.join(sys.argv[1], "assets", "lessons", "zh", "*.txt")))
# the model's own words (English input, German output) are not interface strings
head = open(sys.argv[4], "rb").read(8)
vocab = set(json.loads(json.loads(open(sys.argv[4], "rb").read(8 + int.from_bytes(head, "little"))[8:])["__metadata__"]["vocab"]))
def english(strings):
    found = []
    for s in strings:
        if s == "English":
            continue  # the language button: the next language's name in that language (checked in 2b)
        for msgid, rx in pats:
            if rx.match(s):
                found.append((s, "catalogue: " + msgid[:50]))
                break
        else:
            for run in re.findall(r"(?:\b[A-Za-z][a-z]+\b[ ,;:]+){3,}\b[A-Za-z][a-z]+\b", s):
                if not all(w in vocab for w in re.findall(r"[A-Za-z]+", run.lower())) and run not in lesson_texts:
                    found.append((s, "words: " + run))
                    break
    return found
def strings(path):
    return [t for im in json.load(open(path))["images"] for t in im["strings"]]
zs, es = strings(sys.argv[2]), strings(sys.argv[3])
bad = english(zs)
for s, why in bad[:30]:
    print(f"untranslated: {s!r} ({why})")
han = sum(1 for s in zs if re.search(r"[\u4e00-\u9fff]", s))
print(f"zh export: {len(zs)} texts, {han} with Chinese, {len(bad)} in English; en export: {len(english(es))} flagged")
assert not bad, f"{len(bad)} English texts in the Chinese export"
assert han > len(zs) // 4, "too few Chinese texts: is the catalogue loaded?"
assert len(english(es)) > 100, "the check finds no English even in the English export"
PY
# 2. the switch key, remembered
cat > "$T/switch.txt" <<EOT
lesson 5
key ctrl+shift+l
dump $T/after.json
quit
EOT
expect 0 "$APP" --model "$MODEL" --script "$T/switch.txt" --size 1280x800
grep -q '"lang": "zh"' "$T/after.json" || fail "Ctrl+Shift+L did not switch to zh: $(grep lang "$T/after.json")"
grep -q '"lesson_title_shown": "缩放点积注意力"' "$T/after.json" || fail "the title is not shown in Chinese after the switch"
grep -qx 'lang = zh' "$XDG_CONFIG_HOME/transformer-lab/settings.conf" || fail "settings.conf does not remember zh"
printf 'dump %s\nquit\n' "$T/next.json" > "$T/d.txt"
expect 0 "$APP" --model "$MODEL" --script "$T/d.txt" --size 1280x800
grep -q '"lang": "zh"' "$T/next.json" || fail "the next run did not start in the remembered zh"
expect 0 "$APP" --model "$MODEL" --script "$T/d.txt" --size 1280x800 --lang en
grep -q '"lang": "en"' "$T/next.json" || fail "--lang en did not win over the remembered zh"
# 2b. the language button in the top bar: it names the next language in that language ("中文" in
# English, "English" in Chinese), fits the top bar at 1024x768 zoom 2, and a click on it switches
# (the dump's "lang") and is remembered; a second click goes back
printf 'lesson 5\ndump %s\nquit\n' "$T/b0.json" > "$T/b0.txt"
expect 0 "$APP" --model "$MODEL" --script "$T/b0.txt" --size 1024x768 --zoom 2 --lang en
read -r bx by bw bh <<< "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(*d["lang_button_rect"]); assert d["lang_button"] == "中文", d["lang_button"]' "$T/b0.json")" ||
  fail "the language button does not say 中文 in English: $(grep lang_button "$T/b0.json")"
[ "$bw" -gt 0 ] && [ $((bx + bw)) -le 1024 ] && [ $((by + bh)) -le 100 ] || fail "the language button is not in the top bar: $bx $by $bw $bh"
cx=$((bx + bw / 2)) cy=$((by + bh / 2))
printf 'lesson 5\nclick %d %d\ndump %s\nclick %d %d\ndump %s\nquit\n' $cx $cy "$T/b1.json" $cx $cy "$T/b2.json" > "$T/b1.txt"
rm -rf "$XDG_CONFIG_HOME"
expect 0 "$APP" --model "$MODEL" --script "$T/b1.txt" --size 1024x768 --zoom 2 --lang en
grep -q '"lang": "zh"' "$T/b1.json" || fail "a click on the language button did not switch to zh: $(grep lang "$T/b1.json")"
grep -q '"lang_button": "English"' "$T/b1.json" || fail "in Chinese the button does not say English: $(grep lang_button "$T/b1.json")"
grep -q '"lesson_title_shown": "缩放点积注意力"' "$T/b1.json" || fail "the title is not redrawn in Chinese after the click"
grep -q '"lang": "en"' "$T/b2.json" || fail "a second click did not switch back to en: $(grep lang "$T/b2.json")"
grep -qx 'lang = en' "$XDG_CONFIG_HOME/transformer-lab/settings.conf" || fail "the button's choice is not remembered"
expect 0 "$APP" --model "$MODEL" --lang zh --export-all "$T/btn" --screens --lessons 5 --export-size 1024x768 --zoom 2 --audit-only
python3 - "$T/btn/audit.json" <<'PY' || fail "the top bar with the language button at 1024x768 zoom 2 (zh)"
import json, sys
d = json.load(open(sys.argv[1]))
assert any("English" in im["strings"] for im in d["images"]), "no English button drawn"
assert d["total_overlaps"] == 0 and d["total_clipped"] == 0, [(i["file"], i["overlaps"], i["clipped"]) for i in d["images"] if i["overlaps"] or i["clipped"]]
PY
# 4. the command line: --help and its errors follow --lang and the locale; engine messages translated
"$APP" --lang zh --help > "$T/help.txt" 2>&1 || fail "--lang zh --help failed"
grep -q "^用法：transformer-lab" "$T/help.txt" || fail "--lang zh --help is not in Chinese: $(head -2 "$T/help.txt")"
env -u LC_ALL XDG_CONFIG_HOME="$T/fresh" LANG=zh_CN.UTF-8 "$APP" --export-size 12x > "$T/bad.txt" 2>&1 && fail "a bad --export-size was accepted"
grep -q "需要 宽x高" "$T/bad.txt" || fail "LANG=zh_CN: the bad --export-size message is not in Chinese: $(head -1 "$T/bad.txt")"
env XDG_CONFIG_HOME="$T/fresh" LC_ALL=C.UTF-8 LANG=zh_CN.UTF-8 "$APP" --export-size 12x > "$T/bad.txt" 2>&1 && fail "a bad --export-size was accepted"
grep -q "wants WxH" "$T/bad.txt" || fail "LC_ALL=C.UTF-8 did not win over LANG=zh_CN: $(head -1 "$T/bad.txt")"
env -u LC_ALL -u LC_MESSAGES XDG_CONFIG_HOME="$T/fresh" LANG=fr_FR.UTF-8 "$APP" --export-size 12x > "$T/bad.txt" 2>&1 && fail "a bad --export-size was accepted"
grep -q "wants WxH" "$T/bad.txt" || fail "LANG=fr_FR (no fr catalogue) is not English: $(head -1 "$T/bad.txt")"
printf 'not a model at all, but long enough' > "$T/bad.safetensors"
expect 0 "$APP" --lang zh --model "$T/bad.safetensors" --export-all "$T/none" --lessons 1 --audit-only
grep -q "无法载入模型 .*文件头长度 .* 不合理" "$T/err" || fail "the engine's model error is not in Chinese: $(cat "$T/err")"
# 3. the Chinese PDF deck: real Chinese text in an embedded CJK font, headings and chrome in Chinese
expect 0 "$APP" --model "$MODEL" --lang zh --export-all "$T/deck" --lessons 5 --export-size 1920x1080 --audit
grep -Eq "^transformer-lab：已把 4 张幻灯片和讲义 deck.pdf 写入 .*，用时 [0-9.]+ 秒" "$T/err" ||
  fail "the export's summary line is not in Chinese: $(cat "$T/err")"
expect 1 "$APP" --model "$MODEL" --lang zh --export-all "$T/deck" --lessons 5 --export-size 1920x1080
grep -q "已经存在；--export-all 从不覆盖文件" "$T/err" || fail "the refusal to overwrite is not in Chinese: $(cat "$T/err")"
pdftotext -f 1 -l 1 "$T/deck/deck.pdf" "$T/p1.txt"
grep -q "缩放点积注意力" "$T/p1.txt" || fail "page 1 of the zh deck has no Chinese title: $(head -c 300 "$T/p1.txt")"
grep -Eq "第 ?1 ?/ ?4 ?步" "$T/p1.txt" || fail "page 1 of the zh deck has no Chinese step counter"
pdftotext -f 5 -l 5 "$T/deck/deck.pdf" "$T/p5.txt"
grep -q "讲者备注" "$T/p5.txt" || fail "the notes pages are not in Chinese: $(head -c 300 "$T/p5.txt")"
pdffonts "$T/deck/deck.pdf" > "$T/fonts.txt"
grep -i "WenQuanYi" "$T/fonts.txt" | grep -q " yes " || { cat "$T/fonts.txt" >&2; fail "no embedded WenQuanYi font in the zh deck"; }
expect 0 "$APP" --model "$MODEL" --lang zh --export-all "$T/slides" --export-size 1920x1080 --audit-only
python3 - "$T/slides/audit.json" <<'PY' || fail "the zh slides' layout audit at 1920x1080 (every lesson and step)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["total_overlaps"] == 0 and d["total_clipped"] == 0, [(i["file"], i["overlaps"], i["clipped"]) for i in d["images"] if i["overlaps"] or i["clipped"]]
PY
echo "lang zh ok"
