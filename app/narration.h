/* narration.h - a lesson's text file (assets/lessons/LANG/<slug>.txt) cut into
 * what each step shows: the narration for the text panel, the slide's caption
 * and the presenter notes. The one parser of the format (docs/lessons.md):
 *
 *   # Title                a section (shown as a heading in the panel)
 *   # Step 2: Title        a section that starts step 2; the sections after it
 *                          belong to step 2 until the next "# Step N" heading.
 *                          Sections before the first one are the introduction,
 *                          shown on step 1 (a one-step lesson needs no "Step").
 *   ::: caption            the step's key sentence for its slide (one or more
 *   text                   lines up to the closing ":::"); without it the
 *   :::                    caption is the first sentence of the step's own prose
 *   ::: notes              presenter notes of the step (pandoc's speaker-notes
 *   text                   block): shown by the presenter view (N) and written
 *   :::                    into the PDF deck, never in the panel
 *
 * Must not: draw, or read files (the caller hands the text).
 */
#ifndef NARRATION_H
#define NARRATION_H

#include <stddef.h>

typedef struct {
    int n_steps;
    char **text;     /* [n_steps] what the panel shows on that step (step 0: introduction + step 1) */
    char **caption;  /* [n_steps] the slide's key sentence, never empty when the step has prose */
    char **notes;    /* [n_steps] presenter notes, "" when none */
} narration;

/* Cuts text into n_steps steps (n_steps >= 1). 0, or -1 when out of memory
 * (out is then empty). A "# Step N" past n_steps counts as the last step. */
int narration_parse(const char *text, int n_steps, narration *out);
void narration_free(narration *n);

#endif
