/*
 * lstm.h - one LSTM direction of one layer over a whole sentence: forward pass,
 * gradient backward pass and relevance (LRP) backward pass, sharing the cache the
 * forward pass fills. Equations: Arras et al. (2017), Appendix:
 *
 *   i = sigm(W_i h(t-1) + U_i x(t) + b_i)    f, o likewise
 *   g = tanh(W_g h(t-1) + U_g x(t) + b_g)
 *   c(t) = f * c(t-1) + i * g
 *   h(t) = o * tanh(c(t))                    h(0) = c(0) = 0
 *
 * Sizes: T words, IN input features, H hidden units, G = 4H stacked gate rows in the
 * internal order i, f, o, g (model.h). A direction with reverse = 1 reads the words
 * from last to first. All inputs and outputs are indexed by the word's ORIGINAL
 * position p; the cache is indexed by processing step s, p = reverse ? T-1-s : s.
 */
#ifndef LRP_LSTM_H
#define LRP_LSTM_H

#include <stddef.h>

#include "core/model.h"

/* What the forward pass keeps for the backward passes, by step s. */
typedef struct lstm_cache {
    double *pre;  /* (T, G) gate pre-activations W h + U x + b */
    double *act;  /* (T, G) activations: sigm for i, f, o; tanh for g */
    double *c;    /* (T+1, H) cell states, row 0 is c(0) = 0, row s+1 after step s */
    double *h;    /* (T+1, H) hidden states, row 0 is h(0) = 0 */
    double *tc;   /* (T, H) tanh(c) after step s */
} lstm_cache;

/* Doubles needed for a cache of T steps with H hidden units. */
size_t lstm_cache_size(size_t T, size_t H);
/* Point the cache's arrays into mem (lstm_cache_size(T, H) doubles); zeroes row 0 of c, h. */
void lstm_cache_init(lstm_cache *cache, double *mem, size_t T, size_t H);

/* Doubles of scratch the backward passes need. */
size_t lstm_scratch_size(size_t in, size_t H);



/* Forward pass. x: (T, in) by original position, row stride ldx. Fills cache. */
void lstm_forward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                  lstm_cache *cache);

/* Gradient backward pass. dh: (T, H) gradient of the objective arriving at h of each
 * position from above (row stride lddh). Writes (overwrites) dx: (T, in) row stride
 * lddx, the gradient with respect to the inputs. If g is not NULL, adds the
 * parameter gradients to it. scratch: lstm_scratch_size(in, H) doubles. */
void lstm_backward(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                   const lstm_cache *cache, const double *dh, size_t lddh, double *dx,
                   size_t lddx, rnn_grads *g, double *scratch);

/* Relevance backward pass (LRP). Rh: (T, H) relevance arriving at h of each position
 * from above (row stride ldrh). Writes (overwrites) Rx: (T, in), row stride ldrx,
 * and returns the relevance that reaches the initial states h(0) and c(0).
 * scratch: lstm_scratch_size(in, H) doubles. */
double lstm_lrp(const rnn_weights *w, int reverse, size_t T, const double *x, size_t ldx,
                const lstm_cache *cache, const double *Rh, size_t ldrh, double eps, double delta,
                double *Rx, size_t ldrx, double *scratch);

#endif /* LRP_LSTM_H */
