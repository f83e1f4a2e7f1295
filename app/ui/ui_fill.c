/* ui_fill.c - a filled area with holes: the window's background around the
 * chrome. The software renderer's cost at 3840x2160 is mostly filling pixels
 * (a full-window clear is 8.3 million of them); the sidebar, the top bar and
 * the text panel are filled opaque anyway, so the background is filled only
 * where they are not. Must not: allocate.
 */
#include "ui.h"

/* Sorts a few ints in place (insertion sort). */
static void sort_few(int *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            const int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

void ui_fill_except(ui_ctx *ui, SDL_Rect outer, const SDL_Rect *holes, int n_holes, SDL_Color c)
{
    enum { MAX_HOLES = 8 };
    if (n_holes > MAX_HOLES) n_holes = MAX_HOLES;
    int ys[2 + 2 * MAX_HOLES], ny = 0;
    ys[ny++] = outer.y;
    ys[ny++] = outer.y + outer.h;
    for (int i = 0; i < n_holes; i++) {
        if (holes[i].w <= 0 || holes[i].h <= 0) continue;
        ys[ny++] = SDL_clamp(holes[i].y, outer.y, outer.y + outer.h);
        ys[ny++] = SDL_clamp(holes[i].y + holes[i].h, outer.y, outer.y + outer.h);
    }
    sort_few(ys, ny);
    for (int b = 0; b + 1 < ny; b++) { /* one horizontal band: no hole starts or ends inside it */
        const int y0 = ys[b], y1 = ys[b + 1];
        if (y1 <= y0) continue;
        int xs[2 * MAX_HOLES], nx = 0; /* the holes across the band, as [x0, x1) pairs sorted by x0 */
        for (int i = 0; i < n_holes; i++) {
            const SDL_Rect h = holes[i];
            if (h.w <= 0 || h.h <= 0 || h.y > y0 || h.y + h.h < y1) continue;
            int k = nx;
            for (; k > 0 && xs[k - 2] > h.x; k -= 2) {
                xs[k] = xs[k - 2];
                xs[k + 1] = xs[k - 1];
            }
            xs[k] = h.x;
            xs[k + 1] = h.x + h.w;
            nx += 2;
        }
        int x = outer.x;
        for (int k = 0; k < nx; k += 2) {
            if (xs[k] > x) ui_fill(ui, (SDL_Rect){x, y0, SDL_min(xs[k], outer.x + outer.w) - x, y1 - y0}, c);
            if (xs[k + 1] > x) x = xs[k + 1];
        }
        if (x < outer.x + outer.w) ui_fill(ui, (SDL_Rect){x, y0, outer.x + outer.w - x, y1 - y0}, c);
    }
}
