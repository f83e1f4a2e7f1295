/* ui_shapes.c - lines, arrows, dots and circles, as SDL_RenderGeometry
 * triangles (SDL's own lines are one pixel thin, and thin lines vanish on a
 * projector). Every shape takes float coordinates and clamps them, so a
 * NaN or a huge value from a lesson draws nothing instead of crashing the
 * renderer. Must not: know about lessons, the trace or the model.
 */
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "ui.h"

/* The prologue of ui_line and ui_arrow: 0 for a segment not to draw (a
 * non-finite end or thickness, or no length); else the ends clamped to the
 * coordinate limits, the thickness to [1, 1000], and the length in *len. */
static int segment_prepare(float *x0, float *y0, float *x1, float *y1, float *th, float *len)
{
    if (!isfinite(*x0) || !isfinite(*y0) || !isfinite(*x1) || !isfinite(*y1) || !isfinite(*th)) return 0;
    *x0 = ui_fclamp(*x0); *y0 = ui_fclamp(*y0); *x1 = ui_fclamp(*x1); *y1 = ui_fclamp(*y1);
    *th = fminf(fmaxf(*th, 1.0f), 1000.0f);
    float dx = *x1 - *x0, dy = *y1 - *y0;
    *len = sqrtf(dx * dx + dy * dy);
    return *len >= 1e-3f;
}

/* A long diagonal line is drawn as a strip of short quads: SDL's software
 * renderer blends each triangle through a scratch surface the size of its
 * bounding box, so one quad from corner to corner of a 4K figure cost a
 * screen's worth of pixels (lesson 9's lines view: 45 ms a frame at 3840x2160
 * with a 30-word sentence). n pieces make the boxes' total about
 * |dx||dy|/n + th(|dx|+|dy|) + n th², least at n = sqrt(|dx||dy|)/th; but each
 * piece has a cost of its own, so none is shorter than UI_LINE_MIN_PIECE. The
 * pieces share their end vertices, and the rasteriser's top-left rule draws a
 * shared edge once, so a translucent line shows no seams. */
#define UI_LINE_MAX_PIECES 64
#define UI_LINE_MIN_PIECE 40.0f /* px: shorter pieces cost more in triangles than they save in pixels */

void ui_line(ui_ctx *ui, float x0, float y0, float x1, float y1, float th, SDL_Color c)
{
    float len;
    if (!segment_prepare(&x0, &y0, &x1, &y1, &th, &len)) return;
    float dx = x1 - x0, dy = y1 - y0;
    float nx = -dy / len * th * 0.5f, ny = dx / len * th * 0.5f;
    float pieces = ceilf(fminf(sqrtf(fabsf(dx) * fabsf(dy)) / th, len / UI_LINE_MIN_PIECE)); /* each triangle costs a scratch surface too */
    int n = pieces < 1.0f ? 1 : pieces > (float)UI_LINE_MAX_PIECES ? UI_LINE_MAX_PIECES : (int)pieces;
    SDL_Vertex v[2 * (UI_LINE_MAX_PIECES + 1)];
    int idx[6 * UI_LINE_MAX_PIECES];
    for (int k = 0; k <= n; k++) {
        float f = (float)k / (float)n, x = x0 + dx * f, y = y0 + dy * f;
        v[2 * k] = (SDL_Vertex){{x + nx, y + ny}, c, {0, 0}};
        v[2 * k + 1] = (SDL_Vertex){{x - nx, y - ny}, c, {0, 0}};
    }
    for (int k = 0; k < n; k++) {
        int b = 2 * k, *q = idx + 6 * k;
        q[0] = b; q[1] = b + 1; q[2] = b + 3; q[3] = b; q[4] = b + 3; q[5] = b + 2;
    }
    ui_draw_color(ui, c);
    SDL_RenderGeometry(ui->r, NULL, v, 2 * (n + 1), idx, 6 * n);
}

void ui_arrow(ui_ctx *ui, float x0, float y0, float x1, float y1, float th, SDL_Color c)
{
    float len;
    th = fmaxf(th, (float)ui_px(ui, 2)); /* an arrow is never thinner than 2 px: thin lines vanish on projectors */
    if (!segment_prepare(&x0, &y0, &x1, &y1, &th, &len)) return;
    float dx = x1 - x0, dy = y1 - y0;
    float ux = dx / len, uy = dy / len;
    float head = fmaxf(th * 3.5f, (float)ui_px(ui, 9));
    if (head > len * 0.6f) head = len * 0.6f;
    ui_line(ui, x0, y0, x1 - ux * head * 0.8f, y1 - uy * head * 0.8f, th, c);
    SDL_Vertex v[3];
    float pts[3][2] = {{x1, y1}, {x1 - ux * head - uy * head * 0.5f, y1 - uy * head + ux * head * 0.5f},
                       {x1 - ux * head + uy * head * 0.5f, y1 - uy * head - ux * head * 0.5f}};
    for (int i = 0; i < 3; i++) {
        v[i].position.x = pts[i][0]; v[i].position.y = pts[i][1];
        v[i].color = c; v[i].tex_coord.x = v[i].tex_coord.y = 0;
    }
    ui_draw_color(ui, c);
    SDL_RenderGeometry(ui->r, NULL, v, 3, NULL, 0);
}

/* The n + 2 vertices and 3n indices of a disc of n triangles, its indices
 * counted from base (so several discs go in one SDL_RenderGeometry call). */
static void disc_geometry(SDL_Vertex *v, int *idx, int base, float cx, float cy, float rad, int n, SDL_Color c)
{
    v[0].position.x = cx; v[0].position.y = cy; v[0].color = c; v[0].tex_coord.x = v[0].tex_coord.y = 0;
    for (int i = 0; i <= n; i++) {
        float a = 2.0f * (float)M_PI * (float)i / (float)n;
        v[i + 1].position.x = cx + rad * cosf(a);
        v[i + 1].position.y = cy + rad * sinf(a);
        v[i + 1].color = c; v[i + 1].tex_coord.x = v[i + 1].tex_coord.y = 0;
    }
    for (int i = 0; i < n; i++) { idx[3 * i] = base; idx[3 * i + 1] = base + i + 1; idx[3 * i + 2] = base + i + 2; }
}

void ui_dots(ui_ctx *ui, const float *xy, int count, float rad, SDL_Color c)
{
    if (!xy || count <= 0 || !(rad > 0.0f) || !isfinite(rad)) return;
    enum { N = 12, BATCH = 128 }; /* 12 triangles a dot, 128 dots a call */
    SDL_Vertex v[BATCH * (N + 2)];
    int idx[BATCH * N * 3], k = 0;
    ui_draw_color(ui, c);
    for (int i = 0; i < count; i++) {
        float x = xy[2 * i], y = xy[2 * i + 1];
        if (!isfinite(x) || !isfinite(y)) continue;
        disc_geometry(v + k * (N + 2), idx + k * N * 3, k * (N + 2), ui_fclamp(x), ui_fclamp(y), ui_fclamp(rad), N, c);
        if (++k == BATCH) { SDL_RenderGeometry(ui->r, NULL, v, k * (N + 2), idx, k * N * 3); k = 0; }
    }
    if (k) SDL_RenderGeometry(ui->r, NULL, v, k * (N + 2), idx, k * N * 3);
}

void ui_circle(ui_ctx *ui, float cx, float cy, float rad, SDL_Color c, int filled)
{
    if (!isfinite(cx) || !isfinite(cy) || !(rad > 0.0f) || !isfinite(rad)) return;
    cx = ui_fclamp(cx); cy = ui_fclamp(cy); rad = ui_fclamp(rad);
    int n = ui_f2i(fmaxf(12.0f, fminf(96.0f, rad * 1.5f)));
    if (filled) {
        SDL_Vertex v[98];
        int idx[96 * 3];
        disc_geometry(v, idx, 0, cx, cy, rad, n, c);
        ui_draw_color(ui, c);
        SDL_RenderGeometry(ui->r, NULL, v, n + 2, idx, n * 3);
    } else {
        float th = fmaxf(1.0f, (float)ui_px(ui, 2));
        for (int i = 0; i < n; i++) {
            float a0 = 2.0f * (float)M_PI * (float)i / (float)n, a1 = 2.0f * (float)M_PI * (float)(i + 1) / (float)n;
            ui_line(ui, cx + rad * cosf(a0), cy + rad * sinf(a0), cx + rad * cosf(a1), cy + rad * sinf(a1), th, c);
        }
    }
}

