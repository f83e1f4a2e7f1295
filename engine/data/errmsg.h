/* errmsg.h - the one way the engine writes an error message into the
 * caller's buffer (the err, err_len pair of every function that can fail):
 * printf-style, truncated to fit, and nothing at all when err is NULL or
 * err_len is 0. Must not print, exit or allocate.
 *
 * The engine writes English. A format the app shows is marked N_("...") (a
 * no-op here): xgettext collects it into the app's catalogue (assets/po), and
 * the app translates the finished message at display time by matching it
 * against the catalogue's formats (ui_tr_text in app/ui/ui_lang.c), so the
 * engine never depends on the catalogue. A whole message per format (not
 * pieces glued together) so a translation can order its words freely; a value
 * that is itself a marked message (a %s) is translated too. The command-line
 * tools (engine/tools) print the English.
 */
#ifndef ERRMSG_H
#define ERRMSG_H

#include <stddef.h>

/* Marks an English format for the app's catalogue; the engine uses it unchanged. */
#ifndef N_
#define N_(s) s
#endif

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void errmsg_set(char *err, size_t err_len, const char *fmt, ...);

#endif
