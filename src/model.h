/*
 * model.h - the in-memory model: shapes, one flat float64 parameter array with a
 * view per tensor (the embedding there or kept in float32), vocabulary and labels.
 * Internal; the public handle is the opaque lrp_model of lrp.h.
 *
 * Sizes: V vocabulary, E embedding, H hidden, C classes, L layers, D directions
 * (1 or 2). Layer l reads IN(l) = E for l = 0, D*H above. Gate rows are stacked in
 * the internal order below, whatever the file's gate_order was; the loader
 * permutes rows on the way in and the writer records "ifog".
 */
#ifndef LRP_MODEL_H
#define LRP_MODEL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "fileio.h"
#include "lrp.h"

#define LRP_MAX_LAYERS 16

/* Internal gate blocks, each H rows: sigmoid gates first (contiguous), tanh last. */
enum { GATE_I = 0, GATE_F = 1, GATE_O = 2, GATE_G = 3, GATE_COUNT = 4 };
#define LRP_INTERNAL_GATE_ORDER "ifog"

typedef struct model_shape {
    size_t V, E, H, C, L, D;
    int has_bias; /* classifier bias present */
} model_shape;

/* Offsets (in doubles) of every tensor inside the flat parameter array. Gradients
 * and optimiser state use the same layout, so an optimiser is one flat loop. The
 * dense parameters (LSTM and classifier) come first, [0, emb); the embedding last,
 * [emb, total), so that a model keeping its embedding in float32 (emb32 below)
 * stores the first part only. */
typedef struct param_layout {
    size_t wx[LRP_MAX_LAYERS][2];       /* (4H, IN(l)) */
    size_t wh[LRP_MAX_LAYERS][2];       /* (4H, H) */
    size_t b[LRP_MAX_LAYERS][2];        /* (4H) input and recurrent bias summed */
    size_t wout;                        /* (C, D*H): columns fwd block, then bwd block */
    size_t bout;                        /* (C), only if has_bias */
    size_t emb;                         /* (V, E); also the number of dense parameters */
    size_t total;
} param_layout;

/* One direction of one layer: a view into the parameters. */
typedef struct lstm_weights {
    size_t in;          /* input size IN(l) */
    size_t H;
    const double *wx;   /* (4H, in) */
    const double *wh;   /* (4H, H) */
    const double *b;    /* (4H) */
} lstm_weights;

struct lb_pack_d;
struct lb_pack_f;

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
    int emb_kind;                       /* model_emb_kind */
    /* views into params */
    lstm_weights lstm[LRP_MAX_LAYERS][2];
    const double *wout;                 /* (C, D*H) */
    const double *bout;                 /* (C) or NULL */

    char **words;                       /* [V] owned, NUL-terminated */
    char **labels;                      /* [C] owned */
    uint32_t *slots;                    /* vocabulary hash: id+1 per slot, 0 = empty */
    size_t slot_mask;                   /* number of slots - 1 (a power of two) */
    long unk;                           /* id of the unknown-word token, -1 if none */
    int lowercase;
    char source[320];                   /* lrp_model_source: "" = this project's format */
    /* The parameters packed for the fast path (lstm_batch.h), each precision's made
     * at its first use (model_pack_d, model_pack_f) once model_prepare said that the
     * parameters are set: a run in one precision never fills the other's. */
    int prepared;
    struct lb_pack_d *_Atomic pack_d;
    struct lb_pack_f *_Atomic pack_f;
    pthread_mutex_t pack_mu;            /* taken to make a pack */
};

/* Number of input features of layer l. */
static inline size_t model_layer_input(const model_shape *s, size_t l)
{
    return l == 0 ? s->E : s->D * s->H;
}

/* Fill `layout` for `shape`; fails (LRP_ERR_NOMEM) on overflow, LRP_ERR_ARGUMENT on
 * an impossible shape (zero sizes, D not 1 or 2, L > LRP_MAX_LAYERS). */
lrp_status param_layout_init(param_layout *layout, const model_shape *shape, lrp_error *err);

/* A model with zeroed parameters, no vocabulary and no labels yet. */
lrp_status model_create(lrp_model **out, const model_shape *shape, lrp_error *err);

/* Where the embedding is kept. */
typedef enum model_emb_kind {
    MODEL_EMB_F64 = 0,    /* in params (emb) */
    MODEL_EMB_F32 = 1,    /* in emb32_owned, zeroed (emb32 points there) */
    MODEL_EMB_F32_FILE = 2 /* float32 values the caller points emb32 at, in m->file (the
                              file's bytes, read into memory: no copy of them) */
} model_emb_kind;

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
const struct lb_pack_d *model_pack_d(const lrp_model *m, lrp_error *err);
const struct lb_pack_f *model_pack_f(const lrp_model *m, lrp_error *err);

/* Every parameter finite? Names the first tensor holding NaN or Inf. */
lrp_status model_check_finite(const lrp_model *m, lrp_error *err);

/* Name of the tensor that parameter index i belongs to, for messages. */
const char *model_param_name(const lrp_model *m, size_t i, char *buf, size_t len);

/* Parse a gate order (a permutation of the letters i, g, f, o, e.g. "igfo" for the
 * paper's reference code, "ifgo" for PyTorch): gate[k] = internal gate (GATE_*) of
 * the file's k-th block of H rows. */
lrp_status model_parse_gate_order(const char *order, int gate[GATE_COUNT], lrp_error *err);

/* Copy a (4H, n) block-stacked array in file gate order into internal order. */
void model_copy_gate_rows(double *dst, const double *src, size_t H, size_t n,
                          const int gate[GATE_COUNT]);

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
