/* registry.c - the ordered list of lessons, and their course numbers.
 *
 * Must not: contain drawing code or lesson logic; it is only the list.
 */
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

/* TO ADD A LESSON: one new file lessons/lesson_<slug>.c defining
 * `const lesson lesson_<name> = {...};`, one line X(lesson_<name>) below, in
 * course order, and its text in assets/lessons/en/<slug>.txt. Nothing else. */
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
    X(lesson_beam)

#define TLAB_DECLARE(name) extern const lesson name;
#define TLAB_ENTRY(name) &name,
TLAB_LESSONS(TLAB_DECLARE)
const lesson *const lesson_registry[] = {TLAB_LESSONS(TLAB_ENTRY)};
const int lesson_registry_count = (int)(sizeof lesson_registry / sizeof lesson_registry[0]);

/* The course numbering of docs/lessons.md: index = lesson number. */
static const char *const course_slugs[] = {
    "overview", "tokens", "embedding", "positional-encoding", "qkv", "attention", "multi-head",
    "add-norm", "feed-forward", "encoder-stack", "decoder-input", "masked-attention",
    "cross-attention", "output", "together",
};
enum { N_COURSE = (int)(sizeof course_slugs / sizeof course_slugs[0]) };

int lesson_number(int registry_index)
{
    if (registry_index < 0 || registry_index >= lesson_registry_count) return -1;
    const char *slug = lesson_registry[registry_index]->slug;
    for (int i = 0; i < N_COURSE; i++)
        if (strcmp(course_slugs[i], slug) == 0) return i;
    int extra = N_COURSE; /* lessons beyond the course: numbered after it, in registry order */
    for (int j = 0; j < registry_index; j++) {
        int in_course = 0;
        for (int i = 0; i < N_COURSE; i++)
            if (strcmp(course_slugs[i], lesson_registry[j]->slug) == 0) in_course = 1;
        if (!in_course) extra++;
    }
    return extra;
}

int lesson_find(const char *s)
{
    if (!s || !*s) return -1;
    for (int i = 0; i < lesson_registry_count; i++)
        if (strcmp(lesson_registry[i]->slug, s) == 0) return i;
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (end && *end == '\0') {
        for (int i = 0; i < lesson_registry_count; i++)
            if (lesson_number(i) == n) return i;
    }
    return -1;
}
