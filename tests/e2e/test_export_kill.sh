#!/usr/bin/env bash
# test_export_kill.sh - --export-all killed or stopped midway (docs/bad-input.md,
# issue 12 item 3): after SIGKILL every PNG under a deck name decodes whole
# (each lands through afile: a hidden temporary, then link()), the hidden
# temporaries are no deck names so a second --export-all into the folder works;
# SIGTERM and SIGINT stop it with a message, exit 1 and no temporary left.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
. "$(dirname "$0")/lib.sh"
STAT=$BIN/tests/tlab-pngstat
SIZE=640x360 # small: the ASan pass writes about three decks here
# every non-hidden PNG in DIR decodes and ends with IEND; prints how many
all_whole() {
  local d=$1 n=0 f
  for f in "$d"/*.png; do
    [ -e "$f" ] || continue
    "$STAT" --step 0 "$f" > /dev/null 2>&1 || fail "$f does not decode (a partial PNG under a final name)"
    [ "$(tail -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "49454e44ae426082" ] || fail "$f lacks its IEND chunk"
    n=$((n + 1))
  done
  echo "$n"
}
# waits (up to 120 s) until DIR holds at least N non-hidden PNGs
wait_for() {
  local d=$1 n=$2 i
  for i in $(seq 1 12000); do
    [ "$(ls "$d" 2>/dev/null | grep -c '\.png$')" -ge "$n" ] && return 0
    sleep 0.01
  done
  fail "no progress in $d"
}

# the full deck, for its size
"$APP" --export-all "$T/full" --export-size $SIZE 2> "$T/err" || { cat "$T/err" >&2; fail "a plain --export-all failed"; }
TOTAL=$(all_whole "$T/full")
[ "$TOTAL" -ge 16 ] || fail "only $TOTAL images in a full deck"

# SIGKILL after a few images: what is there is whole; hidden temporaries may remain
"$APP" --export-all "$T/k" --export-size $SIZE 2> /dev/null & pid=$!
wait_for "$T/k" 3
kill -KILL $pid; wait $pid 2> /dev/null || true
n=$(all_whole "$T/k")
[ "$n" -ge 3 ] && [ "$n" -lt "$TOTAL" ] || fail "SIGKILL: $n of $TOTAL images (the kill came too late to test anything?)"
# the finished images are deck names, so a second run refuses; once they are moved away,
# the hidden temporaries left behind do not count and the second run writes the whole deck
"$APP" --export-all "$T/k" --export-size $SIZE 2> "$T/err" && fail "a second --export-all over a finished image did not refuse"
grep -q "already exists" "$T/err" || { cat "$T/err" >&2; fail "no reason for refusing"; }
tmps=$(ls -A "$T/k" | grep -c '^\..*\.tmp-' || true) # the image in hand when killed (0 if between two)
mkdir "$T/kept"; mv "$T/k"/*.png "$T/kept/"
"$APP" --export-all "$T/k" --export-size $SIZE 2> "$T/err" || { cat "$T/err" >&2; ls -A "$T/k" >&2; fail "second --export-all after SIGKILL failed"; }
[ "$(all_whole "$T/k")" = "$TOTAL" ] || fail "second --export-all after SIGKILL: not the whole deck"

# SIGTERM and SIGINT: stop between images, say so, exit 1, no temporary left
for sig in TERM INT; do
  rc=0
  "$APP" --export-all "$T/s$sig" --export-size $SIZE 2> "$T/err" & pid=$!
  wait_for "$T/s$sig" 2
  kill -$sig $pid
  wait $pid || rc=$?
  [ "$rc" = 1 ] || { cat "$T/err" >&2; fail "SIG$sig: exit $rc, want 1"; }
  grep -q "stopped by SIG$sig after [0-9]* images" "$T/err" || { cat "$T/err" >&2; fail "SIG$sig: no message"; }
  n=$(all_whole "$T/s$sig")
  [ "$n" -lt "$TOTAL" ] || fail "SIG$sig did not stop the export"
  [ -z "$(ls -A "$T/s$sig" | grep '^\.')" ] || fail "SIG$sig left $(ls -A "$T/s$sig" | grep '^\.')"
  grep -q "after $n images" "$T/err" || { cat "$T/err" >&2; fail "SIG$sig: message does not say $n images"; }
done
echo "test_export_kill: ok ($TOTAL images a deck; $tmps hidden temporary left by SIGKILL)"
