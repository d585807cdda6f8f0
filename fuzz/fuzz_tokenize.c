/*
 * fuzz_tokenize.c - libFuzzer harness for lrp_tokenize and lrp_split_tokens.
 *
 * The input is the text itself (any bytes). Besides "no crash, no leak, no
 * undefined behaviour", it checks properties that hold for every input:
 *   - both functions accept exactly the texts that pass the text checks
 *     (text.h), and fail with LRP_ERR_INPUT and a message otherwise;
 *   - every token is non-empty, valid UTF-8, without ASCII whitespace, and
 *     without a bare / or * (always escaped);
 *   - lowercasing is applied token by token: tokenize(x, lowercase) is the
 *     lowercase of tokenize(x) (same count);
 *   - tokenizing the tokens joined by spaces gives the same tokens (the
 *     tokenizer reads its own output back);
 *   - lrp_split_tokens of the joined tokens gives them back too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrp.h"
#include "text/text.h"

#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_tokenize: " __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int same(const lrp_tokens *a, const lrp_tokens *b)
{
    if (a->count != b->count) return 0;
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->tokens[i], b->tokens[i]) != 0) return 0;
    return 1;
}

static char *join(const lrp_tokens *t, size_t *len)
{
    size_t n = 1;
    for (size_t i = 0; i < t->count; i++) n += strlen(t->tokens[i]) + 1;
    char *s = malloc(n);
    if (!s) abort();
    size_t k = 0;
    for (size_t i = 0; i < t->count; i++) {
        size_t m = strlen(t->tokens[i]);
        if (i) s[k++] = ' ';
        memcpy(s + k, t->tokens[i], m);
        k += m;
    }
    s[k] = '\0';
    *len = k;
    return s;
}

static void check_tokens(const lrp_tokens *t, int escaped)
{
    for (size_t i = 0; i < t->count; i++) {
        const char *tok = t->tokens[i];
        size_t m = strlen(tok), at;
        char what[160];
        REQUIRE(m > 0, "empty token %zu", i);
        REQUIRE(text_check(tok, m, &at, what, sizeof what), "token %zu: %s at %zu", i, what, at);
        for (size_t k = 0; k < m; k++) {
            REQUIRE(!text_is_space((unsigned char)tok[k]), "token %zu holds a space", i);
            if (escaped && (tok[k] == '/' || tok[k] == '*'))
                REQUIRE(k > 0 && tok[k - 1] == '\\', "token %zu \"%s\": bare %c", i, tok, tok[k]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t at;
    char what[160];
    int valid = text_check(text, size, &at, what, sizeof what);

    lrp_tokens t, lower, again, split;
    lrp_error err;
    lrp_status st = lrp_tokenize(text, size, 0, &t, &err);
    REQUIRE(st == (valid ? LRP_OK : LRP_ERR_INPUT), "tokenize: status %d for a %s text: %s", (int)st,
            valid ? "valid" : "invalid", err.message);
    st = lrp_split_tokens(text, size, 0, &split, &err);
    REQUIRE(st == (valid ? LRP_OK : LRP_ERR_INPUT), "split: status %d for a %s text", (int)st,
            valid ? "valid" : "invalid");
    if (!valid) {
        REQUIRE(err.message[0] != '\0', "no message");
        return 0;
    }
    check_tokens(&t, 1);
    check_tokens(&split, 0);
    lrp_tokens_free(&split);

    st = lrp_tokenize(text, size, 1, &lower, &err);
    REQUIRE(st == LRP_OK && lower.count == t.count, "lowercase: %zu tokens, not %zu", lower.count, t.count);
    for (size_t i = 0; i < t.count; i++) {
        size_t m = strlen(t.tokens[i]);
        char *l = malloc(m + 1);
        if (!l) abort();
        memcpy(l, t.tokens[i], m + 1);
        text_lowercase(l, m);
        REQUIRE(strcmp(l, lower.tokens[i]) == 0, "token %zu: lowercase \"%s\" is not \"%s\"", i,
                lower.tokens[i], l);
        free(l);
    }
    lrp_tokens_free(&lower);

    size_t len;
    char *joined = join(&t, &len);
    st = lrp_tokenize(joined, len, 0, &again, &err);
    REQUIRE(st == LRP_OK, "tokenize(joined): %s", err.message);
    REQUIRE(same(&t, &again), "tokenizing the tokens \"%s\" changes them (%zu -> %zu tokens)", joined,
            t.count, again.count);
    lrp_tokens_free(&again);
    st = lrp_split_tokens(joined, len, 0, &split, &err);
    REQUIRE(st == LRP_OK && same(&t, &split), "split(joined) differs: \"%s\"", joined);
    lrp_tokens_free(&split);
    free(joined);
    lrp_tokens_free(&t);
    return 0;
}
