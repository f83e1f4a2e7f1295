# sdl2-emscripten-pthread.cmake - the results of the configure checks SDL2 2.26.5 adds with
# its POSIX threads (-DSDL_PTHREADS=ON, everything compiled with -pthread) under Debian's
# emscripten 3.1.6: scripts/web.sh passes it as a second `cmake -C`, after
# sdl2-emscripten.cmake, when it builds the libraries of the threaded page (--threads).
# Made as that file was (the awk line there) from the CMakeCache.txt of a configure with
# -pthread that ran every check: these are the only results it adds, and every other
# result there was the same with -pthread. Checked: the SDL_config.h written with both files
# is byte-identical to the one written by the configure that ran the checks.
set(HAVE_PTHREADS "1" CACHE INTERNAL "")
set(HAVE_PTHREADS_SEM "1" CACHE INTERNAL "")
set(HAVE_PTHREAD_H "1" CACHE INTERNAL "")
set(HAVE_PTHREAD_NP_H "" CACHE INTERNAL "")
set(HAVE_PTHREAD_SETNAME_NP "" CACHE INTERNAL "")
set(HAVE_RECURSIVE_MUTEXES "1" CACHE INTERNAL "")
set(HAVE_SEM_TIMEDWAIT "1" CACHE INTERNAL "")
