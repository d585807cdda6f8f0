/*
 * testutil.c - helpers for the test programs (testutil.h).
 */
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/model.h"
#include "core/network.h"
#include "core/rand.h"
#include "io/model_io.h"

int tu_failures = 0;
int tu_checks = 0;

void tu_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    tu_failures++;
}

int tu_close_at(const char *file, int line, const char *what, const double *got, const double *want,
                size_t n, double atol, double rtol)
{
    double max_abs = 0.0, max_rel = 0.0;
    size_t worst = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(got[i] - want[i]);
        if (!(d <= atol + rtol * fabs(want[i]))) {
            if (bad == 0 || d > fabs(got[worst] - want[worst])) worst = i;
            bad++;
        }
        if (d > max_abs || isnan(d)) max_abs = d;
        double r = d / (fabs(want[i]) > 0 ? fabs(want[i]) : 1.0);
        if (r > max_rel || isnan(r)) max_rel = r;
    }
    tu_checks++;
    if (bad) {
        tu_fail_at(file, line,
                   "%s: %zu of %zu values outside atol %.1e + rtol %.1e; max abs err %.3e, max rel "
                   "err %.3e; worst [%zu] got %.17g want %.17g",
                   what, bad, n, atol, rtol, max_abs, max_rel, worst, got[worst], want[worst]);
        return 0;
    }
    return 1;
}

int tu_finish(void)
{
    if (tu_failures) {
        fprintf(stderr, "%d of %d checks FAILED\n", tu_failures, tu_checks);
        return 1;
    }
    printf("all %d checks passed\n", tu_checks);
    return 0;
}

int tu_slow_build(void)
{
    const char *san = getenv("LRP_SANITIZE"), *emu = getenv("LRP_EMULATED");
    return (san && strcmp(san, "1") == 0) || (emu && strcmp(emu, "1") == 0);
}

const char *tu_data_dir(void)
{
    const char *d = getenv("LRP_TEST_DATA");
    return d && d[0] ? d : "tests/data";
}

const char *tu_sst_dir(void)
{
    static char buf[4096];
    const char *d = getenv("LRP_SST_DIR");
    if (!d || !d[0]) {
        const char *src = getenv("LRP_SOURCE_DIR");
        snprintf(buf, sizeof buf, "%s/../shared/data/sst", src && src[0] ? src : ".");
        d = buf;
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/test.txt", d);
    return access(probe, R_OK) == 0 ? d : NULL;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        char *bigger = realloc(buf, 2 * cap + 1);
        if (!bigger) { free(buf); buf = NULL; break; }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

cJSON *tu_load_json(const char *path)
{
    char *text = tu_read_file(path, NULL);
    if (!text) {
        fprintf(stderr, "cannot read %s\n", path);
        return NULL;
    }
    cJSON *j = cJSON_Parse(text);
    if (!j) fprintf(stderr, "%s: invalid JSON near: %.40s\n", path, cJSON_GetErrorPtr());
    free(text);
    return j;
}

FILE *tu_capture_open(tu_capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    c->o = c->f ? malloc(sizeof *c->o) : NULL;
    if (c->o) outbuf_init(c->o, c->f);
    return c->o ? c->f : NULL;
}

char *tu_capture_close(tu_capture *c)
{
    if (c->o) outbuf_flush(c->o);
    free(c->o);
    c->o = NULL;
    fclose(c->f);
    return c->buf;
}

char *tu_join(char *const *words, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(words[i]) + 1;
    char *s = malloc(len), *p = s;
    *p = '\0';
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s%s", i ? " " : "", words[i]);
    return s;
}

double *tu_json_doubles(const cJSON *a, size_t *n)
{
    if (!cJSON_IsArray(a)) return NULL;
    size_t len = (size_t)cJSON_GetArraySize(a), i = 0;
    double *v = malloc((len ? len : 1) * sizeof *v);
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
    {
        if (!cJSON_IsNumber(x)) { free(v); return NULL; }
        v[i++] = x->valuedouble;
    }
    *n = len;
    return v;
}

double *tu_json_matrix(const cJSON *a, size_t *rows, size_t *cols)
{
    if (!cJSON_IsArray(a)) return NULL;
    size_t r = (size_t)cJSON_GetArraySize(a), c = 0, at = 0;
    double *v = NULL;
    const cJSON *row;
    cJSON_ArrayForEach(row, a)
    {
        size_t n;
        double *vals = tu_json_doubles(row, &n);
        if (!vals || (v && n != c)) { free(vals); free(v); return NULL; }
        if (!v) { c = n; v = malloc((r * c > 0 ? r * c : 1) * sizeof *v); }
        memcpy(v + at, vals, n * sizeof *v);
        at += n;
        free(vals);
    }
    *rows = r;
    *cols = c;
    return v;
}

void tu_golden_case_read(const cJSON *kase, tu_golden_case *g)
{
    double *idv = tu_json_doubles(cJSON_GetObjectItem(kase, "ids"), &g->T);
    double *delv = tu_json_doubles(cJSON_GetObjectItem(kase, "delete"), &g->n_deleted);
    g->scores = tu_json_doubles(cJSON_GetObjectItem(kase, "scores"), &g->n_scores);
    g->ids = malloc(g->T * sizeof *g->ids);
    g->deleted = calloc(g->T, 1);
    for (size_t t = 0; t < g->T; t++) g->ids[t] = (int32_t)idv[t];
    for (size_t i = 0; i < g->n_deleted; i++) g->deleted[(size_t)delv[i]] = 1;
    free(idv);
    free(delv);
}

void tu_golden_case_free(tu_golden_case *g)
{
    free(g->ids);
    free(g->deleted);
    free(g->scores);
}

lrp_sentence tu_golden_sentence(const tu_golden_case *g)
{
    lrp_sentence s = {g->ids, g->T, g->n_deleted ? g->deleted : NULL};
    return s;
}

lrp_options tu_golden_options(const cJSON *targets, int **classes)
{
    const size_t nt = (size_t)cJSON_GetArraySize(targets);
    int *c = malloc(nt * sizeof *c);
    double eps = 0.001;
    for (size_t i = 0; i < nt; i++) {
        const cJSON *t = cJSON_GetArrayItem(targets, (int)i);
        c[i] = (int)cJSON_GetObjectItem(t, "class")->valuedouble;
        eps = cJSON_GetObjectItem(t, "eps")->valuedouble;
    }
    lrp_options o;
    lrp_options_init(&o);
    o.methods = LRP_METHODS_ALL;
    o.targets = c;
    o.n_targets = nt;
    o.eps = eps;
    o.per_dimension = 1;
    *classes = c;
    return o;
}

unsigned char *tu_model_bytes(const lrp_model *m, lrp_dtype dtype, const char *order, size_t *n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lrp_error err;
    lrp_status st = f ? model_write(m, f, dtype, order, &err) : LRP_ERR_IO;
    if (f) fclose(f);
    if (st != LRP_OK) {
        fprintf(stderr, "model_write: %s\n", f ? err.message : "open_memstream failed");
        free(buf);
        return NULL;
    }
    *n = len;
    return (unsigned char *)buf;
}

static const char *const sst_labels[5] = {"very negative", "negative", "neutral", "positive",
                                          "very positive"};

/* vocabulary w0.., labels (SST names for C = 5, else c0..) */
static int name_model(lrp_model *m)
{
    size_t V = m->shape.V, C = m->shape.C;
    char **words = malloc(V * sizeof *words), **labels = malloc(C * sizeof *labels);
    for (size_t i = 0; i < V; i++) {
        words[i] = malloc(24);
        snprintf(words[i], 24, "w%zu", i);
    }
    for (size_t c = 0; c < C; c++) {
        labels[c] = malloc(24);
        snprintf(labels[c], 24, "%s", C == 5 ? sst_labels[c] : "c");
        if (C != 5) snprintf(labels[c], 24, "c%zu", c);
    }
    lrp_error err;
    int ok = model_set_vocab(m, (const char *const *)words, V, &err) == LRP_OK &&
             model_set_labels(m, (const char *const *)labels, C, &err) == LRP_OK;
    if (!ok) fprintf(stderr, "naming the test model: %s\n", err.message);
    for (size_t i = 0; i < V; i++) free(words[i]);
    for (size_t c = 0; c < C; c++) free(labels[c]);
    free(words);
    free(labels);
    return ok;
}

/* copy a JSON matrix of the expected shape into dst (gate rows permuted when gate) */
static int take(const cJSON *obj, const char *key, double *dst, size_t rows, size_t cols,
                const int *gate, size_t H)
{
    size_t r = 0, c = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    double *v = cJSON_IsArray(a) && cJSON_IsArray(cJSON_GetArrayItem(a, 0))
                    ? tu_json_matrix(a, &r, &c)
                    : (c = 1, tu_json_doubles(a, &r));
    if (!v || r != rows || c != cols) {
        fprintf(stderr, "fixture %s: shape [%zu, %zu], expected [%zu, %zu]\n", key, r, c, rows, cols);
        free(v);
        return 0;
    }
    for (size_t row = 0; row < rows; row++) /* gate rows: file block k is internal block gate[k] */
        memcpy(dst + (gate ? (size_t)gate[row / H] * H + row % H : row) * cols, v + row * cols, cols * sizeof *v);
    free(v);
    return 1;
}

lrp_model *tu_model_from_golden(const cJSON *j)
{
    model_shape s = {0};
    s.V = (size_t)cJSON_GetObjectItem(j, "vocab_size")->valuedouble;
    s.E = (size_t)cJSON_GetObjectItem(j, "embed_dim")->valuedouble;
    s.H = (size_t)cJSON_GetObjectItem(j, "hidden_dim")->valuedouble;
    s.C = (size_t)cJSON_GetObjectItem(j, "classes")->valuedouble;
    s.L = 1;
    s.D = 2;
    lrp_model *m;
    lrp_error err;
    int gate[GATE_COUNT];
    if (model_create(&m, &s, &err) != LRP_OK ||
        model_parse_gate_order(cJSON_GetObjectItem(j, "gate_order")->valuestring, gate, &err) != LRP_OK) {
        fprintf(stderr, "golden model: %s\n", err.message);
        return NULL;
    }
    const char *dirs[2] = {"fwd", "bwd"};
    int ok = take(j, "E", m->params + m->layout.emb, s.V, s.E, NULL, 0);
    for (int d = 0; d < 2; d++) {
        const cJSON *enc = cJSON_GetObjectItem(j, dirs[d]);
        ok = ok && take(enc, "Wx", m->params + m->layout.wx[0][d], 4 * s.H, s.E, gate, s.H);
        ok = ok && take(enc, "Wh", m->params + m->layout.wh[0][d], 4 * s.H, s.H, gate, s.H);
        ok = ok && take(enc, "b", m->params + m->layout.b[0][d], 4 * s.H, 1, gate, s.H);
    }
    /* classifier (C, 2H): rows [W_fwd[c], W_bwd[c]] */
    const cJSON *out = cJSON_GetObjectItem(j, "out");
    double *wf = malloc(s.C * s.H * sizeof *wf), *wb = malloc(s.C * s.H * sizeof *wb);
    ok = ok && take(out, "W_fwd", wf, s.C, s.H, NULL, 0) && take(out, "W_bwd", wb, s.C, s.H, NULL, 0);
    for (size_t c = 0; ok && c < s.C; c++) {
        memcpy(m->params + m->layout.wout + c * 2 * s.H, wf + c * s.H, s.H * sizeof *wf);
        memcpy(m->params + m->layout.wout + c * 2 * s.H + s.H, wb + c * s.H, s.H * sizeof *wb);
    }
    free(wf);
    free(wb);
    if (!ok || !name_model(m) || model_prepare(m, &err) != LRP_OK) {
        lrp_model_free(m);
        return NULL;
    }
    return m;
}

lrp_model *tu_model_from_general(const cJSON *root)
{
    const cJSON *cfg = cJSON_GetObjectItem(root, "config"), *tensors = cJSON_GetObjectItem(root, "tensors");
    if (!cfg || !tensors) {
        fprintf(stderr, "general fixture: no config or tensors\n");
        return NULL;
    }
    model_shape s = {0};
    s.V = (size_t)cJSON_GetObjectItem(cfg, "vocab_size")->valuedouble;
    s.E = (size_t)cJSON_GetObjectItem(cfg, "embed_dim")->valuedouble;
    s.H = (size_t)cJSON_GetObjectItem(cfg, "hidden_dim")->valuedouble;
    s.C = (size_t)cJSON_GetObjectItem(cfg, "classes")->valuedouble;
    s.L = (size_t)cJSON_GetObjectItem(cfg, "layers")->valuedouble;
    s.D = (size_t)cJSON_GetObjectItem(cfg, "directions")->valuedouble;
    s.has_bias = cJSON_IsTrue(cJSON_GetObjectItem(cfg, "output_bias"));
    s.cell = (model_cell)model_cell_parse(cJSON_GetObjectItem(cfg, "cell")->valuestring);
    s.pooling = (model_pooling)model_pooling_parse(cJSON_GetObjectItem(cfg, "pooling")->valuestring);
    s.activation = (model_activation)model_activation_parse(cJSON_GetObjectItem(cfg, "activation")->valuestring);
    const cJSON *dense = cJSON_GetObjectItem(cfg, "dense"), *d;
    cJSON_ArrayForEach(d, dense) s.dense[s.n_dense++] = (size_t)d->valuedouble;
    const cJSON *att = cJSON_GetObjectItem(tensors, "attention.vector");
    s.A = att ? (size_t)cJSON_GetArraySize(att) : 0;
    const char *order = cJSON_GetObjectItem(cfg, "gate_order")->valuestring;

    lrp_model *m;
    lrp_error err;
    int gate[GATE_COUNT] = {0, 1, 2, 3};
    if (model_create(&m, &s, &err) != LRP_OK) {
        fprintf(stderr, "general fixture: %s\n", err.message);
        return NULL;
    }
    if (s.cell == CELL_LSTM && model_parse_gate_order(order, gate, &err) != LRP_OK) {
        fprintf(stderr, "general fixture: %s\n", err.message);
        lrp_model_free(m);
        return NULL;
    }
    if (s.cell == CELL_GRU && strcmp(order, LRP_GRU_GATE_ORDER) != 0) {
        fprintf(stderr, "general fixture: GRU gate order %s\n", order);
        lrp_model_free(m);
        return NULL;
    }
    model_tensor v[MODEL_MAX_TENSORS];
    size_t nv = model_tensors(&m->shape, &m->layout, v), found = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < nv; i++) {
        const cJSON *t = cJSON_GetObjectItem(tensors, v[i].name);
        size_t r, c;
        double *x = !t ? NULL : v[i].rank == 2 ? tu_json_matrix(t, &r, &c) : (c = 1, tu_json_doubles(t, &r));
        if (!x || r != v[i].rows || c != v[i].cols) {
            fprintf(stderr, "general fixture: tensor %s missing or of another shape\n", v[i].name);
            ok = 0;
        } else {
            for (size_t row = 0; row < r; row++) {
                /* LSTM gate blocks come in gate_order: gate[k] is the internal block of block k */
                size_t in = v[i].block && s.cell == CELL_LSTM ? (size_t)gate[row / s.H] * s.H + row % s.H : row;
                memcpy(m->params + v[i].offset + in * c, x + row * c, c * sizeof *x);
            }
            found++;
        }
        free(x);
    }
    ok = ok && found == (size_t)cJSON_GetArraySize(tensors);
    if (!ok || !name_model(m) || model_prepare(m, &err) != LRP_OK) {
        if (ok) fprintf(stderr, "general fixture: the fixture has tensors the model does not\n");
        lrp_model_free(m);
        return NULL;
    }
    return m;
}

unsigned char *tu_safetensors_bytes(const cJSON *meta, const tu_named *t, size_t n, size_t *len)
{
    cJSON *h = cJSON_CreateObject();
    cJSON_AddItemToObject(h, "__metadata__", cJSON_Duplicate(meta, 1));
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t bytes = t[i].rows * t[i].cols * (t[i].f32 ? 4 : 8);
        cJSON *e = cJSON_AddObjectToObject(h, t[i].name);
        cJSON_AddStringToObject(e, "dtype", t[i].f32 ? "F32" : "F64");
        cJSON *shape = cJSON_AddArrayToObject(e, "shape");
        cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t[i].rows));
        if (t[i].rank == 2) cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t[i].cols));
        cJSON *off = cJSON_AddArrayToObject(e, "data_offsets");
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)at));
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)(at + bytes)));
        at += bytes;
    }
    char *json = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    const size_t hl = (strlen(json) + 7) / 8 * 8;
    *len = 8 + hl + at;
    unsigned char *out = malloc(*len), *p = out + 8 + hl;
    for (int k = 0; k < 8; k++) out[k] = (unsigned char)((uint64_t)hl >> (8 * k));
    memset(out + 8, ' ', hl);
    memcpy(out + 8, json, strlen(json));
    free(json);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < t[i].rows * t[i].cols; j++) {
            uint64_t bits;
            int width = 8;
            if (t[i].f32) {
                float f = (float)t[i].values[j];
                uint32_t b;
                memcpy(&b, &f, 4);
                bits = b;
                width = 4;
            } else {
                memcpy(&bits, &t[i].values[j], 8);
            }
            for (int k = 0; k < width; k++) *p++ = (unsigned char)(bits >> (8 * k));
        }
    return out;
}

unsigned char *tu_general_bytes(const cJSON *root, const char *gru_order, int split, size_t *len)
{
    const cJSON *cfg = cJSON_GetObjectItem(root, "config"), *tensors = cJSON_GetObjectItem(root, "tensors");
    const size_t V = (size_t)cJSON_GetObjectItem(cfg, "vocab_size")->valuedouble;
    const size_t C = (size_t)cJSON_GetObjectItem(cfg, "classes")->valuedouble;
    const size_t H = (size_t)cJSON_GetObjectItem(cfg, "hidden_dim")->valuedouble;
    const size_t D = (size_t)cJSON_GetObjectItem(cfg, "directions")->valuedouble;
    const int gru = strcmp(cJSON_GetObjectItem(cfg, "cell")->valuestring, "gru") == 0;
    cJSON *meta = cJSON_Duplicate(cJSON_GetObjectItem(root, "metadata"), 1);
    int gate[GATE_COUNT] = {0, 1, 2, 3};
    lrp_error err;
    if (gru && gru_order) {
        if (model_parse_gates(CELL_GRU, gru_order, gate, &err) != LRP_OK) {
            fprintf(stderr, "general file: %s\n", err.message);
            cJSON_Delete(meta);
            return NULL;
        }
        cJSON_DeleteItemFromObject(meta, "gate_order");
        cJSON_AddStringToObject(meta, "gate_order", gru_order);
    }
    cJSON_AddStringToObject(meta, "format", "lrp-rnn");
    cJSON_AddStringToObject(meta, "lowercase", "false"); /* as a model made by model_create */
    size_t cap = 24 * (V + C) + 64, at = 0;
    char *words = malloc(cap), *labels = malloc(cap);
    for (size_t i = 0; i < V; i++) at += (size_t)snprintf(words + at, cap - at, "%sw%zu", i ? "\n" : "", i);
    at = 0;
    for (size_t c = 0; c < C; c++) /* as name_model */
        at += (size_t)(C == 5 ? snprintf(labels + at, cap - at, "%s%s", c ? "\n" : "", sst_labels[c])
                              : snprintf(labels + at, cap - at, "%sc%zu", c ? "\n" : "", c));
    cJSON_AddStringToObject(meta, "vocab", words);
    cJSON_AddStringToObject(meta, "labels", labels);
    free(words);
    free(labels);

    tu_named t[MODEL_MAX_TENSORS + 1];
    size_t n = 0;
    const cJSON *item;
    int ok = 1;
    cJSON_ArrayForEach(item, tensors)
    {
        tu_named *x = &t[n];
        memset(x, 0, sizeof *x);
        snprintf(x->name, sizeof x->name, "%s", item->string);
        x->rank = cJSON_IsArray(cJSON_GetArrayItem(item, 0)) ? 2 : 1;
        x->values = x->rank == 2 ? tu_json_matrix(item, &x->rows, &x->cols) : (x->cols = 1, tu_json_doubles(item, &x->rows));
        ok = ok && x->values;
        if (!x->values) break;
        n++;
        if (gru && strncmp(x->name, "encoder.", 8) == 0) { /* file block k holds block gate[k] */
            double *v = malloc(x->rows * x->cols * sizeof *v);
            for (size_t r = 0; r < x->rows; r++)
                memcpy(v + r * x->cols, x->values + ((size_t)gate[r / H] * H + r % H) * x->cols, x->cols * sizeof *v);
            free(x->values);
            x->values = v;
        }
        if (split && strcmp(x->name, "classifier.weight") == 0) { /* its fwd and bwd columns */
            double *w = x->values;
            for (size_t d = 0; d < D; d++) {
                tu_named *y = &t[n - 1 + d];
                *y = (tu_named){.rank = 2, .rows = C, .cols = H, .values = malloc(C * H * sizeof(double))};
                snprintf(y->name, sizeof y->name, "classifier.weight_%s", d ? "bwd" : "fwd");
                for (size_t c = 0; c < C; c++) memcpy(y->values + c * H, w + c * D * H + d * H, H * sizeof *w);
            }
            free(w);
            n += D - 1;
        }
    }
    unsigned char *out = ok ? tu_safetensors_bytes(meta, t, n, len) : NULL;
    if (!ok) fprintf(stderr, "general file: a tensor is not an array of numbers\n");
    for (size_t i = 0; i < n; i++) free(t[i].values);
    cJSON_Delete(meta);
    return out;
}

lrp_model *tu_random_model_shape(const model_shape *shape, double scale, unsigned long long seed)
{
    lrp_model *m;
    lrp_error err;
    if (model_create(&m, shape, &err) != LRP_OK) {
        fprintf(stderr, "random model: %s\n", err.message);
        return NULL;
    }
    for (size_t i = 0; i < m->layout.total; i++) m->params[i] = scale * (2.0 * tu_uniform(&seed) - 1.0);
    if (!name_model(m) || model_prepare(m, &err) != LRP_OK) {
        lrp_model_free(m);
        return NULL;
    }
    return m;
}

int tu_same_doubles(const double *a, const double *b, size_t n)
{
    if (!a || !b) return a == b;
    return memcmp(a, b, n * sizeof *a) == 0;
}

int tu_same_result(const lrp_result *a, const lrp_result *b, size_t E)
{
    if (a->length != b->length || a->classes != b->classes || a->predicted != b->predicted ||
        a->n_explanations != b->n_explanations)
        return 0;
    size_t T = a->length;
    if (!tu_same_doubles(a->scores, b->scores, a->classes) ||
        !tu_same_doubles(a->probabilities, b->probabilities, a->classes))
        return 0;
    for (size_t k = 0; k < a->n_explanations; k++) {
        const lrp_explanation *x = &a->explanations[k], *y = &b->explanations[k];
        if (x->method != y->method || x->target != y->target ||
            memcmp(&x->rest, &y->rest, sizeof x->rest) != 0 ||
            !tu_same_doubles(x->relevance, y->relevance, T) ||
            !tu_same_doubles(x->relevance_fwd, y->relevance_fwd, T) ||
            !tu_same_doubles(x->relevance_bwd, y->relevance_bwd, T) ||
            !tu_same_doubles(x->dims_fwd, y->dims_fwd, T * E) || !tu_same_doubles(x->dims_bwd, y->dims_bwd, T * E))
            return 0;
    }
    return 1;
}

double tu_explanation_difference(const lrp_explanation *x, const lrp_explanation *y, size_t T, size_t E, size_t D)
{
    double d = fabs(x->rest - y->rest);
    for (size_t t = 0; t < T; t++)
        d = fmax(d, fmax(fabs(x->relevance[t] - y->relevance[t]), fabs(x->relevance_fwd[t] - y->relevance_fwd[t])));
    for (size_t t = 0; D == 2 && t < T; t++) d = fmax(d, fabs(x->relevance_bwd[t] - y->relevance_bwd[t]));
    for (size_t i = 0; i < T * E; i++) d = fmax(d, fabs(x->dims_fwd[i] - y->dims_fwd[i]));
    for (size_t i = 0; D == 2 && i < T * E; i++) d = fmax(d, fabs(x->dims_bwd[i] - y->dims_bwd[i]));
    return d;
}

unsigned long long tu_random_u64(unsigned long long *state)
{
    uint64_t s = *state;
    const uint64_t z = splitmix64(&s);
    *state = s;
    return z;
}

double tu_uniform(unsigned long long *state)
{
    return rand_unit(tu_random_u64(state));
}

lrp_model *tu_random_model(size_t V, size_t E, size_t H, size_t C, size_t L, size_t D, int has_bias,
                           double scale, unsigned long long seed)
{
    model_shape s = {.V = V, .E = E, .H = H, .C = C, .L = L, .D = D, .has_bias = has_bias};
    lrp_model *m;
    lrp_error err;
    if (model_create(&m, &s, &err) != LRP_OK) {
        fprintf(stderr, "random model: %s\n", err.message);
        return NULL;
    }
    for (size_t i = 0; i < m->layout.total; i++) m->params[i] = scale * (2.0 * tu_uniform(&seed) - 1.0);
    if (!name_model(m) || model_prepare(m, &err) != LRP_OK) {
        lrp_model_free(m);
        return NULL;
    }
    return m;
}

const char *tu_tmpdir(void)
{
    static char dir[512];
    if (dir[0]) return dir;
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/lrp-test-XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    return dir;
}

// ----------------------------------------------------------------------------
// PyTorch fixtures

double tu_max_abs_diff(const double *a, const double *b, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]);
        if (d > m || isnan(d)) m = d;
    }
    return m;
}

const char *tu_json_string(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

long tu_json_long(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

cJSON *tu_torch_fixture(const char *name, char *dir, size_t len)
{
    char path[1200];
    snprintf(dir, len, "%s/pytorch", tu_data_dir());
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    cJSON *fx = tu_load_json(path);
    TU_CHECK(fx != NULL, "%s: fixture", path);
    return fx;
}

/* The model as the fixture says to load it: side files, unk and options when given. */
lrp_model *tu_load_torch_fixture(const cJSON *fx, const char *dir, const char *name)
{
    char path[1400], vocab[1400], labels[1400];
    lrp_load_options o;
    lrp_load_options_init(&o);
    snprintf(path, sizeof path, "%s/%s", dir, tu_json_string(fx, "model"));
    if (tu_json_string(fx, "vocab_file")) {
        snprintf(vocab, sizeof vocab, "%s/%s", dir, tu_json_string(fx, "vocab_file"));
        snprintf(labels, sizeof labels, "%s/%s", dir, tu_json_string(fx, "labels_file"));
        o.vocab_path = vocab;
        o.labels_path = labels;
        o.unk = tu_json_string(fx, "unk");
    }
    const cJSON *opts = cJSON_GetObjectItem(fx, "options");
    o.pooling = tu_json_string(opts, "pooling");
    o.dense_prefixes = tu_json_string(opts, "dense_prefixes");
    o.attention_prefix = tu_json_string(opts, "attention_prefix");
    o.activation = tu_json_string(opts, "activation");
    lrp_model *m = NULL;
    lrp_error err;
    lrp_status st = lrp_model_load_ex(&m, path, &o, &err);
    TU_CHECK_STATUS(st, LRP_OK, err);
    if (st != LRP_OK) return NULL;

    lrp_model_info in;
    lrp_model_get_info(m, &in);
    TU_CHECK(in.vocab_size == (size_t)tu_json_long(fx, "V") && in.embed_dim == (size_t)tu_json_long(fx, "E") &&
                 in.hidden_dim == (size_t)tu_json_long(fx, "H") && in.classes == (size_t)tu_json_long(fx, "C") &&
                 in.layers == (size_t)tu_json_long(fx, "layers") &&
                 in.directions == (size_t)tu_json_long(fx, "directions"),
             "%s: sizes V=%zu E=%zu H=%zu C=%zu L=%zu D=%zu differ from the fixture's", name,
             in.vocab_size, in.embed_dim, in.hidden_dim, in.classes, in.layers, in.directions);
    TU_CHECK(in.has_output_bias == cJSON_IsTrue(cJSON_GetObjectItem(fx, "output_bias")),
             "%s: output bias %d", name, in.has_output_bias);
    TU_CHECK(in.lowercase == cJSON_IsTrue(cJSON_GetObjectItem(fx, "lowercase")), "%s: lowercase %d",
             name, in.lowercase);
    const char *unk = tu_json_string(fx, "unk");
    TU_CHECK(unk && in.unk_id >= 0 && strcmp(lrp_model_word(m, (size_t)in.unk_id), unk) == 0,
             "%s: unk id %ld", name, in.unk_id);
    TU_CHECK(strstr(lrp_model_source(m), "PyTorch state_dict") != NULL, "%s: source \"%s\"", name,
             lrp_model_source(m));
    return m;
}

// ----------------------------------------------------------------------------
// training fixtures

static const char *const TB_POS[] = {"good", "great", "fine", "superb"};
static const char *const TB_NEG[] = {"bad", "awful", "dull", "boring"};
static const char *const TB_NEU[] = {"the", "movie", "film", "a", "plot", "story"};

/* Label of a span: positive (3) when it has more positive words, negative (1) when
 * more negative ones, else neutral (2). */
static int tb_label(const int *pol, size_t b, size_t e)
{
    int s = 0;
    for (size_t i = b; i < e; i++) s += pol[i];
    return s > 0 ? 3 : s < 0 ? 1 : 2;
}

/* Right-branching tree over words [b, e), appended to out. */
static void tb_tree(char *out, size_t cap, const char **w, const int *pol, size_t b, size_t e)
{
    size_t n = strlen(out);
    if (e - b == 1) {
        snprintf(out + n, cap - n, "(%d %s)", tb_label(pol, b, e), w[b]);
        return;
    }
    snprintf(out + n, cap - n, "(%d ", tb_label(pol, b, e));
    tb_tree(out, cap, w, pol, b, b + 1);
    n = strlen(out);
    snprintf(out + n, cap - n, " ");
    tb_tree(out, cap, w, pol, b + 1, e);
    n = strlen(out);
    snprintf(out + n, cap - n, ")");
}

FILE *tu_open_write(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void tb_write(const char *dir, const char *name, size_t n, unsigned long long seed)
{
    FILE *f = tu_open_write(dir, name);
    char line[512];
    for (size_t i = 0; i < n; i++) {
        size_t T = 3 + (size_t)(tu_uniform(&seed) * 5);
        const char *w[8];
        int pol[8];
        for (size_t t = 0; t < T; t++) {
            double u = tu_uniform(&seed);
            size_t k = (size_t)(tu_uniform(&seed) * 4);
            if (u < 0.25) {
                w[t] = TB_POS[k];
                pol[t] = 1;
            } else if (u < 0.5) {
                w[t] = TB_NEG[k];
                pol[t] = -1;
            } else {
                w[t] = TB_NEU[(size_t)(tu_uniform(&seed) * 6)];
                pol[t] = 0;
            }
        }
        line[0] = '\0';
        tb_tree(line, sizeof line, w, pol, 0, T);
        fprintf(f, "%s\n", line);
    }
    if (fclose(f) != 0) {
        perror(name);
        exit(1);
    }
}

const char *tu_write_treebank(const char *name, size_t n_train, size_t n_dev, size_t n_test)
{
    static char dir[700];
    snprintf(dir, sizeof dir, "%s/%s", tu_tmpdir(), name);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        perror(dir);
        exit(1);
    }
    tb_write(dir, "train.txt", n_train, 1);
    tb_write(dir, "dev.txt", n_dev, 2);
    tb_write(dir, "test.txt", n_test, 3);
    return dir;
}

double tu_reference_loss_grad(const lrp_model *m, const int32_t *ids, size_t T, int y, double *grad)
{
    const size_t E = m->shape.E, C = m->shape.C;
    net_workspace ws;
    lrp_error err;
    if (net_workspace_init(&ws, m, T, &err) != LRP_OK) return NAN;
    double *ds = malloc(C * sizeof *ds);
    double *gx[2] = {calloc(T * E, sizeof(double)), calloc(T * E, sizeof(double))};
    double loss = NAN;
    if (ds && gx[0] && gx[1]) {
        net_forward(m, ids, NULL, T, &ws);
        /* softmax cross-entropy, the largest score subtracted */
        double mx = ws.scores[0], z = 0.0;
        for (size_t c = 1; c < C; c++) mx = ws.scores[c] > mx ? ws.scores[c] : mx;
        for (size_t c = 0; c < C; c++) z += exp(ws.scores[c] - mx);
        for (size_t c = 0; c < C; c++) ds[c] = exp(ws.scores[c] - mx) / z - (c == (size_t)y);
        net_backward(m, &ws, ds, gx, grad);
        const size_t D = m->shape.D;
        for (size_t t = 0; t < T; t++)
            for (size_t k = 0; k < E; k++)
                grad[m->layout.emb + (size_t)ids[t] * E + k] += gx[0][t * E + k] + (D == 2 ? gx[1][t * E + k] : 0.0);
        loss = log(z) + mx - ws.scores[y];
    }
    free(ds);
    free(gx[0]);
    free(gx[1]);
    net_workspace_free(&ws);
    return loss;
}
