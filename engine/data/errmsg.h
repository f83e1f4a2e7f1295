/* errmsg.h - the one way the engine writes an error message into the
 * caller's buffer (the err, err_len pair of every function that can fail):
 * printf-style, truncated to fit, and nothing at all when err is NULL or
 * err_len is 0. Must not print, exit or allocate.
 */
#ifndef ERRMSG_H
#define ERRMSG_H

#include <stddef.h>

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void errmsg_set(char *err, size_t err_len, const char *fmt, ...);

#endif
