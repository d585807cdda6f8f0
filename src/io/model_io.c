/*
 * model_io.c - load and save the model file: this project's tensor names and
 * metadata on the safetensors container (safetensors.h). docs/model-format.md is
 * the specification; keep the two in step.
 *
 * Sizes: V vocabulary, E embedding, H hidden, C classes, L layers, D directions,
 * G = 4H (LSTM) or 3H (GRU) gate rows, IN(l) = E for layer 0 and D*H above, A the
 * attention size, M_k the dense layers' sizes, U the classifier's input (the last
 * M_k, else D*H). File tensors of the paper's model (L = 1, D = 2, LSTM, last states):
 *
 *   embedding                                   [V, E]
 *   encoder.fwd.weight_x, encoder.bwd.weight_x  [4H, E]
 *   encoder.fwd.weight_h, encoder.bwd.weight_h  [4H, H]
 *   encoder.fwd.bias,     encoder.bwd.bias      [4H]    input + recurrent bias
 *   classifier.weight_fwd, classifier.weight_bwd [C, H]
 *   classifier.bias (optional)                  [C]
 *
 * The metadata say the rest of the family: layers (encoder.l<k>.<dir>.*), directions
 * (no bwd tensors when 1), cell (a GRU has bias_x and bias_h [3H] for bias), pooling
 * (attention.weight [A, D*H], attention.bias [A], attention.vector [A] for
 * attention), dense (dense.l<k>.weight [M_k, previous size], dense.l<k>.bias [M_k]),
 * activation. The classifier's weight is classifier.weight [C, U] in any model, or,
 * without dense layers, split into its forward and backward columns as above. Gate
 * rows come in blocks of H in the file's gate_order; inside the model they are in the
 * internal order (LRP_INTERNAL_GATE_ORDER, LRP_GRU_GATE_ORDER).
 *
 * The loader checks the container (st_parse), then the metadata, the set of
 * tensor names, dtypes, shapes against each other and against vocab and labels,
 * and finally every value (finite), naming the first problem it finds. The tensors
 * become a table of views (tensor_views.h), which PyTorch's state_dicts
 * (model_torch.c) also give, copied by one routine.
 */
#include "io/model_io.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/model.h"
#include "io/fileio.h"
#include "io/model_torch.h"
#include "io/safetensors.h"
#include "io/tensor_views.h"
#include "text/text.h"

#define LRP_FORMAT_NAME "lrp-rnn"

/* "1 layer, bidirectional", and the kinds that are not the paper's: ", GRU, attention,
 * 2 dense layers" (for messages: the sizes may not be known yet). */
static const char *shape_text(const model_shape *s, char *buf, size_t len)
{
    size_t at = 0;
    lrp_append(buf, len, &at, "%zu layer%s, %s%s", s->L, s->L == 1 ? "" : "s",
               s->D == 2 ? "bidirectional" : "unidirectional", s->cell == CELL_GRU ? ", GRU" : "");
    if (s->pooling != POOL_LAST)
        lrp_append(buf, len, &at, s->pooling == POOL_ATTENTION ? ", %s" : ", %s pooling",
                   model_pooling_name(s->pooling));
    if (s->n_dense) lrp_append(buf, len, &at, ", %zu dense layer%s", s->n_dense, s->n_dense == 1 ? "" : "s");
    return buf;
}

// ----------------------------------------------------------------------------
// loading: metadata

/* A decimal count "1".."999999999": digits only, no sign, no leading zero. */
static int parse_count(const char *text, size_t *out)
{
    size_t n = strlen(text), v = 0;
    if (n == 0 || n > 9 || text[0] == '0') return 0;
    for (size_t k = 0; k < n; k++) {
        if (text[k] < '0' || text[k] > '9') return 0;
        v = 10 * v + (size_t)(text[k] - '0');
    }
    *out = v;
    return 1;
}

static const char *required(const st_file *f, const char *key, const char *what, lrp_error *err)
{
    const char *v = st_metadata(f, key);
    if (!v) lrp_fail(err, LRP_ERR_FORMAT, "__metadata__ has no \"%s\" (%s)", key, what);
    return v;
}

/* Which reader: by __metadata__.format ("lrp-rnn", or "pt" as PyTorch's safetensors
 * writer puts it), else by the names: a tensor named like the first parameter of an
 * nn.LSTM or nn.GRU, or a module path in the options, means a PyTorch state_dict. */
static lrp_status file_kind(const st_file *f, const lrp_load_options *o, int *torch,
                            lrp_error *err)
{
    const char *format = st_metadata(f, "format");
    int paths = o->embedding_prefix || o->lstm_prefix || o->classifier_prefix || o->rnn_prefix ||
                o->attention_prefix || o->dense_prefixes;
    *torch = 0;
    if (format && strcmp(format, LRP_FORMAT_NAME) == 0) {
        if (paths)
            return lrp_fail(err, LRP_ERR_ARGUMENT,
                            "module paths (--prefix-embedding, --prefix-rnn, --prefix-attention, "
                            "--prefix-dense, --prefix-classifier) are for PyTorch state_dicts; "
                            "this is an " LRP_FORMAT_NAME " model file");
        return LRP_OK;
    }
    if (format && strcmp(format, "pt") != 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "__metadata__.format is \"%.40s\", expected \"" LRP_FORMAT_NAME "\" (this "
                        "project's format) or \"pt\" (a PyTorch state_dict)",
                        format);
    *torch = format || paths || torch_has_rnn(f);
    if (*torch) return LRP_OK;
    return lrp_fail(err, LRP_ERR_FORMAT,
                    "%s: not an " LRP_FORMAT_NAME " model file (docs/model-format.md), and no "
                    "tensor is named like an nn.LSTM or nn.GRU parameter (<module>.weight_ih_l0) "
                    "as in a PyTorch state_dict (docs/pytorch.md)",
                    f->metadata ? "__metadata__ has no \"format\"" : "no __metadata__");
}

/* The dense layers' sizes "64" or "128,64" ("" for none) into s. */
static lrp_status parse_dense(const char *text, model_shape *s, lrp_error *err)
{
    s->n_dense = 0;
    if (!text || !text[0]) return LRP_OK;
    for (const char *p = text;; p++) {
        char num[16];
        const size_t n = strcspn(p, ",");
        size_t v = 0;
        if (s->n_dense == LRP_MAX_DENSE)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "__metadata__.dense is \"%.60s\": more than %d dense layers are not supported",
                            text, LRP_MAX_DENSE);
        if (n < sizeof num) {
            memcpy(num, p, n);
            num[n] = '\0';
        }
        if (n >= sizeof num || !parse_count(num, &v))
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "__metadata__.dense is \"%.60s\", expected the dense layers' sizes in order, "
                            "separated by commas (e.g. \"64\" or \"128,64\"; \"\" for none)",
                            text);
        s->dense[s->n_dense++] = v;
        p += n;
        if (*p == '\0') return LRP_OK;
    }
}

/* A kind key ("cell", "pooling", "activation"): absent = the default (0), else one of
 * its names. */
static lrp_status parse_kind(const st_file *f, const char *key, int (*parse)(const char *),
                             const char *expected, int *out, lrp_error *err)
{
    const char *v = st_metadata(f, key);
    *out = v ? parse(v) : 0;
    if (*out < 0)
        return lrp_fail(err, LRP_ERR_FORMAT, "__metadata__.%s is \"%.40s\", expected %s", key, v, expected);
    return LRP_OK;
}

/* An lrp-rnn file's format_version, layers, directions, cell, pooling, dense,
 * activation and gate_order: s (but its sizes) and gate. */
static lrp_status check_metadata(const st_file *f, model_shape *s, int gate[GATE_COUNT],
                                 lrp_error *err)
{
    const char *version = st_metadata(f, "format_version");
    size_t v = 1;
    if (version && !parse_count(version, &v))
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "__metadata__.format_version is \"%.40s\", expected a positive integer",
                        version);
    if (v > LRP_FORMAT_VERSION)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "format_version %zu: this file is newer than this lrp supports (format "
                        "version %d, lrp %s); upgrade lrp to read it",
                        v, LRP_FORMAT_VERSION, LRP_VERSION);

    const char *layers = st_metadata(f, "layers");
    s->L = 1;
    if (layers && (!parse_count(layers, &s->L) || s->L > LRP_MAX_LAYERS))
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "__metadata__.layers is \"%.40s\", expected an integer from 1 to %d", layers,
                        LRP_MAX_LAYERS);
    const char *dirs = st_metadata(f, "directions");
    s->D = 2;
    if (dirs && (!parse_count(dirs, &s->D) || s->D > 2))
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "__metadata__.directions is \"%.40s\", expected \"1\" or \"2\"", dirs);

    int cell, pooling, activation;
    lrp_status st = parse_kind(f, "cell", model_cell_parse, "\"lstm\" or \"gru\"", &cell, err);
    if (st == LRP_OK)
        st = parse_kind(f, "pooling", model_pooling_parse, "\"last\", \"mean\", \"max\" or \"attention\"",
                        &pooling, err);
    if (st == LRP_OK) st = parse_dense(st_metadata(f, "dense"), s, err);
    if (st == LRP_OK)
        st = parse_kind(f, "activation", model_activation_parse, "\"relu\" or \"tanh\"", &activation, err);
    if (st != LRP_OK) return st;
    s->cell = (model_cell)cell;
    s->pooling = (model_pooling)pooling;
    s->activation = s->n_dense ? (model_activation)activation : ACT_RELU; /* said and ignored without dense layers */

    const char *order = required(f, "gate_order",
                                 s->cell == CELL_GRU ? "a permutation of rzn" : "a permutation of igfo", err);
    if (!order) return LRP_ERR_FORMAT;
    const model_cell other = s->cell == CELL_GRU ? CELL_LSTM : CELL_GRU;
    if (model_parse_gates(s->cell, order, gate, err) == LRP_OK) return LRP_OK;
    if (model_parse_gates(other, order, gate, NULL) == LRP_OK) /* the other cell's order */
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "gate_order \"%s\" is an %s's, but the metadata say cell \"%s\"%s (expected a "
                        "permutation of %s)",
                        order, other == CELL_GRU ? "nn.GRU" : "nn.LSTM", model_cell_name(s->cell),
                        st_metadata(f, "cell") ? "" : " (\"cell\" absent)", s->cell == CELL_GRU ? "rzn" : "igfo");
    return LRP_ERR_FORMAT;
}

/* The options --pooling and --activation describe a PyTorch state_dict's head; an
 * lrp-rnn file says its own, which they may only repeat. */
static lrp_status check_kind_options(const model_shape *s, const lrp_load_options *o, lrp_error *err)
{
    if (o->pooling && model_pooling_parse(o->pooling) != (int)s->pooling) /* also an unknown name */
        return lrp_fail(err, LRP_ERR_ARGUMENT,
                        "pooling option \"%.40s\": this " LRP_FORMAT_NAME " file's head is \"%s\" "
                        "(its metadata \"pooling\" says so; the option is for PyTorch state_dicts)",
                        o->pooling, model_pooling_name(s->pooling));
    const int act = o->activation ? model_activation_parse(o->activation) : -1;
    if (o->activation && (act < 0 || (s->n_dense && act != (int)s->activation)))
        return lrp_fail(err, LRP_ERR_ARGUMENT,
                        "activation option \"%.40s\": this " LRP_FORMAT_NAME " file's dense layers use "
                        "\"%s\" (its metadata \"activation\" says so; the option is for PyTorch "
                        "state_dicts)",
                        o->activation, model_activation_name(s->activation));
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// loading: tensors

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int is_expected(const tensor_view *v, size_t nv, const char *name)
{
    for (size_t i = 0; i < nv; i++)
        if (strcmp(v[i].name, name) == 0) return 1;
    return 0;
}

/* The file's tensor `name` with its last `cut` characters replaced by `leaf`. */
static const st_tensor *sibling(const st_file *f, const char *name, size_t cut, const char *leaf)
{
    char buf[80];
    snprintf(buf, sizeof buf, "%.*s%s", (int)(strlen(name) - cut), name, leaf);
    return st_find(f, buf);
}

/* The metadata "dense" as the file gives it, for messages. */
static const char *dense_said(const st_file *f)
{
    const char *d = st_metadata(f, "dense");
    return d && d[0] ? d : NULL;
}

static lrp_status missing(const st_file *f, const model_shape *s, const char *name, lrp_error *err)
{
    char what[96];
    shape_text(s, what, sizeof what);
    if ((ends_with(name, ".bias_x") || ends_with(name, ".bias_h")) && sibling(f, name, 7, ".bias"))
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "missing tensor \"%s\" (model with %s): a GRU layer keeps its input and "
                        "recurrent biases apart, as bias_x and bias_h [3H] (PyTorch's bias_ih and "
                        "bias_hh), which cannot be summed into one \"bias\" as an LSTM's can",
                        name, what);
    if (ends_with(name, ".bias") && strncmp(name, "encoder.", 8) == 0 && sibling(f, name, 5, ".bias_x"))
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "missing tensor \"%s\" (model with %s): an LSTM layer has one bias (input and "
                        "recurrent biases summed); bias_x and bias_h are a GRU's (metadata \"cell\" = "
                        "\"gru\")",
                        name, what);
    if (strncmp(name, "attention.", 10) == 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "missing tensor \"%s\" (model with %s): an attention head has attention.weight "
                        "[A, D*H], attention.bias [A] and attention.vector [A]",
                        name, what);
    if (strncmp(name, "dense.", 6) == 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "missing tensor \"%s\" (model with %s): metadata \"dense\" = \"%.60s\" gives %zu "
                        "dense layer%s, each with dense.l<k>.weight and dense.l<k>.bias",
                        name, what, dense_said(f), s->n_dense, s->n_dense == 1 ? "" : "s");
    return lrp_fail(err, LRP_ERR_FORMAT, "missing tensor \"%s\" (model with %s)", name, what);
}

static lrp_status unexpected(const st_file *f, const model_shape *s, const char *name, lrp_error *err)
{
    char what[96];
    shape_text(s, what, sizeof what);
    if (strncmp(name, "attention.", 10) == 0 && s->pooling != POOL_ATTENTION)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "unexpected tensor \"%.80s\" (model with %s): an attention head's, but the "
                        "metadata say pooling \"%s\" (\"attention\" for an attention head)",
                        name, what, model_pooling_name(s->pooling));
    if (strncmp(name, "dense.", 6) == 0) {
        if (!s->n_dense)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "unexpected tensor \"%.80s\" (model with %s): a dense layer's, but the "
                            "metadata \"dense\" is absent or empty (no dense layers)",
                            name, what);
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "unexpected tensor \"%.80s\" (model with %s): metadata \"dense\" = \"%.60s\" "
                        "gives %zu dense layer%s (dense.l0 .. dense.l%zu)",
                        name, what, dense_said(f), s->n_dense, s->n_dense == 1 ? "" : "s", s->n_dense - 1);
    }
    if (s->cell == CELL_LSTM && (ends_with(name, ".bias_x") || ends_with(name, ".bias_h")))
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "unexpected tensor \"%.80s\" (model with %s): bias_x and bias_h are a GRU's "
                        "(metadata \"cell\" = \"gru\"); an LSTM layer has one bias",
                        name, what);
    return lrp_fail(err, LRP_ERR_FORMAT,
                    "unexpected tensor \"%.80s\" (model with %s; metadata \"layers\", \"directions\", "
                    "\"cell\", \"pooling\" and \"dense\" set the tensors, see docs/model-format.md)",
                    name, what);
}

/* Every tensor the shape needs is there in F32 or F64, and nothing else. */
static lrp_status check_names(const st_file *f, const model_shape *s, int split, lrp_error *err)
{
    tensor_view v[MAX_VIEWS];
    size_t nv = views_ours(s, NULL, split, NULL, v);
    for (size_t i = 0; i < nv; i++)
        if (!st_find(f, v[i].name)) return missing(f, s, v[i].name, err);
    if (f->n != nv) {
        for (size_t i = 0; i < f->n; i++)
            if (!is_expected(v, nv, f->tensors[i].name)) return unexpected(f, s, f->tensors[i].name, err);
    }
    for (size_t i = 0; i < nv; i++) {
        const st_tensor *t = st_find(f, v[i].name);
        if (t->dtype != ST_F32 && t->dtype != ST_F64)
            return lrp_fail(err, LRP_ERR_FORMAT, "%s: dtype %s, expected F32 or F64", v[i].name,
                            st_dtype_name(t->dtype));
    }
    return LRP_OK;
}

/* The classifier's weight as classifier.weight (split 0) or split into its fwd and bwd
 * columns (split 1, the paper's names, without dense layers). */
static lrp_status classifier_names(const st_file *f, const model_shape *s, int *split, lrp_error *err)
{
    const int whole = st_find(f, "classifier.weight") != NULL;
    const int parts = st_find(f, "classifier.weight_fwd") || st_find(f, "classifier.weight_bwd");
    if (whole && parts)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "both classifier.weight and classifier.weight_%s: the classifier's weight is "
                        "either classifier.weight [C, U] or split into classifier.weight_fwd and "
                        "classifier.weight_bwd [C, H]",
                        st_find(f, "classifier.weight_fwd") ? "fwd" : "bwd");
    if (parts && s->n_dense)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "classifier.weight_%s: with dense layers the classifier reads the last dense "
                        "layer's outputs, not the encoders' states: expected classifier.weight [C, %zu]",
                        st_find(f, "classifier.weight_fwd") ? "fwd" : "bwd", s->dense[s->n_dense - 1]);
    /* neither: name the paper's parts for the paper's model */
    *split = parts || (!whole && model_is_paper(s));
    return LRP_OK;
}

/* A tensor that sets sizes must have rank 2 and positive dimensions. */
static lrp_status check_anchor(const st_tensor *t, const char *expected, lrp_error *err)
{
    char sh[160];
    if (t->rank != 2)
        return lrp_fail(err, LRP_ERR_FORMAT, "%s: shape %s, expected %s", t->name,
                        st_shape_string(t->shape, t->rank, sh, sizeof sh), expected);
    if (t->shape[0] == 0 || t->shape[1] == 0)
        return lrp_fail(err, LRP_ERR_FORMAT, "%s: shape %s, every size must be positive", t->name,
                        st_shape_string(t->shape, t->rank, sh, sizeof sh));
    return LRP_OK;
}

/* Why a tensor must have the shape it must, when the metadata say it: " (...)" or "". */
static const char *shape_reason(const st_file *f, const model_shape *s, const tensor_view *v,
                                const st_tensor *t, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = '\0';
    if (sscanf(v->name, "dense.l%zu.", &k) == 1 && k < s->n_dense) {
        if (t->shape[0] != v->rows)
            snprintf(buf, len, " (metadata \"dense\" = \"%.60s\")", dense_said(f));
        else if (k == 0)
            snprintf(buf, len, " (the first dense layer reads the head's D*H = %zu values)", v->cols);
        else
            snprintf(buf, len, " (dense layer %zu reads the %zu outputs of dense.l%zu)", k, v->cols, k - 1);
    } else if (strcmp(v->name, "classifier.weight") == 0 && s->n_dense && t->rank == 2 &&
               t->shape[0] == v->rows) {
        snprintf(buf, len, " (the classifier reads the %zu outputs of the last dense layer, metadata "
                           "\"dense\" = \"%.60s\")",
                 v->cols, dense_said(f));
    } else if (strncmp(v->name, "attention.", 10) == 0 && strcmp(v->name, "attention.weight") != 0) {
        snprintf(buf, len, " (A = %zu, the rows of attention.weight)", s->A);
    }
    return buf;
}

/* V and E from the embedding, H from the first forward weight_x, C from the
 * classifier, A from attention.weight; then every tensor's shape against those sizes:
 * the views of the file (gate blocks in the file's order gate). */
static lrp_status check_shapes(const st_file *f, model_shape *s, int split, const int gate[GATE_COUNT],
                               tensor_view *v, size_t *nv, lrp_error *err)
{
    views_ours(s, NULL, split, NULL, v);
    const size_t gates = model_gates(s);
    const st_tensor *emb = st_find(f, v[0].name), *wx = st_find(f, v[1].name),
                    *cls = st_find(f, split ? "classifier.weight_fwd" : "classifier.weight"),
                    *att = s->pooling == POOL_ATTENTION ? st_find(f, "attention.weight") : NULL;
    char sh[160], want[160], why[200];
    lrp_status st = check_anchor(emb, "[V, E] (2 dimensions)", err);
    if (st == LRP_OK) st = check_anchor(wx, gates == 4 ? "[4H, E] (2 dimensions)" : "[3H, E] (2 dimensions)", err);
    if (st == LRP_OK) st = check_anchor(cls, split ? "[C, H] (2 dimensions)" : "[C, U] (2 dimensions)", err);
    if (st == LRP_OK && att) st = check_anchor(att, "[A, D*H] (2 dimensions)", err);
    if (st != LRP_OK) return st;
    if (wx->shape[0] % gates != 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        gates == 4 ? "%s: shape %s, expected [4H, E]: the rows are four gate blocks of H rows"
                                   : "%s: shape %s, expected [3H, E]: the rows are three gate blocks (r, z, "
                                     "n) of H rows",
                        wx->name, st_shape_string(wx->shape, wx->rank, sh, sizeof sh));
    s->V = emb->shape[0];
    s->E = emb->shape[1];
    s->H = wx->shape[0] / gates;
    s->C = cls->shape[0];
    s->A = att ? att->shape[0] : 0;

    param_layout p;
    lrp_error inner;
    st = param_layout_init(&p, s, &inner);
    if (st == LRP_ERR_ARGUMENT) st = LRP_ERR_FORMAT; /* a bad size in a file is a format problem */
    if (st != LRP_OK) return lrp_fail(err, st, "%s", inner.message);

    *nv = views_ours(s, &p, split, gate, v);
    for (size_t i = 0; i < *nv; i++) {
        const st_tensor *t = v[i].src = st_find(f, v[i].name);
        size_t expect[2] = {v[i].rows, v[i].cols};
        if (t->rank != v[i].rank || t->shape[0] != expect[0] ||
            (v[i].rank == 2 && t->shape[1] != expect[1]))
            return lrp_fail(err, LRP_ERR_FORMAT, "%s: shape %s, expected %s%s", v[i].name,
                            st_shape_string(t->shape, t->rank, sh, sizeof sh),
                            st_shape_string(expect, v[i].rank, want, sizeof want),
                            shape_reason(f, s, &v[i], t, why, sizeof why));
    }
    return LRP_OK;
}

/* An lrp-rnn file's tensors (its metadata read into s and gate): the shape and the
 * table of views. */
static lrp_status plan_ours(const st_file *f, model_shape *s, const int gate[GATE_COUNT], tensor_view *v,
                            size_t *nv, lrp_error *err)
{
    int split = 0;
    s->has_bias = st_find(f, "classifier.bias") != NULL;
    lrp_status st = classifier_names(f, s, &split, err);
    if (st == LRP_OK) st = check_names(f, s, split, err);
    if (st == LRP_OK) st = check_shapes(f, s, split, gate, v, nv, err);
    return st;
}

// ----------------------------------------------------------------------------
// loading: vocabulary and labels

/* Split text at '\n' into exactly n strings (the counts were compared first, so a
 * lying header cannot make us allocate more than the tensors justify). One block:
 * n pointers, then a copy of the text. NULL when out of memory. */
static char **split_lines(const char *text, size_t n)
{
    size_t len = strlen(text), bytes;
    if (!lrp_mul_size(n, sizeof(char *), &bytes) || !lrp_add_size(bytes, len + 1, &bytes))
        return NULL;
    char **lines = malloc(bytes);
    if (!lines) return NULL;
    char *copy = (char *)(lines + n);
    memcpy(copy, text, len + 1);
    size_t k = 0;
    lines[k++] = copy;
    for (char *p = copy; (p = strchr(p, '\n')) != NULL && k < n; p++) {
        *p = '\0';
        lines[k++] = p + 1;
    }
    return lines;
}

static size_t count_lines(const char *text)
{
    size_t n = 1;
    for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++) n++;
    return n;
}

/* Vocabulary, labels, unknown word and lowercasing: each from the options when
 * given there, else from the metadata. */
typedef struct model_names {
    const char *text[2]; /* vocab, labels: lines joined by '\n' */
    char what[2][160];   /* "vocab", or "vocab file PATH": where they came from, for messages */
    lrp_file_view owned[2]; /* side-file contents (size 0: none) */
    const char *unk;     /* NULL or "": none */
    int lowercase;       /* 1, 0, or -1: not said (a PyTorch file; inferred from the words) */
} model_names;

static const char *const name_key[2] = {"vocab", "labels"};

/* A side file of one name per line (LF or CRLF; a final line break is optional), at
 * most LRP_MAX_SIDE_FILE bytes, as lines joined by '\n' in *v (text: v->data). */
static lrp_status read_lines_file(const char *path, const char *what, lrp_file_view *v, lrp_error *err)
{
    size_t off;
    lrp_error inner;
    lrp_status st = lrp_read_file(v, path, LRP_MAX_SIDE_FILE, &inner);
    if (st != LRP_OK) return lrp_fail(err, st, "%s file %s", what, inner.message);
    char *s = (char *)v->data, why[128];
    const size_t n = v->size;
    if (!text_check(s, n, &off, why, sizeof why))
        return lrp_fail(err, LRP_ERR_FORMAT, "%s file %.200s: byte %zu: %s", what, path, off, why);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' && (i + 1 == n || s[i + 1] == '\n')) continue; /* CRLF */
        s[k++] = s[i];
    }
    if (k > 0 && s[k - 1] == '\n') k--;
    s[k] = '\0';
    if (k == 0) return lrp_fail(err, LRP_ERR_FORMAT, "%s file %.200s is empty", what, path);
    return LRP_OK;
}

static void names_free(model_names *nm)
{
    lrp_file_view_close(&nm->owned[0]);
    lrp_file_view_close(&nm->owned[1]);
}

static lrp_status names_resolve(const st_file *f, const lrp_load_options *o, int torch,
                                model_names *nm, lrp_error *err)
{
    static const char *const what[2] = {"the words joined by newlines",
                                        "the class names joined by newlines"};
    static const char *const option[2] = {"--vocab FILE, one word per line",
                                          "--labels FILE, one class name per line"};
    const char *path[2] = {o->vocab_path, o->labels_path};
    memset(nm, 0, sizeof *nm);
    for (int k = 0; k < 2; k++) {
        if (path[k]) {
            lrp_status st = read_lines_file(path[k], name_key[k], &nm->owned[k], err);
            if (st != LRP_OK) return st;
            nm->text[k] = (const char *)nm->owned[k].data;
            snprintf(nm->what[k], sizeof nm->what[k], "%s file %.120s", name_key[k], path[k]);
        } else {
            nm->text[k] = st_metadata(f, name_key[k]);
            snprintf(nm->what[k], sizeof nm->what[k], "%s", name_key[k]);
            if (!nm->text[k])
                return lrp_fail(err, LRP_ERR_FORMAT,
                                "__metadata__ has no \"%s\" (%s), and no %s file was given (%s)",
                                name_key[k], what[k], name_key[k], option[k]);
        }
    }

    nm->lowercase = o->lowercase;
    if (nm->lowercase < 0) {
        const char *lc = st_metadata(f, "lowercase");
        if (!lc && !torch)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "__metadata__ has no \"lowercase\" (\"true\" or \"false\")");
        if (lc && strcmp(lc, "true") != 0 && strcmp(lc, "false") != 0)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "__metadata__.lowercase is \"%.40s\", expected \"true\" or \"false\"", lc);
        if (lc) nm->lowercase = lc[0] == 't';
    }

    nm->unk = o->unk;
    if (!nm->unk) {
        nm->unk = st_metadata(f, "unk");
        if (nm->unk && !nm->unk[0])
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "__metadata__.unk is empty: name a vocabulary word, or leave the key out");
    }
    return LRP_OK;
}

/* Would lowercasing the input lose a match? Only if some word has a capital: a
 * vocabulary without capitals can never match a capitalised token, so reading the
 * input lowercased is then the only way to find such tokens at all. */
static lrp_status vocab_is_lowercase(const lrp_model *m, int *lower, lrp_error *err)
{
    size_t longest = 0;
    for (size_t i = 0; i < m->shape.V; i++) {
        size_t n = strlen(m->words[i]);
        if (n > longest) longest = n;
    }
    char *buf = malloc(longest + 1);
    if (!buf) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory");
    *lower = 1;
    for (size_t i = 0; i < m->shape.V && *lower; i++) {
        size_t n = strlen(m->words[i]);
        memcpy(buf, m->words[i], n + 1);
        text_lowercase(buf, n);
        *lower = memcmp(buf, m->words[i], n) == 0;
    }
    free(buf);
    return LRP_OK;
}

static lrp_status set_names(lrp_model *m, const model_names *nm, lrp_error *err)
{
    const char *vocab = nm->text[0], *labels = nm->text[1];
    size_t nw = count_lines(vocab), nl = count_lines(labels);
    if (nw != m->shape.V)
        return lrp_fail(err, LRP_ERR_FORMAT, "%s: %zu words, but embedding has %zu rows",
                        nm->what[0], nw, m->shape.V);
    if (nl != m->shape.C)
        return lrp_fail(err, LRP_ERR_FORMAT, "%s: %zu names, but the classifier has %zu classes",
                        nm->what[1], nl, m->shape.C);
    char **words = split_lines(vocab, nw), **names = split_lines(labels, nl);
    lrp_status st = LRP_OK;
    lrp_error inner;
    int k = 0; /* which list a failure is about */
    if (!words || !names)
        st = lrp_fail(&inner, LRP_ERR_NOMEM, "out of memory for a vocabulary of %zu words", nw);
    if (st == LRP_OK) st = model_set_vocab(m, (const char *const *)words, nw, &inner);
    if (st == LRP_OK) st = model_set_labels(m, (const char *const *)names, nl, &inner), k = 1;
    free(words);
    free(names);
    if (st != LRP_OK) {
        /* the model's messages start "vocab: ..."; name the side file when there is one */
        if (!nm->owned[k].data) return lrp_fail(err, st, "%s", inner.message);
        return lrp_fail(err, st, "%s: %s", nm->what[k], inner.message);
    }

    st = model_set_unk(m, nm->unk, err);
    if (st != LRP_OK) return st;
    if (nm->lowercase >= 0) m->lowercase = nm->lowercase;
    else st = vocab_is_lowercase(m, &m->lowercase, err);
    return st;
}

// ----------------------------------------------------------------------------
// loading: entry points

/* The model of file f. file: the view f was parsed from, when the model may keep it
 * (a float32 embedding is then used where it lies, and the view moves into the
 * model), else NULL. */
static lrp_status model_from_file(const st_file *f, const lrp_load_options *o, lrp_file_view *file,
                                  lrp_model **out, lrp_error *err)
{
    int torch, gate[GATE_COUNT];
    model_shape s = {0};
    tensor_view v[MAX_VIEWS];
    size_t nv = 0;
    char source[sizeof ((lrp_model *)0)->source] = "";
    lrp_status st = file_kind(f, o, &torch, err);
    if (st == LRP_OK && !torch) st = check_metadata(f, &s, gate, err);
    if (st == LRP_OK && !torch) st = check_kind_options(&s, o, err);
    if (st != LRP_OK) return st;
    model_names nm;
    st = names_resolve(f, o, torch, &nm, err);
    if (st == LRP_OK && torch)
        st = torch_plan(f, o, count_lines(nm.text[0]), count_lines(nm.text[1]), &s, v, &nv, source,
                        sizeof source, err);
    else if (st == LRP_OK)
        st = plan_ours(f, &s, gate, v, &nv, err);

    lrp_model *m = NULL;
    if (st == LRP_OK) st = model_create_for(&m, &s, v[0].src, file != NULL, err);
    views_job job = {0};
    if (st == LRP_OK) views_copy_start(&v[0], m, &job);
    if (st == LRP_OK) st = set_names(m, &nm, err);
    if (st == LRP_OK) st = views_copy(v, nv, m, &job, err);
    views_copy_abandon(&job); /* set_names failed: the thread's rows are dropped */
    if (st == LRP_OK) st = model_prepare(m, err);
    names_free(&nm);
    if (st != LRP_OK) {
        lrp_model_free(m);
        return st;
    }
    memcpy(m->source, source, sizeof source);
    if (m->emb_kind == MODEL_EMB_F32_FILE) {
        m->file = *file;
        memset(file, 0, sizeof *file);
    }
    *out = m;
    return LRP_OK;
}

void lrp_load_options_init(lrp_load_options *o)
{
    memset(o, 0, sizeof *o);
    o->lowercase = -1;
}

/* lrp_model_load_memory_ex; file: as model_from_file's */
static lrp_status load_bytes(lrp_model **model, const void *data, size_t size,
                             const lrp_load_options *options, lrp_file_view *file, lrp_error *err)
{
    lrp_error_clear(err);
    if (!model) return lrp_fail(err, LRP_ERR_ARGUMENT, "model must not be NULL");
    *model = NULL;
    if (!data && size) return lrp_fail(err, LRP_ERR_ARGUMENT, "data must not be NULL");
    lrp_load_options defaults;
    lrp_load_options_init(&defaults);
    if (!options) options = &defaults;
    if (options->lowercase < -1 || options->lowercase > 1)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "lowercase option %d: expected -1, 0 or 1",
                        options->lowercase);
    st_file f;
    lrp_status st = st_parse(&f, data, size, err);
    if (st != LRP_OK) return st;
    st = model_from_file(&f, options, file, model, err);
    st_free(&f);
    return st;
}

lrp_status lrp_model_load_memory_ex(lrp_model **model, const void *data, size_t size,
                                    const lrp_load_options *options, lrp_error *err)
{
    return load_bytes(model, data, size, options, NULL, err); /* the caller's bytes: copied */
}

lrp_status lrp_model_load_memory(lrp_model **model, const void *data, size_t size, lrp_error *err)
{
    return lrp_model_load_memory_ex(model, data, size, NULL, err);
}

lrp_status lrp_model_load_ex(lrp_model **model, const char *path, const lrp_load_options *options,
                             lrp_error *err)
{
    lrp_error_clear(err);
    if (!model) return lrp_fail(err, LRP_ERR_ARGUMENT, "model must not be NULL");
    *model = NULL;
    if (!path) return lrp_fail(err, LRP_ERR_ARGUMENT, "path must not be NULL");
    lrp_file_view file;
    size_t declared = 0;
    lrp_error inner;
    lrp_status st = lrp_file_view_open(&file, path, st_declared_size, &declared, &inner);
    if (st == LRP_ERR_FORMAT) return lrp_fail(err, st, "%s: %s", path, inner.message);
    if (st != LRP_OK) return lrp_fail(err, st, "%s", inner.message);
    st = load_bytes(model, file.data, file.size, options, &file, &inner);
    lrp_file_view_close(&file); /* unless the model took it */
    if (st != LRP_OK) return lrp_fail(err, st, "%s: %s", path, inner.message);
    return LRP_OK;
}

lrp_status lrp_model_load(lrp_model **model, const char *path, lrp_error *err)
{
    return lrp_model_load_ex(model, path, NULL, err);
}

const char *lrp_model_source(const lrp_model *m)
{
    if (!m) return "";
    return m->source[0] ? m->source : LRP_FORMAT_NAME;
}

// ----------------------------------------------------------------------------
// saving

/* Words or labels joined by '\n' (malloc'ed), NULL when out of memory. */
static char *join_lines(char *const *s, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        if (!lrp_add_size(len, strlen(s[i]) + 1, &len)) return NULL;
    char *out = malloc(len), *at = out;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(s[i]);
        memcpy(at, s[i], k);
        at += k;
        *at++ = '\n';
    }
    at[n ? -1 : 0] = '\0';
    return out;
}

/* The header object: __metadata__, then one entry per tensor with consecutive
 * offsets. NULL when out of memory. */
static cJSON *build_header(const lrp_model *m, const tensor_view *v, size_t nv, st_dtype dtype,
                           const char *gate_order)
{
    cJSON *h = cJSON_CreateObject(), *meta = cJSON_CreateObject();
    char *vocab = join_lines(m->words, m->shape.V), *labels = join_lines(m->labels, m->shape.C);
    char layers[24], dirs[24], version[24];
    snprintf(layers, sizeof layers, "%zu", m->shape.L);
    snprintf(dirs, sizeof dirs, "%zu", m->shape.D);
    snprintf(version, sizeof version, "%d", LRP_FORMAT_VERSION);
    int ok = h && meta && vocab && labels && cJSON_AddItemToObject(h, "__metadata__", meta);
    if (!ok) cJSON_Delete(meta); /* not owned by h yet */
    ok = ok && cJSON_AddStringToObject(meta, "format", LRP_FORMAT_NAME);
    ok = ok && cJSON_AddStringToObject(meta, "format_version", version);
    ok = ok && cJSON_AddStringToObject(meta, "gate_order", gate_order);
    ok = ok && cJSON_AddStringToObject(meta, "layers", layers);
    ok = ok && cJSON_AddStringToObject(meta, "directions", dirs);
    /* the family's keys, only when not the defaults: the paper's model is written as
     * before them */
    const model_shape *s = &m->shape;
    if (s->cell != CELL_LSTM) ok = ok && cJSON_AddStringToObject(meta, "cell", model_cell_name(s->cell));
    if (s->pooling != POOL_LAST)
        ok = ok && cJSON_AddStringToObject(meta, "pooling", model_pooling_name(s->pooling));
    if (s->n_dense) {
        char dense[LRP_MAX_DENSE * 24] = "";
        size_t at = 0;
        for (size_t k = 0; k < s->n_dense; k++) lrp_append(dense, sizeof dense, &at, "%s%zu", k ? "," : "", s->dense[k]);
        ok = ok && cJSON_AddStringToObject(meta, "dense", dense);
        if (s->activation != ACT_RELU)
            ok = ok && cJSON_AddStringToObject(meta, "activation", model_activation_name(s->activation));
    }
    ok = ok && cJSON_AddStringToObject(meta, "lowercase", m->lowercase ? "true" : "false");
    if (m->unk >= 0) ok = ok && cJSON_AddStringToObject(meta, "unk", m->words[m->unk]);
    ok = ok && cJSON_AddStringToObject(meta, "labels", labels);
    ok = ok && cJSON_AddStringToObject(meta, "vocab", vocab);
    free(vocab);
    free(labels);

    size_t at = 0, width = st_dtype_size(dtype);
    for (size_t i = 0; ok && i < nv; i++) {
        size_t bytes = v[i].rows * v[i].cols * width; /* fits: the model is in memory */
        cJSON *e = cJSON_AddObjectToObject(h, v[i].name);
        cJSON *shape = e ? cJSON_AddArrayToObject(e, "shape") : NULL;
        cJSON *off = e ? cJSON_AddArrayToObject(e, "data_offsets") : NULL;
        ok = e && shape && off && cJSON_AddStringToObject(e, "dtype", st_dtype_name(dtype));
        double dims[2] = {(double)v[i].rows, (double)v[i].cols}, range[2] = {(double)at,
                                                                             (double)(at + bytes)};
        for (size_t k = 0; ok && k < v[i].rank; k++) {
            cJSON *x = cJSON_CreateNumber(dims[k]);
            ok = x && cJSON_AddItemToArray(shape, x);
        }
        for (size_t k = 0; ok && k < 2; k++) {
            cJSON *x = cJSON_CreateNumber(range[k]);
            ok = x && cJSON_AddItemToArray(off, x);
        }
        at += bytes;
    }
    if (!ok) {
        cJSON_Delete(h);
        return NULL;
    }
    return h;
}

/* Refuse what would write a file the loader rejects. */
static lrp_status check_savable(const lrp_model *m, lrp_dtype dtype, lrp_error *err)
{
    if (!m) return lrp_fail(err, LRP_ERR_ARGUMENT, "model must not be NULL");
    if (dtype != LRP_F32 && dtype != LRP_F64)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "unknown storage dtype %d (LRP_F32 or LRP_F64)",
                        (int)dtype);
    if (!m->words || !m->labels)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "cannot save a model without vocabulary and labels");
    lrp_error inner;
    if (model_check_finite(m, &inner) != LRP_OK)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "cannot save the model: %s", inner.message);
    for (size_t i = 0; dtype == LRP_F32 && i < model_stored(m); i++) { /* emb32 fits */
        if (!(fabs(m->params[i]) <= FLT_MAX)) { /* compare first: casting would overflow */
            char name[64];
            return lrp_fail(err, LRP_ERR_ARGUMENT,
                            "cannot save as F32: %s holds %g (element %zu), outside the float "
                            "range; save as F64",
                            model_param_name(m, i, name, sizeof name), m->params[i], i);
        }
    }
    return LRP_OK;
}

/* The order of the gate blocks in the file (*order, set when NULL) into gate: an
 * LSTM's is *order (NULL: LRP_FILE_GATE_ORDER); a GRU's is *order when it is a
 * permutation of rzn, else (NULL, or an LSTM's order, as a caller writing any model
 * passes) rzn. */
static lrp_status file_gates(const model_shape *s, const char **order, int gate[GATE_COUNT], lrp_error *err)
{
    if (s->cell == CELL_LSTM) {
        if (!*order) *order = LRP_FILE_GATE_ORDER;
        return model_parse_gate_order(*order, gate, err);
    }
    if (!*order || model_parse_gate_order(*order, gate, err) == LRP_OK) *order = LRP_GRU_GATE_ORDER;
    return model_parse_gates(CELL_GRU, *order, gate, err);
}

lrp_status model_write(const lrp_model *m, FILE *f, lrp_dtype dtype, const char *gate_order,
                       lrp_error *err)
{
    lrp_status st = check_savable(m, dtype, err);
    if (st != LRP_OK) return st;
    int gate[GATE_COUNT];
    lrp_error inner;
    if (file_gates(&m->shape, &gate_order, gate, &inner) != LRP_OK)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "%s", inner.message);

    tensor_view v[MAX_VIEWS];
    size_t nv = views_ours(&m->shape, &m->layout, model_is_paper(&m->shape), gate, v);
    st_dtype sd = dtype == LRP_F64 ? ST_F64 : ST_F32;
    cJSON *h = build_header(m, v, nv, sd, gate_order);
    char *json = h ? cJSON_PrintUnformatted(h) : NULL;
    cJSON_Delete(h);
    if (!json) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory writing the model header");
    /* a row of a float32 embedding, widened (exactly) */
    double *wide = m->emb32 ? malloc(m->shape.E * sizeof *wide) : NULL;
    if (m->emb32 && !wide) {
        free(json);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory writing the model");
    }
    int ok = st_write_header(f, json);
    free(json);
    /* file row r of a gated tensor is internal row gate[r / H] * H + r % H */
    for (size_t i = 0; ok && i < nv; i++)
        for (size_t r = 0; ok && r < v[i].rows; r++) {
            const size_t at = v[i].offset + view_row(&v[i], r) * v[i].stride;
            if (at < model_stored(m)) {
                ok = st_write_values(f, m->params + at, v[i].cols, sd);
            } else {
                for (size_t k = 0; k < v[i].cols; k++) wide[k] = model_param(m, at + k);
                ok = st_write_values(f, wide, v[i].cols, sd);
            }
        }
    free(wide);
    if (!ok) return lrp_fail(err, LRP_ERR_IO, "write error: %s", strerror(errno ? errno : EIO));
    return LRP_OK;
}

typedef struct save_job {
    const lrp_model *m;
    lrp_dtype dtype;
    const char *gate_order;
} save_job;

static lrp_status fill_model(FILE *f, void *ctx, lrp_error *err)
{
    const save_job *job = ctx;
    return model_write(job->m, f, job->dtype, job->gate_order, err);
}

lrp_status model_save_gate_order(const lrp_model *m, const char *path, lrp_dtype dtype,
                                 const char *gate_order, lrp_error *err)
{
    lrp_error_clear(err);
    if (!path) return lrp_fail(err, LRP_ERR_ARGUMENT, "path must not be NULL");
    /* check before creating any file */
    lrp_status st = check_savable(m, dtype, err);
    if (st != LRP_OK) return st;
    save_job job = {m, dtype, gate_order};
    return lrp_write_atomic(path, fill_model, &job, err);
}

lrp_status lrp_model_save(const lrp_model *m, const char *path, lrp_dtype dtype, lrp_error *err)
{
    return model_save_gate_order(m, path, dtype, LRP_FILE_GATE_ORDER, err);
}
