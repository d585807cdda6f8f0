/*
 * train_loss.c - the loss and gradient of a batch of phrases (train_internal.h): each
 * phrase's noise (unk replacement of rare words, dropout masks on the embeddings and
 * on the head's output), the forward pass of the batched kernels (fast/fast.h,
 * float64, the masks through fast_forward_masked), softmax cross-entropy, and the
 * backward pass with every parameter's gradient (fast_backward_grouped: each group of
 * phrases summed apart; fast_embedding_grad for the embedding rows).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/train_internal.h"
#include "core/common.h"

/* The draw of purpose `draw` for index i of a phrase's noise. */
static double noise_u(const phrase_noise *n, uint64_t draw, size_t i)
{
    return rand_unit(train_key(n->key ^ (draw << 56), i));
}

void train_batch_free(train_batch *bw)
{
    free(bw->phr);
    free(bw->label);
    free(bw->nz);
    free(bw->sent);
    free(bw->ids);
    free(bw->keep_x);
    free(bw->keep_top);
    free(bw->px);
    free(bw->ptop);
    free(bw->dscores);
    fast_work_free_d(&bw->w);
    memset(bw, 0, sizeof *bw);
}

lrp_status train_batch_init(train_batch *bw, const lrp_model *m, const fast_pack_d *pack, size_t cap_n,
                            size_t Tmax, lrp_error *err)
{
    memset(bw, 0, sizeof *bw);
    fast_work_init_d(&bw->w);
    const size_t E = m->shape.E, Y = m->shape.D * m->shape.H, C = m->shape.C, cap_t = cap_n * Tmax;
    bw->cap_n = cap_n;
    bw->cap_tokens = cap_t;
    bw->phr = malloc(cap_n * sizeof *bw->phr);
    bw->label = malloc(cap_n * sizeof *bw->label);
    bw->nz = malloc(cap_n * sizeof *bw->nz);
    bw->sent = malloc(cap_n * sizeof *bw->sent);
    bw->ids = calloc(cap_t, sizeof *bw->ids);
    bw->keep_x = malloc(cap_t * E * sizeof *bw->keep_x);
    bw->keep_top = malloc(cap_n * Y * sizeof *bw->keep_top);
    bw->px = malloc(cap_n * sizeof *bw->px);
    bw->ptop = malloc(cap_n * sizeof *bw->ptop);
    bw->dscores = malloc(cap_n * C * sizeof *bw->dscores);
    if (!bw->phr || !bw->label || !bw->nz || !bw->sent || !bw->ids || !bw->keep_x || !bw->keep_top ||
        !bw->px || !bw->ptop || !bw->dscores) {
        train_batch_free(bw);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a training workspace");
    }
    /* the largest batch: cap_n phrases of Tmax words (word 0) */
    for (size_t b = 0; b < cap_n; b++) bw->sent[b] = (lrp_sentence){bw->ids, Tmax, NULL};
    lrp_status st = fast_forward_d(pack, m, &bw->w, cap_n, bw->sent, err);
    if (st != LRP_OK) train_batch_free(bw);
    return st;
}

/* The input of each phrase after its noise: unk replacement of rare words, and the
 * dropout masks the kernels apply (on every embedding entry and on the head's output). */
static void apply_noise(const lrp_model *m, train_batch *bw, size_t n)
{
    const size_t E = m->shape.E, Y = m->shape.D * m->shape.H;
    size_t at = 0;
    for (size_t b = 0; b < n; b++) {
        const phrase_noise *nz = &bw->nz[b];
        const size_t T = bw->phr[b].length;
        int32_t *ids = bw->ids + at;
        for (size_t t = 0; t < T; t++) {
            int32_t id = bw->phr[b].ids[t];
            if (nz->rare && nz->unk_rate > 0 && nz->rare[id] && noise_u(nz, TRAIN_DRAW_UNK, t) < nz->unk_rate)
                id = (int32_t)m->unk;
            ids[t] = id;
        }
        bw->sent[b] = (lrp_sentence){ids, T, NULL};
        bw->px[b] = bw->ptop[b] = NULL;
        if (nz->p > 0) {
            const double keep = 1.0 / (1.0 - nz->p);
            double *kx = bw->keep_x + at * E, *kt = bw->keep_top + b * Y;
            for (size_t i = 0; i < T * E; i++) kx[i] = noise_u(nz, TRAIN_DRAW_EMBED, i) < nz->p ? 0.0 : keep;
            for (size_t i = 0; i < Y; i++) kt[i] = noise_u(nz, TRAIN_DRAW_TOP, i) < nz->p ? 0.0 : keep;
            bw->px[b] = kx;
            bw->ptop[b] = kt;
        }
        at += T;
    }
}

/* Softmax cross-entropy of phrase b's scores f against its label y: adds
 * loss = log sum_c exp(f_c) - f_y to *loss and whether argmax f = y to *correct, and
 * writes d loss / d f = softmax(f) - onehot(y), times scale, to dscores (C). */
static void cross_entropy(const double *f, size_t C, int y, double scale, double *dscores, double *loss,
                          size_t *correct)
{
    double mx = f[0];
    int arg = 0;
    for (size_t c = 1; c < C; c++)
        if (f[c] > mx) {
            mx = f[c];
            arg = (int)c;
        }
    double z = 0.0;
    for (size_t c = 0; c < C; c++) z += exp(f[c] - mx); /* max subtracted: no overflow */
    *loss += log(z) + mx - f[y];
    *correct += arg == y;
    for (size_t c = 0; c < C; c++) dscores[c] = scale * (exp(f[c] - mx) / z - (c == (size_t)y));
}

lrp_status train_batch_grad(const lrp_model *m, const fast_pack_d *pack, train_batch *bw, size_t n_groups,
                            const size_t *first, double scale, train_shard *out, lrp_error *err)
{
    const size_t E = m->shape.E, C = m->shape.C, n = first[n_groups];
    apply_noise(m, bw, n);
    lrp_status st = fast_forward_masked_d(pack, m, &bw->w, n, bw->sent, bw->px, bw->ptop, err);
    if (st != LRP_OK) return st;
    for (size_t g = 0, b = 0; b < n; b++) {
        while (b >= first[g + 1]) g++; /* b's group */
        cross_entropy(bw->w.sent[b].scores, C, bw->label[b], scale, bw->dscores + b * C, &out[g].loss,
                      &out[g].correct);
    }

    /* backward: every parameter but the embedding by group, then the embedding rows */
    double *dense[TRAIN_SHARDS];
    for (size_t g = 0; g < n_groups; g++) dense[g] = out[g].dense;
    fast_backward_grouped_d(pack, m, &bw->w, bw->dscores, n_groups, first, dense);
    size_t at = 0;
    for (size_t g = 0; g < n_groups; g++) {
        train_shard *o = &out[g];
        o->n_tok = 0;
        for (size_t b = first[g]; b < first[g + 1]; b++)
            for (size_t t = 0; t < bw->sent[b].length; t++, at++, o->n_tok++) {
                fast_embedding_grad_d(pack, &bw->w, b, t, o->demb + o->n_tok * E);
                o->tok[o->n_tok] = bw->ids[at];
            }
    }
    return LRP_OK;
}

lrp_status train_loss_grad(const lrp_model *m, size_t n, const lrp_sentence *phrases, const int *labels,
                           double *loss, double *grad, lrp_error *err)
{
    *loss = NAN;
    lrp_status st;
    const size_t E = m->shape.E;
    size_t words = 0, Tmax = 0;
    for (size_t b = 0; b < n; b++) {
        words += phrases[b].length;
        if (phrases[b].length > Tmax) Tmax = phrases[b].length;
    }
    fast_pack_d *pack = NULL;
    train_batch bw;
    st = fast_pack_create_d(&pack, m, err);
    if (st != LRP_OK) return st;
    st = train_batch_init(&bw, m, pack, n, Tmax, err);
    if (st != LRP_OK) {
        fast_pack_free_d(pack);
        return st;
    }
    train_shard out = {.dense = grad + m->layout.wx[0][0]};
    out.demb = malloc(words * E * sizeof *out.demb);
    out.tok = malloc(words * sizeof *out.tok);
    for (size_t b = 0; b < n; b++) {
        bw.phr[b] = phrases[b];
        bw.label[b] = labels[b];
        bw.nz[b] = (phrase_noise){0};
    }
    const size_t first[2] = {0, n};
    if (!out.demb || !out.tok) st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for the embedding's gradient");
    if (st == LRP_OK) st = train_batch_grad(m, pack, &bw, 1, first, 1.0, &out, err);
    if (st == LRP_OK) {
        *loss = out.loss;
        for (size_t i = 0; i < words; i++)
            for (size_t k = 0; k < E; k++) grad[m->layout.emb + (size_t)out.tok[i] * E + k] += out.demb[i * E + k];
    }
    free(out.demb);
    free(out.tok);
    train_batch_free(&bw);
    fast_pack_free_d(pack);
    return st;
}
