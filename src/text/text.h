/*
 * text.h - text checks shared by the tokenizer (tokenize.c) and the data reader
 * (dataset.c): UTF-8 validation with the offset of the first problem, and
 * lowercasing. Internal; not installed.
 *
 * What text is accepted (lrp_tokenize, lrp_split_tokens, the data reader):
 *   - well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 *     above U+10FFFF, no truncated sequence, no stray continuation byte;
 *   - no NUL byte;
 *   - no control character except tab, line feed, vertical tab, form feed and
 *     carriage return (which separate words like a space) and U+0085 (NEL, a
 *     line break). Other C0 controls, DEL and the C1 controls U+0080..U+009F are
 *     rejected rather than read as spaces: they mean binary data or text decoded
 *     with the wrong encoding, which is better reported than explained.
 */
#ifndef LRP_TEXT_H
#define LRP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "lrp.h"

/* Check s[0..len). Returns 1 if the text is acceptable; else 0, with the byte
 * offset of the first bad sequence in *offset and a description in what[0..n)
 * (e.g. "invalid UTF-8: overlong encoding 0xC0 0xAF"). */
int text_check(const char *s, size_t len, size_t *offset, char *what, size_t n);

/* lrp_tokenize (pretokenized: lrp_split_tokens) keeping the first `max` tokens only:
 * the ones after them are counted into *total (all the tokens) but not made, so a
 * line of too many words costs memory for max of them, whatever its length. */
lrp_status text_tokenize_max(const char *text, size_t len, int lowercase, int pretokenized, size_t max,
                             lrp_tokens *out, size_t *total, lrp_error *err);

/* The first control character of the NUL-terminated UTF-8 text s (C0, DEL, C1), or
 * NULL: for names printed on terminals, where a control character or an escape
 * sequence would act. allow: TEXT_ALLOW_NONE; TEXT_ALLOW_TAB; TEXT_ALLOW_SPACE, the
 * tab and the line breaks that text_check allows (\n \v \f \r and U+0085). One pass
 * over the bytes, no decoding (s is valid UTF-8). */
enum { TEXT_ALLOW_NONE = 0, TEXT_ALLOW_TAB = 1, TEXT_ALLOW_SPACE = 2 };
const char *text_control(const char *s, int allow);

/* The code point of the control character at c (as text_control found it). */
static inline unsigned text_control_code(const char *c)
{
    const unsigned char *p = (const unsigned char *)c;
    return p[0] == 0xC2 ? p[1] : p[0];
}

/* ASCII whitespace that separates words: space, \t, \n, \v, \f, \r. */
static inline int text_is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Lowercase valid UTF-8 in place: ASCII, Latin-1, Latin Extended-A, Greek and
 * Cyrillic capitals (other scripts are left as they are). The byte length never
 * changes: every mapping used stays within the same UTF-8 length. */
void text_lowercase(char *s, size_t len);

#endif /* LRP_TEXT_H */
