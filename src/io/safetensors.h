/*
 * safetensors.h - the safetensors container of the Hugging Face ecosystem, read
 * and written without trusting the file. Internal.
 *
 * Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON header,
 * then the data section. The header maps tensor names to
 * {"dtype": "F32", "shape": [rows, cols], "data_offsets": [begin, end]} (offsets in
 * bytes from the start of the data section, row-major little-endian values) and may
 * hold "__metadata__", an object of string values.
 *
 * st_parse checks the container only: header length against the file, JSON
 * validity, every entry's dtype, shape and offsets (inside the data section, equal
 * to dtype size x element count, overflow-checked), and that the tensors tile the
 * data section exactly (no overlap, no hole, nothing after the last one). Which
 * tensors a model needs, and their shapes, is the caller's business (model_io.c;
 * the PyTorch importer can reuse this).
 */
#ifndef LRP_SAFETENSORS_H
#define LRP_SAFETENSORS_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "lrp.h"

/* The reference implementation refuses headers above 100 MB; so do we. */
#define ST_MAX_HEADER ((size_t)100 << 20)
#define ST_MAX_RANK 8

/* Every dtype the format defines, so that offsets of any valid file can be checked. */
typedef enum st_dtype {
    ST_BOOL, ST_U8, ST_I8, ST_F8_E5M2, ST_F8_E4M3, ST_I16, ST_U16, ST_F16, ST_BF16,
    ST_I32, ST_U32, ST_F32, ST_F64, ST_I64, ST_U64, ST_DTYPE_COUNT
} st_dtype;

typedef struct st_tensor {
    const char *name;            /* points into st_file.header */
    st_dtype dtype;
    size_t rank;
    size_t shape[ST_MAX_RANK];   /* [rank] */
    size_t numel;                /* product of shape (1 for rank 0) */
    size_t begin, end;           /* byte range inside the data section */
    const unsigned char *data;   /* end - begin bytes inside the parsed buffer */
} st_tensor;

typedef struct st_file {
    cJSON *header;               /* owned parse tree */
    const cJSON *metadata;       /* "__metadata__" object (string values) or NULL */
    st_tensor *tensors;          /* [n] in header order */
    size_t *by_name;             /* [n] indexes into tensors, sorted by name */
    size_t n;
} st_file;

/* Parse and check the container in data[size]; the tensors point into data, which
 * must outlive f. On failure f is left empty (st_free is still safe). */
lrp_status st_parse(st_file *f, const unsigned char *data, size_t size, lrp_error *err);
void st_free(st_file *f);

/* The tensor called name, or NULL. */
const st_tensor *st_find(const st_file *f, const char *name);

/* An lrp_size_fn (fileio.h) for a safetensors file; ctx points to a size_t that is 0
 * at first. The header length is checked against the limit and a regular file's size
 * from the first 8 bytes on (/dev/urandom fails there); a regular file is then read
 * whole, and a pipe, FIFO or device up to the end of the data its header declares and
 * no further (/dev/zero: an empty header, rejected). */
lrp_status st_declared_size(void *ctx, const unsigned char *data, size_t have, size_t known,
                            size_t *need, lrp_error *err);

/* String value of a metadata key, or NULL when absent. */
const char *st_metadata(const st_file *f, const char *key);

/* "F32", "BF16", ... */
const char *st_dtype_name(st_dtype dtype);
/* Bytes per element. */
size_t st_dtype_size(st_dtype dtype);

/* "[240, 60]" into buf (for messages). */
const char *st_shape_string(const size_t *shape, size_t rank, char *buf, size_t len);

/* Elements [first, first + count) of an F32 or F64 tensor as doubles (the caller
 * has checked the dtype and the range). */
void st_read_f64(const st_tensor *t, size_t first, size_t count, double *dst);

/* The same for an F32 tensor, as floats (exact). */
void st_read_f32(const st_tensor *t, size_t first, size_t count, float *dst);

/* ---- writing */

/* Write the 8-byte length and the header, padded with spaces so that the data
 * section starts at a multiple of 8 bytes (as the reference implementation does).
 * Returns 0 on a write error (errno set by stdio). */
int st_write_header(FILE *f, const char *json);

/* Write n values as little-endian F32 or F64. The caller has checked that they
 * fit the dtype. Returns 0 on a write error. */
int st_write_values(FILE *f, const double *v, size_t n, st_dtype dtype);

#endif /* LRP_SAFETENSORS_H */
