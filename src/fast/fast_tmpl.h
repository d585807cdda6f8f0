/*
 * fast_tmpl.h - the fast path's types and calls for one precision, included twice
 * by fast.h: REAL is double or float, S(name) appends _d or _f. No include guard.
 */

/* One direction of one layer, packed (LSTM or GRU: the model's cell). */
typedef struct S(fast_dir) {
    size_t in, inp; /* IN and INp */
    REAL *wxT;      /* (IN, Gp): U transposed, a gate row per column */
    REAL *whT;      /* (H, Gp): W transposed */
    REAL *b;        /* (Gp) LSTM: the summed bias; GRU: b_x */
    REAL *bh;       /* (Gp) GRU: b_h; NULL for an LSTM */
    REAL *wx;       /* (Gp, INp): U, rows padded (U^T d and the LRP of gate g or n) */
    REAL *wh;       /* (Gp, Hp): W, rows padded */
} S(fast_dir);

/* The model's weights packed for this precision (embeddings stay in the model). */
typedef struct S(fast_pack) {
    model_shape shape;
    size_t Hp, Gp, INmax;   /* Gp = gates * Hp; INmax = largest IN(l) */
    size_t Yp, Ap;          /* Y = D*H and A rounded up to whole tiles */
    size_t U;               /* the classifier's input size (model_dense_input(shape, n_dense)) */
    S(fast_dir) dir[LRP_MAX_LAYERS][2];
    REAL *att_wT;           /* (Y, Ap) attention: W transposed (the scores k(t) = tanh(W y(t) + b)) */
    REAL *att_w;            /* (A, Yp) W, rows padded (W^T dk) */
    REAL *att_b, *att_v;    /* (Ap) each */
    REAL *dense_w[LRP_MAX_DENSE]; /* (M_k, its input size) */
    REAL *dense_b[LRP_MAX_DENSE]; /* (M_k) */
    REAL *wout;             /* (C, U) */
    REAL *bout;             /* (C), zeros without a classifier bias */
    REAL *mem_;
} S(fast_pack);

/* One sentence of a batch: its arrays inside the workspace. */
typedef struct S(fast_sent) {
    size_t T;
    const int32_t *ids;
    const unsigned char *deleted;
    const REAL *keep_x;   /* (T, E) or NULL: fast_forward_masked's input mask */
    const REAL *keep_top; /* (Y) or NULL: its mask on the head's output (the classifier's
                             input when there is no dense layer) */
    REAL *x;      /* (T, E) first layer's input (times keep_x); zero rows for deleted words */
    REAL *y;      /* (L-1, T, Y) outputs by position of every layer but the top one; (L, T, Y)
                     with every layer when the head reads the top layer's states (all but last) */
    REAL *cache;  /* (L, D) caches (work.h): by processing step as in core/lstm.h, core/gru.h */
    size_t cache_stride; /* REALs from one of those caches to the next */
    REAL *u;      /* (Y) the head's output (times keep_top) */
    REAL *att_k;  /* (T, Ap) attention: tanh(W y(t) + b) */
    REAL *alpha;  /* (T) attention weights */
    REAL *hs;     /* attention's backward passes: (T, Ap) dk, (T, Yp) rows of dy (head.c) */
    REAL *z[LRP_MAX_DENSE]; /* (M_k) dense layer k's pre-activation */
    REAL *a[LRP_MAX_DENSE]; /* (M_k) its output */
    REAL *top;    /* (U) classifier input: u, or the last dense layer's a */
    REAL *scores; /* (C) */
    REAL *sig;    /* (T, Y) signal at a layer's outputs during a backward pass */
    REAL *dx[2];  /* (T, IN(l)) signal at a layer's inputs, per direction (L > 1 only) */
    REAL *gx[2];  /* (T, E) after fast_lrp / fast_backward: relevance or gradient at the first
                     layer's input through each direction (gx[1] only when D = 2) */
    REAL *tmp;    /* scratch of one pass over one step (each pass's layout: lstm.c, gru.c), or
                     of the head and dense layers (network.c) */
    REAL *dpre;   /* fast_backward with parameter gradients: one direction's gradient at the
                     gate pre-activations, by step: (T, Gp) LSTM, (T, 2 Gp) GRU (gru.c) */
    double rest;  /* after fast_lrp: relevance that reached the initial states */
} S(fast_sent);

/* A thread's workspace; grows as needed, never shrinks. */
typedef struct S(fast_work) {
    size_t n, Tmax;        /* sentences of the current batch, longest */
    S(fast_sent) *sent;    /* [n] in the caller's order */
    size_t *order;         /* [n] sentence indexes, longest first (stable) */
    const REAL **pv;       /* [n] pointer arrays for the kernels */
    REAL **po, **po2;
    const REAL **pv2, **pv3;
    const REAL **prow;     /* [Tmax] pointer arrays over one sentence's positions (head.c) */
    REAL **orow;
    REAL *dscores;         /* (n, C) */
    int *targets;          /* [n] */
    size_t cap_n, cap_rows, cap_mem;
    REAL *mem;
} S(fast_work);

/* Pack m's parameters (LRP_ERR_NOMEM on failure). */
lrp_status S(fast_pack_create)(S(fast_pack) **out, const lrp_model *m, lrp_error *err);
/* Repack after m's parameters changed (same shapes). */
void S(fast_pack_update)(S(fast_pack) *p, const lrp_model *m);
/* Repack only the parameters with flat indexes in [lo, hi) (m->layout; the embedding is
 * not packed): threads that each changed a range can repack their own in parallel. */
void S(fast_pack_update_range)(S(fast_pack) *p, const lrp_model *m, size_t lo, size_t hi);
void S(fast_pack_free)(S(fast_pack) *p);

void S(fast_work_init)(S(fast_work) *w);
void S(fast_work_free)(S(fast_work) *w);

/* Forward pass of n checked sentences (ids in range, 1 <= T <= LRP_MAX_LENGTH): sizes the
 * workspace (LRP_ERR_NOMEM), keeps every activation and writes w->sent[b].scores. */
lrp_status S(fast_forward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, size_t n,
                           const lrp_sentence *sentences, lrp_error *err);
/* fast_forward with a trainer's dropout: keep_x[b] ((T, E)) multiplies sentence b's first
 * layer input after the embedding lookup, keep_top[b] ((Y)) the head's output u (the
 * classifier's input when there is no dense layer) before the dense layers and the
 * scores (entries 0 or 1/(1-p)). keep_x, keep_top or any entry may be NULL: no mask. The
 * masks must stay in place until fast_backward has run. */
lrp_status S(fast_forward_masked)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                                  size_t n, const lrp_sentence *sentences,
                                  const REAL *const *keep_x, const REAL *const *keep_top,
                                  lrp_error *err);

/* After fast_forward: gradient of sum_c dscores[b*C + c] * scores_b[c] (dscores: (n, C),
 * NULL = w->dscores) with respect to the first layer's inputs (after the masks), into
 * w->sent[b].gx. When dense is not NULL, also ADDS the gradients of every parameter but the
 * embedding, summed over the batch, to dense: a flat gradient array in m->layout from
 * layout.wx[0][0] to layout.emb (dense[i - layout.wx[0][0]] for parameter i); the
 * embedding's gradients come from fast_embedding_grad. */
void S(fast_backward)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                      const REAL *dscores, double *dense);
/* fast_backward with the parameter gradients summed by group: the sentences
 * first[g] <= b < first[g + 1] (first[0] = 0, first[n_groups] = n) into dense[g] (dense
 * NULL: none). A group's sums are the same bits whatever other groups share the batch, so
 * a caller can batch several groups whose gradients must stay apart (the trainer's shards). */
void S(fast_backward_grouped)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w,
                              const REAL *dscores, size_t n_groups, const size_t *first,
                              double *const *dense);
/* After fast_backward: writes row (E) = the gradient with respect to the embedding row of
 * word t of sentence b (summed over the directions, times keep_x; zeros for a deleted word). */
void S(fast_embedding_grad)(const S(fast_pack) *p, const S(fast_work) *w, size_t b, size_t t,
                            double *row);

/* After fast_forward: LRP (epsilon rule eps, bias factor delta) from R = f_target at the
 * target output of each sentence (targets: [n] class indexes) down to the first layer's
 * inputs, into w->sent[b].gx, and the relevance that reached the initial states into
 * w->sent[b].rest. rows: NULL, or (n, U + 1): sentence b's contrast (core/network.h,
 * net_lrp), R = g at an extra output neuron g = w' top + b' with row b = (w', b'). */
void S(fast_lrp)(const S(fast_pack) *p, S(fast_work) *w, const int *targets, const REAL *rows, double eps,
                 double delta);

/* Every requested explanation of n checked sentences into out[b] (allocated by
 * explain_result_alloc, core/explain_internal.h): the forward pass, then per target
 * fast_lrp for each LRP method and one fast_backward for SA and GI; then, in w2, each
 * sentence's copies in batches: Integrated Gradients' M + 1 points (forward and backward)
 * and occlusion's T forward passes (word t's embedding zeroed). Fails only for memory. */
lrp_status S(fast_explain)(const S(fast_pack) *p, const lrp_model *m, S(fast_work) *w, S(fast_work) *w2,
                           size_t n, const lrp_sentence *sentences, const lrp_options *o,
                           lrp_result *const *out, lrp_error *err);

/* Word relevance from the relevance or gradient at the first layer's input (words.c: the
 * one place where it is computed, for the fast path and the reference path alike).
 * gx[d]: (T, E) through direction d (gx[1] unused when D = 1); x: (T, E) the input.
 * LRP (and per-encoder parts): row sums; SA: squared norm of the whole gradient (fwd, bwd:
 * of each encoder's part); GI: gradient . x. Writes rel, rel_fwd (T) and, when D = 2,
 * rel_bwd (T). */
void S(fast_words)(lrp_method method, size_t T, size_t E, size_t D, const REAL *const gx[2],
                   const REAL *x, double *rel, double *rel_fwd, double *rel_bwd);
