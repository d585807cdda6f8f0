/*
 * fast.h - the fast path: the whole network (core/network.h) on a batch of
 * sentences at once, in float64 (suffix _d) or float32 (suffix _f). Every public
 * call (lrp_explain, lrp_explain_batch, lrp_predict) runs here.
 *
 * Sentences of a batch advance together, one time step at a time, so that each
 * weight is loaded once per step for the whole batch: the products W h(t-1) and
 * U x(t) of all sentences are one matrix-matrix product per step (kernels.h). Gate
 * rows are packed for vector loads (fast_pack_*, made at a precision's first use:
 * model_pack_d / model_pack_f in core/model.h), and the activations use the vector
 * sigmoid and tanh of simd.h.
 *
 * The files mirror the reference (src/core): one file per layer kind with its
 * forward, gradient and relevance passes in the reference's order and names
 * (lstm.c beside core/lstm.c, gru.c beside core/gru.c, head.c beside core/head.c,
 * dense.c beside core/dense.c), the network that chains them (network.c beside
 * core/network.c), the word relevance of each method (words.c, which the
 * reference path uses too), and what only batching needs: packed weights
 * (pack.c), the workspace (work.c, work.h) and the matrix kernels (kernels.h).
 * Each of them is compiled twice, once per precision (real.h). The recurrent layers
 * advance all sentences of a batch together; the head (last, mean, max, attention),
 * the dense layers and the classifier run sentence by sentence after them (attention's
 * products over a sentence's positions through the same kernels).
 *
 * Reproducibility: every sentence's arithmetic is the same sequence of operations
 * whatever other sentences share its batch, in whatever order, and whatever the
 * thread count: the vector lanes hold gate rows of ONE sentence (or values of one
 * position) and every sum runs in a fixed order. A sentence explained alone and
 * inside any batch gives the same bits (tests/test_batch.c, tests/test_family.c).
 * The float64 results differ from the reference (core/lstm.c, core/gru.c, ...) only
 * by rounding (fused multiply-adds, vector exp/tanh): within 1e-12 on the golden
 * models.
 *
 * Sizes: as core/network.h (T words, E, H, G = 4H (LSTM) or 3H (GRU), C, L, D,
 * Y = D*H, IN(l), A, U), and padded sizes: Hp = H rounded up to
 * FAST_COLS(precision), gate k's rows at k*Hp..k*Hp+H-1 of Gp = 4*Hp or 3*Hp rows
 * (the padding rows have zero weights), INp = IN, Yp = Y and Ap = A rounded up.
 *
 * Use (one workspace per thread, one pack shared read-only by all):
 *
 *     const fast_pack_d *p = model_pack_d(m, err);          // NULL: out of memory
 *     fast_work_d w; fast_work_init_d(&w);
 *     fast_forward_d(p, m, &w, n, sentences, err);          // scores: w.sent[b].scores
 *     fast_lrp_d(p, &w, targets, NULL, eps, delta);         // relevance: w.sent[b].gx[d]
 *     fast_backward_d(p, m, &w, dscores, grad);             // gradient: w.sent[b].gx[d]
 *     fast_work_free_d(&w);
 *
 * A trainer (app/train.c): fast_forward_masked with its dropout masks, then
 * fast_backward with dscores = d loss / d scores, adding the gradient of every
 * parameter but the embedding (every layer's weights and biases, GRU's b_h, the
 * attention's, the dense layers' and the classifier's) into a flat array, and
 * fast_embedding_grad for each word's embedding row; after changing m->params,
 * fast_pack_update (or fast_pack_update_range for the part that changed,
 * model_prepare for the model's own packs) before the next forward pass. The masks
 * change only the sentences that have them: fast_forward is fast_forward_masked
 * without masks, the same operations and bits.
 */
#ifndef LRP_FAST_H
#define LRP_FAST_H

#include <stddef.h>

#include "core/model.h"
#include "fast/simd.h"
#include "lrp.h"

/* Register tile of the kernels: FAST_R vectors of gate rows x FAST_NB sentences
 * (FAST_NB: 4, 6 or 8). */
#ifndef FAST_R
#define FAST_R 2
#endif
#ifndef FAST_NB
#define FAST_NB 8
#endif

/* Columns per register tile: vector widths of simd.h times FAST_R. */
#define FAST_COLS_D (FAST_R * VD_W)
#define FAST_COLS_F (FAST_R * VF_W)

/* The declarations, once per precision (fast_tmpl.h reads REAL and S). */
#define REAL double
#define S(name) name##_d
#include "fast/fast_tmpl.h"
#undef REAL
#undef S
#define REAL float
#define S(name) name##_f
#include "fast/fast_tmpl.h"
#undef REAL
#undef S

#endif /* LRP_FAST_H */
