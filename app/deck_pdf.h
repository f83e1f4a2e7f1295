/* deck_pdf.h - the deck as one PDF (DIR/deck.pdf), written with cairo's PDF
 * surface (Debian's libcairo2-dev), never by hand.
 *
 * Pages 1..N are the slides, in order, each the size of the slide at 72 dpi
 * scaled so that the page is 7.5 in high (1920x1080 -> 960x540 pt, PowerPoint's
 * 16:9; 1440x1080 or 1024x768 -> 720x540 pt, its 4:3): the lesson's figure as
 * an image, the title, step, head note, caption and footer as real text (the
 * DejaVu fonts of assets/fonts, embedded; selectable and searchable).
 * Speaker notes: cairo 1.16 (Debian 12) writes links and destinations but no
 * text annotations, so the notes are real text on pages N+1..2N, one "Speaker
 * notes" page per slide in the same order (title, caption, notes), reachable
 * from the PDF outline ("Slides" / "Speaker notes"), like the notes pages a
 * slide tool prints. The file lands through afile (AFILE_NEW: never overwritten,
 * a killed export leaves only a hidden temporary).
 *
 * Must not: draw with SDL, or decide what is on a slide (slide.c does).
 */
#ifndef DECK_PDF_H
#define DECK_PDF_H

#include <stddef.h>
#include <SDL.h>

#include "shell.h"

typedef struct deck_pdf deck_pdf;

/* 1 when this build writes PDF decks (it has cairo); 0 in the web build. */
int deck_pdf_available(void);
/* Opens path for a deck of w x h pixel slides. NULL with a message in err. */
deck_pdf *deck_pdf_open(const char *path, int w, int h, const char *font_dir, char *err, size_t n);
/* One slide: s is the slide as drawn (its figure rectangle si->r_figure becomes
 * the page's image), t the theme's colours. 0, or -1 with a message. */
int deck_pdf_add(deck_pdf *d, const slide_info *si, SDL_Surface *s, const ui_theme *t, char *err, size_t n);
/* Writes the notes pages and lands the file. 0, or -1 with a message (nothing
 * left under the final name). d is freed either way. */
int deck_pdf_finish(deck_pdf *d, char *err, size_t n);
/* Drops the deck (the temporary is removed). NULL is fine. */
void deck_pdf_abort(deck_pdf *d);

#endif
