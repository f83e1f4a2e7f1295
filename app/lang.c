/* lang.c - the language the app speaks: the lesson texts (assets/lessons/<lang>/)
 * and the user interface's message catalogue (<locale dir>/<lang>.mo, compiled
 * at build time from assets/po/<lang>.po; see app/ui/ui_lang.c).
 *
 * The languages are the folders of assets/lessons ("en" is the source and
 * needs no catalogue): a third language is its lesson folder and its .po file.
 * The first language of a run is --lang when given, else the one remembered
 * in the settings file (settings.c), else the system locale's (app_args.c).
 * Ctrl+Shift+L and the language button switch to the next one at once, every
 * text redrawn, and remember it. The button shows the next language's own name:
 * the translation of "English" in its catalogue (a language without one: its code).
 *
 * Must not: draw, or parse lesson texts (app.c and narration.c do).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

#ifndef TLAB_LOCALE_DIR
#define TLAB_LOCALE_DIR "locale"
#endif

/* 1 for a usable language code: 2 to 15 of [a-zA-Z_-] (a folder name, never a path). */
static int lang_code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n >= APP_LANG_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' || s[i] == '-')) return 0;
    return 1;
}

static int name_cmp(const void *x, const void *y) { return strcmp((const char *)x, (const char *)y); }

int app_lang_list(const char *assets, char (*out)[APP_LANG_MAX], int max)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/lessons", assets);
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && n < max && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && lang_code_ok(e->d_name)) memcpy(out[n++], e->d_name, strlen(e->d_name) + 1);
    if (d) closedir(d);
    if (n == 0 && max > 0) snprintf(out[n++], APP_LANG_MAX, "en");
    qsort(out, (size_t)n, APP_LANG_MAX, name_cmp);
    return n;
}

/* The lesson texts in lang from now on; the current one read again when one was shown. */
static void lang_texts(app *a, const char *lang)
{
    snprintf(a->lang, sizeof a->lang, "%s", lang);
    int shown = a->text_for >= 0;
    a->text_for = -1;
    if (shown) app_load_lesson_text(a, a->lesson);
    a->dirty = 1;
}

const char *app_lang_from_locale(void)
{
    static const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    static char code[APP_LANG_MAX];
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v) continue;
        size_t n = strcspn(v, "_.@"); /* zh_CN.UTF-8 -> zh; C.UTF-8, POSIX -> no catalogue: English */
        if (n < 2 || n >= sizeof code) return "en";
        memcpy(code, v, n);
        code[n] = 0;
        char mo[1200];
        snprintf(mo, sizeof mo, "%s/%s.mo", TLAB_LOCALE_DIR, code);
        return lang_code_ok(code) && strcmp(code, "en") != 0 && access(mo, R_OK) == 0 ? code : "en";
    }
    return "en";
}

/* The interface's catalogue for lang (English: none). 0, or -1 + message (English then). */
static int lang_catalogue(const char *lang, char *err, size_t err_len)
{
    if (!lang_code_ok(lang)) { snprintf(err, err_len, _("not a language code: '%s'"), lang); return -1; }
    if (strcmp(lang, "en") == 0) { ui_lang_unload(); return 0; }
    char mo[1200], why[1400];
    snprintf(mo, sizeof mo, "%s/%s.mo", TLAB_LOCALE_DIR, lang);
    if (ui_lang_load(mo, why, sizeof why) == 0) return 0;
    ui_lang_unload();
    snprintf(err, err_len, "no interface catalogue for '%s' (%s)", lang, why);
    return -1;
}

void app_lang_early(int argc, char **argv)
{
    char saved[APP_LANG_MAX], err[1600];
    const char *lang = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--lang") == 0) lang = argv[i + 1];
    if (!lang && app_settings_get("lang", saved, sizeof saved) == 0) lang = saved;
    if (!lang) lang = app_lang_from_locale();
    lang_catalogue(lang, err, sizeof err); /* on failure English; app_lang_first says why */
}

int app_lang_set(app *a, const char *lang, char *err, size_t err_len)
{
    if (!lang_code_ok(lang)) { snprintf(err, err_len, _("not a language code: '%s'"), lang); return -1; }
    int rc = lang_catalogue(lang, err, err_len); /* lesson texts may still exist: the interface stays English */
    lang_texts(a, lang);
    return rc;
}

void app_lang_first(app *a)
{
    char saved[APP_LANG_MAX], err[1600];
    const char *lang = a->opt.lang ? a->opt.lang : "en";
    if (!a->opt.lang_given && app_settings_get("lang", saved, sizeof saved) == 0 && lang_code_ok(saved)) lang = saved;
    if (app_lang_set(a, lang, err, sizeof err) != 0) fprintf(stderr, "transformer-lab: %s\n", err);
}

/* The language after the current one in app_lang_list's order (the first after the last). */
static void lang_after(app *a, char out[APP_LANG_MAX])
{
    char langs[32][APP_LANG_MAX];
    int n = app_lang_list(a->assets, langs, 32), k = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(langs[i], a->lang) == 0) k = (i + 1) % n;
    memcpy(out, langs[k], APP_LANG_MAX);
}

const char *app_lang_next_name(app *a)
{
    if (strcmp(a->lang_next_for, a->lang) != 0) { /* the file is read once per language shown */
        char next[APP_LANG_MAX], mo[1200];
        lang_after(a, next);
        snprintf(mo, sizeof mo, "%s/%s.mo", TLAB_LOCALE_DIR, next);
        if (strcmp(next, a->lang) == 0) a->lang_next_name[0] = 0; /* one language: nothing to switch to */
        else if (strcmp(next, "en") == 0 || ui_lang_peek(mo, "English", a->lang_next_name, sizeof a->lang_next_name) != 0)
            snprintf(a->lang_next_name, sizeof a->lang_next_name, "%s", strcmp(next, "en") == 0 ? "English" : next);
        memcpy(a->lang_next_for, a->lang, APP_LANG_MAX);
    }
    return a->lang_next_name;
}

void app_lang_next(app *a)
{
    char next[APP_LANG_MAX], err[1600];
    lang_after(a, next);
    if (app_lang_set(a, next, err, sizeof err) != 0) { app_toast(a, 2, "%s", err); return; }
    if (app_settings_set("lang", a->lang, err, sizeof err) != 0)
        app_toast(a, 2, _("Language not remembered: %s"), err);
    else app_toast(a, 1, _("Language: %s (Ctrl+Shift+L: the next one)"), _("English"));
}
