/*
 * explain_internal.h - pieces of explain.c shared with the batch driver (batch.c).
 */
#ifndef LRP_EXPLAIN_INTERNAL_H
#define LRP_EXPLAIN_INTERNAL_H

#include "lrp.h"
#include "network.h"

/* Everything one thread needs to explain sentences: the network workspace and four
 * (cap, E) arrays for per-dimension values that the caller does not keep. */
typedef struct explain_scratch {
    net_workspace ws;
    double *dims[4];
    double *dims_mem;
} explain_scratch;

lrp_status explain_scratch_init(explain_scratch *sc, const lrp_model *m, size_t cap, lrp_error *err);
/* Grow (never shrink) so that sentences of T words fit. */
lrp_status explain_scratch_reserve(explain_scratch *sc, const lrp_model *m, size_t T, lrp_error *err);
void explain_scratch_free(explain_scratch *sc);

lrp_status explain_check_options(const lrp_model *m, const lrp_options *o, lrp_error *err);
lrp_status explain_check_sentence(const lrp_model *m, const lrp_sentence *s, lrp_error *err);

/* Allocate an empty result for a T-word sentence and these options. */
lrp_status explain_result_alloc(const lrp_model *m, const lrp_options *o, size_t T, lrp_result *out,
                                lrp_error *err);

/* Forward pass and every requested explanation of one checked sentence into a
 * result from explain_result_alloc. scratch = explain_scratch.dims. */
void explain_one(const lrp_model *m, const lrp_sentence *s, const lrp_options *o, net_workspace *ws,
                 double *scratch[4], lrp_result *out);

#endif /* LRP_EXPLAIN_INTERNAL_H */
