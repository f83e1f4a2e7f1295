/* lesson.c - the lesson skeleton: what every lesson would otherwise write
 * again (allocating and freeing its state, counting its steps, calling it
 * only with its state and its computed layout, scratch buffers, token
 * labels); see lesson.h.
 *
 * Must not: draw, or know any particular lesson.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

void *lesson_state_new(const lesson *L, const lesson_ctx *ctx)
{
    if (!L->state_size) return NULL;
    void *st = calloc(1, L->state_size);
    if (!st) return NULL;
    if (L->init && L->init(st, ctx) != 0) {
        lesson_state_free(L, st);
        return NULL;
    }
    return st;
}

void lesson_state_free(const lesson *L, void *state)
{
    if (!state) return;
    if (L->free) L->free(state);
    free(state);
}

int lesson_step_count(const lesson *L) { return L->steps > 1 ? L->steps : 1; }

/* ------------------------------------------------------------ calling a lesson */

enum { CALL_OK = 1, CALL_NOTHING = 0, CALL_NO_MEMORY = -1 };

/* Whether L may be called: CALL_OK with *out = ctx and ctx->layout computed
 * in the scratch arena (NULL when the lesson has none); CALL_NOTHING without
 * a trace or a source token (a trace always holds the <eos>); CALL_NO_MEMORY
 * when its state or its layout could not be allocated. */
static int lesson_prepare(const lesson *L, const void *state, const lesson_ctx *ctx, lesson_ctx *out)
{
    if (!ctx->tr || ctx->tr->n_src < 1) return CALL_NOTHING;
    if (L->state_size && !state) return CALL_NO_MEMORY;
    *out = *ctx;
    out->layout = NULL;
    if (!L->layout || !L->layout_size) return CALL_OK;
    void *lay = lesson_scratch_alloc(ctx->scratch, L->layout_size);
    if (!lay) return CALL_NO_MEMORY;
    L->layout(state, out, lay);
    out->layout = lay;
    return CALL_OK;
}

void lesson_draw(const lesson *L, const void *state, const lesson_ctx *ctx)
{
    lesson_ctx c;
    const int call = lesson_prepare(L, state, ctx, &c);
    if (call == CALL_OK) L->draw(state, &c);
    else if (call == CALL_NO_MEMORY) lesson_no_memory(ctx);
}

int lesson_handle_event(const lesson *L, void *state, const SDL_Event *ev, const lesson_ctx *ctx)
{
    lesson_ctx c;
    return L->handle_event && lesson_prepare(L, state, ctx, &c) == CALL_OK ? L->handle_event(state, ev, &c) : 0;
}

void lesson_trace_changed(const lesson *L, void *state, const lesson_ctx *ctx)
{
    if (L->on_trace_changed && (!L->state_size || state) && ctx->tr) L->on_trace_changed(state, ctx);
}

int lesson_dump_json(const lesson *L, const void *state, const lesson_ctx *ctx, char *dst, size_t dst_len)
{
    lesson_ctx c;
    return L->dump_json && lesson_prepare(L, state, ctx, &c) == CALL_OK ? L->dump_json(state, &c, dst, dst_len) : 0;
}

int lesson_animating(const lesson *L, const void *state, const lesson_ctx *ctx)
{
    lesson_ctx c;
    return L->animating && lesson_prepare(L, state, ctx, &c) == CALL_OK ? L->animating(state, &c) : 0;
}

int lesson_busy(const lesson *L, const void *state, const lesson_ctx *ctx)
{
    lesson_ctx c;
    return L->busy && lesson_prepare(L, state, ctx, &c) == CALL_OK ? L->busy(state, &c) : 0;
}

/* ------------------------------------------------------------ scratch arena */

#define SCRATCH_ALIGN 16
#define SCRATCH_MIN_BLOCK ((size_t)64 * 1024)

struct lesson_scratch_block {
    lesson_scratch_block *next;   /* the older block */
    size_t cap, used;             /* bytes in data, bytes handed out */
    _Alignas(SCRATCH_ALIGN) unsigned char data[];
};

static lesson_scratch_block *block_new(size_t cap, lesson_scratch_block *next)
{
    lesson_scratch_block *b = malloc(sizeof *b + cap);
    if (!b) return NULL;
    b->next = next;
    b->cap = cap;
    b->used = 0;
    return b;
}

void lesson_scratch_free(lesson_scratch *s)
{
    if (!s) return;
    while (s->head) {
        lesson_scratch_block *n = s->head->next;
        free(s->head);
        s->head = n;
    }
}

void lesson_scratch_reset(lesson_scratch *s)
{
    if (!s || !s->head) return;
    if (!s->head->next) { /* one block: it held the last call, it will hold the next */
        s->head->used = 0;
        return;
    }
    size_t total = 0; /* the last call needed several blocks: one block of their size from now on */
    for (lesson_scratch_block *b = s->head; b; b = b->next) total += b->cap;
    lesson_scratch_free(s);
    s->head = block_new(total, NULL); /* NULL (out of memory) is fine: the next alloc tries again */
}

void *lesson_scratch_alloc(lesson_scratch *s, size_t n)
{
    if (!s) return NULL;
    size_t need = (n + SCRATCH_ALIGN - 1) / SCRATCH_ALIGN * SCRATCH_ALIGN;
    if (need < n) return NULL; /* overflow */
    lesson_scratch_block *b = s->head;
    if (!b || b->cap - b->used < need) {
        size_t cap = b ? 2 * b->cap : SCRATCH_MIN_BLOCK;
        if (cap < need) cap = need;
        b = block_new(cap, s->head);
        if (!b) return NULL;
        s->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, n);
    return p;
}

char *lesson_scratch_printf(lesson_scratch *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *b = lesson_scratch_alloc(s, (size_t)n + 1);
    if (!b) return NULL;
    va_start(ap, fmt);
    vsnprintf(b, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return b;
}

float *lesson_floats(const lesson_ctx *ctx, size_t n)
{
    if (n > (size_t)-1 / sizeof(float)) return NULL;
    return lesson_scratch_alloc(ctx->scratch, n * sizeof(float));
}

/* ------------------------------------------------------------ dump_json writer */

void lesson_json_put(lesson_json *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(j->dst + (j->len < j->n ? j->len : j->n), j->len < j->n ? j->n - j->len : 0, fmt, ap);
    va_end(ap);
    if (k > 0) j->len += (size_t)k;
}

void lesson_json_rect(lesson_json *j, const char *key, SDL_Rect r)
{
    lesson_json_put(j, "\"%s\": [%d, %d, %d, %d]", key, r.x, r.y, r.w, r.h);
}

int lesson_json_end(lesson_json *j)
{
    if (j->len >= j->n) {
        if (j->n > 0) j->dst[0] = 0;
        return 0;
    }
    return (int)j->len;
}

/* ------------------------------------------------------------ token labels */

const char **lesson_token_labels(const lesson_ctx *ctx, const int *ids, int n, int style)
{
    if (n < 0) n = 0;
    const char **labs = lesson_scratch_alloc(ctx->scratch, sizeof(char *) * (size_t)(n > 0 ? n : 1));
    if (!labs) return NULL;
    const trace *tr = ctx->tr;
    for (int i = 0; i < n; i++) {
        const char *w = style == LESSON_LABEL_TYPED && i < tr->n_words ? tr->src_tokens[i].text : tok_vocab_word(ctx->vocab, ids[i]);
        if (style == LESSON_LABEL_NUMBERED) labs[i] = lesson_scratch_printf(ctx->scratch, "%d %s", i, w);
        else if (style == LESSON_LABEL_ID) labs[i] = lesson_scratch_printf(ctx->scratch, "%s (%d)", w, ids[i]);
        else labs[i] = lesson_scratch_printf(ctx->scratch, "%s", w);
        if (!labs[i]) return NULL;
    }
    return labs;
}

void lesson_no_memory(const lesson_ctx *ctx)
{
    ui_text(ctx->ui, UI_BOLD, UI_SIZE_BODY, ctx->area.x, ctx->area.y, ctx->ui->theme->error, UI_LEFT,
            _("Out of memory: this picture could not be drawn."));
}
