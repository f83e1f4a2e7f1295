/* test_util.c - set-up code the unit tests share; see test_util.h. */
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char test_tmpdir[256];

const char *test_assets(void)
{
    const char *dir = getenv("TLAB_ASSETS");
    return dir && *dir ? dir : TLAB_ASSETS_DIR;
}

int test_load_model(weights_model *m, const char *name)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/%s", test_assets(), name);
    if (weights_load(m, path, err, sizeof err) == 0) return 0;
    fprintf(stderr, "cannot load %s: %s\n", path, err);
    return -1;
}

int test_tmpdir_setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(test_tmpdir, sizeof test_tmpdir, "%s/tlab-test-XXXXXX", base && base[0] ? base : "/tmp");
    if (mkdtemp(test_tmpdir)) return 0;
    test_tmpdir[0] = '\0';
    return -1;
}

/* Removes path: a file, or a folder with everything in it (links not followed). */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            char sub[1024];
            while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                remove_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

int test_tmpdir_teardown(void **state)
{
    (void)state;
    if (test_tmpdir[0]) remove_tree(test_tmpdir);
    return 0;
}

model_config test_config(int V, int D, int H, int layers, int F, int L)
{
    model_config c = model_config_default(V);
    c.d_model = D;
    c.n_heads = H;
    c.n_enc_layers = c.n_dec_layers = layers;
    c.d_ff = F;
    c.max_len = L;
    return c;
}

int test_str_differs(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) == 0) return 0;
    fprintf(stderr, "%s:\n  got  \"%s\"\n  want \"%s\"\n", what, got, want);
    return 1;
}
