/*
 * hash.c - the hash table's memory (hash.h): creation, growth with rehashing, release.
 */
#include "core/hash.h"

#include <stdlib.h>

#include "core/common.h"

void hash_table_init(hash_table *t) { memset(t, 0, sizeof *t); }

void hash_table_free(hash_table *t)
{
    free(t->slots);
    hash_table_init(t);
}

int hash_table_reserve(hash_table *t, size_t n, hash_entry_fn hash, const void *owner)
{
    size_t want;
    if (n > HASH_MAX_ENTRIES || !lrp_mul_size(n, 2, &want)) return 0;
    const size_t have = t->slots ? t->mask + 1 : 0;
    if (want <= have) return 1;
    size_t cap = have ? have : 16;
    while (cap < want) cap *= 2; /* no overflow: want <= 2 * HASH_MAX_ENTRIES */
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots) return 0;
    for (size_t e = 0; e < t->n; e++) {
        size_t i = (size_t)hash(owner, e) & (cap - 1);
        while (slots[i]) i = (i + 1) & (cap - 1);
        slots[i] = (uint32_t)(e + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->mask = cap - 1;
    return 1;
}
