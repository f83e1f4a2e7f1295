/* tlab-pngstat.c - test helper: prints "FILE W H VARIANCE" for each PNG given,
 * where VARIANCE is the variance of the mean RGB value over every step-th row
 * and every second column (step from --step N, default 4; 0 prints "-": size
 * only). The end-to-end tests use it to check that an export has the right
 * size and is not blank; it is a fast path for tests/e2e/pngcheck.py.
 * Exit 1 when a file cannot be read. Not part of the app. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int stat_one(const char *path, int step)
{
    SDL_Surface *raw = IMG_Load(path);
    if (!raw) {
        fprintf(stderr, "tlab-pngstat: %s: %s\n", path, IMG_GetError());
        return 1;
    }
    if (step <= 0) {
        printf("%s %d %d -\n", path, raw->w, raw->h);
        SDL_FreeSurface(raw);
        return 0;
    }
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGB24, 0);
    SDL_FreeSurface(raw);
    if (!s) {
        fprintf(stderr, "tlab-pngstat: %s: %s\n", path, SDL_GetError());
        return 1;
    }
    double sum = 0.0, sum2 = 0.0;
    long n = 0;
    const unsigned char *px = s->pixels;
    for (int y = 0; y < s->h; y += step) {
        const unsigned char *row = px + (size_t)y * s->pitch;
        for (int x = 0; x < s->w; x += 2) {
            double v = (row[3 * x] + row[3 * x + 1] + row[3 * x + 2]) / 3.0;
            sum += v;
            sum2 += v * v;
            n++;
        }
    }
    double mean = n ? sum / n : 0.0;
    double var = n ? sum2 / n - mean * mean : 0.0;
    printf("%s %d %d %.1f\n", path, s->w, s->h, var < 0 ? 0.0 : var);
    SDL_FreeSurface(s);
    return 0;
}

int main(int argc, char **argv)
{
    int step = 4, first = 1, rc = 0;
    if (argc >= 3 && strcmp(argv[1], "--step") == 0) {
        step = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: tlab-pngstat [--step N] FILE...\n");
        return 2;
    }
    for (int i = first; i < argc; i++) rc |= stat_one(argv[i], step);
    return rc;
}
