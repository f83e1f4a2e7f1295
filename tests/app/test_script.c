/* test_script.c - the --script line format: every command parses into the
 * right fields, key names with modifiers map to SDL keycodes, and malformed
 * lines are rejected (a file's error names its line number).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>

#include "script.h"
#include "test_util.h"

static void test_commands(void **st)
{
    (void)st;
    script_cmd c;
    char err[256];
    assert_int_equal(script_parse_line("type the dog  sees\n", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_TYPE);
    assert_string_equal(c.arg, "the dog  sees");
    /* keys: the key, Ctrl and Shift (left or right) exactly when named, no modifier when none is */
    static const struct { const char *line; SDL_Keycode key; int mod; } keys[] = {
        {"key ctrl+s", SDLK_s, KMOD_CTRL},       {"key ctrl+shift+s", SDLK_s, KMOD_CTRL | KMOD_SHIFT},
        {"key F11", SDLK_F11, 0},                {"key Right", SDLK_RIGHT, 0},
        {"key pagedown", SDLK_PAGEDOWN, 0},      {"key ctrl+plus", SDLK_PLUS, KMOD_CTRL},
        {"key shift+space", SDLK_SPACE, KMOD_SHIFT},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int ok = script_parse_line(keys[i].line, &c, err, sizeof err) == 1 && c.op == SCRIPT_KEY && c.key == keys[i].key &&
                 !(keys[i].mod & KMOD_CTRL) == !(c.mod & KMOD_CTRL) && !(keys[i].mod & KMOD_SHIFT) == !(c.mod & KMOD_SHIFT) &&
                 (keys[i].mod || c.mod == 0);
        if (!ok) fail_msg("\"%s\": op %d key %d mod %#x, want key %d mod %#x", keys[i].line, c.op, (int)c.key, (unsigned)c.mod,
                          (int)keys[i].key, (unsigned)keys[i].mod);
    }
    assert_int_equal(script_parse_line("click 10 20", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_CLICK);
    assert_int_equal(c.x, 10);
    assert_int_equal(c.y, 20);
    assert_int_equal(script_parse_line("  move 5 6  ", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_MOVE);
    assert_int_equal(script_parse_line("wait 3", &c, err, sizeof err), 1);
    assert_int_equal(c.x, 3);
    assert_int_equal(script_parse_line("busy-wait 120", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_BUSY_WAIT);
    assert_int_equal(c.x, 120);
    assert_int_equal(script_parse_line("screenshot /tmp/a b.png", &c, err, sizeof err), 1);
    assert_string_equal(c.arg, "/tmp/a b.png");
    assert_int_equal(script_parse_line("dump out.json", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_DUMP);
    assert_int_equal(script_parse_line("lesson positional-encoding", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_LESSON);
    assert_int_equal(script_parse_line("resize 800 600", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_RESIZE);
    assert_int_equal(script_parse_line("quit", &c, err, sizeof err), 1);
    assert_int_equal(c.op, SCRIPT_QUIT);
    assert_int_equal(script_parse_line("", &c, err, sizeof err), 0);
    assert_int_equal(script_parse_line("   # comment", &c, err, sizeof err), 0);
}

static void test_errors(void **st)
{
    (void)st;
    script_cmd c;
    char err[256];
    const char *bad[] = {"click 1", "click a b", "click 1 2 3", "move", "wait", "wait -1", "wait x",
                         "frobnicate 1", "key", "key nosuchkey", "key hyper+s", "key a b", "screenshot",
                         "dump", "lesson", "resize 10 10", "quit now", "type",
                         /* overflow wraps no more (4294967396 was 100, 4294967296 was 0) */
                         "resize 4294967396 4294967396", "resize 800 4294967896", "wait 4294967296",
                         "wait 18446744073709551616", "click 4294967296 1", "click 1 -4294967296",
                         "move 1 99999999999999999999", "move 100001 0", "wait 1000001", "click 1.5 2",
                         "wait 0x10", "click 10 20abc", "resize 8193 800", "busy-wait", "busy-wait 0",
                         "busy-wait 3601", "busy-wait 5 5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(script_parse_line(bad[i], &c, err, sizeof err), -1);
        assert_true(strlen(err) > 0);
    }
    script_parse_line("frobnicate 1", &c, err, sizeof err);
    assert_non_null(strstr(err, "frobnicate"));
}

/* Ranges: the limits themselves parse; one past them does not. */
static void test_number_limits(void **st)
{
    (void)st;
    script_cmd c;
    char err[256];
    assert_int_equal(script_parse_line("resize 100 8192", &c, err, sizeof err), 1);
    assert_int_equal(c.x, 100);
    assert_int_equal(c.y, 8192);
    assert_int_equal(script_parse_line("wait 1000000", &c, err, sizeof err), 1);
    assert_int_equal(c.x, SCRIPT_WAIT_MAX);
    assert_int_equal(script_parse_line("click -100000 +100000", &c, err, sizeof err), 1);
    assert_int_equal(c.x, -SCRIPT_COORD_MAX);
    assert_int_equal(c.y, SCRIPT_COORD_MAX);
    assert_int_equal(script_parse_line("wait 4294967296", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "0..1000000"));
    assert_int_equal(script_parse_line("resize 4294967396 4294967396", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "100..8192"));
}

/* A new temporary script file, open for writing; path (a mkstemp template) gets its name. */
static FILE *temp_script(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    return f;
}

/* A line longer than SCRIPT_LINE_MAX is one error with its own line number
 * (fgets with a fixed buffer split it and ran the tail as a command); a NUL
 * inside a line is an error (it cut the text). */
static void test_long_line_and_nul(void **st)
{
    (void)st;
    char path[] = "/tmp/tlab-script-XXXXXX";
    FILE *f = temp_script(path);
    fputs("type a\n\ntype ", f);
    for (int i = 0; i < 3000; i++) fputc('x', f);
    fputs("quit\nquit\n", f);
    fclose(f);
    script_cmd *cmds = NULL;
    char err[512], want[600];
    assert_int_equal(script_load(path, &cmds, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: line is longer than %d bytes", path, SCRIPT_LINE_MAX);
    assert_non_null(strstr(err, want));
    /* exactly SCRIPT_LINE_MAX bytes (CRLF) is a line */
    f = fopen(path, "w");
    fputs("type ", f);
    for (int i = 0; i < SCRIPT_LINE_MAX - 5; i++) fputc('y', f);
    fputs("\r\nquit\n", f);
    fclose(f);
    assert_int_equal(script_load(path, &cmds, err, sizeof err), 2);
    assert_int_equal(strlen(cmds[0].arg), SCRIPT_LINE_MAX - 5);
    free(cmds);
    f = fopen(path, "w");
    fwrite("quit\ntype the\0dog\n", 1, 19, f);
    fclose(f);
    cmds = NULL;
    assert_int_equal(script_load(path, &cmds, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: NUL byte at column 9", path);
    assert_non_null(strstr(err, want));
    assert_null(cmds);
    unlink(path);
}

static void test_file_line_numbers(void **st)
{
    (void)st;
    char path[] = "/tmp/tlab-script-XXXXXX";
    FILE *f = temp_script(path);
    fputs("# a comment\ntype hello\n\nclick 1\nquit\n", f);
    fclose(f);
    script_cmd *cmds = NULL;
    char err[512];
    assert_int_equal(script_load(path, &cmds, err, sizeof err), -1);
    assert_null(cmds);
    char want[600];
    snprintf(want, sizeof want, "%s:4:", path);
    assert_non_null(strstr(err, want));
    f = fopen(path, "w");
    fputs("type hello\n# x\nkey Right\nquit\n", f);
    fclose(f);
    assert_int_equal(script_load(path, &cmds, err, sizeof err), 3);
    assert_int_equal(cmds[1].op, SCRIPT_KEY);
    assert_int_equal(cmds[1].line, 3);
    free(cmds);
    unlink(path);
    assert_int_equal(script_load("/nonexistent/script.txt", &cmds, err, sizeof err), -1);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_commands),
          cmocka_unit_test(test_errors),
          cmocka_unit_test(test_number_limits),
          cmocka_unit_test(test_long_line_and_nul),
          cmocka_unit_test(test_file_line_numbers))
