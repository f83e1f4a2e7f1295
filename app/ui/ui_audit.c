/* ui_audit.c - the layout audit's record: every text the toolkit draws, with
 * its ink box, the box it was laid into and whether it was shortened, and the
 * two checks made on one finished image: texts whose ink boxes intersect
 * (overlaps) and texts cut by their container, the clip rect in force or the
 * window, or shortened with an ellipsis although the whole text would have fit
 * at a legal size (clipped). ui_core.c calls ui_audit_note for every text it
 * draws while an audit is attached (ui->audit); with none attached nothing is
 * recorded and drawing costs nothing more.
 *
 * The box a text is checked against: the innermost of the window, the
 * renderer's clip rect and the containers pushed with ui_container_push (a
 * widget's cell or button). A text drawn on a filled cell sits in that cell; it
 * is an overlap only with another text.
 *
 * Must not: draw, know about lessons or files (the app shell writes the JSON).
 */
#include <stdlib.h>
#include <string.h>

#include "ui.h"

typedef struct {
    SDL_Rect ink;      /* the pixels the text covers (its glyphs' ink box) */
    SDL_Rect box;      /* the container it had to stay in */
    SDL_Rect vis;      /* the part of ink left visible by the clip rect and the window (what can overlap) */
    int cut;           /* UI_AUDIT_DRAWN, _SHORTENED (drawn with an ellipsis), _DROPPED (not drawn at all)
                        * or _SCROLLED (in a box that scrolls: what its box cuts is not clipped) */
    size_t text;       /* offset of its string in the audit's string pool */
} audit_text;

struct ui_audit {
    audit_text *t; int n, cap;
    char *pool; size_t pool_len, pool_cap;
    int win_w, win_h;
    int *ov; int n_ov, cap_ov;     /* overlap pairs: indices into t, two per pair */
    int *cl; int n_cl, cap_cl;     /* clipped texts: indices into t */
};

ui_audit *ui_audit_new(void) { return calloc(1, sizeof(ui_audit)); }

void ui_audit_free(ui_audit *au)
{
    if (!au) return;
    free(au->t); free(au->pool); free(au->ov); free(au->cl);
    free(au);
}

void ui_audit_begin(ui_audit *au, int win_w, int win_h)
{
    if (!au) return;
    au->n = 0; au->pool_len = 0; au->n_ov = 0; au->n_cl = 0;
    au->win_w = win_w; au->win_h = win_h;
}

/* Grows an array of elem-byte items to hold need; 0 ok, -1 out of memory. */
static int grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap) return 0;
    int nc = *cap ? *cap * 2 : 256;
    while (nc < need) nc *= 2;
    void *q = realloc(*p, (size_t)nc * elem);
    if (!q) return -1;
    *p = q; *cap = nc;
    return 0;
}

static SDL_Rect rect_and(SDL_Rect a, SDL_Rect b)
{
    SDL_Rect r;
    if (!SDL_IntersectRect(&a, &b, &r)) r = (SDL_Rect){a.x, a.y, 0, 0};
    return r;
}

void ui_container_push(ui_ctx *ui, SDL_Rect box)
{
    if (ui->n_boxes < UI_MAX_CONTAINERS) ui->boxes[ui->n_boxes] = box;
    ui->n_boxes++;
}

void ui_container_pop(ui_ctx *ui)
{
    if (ui->n_boxes > 0) ui->n_boxes--;
}

void ui_audit_note(ui_ctx *ui, const char *s, SDL_Rect ink, int how)
{
    ui_audit *au = ui->audit;
    if (!au || !s || !*s) return;
    SDL_Rect box = {0, 0, au->win_w, au->win_h}, clip;
    if (SDL_RenderIsClipEnabled(ui->r)) {
        SDL_RenderGetClipRect(ui->r, &clip);
        box = rect_and(box, clip);
    }
    SDL_Rect vis = rect_and(ink, box);
    if (ui->scrolled) how = UI_AUDIT_SCROLLED;
    int nb = ui->n_boxes < UI_MAX_CONTAINERS ? ui->n_boxes : UI_MAX_CONTAINERS;
    if (nb > 0) box = rect_and(box, ui->boxes[nb - 1]);
    size_t len = strlen(s) + 1;
    if (grow((void **)&au->t, &au->cap, au->n + 1, sizeof *au->t) != 0) return;
    if (au->pool_len + len > au->pool_cap) {
        size_t nc = au->pool_cap ? au->pool_cap * 2 : 65536;
        while (nc < au->pool_len + len) nc *= 2;
        char *q = realloc(au->pool, nc);
        if (!q) return;
        au->pool = q; au->pool_cap = nc;
    }
    memcpy(au->pool + au->pool_len, s, len);
    au->t[au->n++] = (audit_text){ink, box, vis, how, au->pool_len};
    au->pool_len += len;
}

static int inside(SDL_Rect in, SDL_Rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w && in.y + in.h <= out.y + out.h;
}

/* Texts sorted by their left edge let the overlap scan stop early. */
typedef struct { int x, i; } by_x;
static int by_left(const void *pa, const void *pb)
{
    const by_x *a = pa, *b = pb;
    return a->x != b->x ? (a->x > b->x) - (a->x < b->x) : (a->i > b->i) - (a->i < b->i);
}

/* Two texts overlap when the visible parts of their ink boxes share at least
 * one pixel; the same string drawn twice at the same place (a bold effect) is
 * one text. */
static int overlap(const ui_audit *au, const audit_text *a, const audit_text *b)
{
    SDL_Rect r;
    if (!SDL_IntersectRect(&a->vis, &b->vis, &r)) return 0;
    if (a->ink.x == b->ink.x && a->ink.y == b->ink.y && a->ink.w == b->ink.w && a->ink.h == b->ink.h &&
        strcmp(au->pool + a->text, au->pool + b->text) == 0)
        return 0;
    return 1;
}

int ui_audit_finish(ui_audit *au)
{
    if (!au) return 0;
    au->n_ov = au->n_cl = 0;
    for (int i = 0; i < au->n; i++) {
        const audit_text *a = &au->t[i];
        if (a->ink.w <= 0 || a->ink.h <= 0) continue;
        if (a->cut == UI_AUDIT_SHORTENED || a->cut == UI_AUDIT_DROPPED || (a->cut == UI_AUDIT_DRAWN && !inside(a->ink, a->box))) {
            if (grow((void **)&au->cl, &au->cap_cl, au->n_cl + 1, sizeof(int)) != 0) return -1;
            au->cl[au->n_cl++] = i;
        }
    }
    by_x *order = malloc(sizeof *order * (size_t)(au->n > 0 ? au->n : 1));
    if (!order) return -1;
    for (int i = 0; i < au->n; i++) order[i] = (by_x){au->t[i].vis.x, i};
    qsort(order, (size_t)au->n, sizeof *order, by_left);
    for (int i = 0; i < au->n; i++) {
        const audit_text *a = &au->t[order[i].i];
        if (a->vis.w <= 0 || a->vis.h <= 0 || a->cut == UI_AUDIT_DROPPED) continue;
        for (int j = i + 1; j < au->n; j++) {
            const audit_text *b = &au->t[order[j].i];
            if (b->vis.x >= a->vis.x + a->vis.w) break;
            if (b->vis.w <= 0 || b->vis.h <= 0 || b->cut == UI_AUDIT_DROPPED || !overlap(au, a, b)) continue;
            if (grow((void **)&au->ov, &au->cap_ov, 2 * au->n_ov + 2, sizeof(int)) != 0) { free(order); return -1; }
            int lo = order[i].i < order[j].i ? order[i].i : order[j].i, hi = order[i].i ^ order[j].i ^ lo;
            au->ov[2 * au->n_ov] = lo;
            au->ov[2 * au->n_ov + 1] = hi;
            au->n_ov++;
        }
    }
    free(order);
    return 0;
}

int ui_audit_window_w(const ui_audit *au) { return au ? au->win_w : 0; }
int ui_audit_texts(const ui_audit *au) { return au ? au->n : 0; }
int ui_audit_overlaps(const ui_audit *au) { return au ? au->n_ov : 0; }
int ui_audit_clipped(const ui_audit *au) { return au ? au->n_cl : 0; }

void ui_audit_overlap(const ui_audit *au, int i, const char **a, const char **b)
{
    *a = au->pool + au->t[au->ov[2 * i]].text;
    *b = au->pool + au->t[au->ov[2 * i + 1]].text;
}

const char *ui_audit_clip(const ui_audit *au, int i) { return au->pool + au->t[au->cl[i]].text; }
const char *ui_audit_text(const ui_audit *au, int i) { return au->pool + au->t[i].text; }
