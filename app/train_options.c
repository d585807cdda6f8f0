/*
 * train_options.c - the trainer's options in one place (train.h): their defaults,
 * their checks, and the model's shape they describe.
 */
#include <math.h>
#include <string.h>

#include "app/train_internal.h"
#include "core/common.h"

/* The largest embedding and hidden size the trainer takes. */
#define TRAIN_MAX_SIZE 100000

void train_options_init(train_options *o)
{
    memset(o, 0, sizeof *o);
    o->embed = 60;
    o->hidden = 60;
    o->cell = CELL_LSTM;
    o->layers = 1;
    o->directions = 2;
    o->pooling = POOL_LAST;
    o->attention = 0;
    o->n_dense = 0;
    o->activation = ACT_RELU;
    o->epochs = 6;
    o->patience = 2;
    o->batch = 32;
    o->optimizer = TRAIN_ADAM;
    o->lr = 0.003;
    o->lr_decay = 1.0;
    o->dropout = 0.5;
    o->l2 = 0.0;
    o->embed_init = 0.1;
    o->unk_rate = 0.1;
    o->vocab = TRAIN_VOCAB_ALL;
    o->min_count = 1;
    o->seed = 1;
    o->threads = 0;
    o->dtype = LRP_F32;
}

model_shape train_model_shape(const train_options *o, size_t V, size_t C)
{
    model_shape s = {.V = V, .E = o->embed, .H = o->hidden, .C = C, .L = o->layers, .D = o->directions,
                     .has_bias = 0, .cell = o->cell, .pooling = o->pooling, .n_dense = o->n_dense,
                     .activation = o->activation};
    if (o->pooling == POOL_ATTENTION) s.A = o->attention ? o->attention : o->hidden;
    for (size_t k = 0; k < o->n_dense && k < LRP_MAX_DENSE; k++) s.dense[k] = o->dense[k];
    return s;
}

/* The architecture: each part named as the command's option names it. */
static lrp_status check_architecture(const train_options *o, lrp_error *err)
{
    if (o->cell != CELL_LSTM && o->cell != CELL_GRU)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown cell %d (lstm, gru)", (int)o->cell);
    if (o->layers == 0 || o->layers > LRP_MAX_LAYERS)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "layers must lie in 1..%d, got %zu", LRP_MAX_LAYERS, o->layers);
    if (o->directions != 1 && o->directions != 2)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "directions must be 1 or 2, got %zu", o->directions);
    if ((unsigned)o->pooling > POOL_ATTENTION)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown pooling %d (last, mean, max, attention)", (int)o->pooling);
    if (o->attention && o->pooling != POOL_ATTENTION)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "an attention size (%zu) needs attention pooling", o->attention);
    if (o->attention > TRAIN_MAX_SIZE)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "the attention size must lie in 1..%d, got %zu", TRAIN_MAX_SIZE,
                        o->attention);
    if (o->n_dense > LRP_MAX_DENSE)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "at most %d dense layers, got %zu", LRP_MAX_DENSE, o->n_dense);
    for (size_t k = 0; k < o->n_dense; k++)
        if (o->dense[k] == 0 || o->dense[k] > TRAIN_MAX_SIZE)
            return lrp_fail(err, LRP_ERR_ARGUMENT, "dense layer sizes must lie in 1..%d, got %zu", TRAIN_MAX_SIZE,
                            o->dense[k]);
    if (o->activation != ACT_RELU && o->activation != ACT_TANH)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown activation %d (relu, tanh)", (int)o->activation);
    return LRP_OK;
}

lrp_status train_options_check(const train_options *o, lrp_error *err)
{
    if (!o) return lrp_fail(err, LRP_ERR_ARGUMENT, "train options must not be NULL");
    if (o->embed == 0 || o->embed > TRAIN_MAX_SIZE || o->hidden == 0 || o->hidden > TRAIN_MAX_SIZE)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "embedding and hidden sizes must lie in 1..%d", TRAIN_MAX_SIZE);
    lrp_status st = check_architecture(o, err);
    if (st != LRP_OK) return st;
    if (o->epochs == 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "epochs must be at least 1");
    if (o->batch == 0 || o->batch > TRAIN_MAX_BATCH)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "batch must lie in 1..%d", TRAIN_MAX_BATCH);
    if (!(o->lr > 0) || !isfinite(o->lr))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "the learning rate must be positive, got %g", o->lr);
    if (!(o->lr_decay > 0 && o->lr_decay <= 1))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "lr decay must lie in (0, 1], got %g", o->lr_decay);
    if (!(o->dropout >= 0 && o->dropout < 1))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "dropout must lie in [0, 1), got %g", o->dropout);
    if (!(o->l2 >= 0) || !isfinite(o->l2))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "l2 must be >= 0, got %g", o->l2);
    if (!(o->embed_init > 0) || !isfinite(o->embed_init))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "embed init must be positive, got %g", o->embed_init);
    if (!(o->unk_rate >= 0 && o->unk_rate <= 1))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unk rate must lie in [0, 1], got %g", o->unk_rate);
    if (o->optimizer != TRAIN_ADAGRAD && o->optimizer != TRAIN_ADAM)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown optimizer %d", (int)o->optimizer);
    if (o->vocab != TRAIN_VOCAB_ALL && o->vocab != TRAIN_VOCAB_TRAIN)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown vocabulary choice %d", (int)o->vocab);
    if (o->min_count == 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "min count must be at least 1");
    if (o->threads < 0) return lrp_fail(err, LRP_ERR_ARGUMENT, "threads must be >= 0");
    if (o->dtype != LRP_F32 && o->dtype != LRP_F64)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown storage type %d", (int)o->dtype);
    if (o->labels && o->n_labels < 2)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "at least two classes are needed, got %zu", o->n_labels);
    return LRP_OK;
}
