/*
 * explain_internal.h - pieces of explain.c shared with the batch driver (batch.c), the
 * fast path's explain (fast/explain.c) and the tests.
 */
#ifndef LRP_EXPLAIN_INTERNAL_H
#define LRP_EXPLAIN_INTERNAL_H

#include "core/network.h"
#include "fast/fast.h"
#include "lrp.h"

/* Everything one thread needs to explain sentences: the network workspace and four
 * (cap, E) arrays for per-dimension values that the caller does not keep. */
typedef struct explain_scratch {
    net_workspace ws;
    double *dims[4];
    double *dims_mem;
} explain_scratch;

lrp_status explain_scratch_init(explain_scratch *sc, const lrp_model *m, size_t cap, lrp_error *err);
void explain_scratch_free(explain_scratch *sc);

/* The model has packed weights for the fast path (model_prepare). */
lrp_status explain_check_model(const lrp_model *m, lrp_error *err);
lrp_status explain_check_options(const lrp_model *m, const lrp_options *o, lrp_error *err);
lrp_status explain_check_sentence(const lrp_model *m, const lrp_sentence *s, lrp_error *err);

/* Allocate an empty result for a T-word sentence and these options. */
lrp_status explain_result_alloc(const lrp_model *m, const lrp_options *o, size_t T, lrp_result *out,
                                lrp_error *err);

/* Is every value of a computed result finite (scores, probabilities, each relevance,
 * rest, per-dimension values)? Else LRP_ERR_NUMERIC naming the first value that is
 * not, and saying that the computation overflowed. Checked once per sentence, after
 * it is computed: NaN never comes out as a result. */
lrp_status explain_check_result(const lrp_model *m, const lrp_result *r, const lrp_options *o, lrp_error *err);

/* Softmax of C scores into p, and the first index of the largest score. */
void explain_softmax(size_t C, const double *z, double *p, int *argmax);

/* The occlusion methods' bits, and is method k one of them? */
#define EXPLAIN_OCCLUSION_BITS (LRP_METHOD_BIT(LRP_METHOD_OCCLUSION) | LRP_METHOD_BIT(LRP_METHOD_OCCLUSION_PROB))
int explain_is_occlusion(lrp_method k);

/* Occlusion of word t of result r, both paths: from the scores (C) of the sentence with
 * word t's embedding zeroed, relevance[t] of every occlusion explanation of r (their
 * targets set): r's score or probability of the target minus this one. p: C doubles of
 * scratch (the probabilities). */
void explain_occlusion_word(const lrp_options *o, const lrp_result *r, size_t t, const double *scores, double *p);

/* Contrastive targets (lrp.h, lrp_contrast), both paths: g for target c from a vector f of
 * C values with this stride (f_c, f_c - f_c2, or f_c - the others' mean); the gradient
 * seed v (C) with g = sum_k v_k f_k; and the extra output neuron's weights and bias
 * row = (w' (U), b'), w'_i = g of column i of the classifier's weights. */
double explain_contrast(const lrp_options *o, size_t C, int c, const double *f, size_t stride);
void explain_contrast_seed(const lrp_options *o, size_t C, int c, double *v);
void explain_contrast_row(const lrp_model *m, const lrp_options *o, int c, double *row);

/* Integrated Gradients, both paths: M (o->ig_steps or the default); the k-th point of the
 * midpoint rule, alpha_k = (k + 1/2) / M; x->completeness from the result's scores, x's
 * relevance and the baseline's scores base (C). */
size_t explain_ig_steps(const lrp_options *o);
double explain_ig_alpha(size_t k, size_t M);
void explain_ig_completeness(const lrp_options *o, const lrp_result *r, lrp_explanation *x, const double *base);

/* The REFERENCE path (lstm.c, network.c), one sentence: forward pass and every
 * requested explanation of one checked sentence into a result from
 * explain_result_alloc, in float64 whatever o->precision says. scratch =
 * explain_scratch.dims. */
void explain_one(const lrp_model *m, const lrp_sentence *s, const lrp_options *o, net_workspace *ws,
                 double *scratch[4], lrp_result *out);
/* lrp_explain through the reference path (for the tests of the fast path). */
lrp_status explain_reference(const lrp_model *m, const lrp_sentence *sent, const lrp_options *o,
                             lrp_result *out, lrp_error *err);

/* The FAST path (fast/fast.h), which every public entry point uses: a thread's
 * workspaces for both precisions, and a second pair for the forward passes of
 * occlusion (the first keeps the sentences' own activations). */
typedef struct explain_work {
    fast_work_d d, d2;
    fast_work_f f, f2;
} explain_work;
void explain_work_init(explain_work *w);
void explain_work_free(explain_work *w);

/* Every requested explanation of n checked sentences, in o->precision, into
 * out[b] (from explain_result_alloc). A sentence's result is the same bits
 * whatever other sentences share the call. Fails only for memory. */
lrp_status explain_fast(const lrp_model *m, explain_work *w, size_t n, const lrp_sentence *sentences,
                        const lrp_options *o, lrp_result *const *out, lrp_error *err);

#endif /* LRP_EXPLAIN_INTERNAL_H */
