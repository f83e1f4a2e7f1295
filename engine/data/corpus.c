/* corpus.c - the synthetic English -> toy-German corpus, part 1 of 3: the
 * grammar. Word tables, the vocabulary built from them, the example sentences
 * and held-out combinations, and the one realisation function that turns a
 * sentence structure (corpus_grammar.h) into both languages with word alignment.
 * The generator (corpus_gen.c) and the reference translator's parser
 * (corpus_parse.c) both produce that structure, so this is the one place where
 * German grammar lives.
 * It must not use rand() (results must be the same on every machine) and does
 * no model math.
 */
#include "corpus.h"
#include "corpus_grammar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- tables -- */

/* To add a noun: one line here (all five forms, gender, class); the
 * vocabulary, generator and parser pick it up. Keep the class honest: only
 * NC_ANIMATE nouns are subjects and objects of "help". */
const noun_entry corpus_nouns[] = {
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
const int corpus_n_nouns = (int)(sizeof corpus_nouns / sizeof corpus_nouns[0]);

/* To add a verb: one line. V_ACC takes an accusative object, V_DAT a dative
 * one, V_INTR none, V_SAY a "that" clause. */
const verb_entry corpus_verbs[] = {
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
const int corpus_n_verbs = (int)(sizeof corpus_verbs / sizeof corpus_verbs[0]);

const pron_entry corpus_prons[] = {
    {"i", "ich", P_1SG}, {"he", "er", P_3SG}, {"she", "sie", P_3SG},
    {"we", "wir", P_PL}, {"they", "sie", P_PL},
};
const int corpus_n_prons = (int)(sizeof corpus_prons / sizeof corpus_prons[0]);

const adj_entry corpus_adjs[] = {
    {"big", "große", "großen", "großer", "großes"},
    {"small", "kleine", "kleinen", "kleiner", "kleines"},
    {"old", "alte", "alten", "alter", "altes"},
    {"young", "junge", "jungen", "junger", "junges"},
    {"black", "schwarze", "schwarzen", "schwarzer", "schwarzes"},
    {"brown", "braune", "braunen", "brauner", "braunes"},
};
const int corpus_n_adjs = (int)(sizeof corpus_adjs / sizeof corpus_adjs[0]);

const prep_entry corpus_preps[] = {
    {"with", "mit", NC_ANIMATE | NC_THING},
    {"in", "in", NC_PLACE},
    {"behind", "hinter", NC_PLACE | NC_ANIMATE},
    {"from", "von", NC_PLACE | NC_ANIMATE},
};
const int corpus_n_preps = (int)(sizeof corpus_preps / sizeof corpus_preps[0]);

const pair_entry corpus_times[] = {{"today", "heute"}, {"now", "jetzt"}, {"sometimes", "manchmal"}};
const int corpus_n_times = (int)(sizeof corpus_times / sizeof corpus_times[0]);
const pair_entry corpus_conjs[] = {{"because", "weil"}, {"although", "obwohl"}};
const int corpus_n_conjs = (int)(sizeof corpus_conjs / sizeof corpus_conjs[0]);

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
_Static_assert(sizeof HELD_ADJ_NOUN / sizeof HELD_ADJ_NOUN[0] == CORPUS_N_HELD_AN, "corpus_grammar.h: CORPUS_N_HELD_AN");
_Static_assert(sizeof HELD_SUBJ_VERB / sizeof HELD_SUBJ_VERB[0] == CORPUS_N_HELD_SV, "corpus_grammar.h: CORPUS_N_HELD_SV");

/* ------------------------------------------------------------ vocabulary -- */

#define VOCAB_CAP 512
#define VHASH_CAP 1024

static const char *g_vocab[VOCAB_CAP];
static int g_vocab_n;
static int g_vhash[VHASH_CAP];
static int g_ready;
/* Held-out combinations as table indices. */
int corpus_held_an[CORPUS_N_HELD_AN][2], corpus_held_sv[CORPUS_N_HELD_SV][2];

uint64_t corpus_fnv1a(const char *s)
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
    unsigned i = (unsigned)(corpus_fnv1a(w) & (VHASH_CAP - 1));
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
    i = (unsigned)(corpus_fnv1a(w) & (VHASH_CAP - 1));
    while (g_vhash[i] >= 0) i = (i + 1) & (VHASH_CAP - 1);
    g_vhash[i] = g_vocab_n;
    g_vocab[g_vocab_n++] = w;
}

/* Builds the vocabulary once (English words first, then German ones). */
void corpus_init(void)
{
    static const char *const specials[] = {"<pad>", "<bos>", "<eos>", "<unk>"};
    int i, k, c, g;
    if (g_ready) return;
    for (i = 0; i < VHASH_CAP; i++) g_vhash[i] = -1;
    g_vocab_n = 0;
    for (i = 0; i < 4; i++) vocab_add(specials[i]);
    /* English. */
    for (i = 0; i < (int)(sizeof EN_FUNC / sizeof EN_FUNC[0]); i++) vocab_add(EN_FUNC[i]);
    for (i = 0; i < corpus_n_prons; i++) vocab_add(corpus_prons[i].en);
    for (i = 0; i < corpus_n_nouns; i++) { vocab_add(corpus_nouns[i].en); vocab_add(corpus_nouns[i].en_pl); }
    for (i = 0; i < corpus_n_verbs; i++) {
        vocab_add(corpus_verbs[i].en); vocab_add(corpus_verbs[i].en_3sg); vocab_add(corpus_verbs[i].en_part);
    }
    for (i = 0; i < corpus_n_adjs; i++) vocab_add(corpus_adjs[i].en);
    for (i = 0; i < corpus_n_preps; i++) vocab_add(corpus_preps[i].en);
    for (i = 0; i < corpus_n_times; i++) vocab_add(corpus_times[i].en);
    for (i = 0; i < corpus_n_conjs; i++) vocab_add(corpus_conjs[i].en);
    /* German. */
    for (k = 0; k < 3; k++)
        for (c = 0; c < 3; c++)
            for (g = 0; g < 4; g++) vocab_add(DETS[k][c][g]);
    for (i = 0; i < (int)(sizeof DE_FUNC / sizeof DE_FUNC[0]); i++) vocab_add(DE_FUNC[i]);
    for (i = 0; i < corpus_n_prons; i++) vocab_add(corpus_prons[i].de);
    for (i = 0; i < corpus_n_nouns; i++) {
        vocab_add(corpus_nouns[i].de); vocab_add(corpus_nouns[i].de_pl); vocab_add(corpus_nouns[i].de_dat_pl);
    }
    for (i = 0; i < corpus_n_verbs; i++) {
        vocab_add(corpus_verbs[i].de_1sg); vocab_add(corpus_verbs[i].de_3sg);
        vocab_add(corpus_verbs[i].de_pl); vocab_add(corpus_verbs[i].de_part);
    }
    for (i = 0; i < corpus_n_adjs; i++) {
        vocab_add(corpus_adjs[i].de_e); vocab_add(corpus_adjs[i].de_en);
        vocab_add(corpus_adjs[i].de_er); vocab_add(corpus_adjs[i].de_es);
    }
    for (i = 0; i < corpus_n_preps; i++) vocab_add(corpus_preps[i].de);
    for (i = 0; i < corpus_n_times; i++) vocab_add(corpus_times[i].de);
    for (i = 0; i < corpus_n_conjs; i++) vocab_add(corpus_conjs[i].de);
    for (i = 0; i < CORPUS_N_HELD_AN; i++) {
        int pl;
        corpus_held_an[i][0] = corpus_find_adj(HELD_ADJ_NOUN[i][0]);
        corpus_held_an[i][1] = corpus_find_noun(HELD_ADJ_NOUN[i][1], &pl);
    }
    for (i = 0; i < CORPUS_N_HELD_SV; i++) {
        int pl;
        corpus_held_sv[i][0] = corpus_find_noun(HELD_SUBJ_VERB[i][0], &pl);
        corpus_held_sv[i][1] = corpus_find_verb(HELD_SUBJ_VERB[i][1]);
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
    return CORPUS_N_HELD_AN;
}

int corpus_heldout_subj_verb(const char *const (**pairs)[2])
{
    if (pairs) *pairs = HELD_SUBJ_VERB;
    return CORPUS_N_HELD_SV;
}
/* ----------------------------------------------------- structure helpers -- */

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

int corpus_np_person(const np_s *np)
{
    if (np->pron >= 0) return corpus_prons[np->pron].person;
    return np->plural ? P_PL : P_3SG;
}

/* ---------------------------------------------------------------- English -- */

static void en_np(words_buf *b, const np_s *np, np_pos *pos)
{
    int i;
    pos->det = pos->adj[0] = pos->adj[1] = -1;
    if (np->pron >= 0) {
        pos->noun = b->n;
        put(b, corpus_prons[np->pron].en, -1, 0);
        return;
    }
    pos->det = b->n;
    if (np->indef) {
        const char *first = np->n_adj ? corpus_adjs[np->adj[0]].en : corpus_nouns[np->noun].en;
        int vowel = strchr("aeiou", first[0]) != NULL;
        put(b, vowel ? "an" : "a", -1, 0);
    } else {
        put(b, "the", -1, 0);
    }
    for (i = 0; i < np->n_adj; i++) {
        pos->adj[i] = b->n;
        put(b, corpus_adjs[np->adj[i]].en, -1, 0);
    }
    pos->noun = b->n;
    put(b, np->plural ? corpus_nouns[np->noun].en_pl : corpus_nouns[np->noun].en, -1, 0);
}

static void en_clause(words_buf *b, const clause_s *c, clause_pos *pos)
{
    const verb_entry *v = &corpus_verbs[c->verb];
    int third = corpus_np_person(&c->subj) == P_3SG;
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
        put(b, corpus_preps[c->prep].en, -1, 0);
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
        put(b, corpus_prons[np->pron].de, pos->noun, 0);
        return;
    }
    n = &corpus_nouns[np->noun];
    col = np->plural ? 3 : n->gender;
    dk = kein ? D_KEIN : (np->indef ? D_INDEF : D_DEF);
    put(b, DETS[dk][cs][col], pos->det, 0);
    for (i = 0; i < np->n_adj; i++) {
        const adj_entry *a = &corpus_adjs[np->adj[i]];
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
    const verb_entry *v = &corpus_verbs[c->verb];
    int person = corpus_np_person(&c->subj);
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
        put(b, corpus_preps[c->prep].de, pos->prep, 0);
        de_np(b, &c->pp, &pos->pp, C_DAT, 0);
    }
    if (c->perfect) put(b, v->de_part, pos->verb, 1);
    if (mode == M_SUB) put(b, fin, fin_align, fin_content);
}

/* Both sides of a sentence. Returns 0, or -1 when a side is longer than 31. */
int corpus_realise(const sentence_s *s, corpus_pair *p)
{
    words_buf en, de;
    clause_pos pm, pc, pa;
    int i_time = -1, i_that = -1, i_conj = -1, i_period = -1, i;
    en.n = de.n = 0;
    if (s->time >= 0) { i_time = en.n; put(&en, corpus_times[s->time].en, -1, 0); }
    en_clause(&en, &s->main, &pm);
    if (corpus_verbs[s->main.verb].kind == V_SAY) {
        i_that = en.n;
        put(&en, "that", -1, 0);
        en_clause(&en, &s->comp, &pc);
    }
    if (s->conj >= 0) {
        i_conj = en.n;
        put(&en, corpus_conjs[s->conj].en, -1, 0);
        en_clause(&en, &s->adv, &pa);
    }
    if (s->period) { i_period = en.n; put(&en, ".", -1, 0); }

    if (s->time >= 0) put(&de, corpus_times[s->time].de, i_time, 1);
    de_clause(&de, &s->main, &pm, s->time >= 0 ? M_INV : M_MAIN);
    if (corpus_verbs[s->main.verb].kind == V_SAY) {
        put(&de, ",", -1, 0);
        put(&de, "dass", i_that, 0);
        de_clause(&de, &s->comp, &pc, M_SUB);
    }
    if (s->conj >= 0) {
        put(&de, ",", -1, 0);
        put(&de, corpus_conjs[s->conj].de, i_conj, 0);
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
        for (k = 0; k < CORPUS_N_HELD_AN; k++)
            if (np->adj[i] == corpus_held_an[k][0] && np->noun == corpus_held_an[k][1]) return 1;
    return 0;
}

static int clause_has_heldout(const clause_s *c)
{
    int k;
    if (np_has_heldout(&c->subj)) return 1;
    if (c->has_obj && np_has_heldout(&c->obj)) return 1;
    if (c->prep >= 0 && np_has_heldout(&c->pp)) return 1;
    if (c->subj.pron < 0)
        for (k = 0; k < CORPUS_N_HELD_SV; k++)
            if (c->subj.noun == corpus_held_sv[k][0] && c->verb == corpus_held_sv[k][1]) return 1;
    return 0;
}

int corpus_sentence_has_heldout(const sentence_s *s)
{
    if (clause_has_heldout(&s->main)) return 1;
    if (corpus_verbs[s->main.verb].kind == V_SAY && clause_has_heldout(&s->comp)) return 1;
    if (s->conj >= 0 && clause_has_heldout(&s->adv)) return 1;
    return 0;
}

/* -------------------------------------------------------------- look-ups -- */

int corpus_find_noun(const char *w, int *plural)
{
    int i;
    for (i = 0; i < corpus_n_nouns; i++) {
        if (strcmp(corpus_nouns[i].en, w) == 0) { *plural = 0; return i; }
        if (strcmp(corpus_nouns[i].en_pl, w) == 0) { *plural = 1; return i; }
    }
    return -1;
}

int corpus_find_verb(const char *w)
{
    int i;
    for (i = 0; i < corpus_n_verbs; i++)
        if (strcmp(corpus_verbs[i].en, w) == 0) return i;
    return -1;
}

int corpus_find_adj(const char *w)
{
    int i;
    for (i = 0; i < corpus_n_adjs; i++)
        if (strcmp(corpus_adjs[i].en, w) == 0) return i;
    return -1;
}

