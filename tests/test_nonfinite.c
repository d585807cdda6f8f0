/*
 * test_nonfinite.c - a result that is not finite is an error, never a result: a model
 * whose one word's embedding is beyond the float32 range (1e39, a finite double)
 * overflows in float32 (only in sentences with that word) and not in float64. lrp_explain, lrp_explain_batch (naming
 * the first such sentence in input order, whatever the thread count) and lrp_predict
 * fail with LRP_ERR_NUMERIC; the other sentences and float64 are unaffected.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/model.h"
#include "testutil.h"

int main(void)
{
    lrp_model *m = tu_random_model(20, 6, 5, 3, 1, 2, 1, 0.8, 7);
    TU_REQUIRE(m != NULL, "no model");
    /* word 7's embedding: 1e39, Inf as a float32 */
    for (size_t k = 0; k < m->shape.E; k++) m->params[m->layout.emb + 7 * m->shape.E + k] = 1e39;
    lrp_error err;
    TU_REQUIRE(model_prepare(m, &err) == LRP_OK, "prepare: %s", err.message);

    const int32_t ok_ids[3] = {1, 2, 3}, boom_ids[3] = {1, 7, 3};
    lrp_sentence ok = {ok_ids, 3, NULL}, boom = {boom_ids, 3, NULL};
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_ALL;
    lrp_result r;

    /* float64: finite */
    TU_CHECK_STATUS(lrp_explain(m, &boom, &o, &r, &err), LRP_OK, err);
    lrp_result_free(&r);
    double scores[3];
    TU_CHECK_STATUS(lrp_predict(m, &boom, scores, &err), LRP_OK, err);

    /* float32: the sentence with word 7 fails, naming what overflowed */
    o.precision = LRP_F32;
    TU_CHECK_STATUS(lrp_explain(m, &ok, &o, &r, &err), LRP_OK, err);
    lrp_result_free(&r);
    lrp_status st = lrp_explain(m, &boom, &o, &r, &err);
    TU_CHECK(st == LRP_ERR_NUMERIC && strstr(err.message, "overflowed") && strstr(err.message, "float32"),
             "float32 overflow: %s (%s)", lrp_status_string(st), err.message);
    TU_CHECK(r.scores == NULL && r.n_explanations == 0, "a failed result is left empty");
    TU_CHECK(strcmp(lrp_status_string(LRP_ERR_NUMERIC), "not finite") == 0, "status name");

    /* a batch names the first such sentence in input order, on any thread count */
    lrp_sentence batch[9];
    for (size_t i = 0; i < 9; i++) batch[i] = (i == 4 || i == 7) ? boom : ok;
    lrp_result out[9];
    for (int threads = 1; threads <= 3; threads++) {
        st = lrp_explain_batch(m, batch, 9, &o, threads, out, &err);
        TU_CHECK(st == LRP_ERR_NUMERIC && strncmp(err.message, "sentence 4: ", 12) == 0,
                 "%d threads: %s (%s)", threads, lrp_status_string(st), err.message);
        int empty = 1;
        for (size_t i = 0; i < 9; i++) empty &= out[i].scores == NULL;
        TU_CHECK(empty, "%d threads: results left after a failed batch", threads);
        for (size_t i = 0; i < 9; i++) lrp_result_free(&out[i]);
    }
    batch[4] = batch[7] = ok;
    TU_CHECK_STATUS(lrp_explain_batch(m, batch, 9, &o, 2, out, &err), LRP_OK, err);
    for (size_t i = 0; i < 9; i++) {
        TU_CHECK(isfinite(out[i].scores[0]) && isfinite(out[i].explanations[0].relevance[0]), "finite results");
        lrp_result_free(&out[i]);
    }

    /* lrp_predict: scores that overflow in float64. With W the largest double,
     * z_0 = W (1 + sum h) and z_2 = W (1 - sum h): one of them overflows unless
     * |sum h| < 1e-16 */
    const size_t Y = m->shape.D * m->shape.H;
    for (size_t k = 0; k < Y; k++) {
        m->params[m->layout.wout + k] = DBL_MAX;
        m->params[m->layout.wout + 2 * Y + k] = -DBL_MAX;
    }
    m->params[m->layout.bout] = m->params[m->layout.bout + 2] = DBL_MAX;
    TU_REQUIRE(model_prepare(m, &err) == LRP_OK, "prepare: %s", err.message);
    st = lrp_predict(m, &ok, scores, &err);
    TU_CHECK(st == LRP_ERR_NUMERIC && strstr(err.message, "the score of class") && strstr(err.message, "inf"),
             "predict: %s (%s)", lrp_status_string(st), err.message);
    lrp_model_free(m);
    return tu_finish();
}
