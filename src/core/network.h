/*
 * network.h - the whole classifier on one sentence: embedding lookup, L LSTM layers
 * of D directions (lstm.h), and the linear classifier on the final hidden state of
 * each direction of the top layer:
 *
 *   f(x) = W [h_fwd(T); h_bwd(1)] + b      W: (C, D*H), columns fwd block then bwd block
 *
 * (h_bwd(1) is the backward direction's last state: it has read every word.) A
 * layer above the first reads [h_fwd(t); h_bwd(t)] at each position t.
 *
 * Every pass writes into a workspace sized for a maximum sentence length; the
 * model is only read, so any number of threads can share it.
 */
#ifndef LRP_NETWORK_H
#define LRP_NETWORK_H

#include <stddef.h>

#include "core/lstm.h"
#include "core/model.h"

typedef struct net_workspace {
    size_t cap;                          /* largest T this workspace holds */
    size_t T;                            /* length of the sentence last run forward */
    double *x;                           /* (T, E) layer-0 input; zero rows for deleted words */
    double *y[LRP_MAX_LAYERS];           /* (T, D*H) each layer's outputs by position */
    lstm_cache cache[LRP_MAX_LAYERS][2];
    double *top;                         /* (D*H) classifier input */
    double *scores;                      /* (C) */
    double *sig;                         /* (T, D*H) gradient or relevance at a layer's outputs */
    double *dx[2];                       /* (T, max IN) per direction, at a layer's inputs */
    double *scratch;                     /* lstm_scratch_size */
    double *mem_;
} net_workspace;

/* Allocate a workspace for sentences of up to cap words (LRP_ERR_NOMEM on failure). */
lrp_status net_workspace_init(net_workspace *ws, const lrp_model *m, size_t cap, lrp_error *err);
void net_workspace_free(net_workspace *ws);

/* Forward pass over ids[T] (deleted may be NULL); fills the caches and ws->scores.
 * Ids must already be checked to lie in [0, V) and T <= ws->cap. */
void net_forward(const lrp_model *m, const int32_t *ids, const unsigned char *deleted, size_t T,
                 net_workspace *ws);

/* Backward of net_classify: writes (overwrites) dtop (D*H) = W^T dscores and, when
 * not NULL, adds dscores top^T to dwout (C, D*H) and dscores to dbout (C). */
void net_classify_backward(const lrp_model *m, const double *top, const double *dscores,
                           double *dtop, double *dwout, double *dbout);

/* After net_encode: the gradient of an objective whose gradient at the classifier
 * input is dtop (D*H): writes the gradient at the first layer's input through each
 * direction into gx[0], gx[1] ((T, E) each, gx[1] only when D = 2; the total is
 * their sum) and, when g is not NULL, adds every LSTM parameter gradient into
 * g[l][d] (L entries). */
void net_backward(const lrp_model *m, net_workspace *ws, const double *dtop, double *gx[2],
                  lstm_grads g[][2]);

/* After net_forward: gradient of scores[target] with respect to the first layer's
 * input x, through the forward encoder (gx[0], (T, E)) and the backward encoder
 * (gx[1], (T, E), only when D = 2); the total gradient is their sum. */
void net_gradient(const lrp_model *m, net_workspace *ws, int target, double *gx[2]);

/* After net_forward: LRP with stabiliser eps and bias factor delta, starting from
 * R = f_target at the target output and 0 elsewhere. Writes the input relevance
 * through each first-layer encoder into Rx[0], Rx[1] ((T, E) each) and returns the
 * relevance that reached the initial states of all encoders. */
double net_lrp(const lrp_model *m, net_workspace *ws, int target, double eps, double delta,
               double *Rx[2]);

#endif /* LRP_NETWORK_H */
