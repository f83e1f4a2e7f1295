/* test_util.c - set-up code the unit tests share; see test_util.h. */
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_tmpdir_make(char *dir, size_t n, const char *name)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, n, "%s/%s-XXXXXX", base && base[0] ? base : "/tmp", name);
    if (mkdtemp(dir)) return 0;
    if (n) dir[0] = '\0';
    return -1;
}

void test_tmpdir_remove(const char *dir)
{
    if (!dir || !dir[0]) return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[1024];
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (remove(path) != 0) rmdir(path);
        }
        closedir(d);
    }
    rmdir(dir);
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
