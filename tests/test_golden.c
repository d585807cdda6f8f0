/*
 * test_golden.c - every case of the golden fixtures (tests/data/golden, computed by
 * an independent numpy implementation and cross-checked against the paper's
 * reference code) reproduced through the library: scores, LRP and LRP_cons input
 * relevance per encoder and dimension, word relevance and rest, the gradient, SA
 * and GI word relevance, deletion cases included. Tolerance: 1e-12 absolute.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const double ATOL = 1e-12;

/* compare a method's outputs with the fixture's block {Rx_fwd, Rx_bwd, words, rest} */
static void check_lrp(const char *tag, const lrp_explanation *x, const cJSON *want, size_t T, size_t E)
{
    char what[160];
    size_t r, c, n;
    double *fwd = tu_json_matrix(cJSON_GetObjectItem(want, "Rx_fwd"), &r, &c);
    double *bwd = tu_json_matrix(cJSON_GetObjectItem(want, "Rx_bwd"), &r, &c);
    double *words = tu_json_doubles(cJSON_GetObjectItem(want, "words"), &n);
    TU_CHECK(fwd && bwd && words && r == T && c == E && n == T, "%s: fixture shapes", tag);
    if (fwd && bwd && words && r == T && c == E && n == T) {
        snprintf(what, sizeof what, "%s Rx_fwd", tag);
        TU_CLOSE(what, x->dims_fwd, fwd, T * E, ATOL, 0);
        snprintf(what, sizeof what, "%s Rx_bwd", tag);
        TU_CLOSE(what, x->dims_bwd, bwd, T * E, ATOL, 0);
        snprintf(what, sizeof what, "%s words", tag);
        TU_CLOSE(what, x->relevance, words, T, ATOL, 0);
        double rest = cJSON_GetObjectItem(want, "rest")->valuedouble;
        snprintf(what, sizeof what, "%s rest", tag);
        TU_CLOSE(what, &x->rest, &rest, 1, ATOL, 0);
        /* the encoders' word relevances are the row sums of their Rx */
        double *sum = calloc(T, sizeof *sum);
        for (size_t t = 0; t < T; t++)
            for (size_t k = 0; k < E; k++) sum[t] += fwd[t * E + k];
        snprintf(what, sizeof what, "%s relevance_fwd", tag);
        TU_CLOSE(what, x->relevance_fwd, sum, T, ATOL, 0);
        free(sum);
    }
    free(fwd);
    free(bwd);
    free(words);
}

static void run_fixture(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/%s", tu_data_dir(), name);
    cJSON *root = tu_load_json(path);
    TU_CHECK(root != NULL, "cannot load %s", path);
    if (!root) return;
    lrp_model *m = tu_model_from_golden(cJSON_GetObjectItem(root, "model"));
    TU_CHECK(m != NULL, "%s: cannot build the model", name);
    lrp_model_info info;
    if (m) lrp_model_get_info(m, &info);
    int ncases = 0;
    const cJSON *kase, *cases = m ? cJSON_GetObjectItem(root, "cases") : NULL;
    cJSON_ArrayForEach(kase, cases)
    {
        tu_golden_case g;
        tu_golden_case_read(kase, &g);
        const size_t T = g.T;

        const cJSON *targets = cJSON_GetObjectItem(kase, "targets");
        size_t nt = (size_t)cJSON_GetArraySize(targets);
        int *classes;
        lrp_options o = tu_golden_options(targets, &classes);
        lrp_sentence s = tu_golden_sentence(&g);
        lrp_result res;
        lrp_error err;
        lrp_status st = lrp_explain(m, &s, &o, &res, &err);
        TU_CHECK_STATUS(st, LRP_OK, err);
        char tag[128];
        snprintf(tag, sizeof tag, "%s case %d (T=%zu, %zu deleted)", name, ncases, T, g.n_deleted);
        if (st == LRP_OK) {
            char what[160];
            snprintf(what, sizeof what, "%s scores", tag);
            TU_CLOSE(what, res.scores, g.scores, g.n_scores, ATOL, 0);
            TU_CHECK(res.n_explanations == nt * TU_PAPER_METHODS, "%s: %zu explanations", tag,
                     res.n_explanations);
            for (size_t i = 0; i < nt; i++) {
                const cJSON *t = cJSON_GetArrayItem(targets, (int)i);
                const lrp_explanation *x = &res.explanations[i * TU_PAPER_METHODS];
                snprintf(what, sizeof what, "%s target %d lrp", tag, classes[i]);
                check_lrp(what, &x[LRP_METHOD_LRP], cJSON_GetObjectItem(t, "lrp"), T, info.embed_dim);
                snprintf(what, sizeof what, "%s target %d lrp_cons", tag, classes[i]);
                check_lrp(what, &x[LRP_METHOD_LRP_CONS], cJSON_GetObjectItem(t, "lrp_cons"), T,
                          info.embed_dim);

                size_t r, c, n;
                double *grad = tu_json_matrix(cJSON_GetObjectItem(t, "grad"), &r, &c);
                const lrp_explanation *sa = &x[LRP_METHOD_SA], *gi = &x[LRP_METHOD_GI];
                double *total = malloc(T * info.embed_dim * sizeof *total);
                for (size_t k = 0; k < T * info.embed_dim; k++) total[k] = sa->dims_fwd[k] + sa->dims_bwd[k];
                snprintf(what, sizeof what, "%s target %d grad", tag, classes[i]);
                TU_CLOSE(what, total, grad, T * info.embed_dim, ATOL, 0);
                double *saw = tu_json_doubles(cJSON_GetObjectItem(t, "sa_words"), &n);
                snprintf(what, sizeof what, "%s target %d sa_words", tag, classes[i]);
                TU_CLOSE(what, sa->relevance, saw, T, ATOL, 0);
                double *giw = tu_json_doubles(cJSON_GetObjectItem(t, "gi_words"), &n);
                snprintf(what, sizeof what, "%s target %d gi_words", tag, classes[i]);
                TU_CLOSE(what, gi->relevance, giw, T, ATOL, 0);
                TU_CHECK(sa->target == classes[i] && gi->target == classes[i], "%s: target field", tag);
                free(grad);
                free(total);
                free(saw);
                free(giw);
            }
            lrp_result_free(&res);
        }
        tu_golden_case_free(&g);
        free(classes);
        ncases++;
    }
    TU_CHECK(ncases > 0, "%s: no cases", name);
    printf("%s: %d cases\n", name, ncases);
    lrp_model_free(m);
    cJSON_Delete(root);
}

int main(void)
{
    run_fixture("public-tiny.json");
    run_fixture("public-medium.json");
    return tu_finish();
}
