/* registry.c - the ordered list of lessons: the course of docs/lessons.md, in
 * order, so a lesson's number is its place here.
 *
 * Must not: contain drawing code or lesson logic; it is only the list.
 */
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

/* TO ADD A LESSON: one new file lessons/lesson_<slug>.c defining
 * `const lesson lesson_<name> = {...};`, one line X(lesson_<name>) below, in
 * course order, its text in assets/lessons/en/<slug>.txt, and its row in
 * docs/lessons.md. Nothing else. */
#define TLAB_LESSONS(X) \
    X(lesson_overview) \
    X(lesson_tokens) \
    X(lesson_embedding) \
    X(lesson_pe) \
    X(lesson_qkv) \
    X(lesson_attention) \
    X(lesson_multihead) \
    X(lesson_addnorm) \
    X(lesson_ffn) \
    X(lesson_encoder_stack) \
    X(lesson_decoder_input) \
    X(lesson_masked) \
    X(lesson_cross) \
    X(lesson_output) \
    X(lesson_together) \
    X(lesson_beam) \
    X(lesson_training) \
    X(lesson_experiments)

#define TLAB_DECLARE(name) extern const lesson name;
#define TLAB_ENTRY(name) &name,
TLAB_LESSONS(TLAB_DECLARE)
const lesson *const lesson_registry[] = {TLAB_LESSONS(TLAB_ENTRY)};
const int lesson_registry_count = (int)(sizeof lesson_registry / sizeof lesson_registry[0]);

int lesson_number(int registry_index)
{
    return registry_index >= 0 && registry_index < lesson_registry_count ? registry_index : -1;
}

int lesson_find(const char *s)
{
    if (!s || !*s) return -1;
    for (int i = 0; i < lesson_registry_count; i++)
        if (strcmp(lesson_registry[i]->slug, s) == 0) return i;
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (end && *end == '\0' && n >= 0 && n < lesson_registry_count) return (int)n;
    return -1;
}
