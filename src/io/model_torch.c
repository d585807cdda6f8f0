/*
 * model_torch.c - read a PyTorch state_dict of nn.Embedding + nn.LSTM + nn.Linear,
 * stored as safetensors under PyTorch's own tensor names, into a model
 * (model_torch.h). docs/pytorch.md is the user's side of it; keep them in step.
 *
 * Sizes: V vocabulary, E embedding, H hidden, C classes, L layers, D directions,
 * G = 4H gate rows, IN(k) = E for layer 0 and D*H above. With module paths X (the
 * embedding), P (the LSTM) and Y (the classifier), each "" or ending in '.':
 *
 *   X weight                      [V, E]
 *   P weight_ih_l<k>[_reverse]    [G, IN(k)]   gate blocks in PyTorch's order i, f, g, o
 *   P weight_hh_l<k>[_reverse]    [G, H]
 *   P bias_ih_l<k>[_reverse]      [G]          both absent with nn.LSTM(bias=False);
 *   P bias_hh_l<k>[_reverse]      [G]          summed into the model's one bias
 *   Y weight                      [C, D*H]     columns: the top layer's final forward
 *                                              state, then the final backward state,
 *                                              as torch.cat([h_n[-2], h_n[-1]], -1)
 *   Y bias                        [C]          optional
 *
 * Finding the parts: P is the path in front of the one name ending in weight_ih_l0;
 * the LSTM's own parameters are the names P<leaf> whose leaf has no '.'. Then, among
 * the other tensors named <path>weight, the embedding is the one of shape [V, E]
 * (without a <path>bias) and the classifier the one of shape [C, D*H] (with an
 * optional <path>bias of shape [C]); V and C come from the vocabulary and labels,
 * so shapes alone decide, and a choice that is still open is an error naming the
 * candidates. Options fix any of the three paths. Every tensor must belong to one of
 * the parts: anything else (a second linear layer, an attention vector, a GRU's or
 * a projected LSTM's weights) means a model this engine does not compute, and is
 * refused rather than ignored.
 */
#include "io/model_torch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "io/model_io.h"

// ----------------------------------------------------------------------------
// names

/* The LSTM's parameter kinds; weight_hr (proj_size > 0) is recognised to be refused. */
enum { W_IH, W_HH, B_IH, B_HH, W_HR, N_KINDS };
static const char *const kind_name[N_KINDS] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                               "weight_hr"};
static const char *const dir_suffix[2] = {"", "_reverse"};

#define LSTM_MARK "weight_ih_l0"

typedef struct torch_plan {
    const st_file *f;
    size_t V, C;                                    /* vocabulary words, labels */
    model_shape s;                                  /* filled as the parts are found */
    char *emb, *lstm, *cls;                         /* module paths: "" or "name.", owned */
    const st_tensor *p[N_KINDS][LRP_MAX_LAYERS][2]; /* the LSTM's parameters [kind][k][d] */
    const st_tensor *top, *reverse;                 /* what set L and D (for messages) */
    const st_tensor *emb_w, *cls_w, *cls_b;
    char *name;                                     /* scratch for built names */
    size_t name_cap;
} torch_plan;

/* path + leaf in the plan's scratch (long enough for any tensor name + 40). */
static const char *join(torch_plan *pl, const char *path, const char *leaf)
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
static char *path_from_option(const char *opt)
{
    size_t n = strlen(opt), dot = n > 0 && opt[n - 1] != '.';
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

/* Is t one of the LSTM's own parameters (P<leaf>, leaf without '.')? */
static int in_lstm(const torch_plan *pl, const st_tensor *t)
{
    return starts_with(t->name, pl->lstm) && !strchr(t->name + strlen(pl->lstm), '.');
}

static const char *shape_of(const st_tensor *t, char *buf, size_t len)
{
    return st_shape_string(t->shape, t->rank, buf, len);
}

/* "name [2, 3], name [4] (and 5 more)": the tensors outside the LSTM (all when
 * pl->lstm is NULL), in name order, as many as fit a message. */
static const char *list_others(const torch_plan *pl, char *buf, size_t len)
{
    const st_file *f = pl->f;
    size_t at = 0, shown_n = 0, total = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (pl->lstm && in_lstm(pl, t)) continue;
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

// ----------------------------------------------------------------------------
// the LSTM: where it is, which parameters it has

int torch_has_lstm(const st_file *f)
{
    const size_t m = strlen(LSTM_MARK);
    for (size_t i = 0; i < f->n; i++) {
        const char *name = f->tensors[i].name;
        size_t n = strlen(name);
        if (n >= m && strcmp(name + n - m, LSTM_MARK) == 0 && (n == m || name[n - m - 1] == '.'))
            return 1;
    }
    return 0;
}

static lrp_status find_lstm(torch_plan *pl, const char *option, lrp_error *err)
{
    const st_file *f = pl->f;
    char found[256];
    if (option) {
        if (!(pl->lstm = path_from_option(option))) goto nomem;
        if (!st_find(f, join(pl, pl->lstm, LSTM_MARK)))
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "no tensor \"%.100s\" (LSTM module path \"%.100s\" given): expected the "
                            "parameters of an nn.LSTM there; found %s",
                            pl->name, option, list_others(pl, found, sizeof found));
        return LRP_OK;
    }
    const size_t m = strlen(LSTM_MARK);
    const st_tensor *first = NULL, *second = NULL;
    size_t count = 0;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        size_t n = strlen(t->name);
        if (n < m || strcmp(t->name + n - m, LSTM_MARK) != 0 || (n > m && t->name[n - m - 1] != '.'))
            continue;
        if (count == 0) first = t;
        else if (count == 1) second = t;
        count++;
    }
    if (count == 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "no nn.LSTM in this PyTorch state_dict: expected tensors named "
                        "<module>." LSTM_MARK ", <module>.weight_hh_l0, ...; found %s",
                        list_others(pl, found, sizeof found));
    if (count > 1)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "found %zu nn.LSTM modules (%.80s, %.80s%s); expected one (for a "
                        "bidirectional model: nn.LSTM(bidirectional=True)). If the others are "
                        "unused, leave them out of the saved state_dict",
                        count, first->name, second->name, count > 2 ? ", ..." : "");
    if (!(pl->lstm = path_from_name(first->name, strlen(first->name) - m))) goto nomem;
    return LRP_OK;
nomem:
    return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
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

/* "a 2-layer bidirectional nn.LSTM: weight_ih_l<k>, ... for k = 0..1, each also with _reverse" */
static const char *expected_lstm(const torch_plan *pl, char *buf, size_t len)
{
    const model_shape *s = &pl->s;
    char ks[32];
    if (s->L == 1) snprintf(ks, sizeof ks, "k = 0");
    else snprintf(ks, sizeof ks, "k = 0..%zu", s->L - 1);
    snprintf(buf, len, "a %zu-layer %s nn.LSTM: weight_ih_l<k>, weight_hh_l<k>%s for %s%s", s->L,
             s->D == 2 ? "bidirectional" : "unidirectional",
             s->has_bias ? ", bias_ih_l<k>, bias_hh_l<k>" : "", ks,
             s->D == 2 ? ", each also with _reverse" : "");
    return buf;
}

/* Every tensor P<leaf> is an nn.LSTM parameter; L, D and whether there are biases
 * follow from the names; every layer and direction has all of them. s->has_bias
 * is borrowed here for the LSTM's biases and reset before the classifier. */
static lrp_status collect_lstm(torch_plan *pl, lrp_error *err)
{
    const st_file *f = pl->f;
    const size_t plen = strlen(pl->lstm);
    char sh[64];
    const st_tensor *first_bias = NULL;
    pl->s.L = 0;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (!in_lstm(pl, t)) continue;
        int kind, rev;
        size_t k;
        if (!parse_leaf(t->name + plen, &kind, &k, &rev))
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "%.100s: not a parameter of nn.LSTM (expected weight_ih_l<k>, "
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
    pl->s.has_bias = first_bias != NULL;

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
                char found[320], want[200], missing[128];
                snprintf(found, sizeof found, "%.80s %s", ih0->name, shape_of(ih0, sh, sizeof sh));
                if (why != ih0) {
                    size_t at = strlen(found);
                    snprintf(found + at, sizeof found - at, " and %.80s", why->name);
                }
                snprintf(missing, sizeof missing, "%.80s%s_l%zu%s", pl->lstm, kind_name[need[q]], k,
                         dir_suffix[d]);
                return lrp_fail(err, LRP_ERR_FORMAT, "found %s but no %s; expected %s", found,
                                missing, expected_lstm(pl, want, sizeof want));
            }
    return LRP_OK;
}

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

/* H from weight_hh_l0, E from weight_ih_l0; then every LSTM tensor's shape and dtype. */
static lrp_status check_lstm_shapes(torch_plan *pl, lrp_error *err)
{
    model_shape *s = &pl->s;
    const st_tensor *hh = pl->p[W_HH][0][0], *ih = pl->p[W_IH][0][0];
    char sh[64], want[64];
    for (int a = 0; a < 2; a++) {
        const st_tensor *t = a ? ih : hh;
        if (t->rank != 2 || t->shape[0] == 0 || t->shape[1] == 0)
            return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [4H, %s] with positive sizes",
                            t->name, shape_of(t, sh, sizeof sh), a ? "E" : "H");
    }
    s->H = hh->shape[1];
    s->E = ih->shape[1];
    const size_t H = s->H, G = 4 * H; /* H <= file size: no overflow */
    if (hh->shape[0] != G) {
        const char *looks = hh->shape[0] == 3 * H ? ": this looks like an nn.GRU (3 gate blocks)"
                            : hh->shape[0] == H   ? ": this looks like an nn.RNN (no gates)"
                                                  : "";
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "%.100s: shape %s%s; expected an nn.LSTM, [4H, H] = [%zu, %zu] (gate "
                        "blocks i, f, g, o of H = %zu rows)",
                        hh->name, shape_of(hh, sh, sizeof sh), looks, G, H, H);
    }
    for (size_t k = 0; k < s->L; k++)
        for (size_t d = 0; d < s->D; d++)
            for (int kind = 0; kind < (s->has_bias ? 4 : 2); kind++) {
                const st_tensor *t = pl->p[kind][k][d];
                size_t rows = G, cols = kind == W_IH ? model_layer_input(s, k) : kind == W_HH ? H : 0;
                if (!has_shape(t, rows, cols)) {
                    size_t dims[2] = {rows, cols};
                    char why[160];
                    if (t->rank != (cols ? 2u : 1u) || t->shape[0] != G)
                        snprintf(why, sizeof why, "4H = %zu rows: every layer and direction has the "
                                 "hidden size H = %zu of %.60s", G, H, hh->name);
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

static const st_tensor *bias_of(torch_plan *pl, const st_tensor *w)
{
    size_t plen = 0;
    weight_path(w->name, &plen);
    snprintf(pl->name, pl->name_cap, "%.*sbias", (int)plen, w->name);
    return st_find(pl->f, pl->name);
}

static int is_embedding(torch_plan *pl, const st_tensor *w)
{
    return has_shape(w, pl->V, pl->s.E) && !bias_of(pl, w);
}

static int is_classifier(torch_plan *pl, const st_tensor *w)
{
    const st_tensor *b = bias_of(pl, w);
    return has_shape(w, pl->C, pl->s.D * pl->s.H) && (!b || has_shape(b, pl->C, 0));
}

/* A part named by an option: <path>weight must exist and fit. */
static lrp_status fixed_part(torch_plan *pl, const char *option, int classifier, char **path,
                             const st_tensor **w, lrp_error *err)
{
    const char *what = classifier ? "classifier" : "embedding";
    char found[256], sh[64], want[64];
    if (!(*path = path_from_option(option))) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    *w = st_find(pl->f, join(pl, *path, "weight"));
    if (!*w)
        return lrp_fail(err, LRP_ERR_FORMAT, "no tensor \"%.100s\" (%s module path \"%.100s\" given); found %s",
                        pl->name, what, option, list_others(pl, found, sizeof found));
    size_t dims[2] = {classifier ? pl->C : pl->V, classifier ? pl->s.D * pl->s.H : pl->s.E};
    if (!has_shape(*w, dims[0], dims[1]))
        return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected %s = %s",
                        (*w)->name, shape_of(*w, sh, sizeof sh),
                        classifier ? (pl->s.D == 2 ? "[C, 2H]" : "[C, H]") : "[V, E]",
                        st_shape_string(dims, 2, want, sizeof want));
    const st_tensor *b = bias_of(pl, *w);
    if (classifier && b && !has_shape(b, pl->C, 0))
        return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: shape %s, expected [C] = [%zu]", b->name,
                        shape_of(b, sh, sizeof sh), pl->C);
    return LRP_OK;
}

/* Neither found nor named: say what was expected, and what came closest. */
static lrp_status missing_part(torch_plan *pl, int classifier, lrp_error *err)
{
    const st_file *f = pl->f;
    const model_shape *s = &pl->s;
    const size_t rows = classifier ? pl->C : pl->V, cols = classifier ? s->D * s->H : s->E;
    char found[256], sh[64];
    /* one tensor of the right width: the count of words or labels is what differs */
    const st_tensor *width = NULL, *one_dir = NULL;
    size_t n_width = 0, plen;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (in_lstm(pl, t) || !weight_path(t->name, &plen) || t->rank != 2) continue;
        if (t == pl->emb_w || t == pl->cls_w) continue;
        if (t->shape[1] == cols && (classifier || !bias_of(pl, t))) {
            width = t;
            n_width++;
        }
        if (classifier && s->D == 2 && has_shape(t, pl->C, s->H)) one_dir = t;
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
                        "no classifier found: expected a tensor <module>.weight of shape [C, %s] = "
                        "[%zu, %zu] (%zu labels; the final state%s of the top LSTM layer) and "
                        "optionally <module>.bias [%zu]; found %s",
                        s->D == 2 ? "2H" : "H", rows, cols, rows, s->D == 2 ? "s of both directions" : "",
                        rows, list_others(pl, found, sizeof found));
    return lrp_fail(err, LRP_ERR_FORMAT,
                    "no embedding found: expected a tensor <module>.weight of shape [V, E] = "
                    "[%zu, %zu] (%zu vocabulary words; E = the input size of %.80s" LSTM_MARK
                    "); found %s",
                    rows, cols, rows, pl->lstm, list_others(pl, found, sizeof found));
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
    if (!(*path = path_from_name(w->name, plen))) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    return LRP_OK;
}

static lrp_status find_head(torch_plan *pl, const lrp_load_options *o, lrp_error *err)
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

    candidates ce = {{NULL}, 0}, cc = {{NULL}, 0};
    size_t plen;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (in_lstm(pl, t) || !weight_path(t->name, &plen)) continue;
        if (!pl->emb_w && t != pl->cls_w && is_embedding(pl, t)) add(&ce, t);
        if (!pl->cls_w && t != pl->emb_w && is_classifier(pl, t)) add(&cc, t);
    }
    /* One tensor may fit both (V = C and E = D*H, no classifier bias): count the
     * ways to pick two different ones. More than two candidates for a part always
     * leave two ways, so the first three suffice. */
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

/* Nothing may be left over: it would be part of a model we do not compute. */
static lrp_status check_leftovers(torch_plan *pl, lrp_error *err)
{
    const st_file *f = pl->f;
    for (size_t i = 0; i < f->n; i++) {
        const st_tensor *t = &f->tensors[f->by_name[i]];
        if (in_lstm(pl, t) || t == pl->emb_w || t == pl->cls_w || t == pl->cls_b) continue;
        char sh[64], a[104], b[104];
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "unexpected tensor %.100s %s: the supported model is nn.Embedding + "
                        "nn.LSTM + nn.Linear, found here as %.100s, the LSTM at %s and %.100s; "
                        "save a state_dict with only these",
                        t->name, shape_of(t, sh, sizeof sh), pl->emb_w->name,
                        shown(pl->lstm, a, sizeof a), shown(pl->cls, b, sizeof b));
    }
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// reading the values

static lrp_status copy_params(const torch_plan *pl, lrp_model *m, const int gate[GATE_COUNT],
                              lrp_error *err)
{
    const model_shape *s = &m->shape;
    const param_layout *p = &m->layout;
    const size_t H = s->H, G = 4 * H, Y = s->D * H;
    const size_t IN = s->E > Y ? s->E : Y; /* >= H */
    double *buf = malloc((G * IN + 2 * G) * sizeof(double)); /* (G, IN), then two (G) */
    if (!buf) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory reading the LSTM weights");
    double *b_ih = buf + G * IN, *b_hh = b_ih + G;

    lrp_status st = model_read_embedding(pl->emb_w, m, 0, s->V * s->E, err);
    for (size_t k = 0; k < s->L && st == LRP_OK; k++) {
        const size_t in = model_layer_input(s, k);
        for (size_t d = 0; d < s->D && st == LRP_OK; d++) {
            /* PyTorch: gates = W_ih x + b_ih + W_hh h + b_hh, rows in the file's gate order */
            st = model_read_finite(pl->p[W_IH][k][d], 0, G * in, buf, err);
            if (st != LRP_OK) break;
            model_copy_gate_rows(m->params + p->wx[k][d], buf, H, in, gate);
            st = model_read_finite(pl->p[W_HH][k][d], 0, G * H, buf, err);
            if (st != LRP_OK) break;
            model_copy_gate_rows(m->params + p->wh[k][d], buf, H, H, gate);
            if (!pl->p[B_IH][k][d]) continue; /* bias=False: the model's bias stays 0 */
            st = model_read_finite(pl->p[B_IH][k][d], 0, G, b_ih, err);
            if (st == LRP_OK) st = model_read_finite(pl->p[B_HH][k][d], 0, G, b_hh, err);
            for (size_t r = 0; r < G && st == LRP_OK; r++) {
                b_ih[r] += b_hh[r];
                if (!isfinite(b_ih[r]))
                    st = lrp_fail(err, LRP_ERR_FORMAT, "%.100s + %.100s overflows at [%zu]",
                                  pl->p[B_IH][k][d]->name, pl->p[B_HH][k][d]->name, r);
            }
            if (st == LRP_OK) model_copy_gate_rows(m->params + p->b[k][d], b_ih, H, 1, gate);
        }
    }
    /* nn.Linear(D*H, C): weight (C, D*H) is already the model's layout */
    if (st == LRP_OK) st = model_read_finite(pl->cls_w, 0, s->C * Y, m->params + p->wout, err);
    if (st == LRP_OK && pl->cls_b) st = model_read_finite(pl->cls_b, 0, s->C, m->params + p->bout, err);
    free(buf);
    return st;
}

static void describe(const torch_plan *pl, lrp_model *m, int lstm_bias)
{
    char lstm[104];
    const model_shape *s = &m->shape;
    const size_t cap = sizeof m->source;
    int n = snprintf(m->source, cap,
             "PyTorch state_dict: embedding %.60s, LSTM at %s (%zu layer%s, %s, %s), classifier "
             "%.60s%s%.60s",
             pl->emb_w->name, shown(pl->lstm, lstm, sizeof lstm), s->L, s->L == 1 ? "" : "s",
             s->D == 2 ? "bidirectional" : "unidirectional",
             lstm_bias ? "bias_ih + bias_hh summed" : "no biases", pl->cls_w->name,
             pl->cls_b ? " + " : " (no bias)", pl->cls_b ? pl->cls_b->name : "");
    if (n < 0 || (size_t)n >= cap) memcpy(m->source + cap - 4, "...", 4); /* long module names */
}

// ----------------------------------------------------------------------------
// entry point

lrp_status torch_model_create(const st_file *f, const lrp_load_options *o, size_t V, size_t C,
                              const int gate[GATE_COUNT], int in_file, lrp_model **out, lrp_error *err)
{
    *out = NULL;
    torch_plan pl;
    memset(&pl, 0, sizeof pl);
    pl.f = f;
    pl.V = V;
    pl.C = C;
    size_t longest = 0;
    for (size_t i = 0; i < f->n; i++) {
        size_t n = strlen(f->tensors[i].name);
        if (n > longest) longest = n;
    }
    const char *opts[3] = {o->embedding_prefix, o->lstm_prefix, o->classifier_prefix};
    for (int k = 0; k < 3; k++)
        if (opts[k] && strlen(opts[k]) > longest) longest = strlen(opts[k]);
    pl.name_cap = longest + 40;
    pl.name = malloc(pl.name_cap);
    if (!pl.name) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");

    lrp_status st = find_lstm(&pl, o->lstm_prefix, err);
    if (st == LRP_OK) st = collect_lstm(&pl, err);
    if (st == LRP_OK) st = check_lstm_shapes(&pl, err);
    int lstm_bias = pl.s.has_bias;
    pl.s.has_bias = 0;
    if (st == LRP_OK) st = find_head(&pl, o, err);
    if (st == LRP_OK) st = check_leftovers(&pl, err);

    lrp_model *m = NULL;
    if (st == LRP_OK) {
        pl.s.V = V;
        pl.s.C = C;
        pl.s.has_bias = pl.cls_b != NULL;
        lrp_error inner;
        st = model_create_for(&m, &pl.s, pl.emb_w, in_file, &inner);
        if (st == LRP_ERR_ARGUMENT) st = LRP_ERR_FORMAT; /* a bad size in a file */
        if (st != LRP_OK) lrp_fail(err, st, "%s", inner.message);
    }
    if (st == LRP_OK) st = copy_params(&pl, m, gate, err);
    if (st == LRP_OK) describe(&pl, m, lstm_bias);
    if (st != LRP_OK) {
        lrp_model_free(m);
        m = NULL;
    }
    free(pl.name);
    free(pl.emb);
    free(pl.lstm);
    free(pl.cls);
    *out = m;
    return st;
}
