/*
 * test_golden_general.c - every case of the general golden fixtures
 * (tests/data/golden/general: GRU cells, stacked layers, one or two directions, the
 * last/mean/max/attention heads, dense layers with relu or tanh, with and without the
 * classifier's bias; computed by an independent numpy implementation of the rules in
 * their README, scores and gradients cross-checked with PyTorch autograd) reproduced
 * through the reference passes (explain_reference) and through the library
 * (lrp_explain, the fast path): scores, LRP and LRP_cons word relevance per encoder
 * and rest, the gradient, SA and GI, deletion cases included. Tolerance: 1e-12
 * absolute.
 */
#include <stdlib.h>
#include <string.h>

#include "core/explain_internal.h"
#include "testutil.h"

static const double ATOL = 1e-12;

static void check_lrp(const char *tag, const lrp_explanation *x, const cJSON *want, size_t T, size_t D)
{
    char what[200];
    size_t n;
    const char *keys[3] = {"words", "words_fwd", "words_bwd"};
    const double *got[3] = {x->relevance, x->relevance_fwd, x->relevance_bwd};
    for (int k = 0; k < 3; k++) {
        const cJSON *a = cJSON_GetObjectItem(want, keys[k]);
        if (k == 2 && D == 1) {
            TU_CHECK(cJSON_IsNull(a) && !x->relevance_bwd, "%s: words_bwd for a unidirectional model", tag);
            continue;
        }
        double *w = tu_json_doubles(a, &n);
        TU_CHECK(w && n == T, "%s: fixture %s", tag, keys[k]);
        snprintf(what, sizeof what, "%s %s", tag, keys[k]);
        if (w && n == T) TU_CLOSE(what, got[k], w, T, ATOL, 0);
        free(w);
    }
    double rest = cJSON_GetObjectItem(want, "rest")->valuedouble;
    snprintf(what, sizeof what, "%s rest", tag);
    TU_CLOSE(what, &x->rest, &rest, 1, ATOL, 0);
}

/* one case through one path (reference = 1: explain_reference) */
static void check_case(const char *name, int ncase, const lrp_model *m, const cJSON *kase, int reference)
{
    lrp_model_info info;
    lrp_model_get_info(m, &info);
    tu_golden_case g;
    tu_golden_case_read(kase, &g);
    const size_t T = g.T, E = info.embed_dim, D = info.directions;
    const cJSON *targets = cJSON_GetObjectItem(kase, "targets");
    const size_t nt = (size_t)cJSON_GetArraySize(targets);
    int *classes = malloc(nt * sizeof *classes);
    double eps = 0.001;
    for (size_t i = 0; i < nt; i++) {
        const cJSON *t = cJSON_GetArrayItem(targets, (int)i);
        classes[i] = (int)cJSON_GetObjectItem(t, "class")->valuedouble;
        eps = cJSON_GetObjectItem(t, "eps")->valuedouble;
    }
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_ALL;
    o.targets = classes;
    o.n_targets = nt;
    o.eps = eps;
    o.per_dimension = 1;
    lrp_sentence s = tu_golden_sentence(&g);
    lrp_result res;
    lrp_error err;
    lrp_status st = reference ? explain_reference(m, &s, &o, &res, &err) : lrp_explain(m, &s, &o, &res, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    char tag[160], what[200];
    snprintf(tag, sizeof tag, "%s %s case %d (T=%zu, %zu deleted)", reference ? "reference" : "library",
             name, ncase, T, g.n_deleted);
    if (st == LRP_OK) {
        snprintf(what, sizeof what, "%s scores", tag);
        TU_CLOSE(what, res.scores, g.scores, g.n_scores, ATOL, 0);
        for (size_t i = 0; i < nt; i++) {
            const cJSON *t = cJSON_GetArrayItem(targets, (int)i);
            const lrp_explanation *x = &res.explanations[i * LRP_METHOD_COUNT];
            snprintf(what, sizeof what, "%s target %d lrp", tag, classes[i]);
            check_lrp(what, &x[LRP_METHOD_LRP], cJSON_GetObjectItem(t, "lrp"), T, D);
            snprintf(what, sizeof what, "%s target %d lrp_cons", tag, classes[i]);
            check_lrp(what, &x[LRP_METHOD_LRP_CONS], cJSON_GetObjectItem(t, "lrp_cons"), T, D);

            size_t r, c, n;
            double *grad = tu_json_matrix(cJSON_GetObjectItem(t, "grad"), &r, &c);
            const lrp_explanation *sa = &x[LRP_METHOD_SA], *gi = &x[LRP_METHOD_GI];
            double *total = malloc(T * E * sizeof *total);
            for (size_t k = 0; k < T * E; k++) total[k] = sa->dims_fwd[k] + (D == 2 ? sa->dims_bwd[k] : 0.0);
            snprintf(what, sizeof what, "%s target %d grad", tag, classes[i]);
            TU_CHECK(grad && r == T && c == E, "%s: grad shape", what);
            if (grad && r == T && c == E) TU_CLOSE(what, total, grad, T * E, ATOL, 0);
            double *saw = tu_json_doubles(cJSON_GetObjectItem(t, "sa_words"), &n);
            snprintf(what, sizeof what, "%s target %d sa_words", tag, classes[i]);
            TU_CLOSE(what, sa->relevance, saw, T, ATOL, 0);
            double *giw = tu_json_doubles(cJSON_GetObjectItem(t, "gi_words"), &n);
            snprintf(what, sizeof what, "%s target %d gi_words", tag, classes[i]);
            TU_CLOSE(what, gi->relevance, giw, T, ATOL, 0);
            free(grad);
            free(total);
            free(saw);
            free(giw);
        }
        lrp_result_free(&res);
    }
    tu_golden_case_free(&g);
    free(classes);
}

static void run_fixture(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/general/%s", tu_data_dir(), name);
    cJSON *root = tu_load_json(path);
    TU_CHECK(root != NULL, "cannot load %s", path);
    if (!root) return;
    lrp_model *m = tu_model_from_general(root);
    TU_CHECK(m != NULL, "%s: cannot build the model", name);
    int ncases = 0;
    const cJSON *kase, *cases = m ? cJSON_GetObjectItem(root, "cases") : NULL;
    cJSON_ArrayForEach(kase, cases)
    {
        check_case(name, ncases, m, kase, 1);
        check_case(name, ncases, m, kase, 0);
        ncases++;
    }
    TU_CHECK(ncases > 0, "%s: no cases", name);
    printf("%s: %d cases\n", name, ncases);
    lrp_model_free(m);
    cJSON_Delete(root);
}

int main(void)
{
    run_fixture("gru-bi-last.json");
    run_fixture("gru-uni-2layer-mean.json");
    run_fixture("gru-bi-attention-tanh.json");
    run_fixture("lstm-bi-2layer-max.json");
    run_fixture("lstm-bi-attention-relu.json");
    return tu_finish();
}
