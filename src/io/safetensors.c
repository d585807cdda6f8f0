/*
 * safetensors.c - read and write the safetensors container (safetensors.h).
 *
 * The reader treats every byte as hostile: each number taken from the header is
 * range-checked before it is used, each size product is overflow-checked, and
 * nothing is read outside data[0, size). JSON is parsed by cJSON.
 */
#include "io/safetensors.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "text/text.h"

// ----------------------------------------------------------------------------
// dtypes

static const struct {
    const char *name;
    size_t size;
} dtypes[ST_DTYPE_COUNT] = {
    [ST_BOOL] = {"BOOL", 1},      [ST_U8] = {"U8", 1},   [ST_I8] = {"I8", 1},
    [ST_F8_E5M2] = {"F8_E5M2", 1}, [ST_F8_E4M3] = {"F8_E4M3", 1},
    [ST_I16] = {"I16", 2},        [ST_U16] = {"U16", 2}, [ST_F16] = {"F16", 2},
    [ST_BF16] = {"BF16", 2},      [ST_I32] = {"I32", 4}, [ST_U32] = {"U32", 4},
    [ST_F32] = {"F32", 4},        [ST_F64] = {"F64", 8}, [ST_I64] = {"I64", 8},
    [ST_U64] = {"U64", 8},
};

const char *st_dtype_name(st_dtype d) { return d < ST_DTYPE_COUNT ? dtypes[d].name : "?"; }
size_t st_dtype_size(st_dtype d) { return d < ST_DTYPE_COUNT ? dtypes[d].size : 0; }

static int parse_dtype(const char *s, st_dtype *out)
{
    for (int d = 0; d < ST_DTYPE_COUNT; d++) {
        if (strcmp(s, dtypes[d].name) == 0) {
            *out = (st_dtype)d;
            return 1;
        }
    }
    return 0;
}

const char *st_shape_string(const size_t *shape, size_t rank, char *buf, size_t len)
{
    size_t at = 0;
    int n = snprintf(buf, len, "[");
    for (size_t k = 0; k < rank && n >= 0 && (at += (size_t)n) < len; k++)
        n = snprintf(buf + at, len - at, "%s%zu", k ? ", " : "", shape[k]);
    if (n >= 0 && (at += (size_t)n) < len) snprintf(buf + at, len - at, "]");
    return buf;
}

// ----------------------------------------------------------------------------
// little-endian bytes

static uint64_t load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--) v = (v << 8) | p[k];
    return v;
}

static uint32_t load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++, v >>= 8) p[k] = (unsigned char)v;
}

static void store_le32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++, v >>= 8) p[k] = (unsigned char)v;
}

void st_read_f64(const st_tensor *t, size_t first, size_t count, double *dst)
{
    if (t->dtype == ST_F64) {
        const unsigned char *p = t->data + first * 8;
        for (size_t i = 0; i < count; i++, p += 8) {
            uint64_t bits = load_le64(p);
            memcpy(&dst[i], &bits, sizeof bits);
        }
    } else {
        const unsigned char *p = t->data + first * 4;
        for (size_t i = 0; i < count; i++, p += 4) {
            uint32_t bits = load_le32(p);
            float f;
            memcpy(&f, &bits, sizeof f);
            dst[i] = (double)f;
        }
    }
}

void st_read_f32(const st_tensor *t, size_t first, size_t count, float *dst)
{
    const unsigned char *p = t->data + first * 4;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(dst, p, count * sizeof(float)); /* the file's byte order */
#else
    for (size_t i = 0; i < count; i++, p += 4) {
        uint32_t bits = load_le32(p);
        memcpy(&dst[i], &bits, sizeof bits);
    }
#endif
}

// ----------------------------------------------------------------------------
// header checks

/* Offset of the first byte that breaks UTF-8 (or is NUL), or len if none. JSON
 * text must be UTF-8, and a NUL would cut a name short without notice. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        uint32_t cp, min;
        if (c == 0) return i;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
        else return i;
        if (n > len - i - 1) return i;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += n + 1;
    }
    return len;
}

/* A JSON number that is a whole number in [0, 2^53] (exact in a double) and fits
 * size_t: 1; 0 when it is not a non-negative integer; -1 when it is one, but larger
 * than that (JSON numbers are read as doubles: above 2^53 not every integer is exact). */
static int json_size(const cJSON *j, size_t *out)
{
    const double limit = 9007199254740992.0; /* 2^53 */
    if (!cJSON_IsNumber(j)) return 0;
    double d = j->valuedouble;
    if (!(d >= 0) || d != floor(d)) return 0;
    if (d > limit || d > (double)SIZE_MAX) return -1;
    *out = (size_t)d;
    return 1;
}

/* The printable start of the text at p (up to 24 bytes) for a message. */
static const char *snippet(const char *p, const char *end, char *buf, size_t len)
{
    size_t n = 0;
    while (p < end && n + 1 < len && n < 24) {
        unsigned char c = (unsigned char)*p++;
        buf[n++] = (c >= 0x20 && c < 0x7F) ? (char)c : '.';
    }
    buf[n] = '\0';
    return buf;
}

static int cmp_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A name of the header (a tensor, an entry's field, a metadata key) holds no control
 * character: names reach messages and `lrp info`, and no real one has any. */
static lrp_status check_name(const char *name, const char *what, lrp_error *err)
{
    const char *c = text_control(name, TEXT_ALLOW_NONE);
    if (!c) return LRP_OK;
    char s[32];
    return lrp_fail(err, LRP_ERR_FORMAT, "header: %s \"%s\" contains a control character at byte %zu", what,
                    snippet(name, name + strlen(name), s, sizeof s), (size_t)(c - name));
}

/* Fail on a key that appears twice in object o (JSON readers keep either one, so two
 * readers could see different values). O(n log n) for n keys. */
static lrp_status check_unique_keys(const cJSON *o, const char *where, lrp_error *err)
{
    size_t n = 0, k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, o) n++;
    if (n < 2) return LRP_OK;
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory checking %zu keys", n);
    cJSON_ArrayForEach(e, o) keys[k++] = e->string;
    qsort(keys, n, sizeof *keys, cmp_string);
    lrp_status st = LRP_OK;
    for (size_t i = 1; i < n && st == LRP_OK; i++)
        if (strcmp(keys[i], keys[i - 1]) == 0)
            st = lrp_fail(err, LRP_ERR_FORMAT, "%s: the key \"%.80s\" appears twice", where, keys[i]);
    free(keys);
    return st;
}

static lrp_status parse_metadata(st_file *f, const cJSON *meta, lrp_error *err)
{
    if (f->metadata)
        return lrp_fail(err, LRP_ERR_FORMAT, "header: \"__metadata__\" appears twice");
    if (!cJSON_IsObject(meta))
        return lrp_fail(err, LRP_ERR_FORMAT, "header: \"__metadata__\" is not an object");
    const cJSON *v;
    cJSON_ArrayForEach(v, meta)
    {
        lrp_status st = check_name(v->string, "__metadata__ key", err);
        if (st != LRP_OK) return st;
        if (!cJSON_IsString(v))
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "__metadata__.%.80s: not a string (metadata values are strings)",
                            v->string);
        /* text, as a side file must be (text_check; the header is UTF-8 already): no
         * control character but tabs and line breaks */
        const char *c = text_control(v->valuestring, TEXT_ALLOW_SPACE);
        if (c)
            return lrp_fail(err, LRP_ERR_FORMAT,
                            "__metadata__.%.80s: byte %zu: control character U+%04X (only tab and line breaks "
                            "are allowed)",
                            v->string, (size_t)(c - v->valuestring), text_control_code(c));
    }
    lrp_status st = check_unique_keys(meta, "__metadata__", err);
    if (st != LRP_OK) return st;
    f->metadata = meta;
    return LRP_OK;
}

/* One tensor entry {"dtype", "shape", "data_offsets"}; offsets checked against data_size. */
static lrp_status parse_entry(st_tensor *t, const cJSON *e, size_t data_size, lrp_error *err)
{
    const char *name = e->string;
    t->name = name;
    if (!cJSON_IsObject(e))
        return lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\": entry is not an object", name);
    const cJSON *field;
    cJSON_ArrayForEach(field, e)
    {
        lrp_status st = check_name(field->string, "a tensor entry's key", err);
        if (st != LRP_OK) return st;
    }
    char where[120];
    snprintf(where, sizeof where, "tensor \"%.80s\"", name);
    lrp_status st = check_unique_keys(e, where, err);
    if (st != LRP_OK) return st;

    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    if (!cJSON_IsString(dt))
        return lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\": no \"dtype\" string", name);
    if (!parse_dtype(dt->valuestring, &t->dtype))
        return lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\": unknown dtype \"%.20s\"", name,
                        dt->valuestring);

    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(e, "shape");
    if (!cJSON_IsArray(sh))
        return lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\": no \"shape\" array", name);
    t->rank = 0;
    t->numel = 1;
    const cJSON *d;
    cJSON_ArrayForEach(d, sh)
    {
        if (t->rank == ST_MAX_RANK)
            return lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\": more than %d dimensions", name,
                            ST_MAX_RANK);
        int ok = json_size(d, &t->shape[t->rank]);
        if (ok <= 0)
            return lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\": shape entry %zu is %s", name, t->rank,
                            ok ? "larger than 2^53 (9007199254740992), the largest size a JSON reader "
                                 "holds exactly"
                               : "not a non-negative integer");
        if (!lrp_mul_size(t->numel, t->shape[t->rank], &t->numel))
            return lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\": shape overflows", name);
        t->rank++;
    }

    const cJSON *off = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
    int ok0 = cJSON_IsArray(off) && cJSON_GetArraySize(off) == 2 ? json_size(cJSON_GetArrayItem(off, 0), &t->begin) : 0;
    int ok1 = ok0 ? json_size(cJSON_GetArrayItem(off, 1), &t->end) : 0;
    if (ok0 < 0 || ok1 < 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "tensor \"%.80s\": \"data_offsets\" holds an offset larger than 2^53 "
                        "(9007199254740992), the largest a JSON reader holds exactly",
                        name);
    if (ok0 == 0 || ok1 == 0)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "tensor \"%.80s\": \"data_offsets\" is not two non-negative integers", name);
    if (t->begin > t->end || t->end > data_size)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "tensor \"%.80s\": data_offsets [%zu, %zu] outside the data section "
                        "(%zu bytes): truncated or corrupt file",
                        name, t->begin, t->end, data_size);
    size_t bytes;
    char s[160];
    if (!lrp_mul_size(t->numel, dtypes[t->dtype].size, &bytes) || bytes != t->end - t->begin)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "tensor \"%.80s\": data_offsets [%zu, %zu] hold %zu bytes, but %s x shape %s "
                        "needs %zu x %zu",
                        name, t->begin, t->end, t->end - t->begin, dtypes[t->dtype].name,
                        st_shape_string(t->shape, t->rank, s, sizeof s), t->numel,
                        dtypes[t->dtype].size);
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// tiling: the tensors cover the data section exactly, in any order

typedef struct range {
    size_t begin, end, index; /* index into st_file.tensors */
} range;

static int cmp_range(const void *a, const void *b)
{
    const range *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static lrp_status check_tiling(const st_file *f, size_t data_size, lrp_error *err)
{
    range *r = malloc((f->n ? f->n : 1) * sizeof *r);
    if (!r) return lrp_fail(err, LRP_ERR_NOMEM, "out of memory checking %zu tensors", f->n);
    for (size_t i = 0; i < f->n; i++) r[i] = (range){f->tensors[i].begin, f->tensors[i].end, i};
    qsort(r, f->n, sizeof *r, cmp_range);
    lrp_status st = LRP_OK;
    size_t at = 0; /* end of the tiled prefix */
    for (size_t i = 0; i < f->n && st == LRP_OK; i++) {
        if (r[i].begin < at)
            st = lrp_fail(err, LRP_ERR_FORMAT,
                          "tensors \"%.80s\" [%zu, %zu] and \"%.80s\" [%zu, %zu] overlap",
                          f->tensors[r[i - 1].index].name, r[i - 1].begin, r[i - 1].end,
                          f->tensors[r[i].index].name, r[i].begin, r[i].end);
        else if (r[i].begin > at)
            st = lrp_fail(err, LRP_ERR_FORMAT,
                          "bytes [%zu, %zu) of the data section belong to no tensor (a hole before "
                          "\"%.80s\")", at, r[i].begin, f->tensors[r[i].index].name);
        at = r[i].end;
    }
    if (st == LRP_OK && at != data_size)
        st = lrp_fail(err, LRP_ERR_FORMAT,
                      "trailing garbage: %zu bytes after the last tensor's data (data section of "
                      "%zu bytes)", data_size - at, data_size);
    free(r);
    return st;
}

// ----------------------------------------------------------------------------
// names

typedef struct name_ref {
    const char *name;
    size_t index;
} name_ref;

static int cmp_name(const void *a, const void *b)
{
    const name_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort the names into f->by_name; fail on a duplicate (a JSON parser keeps either
 * one silently, so two readers could see different tensors). */
static lrp_status index_names(st_file *f, lrp_error *err)
{
    name_ref *refs = malloc((f->n ? f->n : 1) * sizeof *refs);
    f->by_name = malloc((f->n ? f->n : 1) * sizeof *f->by_name);
    if (!refs || !f->by_name) {
        free(refs);
        return lrp_fail(err, LRP_ERR_NOMEM, "out of memory indexing %zu tensors", f->n);
    }
    for (size_t i = 0; i < f->n; i++) refs[i] = (name_ref){f->tensors[i].name, i};
    qsort(refs, f->n, sizeof *refs, cmp_name);
    lrp_status st = LRP_OK;
    for (size_t i = 0; i < f->n; i++) {
        f->by_name[i] = refs[i].index;
        if (i > 0 && strcmp(refs[i].name, refs[i - 1].name) == 0 && st == LRP_OK)
            st = lrp_fail(err, LRP_ERR_FORMAT, "tensor \"%.80s\" appears twice in the header",
                          refs[i].name);
    }
    free(refs);
    return st;
}

const st_tensor *st_find(const st_file *f, const char *name)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const st_tensor *t = &f->tensors[f->by_name[mid]];
        int c = strcmp(t->name, name);
        if (c == 0) return t;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

const char *st_metadata(const st_file *f, const char *key)
{
    const cJSON *v = f->metadata ? cJSON_GetObjectItemCaseSensitive(f->metadata, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

// ----------------------------------------------------------------------------
// parse

void st_free(st_file *f)
{
    cJSON_Delete(f->header);
    free(f->tensors);
    free(f->by_name);
    memset(f, 0, sizeof *f);
}

/* The header length n64 against the `after` bytes that follow it (SIZE_MAX: not
 * known yet) and the limit. */
static lrp_status check_header_length(uint64_t n64, size_t after, lrp_error *err)
{
    if (n64 > after)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "header length %llu exceeds the %zu bytes that follow it: truncated, or not "
                        "a safetensors file", (unsigned long long)n64, after);
    if (n64 > ST_MAX_HEADER)
        return lrp_fail(err, LRP_ERR_FORMAT, "header length %llu exceeds the limit of %zu bytes",
                        (unsigned long long)n64, ST_MAX_HEADER);
    return LRP_OK;
}

static lrp_status parse_header(st_file *f, const unsigned char *data, size_t size, lrp_error *err)
{
    if (size < 8)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "truncated: %zu bytes, but a safetensors file starts with an 8-byte header "
                        "length", size);
    uint64_t n64 = load_le64(data);
    lrp_status st = check_header_length(n64, size - 8, err);
    if (st != LRP_OK) return st;
    size_t n = (size_t)n64;
    const char *text = (const char *)data + 8;
    size_t bad = utf8_invalid_at(data + 8, n);
    if (bad < n)
        return lrp_fail(err, LRP_ERR_FORMAT,
                        "header: byte %zu is %s (the JSON header must be UTF-8 text)", bad,
                        data[8 + bad] ? "not valid UTF-8" : "NUL");

    const char *end = NULL;
    char s[32];
    f->header = cJSON_ParseWithLengthOpts(text, n, &end, 0);
    if (!f->header) {
        size_t at = end && end >= text && end <= text + n ? (size_t)(end - text) : 0;
        return lrp_fail(err, LRP_ERR_FORMAT, "header is not valid JSON (near byte %zu: \"%s\")", at,
                        snippet(text + at, text + n, s, sizeof s));
    }
    /* the spec pads the header with spaces; allow any JSON whitespace after the object */
    while (end < text + n && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) end++;
    if (end != text + n)
        return lrp_fail(err, LRP_ERR_FORMAT, "header: unexpected text after the JSON object at byte "
                        "%zu: \"%s\"", (size_t)(end - text), snippet(end, text + n, s, sizeof s));
    if (!cJSON_IsObject(f->header))
        return lrp_fail(err, LRP_ERR_FORMAT, "header is JSON but not an object");
    /* "\u0000" in a string: cJSON's strings end at the NUL, so "lrp-rnn\u0000garbage"
     * would read as "lrp-rnn". In valid JSON a backslash only starts an escape in a
     * string, whose escaped character is skipped ("\\u0000" is a backslash, then text) */
    for (const char *p = text, *stop = text + n; (p = memchr(p, '\\', (size_t)(stop - p))) != NULL; p += 2) {
        if (stop - p > 5 && memcmp(p + 1, "u0000", 5) == 0)
            return lrp_fail(err, LRP_ERR_FORMAT, "header: byte %zu: \\u0000 (a NUL character) in a string",
                            (size_t)(p - text));
        if (end - p < 2) break;
    }
    return LRP_OK;
}

lrp_status st_parse(st_file *f, const unsigned char *data, size_t size, lrp_error *err)
{
    memset(f, 0, sizeof *f);
    lrp_status st = parse_header(f, data, size, err);
    if (st != LRP_OK) goto fail;

    size_t header_end = 8 + (size_t)load_le64(data), data_size = size - header_end;
    size_t count = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, f->header) count++;
    f->tensors = calloc(count ? count : 1, sizeof *f->tensors);
    if (!f->tensors) {
        st = lrp_fail(err, LRP_ERR_NOMEM, "out of memory for %zu tensor entries", count);
        goto fail;
    }
    cJSON_ArrayForEach(e, f->header)
    {
        st = check_name(e->string, "the tensor name", err);
        if (st != LRP_OK) goto fail;
        if (strcmp(e->string, "__metadata__") == 0) {
            st = parse_metadata(f, e, err);
        } else {
            st_tensor *t = &f->tensors[f->n++];
            st = parse_entry(t, e, data_size, err);
            t->data = data + header_end + t->begin;
        }
        if (st != LRP_OK) goto fail;
    }
    st = index_names(f, err);
    if (st == LRP_OK) st = check_tiling(f, data_size, err);
    if (st == LRP_OK) return LRP_OK;
fail:
    st_free(f);
    return st;
}

lrp_status st_declared_size(void *ctx, const unsigned char *data, size_t have, size_t known,
                            size_t *need, lrp_error *err)
{
    size_t *total = ctx;
    if (have < 8) {
        *need = 8; /* a shorter file is reported truncated by st_parse */
        return LRP_OK;
    }
    const uint64_t n64 = load_le64(data);
    lrp_status st = check_header_length(n64, known == SIZE_MAX ? SIZE_MAX : known - 8, err);
    if (st != LRP_OK) return st;
    if (known != SIZE_MAX) {
        *need = known; /* a regular file is read whole: st_parse checks the rest */
        return LRP_OK;
    }
    /* a stream: read the header, then the data section its tensors declare, and stop */
    const size_t header_end = 8 + (size_t)n64;
    if (have < header_end) {
        *need = header_end;
        return LRP_OK;
    }
    if (*total == 0) {
        st_file f;
        memset(&f, 0, sizeof f);
        st = parse_header(&f, data, header_end, err);
        size_t end = 0, at;
        const cJSON *e, *off;
        cJSON_ArrayForEach(e, f.header)
        {
            /* an entry's other problems are st_parse's to name */
            off = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
            if (cJSON_IsArray(off) && json_size(cJSON_GetArrayItem(off, 1), &at) > 0 && at > end) end = at;
        }
        st_free(&f);
        if (st != LRP_OK) return st;
        if (!lrp_add_size(header_end, end, total))
            return lrp_fail(err, LRP_ERR_FORMAT, "the tensors' data_offsets overflow");
    }
    *need = *total;
    return LRP_OK;
}

// ----------------------------------------------------------------------------
// writing

int st_write_header(FILE *f, const char *json)
{
    size_t n = strlen(json), padded = (n + 7) / 8 * 8;
    unsigned char len[8];
    store_le64(len, (uint64_t)padded);
    if (fwrite(len, 1, 8, f) != 8 || fwrite(json, 1, n, f) != n) return 0;
    for (size_t k = n; k < padded; k++)
        if (fputc(' ', f) == EOF) return 0;
    return 1;
}

int st_write_values(FILE *f, const double *v, size_t n, st_dtype dtype)
{
    unsigned char buf[4096];
    size_t width = dtype == ST_F64 ? 8 : 4, per = sizeof buf / width;
    for (size_t i = 0; i < n; i += per) {
        size_t m = n - i < per ? n - i : per;
        for (size_t k = 0; k < m; k++) {
            if (dtype == ST_F64) {
                uint64_t bits;
                memcpy(&bits, &v[i + k], sizeof bits);
                store_le64(buf + 8 * k, bits);
            } else {
                float x = (float)v[i + k];
                uint32_t bits;
                memcpy(&bits, &x, sizeof bits);
                store_le32(buf + 4 * k, bits);
            }
        }
        if (fwrite(buf, width, m, f) != m) return 0;
    }
    return 1;
}
