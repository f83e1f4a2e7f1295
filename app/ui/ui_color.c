/* ui_color.c - themes, the two colour maps, colour blending, easing and the
 * 3-D camera of the drawing toolkit.
 *
 * Colour maps are sampled tables, linearly interpolated: viridis (matplotlib,
 * perceptually uniform, colour-blind safe, lightness rises monotonically) for
 * [0,1] weights, and ColorBrewer RdBu reversed (blue negative, white 0, red
 * positive) for signed values.
 *
 * Must not: draw anything, or hold state.
 */
#include <math.h>
#include <string.h>

#include <cglm/cglm.h>

#include "ui.h"

#define C(hex) {(Uint8)(((hex) >> 16) & 255), (Uint8)(((hex) >> 8) & 255), (Uint8)((hex) & 255), 255}

static const ui_theme theme_dark = {
    .name = "dark",
    .bg = C(0x15181d), .panel = C(0x1f242b), .panel_alt = C(0x2a3039), .border = C(0x3c4450),
    .text = C(0xe8eaed), .text_dim = C(0xa3abb7), .accent = C(0x4ea1ff), .accent_text = C(0x0b1220),
    .warn = C(0xffb347), .error = C(0xff6b6b), .ok = C(0x6fdc8c), .grid = C(0x343b46),
    .neg_inf = C(0x59606b), .tooltip_bg = C(0xf5f5f5), .tooltip_text = C(0x111111),
    .chip = C(0x2f3a4a), .chip_special = C(0x3f3566), .chip_unk = C(0x6b3a1f),
    /* Okabe-Ito, colour-blind safe */
    .series = {C(0x56b4e9), C(0xe69f00), C(0x009e73), C(0xf0e442), C(0xcc79a7), C(0xd55e00)},
};

static const ui_theme theme_light = {
    .name = "light",
    .bg = C(0xffffff), .panel = C(0xf1f3f5), .panel_alt = C(0xe2e6ea), .border = C(0x8a939e),
    .text = C(0x000000), .text_dim = C(0x3b4148), .accent = C(0x0050b3), .accent_text = C(0xffffff),
    .warn = C(0xa64b00), .error = C(0xb00020), .ok = C(0x1b7f3a), .grid = C(0xc9ced4),
    .neg_inf = C(0x9aa0a6), .tooltip_bg = C(0x111111), .tooltip_text = C(0xffffff),
    .chip = C(0xdfe8f5), .chip_special = C(0xe6ddf7), .chip_unk = C(0xffd9b8),
    .series = {C(0x0072b2), C(0xd55e00), C(0x009e73), C(0xcc79a7), C(0x56b4e9), C(0xe69f00)},
};

const ui_theme *ui_theme_get(const char *name)
{
    if (!name) return NULL;
    if (strcmp(name, "dark") == 0) return &theme_dark;
    if (strcmp(name, "light") == 0) return &theme_light;
    return NULL;
}

const ui_theme *ui_theme_next(const ui_theme *t)
{
    return t == &theme_dark ? &theme_light : &theme_dark;
}

/* matplotlib viridis at t = 0, 0.1, ..., 1 */
static const unsigned viridis_tab[11] = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                         0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};
/* ColorBrewer RdBu (11 classes) reversed: t = -1 (dark blue) .. 0 (near white) .. +1 (dark red) */
static const unsigned rdbu_tab[11] = {0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
                                      0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f};

static SDL_Color table_sample(const unsigned *tab, int n, float t)
{
    if (!(t >= 0.0f)) t = 0.0f; /* also NaN */
    if (t > 1.0f) t = 1.0f;
    float x = t * (float)(n - 1);
    int i = (int)x;
    if (i >= n - 1) i = n - 2;
    float f = x - (float)i;
    SDL_Color a = C(0), b = C(0);
    a.r = (Uint8)(tab[i] >> 16); a.g = (Uint8)(tab[i] >> 8); a.b = (Uint8)tab[i];
    b.r = (Uint8)(tab[i + 1] >> 16); b.g = (Uint8)(tab[i + 1] >> 8); b.b = (Uint8)tab[i + 1];
    return ui_color_lerp(a, b, f);
}

SDL_Color ui_viridis(float t) { return table_sample(viridis_tab, 11, t); }

SDL_Color ui_diverging(float t)
{
    if (t != t) t = 0.0f;
    return table_sample(rdbu_tab, 11, (t + 1.0f) * 0.5f);
}

SDL_Color ui_cmap_color(ui_cmap m, float v, float vmin, float vmax)
{
    if (m == UI_CMAP_DIVERGING) {
        float a = fmaxf(fabsf(vmin), fabsf(vmax));
        return ui_diverging(a > 0.0f ? v / a : 0.0f);
    }
    float span = vmax - vmin;
    return ui_viridis(span > 0.0f ? (v - vmin) / span : 0.5f);
}

static float srgb_lin(Uint8 c)
{
    float x = (float)c / 255.0f;
    return x <= 0.04045f ? x / 12.92f : powf((x + 0.055f) / 1.055f, 2.4f);
}

float ui_luminance(SDL_Color c)
{
    return 0.2126f * srgb_lin(c.r) + 0.7152f * srgb_lin(c.g) + 0.0722f * srgb_lin(c.b);
}

SDL_Color ui_text_on(SDL_Color bg)
{
    SDL_Color black = {0, 0, 0, 255}, white = {255, 255, 255, 255};
    return ui_luminance(bg) > 0.18f ? black : white;
}

SDL_Color ui_color_lerp(SDL_Color a, SDL_Color b, float t)
{
    vec4 va = {a.r, a.g, a.b, a.a}, vb = {b.r, b.g, b.b, b.a}, out;
    glm_vec4_lerp(va, vb, t, out);
    SDL_Color c = {(Uint8)(out[0] + 0.5f), (Uint8)(out[1] + 0.5f), (Uint8)(out[2] + 0.5f), (Uint8)(out[3] + 0.5f)};
    return c;
}

SDL_Color ui_alpha(SDL_Color c, Uint8 a)
{
    c.a = a;
    return c;
}

float ui_smoothstep(float t)
{
    t = glm_clamp(t, 0.0f, 1.0f);
    return t * t * (3.0f - 2.0f * t);
}

float ui_ease(float from, float to, float t) { return glm_lerp(from, to, ui_smoothstep(t)); }

float ui_approach(float current, float target, float dt, float rate)
{
    float k = 1.0f - expf(-rate * dt);
    return current + (target - current) * k;
}

void ui_camera_init(ui_camera *c)
{
    memset(c, 0, sizeof *c);
    c->yaw = 0.6f;
    c->pitch = 0.35f;
    c->distance = 3.2f;
    c->fov = glm_rad(45.0f);
}

void ui_camera_drag(ui_camera *c, float dx, float dy)
{
    c->yaw += dx * 0.01f;
    c->pitch = glm_clamp(c->pitch + dy * 0.01f, -1.5f, 1.5f);
}

void ui_camera_zoom(ui_camera *c, float wheel)
{
    c->distance = glm_clamp(c->distance * powf(0.9f, wheel), 1.2f, 20.0f);
}

int ui_camera_project(const ui_camera *c, SDL_Rect view, const float p[3], float *x, float *y, float *depth)
{
    vec3 eye = {c->target[0] + c->distance * cosf(c->pitch) * sinf(c->yaw),
                c->target[1] + c->distance * sinf(c->pitch),
                c->target[2] + c->distance * cosf(c->pitch) * cosf(c->yaw)};
    vec3 center = {c->target[0], c->target[1], c->target[2]}, up = {0, 1, 0};
    mat4 v, proj, vp;
    glm_lookat(eye, center, up, v);
    float aspect = view.h > 0 ? (float)view.w / (float)view.h : 1.0f;
    glm_perspective(c->fov, aspect, 0.05f, 100.0f, proj);
    glm_mat4_mul(proj, v, vp);
    vec4 in = {p[0], p[1], p[2], 1.0f}, out;
    glm_mat4_mulv(vp, in, out);
    if (out[3] <= 1e-6f) return 0;
    float nx = out[0] / out[3], ny = out[1] / out[3];
    if (x) *x = (float)view.x + (nx * 0.5f + 0.5f) * (float)view.w;
    if (y) *y = (float)view.y + (1.0f - (ny * 0.5f + 0.5f)) * (float)view.h;
    if (depth) *depth = out[3];
    return 1;
}
