/*
 * lrp.h - explain recurrent text classifiers with Layer-wise Relevance Propagation.
 *
 * Arras, Montavon, Mueller, Samek (2017), "Explaining Recurrent Neural Network
 * Predictions in Sentiment Analysis". The model is an embedding, one or more LSTM
 * or GRU layers (one or two directions), a head over the top layer's states (each
 * direction's last state, as in the paper; mean, max or attention pooling), zero or
 * more dense layers and a linear classifier. Methods: LRP (epsilon rule, bias factor
 * 0), LRP_cons (bias factor 1, conserves f_c), Sensitivity Analysis, Gradient x Input,
 * occlusion of single words (on the score or the probability), Integrated Gradients;
 * every equation is in docs/methods.md.
 *
 * Conventions
 *   - Every function that can fail returns an lrp_status and, when `err` is not
 *     NULL, writes a message a person can act on into it.
 *   - The library never prints and never exits; it has no global mutable state.
 *   - A loaded model is read-only: share one lrp_model between any number of threads.
 *   - Ownership: whatever a function allocates for the caller is released by the
 *     matching *_free function; views (lrp_sentence) never own their arrays.
 *   - Sizes: T words, E embedding size, H hidden size, C classes, V vocabulary.
 */
#ifndef LRP_H
#define LRP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(LRP_BUILD_SHARED)
#define LRP_API __declspec(dllexport)
#elif defined(__GNUC__)
#define LRP_API __attribute__((visibility("default")))
#else
#define LRP_API
#endif

#define LRP_VERSION "0.1.0"
LRP_API const char *lrp_version(void);

/* ---------------------------------------------------------------- errors */

typedef enum lrp_status {
    LRP_OK = 0,
    LRP_ERR_IO,       /* a file could not be opened, read or written */
    LRP_ERR_FORMAT,   /* a model file is malformed, truncated or inconsistent */
    LRP_ERR_INPUT,    /* bad input text or sentence: empty, invalid UTF-8, unknown word, bad id */
    LRP_ERR_ARGUMENT, /* bad option: unknown method, target out of range, eps <= 0, NULL pointer */
    LRP_ERR_NOMEM,    /* out of memory, or a size that would overflow */
    LRP_ERR_NUMERIC   /* a result is not finite: a score, probability or relevance of a
                         sentence overflowed to Inf or NaN (extreme weights or inputs;
                         float32 sooner than float64) */
} lrp_status;

/* A short name for a status ("ok", "i/o error", ...). Never NULL. */
LRP_API const char *lrp_status_string(lrp_status status);

typedef struct lrp_error {
    lrp_status status;
    char message[512]; /* NUL-terminated; names the first problem found */
} lrp_error;

/* ---------------------------------------------------------------- model */

typedef struct lrp_model lrp_model;

/* Load a model from a safetensors file: this project's own names (format
 * "lrp-rnn", docs/model-format.md) or a PyTorch state_dict of nn.Embedding +
 * nn.LSTM or nn.GRU (+ attention, dense layers) + nn.Linear (docs/pytorch.md), whose
 * parts are found by their names and shapes.
 * Every tensor, shape and value is checked; the first problem is named in err.
 * The file is read into memory once, by the sizes its header declares (a pipe or a
 * device up to the end of its declared data, never further): the loaded model is a
 * private copy, which no later change to the file reaches (a file changed while it
 * is read fails with LRP_ERR_IO; load again). A float32 embedding is kept as the
 * file's floats (widened exactly when used). */
LRP_API lrp_status lrp_model_load(lrp_model **model, const char *path, lrp_error *err);

/* The same from bytes in memory (the bytes are not kept). */
LRP_API lrp_status lrp_model_load_memory(lrp_model **model, const void *data, size_t size,
                                         lrp_error *err);

/* What a loader takes from elsewhere than the file. Start from lrp_load_options_init
 * (everything from the file); a NULL string or -1 keeps the file's value. */
typedef struct lrp_load_options {
    const char *vocab_path;  /* text file, one word per line (line k = word id k, LF or
                                CRLF): replaces the metadata key "vocab" */
    const char *labels_path; /* one class name per line, in score order: replaces "labels" */
    const char *unk;         /* word standing for unknown words: replaces "unk"; "" = none */
    int lowercase;           /* 1 or 0: replaces "lowercase"; -1 = from the file */
    /* PyTorch state_dicts only: the module path of each part, as in the tensor names
     * ("encoder.lstm" for encoder.lstm.weight_ih_l0; "" for top-level names; a
     * trailing '.' is optional). NULL = found automatically. Naming one for an
     * lrp-rnn file is an LRP_ERR_ARGUMENT. */
    const char *embedding_prefix;
    const char *lstm_prefix;
    const char *classifier_prefix;
    /* PyTorch state_dicts only, as above (naming one for an lrp-rnn file is an
     * LRP_ERR_ARGUMENT); NULL = the file's metadata says, else the default: */
    const char *rnn_prefix;       /* the nn.LSTM or nn.GRU: another name for lstm_prefix
                                     (giving both, different, is an LRP_ERR_ARGUMENT) */
    const char *attention_prefix; /* the attention module (its proj and vector, docs/
                                     pytorch.md); metadata "attention_module"; default:
                                     found by its names when there is one */
    const char *dense_prefixes;   /* the dense layers' module paths, in order, separated by
                                     commas ("fc1,fc2"); metadata "dense_modules";
                                     default: none */
    const char *pooling;          /* the head: "last" (each direction's last state),
                                     "mean", "max" or "attention"; metadata "pooling";
                                     default: attention when an attention module is
                                     found, else last */
    const char *activation;       /* of the dense layers: "relu" or "tanh"; metadata
                                     "activation"; default: relu */
} lrp_load_options;

/* Everything from the file: every string NULL, lowercase = -1. */
LRP_API void lrp_load_options_init(lrp_load_options *options);

/* lrp_model_load and lrp_model_load_memory with options (NULL = defaults). */
LRP_API lrp_status lrp_model_load_ex(lrp_model **model, const char *path,
                                     const lrp_load_options *options, lrp_error *err);
LRP_API lrp_status lrp_model_load_memory_ex(lrp_model **model, const void *data, size_t size,
                                            const lrp_load_options *options, lrp_error *err);

/* Where the loaded model came from, for people: "lrp-rnn" for this project's format,
 * else which tensors a PyTorch state_dict was read from, e.g. "PyTorch state_dict:
 * embedding emb.weight, LSTM at encoder.lstm (2 layers, bidirectional, bias_ih +
 * bias_hh summed), classifier fc.weight + fc.bias". Valid as long as the model; ""
 * for NULL. */
LRP_API const char *lrp_model_source(const lrp_model *model);

/* The architecture in one line, e.g. "2-layer bi-GRU, attention (A=64), dense 64 relu,
 * 5 classes" ("1-layer bi-LSTM, last states, 5 classes" for the paper's). Valid as
 * long as the model; "" for NULL. */
LRP_API const char *lrp_model_describe(const lrp_model *model);

LRP_API void lrp_model_free(lrp_model *model);

typedef enum lrp_dtype { LRP_F32 = 0, LRP_F64 = 1 } lrp_dtype;

/* Write the model in this project's format, atomically (temporary file, then
 * rename): an interrupted write never leaves a corrupt file at `path`. A symbolic
 * link is followed (its target replaced, the link kept), the replaced file's mode
 * kept; a device or a FIFO at `path` is written where it is, not atomically. */
LRP_API lrp_status lrp_model_save(const lrp_model *model, const char *path, lrp_dtype dtype,
                                  lrp_error *err);

typedef struct lrp_model_info {
    size_t vocab_size;  /* V */
    size_t embed_dim;   /* E */
    size_t hidden_dim;  /* H */
    size_t classes;     /* C */
    size_t layers;      /* stacked recurrent layers, >= 1 */
    size_t directions;  /* 1 (forward only) or 2 (bidirectional) */
    int has_output_bias;
    int lowercase;      /* the model expects lowercased tokens */
    long unk_id;        /* id of the word standing for unknown words, -1 if none */
    const char *cell;          /* "lstm" or "gru" */
    const char *pooling;       /* the head: "last", "mean", "max" or "attention" */
    size_t attention_dim;      /* A, the attention scorer's size; 0 without attention */
    size_t n_dense;            /* dense layers between the head and the classifier */
    const size_t *dense_sizes; /* [n_dense] their sizes, in order; NULL when there are
                                  none; valid as long as the model */
    const char *activation;    /* of the dense layers: "relu" or "tanh" */
} lrp_model_info;

LRP_API void lrp_model_get_info(const lrp_model *model, lrp_model_info *info);
/* Word `id` (0 <= id < V) and class name `c` (0 <= c < C); NULL when out of range. */
LRP_API const char *lrp_model_word(const lrp_model *model, size_t id);
LRP_API const char *lrp_model_label(const lrp_model *model, size_t c);
/* Id of `word` (exact match, no lowercasing), -1 if not in the vocabulary. */
LRP_API long lrp_model_lookup(const lrp_model *model, const char *word);
/* Class index of a label name, else of a decimal index "0".."C-1" (a name wins: a
 * model may name class 3 "1"); -1 if neither. */
LRP_API int lrp_model_label_index(const lrp_model *model, const char *label);

/* ---------------------------------------------------------------- text */

typedef struct lrp_tokens {
    size_t count;
    char **tokens; /* [count] NUL-terminated UTF-8 tokens, owned */
} lrp_tokens;

/* Split raw English text into the Stanford Sentiment Treebank's tokens:
 * punctuation split off, clitics (n't 's 're 've 'll 'd 'm) split, brackets as
 * -lrb- / -rrb-, double quotes as `` and '', "/" and "*" escaped as \/ and \*
 * (every rule: src/tokenize.c). Lowercases when `lowercase` is nonzero. Fails
 * with LRP_ERR_INPUT, naming the byte offset, on invalid UTF-8, a NUL byte among
 * the `len` bytes, or a control character other than tab and line breaks (which
 * separate words). Linear time, no length limit. An empty or all-space text
 * gives count = 0 (not an error here; explaining it is). */
LRP_API lrp_status lrp_tokenize(const char *text, size_t len, int lowercase, lrp_tokens *out,
                                lrp_error *err);

/* Tokens already in treebank form, separated by ASCII spaces or tabs (or line
 * breaks), taken as they are (lowercased when `lowercase` is nonzero). The same
 * checks as lrp_tokenize. */
LRP_API lrp_status lrp_split_tokens(const char *text, size_t len, int lowercase,
                                    lrp_tokens *out, lrp_error *err);

LRP_API void lrp_tokens_free(lrp_tokens *tokens);

/* Map tokens to word ids. ids and unknown have tokens->count entries (caller
 * allocated). A token not in the vocabulary maps to the model's unk word and gets
 * unknown[i] = 1; without an unk word the call fails with LRP_ERR_INPUT and names
 * the unknown words (the first five, and how many in all); ids and unknown are
 * then filled but ids of unknown words are -1. `unknown` may be NULL. */
LRP_API lrp_status lrp_encode(const lrp_model *model, const lrp_tokens *tokens, int32_t *ids,
                              unsigned char *unknown, lrp_error *err);

/* ---------------------------------------------------------------- explain */

/* Longest sentence explained in one piece (memory grows linearly with length). */
#define LRP_MAX_LENGTH 10000

/* A sentence as word ids. A view: the caller owns the arrays. */
typedef struct lrp_sentence {
    const int32_t *ids;           /* [length], each in [0, V) */
    size_t length;                /* T >= 1 */
    const unsigned char *deleted; /* [length] or NULL; nonzero: the word's embedding is zeroed */
} lrp_sentence;

typedef enum lrp_method {
    LRP_METHOD_LRP = 0,      /* epsilon rule, bias factor 0 ("lrp") */
    LRP_METHOD_LRP_CONS = 1, /* epsilon rule, bias factor 1 ("lrp-cons"): sum + rest = f_c */
    LRP_METHOD_SA = 2,       /* squared norm of d f_c / d x_t ("sa") */
    LRP_METHOD_GI = 3,       /* d f_c / d x_t . x_t ("gi") */
    LRP_METHOD_OCCLUSION = 4,      /* f_c(x) - f_c(x with word t's embedding zeroed)
                                      ("occlusion"): one forward pass per word */
    LRP_METHOD_OCCLUSION_PROB = 5, /* p_c(x) - p_c(x with word t's embedding zeroed),
                                      p = softmax(f) ("occlusion-prob") */
    LRP_METHOD_IG = 6,             /* Integrated Gradients from the all-zero embeddings,
                                      x_t . the gradient averaged over ig_steps points of
                                      the path (midpoint rule) ("ig") */
    LRP_METHOD_COUNT = 7
} lrp_method;

#define LRP_METHOD_BIT(m) (1u << (unsigned)(m))
/* The paper's four methods: lrp, lrp-cons, sa, gi (its value, 0xF, never changes). */
#define LRP_METHODS_ALL 0xFu
/* Every method of this version of the library. */
#define LRP_METHODS_EVERY ((1u << LRP_METHOD_COUNT) - 1u)

/* "lrp", "lrp-cons", "sa", "gi", "occlusion", "occlusion-prob", "ig"; parse returns -1
 * for an unknown name. */
LRP_API const char *lrp_method_name(lrp_method method);
LRP_API int lrp_method_parse(const char *name);

#define LRP_TARGET_PREDICTED (-1)

/* What a target's score is compared with (docs/methods.md, "Contrastive targets"): every
 * method then explains g = f_c - f_c2 (LRP_CONTRAST_CLASS) or g = f_c - the mean of the
 * other classes' scores (LRP_CONTRAST_OTHERS) instead of f_c: LRP from an extra linear
 * output neuron with the weights and bias w_c - w_c2 (or w_c - the others' mean), so that
 * lrp-cons conserves g; SA and GI by the gradient of g; occlusion by g's change
 * (occlusion-prob: the same difference of probabilities). */
typedef enum lrp_contrast {
    LRP_CONTRAST_NONE = 0,   /* explain f_c (the default) */
    LRP_CONTRAST_CLASS = 1,  /* f_c - f_c2, c2 = lrp_options.contrast_class */
    LRP_CONTRAST_OTHERS = 2  /* f_c - (sum of f_k over k != c) / (C - 1) */
} lrp_contrast;

typedef struct lrp_options {
    unsigned methods;   /* bitmask of LRP_METHOD_BIT(m); 0 = scores only */
    const int *targets; /* [n_targets] class indexes or LRP_TARGET_PREDICTED */
    size_t n_targets;   /* 0 = the predicted class only */
    double eps;         /* stabiliser of the epsilon rule, > 0 (default 0.001) */
    int per_dimension;  /* nonzero: also fill lrp_explanation.dims_fwd / dims_bwd */
    lrp_dtype precision;/* LRP_F64 (default, the reference) or LRP_F32: about twice as fast,
                           word relevances within 1e-3 of float64 relative to the
                           sentence's largest |R| (docs/performance.md); results are
                           still converted to double */
    lrp_contrast contrast; /* LRP_CONTRAST_NONE (default: 0), _CLASS or _OTHERS */
    int contrast_class;    /* with LRP_CONTRAST_CLASS: the class c2 (0 <= c2 < C) */
    size_t ig_steps;       /* Integrated Gradients: M, the points of the midpoint rule, 1 to
                              LRP_IG_MAX_STEPS; 0 = LRP_IG_DEFAULT_STEPS */
} lrp_options;

#define LRP_IG_DEFAULT_STEPS 64
#define LRP_IG_MAX_STEPS 100000

/* Defaults: method lrp, predicted target, eps 0.001, float64, no contrast, 64 IG steps. */
LRP_API void lrp_options_init(lrp_options *options);

typedef struct lrp_explanation {
    lrp_method method;
    int target;             /* class index explained */
    double *relevance;      /* [T] word relevance, summed over the embedding dimensions */
    double *relevance_fwd;  /* [T] part through the first layer's forward encoder (LRP, GI, IG);
                               SA: squared norm of the gradient through that encoder alone;
                               occlusion (not split by encoder): zeros */
    double *relevance_bwd;  /* [T] the same for the backward encoder; NULL if unidirectional */
    double rest;            /* LRP: relevance that reached the initial states h0, c0 of every
                               encoder; 0 for the other methods */
    double *dims_fwd;       /* [T*E] if per_dimension: LRP: input relevance per dimension
                               through the forward encoder; SA, GI: the gradient through it;
                               IG: the gradient through it averaged over the path;
                               occlusion: zeros */
    double *dims_bwd;       /* [T*E] the same for the backward encoder, else NULL */
    lrp_contrast contrast;  /* the options' contrast: what the target's score is compared with */
    int contrast_class;     /* with LRP_CONTRAST_CLASS: c2; else -1 */
    double completeness;    /* IG: |sum_t relevance[t] - (f_c(x) - f_c(0))| / max(|f_c(x) -
                               f_c(0)|, 1e-12), f_c the explained score (or the contrast's
                               g), 0 the all-zero embeddings; 0 for the other methods */
} lrp_explanation;

typedef struct lrp_result {
    size_t length;          /* T */
    size_t classes;         /* C */
    double *scores;         /* [C] f(x) */
    double *probabilities;  /* [C] softmax of the scores */
    int predicted;          /* argmax of the scores (first on ties) */
    size_t n_explanations;  /* n_targets x methods, target-major, methods in enum order */
    lrp_explanation *explanations;
    void *memory_;          /* private */
} lrp_result;

/* Forward pass, then one backward pass per requested method and target, all
 * sharing the forward pass. Fills *out; release it with lrp_result_free. Every value
 * of a result is finite: when one is not (the computation overflowed: extreme weights
 * or inputs, float32 sooner), the call fails with LRP_ERR_NUMERIC naming the value. */
LRP_API lrp_status lrp_explain(const lrp_model *model, const lrp_sentence *sentence,
                               const lrp_options *options, lrp_result *out, lrp_error *err);

/* Explain n sentences over `threads` threads (0 = all cores). out has n entries.
 * Results are bitwise identical to one lrp_explain call per sentence, whatever
 * the thread count. On failure, err names the first failing sentence ("sentence 4:
 * ..."; for LRP_ERR_NUMERIC the first in input order whose result is not finite,
 * whatever the thread count) and every entry of out is left empty (safe to
 * lrp_result_free): explain the sentences one at a time to keep the others. */
LRP_API lrp_status lrp_explain_batch(const lrp_model *model, const lrp_sentence *sentences,
                                     size_t n, const lrp_options *options, int threads,
                                     lrp_result *out, lrp_error *err);

LRP_API void lrp_result_free(lrp_result *result);

/* A batch explainer that keeps its threads' workspaces between calls: for a stream
 * of batches (lrp_explain_batch allocates them at every call). Results are the
 * same bits as lrp_explain_batch's. One explainer serves one call at a time; the
 * model must outlive it. threads: 0 = all cores. */
typedef struct lrp_explainer lrp_explainer;
LRP_API lrp_status lrp_explainer_new(lrp_explainer **explainer, const lrp_model *model, int threads,
                                     lrp_error *err);
/* lrp_explain_batch over the explainer's threads. */
LRP_API lrp_status lrp_explainer_run(lrp_explainer *explainer, const lrp_sentence *sentences,
                                     size_t n, const lrp_options *options, lrp_result *out,
                                     lrp_error *err);
LRP_API void lrp_explainer_free(lrp_explainer *explainer);

/* Number of online cores (at least 1): the default thread count. */
LRP_API int lrp_default_threads(void);

/* Scores only, without allocating a result: scores has C entries (LRP_ERR_NUMERIC
 * when one is not finite). */
LRP_API lrp_status lrp_predict(const lrp_model *model, const lrp_sentence *sentence,
                               double *scores, lrp_error *err);

#ifdef __cplusplus
}
#endif

#endif /* LRP_H */
