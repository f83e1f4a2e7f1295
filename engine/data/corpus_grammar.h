/* corpus_grammar.h - private to the corpus (corpus.c, corpus_gen.c,
 * corpus_parse.c; nothing outside engine/data includes it): the word tables,
 * the sentence structure that the generator and the parser build and the
 * realisation turns into English and German, and the helpers the three files
 * share. The public interface is corpus.h.
 */
#ifndef CORPUS_GRAMMAR_H
#define CORPUS_GRAMMAR_H

#include "corpus.h"

#include <stddef.h>
#include <stdint.h>

enum { G_M = 0, G_F = 1, G_N = 2 };                     /* grammatical gender */
enum { NC_ANIMATE = 1, NC_PLACE = 2, NC_THING = 4 };    /* noun classes, as bits */
enum { V_ACC, V_DAT, V_INTR, V_SAY };                   /* verb kinds */
enum { P_1SG, P_3SG, P_PL };                            /* persons that conjugate differently */
enum { C_NOM, C_ACC, C_DAT };                           /* cases */
enum { D_DEF, D_INDEF, D_KEIN };                        /* determiner kinds */

typedef struct {
    const char *en, *en_pl;          /* English singular, plural */
    const char *de, *de_pl, *de_dat_pl; /* German singular, plural, dative plural */
    int gender;
    int cls;
} noun_entry;

typedef struct {
    const char *en, *en_3sg, *en_part;           /* see, sees, seen */
    const char *de_1sg, *de_3sg, *de_pl, *de_part; /* sehe, sieht, sehen, gesehen */
    int kind;
    int sein;                                    /* 1: perfect with sein (ist gelaufen) */
} verb_entry;

typedef struct {
    const char *en, *de;
    int person;
} pron_entry;

typedef struct {
    const char *en;
    const char *de_e, *de_en, *de_er, *de_es;   /* the four inflected forms */
} adj_entry;

typedef struct {
    const char *en, *de;
    int cls;         /* noun classes it takes */
} prep_entry;

typedef struct {
    const char *en, *de;
} pair_entry;

/* The tables (corpus.c); one line per word, see the comments there. */
extern const noun_entry corpus_nouns[];
extern const verb_entry corpus_verbs[];
extern const pron_entry corpus_prons[];
extern const adj_entry corpus_adjs[];
extern const prep_entry corpus_preps[];
extern const pair_entry corpus_times[], corpus_conjs[];
extern const int corpus_n_nouns, corpus_n_verbs, corpus_n_prons, corpus_n_adjs, corpus_n_preps, corpus_n_times, corpus_n_conjs;

/* Held-out combinations as table indices (filled by corpus_init): adjective,
 * noun and subject noun, verb. */
enum { CORPUS_N_HELD_AN = 4, CORPUS_N_HELD_SV = 4 };
extern int corpus_held_an[CORPUS_N_HELD_AN][2], corpus_held_sv[CORPUS_N_HELD_SV][2];

typedef struct {
    int pron;        /* index into corpus_prons, or -1 for a noun phrase */
    int noun;        /* index into corpus_nouns */
    int plural;
    int indef;       /* 1: a/an (singular only) */
    int adj[2];
    int n_adj;
} np_s;

typedef struct {
    np_s subj;
    int verb;        /* index into corpus_verbs */
    int has_obj;
    np_s obj;
    int perfect;
    int neg;
    int prep;        /* index into corpus_preps, or -1 */
    np_s pp;
} clause_s;

typedef struct {
    int time;        /* index into corpus_times, or -1 */
    clause_s main;   /* when its verb is V_SAY, comp follows ("that") */
    clause_s comp;
    int conj;        /* index into corpus_conjs, or -1 */
    clause_s adv;
    int period;
} sentence_s;

/* Builds the vocabulary and the held-out indices once (every public corpus_
 * function calls it first). */
void corpus_init(void);
/* FNV-1a hash of a string (vocabulary hash, split of a sentence). */
uint64_t corpus_fnv1a(const char *s);
/* 0 first person singular, ... (P_1SG, P_3SG, P_PL) of a noun phrase. */
int corpus_np_person(const np_s *np);
/* Both sides of a sentence into p. Returns 0, or -1 when a side is longer than 31. */
int corpus_realise(const sentence_s *s, corpus_pair *p);
/* 1 when the sentence holds a held-out combination. */
int corpus_sentence_has_heldout(const sentence_s *s);
/* Table index of an English word, or -1 (corpus_find_noun also says whether it is plural). */
int corpus_find_noun(const char *w, int *plural);
int corpus_find_verb(const char *w);
int corpus_find_adj(const char *w);

#endif
