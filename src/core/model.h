/*
 * model.h - the in-memory model: shapes, one flat float64 parameter array with a
 * view per tensor (the embedding there or kept in float32), vocabulary and labels.
 * Internal; the public handle is the opaque lrp_model of lrp.h.
 *
 * The model family: embedding -> L stacked recurrent layers (LSTM or GRU cells, D = 1
 * or 2 directions; layer k+1 reads [h_fwd(t); h_bwd(t)] of layer k) -> a head over the
 * top layer's states (last, mean, max or attention) -> zero or more dense layers
 * (relu or tanh) -> a linear classifier (with or without bias). The exact equations
 * and LRP rules: core/lstm.h, core/gru.h, core/head.h, core/dense.h.
 *
 * Sizes: V vocabulary, E embedding, H hidden, C classes, L layers, D directions
 * (1 or 2), G = 4H (LSTM) or 3H (GRU) gate rows. Layer l reads IN(l) = E for l = 0,
 * D*H above. The head gives U0 = D*H values, dense layer k gives M_k; the classifier
 * reads U = the last dense size, else U0. A = the attention scorer's size. Gate rows
 * are stacked in the internal order below, whatever the file's gate_order was; the
 * loader permutes rows on the way in and the writer records the internal order.
 */
#ifndef LRP_MODEL_H
#define LRP_MODEL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"
#include "io/fileio.h"
#include "lrp.h"

#define LRP_MAX_LAYERS 16
#define LRP_MAX_DENSE 8

/* The recurrent cell. */
typedef enum model_cell { CELL_LSTM = 0, CELL_GRU = 1 } model_cell;

/* LSTM gate blocks, each H rows: sigmoid gates first (contiguous), tanh last. */
enum { GATE_I = 0, GATE_F = 1, GATE_O = 2, GATE_G = 3, GATE_COUNT = 4 };
#define LRP_INTERNAL_GATE_ORDER "ifog"

/* GRU gate blocks, each H rows, PyTorch's order: reset, update, candidate. */
enum { GRU_R = 0, GRU_Z = 1, GRU_N = 2, GRU_GATE_COUNT = 3 };
#define LRP_GRU_GATE_ORDER "rzn"

/* The head over the top layer's states hcat(t) = [h_fwd(t); h_bwd(t)]. */
typedef enum model_pooling {
    POOL_LAST = 0,     /* [h_fwd(T); h_bwd(1)]: each direction's last state */
    POOL_MEAN = 1,     /* average over t */
    POOL_MAX = 2,      /* elementwise maximum over t */
    POOL_ATTENTION = 3 /* sum_t alpha_t hcat(t), alpha = softmax_t(v . tanh(W hcat(t) + b)) */
} model_pooling;

/* The dense layers' activation. */
typedef enum model_activation { ACT_RELU = 0, ACT_TANH = 1 } model_activation;

typedef struct model_shape {
    size_t V, E, H, C, L, D;
    int has_bias;          /* classifier bias present */
    model_cell cell;       /* CELL_LSTM (the paper's) or CELL_GRU */
    model_pooling pooling; /* POOL_LAST (the paper's) ... */
    size_t A;              /* attention size when pooling = POOL_ATTENTION, else 0 */
    size_t n_dense;        /* dense layers between the head and the classifier */
    size_t dense[LRP_MAX_DENSE]; /* their sizes M_k */
    model_activation activation; /* of the dense layers */
} model_shape;

/* Gate blocks of a cell: 4 (LSTM) or 3 (GRU); G = model_gates(s) * H. */
static inline size_t model_gates(const model_shape *s) { return s->cell == CELL_GRU ? GRU_GATE_COUNT : GATE_COUNT; }

/* Number of input features of layer l. */
static inline size_t model_layer_input(const model_shape *s, size_t l)
{
    return l == 0 ? s->E : s->D * s->H;
}

/* Input size of dense layer k (k = n_dense: of the classifier): U0 = D*H after the head. */
static inline size_t model_dense_input(const model_shape *s, size_t k)
{
    return k == 0 ? s->D * s->H : s->dense[k - 1];
}

/* The paper's architecture (LSTM cells, last states, no dense layer)? */
static inline int model_is_paper(const model_shape *s)
{
    return s->cell == CELL_LSTM && s->pooling == POOL_LAST && s->n_dense == 0;
}

/* Offsets (in doubles) of every tensor inside the flat parameter array. Gradients
 * and optimiser state use the same layout, so an optimiser is one flat loop. The
 * dense parameters (recurrent layers, head, dense layers, classifier) come first,
 * [0, emb); the embedding last, [emb, total), so that a model keeping its embedding
 * in float32 (emb32 below) stores the first part only. */
typedef struct param_layout {
    size_t wx[LRP_MAX_LAYERS][2];       /* (G, IN(l)) */
    size_t wh[LRP_MAX_LAYERS][2];       /* (G, H) */
    size_t b[LRP_MAX_LAYERS][2];        /* (G) LSTM: input and recurrent bias summed;
                                           GRU: the input bias b_x */
    size_t bh[LRP_MAX_LAYERS][2];       /* (G) GRU only: the recurrent bias b_h */
    size_t att_w, att_b, att_v;         /* (A, D*H), (A), (A): attention only */
    size_t dense_w[LRP_MAX_DENSE];      /* (M_k, model_dense_input(k)) */
    size_t dense_b[LRP_MAX_DENSE];      /* (M_k) */
    size_t wout;                        /* (C, U): after the head, columns fwd block, then bwd */
    size_t bout;                        /* (C), only if has_bias */
    size_t emb;                         /* (V, E); also the number of dense parameters */
    size_t total;
} param_layout;

/* One direction of one recurrent layer: a view into the parameters. */
typedef struct rnn_weights {
    size_t in;          /* input size IN(l) */
    size_t H;
    const double *wx;   /* (G, in) */
    const double *wh;   /* (G, H) */
    const double *b;    /* (G) LSTM: summed bias; GRU: b_x */
    const double *bh;   /* (G) GRU: b_h; NULL for an LSTM */
} rnn_weights;

/* Position of a direction's processing step s: a direction with reverse = 1 reads the
 * words from last to first. */
static inline size_t rnn_pos(int reverse, size_t T, size_t s) { return reverse ? T - 1 - s : s; }

/* Parameter gradients of one direction, the shapes of rnn_weights. Accumulated (+=). */
typedef struct rnn_grads {
    double *wx; /* (G, in) */
    double *wh; /* (G, H) */
    double *b;  /* (G) */
    double *bh; /* (G) GRU only */
} rnn_grads;

struct fast_pack_d;
struct fast_pack_f;

/* Where the embedding is kept. */
typedef enum model_emb_kind {
    MODEL_EMB_F64 = 0,    /* in params (emb) */
    MODEL_EMB_F32 = 1,    /* in emb32_owned, zeroed (emb32 points there) */
    MODEL_EMB_F32_FILE = 2 /* float32 values the caller points emb32 at, in m->file (the
                              file's bytes, read into memory: no copy of them) */
} model_emb_kind;

struct lrp_model {
    model_shape shape;
    param_layout layout;
    double *params;                     /* [model_stored(m)], owned */
    /* The embedding: float64 in params (emb), or, for a model read from a file that
     * holds it in float32, those float32 values as they are (emb32; params then end
     * before layout.emb). Widening a float32 is exact, so both give the same
     * results; the float32 copy is half the memory to fill when loading. */
    const double *emb;                  /* (V, E) view into params, or NULL */
    const float *emb32;                 /* (V, E) in emb32_owned or in file, or NULL */
    float *emb32_owned;
    lrp_file_view file;                 /* the model file's bytes (read into memory), kept
                                           when emb32 lies in them */
    model_emb_kind emb_kind;
    /* views into params */
    rnn_weights rnn[LRP_MAX_LAYERS][2];
    const double *att_w, *att_b, *att_v; /* attention: (A, D*H), (A), (A); else NULL */
    const double *dense_w[LRP_MAX_DENSE]; /* (M_k, input size) */
    const double *dense_b[LRP_MAX_DENSE]; /* (M_k) */
    const double *wout;                 /* (C, U) */
    const double *bout;                 /* (C) or NULL */

    char **words;                       /* [V] owned, NUL-terminated */
    char **labels;                      /* [C] owned */
    hash_table vocab_index;             /* word -> id over words (core/hash.h) */
    long unk;                           /* id of the unknown-word token, -1 if none */
    int lowercase;
    char source[512];                   /* lrp_model_source: "" = this project's format */
    char description[256];              /* lrp_model_describe: model_describe(&shape) */
    /* The parameters packed for the fast path (fast/fast.h), each precision's made
     * at its first use (model_pack_d, model_pack_f) once model_prepare said that the
     * parameters are set: a run in one precision never fills the other's. */
    int prepared;
    struct fast_pack_d *_Atomic pack_d;
    struct fast_pack_f *_Atomic pack_f;
    pthread_mutex_t pack_mu;            /* taken to make a pack */
};

/* Fill `layout` for `shape`; fails (LRP_ERR_NOMEM) on overflow, LRP_ERR_ARGUMENT on
 * an impossible shape (zero sizes, D not 1 or 2, L > LRP_MAX_LAYERS, an unknown cell,
 * pooling or activation, A = 0 with attention or A > 0 without, more than
 * LRP_MAX_DENSE dense layers or one of size 0). */
lrp_status param_layout_init(param_layout *layout, const model_shape *shape, lrp_error *err);

/* Names of the cell, pooling and activation kinds ("lstm", "gru"; "last", "mean",
 * "max", "attention"; "relu", "tanh"), and the kind of a name (-1: unknown). */
const char *model_cell_name(model_cell c);
const char *model_pooling_name(model_pooling p);
const char *model_activation_name(model_activation a);
int model_cell_parse(const char *name);
int model_pooling_parse(const char *name);
int model_activation_parse(const char *name);

/* One tensor of the model under this project's names (docs/model-format.md) and
 * where it lies in the parameters: rows x cols values from layout index offset, row
 * after row (cols = 1 for rank 1). */
typedef struct model_tensor {
    char name[64];
    size_t rank;   /* 1 or 2 */
    size_t rows, cols;
    size_t offset; /* layout index of element [0, 0] */
    size_t block;  /* H when the rows are gate blocks of H rows (a file may permute them), else 0 */
} model_tensor;

/* embedding, 4 per layer and direction, attention 3, 2 per dense layer, classifier 2 */
#define MODEL_MAX_TENSORS (1 + 4 * 2 * LRP_MAX_LAYERS + 3 + 2 * LRP_MAX_DENSE + 2)

/* Every tensor of a model of shape s (at most MODEL_MAX_TENSORS) into v, in file order:
 * embedding, encoder layers (layer by layer, fwd then bwd; ".l<k>" only when L > 1;
 * weight_x, weight_h, then bias (LSTM) or bias_x, bias_h (GRU)), attention.weight,
 * .bias, .vector, dense.l<k>.weight, .bias, classifier.weight (C, U) and
 * classifier.bias. The names depend only on the shape's kinds, L, D, n_dense and
 * has_bias; with p NULL (sizes not known yet) the offsets are left 0. */
size_t model_tensors(const model_shape *s, const param_layout *p, model_tensor *v);

/* A model with zeroed parameters, no vocabulary and no labels yet. */
lrp_status model_create(lrp_model **out, const model_shape *shape, lrp_error *err);

/* The same, with the embedding kept as `kind` says. */
lrp_status model_create_ex(lrp_model **out, const model_shape *shape, model_emb_kind kind,
                           lrp_error *err);

/* Number of doubles in m->params: every parameter, or all but the embedding. */
static inline size_t model_stored(const lrp_model *m)
{
    return m->emb_kind == MODEL_EMB_F64 ? m->layout.total : m->layout.emb;
}

/* Parameter i (layout index, i < layout.total) as float64, wherever it is kept. */
static inline double model_param(const lrp_model *m, size_t i)
{
    return i >= model_stored(m) ? (double)m->emb32[i - m->layout.emb] : m->params[i];
}

/* Copy the V words in (checks: V matches the shape, no empty word, no duplicate,
 * no line break or other control character but a tab inside a word) and build the
 * lookup table. */
lrp_status model_set_vocab(lrp_model *m, const char *const *words, size_t n, lrp_error *err);

/* Copy the C class names in (checks count, empty, control characters but tabs,
 * duplicates). */
lrp_status model_set_labels(lrp_model *m, const char *const *labels, size_t n, lrp_error *err);

/* Set the unknown-word token by name (NULL or "" for none); it must be in the vocabulary. */
lrp_status model_set_unk(lrp_model *m, const char *word, lrp_error *err);

/* The parameters are set: call it once they are, and again after every change to
 * them (a trainer's step), which repacks the packs made so far. Explanations fail
 * with LRP_ERR_ARGUMENT on a model never prepared, and use stale weights after a
 * change without it. LRP_ERR_NOMEM on failure. */
lrp_status model_prepare(lrp_model *m, lrp_error *err);

/* The packed parameters of a prepared model, made at the first call (safe from any
 * number of threads at once). NULL when out of memory (err says so). */
const struct fast_pack_d *model_pack_d(const lrp_model *m, lrp_error *err);
const struct fast_pack_f *model_pack_f(const lrp_model *m, lrp_error *err);

/* Every parameter finite? Names the first tensor holding NaN or Inf. */
lrp_status model_check_finite(const lrp_model *m, lrp_error *err);

/* Name of the tensor that parameter index i belongs to, for messages. */
const char *model_param_name(const lrp_model *m, size_t i, char *buf, size_t len);

/* Parse the order of a cell's gate blocks in a file: for an LSTM a permutation of the
 * letters i, g, f, o ("igfo" for the paper's reference code, "ifgo" for PyTorch), for
 * a GRU of r, z, n ("rzn", PyTorch's and the internal order): gate[k] = internal gate
 * block (GATE_* or GRU_*) of the file's k-th block of H rows (model_gates(s) entries
 * set). LRP_ERR_FORMAT naming the order and what was expected. */
lrp_status model_parse_gates(model_cell cell, const char *order, int gate[GATE_COUNT], lrp_error *err);

/* model_parse_gates for an LSTM. */
lrp_status model_parse_gate_order(const char *order, int gate[GATE_COUNT], lrp_error *err);

/* The architecture in one line, e.g. "2-layer bi-GRU, attention (A=64), dense 64 relu,
 * 5 classes" or "1-layer bi-LSTM, last states, 5 classes" (lrp_model_describe). */
const char *model_describe(const model_shape *s, char *buf, size_t len);

/* Embedding row of word id (E values) into out, as float64: exact either way. */
static inline void model_embedding_d(const lrp_model *m, int32_t id, double *out)
{
    const size_t E = m->shape.E, at = (size_t)id * E;
    if (m->emb32)
        for (size_t k = 0; k < E; k++) out[k] = (double)m->emb32[at + k];
    else
        for (size_t k = 0; k < E; k++) out[k] = m->emb[at + k];
}

/* The same as float32: rounded from a float64 embedding, as they are from emb32. */
static inline void model_embedding_f(const lrp_model *m, int32_t id, float *out)
{
    const size_t E = m->shape.E, at = (size_t)id * E;
    if (m->emb32)
        for (size_t k = 0; k < E; k++) out[k] = m->emb32[at + k];
    else
        for (size_t k = 0; k < E; k++) out[k] = (float)m->emb[at + k];
}

#endif /* LRP_MODEL_H */
