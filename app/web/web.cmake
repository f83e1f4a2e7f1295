# web.cmake - the web page's targets (only under emcmake; scripts/web.sh):
#   transformer-lab        build-web/transformer-lab.html, one self-contained file: the
#                          wasm (single_file.py) and the files of assets/ (fonts, models,
#                          lesson texts) and the interface's catalogues (<build>/locale/
#                          *.mo, at /assets/locale; pack_assets.py) gzip'd inside, so it
#                          opens from disk, offline
#   transformer-lab-nocjk  build-web/transformer-lab-nocjk.html, the same without the CJK
#                          font (2.3 MB smaller: only the app's own Chinese texts are drawn,
#                          typed Chinese shows as boxes)
#   transformer-lab-multi  build-web/multi/transformer-lab.{html,js,wasm,data}, to host
# All link the same objects (main.c, tlab_app, app/web/web.c); single-threaded.
# With TLAB_WEB_THREADS (a second build tree, everything compiled and linked with -pthread
# against libraries built with -pthread: scripts/web.sh --threads) only the hosting build,
# with threads, into TLAB_WEB_HOST_DIR (build-web/threads/: .html .js .wasm .worker.js
# .data): the trainer and the experiments' scorer run on threads (engine/train_run.c,
# experiment.c: __EMSCRIPTEN_PTHREADS__); web_threads.js sends a page that is not
# cross-origin isolated to the single-threaded build (../multi/).
# The training history (4 MB) stays out: the Training lesson reads it through the trainer,
# which in the page trains afresh.
# The catalogues' sources (po/) stay out too: the app reads the compiled .mo files.
# Python: Debian's (scripts/web.sh passes /usr/bin/python3), for python3-fonttools.
set(tlab_web_skip training-history.bin po/zh.po po/transformer-lab.pot)
set(tlab_web_dir ${CMAKE_CURRENT_SOURCE_DIR}/web)
target_sources(transformer-lab PRIVATE ${tlab_web_dir}/web.c)
set_source_files_properties(${tlab_web_dir}/web.c PROPERTIES COMPILE_OPTIONS -std=gnu11) # EM_ASM needs GNU C
set(tlab_web_link
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64MB
  -sMIN_WEBGL_VERSION=1 -sMAX_WEBGL_VERSION=2 -sFORCE_FILESYSTEM=1
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free
  -sEXPORTED_RUNTIME_METHODS=FS,addRunDependency,removeRunDependency,UTF8ToString,stringToUTF8,lengthBytesUTF8 -sMINIFY_HTML=0 -sENVIRONMENT=web
  --shell-file ${tlab_web_dir}/shell.html "SHELL:--pre-js ${tlab_web_dir}/web.js")
file(GLOB_RECURSE tlab_web_asset_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/assets/*)

# tlab_web_single(TARGET NAME SKIP...): a one-file page NAME.html from the packed assets
function(tlab_web_single target name)
  set(pack ${CMAKE_BINARY_DIR}/${name}-assets.js)
  set(pack_b64 ${CMAKE_BINARY_DIR}/${name}-assets.b64) # written beside it: the files' bytes, for single_file.py
  set(pack_late ${CMAKE_BINARY_DIR}/${name}-assets-late.b64) # and the late block's (the two big fallback fonts)
  set(skip)
  foreach(s ${ARGN})
    list(APPEND skip --skip ${s})
  endforeach()
  add_custom_command(OUTPUT ${pack} ${pack_b64} ${pack_late}
    COMMAND ${Python3_EXECUTABLE} ${tlab_web_dir}/pack_assets.py ${pack} ${CMAKE_SOURCE_DIR}/assets ${skip}
            --also ${TLAB_MO_DIR} locale --subset-fonts --late fonts/wqy-microhei.ttc --late fonts/Symbola.ttf
    DEPENDS ${tlab_web_dir}/pack_assets.py ${tlab_web_dir}/page_files.py ${tlab_web_dir}/subset_fonts.py ${tlab_web_asset_files} ${TLAB_MO_FILES}
    COMMENT "packing assets/ for ${name}.html")
  add_custom_target(${target}-assets DEPENDS ${pack} ${pack_b64} ${pack_late})
  add_dependencies(${target} ${target}-assets)
  # linked as three files into single-NAME/, then made one by single_file.py (the wasm gzip'd inside)
  set_target_properties(${target} PROPERTIES SUFFIX ".html" OUTPUT_NAME ${name}
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/single-${name}
    LINK_DEPENDS "${tlab_web_dir}/shell.html;${tlab_web_dir}/web.js;${pack};${pack_b64};${pack_late};${tlab_web_dir}/single_file.py;${tlab_web_dir}/page_files.py")
  target_link_options(${target} PRIVATE ${tlab_web_link} "SHELL:--pre-js ${pack}")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${Python3_EXECUTABLE} ${tlab_web_dir}/single_file.py ${CMAKE_BINARY_DIR}/single-${name}/${name}.html
            ${CMAKE_BINARY_DIR}/${name}.html --data tlab-assets=${pack_b64} --data tlab-assets-late=${pack_late}
    COMMENT "one file: ${name}.html")
endfunction()

option(TLAB_WEB_THREADS "The page with threads (needs cross-origin isolation; scripts/web.sh --threads)" OFF)
set(TLAB_WEB_HOST_DIR ${CMAKE_BINARY_DIR}/multi CACHE PATH "Where transformer-lab-multi writes the hosting build")
if(TLAB_WEB_THREADS) # started before main: the trainer, its steps' second thread (train.c), the scorer, a spare
  list(APPEND tlab_web_link -pthread -sPTHREAD_POOL_SIZE=4 -sENVIRONMENT=web,worker
    "SHELL:--pre-js ${tlab_web_dir}/web_threads.js")
else()
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  tlab_web_single(transformer-lab transformer-lab ${tlab_web_skip})
  add_executable(transformer-lab-nocjk EXCLUDE_FROM_ALL main.c ${tlab_web_dir}/web.c)
  target_link_libraries(transformer-lab-nocjk PRIVATE tlab_app)
  tlab_web_single(transformer-lab-nocjk transformer-lab-nocjk ${tlab_web_skip} fonts/wqy-microhei.ttc)
endif()

add_executable(transformer-lab-multi main.c ${tlab_web_dir}/web.c)
target_link_libraries(transformer-lab-multi PRIVATE tlab_app)
set_target_properties(transformer-lab-multi PROPERTIES SUFFIX ".html" OUTPUT_NAME transformer-lab
  RUNTIME_OUTPUT_DIRECTORY ${TLAB_WEB_HOST_DIR}
  LINK_DEPENDS "${tlab_web_dir}/shell.html;${tlab_web_dir}/web.js;${tlab_web_dir}/web_threads.js;${tlab_web_asset_files};${TLAB_MO_FILES}")
add_dependencies(transformer-lab-multi tlab_catalogues)
set(tlab_web_exclude)
foreach(s ${tlab_web_skip})
  list(APPEND tlab_web_exclude "SHELL:--exclude-file ${CMAKE_SOURCE_DIR}/assets/${s}")
endforeach()
target_link_options(transformer-lab-multi PRIVATE ${tlab_web_link} "SHELL:--preload-file ${CMAKE_SOURCE_DIR}/assets@/assets"
  "SHELL:--preload-file ${TLAB_MO_DIR}@/assets/locale" ${tlab_web_exclude})
