#!/usr/bin/env bash
# setup.sh [PROFILE...] - installs the Debian 12 packages a task needs, only those
# missing or broken; safe to run again. Profiles and their packages are in
# scripts/packages.list (build, the default; test; valgrind; torch; web).
#
# A package counts as present only when dpkg says "install ok installed" AND the
# files this project uses from it are there (headers, pkg-config files, clang's
# libFuzzer and sanitizer runtimes, python modules): an interrupted install, a
# half-configured package or a clang without its runtimes is found and repaired
# on the next run. Quiet: one line per stage; apt's full output goes to
# build/logs/setup.log, which is printed when something fails.
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=("$@"); ((${#profiles[@]})) || profiles=(build)
log_dir=build/logs; mkdir -p "$log_dir"; log=$log_dir/setup.log

# The packages of the profiles asked for (each profile includes "build").
pkgs=()
for prof in build "${profiles[@]}"; do
  line=$(awk -v p="$prof" '$1 == p { $1 = ""; print; exit }' scripts/packages.list)
  [ -n "$line" ] || { echo "setup: unknown profile '$prof' (see scripts/packages.list)" >&2; exit 2; }
  for p in $line; do [[ " ${pkgs[*]} " == *" $p "* ]] || pkgs+=("$p"); done
done

# What this project uses from a package, checked on disk (no entry: dpkg's word is enough).
clang_rt() { local f; f=$(clang -print-file-name="$1" 2>/dev/null) && [ "${f#/}" != "$f" ] && [ -f "$f" ]; }
probe() {
  case $1 in
    build-essential)   command -v cc >/dev/null && command -v make >/dev/null && [ -f /usr/include/stdio.h ] ;;
    cmake)             cmake --version >/dev/null 2>&1 ;;
    pkg-config)        command -v pkg-config >/dev/null ;;
    libsdl2-dev)       [ -f /usr/include/SDL2/SDL.h ] && pkg-config --exists sdl2 ;;
    libsdl2-ttf-dev)   [ -f /usr/include/SDL2/SDL_ttf.h ] && pkg-config --exists SDL2_ttf ;;
    libsdl2-image-dev) [ -f /usr/include/SDL2/SDL_image.h ] && pkg-config --exists SDL2_image ;;
    libcglm-dev)       [ -f /usr/include/cglm/cglm.h ] ;;
    libcmocka-dev)     [ -f /usr/include/cmocka.h ] && pkg-config --exists cmocka ;;
    libcairo2-dev)     [ -f /usr/include/cairo/cairo-pdf.h ] && pkg-config --exists cairo-pdf ;;
    poppler-utils)     pdftoppm -v >/dev/null 2>&1 && pdftotext -v >/dev/null 2>&1 && pdfinfo -v >/dev/null 2>&1 ;;
    python3)           python3 -c 'import json, struct, zlib, subprocess' 2>/dev/null ;;
    clang)             clang --version >/dev/null 2>&1 ;;
    libclang-rt-14-dev) clang_rt libclang_rt.fuzzer-x86_64.a && clang_rt libclang_rt.asan-x86_64.a \
                         && clang_rt libclang_rt.ubsan_standalone-x86_64.a ;;
    valgrind)          valgrind --version >/dev/null 2>&1 ;;
    python3-torch)     python3 -c 'import torch' 2>/dev/null ;;
    emscripten)        NODE_PATH=/usr/share/nodejs emcc --version >/dev/null 2>&1 ;;
    ninja-build)       ninja --version >/dev/null 2>&1 ;;
    dpkg-dev)          command -v dpkg-source >/dev/null ;;
    chromium)          chromium --version >/dev/null 2>&1 ;;
    *)                 true ;;
  esac
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need() { local out=() p; for p in "${pkgs[@]}"; do { installed "$p" && probe "$p"; } || out+=("$p"); done; echo "${out[*]}"; }

missing=$(need)
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: these packages are missing and installing them needs root: $missing" >&2
                                  echo "setup: run as root: apt-get install --no-install-recommends $missing" >&2; exit 1; }
  SUDO="sudo"
fi
fail() {
  echo "setup: FAILED: $1" >&2
  echo "----- last 60 lines of $log -----" >&2; tail -n 60 "$log" >&2
  echo "----- (full log: $log) -----" >&2; exit 1
}
apt_get() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 -y -q "$@" >>"$log" 2>&1; }
start=$(date +%s)
: >"$log"
# A package left half-installed or unpacked by an interrupted run: let dpkg finish it.
dpkg-query -W -f='${Status}\n' 2>/dev/null | grep -qE 'reinstreq|unpacked|half-installed|half-configured|triggers-(awaiting|pending)' \
  && { echo "setup: finishing an interrupted install (dpkg --configure -a) ..." >&2
       DEBIAN_FRONTEND=noninteractive $SUDO dpkg --configure -a >>"$log" 2>&1 || true; }
echo "setup: updating the package lists ..." >&2
apt_get update || fail "apt-get update (is the network or the Debian mirror reachable?)"
read -r -a want <<<"$missing"
n=$($SUDO apt-get -s install --no-install-recommends "${want[@]}" 2>>"$log" | grep -c '^Inst ' || true)
echo "setup: installing $n packages (${want[*]} and what they need; a fresh machine takes 1-3 minutes) ..." >&2
apt_get install --no-install-recommends "${want[@]}" || fail "apt-get install ${want[*]}"
# Installed but files missing (deleted by hand, or a package that never finished): reinstall those.
broken=$(need)
if [ -n "$broken" ]; then
  read -r -a want <<<"$broken"
  echo "setup: reinstalling ${want[*]} (installed, but files this project needs are missing) ..." >&2
  apt_get install --reinstall --no-install-recommends "${want[@]}" || fail "apt-get install --reinstall ${want[*]}"
  broken=$(need)
  [ -z "$broken" ] || fail "still missing after reinstalling: $broken"
fi
echo "setup: done in $(($(date +%s) - start)) s" >&2
