/*
 * model_io.c - load and save the model file: this project's tensor names and
 * metadata on the safetensors container (safetensors.h). docs/model-format.md is
 * the specification; keep the two in step.
 *
 * Sizes: V vocabulary, E embedding, H hidden, C classes, L layers, D directions,
 * IN(l) = E for layer 0 and D*H above. File tensors of the base model (L = 1, D = 2):
 *
 *   embedding                                   [V, E]
 *   encoder.fwd.weight_x, encoder.bwd.weight_x  [4H, E]
 *   encoder.fwd.weight_h, encoder.bwd.weight_h  [4H, H]
 *   encoder.fwd.bias,     encoder.bwd.bias      [4H]    input + recurrent bias
 *   classifier.weight_fwd, classifier.weight_bwd [C, H]
 *   classifier.bias (optional)                  [C]
 *
 * Stacked models (metadata layers = L >= 2) name layer k "encoder.l<k>.<dir>"
 * (weight_x of layer k >= 1 is [4H, D*H]); unidirectional models (directions = 1)
 * have no bwd tensors and no classifier.weight_bwd. Gate rows come in blocks of H
 * in the file's gate_order; inside the model they are in LRP_INTERNAL_GATE_ORDER.
 *
 * The loader checks the container (st_parse), then the metadata, the set of
 * tensor names, dtypes, shapes against each other and against vocab and labels,
 * and finally every value (finite), naming the first problem it finds.
 */
#include "io/model_io.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "io/fileio.h"
#include "core/model.h"
#include "io/model_torch.h"
#include "io/safetensors.h"
#include "text/text.h"

#define LRP_FORMAT_NAME "lrp-rnn"

// ----------------------------------------------------------------------------
// tensor views: where each file tensor lives in the flat parameters

/* embedding, 3 tensors per layer and direction, classifier fwd, bwd, bias */
#define MAX_VIEWS (1 + 3 * 2 * LRP_MAX_LAYERS + 3)

typedef struct tensor_view {
    char name[64];
    size_t rank;        /* 1 or 2 */
    size_t rows, cols;  /* file shape [rows, cols]; cols = 1 when rank is 1 */
    size_t offset;      /* index in params of the tensor's internal row 0 */
    size_t stride;      /* doubles between consecutive internal rows */
    size_t block;       /* H when rows are four gate blocks of H rows, else 0 */
} tensor_view;

/* Every tensor of a model of shape s, in file order. Names depend only on L, D and
 * has_bias; with p NULL (sizes not known yet) the sizes and offsets are left 0. */
static size_t model_views(const model_shape *s, const param_layout *p, tensor_view *v)
{
    static const char *const dir[2] = {"fwd", "bwd"};
    const size_t G = 4 * s->H;
    size_t n = 0;
#define VIEW(rank_, rows_, cols_, offset_, stride_, block_, ...)                                   \
    do {                                                                                           \
        snprintf(v[n].name, sizeof v[n].name, __VA_ARGS__);                                        \
        v[n].rank = (rank_);                                                                       \
        v[n].rows = (rows_);                                                                       \
        v[n].cols = (cols_);                                                                       \
        v[n].offset = p ? (offset_) : 0;                                                           \
        v[n].stride = (stride_);                                                                   \
        v[n].block = (block_);                                                                     \
        n++;                                                                                       \
    } while (0)
    VIEW(2, s->V, s->E, p->emb, s->E, 0, "embedding");
    for (size_t l = 0; l < s->L; l++) {
        size_t in = model_layer_input(s, l);
        for (size_t d = 0; d < s->D; d++) {
            char prefix[40];
            if (s->L == 1) snprintf(prefix, sizeof prefix, "encoder.%s", dir[d]);
            else snprintf(prefix, sizeof prefix, "encoder.l%zu.%s", l, dir[d]);
            VIEW(2, G, in, p->wx[l][d], in, s->H, "%s.weight_x", prefix);
            VIEW(2, G, s->H, p->wh[l][d], s->H, s->H, "%s.weight_h", prefix);
            VIEW(1, G, 1, p->b[l][d], 1, s->H, "%s.bias", prefix);
        }
    }
    /* the classifier reads [h_fwd; h_bwd]: its internal (C, D*H) rows hold the file's
     * weight_fwd row, then the weight_bwd row */
    for (size_t d = 0; d < s->D; d++)
        VIEW(2, s->C, s->H, p->wout + d * s->H, s->D * s->H, 0, "classifier.weight_%s", dir[d]);
    if (s->has_bias) VIEW(1, s->C, 1, p->bout, 1, 0, "classifier.bias");
#undef VIEW
    return n;
}

/* Internal row of the file's row r. gate[k] = internal gate of the file's k-th block. */
static size_t internal_row(const tensor_view *v, size_t r, const int gate[GATE_COUNT])
{
    if (!v->block) return r;
    return (size_t)gate[r / v->block] * v->block + r % v->block;
}

static const char *shape_text(const model_shape *s, char *buf, size_t len)
{
    snprintf(buf, len, "%zu layer%s, %s", s->L, s->L == 1 ? "" : "s",
             s->D == 2 ? "bidirectional" : "unidirectional");
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
 * writer puts it), else by the names: a tensor named like an nn.LSTM's first
 * parameter, or a module path in the options, means a PyTorch state_dict. */
static lrp_status file_kind(const st_file *f, const lrp_load_options *o, int *torch,
                            lrp_error *err)
{
    const char *format = st_metadata(f, "format");
    int paths = o->embedding_prefix || o->lstm_prefix || o->classifier_prefix;
    *torch = 0;
    if (format && strcmp(format, LRP_FORMAT_NAME) == 0) {
        if (paths)
            return lrp_fail(err, LRP_ERR_ARGUMENT,
                            "module paths (--prefix-embedding, --prefix-lstm, --prefix-classifier) "
                            "are for PyTorch state_dicts; this is an " LRP_FORMAT_NAME " model file");
        return LRP_OK;
    }
    if (format && strcmp(format, "pt") != 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "__metadata__.format is \"%.40s\", expected \"" LRP_FORMAT_NAME "\" (this "
                        "project's format) or \"pt\" (a PyTorch state_dict)",
                        format);
    *torch = format || paths || torch_has_lstm(f);
    if (*torch) return LRP_OK;
    return lrp_fail(err, LRP_ERR_FORMAT,
                    "%s: not an " LRP_FORMAT_NAME " model file (docs/model-format.md), and no "
                    "tensor is named like an nn.LSTM parameter (<module>.weight_ih_l0) as in a "
                    "PyTorch state_dict (docs/pytorch.md)",
                    f->metadata ? "__metadata__ has no \"format\"" : "no __metadata__");
}

/* An lrp-rnn file's format_version, layers, directions and gate_order. Fills s->L,
 * s->D and gate. */
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

    const char *order = required(f, "gate_order", "a permutation of igfo", err);
    if (!order) return LRP_ERR_FORMAT;
    return model_parse_gate_order(order, gate, err);
}

// ----------------------------------------------------------------------------
// loading: tensors

static int is_expected(const tensor_view *v, size_t nv, const char *name)
{
    for (size_t i = 0; i < nv; i++)
        if (strcmp(v[i].name, name) == 0) return 1;
    return 0;
}

/* Every tensor the shape needs is there in F32 or F64, and nothing else. */
static lrp_status check_names(const st_file *f, const model_shape *s, lrp_error *err)
{
    tensor_view v[MAX_VIEWS];
    size_t nv = model_views(s, NULL, v);
    char what[64];
    for (size_t i = 0; i < nv; i++)
        if (!st_find(f, v[i].name))
            return lrp_fail(err, LRP_ERR_FORMAT, "missing tensor \"%s\" (model with %s)", v[i].name,
                            shape_text(s, what, sizeof what));
    if (f->n != nv) {
        for (size_t i = 0; i < f->n; i++)
            if (!is_expected(v, nv, f->tensors[i].name))
                return lrp_fail(err, LRP_ERR_FORMAT,
                                "unexpected tensor \"%.80s\" (model with %s; metadata \"layers\" "
                                "and \"directions\" set the tensors, see docs/model-format.md)",
                                f->tensors[i].name, shape_text(s, what, sizeof what));
    }
    for (size_t i = 0; i < nv; i++) {
        const st_tensor *t = st_find(f, v[i].name);
        if (t->dtype != ST_F32 && t->dtype != ST_F64)
            return lrp_fail(err, LRP_ERR_FORMAT, "%s: dtype %s, expected F32 or F64", v[i].name,
                            st_dtype_name(t->dtype));
    }
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

/* V and E from the embedding, H from the first forward weight_x, C from
 * classifier.weight_fwd; then every tensor's shape against those sizes. */
static lrp_status check_shapes(const st_file *f, model_shape *s, param_layout *p, lrp_error *err)
{
    tensor_view v[MAX_VIEWS];
    model_views(s, NULL, v);
    const st_tensor *emb = st_find(f, v[0].name), *wx = st_find(f, v[1].name),
                    *cls = st_find(f, "classifier.weight_fwd");
    char sh[160], want[160];
    lrp_status st = check_anchor(emb, "[V, E] (2 dimensions)", err);
    if (st == LRP_OK) st = check_anchor(wx, "[4H, E] (2 dimensions)", err);
    if (st == LRP_OK) st = check_anchor(cls, "[C, H] (2 dimensions)", err);
    if (st != LRP_OK) return st;
    if (wx->shape[0] % GATE_COUNT != 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "%s: shape %s, expected [4H, E]: the rows are four gate blocks of H rows",
                        wx->name, st_shape_string(wx->shape, wx->rank, sh, sizeof sh));
    s->V = emb->shape[0];
    s->E = emb->shape[1];
    s->H = wx->shape[0] / GATE_COUNT;
    s->C = cls->shape[0];

    lrp_error inner;
    st = param_layout_init(p, s, &inner);
    if (st == LRP_ERR_ARGUMENT) st = LRP_ERR_FORMAT; /* a bad size in a file is a format problem */
    if (st != LRP_OK) return lrp_fail(err, st, "%s", inner.message);

    size_t nv = model_views(s, p, v);
    for (size_t i = 0; i < nv; i++) {
        const st_tensor *t = st_find(f, v[i].name);
        size_t expect[2] = {v[i].rows, v[i].cols};
        if (t->rank != v[i].rank || t->shape[0] != expect[0] ||
            (v[i].rank == 2 && t->shape[1] != expect[1]))
            return lrp_fail(err, LRP_ERR_FORMAT, "%s: shape %s, expected %s", v[i].name,
                            st_shape_string(t->shape, t->rank, sh, sizeof sh),
                            st_shape_string(expect, v[i].rank, want, sizeof want));
    }
    return LRP_OK;
}

/* "tensor: non-finite value v at [row, column]" */
static lrp_status non_finite_at(const st_tensor *t, size_t at, double value, lrp_error *err)
{
    char where[48];
    if (t->rank == 2) snprintf(where, sizeof where, "[%zu, %zu]", at / t->shape[1], at % t->shape[1]);
    else snprintf(where, sizeof where, "[%zu]", at);
    return lrp_fail(err, LRP_ERR_FORMAT, "%.100s: non-finite value %g at %s", t->name, value, where);
}

lrp_status model_read_finite(const st_tensor *t, size_t first, size_t count, double *dst,
                             lrp_error *err)
{
    st_read_f64(t, first, count, dst);
    for (size_t i = 0; i < count; i++)
        if (!isfinite(dst[i])) return non_finite_at(t, first + i, dst[i], err);
    return LRP_OK;
}

/* Are the count floats at x (elements first.. of tensor t) finite? One pass over
 * the bits (exponent all ones: Inf or NaN); the first bad one is looked for only
 * when there is one. */
static lrp_status check_finite_f32(const st_tensor *t, const float *x, size_t first, size_t count,
                                   lrp_error *err)
{
    uint32_t worst = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        bits &= 0x7f800000u;
        worst = bits > worst ? bits : worst;
    }
    if (worst != 0x7f800000u) return LRP_OK;
    for (size_t i = 0;; i++)
        if (!isfinite(x[i])) return non_finite_at(t, first + i, (double)x[i], err);
}

lrp_status model_read_embedding(const st_tensor *t, lrp_model *m, size_t first, size_t count,
                                lrp_error *err)
{
    if (m->emb_kind == MODEL_EMB_F64)
        return model_read_finite(t, first, count, m->params + m->layout.emb + first, err);
    if (m->emb32_owned) st_read_f32(t, first, count, m->emb32_owned + first);
    return check_finite_f32(t, m->emb32 + first, first, count, err);
}

/* Copy rows [r0, r1) of the file tensor of view v into the model (gate rows
 * permuted into internal order), checking that each value is finite; names the
 * file's tensor and [row, column]. */
static lrp_status copy_rows(const st_file *f, const tensor_view *v, lrp_model *m, const int gate[GATE_COUNT],
                            size_t r0, size_t r1, lrp_error *err)
{
    const st_tensor *t = st_find(f, v->name);
    if (v->offset == m->layout.emb) /* the embedding's rows are never permuted */
        return model_read_embedding(t, m, r0 * v->cols, (r1 - r0) * v->cols, err);
    for (size_t r = r0; r < r1; r++) {
        double *row = m->params + v->offset + internal_row(v, r, gate) * v->stride;
        lrp_status st = model_read_finite(t, r * v->cols, v->cols, row, err);
        if (st != LRP_OK) return st;
    }
    return LRP_OK;
}

/* A large embedding's upper rows are converted by a second thread while the loader
 * reads the vocabulary and the lower rows: on a model of the paper's size the
 * embedding is nearly all the parameters, and its conversion (with the first touch
 * of its pages) most of the loading time. */
enum { SPLIT_MIN = 1 << 18 }; /* values: smaller embeddings are read by one thread */

typedef struct rows_job {
    const st_file *f;
    tensor_view v;
    lrp_model *m;
    const int *gate;
    size_t r0, r1;
    lrp_status st;
    lrp_error err;
    pthread_t tid;
    int started;
} rows_job;

static void *rows_thread(void *arg)
{
    rows_job *j = arg;
    j->st = copy_rows(j->f, &j->v, j->m, j->gate, j->r0, j->r1, &j->err);
    return NULL;
}

/* Start converting the upper 3/5 of a large embedding's rows (the rest of the
 * loading takes about as long as the remaining 2/5); j->r0 = the first row left
 * to the thread, the number of rows when no thread started. */
static void embedding_start(const st_file *f, lrp_model *m, const int gate[GATE_COUNT], rows_job *j)
{
    tensor_view v[MAX_VIEWS];
    model_views(&m->shape, &m->layout, v);
    *j = (rows_job){.r0 = v[0].rows};
    if (v[0].rows * v[0].cols < SPLIT_MIN) return;
    *j = (rows_job){.f = f, .v = v[0], .m = m, .gate = gate, .r0 = v[0].rows * 2 / 5, .r1 = v[0].rows};
    j->started = pthread_create(&j->tid, NULL, rows_thread, j) == 0;
    if (!j->started) j->r0 = v[0].rows; /* no thread: every row here */
}

/* Copy every tensor into the model, the embedding's rows from j->r0 on by the
 * thread of embedding_start; problems are named in file order. */
static lrp_status copy_tensors(const st_file *f, lrp_model *m, const int gate[GATE_COUNT], rows_job *j,
                               lrp_error *err)
{
    tensor_view v[MAX_VIEWS];
    size_t nv = model_views(&m->shape, &m->layout, v);
    lrp_status st = copy_rows(f, &v[0], m, gate, 0, j->r0, err);
    if (j->started) {
        pthread_join(j->tid, NULL);
        j->started = 0;
        if (st == LRP_OK && j->st != LRP_OK) st = lrp_fail(err, j->st, "%s", j->err.message);
    }
    for (size_t i = 1; i < nv && st == LRP_OK; i++) st = copy_rows(f, &v[i], m, gate, 0, v[i].rows, err);
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

/* Can the model use this F32 tensor's floats where they lie? */
static int usable_in_place(const st_tensor *t)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return t->dtype == ST_F32 && (uintptr_t)t->data % _Alignof(float) == 0;
#else
    (void)t;
    return 0;
#endif
}

model_emb_kind model_embedding_kind(const st_tensor *t, int in_file)
{
    /* an F32 embedding stays float32 (exact), in the file when it can: no memory to
     * fill, where float64 would be twice the file's size */
    if (t->dtype != ST_F32) return MODEL_EMB_F64;
    return in_file && usable_in_place(t) ? MODEL_EMB_F32_FILE : MODEL_EMB_F32;
}

lrp_status model_create_for(lrp_model **out, const model_shape *s, const st_tensor *emb, int in_file,
                            lrp_error *err)
{
    const model_emb_kind kind = model_embedding_kind(emb, in_file);
    lrp_status st = model_create_ex(out, s, kind, err);
    if (st == LRP_OK && kind == MODEL_EMB_F32_FILE) (*out)->emb32 = (const float *)(const void *)emb->data;
    return st;
}

/* The model of file f. file: the view f was parsed from, when the model may keep it
 * (a float32 embedding is then used where it lies, and the view moves into the
 * model), else NULL. */
static lrp_status model_from_file(const st_file *f, const lrp_load_options *o, lrp_file_view *file,
                                  lrp_model **out, lrp_error *err)
{
    int torch, gate[GATE_COUNT];
    model_shape s = {0};
    param_layout p;
    lrp_status st = file_kind(f, o, &torch, err);
    if (st != LRP_OK) return st;
    if (torch) {
        /* PyTorch's names imply its gate order; a file may still say otherwise */
        const char *order = st_metadata(f, "gate_order");
        st = model_parse_gate_order(order ? order : "ifgo", gate, err);
    } else {
        st = check_metadata(f, &s, gate, err);
    }
    if (st != LRP_OK) return st;
    model_names nm;
    st = names_resolve(f, o, torch, &nm, err);

    lrp_model *m = NULL;
    if (st == LRP_OK && torch) {
        st = torch_model_create(f, o, count_lines(nm.text[0]), count_lines(nm.text[1]), gate,
                                file != NULL, &m, err);
    } else if (st == LRP_OK) {
        s.has_bias = st_find(f, "classifier.bias") != NULL;
        if (st == LRP_OK) st = check_names(f, &s, err);
        if (st == LRP_OK) st = check_shapes(f, &s, &p, err);
        if (st == LRP_OK) st = model_create_for(&m, &s, st_find(f, "embedding"), file != NULL, err);
    }
    rows_job job = {0};
    if (st == LRP_OK && !torch) embedding_start(f, m, gate, &job);
    if (st == LRP_OK) st = set_names(m, &nm, err);
    if (st == LRP_OK && !torch) st = copy_tensors(f, m, gate, &job, err);
    if (job.started) pthread_join(job.tid, NULL); /* set_names failed: the thread's rows are dropped */
    if (st == LRP_OK) st = model_prepare(m, err);
    names_free(&nm);
    if (st != LRP_OK) {
        lrp_model_free(m);
        return st;
    }
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

lrp_status model_write(const lrp_model *m, FILE *f, lrp_dtype dtype, const char *gate_order,
                       lrp_error *err)
{
    lrp_status st = check_savable(m, dtype, err);
    if (st != LRP_OK) return st;
    int gate[GATE_COUNT];
    lrp_error inner;
    if (model_parse_gate_order(gate_order, gate, &inner) != LRP_OK)
        return lrp_fail(err, LRP_ERR_ARGUMENT, "%s", inner.message);

    tensor_view v[MAX_VIEWS];
    size_t nv = model_views(&m->shape, &m->layout, v);
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
            const size_t at = v[i].offset + internal_row(&v[i], r, gate) * v[i].stride;
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
