/*
 * network.h - the whole classifier on one sentence (the reference): embedding lookup,
 * L recurrent layers of D directions (core/lstm.h or core/gru.h), the head over the
 * top layer's states (core/head.h), the dense layers and the linear classifier
 * (core/dense.h):
 *
 *   x(t) = embedding row of word t (zeros for a deleted word)
 *   y_l(t) = [h_fwd(t); h_bwd(t)] of layer l, reading y_{l-1}(t) (layer 0: x(t))
 *   u = head(y_{L-1}),  a_k = act(W_k a_{k-1} + b_k) (a_{-1} = u),  f(x) = W a + b
 *
 * Every pass writes into a workspace sized for a maximum sentence length; the
 * model is only read, so any number of threads can share it.
 */
#ifndef LRP_NETWORK_H
#define LRP_NETWORK_H

#include <stddef.h>

#include "core/gru.h"
#include "core/head.h"
#include "core/lstm.h"
#include "core/model.h"

/* One direction's cache: the model's cell says which. */
typedef union net_cache {
    lstm_cache lstm;
    gru_cache gru;
} net_cache;

typedef struct net_workspace {
    size_t cap;                          /* largest T this workspace holds */
    size_t T;                            /* length of the sentence last run forward */
    double *x;                           /* (T, E) layer-0 input; zero rows for deleted words */
    double *y[LRP_MAX_LAYERS];           /* (T, D*H) each layer's outputs by position */
    net_cache cache[LRP_MAX_LAYERS][2];
    head_cache head;
    double *u;                           /* (D*H) the head's output */
    double *z[LRP_MAX_DENSE];            /* (M_k) dense layer k's pre-activation */
    double *a[LRP_MAX_DENSE];            /* (M_k) its output */
    const double *top;                   /* (U) the classifier's input: u or the last a */
    double *scores;                      /* (C) */
    double *dscores;                     /* (C) net_gradient's one-hot vector */
    double *row;                         /* (U + 1) a contrast's output neuron for net_lrp */
    double *vec[2];                      /* (largest of C, U0, M_k) signals between dense layers */
    double *sig;                         /* (T, D*H) gradient or relevance at a layer's outputs */
    double *dx[2];                       /* (T, max IN) per direction, at a layer's inputs */
    double *scratch;                     /* for the cells, the head and the dense layers */
    double *mem_;
} net_workspace;

/* Allocate a workspace for sentences of up to cap words (LRP_ERR_NOMEM on failure). */
lrp_status net_workspace_init(net_workspace *ws, const lrp_model *m, size_t cap, lrp_error *err);
void net_workspace_free(net_workspace *ws);

/* Forward pass over ids[T] (deleted may be NULL); fills the caches and ws->scores.
 * Ids must already be checked to lie in [0, V) and T <= ws->cap. */
void net_forward(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, size_t T,
                 net_workspace *ws);
/* The same with every embedding row times scale (Integrated Gradients' path). */
void net_forward_scaled(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, double scale,
                        size_t T, net_workspace *ws);

/* After net_forward: the gradient of sum_c dscores[c] scores[c] with respect to the
 * first layer's input through each direction into gx[0], gx[1] ((T, E) each, gx[1]
 * only when D = 2; the total is their sum) and, when grad is not NULL, adds the
 * gradient of every parameter but the embedding into grad (a flat array in m->layout:
 * grad[i] for parameter i). */
void net_backward(const lrp_model *m, net_workspace *ws, const double *dscores, double *gx[2],
                  double *grad);

/* After net_forward: gradient of scores[target] with respect to the first layer's
 * input x, through the forward encoder (gx[0], (T, E)) and the backward encoder
 * (gx[1], (T, E), only when D = 2); the total gradient is their sum. */
void net_gradient(const lrp_model *m, net_workspace *ws, int target, double *gx[2]);

/* After net_forward: LRP with stabiliser eps and bias factor delta, starting from
 * R = f_target at the target output and 0 elsewhere, or, when row is not NULL, from
 * R = g at an extra output neuron g = w' top + b' in place of the classifier (row =
 * (w' (U), b'): a contrast, explain_contrast_row). Writes the input relevance through
 * each first-layer encoder into Rx[0], Rx[1] ((T, E) each) and returns the relevance
 * that reached the initial states of all encoders. */
double net_lrp(const lrp_model *m, net_workspace *ws, int target, const double *row, double eps,
               double delta, double *Rx[2]);

#endif /* LRP_NETWORK_H */
