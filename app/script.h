/* script.h - the --script file format: one command per line, replayed
 * through the app's real event path.
 *
 *   type <text>         UTF-8 text typed into the sentence box (focuses it)
 *   key <name>          an SDL key name with optional modifiers: ctrl+s, shift+space, F11
 *   click X Y           left click at window pixel (X, Y)
 *   move X Y            mouse moves to (X, Y)
 *   wait N              N frames
 *   train-wait N S      frames until the background trainer has done N steps, has
 *                       stopped (paused, done, failed, reset) or S seconds passed
 *   busy-wait S         frames until the lesson's background work (lesson.busy) is done, or S seconds
 *   screenshot FILE     saves what is on screen as PNG (blocking)
 *   dump FILE           writes the app state as JSON
 *   lesson N|slug       jumps to a lesson
 *   resize W H          resizes the window
 *   quit                ends the run (exit 0)
 * Blank lines and lines starting with # are ignored.
 *
 * Limits, each refused with a message naming the line: a line of more than
 * SCRIPT_LINE_MAX bytes (the whole line is read first, so its number is
 * right and its tail never runs as a command of its own), a NUL byte, a
 * number out of its range (click/move -SCRIPT_COORD_MAX..SCRIPT_COORD_MAX,
 * resize SCRIPT_SIZE_MIN..SCRIPT_SIZE_MAX, wait 0..SCRIPT_WAIT_MAX; an
 * overflowing number is out of range, never wrapped).
 *
 * Must not: touch SDL state (parsing only).
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>

typedef enum {
    SCRIPT_NONE = 0, SCRIPT_TYPE, SCRIPT_KEY, SCRIPT_CLICK, SCRIPT_MOVE, SCRIPT_WAIT,
    SCRIPT_SCREENSHOT, SCRIPT_DUMP, SCRIPT_LESSON, SCRIPT_RESIZE, SCRIPT_QUIT, SCRIPT_TRAIN_WAIT, SCRIPT_BUSY_WAIT
} script_op;

#define SCRIPT_LINE_MAX 1024    /* bytes of one line, without its "\n" or "\r\n" */
#define SCRIPT_COORD_MAX 100000 /* click, move: pixels either side of the window */
#define SCRIPT_SIZE_MIN 100     /* resize */
#define SCRIPT_SIZE_MAX 8192
#define SCRIPT_WAIT_MAX 1000000 /* wait: frames (about 4.6 hours at 60 per second) */

typedef struct {
    script_op op;
    char arg[SCRIPT_LINE_MAX + 3]; /* text, key spec, file or lesson (as big as the parse buffer: no copy is cut) */
    int key;            /* SDL_Keycode for SCRIPT_KEY */
    int mod;            /* SDL_Keymod for SCRIPT_KEY */
    int x, y;           /* click, move, resize; wait: x = frames; train-wait: x = step, y = seconds */
    int line;
} script_cmd;

/* Parses one line. Returns 1 for a command, 0 for a blank/comment line, -1 on
 * error with a message (naming nothing: the caller adds the line number). */
int script_parse_line(const char *line, script_cmd *cmd, char *err, size_t err_len);
/* Parses a whole file into *cmds (malloc'ed). Returns the count, or -1 with
 * "FILE:LINE: message" in err. */
int script_load(const char *path, script_cmd **cmds, char *err, size_t err_len);

#endif
