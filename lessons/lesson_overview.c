/* lesson_overview.c - lesson 0, "The whole model": the block diagram of
 * the paper's Figure 1 with THIS model's sizes (D, H, d_k, F, N, V, L from
 * the trace's cfg), the sentence going in at the bottom left, the decoder's
 * input (shifted right) at the bottom right and the translation coming out on
 * top. Every block is a link: a click opens its lesson (lesson_actions
 * goto_slug), or says in a toast that the lesson is not in this build; hovering
 * a block names it and gives its shape for this sentence.
 *
 * Everything shown comes from the trace (tokens, ids, sizes); no model math.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

/* Block kinds: the colour family, as in the paper's figure. */
enum { K_TEXT = 0, K_EMBED, K_PE, K_ATTN, K_NORM, K_FFN, K_LINEAR, K_SOFTMAX, K_FRAME, K_LINK };

typedef enum {
    B_SRC = 0, B_ENC_EMBED, B_ENC_PE, B_ENC_ATTN, B_ENC_NORM1, B_ENC_FFN, B_ENC_NORM2, B_ENC_STACK,
    B_TGT, B_DEC_EMBED, B_DEC_PE, B_DEC_SELF, B_DEC_NORM1, B_DEC_CROSS, B_DEC_NORM2, B_DEC_FFN, B_DEC_NORM3, B_DEC_STACK,
    B_LINEAR, B_SOFTMAX, B_OUT, B_LINK_QKV, B_LINK_ATTN, B_LINK_MH, N_BLOCKS
} ov_id;

typedef struct {
    const char *key;    /* name in the dump */
    const char *label;  /* text in the box */
    const char *slug;   /* lesson it opens ("" none) */
    int number;         /* course number of that lesson (for the toast) */
    int kind;
} ov_def;

static const ov_def defs[N_BLOCKS] = {
    [B_SRC] = {"src", N_("Inputs"), "tokens", 1, K_TEXT},
    [B_ENC_EMBED] = {"enc_embed", N_("Input embedding"), "embedding", 2, K_EMBED},
    [B_ENC_PE] = {"enc_pe", N_("positional encoding"), "positional-encoding", 3, K_PE},
    [B_ENC_ATTN] = {"enc_attn", N_("Multi-head attention"), "multi-head", 6, K_ATTN},
    [B_ENC_NORM1] = {"enc_norm1", N_("Add & Norm"), "add-norm", 7, K_NORM},
    [B_ENC_FFN] = {"enc_ffn", N_("Feed forward"), "feed-forward", 8, K_FFN},
    [B_ENC_NORM2] = {"enc_norm2", N_("Add & Norm"), "add-norm", 7, K_NORM},
    [B_ENC_STACK] = {"enc_stack", N_("encoder"), "encoder-stack", 9, K_FRAME},
    [B_TGT] = {"tgt", N_("Outputs (shifted right)"), "decoder-input", 10, K_TEXT},
    [B_DEC_EMBED] = {"dec_embed", N_("Output embedding"), "embedding", 2, K_EMBED},
    [B_DEC_PE] = {"dec_pe", N_("positional encoding"), "positional-encoding", 3, K_PE},
    [B_DEC_SELF] = {"dec_self", N_("Masked multi-head attention"), "masked-attention", 11, K_ATTN},
    [B_DEC_NORM1] = {"dec_norm1", N_("Add & Norm"), "add-norm", 7, K_NORM},
    [B_DEC_CROSS] = {"dec_cross", N_("Multi-head attention (cross)"), "cross-attention", 12, K_ATTN},
    [B_DEC_NORM2] = {"dec_norm2", N_("Add & Norm"), "add-norm", 7, K_NORM},
    [B_DEC_FFN] = {"dec_ffn", N_("Feed forward"), "feed-forward", 8, K_FFN},
    [B_DEC_NORM3] = {"dec_norm3", N_("Add & Norm"), "add-norm", 7, K_NORM},
    [B_DEC_STACK] = {"dec_stack", N_("decoder"), "decoder-input", 10, K_FRAME},
    [B_LINEAR] = {"linear", N_("Linear (\xC3\x97 E\xE1\xB5\x80, tied)"), "output", 13, K_LINEAR},
    [B_SOFTMAX] = {"softmax", N_("Softmax"), "output", 13, K_SOFTMAX},
    [B_OUT] = {"out", N_("Output probabilities"), "output", 13, K_TEXT},
    [B_LINK_QKV] = {"link_qkv", N_("4  Q, K and V"), "qkv", 4, K_LINK},
    [B_LINK_ATTN] = {"link_attention", N_("5  scaled dot-product"), "attention", 5, K_LINK},
    [B_LINK_MH] = {"link_multihead", N_("6  multi-head + W_O"), "multi-head", 6, K_LINK},
};

typedef struct {
    SDL_Rect r[N_BLOCKS];      /* hit and draw rectangles */
    SDL_Rect frame[2];         /* encoder and decoder stack outlines */
    SDL_Rect info;             /* the model card */
    int enc_cx, dec_cx, col_w, box_h, row_h;
    float font;                /* box text size (logical) */
    int wrap[N_BLOCKS];        /* a sentence row (in, shifted right, out) too long for one line: wrapped */
    int src_wide_x, src_wide_w; /* the sentence's row when wrapped: the whole left half */
} ov_layout;

/* The boxes stacked in the encoder's and the decoder's column, bottom (row 0:
 * the sentences) to top; the positional encodings' (+) are square. */
typedef struct {
    int box, decoder, row, square;
} ov_column_box;
static const ov_column_box ov_column_boxes[] = {
    { B_ENC_EMBED, 0, 1, 0 }, { B_ENC_PE, 0, 2, 1 },     { B_ENC_ATTN, 0, 3, 0 },  { B_ENC_NORM1, 0, 4, 0 },
    { B_ENC_FFN, 0, 5, 0 },   { B_ENC_NORM2, 0, 6, 0 },  { B_DEC_EMBED, 1, 1, 0 }, { B_DEC_PE, 1, 2, 1 },
    { B_DEC_SELF, 1, 3, 0 },  { B_DEC_NORM1, 1, 4, 0 },  { B_DEC_CROSS, 1, 5, 0 }, { B_DEC_NORM2, 1, 6, 0 },
    { B_DEC_FFN, 1, 7, 0 },   { B_DEC_NORM3, 1, 8, 0 },  { B_LINEAR, 1, 9, 0 },    { B_SOFTMAX, 1, 10, 0 },
};

/* The diagram in a: twelve rows, the sentences in row 0 (bottom) and the output in row 11. */
static void ov_place(const lesson_ctx *ctx, SDL_Rect a, ov_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const int n_rows = 12;
    int top = a.y + ui_px(ui, 4);
    int row_h = (a.h - ui_px(ui, 8)) / n_rows;
    int box_h = row_h * 70 / 100;
    L->row_h = row_h;
    L->box_h = box_h;
    float f = (float)box_h * 0.55f / ui->scale;
    L->font = f > UI_SIZE_BODY ? UI_SIZE_BODY : f < 10.0f ? 10.0f : f;
    int col_w = a.w * 27 / 100;
    if (col_w > ui_px(ui, 420)) col_w = ui_px(ui, 420);
    L->col_w = col_w;
    L->enc_cx = a.x + a.w * 29 / 100;
    L->dec_cx = a.x + a.w * 73 / 100;
    /* row k (0 = bottom) has its box centred at yc(k) */
#define YC(k) (top + (n_rows - 1 - (k)) * row_h + row_h / 2)
#define BOX(cx, k, w) ((SDL_Rect){(cx) - (w) / 2, YC(k) - box_h / 2, (w), box_h})
    int mid = a.x + a.w / 2, right = a.x + a.w;
    int src_half = L->enc_cx - a.x < mid - L->enc_cx ? L->enc_cx - a.x : mid - L->enc_cx;
    L->r[B_SRC] = BOX(L->enc_cx, 0, 2 * src_half - ui_px(ui, 8));
    L->src_wide_x = a.x;
    L->src_wide_w = mid - a.x - ui_px(ui, 8);
    L->r[B_TGT] = BOX((mid + right) / 2, 0, right - mid - ui_px(ui, 8));
    for (size_t i = 0; i < sizeof ov_column_boxes / sizeof ov_column_boxes[0]; i++) {
        const ov_column_box *sb = &ov_column_boxes[i];
        L->r[sb->box] = BOX(sb->decoder ? L->dec_cx : L->enc_cx, sb->row, sb->square ? box_h : col_w);
    }
    int fpad = ui_px(ui, 12);
    int fy0 = YC(6) - box_h / 2 - (row_h - box_h) / 2, fy1 = YC(3) + box_h / 2 + (row_h - box_h) / 2;
    L->frame[0] = (SDL_Rect){L->enc_cx - col_w / 2 - fpad, fy0, col_w + 2 * fpad, fy1 - fy0};
    fy0 = YC(8) - box_h / 2 - (row_h - box_h) / 2;
    L->frame[1] = (SDL_Rect){L->dec_cx - col_w / 2 - fpad, fy0, col_w + 2 * fpad, fy1 - fy0};
    /* the "N x" labels beside the frames are the stacks' links */
    int lw = ui_px(ui, 88);
    L->r[B_ENC_STACK] = (SDL_Rect){L->frame[0].x - lw - ui_px(ui, 6), L->frame[0].y + L->frame[0].h / 2 - box_h / 2, lw, box_h};
    L->r[B_DEC_STACK] = (SDL_Rect){L->frame[1].x + L->frame[1].w + ui_px(ui, 6), L->frame[1].y + L->frame[1].h / 2 - box_h / 2, lw, box_h};
    /* the model card: upper left, above the encoder */
    int iy = top, ih = L->frame[0].y - ui_px(ui, 30) - iy;
    L->info = (SDL_Rect){a.x, iy, L->dec_cx - col_w / 2 - fpad - a.x - ui_px(ui, 40), ih};
    int out_left = L->info.x + L->info.w + ui_px(ui, 12);
    L->r[B_OUT] = BOX((out_left + right) / 2, 11, right - out_left - ui_px(ui, 4));
    int lh = ui_line_height(ui, UI_SANS, L->font);
    int link_h = lh + ui_px(ui, 6), avail = L->info.w - ui_px(ui, 16), need[3], sum = 0;
    int ly = L->info.y + L->info.h - link_h - ui_px(ui, 6);
    for (int i = 0; i < 3; i++) { /* each link as wide as its label needs, the slack (or the shortage) shared alike */
        ui_text_size(ui, UI_BOLD, L->font * 0.9f, _(defs[B_LINK_QKV + i].label), &need[i], NULL);
        need[i] += ui_px(ui, 14);
        sum += need[i];
    }
    for (int i = 0, x = L->info.x + ui_px(ui, 8); i < 3; i++) {
        const int w = sum > 0 ? (int)((long)avail * need[i] / sum) : avail / 3;
        L->r[B_LINK_QKV + i] = (SDL_Rect){x, ly, w - ui_px(ui, 6), link_h};
        x += w;
    }
#undef BOX
#undef YC
}

static int ov_row_need(const lesson_ctx *ctx, const ov_layout *L, int b);

/* The diagram in ctx->area; a sentence row too long for one line (a 30-word sentence) is wrapped at the
 * box font onto as many lines as it needs: its box grows (in and shifted right downwards, out upwards) and
 * the diagram shrinks to make room, the reserve found again for the smaller boxes (three passes). */
static void ov_layout_compute(const lesson_ctx *ctx, ov_layout *L)
{
    SDL_Rect a = ctx->area;
    int down = 0, up = 0;
    for (int pass = 0; pass < 3; pass++) {
        ov_place(ctx, (SDL_Rect){a.x, a.y + up, a.w, a.h - up - down}, L);
        const int need_down = SDL_max(ov_row_need(ctx, L, B_SRC), ov_row_need(ctx, L, B_TGT)) - L->box_h;
        const int need_up = ov_row_need(ctx, L, B_OUT) - L->box_h;
        if (need_down <= down && need_up <= up) break;
        down = SDL_max(down, need_down);
        up = SDL_max(up, need_up);
    }
    const int lift = L->info.y - (a.y + ui_px(ctx->ui, 4)); /* the card and its links keep the area's top */
    L->info.y -= lift;
    for (int i = B_LINK_QKV; i <= B_LINK_MH; i++) L->r[i].y -= lift;
    static const int rows[3] = {B_SRC, B_TGT, B_OUT};
    for (int i = 0; i < 3; i++) {
        SDL_Rect *r = &L->r[rows[i]];
        const int need = ov_row_need(ctx, L, rows[i]), bottom = r->y + r->h;
        L->wrap[rows[i]] = need > 0;
        if (need > 0 && rows[i] == B_SRC) r->x = L->src_wide_x, r->w = L->src_wide_w;
        if (need <= r->h) continue;
        if (rows[i] == B_OUT) r->y = SDL_max(a.y, bottom - need), r->h = bottom - r->y;
        else r->h = SDL_min(need, a.y + a.h - r->y);
    }
}

/* lesson.layout (into zeroed memory) */
static void ov_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; ov_layout_compute(ctx, L); }

static SDL_Color kind_fill(const ui_theme *t, int kind)
{
    SDL_Color c;
    switch (kind) {
    case K_EMBED: c = (SDL_Color){244, 180, 196, 255}; break;
    case K_ATTN: c = (SDL_Color){246, 190, 130, 255}; break;
    case K_NORM: c = (SDL_Color){240, 228, 150, 255}; break;
    case K_FFN: c = (SDL_Color){160, 205, 242, 255}; break;
    case K_LINEAR: c = (SDL_Color){200, 182, 244, 255}; break;
    case K_SOFTMAX: c = (SDL_Color){176, 226, 184, 255}; break;
    default: return t->panel_alt;
    }
    /* muted on the dark theme so the diagram does not glare */
    if (ui_luminance(t->bg) < 0.3f) c = ui_color_lerp(c, t->panel, 0.35f);
    return c;
}

/* The tooltip of a block: what it is and its shape for this sentence. */
static void block_tip(const lesson_ctx *ctx, int b, char *dst, size_t n)
{
    const trace *tr = ctx->tr;
    const model_config *c = &tr->cfg;
    int S = tr->n_src, T = tr->n_tgt, D = c->d_model, H = c->n_heads, K = D / H, F = c->d_ff, V = c->vocab_size;
    const char *x = "\xC3\x97";
    switch (b) {
    case B_SRC: snprintf(dst, n, _("the source: %d word%s then <eos>, S = %d ids"), tr->n_words, tr->n_words == 1 ? "" : "s", S); break;
    case B_ENC_EMBED: snprintf(dst, n, _("embedding: ids [%d] \xE2\x86\x92 E[id]\xC2\xB7\xE2\x88\x9A%d : [%d%s%d], E is [%d%s%d]"), S, D, S, x, D, V, x, D); break;
    case B_ENC_PE: case B_DEC_PE:
        snprintf(dst, n, _("positional encoding (sin, cos) added: [%d%s%d] + [%d%s%d]"), b == B_ENC_PE ? S : T, x, D, b == B_ENC_PE ? S : T, x, D);
        break;
    case B_ENC_ATTN: snprintf(dst, n, _("self-attention, %d heads of d_k = %d, Q K V from one X: [%d%s%d] \xE2\x86\x92 [%d%s%d]"), H, K, S, x, D, S, x, D); break;
    case B_ENC_NORM1: case B_ENC_NORM2: snprintf(dst, n, _("Add & Norm: LayerNorm(x + sublayer(x)) per token: [%d%s%d]"), S, x, D); break;
    case B_DEC_NORM1: case B_DEC_NORM2: case B_DEC_NORM3: snprintf(dst, n, _("Add & Norm: LayerNorm(x + sublayer(x)) per token: [%d%s%d]"), T, x, D); break;
    case B_ENC_FFN: snprintf(dst, n, _("feed-forward max(0, xW\xE2\x82\x81+b\xE2\x82\x81)W\xE2\x82\x82+b\xE2\x82\x82 : [%d%s%d] \xE2\x86\x92 [%d%s%d] \xE2\x86\x92 [%d%s%d]"), S, x, D, S, x, F, S, x, D); break;
    case B_DEC_FFN: snprintf(dst, n, _("feed-forward max(0, xW\xE2\x82\x81+b\xE2\x82\x81)W\xE2\x82\x82+b\xE2\x82\x82 : [%d%s%d] \xE2\x86\x92 [%d%s%d] \xE2\x86\x92 [%d%s%d]"), T, x, D, T, x, F, T, x, D); break;
    case B_ENC_STACK: snprintf(dst, n, _("encoder: N = %d layers; its output, the memory, is [%d%s%d]"), c->n_enc_layers, S, x, D); break;
    case B_DEC_STACK: snprintf(dst, n, _("decoder: N = %d layers, run once per output token (%d steps)"), c->n_dec_layers, T); break;
    case B_TGT: snprintf(dst, n, _("decoder input: <bos> then the words produced so far, T = %d"), T); break;
    case B_DEC_EMBED: snprintf(dst, n, _("the same embedding E: ids [%d] \xE2\x86\x92 E[id]\xC2\xB7\xE2\x88\x9A%d : [%d%s%d]"), T, D, T, x, D); break;
    case B_DEC_SELF: snprintf(dst, n, _("masked self-attention, row t sees 0..t only: [%d%s%d] \xE2\x86\x92 [%d%s%d]"), T, x, D, T, x, D); break;
    case B_DEC_CROSS: snprintf(dst, n, _("cross-attention: Q from decoder [%d%s%d], K V from memory [%d%s%d], weights [%d%s%d]"), T, x, D, S, x, D, T, x, S); break;
    case B_LINEAR: snprintf(dst, n, _("linear h\xC2\xB7" "E\xE1\xB5\x80, same E (tied): [%d%s%d]\xC2\xB7[%d%s%d] \xE2\x86\x92 [%d%s%d] logits"), T, x, D, D, x, V, T, x, V); break;
    case B_SOFTMAX: snprintf(dst, n, _("softmax over %d words per row: [%d%s%d] probabilities"), V, T, x, V); break;
    case B_OUT: snprintf(dst, n, _("the most probable word at each step, until <eos>: %d word%s"), tr->n_out, tr->n_out == 1 ? "" : "s"); break;
    case B_LINK_QKV: snprintf(dst, n, _("X\xC2\xB7W_Q, X\xC2\xB7W_K, X\xC2\xB7W_V per head: [%d%s%d]\xC2\xB7[%d%s%d]"), S, x, D, D, x, K); break;
    case B_LINK_ATTN: snprintf(dst, n, _("each head: softmax(Q\xC2\xB7K\xE1\xB5\x80/\xE2\x88\x9A%d)\xC2\xB7V, weights [%d%s%d]"), K, S, x, S); break;
    case B_LINK_MH: snprintf(dst, n, _("%d heads side by side [%d%s%d], mixed by W_O [%d%s%d]"), H, S, x, H * K, D, x, D); break;
    default: dst[0] = 0;
    }
}

/* A sentence row's words: its prefix and token ids, and (out, when decoding finished) a closing <eos>. */
typedef struct {
    const char *prefix;
    const int *ids;
    int n, eos;
} ov_words;

static ov_words row_words(const lesson_ctx *ctx, int b)
{
    const trace *tr = ctx->tr;
    if (b == B_SRC) return (ov_words){_("in:"), tr->src_ids, tr->n_src, 0};
    if (b == B_TGT) return (ov_words){_("shifted right:"), tr->tgt_ids, tr->n_tgt, 0};
    return (ov_words){_("out:"), tr->out_ids, tr->n_out, tr->finished};
}

static int word_id(const ov_words *w, int i) { return i < w->n ? w->ids[i] : TOK_EOS; }

/* The prefix and the words joined with spaces, whole (cap holds 32 tokens of any length). */
static void row_line(const lesson_ctx *ctx, const ov_words *w, char *dst, size_t cap)
{
    size_t k = (size_t)snprintf(dst, cap, "%s", w->prefix);
    for (int i = 0; i < w->n + w->eos && k + 2 < cap; i++) {
        int m = snprintf(dst + k, cap - k, " %s", tok_vocab_word(ctx->vocab, word_id(w, i)));
        if (m < 0) break;
        k += (size_t)m;
    }
}

/* The width of the row as a prefix and chips at the box font; 0 when they do not fit its box. */
static int row_chips_width(const lesson_ctx *ctx, const ov_layout *L, int b)
{
    ui_ctx *ui = ctx->ui;
    const ov_words w = row_words(ctx, b);
    const float cs = L->font * 0.85f;
    int gap = ui_px(ui, 4), pw, total;
    ui_text_size(ui, UI_BOLD, L->font, w.prefix, &pw, NULL);
    total = pw + gap;
    for (int i = 0; i < w.n + w.eos; i++) total += ui_chip_width(ui, cs, tok_vocab_word(ctx->vocab, word_id(&w, i)), NULL) + gap;
    const int ch = ui_line_height(ui, UI_BOLD, cs) + 2 * ui_px(ui, cs * 0.35f);
    return total <= L->r[b].w && ch <= L->row_h ? total : 0;
}

/* The wrapped row's font: the box font, not under the legal size. */
static float row_font(const ov_layout *L) { return L->font < UI_SIZE_LEGAL ? UI_SIZE_LEGAL : L->font; }

/* The height a sentence row needs when neither its chips nor one line of it (down to the legal size) fit
 * its box: its words wrapped at row_font with a margin; 0 when it fits on one line. */
static int ov_row_need(const lesson_ctx *ctx, const ov_layout *L, int b)
{
    ui_ctx *ui = ctx->ui;
    if (row_chips_width(ctx, L, b) > 0) return 0;
    char line[1300];
    const ov_words w = row_words(ctx, b);
    row_line(ctx, &w, line, sizeof line);
    int lw = 0;
    ui_text_size(ui, UI_BOLD, SDL_min(L->font, UI_SIZE_LEGAL), line, &lw, NULL);
    if (lw <= L->r[b].w) return 0;
    const int pad = ui_px(ui, 4), w_wrap = b == B_SRC ? L->src_wide_w : L->r[b].w;
    return ui_text_wrap(ui, UI_BOLD, row_font(L), (SDL_Rect){0, 0, w_wrap - 2 * pad, 0}, 0, ui->theme->text, line) + 2 * pad;
}

/* One row of words in block b: a prefix, then the tokens as chips if they all fit at the box font,
 * else as one line of text (shrunk down to the legal size), else wrapped (the layout gave it the height). */
static void word_row(const lesson_ctx *ctx, const ov_layout *L, int b, SDL_Color c)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    SDL_Rect r = L->r[b];
    int hot = ui_mouse_in(ui, r);
    if (hot) ui_fill(ui, r, ui_alpha(t->accent, 50));
    const ov_words w = row_words(ctx, b);
    const int total = row_chips_width(ctx, L, b);
    if (total > 0) {
        const float cs = L->font * 0.85f;
        const int gap = ui_px(ui, 4), ch = ui_line_height(ui, UI_BOLD, cs) + 2 * ui_px(ui, cs * 0.35f);
        int x = r.x + (r.w - total) / 2, y = r.y + r.h / 2 - ch / 2;
        x += ui_text(ui, UI_BOLD, L->font, x, r.y + r.h / 2, hot ? t->accent : c, UI_LEFT | UI_MIDDLE, w.prefix) + gap;
        for (int i = 0; i < w.n + w.eos; i++) {
            const int id = word_id(&w, i);
            SDL_Rect cr = ui_chip(ui, cs, x, y, tok_vocab_word(ctx->vocab, id), NULL, id == TOK_UNK ? UI_CHIP_UNK : id < 4 ? UI_CHIP_SPECIAL : UI_CHIP_WORD, 0);
            x += cr.w + gap;
        }
        return;
    }
    char line[1300];
    row_line(ctx, &w, line, sizeof line);
    if (!L->wrap[b]) {
        ui_text_fit(ui, UI_BOLD, L->font, r.x + r.w / 2, r.y + r.h / 2, r.w, hot ? t->accent : c, UI_CENTER | UI_MIDDLE, line);
        return;
    }
    const int pad = ui_px(ui, 4);
    ui_text_wrap(ui, UI_BOLD, row_font(L), (SDL_Rect){r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad}, 0, hot ? t->accent : c, line);
}

static void box(const lesson_ctx *ctx, const ov_layout *L, int b, const char *label)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    SDL_Rect r = L->r[b];
    int hot = ui_mouse_in(ui, r);
    SDL_Color f = kind_fill(t, defs[b].kind);
    if (hot) f = ui_color_lerp(f, t->accent, 0.25f);
    ui_fill(ui, r, f);
    ui_frame(ui, r, hot ? t->accent : ui_color_lerp(f, t->text, 0.45f), hot ? ui_px(ui, 3) : ui_px(ui, 1.5f));
    ui_text_fit(ui, UI_BOLD, L->font, r.x + r.w / 2, r.y + r.h / 2, r.w - ui_px(ui, 6), ui_text_on(f), UI_CENTER | UI_MIDDLE, label);
}

/* An arrow from the top of `from` up to the bottom of `to`, at the narrower box's centre (the column's:
 * a sentence row may be wider than its column). */
static void up_arrow(const lesson_ctx *ctx, SDL_Rect from, SDL_Rect to)
{
    ui_ctx *ui = ctx->ui;
    const SDL_Rect n = from.w <= to.w ? from : to;
    float x = (float)(n.x + n.w / 2);
    ui_arrow(ui, x, (float)from.y, x, (float)(to.y + to.h + ui_px(ui, 1)), (float)ui_px(ui, 2), ui->theme->text_dim);
}

/* The residual path: from below `sub` out to the side, up, and into the Add & Norm box. */
static void residual(const lesson_ctx *ctx, SDL_Rect sub, SDL_Rect norm, int side)
{
    ui_ctx *ui = ctx->ui;
    SDL_Color c = ui->theme->text_dim;
    float th = (float)ui_px(ui, 1.5f);
    float y0 = (float)(sub.y + sub.h) + (float)ui_px(ui, 5);
    float xe = side < 0 ? (float)sub.x - (float)ui_px(ui, 8) : (float)(sub.x + sub.w) + (float)ui_px(ui, 8);
    float xc = (float)(sub.x + sub.w / 2);
    float yn = (float)(norm.y + norm.h / 2);
    ui_line(ui, xc, y0, xe, y0, th, c);
    ui_line(ui, xe, y0, xe, yn, th, c);
    ui_arrow(ui, xe, yn, side < 0 ? (float)norm.x : (float)(norm.x + norm.w), yn, th, c);
}

/* The two stack frames and their "N ×" labels (links to the stack lessons). */
static void draw_stacks(const lesson_ctx *ctx, const ov_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const model_config *c = &ctx->tr->cfg;
    char b[64];
    for (int s = 0; s < 2; s++) {
        SDL_Rect f = L->frame[s];
        ui_fill(ui, f, ui_alpha(t->panel, 200));
        ui_frame(ui, f, t->border, ui_px(ui, 2));
    }
    for (int s = 0; s < 2; s++) {
        int bi = s ? B_DEC_STACK : B_ENC_STACK;
        SDL_Rect r = L->r[bi];
        int hot = ui_mouse_in(ui, r);
        if (hot) ui_fill(ui, r, ui_alpha(t->accent, 60));
        snprintf(b, sizeof b, s ? "\xC3\x97 N = %d" : "N = %d \xC3\x97", s ? c->n_dec_layers : c->n_enc_layers);
        ui_text(ui, UI_BOLD, L->font * 1.1f, s ? r.x : r.x + r.w, r.y + r.h / 2, hot ? t->accent : t->text, (s ? UI_LEFT : UI_RIGHT) | UI_MIDDLE, b);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL * 0.9f, s ? r.x : r.x + r.w, r.y + r.h + ui_px(ui, 2), t->text_dim, (s ? UI_LEFT : UI_RIGHT) | UI_TOP,
                s ? _("decoder") : _("encoder"));
    }
}

/* The arrows up each column, the residual connections, and the memory from the
 * top of the encoder into the cross-attention. */
static void draw_flow(const lesson_ctx *ctx, const ov_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    static const int enc_chain[] = {B_SRC, B_ENC_EMBED, B_ENC_PE, B_ENC_ATTN, B_ENC_NORM1, B_ENC_FFN, B_ENC_NORM2};
    static const int dec_chain[] = {B_TGT, B_DEC_EMBED, B_DEC_PE, B_DEC_SELF, B_DEC_NORM1, B_DEC_CROSS, B_DEC_NORM2,
                                    B_DEC_FFN, B_DEC_NORM3, B_LINEAR, B_SOFTMAX, B_OUT};
    for (size_t i = 0; i + 1 < sizeof enc_chain / sizeof enc_chain[0]; i++) up_arrow(ctx, L->r[enc_chain[i]], L->r[enc_chain[i + 1]]);
    for (size_t i = 0; i + 1 < sizeof dec_chain / sizeof dec_chain[0]; i++) up_arrow(ctx, L->r[dec_chain[i]], L->r[dec_chain[i + 1]]);
    residual(ctx, L->r[B_ENC_ATTN], L->r[B_ENC_NORM1], -1);
    residual(ctx, L->r[B_ENC_FFN], L->r[B_ENC_NORM2], -1);
    residual(ctx, L->r[B_DEC_SELF], L->r[B_DEC_NORM1], 1);
    residual(ctx, L->r[B_DEC_CROSS], L->r[B_DEC_NORM2], 1);
    residual(ctx, L->r[B_DEC_FFN], L->r[B_DEC_NORM3], 1);
    SDL_Rect e = L->r[B_ENC_NORM2], x = L->r[B_DEC_CROSS];
    float th = (float)ui_px(ui, 3);
    float x0 = (float)(e.x + e.w / 2), y0 = (float)e.y;
    float ytop = (float)L->frame[0].y - (float)ui_px(ui, 14);
    float xm = (float)(L->frame[1].x) - (float)ui_px(ui, 26);
    float yx = (float)(x.y + x.h / 2);
    ui_line(ui, x0, y0, x0, ytop, th, t->accent);
    ui_line(ui, x0, ytop, xm, ytop, th, t->accent);
    ui_line(ui, xm, ytop, xm, yx, th, t->accent);
    ui_arrow(ui, xm, yx, (float)x.x, yx, th, t->accent);
    int sl = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    int ly = ui_f2i((ytop + yx) / 2) - 3 * sl / 2;
    char b[64];
    snprintf(b, sizeof b, "[%d\xC3\x97%d]", ctx->tr->n_src, ctx->tr->cfg.d_model);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, ui_f2i(xm) - ui_px(ui, 6), ly, t->accent, UI_RIGHT, _("memory"));
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, ui_f2i(xm) - ui_px(ui, 6), ly + sl, t->accent, UI_RIGHT, b);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, ui_f2i(xm) - ui_px(ui, 6), ly + 2 * sl, t->accent, UI_RIGHT, "\xE2\x86\x92 K, V");
}

/* Positional encoding: a circled plus with its label outside the column. */
static void draw_pe_plus(const lesson_ctx *ctx, const ov_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    for (int s = 0; s < 2; s++) {
        int bi = s ? B_DEC_PE : B_ENC_PE;
        SDL_Rect r = L->r[bi];
        int hot = ui_mouse_in(ui, r);
        float cx = (float)(r.x + r.w / 2), cy = (float)(r.y + r.h / 2), rad = (float)r.h * 0.42f;
        ui_circle(ui, cx, cy, rad, hot ? ui_alpha(t->accent, 90) : t->panel_alt, 1);
        ui_circle(ui, cx, cy, rad, hot ? t->accent : t->text, 0);
        ui_line(ui, cx - rad * 0.6f, cy, cx + rad * 0.6f, cy, (float)ui_px(ui, 2), t->text);
        ui_line(ui, cx, cy - rad * 0.6f, cx, cy + rad * 0.6f, (float)ui_px(ui, 2), t->text);
        int lx = s ? r.x + r.w + ui_px(ui, 10) : r.x - ui_px(ui, 10);
        ui_text(ui, UI_SANS, L->font, lx, ui_f2i(cy), hot ? t->accent : t->text, (s ? UI_LEFT : UI_RIGHT) | UI_MIDDLE, _("positional encoding"));
    }
}

/* The model card: this model's sizes beside the paper's, and the links into
 * the attention block's lessons. */
static void draw_card(const lesson_ctx *ctx, const ov_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    const model_config *c = &tr->cfg;
    int D = c->d_model, H = c->n_heads;
    SDL_Rect r = L->info;
    int pad = ui_px(ui, 8);
    ui_panel(ui, r);
    int y = r.y + pad;
    int lh = ui_line_height(ui, UI_SANS, L->font);
    ui_text_fit(ui, UI_BOLD, L->font * 1.1f, r.x + pad, y, r.w - 2 * pad, t->text, UI_LEFT, _("This model   (in brackets: the paper's base model)"));
    y += ui_line_height(ui, UI_BOLD, L->font * 1.1f) + ui_px(ui, 2);
    char lines[4][160];
    snprintf(lines[0], sizeof lines[0], _("d_model D = %d  (paper 512)   heads H = %d, d_k = %d  (8, 64)"), D, H, D / H);
    snprintf(lines[1], sizeof lines[1], _("d_ff F = %d  (2048)   layers N = %d + %d  (6 + 6)"), c->d_ff, c->n_enc_layers, c->n_dec_layers);
    snprintf(lines[2], sizeof lines[2], _("vocabulary V = %d words (shared)   at most L = %d tokens"), c->vocab_size, c->max_len);
    snprintf(lines[3], sizeof lines[3], _("this sentence: S = %d tokens in, %d decoding steps"), tr->n_src, tr->n_tgt);
    for (int i = 0; i < 4; i++) {
        if (y + lh > L->r[B_LINK_QKV].y) break;
        ui_text_fit(ui, UI_SANS, L->font, r.x + pad, y, r.w - 2 * pad, i == 3 ? t->accent : t->text, UI_LEFT, lines[i]);
        y += lh;
    }
    if (L->r[B_LINK_QKV].y - ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) >= y)
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, r.x + pad, L->r[B_LINK_QKV].y - ui_px(ui, 2), t->text_dim, UI_LEFT | UI_BOTTOM,
                _("inside every multi-head attention block:"));
    for (int i = B_LINK_QKV; i <= B_LINK_MH; i++) {
        SDL_Rect lr = L->r[i];
        int hot = ui_mouse_in(ui, lr);
        ui_fill(ui, lr, hot ? ui_alpha(t->accent, 70) : kind_fill(t, K_ATTN));
        ui_frame(ui, lr, hot ? t->accent : t->border, 1);
        ui_text_fit(ui, UI_BOLD, L->font * 0.9f, lr.x + lr.w / 2, lr.y + lr.h / 2, lr.w - 4, hot ? t->text : ui_text_on(kind_fill(t, K_ATTN)),
                    UI_CENTER | UI_MIDDLE, _(defs[i].label));
    }
}

static void ov_draw(const void *st, const lesson_ctx *ctx)
{
    (void)st;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const ov_layout *L = ctx->layout;
    draw_stacks(ctx, L);
    draw_flow(ctx, L);
    for (int i = 0; i < N_BLOCKS; i++) {
        int k = defs[i].kind;
        if (k == K_FRAME || k == K_TEXT || k == K_LINK || k == K_PE) continue;
        box(ctx, L, i, _(defs[i].label));
    }
    draw_pe_plus(ctx, L);
    /* the words: in at the bottom, out at the top (chips when they fit, else text) */
    word_row(ctx, L, B_SRC, t->text);
    word_row(ctx, L, B_TGT, t->text);
    word_row(ctx, L, B_OUT, t->accent);
    draw_card(ctx, L);
    /* the hovered block: what it is, its shape */
    for (int i = 0; i < N_BLOCKS; i++)
        if (ui_mouse_in(ui, L->r[i])) {
            char tip[400];
            block_tip(ctx, i, tip, sizeof tip);
            ui_hover_text(ui, L->r[i], _("%s \xE2\x86\x92 lesson %d"), tip, defs[i].number);
            break;
        }
}

static int ov_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    (void)st;
    if (ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT || !ctx->act) return 0;
    const ov_layout *L = ctx->layout;
    for (int i = 0; i < N_BLOCKS; i++) {
        if (!ui_point_in(L->r[i], ev->button.x, ev->button.y) || !defs[i].slug[0]) continue;
        if (lesson_find(defs[i].slug) >= 0) {
            snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "%s", defs[i].slug);
        } else {
            snprintf(ctx->act->toast, sizeof ctx->act->toast, "Lesson %d (%s) is not in this version yet", defs[i].number, defs[i].slug);
        }
        ctx->act->redraw = 1;
        return 1;
    }
    return 0;
}

static int ov_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    (void)st;
    const ov_layout *L = ctx->layout;
    size_t k = 0;
#define OV_PUT(...) do { int w_ = snprintf(dst + k, k < n ? n - k : 0, __VA_ARGS__); if (w_ > 0) k += (size_t)w_; } while (0)
    OV_PUT("{\"blocks\": [");
    for (int i = 0; i < N_BLOCKS; i++)
        OV_PUT("%s{\"key\": \"%s\", \"slug\": \"%s\", \"rect\": [%d, %d, %d, %d]}", i ? ", " : "", defs[i].key, defs[i].slug,
               L->r[i].x, L->r[i].y, L->r[i].w, L->r[i].h);
    OV_PUT("]}");
#undef OV_PUT
    return (int)(k < n ? k : n);
}

const lesson lesson_overview = {
    .slug = "overview", .title = N_("The whole model"),
    .keys = N_("click a block to open its lesson"),
    .layout_size = sizeof(ov_layout), .layout = ov_layout_of,
    .handle_event = ov_event, .draw = ov_draw, .dump_json = ov_dump,
};
