/*
 * model_torch.c - PyTorch's name map (model_torch.h): a state_dict stored as
 * safetensors under PyTorch's own tensor names, as a table of views into a model.
 * docs/pytorch.md is the user's side of it; keep them in step.
 *
 * Sizes: V vocabulary, E embedding, H hidden, C classes, L layers, D directions,
 * G = 4H (LSTM) or 3H (GRU) gate rows, IN(k) = E for layer 0 and D*H above, A the
 * attention size, M_k the dense layers' sizes, U the classifier's input (the last
 * M_k, else D*H). With module paths X (the embedding), P (the LSTM or GRU), Q (the
 * attention), F_k (the dense layers) and Y (the classifier), each "" or ending in '.':
 *
 *   X weight                      [V, E]
 *   P weight_ih_l<k>[_reverse]    [G, IN(k)]   gate blocks in PyTorch's order: i, f, g, o
 *   P weight_hh_l<k>[_reverse]    [G, H]       (LSTM), r, z, n (GRU)
 *   P bias_ih_l<k>[_reverse]      [G]          both absent with bias=False; an LSTM's
 *   P bias_hh_l<k>[_reverse]      [G]          are summed into the model's one bias, a
 *                                              GRU's kept apart (bias_x, bias_h)
 *   Q proj.weight, Q proj.bias    [A, D*H], [A] (bias optional)   attention pooling:
 *   Q vector.weight               [1, A]        e_t = vector(tanh(proj(hcat(t)))); a
 *   Q vector.bias                 [1] optional, shifts every e_t alike: changes nothing
 *   F_k weight, F_k bias          [M_k, previous size], [M_k] (bias optional)
 *   Y weight                      [C, U]       without dense layers and with the last
 *                                              states: the top layer's final forward
 *                                              state, then the final backward state, as
 *                                              torch.cat([h_n[-2], h_n[-1]], -1)
 *   Y bias                        [C]          optional
 *
 * Finding the parts: P is the path in front of the one name ending in weight_ih_l0;
 * the recurrent module's own parameters are the names P<leaf> whose leaf has no '.',
 * and weight_hh_l0's rows say the cell (4H LSTM, 3H GRU). Q, when not named, is the
 * one path with both proj.weight and vector.weight. The dense layers are named (an
 * option or the metadata "dense_modules"), in order: shapes cannot order them. Then,
 * among the other tensors named <path>weight, the embedding is the one of shape
 * [V, E] (without a <path>bias) and the classifier the one of shape [C, U] (with an
 * optional <path>bias of shape [C]); V and C come from the vocabulary and labels, so
 * shapes alone decide, and a choice that is still open is an error naming the
 * candidates. Options fix any of the paths. Every tensor must belong to one of the
 * parts: anything else (another layer, a projected LSTM's weights) means a model
 * this engine does not compute, and is refused rather than ignored.
 */
#include "io/model_torch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"

// ----------------------------------------------------------------------------
// names

/* The recurrent module's parameter kinds; weight_hr (proj_size > 0) is recognised to
 * be refused. */
enum { W_IH, W_HH, B_IH, B_HH, W_HR, N_KINDS };
static const char *const kind_name[N_KINDS] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                               "weight_hr"};
static const char *const dir_suffix[2] = {"", "_reverse"};

#define RNN_MARK "weight_ih_l0"

typedef struct plan {
    const st_file *f;
    size_t V, C;                                    /* vocabulary words, labels */
    model_shape s;                                  /* filled as the parts are found */
    size_t U;                                       /* the classifier's input size */
    char *emb, *rnn, *cls, *att;                    /* module paths: "" or "name.", owned */
    char *dense[LRP_MAX_DENSE];
    const st_tensor *p[N_KINDS][LRP_MAX_LAYERS][2]; /* the RNN's parameters [kind][k][d] */
    const st_tensor *top, *reverse;                 /* what set L and D (for messages) */
    int rnn_bias;                                   /* bias_ih and bias_hh are there */
    const st_tensor *emb_w, *cls_w, *cls_b;
    const st_tensor *att_w, *att_b, *att_v, *att_vb; /* proj.weight, .bias, vector.weight, .bias */
    const st_tensor *dense_w[LRP_MAX_DENSE], *dense_b[LRP_MAX_DENSE];
    int pooling_said;                               /* by an option or the metadata */
    char *name;                                     /* scratch for built names */
    size_t name_cap;
} plan;

/* path + leaf in the plan's scratch (long enough for any tensor name + 40). */
static const char *join(plan *pl, const char *path, const char *leaf)
{
    snprintf(pl->name, pl->name_cap, "%s%s", path, leaf);
    return pl->name;
}

/* "fc" for "fc.", "the top level" for "". */
static const char *shown(const char *path, char *buf, size_t len)
{
    size_t n = strlen(path);
    if (n == 0) snprintf(buf, len, "the top level");
    else snprintf(buf, len, "%.*s", (int)(n - 1 < 100 ? n - 1 : 100), path);
    return buf;
}

/* A module path from an option: "" stays "", "fc" and "fc." become "fc.". */
static char *path_from_option(const char *opt, size_t n)
{
    size_t dot = n > 0 && opt[n - 1] != '.';
    char *p = malloc(n + dot + 1);
    if (!p) return NULL;
    memcpy(p, opt, n);
    if (dot) p[n++] = '.';
    p[n] = '\0';
    return p;
}

static char *path_from_name(const char *name, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, name, n);
    p[n] = '\0';
    return p;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Is t one of the recurrent module's own parameters (P<leaf>, leaf without '.')? */
static int in_rnn(const plan *pl, const st_tensor *t)
{
    return pl->rnn && starts_with(t->name, pl->rnn) && !strchr(t->name + strlen(pl->rnn), '.');
}

/* Does t belong to a part found so far? */
static int taken(const plan *pl, const st_tensor *t)
{
    if (in_rnn(pl, t) || t == pl->emb_w || t == pl->cls_w || t == pl->cls_b) return 1;
    if (t == pl->att_w || t == pl->att_b || t == pl->att_v || t == pl->att_vb) return 1;
    for (size_t k = 0; k < pl->s.n_dense; k++)
        if (t == pl->dense_w[k] || t == pl->dense_b[k]) return 1;
    return 0;
}

static const char *shape_of(const st_tensor *t, char *buf, size_t len)
{
    return st_shape_string(t->shape, t->rank, buf, len);
}

/* "name [2, 3], name [4] (and 5 more)": the tensors outside the parts found so far,
 * in name order, as many as fit a message. */
static const char *list_others(const plan *pl, char *buf, size_t len)
{
    const st_file *f = pl->f;
    size_t at = 0, shown_n = 0, total = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (taken(pl, t)) continue;
        total++;
        if (shown_n == 4 || at >= len) continue;
        char sh[64];
        int n = snprintf(buf + at, len - at, "%s%.60s %s", shown_n ? ", " : "", t->name,
                         shape_of(t, sh, sizeof sh));
        if (n > 0) at += (size_t)n;
        shown_n++;
    }
    if (total == 0) snprintf(buf, len, "no other tensor");
    else if (total > shown_n && at < len)
        snprintf(buf + at, len - at, " (and %zu more)", total - shown_n);
    return buf;
}

static lrp_status nomem(lrp_error *err) { return lrp_fail(err, LRP_ERR_NOMEM, "out of memory"); }

static lrp_status check_dtype(const st_tensor *t, lrp_error *err)
{
    if (t->dtype == ST_F32 || t->dtype == ST_F64) return LRP_OK;
    return lrp_fail(err, LRP_ERR_FORMAT,
                    "%.100s: dtype %s, expected F32 or F64 (save the model after model.float() or "
                    "model.double())",
                    t->name, st_dtype_name(t->dtype));
}

/* Shape of t is exactly [rows, cols] (rank 2) or [rows] (cols == 0)? */
static int has_shape(const st_tensor *t, size_t rows, size_t cols)
{
    if (cols == 0) return t->rank == 1 && t->shape[0] == rows;
    return t->rank == 2 && t->shape[0] == rows && t->shape[1] == cols;
}

// ----------------------------------------------------------------------------
// the recurrent module: where it is, which parameters it has, which cell

static int is_mark(const char *name)
{
    const size_t m = strlen(RNN_MARK), n = strlen(name);
    return n >= m && strcmp(name + n - m, RNN_MARK) == 0 && (n == m || name[n - m - 1] == '.');
}

int torch_has_rnn(const st_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        if (is_mark(f->tensors[i].name)) return 1;
    return 0;
}

/* The module path of the recurrent module from the options (lstm_prefix, rnn_prefix:
 * one name for it), NULL when neither is given. */
static lrp_status rnn_option(const lrp_load_options *o, const char **out, lrp_error *err)
{
    const char *a = o->lstm_prefix, *b = o->rnn_prefix;
    *out = a ? a : b;
    if (a && b) {
        size_t na = strlen(a), nb = strlen(b);
        na -= na && a[na - 1] == '.';
        nb -= nb && b[nb - 1] == '.';
        if (na != nb || memcmp(a, b, na) != 0)
            return lrp_fail(err, LRP_ERR_ARGUMENT,
                            "--prefix-lstm \"%.100s\" and --prefix-rnn \"%.100s\" name two modules: they "
                            "are two names for the one recurrent module",
                            a, b);
    }
    return LRP_OK;
}

static lrp_status find_rnn(plan *pl, const char *option, lrp_error *err)
{
    const st_file *f = pl->f;
    char found[256];
    if (option) {
        if (!(pl->rnn = path_from_option(option, strlen(option)))) return nomem(err);
        if (!st_find(f, join(pl, pl->rnn, RNN_MARK))) {
            free(pl->rnn);
            pl->rnn = NULL; /* the message lists every tensor */
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "no tensor \"%.100s\" (recurrent module path \"%.100s\" given): expected the "
                            "parameters of an nn.LSTM or nn.GRU there; found %s",
                            pl->name, option, list_others(pl, found, sizeof found));
        }
        return LRP_OK;
    }
    const st_tensor *first = NULL, *second = NULL;
    size_t count = 0;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (!is_mark(t->name)) continue;
        if (count == 0) first = t;
        else if (count == 1) second = t;
        count++;
    }
    if (count == 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "no nn.LSTM or nn.GRU in this PyTorch state_dict: expected tensors named "
                        "<module>." RNN_MARK ", <module>.weight_hh_l0, ...; found %s",
                        list_others(pl, found, sizeof found));
    if (count > 1)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "found %zu recurrent modules (%.80s, %.80s%s); expected one nn.LSTM or nn.GRU "
                        "(for a bidirectional model: bidirectional=True). If the others are unused, "
                        "leave them out of the saved state_dict",
                        count, first->name, second->name, count > 2 ? ", ..." : "");
    if (!(pl->rnn = path_from_name(first->name, strlen(first->name) - strlen(RNN_MARK)))) return nomem(err);
    return LRP_OK;
}

/* Leaf "weight_ih_l3_reverse" -> kind W_IH, layer 3, reverse 1. Layers are decimal
 * without leading zeros, as PyTorch writes them. Returns 0 if not such a name. */
static int parse_leaf(const char *leaf, int *kind, size_t *layer, int *reverse)
{
    for (int k = 0; k < N_KINDS; k++) {
        size_t n = strlen(kind_name[k]);
        if (strncmp(leaf, kind_name[k], n) != 0 || strncmp(leaf + n, "_l", 2) != 0) continue;
        const char *p = leaf + n + 2;
        size_t v = 0, digits = 0;
        for (; *p >= '0' && *p <= '9' && digits < 9; p++, digits++) v = 10 * v + (size_t)(*p - '0');
        if (digits == 0 || (digits > 1 && leaf[n + 2] == '0')) return 0;
        if (*p == '\0') *reverse = 0;
        else if (strcmp(p, "_reverse") == 0) *reverse = 1;
        else return 0;
        *kind = k;
        *layer = v;
        return 1;
    }
    return 0;
}

/* "nn.LSTM" or "nn.GRU" as weight_hh_l0's shape says, for messages before the shapes
 * are checked; "nn.LSTM or nn.GRU" when it cannot say. */
static const char *module_kind(const plan *pl)
{
    const st_tensor *hh = pl->p[W_HH][0][0];
    if (hh && hh->rank == 2 && hh->shape[1] > 0) {
        if (hh->shape[0] == 4 * hh->shape[1]) return "nn.LSTM";
        if (hh->shape[0] == 3 * hh->shape[1]) return "nn.GRU";
    }
    return "nn.LSTM or nn.GRU";
}

/* "a 2-layer bidirectional nn.LSTM: weight_ih_l<k>, ... for k = 0..1, each also with _reverse" */
static const char *expected_rnn(const plan *pl, char *buf, size_t len)
{
    const model_shape *s = &pl->s;
    char ks[32];
    if (s->L == 1) snprintf(ks, sizeof ks, "k = 0");
    else snprintf(ks, sizeof ks, "k = 0..%zu", s->L - 1);
    snprintf(buf, len, "a %zu-layer %s %s: weight_ih_l<k>, weight_hh_l<k>%s for %s%s", s->L,
             s->D == 2 ? "bidirectional" : "unidirectional", module_kind(pl),
             pl->rnn_bias ? ", bias_ih_l<k>, bias_hh_l<k>" : "", ks,
             s->D == 2 ? ", each also with _reverse" : "");
    return buf;
}

/* Every tensor P<leaf> is an nn.LSTM or nn.GRU parameter; L, D and whether there are
 * biases follow from the names; every layer and direction has all of them. */
static lrp_status collect_rnn(plan *pl, lrp_error *err)
{
    const st_file *f = pl->f;
    const size_t plen = strlen(pl->rnn);
    char sh[64];
    const st_tensor *first_bias = NULL;
    pl->s.L = 0;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (!in_rnn(pl, t)) continue;
        int kind, rev;
        size_t k;
        if (!parse_leaf(t->name + plen, &kind, &k, &rev))
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "%.100s: not a parameter of nn.LSTM or nn.GRU (expected weight_ih_l<k>, "
                            "weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>, each optionally with "
                            "_reverse); peephole connections and other LSTM variants are not "
                            "supported",
                            t->name);
        if (kind == W_HR)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "found %.100s %s: an nn.LSTM with proj_size > 0 (projected hidden "
                            "states) is not supported; expected no weight_hr_l<k>",
                            t->name, shape_of(t, sh, sizeof sh));
        if (k >= LRP_MAX_LAYERS)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "found %.100s: layer %zu, but at most %d stacked layers are supported",
                            t->name, k, LRP_MAX_LAYERS);
        pl->p[kind][k][rev] = t;
        if (k + 1 > pl->s.L) {
            pl->s.L = k + 1;
            pl->top = t;
        }
        if (rev && !pl->reverse) pl->reverse = t;
        if ((kind == B_IH || kind == B_HH) && !first_bias) first_bias = t;
    }
    pl->s.D = pl->reverse ? 2 : 1;
    pl->rnn_bias = first_bias != NULL;

    const int need[4] = {W_IH, W_HH, B_IH, B_HH};
    for (size_t k = 0; k < pl->s.L; k++)
        for (size_t d = 0; d < pl->s.D; d++)
            for (int q = 0; q < (first_bias ? 4 : 2); q++) {
                if (pl->p[need[q]][k][d]) continue;
                /* what was found: the first layer's input weights, and a name that made
                 * us expect the missing one (the other bias of the pair; else a tensor
                 * of the same layer, same direction first; else the one that set L) */
                const st_tensor *why = NULL;
                if (need[q] == B_IH || need[q] == B_HH) {
                    why = pl->p[need[q] == B_IH ? B_HH : B_IH][k][d];
                    if (!why) why = first_bias;
                }
                for (int a = 0; a < 2 * N_KINDS && !why; a++)
                    why = pl->p[a % N_KINDS][k][a < N_KINDS ? d : 1 - d];
                if (!why) why = pl->top;
                const st_tensor *ih0 = pl->p[W_IH][0][0];
                char found[320], want[200], miss[128];
                snprintf(found, sizeof found, "%.80s %s", ih0->name, shape_of(ih0, sh, sizeof sh));
                if (why != ih0) {
                    size_t at = strlen(found);
                    snprintf(found + at, sizeof found - at, " and %.80s", why->name);
                }
                snprintf(miss, sizeof miss, "%.80s%s_l%zu%s", pl->rnn, kind_name[need[q]], k, dir_suffix[d]);
                return lrp_fail(err, LRP_ERR_FORMAT, "found %s but no %s; expected %s", found, miss,
                                expected_rnn(pl, want, sizeof want));
            }
    return LRP_OK;
}

/* H from weight_hh_l0, the cell from its rows (4H LSTM, 3H GRU), E from weight_ih_l0;
 * then every parameter's shape and dtype. */
static lrp_status check_rnn_shapes(plan *pl, lrp_error *err)
{
    model_shape *s = &pl->s;
    const st_tensor *hh = pl->p[W_HH][0][0], *ih = pl->p[W_IH][0][0];
    char sh[64], want[64];
    for (int a = 0; a < 2; a++) {
        const st_tensor *t = a ? ih : hh;
        if (t->rank != 2 || t->shape[0] == 0 || t->shape[1] == 0)
            return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [4H, %s] with positive sizes "
                            "(an nn.LSTM; [3H, %s] for an nn.GRU)",
                            t->name, shape_of(t, sh, sizeof sh), a ? "E" : "H", a ? "E" : "H");
    }
    s->H = hh->shape[1];
    s->E = ih->shape[1];
    const size_t H = s->H; /* H <= file size: no overflow */
    if (hh->shape[0] == 4 * H || hh->shape[0] == 3 * H) {
        s->cell = hh->shape[0] == 4 * H ? CELL_LSTM : CELL_GRU;
    } else {
        const char *looks = hh->shape[0] == H ? ": this looks like an nn.RNN (no gates)" : "";
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "%.100s: shape %s%s; expected an nn.LSTM, [4H, H] = [%zu, %zu] (gate blocks "
                        "i, f, g, o of H = %zu rows), or an nn.GRU, [3H, H] = [%zu, %zu] (r, z, n)",
                        hh->name, shape_of(hh, sh, sizeof sh), looks, 4 * H, H, H, 3 * H, H);
    }
    const size_t gates = model_gates(s), G = gates * H;
    for (size_t k = 0; k < s->L; k++)
        for (size_t d = 0; d < s->D; d++)
            for (int kind = 0; kind < (pl->rnn_bias ? 4 : 2); kind++) {
                const st_tensor *t = pl->p[kind][k][d];
                size_t rows = G, cols = kind == W_IH ? model_layer_input(s, k) : kind == W_HH ? H : 0;
                if (!has_shape(t, rows, cols)) {
                    size_t dims[2] = {rows, cols};
                    char why[200];
                    if (t->rank != (cols ? 2u : 1u) || t->shape[0] != G)
                        snprintf(why, sizeof why, "%zuH = %zu rows: every layer and direction has the "
                                 "hidden size H = %zu of %.60s", gates, G, H, hh->name);
                    else if (kind == W_HH)
                        snprintf(why, sizeof why, "H = %zu columns, as %.60s", H, hh->name);
                    else if (k == 0)
                        snprintf(why, sizeof why, "E = %zu inputs, as %.60s", s->E, ih->name);
                    else
                        snprintf(why, sizeof why, "layer %zu reads %s of layer %zu: %zu inputs", k,
                                 s->D == 2 ? "[h_fwd; h_bwd]" : "h", k - 1, cols);
                    return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected %s (%s)", t->name,
                                    shape_of(t, sh, sizeof sh),
                                    st_shape_string(dims, cols ? 2 : 1, want, sizeof want), why);
                }
                lrp_status st = check_dtype(t, err);
                if (st != LRP_OK) return st;
            }
    const char *said = st_metadata(pl->f, "cell");
    if (said && model_cell_parse(said) != (int)s->cell)
        return lrp_fail(err, LRP_ERR_FORMAT, "__metadata__.cell is \"%.40s\", but %.100s is an %s's (%zu gate "
                        "blocks)",
                        said, hh->name, s->cell == CELL_GRU ? "nn.GRU" : "nn.LSTM", gates);
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// the head: pooling, the attention module

/* A kind (pooling, activation) from the option (LRP_ERR_ARGUMENT when unknown), else
 * the metadata key (LRP_ERR_FORMAT), else -1. */
static lrp_status kind_from(const st_file *f, const char *option, const char *opt_name, const char *key,
                            int (*parse)(const char *), const char *expected, int *out, lrp_error *err)
{
    *out = -1;
    if (option) {
        if ((*out = parse(option)) < 0)
            return lrp_fail(err, LRP_ERR_ARGUMENT, "%s \"%.40s\": expected %s", opt_name, option, expected);
        return LRP_OK;
    }
    const char *v = st_metadata(f, key);
    if (v && (*out = parse(v)) < 0)
        return lrp_fail(err, LRP_ERR_FORMAT, "__metadata__.%s is \"%.40s\", expected %s", key, v, expected);
    return LRP_OK;
}

/* Does the module at path Q (its proj, vector) fit the top layer? */
static lrp_status check_attention(plan *pl, lrp_error *err)
{
    const size_t Y = pl->s.D * pl->s.H;
    char sh[64];
    const st_tensor *w = pl->att_w, *b = pl->att_b, *v = pl->att_v, *vb = pl->att_vb;
    if (w->rank != 2 || w->shape[0] == 0 || w->shape[1] != Y)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "%.100s: shape %s, expected [A, %zu] (the attention's projection reads the top "
                        "layer's states [h_fwd(t); h_bwd(t)], D*H = %zu values; A > 0)",
                        w->name, shape_of(w, sh, sizeof sh), Y, Y);
    const size_t A = w->shape[0];
    if (b && !has_shape(b, A, 0))
        return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [A] = [%zu]", b->name,
                        shape_of(b, sh, sizeof sh), A);
    if (!has_shape(v, 1, A))
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "%.100s: shape %s, expected [1, A] = [1, %zu] (nn.Linear(A, 1): one score per "
                        "position)",
                        v->name, shape_of(v, sh, sizeof sh), A);
    if (vb && !has_shape(vb, 1, 0))
        return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [1]", vb->name, shape_of(vb, sh, sizeof sh));
    lrp_status st = check_dtype(w, err);
    if (st == LRP_OK && b) st = check_dtype(b, err);
    if (st == LRP_OK) st = check_dtype(v, err);
    if (st == LRP_OK && vb) st = check_dtype(vb, err);
    double ignored; /* a bias of the scores shifts every score alike: checked, not kept */
    if (st == LRP_OK && vb) st = model_read_finite(vb, 0, 1, &ignored, err);
    pl->s.A = A;
    return st;
}

/* The attention module's tensors at path q. */
static void attention_at(plan *pl, const char *q)
{
    pl->att_w = st_find(pl->f, join(pl, q, "proj.weight"));
    pl->att_b = st_find(pl->f, join(pl, q, "proj.bias"));
    pl->att_v = st_find(pl->f, join(pl, q, "vector.weight"));
    pl->att_vb = st_find(pl->f, join(pl, q, "vector.bias"));
}

/* The pooling and, for attention, the attention module: named (option, metadata),
 * else found by its names (a path with proj.weight and vector.weight). */
static lrp_status find_head_kind(plan *pl, const lrp_load_options *o, lrp_error *err)
{
    const st_file *f = pl->f;
    char found[256];
    int pooling, activation;
    lrp_status st = kind_from(f, o->pooling, "pooling option", "pooling", model_pooling_parse,
                              "\"last\", \"mean\", \"max\" or \"attention\"", &pooling, err);
    if (st == LRP_OK)
        st = kind_from(f, o->activation, "activation option", "activation", model_activation_parse,
                       "\"relu\" or \"tanh\"", &activation, err);
    if (st != LRP_OK) return st;
    pl->pooling_said = pooling >= 0;
    pl->s.pooling = pooling >= 0 ? (model_pooling)pooling : POOL_LAST;
    pl->s.activation = activation >= 0 ? (model_activation)activation : ACT_RELU;

    const char *named = o->attention_prefix ? o->attention_prefix : st_metadata(f, "attention_module");
    if (named && pl->pooling_said && pl->s.pooling != POOL_ATTENTION)
        return lrp_fail(err, o->attention_prefix || o->pooling ? LRP_ERR_ARGUMENT : LRP_ERR_FORMAT,
                        "an attention module is named (\"%.100s\"), but the pooling is \"%s\"", named,
                        model_pooling_name(pl->s.pooling));
    if (named) {
        if (!(pl->att = path_from_option(named, strlen(named)))) return nomem(err);
        attention_at(pl, pl->att);
        if (!pl->att_w || !pl->att_v)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "no tensor \"%.100s%s\" (attention module path \"%.100s\" given): expected "
                            "%sproj.weight [A, D*H] and %svector.weight [1, A] (docs/pytorch.md); found %s",
                            pl->att, pl->att_w ? "vector.weight" : "proj.weight", named, pl->att, pl->att,
                            list_others(pl, found, sizeof found));
    } else if (!pl->pooling_said || pl->s.pooling == POOL_ATTENTION) {
        /* found by its names: the paths Q with Q proj.weight and Q vector.weight */
        const st_tensor *first = NULL, *second = NULL;
        size_t count = 0;
        for (size_t i = 0; i < f->n; i++) {
            const st_tensor *t = &f->tensors[f->by_name[i]];
            size_t n = strlen(t->name), m = strlen("proj.weight");
            if (n < m || strcmp(t->name + n - m, "proj.weight") != 0 || (n > m && t->name[n - m - 1] != '.'))
                continue;
            snprintf(pl->name, pl->name_cap, "%.*svector.weight", (int)(n - m), t->name);
            if (!st_find(f, pl->name)) continue;
            if (count == 0) first = t;
            else if (count == 1) second = t;
            count++;
        }
        if (count > 1)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "%zu modules could be the attention (%.80s, %.80s%s); name it with "
                            "--prefix-attention",
                            count, first->name, second->name, count > 2 ? ", ..." : "");
        if (count == 0 && pl->pooling_said)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "no attention module found for pooling \"attention\": expected "
                            "<module>.proj.weight [A, %zu] and <module>.vector.weight [1, A] "
                            "(docs/pytorch.md); found %s",
                            pl->s.D * pl->s.H, list_others(pl, found, sizeof found));
        if (count == 0) return LRP_OK; /* the last states */
        if (!(pl->att = path_from_name(first->name, strlen(first->name) - strlen("proj.weight"))))
            return nomem(err);
        attention_at(pl, pl->att);
    } else {
        return LRP_OK; /* last, mean or max: no parameters */
    }
    pl->s.pooling = POOL_ATTENTION;
    return check_attention(pl, err);
}

// ----------------------------------------------------------------------------
// the dense layers

/* The dense layers named by the option (or metadata "dense_modules"), in order: each
 * <path>weight [M_k, previous size] with an optional <path>bias [M_k]. */
static lrp_status find_dense(plan *pl, const lrp_load_options *o, lrp_error *err)
{
    const char *list = o->dense_prefixes ? o->dense_prefixes : st_metadata(pl->f, "dense_modules");
    const char *what = o->dense_prefixes ? "dense module paths" : "__metadata__.dense_modules";
    const lrp_status bad = o->dense_prefixes ? LRP_ERR_ARGUMENT : LRP_ERR_FORMAT;
    model_shape *s = &pl->s;
    size_t width = s->D * s->H;
    char found[256], sh[64], reads[160], a[104];
    s->n_dense = 0;
    for (const char *p = list; p && *p;) {
        const size_t n = strcspn(p, ",");
        if (n == 0)
            return lrp_fail(err, bad, "%s \"%.100s\": an empty module path (expected paths separated by "
                            "commas, e.g. \"fc1,fc2\")", what, list);
        if (s->n_dense == LRP_MAX_DENSE)
            return lrp_fail(err, bad, "%s \"%.100s\": more than %d dense layers are not supported", what,
                            list, LRP_MAX_DENSE);
        const size_t k = s->n_dense;
        if (!(pl->dense[k] = path_from_option(p, n))) return nomem(err);
        s->n_dense++;
        for (size_t j = 0; j < k; j++)
            if (strcmp(pl->dense[j], pl->dense[k]) == 0)
                return lrp_fail(err, bad, "%s \"%.100s\": %s named twice", what, list,
                                shown(pl->dense[k], a, sizeof a));
        p += n + (p[n] == ',');
    }
    for (size_t k = 0; k < s->n_dense; k++) {
        const st_tensor *w = st_find(pl->f, join(pl, pl->dense[k], "weight"));
        if (!w)
            return lrp_fail(err, LRP_ERR_FORMAT, "no tensor \"%.100s\" (dense layer %zu, module path \"%s\" "
                            "given); found %s",
                            pl->name, k, shown(pl->dense[k], a, sizeof a), list_others(pl, found, sizeof found));
        if (k == 0) snprintf(reads, sizeof reads, "the head's D*H = %zu values", width);
        else snprintf(reads, sizeof reads, "the %zu outputs of %s", width, shown(pl->dense[k - 1], a, sizeof a));
        if (w->rank != 2 || w->shape[0] == 0 || w->shape[1] != width)
            return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [M, %zu] (dense layer %zu reads "
                            "%s; M > 0)",
                            w->name, shape_of(w, sh, sizeof sh), width, k, reads);
        const st_tensor *b = st_find(pl->f, join(pl, pl->dense[k], "bias"));
        if (b && !has_shape(b, w->shape[0], 0))
            return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [%zu]", b->name,
                            shape_of(b, sh, sizeof sh), w->shape[0]);
        lrp_status st = check_dtype(w, err);
        if (st == LRP_OK && b) st = check_dtype(b, err);
        if (st != LRP_OK) return st;
        pl->dense_w[k] = w;
        pl->dense_b[k] = b;
        s->dense[k] = width = w->shape[0];
    }
    pl->U = width;
    if (!s->n_dense) s->activation = ACT_RELU; /* said and ignored without dense layers */
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// the embedding and the classifier

typedef struct candidates {
    const st_tensor *t[3]; /* the first three */
    size_t n;              /* all of them */
} candidates;

static void add(candidates *c, const st_tensor *t)
{
    if (c->n < 3) c->t[c->n] = t;
    c->n++;
}

/* Is name "<path>weight" (path "" or ending in '.')? *plen = the length of <path>. */
static int weight_path(const char *name, size_t *plen)
{
    size_t n = strlen(name);
    if (n < 6 || strcmp(name + n - 6, "weight") != 0 || (n > 6 && name[n - 7] != '.')) return 0;
    *plen = n - 6;
    return 1;
}

static const st_tensor *bias_of(plan *pl, const st_tensor *w)
{
    size_t plen = 0;
    weight_path(w->name, &plen);
    snprintf(pl->name, pl->name_cap, "%.*sbias", (int)plen, w->name);
    return st_find(pl->f, pl->name);
}

static int is_embedding(plan *pl, const st_tensor *w)
{
    return has_shape(w, pl->V, pl->s.E) && !bias_of(pl, w);
}

static int is_classifier(plan *pl, const st_tensor *w)
{
    const st_tensor *b = bias_of(pl, w);
    return has_shape(w, pl->C, pl->U) && (!b || has_shape(b, pl->C, 0));
}

/* "[C, 2H]", "[C, H]" (the last states, or pooled) or "[C, M]" (after dense layers) */
static const char *classifier_form(const plan *pl)
{
    return pl->s.n_dense ? "[C, M]" : pl->s.D == 2 ? "[C, 2H]" : "[C, H]";
}

/* A part named by an option: <path>weight must exist and fit. */
static lrp_status fixed_part(plan *pl, const char *option, int classifier, char **path,
                             const st_tensor **w, lrp_error *err)
{
    const char *what = classifier ? "classifier" : "embedding";
    char found[256], sh[64], want[64];
    if (!(*path = path_from_option(option, strlen(option)))) return nomem(err);
    *w = st_find(pl->f, join(pl, *path, "weight"));
    if (!*w)
        return lrp_fail(err, LRP_ERR_FORMAT, "no tensor \"%.100s\" (%s module path \"%.100s\" given); found %s",
                        pl->name, what, option, list_others(pl, found, sizeof found));
    size_t dims[2] = {classifier ? pl->C : pl->V, classifier ? pl->U : pl->s.E};
    if (!has_shape(*w, dims[0], dims[1]))
        return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected %s = %s",
                        (*w)->name, shape_of(*w, sh, sizeof sh), classifier ? classifier_form(pl) : "[V, E]",
                        st_shape_string(dims, 2, want, sizeof want));
    const st_tensor *b = bias_of(pl, *w);
    if (classifier && b && !has_shape(b, pl->C, 0))
        return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [C] = [%zu]", b->name,
                        shape_of(b, sh, sizeof sh), pl->C);
    return LRP_OK;
}

/* What the classifier reads, for messages. */
static const char *classifier_reads(const plan *pl, char *buf, size_t len)
{
    char a[104];
    const model_shape *s = &pl->s;
    if (s->n_dense)
        snprintf(buf, len, "the outputs of the last dense layer, %s", shown(pl->dense[s->n_dense - 1], a, sizeof a));
    else if (s->pooling == POOL_LAST)
        snprintf(buf, len, "the final state%s of the top layer", s->D == 2 ? "s of both directions" : "");
    else
        snprintf(buf, len, "the %s of the top layer's states", s->pooling == POOL_ATTENTION ? "attention"
                                                            : s->pooling == POOL_MEAN ? "mean" : "maximum");
    return buf;
}

/* Neither found nor named: say what was expected, and what came closest. */
static lrp_status missing_part(plan *pl, int classifier, lrp_error *err)
{
    const st_file *f = pl->f;
    const model_shape *s = &pl->s;
    const size_t rows = classifier ? pl->C : pl->V, cols = classifier ? pl->U : s->E;
    char found[256], sh[64], reads[160];
    /* one tensor of the right width: the count of words or labels is what differs */
    const st_tensor *width = NULL, *one_dir = NULL;
    size_t n_width = 0, n_rows = 0, plen;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (taken(pl, t) || !weight_path(t->name, &plen) || t->rank != 2) continue;
        if (t->shape[1] == cols && (classifier || !bias_of(pl, t))) {
            width = t;
            n_width++;
        }
        n_rows += t->shape[0] == pl->C;
        if (classifier && s->D == 2 && !s->n_dense && s->pooling == POOL_LAST && has_shape(t, pl->C, s->H))
            one_dir = t;
    }
    if (classifier && n_width == 1 && width->shape[0] != rows) {
        /* a layer reading the head and a classifier reading it: an unnamed dense layer */
        for (size_t i = 0; i < f->n; i++) {
            const st_tensor *t = &f->tensors[f->by_name[i]];
            char sh2[64];
            if (taken(pl, t) || t == width || !weight_path(t->name, &plen) || !has_shape(t, rows, width->shape[0]))
                continue;
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "%.100s %s reads the %zu values of the head and %.100s %s reads its outputs: a dense "
                            "layer before the classifier? Name the dense layers, in order, with --prefix-dense "
                            "(docs/pytorch.md)",
                            width->name, shape_of(width, sh, sizeof sh), cols, t->name, shape_of(t, sh2, sizeof sh2));
        }
    }
    if (n_width == 1 && width->shape[0] != rows)
        return lrp_fail(err, LRP_ERR_FORMAT, "the %s %.100s is %s, but %s %zu %s",
                        classifier ? "classifier" : "embedding", width->name,
                        shape_of(width, sh, sizeof sh),
                        classifier ? "the labels name" : "the vocabulary has", rows,
                        classifier ? "classes" : "words");
    if (one_dir)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "%.100s is %s = [C, H]: a classifier on one direction's final state; "
                        "expected [C, 2H] = [%zu, %zu], the forward then the backward final "
                        "state (torch.cat([h_n[-2], h_n[-1]], -1))",
                        one_dir->name, shape_of(one_dir, sh, sizeof sh), rows, cols);
    if (classifier)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "no classifier found: expected a tensor <module>.weight of shape %s = "
                        "[%zu, %zu] (%zu labels; %s) and optionally <module>.bias [%zu]; found %s%s",
                        classifier_form(pl), rows, cols, rows, classifier_reads(pl, reads, sizeof reads), rows,
                        list_others(pl, found, sizeof found),
                        n_rows && !s->n_dense ? " (dense layers before the classifier are named, in order, "
                                                "with --prefix-dense)"
                                              : "");
    return lrp_fail(err, LRP_ERR_FORMAT,
                    "no embedding found: expected a tensor <module>.weight of shape [V, E] = "
                    "[%zu, %zu] (%zu vocabulary words; E = the input size of %.80s" RNN_MARK
                    "); found %s",
                    rows, cols, rows, pl->rnn, list_others(pl, found, sizeof found));
}

static lrp_status ambiguous(const char *what, const candidates *c, const char *option,
                            lrp_error *err)
{
    return lrp_fail(err, LRP_ERR_FORMAT,
                    "%zu tensors could be the %s (%.80s, %.80s%s); name its module with %s",
                    c->n, what, c->t[0]->name, c->t[1]->name, c->n > 2 ? ", ..." : "", option);
}

static lrp_status set_path(char **path, const st_tensor *w, lrp_error *err)
{
    size_t plen = 0;
    weight_path(w->name, &plen);
    if (!(*path = path_from_name(w->name, plen))) return nomem(err);
    return LRP_OK;
}

static lrp_status find_ends(plan *pl, const lrp_load_options *o, lrp_error *err)
{
    const st_file *f = pl->f;
    lrp_status st;
    if (o->embedding_prefix && (st = fixed_part(pl, o->embedding_prefix, 0, &pl->emb, &pl->emb_w, err)))
        return st;
    if (o->classifier_prefix && (st = fixed_part(pl, o->classifier_prefix, 1, &pl->cls, &pl->cls_w, err)))
        return st;
    if (pl->emb_w && pl->emb_w == pl->cls_w)
        return lrp_fail(err, LRP_ERR_FORMAT, "the embedding and the classifier cannot both be %.100s",
                        pl->emb_w->name);
    for (int k = 0; k < 2; k++) {
        const st_tensor *t = k ? pl->cls_w : pl->emb_w;
        const st_tensor *keep_e = pl->emb_w, *keep_c = pl->cls_w;
        pl->emb_w = pl->cls_w = NULL; /* taken() must look at the others only */
        const int other = t && taken(pl, t);
        pl->emb_w = keep_e;
        pl->cls_w = keep_c;
        if (other)
            return lrp_fail(err, LRP_ERR_FORMAT, "%.100s is part of another module found, not the %s",
                            t->name, k ? "classifier" : "embedding");
    }

    candidates ce = {{NULL}, 0}, cc = {{NULL}, 0};
    size_t plen;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (taken(pl, t) || !weight_path(t->name, &plen)) continue;
        if (!pl->emb_w && t != pl->cls_w && is_embedding(pl, t)) add(&ce, t);
        if (!pl->cls_w && t != pl->emb_w && is_classifier(pl, t)) add(&cc, t);
    }
    /* One tensor may fit both (V = C and E = U, no classifier bias): count the ways
     * to pick two different ones. More than two candidates for a part always leave
     * two ways, so the first three suffice. */
    if (!pl->emb_w && ce.n == 0) return missing_part(pl, 0, err);
    if (!pl->cls_w && cc.n == 0) return missing_part(pl, 1, err);
    if (pl->emb_w || pl->cls_w) {
        if (!pl->emb_w && ce.n > 1) return ambiguous("embedding", &ce, "--prefix-embedding", err);
        if (!pl->cls_w && cc.n > 1) return ambiguous("classifier", &cc, "--prefix-classifier", err);
        if (!pl->emb_w) pl->emb_w = ce.t[0];
        if (!pl->cls_w) pl->cls_w = cc.t[0];
    } else {
        size_t ways = 0;
        for (size_t a = 0; a < ce.n && a < 3; a++)
            for (size_t b = 0; b < cc.n && b < 3; b++)
                if (ce.t[a] != cc.t[b]) {
                    if (ways++ == 0) {
                        pl->emb_w = ce.t[a];
                        pl->cls_w = cc.t[b];
                    }
                }
        if (ways == 0)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "%.100s fits both the embedding and the classifier, and nothing else "
                            "fits either; expected two tensors",
                            ce.t[0]->name);
        if (ways > 1) {
            if (ce.n > 1) return ambiguous("embedding", &ce, "--prefix-embedding", err);
            return ambiguous("classifier", &cc, "--prefix-classifier", err);
        }
    }
    if (!pl->emb && (st = set_path(&pl->emb, pl->emb_w, err))) return st;
    if (!pl->cls && (st = set_path(&pl->cls, pl->cls_w, err))) return st;
    pl->cls_b = bias_of(pl, pl->cls_w);
    if ((st = check_dtype(pl->emb_w, err)) || (st = check_dtype(pl->cls_w, err))) return st;
    if (pl->cls_b && (st = check_dtype(pl->cls_b, err))) return st;
    return LRP_OK;
}

/* "LSTM at lstm": the recurrent module, for people. */
static const char *rnn_shown(const plan *pl, char *buf, size_t len)
{
    char a[104];
    snprintf(buf, len, "%s at %s", pl->s.cell == CELL_GRU ? "GRU" : "LSTM", shown(pl->rnn, a, sizeof a));
    return buf;
}

/* Nothing may be left over: it would be part of a model we do not compute. */
static lrp_status check_leftovers(plan *pl, lrp_error *err)
{
    const st_file *f = pl->f;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (taken(pl, t)) continue;
        char sh[64], r[120], c[104];
        static const char *const att_leaf[4] = {"proj.weight", "proj.bias", "vector.weight", "vector.bias"};
        for (int k = 0; k < 4 && pl->s.pooling != POOL_ATTENTION; k++) {
            const size_t n = strlen(t->name), m = strlen(att_leaf[k]);
            if (n >= m && strcmp(t->name + n - m, att_leaf[k]) == 0 && (n == m || t->name[n - m - 1] == '.'))
                return lrp_fail(err, LRP_ERR_FORMAT,
                                "unexpected tensor %.100s %s: an attention module's, but the pooling is \"%s\" "
                                "(pooling \"attention\" reads it; else save the state_dict without it)",
                                t->name, shape_of(t, sh, sizeof sh), model_pooling_name(pl->s.pooling));
        }
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "unexpected tensor %.100s %s: not part of the model found (embedding %.100s, "
                        "%s, classifier %s); dense layers between the head and the classifier are "
                        "named, in order, with --prefix-dense, an attention module with "
                        "--prefix-attention (docs/pytorch.md); else save a state_dict with only the "
                        "model's modules",
                        t->name, shape_of(t, sh, sizeof sh), pl->emb_w->name, rnn_shown(pl, r, sizeof r),
                        shown(pl->cls, c, sizeof c));
    }
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// the views

static void view(tensor_view *v, size_t *n, const st_tensor *t, size_t rows, size_t cols, size_t offset,
                 size_t block, const int gate[GATE_COUNT], const st_tensor *base)
{
    tensor_view *x = &v[(*n)++];
    memset(x, 0, sizeof *x);
    x->src = t;
    x->rank = t->rank;
    x->rows = rows;
    x->cols = cols;
    x->offset = offset;
    x->stride = cols;
    x->block = block;
    for (size_t g = 0; g < GATE_COUNT; g++) x->gate[g] = block ? gate[g] : (int)g;
    x->base = base;
}

/* Every tensor of the plan as a view into layout p, the embedding first. */
static size_t plan_views(const plan *pl, const param_layout *p, const int gate[GATE_COUNT],
                         tensor_view *v)
{
    const model_shape *s = &pl->s;
    const size_t H = s->H, G = model_gates(s) * H, Y = s->D * H;
    size_t n = 0;
    view(v, &n, pl->emb_w, s->V, s->E, p->emb, 0, gate, NULL);
    for (size_t k = 0; k < s->L; k++)
        for (size_t d = 0; d < s->D; d++) {
            const size_t in = model_layer_input(s, k);
            /* LSTM: gates = W_ih x + b_ih + W_hh h + b_hh; GRU: b_hh stays in the candidate's r * (...) */
            view(v, &n, pl->p[W_IH][k][d], G, in, p->wx[k][d], H, gate, NULL);
            view(v, &n, pl->p[W_HH][k][d], G, H, p->wh[k][d], H, gate, NULL);
            if (!pl->rnn_bias) continue; /* bias=False: the model's biases stay 0 */
            view(v, &n, pl->p[B_IH][k][d], G, 1, p->b[k][d], H, gate, NULL);
            if (s->cell == CELL_LSTM) view(v, &n, pl->p[B_HH][k][d], G, 1, p->b[k][d], H, gate, pl->p[B_IH][k][d]);
            else view(v, &n, pl->p[B_HH][k][d], G, 1, p->bh[k][d], H, gate, NULL);
        }
    if (s->pooling == POOL_ATTENTION) {
        view(v, &n, pl->att_w, s->A, Y, p->att_w, 0, gate, NULL);
        if (pl->att_b) view(v, &n, pl->att_b, s->A, 1, p->att_b, 0, gate, NULL);
        view(v, &n, pl->att_v, 1, s->A, p->att_v, 0, gate, NULL);
    }
    for (size_t k = 0; k < s->n_dense; k++) {
        view(v, &n, pl->dense_w[k], s->dense[k], model_dense_input(s, k), p->dense_w[k], 0, gate, NULL);
        if (pl->dense_b[k]) view(v, &n, pl->dense_b[k], s->dense[k], 1, p->dense_b[k], 0, gate, NULL);
    }
    view(v, &n, pl->cls_w, s->C, pl->U, p->wout, 0, gate, NULL);
    if (pl->cls_b) view(v, &n, pl->cls_b, s->C, 1, p->bout, 0, gate, NULL);
    return n;
}

/* Which tensors were read, for people (lrp_model_source). */
static void describe(const plan *pl, char *out, size_t cap)
{
    const model_shape *s = &pl->s;
    char r[120], a[104];
    size_t at = 0;
    int whole = lrp_append(out, cap, &at, "PyTorch state_dict: embedding %.60s, %s (%zu layer%s, %s, %s)",
                           pl->emb_w->name, rnn_shown(pl, r, sizeof r), s->L, s->L == 1 ? "" : "s",
                           s->D == 2 ? "bidirectional" : "unidirectional",
                           !pl->rnn_bias             ? "no biases"
                           : s->cell == CELL_LSTM ? "bias_ih + bias_hh summed"
                                                  : "bias_ih and bias_hh");
    if (s->pooling == POOL_ATTENTION)
        whole = lrp_append(out, cap, &at, ", attention at %s (A = %zu%s%s)", shown(pl->att, a, sizeof a), s->A,
                           pl->att_b ? "" : ", no proj.bias",
                           pl->att_vb ? "; vector.bias ignored: it shifts every score alike" : "");
    else if (s->pooling != POOL_LAST)
        whole = lrp_append(out, cap, &at, ", %s pooling", model_pooling_name(s->pooling));
    for (size_t k = 0; k < s->n_dense; k++)
        whole = lrp_append(out, cap, &at, "%s%s%s", k ? ", " : ", dense ", shown(pl->dense[k], a, sizeof a),
                           pl->dense_b[k] ? "" : " (no bias)");
    if (s->n_dense) whole = lrp_append(out, cap, &at, " (%s)", model_activation_name(s->activation));
    whole = lrp_append(out, cap, &at, ", classifier %.60s%s%.60s", pl->cls_w->name, pl->cls_b ? " + " : " (no bias)",
                       pl->cls_b ? pl->cls_b->name : "");
    if (!whole && cap > 4) memcpy(out + cap - 4, "...", 4); /* long module names */
}

// ----------------------------------------------------------------------------
// entry point

lrp_status torch_plan(const st_file *f, const lrp_load_options *o, size_t V, size_t C, model_shape *s,
                      tensor_view *v, size_t *nv, char *source, size_t len, lrp_error *err)
{
    plan pl;
    memset(&pl, 0, sizeof pl);
    pl.f = f;
    pl.V = V;
    pl.C = C;
    size_t longest = 0;
    for (size_t i = 0; i < f->n; i++) {
        size_t n = strlen(f->tensors[i].name);
        if (n > longest) longest = n;
    }
    const char *opts[6] = {o->embedding_prefix, o->lstm_prefix, o->classifier_prefix, o->rnn_prefix,
                           o->attention_prefix, st_metadata(f, "attention_module")};
    for (int k = 0; k < 6; k++)
        if (opts[k] && strlen(opts[k]) > longest) longest = strlen(opts[k]);
    pl.name_cap = longest + 40;
    pl.name = malloc(pl.name_cap);
    if (!pl.name) return nomem(err);

    const char *rnn_path = NULL;
    int gate[GATE_COUNT];
    lrp_status st = rnn_option(o, &rnn_path, err);
    if (st == LRP_OK) st = find_rnn(&pl, rnn_path, err);
    if (st == LRP_OK) st = collect_rnn(&pl, err);
    if (st == LRP_OK) st = check_rnn_shapes(&pl, err);
    if (st == LRP_OK) {
        /* PyTorch's names imply its gate order; a file may still say otherwise */
        const char *order = st_metadata(f, "gate_order");
        st = model_parse_gates(pl.s.cell, order ? order : pl.s.cell == CELL_GRU ? LRP_GRU_GATE_ORDER : "ifgo",
                               gate, err);
    }
    if (st == LRP_OK) st = find_head_kind(&pl, o, err);
    if (st == LRP_OK) st = find_dense(&pl, o, err);
    if (st == LRP_OK) st = find_ends(&pl, o, err);
    if (st == LRP_OK) st = check_leftovers(&pl, err);

    param_layout p;
    if (st == LRP_OK) {
        pl.s.V = V;
        pl.s.C = C;
        pl.s.has_bias = pl.cls_b != NULL;
        lrp_error inner;
        st = param_layout_init(&p, &pl.s, &inner);
        if (st == LRP_ERR_ARGUMENT) st = LRP_ERR_FORMAT; /* a bad size in a file */
        if (st != LRP_OK) lrp_fail(err, st, "%s", inner.message);
    }
    if (st == LRP_OK) {
        *s = pl.s;
        *nv = plan_views(&pl, &p, gate, v);
        describe(&pl, source, len);
    }
    free(pl.name);
    free(pl.emb);
    free(pl.rnn);
    free(pl.cls);
    free(pl.att);
    for (size_t k = 0; k < LRP_MAX_DENSE; k++) free(pl.dense[k]);
    return st;
}
