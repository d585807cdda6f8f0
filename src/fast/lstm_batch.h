/*
 * lstm_batch.h - the fast path: the whole network (network.h) on a batch of
 * sentences at once, in float64 (suffix _d) or float32 (suffix _f).
 *
 * Sentences of a batch advance together, one time step at a time, so that each
 * weight is loaded once per step for the whole batch: the products W h(t-1) and
 * U x(t) of all sentences are one matrix-matrix product per step. Gate rows are
 * packed for vector loads (lb_pack_*, prepared once when a model is loaded or its
 * parameters change: model_prepare in model.h), and the activations use the
 * vector sigmoid and tanh of simd.h.
 *
 * Reproducibility: every sentence's arithmetic is the same sequence of operations
 * whatever other sentences share its batch, in whatever order, and whatever the
 * thread count: the vector lanes hold gate rows of ONE sentence and every sum runs
 * in a fixed order. A sentence explained alone and inside any batch gives the same
 * bits (tests/test_batch.c). The float64 results differ from the reference
 * (lstm.c) only by rounding (fused multiply-adds, vector exp/tanh): within 1e-12
 * on the golden models.
 *
 * Sizes: as network.h (T words, E, H, G = 4H, C, L, D, Y = D*H, IN(l)), and padded
 * sizes: Hp = H rounded up to LB_COLS(precision), gate k's rows at k*Hp..k*Hp+H-1
 * of Gp = 4*Hp rows (the padding rows have zero weights), INp = IN rounded up.
 *
 * Use (one workspace per thread, one pack shared read-only by all):
 *
 *     const lb_pack_d *p = model_pack_d(m, err);           // NULL: out of memory
 *     lb_work_d w; lb_work_init_d(&w);
 *     lb_forward_d(p, m, &w, n, sentences, err);            // scores: w.sent[b].scores
 *     lb_lrp_d(p, &w, targets, eps, delta);                 // relevance: w.sent[b].gx[d]
 *     lb_backward_d(p, m, &w, dscores, grad);               // gradient: w.sent[b].gx[d]
 *     lb_work_free_d(&w);
 *
 * A trainer (train.c): lb_forward_masked with its dropout masks, then lb_backward
 * with dscores = d loss / d scores, adding the gradient of every parameter but the
 * embedding into a flat array, and lb_embedding_grad for each word's embedding row;
 * after changing m->params, lb_pack_update (or lb_pack_update_range for the part
 * that changed, model_prepare for the model's own packs) before the next forward pass.
 * The masks change only the sentences that have them: lb_forward is
 * lb_forward_masked without masks, the same operations and bits.
 */
#ifndef LRP_LSTM_BATCH_H
#define LRP_LSTM_BATCH_H

#include <stddef.h>

#include "lrp.h"
#include "core/model.h"
#include "fast/simd.h"

/* Register tile of the kernels: LB_R vectors of gate rows x LB_NB sentences
 * (LB_NB: 4, 6 or 8). */
#ifndef LB_R
#define LB_R 2
#endif
#ifndef LB_NB
#define LB_NB 8
#endif

#define LB_DECLARE(real, S)                                                                        \
    /* one direction of one layer, packed */                                                       \
    typedef struct lb_dir_##S {                                                                    \
        size_t in, inp; /* IN and INp */                                                           \
        real *wxT;      /* (IN, Gp): U transposed, a gate row per column */                        \
        real *whT;      /* (H, Gp): W transposed */                                                \
        real *b;        /* (Gp) */                                                                 \
        real *wx;       /* (Gp, INp): U, rows padded (U^T d and the LRP of gate g) */              \
        real *wh;       /* (Gp, Hp): W, rows padded */                                             \
    } lb_dir_##S;                                                                                  \
                                                                                                   \
    /* the model's weights packed for this precision (embeddings stay in the model) */             \
    typedef struct lb_pack_##S {                                                                   \
        model_shape s;                                                                             \
        size_t Hp, Gp, INmax; /* INmax = largest IN(l) */                                          \
        lb_dir_##S dir[LRP_MAX_LAYERS][2];                                                         \
        real *wout;           /* (C, Y) */                                                         \
        real *bout;           /* (C), zeros without a classifier bias */                          \
        real *mem_;                                                                                \
    } lb_pack_##S;                                                                                 \
                                                                                                   \
    /* one sentence of a batch: its arrays inside the workspace */                                \
    typedef struct lb_sent_##S {                                                                   \
        size_t T;                                                                                  \
        const int32_t *ids;                                                                        \
        const unsigned char *deleted;                                                              \
        const real *keep_x;   /* (T, E) or NULL: lb_forward_masked's input mask */                 \
        const real *keep_top; /* (Y) or NULL: its classifier input mask */                          \
        real *x;      /* (T, E) first layer's input (times keep_x); zero rows for deleted words */ \
        real *y;      /* (L-1, T, Y) outputs by position of every layer but the top one */        \
        real *cache;  /* (L, D) caches: g gate pre-activation (T, Hp), activations (T, Gp), c, h  \
                         (T+1, Hp), tanh(c) (T, Hp), by processing step as in lstm.h */            \
        real *top;    /* (Y) classifier input (times keep_top) */                                  \
        real *scores; /* (C) */                                                                    \
        real *sig;    /* (T, Y) signal at a layer's outputs during a backward pass */              \
        real *dx[2];  /* (T, IN(l)) signal at a layer's inputs, per direction (L > 1 only) */      \
        real *gx[2];  /* (T, E) after lb_lrp / lb_backward: relevance or gradient at the first    \
                         layer's input through each direction (gx[1] only when D = 2) */           \
        real *tmp;    /* per-sentence scratch of the backward passes */                            \
        real *dpre;   /* (T, Gp) lb_backward with parameter gradients: one direction's gradient   \
                         at the gate pre-activations, by step */                                   \
        double rest;  /* after lb_lrp: relevance that reached the initial states */                \
    } lb_sent_##S;                                                                                 \
                                                                                                   \
    /* a thread's workspace; grows as needed, never shrinks */                                     \
    typedef struct lb_work_##S {                                                                   \
        size_t n, Tmax;       /* sentences of the current batch, longest */                        \
        lb_sent_##S *sent;    /* [n] in the caller's order */                                      \
        size_t *order;        /* [n] sentence indexes, longest first (stable) */                   \
        const real **pv;      /* [n] pointer arrays for the kernels */                             \
        real **po, **po2;                                                                          \
        const real **pv2, **pv3;                                                                   \
        real *dscores;        /* (n, C) */                                                         \
        int *targets;         /* [n] */                                                            \
        size_t cap_n, cap_mem;                                                                     \
        real *mem;                                                                                 \
    } lb_work_##S;                                                                                 \
                                                                                                   \
    /* Pack m's parameters (LRP_ERR_NOMEM on failure). */                                          \
    lrp_status lb_pack_create_##S(lb_pack_##S **out, const lrp_model *m, lrp_error *err);          \
    /* Repack after m's parameters changed (same shapes). */                                       \
    void lb_pack_update_##S(lb_pack_##S *p, const lrp_model *m);                                   \
    /* Repack only the parameters with flat indexes in [lo, hi) (m->layout; the embedding is not  \
     * packed): threads that each changed a range can repack their own in parallel. */            \
    void lb_pack_update_range_##S(lb_pack_##S *p, const lrp_model *m, size_t lo, size_t hi);       \
    void lb_pack_free_##S(lb_pack_##S *p);                                                         \
                                                                                                   \
    void lb_work_init_##S(lb_work_##S *w);                                                         \
    void lb_work_free_##S(lb_work_##S *w);                                                         \
                                                                                                   \
    /* Forward pass of n checked sentences (ids in range, 1 <= T <= LRP_MAX_LENGTH):              \
     * sizes the workspace (LRP_ERR_NOMEM), keeps every activation and writes                      \
     * w->sent[b].scores. */                                                                       \
    lrp_status lb_forward_##S(const lb_pack_##S *p, const lrp_model *m, lb_work_##S *w, size_t n, \
                              const lrp_sentence *sentences, lrp_error *err);                      \
    /* lb_forward with a trainer's dropout: keep_x[b] ((T, E)) multiplies sentence b's first      \
     * layer input after the embedding lookup, keep_top[b] ((Y)) its classifier input before the  \
     * scores (entries 0 or 1/(1-p)). keep_x, keep_top or any entry may be NULL: no mask. The     \
     * masks must stay in place until lb_backward has run. */                                     \
    lrp_status lb_forward_masked_##S(const lb_pack_##S *p, const lrp_model *m, lb_work_##S *w,     \
                                     size_t n, const lrp_sentence *sentences,                      \
                                     const real *const *keep_x, const real *const *keep_top,       \
                                     lrp_error *err);                                              \
                                                                                                   \
    /* After lb_forward: gradient of sum_c dscores[b*C + c] * scores_b[c] (dscores: (n, C), NULL \
     * = w->dscores) with respect to the first layer's inputs (after the masks), into             \
     * w->sent[b].gx. When dense is not NULL, also ADDS the gradients of every parameter but the  \
     * embedding, summed over the batch, to dense: a flat gradient array in m->layout from        \
     * layout.wx[0][0] to layout.emb (dense[i - layout.wx[0][0]] for parameter i); the embedding's \
     * gradients come from lb_embedding_grad. */                                                   \
    void lb_backward_##S(const lb_pack_##S *p, const lrp_model *m, lb_work_##S *w,                 \
                         const real *dscores, double *dense);                                      \
    /* lb_backward with the parameter gradients summed by group: the sentences                    \
     * first[g] <= b < first[g + 1] (first[0] = 0, first[n_groups] = n) into dense[g] (dense      \
     * NULL: none). A group's sums are the same bits whatever other groups share the batch, so    \
     * a caller can batch several groups whose gradients must stay apart (train.c's shards). */   \
    void lb_backward_grouped_##S(const lb_pack_##S *p, const lrp_model *m, lb_work_##S *w,         \
                                 const real *dscores, size_t n_groups, const size_t *first,        \
                                 double *const *dense);                                            \
    /* After lb_backward: writes row (E) = the gradient with respect to the embedding row of     \
     * word t of sentence b (summed over the directions, times keep_x; zeros for a deleted word). \
     */                                                                                            \
    void lb_embedding_grad_##S(const lb_pack_##S *p, const lb_work_##S *w, size_t b, size_t t,     \
                               double *row);                                                       \
                                                                                                   \
    /* After lb_forward: LRP (epsilon rule eps, bias factor delta) from R = f_target at the       \
     * target output of each sentence (targets: [n] class indexes) down to the first layer's      \
     * inputs, into w->sent[b].gx, and the relevance that reached the initial states into         \
     * w->sent[b].rest. */                                                                         \
    void lb_lrp_##S(const lb_pack_##S *p, lb_work_##S *w, const int *targets, double eps,          \
                    double delta);

LB_DECLARE(double, d)
LB_DECLARE(float, f)

/* Columns per register tile: vector widths of simd.h times LB_R. */
#define LB_COLS_D (LB_R * VD_W)
#define LB_COLS_F (LB_R * VF_W)

#endif /* LRP_LSTM_BATCH_H */
