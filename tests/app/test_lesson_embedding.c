/* test_lesson_embedding.c - lessons 0, 2 and 4 driven in memory, without
 * the app: a real lesson_ctx over the shipped trained and untrained models
 * and a live trace, drawn with the software renderer.
 *   - embedding: every hovered heatmap cell reports exactly the trace's
 *     enc_embed value, which equals E[id][d] * sqrt(D); dragging in a 3-D
 *     view turns the camera by the toolkit's 0.01 rad per pixel, motion
 *     without a held button does nothing, the wheel zooms, step 1 ignores
 *     the mouse; the PCA cache is kept for a new sentence and recomputed
 *     for another model;
 *   - qkv: every hovered Q cell reports exactly the trace's q of that head,
 *     M cycles the three modes;
 *   - overview: a click on each block asks for its lesson (or a toast),
 *     a click elsewhere is not consumed.
 * Needs TLAB_ASSETS (fonts, model.safetensors, model-untrained.safetensors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "trace.h"
#include "ui.h"
#include "ui_fixture.h"
#include "weights.h"
#include "test_util.h"

extern const lesson lesson_embedding, lesson_qkv, lesson_overview;

static SDL_Surface *surf;
static SDL_Renderer *ren;
static ui_ctx ui;
static weights_model trained, untrained;
static trace tr;
static lesson_selection sel;
static lesson_actions act;
static lesson_scratch scratch; /* the lessons' scratch arena, as the app keeps one per lesson */

static int setup(void **st)
{
    (void)st;
    char err[700];
    if (ui_fixture_open(&surf, &ren, &ui, 1280, 800, "dark") != 0) return -1;
    if (test_load_model(&trained, "model.safetensors") != 0) return -1;
    if (test_load_model(&untrained, "model-untrained.safetensors") != 0) return -1;
    if (trace_init(&tr, &trained.params.cfg) != 0) return -1;
    if (model_translate(&trained.params, &trained.vocab, "the dog sees the cat", NULL, &tr, err, sizeof err) != 0) return -1;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    trace_free(&tr);
    weights_model_free(&trained);
    weights_model_free(&untrained);
    ui_fixture_close(&surf, &ren, &ui);
    lesson_scratch_free(&scratch);
    TTF_Quit();
    return 0;
}

static lesson_ctx make_ctx(int step, int with_act)
{
    lesson_ctx c;
    memset(&c, 0, sizeof c);
    c.ui = &ui;
    c.area = (SDL_Rect){280, 120, 990, 480};
    c.tr = &tr;
    c.vocab = &trained.vocab;
    c.params = &trained.params;
    c.untrained = &untrained.params;
    c.model_is_trained = 1;
    c.sel = &sel;
    c.step = step;
    memset(&act, 0, sizeof act);
    c.act = with_act ? &act : NULL;
    c.scratch = &scratch;
    lesson_scratch_reset(&scratch);
    return c;
}

static void dump(const lesson *L, void *s, const lesson_ctx *c, char *buf, size_t n)
{
    lesson_scratch_reset(c->scratch);
    assert_true(lesson_dump_json(L, s, c, buf, n) > 0);
}

static double num_after(const char *buf, const char *key)
{
    const char *p = strstr(buf, key);
    assert_non_null(p);
    return strtod(p + strlen(key), NULL);
}

static void rect_after(const char *buf, const char *key, int r[4])
{
    const char *p = strstr(buf, key);
    assert_non_null(p);
    assert_int_equal(sscanf(p + strlen(key), " [%d, %d, %d, %d]", &r[0], &r[1], &r[2], &r[3]), 4);
}

static int send(const lesson *L, void *s, const lesson_ctx *c, Uint32 type, int x, int y, int wheel)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    if (type == SDL_MOUSEBUTTONDOWN || type == SDL_MOUSEBUTTONUP) { e.button.button = SDL_BUTTON_LEFT; e.button.x = x; e.button.y = y; }
    if (type == SDL_MOUSEMOTION) { e.motion.x = x; e.motion.y = y; }
    if (type == SDL_MOUSEWHEEL) e.wheel.y = wheel;
    lesson_scratch_reset(c->scratch);
    return lesson_handle_event(L, s, &e, c);
}

static void test_embedding_heat_hover(void **st)
{
    (void)st;
    lesson_ctx c = make_ctx(0, 0);
    void *s = lesson_state_new(&lesson_embedding, &c);
    assert_non_null(s);
    char buf[4096];
    dump(&lesson_embedding, s, &c, buf, sizeof buf);
    int r[4];
    rect_after(buf, "\"heat\":", r);
    int D = tr.cfg.d_model, checked = 0;
    for (int gy = 0; gy < 16; gy++)
        for (int gx = 0; gx < 12; gx++) {
            ui_begin_frame(&ui, r[0] + r[2] * (2 * gx + 1) / 24, r[1] + r[3] * (2 * gy + 1) / 32, 0);
            lesson_scratch_reset(&scratch);
            lesson_draw(&lesson_embedding, s, &c);
            if (!ui.hover.active || !ui.hover.has_value) continue;
            int pos, id, d;
            const char *p = strstr(ui.hover.label, "position ");
            if (!p || sscanf(p, "position %d (id %d), dimension %d", &pos, &id, &d) != 3) continue;
            assert_true(pos >= 0 && pos < tr.n_src);
            assert_int_equal(id, tr.src_ids[pos]);
            assert_true(ui.hover.value == (double)tr.enc_embed[pos * D + d]); /* exactly the trace */
            assert_true(fabs(ui.hover.value - trained.params.embedding[id * D + d] * sqrt((double)D)) < 1e-5);
            checked++;
        }
    assert_true(checked >= 50);
    /* the matrix E beside it: exactly the parameters */
    rect_after(buf, "\"strip\":", r);
    checked = 0;
    for (int gy = 0; gy < 25; gy++)
        for (int gx = 0; gx < 6; gx++) {
            ui_begin_frame(&ui, r[0] + r[2] * (2 * gx + 1) / 12, r[1] + r[3] * (2 * gy + 1) / 50, 0);
            lesson_scratch_reset(&scratch);
            lesson_draw(&lesson_embedding, s, &c);
            int id, d;
            if (!ui.hover.active || sscanf(ui.hover.label, "E[%d][%d]", &id, &d) != 2) continue;
            assert_true(id >= 0 && id < tr.cfg.vocab_size && d >= 0 && d < D);
            assert_true(ui.hover.value == (double)trained.params.embedding[id * D + d]);
            checked++;
        }
    assert_true(checked >= 30);
    lesson_state_free(&lesson_embedding, s);
}

static void test_embedding_camera(void **st)
{
    (void)st;
    lesson_ctx c = make_ctx(1, 1);
    void *s = lesson_state_new(&lesson_embedding, &c);
    char buf[4096];
    dump(&lesson_embedding, s, &c, buf, sizeof buf);
    double yaw0 = num_after(buf, "\"yaw\": "), pitch0 = num_after(buf, "\"pitch\": "), dist0 = num_after(buf, "\"distance\": ");
    int r[4];
    rect_after(buf, "\"after\": {\"ok\": 1, \"rect\":", r);
    int x = r[0] + r[2] / 2, y = r[1] + r[3] / 2;
    /* motion without a press does nothing */
    assert_int_equal(send(&lesson_embedding, s, &c, SDL_MOUSEMOTION, x + 40, y, 0), 0);
    assert_int_equal(send(&lesson_embedding, s, &c, SDL_MOUSEBUTTONDOWN, x, y, 0), 1);
    assert_int_equal(send(&lesson_embedding, s, &c, SDL_MOUSEMOTION, x + 50, y + 20, 0), 1);
    assert_int_equal(send(&lesson_embedding, s, &c, SDL_MOUSEBUTTONUP, x + 50, y + 20, 0), 1);
    assert_int_equal(send(&lesson_embedding, s, &c, SDL_MOUSEMOTION, x + 90, y + 90, 0), 0);
    dump(&lesson_embedding, s, &c, buf, sizeof buf);
    assert_true(fabs(num_after(buf, "\"yaw\": ") - (yaw0 + 0.5)) < 1e-3);
    assert_true(fabs(num_after(buf, "\"pitch\": ") - (pitch0 + 0.2)) < 1e-3);
    assert_int_equal(send(&lesson_embedding, s, &c, SDL_MOUSEWHEEL, 0, 0, 2), 1);
    dump(&lesson_embedding, s, &c, buf, sizeof buf);
    assert_true(fabs(num_after(buf, "\"distance\": ") - dist0 * 0.81) < 1e-3);
    /* a press outside both views is not consumed; step 1 ignores the mouse */
    assert_int_equal(send(&lesson_embedding, s, &c, SDL_MOUSEBUTTONDOWN, c.area.x + 2, c.area.y + 2, 0), 0);
    lesson_ctx c0 = make_ctx(0, 1);
    assert_int_equal(send(&lesson_embedding, s, &c0, SDL_MOUSEBUTTONDOWN, x, y, 0), 0);
    lesson_state_free(&lesson_embedding, s);
}

static void test_embedding_cache(void **st)
{
    (void)st;
    lesson_ctx c = make_ctx(1, 0);
    void *s = lesson_state_new(&lesson_embedding, &c);
    char a[4096], b[4096];
    dump(&lesson_embedding, s, &c, a, sizeof a);
    double t_after = num_after(strstr(a, "\"after\""), "\"total\": ");
    /* a new sentence keeps the projection */
    char err[256];
    trace t2;
    assert_int_equal(trace_init(&t2, &trained.params.cfg), 0);
    assert_int_equal(model_translate(&trained.params, &trained.vocab, "the girl likes the small cat", NULL, &t2, err, sizeof err), 0);
    c.tr = &t2;
    lesson_trace_changed(&lesson_embedding, s, &c);
    dump(&lesson_embedding, s, &c, b, sizeof b);
    assert_true(num_after(strstr(b, "\"after\""), "\"total\": ") == t_after);
    assert_string_not_equal(strstr(a, "\"lit\""), strstr(b, "\"lit\"")); /* but the lit words follow the sentence */
    /* another model: recomputed (the untrained rows have another spread) */
    c.params = &untrained.params;
    lesson_trace_changed(&lesson_embedding, s, &c);
    dump(&lesson_embedding, s, &c, b, sizeof b);
    double t_new = num_after(strstr(b, "\"after\""), "\"total\": ");
    double t_before = num_after(strstr(b, "\"before\""), "\"total\": ");
    assert_true(fabs(t_new - t_after) > 1e-3);
    assert_true(t_new == t_before);
    lesson_state_free(&lesson_embedding, s);
    trace_free(&t2);
}

static void test_qkv(void **st)
{
    (void)st;
    sel.layer = 1;
    sel.head = 2;
    lesson_ctx c = make_ctx(0, 1);
    void *s = lesson_state_new(&lesson_qkv, &c);
    char buf[4096];
    dump(&lesson_qkv, s, &c, buf, sizeof buf);
    assert_int_equal((int)num_after(buf, "\"layer\": "), 1);
    assert_int_equal((int)num_after(buf, "\"head\": "), 2);
    int r[4];
    rect_after(buf, "\"out\": [", r);
    int K = tr.cfg.d_model / tr.cfg.n_heads, Lc = tr.cfg.max_len, checked = 0;
    for (int gy = 0; gy < 12; gy++)
        for (int gx = 0; gx < 12; gx++) {
            ui_begin_frame(&ui, r[0] + r[2] * (2 * gx + 1) / 24, r[1] + r[3] * (2 * gy + 1) / 24, 0);
            lesson_scratch_reset(&scratch);
            lesson_draw(&lesson_qkv, s, &c);
            int h, i, j;
            if (!ui.hover.active || sscanf(ui.hover.label, "Q head %d [%d][%d]", &h, &i, &j) != 3) continue;
            assert_int_equal(h, 3);
            assert_true(ui.hover.value == (double)tr.enc[1].self.q[((2 * Lc) + i) * K + j]);
            checked++;
        }
    assert_true(checked >= 20);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_m;
    for (int m = 1; m <= 3; m++) {
        assert_int_equal(lesson_handle_event(&lesson_qkv, s, &e, &c), 1);
        dump(&lesson_qkv, s, &c, buf, sizeof buf);
        assert_int_equal((int)num_after(buf, "\"mode\": "), m % 3);
    }
    sel.layer = sel.head = 0;
    lesson_state_free(&lesson_qkv, s);
}

static void test_overview_links(void **st)
{
    (void)st;
    lesson_ctx c = make_ctx(0, 1);
    char buf[4096];
    dump(&lesson_overview, NULL, &c, buf, sizeof buf);
    int n = 0;
    for (const char *p = strstr(buf, "{\"key\""); p; p = strstr(p + 1, "{\"key\"")) {
        char key[32], slug[32];
        int r[4];
        if (sscanf(p, "{\"key\": \"%31[^\"]\", \"slug\": \"%31[^\"]\", \"rect\": [%d, %d, %d, %d]", key, slug, &r[0], &r[1], &r[2], &r[3]) != 6)
            continue;
        c = make_ctx(0, 1);
        assert_int_equal(send(&lesson_overview, NULL, &c, SDL_MOUSEBUTTONDOWN, r[0] + r[2] / 2, r[1] + r[3] / 2, 0), 1);
        if (lesson_find(slug) >= 0) assert_string_equal(act.goto_slug, slug);
        else assert_non_null(strstr(act.toast, slug));
        n++;
    }
    assert_true(n >= 20);
    c = make_ctx(0, 1);
    assert_int_equal(send(&lesson_overview, NULL, &c, SDL_MOUSEBUTTONDOWN, c.area.x + c.area.w - 2, c.area.y + c.area.h - 2, 0), 0);
    assert_string_equal(act.goto_slug, "");
    lesson_ctx none = make_ctx(0, 0);
    assert_int_equal(send(&lesson_overview, NULL, &none, SDL_MOUSEBUTTONDOWN, 700, 400, 0), 0);
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_embedding_heat_hover),
          cmocka_unit_test(test_embedding_camera),
          cmocka_unit_test(test_embedding_cache),
          cmocka_unit_test(test_qkv),
          cmocka_unit_test(test_overview_links))
