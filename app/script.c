/* script.c - parsing of --script files (see script.h).
 *
 * Must not: touch SDL state; SDL_GetKeyFromName is a pure table lookup.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <SDL.h>

#include "script.h"

static const struct { const char *alias, *sdl; } key_alias[] = {
    {"esc", "Escape"}, {"enter", "Return"}, {"pagedown", "PageDown"}, {"pageup", "PageUp"},
    {"pgdn", "PageDown"}, {"pgup", "PageUp"}, {"del", "Delete"}, {"plus", "+"}, {"minus", "-"},
    {"slash", "/"}, {"question", "?"}, {"comma", ","}, {"period", "."}, {"leftbracket", "["},
    {"rightbracket", "]"}, {"semicolon", ";"}, {"quote", "'"}, {"equals", "="},
};

static int parse_int(const char **p, int *out)
{
    while (**p == ' ' || **p == '\t') (*p)++;
    char *end;
    long v = strtol(*p, &end, 10);
    if (end == *p) return -1;
    *out = (int)v;
    *p = end;
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
    char buf[1100];
    snprintf(buf, sizeof buf, "%s", line);
    size_t l = strlen(buf);
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
        if (parse_int(&q, &c->x) || parse_int(&q, &c->y) || !only_space(q)) {
            snprintf(err, n, "%s needs two integers", word);
            return -1;
        }
        if (!strcmp(word, "resize") && (c->x < 100 || c->y < 100 || c->x > 8192 || c->y > 8192)) {
            snprintf(err, n, "resize size out of range (100..8192)");
            return -1;
        }
        c->op = !strcmp(word, "click") ? SCRIPT_CLICK : !strcmp(word, "move") ? SCRIPT_MOVE : SCRIPT_RESIZE;
        return 1;
    }
    if (!strcmp(word, "wait")) {
        const char *q = rest;
        if (parse_int(&q, &c->x) || !only_space(q) || c->x < 0) { snprintf(err, n, "wait needs a frame count >= 0"); return -1; }
        c->op = SCRIPT_WAIT;
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
    if (!f) { snprintf(err, n, "%s: cannot open script", path); return -1; }
    int cap = 64, cnt = 0, lineno = 0;
    script_cmd *cmds = malloc(sizeof *cmds * (size_t)cap);
    char line[1100], e[256];
    while (cmds && fgets(line, sizeof line, f)) {
        lineno++;
        script_cmd c;
        int rc = script_parse_line(line, &c, e, sizeof e);
        if (rc < 0) {
            snprintf(err, n, "%s:%d: %s", path, lineno, e);
            free(cmds);
            fclose(f);
            return -1;
        }
        if (rc == 0) continue;
        c.line = lineno;
        if (cnt == cap) {
            cap *= 2;
            script_cmd *nc = realloc(cmds, sizeof *cmds * (size_t)cap);
            if (!nc) { free(cmds); cmds = NULL; break; }
            cmds = nc;
        }
        cmds[cnt++] = c;
    }
    fclose(f);
    if (!cmds) { snprintf(err, n, "%s: out of memory", path); return -1; }
    *out = cmds;
    return cnt;
}
