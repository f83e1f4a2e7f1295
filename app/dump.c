/* dump.c - the JSON state dump of --script's dump command: lesson, step,
 * sentence, tokens, selection, layout rectangles, hover and the lesson's own
 * state, for the end-to-end tests.
 *
 * Must not: change the app's state.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "afile.h"
#include "json.h"
#include "shell.h"

/* "training": the background trainer as the Training lesson sees it. */
static void dump_training(app *a, FILE *f)
{
    const lesson_trainer_view *t = app_training_view(a);
    if (!t) { fprintf(f, "  \"training\": null,\n"); return; }
    const train_history *h = t->hist;
    const int np = h ? h->n_points : 0;
    char text[1024] = "";
    if (t->tr) trace_output_text(t->tr, &a->model.vocab, text, sizeof text);
    fprintf(f, "  \"training\": {\"available\": %d, \"status\": \"%s\", \"step\": %ld, \"loss\": %.6g, \"lr\": %.6g, "
               "\"points\": %d, \"first_loss\": %.6g, \"last_loss\": %.6g, \"evals\": %d, \"snapshots\": %d, "
               "\"exact\": %.6g, \"val_loss\": %.6g, \"eval_step\": %ld, \"view\": %d, \"view_step\": %ld, "
               "\"using_weights\": %d, \"speed\": %g, \"train_s\": %.3f, \"translation\": ",
            t->available, train_run_status_name(t->info.status), t->info.step, t->info.loss, t->info.lr, np,
            np ? h->points[0].loss : 0.0, np ? h->points[np - 1].loss : 0.0, h ? h->n_evals : 0, h ? h->n_snaps : 0,
            t->info.exact, t->info.val_loss, t->info.eval_step, t->view, t->view_step, t->using_weights, t->info.speed,
            t->info.train_s);
    json_write_string(f, text);
    fprintf(f, ", \"history\": ");
    json_write_string(f, t->history_path ? t->history_path : "");
    fprintf(f, ", \"message\": ");
    json_write_string(f, t->info.message);
    fprintf(f, "},\n");
}

/* "lessons": each lesson's number, slug and steps. */
static void dump_lessons(app *a, FILE *f)
{
    fprintf(f, "  \"lessons\": [");
    for (int i = 0; i < lesson_registry_count; i++) {
        fprintf(f, "%s{\"number\": %d, \"slug\": ", i ? ", " : "", lesson_number(i));
        json_write_string(f, lesson_registry[i]->slug);
        fprintf(f, ", \"steps\": %d}", app_lesson_steps(a, i));
    }
    fprintf(f, "],\n");
}

/* ",\n  "key": "value"" (the value escaped). */
static void put_field(FILE *f, const char *key, const char *value)
{
    fprintf(f, ",\n  \"%s\": ", key);
    json_write_string(f, value);
}

/* The script's dump FILE: through afile, AFILE_REPLACE (the user named the file; a
 * re-run replaces its dump whole, never a half-written one; a device such as
 * /dev/stdout is written in place). Every failure is said on stderr. */
int app_dump(app *a, const char *path)
{
    char err[1200];
    afile af;
    if (afile_open(&af, path, AFILE_REPLACE, err, sizeof err) != 0) { fprintf(stderr, "transformer-lab: dump: %s\n", err); return -1; }
    FILE *f = af.fp;
    /* the whole dump in one buffer: a device that refuses it (/dev/full) then fails in the final flush, whose errno
     * names the cause, not in a write midway whose errno is gone by the time afile_commit checks */
    static char vbuf[1 << 16]; /* glibc ignores the size when the buffer is NULL; the dump runs on the main thread only */
    setvbuf(f, vbuf, _IOFBF, sizeof vbuf);
    const lesson *les = lesson_registry[a->lesson];
    fprintf(f, "{\n  \"lesson_index\": %d,\n  \"lesson_number\": %d,\n  \"lesson_slug\": ", a->lesson, lesson_number(a->lesson));
    json_write_string(f, les->slug);
    put_field(f, "lesson_title", les->title);
    put_field(f, "lang", a->lang); /* the language shown (lesson texts and interface), and the title as shown in it */
    put_field(f, "lesson_title_shown", _(les->title));
    put_field(f, "lang_button", app_lang_next_name(a)); /* the next language's name, where the interactive frame drew it */
    fprintf(f, ",\n  \"lang_button_rect\": [%d, %d, %d, %d]", a->lay.lang_btn.x, a->lay.lang_btn.y, a->lay.lang_btn.w,
            a->lay.lang_btn.h);
    fprintf(f, ",\n  \"step\": %d,\n  \"n_steps\": %d,\n  \"n_lessons\": %d,\n  \"sentence\": ", a->lstep[a->lesson],
            app_lesson_steps(a, a->lesson), lesson_registry_count);
    json_write_string(f, a->tb->text);
    put_field(f, "translation", a->translation);
    input_status_kind sk = a->trace_ok ? a->status.kind : INPUT_OUTSIDE_GRAMMAR;
    fprintf(f, ",\n  \"input_status\": \"%s\",\n  \"input_status_reason\": ", input_status_slug(sk));
    json_write_string(f, a->trace_ok ? a->status.reason : a->trace_err);
    fprintf(f, ",\n  \"reference\": ");
    if (a->trace_ok && a->status.has_reference) json_write_string(f, a->status.reference);
    else fprintf(f, "null");
    fprintf(f, ",\n  \"reference_agrees\": %d", a->trace_ok && a->status.has_reference && a->status.agrees);
    fprintf(f, ",\n  \"tokens\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_src; i++) {
        fprintf(f, "%s", i ? ", " : "");
        json_write_string(f, tok_vocab_word(&a->model.vocab, a->tr.src_ids[i]));
    }
    fprintf(f, "],\n  \"words\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_words; i++) {
        fprintf(f, "%s", i ? ", " : "");
        json_write_string(f, a->tr.src_tokens[i].text);
    }
    fprintf(f, "],\n  \"src_ids\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_src; i++) fprintf(f, "%s%d", i ? ", " : "", a->tr.src_ids[i]);
    fprintf(f, "],\n  \"out_ids\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_out; i++) fprintf(f, "%s%d", i ? ", " : "", a->tr.out_ids[i]);
    fprintf(f, "],\n  \"truncated\": %d,\n  \"n_words_total\": %d,\n  \"n_unk\": %d,\n  \"nonfinite\": %d,\n", a->tr.truncated,
            a->tr.n_words_total, a->tr.n_unk, a->trace_ok ? a->nonfinite : 0);
    fprintf(f, "  \"nonfinite_tensor\": ");
    json_write_string(f, a->trace_ok && a->nonfinite ? a->tr.nonfinite.tensor : "");
    fprintf(f, ",\n");
    fprintf(f, "  \"suggestions\": [");
    for (int i = 0; a->trace_ok && i < a->n_sugg; i++) {
        fprintf(f, "%s{\"word\": ", i ? ", " : "");
        json_write_string(f, a->tr.src_tokens[a->sugg_tok[i]].text);
        fprintf(f, ", \"token\": %d, \"offer\": ", a->sugg_tok[i]);
        json_write_string(f, tok_vocab_word(&a->model.vocab, a->sugg_id[i]));
        fprintf(f, ", \"rect\": [%d, %d, %d, %d]}", a->sugg_rect[i].x, a->sugg_rect[i].y, a->sugg_rect[i].w, a->sugg_rect[i].h);
    }
    fprintf(f, "],\n");
    fprintf(f, "  \"selection\": {\"layer\": %d, \"head\": %d, \"step\": %d, \"token\": %d},\n", a->sel.layer,
            a->sel.head, a->sel.step, a->sel.token);
    fprintf(f, "  \"theme\": ");
    json_write_string(f, a->theme->name);
    fprintf(f, ",\n  \"zoom\": %.3f,\n  \"window\": [%d, %d],\n  \"fullscreen\": %d,\n  \"sidebar\": %d,\n", a->zoom, a->w,
            a->h, a->fullscreen, a->lay.sidebar.w > 0);
    fprintf(f, "  \"blank\": \"%s\",\n  \"spotlight\": %d,\n",
            a->blank == PRESENTER_BLACK ? "black" : a->blank == PRESENTER_WHITE ? "white" : "none", a->spotlight);
    fprintf(f, "  \"focus\": %d,\n  \"overlay\": %d,\n  \"translation_cut\": %d,\n  \"translation_popup\": %d,\n"
               "  \"translation_rect\": [%d, %d, %d, %d],\n", a->tb_focus, a->overlay, a->translation_cut, a->translation_popup,
            a->translation_rect.x, a->translation_rect.y, a->translation_rect.w, a->translation_rect.h);
    fprintf(f, "  \"attn_overlay\": {\"open\": %d, \"kind\": \"%s\", \"layer\": %d, \"head\": %d, \"rows\": %d, \"cols\": %d, "
               "\"cells\": [%d, %d, %d, %d]},\n  \"model\": ",
            a->attn.open, attn_kind_slug(a->attn.kind), a->attn.layer, a->attn.head, a->attn.rows, a->attn.cols,
            a->attn.cells.x, a->attn.cells.y, a->attn.cells.w, a->attn.cells.h);
    json_write_string(f, a->model_path);
    fprintf(f, ",\n  \"model_trained\": %d,\n  \"hover\": ", a->model_trained);
    if (a->last_hover.active) {
        fprintf(f, "{\"label\": ");
        json_write_string(f, a->last_hover.label);
        if (a->last_hover.has_value) {
            if (isfinite(a->last_hover.value)) fprintf(f, ", \"value\": %.9g}", a->last_hover.value);
            else fprintf(f, ", \"value\": \"%s\"}", a->last_hover.value < 0 ? "-inf" : isnan(a->last_hover.value) ? "nan" : "inf");
        } else fprintf(f, ", \"value\": null}");
    } else fprintf(f, "null");
    fprintf(f, ",\n  \"toast\": ");
    json_write_string(f, a->toast);
    fprintf(f, ",\n");
    dump_training(a, f);
    app_quiz_dump(a, f);
    app_split_dump(a, f);
    dump_lessons(a, f);
    fprintf(f, "  \"lesson_state\": ");
    char buf[4096] = "";
    if (les->dump_json) {
        lesson_ctx c = app_lesson_ctx(a, &a->ui, a->lay.area, a->lesson, NULL);
        lesson_dump_json(les, a->lstate[a->lesson], &c, buf, sizeof buf);
    }
    fprintf(f, "%s\n}\n", buf[0] ? buf : "null");
    if (afile_commit(&af, err, sizeof err) != 0) { fprintf(stderr, "transformer-lab: dump: %s\n", err); return -1; }
    return 0;
}
