/* bench.c - the app's frame-time benchmark (app_bench, run by
 * tests/bench/bench_app.c): every lesson and step drawn with the software
 * renderer, the mouse moving over the lesson; medians, p95, time to the first
 * frame and peak memory.
 *
 * Must not: be part of a normal run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "shell.h"

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* SDL, the app and an offscreen renderer of o's export size; NULL (message printed) on failure, *rc the exit code. */
static app *bench_open(const app_options *o, SDL_Surface **s, int *rc)
{
    *rc = APP_EXIT_FAIL;
    if (!getenv("SDL_VIDEODRIVER")) setenv("SDL_VIDEODRIVER", "dummy", 0);
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "bench: SDL init failed: %s\n", SDL_GetError());
        return NULL;
    }
    app *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    int r = app_setup(a, o);
    if (r >= 0) { app_teardown(a); free(a); TTF_Quit(); SDL_Quit(); *rc = r; return NULL; }
    char err[1200];
    if (app_offscreen_open(a, o->export_w, o->export_h, s, &a->r, &a->ui, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        app_teardown(a);
        free(a);
        TTF_Quit();
        SDL_Quit();
        return NULL;
    }
    a->w = o->export_w;
    a->h = o->export_h;
    return a;
}

static void bench_close(app *a, SDL_Surface *s)
{
    app_offscreen_close(s, a->r, &a->ui);
    a->r = NULL;
    app_teardown(a);
    free(a);
    TTF_Quit();
    SDL_Quit();
}

int app_bench(const app_options *o, int frames, FILE *out)
{
    Uint64 start = SDL_GetPerformanceCounter();
    double freq = (double)SDL_GetPerformanceFrequency();
    SDL_Surface *s;
    int rc;
    app *a = bench_open(o, &s, &rc);
    if (!a) return rc;
    int w = o->export_w, h = o->export_h;
    app_start_lessons(a);
    app_render(a, &a->ui, w, h, -1, -1, 1, 1);
    SDL_RenderPresent(a->r);
    double first_ms = (double)(SDL_GetPerformanceCounter() - start) / freq * 1000.0;
    struct timespec pc;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &pc); /* CPU spent since the process began (loading included) */
    double first_cpu_ms = (double)pc.tv_sec * 1000.0 + (double)pc.tv_nsec / 1e6;
    fprintf(out, "window %dx%d, software renderer, %d frames per lesson step, mouse moving over the lesson\n", w, h, frames);
    fprintf(out, "wall = elapsed time; cpu = this thread's CPU time (what the frame costs when the machine is shared)\n");
    fprintf(out, "%-22s %4s %9s %9s %9s %9s %9s\n", "lesson", "step", "wall med", "wall p95", "wall max", "cpu med", "cpu p95");
    double *t = malloc(sizeof(double) * (size_t)(frames > 0 ? frames : 1));
    double *tc = malloc(sizeof(double) * (size_t)(frames > 0 ? frames : 1));
    double worst_p95 = 0, worst_cpu_p95 = 0;
    for (int li = 0; t && li < lesson_registry_count; li++) {
        app_goto_lesson(a, li, 0);
        int n = app_lesson_steps(a, li);
        for (int k = 0; k < n; k++) {
            a->lstep[li] = k;
            for (int f = 0; f < frames; f++) {
                SDL_Rect ar = a->lay.area;
                double u = (double)f / (double)(frames > 1 ? frames - 1 : 1);
                int mx = ar.x + (int)((0.5 + 0.48 * sin(u * 6.283 * 3.0)) * ar.w);
                int my = ar.y + (int)((0.5 + 0.48 * sin(u * 6.283 * 2.0 + 0.7)) * ar.h);
                struct timespec c0, c1;
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
                Uint64 t0 = SDL_GetPerformanceCounter();
                app_render(a, &a->ui, w, h, mx, my, 1, 1);
                SDL_RenderPresent(a->r);
                t[f] = (double)(SDL_GetPerformanceCounter() - t0) / freq * 1000.0;
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
                tc[f] = (double)(c1.tv_sec - c0.tv_sec) * 1000.0 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
            }
            qsort(t, (size_t)frames, sizeof t[0], cmp_double);
            qsort(tc, (size_t)frames, sizeof tc[0], cmp_double);
            int i95 = (int)(0.95 * (frames - 1));
            double med = t[frames / 2], p95 = t[i95], mx = t[frames - 1];
            if (p95 > worst_p95) worst_p95 = p95;
            if (tc[i95] > worst_cpu_p95) worst_cpu_p95 = tc[i95];
            fprintf(out, "%-22s %4d %9.2f %9.2f %9.2f %9.2f %9.2f\n", lesson_registry[li]->slug, k + 1, med, p95, mx,
                    tc[frames / 2], tc[i95]);
        }
    }
    free(t);
    free(tc);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(out, "time to first frame: %.1f ms wall, %.1f ms cpu (SDL init, model load, translate, lessons, fonts, first render)\n",
            first_ms, first_cpu_ms);
    fprintf(out, "worst p95 frame: %.2f ms wall, %.2f ms cpu\n", worst_p95, worst_cpu_p95);
    fprintf(out, "peak memory (ru_maxrss): %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    bench_close(a, s);
    return APP_EXIT_OK;
}

/* Frame times (ms) sorted; the p95. */
static double p95_of(double *t, int n)
{
    if (n <= 0) return 0.0;
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    return t[(int)(0.95 * (n - 1))];
}

int app_bench_training(const app_options *o, double limit_s, FILE *out)
{
    SDL_Surface *s;
    int rc;
    app *a = bench_open(o, &s, &rc);
    if (!a) return rc;
    app_start_lessons(a);
    app_goto_lesson(a, lesson_find("training"), 0);
    const int cap = (int)(limit_s * 70.0) + 16;
    double *ft = malloc(sizeof(double) * (size_t)cap), t50 = -1.0, t90 = -1.0;
    const double freq = (double)SDL_GetPerformanceFrequency(), t0 = app_now(a);
    int n = 0;
    app_training_command(a, LESSON_TRAIN_START, 0);
    train_run_info in = {0};
    while (ft && n < cap && app_now(a) - t0 < limit_s && t90 < 0.0) { /* the app's loop: a frame, then the rest of 1/60 s */
        const Uint64 f0 = SDL_GetPerformanceCounter();
        app_render(a, &a->ui, a->w, a->h, a->w / 2, a->h / 2, 1, 1);
        SDL_RenderPresent(a->r);
        const double ms = (double)(SDL_GetPerformanceCounter() - f0) / freq * 1000.0;
        ft[n++] = ms;
        in = a->train.lt.info;
        if (in.status == TRAIN_RUN_FAILED) break;
        const double now = app_now(a) - t0;
        if (in.eval_step > 0 && in.exact >= 0.5 && t50 < 0.0) t50 = now;
        if (in.eval_step > 0 && in.exact >= 0.9 && t90 < 0.0) t90 = now;
        if (ms < 1000.0 / 60.0) SDL_Delay((Uint32)(1000.0 / 60.0 - ms));
    }
    fprintf(out, "training in the app: %dx%d, lesson 16 drawn at up to 60 frames/s while the trainer runs (%d threads)\n",
            a->w, a->h, train_options_default().threads);
    fprintf(out, "time to 50%% exact match (200 held-out test sentences, measured every 50 steps): %.1f s\n", t50);
    fprintf(out, "time to 90%% exact match: %.1f s (-1: not within %.0f s)\n", t90, limit_s);
    fprintf(out, "steps %ld, exact %.1f%% at step %ld, training %.1f s of %.1f s since start (corpus generation included)\n",
            in.step, 100.0 * in.exact, in.eval_step, in.train_s, app_now(a) - t0);
    fprintf(out, "frames %d, p95 frame %.2f ms\n", n, p95_of(ft, n));
    free(ft);
    bench_close(a, s);
    return in.status == TRAIN_RUN_FAILED ? APP_EXIT_FAIL : APP_EXIT_OK;
}
