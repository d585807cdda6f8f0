/*
 * core.c - lrp_rnn._core: the CPython extension under the Python package, written
 * against the public API of liblrp (include/lrp.h) and nothing else. The Python
 * modules of lrp_rnn (lrp_rnn/_model.py) check and shape the arguments; this file
 * loads models, turns sentences (text, tokens or numpy word ids) into lrp_sentence
 * views, explains them in one batch per target list on the library's threads with
 * the GIL released, and copies the results into numpy arrays.
 *
 * Errors: a failing library call raises the lrp_rnn.Error subclass of its status
 * (lrp_rnn/_errors.py) with the library's message. A sentence's problem names the
 * sentence by its 0-based position in the caller's list ("sentence 3: ..."), or
 * not at all when the caller explains a single sentence.
 *
 * Sizes: n sentences, T words of one, E embedding size, C classes, V vocabulary.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <structmember.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lrp.h"

// ----------------------------------------------------------------------------
// errors

/* The exception class of each lrp_status, from lrp_rnn._errors, looked up once when
 * the module is imported and only read afterwards; index 0 holds the base class
 * lrp_rnn.Error, raised for a status this file does not know. */
enum { N_STATUS = LRP_ERR_NUMERIC + 1 };
static const char *const error_class_name[N_STATUS] = {
    [LRP_OK] = "Error",
    [LRP_ERR_IO] = "FileError",
    [LRP_ERR_FORMAT] = "FormatError",
    [LRP_ERR_INPUT] = "InputError",
    [LRP_ERR_ARGUMENT] = "ArgumentError",
    [LRP_ERR_NOMEM] = "OutOfMemoryError",
    [LRP_ERR_NUMERIC] = "NumericError",
};
static PyObject *error_class[N_STATUS];

static PyObject *error_for(lrp_status status)
{
    return (int)status > LRP_OK && (int)status < N_STATUS ? error_class[status] : error_class[LRP_OK];
}

/* Raise the exception of err->status with the library's message; returns NULL. */
static PyObject *raise_lrp(const lrp_error *err)
{
    PyErr_SetString(error_for(err->status), err->message);
    return NULL;
}

/* "sentence i: message", or the message alone when the call explains one sentence. */
static void raise_sentence(PyObject *cls, size_t i, int single, const char *message)
{
    if (single) PyErr_SetString(cls, message);
    else PyErr_Format(cls, "sentence %zu: %s", i, message);
}

/* raise_sentence with a printf-style message */
static void raise_sentencef(PyObject *cls, size_t i, int single, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    raise_sentence(cls, i, single, msg);
}

/* The library names a batch's failing sentence by its index k in that batch
 * ("sentence k: ..."). A group holds some of the caller's sentences (idx[k], or k
 * when idx is NULL): raise with the caller's index, or none for a single sentence.
 * Other messages are raised as they are. */
static void raise_batch(const lrp_error *err, const size_t *idx, size_t m, int single)
{
    const char *msg = err->message;
    if (strncmp(msg, "sentence ", 9) == 0) {
        char *end;
        unsigned long long k = strtoull(msg + 9, &end, 10);
        if (end != msg + 9 && end[0] == ':' && end[1] == ' ' && k < m) {
            raise_sentence(error_for(err->status), idx ? idx[k] : (size_t)k, single, end + 2);
            return;
        }
    }
    raise_lrp(err);
}

// ----------------------------------------------------------------------------
// the model object

/* Explainers kept between calls, so their threads' workspaces stay allocated: a
 * call takes one (or makes one) and gives it back; calls from several Python
 * threads at once each get their own. Taken and given back with the GIL held. */
enum { EXPLAINER_CACHE = 4 };

typedef struct explainer_slot {
    lrp_explainer *explainer;
    int threads; /* as asked: 0 = all cores */
} explainer_slot;

typedef struct ModelObject {
    PyObject_HEAD
    lrp_model *model;
    lrp_model_info info;
    PyObject *words;  /* tuple of V str, made at first use */
    PyObject *labels; /* tuple of C str */
    explainer_slot cache[EXPLAINER_CACHE];
    size_t n_cache;
} ModelObject;

static void Model_dealloc(ModelObject *self)
{
    for (size_t k = 0; k < self->n_cache; k++) lrp_explainer_free(self->cache[k].explainer);
    Py_XDECREF(self->words);
    Py_XDECREF(self->labels);
    lrp_model_free(self->model);
    PyObject_Free(self);
}

static PyTypeObject ModelType;

static PyObject *utf8_str(const char *s)
{
    /* the library checks names when loading; "replace" only guards the impossible */
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* A tuple of n str: name(model, k) for k < n. */
static PyObject *name_tuple(const lrp_model *model, size_t n, const char *(*name)(const lrp_model *, size_t))
{
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t k = 0; t && k < n; k++) {
        PyObject *s = utf8_str(name(model, k));
        if (!s) Py_CLEAR(t);
        else PyTuple_SET_ITEM(t, (Py_ssize_t)k, s);
    }
    return t;
}

/* A Python object owning `model` (freed on failure). */
static PyObject *model_wrap(lrp_model *model)
{
    ModelObject *self = PyObject_New(ModelObject, &ModelType);
    if (!self) {
        lrp_model_free(model);
        return NULL;
    }
    self->model = model;
    lrp_model_get_info(model, &self->info);
    self->words = NULL;
    self->n_cache = 0;
    self->labels = name_tuple(model, self->info.classes, lrp_model_label);
    if (!self->labels) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static PyObject *model_words(ModelObject *self)
{
    if (!self->words) self->words = name_tuple(self->model, self->info.vocab_size, lrp_model_word);
    return self->words;
}

static lrp_explainer *explainer_take(ModelObject *self, int threads)
{
    for (size_t k = self->n_cache; k-- > 0;)
        if (self->cache[k].threads == threads) {
            lrp_explainer *ex = self->cache[k].explainer;
            self->cache[k] = self->cache[--self->n_cache];
            return ex;
        }
    lrp_explainer *ex;
    lrp_error err;
    if (lrp_explainer_new(&ex, self->model, threads, &err) != LRP_OK) {
        raise_lrp(&err);
        return NULL;
    }
    return ex;
}

static void explainer_give(ModelObject *self, int threads, lrp_explainer *ex)
{
    if (self->n_cache < EXPLAINER_CACHE) self->cache[self->n_cache++] = (explainer_slot){ex, threads};
    else lrp_explainer_free(ex);
}

// ----------------------------------------------------------------------------
// loading: load(path, ...) and loads(data, ...), with the lrp_load_options as
// keyword arguments (None = from the file; lowercase -1 = from the file)

#define LOAD_KEYWORDS "vocab", "labels", "unk", "lowercase", "prefix_embedding", "prefix_lstm", \
                      "prefix_classifier", "prefix_rnn", "prefix_attention", "prefix_dense", "pooling", "activation"
#define LOAD_FORMAT "$zzzizzzzzzzz"
#define LOAD_TARGETS(o) &(o).vocab_path, &(o).labels_path, &(o).unk, &(o).lowercase, \
                        &(o).embedding_prefix, &(o).lstm_prefix, &(o).classifier_prefix, &(o).rnn_prefix, \
                        &(o).attention_prefix, &(o).dense_prefixes, &(o).pooling, &(o).activation

static PyObject *core_load(PyObject *module, PyObject *args, PyObject *kw)
{
    (void)module;
    static char *kwlist[] = {"path", LOAD_KEYWORDS, NULL};
    PyObject *path = NULL;
    lrp_load_options o;
    lrp_load_options_init(&o);
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|" LOAD_FORMAT ":load", kwlist, PyUnicode_FSConverter,
                                     &path, LOAD_TARGETS(o)))
        return NULL;
    lrp_model *model = NULL;
    lrp_error err;
    lrp_status st;
    Py_BEGIN_ALLOW_THREADS
    st = lrp_model_load_ex(&model, PyBytes_AS_STRING(path), &o, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st != LRP_OK) return raise_lrp(&err);
    return model_wrap(model);
}

static PyObject *core_loads(PyObject *module, PyObject *args, PyObject *kw)
{
    (void)module;
    static char *kwlist[] = {"data", LOAD_KEYWORDS, NULL};
    Py_buffer data;
    lrp_load_options o;
    lrp_load_options_init(&o);
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|" LOAD_FORMAT ":loads", kwlist, &data, LOAD_TARGETS(o)))
        return NULL;
    lrp_model *model = NULL;
    lrp_error err;
    lrp_status st;
    Py_BEGIN_ALLOW_THREADS
    st = lrp_model_load_memory_ex(&model, data.buf, (size_t)data.len, &o, &err);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    if (st != LRP_OK) return raise_lrp(&err);
    return model_wrap(model);
}

// ----------------------------------------------------------------------------
// model facts

/* lrp_model_info as a dict, one row per field: a field lrp_model_info gains is one
 * more row here (dense_sizes, an array, is the one field read apart). */
typedef enum info_kind { INFO_SIZE, INFO_BOOL, INFO_STR } info_kind;
static const struct {
    const char *key;
    size_t offset;
    info_kind kind;
} info_fields[] = {
    {"cell", offsetof(lrp_model_info, cell), INFO_STR},
    {"vocab_size", offsetof(lrp_model_info, vocab_size), INFO_SIZE},
    {"embed_dim", offsetof(lrp_model_info, embed_dim), INFO_SIZE},
    {"hidden_dim", offsetof(lrp_model_info, hidden_dim), INFO_SIZE},
    {"classes", offsetof(lrp_model_info, classes), INFO_SIZE},
    {"layers", offsetof(lrp_model_info, layers), INFO_SIZE},
    {"directions", offsetof(lrp_model_info, directions), INFO_SIZE},
    {"pooling", offsetof(lrp_model_info, pooling), INFO_STR},
    {"attention_dim", offsetof(lrp_model_info, attention_dim), INFO_SIZE},
    {"activation", offsetof(lrp_model_info, activation), INFO_STR},
    {"output_bias", offsetof(lrp_model_info, has_output_bias), INFO_BOOL},
    {"lowercase", offsetof(lrp_model_info, lowercase), INFO_BOOL},
};

static int dict_put(PyObject *d, const char *key, PyObject *value)
{
    if (!value) return -1;
    int rc = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return rc;
}

/* A list of n sizes. */
static PyObject *size_list(const size_t *v, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t k = 0; list && k < n; k++) {
        PyObject *x = PyLong_FromSize_t(v[k]);
        if (!x) Py_CLEAR(list);
        else PyList_SET_ITEM(list, (Py_ssize_t)k, x);
    }
    return list;
}

static PyObject *Model_info(ModelObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    const char *info = (const char *)&self->info;
    int rc = dict_put(d, "architecture", utf8_str(lrp_model_describe(self->model)));
    for (size_t k = 0; k < sizeof info_fields / sizeof info_fields[0]; k++) {
        const char *p = info + info_fields[k].offset;
        PyObject *v = info_fields[k].kind == INFO_SIZE   ? PyLong_FromSize_t(*(const size_t *)p)
                      : info_fields[k].kind == INFO_BOOL ? PyBool_FromLong(*(const int *)p)
                                                         : utf8_str(*(const char *const *)p);
        rc |= dict_put(d, info_fields[k].key, v);
    }
    rc |= dict_put(d, "dense", size_list(self->info.dense_sizes, self->info.n_dense));
    long unk = self->info.unk_id;
    rc |= dict_put(d, "unk_id", unk >= 0 ? PyLong_FromLong(unk) : Py_NewRef(Py_None));
    rc |= dict_put(d, "unk", unk >= 0 ? utf8_str(lrp_model_word(self->model, (size_t)unk)) : Py_NewRef(Py_None));
    rc |= dict_put(d, "labels", PySequence_List(self->labels));
    rc |= dict_put(d, "source", utf8_str(lrp_model_source(self->model)));
    if (rc) Py_CLEAR(d);
    return d;
}

static PyObject *Model_words(ModelObject *self, PyObject *unused)
{
    (void)unused;
    return Py_XNewRef(model_words(self));
}

static PyObject *Model_labels(ModelObject *self, PyObject *unused)
{
    (void)unused;
    return Py_NewRef(self->labels);
}

/* Class index of a label name or of a decimal index, -1 if neither. */
static PyObject *Model_label_index(ModelObject *self, PyObject *arg)
{
    const char *s = PyUnicode_Check(arg) ? PyUnicode_AsUTF8(arg) : NULL;
    if (!s) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a label must be a str");
        return NULL;
    }
    return PyLong_FromLong(lrp_model_label_index(self->model, s));
}

static PyObject *Model_save(ModelObject *self, PyObject *args)
{
    PyObject *path;
    int f64;
    if (!PyArg_ParseTuple(args, "O&p:save", PyUnicode_FSConverter, &path, &f64)) return NULL;
    lrp_error err;
    lrp_status st;
    Py_BEGIN_ALLOW_THREADS
    st = lrp_model_save(self->model, PyBytes_AS_STRING(path), f64 ? LRP_F64 : LRP_F32, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st != LRP_OK) return raise_lrp(&err);
    Py_RETURN_NONE;
}

// ----------------------------------------------------------------------------
// sentences

typedef enum input_mode { MODE_TEXT, MODE_PRETOKENIZED, MODE_TOKENS, MODE_IDS } input_mode;
static const char *const mode_names[] = {"text", "pretokenized", "tokens", "ids"};

/* One sentence: its words (text and token input; ids input has none: the words are
 * the vocabulary's), ids, unknown marks and deletion mask, in one block. */
typedef struct sentence_buf {
    size_t T;
    lrp_tokens tokens;
    int32_t *ids;           /* [T] */
    unsigned char *unknown; /* [T] */
    unsigned char *deleted; /* [T] or NULL */
} sentence_buf;

typedef struct batch {
    size_t n;
    int single;          /* the caller asked about one sentence: no index in messages */
    sentence_buf *buf;   /* [n] */
    lrp_sentence *s;     /* [n] views of buf */
    lrp_result *res;     /* [n] */
} batch;

static void batch_free(batch *b)
{
    for (size_t i = 0; b->buf && i < b->n; i++) {
        lrp_tokens_free(&b->buf[i].tokens);
        free(b->buf[i].ids);
        free(b->buf[i].deleted);
    }
    for (size_t i = 0; b->res && i < b->n; i++) lrp_result_free(&b->res[i]);
    free(b->buf);
    free(b->s);
    free(b->res);
}

/* ids and unknown marks for T words: one allocation (unknown after the ids). */
static int sentence_alloc(sentence_buf *sb, size_t T)
{
    size_t n = T ? T : 1;
    sb->T = T;
    sb->ids = malloc(n * (sizeof *sb->ids + 1));
    if (!sb->ids) {
        PyErr_NoMemory();
        return -1;
    }
    sb->unknown = (unsigned char *)(sb->ids + n);
    memset(sb->unknown, 0, n);
    return 0;
}

/* UTF-8 of a str item, or an error naming the sentence. */
static const char *item_utf8(PyObject *item, size_t i, int single, const char *what, Py_ssize_t *len)
{
    if (!PyUnicode_Check(item)) {
        raise_sentencef(PyExc_TypeError, i, single, "expected %s, got %.100s", what, Py_TYPE(item)->tp_name);
        return NULL;
    }
    const char *s = PyUnicode_AsUTF8AndSize(item, len);
    if (!s) { /* lone surrogates: not text the library can read */
        PyErr_Clear();
        raise_sentence(error_class[LRP_ERR_INPUT], i, single, "not valid Unicode text (a lone surrogate)");
    }
    return s;
}

/* A list of tokens as one line of tokens separated by spaces, for lrp_split_tokens
 * (which checks the text and lowercases as the model asks). A token must be a
 * non-empty str without separators, so that the line splits back into the same
 * tokens. Returns a new bytes object. */
static PyObject *join_tokens(PyObject *list, size_t i, int single)
{
    if (!PyList_Check(list) && !PyTuple_Check(list)) {
        raise_sentencef(PyExc_TypeError, i, single, "expected a list of tokens (str), got %.100s",
                        Py_TYPE(list)->tp_name);
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(list);
    PyObject **items = PySequence_Fast_ITEMS(list);
    size_t total = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t len;
        const char *s = item_utf8(items[k], i, single, "a token (str)", &len);
        if (!s) return NULL;
        const char *bad = len == 0 ? "is empty" : NULL;
        for (Py_ssize_t j = 0; !bad && j < len; j++)
            if (s[j] == ' ' || (s[j] >= '\t' && s[j] <= '\r')) bad = "contains white space";
        if (bad) {
            raise_sentencef(error_class[LRP_ERR_INPUT], i, single, "token %zd %s: a token is one word", k, bad);
            return NULL;
        }
        total += (size_t)len + 1;
    }
    PyObject *line = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(total ? total - 1 : 0));
    if (!line) return NULL;
    char *p = PyBytes_AS_STRING(line);
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(items[k], &len);
        if (k) *p++ = ' ';
        memcpy(p, s, (size_t)len);
        p += len;
    }
    return line;
}

/* Text, a line of tokens or a list of tokens -> tokens -> ids. In MODE_TOKENS an item
 * may be either of the last two. */
static int prepare_words(ModelObject *self, input_mode mode, PyObject *item, size_t i, int single,
                         sentence_buf *sb)
{
    PyObject *line = NULL;
    Py_ssize_t len;
    const char *text;
    if (mode == MODE_TOKENS && PyUnicode_Check(item)) mode = MODE_PRETOKENIZED; /* a line of tokens */
    if (mode == MODE_TOKENS) {
        line = join_tokens(item, i, single);
        if (!line) return -1;
        text = PyBytes_AS_STRING(line);
        len = PyBytes_GET_SIZE(line);
    } else {
        text = item_utf8(item, i, single, "a str", &len);
        if (!text) return -1;
    }
    lrp_error err;
    int lower = self->info.lowercase;
    lrp_status st = mode == MODE_TEXT ? lrp_tokenize(text, (size_t)len, lower, &sb->tokens, &err)
                                      : lrp_split_tokens(text, (size_t)len, lower, &sb->tokens, &err);
    Py_XDECREF(line);
    if (st != LRP_OK) {
        raise_sentence(error_for(st), i, single, err.message);
        return -1;
    }
    if (sentence_alloc(sb, sb->tokens.count) != 0) return -1;
    st = lrp_encode(self->model, &sb->tokens, sb->ids, sb->unknown, &err);
    if (st != LRP_OK) {
        raise_sentence(error_for(st), i, single, err.message);
        return -1;
    }
    return 0;
}

/* Entry t of a 1-D integer array of any integer type and strides, as a signed value
 * (*neg = 1) or an unsigned one. No copy of the array is made. */
static uint64_t id_at(PyArrayObject *a, npy_intp t, int *neg)
{
    const char *p = PyArray_GETPTR1(a, t);
    int64_t s;
    *neg = 0;
    switch (PyArray_TYPE(a)) {
    case NPY_BYTE: s = *(const npy_byte *)p; break;
    case NPY_SHORT: s = *(const npy_short *)p; break;
    case NPY_INT: s = *(const npy_int *)p; break;
    case NPY_LONG: s = *(const npy_long *)p; break;
    case NPY_LONGLONG: s = *(const npy_longlong *)p; break;
    case NPY_UBYTE: return *(const npy_ubyte *)p;
    case NPY_USHORT: return *(const npy_ushort *)p;
    case NPY_UINT: return *(const npy_uint *)p;
    case NPY_ULONG: return *(const npy_ulong *)p;
    default: return *(const npy_ulonglong *)p; /* NPY_ULONGLONG, the last integer type */
    }
    *neg = s < 0;
    return (uint64_t)s;
}

/* A numpy integer array of word ids, each in [0, V), of any integer type, byte order
 * native (numpy's default). */
static int prepare_ids(ModelObject *self, PyObject *item, size_t i, int single, sentence_buf *sb)
{
    if (!PyArray_Check(item) || !PyArray_ISINTEGER((PyArrayObject *)item)) {
        raise_sentencef(PyExc_TypeError, i, single, "word ids must be a numpy integer array, got %.100s%s%.50s",
                        Py_TYPE(item)->tp_name, PyArray_Check(item) ? " of " : "",
                        PyArray_Check(item) ? PyArray_DESCR((PyArrayObject *)item)->typeobj->tp_name : "");
        return -1;
    }
    PyArrayObject *a = (PyArrayObject *)item;
    if (PyArray_NDIM(a) != 1) {
        raise_sentencef(error_class[LRP_ERR_INPUT], i, single,
                        "word ids must be a 1-D array (one sentence), got %d dimensions", PyArray_NDIM(a));
        return -1;
    }
    if (!PyArray_ISNOTSWAPPED(a)) {
        raise_sentencef(PyExc_TypeError, i, single, "word ids must be in native byte order");
        return -1;
    }
    size_t T = (size_t)PyArray_DIM(a, 0), V = self->info.vocab_size;
    if (sentence_alloc(sb, T) != 0) return -1;
    /* every id checked here, before the narrowing to int32 */
    for (size_t t = 0; t < T; t++) {
        int neg;
        uint64_t id = id_at(a, (npy_intp)t, &neg);
        if (neg || id >= V) {
            if (neg)
                raise_sentencef(error_class[LRP_ERR_INPUT], i, single, "word %zu: id %lld outside the vocabulary [0, %zu)",
                                t, (long long)id, V);
            else
                raise_sentencef(error_class[LRP_ERR_INPUT], i, single, "word %zu: id %llu outside the vocabulary [0, %zu)",
                                t, (unsigned long long)id, V);
            return -1;
        }
        sb->ids[t] = (int32_t)id;
    }
    return 0;
}

/* A numpy bool array of T entries (True: the word's embedding is zeroed), or None. */
static int prepare_deleted(PyObject *mask, size_t i, int single, size_t T, sentence_buf *sb)
{
    if (mask == Py_None) return 0;
    if (!PyArray_Check(mask) || PyArray_TYPE((PyArrayObject *)mask) != NPY_BOOL) {
        raise_sentencef(PyExc_TypeError, i, single, "deleted must be a numpy bool array or None, got %.100s",
                        Py_TYPE(mask)->tp_name);
        return -1;
    }
    PyArrayObject *a = (PyArrayObject *)mask;
    if (PyArray_NDIM(a) != 1 || (size_t)PyArray_DIM(a, 0) != T) {
        raise_sentencef(error_class[LRP_ERR_INPUT], i, single,
                        "deleted must be a 1-D mask of one entry per word: %d dimensions, %zd entries, %zu words",
                        PyArray_NDIM(a), (Py_ssize_t)PyArray_SIZE(a), T);
        return -1;
    }
    sb->deleted = malloc(T ? T : 1);
    if (!sb->deleted) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t t = 0; t < T; t++) sb->deleted[t] = *(const npy_bool *)PyArray_GETPTR1(a, (npy_intp)t) ? 1 : 0;
    return 0;
}

/* Every sentence of `items` (a list) read in `mode`, with the deletion masks
 * `deleted` (None or a list of None / bool arrays, one per sentence). */
static int batch_prepare(ModelObject *self, batch *b, const char *mode_name, PyObject *items, PyObject *deleted,
                         int single)
{
    memset(b, 0, sizeof *b);
    input_mode mode = MODE_TEXT;
    while (mode <= MODE_IDS && strcmp(mode_name, mode_names[mode]) != 0) mode++;
    if (mode > MODE_IDS) {
        PyErr_Format(PyExc_ValueError, "unknown input mode '%s'", mode_name);
        return -1;
    }
    if (!PyList_Check(items) || (deleted != Py_None && (!PyList_Check(deleted) ||
                                                       PyList_GET_SIZE(deleted) != PyList_GET_SIZE(items)))) {
        PyErr_SetString(PyExc_TypeError, "items must be a list, deleted None or a list as long");
        return -1;
    }
    size_t n = (size_t)PyList_GET_SIZE(items);
    b->n = n;
    b->single = single;
    b->buf = calloc(n ? n : 1, sizeof *b->buf);
    b->s = calloc(n ? n : 1, sizeof *b->s);
    b->res = calloc(n ? n : 1, sizeof *b->res);
    if (!b->buf || !b->s || !b->res) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(items, (Py_ssize_t)i);
        sentence_buf *sb = &b->buf[i];
        int rc = mode == MODE_IDS ? prepare_ids(self, item, i, single, sb)
                                  : prepare_words(self, mode, item, i, single, sb);
        if (rc == 0 && deleted != Py_None)
            rc = prepare_deleted(PyList_GET_ITEM(deleted, (Py_ssize_t)i), i, single, sb->T, sb);
        if (rc != 0) return -1;
        b->s[i] = (lrp_sentence){sb->ids, sb->T, sb->deleted};
    }
    return 0;
}

/* Explain the sentences idx[0..m) (every sentence when idx is NULL) with options o
 * in one batch on `threads` threads, the GIL released; results into b->res. */
static int batch_run(ModelObject *self, batch *b, const size_t *idx, size_t m, const lrp_options *o, int threads)
{
    lrp_sentence *s = b->s;
    lrp_result *res = b->res;
    if (idx) {
        s = malloc((m ? m : 1) * sizeof *s);
        res = calloc(m ? m : 1, sizeof *res);
        if (!s || !res) {
            free(s);
            free(res);
            PyErr_NoMemory();
            return -1;
        }
        for (size_t k = 0; k < m; k++) s[k] = b->s[idx[k]];
    }
    lrp_explainer *ex = explainer_take(self, threads);
    lrp_status st = LRP_ERR_NOMEM;
    lrp_error err;
    if (ex) {
        Py_BEGIN_ALLOW_THREADS
        st = lrp_explainer_run(ex, s, m, o, res, &err);
        Py_END_ALLOW_THREADS
        explainer_give(self, threads, ex);
        if (st != LRP_OK) raise_batch(&err, idx, m, b->single);
    }
    if (idx) {
        /* each result moves to its sentence's place (a failed run left them empty) */
        for (size_t k = 0; k < m; k++) b->res[idx[k]] = res[k];
        free(s);
        free(res);
    }
    return st == LRP_OK ? 0 : -1;
}

// ----------------------------------------------------------------------------
// results as numpy arrays

static PyObject *array_f64(const double *x, npy_intp n0, npy_intp n1)
{
    npy_intp dims[2] = {n0, n1};
    size_t count = (size_t)n0 * (size_t)(n1 ? n1 : 1);
    PyObject *a = PyArray_SimpleNew(n1 ? 2 : 1, dims, NPY_FLOAT64);
    if (a && count > 0) memcpy(PyArray_DATA((PyArrayObject *)a), x, count * sizeof *x);
    return a;
}

static PyObject *array_or_none(const double *x, npy_intp n0, npy_intp n1)
{
    return x ? array_f64(x, n0, n1) : Py_NewRef(Py_None);
}

/* The result classes of lrp_rnn._explanation, registered once at import
 * (set_result_types) and only read afterwards: Attribution, a named tuple of
 * ATTRIBUTION_FIELDS items, and Explanation, a class with __slots__ whose fields are
 * written here at their offsets, as its own __init__ would set them. Thousands are
 * made per call; building them here, not in Python, is most of what keeps a call's
 * cost near the library's. */
enum { ATTRIBUTION_FIELDS = 12 };
static PyTypeObject *attribution_type, *explanation_type;
typedef enum explanation_slot {
    SLOT_LINE, SLOT_TOKENS, SLOT_IDS, SLOT_UNKNOWN, SLOT_SCORES, SLOT_PROBABILITIES, SLOT_PREDICTED,
    SLOT_LABEL, SLOT_EXPLANATIONS, N_SLOTS
} explanation_slot;
static const char *const slot_names[N_SLOTS] = {"line", "tokens", "ids", "unknown", "scores", "probabilities",
                                                "predicted", "label", "explanations"};
static Py_ssize_t slot_offset[N_SLOTS];

static PyObject *core_set_result_types(PyObject *module, PyObject *args)
{
    (void)module;
    PyTypeObject *expl, *attr;
    if (!PyArg_ParseTuple(args, "O!O!:set_result_types", &PyType_Type, &expl, &PyType_Type, &attr)) return NULL;
    PyObject *fields = PyObject_GetAttrString((PyObject *)attr, "_fields");
    int ok = fields && PyTuple_Check(fields) && PyTuple_GET_SIZE(fields) == ATTRIBUTION_FIELDS &&
             PyType_IsSubtype(attr, &PyTuple_Type) && attr->tp_basicsize == PyTuple_Type.tp_basicsize;
    Py_XDECREF(fields);
    if (!ok) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "Attribution must be a named tuple of 12 fields without __dict__");
        return NULL;
    }
    for (int k = 0; k < N_SLOTS; k++) {
        PyObject *d = PyObject_GetAttrString((PyObject *)expl, slot_names[k]);
        if (!d || Py_TYPE(d) != &PyMemberDescr_Type || ((PyMemberDescrObject *)d)->d_member->type != T_OBJECT_EX) {
            Py_XDECREF(d);
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "Explanation must have a slot '%s'", slot_names[k]);
            return NULL;
        }
        slot_offset[k] = ((PyMemberDescrObject *)d)->d_member->offset;
        Py_DECREF(d);
    }
    Py_XSETREF(attribution_type, (PyTypeObject *)Py_NewRef(attr));
    Py_XSETREF(explanation_type, (PyTypeObject *)Py_NewRef(expl));
    Py_RETURN_NONE;
}

/* An instance of `type` (a tuple subclass or a class with slots) whose n items or
 * slots take the references in `items`; NULL (every reference released) when an item
 * is NULL or the allocation fails. */
static PyObject *make_result(PyTypeObject *type, PyObject **items, Py_ssize_t n, int slots)
{
    int ok = type != NULL;
    for (Py_ssize_t k = 0; k < n; k++) ok &= items[k] != NULL;
    PyObject *obj = ok ? type->tp_alloc(type, slots ? 0 : n) : NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!obj) Py_XDECREF(items[k]);
        else if (slots) *(PyObject **)((char *)obj + slot_offset[k]) = items[k];
        else PyTuple_SET_ITEM(obj, k, items[k]);
    }
    if (!ok && type == NULL) PyErr_SetString(PyExc_RuntimeError, "lrp_rnn's result types are not registered");
    return obj;
}

/* Attribution(method, target, relevance, relevance_fwd, relevance_bwd | None,
 * rest | None, target_label, dims_fwd | None, dims_bwd | None, completeness | None,
 * contrast | None, contrast_label | None); rest only for the LRP methods, completeness
 * only for ig, contrast the class c2 (and its label) or "others" with a contrast. */
static PyObject *attribution(ModelObject *self, const lrp_explanation *e, size_t T, PyObject *const *method_names)
{
    int lrp = e->method == LRP_METHOD_LRP || e->method == LRP_METHOD_LRP_CONS;
    npy_intp t = (npy_intp)T, dim = (npy_intp)self->info.embed_dim;
    PyObject *items[ATTRIBUTION_FIELDS] = {
        Py_NewRef(method_names[e->method]), PyLong_FromLong(e->target), array_f64(e->relevance, t, 0),
        array_f64(e->relevance_fwd, t, 0), array_or_none(e->relevance_bwd, t, 0),
        lrp ? PyFloat_FromDouble(e->rest) : Py_NewRef(Py_None),
        Py_NewRef(PyTuple_GET_ITEM(self->labels, e->target)), array_or_none(e->dims_fwd, t, dim),
        array_or_none(e->dims_bwd, t, dim),
        e->method == LRP_METHOD_IG ? PyFloat_FromDouble(e->completeness) : Py_NewRef(Py_None),
        e->contrast == LRP_CONTRAST_CLASS    ? PyLong_FromLong(e->contrast_class)
        : e->contrast == LRP_CONTRAST_OTHERS ? PyUnicode_FromString("others")
                                             : Py_NewRef(Py_None),
        e->contrast == LRP_CONTRAST_CLASS ? Py_NewRef(PyTuple_GET_ITEM(self->labels, e->contrast_class))
                                          : Py_NewRef(Py_None)};
    return make_result(attribution_type, items, ATTRIBUTION_FIELDS, 0);
}

/* The tokens of a sentence: each known word is the vocabulary's own str (shared),
 * an unknown one its text as read. */
static PyObject *tokens_list(ModelObject *self, const sentence_buf *sb, size_t T)
{
    PyObject *words = model_words(self);
    PyObject *list = words ? PyList_New((Py_ssize_t)T) : NULL;
    for (size_t t = 0; list && t < T; t++) {
        PyObject *w = sb->unknown[t] ? utf8_str(sb->tokens.tokens[t])
                                     : Py_NewRef(PyTuple_GET_ITEM(words, sb->ids[t]));
        if (!w) Py_CLEAR(list);
        else PyList_SET_ITEM(list, (Py_ssize_t)t, w);
    }
    return list;
}

/* The Explanation of sentence `line` (1-based) */
static PyObject *explanation(ModelObject *self, size_t line, const sentence_buf *sb, const lrp_sentence *s,
                             const lrp_result *r, PyObject *const *method_names)
{
    npy_intp T = (npy_intp)s->length, C = (npy_intp)r->classes;
    PyObject *ids = PyArray_SimpleNew(1, &T, NPY_INT32);
    PyObject *unknown = PyArray_SimpleNew(1, &T, NPY_BOOL);
    PyObject *expl = PyList_New((Py_ssize_t)r->n_explanations);
    if (ids && T) memcpy(PyArray_DATA((PyArrayObject *)ids), s->ids, (size_t)T * sizeof *s->ids);
    for (npy_intp t = 0; unknown && t < T; t++)
        ((npy_bool *)PyArray_DATA((PyArrayObject *)unknown))[t] = sb->unknown[t] != 0;
    for (size_t k = 0; expl && k < r->n_explanations; k++) {
        PyObject *a = attribution(self, &r->explanations[k], s->length, method_names);
        if (!a) Py_CLEAR(expl);
        else PyList_SET_ITEM(expl, (Py_ssize_t)k, a);
    }
    PyObject *items[N_SLOTS] = {
        [SLOT_LINE] = PyLong_FromSize_t(line), [SLOT_TOKENS] = tokens_list(self, sb, s->length),
        [SLOT_IDS] = ids, [SLOT_UNKNOWN] = unknown, [SLOT_SCORES] = array_f64(r->scores, C, 0),
        [SLOT_PROBABILITIES] = array_f64(r->probabilities, C, 0), [SLOT_PREDICTED] = PyLong_FromLong(r->predicted),
        [SLOT_LABEL] = Py_NewRef(PyTuple_GET_ITEM(self->labels, r->predicted)), [SLOT_EXPLANATIONS] = expl};
    return make_result(explanation_type, items, N_SLOTS, 1);
}

// ----------------------------------------------------------------------------
// explain and predict

/* One group: (targets, indices), targets a tuple of class indexes or -1 (the
 * predicted class), indices a list of sentence positions or None for all of them.
 * Fills o->targets (into *targets, [n_targets]) and *idx (NULL for all), *m. */
static int read_group(PyObject *group, const batch *b, lrp_options *o, int **targets, size_t **idx, size_t *m)
{
    PyObject *tg, *ix;
    if (!PyArg_ParseTuple(group, "O!O:group", &PyTuple_Type, &tg, &ix)) return -1;
    size_t nt = (size_t)PyTuple_GET_SIZE(tg);
    *m = ix == Py_None ? b->n : (size_t)PySequence_Size(ix);
    *targets = malloc((nt ? nt : 1) * sizeof **targets);
    *idx = ix == Py_None ? NULL : malloc((*m ? *m : 1) * sizeof **idx);
    if (!*targets || (ix != Py_None && !*idx)) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t k = 0; k < nt; k++) {
        long c = PyLong_AsLong(PyTuple_GET_ITEM(tg, (Py_ssize_t)k));
        if (c == -1 && PyErr_Occurred()) return -1;
        /* -1 is LRP_TARGET_PREDICTED; the library checks the class range */
        (*targets)[k] = c < -1 ? -2 : c > INT32_MAX ? INT32_MAX : (int)c;
    }
    for (size_t k = 0; *idx && k < *m; k++) {
        PyObject *v = PySequence_GetItem(ix, (Py_ssize_t)k);
        Py_ssize_t i = v ? PyLong_AsSsize_t(v) : -1;
        Py_XDECREF(v);
        if (i < 0 || (size_t)i >= b->n) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "group index out of range");
            return -1;
        }
        (*idx)[k] = (size_t)i;
    }
    o->targets = *targets;
    o->n_targets = nt;
    return 0;
}

/* Every sentence's Explanation, each result freed once copied. */
static PyObject *batch_results(ModelObject *self, batch *b)
{
    PyObject *names[LRP_METHOD_COUNT] = {NULL};
    PyObject *out = PyList_New((Py_ssize_t)b->n);
    for (int k = 0; out && k < LRP_METHOD_COUNT; k++) {
        names[k] = PyUnicode_InternFromString(lrp_method_name((lrp_method)k));
        if (!names[k]) Py_CLEAR(out);
    }
    for (size_t i = 0; out && i < b->n; i++) {
        PyObject *e = explanation(self, i + 1, &b->buf[i], &b->s[i], &b->res[i], names);
        lrp_result_free(&b->res[i]); /* one copy of the results at a time */
        if (!e) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, e);
    }
    for (int k = 0; k < LRP_METHOD_COUNT; k++) Py_XDECREF(names[k]);
    return out;
}

/* explain(mode, items, deleted, groups, methods, eps, f32, per_dimension, threads, single,
 *         contrast, contrast_class, ig_steps)
 * -> a list of Explanation. groups: a list of (targets, indices), see read_group;
 * each is one batch. */
static PyObject *Model_explain(ModelObject *self, PyObject *args)
{
    const char *mode;
    PyObject *items, *deleted, *groups;
    unsigned methods;
    double eps;
    int f32, per_dim, threads, single, contrast, contrast_class;
    Py_ssize_t ig_steps;
    if (!PyArg_ParseTuple(args, "sOOO!Idppipiin:explain", &mode, &items, &deleted, &PyList_Type, &groups, &methods,
                          &eps, &f32, &per_dim, &threads, &single, &contrast, &contrast_class, &ig_steps))
        return NULL;
    batch b;
    int rc = batch_prepare(self, &b, mode, items, deleted, single);
    for (Py_ssize_t g = 0; rc == 0 && g < PyList_GET_SIZE(groups); g++) {
        lrp_options o;
        lrp_options_init(&o);
        o.methods = methods;
        o.eps = eps;
        o.per_dimension = per_dim;
        o.precision = f32 ? LRP_F32 : LRP_F64;
        o.contrast = (lrp_contrast)contrast;
        o.contrast_class = contrast_class;
        o.ig_steps = ig_steps > 0 ? (size_t)ig_steps : 0;
        int *targets = NULL;
        size_t *idx = NULL, m = 0;
        rc = read_group(PyList_GET_ITEM(groups, g), &b, &o, &targets, &idx, &m);
        if (rc == 0) rc = batch_run(self, &b, idx, m, &o, threads);
        free(targets);
        free(idx);
    }
    PyObject *out = rc == 0 ? batch_results(self, &b) : NULL;
    batch_free(&b);
    return out;
}

/* predict(mode, items, f32, threads, single) -> (scores [n, C], probabilities [n, C]) */
static PyObject *Model_predict(ModelObject *self, PyObject *args)
{
    const char *mode;
    PyObject *items;
    int f32, threads, single;
    if (!PyArg_ParseTuple(args, "sOpip:predict", &mode, &items, &f32, &threads, &single)) return NULL;
    batch b;
    PyObject *out = NULL;
    if (batch_prepare(self, &b, mode, items, Py_None, single) != 0) goto done;
    lrp_options o;
    lrp_options_init(&o);
    o.methods = 0; /* scores only */
    o.precision = f32 ? LRP_F32 : LRP_F64;
    if (batch_run(self, &b, NULL, b.n, &o, threads) != 0) goto done;
    npy_intp dims[2] = {(npy_intp)b.n, (npy_intp)self->info.classes};
    PyObject *scores = PyArray_SimpleNew(2, dims, NPY_FLOAT64);
    PyObject *probs = PyArray_SimpleNew(2, dims, NPY_FLOAT64);
    if (scores && probs) {
        size_t C = self->info.classes;
        for (size_t i = 0; i < b.n; i++) {
            memcpy((double *)PyArray_DATA((PyArrayObject *)scores) + i * C, b.res[i].scores, C * sizeof(double));
            memcpy((double *)PyArray_DATA((PyArrayObject *)probs) + i * C, b.res[i].probabilities, C * sizeof(double));
        }
        out = PyTuple_Pack(2, scores, probs);
    }
    Py_XDECREF(scores);
    Py_XDECREF(probs);
done:
    batch_free(&b);
    return out;
}

/* For bench/bench_python.py: _library_seconds(items, group, methods, f32, threads) ->
 * (wall, cpu): the wall time and the process's CPU time (every thread's) of the
 * library's run alone (lrp_explainer_run, the GIL released) on word-id arrays, one
 * group as for explain, results freed unread: what Model.explain adds on top is the
 * rest of its time. */
static PyObject *Model_library_seconds(ModelObject *self, PyObject *args)
{
    PyObject *items, *group;
    unsigned methods;
    int f32, threads;
    if (!PyArg_ParseTuple(args, "O!OIpi:_library_seconds", &PyList_Type, &items, &group, &methods, &f32, &threads))
        return NULL;
    batch b;
    double seconds = -1.0, cpu = -1.0;
    int *targets = NULL;
    size_t *idx = NULL, m = 0;
    lrp_options o;
    lrp_options_init(&o);
    o.methods = methods;
    o.precision = f32 ? LRP_F32 : LRP_F64;
    if (batch_prepare(self, &b, "ids", items, Py_None, 0) == 0 && read_group(group, &b, &o, &targets, &idx, &m) == 0) {
        struct timespec t0, t1, c0, c1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        int rc = batch_run(self, &b, idx, m, &o, threads);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc == 0) {
            seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
            cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
        }
    }
    free(targets);
    free(idx);
    batch_free(&b);
    return seconds < 0 ? NULL : Py_BuildValue("(dd)", seconds, cpu);
}

/* tokenize(text, pretokenized) -> list of str, lowercased as the model asks */
static PyObject *Model_tokenize(ModelObject *self, PyObject *args)
{
    const char *text;
    Py_ssize_t len;
    int pretokenized;
    if (!PyArg_ParseTuple(args, "s#p:tokenize", &text, &len, &pretokenized)) return NULL;
    lrp_tokens tokens;
    lrp_error err;
    lrp_status st = pretokenized ? lrp_split_tokens(text, (size_t)len, self->info.lowercase, &tokens, &err)
                                 : lrp_tokenize(text, (size_t)len, self->info.lowercase, &tokens, &err);
    if (st != LRP_OK) return raise_lrp(&err);
    PyObject *list = PyList_New((Py_ssize_t)tokens.count);
    for (size_t t = 0; list && t < tokens.count; t++) {
        PyObject *s = utf8_str(tokens.tokens[t]);
        if (!s) Py_CLEAR(list);
        else PyList_SET_ITEM(list, (Py_ssize_t)t, s);
    }
    lrp_tokens_free(&tokens);
    return list;
}

// ----------------------------------------------------------------------------
// the types and the module

static PyMethodDef Model_methods[] = {
    {"info", (PyCFunction)Model_info, METH_NOARGS, "lrp_model_get_info and more, as a dict"},
    {"words", (PyCFunction)Model_words, METH_NOARGS, "the vocabulary, a tuple of str (index = word id)"},
    {"labels", (PyCFunction)Model_labels, METH_NOARGS, "the class names, a tuple of str"},
    {"label_index", (PyCFunction)Model_label_index, METH_O, "class index of a label or decimal index, -1 if neither"},
    {"save", (PyCFunction)Model_save, METH_VARARGS, "save(path, float64: bool)"},
    {"explain", (PyCFunction)Model_explain, METH_VARARGS, "see lrp_rnn.Model.explain"},
    {"predict", (PyCFunction)Model_predict, METH_VARARGS, "see lrp_rnn.Model.predict"},
    {"tokenize", (PyCFunction)Model_tokenize, METH_VARARGS, "tokenize(text, pretokenized) -> list of str"},
    {"_library_seconds", (PyCFunction)Model_library_seconds, METH_VARARGS,
     "for bench/bench_python.py: (wall, CPU) seconds of the library's run alone"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject ModelType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lrp_rnn._core.Model",
    .tp_basicsize = sizeof(ModelObject),
    .tp_dealloc = (destructor)Model_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a loaded lrp_model (use lrp_rnn.Model)",
    .tp_methods = Model_methods,
};

static PyMethodDef module_methods[] = {
    {"load", (PyCFunction)(void (*)(void))core_load, METH_VARARGS | METH_KEYWORDS,
     "load(path, *, vocab, labels, unk, lowercase, prefix_embedding, prefix_lstm, prefix_classifier, prefix_rnn, "
     "prefix_attention, prefix_dense, pooling, activation)"},
    {"loads", (PyCFunction)(void (*)(void))core_loads, METH_VARARGS | METH_KEYWORDS,
     "loads(data, *, ...): the same from the bytes of a file"},
    {"set_result_types", core_set_result_types, METH_VARARGS,
     "set_result_types(Explanation, Attribution): the classes explain makes"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef core_module = {PyModuleDef_HEAD_INIT, .m_name = "lrp_rnn._core",
                                         .m_doc = "the C part of lrp_rnn, over liblrp's public API",
                                         .m_size = -1, .m_methods = module_methods};

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    PyObject *errors = PyImport_ImportModule("lrp_rnn._errors");
    if (!errors) return NULL;
    for (int s = 0; s < N_STATUS; s++) {
        error_class[s] = PyObject_GetAttrString(errors, error_class_name[s]);
        if (!error_class[s]) {
            Py_DECREF(errors);
            return NULL;
        }
    }
    Py_DECREF(errors);
    if (PyType_Ready(&ModelType) < 0) return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (!m) return NULL;
    PyObject *methods = PyTuple_New(LRP_METHOD_COUNT);
    for (int k = 0; methods && k < LRP_METHOD_COUNT; k++)
        PyTuple_SET_ITEM(methods, k, PyUnicode_FromString(lrp_method_name((lrp_method)k)));
    if (PyModule_AddObject(m, "METHODS", methods) < 0 || PyModule_AddStringConstant(m, "VERSION", lrp_version()) < 0 ||
        PyModule_AddIntConstant(m, "MAX_LENGTH", LRP_MAX_LENGTH) < 0 ||
        PyModule_AddIntConstant(m, "DEFAULT_THREADS", lrp_default_threads()) < 0) {
        Py_XDECREF(methods);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&ModelType);
    PyModule_AddObject(m, "Model", (PyObject *)&ModelType);
    return m;
}
