/* ui_format.c - the one number format of everything the toolkit and the
 * lessons draw (ui_fmt: significant digits, a true minus, "5.3×10⁻⁵" for the
 * very small and very large, "−∞" for a masked score), the same fitted to a
 * cell (ui_fmt_fit), and the tooltips' six-digit form.
 *
 * Must not: know about lessons, the trace or the model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* Superscript digits and minus for the exponent of ui_fmt. */
static const char *const sup_digit[10] = {"\xE2\x81\xB0", "\xC2\xB9", "\xC2\xB2", "\xC2\xB3", "\xE2\x81\xB4",
                                          "\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7", "\xE2\x81\xB8", "\xE2\x81\xB9"};

static void trim_zeros(char *s)
{
    if (!strchr(s, '.')) return;
    char *z = s + strlen(s) - 1;
    while (*z == '0') *z-- = 0;
    if (*z == '.') *z = 0;
}

/* "m×10ⁿ" for the mantissa text m and exponent e. */
static void fmt_sci(char *dst, size_t n, const char *mant, int e)
{
    char ex[48] = "";
    size_t k = 0;
    char digits[16];
    snprintf(digits, sizeof digits, "%d", e < 0 ? -e : e);
    if (e < 0) k += (size_t)snprintf(ex + k, sizeof ex - k, "\xE2\x81\xBB"); /* superscript minus */
    for (const char *d = digits; *d && k < sizeof ex; d++) k += (size_t)snprintf(ex + k, sizeof ex - k, "%s", sup_digit[*d - '0']);
    snprintf(dst, n, "%s\xC3\x97" "10%s", mant, ex);
}

void ui_fmt(double v, int sig, char *dst, size_t n)
{
    if (!dst || n == 0) return;
    if (sig < 1) sig = 1;
    if (sig > 9) sig = 9;
    const char *minus = v < 0 ? "\xE2\x88\x92" : "";
    double a = fabs(v);
    char b[64];
    if (isnan(v)) { snprintf(dst, n, "NaN"); return; }
    if (isinf(v)) { snprintf(dst, n, "%s\xE2\x88\x9E", v < 0 ? "\xE2\x88\x92" : "+"); return; }
    if (a == 0.0) { snprintf(dst, n, "0"); return; } /* an exact zero (a masked weight), -0 too */
    snprintf(b, sizeof b, "%.*e", sig - 1, a);        /* rounded to sig digits: its exponent decides the form */
    int e = atoi(strchr(b, 'e') + 1);
    if (e >= -3 && e < 5) {
        if (e >= sig - 1) snprintf(b, sizeof b, "%.0f", a);    /* 12345, 768 */
        else snprintf(b, sizeof b, "%.*f", sig - 1 - e, a);    /* 0.00504, 1.44 */
        trim_zeros(b); /* significant digits, not trailing zeros: 0.5 not 0.500 */
        snprintf(dst, n, "%s%s", minus, b);
        return;
    }
    char mant[32];
    snprintf(mant, sizeof mant, "%s%.*f", minus, sig - 1, a / pow(10.0, e)); /* 5.3×10⁻⁵ */
    trim_zeros(mant);
    fmt_sci(dst, n, mant, e);
}

void ui_fmt_col(double v, int dec, char *dst, size_t n)
{
    if (!dst || n == 0) return;
    if (dec < 0) dec = 0;
    if (dec > 6) dec = 6;
    if (!isfinite(v) || (v != 0.0 && fabs(v) < 0.5 * pow(10.0, -dec)) || fabs(v) >= 1e6) { ui_fmt(v, 3, dst, n); return; }
    snprintf(dst, n, "%s%.*f", v < 0 ? "\xE2\x88\x92" : "", dec, fabs(v));
}

const char *ui_fmts(ui_num *b, double v, int sig)
{
    ui_fmt(v, sig, b->s, sizeof b->s);
    return b->s;
}

void ui_format_value(double v, char *dst, size_t n) { ui_fmt(v, 6, dst, n); }

int ui_fmt_fit(ui_ctx *ui, ui_face face, float size, float v, int max_w, char *dst, size_t n)
{
    for (int sig = 3; sig >= 1; sig--) {
        int w = 0;
        ui_fmt(v, sig, dst, n);
        ui_text_size(ui, face, size, dst, &w, NULL);
        if (w <= max_w) return 1;
    }
    dst[0] = 0;
    return 0;
}
