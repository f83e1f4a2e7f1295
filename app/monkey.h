/* monkey.h - the monkey test: a seeded stream of random input events (keys
 * with modifiers, text with random UTF-8 and invalid bytes, pastes, clicks,
 * wheel, mouse motion, window resizes from 1x1 to 4K, lesson jumps, exports)
 * pushed into SDL's event queue, so the app's real loop and event handler
 * take them, with frames drawn in between. It measures the heap (glibc
 * mallinfo2, and the resident set from /proc/self/statm) after the first
 * 1,000 events and at the end, in the same window size, and fails the run when
 * the heap grew by more than 10%. Before each reading the app empties its
 * bounded caches (rendered text, font sizes: monkey_wants_cache_flush), so the
 * readings compare what the app holds rather than how full those caches are
 * (they are bounded by design, and 20,000 random events fill them far more
 * than 1,000 do). Started by --monkey N [--seed S].
 *
 * Must not: reach into the app's state (only events, the window size and the
 * clipboard), or decide anything about drawing.
 */
#ifndef MONKEY_H
#define MONKEY_H

#include <SDL.h>

/* n_events 0 turns the monkey off. Called by the command-line parser. */
void monkey_configure(long n_events, unsigned long long seed);
int monkey_active(void);
/* Once per turn of the app's loop: pushes the next few events (or settles
 * before a measurement). Returns -1 to go on, or the exit code to end the run
 * with: 0 done and memory within bounds, 1 memory grew more than 10%. */
int monkey_tick(SDL_Window *win);
/* 1 once when a memory reading is coming: the app then empties its bounded
 * caches (ui_cache_clear) before drawing the settle frames. */
int monkey_wants_cache_flush(void);

#endif
