/* corpus_parse.c - the synthetic corpus, part 3 of 3: the reference
 * translator. A small parser turns a typed English sentence into the sentence
 * structure of corpus_grammar.h (or says where it leaves the grammar), and the
 * realisation in corpus.c writes its one correct German translation; also tells
 * whether a pair holds a held-out combination.
 */
#include "corpus.h"
#include "corpus_grammar.h"
#include "errmsg.h"

#include <stdio.h>
#include <string.h>

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
        if (ps->pos < ps->n) snprintf(ps->msg, sizeof ps->msg, N_("%s at word %d (\"%s\")"), what, ps->pos + 1, ps->w[ps->pos]);
        else snprintf(ps->msg, sizeof ps->msg, N_("%s at the end of the sentence"), what);
    }
    return -1;
}

static int parse_np(parser_t *ps, np_s *np, int allow_pron)
{
    const char *w = peek(ps);
    int i, a;
    memset(np, 0, sizeof *np);
    np->pron = -1;
    for (i = 0; i < corpus_n_prons; i++)
        if (strcmp(corpus_prons[i].en, w) == 0) {
            if (!allow_pron) return fail(ps, N_("a pronoun is only allowed as a subject"));
            np->pron = i;
            ps->pos++;
            return 0;
        }
    if (strcmp(w, "the") == 0) np->indef = 0;
    else if (strcmp(w, "a") == 0 || strcmp(w, "an") == 0) np->indef = 1;
    else return fail(ps, N_("expected \"the\", \"a\" or a pronoun"));
    ps->pos++;
    while ((a = corpus_find_adj(peek(ps))) >= 0) {
        if (np->n_adj == 2) return fail(ps, N_("at most two adjectives"));
        np->adj[np->n_adj++] = a;
        ps->pos++;
    }
    np->noun = corpus_find_noun(peek(ps), &np->plural);
    if (np->noun < 0) return fail(ps, N_("expected a noun"));
    if (np->indef && np->plural) return fail(ps, N_("\"a\" with a plural noun"));
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
    third = corpus_np_person(&c->subj) == P_3SG;
    w = peek(ps);
    c->verb = -1;
    if (strcmp(w, "has") == 0 || strcmp(w, "have") == 0) {
        if ((strcmp(w, "has") == 0) != third) return fail(ps, N_("\"has\"/\"have\" does not agree with the subject"));
        c->perfect = 1;
        ps->pos++;
        if (strcmp(peek(ps), "not") == 0) { c->neg = 1; ps->pos++; }
        for (i = 0; i < corpus_n_verbs; i++)
            if (strcmp(corpus_verbs[i].en_part, peek(ps)) == 0) c->verb = i;
        if (c->verb < 0) return fail(ps, N_("expected a past participle"));
    } else if (strcmp(w, "does") == 0 || strcmp(w, "do") == 0) {
        if ((strcmp(w, "does") == 0) != third) return fail(ps, N_("\"does\"/\"do\" does not agree with the subject"));
        ps->pos++;
        if (strcmp(peek(ps), "not") != 0) return fail(ps, N_("expected \"not\""));
        c->neg = 1;
        ps->pos++;
        c->verb = corpus_find_verb(peek(ps));
        if (c->verb < 0) return fail(ps, N_("expected a verb"));
    } else {
        for (i = 0; i < corpus_n_verbs; i++)
            if (strcmp(third ? corpus_verbs[i].en_3sg : corpus_verbs[i].en, w) == 0) c->verb = i;
        if (c->verb < 0) {
            for (i = 0; i < corpus_n_verbs; i++)
                if (strcmp(corpus_verbs[i].en_3sg, w) == 0 || strcmp(corpus_verbs[i].en, w) == 0)
                    return fail(ps, N_("the verb does not agree with the subject"));
            return fail(ps, N_("expected a verb"));
        }
    }
    ps->pos++;
    if (corpus_verbs[c->verb].kind == V_SAY) {
        if (!allow_say) return fail(ps, N_("a \"that\" clause cannot contain another one"));
        return 0;
    }
    if (corpus_verbs[c->verb].kind == V_ACC || corpus_verbs[c->verb].kind == V_DAT) {
        c->has_obj = 1;
        if (parse_np(ps, &c->obj, 0) != 0) return -1;
    }
    for (i = 0; i < corpus_n_preps; i++)
        if (strcmp(corpus_preps[i].en, peek(ps)) == 0) {
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
        if (ps.n == 40) { snprintf(msg, msg_len, N_("the sentence is too long")); return -1; }
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
    if (ps.n == 0) { snprintf(msg, msg_len, N_("the sentence is empty")); return -1; }
    for (i = 0; i < corpus_n_times; i++)
        if (strcmp(corpus_times[i].en, peek(&ps)) == 0) { s->time = i; ps.pos++; }
    if (parse_clause(&ps, &s->main, 1) != 0) goto bad;
    if (corpus_verbs[s->main.verb].kind == V_SAY) {
        if (strcmp(peek(&ps), "that") != 0) { fail(&ps, N_("expected \"that\"")); goto bad; }
        ps.pos++;
        if (parse_clause(&ps, &s->comp, 0) != 0) goto bad;
    }
    for (i = 0; i < corpus_n_conjs; i++)
        if (strcmp(corpus_conjs[i].en, peek(&ps)) == 0) {
            s->conj = i;
            ps.pos++;
            if (parse_clause(&ps, &s->adv, 0) != 0) goto bad;
            break;
        }
    if (strcmp(peek(&ps), ".") == 0) { s->period = 1; ps.pos++; }
    if (ps.pos != ps.n) { fail(&ps, N_("unexpected word")); goto bad; }
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
    return corpus_sentence_has_heldout(&s);
}

int corpus_translate(const char *english, corpus_pair *out, char *err, size_t err_len)
{
    sentence_s s;
    char msg[200], again[1024], norm[1024];
    size_t len = 0;
    const char *c;
    int space = 1;
    corpus_init();
    if (!out) { errmsg_set(err, err_len, "%s", "corpus_translate: no output"); return -1; }
    memset(out, 0, sizeof *out);
    if (parse_sentence(english, &s, msg, sizeof msg) != 0) {
        errmsg_set(err, err_len, "%s", msg);
        return -1;
    }
    if (corpus_realise(&s, out) != 0) {
        memset(out, 0, sizeof *out);
        errmsg_set(err, err_len, "%s", N_("the sentence is longer than 31 words on one side"));
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
        snprintf(msg, sizeof msg, N_("not in the grammar; did you mean \"%.150s\"?"), again);
        memset(out, 0, sizeof *out);
        errmsg_set(err, err_len, "%s", msg);
        return -1;
    }
    return 0;
}
