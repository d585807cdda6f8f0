/*
 * test_pytorch_general.c - the model family from PyTorch, checked against PyTorch itself.
 *
 * tests/data/pytorch/{gru-uni,gru-bi,gru-deep,gru-attn,lstm-attn}.safetensors are
 * state_dicts of real modules (nn.GRU uni, bi with max pooling, 2-layer with mean
 * pooling; attention modules and dense layers) under PyTorch's own names; <name>.json
 * holds, per sentence and for every class c, the scores, d score_c / d x_t, SA and GI
 * that torch computed in float64 with autograd (make_fixtures.py there, only for
 * regenerating), and the load options the model needs. For each:
 *
 *   - the model loads with those options and has the architecture the fixture says
 *     (cell, directions, layers, pooling, A, dense sizes, activation, biases);
 *   - through the reference passes (explain_reference): scores within 1e-10,
 *     gradients, SA and GI within 1e-9 (absolute) of torch's; LRP_cons conserves
 *     every class's score to 1e-10 max(1, |f_c|);
 *   - converted to lrp-rnn's format (lrp_model_save, F64) it loads to the same
 *     parameters bit for bit and explains with the same bits;
 *   - through the library (lrp_explain, the fast path): the same comparisons with
 *     torch, and LRP, LRP_cons (words, encoder parts, rest) within 1e-12 x max(1, |value|)
 *     of the reference's values from the rules (values reach the hundreds: an absolute
 *     1e-12 there would be a few ulps).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/explain_internal.h"
#include "core/model.h"
#include "testutil.h"

#define SCORE_ATOL 1e-10
#define GRAD_ATOL 1e-9
#define CONS_RTOL 1e-10
#define RULES_ATOL 1e-12

typedef struct maxerr {
    double score, grad, sa_gi, cons, rules;
} maxerr;

/* The model as the fixture says, with the family's kinds it says. */
static lrp_model *load_fixture(const cJSON *fx, const char *dir, const char *name)
{
    lrp_model *m = tu_load_torch_fixture(fx, dir, name);
    if (!m) return NULL;
    lrp_model_info in;
    lrp_model_get_info(m, &in);
    TU_CHECK(strcmp(in.cell, tu_json_string(fx, "cell")) == 0 && strcmp(in.pooling, tu_json_string(fx, "pooling")) == 0 &&
                 in.attention_dim == (size_t)tu_json_long(fx, "attention_dim") &&
                 strcmp(in.activation, tu_json_string(fx, "activation")) == 0,
             "%s: cell %s, pooling %s, A %zu, activation %s differ from the fixture's", name, in.cell, in.pooling,
             in.attention_dim, in.activation);
    const cJSON *dense = cJSON_GetObjectItem(fx, "dense");
    int same = in.n_dense == (size_t)cJSON_GetArraySize(dense) && (in.n_dense == 0) == (in.dense_sizes == NULL);
    for (size_t k = 0; same && k < in.n_dense; k++)
        same = in.dense_sizes[k] == (size_t)cJSON_GetArrayItem(dense, (int)k)->valuedouble;
    TU_CHECK(same, "%s: %zu dense layers differ from the fixture's", name, in.n_dense);
    printf("%-9s %s\n          %s\n", name, lrp_model_describe(m), lrp_model_source(m));
    return m;
}

/* One path's result against torch (scores, gradients, SA, GI) and conservation. */
static void check_against_torch(const lrp_result *r, const cJSON *sent, size_t E, const char *tag, maxerr *me)
{
    const size_t C = r->classes, T = r->length;
    char what[220];
    size_t n;
    double *scores = tu_json_doubles(cJSON_GetObjectItem(sent, "scores"), &n);
    snprintf(what, sizeof what, "%s scores", tag);
    TU_CLOSE(what, r->scores, scores, C, SCORE_ATOL, 0);
    double d = tu_max_abs_diff(r->scores, scores, C);
    if (d > me->score) me->score = d;
    free(scores);

    double *grad = malloc(T * E * sizeof *grad);
    for (size_t c = 0; c < C; c++) {
        /* explanations: target-major, every method in enum order */
        const lrp_explanation *x = &r->explanations[c * TU_PAPER_METHODS];
        const lrp_explanation *cons = &x[LRP_METHOD_LRP_CONS], *sa = &x[LRP_METHOD_SA], *gi = &x[LRP_METHOD_GI];
        size_t rows, cols;
        double *want = tu_json_matrix(cJSON_GetArrayItem(cJSON_GetObjectItem(sent, "grad"), (int)c), &rows, &cols);
        TU_CHECK(want && rows == T && cols == E, "%s: fixture gradient shape", tag);
        /* GI's per-dimension arrays hold the gradient through each first-layer direction */
        for (size_t k = 0; k < T * E; k++) grad[k] = gi->dims_fwd[k] + (gi->dims_bwd ? gi->dims_bwd[k] : 0.0);
        snprintf(what, sizeof what, "%s d score_%zu / dx", tag, c);
        if (want && rows == T && cols == E) {
            TU_CLOSE(what, grad, want, T * E, GRAD_ATOL, 0);
            d = tu_max_abs_diff(grad, want, T * E);
            if (d > me->grad) me->grad = d;
        }
        free(want);
        const char *keys[2] = {"sa", "gi"};
        const lrp_explanation *got[2] = {sa, gi};
        for (int k = 0; k < 2; k++) {
            double *w = tu_json_doubles(cJSON_GetArrayItem(cJSON_GetObjectItem(sent, keys[k]), (int)c), &n);
            snprintf(what, sizeof what, "%s class %zu %s", tag, c, keys[k]);
            TU_CHECK(w && n == T, "%s: fixture shape", what);
            if (w && n == T) {
                TU_CLOSE(what, got[k]->relevance, w, T, GRAD_ATOL, 0);
                d = tu_max_abs_diff(got[k]->relevance, w, T);
                if (d > me->sa_gi) me->sa_gi = d;
            }
            free(w);
        }
        double sum = cons->rest, f = r->scores[c];
        for (size_t t = 0; t < T; t++) sum += cons->relevance[t];
        const double e = fabs(sum - f) / fmax(1.0, fabs(f));
        if (e > me->cons) me->cons = e;
        TU_CHECK(e <= CONS_RTOL, "%s class %zu: LRP_cons sum %.17g + rest, f_c %.17g: rel err %.3e", tag, c, sum,
                 f, e);
    }
    free(grad);
}

/* The library's LRP and LRP_cons against the reference's (the rules), every class. */
static void check_rules(const lrp_result *lib, const lrp_result *ref, const char *tag, maxerr *me)
{
    const size_t T = ref->length;
    char what[300];
    for (size_t e = 0; e < ref->n_explanations; e++) {
        const lrp_explanation *a = &lib->explanations[e], *b = &ref->explanations[e];
        if (b->method != LRP_METHOD_LRP && b->method != LRP_METHOD_LRP_CONS) continue;
        const double *got[3] = {a->relevance, a->relevance_fwd, a->relevance_bwd};
        const double *want[3] = {b->relevance, b->relevance_fwd, b->relevance_bwd};
        static const char *const part[3] = {"words", "fwd", "bwd"};
        for (int k = 0; k < 3; k++) {
            TU_CHECK((got[k] == NULL) == (want[k] == NULL), "%s: %s part %s present in one result only", tag,
                     lrp_method_name(b->method), part[k]);
            if (!got[k] || !want[k]) continue;
            snprintf(what, sizeof what, "%s class %d %s %s vs the rules", tag, b->target, lrp_method_name(b->method),
                     part[k]);
            TU_CLOSE(what, got[k], want[k], T, RULES_ATOL, RULES_ATOL);
            double d = tu_max_abs_diff(got[k], want[k], T);
            if (d > me->rules) me->rules = d;
        }
        snprintf(what, sizeof what, "%s class %d %s rest vs the rules", tag, b->target, lrp_method_name(b->method));
        TU_CLOSE(what, &a->rest, &b->rest, 1, RULES_ATOL, RULES_ATOL);
    }
}

/* Every method for every class of one sentence. */
static lrp_options all_classes(size_t C, int *targets)
{
    for (size_t c = 0; c < C; c++) targets[c] = (int)c;
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_ALL;
    o.targets = targets;
    o.n_targets = C;
    o.per_dimension = 1;
    return o;
}

/* The sentence's ids through the vocabulary (torch's ids). NULL after a failed check. */
static int32_t *encode(const lrp_model *m, const cJSON *sent, size_t *T, const char *tag)
{
    const cJSON *toks = cJSON_GetObjectItem(sent, "tokens");
    size_t n;
    *T = (size_t)cJSON_GetArraySize(toks);
    lrp_tokens tokens = {*T, malloc(*T * sizeof(char *))};
    for (size_t t = 0; t < *T; t++) tokens.tokens[t] = cJSON_GetArrayItem(toks, (int)t)->valuestring;
    int32_t *ids = malloc(*T * sizeof *ids);
    double *want = tu_json_doubles(cJSON_GetObjectItem(sent, "ids"), &n);
    lrp_error err;
    lrp_status st = lrp_encode(m, &tokens, ids, NULL, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    int same = st == LRP_OK && n == *T;
    for (size_t t = 0; same && t < *T; t++) same = ids[t] == (int32_t)want[t];
    TU_CHECK(same, "%s: the words' ids differ from torch's", tag);
    free(want);
    free(tokens.tokens);
    if (!same) {
        free(ids);
        return NULL;
    }
    return ids;
}

/* Converted to lrp-rnn's format, the model has the same parameters and explains
 * with the same bits (the reference path). */
static void check_convert(const lrp_model *m, const int32_t *ids, size_t T, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s-converted.safetensors", tu_tmpdir(), name);
    lrp_error err;
    TU_CHECK_STATUS(lrp_model_save(m, path, LRP_F64, &err), LRP_OK, err);
    lrp_model *back = NULL;
    lrp_status st = lrp_model_load(&back, path, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (!back) return;
    TU_CHECK(strcmp(lrp_model_source(back), "lrp-rnn") == 0 && strcmp(lrp_model_describe(back), lrp_model_describe(m)) == 0,
             "%s: converted: %s, %s", name, lrp_model_source(back), lrp_model_describe(back));
    size_t bad = 0;
    for (size_t i = 0; i < m->layout.total && m->layout.total == back->layout.total; i++) {
        const double a = model_param(m, i), b = model_param(back, i);
        bad += memcmp(&a, &b, sizeof a) != 0;
    }
    TU_CHECK(bad == 0 && m->layout.total == back->layout.total, "%s: %zu parameters differ after conversion", name,
             bad);
    int targets[16];
    lrp_options o = all_classes(m->shape.C, targets);
    lrp_sentence s = {ids, T, NULL};
    lrp_result r1, r2;
    TU_CHECK_STATUS(explain_reference(m, &s, &o, &r1, &err), LRP_OK, err);
    TU_CHECK_STATUS(explain_reference(back, &s, &o, &r2, &err), LRP_OK, err);
    int same = memcmp(r1.scores, r2.scores, m->shape.C * sizeof(double)) == 0;
    for (size_t k = 0; same && k < r1.n_explanations; k++)
        same = memcmp(r1.explanations[k].relevance, r2.explanations[k].relevance, T * sizeof(double)) == 0 &&
               memcmp(&r1.explanations[k].rest, &r2.explanations[k].rest, sizeof(double)) == 0;
    TU_CHECK(same, "%s: the converted model explains otherwise", name);
    lrp_result_free(&r1);
    lrp_result_free(&r2);
    lrp_model_free(back);
}

static void run_fixture(const char *name)
{
    char dir[600];
    cJSON *fx = tu_torch_fixture(name, dir, sizeof dir);
    if (!fx) return;
    lrp_model *m = load_fixture(fx, dir, name);
    if (m) {
        maxerr ref = {0}, lib = {0};
        int library = 1; /* until lrp_explain refuses the model */
        const cJSON *sent;
        size_t count = 0, longest = 0;
        cJSON_ArrayForEach(sent, cJSON_GetObjectItem(fx, "sentences"))
        {
            char tag[160];
            size_t T;
            int32_t *ids = encode(m, sent, &T, name);
            snprintf(tag, sizeof tag, "%s sentence %zu (T=%zu)", name, count, T);
            if (!ids) continue;
            int targets[16];
            lrp_options o = all_classes(m->shape.C, targets);
            lrp_sentence s = {ids, T, NULL};
            lrp_result rr, rl;
            lrp_error err;
            char what[200];
            lrp_status st = explain_reference(m, &s, &o, &rr, &err);
            TU_CHECK_STATUS(st, LRP_OK, err);
            if (st == LRP_OK) {
                snprintf(what, sizeof what, "reference %s", tag);
                check_against_torch(&rr, sent, m->shape.E, what, &ref);
            }
            if (library) {
                lrp_status sl = lrp_explain(m, &s, &o, &rl, &err);
                TU_CHECK(sl == LRP_OK, "library %s: lrp_explain: %s (%s)", tag, lrp_status_string(sl), err.message);
                library = sl == LRP_OK;
                if (library) {
                    snprintf(what, sizeof what, "library %s", tag);
                    check_against_torch(&rl, sent, m->shape.E, what, &lib);
                    if (st == LRP_OK) check_rules(&rl, &rr, what, &lib);
                    lrp_result_free(&rl);
                }
            }
            if (st == LRP_OK) lrp_result_free(&rr);
            if (count == 2) check_convert(m, ids, T, name);
            if (T > longest) longest = T;
            free(ids);
            count++;
        }
        TU_CHECK(count >= 5, "%s: %zu sentences", name, count);
        printf("          %zu sentences (T up to %zu), every class; tolerances: scores %.0e, gradients, SA, GI %.0e, "
               "LRP_cons relative %.0e, LRP vs the rules %.0e\n",
               count, longest, SCORE_ATOL, GRAD_ATOL, CONS_RTOL, RULES_ATOL);
        printf("          reference: max |score - torch| %.2e, |grad - torch| %.2e, |SA, GI - torch| %.2e, "
               "LRP_cons rel %.2e\n",
               ref.score, ref.grad, ref.sa_gi, ref.cons);
        if (library)
            printf("          library:   max |score - torch| %.2e, |grad - torch| %.2e, |SA, GI - torch| %.2e, "
                   "LRP_cons rel %.2e, |LRP - rules| %.2e\n",
                   lib.score, lib.grad, lib.sa_gi, lib.cons, lib.rules);
        else
            printf("          library:   not run (lrp_explain refused the model)\n");
        lrp_model_free(m);
    }
    cJSON_Delete(fx);
}

int main(void)
{
    run_fixture("gru-uni");   /* nn.GRU, 1 layer, unidirectional, last state; export() */
    run_fixture("gru-bi");    /* nn.GRU, bidirectional, max pooling, no fc bias; export_torch.py */
    run_fixture("gru-deep");  /* nn.GRU, 2 layers, bidirectional, mean pooling (option), F32, side files */
    run_fixture("gru-attn");  /* bi-GRU, attention, dense 6 tanh, named in the metadata */
    run_fixture("lstm-attn"); /* 2-layer bi-LSTM, attention found (vector bias), dense 8,6 relu (option) */
    return tu_finish();
}
