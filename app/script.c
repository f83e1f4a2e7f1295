/* script.c - parsing of --script files (see script.h).
 *
 * Must not: touch SDL state; SDL_GetKeyFromName is a pure table lookup.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include <SDL.h>

#include "script.h"

static const struct { const char *alias, *sdl; } key_alias[] = {
    {"esc", "Escape"}, {"enter", "Return"}, {"pagedown", "PageDown"}, {"pageup", "PageUp"},
    {"pgdn", "PageDown"}, {"pgup", "PageUp"}, {"del", "Delete"}, {"plus", "+"}, {"minus", "-"},
    {"slash", "/"}, {"question", "?"}, {"comma", ","}, {"period", "."}, {"leftbracket", "["},
    {"rightbracket", "]"}, {"semicolon", ";"}, {"quote", "'"}, {"equals", "="},
};

/* One decimal integer in lo..hi at *p (after blanks): an optional sign and
 * digits, ending at a blank or the end. Digits are accumulated with an
 * overflow check, so 4294967296 is "out of range", never 0. 0, or -1 with
 * *p left where the number starts. */
static int parse_int(const char **p, long lo, long hi, int *out)
{
    while (**p == ' ' || **p == '\t') (*p)++;
    const char *q = *p;
    int neg = 0;
    if (*q == '+' || *q == '-') neg = *q++ == '-';
    if (*q < '0' || *q > '9') return -1;
    long v = 0;
    for (; *q >= '0' && *q <= '9'; q++) {
        int d = *q - '0';
        if (v > (LONG_MAX - d) / 10) v = LONG_MAX; /* saturate: far out of any range */
        else v = v * 10 + d;
    }
    if (*q && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n') return -1;
    if (neg) v = -v;
    if (v < lo || v > hi) return -1;
    *out = (int)v;
    *p = q;
    return 0;
}

static int only_space(const char *p)
{
    while (*p) { if (!isspace((unsigned char)*p)) return 0; p++; }
    return 1;
}

static int parse_key(const char *spec, script_cmd *c, char *err, size_t n)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", spec);
    c->mod = 0;
    char *s = buf;
    for (;;) {
        char *plus = strchr(s, '+');
        if (!plus || plus == s || plus[1] == 0) break; /* "+" alone, or a trailing "+", is the key itself */
        *plus = 0;
        if (!strcasecmp(s, "ctrl") || !strcasecmp(s, "control")) c->mod |= KMOD_LCTRL;
        else if (!strcasecmp(s, "shift")) c->mod |= KMOD_LSHIFT;
        else if (!strcasecmp(s, "alt")) c->mod |= KMOD_LALT;
        else if (!strcasecmp(s, "gui") || !strcasecmp(s, "super")) c->mod |= KMOD_LGUI;
        else { snprintf(err, n, "unknown modifier '%s' in '%s'", s, spec); return -1; }
        s = plus + 1;
    }
    for (size_t i = 0; i < sizeof key_alias / sizeof key_alias[0]; i++)
        if (!strcasecmp(s, key_alias[i].alias)) { s = (char *)key_alias[i].sdl; break; }
    SDL_Keycode k = SDL_GetKeyFromName(s);
    if (k == SDLK_UNKNOWN) { snprintf(err, n, "unknown key name '%s'", s); return -1; }
    c->key = (int)k;
    return 0;
}

int script_parse_line(const char *line, script_cmd *c, char *err, size_t n)
{
    memset(c, 0, sizeof *c);
    char buf[SCRIPT_LINE_MAX + 3]; /* the line, "\r\n" and the NUL */
    size_t l = strlen(line);
    if (l > SCRIPT_LINE_MAX + 2 || (l > SCRIPT_LINE_MAX && strspn(line + SCRIPT_LINE_MAX, "\r\n") != l - SCRIPT_LINE_MAX)) {
        snprintf(err, n, "line is longer than %d bytes (the limit of a script line)", SCRIPT_LINE_MAX);
        return -1;
    }
    memcpy(buf, line, l + 1);
    while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r')) buf[--l] = 0;
    const char *p = buf;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == 0 || *p == '#') return 0;
    char word[32];
    int wl = 0;
    while (p[wl] && !isspace((unsigned char)p[wl]) && wl < 31) { word[wl] = p[wl]; wl++; }
    word[wl] = 0;
    const char *rest = p + wl;
    const char *arg = rest;
    while (*arg == ' ' || *arg == '\t') arg++;
    if (!strcmp(word, "type")) {
        if (*rest != ' ' && *rest != '\t') { snprintf(err, n, "type needs text"); return -1; }
        c->op = SCRIPT_TYPE;
        snprintf(c->arg, sizeof c->arg, "%s", rest + 1); /* keeps further spaces */
        return 1;
    }
    if (!strcmp(word, "key")) {
        if (!*arg) { snprintf(err, n, "key needs a key name"); return -1; }
        char spec[128];
        int sl = 0;
        while (arg[sl] && !isspace((unsigned char)arg[sl]) && sl < 127) { spec[sl] = arg[sl]; sl++; }
        spec[sl] = 0;
        if (!only_space(arg + sl)) { snprintf(err, n, "key takes one key name"); return -1; }
        c->op = SCRIPT_KEY;
        snprintf(c->arg, sizeof c->arg, "%s", spec);
        return parse_key(spec, c, err, n) == 0 ? 1 : -1;
    }
    if (!strcmp(word, "click") || !strcmp(word, "move") || !strcmp(word, "resize")) {
        const char *q = rest;
        int rs = !strcmp(word, "resize");
        long lo = rs ? SCRIPT_SIZE_MIN : -SCRIPT_COORD_MAX, hi = rs ? SCRIPT_SIZE_MAX : SCRIPT_COORD_MAX;
        if (parse_int(&q, lo, hi, &c->x) || parse_int(&q, lo, hi, &c->y) || !only_space(q)) {
            if (rs) snprintf(err, n, "resize needs two integers in %d..%d", SCRIPT_SIZE_MIN, SCRIPT_SIZE_MAX);
            else snprintf(err, n, "%s needs two integers in %d..%d", word, -SCRIPT_COORD_MAX, SCRIPT_COORD_MAX);
            return -1;
        }
        c->op = !strcmp(word, "click") ? SCRIPT_CLICK : !strcmp(word, "move") ? SCRIPT_MOVE : SCRIPT_RESIZE;
        return 1;
    }
    if (!strcmp(word, "wait")) {
        const char *q = rest;
        if (parse_int(&q, 0, SCRIPT_WAIT_MAX, &c->x) || !only_space(q)) {
            snprintf(err, n, "wait needs a frame count in 0..%d", SCRIPT_WAIT_MAX);
            return -1;
        }
        c->op = SCRIPT_WAIT;
        return 1;
    }
    if (!strcmp(word, "train-wait")) {
        const char *q = rest;
        if (parse_int(&q, 1, SCRIPT_WAIT_MAX, &c->x) || parse_int(&q, 1, 3600, &c->y) || !only_space(q)) {
            snprintf(err, n, "train-wait needs a step in 1..%d and at most how many seconds, 1..3600", SCRIPT_WAIT_MAX);
            return -1;
        }
        c->op = SCRIPT_TRAIN_WAIT;
        return 1;
    }
    if (!strcmp(word, "busy-wait")) {
        const char *q = rest;
        if (parse_int(&q, 1, 3600, &c->x) || !only_space(q)) {
            snprintf(err, n, "busy-wait needs at most how many seconds, 1..3600");
            return -1;
        }
        c->op = SCRIPT_BUSY_WAIT;
        return 1;
    }
    if (!strcmp(word, "screenshot") || !strcmp(word, "dump") || !strcmp(word, "lesson")) {
        if (!*arg) { snprintf(err, n, "%s needs an argument", word); return -1; }
        c->op = !strcmp(word, "screenshot") ? SCRIPT_SCREENSHOT : !strcmp(word, "dump") ? SCRIPT_DUMP : SCRIPT_LESSON;
        snprintf(c->arg, sizeof c->arg, "%s", arg);
        size_t al = strlen(c->arg);
        while (al && isspace((unsigned char)c->arg[al - 1])) c->arg[--al] = 0;
        return 1;
    }
    if (!strcmp(word, "quit")) {
        if (!only_space(rest)) { snprintf(err, n, "quit takes no argument"); return -1; }
        c->op = SCRIPT_QUIT;
        return 1;
    }
    snprintf(err, n, "unknown command '%s'", word);
    return -1;
}

int script_load(const char *path, script_cmd **out, char *err, size_t n)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, n, "%s: cannot open script: %s", path, strerror(errno)); return -1; }
    int cap = 64, cnt = 0, lineno = 0, rc = 0;
    script_cmd *cmds = malloc(sizeof *cmds * (size_t)cap);
    char *line = NULL, e[256];
    size_t line_cap = 0;
    ssize_t len;
    if (!cmds) { snprintf(err, n, "%s: out of memory", path); rc = -1; }
    /* getline: no length limit while reading, so a long line is one line (with
     * its own number) and is refused whole, never split into commands */
    while (rc == 0 && (len = getline(&line, &line_cap, f)) >= 0) {
        if (lineno == INT_MAX) { snprintf(err, n, "%s: more than %d lines", path, INT_MAX); rc = -1; break; }
        lineno++;
        const char *nul = memchr(line, 0, (size_t)len);
        if (nul) {
            snprintf(err, n, "%s:%d: NUL byte at column %d (a script is text)", path, lineno, (int)(nul - line) + 1);
            rc = -1;
            break;
        }
        script_cmd c;
        int r = script_parse_line(line, &c, e, sizeof e);
        if (r < 0) { snprintf(err, n, "%s:%d: %s", path, lineno, e); rc = -1; break; }
        if (r == 0) continue;
        c.line = lineno;
        if (cnt == cap) {
            script_cmd *nc = cap < INT_MAX / 2 ? realloc(cmds, sizeof *cmds * (size_t)cap * 2) : NULL;
            if (!nc) { snprintf(err, n, "%s:%d: out of memory", path, lineno); rc = -1; break; }
            cmds = nc;
            cap *= 2;
        }
        cmds[cnt++] = c;
    }
    if (rc == 0 && ferror(f)) { snprintf(err, n, "%s: read error after line %d: %s", path, lineno, strerror(errno)); rc = -1; }
    free(line);
    fclose(f);
    if (rc != 0) { free(cmds); return -1; }
    *out = cmds;
    return cnt;
}
