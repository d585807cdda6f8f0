/*
 * test_pytorch.c - models trained in PyTorch, checked against PyTorch itself.
 *
 * tests/data/pytorch/<name>.safetensors are state_dicts of real nn.Embedding +
 * nn.LSTM + nn.Linear modules under PyTorch's own names (written by
 * tools/export_torch.py, or bare as safetensors.torch.save_file writes them, with
 * vocabulary and labels in side files); <name>.json holds, per sentence, the scores
 * and d score_c / d x_t for every class c that torch computed in float64 with
 * autograd (tests/data/pytorch/make_fixtures.py, only for regenerating). For each:
 *
 *   - the model loads, automatically finding its module paths, with the shape,
 *     vocabulary, unknown word and lowercasing the fixture says;
 *   - scores within 1e-10 and gradients within 1e-9 (absolute) of torch's;
 *   - LRP_cons conserves: sum_t R_t + rest = f_c to 1e-10 max(1, |f_c|), every class;
 *   - the model converted to lrp-rnn's format (lrp_model_save, F64) loads again
 *     and gives bit-identical scores and relevances.
 *
 * The largest errors are printed, so the margin to each tolerance is visible.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define SCORE_ATOL 1e-10
#define GRAD_ATOL 1e-9
#define CONS_RTOL 1e-10

typedef struct maxerr {
    double score, grad, cons; /* largest |ours - torch| and conservation error seen */
} maxerr;

/* Scores and gradients against torch, conservation of LRP_cons, for one sentence. */
static void check_sentence(const lrp_model *m, const cJSON *sent, const char *tag, maxerr *me)
{
    lrp_model_info in;
    lrp_model_get_info(m, &in);
    const size_t C = in.classes, E = in.embed_dim;
    const cJSON *toks = cJSON_GetObjectItem(sent, "tokens");
    size_t T = (size_t)cJSON_GetArraySize(toks), n;

    /* the words, through the vocabulary, give torch's ids */
    lrp_tokens tokens = {T, malloc(T * sizeof(char *))};
    for (size_t t = 0; t < T; t++) tokens.tokens[t] = cJSON_GetArrayItem(toks, (int)t)->valuestring;
    int32_t *ids = malloc(T * sizeof *ids);
    double *want_ids = tu_json_doubles(cJSON_GetObjectItem(sent, "ids"), &n);
    lrp_error err;
    lrp_status st = lrp_encode(m, &tokens, ids, NULL, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    for (size_t t = 0; t < T && st == LRP_OK; t++)
        TU_CHECK(ids[t] == (int32_t)want_ids[t], "%s: word %zu \"%s\" has id %d, torch's %g", tag, t,
                 tokens.tokens[t], ids[t], want_ids[t]);

    int *targets = malloc(C * sizeof *targets);
    for (size_t c = 0; c < C; c++) targets[c] = (int)c;
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHOD_BIT(LRP_METHOD_LRP_CONS) | LRP_METHOD_BIT(LRP_METHOD_GI);
    o.targets = targets;
    o.n_targets = C;
    o.per_dimension = 1;
    lrp_sentence s = {ids, T, NULL};
    lrp_result r;
    st = lrp_explain(m, &s, &o, &r, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st == LRP_OK) {
        char what[200];
        double *scores = tu_json_doubles(cJSON_GetObjectItem(sent, "scores"), &n);
        snprintf(what, sizeof what, "%s scores", tag);
        TU_CLOSE(what, r.scores, scores, C, SCORE_ATOL, 0);
        double d = tu_max_abs_diff(r.scores, scores, C);
        if (d > me->score) me->score = d;

        const cJSON *grads = cJSON_GetObjectItem(sent, "grad");
        double *grad = malloc(T * E * sizeof *grad);
        for (size_t c = 0; c < C; c++) {
            /* explanations: target-major, methods in enum order (LRP_cons, then GI) */
            const lrp_explanation *cons = &r.explanations[2 * c], *gi = &r.explanations[2 * c + 1];
            size_t rows, cols;
            double *want = tu_json_matrix(cJSON_GetArrayItem(grads, (int)c), &rows, &cols);
            TU_CHECK(want && rows == T && cols == E, "%s: fixture gradient shape", tag);
            /* GI's per-dimension arrays hold the gradient through each direction */
            for (size_t k = 0; k < T * E; k++)
                grad[k] = gi->dims_fwd[k] + (gi->dims_bwd ? gi->dims_bwd[k] : 0.0);
            snprintf(what, sizeof what, "%s d score_%zu / dx", tag, c);
            if (want && rows == T && cols == E) {
                TU_CLOSE(what, grad, want, T * E, GRAD_ATOL, 0);
                d = tu_max_abs_diff(grad, want, T * E);
                if (d > me->grad) me->grad = d;
            }
            free(want);

            double sum = cons->rest, f = r.scores[c];
            for (size_t t = 0; t < T; t++) sum += cons->relevance[t];
            double e = fabs(sum - f) / fmax(1.0, fabs(f));
            if (e > me->cons) me->cons = e;
            TU_CHECK(e <= CONS_RTOL, "%s class %zu: LRP_cons sum %.17g + rest, f_c %.17g: rel err %.3e",
                     tag, c, sum, f, e);
        }
        free(grad);
        free(scores);
        lrp_result_free(&r);
    }
    free(targets);
    free(want_ids);
    free(ids);
    free(tokens.tokens);
}

/* Converted to lrp-rnn's format, the model computes bit for bit the same. */
static void check_convert(const lrp_model *m, const cJSON *sent, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s-converted.safetensors", tu_tmpdir(), name);
    lrp_error err;
    lrp_status st = lrp_model_save(m, path, LRP_F64, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    lrp_model *back = NULL;
    st = lrp_model_load(&back, path, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (!back) return;
    TU_CHECK(strcmp(lrp_model_source(back), "lrp-rnn") == 0, "%s: converted source %s", name,
             lrp_model_source(back));
    lrp_model_info a, b;
    lrp_model_get_info(m, &a);
    lrp_model_get_info(back, &b);
    TU_CHECK(memcmp(&a, &b, sizeof a) == 0, "%s: converted model info differs", name);

    size_t n;
    double *idv = tu_json_doubles(cJSON_GetObjectItem(sent, "ids"), &n);
    int32_t *ids = malloc(n * sizeof *ids);
    for (size_t t = 0; t < n; t++) ids[t] = (int32_t)idv[t];
    lrp_sentence s = {ids, n, NULL};
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_ALL;
    lrp_result r1, r2;
    TU_CHECK_STATUS(lrp_explain(m, &s, &o, &r1, &err), LRP_OK, err);
    TU_CHECK_STATUS(lrp_explain(back, &s, &o, &r2, &err), LRP_OK, err);
    TU_CHECK(memcmp(r1.scores, r2.scores, a.classes * sizeof(double)) == 0, "%s: converted scores differ",
             name);
    for (size_t k = 0; k < r1.n_explanations; k++)
        TU_CHECK(memcmp(r1.explanations[k].relevance, r2.explanations[k].relevance, n * sizeof(double)) == 0,
                 "%s: converted %s relevance differs", name, lrp_method_name(r1.explanations[k].method));
    lrp_result_free(&r1);
    lrp_result_free(&r2);
    free(ids);
    free(idv);
    lrp_model_free(back);
}

static void run_fixture(const char *name)
{
    char dir[600];
    cJSON *fx = tu_torch_fixture(name, dir, sizeof dir);
    if (!fx) return;
    lrp_model *m = tu_load_torch_fixture(fx, dir, name);
    if (m) {
        maxerr me = {0, 0, 0};
        const cJSON *sents = cJSON_GetObjectItem(fx, "sentences"), *sent;
        size_t count = 0, longest = 0;
        cJSON_ArrayForEach(sent, sents)
        {
            char tag[96];
            size_t T = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(sent, "tokens"));
            snprintf(tag, sizeof tag, "%s sentence %zu (T=%zu)", name, count, T);
            check_sentence(m, sent, tag, &me);
            if (T > longest) longest = T;
            count++;
        }
        TU_CHECK(count >= 5, "%s: %zu sentences", name, count);
        check_convert(m, cJSON_GetArrayItem(sents, 0), name);
        printf("%-5s %zu sentences (T up to %zu): max |score - torch| %.2e (tol %.0e), "
               "max |grad - torch| %.2e (tol %.0e), LRP_cons max rel error %.2e (tol %.0e)\n",
               name, count, longest, me.score, SCORE_ATOL, me.grad, GRAD_ATOL, me.cons, CONS_RTOL);
        lrp_model_free(m);
    }
    cJSON_Delete(fx);
}

int main(void)
{
    run_fixture("bi1");  /* 1 layer, bidirectional, exported by export_torch.export() */
    run_fixture("bi2");  /* 2 layers, bidirectional, exported by export_torch.py from the shell */
    run_fixture("uni");  /* 1 layer, unidirectional, output bias */
    run_fixture("deep"); /* 3 layers, unidirectional, no biases, F32, no metadata, side files */
    return tu_finish();
}
