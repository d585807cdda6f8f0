/*
 * train_internal.h - what the trainer's files share (train.h is what they offer):
 *
 *   train_options.c  options: defaults, checks, the model's shape from them
 *   train_data.c     data preparation: read the corpora, build the vocabulary, collect
 *                    the distinct phrases, encode the dev and test sentences
 *   train_model.c    the model: created from the options and the data, initialised
 *   train_loss.c     a batch of phrases: dropout and unk noise, forward pass, softmax
 *                    cross-entropy and the gradient of every parameter (the batched
 *                    kernels of fast/fast.h)
 *   train_loop.c     the loop: minibatches over threads meeting at a barrier, the
 *                    shards' gradients summed in a fixed order, Adam / Adagrad, dev
 *                    evaluation, saving, stopping
 *
 * Sizes: V vocabulary, E embedding, H hidden, D directions, Y = D*H the head's input
 * (and output for last/mean/max/attention alike), C classes, T words of a phrase,
 * B phrases per minibatch, P parameters; the "dense" parameters are every parameter
 * but the embedding (which comes last in the layout), DP of them from layout.wx[0][0].
 *
 * Random numbers: every draw is a function of (seed, purpose, indexes) through
 * train_key (splitmix64, core/rand.h), so that no draw depends on the thread that
 * makes it or on the draws before it in another stream.
 */
#ifndef LRP_TRAIN_INTERNAL_H
#define LRP_TRAIN_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "app/train.h"
#include "core/rand.h"
#include "fast/fast.h"

// ----------------------------------------------------------------------------
// random draws

/* A key made of two: the stream of b within the stream of a. */
static inline uint64_t train_key(uint64_t a, uint64_t b)
{
    return splitmix64_at(splitmix64_at(a) ^ (b * 0xd1342543de82ef95ull));
}

/* The trainer's streams under the seed: train_key(seed, TRAIN_STREAM_*). */
enum {
    TRAIN_STREAM_INIT = 1,    /* initial parameters, drawn in order (train_rng) */
    TRAIN_STREAM_SHUFFLE = 2, /* each epoch's order of the phrases (train_rng under the epoch) */
    TRAIN_STREAM_PHRASE = 3   /* each phrase's noise in each epoch (train_key(.., epoch), phrase) */
};
/* What a phrase's noise draws, each for its own indexes (phrase_noise_u). */
enum { TRAIN_DRAW_EMBED = 1, TRAIN_DRAW_TOP = 2, TRAIN_DRAW_UNK = 3 };

/* A sequential stream: the n-th draw is train_key(key, n). */
typedef struct train_rng {
    uint64_t key, n;
} train_rng;

static inline double train_rng_uniform(train_rng *r) { return rand_unit(train_key(r->key, r->n++)); }

/* Normal(0, 1) by Box-Muller (1 - u lies in (0, 1], so the log is finite). */
static inline double train_rng_normal(train_rng *r)
{
    const double two_pi = 6.283185307179586;
    const double u = 1.0 - train_rng_uniform(r), v = train_rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(two_pi * v);
}

// ----------------------------------------------------------------------------
// a batch of phrases: noise, loss, gradient (train_loss.c)

/* Dropout and unk replacement of one phrase in one epoch (p = 0: none). */
typedef struct phrase_noise {
    double p;              /* dropout rate */
    double unk_rate;
    const uint32_t *rare;  /* [V] or NULL */
    uint64_t key;          /* train_key(train_key(train_key(seed, TRAIN_STREAM_PHRASE), epoch), phrase) */
} phrase_noise;

/* The gradient of a group of phrases (a shard of a minibatch), where
 * train_batch_grad writes it. */
typedef struct train_shard {
    double *dense;         /* [DP] gradient of the dense parameters (added to) */
    double *demb;          /* (cap_tokens, E) one embedding gradient row per word */
    int32_t *tok;          /* [cap_tokens] the rows' word ids */
    size_t n_tok;          /* rows written */
    double loss;           /* sum of the phrases' losses */
    size_t correct, n;     /* phrases classified right, phrases */
    lrp_status st;         /* of its train_batch_grad; err says why when not LRP_OK */
    lrp_error err;
} train_shard;

/* Per-thread buffers of train_batch_grad: the batch's phrases (filled by the caller),
 * the inputs after the noise, and the batched kernels' workspace. */
typedef struct train_batch {
    lrp_sentence *phr;      /* [cap_n] the phrases as read (caller) */
    int *label;             /* [cap_n] (caller) */
    phrase_noise *nz;       /* [cap_n] (caller) */
    lrp_sentence *sent;     /* [cap_n] after unk replacement */
    int32_t *ids;           /* (cap_tokens) */
    double *keep_x;         /* (cap_tokens, E) dropout scale of each input entry (0 or 1/(1-p)) */
    double *keep_top;       /* (cap_n, Y) of each entry of the head's output */
    const double **px, **ptop; /* [cap_n] each phrase's masks, NULL without dropout */
    double *dscores;        /* (cap_n, C) */
    size_t cap_n, cap_tokens;
    fast_work_d w;
} train_batch;

/* Buffers for batches of up to cap_n phrases of up to Tmax words; the kernels'
 * workspace is sized for the largest such batch here, so that no batch of the
 * training needs more memory (LRP_ERR_NOMEM otherwise). */
lrp_status train_batch_init(train_batch *bw, const lrp_model *m, const fast_pack_d *pack, size_t cap_n,
                            size_t Tmax, lrp_error *err);
void train_batch_free(train_batch *bw);

/* Forward and backward of bw's phrases as one batch, each with its noise, in groups:
 * group g is phrases first[g] <= b < first[g + 1] and its gradient goes to out[g]
 * (its own bits whatever the other groups: fast_backward_grouped): ADDS the gradient of
 * the dense parameters (the layout from layout.wx[0][0] to layout.emb) to out[g].dense,
 * writes the gradient of each word's embedding row, phrase after phrase, to out[g].demb
 * and the row's word id (after unk replacement) to out[g].tok; the loss gradient is
 * scaled by `scale` (1/B for a batch mean). Adds the phrases' losses -log p_y to
 * out[g].loss and the number whose argmax is y to out[g].correct. n_groups <=
 * TRAIN_SHARDS. */
lrp_status train_batch_grad(const lrp_model *m, const fast_pack_d *pack, train_batch *bw, size_t n_groups,
                            const size_t *first, double scale, train_shard *out, lrp_error *err);


#endif /* LRP_TRAIN_INTERNAL_H */
