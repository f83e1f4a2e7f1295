/* test_app_lang.c - the default of --lang comes from the system locale
 * (issue 18): LC_ALL, then LC_MESSAGES, then LANG, the first one set and not
 * empty decides; "zh..." gives "zh", anything else (or nothing) "en"; an
 * explicit --lang always wins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "test_util.h"

/* The language app_parse_args picks with this environment (NULL: unset) and these extra arguments. */
static const char *lang_with(const char *lc_all, const char *lc_messages, const char *lang, const char *flag)
{
    const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"}, *vals[] = {lc_all, lc_messages, lang};
    for (int i = 0; i < 3; i++) {
        if (vals[i]) setenv(names[i], vals[i], 1);
        else unsetenv(names[i]);
    }
    char a0[] = "transformer-lab", a1[] = "--lang", a2[64] = "";
    char *argv[] = {a0, a1, a2, NULL};
    if (flag) snprintf(a2, sizeof a2, "%s", flag);
    static app_options o;
    static char got[64]; /* o.lang may point into argv, which ends with this call */
    assert_int_equal(app_parse_args(flag ? 3 : 1, argv, &o, stdout, stderr), -1);
    snprintf(got, sizeof got, "%s", o.lang);
    return got;
}

static void test_lang_from_locale(void **st)
{
    (void)st;
    assert_string_equal(lang_with(NULL, NULL, NULL, NULL), "en");
    assert_string_equal(lang_with(NULL, NULL, "zh_CN.UTF-8", NULL), "zh");
    assert_string_equal(lang_with(NULL, NULL, "zh_TW.UTF-8", NULL), "zh");
    assert_string_equal(lang_with(NULL, NULL, "en_US.UTF-8", NULL), "en");
    assert_string_equal(lang_with(NULL, NULL, "C.UTF-8", NULL), "en");
    assert_string_equal(lang_with(NULL, "zh_CN.UTF-8", "en_US.UTF-8", NULL), "zh");  /* LC_MESSAGES before LANG */
    assert_string_equal(lang_with("en_GB.UTF-8", "zh_CN.UTF-8", "zh_CN", NULL), "en"); /* LC_ALL before both */
    assert_string_equal(lang_with("", "", "zh_CN.UTF-8", NULL), "zh");               /* empty counts as unset */
    assert_string_equal(lang_with(NULL, NULL, "zh_CN.UTF-8", "en"), "en");           /* --lang wins */
    assert_string_equal(lang_with(NULL, NULL, "en_US.UTF-8", "zh"), "zh");
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_lang_from_locale))
