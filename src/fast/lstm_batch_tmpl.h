/*
 * lstm_batch_tmpl.h - the batched network of lstm_batch.h for one precision.
 * Included by lstm_batch.c once per precision with these macros defined:
 *
 *   REAL       double or float
 *   S(name)    name##_d or name##_f
 *   V          the vector type of simd.h (vd, vf) and V_W its width
 *   V_LOAD V_STORE V_SET1 V_FMA V_TANH V_GATES   the matching simd.h functions
 *
 * Each pass is the batched twin of a function of lstm.c / network.c, with the
 * same equations in the same order (see there for the derivations); the comments
 * here are about the batching. Sizes as lstm_batch.h.
 */

#define COLS (LB_R * V_W)
#ifndef GATE_U
/* vectors of units whose gates are computed side by side; Hp is a multiple of
 * COLS = LB_R vectors, so LB_R must be a multiple of it */
#define GATE_U 2
#endif
_Static_assert(LB_R % GATE_U == 0, "GATE_U must divide LB_R");

static size_t S(round_up)(size_t n) { return (n + COLS - 1) / COLS * COLS; }

// ----------------------------------------------------------------------------
// the kernel: a row vector times a matrix, for many sentences at once

/* One register tile: columns [col, col + COLS) of out_j = v_j M for the nb
 * sentences j (M: K rows, row stride ldm). mode 0: out = v M; mode 1:
 * out = (out + add) + v M (add may be NULL). Each lane sums k = 0..K-1 in order,
 * starting from zero: its value does not depend on nb or on the other sentences. */
static inline __attribute__((always_inline)) void S(tile)(size_t K, const REAL *M, size_t ldm,
                                                           size_t col, const int nb,
                                                           const REAL *const *v, REAL *const *out,
                                                           const REAL *add, int mode)
{
    V acc[LB_NB][LB_R];
    for (int j = 0; j < nb; j++)
        for (int i = 0; i < LB_R; i++) acc[j][i] = V_SET1(0);
    const REAL *mk = M + col;
    for (size_t k = 0; k < K; k++, mk += ldm) {
        V w[LB_R];
        for (int i = 0; i < LB_R; i++) w[i] = V_LOAD(mk + i * V_W);
        for (int j = 0; j < nb; j++) {
            V x = V_SET1(v[j][k]);
            for (int i = 0; i < LB_R; i++) acc[j][i] = V_FMA(w[i], x, acc[j][i]);
        }
    }
    for (int j = 0; j < nb; j++)
        for (int i = 0; i < LB_R; i++) {
            REAL *o = out[j] + col + i * V_W;
            V r = acc[j][i];
            if (mode) {
                V base = V_LOAD(o);
                if (add) base = base + V_LOAD(add + col + i * V_W);
                r = base + r;
            }
            V_STORE(o, r);
        }
}

/* out_j[0..N) (=, or += as S(tile)'s mode) v_j[0..K) M for j < nb; N a multiple of
 * COLS. A tile of M's columns stays in L1 while every sentence passes over it. */
static void S(vecmat)(size_t K, const REAL *M, size_t ldm, size_t N, size_t nb,
                      const REAL *const *v, REAL *const *out, const REAL *add, int mode)
{
    for (size_t col = 0; col < N; col += COLS)
        for (size_t b = 0; b < nb; b += LB_NB) {
            size_t m = nb - b < LB_NB ? nb - b : LB_NB;
            const REAL *const *vb = v + b;
            REAL *const *ob = out + b;
            switch (m) {
#if LB_NB >= 8
            case 8: S(tile)(K, M, ldm, col, 8, vb, ob, add, mode); break;
            case 7: S(tile)(K, M, ldm, col, 7, vb, ob, add, mode); break;
#endif
#if LB_NB >= 6
            case 6: S(tile)(K, M, ldm, col, 6, vb, ob, add, mode); break;
            case 5: S(tile)(K, M, ldm, col, 5, vb, ob, add, mode); break;
#endif
            case 4: S(tile)(K, M, ldm, col, 4, vb, ob, add, mode); break;
            case 3: S(tile)(K, M, ldm, col, 3, vb, ob, add, mode); break;
            case 2: S(tile)(K, M, ldm, col, 2, vb, ob, add, mode); break;
            default: S(tile)(K, M, ldm, col, 1, vb, ob, add, mode); break;
            }
        }
}

// ----------------------------------------------------------------------------
// packing

static size_t S(pack_size)(const model_shape *s, size_t Hp, size_t Gp)
{
    size_t total = s->C * s->D * s->H + s->C;
    for (size_t l = 0; l < s->L; l++) {
        size_t in = model_layer_input(s, l), inp = S(round_up)(in);
        total += s->D * (in * Gp + s->H * Gp + Gp + Gp * inp + Gp * Hp);
    }
    return total;
}

/* Pack the entries in [lo, hi) of a (rows, n) tensor at flat offset a of src: row r
 * goes to packed row rp = (r / H) * Hp + r % H (gate blocks of H rows padded to Hp),
 * into column rp of t ((n, ldt): the transpose) and row rp of u ((rows, ldu)); t or u
 * may be NULL. */
static void S(pack_rows)(const double *src, size_t a, size_t rows, size_t n, size_t lo, size_t hi,
                         size_t H, size_t Hp, REAL *t, size_t ldt, REAL *u, size_t ldu)
{
    const size_t end = a + rows * n;
    if (hi <= a || lo >= end) return;
    const size_t i0 = (lo > a ? lo : a) - a, i1 = (hi < end ? hi : end) - a;
    for (size_t r = i0 / n; r * n < i1; r++) {
        const size_t k0 = r * n < i0 ? i0 - r * n : 0, k1 = (r + 1) * n > i1 ? i1 - r * n : n;
        const size_t rp = r / H * Hp + r % H;
        const double *row = src + a + r * n;
        if (t)
            for (size_t k = k0; k < k1; k++) t[k * ldt + rp] = (REAL)row[k];
        if (u)
            for (size_t k = k0; k < k1; k++) u[rp * ldu + k] = (REAL)row[k];
    }
}

void S(lb_pack_update_range)(S(lb_pack) *p, const lrp_model *m, size_t lo, size_t hi)
{
    const model_shape *s = &m->shape;
    const param_layout *L = &m->layout;
    const size_t H = s->H, Hp = p->Hp, Gp = p->Gp, G = GATE_COUNT * H, Y = s->D * H, C = s->C;
    for (size_t l = 0; l < s->L; l++)
        for (size_t d = 0; d < s->D; d++) {
            S(lb_dir) *q = &p->dir[l][d];
            S(pack_rows)(m->params, L->wx[l][d], G, q->in, lo, hi, H, Hp, q->wxT, Gp, q->wx, q->inp);
            S(pack_rows)(m->params, L->wh[l][d], G, H, lo, hi, H, Hp, q->whT, Gp, q->wh, Hp);
            S(pack_rows)(m->params, L->b[l][d], G, 1, lo, hi, H, Hp, q->b, 0, NULL, 0);
        }
    S(pack_rows)(m->params, L->wout, C, Y, lo, hi, C, C, NULL, 0, p->wout, Y);
    if (s->has_bias) S(pack_rows)(m->params, L->bout, C, 1, lo, hi, C, C, NULL, 0, p->bout, 1);
}

void S(lb_pack_update)(S(lb_pack) *p, const lrp_model *m)
{
    memset(p->mem_, 0, S(pack_size)(&m->shape, p->Hp, p->Gp) * sizeof(REAL));
    S(lb_pack_update_range)(p, m, 0, m->layout.total);
}

lrp_status S(lb_pack_create)(S(lb_pack) **out, const lrp_model *m, lrp_error *err)
{
    const model_shape *s = &m->shape;
    *out = NULL;
    S(lb_pack) *p = calloc(1, sizeof *p);
    if (!p) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory packing the model");
    p->s = *s;
    p->Hp = S(round_up)(s->H);
    p->Gp = GATE_COUNT * p->Hp;
    size_t total = S(pack_size)(s, p->Hp, p->Gp);
    p->mem_ = aligned_alloc(64, (total * sizeof(REAL) + 63) / 64 * 64);
    if (!p->mem_) {
        free(p);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory packing the model (%zu values)", total);
    }
    REAL *q = p->mem_;
    for (size_t l = 0; l < s->L; l++)
        for (size_t d = 0; d < s->D; d++) {
            S(lb_dir) *dir = &p->dir[l][d];
            dir->in = model_layer_input(s, l);
            dir->inp = S(round_up)(dir->in);
            if (dir->in > p->INmax) p->INmax = dir->in;
            dir->wxT = q; q += dir->in * p->Gp;
            dir->whT = q; q += s->H * p->Gp;
            dir->b = q; q += p->Gp;
            dir->wx = q; q += p->Gp * dir->inp;
            dir->wh = q; q += p->Gp * p->Hp;
        }
    p->wout = q; q += s->C * s->D * s->H;
    p->bout = q;
    S(lb_pack_update)(p, m);
    *out = p;
    return LRP_OK;
}

void S(lb_pack_free)(S(lb_pack) *p)
{
    if (!p) return;
    free(p->mem_);
    free(p);
}

// ----------------------------------------------------------------------------
// workspace

void S(lb_work_init)(S(lb_work) *w) { memset(w, 0, sizeof *w); }

void S(lb_work_free)(S(lb_work) *w)
{
    free(w->sent);
    free(w->order);
    free(w->pv);
    free(w->pv2);
    free(w->pv3);
    free(w->po);
    free(w->po2);
    free(w->dscores);
    free(w->targets);
    lrp_free_large(w->mem, w->cap_mem * sizeof(REAL));
    memset(w, 0, sizeof *w);
}

/* reals of one cache: preg (T, Hp), act (T, Gp), c, h (T+1, Hp), tc (T, Hp) */
static size_t S(cache_size)(const S(lb_pack) *p, size_t T)
{
    return T * p->Gp + 4 * T * p->Hp + 2 * p->Hp;
}

static size_t S(tmp_size)(const S(lb_pack) *p) { return p->Gp + 10 * p->Hp + 2 * S(round_up)(p->INmax); }

/* reals of one sentence's arrays, each rounded up to a whole number of tiles */
static size_t S(sent_size)(const S(lb_pack) *p, size_t T)
{
    const model_shape *s = &p->s;
    const size_t Y = s->D * s->H;
#define R_(n) S(round_up)(n)
    const size_t below = s->L - 1; /* layers whose outputs feed another */
    return R_(T * s->E) + R_(below * T * Y) + s->L * s->D * R_(S(cache_size)(p, T)) + R_(Y) +
           R_(s->C) + R_(T * Y) + (below ? 2 * R_(T * p->INmax) : 0) + 2 * R_(T * s->E) +
           R_(S(tmp_size)(p));
#undef R_
}

/* Room for n sentences of these lengths; points every sentence's arrays. */
static lrp_status S(work_reserve)(const S(lb_pack) *p, S(lb_work) *w, size_t n,
                                  const lrp_sentence *sent, lrp_error *err)
{
    const model_shape *s = &p->s;
    if (n > w->cap_n) {
        size_t cap = n < 16 ? 16 : n;
        S(lb_work) nw = *w;
        nw.sent = realloc(w->sent, cap * sizeof *nw.sent);
        if (nw.sent) w->sent = nw.sent;
        nw.order = realloc(w->order, cap * sizeof *nw.order);
        if (nw.order) w->order = nw.order;
        nw.pv = realloc(w->pv, cap * sizeof *nw.pv);
        if (nw.pv) w->pv = nw.pv;
        nw.pv2 = realloc(w->pv2, cap * sizeof *nw.pv2);
        if (nw.pv2) w->pv2 = nw.pv2;
        nw.pv3 = realloc(w->pv3, cap * sizeof *nw.pv3);
        if (nw.pv3) w->pv3 = nw.pv3;
        nw.po = realloc(w->po, cap * sizeof *nw.po);
        if (nw.po) w->po = nw.po;
        nw.po2 = realloc(w->po2, cap * sizeof *nw.po2);
        if (nw.po2) w->po2 = nw.po2;
        nw.dscores = realloc(w->dscores, cap * s->C * sizeof *nw.dscores);
        if (nw.dscores) w->dscores = nw.dscores;
        nw.targets = realloc(w->targets, cap * sizeof *nw.targets);
        if (nw.targets) w->targets = nw.targets;
        if (!nw.targets || !nw.sent || !nw.order || !nw.pv || !nw.pv2 || !nw.pv3 || !nw.po || !nw.po2 ||
            !nw.dscores)
            return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a batch of %zu sentences", n);
        w->cap_n = cap;
    }
    size_t total = 0;
    for (size_t b = 0; b < n; b++) total += S(sent_size)(p, sent[b].length) + S(round_up)(sent[b].length * p->Gp);
    if (total > w->cap_mem) {
        size_t cap = total + total / 2;
        lrp_free_large(w->mem, w->cap_mem * sizeof(REAL));
        w->cap_mem = 0;
        /* megabytes, of which the batches touch what their lengths need */
        w->mem = lrp_alloc_large(cap * sizeof(REAL));
        if (!w->mem)
            return lrp_fail(err, LRP_ERR_NOMEM, "out of memory for a batch of %zu sentences", n);
        w->cap_mem = cap;
    }
    const size_t Y = s->D * s->H;
    REAL *q = w->mem;
    w->n = n;
    w->Tmax = 0;
    for (size_t b = 0; b < n; b++) {
        S(lb_sent) *st = &w->sent[b];
        size_t T = sent[b].length;
        st->T = T;
        st->ids = sent[b].ids;
        st->deleted = sent[b].deleted;
        if (T > w->Tmax) w->Tmax = T;
#define TAKE_(ptr, count) (ptr = q, q += S(round_up)(count))
        TAKE_(st->x, T * s->E);
        TAKE_(st->y, (s->L - 1) * T * Y);
        st->cache = q;
        q += s->L * s->D * S(round_up)(S(cache_size)(p, T));
        TAKE_(st->top, Y);
        TAKE_(st->scores, s->C);
        TAKE_(st->sig, T * Y);
        TAKE_(st->dx[0], s->L > 1 ? T * p->INmax : 0);
        TAKE_(st->dx[1], s->L > 1 ? T * p->INmax : 0);
        TAKE_(st->gx[0], T * s->E);
        TAKE_(st->gx[1], T * s->E);
        TAKE_(st->tmp, S(tmp_size)(p));
        st->rest = 0.0;
    }
    /* after every sentence's arrays, so that a forward pass and LRP touch none of it */
    for (size_t b = 0; b < n; b++) TAKE_(w->sent[b].dpre, sent[b].length * p->Gp);
#undef TAKE_
    /* longest first, ties in the caller's order: at step s the sentences still
     * running are a prefix of `order` */
    for (size_t b = 0; b < n; b++) {
        size_t i = b;
        while (i > 0 && w->sent[w->order[i - 1]].T < sent[b].length) {
            w->order[i] = w->order[i - 1];
            i--;
        }
        w->order[i] = b;
    }
    return LRP_OK;
}

/* The cache of layer l, direction d of a sentence. */
typedef struct S(cache) {
    REAL *preg;      /* (T, Hp) pre-activation of the g gate (for LRP) */
    REAL *act;       /* (T, Gp) */
    REAL *c, *h;     /* (T+1, Hp), row 0 = initial state */
    REAL *tc;        /* (T, Hp) */
} S(cache);

static S(cache) S(cache_at)(const S(lb_pack) *p, const S(lb_sent) *st, size_t l, size_t d)
{
    const size_t T = st->T, Gp = p->Gp, Hp = p->Hp;
    S(cache) k;
    k.preg = st->cache + (l * p->s.D + d) * S(round_up)(S(cache_size)(p, T));
    k.act = k.preg + T * Hp;
    k.c = k.act + T * Gp;
    k.h = k.c + (T + 1) * Hp;
    k.tc = k.h + (T + 1) * Hp;
    return k;
}

/* Sentences still running at step s: a prefix of w->order. */
static size_t S(active)(const S(lb_work) *w, size_t s)
{
    size_t na = 0;
    while (na < w->n && w->sent[w->order[na]].T > s) na++;
    return na;
}

static const REAL *S(layer_input)(const S(lb_pack) *p, const S(lb_sent) *st, size_t l, size_t *ld)
{
    const size_t Y = p->s.D * p->s.H;
    *ld = l == 0 ? p->s.E : Y;
    return l == 0 ? st->x : st->y + (l - 1) * st->T * Y;
}

// ----------------------------------------------------------------------------
// forward

/* lstm_forward for every sentence of the batch, step by step. */
static void S(dir_forward)(const S(lb_pack) *p, S(lb_work) *w, size_t l, size_t d)
{
    const S(lb_dir) *q = &p->dir[l][d];
    const size_t H = p->s.H, Hp = p->Hp, Gp = p->Gp, Y = p->s.D * H;
    for (size_t b = 0; b < w->n; b++) {
        S(cache) k = S(cache_at)(p, &w->sent[b], l, d);
        memset(k.c, 0, Hp * sizeof(REAL)); /* c(0) = 0 */
        memset(k.h, 0, Hp * sizeof(REAL)); /* h(0) = 0 */
    }
    for (size_t s = 0; s < w->Tmax; s++) {
        const size_t na = S(active)(w, s);
        for (size_t i = 0; i < na; i++) {
            const S(lb_sent) *st = &w->sent[w->order[i]];
            S(cache) k = S(cache_at)(p, st, l, d);
            size_t ld;
            const REAL *in = S(layer_input)(p, st, l, &ld);
            w->pv[i] = in + lstm_pos((int)d, st->T, s) * ld; /* x(t) */
            w->pv2[i] = k.h + s * Hp;                        /* h(t-1) */
            w->po[i] = st->tmp; /* this step's pre-activations */
        }
        /* pre = U x(t) + b + W h(t-1), all sentences at once */
        S(vecmat)(q->in, q->wxT, Gp, Gp, na, w->pv, w->po, NULL, 0);
        S(vecmat)(H, q->whT, Gp, Gp, na, w->pv2, w->po, q->b, 1);
        for (size_t i = 0; i < na; i++) {
            const S(lb_sent) *st = &w->sent[w->order[i]];
            S(cache) k = S(cache_at)(p, st, l, d);
            const REAL *pre = st->tmp, *cp = k.c + s * Hp;
            REAL *act = k.act + s * Gp, *c = k.c + (s + 1) * Hp, *h = k.h + (s + 1) * Hp;
            REAL *tc = k.tc + s * Hp;
            /* GATE_U vectors of units at a time, each stage for all of them before the
             * next: their long chains of dependent operations (exp, reciprocal, then
             * tanh of the new cell) run side by side instead of one after another. */
            for (size_t j0 = 0; j0 < Hp; j0 += GATE_U * V_W) {
                V gi[GATE_U], gf[GATE_U], go[GATE_U], gg[GATE_U], cj[GATE_U], tj[GATE_U];
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += V_W)
                    V_GATES(V_LOAD(pre + GATE_I * Hp + j), V_LOAD(pre + GATE_F * Hp + j),
                            V_LOAD(pre + GATE_O * Hp + j), V_LOAD(pre + GATE_G * Hp + j), &gi[u], &gf[u],
                            &go[u], &gg[u]);
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += V_W) cj[u] = gf[u] * V_LOAD(cp + j) + gi[u] * gg[u];
                for (size_t u = 0; u < GATE_U; u++) tj[u] = V_TANH(cj[u]);
                for (size_t u = 0, j = j0; u < GATE_U; u++, j += V_W) {
                    V_STORE(act + GATE_I * Hp + j, gi[u]);
                    V_STORE(act + GATE_F * Hp + j, gf[u]);
                    V_STORE(act + GATE_O * Hp + j, go[u]);
                    V_STORE(act + GATE_G * Hp + j, gg[u]);
                    V_STORE(k.preg + s * Hp + j, V_LOAD(pre + GATE_G * Hp + j));
                    V_STORE(c + j, cj[u]);
                    V_STORE(tc + j, tj[u]);
                    V_STORE(h + j, go[u] * tj[u]);
                }
            }
            if (l + 1 < p->s.L)
                memcpy(st->y + l * st->T * Y + lstm_pos((int)d, st->T, s) * Y + d * H, h,
                       H * sizeof(REAL));
        }
    }
}

lrp_status S(lb_forward_masked)(const S(lb_pack) *p, const lrp_model *m, S(lb_work) *w, size_t n,
                                const lrp_sentence *sentences, const REAL *const *keep_x,
                                const REAL *const *keep_top, lrp_error *err)
{
    const model_shape *s = &p->s;
    const size_t E = s->E, H = s->H, D = s->D, Y = D * H;
    lrp_status st = S(work_reserve)(p, w, n, sentences, err);
    if (st != LRP_OK) return st;
    for (size_t b = 0; b < n; b++) {
        S(lb_sent) *se = &w->sent[b];
        const lrp_sentence *in = &sentences[b];
        se->keep_x = keep_x ? keep_x[b] : NULL;
        se->keep_top = keep_top ? keep_top[b] : NULL;
        for (size_t t = 0; t < se->T; t++) {
            REAL *x = se->x + t * E;
            if (in->deleted && in->deleted[t]) {
                memset(x, 0, E * sizeof(REAL));
            } else {
                S(model_embedding)(m, in->ids[t], x);
                if (se->keep_x)
                    for (size_t k = 0; k < E; k++) x[k] *= se->keep_x[t * E + k];
            }
        }
    }
    for (size_t l = 0; l < s->L; l++)
        for (size_t d = 0; d < D; d++) S(dir_forward)(p, w, l, d);
    for (size_t b = 0; b < n; b++) {
        S(lb_sent) *se = &w->sent[b];
        for (size_t d = 0; d < D; d++)
            memcpy(se->top + d * H, S(cache_at)(p, se, s->L - 1, d).h + se->T * p->Hp,
                   H * sizeof(REAL));
        if (se->keep_top)
            for (size_t i = 0; i < Y; i++) se->top[i] *= se->keep_top[i];
        for (size_t c = 0; c < s->C; c++) {
            const REAL *wc = p->wout + c * Y;
            REAL z = 0;
            for (size_t d = 0; d < D; d++) {
                REAL zd = 0;
                for (size_t j = 0; j < H; j++) zd += wc[d * H + j] * se->top[d * H + j];
                z += zd;
            }
            se->scores[c] = z + p->bout[c];
        }
    }
    return LRP_OK;
}

lrp_status S(lb_forward)(const S(lb_pack) *p, const lrp_model *m, S(lb_work) *w, size_t n,
                         const lrp_sentence *sentences, lrp_error *err)
{
    return S(lb_forward_masked)(p, m, w, n, sentences, NULL, NULL, err);
}

// ----------------------------------------------------------------------------
// backward passes: network.c's shape, batched

static void S(seed_top)(const model_shape *s, S(lb_sent) *st, const REAL *top_signal)
{
    const size_t H = s->H, Y = s->D * H, T = st->T;
    memset(st->sig, 0, T * Y * sizeof(REAL));
    memcpy(st->sig + (T - 1) * Y, top_signal, H * sizeof(REAL));
    if (s->D == 2) memcpy(st->sig + H, top_signal + H, H * sizeof(REAL));
}

static void S(sum_directions)(const model_shape *s, S(lb_sent) *st)
{
    const size_t n = st->T * s->D * s->H;
    for (size_t i = 0; i < n; i++) st->sig[i] = s->D == 2 ? st->dx[0][i] + st->dx[1][i] : st->dx[0][i];
}

/* Output of direction d of layer l: the first layer's gx[d], else dx[d]. */
static REAL *S(dir_out)(S(lb_sent) *st, size_t l, size_t d) { return l == 0 ? st->gx[d] : st->dx[d]; }

/* VD_W values from p as float64 */
static inline vd S(load_vd)(const REAL *p)
{
    if (sizeof(REAL) == sizeof(double)) return vd_load((const double *)(const void *)p); /* as they are */
    double t[VD_W];
    for (int k = 0; k < VD_W; k++) t[k] = (double)p[k];
    return vd_load(t);
}

/* out ((G, n), gate row r at r * n) += sum over the sentences b0 <= b < b1 (in order)
 * and their steps s (in processing order) of dpre_b(s) v_b(s)^T, where dpre_b(s) = w->pv[b] + s * Gp
 * (gate row r packed at (r / H) * Hp + r % H) and v_b(s) = v[b] + s * vs. A tile of
 * RB gate rows x CB columns stays in registers while the steps stream by; each sum
 * runs in that fixed order (fused multiply-adds where the target has them). The last
 * tile of a row may read up to CB - 1 values past v_b(s)'s n (inside the workspace)
 * into lanes that are never stored. */
static void S(outer_sum)(const S(lb_work) *w, size_t b0, size_t b1, size_t H, size_t Hp, size_t Gp,
                         size_t n, double *out, const REAL *const *v, ptrdiff_t vs)
{
    /* RB * CV accumulators, CV vectors of v and a broadcast: 21 of AVX-512's 32 registers */
    enum { RB = 4, CV = VD_W >= 8 ? 4 : 2, CB = CV * VD_W };
    const size_t G = GATE_COUNT * H; /* a multiple of RB */
    for (size_t r0 = 0; r0 < G; r0 += RB) {
        size_t rp[RB];
        for (size_t i = 0; i < RB; i++) rp[i] = (r0 + i) / H * Hp + (r0 + i) % H;
        for (size_t c0 = 0; c0 < n; c0 += CB) {
            const size_t nc = n - c0 < CB ? n - c0 : CB;
            /* whole vectors of out are loaded and stored as they are, the last part one
             * through a copy */
            vd acc[RB][CV];
            for (size_t i = 0; i < RB; i++)
                for (size_t k = 0; k < CV; k++) {
                    const double *o = out + (r0 + i) * n + c0 + k * VD_W;
                    if ((k + 1) * VD_W <= nc) {
                        acc[i][k] = vd_load(o);
                    } else {
                        double t[VD_W] = {0};
                        if (k * VD_W < nc) memcpy(t, o, (nc - k * VD_W) * sizeof(double));
                        acc[i][k] = vd_load(t);
                    }
                }
            for (size_t b = b0; b < b1; b++) {
                const REAL *dp = w->pv[b], *vb = v[b] + c0;
                for (size_t s = 0; s < w->sent[b].T; s++, dp += Gp, vb += vs) {
                    vd x[CV];
                    for (size_t k = 0; k < CV; k++) x[k] = S(load_vd)(vb + k * VD_W);
                    for (size_t i = 0; i < RB; i++) {
                        const vd c = vd_set1((double)dp[rp[i]]);
                        for (size_t k = 0; k < CV; k++) acc[i][k] = vd_fma(x[k], c, acc[i][k]);
                    }
                }
            }
            for (size_t i = 0; i < RB; i++)
                for (size_t k = 0; k < CV; k++) {
                    double *o = out + (r0 + i) * n + c0 + k * VD_W;
                    if ((k + 1) * VD_W <= nc) {
                        vd_store(o, acc[i][k]);
                    } else if (k * VD_W < nc) {
                        double t[VD_W];
                        vd_store(t, acc[i][k]);
                        memcpy(o, t, (nc - k * VD_W) * sizeof(double));
                    }
                }
        }
    }
}

/* After the backward pass of direction d of layer l with dpre kept for every step:
 * dU += sum dpre x^T, dW += sum dpre h(t-1)^T, db += sum dpre over the sentences
 * [b0, b1), into the gradient array dense (lb_backward's layout). */
static void S(param_grads)(const S(lb_pack) *p, const lrp_model *m, S(lb_work) *w, size_t l, size_t d,
                           size_t b0, size_t b1, double *dense)
{
    const size_t H = p->s.H, Hp = p->Hp, Gp = p->Gp, IN = p->dir[l][d].in, base = m->layout.wx[0][0];
    double *gwx = dense + (m->layout.wx[l][d] - base), *gwh = dense + (m->layout.wh[l][d] - base);
    double *gb = dense + (m->layout.b[l][d] - base);
    size_t ld = 0;
    for (size_t b = b0; b < b1; b++) {
        const S(lb_sent) *st = &w->sent[b];
        w->pv[b] = st->dpre;
        w->pv2[b] = S(layer_input)(p, st, l, &ld) + lstm_pos((int)d, st->T, 0) * ld; /* x at step 0 */
        w->pv3[b] = S(cache_at)(p, st, l, d).h;                                      /* h(0) */
    }
    S(outer_sum)(w, b0, b1, H, Hp, Gp, IN, gwx, w->pv2, d ? -(ptrdiff_t)ld : (ptrdiff_t)ld);
    S(outer_sum)(w, b0, b1, H, Hp, Gp, H, gwh, w->pv3, (ptrdiff_t)Hp);
    for (size_t r = 0; r < GATE_COUNT * H; r++) {
        const size_t rp = r / H * Hp + r % H;
        double acc = gb[r];
        for (size_t b = b0; b < b1; b++)
            for (size_t s = 0; s < w->sent[b].T; s++) acc += (double)w->sent[b].dpre[s * Gp + rp];
        gb[r] = acc;
    }
}

/* lstm_backward for every sentence; dense: NULL or lb_backward_grouped's gradient
 * arrays, one per group of sentences (first). */
static void S(dir_backward)(const S(lb_pack) *p, const lrp_model *m, S(lb_work) *w, size_t l,
                            size_t d, size_t n_groups, const size_t *first, double *const *dense)
{
    const S(lb_dir) *q = &p->dir[l][d];
    const size_t IN = q->in, INp = q->inp, H = p->s.H, Hp = p->Hp, Gp = p->Gp, Y = p->s.D * H;
    /* per sentence in tmp: dpre (Gp), dhn (Hp), dcn (Hp), dxt (INp) */
    for (size_t b = 0; b < w->n; b++) memset(w->sent[b].tmp, 0, (Gp + 2 * Hp) * sizeof(REAL));
    for (size_t s = w->Tmax; s-- > 0;) {
        const size_t na = S(active)(w, s);
        for (size_t i = 0; i < na; i++) {
            S(lb_sent) *st = &w->sent[w->order[i]];
            S(cache) k = S(cache_at)(p, st, l, d);
            /* dpre: kept for every step when the parameter gradients are wanted */
            REAL *dpre = dense ? st->dpre + s * Gp : st->tmp;
            REAL *dhn = st->tmp + Gp, *dcn = dhn + Hp, *dxt = dcn + Hp;
            const REAL *dht = st->sig + lstm_pos((int)d, st->T, s) * Y + d * H;
            const REAL *cp = k.c + s * Hp, *act = k.act + s * Gp, *tc = k.tc + s * Hp;
            const REAL *gi = act + GATE_I * Hp, *gf = act + GATE_F * Hp;
            const REAL *go = act + GATE_O * Hp, *gg = act + GATE_G * Hp;
            for (size_t j = 0; j < H; j++) {
                REAL dh = dht[j] + dhn[j];
                REAL dc = dcn[j] + dh * go[j] * (1 - tc[j] * tc[j]);
                REAL d_o = dh * tc[j];
                REAL di = dc * gg[j], dg = dc * gi[j], df = dc * cp[j];
                dcn[j] = dc * gf[j];
                dpre[GATE_I * Hp + j] = di * gi[j] * (1 - gi[j]);
                dpre[GATE_F * Hp + j] = df * gf[j] * (1 - gf[j]);
                dpre[GATE_O * Hp + j] = d_o * go[j] * (1 - go[j]);
                dpre[GATE_G * Hp + j] = dg * (1 - gg[j] * gg[j]);
            }
            if (dense) /* the padding rows (zero in tmp) */
                for (size_t g = 0; g < GATE_COUNT; g++)
                    for (size_t j = H; j < Hp; j++) dpre[g * Hp + j] = 0;
            w->pv[i] = dpre;
            w->po[i] = dxt;
            w->po2[i] = dhn;
        }
        /* dx = U^T dpre, dh(t-1) = W^T dpre */
        S(vecmat)(Gp, q->wx, INp, INp, na, w->pv, w->po, NULL, 0);
        S(vecmat)(Gp, q->wh, Hp, Hp, na, w->pv, w->po2, NULL, 0);
        for (size_t i = 0; i < na; i++) {
            S(lb_sent) *st = &w->sent[w->order[i]];
            const size_t pos = lstm_pos((int)d, st->T, s);
            memcpy(S(dir_out)(st, l, d) + pos * IN, st->tmp + Gp + 2 * Hp, IN * sizeof(REAL));
        }
    }
    if (dense)
        for (size_t g = 0; g < n_groups; g++) S(param_grads)(p, m, w, l, d, first[g], first[g + 1], dense[g]);
}

void S(lb_backward_grouped)(const S(lb_pack) *p, const lrp_model *m, S(lb_work) *w, const REAL *dscores,
                            size_t n_groups, const size_t *first, double *const *dense)
{
    const model_shape *s = &p->s;
    const size_t H = s->H, Y = s->D * H, C = s->C, base = m->layout.wx[0][0];
    if (!dscores) dscores = w->dscores;
    for (size_t g = 0, b = 0; b < w->n; b++) {
        while (b >= first[g + 1]) g++; /* b's group */
        S(lb_sent) *st = &w->sent[b];
        const REAL *ds = dscores + b * C;
        /* f = W top + b: d/d top = W^T dscores (exactly W_c for a one-hot dscores) */
        REAL *dtop = st->tmp;
        for (size_t i = 0; i < Y; i++) {
            REAL acc = 0;
            for (size_t c = 0; c < C; c++) acc += ds[c] * p->wout[c * Y + i];
            dtop[i] = acc;
        }
        /* top = h * keep_top: the gradient at h is the one at top times the mask */
        if (st->keep_top)
            for (size_t i = 0; i < Y; i++) dtop[i] *= st->keep_top[i];
        S(seed_top)(s, st, dtop);
        if (dense) {
            for (size_t c = 0; c < C; c++) {
                for (size_t i = 0; i < Y; i++)
                    dense[g][m->layout.wout - base + c * Y + i] += (double)ds[c] * (double)st->top[i];
                if (s->has_bias) dense[g][m->layout.bout - base + c] += (double)ds[c];
            }
        }
    }
    for (size_t l = s->L; l-- > 0;) {
        for (size_t d = 0; d < s->D; d++) S(dir_backward)(p, m, w, l, d, n_groups, first, dense);
        if (l > 0)
            for (size_t b = 0; b < w->n; b++) S(sum_directions)(s, &w->sent[b]);
    }
}

void S(lb_backward)(const S(lb_pack) *p, const lrp_model *m, S(lb_work) *w, const REAL *dscores,
                    double *dense)
{
    const size_t first[2] = {0, w->n};
    double *const one[1] = {dense};
    S(lb_backward_grouped)(p, m, w, dscores, 1, first, dense ? one : NULL);
}

void S(lb_embedding_grad)(const S(lb_pack) *p, const S(lb_work) *w, size_t b, size_t t, double *row)
{
    const S(lb_sent) *st = &w->sent[b];
    const size_t E = p->s.E, D = p->s.D;
    /* a deleted word's embedding was replaced by zeros: nothing flows to it */
    if (st->deleted && st->deleted[t]) {
        memset(row, 0, E * sizeof *row);
        return;
    }
    const REAL *a = st->gx[0] + t * E, *c = st->gx[1] + t * E;
    for (size_t k = 0; k < E; k++) row[k] = D == 2 ? (double)a[k] + (double)c[k] : (double)a[k];
    /* x = e * keep_x */
    if (st->keep_x)
        for (size_t k = 0; k < E; k++) row[k] *= (double)st->keep_x[t * E + k];
}

// ----------------------------------------------------------------------------
// LRP

/* Vector loops over n values: whole vectors, then a part vector for the last
 * m = n mod V_W values (lanes past them read as 0, never stored). Every lane does
 * the operations the scalar loop did for its index, so the results are those bits. */
static inline V S(ld)(const REAL *p, size_t m) { return m == V_W ? V_LOAD(p) : V_LOAD_N(p, m); }
static inline void S(st)(REAL *p, V v, size_t m)
{
    if (m == V_W) V_STORE(p, v);
    else V_STORE_N(p, v, m);
}
#define FOR_VEC(j, m, n) for (size_t j = 0, m = (n) < V_W ? (n) : V_W; j < (n); j += V_W, m = (n) - j < V_W ? (n) - j : V_W)

/* z + (z >= 0 ? eps : -eps), lane by lane */
static inline V S(stabilised)(V z, V eps) { return z + V_SELECT(z >= V_SET1(0), eps, -eps); }

/* lrp_eps_ratios (relevance.c) in this precision, same order; with delta = 0 the
 * shared term is zero and not summed. */
static REAL S(eps_ratios)(size_t n, const REAL *restrict z, const REAL *restrict R,
                          const REAL *restrict b, REAL eps, REAL delta, REAL N, REAL *restrict r)
{
    const V e = V_SET1(eps);
    FOR_VEC(j, m, n) S(st)(r + j, S(ld)(R + j, m) / S(stabilised)(S(ld)(z + j, m), e), m);
    if (delta == 0) return 0;
    REAL shared = 0;
    for (size_t j = 0; j < n; j++) shared += ((b ? b[j] : 0) + (z[j] >= 0 ? eps : -eps)) * r[j];
    return delta * shared / N;
}

/* out = a * b + c, elementwise (the input relevance of an epsilon-rule layer) */
static void S(mul_add)(size_t n, const REAL *restrict a, const REAL *restrict b, REAL c, REAL *restrict out)
{
    const V cv = V_SET1(c);
    FOR_VEC(k, m, n) S(st)(out + k, S(ld)(a + k, m) * S(ld)(b + k, m) + cv, m);
}

/* One step of lstm_lrp for one sentence, up to the ratios rg of the g gate's
 * pre-activation; returns the stabiliser/bias share of that layer. Rcn is updated
 * in place. */
static REAL S(lrp_cell)(size_t H, size_t IN, const REAL *restrict Rht, const REAL *restrict cp,
                        const REAL *restrict c, const REAL *restrict gi, const REAL *restrict gf,
                        const REAL *restrict gg, const REAL *restrict preg, const REAL *restrict bg,
                        REAL eps, REAL delta, const REAL *restrict Rhn, REAL *restrict Rcn,
                        REAL *restrict Rc, REAL *restrict rc, REAL *restrict Rg, REAL *restrict rg)
{
    /* h(t) = o * tanh(c(t)): c(t) takes all of R_h(t) */
    FOR_VEC(j, m, H) S(st)(Rc + j, S(ld)(Rcn + j, m) + S(ld)(Rht + j, m) + S(ld)(Rhn + j, m), m);
    /* c(t) = f * c(t-1) + i * g: identity-weight layer over 2H entries */
    REAL sh = S(eps_ratios)(H, c, Rc, NULL, eps, delta, (REAL)(2 * H), rc);
    const V shv = V_SET1(sh);
    FOR_VEC(j, m, H) {
        const V r = S(ld)(rc + j, m);
        S(st)(Rcn + j, S(ld)(gf + j, m) * S(ld)(cp + j, m) * r + shv, m);
        S(st)(Rg + j, S(ld)(gi + j, m) * S(ld)(gg + j, m) * r + shv, m);
    }
    /* g = tanh(U_g x + W_g h(t-1) + b_g): epsilon rule, N = IN + H */
    return S(eps_ratios)(H, preg, Rg, bg, eps, delta, (REAL)(IN + H), rg);
}

/* lstm_lrp for every sentence of the batch. */
static void S(dir_lrp)(const S(lb_pack) *p, S(lb_work) *w, size_t l, size_t d, REAL eps, REAL delta)
{
    const S(lb_dir) *q = &p->dir[l][d];
    const size_t IN = q->in, INp = q->inp, H = p->s.H, Hp = p->Hp, Gp = p->Gp, Y = p->s.D * H;
    const REAL *ug = q->wx + GATE_G * Hp * INp; /* (H, INp) rows of U_g */
    const REAL *wg = q->wh + GATE_G * Hp * Hp;  /* (H, Hp) rows of W_g */
    const REAL *bg = q->b + GATE_G * Hp;
    /* per sentence in tmp: Rc, Rhn, Rcn, Rg, rc, rg, acch (Hp each), share, accx (INp) */
    for (size_t b = 0; b < w->n; b++) memset(w->sent[b].tmp, 0, 7 * Hp * sizeof(REAL));
    for (size_t s = w->Tmax; s-- > 0;) {
        const size_t na = S(active)(w, s);
        for (size_t i = 0; i < na; i++) {
            S(lb_sent) *st = &w->sent[w->order[i]];
            S(cache) k = S(cache_at)(p, st, l, d);
            REAL *Rc = st->tmp, *Rhn = Rc + Hp, *Rcn = Rhn + Hp, *Rg = Rcn + Hp, *rc = Rg + Hp;
            REAL *rg = rc + Hp, *acch = rg + Hp, *share = acch + Hp, *accx = share + Hp;
            const REAL *Rht = st->sig + lstm_pos((int)d, st->T, s) * Y + d * H;
            const REAL *cp = k.c + s * Hp, *c = k.c + (s + 1) * Hp;
            const REAL *act = k.act + s * Gp;
            const REAL *gi = act + GATE_I * Hp, *gf = act + GATE_F * Hp, *gg = act + GATE_G * Hp;
            share[0] = S(lrp_cell)(H, IN, Rht, cp, c, gi, gf, gg, k.preg + s * Hp, bg, eps, delta, Rhn,
                                   Rcn, Rc, rc, Rg, rg);
            w->pv[i] = rg;
            w->po[i] = accx;
            w->po2[i] = acch;
        }
        S(vecmat)(H, ug, INp, INp, na, w->pv, w->po, NULL, 0);
        S(vecmat)(H, wg, Hp, Hp, na, w->pv, w->po2, NULL, 0);
        for (size_t i = 0; i < na; i++) {
            S(lb_sent) *st = &w->sent[w->order[i]];
            REAL *Rhn = st->tmp + Hp, *acch = st->tmp + 6 * Hp, *accx = st->tmp + 8 * Hp;
            const REAL sh = st->tmp[7 * Hp];
            const size_t pos = lstm_pos((int)d, st->T, s);
            size_t ld;
            const REAL *xt = S(layer_input)(p, st, l, &ld) + pos * ld;
            const REAL *hp = S(cache_at)(p, st, l, d).h + s * Hp;
            REAL *Rxt = S(dir_out)(st, l, d) + pos * IN;
            S(mul_add)(IN, xt, accx, sh, Rxt);
            S(mul_add)(H, hp, acch, sh, Rhn);
        }
    }
    for (size_t b = 0; b < w->n; b++) {
        const REAL *Rhn = w->sent[b].tmp + Hp, *Rcn = w->sent[b].tmp + 2 * Hp;
        REAL rest = 0;
        for (size_t j = 0; j < H; j++) rest += Rhn[j] + Rcn[j];
        w->sent[b].rest += (double)rest;
    }
}

void S(lb_lrp)(const S(lb_pack) *p, S(lb_work) *w, const int *targets, double eps, double delta)
{
    const model_shape *s = &p->s;
    const size_t Y = s->D * s->H;
    const REAL e = (REAL)eps, dl = (REAL)delta;
    for (size_t b = 0; b < w->n; b++) {
        S(lb_sent) *st = &w->sent[b];
        /* output layer: epsilon rule with N = Y (network.c, net_lrp) */
        const REAL *wc = p->wout + (size_t)targets[b] * Y;
        const REAL fc = st->scores[targets[b]], bc = p->bout[targets[b]];
        REAL r;
        REAL share = S(eps_ratios)(1, &fc, &fc, &bc, e, dl, (REAL)Y, &r);
        REAL *Rtop = st->tmp;
        for (size_t i = 0; i < Y; i++) Rtop[i] = st->top[i] * wc[i] * r + share;
        S(seed_top)(s, st, Rtop);
        st->rest = 0.0;
    }
    for (size_t l = s->L; l-- > 0;) {
        for (size_t d = 0; d < s->D; d++) S(dir_lrp)(p, w, l, d, e, dl);
        if (l > 0)
            for (size_t b = 0; b < w->n; b++) S(sum_directions)(s, &w->sent[b]);
    }
}

#undef COLS

// ----------------------------------------------------------------------------
// explain: explain_one (explain.c) for a batch

/* out[t] = sum of row t of a (T, E) array, in float64, each in the order q = 0..E-1;
 * four rows at a time, so that four independent chains of additions run side by side. */
static void S(row_sums)(const REAL *a, size_t T, size_t E, double *out)
{
    size_t t = 0;
    for (; t + 4 <= T; t += 4) {
        const REAL *r = a + t * E;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t q = 0; q < E; q++) {
            s0 += (double)r[q];
            s1 += (double)r[E + q];
            s2 += (double)r[2 * E + q];
            s3 += (double)r[3 * E + q];
        }
        out[t] = s0;
        out[t + 1] = s1;
        out[t + 2] = s2;
        out[t + 3] = s3;
    }
    for (; t < T; t++) {
        double acc = 0.0;
        for (size_t q = 0; q < E; q++) acc += (double)a[t * E + q];
        out[t] = acc;
    }
}

lrp_status S(lb_explain)(const S(lb_pack) *p, const lrp_model *m, S(lb_work) *w, size_t n,
                         const lrp_sentence *sentences, const lrp_options *o,
                         lrp_result *const *out, lrp_error *err)
{
    const model_shape *s = &p->s;
    const size_t E = s->E, D = s->D, C = s->C;
    lrp_status st = S(lb_forward)(p, m, w, n, sentences, err);
    if (st != LRP_OK) return st;
    for (size_t b = 0; b < n; b++) {
        for (size_t c = 0; c < C; c++) out[b]->scores[c] = (double)w->sent[b].scores[c];
        explain_softmax(C, out[b]->scores, out[b]->probabilities, &out[b]->predicted);
    }
    const size_t nt = o->n_targets ? o->n_targets : 1;
    size_t e = 0; /* index of the explanation being filled, the same in every result */
    for (size_t i = 0; i < nt; i++) {
        for (size_t b = 0; b < n; b++) {
            int target = o->n_targets ? o->targets[i] : LRP_TARGET_PREDICTED;
            w->targets[b] = target == LRP_TARGET_PREDICTED ? out[b]->predicted : target;
        }
        int have_grad = 0;
        for (int k = 0; k < LRP_METHOD_COUNT; k++) {
            if (!(o->methods & LRP_METHOD_BIT(k))) continue;
            const int lrp = k == LRP_METHOD_LRP || k == LRP_METHOD_LRP_CONS;
            if (lrp) {
                S(lb_lrp)(p, w, w->targets, o->eps, k == LRP_METHOD_LRP ? 0.0 : 1.0);
            } else if (!have_grad) {
                /* one gradient per target serves SA and GI */
                memset(w->dscores, 0, n * C * sizeof(REAL));
                for (size_t b = 0; b < n; b++) w->dscores[b * C + (size_t)w->targets[b]] = 1;
                S(lb_backward)(p, m, w, NULL, NULL);
                have_grad = 1;
            }
            for (size_t b = 0; b < n; b++) {
                const S(lb_sent) *se = &w->sent[b];
                lrp_explanation *x = &out[b]->explanations[e];
                const size_t T = se->T;
                x->target = w->targets[b];
                double *dims[2] = {x->dims_fwd, x->dims_bwd};
                for (size_t d = 0; d < D; d++)
                    if (dims[d])
                        for (size_t q = 0; q < T * E; q++) dims[d][q] = (double)se->gx[d][q];
                if (lrp) {
                    /* word relevance: each encoder's row sums, then their sum */
                    double *rel[2] = {x->relevance_fwd, x->relevance_bwd};
                    for (size_t d = 0; d < D; d++) S(row_sums)(se->gx[d], T, E, rel[d]);
                    for (size_t t = 0; t < T; t++)
                        x->relevance[t] = x->relevance_fwd[t] + (D == 2 ? x->relevance_bwd[t] : 0.0);
                    x->rest = se->rest;
                    continue;
                }
                for (size_t t = 0; t < T; t++) {
                    const REAL *gf = se->gx[0] + t * E, *gb = se->gx[1] + t * E, *xt = se->x + t * E;
                    double tot = 0.0, fwd = 0.0, bwd = 0.0;
                    for (size_t q = 0; q < E; q++) {
                        double f = (double)gf[q], g = D == 2 ? f + (double)gb[q] : f;
                        if (k == LRP_METHOD_SA) {
                            tot += g * g; /* ||d f_c / d x_t||^2 */
                            fwd += f * f;
                            if (D == 2) bwd += (double)gb[q] * (double)gb[q];
                        } else {
                            fwd += f * (double)xt[q]; /* d f_c / d x_t . x_t */
                            if (D == 2) bwd += (double)gb[q] * (double)xt[q];
                        }
                    }
                    if (k == LRP_METHOD_GI) tot = fwd + bwd;
                    x->relevance[t] = tot;
                    x->relevance_fwd[t] = fwd;
                    if (D == 2) x->relevance_bwd[t] = bwd;
                }
                x->rest = 0.0;
            }
            e++;
        }
    }
    return LRP_OK;
}
