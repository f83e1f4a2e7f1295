#!/usr/bin/env bash
# test_script_replay.sh - hostile --script files replayed by the headless app
# (docs/bad-input.md, issue 12 items 1, 4, 7, 8): a `type` line of 'a' and 100
# UTF-8 continuation bytes (each one character of one byte in its own text
# event: the replay copied the whole run into a 32-byte SDL event), a line
# longer than the limit (refused whole, with its own line number, never run in
# parts), a 1 MB line, a NUL inside a line, numbers that overflow for every
# command that takes one, and `dump` to /dev/full (the cause is said).
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
. "$(dirname "$0")/lib.sh"
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
run() { # CODE SCRIPT-FILE [ARGS...]: stderr to $T/err
  local want=$1 s=$2 rc=0; shift 2
  "$APP" --script "$s" "$@" 2> "$T/err" > /dev/null || rc=$?
  [ "$rc" = "$want" ] || { cat "$T/err" >&2; fail "script $s exited $rc, want $want"; }
}
errhas() { grep -q -- "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks '$1'"; }; }

# 1. 'a' + 100 continuation bytes: typed as 101 characters, the sentence box holds them, the dump is JSON
{ printf 'key slash\nkey ctrl+a\nkey BackSpace\ntype a'; head -c 100 /dev/zero | tr '\0' '\200'; printf '\nwait 1\ndump %s\nquit\n' "$T/cont.json"; } > "$T/cont.txt"
run 0 "$T/cont.txt"
[ "$(jget "$T/cont.json" 'len(d["sentence"])')" = 101 ] || fail "continuation run: sentence $(jget "$T/cont.json" 'repr(d["sentence"])')"
[ "$(jget "$T/cont.json" 'd["sentence"][1:] == chr(0xFFFD) * 100')" = True ] || fail "continuation run: not 100 x U+FFFD in the dump"
# runs after a 4-byte character and after a cut 3-byte one (E2 82 80 is U+2080 whole: 1 + 60 + 1 + 59)
{ printf 'key slash\nkey ctrl+a\nkey BackSpace\ntype \xF0\x9F\x98\x80'; head -c 60 /dev/zero | tr '\0' '\277'; printf '\xE2\x82'; head -c 60 /dev/zero | tr '\0' '\200'; printf '\ndump %s\nquit\n' "$T/cont2.json"; } > "$T/cont2.txt"
run 0 "$T/cont2.txt"
[ "$(jget "$T/cont2.json" 'len(d["sentence"])')" = 121 ] || fail "mixed run: $(jget "$T/cont2.json" 'len(d["sentence"])') characters, want 121"

# 4. a line over the limit (1024 bytes) is refused whole with its number; nothing of it runs
long=$(head -c 1100 /dev/zero | tr '\0' 'x')
printf 'type hello\n# comment\ntype %sdump %s\nquit\n' "$long" "$T/never.json" > "$T/long.txt"
run 2 "$T/long.txt"
errhas "long.txt:3: line is longer than 1024 bytes"
[ ! -e "$T/never.json" ] || fail "the tail of a long line ran as a command"
# a line of exactly the limit is fine (CRLF too)
printf 'type %s\r\nquit\r\n' "$(head -c 1019 /dev/zero | tr '\0' 'y')" > "$T/edge.txt"
run 0 "$T/edge.txt"
# a 1 MB line: the right line number and cause
{ printf 'wait 1\n\ntype '; head -c 1048576 /dev/zero | tr '\0' 'z'; printf '\nquit\n'; } > "$T/mb.txt"
run 2 "$T/mb.txt"
errhas "mb.txt:3: line is longer than 1024 bytes"

# 8. a NUL inside a line is refused (it cut the text)
printf 'type the dog\0 sees the cat\nquit\n' > "$T/nul.txt"
run 2 "$T/nul.txt"
errhas "nul.txt:1: NUL byte at column 13"
# numbers: overflow and out of range, for every command that takes one
for line in "resize 4294967396 4294967396" "resize 800 4294967896" "resize 99 600" "resize 8193 600" \
            "wait 4294967296" "wait 1000001" "wait -1" "wait 99999999999999999999999" \
            "click 4294967296 10" "click 10 -4294967296" "click 100001 5" "move 9223372036854775808 1" \
            "move 1 -100001" "click 1.5 2" "wait 0x10" "click 10 20abc"; do
  printf 'wait 1\n%s\nquit\n' "$line" > "$T/num.txt"
  run 2 "$T/num.txt"
  errhas "num.txt:2: ${line%% *} needs"
done
printf 'resize 8192 100\nresize 100 8192\nwait 0\nclick -5 -5\nmove 100000 -100000\nresize 640 480\nquit\n' > "$T/numok.txt"
run 0 "$T/numok.txt"

# 7. dump to a full disk says what failed (it exited 1 in silence), and /dev/full stays a device
if [ -w /dev/full ]; then
  printf 'dump /dev/full\nquit\n' > "$T/full.txt"
  run 1 "$T/full.txt"
  errhas "dump: cannot write /dev/full: No space left on device"
  [ -c /dev/full ] || fail "/dev/full is no longer a device"
fi
# a dump the user named replaces the earlier one whole, and leaves no temporary
printf 'dump %s\nquit\n' "$T/d/state.json" > "$T/re.txt"
mkdir -p "$T/d"; echo old > "$T/d/state.json"
run 0 "$T/re.txt"
jget "$T/d/state.json" 'd["lesson_slug"]' > /dev/null || fail "dump did not replace the old file"
[ "$(ls -A "$T/d")" = state.json ] || fail "dump left $(ls -A "$T/d")"
# a dump into a folder that does not exist: the cause, exit 1
printf 'dump %s\nquit\n' "$T/nodir/x.json" > "$T/nodir.txt"
run 1 "$T/nodir.txt"
errhas "dump: cannot write $T/nodir/x.json: No such file or directory"
# to stdout through /dev/stdout (a pipe): written in place
printf 'dump /dev/stdout\nquit\n' > "$T/out.txt"
"$APP" --script "$T/out.txt" 2>/dev/null | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "dump /dev/stdout is not JSON"
echo "test_script_replay: ok"
