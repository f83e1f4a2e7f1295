/* script.h - the --script file format: one command per line, replayed
 * through the app's real event path.
 *
 *   type <text>         UTF-8 text typed into the sentence box (focuses it)
 *   key <name>          an SDL key name with optional modifiers: ctrl+s, shift+space, F11
 *   click X Y           left click at window pixel (X, Y)
 *   move X Y            mouse moves to (X, Y)
 *   wait N              N frames
 *   screenshot FILE     saves what is on screen as PNG (blocking)
 *   dump FILE           writes the app state as JSON
 *   lesson N|slug       jumps to a lesson
 *   resize W H          resizes the window
 *   quit                ends the run (exit 0)
 * Blank lines and lines starting with # are ignored.
 *
 * Must not: touch SDL state (parsing only).
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include <stddef.h>

typedef enum {
    SCRIPT_NONE = 0, SCRIPT_TYPE, SCRIPT_KEY, SCRIPT_CLICK, SCRIPT_MOVE, SCRIPT_WAIT,
    SCRIPT_SCREENSHOT, SCRIPT_DUMP, SCRIPT_LESSON, SCRIPT_RESIZE, SCRIPT_QUIT
} script_op;

typedef struct {
    script_op op;
    char arg[1024];     /* text, key spec, file or lesson */
    int key;            /* SDL_Keycode for SCRIPT_KEY */
    int mod;            /* SDL_Keymod for SCRIPT_KEY */
    int x, y;           /* click, move, resize; wait: x = frames */
    int line;
} script_cmd;

/* Parses one line. Returns 1 for a command, 0 for a blank/comment line, -1 on
 * error with a message (naming nothing: the caller adds the line number). */
int script_parse_line(const char *line, script_cmd *cmd, char *err, size_t err_len);
/* Parses a whole file into *cmds (malloc'ed). Returns the count, or -1 with
 * "FILE:LINE: message" in err. */
int script_load(const char *path, script_cmd **cmds, char *err, size_t err_len);

#endif
