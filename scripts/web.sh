#!/usr/bin/env bash
# web.sh [--all] [--threads] [--libs-only] - one command: set up a Debian 12 machine for the
# WebAssembly build (scripts/setup.sh web: Debian's emscripten, chromium, ninja, dpkg-dev),
# build the SDL2 libraries for the browser from Debian's own source packages (once; they
# are cached outside the repository, keyed by their versions), build the app's C sources
# with emcc (the same sources as the desktop app; the PDF deck is left out: no cairo),
# and write
#   build-web/transformer-lab.html        one self-contained file (wasm, fonts, model,
#                                         lesson texts embedded): opens from disk, offline;
#                                         single-threaded (training too: a file opened
#                                         from disk can never be cross-origin isolated)
#   build-web/multi/transformer-lab.html  the usual multi-file build (.html .js .wasm
#                                         .data) for hosting on a web server; single-threaded
# --threads also writes
#   build-web/threads/transformer-lab.html  the multi-file build with threads (.html .js
#                                         .wasm .worker.js .data): the trainer and the
#                                         experiments' scorer on threads of their own. It
#                                         needs a cross-origin isolated page (the server
#                                         sends COOP/COEP: scripts/web_serve.py); on a page
#                                         that is not, it opens ../multi/ instead. Its
#                                         libraries are built again with -pthread (cached
#                                         beside the others).
# --all also writes build-web/transformer-lab-nocjk.html (without the CJK font) and the
# threaded build; --libs-only stops after the libraries. Details: docs/web.md.
# Quiet: one line per stage; full logs in build/logs/web-*.log, printed on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
libs_only=0 threads=0 targets=(--target transformer-lab --target transformer-lab-multi)
for arg in "$@"; do
  case $arg in
    --libs-only) libs_only=1 ;;
    --threads) threads=1 ;;
    --all) targets+=(--target transformer-lab-nocjk); threads=1 ;;
    *) echo "web: unknown argument '$arg' (usage: scripts/web.sh [--all] [--threads] [--libs-only])" >&2; exit 2 ;;
  esac
done
mkdir -p build/logs
# Debian's emcc runs its JS tools with whatever node comes first on the PATH; they need
# Debian's node modules (acorn, ...).
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

fail() { # fail WHAT LOG
  echo "web: FAILED: $1" >&2
  echo "----- last 60 lines of $2 -----" >&2; tail -n 60 "$2" >&2
  echo "----- (full log: $2) -----" >&2; exit 1
}

# ---- the libraries, built from Debian's source packages --------------------------------
# Versions: Debian 12's. The cache directory's name carries them and emcc's version, so a
# change of either builds afresh; a half-built prefix never gets the final name.
sdl_v=2.26.5+dfsg-1 ft_v=2.12.1+dfsg-5+deb12u4 ttf_v=2.20.1+dfsg-2 img_v=2.6.3+dfsg-1
# libs_locate: sets libs_key and libs_dir (and libs_dir_mt: the same built with -pthread); only once the set-up has installed emcc (before it, its
# version is unknown and a fresh machine would cache under the wrong name).
libs_locate() {
  local emcc_v
  emcc_v=$(emcc --version 2>/dev/null | head -n1 | sed -E 's/.* ([0-9]+\.[0-9]+\.[0-9]+).*/\1/') || true
  libs_key="sdl2-${sdl_v%%+*}-ft-${ft_v%%+*}-ttf-${ttf_v%%+*}-img-${img_v%%+*}-emcc-${emcc_v:-none}"
  libs_dir=${XDG_CACHE_HOME:-$HOME/.cache}/transformer-lab/web-libs-$libs_key
  libs_dir_mt=$libs_dir-pthread
}

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
# A deb-src line for the archive the machine already uses (apt-get source needs it).
add_deb_src() {
  local f=/etc/apt/sources.list.d/transformer-lab-src.sources
  apt-get source --print-uris libsdl2="$sdl_v" >/dev/null 2>&1 && return 0
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee "$f" >/dev/null
  elif [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee "${f%.sources}.list" >/dev/null
  else
    echo "web: no Debian archive found in /etc/apt to add a deb-src line for" >&2; return 1
  fi
  $SUDO apt-get -o DPkg::Lock::Timeout=600 -q update
}

# emcmake_build NAME SRC_DIR PREFIX CMAKE_ARGS...: configure, build, install one library
# (with $lib_flags: -pthread for the threaded set).
emcmake_build() {
  local name=$1 src=$2 prefix=$3; shift 3
  local bdir=$src/build-wasm t=$(date +%s)
  [ -n "$lib_flags" ] && set -- "$@" -DCMAKE_C_FLAGS="$lib_flags" -DCMAKE_CXX_FLAGS="$lib_flags"
  echo "web: building $name for the browser ..." >&2
  emcmake cmake -S "$src" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_ROOT_PATH="$prefix" "$@" \
    && cmake --build "$bdir" -j"$(nproc)" && cmake --install "$bdir" \
    || return 1
  echo "web: $name done in $(($(date +%s) - t)) s" >&2
}

# build_libs PREFIX KEY THREADS: the four libraries into PREFIX (THREADS 1: compiled with
# -pthread, SDL2 with its POSIX threads, for the threaded page).
build_libs() {
  local prefix=$1 key=$2 lib_flags="" sdl_threads=() t=$(date +%s) work
  local log=$root/build/logs/web-libs.log
  [ "$3" = 1 ] && lib_flags=-pthread sdl_threads=(-C "$root/scripts/web/sdl2-emscripten-pthread.cmake" -DSDL_PTHREADS=ON) log=$root/build/logs/web-libs-pthread.log
  : >"$log"
  echo "web: building SDL2, freetype, SDL2_ttf, SDL2_image ${lib_flags:+($lib_flags) }for the browser from Debian's sources" >&2
  echo "web: (once; cached in $prefix; a few minutes on 2 cores) ..." >&2
  add_deb_src >>"$log" 2>&1 || fail "adding a deb-src line and apt-get update" "$log"
  # Installed straight into $prefix (CMake package files keep their paths); it counts
  # as built only once the stamp file is written, last.
  work=$prefix.src
  rm -rf "$work" "$prefix"; mkdir -p "$work"
  (cd "$work" && apt-get source -q libsdl2="$sdl_v" freetype="$ft_v" libsdl2-ttf="$ttf_v" libsdl2-image="$img_v") \
    >>"$log" 2>&1 || fail "apt-get source (the deb-src archive)" "$log"
  local sdl ft ttf img
  sdl=$(echo "$work"/libsdl2-2.*/) ft=$(echo "$work"/freetype-2.*/) ttf=$(echo "$work"/libsdl2-ttf-2.*/) img=$(echo "$work"/libsdl2-image-2.*/)
  # SDL2's configure checks answered from scripts/web/sdl2-emscripten.cmake (each would be a full emcc
  # link), with threads also from sdl2-emscripten-pthread.cmake
  { emcmake_build SDL2 "$sdl" "$prefix" -C "$root/scripts/web/sdl2-emscripten.cmake" "${sdl_threads[@]}" \
      -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF; } 2>&1 | tee -a "$log" | grep --line-buffered '^web: ' >&2 || true
  [ -f "$prefix/lib/libSDL2.a" ] || fail "building SDL2" "$log"
  { emcmake_build freetype "$ft" "$prefix" -DFT_DISABLE_ZLIB=ON -DFT_DISABLE_BZIP2=ON -DFT_DISABLE_PNG=ON \
      -DFT_DISABLE_HARFBUZZ=ON -DFT_DISABLE_BROTLI=ON; } 2>&1 | tee -a "$log" | grep --line-buffered '^web: ' >&2 || true
  [ -f "$prefix/lib/libfreetype.a" ] || fail "building freetype" "$log"
  { emcmake_build SDL2_ttf "$ttf" "$prefix" -DSDL2TTF_HARFBUZZ=OFF -DSDL2TTF_VENDORED=OFF -DSDL2TTF_SAMPLES=OFF \
      -DSDL2TTF_INSTALL=ON; } 2>&1 | tee -a "$log" | grep --line-buffered '^web: ' >&2 || true
  [ -f "$prefix/lib/libSDL2_ttf.a" ] || fail "building SDL2_ttf" "$log"
  { emcmake_build SDL2_image "$img" "$prefix" -DSDL2IMAGE_BACKEND_STB=ON -DSDL2IMAGE_VENDORED=OFF \
      -DSDL2IMAGE_SAMPLES=OFF -DSDL2IMAGE_DEPS_SHARED=OFF -DSDL2IMAGE_AVIF=OFF -DSDL2IMAGE_JXL=OFF \
      -DSDL2IMAGE_TIF=OFF -DSDL2IMAGE_WEBP=OFF; } 2>&1 | tee -a "$log" | grep --line-buffered '^web: ' >&2 || true
  [ -f "$prefix/lib/libSDL2_image.a" ] || fail "building SDL2_image" "$log"
  rm -rf "$work"
  echo "$key" >"$prefix/.complete"
  echo "web: libraries built in $(($(date +%s) - t)) s" >&2
}

bash scripts/setup.sh web
libs_locate
if [ -f "$libs_dir/.complete" ]; then
  echo "web: using the cached browser libraries in $libs_dir" >&2
else
  build_libs "$libs_dir" "$libs_key" 0
fi
if [ $threads = 1 ] && [ -f "$libs_dir_mt/.complete" ]; then
  echo "web: using the cached browser libraries with threads in $libs_dir_mt" >&2
elif [ $threads = 1 ]; then
  build_libs "$libs_dir_mt" "$libs_key-pthread" 1
fi
[ $libs_only = 1 ] && exit 0

# ---- the app ---------------------------------------------------------------------------
log=build/logs/web-build.log
: >"$log"
t=$(date +%s)
if [ -f build-web/CMakeCache.txt ]; then what="(only what changed)"; else what="(first time: about 2-5 minutes on 2 cores)"; fi
echo "web: building the app for the browser in build-web/ $what ..." >&2
{ emcmake cmake -S . -B build-web -G Ninja -DCMAKE_BUILD_TYPE=Release -DTLAB_BUILD_TESTS=OFF \
    -DCMAKE_PREFIX_PATH="$libs_dir" -DCMAKE_FIND_ROOT_PATH="$libs_dir" \
    -DPython3_EXECUTABLE=/usr/bin/python3 \
  && cmake --build build-web -j"$(nproc)" "${targets[@]}"; } >>"$log" 2>&1 \
  || fail "building the app with emcc" "$log"
html=build-web/transformer-lab.html
[ -s "$html" ] || fail "no $html after the build" "$log"
html_bytes=$(stat -c %s "$html")
echo "web: done in $(($(date +%s) - t)) s" >&2
if [ $threads = 1 ]; then # a second tree: every object compiled with -pthread, the libraries built with it
  log=build/logs/web-build-threads.log
  : >"$log"
  t=$(date +%s)
  echo "web: building the app with threads in build-web/threads-cmake/ ..." >&2
  { emcmake cmake -S . -B build-web/threads-cmake -G Ninja -DCMAKE_BUILD_TYPE=Release -DTLAB_BUILD_TESTS=OFF \
      -DTLAB_WEB_THREADS=ON -DTLAB_WEB_HOST_DIR="$root/build-web/threads" -DCMAKE_C_FLAGS=-pthread \
      -DCMAKE_PREFIX_PATH="$libs_dir_mt" -DCMAKE_FIND_ROOT_PATH="$libs_dir_mt" \
    && cmake --build build-web/threads-cmake -j"$(nproc)" --target transformer-lab-multi; } >>"$log" 2>&1 \
    || fail "building the app with threads with emcc" "$log"
  [ -s build-web/threads/transformer-lab.worker.js ] || fail "no build-web/threads/transformer-lab.worker.js after the build" "$log"
  echo "web: done in $(($(date +%s) - t)) s" >&2
fi
echo "web: the app in one file: $root/$html ($((html_bytes / 1024)) KiB; wasm, fonts, model and lesson texts inside)"
echo "web:   open it in a browser, from disk, offline:  file://$root/$html"
echo "web:   (or: chromium $html; copy it anywhere: a USB stick, a course page; it needs nothing else)"
echo "web:   it runs single-threaded (training too): a file opened from disk is never cross-origin isolated"
echo "web: the multi-file build for a web server: $root/build-web/multi/ (transformer-lab.html .js .wasm .data)"
echo "web:   for example: cd build-web/multi && python3 -m http.server 8000 --bind 127.0.0.1, then http://127.0.0.1:8000/transformer-lab.html"
if [ $threads = 1 ]; then
  echo "web: the same with threads (training on 2 threads): $root/build-web/threads/ (.html .js .wasm .worker.js .data);"
  echo "web:   it needs a cross-origin isolated page (else it opens ../multi/): serve build-web/ with the COOP/COEP headers:"
  echo "web:   python3 scripts/web_serve.py build-web, then http://127.0.0.1:8000/threads/transformer-lab.html"
else
  echo "web: a build with threads (for a server that sends cross-origin isolation headers): scripts/web.sh --threads"
fi
