/* corpus.c - the synthetic English -> toy-German corpus: word tables, a
 * seeded sentence generator, the one realisation function that turns a
 * sentence structure into both languages with word alignment, a small parser
 * for the reference translation of typed sentences, splits and TSV output.
 *
 * Design: a sentence is first built as a structure (corpus_sentence below:
 * clauses, noun phrases, table indices), then realise() writes the English and
 * the German words from it. The generator and the parser both produce that
 * structure, so there is exactly one place where German grammar lives.
 * It must not use rand() (results must be the same on every machine) and does
 * no model math.
 */
#include "corpus.h"
#include "rng.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- tables -- */

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

/* To add a noun: one line here (all five forms, gender, class); the
 * vocabulary, generator and parser pick it up. Keep the class honest: only
 * NC_ANIMATE nouns are subjects and objects of "help". */
static const noun_entry NOUNS[] = {
    {"dog", "dogs", "hund", "hunde", "hunden", G_M, NC_ANIMATE},
    {"man", "men", "mann", "männer", "männern", G_M, NC_ANIMATE},
    {"teacher", "teachers", "lehrer", "lehrer", "lehrern", G_M, NC_ANIMATE},
    {"friend", "friends", "freund", "freunde", "freunden", G_M, NC_ANIMATE},
    {"bird", "birds", "vogel", "vögel", "vögeln", G_M, NC_ANIMATE},
    {"cat", "cats", "katze", "katzen", "katzen", G_F, NC_ANIMATE},
    {"woman", "women", "frau", "frauen", "frauen", G_F, NC_ANIMATE},
    {"child", "children", "kind", "kinder", "kindern", G_N, NC_ANIMATE},
    {"horse", "horses", "pferd", "pferde", "pferden", G_N, NC_ANIMATE},
    {"girl", "girls", "mädchen", "mädchen", "mädchen", G_N, NC_ANIMATE},
    {"house", "houses", "haus", "häuser", "häusern", G_N, NC_PLACE},
    {"garden", "gardens", "garten", "gärten", "gärten", G_M, NC_PLACE},
    {"park", "parks", "park", "parks", "parks", G_M, NC_PLACE},
    {"school", "schools", "schule", "schulen", "schulen", G_F, NC_PLACE},
    {"tree", "trees", "baum", "bäume", "bäumen", G_M, NC_PLACE},
    {"car", "cars", "auto", "autos", "autos", G_N, NC_PLACE},
    {"ball", "balls", "ball", "bälle", "bällen", G_M, NC_THING},
    {"book", "books", "buch", "bücher", "büchern", G_N, NC_THING},
    {"flower", "flowers", "blume", "blumen", "blumen", G_F, NC_THING},
};
#define N_NOUNS ((int)(sizeof NOUNS / sizeof NOUNS[0]))

typedef struct {
    const char *en, *en_3sg, *en_part;           /* see, sees, seen */
    const char *de_1sg, *de_3sg, *de_pl, *de_part; /* sehe, sieht, sehen, gesehen */
    int kind;
    int sein;                                    /* 1: perfect with sein (ist gelaufen) */
} verb_entry;

/* To add a verb: one line. V_ACC takes an accusative object, V_DAT a dative
 * one, V_INTR none, V_SAY a "that" clause. */
static const verb_entry VERBS[] = {
    {"see", "sees", "seen", "sehe", "sieht", "sehen", "gesehen", V_ACC, 0},
    {"like", "likes", "liked", "mag", "mag", "mögen", "gemocht", V_ACC, 0},
    {"find", "finds", "found", "finde", "findet", "finden", "gefunden", V_ACC, 0},
    {"hear", "hears", "heard", "höre", "hört", "hören", "gehört", V_ACC, 0},
    {"love", "loves", "loved", "liebe", "liebt", "lieben", "geliebt", V_ACC, 0},
    {"help", "helps", "helped", "helfe", "hilft", "helfen", "geholfen", V_DAT, 0},
    {"sleep", "sleeps", "slept", "schlafe", "schläft", "schlafen", "geschlafen", V_INTR, 0},
    {"run", "runs", "run", "laufe", "läuft", "laufen", "gelaufen", V_INTR, 1},
    {"come", "comes", "come", "komme", "kommt", "kommen", "gekommen", V_INTR, 1},
    {"play", "plays", "played", "spiele", "spielt", "spielen", "gespielt", V_INTR, 0},
    {"know", "knows", "known", "weiß", "weiß", "wissen", "gewusst", V_SAY, 0},
    {"think", "thinks", "thought", "denke", "denkt", "denken", "gedacht", V_SAY, 0},
    {"say", "says", "said", "sage", "sagt", "sagen", "gesagt", V_SAY, 0},
};
#define N_VERBS ((int)(sizeof VERBS / sizeof VERBS[0]))

typedef struct {
    const char *en, *de;
    int person;
} pron_entry;

static const pron_entry PRONS[] = {
    {"i", "ich", P_1SG}, {"he", "er", P_3SG}, {"she", "sie", P_3SG},
    {"we", "wir", P_PL}, {"they", "sie", P_PL},
};
#define N_PRONS ((int)(sizeof PRONS / sizeof PRONS[0]))

typedef struct {
    const char *en;
    const char *de_e, *de_en, *de_er, *de_es;   /* the four inflected forms */
} adj_entry;

static const adj_entry ADJS[] = {
    {"big", "große", "großen", "großer", "großes"},
    {"small", "kleine", "kleinen", "kleiner", "kleines"},
    {"old", "alte", "alten", "alter", "altes"},
    {"young", "junge", "jungen", "junger", "junges"},
    {"black", "schwarze", "schwarzen", "schwarzer", "schwarzes"},
    {"brown", "braune", "braunen", "brauner", "braunes"},
};
#define N_ADJS ((int)(sizeof ADJS / sizeof ADJS[0]))

typedef struct {
    const char *en, *de;
    int cls;         /* noun classes it takes */
} prep_entry;

static const prep_entry PREPS[] = {
    {"with", "mit", NC_ANIMATE | NC_THING},
    {"in", "in", NC_PLACE},
    {"behind", "hinter", NC_PLACE | NC_ANIMATE},
    {"from", "von", NC_PLACE | NC_ANIMATE},
};
#define N_PREPS ((int)(sizeof PREPS / sizeof PREPS[0]))

typedef struct {
    const char *en, *de;
} pair_entry;

static const pair_entry TIMES[] = {{"today", "heute"}, {"now", "jetzt"}, {"sometimes", "manchmal"}};
#define N_TIMES ((int)(sizeof TIMES / sizeof TIMES[0]))
static const pair_entry CONJS[] = {{"because", "weil"}, {"although", "obwohl"}};
#define N_CONJS ((int)(sizeof CONJS / sizeof CONJS[0]))

/* Determiners [kind][case][gender or 3 = plural]; NULL = never used. */
static const char *const DETS[3][3][4] = {
    {{"der", "die", "das", "die"}, {"den", "die", "das", "die"}, {"dem", "der", "dem", "den"}},
    {{"ein", "eine", "ein", NULL}, {"einen", "eine", "ein", NULL}, {"einem", "einer", "einem", NULL}},
    {{"kein", "keine", "kein", "keine"}, {"keinen", "keine", "kein", "keine"},
     {"keinem", "keiner", "keinem", "keinen"}},
};
/* Adjective endings [definite?][case][gender or plural]: 'e', 'n' (en), 'r' (er), 's' (es).
 * After der/die/das (weak) and after ein/kein (mixed). */
static const char ADJ_END[2][3][4] = {
    /* mixed (ein, kein) */ {{'r', 'e', 's', 'n'}, {'n', 'e', 's', 'n'}, {'n', 'n', 'n', 'n'}},
    /* weak (der)        */ {{'e', 'e', 'e', 'n'}, {'n', 'e', 'e', 'n'}, {'n', 'n', 'n', 'n'}},
};

/* Words used by the realisation that are not in a table above. */
static const char *const EN_FUNC[] = {"the", "a", "an", "not", "does", "do", "has", "have", "that", ",", "."};
static const char *const DE_FUNC[] = {"nicht", "dass", "habe", "hat", "haben", "bin", "ist", "sind"};

/* Held-out combinations: never in TRAIN/VALID/TEST, at least one in every
 * COMPOSITIONAL sentence. Adjective-noun: the adjective modifies the noun (any
 * number, case or role). Subject-verb: the noun (singular or plural) is the
 * subject of a clause with that verb (any tense, negated or not). */
static const char *const HELD_ADJ_NOUN[][2] = {
    {"black", "cat"}, {"small", "horse"}, {"old", "teacher"}, {"young", "bird"},
};
static const char *const HELD_SUBJ_VERB[][2] = {
    {"cat", "hear"}, {"child", "help"}, {"woman", "run"}, {"friend", "love"},
};
#define N_HELD_AN ((int)(sizeof HELD_ADJ_NOUN / sizeof HELD_ADJ_NOUN[0]))
#define N_HELD_SV ((int)(sizeof HELD_SUBJ_VERB / sizeof HELD_SUBJ_VERB[0]))

/* ------------------------------------------------------------ vocabulary -- */

#define VOCAB_CAP 512
#define VHASH_CAP 1024

static const char *g_vocab[VOCAB_CAP];
static int g_vocab_n;
static int g_vhash[VHASH_CAP];
static int g_ready;
/* Held-out combinations as table indices. */
static int g_held_an[N_HELD_AN][2], g_held_sv[N_HELD_SV][2];

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int vocab_lookup(const char *w)
{
    unsigned i = (unsigned)(fnv1a(w) & (VHASH_CAP - 1));
    while (g_vhash[i] >= 0) {
        if (strcmp(g_vocab[g_vhash[i]], w) == 0) return g_vhash[i];
        i = (i + 1) & (VHASH_CAP - 1);
    }
    return -1;
}

static void vocab_add(const char *w)
{
    unsigned i;
    if (!w || vocab_lookup(w) >= 0) return;
    i = (unsigned)(fnv1a(w) & (VHASH_CAP - 1));
    while (g_vhash[i] >= 0) i = (i + 1) & (VHASH_CAP - 1);
    g_vhash[i] = g_vocab_n;
    g_vocab[g_vocab_n++] = w;
}

static int find_noun(const char *w, int *plural);
static int find_verb_base(const char *w);
static int find_adj(const char *w);

/* Builds the vocabulary once (English words first, then German ones). */
static void corpus_init(void)
{
    static const char *const specials[] = {"<pad>", "<bos>", "<eos>", "<unk>"};
    int i, k, c, g;
    if (g_ready) return;
    for (i = 0; i < VHASH_CAP; i++) g_vhash[i] = -1;
    g_vocab_n = 0;
    for (i = 0; i < 4; i++) vocab_add(specials[i]);
    /* English. */
    for (i = 0; i < (int)(sizeof EN_FUNC / sizeof EN_FUNC[0]); i++) vocab_add(EN_FUNC[i]);
    for (i = 0; i < N_PRONS; i++) vocab_add(PRONS[i].en);
    for (i = 0; i < N_NOUNS; i++) { vocab_add(NOUNS[i].en); vocab_add(NOUNS[i].en_pl); }
    for (i = 0; i < N_VERBS; i++) {
        vocab_add(VERBS[i].en); vocab_add(VERBS[i].en_3sg); vocab_add(VERBS[i].en_part);
    }
    for (i = 0; i < N_ADJS; i++) vocab_add(ADJS[i].en);
    for (i = 0; i < N_PREPS; i++) vocab_add(PREPS[i].en);
    for (i = 0; i < N_TIMES; i++) vocab_add(TIMES[i].en);
    for (i = 0; i < N_CONJS; i++) vocab_add(CONJS[i].en);
    /* German. */
    for (k = 0; k < 3; k++)
        for (c = 0; c < 3; c++)
            for (g = 0; g < 4; g++) vocab_add(DETS[k][c][g]);
    for (i = 0; i < (int)(sizeof DE_FUNC / sizeof DE_FUNC[0]); i++) vocab_add(DE_FUNC[i]);
    for (i = 0; i < N_PRONS; i++) vocab_add(PRONS[i].de);
    for (i = 0; i < N_NOUNS; i++) {
        vocab_add(NOUNS[i].de); vocab_add(NOUNS[i].de_pl); vocab_add(NOUNS[i].de_dat_pl);
    }
    for (i = 0; i < N_VERBS; i++) {
        vocab_add(VERBS[i].de_1sg); vocab_add(VERBS[i].de_3sg);
        vocab_add(VERBS[i].de_pl); vocab_add(VERBS[i].de_part);
    }
    for (i = 0; i < N_ADJS; i++) {
        vocab_add(ADJS[i].de_e); vocab_add(ADJS[i].de_en);
        vocab_add(ADJS[i].de_er); vocab_add(ADJS[i].de_es);
    }
    for (i = 0; i < N_PREPS; i++) vocab_add(PREPS[i].de);
    for (i = 0; i < N_TIMES; i++) vocab_add(TIMES[i].de);
    for (i = 0; i < N_CONJS; i++) vocab_add(CONJS[i].de);
    for (i = 0; i < N_HELD_AN; i++) {
        int pl;
        g_held_an[i][0] = find_adj(HELD_ADJ_NOUN[i][0]);
        g_held_an[i][1] = find_noun(HELD_ADJ_NOUN[i][1], &pl);
    }
    for (i = 0; i < N_HELD_SV; i++) {
        int pl;
        g_held_sv[i][0] = find_noun(HELD_SUBJ_VERB[i][0], &pl);
        g_held_sv[i][1] = find_verb_base(HELD_SUBJ_VERB[i][1]);
    }
    g_ready = 1;
}

int corpus_vocab(const char *const **words, int *n)
{
    corpus_init();
    if (words) *words = g_vocab;
    if (n) *n = g_vocab_n;
    return g_vocab_n;
}

int corpus_word_id(const char *word)
{
    corpus_init();
    return word ? vocab_lookup(word) : -1;
}

const char *corpus_word(int id)
{
    corpus_init();
    return (id >= 0 && id < g_vocab_n) ? g_vocab[id] : "<?>";
}

/* Shown by the app and listed in docs/corpus.md; test_corpus checks that each
 * is in the grammar and holds no held-out combination. */
static const char *const EXAMPLES[] = {
    "the dog has seen the cat",
    "i know that the big dog sees the small cat",
    "a young woman does not help the old man",
    "today the children have found a black ball in the garden",
    "we know that the horses have come from the park",
    ("today the old man says that the young children do not see the big brown dog in the garden "
     "because the small brown cat has not played with the ball"),
};

int corpus_examples(const char *const **sentences)
{
    if (sentences) *sentences = EXAMPLES;
    return (int)(sizeof EXAMPLES / sizeof EXAMPLES[0]);
}

int corpus_heldout_adj_noun(const char *const (**pairs)[2])
{
    if (pairs) *pairs = HELD_ADJ_NOUN;
    return N_HELD_AN;
}

int corpus_heldout_subj_verb(const char *const (**pairs)[2])
{
    if (pairs) *pairs = HELD_SUBJ_VERB;
    return N_HELD_SV;
}

/* -------------------------------------------------------------- structure -- */

typedef struct {
    int pron;        /* index into PRONS, or -1 for a noun phrase */
    int noun;        /* index into NOUNS */
    int plural;
    int indef;       /* 1: a/an (singular only) */
    int adj[2];
    int n_adj;
} np_s;

typedef struct {
    np_s subj;
    int verb;        /* index into VERBS */
    int has_obj;
    np_s obj;
    int perfect;
    int neg;
    int prep;        /* index into PREPS, or -1 */
    np_s pp;
} clause_s;

typedef struct {
    int time;        /* index into TIMES, or -1 */
    clause_s main;   /* when its verb is V_SAY, comp follows ("that") */
    clause_s comp;
    int conj;        /* index into CONJS, or -1 */
    clause_s adv;
    int period;
} sentence_s;

/* English word positions of one noun phrase / clause, for the alignment. */
typedef struct { int det, adj[2], noun; } np_pos;
typedef struct { np_pos subj, obj, pp; int aux, neg, verb, prep; } clause_pos;

typedef struct {
    const char *w[64];
    int align[64];
    int content[64];
    int n;
} words_buf;

static void put(words_buf *b, const char *w, int align, int content)
{
    if (b->n < 64) {
        b->w[b->n] = w;
        b->align[b->n] = align;
        b->content[b->n] = content;
    }
    b->n++;
}

static int np_person(const np_s *np)
{
    if (np->pron >= 0) return PRONS[np->pron].person;
    return np->plural ? P_PL : P_3SG;
}

/* ---------------------------------------------------------------- English -- */

static void en_np(words_buf *b, const np_s *np, np_pos *pos)
{
    int i;
    pos->det = pos->adj[0] = pos->adj[1] = -1;
    if (np->pron >= 0) {
        pos->noun = b->n;
        put(b, PRONS[np->pron].en, -1, 0);
        return;
    }
    pos->det = b->n;
    if (np->indef) {
        const char *first = np->n_adj ? ADJS[np->adj[0]].en : NOUNS[np->noun].en;
        int vowel = strchr("aeiou", first[0]) != NULL;
        put(b, vowel ? "an" : "a", -1, 0);
    } else {
        put(b, "the", -1, 0);
    }
    for (i = 0; i < np->n_adj; i++) {
        pos->adj[i] = b->n;
        put(b, ADJS[np->adj[i]].en, -1, 0);
    }
    pos->noun = b->n;
    put(b, np->plural ? NOUNS[np->noun].en_pl : NOUNS[np->noun].en, -1, 0);
}

static void en_clause(words_buf *b, const clause_s *c, clause_pos *pos)
{
    const verb_entry *v = &VERBS[c->verb];
    int third = np_person(&c->subj) == P_3SG;
    memset(pos, 0xff, sizeof *pos);          /* every position -1 */
    en_np(b, &c->subj, &pos->subj);
    if (c->perfect) {
        pos->aux = b->n;
        put(b, third ? "has" : "have", -1, 0);
        if (c->neg) { pos->neg = b->n; put(b, "not", -1, 0); }
        pos->verb = b->n;
        put(b, v->en_part, -1, 0);
    } else if (c->neg) {
        pos->aux = b->n;
        put(b, third ? "does" : "do", -1, 0);
        pos->neg = b->n;
        put(b, "not", -1, 0);
        pos->verb = b->n;
        put(b, v->en, -1, 0);
    } else {
        pos->verb = b->n;
        put(b, third ? v->en_3sg : v->en, -1, 0);
    }
    if (c->has_obj) en_np(b, &c->obj, &pos->obj);
    if (c->prep >= 0) {
        pos->prep = b->n;
        put(b, PREPS[c->prep].en, -1, 0);
        en_np(b, &c->pp, &pos->pp);
    }
}

/* ----------------------------------------------------------------- German -- */

/* A German noun phrase in case cs; kein: use kein- instead of ein- (negation). */
static void de_np(words_buf *b, const np_s *np, const np_pos *pos, int cs, int kein)
{
    const noun_entry *n;
    int col, dk, i;
    if (np->pron >= 0) {                      /* pronouns are only ever subjects here */
        put(b, PRONS[np->pron].de, pos->noun, 0);
        return;
    }
    n = &NOUNS[np->noun];
    col = np->plural ? 3 : n->gender;
    dk = kein ? D_KEIN : (np->indef ? D_INDEF : D_DEF);
    put(b, DETS[dk][cs][col], pos->det, 0);
    for (i = 0; i < np->n_adj; i++) {
        const adj_entry *a = &ADJS[np->adj[i]];
        char e = ADJ_END[dk == D_DEF][cs][col];
        const char *w = e == 'e' ? a->de_e : e == 'n' ? a->de_en : e == 'r' ? a->de_er : a->de_es;
        put(b, w, pos->adj[i], 1);
    }
    if (!np->plural) put(b, n->de, pos->noun, 1);
    else put(b, cs == C_DAT ? n->de_dat_pl : n->de_pl, pos->noun, 1);
}

enum { M_MAIN, M_INV, M_SUB };  /* subject first / verb first / verb last */

static void de_clause(words_buf *b, const clause_s *c, const clause_pos *pos, int mode)
{
    const verb_entry *v = &VERBS[c->verb];
    int person = np_person(&c->subj);
    const char *fin;
    int fin_align, fin_content, kein = 0;
    if (c->perfect) {
        static const char *const AUX[2][3] = {{"habe", "hat", "haben"}, {"bin", "ist", "sind"}};
        fin = AUX[v->sein][person];
        fin_align = pos->aux;
        fin_content = 0;
    } else {
        fin = person == P_1SG ? v->de_1sg : person == P_3SG ? v->de_3sg : v->de_pl;
        fin_align = pos->verb;
        fin_content = 1;
    }
    if (mode == M_MAIN) { de_np(b, &c->subj, &pos->subj, C_NOM, 0); put(b, fin, fin_align, fin_content); }
    if (mode == M_INV) { put(b, fin, fin_align, fin_content); de_np(b, &c->subj, &pos->subj, C_NOM, 0); }
    if (mode == M_SUB) de_np(b, &c->subj, &pos->subj, C_NOM, 0);
    if (c->has_obj) {
        kein = c->neg && c->obj.indef && !c->obj.plural;
        de_np(b, &c->obj, &pos->obj, v->kind == V_DAT ? C_DAT : C_ACC, kein);
    }
    if (c->neg && !kein) put(b, "nicht", pos->neg, 0);
    if (c->prep >= 0) {
        put(b, PREPS[c->prep].de, pos->prep, 0);
        de_np(b, &c->pp, &pos->pp, C_DAT, 0);
    }
    if (c->perfect) put(b, v->de_part, pos->verb, 1);
    if (mode == M_SUB) put(b, fin, fin_align, fin_content);
}

/* Both sides of a sentence. Returns 0, or -1 when a side is longer than 31. */
static int realise(const sentence_s *s, corpus_pair *p)
{
    words_buf en, de;
    clause_pos pm, pc, pa;
    int i_time = -1, i_that = -1, i_conj = -1, i_period = -1, i;
    en.n = de.n = 0;
    if (s->time >= 0) { i_time = en.n; put(&en, TIMES[s->time].en, -1, 0); }
    en_clause(&en, &s->main, &pm);
    if (VERBS[s->main.verb].kind == V_SAY) {
        i_that = en.n;
        put(&en, "that", -1, 0);
        en_clause(&en, &s->comp, &pc);
    }
    if (s->conj >= 0) {
        i_conj = en.n;
        put(&en, CONJS[s->conj].en, -1, 0);
        en_clause(&en, &s->adv, &pa);
    }
    if (s->period) { i_period = en.n; put(&en, ".", -1, 0); }

    if (s->time >= 0) put(&de, TIMES[s->time].de, i_time, 1);
    de_clause(&de, &s->main, &pm, s->time >= 0 ? M_INV : M_MAIN);
    if (VERBS[s->main.verb].kind == V_SAY) {
        put(&de, ",", -1, 0);
        put(&de, "dass", i_that, 0);
        de_clause(&de, &s->comp, &pc, M_SUB);
    }
    if (s->conj >= 0) {
        put(&de, ",", -1, 0);
        put(&de, CONJS[s->conj].de, i_conj, 0);
        de_clause(&de, &s->adv, &pa, M_SUB);
    }
    if (s->period) put(&de, ".", i_period, 0);

    if (en.n > CORPUS_MAX_WORDS || de.n > CORPUS_MAX_WORDS) return -1;
    p->n_src = en.n;
    p->n_tgt = de.n;
    for (i = 0; i < en.n; i++) p->src_ids[i] = vocab_lookup(en.w[i]);
    for (i = 0; i < de.n; i++) {
        p->tgt_ids[i] = vocab_lookup(de.w[i]);
        p->align[i] = (signed char)de.align[i];
        p->content[i] = (unsigned char)de.content[i];
    }
    return 0;
}

/* ------------------------------------------------------------- held-out -- */

static int np_has_heldout(const np_s *np)
{
    int i, k;
    if (np->pron >= 0) return 0;
    for (i = 0; i < np->n_adj; i++)
        for (k = 0; k < N_HELD_AN; k++)
            if (np->adj[i] == g_held_an[k][0] && np->noun == g_held_an[k][1]) return 1;
    return 0;
}

static int clause_has_heldout(const clause_s *c)
{
    int k;
    if (np_has_heldout(&c->subj)) return 1;
    if (c->has_obj && np_has_heldout(&c->obj)) return 1;
    if (c->prep >= 0 && np_has_heldout(&c->pp)) return 1;
    if (c->subj.pron < 0)
        for (k = 0; k < N_HELD_SV; k++)
            if (c->subj.noun == g_held_sv[k][0] && c->verb == g_held_sv[k][1]) return 1;
    return 0;
}

static int sentence_has_heldout(const sentence_s *s)
{
    if (clause_has_heldout(&s->main)) return 1;
    if (VERBS[s->main.verb].kind == V_SAY && clause_has_heldout(&s->comp)) return 1;
    if (s->conj >= 0 && clause_has_heldout(&s->adv)) return 1;
    return 0;
}

/* ------------------------------------------------------------- generator -- */

/* The generator's state (splitmix64, rng.h). */
typedef struct { uint64_t s; } rng_t;

static int rng_int(rng_t *r, int n) { return (int)((rng_next(&r->s) >> 33) % (uint64_t)n); }
/* 1 with probability pct / 100. */
static int rng_pct(rng_t *r, int pct) { return rng_int(r, 100) < pct; }

static int rand_noun(rng_t *r, int cls)
{
    for (;;) {
        int n = rng_int(r, N_NOUNS);
        if (NOUNS[n].cls & cls) return n;
    }
}

/* rich: the "long sentence" mode, with more adjectives and fewer pronouns. */
static void rand_np(rng_t *r, np_s *np, int cls, int allow_pron, int rich)
{
    int k;
    memset(np, 0, sizeof *np);
    np->pron = -1;
    if (allow_pron && rng_pct(r, rich ? 10 : 25)) { np->pron = rng_int(r, N_PRONS); return; }
    np->noun = rand_noun(r, cls);
    np->plural = rng_pct(r, 30);
    np->indef = !np->plural && rng_pct(r, 40);
    k = rng_int(r, 100);
    if (rich) np->n_adj = k < 20 ? 0 : k < 60 ? 1 : 2;
    else np->n_adj = k < 45 ? 0 : k < 82 ? 1 : 2;
    np->adj[0] = rng_int(r, N_ADJS);
    if (np->n_adj == 2)
        do np->adj[1] = rng_int(r, N_ADJS); while (np->adj[1] == np->adj[0]);
}

/* A clause whose verb is not V_SAY unless say is 1 (then it is always V_SAY). */
static void rand_clause(rng_t *r, clause_s *c, int say, int rich)
{
    const verb_entry *v;
    memset(c, 0, sizeof *c);
    rand_np(r, &c->subj, NC_ANIMATE, 1, rich);
    c->verb = say ? N_VERBS - 3 + rng_int(r, 3) : rng_int(r, N_VERBS - 3);
    v = &VERBS[c->verb];
    c->perfect = rng_pct(r, 40);
    c->neg = rng_pct(r, 25);
    c->has_obj = v->kind == V_ACC || v->kind == V_DAT;
    if (c->has_obj)
        rand_np(r, &c->obj, v->kind == V_DAT ? NC_ANIMATE : NC_ANIMATE | NC_PLACE | NC_THING, 0, rich);
    c->prep = -1;
    if (!say && rng_pct(r, rich ? 70 : v->kind == V_INTR ? 55 : 30)) {
        c->prep = rng_int(r, N_PREPS);
        rand_np(r, &c->pp, PREPS[c->prep].cls, 0, rich);
    }
}

/* Sentence shapes, in percent: one clause 30, clause + because/although 30,
 * reported ("i know that ...", half of them + because/although) 25, and 15
 * "long" sentences (reported + because/although, rich noun phrases) so that
 * sentences of 20 to 31 words are common enough to be learned. */
static void rand_sentence(rng_t *r, sentence_s *s)
{
    int kind = rng_int(r, 100);
    memset(s, 0, sizeof *s);
    s->time = rng_pct(r, 20) ? rng_int(r, N_TIMES) : -1;
    s->conj = -1;
    if (kind < 30) {                 /* one main clause */
        rand_clause(r, &s->main, 0, 0);
    } else if (kind < 60) {          /* main clause + because/although clause */
        rand_clause(r, &s->main, 0, 0);
        s->conj = rng_int(r, N_CONJS);
        rand_clause(r, &s->adv, 0, 0);
    } else {                         /* reported: "i know that ..." (+ because) */
        int rich = kind >= 85;
        rand_clause(r, &s->main, 1, rich);
        rand_clause(r, &s->comp, 0, rich);
        if (rich || rng_pct(r, 50)) {
            s->conj = rng_int(r, N_CONJS);
            rand_clause(r, &s->adv, 0, rich);
        }
    }
    s->period = rng_pct(r, 50);
}

/* Puts one held-out combination into a random non-reporting clause of s. */
static void force_heldout(rng_t *r, sentence_s *s)
{
    clause_s *cl[3];
    int n = 0, k;
    clause_s *c;
    if (VERBS[s->main.verb].kind != V_SAY) cl[n++] = &s->main;
    else cl[n++] = &s->comp;
    if (s->conj >= 0) cl[n++] = &s->adv;
    c = cl[rng_int(r, n)];
    k = rng_int(r, N_HELD_AN + N_HELD_SV);
    if (k < N_HELD_AN) {
        /* Adjective-noun: into the subject or (when the noun fits) the object. */
        int adj = g_held_an[k][0], noun = g_held_an[k][1];
        np_s *np = &c->subj;
        if (c->has_obj && rng_pct(r, 50)) np = &c->obj;   /* all held-out nouns are animate */
        if (np->pron >= 0) {
            np->pron = -1;
            np->plural = rng_pct(r, 30);
            np->indef = !np->plural && rng_pct(r, 40);
        }
        np->noun = noun;
        if (np->n_adj == 0) np->n_adj = 1;
        np->adj[0] = adj;
        if (np->n_adj == 2 && np->adj[1] == adj) np->adj[1] = (adj + 1) % N_ADJS;
    } else {
        const verb_entry *v;
        k -= N_HELD_AN;
        if (c->subj.pron >= 0) {
            c->subj.pron = -1;
            c->subj.plural = rng_pct(r, 30);
            c->subj.indef = !c->subj.plural && rng_pct(r, 40);
            c->subj.n_adj = 0;
        }
        c->subj.noun = g_held_sv[k][0];
        c->verb = g_held_sv[k][1];
        v = &VERBS[c->verb];
        if (v->kind == V_INTR) {
            c->has_obj = 0;
        } else if (!c->has_obj || (v->kind == V_DAT && !(NOUNS[c->obj.noun].cls & NC_ANIMATE))) {
            c->has_obj = 1;
            rand_np(r, &c->obj, v->kind == V_DAT ? NC_ANIMATE : NC_ANIMATE | NC_PLACE | NC_THING, 0, 0);
        }
    }
}

static uint64_t pair_hash_en(const corpus_pair *p)
{
    uint64_t h = 1469598103934665603ULL;
    int i;
    const char *w;
    for (i = 0; i < p->n_src; i++) {
        if (i) { h ^= (unsigned char)' '; h *= 1099511628211ULL; }
        for (w = g_vocab[p->src_ids[i]]; *w; w++) {
            h ^= (unsigned char)*w;
            h *= 1099511628211ULL;
        }
    }
    return h;
}

static corpus_split split_of_hash(uint64_t h)
{
    uint64_t b = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ULL;
    int bucket = (int)((b >> 40) % 100);
    return bucket < 80 ? CORPUS_TRAIN : bucket < 90 ? CORPUS_VALID : CORPUS_TEST;
}

corpus_split corpus_split_of(const char *english)
{
    return split_of_hash(fnv1a(english ? english : ""));
}

static void set_err(char *err, size_t err_len, const char *msg)
{
    if (err && err_len) {
        size_t n = strlen(msg);
        if (n >= err_len) n = err_len - 1;
        memcpy(err, msg, n);
        err[n] = '\0';
    }
}

int corpus_generate(corpus_set *out, corpus_split split, int n, unsigned long long seed,
                    char *err, size_t err_len)
{
    rng_t r;
    uint64_t *seen;
    size_t cap = 16, i;
    long long tries = 0, max_tries;
    int got = 0;
    if (!out) { set_err(err, err_len, "corpus_generate: no output set"); return -1; }
    out->pairs = NULL;
    out->n = 0;
    if (n < 0 || split < CORPUS_TRAIN || split > CORPUS_COMPOSITIONAL) {
        set_err(err, err_len, "corpus_generate: bad split or negative count");
        return -1;
    }
    corpus_init();
    while (cap < (size_t)n * 2 + 16) cap *= 2;
    seen = calloc(cap, sizeof *seen);
    out->pairs = malloc(((size_t)n + 1) * sizeof *out->pairs);
    if (!seen || !out->pairs) {
        free(seen);
        free(out->pairs);
        out->pairs = NULL;
        set_err(err, err_len, "corpus_generate: out of memory");
        return -1;
    }
    r.s = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL * (uint64_t)(split + 1);
    max_tries = (long long)n * 1000 + 100000;
    while (got < n && tries++ < max_tries) {
        sentence_s s;
        corpus_pair *p = &out->pairs[got];
        uint64_t h;
        rand_sentence(&r, &s);
        if (split == CORPUS_COMPOSITIONAL) force_heldout(&r, &s);
        else if (sentence_has_heldout(&s)) continue;
        if (realise(&s, p) != 0 || p->n_src < 3) continue;
        h = pair_hash_en(p);
        if (split != CORPUS_COMPOSITIONAL && split_of_hash(h) != split) continue;
        if (h == 0) h = 1;                   /* 0 marks an empty slot */
        for (i = h & (cap - 1); seen[i] && seen[i] != h; i = (i + 1) & (cap - 1)) {}
        if (seen[i]) continue;               /* duplicate */
        seen[i] = h;
        got++;
    }
    free(seen);
    out->n = got;
    if (got < n) {
        set_err(err, err_len, "corpus_generate: could not find enough distinct sentences");
        return -1;
    }
    return 0;
}

void corpus_set_free(corpus_set *s)
{
    if (!s) return;
    free(s->pairs);
    s->pairs = NULL;
    s->n = 0;
}

/* ------------------------------------------------------------ text, TSV -- */

int corpus_pair_text(const corpus_pair *p, int side, char *dst, size_t dst_len)
{
    size_t len = 0;
    int i, n;
    const int *ids;
    if (!dst || !dst_len) return 0;
    dst[0] = '\0';
    if (!p) return 0;
    corpus_init();
    n = side ? p->n_tgt : p->n_src;
    ids = side ? p->tgt_ids : p->src_ids;
    for (i = 0; i < n; i++) {
        const char *w = corpus_word(ids[i]);
        size_t wl = strlen(w);
        if (len + wl + (i ? 1 : 0) + 1 > dst_len) break;
        if (i) dst[len++] = ' ';
        memcpy(dst + len, w, wl);
        len += wl;
        dst[len] = '\0';
    }
    return (int)len;
}

int corpus_write_tsv(const corpus_set *s, FILE *f)
{
    char buf[1024];
    int i, t;
    if (!s || !f) return -1;
    for (i = 0; i < s->n; i++) {
        const corpus_pair *p = &s->pairs[i];
        corpus_pair_text(p, 0, buf, sizeof buf);
        fputs(buf, f);
        fputc('\t', f);
        corpus_pair_text(p, 1, buf, sizeof buf);
        fputs(buf, f);
        fputc('\t', f);
        for (t = 0; t < p->n_tgt; t++) {
            if (p->align[t] < 0) continue;
            fprintf(f, "%s%d:%d%s", t ? " " : "", p->align[t], t, p->content[t] ? "*" : "");
        }
        if (fputc('\n', f) == EOF) return -1;
    }
    return ferror(f) ? -1 : 0;
}

/* ----------------------------------------------------------------- parser -- */

static int find_noun(const char *w, int *plural)
{
    int i;
    for (i = 0; i < N_NOUNS; i++) {
        if (strcmp(NOUNS[i].en, w) == 0) { *plural = 0; return i; }
        if (strcmp(NOUNS[i].en_pl, w) == 0) { *plural = 1; return i; }
    }
    return -1;
}

static int find_verb_base(const char *w)
{
    int i;
    for (i = 0; i < N_VERBS; i++)
        if (strcmp(VERBS[i].en, w) == 0) return i;
    return -1;
}

static int find_adj(const char *w)
{
    int i;
    for (i = 0; i < N_ADJS; i++)
        if (strcmp(ADJS[i].en, w) == 0) return i;
    return -1;
}

typedef struct {
    char w[40][32];
    int n;
    int pos;
    char msg[160];
} parser_t;

static const char *peek(parser_t *ps) { return ps->pos < ps->n ? ps->w[ps->pos] : ""; }

static int fail(parser_t *ps, const char *what)
{
    if (!ps->msg[0]) {
        if (ps->pos < ps->n) snprintf(ps->msg, sizeof ps->msg, "%s at word %d (\"%s\")", what, ps->pos + 1, ps->w[ps->pos]);
        else snprintf(ps->msg, sizeof ps->msg, "%s at the end of the sentence", what);
    }
    return -1;
}

static int parse_np(parser_t *ps, np_s *np, int allow_pron)
{
    const char *w = peek(ps);
    int i, a;
    memset(np, 0, sizeof *np);
    np->pron = -1;
    for (i = 0; i < N_PRONS; i++)
        if (strcmp(PRONS[i].en, w) == 0) {
            if (!allow_pron) return fail(ps, "a pronoun is only allowed as a subject");
            np->pron = i;
            ps->pos++;
            return 0;
        }
    if (strcmp(w, "the") == 0) np->indef = 0;
    else if (strcmp(w, "a") == 0 || strcmp(w, "an") == 0) np->indef = 1;
    else return fail(ps, "expected \"the\", \"a\" or a pronoun");
    ps->pos++;
    while ((a = find_adj(peek(ps))) >= 0) {
        if (np->n_adj == 2) return fail(ps, "at most two adjectives");
        np->adj[np->n_adj++] = a;
        ps->pos++;
    }
    np->noun = find_noun(peek(ps), &np->plural);
    if (np->noun < 0) return fail(ps, "expected a noun");
    if (np->indef && np->plural) return fail(ps, "\"a\" with a plural noun");
    ps->pos++;
    return 0;
}

static int parse_clause(parser_t *ps, clause_s *c, int allow_say)
{
    const char *w;
    int third, i;
    memset(c, 0, sizeof *c);
    c->prep = -1;
    if (parse_np(ps, &c->subj, 1) != 0) return -1;
    third = np_person(&c->subj) == P_3SG;
    w = peek(ps);
    c->verb = -1;
    if (strcmp(w, "has") == 0 || strcmp(w, "have") == 0) {
        if ((strcmp(w, "has") == 0) != third) return fail(ps, "\"has\"/\"have\" does not agree with the subject");
        c->perfect = 1;
        ps->pos++;
        if (strcmp(peek(ps), "not") == 0) { c->neg = 1; ps->pos++; }
        for (i = 0; i < N_VERBS; i++)
            if (strcmp(VERBS[i].en_part, peek(ps)) == 0) c->verb = i;
        if (c->verb < 0) return fail(ps, "expected a past participle");
    } else if (strcmp(w, "does") == 0 || strcmp(w, "do") == 0) {
        if ((strcmp(w, "does") == 0) != third) return fail(ps, "\"does\"/\"do\" does not agree with the subject");
        ps->pos++;
        if (strcmp(peek(ps), "not") != 0) return fail(ps, "expected \"not\"");
        c->neg = 1;
        ps->pos++;
        c->verb = find_verb_base(peek(ps));
        if (c->verb < 0) return fail(ps, "expected a verb");
    } else {
        for (i = 0; i < N_VERBS; i++)
            if (strcmp(third ? VERBS[i].en_3sg : VERBS[i].en, w) == 0) c->verb = i;
        if (c->verb < 0) {
            for (i = 0; i < N_VERBS; i++)
                if (strcmp(VERBS[i].en_3sg, w) == 0 || strcmp(VERBS[i].en, w) == 0)
                    return fail(ps, "the verb does not agree with the subject");
            return fail(ps, "expected a verb");
        }
    }
    ps->pos++;
    if (VERBS[c->verb].kind == V_SAY) {
        if (!allow_say) return fail(ps, "a \"that\" clause cannot contain another one");
        return 0;
    }
    if (VERBS[c->verb].kind == V_ACC || VERBS[c->verb].kind == V_DAT) {
        c->has_obj = 1;
        if (parse_np(ps, &c->obj, 0) != 0) return -1;
    }
    for (i = 0; i < N_PREPS; i++)
        if (strcmp(PREPS[i].en, peek(ps)) == 0) {
            c->prep = i;
            ps->pos++;
            return parse_np(ps, &c->pp, 0);
        }
    return 0;
}

static int parse_sentence(const char *english, sentence_s *s, char *msg, size_t msg_len)
{
    parser_t ps;
    const char *c = english ? english : "";
    int i;
    memset(&ps, 0, sizeof ps);
    memset(s, 0, sizeof *s);
    s->time = s->conj = -1;
    /* Split on white space; "," and "." become their own words. */
    while (*c) {
        size_t len = 0;
        while (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') c++;
        if (!*c) break;
        if (ps.n == 40) { snprintf(msg, msg_len, "the sentence is too long"); return -1; }
        if (*c == ',' || *c == '.') {
            ps.w[ps.n][0] = *c++;
            ps.w[ps.n++][1] = '\0';
            continue;
        }
        while (*c && *c != ' ' && *c != '\t' && *c != '\n' && *c != '\r' && *c != ',' && *c != '.') {
            char ch = *c++;
            if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
            if (len + 1 < sizeof ps.w[0]) ps.w[ps.n][len++] = ch;
        }
        ps.w[ps.n++][len] = '\0';
    }
    if (ps.n == 0) { snprintf(msg, msg_len, "the sentence is empty"); return -1; }
    for (i = 0; i < N_TIMES; i++)
        if (strcmp(TIMES[i].en, peek(&ps)) == 0) { s->time = i; ps.pos++; }
    if (parse_clause(&ps, &s->main, 1) != 0) goto bad;
    if (VERBS[s->main.verb].kind == V_SAY) {
        if (strcmp(peek(&ps), "that") != 0) { fail(&ps, "expected \"that\""); goto bad; }
        ps.pos++;
        if (parse_clause(&ps, &s->comp, 0) != 0) goto bad;
    }
    for (i = 0; i < N_CONJS; i++)
        if (strcmp(CONJS[i].en, peek(&ps)) == 0) {
            s->conj = i;
            ps.pos++;
            if (parse_clause(&ps, &s->adv, 0) != 0) goto bad;
            break;
        }
    if (strcmp(peek(&ps), ".") == 0) { s->period = 1; ps.pos++; }
    if (ps.pos != ps.n) { fail(&ps, "unexpected word"); goto bad; }
    return 0;
bad:
    snprintf(msg, msg_len, "%s", ps.msg);
    return -1;
}

int corpus_pair_is_heldout(const corpus_pair *p)
{
    sentence_s s;
    char text[1024], msg[160];
    if (!p) return 0;
    corpus_init();
    /* Parse it back: the structure tells which words play which role. */
    corpus_pair_text(p, 0, text, sizeof text);
    if (parse_sentence(text, &s, msg, sizeof msg) != 0) return 0;
    return sentence_has_heldout(&s);
}

int corpus_translate(const char *english, corpus_pair *out, char *err, size_t err_len)
{
    sentence_s s;
    char msg[200], again[1024], norm[1024];
    size_t len = 0;
    const char *c;
    int space = 1;
    corpus_init();
    if (!out) { set_err(err, err_len, "corpus_translate: no output"); return -1; }
    memset(out, 0, sizeof *out);
    if (parse_sentence(english, &s, msg, sizeof msg) != 0) {
        set_err(err, err_len, msg);
        return -1;
    }
    if (realise(&s, out) != 0) {
        memset(out, 0, sizeof *out);
        set_err(err, err_len, "the sentence is longer than 31 words on one side");
        return -1;
    }
    /* The English must come back word for word ("a old dog" is not accepted). */
    for (c = english; *c && len + 3 < sizeof norm; c++) {
        char ch = *c;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') { space = 1; continue; }
        if (ch == ',' || ch == '.') space = 1;
        if (space && len) norm[len++] = ' ';
        space = (ch == ',' || ch == '.');
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
        norm[len++] = ch;
    }
    norm[len] = '\0';
    corpus_pair_text(out, 0, again, sizeof again);
    if (strcmp(norm, again) != 0) {
        snprintf(msg, sizeof msg, "not in the grammar; did you mean \"%.150s\"?", again);
        memset(out, 0, sizeof *out);
        set_err(err, err_len, msg);
        return -1;
    }
    return 0;
}
