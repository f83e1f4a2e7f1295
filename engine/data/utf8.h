/* utf8.h - the one UTF-8 decoder of the project: the tokenizer, the JSON
 * reader, the drawing toolkit, the sentence box and the script replay all step
 * through text with these functions and with no copy of their own.
 *
 * Bounded: one step reads at most 4 bytes and never past n. A byte that does
 * not start a valid sequence (a stray continuation byte, an overlong form, a
 * surrogate, a value above U+10FFFF, a sequence cut short by the end or by a
 * byte that is not a continuation) is one code point U+FFFD of exactly one
 * byte, so a run of 100 continuation bytes is 100 steps of one byte, never
 * one step of 100.
 *
 * Must not: allocate, or know about SDL.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu
#define UTF8_MAX 4 /* bytes of one code point, at most */

/* Decodes the sequence at s[0..n). Returns its length (1..4) with the code
 * point in *cp, or 0 when s[0..n) does not start with a valid sequence (also
 * for n == 0; *cp is then U+FFFD). */
int utf8_decode(const char *s, size_t n, uint32_t *cp);
/* One step forward: the length of the code point at s[0..n) (1..4), a bad byte
 * counting as one (with *cp = U+FFFD when cp is not NULL); 0 only when n == 0. */
int utf8_next(const char *s, size_t n, uint32_t *cp);
/* One step back from pos in s[0..pos): the start of the code point that ends
 * at pos, consistent with utf8_next (pos - 1 when the bytes before pos are not
 * one valid sequence ending there). 0 when pos == 0. */
size_t utf8_prev(const char *s, size_t pos);
/* The largest cut <= n that does not split a valid sequence of s (of length len >= n). */
size_t utf8_cut(const char *s, size_t len, size_t n);
/* Encodes cp (<= U+10FFFF, not a surrogate; others become U+FFFD) into out
 * (room for UTF8_MAX bytes). Returns the byte count. */
int utf8_encode(uint32_t cp, char *out);
/* 1 when s[0..n) is valid UTF-8 throughout, else 0. */
int utf8_valid(const char *s, size_t n);

#endif
