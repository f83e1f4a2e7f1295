/* settings.c - the user's settings file, remembered between runs: one
 * "key = value" a line ('#' starts a comment line), at
 * $XDG_CONFIG_HOME/transformer-lab/settings.conf, or ~/.config/transformer-lab/settings.conf
 * when XDG_CONFIG_HOME is unset or empty (the XDG base directory rule).
 * Today it holds the language chosen with Ctrl+Shift+L ("lang = zh").
 *
 * Writing keeps the other lines as they were and replaces the file in one
 * step through afile (AFILE_REPLACE): a crash leaves the old file or the new
 * one, never half of either.
 *
 * Must not: draw, or decide what a setting means (its callers do).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "export.h"
#include "shell.h"

int app_settings_path(char *dst, size_t n, int dir_only)
{
    const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int w;
    if (x && *x) w = snprintf(dst, n, "%s/transformer-lab%s", x, dir_only ? "" : "/settings.conf");
    else if (home && *home) w = snprintf(dst, n, "%s/.config/transformer-lab%s", home, dir_only ? "" : "/settings.conf");
    else return -1;
    return w > 0 && (size_t)w < n ? 0 : -1;
}

/* The file's text (malloc'ed, "" when there is none), or NULL when out of memory. */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1024, n = 0, got;
    char *s = malloc(cap);
    while (s && f && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            char *ns = cap < (1u << 20) ? realloc(s, cap * 2) : NULL;
            if (!ns) { free(s); s = NULL; break; }
            s = ns;
            cap *= 2;
        }
    }
    if (f) fclose(f);
    if (s) s[n] = 0;
    return s;
}

/* Where line (up to its end) sets key: the value's start and length; else NULL. */
static const char *line_value(const char *line, const char *key, size_t *len)
{
    while (*line == ' ' || *line == '\t') line++;
    size_t k = strlen(key);
    if (strncmp(line, key, k) != 0) return NULL;
    line += k;
    while (*line == ' ' || *line == '\t') line++;
    if (*line != '=') return NULL;
    line++;
    while (*line == ' ' || *line == '\t') line++;
    size_t m = strcspn(line, "\n");
    while (m > 0 && isspace((unsigned char)line[m - 1])) m--;
    *len = m;
    return line;
}

int app_settings_get(const char *key, char *val, size_t n)
{
    char path[1024];
    if (app_settings_path(path, sizeof path, 0) != 0) return -1;
    char *s = read_all(path);
    int found = -1;
    for (const char *l = s; l && *l && found < 0; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
        size_t len;
        const char *v = line_value(l, key, &len);
        if (v && len < n) { memcpy(val, v, len); val[len] = 0; found = 0; }
    }
    free(s);
    return found;
}

int app_settings_set(const char *key, const char *val, char *err, size_t err_len)
{
    char dir[1024], path[1100];
    if (app_settings_path(dir, sizeof dir, 1) != 0 || app_settings_path(path, sizeof path, 0) != 0) {
        snprintf(err, err_len, "no settings folder: neither XDG_CONFIG_HOME nor HOME is set");
        return -1;
    }
    if (export_mkdir_p(dir, err, err_len) != 0) return -1;
    char *old = read_all(path);
    size_t cap = (old ? strlen(old) : 0) + strlen(key) + strlen(val) + 8;
    char *out = old ? malloc(cap) : NULL;
    if (!out) { free(old); snprintf(err, err_len, "out of memory"); return -1; }
    size_t n = 0;
    int done = 0;
    for (const char *l = old; *l;) { /* every line as it was, but the key's first line replaced */
        const char *e = strchr(l, '\n');
        size_t ll = e ? (size_t)(e - l) : strlen(l), len;
        if (!done && line_value(l, key, &len)) { n += (size_t)sprintf(out + n, "%s = %s\n", key, val); done = 1; }
        else if (line_value(l, key, &len) == NULL) { memcpy(out + n, l, ll); n += ll; out[n++] = '\n'; }
        l = e ? e + 1 : l + ll;
    }
    if (!done) n += (size_t)sprintf(out + n, "%s = %s\n", key, val);
    int rc = afile_write(path, AFILE_REPLACE, out, n, err, err_len);
    free(out);
    free(old);
    return rc;
}
