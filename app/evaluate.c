/*
 * evaluate.c - sentence-level accuracy, confusion matrix and binary accuracy
 * (evaluate.h). The scores come from lrp_explain_batch with no method (a forward
 * pass per sentence over the threads), in chunks so that memory stays small.
 */
#include "app/evaluate.h"

#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/model.h"

enum { EVAL_CHUNK = 1024 };

void eval_result_free(eval_result *r)
{
    if (!r) return;
    free(r->confusion);
    memset(r, 0, sizeof *r);
}

double eval_accuracy(const eval_result *r) { return r->n ? (double)r->correct / (double)r->n : 0.0; }

double eval_binary_accuracy(const eval_result *r)
{
    return r->binary_n ? (double)r->binary_correct / (double)r->binary_n : 0.0;
}

static lrp_status eval_init(const lrp_model *m, eval_result *out, lrp_error *err)
{
    memset(out, 0, sizeof *out);
    out->C = m->shape.C;
    out->has_binary = out->C == 5;
    out->confusion = calloc(out->C * out->C, sizeof *out->confusion);
    if (!out->confusion) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a confusion matrix");
    return LRP_OK;
}

/* Count one sentence with true label y and the result of its forward pass. */
static void eval_count(eval_result *r, int y, const lrp_result *res)
{
    const double *p = res->probabilities;
    r->n++;
    r->correct += res->predicted == y;
    r->confusion[(size_t)y * r->C + (size_t)res->predicted]++;
    if (r->has_binary && y != 2) {
        int truth = y >= 3, guess = p[3] + p[4] > p[0] + p[1];
        r->binary_n++;
        r->binary_correct += truth == guess;
    }
}

/* Add n sentences to r (labels already checked). */
static lrp_status eval_add(const lrp_model *m, const lrp_sentence *s, const int *labels, size_t n,
                           int threads, int *predicted, eval_result *r, lrp_error *err)
{
    lrp_options o;
    lrp_options_init(&o);
    o.methods = 0; /* scores only */
    size_t cap = n < EVAL_CHUNK ? n : EVAL_CHUNK;
    lrp_result *res = calloc(cap ? cap : 1, sizeof *res);
    if (!res) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for %zu results", cap);
    lrp_status st = LRP_OK;
    for (size_t begin = 0; begin < n && st == LRP_OK; begin += cap) {
        size_t k = n - begin < cap ? n - begin : cap;
        st = lrp_explain_batch(m, s + begin, k, &o, threads, res, err);
        if (st != LRP_OK) break;
        for (size_t i = 0; i < k; i++) {
            eval_count(r, labels[begin + i], &res[i]);
            if (predicted) predicted[begin + i] = res[i].predicted;
            lrp_result_free(&res[i]);
        }
    }
    free(res);
    return st;
}

lrp_status eval_sentences(const lrp_model *m, const lrp_sentence *sentences, const int *labels,
                          size_t n, int threads, int *predicted, eval_result *out, lrp_error *err)
{
    if (!m || !out || (n && (!sentences || !labels)))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "model, sentences, labels and out must not be NULL");
    lrp_status st = eval_init(m, out, err);
    for (size_t i = 0; i < n && st == LRP_OK; i++)
        if (labels[i] < 0 || (size_t)labels[i] >= m->shape.C)
            st = lrp_fail(err, LRP_ERR_INPUT, "sentence %zu: label %d is outside 0..%zu", i,
                          labels[i], m->shape.C - 1);
    if (st == LRP_OK) st = eval_add(m, sentences, labels, n, threads, predicted, out, err);
    if (st != LRP_OK) eval_result_free(out);
    return st;
}

lrp_status eval_corpus(const lrp_model *m, const ds_corpus *corpus, int threads, int *predicted,
                       eval_result *out, lrp_error *err)
{
    if (!m || !corpus || !out)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "model, corpus and out must not be NULL");
    const size_t n = corpus->n;
    size_t words = 0;
    for (size_t i = 0; i < n; i++) words += corpus->sentences[i].length;
    lrp_sentence *s = malloc((n ? n : 1) * sizeof *s);
    int *labels = malloc((n ? n : 1) * sizeof *labels);
    int32_t *ids = malloc((words ? words : 1) * sizeof *ids);
    unsigned char *unknown = malloc(words ? words : 1);
    lrp_status st = eval_init(m, out, err);
    if (st == LRP_OK && (!s || !labels || !ids || !unknown))
        st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for %zu sentences", n);
    size_t at = 0;
    for (size_t i = 0; i < n && st == LRP_OK; i++) {
        const ds_sentence *d = &corpus->sentences[i];
        lrp_tokens tokens = {d->length, d->words}; /* a view: not freed */
        lrp_error e;
        if (d->label < 0 || (size_t)d->label >= m->shape.C) {
            st = lrp_fail(err, LRP_ERR_INPUT, "line %zu: label %d is outside 0..%zu for this model",
                          d->line, d->label, m->shape.C - 1);
        } else if (lrp_encode(m, &tokens, ids + at, unknown + at, &e) != LRP_OK) {
            st = lrp_fail(err, e.status, "line %zu: %s", d->line, e.message);
        } else {
            for (size_t t = 0; t < d->length; t++) out->unknown_words += unknown[at + t];
            s[i] = (lrp_sentence){ids + at, d->length, NULL};
            labels[i] = d->label;
            at += d->length;
        }
    }
    if (st == LRP_OK) st = eval_add(m, s, labels, n, threads, predicted, out, err);
    free(s);
    free(labels);
    free(ids);
    free(unknown);
    if (st != LRP_OK) eval_result_free(out);
    return st;
}
