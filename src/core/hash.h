/*
 * hash.h - the project's one hash table: an index over entries that the caller keeps
 * in its own arrays, numbered 0, 1, 2, ... in the order they were put, each with a key
 * (a word, a phrase's word ids). Open addressing with linear probing, never more than
 * half full; keys hashed by FNV-1a (hash_bytes, hash_string). Internal.
 *
 * The table holds entry numbers only (entry + 1 per slot, 0 = empty). The caller hashes
 * the key it looks for, says whether entry e has that key (hash_match_fn) and, for the
 * table to grow, what entry e's hash is (hash_entry_fn), each with the pointer it needs
 * to find its entries (`owner`). hash_table_find and hash_table_put are inline, so that
 * a match function the caller names at the call is inlined too: a lookup costs what a
 * table written for one kind of key does (the vocabulary lookup of every explained
 * word runs here: one pass over the word to hash it, one strcmp per slot probed).
 *
 * Users: the model's vocabulary (core/model.c), the trainer's corpus words and
 * distinct phrases (app/train_data.c), the treebank facts test (tests/test_dataset_sst.c).
 *
 *     hash_table t;
 *     hash_table_init(&t);
 *     if (!hash_table_reserve(&t, t.n + 1, entry_hash, owner)) ...;     // out of memory
 *     size_t e = hash_table_put(&t, hash_string(word), word, match, owner, &added);
 *     if (added) ... store entry e (the count before the call) with that key ...
 *     long f = hash_table_find(&t, hash_string(word), word, match, owner);  // -1: absent
 *     hash_table_free(&t);
 */
#ifndef LRP_HASH_H
#define LRP_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Does entry `entry` of the caller's arrays have the key `key` (the caller's type)? */
typedef int (*hash_match_fn)(const void *owner, size_t entry, const void *key);
/* The hash of entry `entry`'s key. */
typedef uint64_t (*hash_entry_fn)(const void *owner, size_t entry);

typedef struct hash_table {
    uint32_t *slots; /* [mask + 1] entry + 1 per slot, 0 = empty; NULL before the first reserve */
    size_t mask;     /* number of slots - 1 (a power of two - 1) */
    size_t n;        /* entries put */
} hash_table;

/* The largest number of entries (slots hold entry + 1 in 32 bits). */
#define HASH_MAX_ENTRIES ((size_t)UINT32_MAX - 1)

#define HASH_FNV_OFFSET 0xcbf29ce484222325ull
#define HASH_FNV_PRIME 0x100000001b3ull

/* FNV-1a (Fowler, Noll, Vo), 64 bits, of n bytes. */
static inline uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = HASH_FNV_OFFSET;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * HASH_FNV_PRIME;
    return h;
}

/* The same of a NUL-terminated string's bytes: hash_bytes(s, strlen(s)), in one pass. */
static inline uint64_t hash_string(const char *s)
{
    uint64_t h = HASH_FNV_OFFSET;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * HASH_FNV_PRIME;
    return h;
}

/* An empty table (no memory yet). */
void hash_table_init(hash_table *t);
void hash_table_free(hash_table *t);

/* Room for n entries in all (at most half full), rehashing the t->n entries put so far
 * by hash(owner, e) when it grows. 0 when out of memory or n > HASH_MAX_ENTRIES (the
 * table is then as it was), else 1. */
int hash_table_reserve(hash_table *t, size_t n, hash_entry_fn hash, const void *owner);

/* The entry with key `key` (whose hash is h), or -1. */
static inline long hash_table_find(const hash_table *t, uint64_t h, const void *key, hash_match_fn match,
                                   const void *owner)
{
    if (!t->slots) return -1;
    for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
        const uint32_t v = t->slots[i];
        if (v == 0) return -1;
        if (match(owner, v - 1, key)) return (long)(v - 1);
    }
}

/* The entry with key `key` (whose hash is h), *added = 0; or, when there is none, entry
 * t->n is put and returned, *added = 1: the caller stores it, with that key, as its
 * entry t->n (before the call). The table must have room for one more entry
 * (hash_table_reserve(t, t->n + 1, ...)). */
static inline size_t hash_table_put(hash_table *t, uint64_t h, const void *key, hash_match_fn match,
                                    const void *owner, int *added)
{
    for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
        const uint32_t v = t->slots[i];
        if (v == 0) {
            t->slots[i] = (uint32_t)(t->n + 1);
            *added = 1;
            return t->n++;
        }
        if (match(owner, v - 1, key)) {
            *added = 0;
            return v - 1;
        }
    }
}

/* Entries that are NUL-terminated strings, owner an array of them (const char *const *),
 * keys too. */
static inline int hash_string_match(const void *owner, size_t entry, const void *key)
{
    return strcmp(((const char *const *)owner)[entry], (const char *)key) == 0;
}
static inline uint64_t hash_string_entry(const void *owner, size_t entry)
{
    return hash_string(((const char *const *)owner)[entry]);
}

#endif /* LRP_HASH_H */
