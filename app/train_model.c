/*
 * train_model.c - the model the trainer starts from (train_model_init, train.h): its
 * shape from the options and the data, the vocabulary and labels, and the initial
 * parameters drawn from the seed's TRAIN_STREAM_INIT stream in the order of the
 * model's tensors (core/model.h, model_tensors): the embedding, each recurrent layer
 * and direction, the attention scorer, the dense layers, the classifier.
 *
 * As PyTorch initialises its modules: nn.LSTM and nn.GRU draw every weight and bias
 * uniform in +-1/sqrt(H); an LSTM here has one bias, PyTorch's bias_ih + bias_hh, so
 * it is the sum of two such draws, while a GRU keeps b_x and b_h apart. nn.Linear
 * (the attention's W and b, the dense layers, the classifier) draws uniform in
 * +-1/sqrt(its input size); the attention vector v, a Linear(A, 1) without bias,
 * in +-1/sqrt(A). The embedding is normal(0, embed_init) (nn.Embedding's is
 * normal(0, 1); small ones train better here, docs/training.md).
 */
#include <math.h>

#include "app/train_internal.h"
#include "core/common.h"

/* n parameters from p on, uniform in +-bound (the sum of `draws` such draws each). */
static void draw_uniform(double *p, size_t n, double bound, int draws, train_rng *r)
{
    for (size_t i = 0; i < n; i++) {
        double sum = bound * (2.0 * train_rng_uniform(r) - 1.0);
        for (int k = 1; k < draws; k++) sum += bound * (2.0 * train_rng_uniform(r) - 1.0);
        p[i] = sum;
    }
}

/* Every parameter of m from the seed, in the order the header describes. */
static void init_parameters(lrp_model *m, const train_options *o)
{
    const model_shape *s = &m->shape;
    const param_layout *L = &m->layout;
    const size_t G = model_gates(s) * s->H, Y = s->D * s->H;
    const double a_rnn = 1.0 / sqrt((double)s->H);
    train_rng r = {train_key(o->seed, TRAIN_STREAM_INIT), 0};
    double *p = m->params;
    for (size_t i = 0; i < s->V * s->E; i++) p[L->emb + i] = o->embed_init * train_rng_normal(&r);
    for (size_t l = 0; l < s->L; l++)
        for (size_t d = 0; d < s->D; d++) {
            draw_uniform(p + L->wx[l][d], G * model_layer_input(s, l), a_rnn, 1, &r);
            draw_uniform(p + L->wh[l][d], G * s->H, a_rnn, 1, &r);
            if (s->cell == CELL_GRU) {
                draw_uniform(p + L->b[l][d], G, a_rnn, 1, &r);
                draw_uniform(p + L->bh[l][d], G, a_rnn, 1, &r);
            } else {
                draw_uniform(p + L->b[l][d], G, a_rnn, 2, &r);
            }
        }
    if (s->pooling == POOL_ATTENTION) {
        const double a_in = 1.0 / sqrt((double)Y);
        draw_uniform(p + L->att_w, s->A * Y, a_in, 1, &r);
        draw_uniform(p + L->att_b, s->A, a_in, 1, &r);
        draw_uniform(p + L->att_v, s->A, 1.0 / sqrt((double)s->A), 1, &r);
    }
    for (size_t k = 0; k < s->n_dense; k++) {
        const size_t in = model_dense_input(s, k);
        const double a_in = 1.0 / sqrt((double)in);
        draw_uniform(p + L->dense_w[k], s->dense[k] * in, a_in, 1, &r);
        draw_uniform(p + L->dense_b[k], s->dense[k], a_in, 1, &r);
    }
    const size_t U = model_dense_input(s, s->n_dense);
    draw_uniform(p + L->wout, s->C * U, 1.0 / sqrt((double)U), 1, &r);
    if (s->has_bias) draw_uniform(p + L->bout, s->C, 1.0 / sqrt((double)U), 1, &r);
}

lrp_status train_model_init(const train_data *d, const train_options *o, lrp_model **out, lrp_error *err)
{
    *out = NULL;
    lrp_status st = train_options_check(o, err);
    if (st != LRP_OK) return st;
    const model_shape shape = train_model_shape(o, d->V, d->C);
    lrp_model *m;
    st = model_create(&m, &shape, err);
    if (st != LRP_OK) return st;
    st = model_set_vocab(m, d->words, d->V, err);
    if (st == LRP_OK) st = model_set_labels(m, d->labels, d->C, err);
    if (st == LRP_OK) st = model_set_unk(m, UNK_WORD, err);
    if (st != LRP_OK) {
        lrp_model_free(m);
        return st;
    }
    m->lowercase = 1;
    init_parameters(m, o);
    *out = m;
    return LRP_OK;
}
