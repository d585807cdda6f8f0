/*
 * tokenize.c - raw English text to the Stanford Sentiment Treebank's tokens
 * (lrp_tokenize), pretokenized text (lrp_split_tokens), tokens to word ids
 * (lrp_encode), and the text checks of text.h.
 *
 * The treebank was tokenized PTB-style (Stanford's PTBTokenizer). The rules
 * below were read off the treebank's leaves (train, dev and test) and are
 * measured there by tests/test_tokenize_sst.c, which detokenizes every sentence
 * and tokenizes it again:
 *   - punctuation is split off words: . , ; : ? ! $ # % = + & and the like;
 *     runs of ? and ! stay together ("?!?"), runs of * too ("\*\*\*");
 *   - clitics are split from the end of a word when a letter or digit comes
 *     before them: n't 's 're 've 'll 'd 'm ("don't" -> do n't, "can't" -> ca
 *     n't, "won't" -> wo n't), and "cannot" -> can not; words with an inner
 *     apostrophe stay whole (O'Neill, y'all, o'clock), as do 'em 'n' 'n 'til
 *     'till 'cause, decades ('70s, '53) and ol';
 *   - a mixed fraction written with a no-break space stays one token
 *     ("8\u00A01/2" -> 8\u00A01\/2), as in the treebank;
 *   - a trailing apostrophe is split off (Achilles' -> Achilles '); a leading one
 *     opens a quote: 'small' -> ` small ';
 *   - double quotes become `` (opening: at the start, after a space, an opening
 *     bracket or quote) and '' (closing); curly quotes by their shape;
 *   - brackets ( [ { become -LRB- and ) ] } become -RRB- (the treebank has only
 *     round ones, so square and curly brackets share their tokens);
 *   - / and * are written \/ and \* ("writer/director" -> writer\/director);
 *   - two or more dots, or U+2026, are "..."; two or more hyphens, or an em,
 *     en or horizontal-bar dash, are "--"; a single hyphen inside a word keeps
 *     it whole (well-drawn), one at the end stays with it (anti-), a lone one
 *     is "-";
 *   - numbers keep their decimal point, thousands separators and colons
 *     (9.50, 20,000, 10:30); a leading - or . before a digit starts a number;
 *   - a word's final period stays with it when the word is an abbreviation:
 *     one letter (J.), letters with inner periods (U.S., E.T.), or a listed
 *     abbreviation (Mr. vs. etc. No. ..., in any case unless also a common
 *     word: "Wash." but "a wash ."). As in the treebank, an abbreviation
 *     that can end a sentence (etc. No. Bros. Inc. ...) and ends the text is
 *     followed by an extra "." token ("In a word: No." -> ... No. .);
 *   - the curly apostrophe ’ acts like ' and is written '; ‘ opens a quote;
 *   - any other character (letters, digits, non-ASCII letters such as é)
 *     belongs to words. Tokens already in treebank form (-LRB-, ``, n't, \/) are
 *     read back as themselves, so tokenizing the treebank's own text is the
 *     identity.
 * Lowercasing (when asked) applies to the finished tokens: -LRB- -> -lrb-.
 * The text is checked first (text.h); the tokenizer is a single left-to-right
 * pass, linear in the length of the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "text/text.h"

// ----------------------------------------------------------------------------
// text checks (text.h)

static int bad(size_t *offset, size_t at, char *what, size_t n, const char *msg, const unsigned char *s,
               size_t nbytes)
{
    *offset = at;
    size_t k = (size_t)snprintf(what, n, "%s", msg);
    for (size_t i = 0; i < nbytes && k < n; i++)
        k += (size_t)snprintf(what + k, n - k, " 0x%02X", s[i]);
    return 0;
}

int text_check(const char *text, size_t len, size_t *offset, char *what, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0) return bad(offset, i, what, n, "NUL byte", s, 0);
            if ((c < 0x20 && !text_is_space((unsigned char)c)) || c == 0x7F) {
                *offset = i;
                snprintf(what, n, "control character U+%04X (only tab and line breaks are allowed)", c);
                return 0;
            }
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c < 0xC0) return bad(offset, i, what, n, "invalid UTF-8: stray continuation byte", s + i, 1);
        if (c < 0xC2) return bad(offset, i, what, n, "invalid UTF-8: overlong encoding", s + i, 1);
        if (c < 0xE0) need = 1, cp = c & 0x1F;
        else if (c < 0xF0) need = 2, cp = c & 0x0F;
        else if (c < 0xF5) need = 3, cp = c & 0x07;
        else return bad(offset, i, what, n, "invalid UTF-8: byte never used in UTF-8", s + i, 1);
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return bad(offset, i, what, n, "invalid UTF-8: truncated sequence", s + i,
                           i + k < len ? k + 1 : k);
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        static const uint32_t smallest[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < smallest[need])
            return bad(offset, i, what, n, "invalid UTF-8: overlong encoding", s + i, need + 1);
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return bad(offset, i, what, n, "invalid UTF-8: surrogate", s + i, need + 1);
        if (cp > 0x10FFFF)
            return bad(offset, i, what, n, "invalid UTF-8: beyond U+10FFFF", s + i, need + 1);
        if (cp <= 0x9F && cp != 0x85) {
            *offset = i;
            snprintf(what, n, "control character U+%04X (text in Windows-1252 rather than UTF-8?)",
                     (unsigned)cp);
            return 0;
        }
        i += need + 1;
    }
    return 1;
}

/* Lowercase of a code point below U+0800 (2-byte UTF-8), staying below U+0800. */
static uint32_t lower_2byte(uint32_t c)
{
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;          /* Latin-1 */
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||   /* Latin Extended-A */
        (c >= 0x14A && c <= 0x177))
        return c % 2 == 0 ? c + 1 : c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
    if (c == 0x178) return 0xFF;
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;      /* Greek */
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 0x25;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 0x3F;
    if (c >= 0x400 && c <= 0x40F) return c + 0x50;                    /* Cyrillic */
    if (c >= 0x410 && c <= 0x42F) return c + 0x20;
    if (c >= 0x460 && c <= 0x481) return c % 2 == 0 ? c + 1 : c;
    return c;
}

void text_lowercase(char *text, size_t len)
{
    unsigned char *s = (unsigned char *)text;
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z') {
            s[i] = (unsigned char)(s[i] + ('a' - 'A'));
        } else if (s[i] >= 0xC2 && s[i] < 0xE0 && i + 1 < len) {
            uint32_t c = ((uint32_t)(s[i] & 0x1F) << 6) | (s[i + 1] & 0x3Fu);
            uint32_t l = lower_2byte(c);
            s[i] = (unsigned char)(0xC0 | (l >> 6));
            s[i + 1] = (unsigned char)(0x80 | (l & 0x3F));
            i++;
        }
    }
}

// ----------------------------------------------------------------------------
// characters as the tokenizer sees them

typedef enum kind {
    K_SPACE,    /* ASCII whitespace, no-break and other Unicode spaces */
    K_WORD,     /* letters, digits, anything not listed below */
    K_APOS,     /* ' and ’ (U+2019): apostrophe or single quote */
    K_OPEN1,    /* ` and ‘ (U+2018), ‚ (U+201A): opening single quote */
    K_DQUOTE,   /* ": opening or closing by context */
    K_OPEN2,    /* “ „ «: opening double quote */
    K_CLOSE2,   /* ” »: closing double quote */
    K_LBR,      /* ( [ { */
    K_RBR,      /* ) ] } */
    K_DOT,      /* . */
    K_ELLIPSIS, /* … */
    K_HYPHEN,   /* - */
    K_DASH,     /* — – ― */
    K_COMMA,
    K_COLON,
    K_QEX,      /* ? ! */
    K_SLASH,    /* / or the escaped \/ */
    K_STAR,     /* * or the escaped \* */
    K_AMP,      /* & */
    K_SYM       /* other symbols, each a token as it is: ; $ # % = + ... */
} kind;

typedef struct glyph {
    kind k;
    size_t len; /* bytes */
} glyph;

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alnum(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The character at s[i] (valid UTF-8, i < n). */
static glyph glyph_at(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c < 0x80) {
        switch (c) {
        case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': return (glyph){K_SPACE, 1};
        case '\'': return (glyph){K_APOS, 1};
        case '`': return (glyph){K_OPEN1, 1};
        case '"': return (glyph){K_DQUOTE, 1};
        case '(': case '[': case '{': return (glyph){K_LBR, 1};
        case ')': case ']': case '}': return (glyph){K_RBR, 1};
        case '.': return (glyph){K_DOT, 1};
        case '-': return (glyph){K_HYPHEN, 1};
        case ',': return (glyph){K_COMMA, 1};
        case ':': return (glyph){K_COLON, 1};
        case '?': case '!': return (glyph){K_QEX, 1};
        case '/': return (glyph){K_SLASH, 1};
        case '*': return (glyph){K_STAR, 1};
        case '&': return (glyph){K_AMP, 1};
        case ';': case '$': case '#': case '%': case '=': case '+':
        case '<': case '>': case '^': case '|': case '~': return (glyph){K_SYM, 1};
        case '\\':
            /* treebank escapes read back as the character they stand for */
            if (i + 1 < n && s[i + 1] == '/') return (glyph){K_SLASH, 2};
            if (i + 1 < n && s[i + 1] == '*') return (glyph){K_STAR, 2};
            return (glyph){K_WORD, 1};
        default: return (glyph){K_WORD, 1};
        }
    }
    size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = c & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    for (size_t k = 1; k < len; k++) cp = (cp << 6) | (s[i + k] & 0x3Fu);
    kind k = K_WORD;
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000: case 0xFEFF: k = K_SPACE; break;
    case 0x2019: k = K_APOS; break;
    case 0x2018: case 0x201A: k = K_OPEN1; break;
    case 0x201C: case 0x201E: case 0xAB: k = K_OPEN2; break;
    case 0x201D: case 0xBB: k = K_CLOSE2; break;
    case 0x2013: case 0x2014: case 0x2015: k = K_DASH; break;
    case 0x2026: k = K_ELLIPSIS; break;
    case 0xA2: case 0xA3: case 0xA5: case 0x20AC: case 0xA1: case 0xBF: case 0xA7: case 0xB6:
        k = K_SYM; break;
    default:
        if (cp >= 0x2000 && cp <= 0x200B) k = K_SPACE;
        break;
    }
    return (glyph){k, len};
}

// ----------------------------------------------------------------------------
// abbreviations (a word's final period stays with it)

/* Abbreviations that never end a sentence in the treebank's style (titles and
 * the like) and ones that may: the latter get an extra "." at the end of a text,
 * as the treebank has "etc. ." and "No. .". An entry written in lowercase
 * matches in any case (mr. Mr. MR.); one written with a capital matches only
 * with its first letter capitalised or in capitals, because in lowercase it is
 * also a word that can end a sentence ("a wash.", "feel ill.", "Noah's ark."). */
static const char *const abbrev_inner[] = {
    "mr", "mrs", "ms", "messrs", "dr", "drs", "prof", "st", "ste", "mt", "sen", "rep", "gov", "gen",
    "lt", "col", "capt", "sgt", "cpl", "pvt", "adm", "maj", "rev", "hon", "pres", "mme", "mlle",
    "ave", "blvd", "rd", "vs", "cf", "viz", "esp", "approx", "pp", "vol", "Ed", "Fig", "ph.d",
};
static const char *const abbrev_final[] = {
    "etc", "al", "seq", "no", "nos", "bros", "inc", "co", "cos", "corp", "ltd", "plc", "jr", "sr",
    "esq", "jan", "feb", "Mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "ala", "ariz", "Ark", "calif", "colo", "conn", "Del", "fla", "Ga", "Ill", "Ind", "kan", "kans",
    "ky", "La", "md", "Mass", "mich", "minn", "Miss", "Mo", "mont", "neb", "nev", "okla", "Ore",
    "pa", "penn", "tenn", "tex", "va", "vt", "Wash", "wis", "wisc", "wyo",
};

static int ascii_upper(int c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

static int matches_entry(const unsigned char *w, size_t m, const char *e)
{
    if (strlen(e) != m) return 0;
    int any_case = e[0] >= 'a' && e[0] <= 'z', first = 1, caps = 1;
    for (size_t i = 0; i < m; i++) {
        int c = (unsigned char)e[i];
        if (any_case && ascii_upper(w[i]) != ascii_upper(c)) return 0;
        first &= w[i] == (i == 0 ? ascii_upper(c) : c);
        caps &= w[i] == ascii_upper(c);
    }
    return any_case || first || caps;
}

/* Is w[0..m) (the word before a final period) an abbreviation? 0: no; 1: yes;
 * 2: yes, and one that can end a sentence. */
static int abbreviation(const unsigned char *w, size_t m)
{
    int letters = m % 2 == 1; /* one letter, or letters with inner periods: J, U.S, E.T */
    for (size_t i = 0; i < m && letters; i++)
        letters = i % 2 == 0 ? ((w[i] | 0x20) >= 'a' && (w[i] | 0x20) <= 'z') : w[i] == '.';
    if (letters) return 1;
    for (size_t i = 0; i < sizeof abbrev_inner / sizeof *abbrev_inner; i++)
        if (matches_entry(w, m, abbrev_inner[i])) return 1;
    for (size_t i = 0; i < sizeof abbrev_final / sizeof *abbrev_final; i++)
        if (matches_entry(w, m, abbrev_final[i])) return 2;
    return 0;
}

// ----------------------------------------------------------------------------
// token list

typedef struct scanner {
    const unsigned char *s;
    size_t n;           /* bytes of text */
    size_t content_end; /* end of the last character that is not a space */
    int lowercase;
    lrp_tokens *out;
    size_t cap;         /* allocated entries of out->tokens */
    size_t max;         /* tokens kept; the ones after them are only counted */
    size_t dropped;     /* tokens counted, not kept */
} scanner;

/* Is out full? Then the next token is counted and not made. */
static int full(scanner *sc)
{
    if (sc->out->count < sc->max) return 0;
    sc->dropped++;
    return 1;
}

static int push(scanner *sc, char *tok)
{
    lrp_tokens *t = sc->out;
    if (t->count == sc->cap) {
        size_t cap = sc->cap ? 2 * sc->cap : 16, bytes;
        if (cap < sc->cap || !lrp_mul_size(cap, sizeof *t->tokens, &bytes)) return 0;
        char **grown = realloc(t->tokens, bytes);
        if (!grown) return 0;
        t->tokens = grown;
        sc->cap = cap;
    }
    t->tokens[t->count++] = tok;
    return 1;
}

/* Append the text s[a..b) as a token in treebank form: ’ written ', / and *
 * escaped (an escape already there is kept as it is), lowercased if asked. */
static int emit(scanner *sc, size_t a, size_t b)
{
    if (full(sc)) return 1;
    const unsigned char *s = sc->s;
    size_t m = 0;
    for (size_t i = a; i < b;) {
        if (s[i] == '\\' && i + 1 < b && (s[i + 1] == '/' || s[i + 1] == '*')) m += 2, i += 2;
        else if (s[i] == '/' || s[i] == '*') m += 2, i++;
        else if (s[i] == 0xE2 && i + 2 < b && s[i + 1] == 0x80 && s[i + 2] == 0x99) m++, i += 3;
        else m++, i++;
    }
    char *tok = malloc(m + 1);
    if (!tok) return 0;
    size_t k = 0;
    for (size_t i = a; i < b;) {
        if (s[i] == '\\' && i + 1 < b && (s[i + 1] == '/' || s[i + 1] == '*')) {
            tok[k++] = '\\';
            tok[k++] = (char)s[i + 1];
            i += 2;
        } else if (s[i] == '/' || s[i] == '*') {
            tok[k++] = '\\';
            tok[k++] = (char)s[i++];
        } else if (s[i] == 0xE2 && i + 2 < b && s[i + 1] == 0x80 && s[i + 2] == 0x99) {
            tok[k++] = '\'';
            i += 3;
        } else {
            tok[k++] = (char)s[i++];
        }
    }
    tok[k] = '\0';
    if (sc->lowercase) text_lowercase(tok, k);
    if (!push(sc, tok)) {
        free(tok);
        return 0;
    }
    return 1;
}

static int emit_literal(scanner *sc, const char *lit)
{
    if (full(sc)) return 1;
    size_t m = strlen(lit);
    char *tok = malloc(m + 1);
    if (!tok) return 0;
    memcpy(tok, lit, m + 1);
    if (sc->lowercase) text_lowercase(tok, m);
    if (!push(sc, tok)) {
        free(tok);
        return 0;
    }
    return 1;
}

// ----------------------------------------------------------------------------
// words

/* Length of an apostrophe (' or ’) ending just before byte p, not before a; 0 if none. */
static size_t apostrophe_before(const unsigned char *s, size_t a, size_t p)
{
    if (p >= a + 1 && s[p - 1] == '\'') return 1;
    if (p >= a + 3 && s[p - 3] == 0xE2 && s[p - 2] == 0x80 && s[p - 1] == 0x99) return 3;
    return 0;
}

static int equals_ci(const unsigned char *w, size_t m, const char *lower)
{
    if (strlen(lower) != m) return 0;
    for (size_t i = 0; i < m; i++)
        if ((w[i] >= 'A' && w[i] <= 'Z' ? w[i] | 0x20 : w[i]) != (unsigned char)lower[i]) return 0;
    return 1;
}

/* Can a stem s[a..c) end at c, before a clitic? Only after a letter or digit:
 * a stem ending in / . & - or an apostrophe would read differently on its own. */
static int stem_end(const unsigned char *s, size_t a, size_t c)
{
    return c > a && (is_alnum(s[c - 1]) || (s[c - 1] >= 0x80 && !apostrophe_before(s, a, c)));
}

/* Where the clitic ending the word s[a..e) starts: n't, 's, 're, 've, 'll, 'd,
 * 'm, after a stem; e when the word ends in none. */
static size_t clitic_start(const unsigned char *s, size_t a, size_t e)
{
    if (e - a >= 4 && (s[e - 1] | 0x20) == 't') {
        size_t L = apostrophe_before(s, a, e - 1);
        if (L && e - 1 - L >= a + 2 && (s[e - 2 - L] | 0x20) == 'n' && stem_end(s, a, e - 2 - L))
            return e - 2 - L;
    }
    static const char *const clitics[] = {"s", "d", "m", "re", "ve", "ll"};
    for (size_t c = 0; c < sizeof clitics / sizeof *clitics; c++) {
        size_t m = strlen(clitics[c]);
        if (e - a <= m || !equals_ci(s + e - m, m, clitics[c])) continue;
        size_t L = apostrophe_before(s, a, e - m);
        if (L && stem_end(s, a, e - m - L)) return e - m - L;
    }
    return e;
}

/* End of the word starting at `start`, scanning from i (start < i when the word
 * began with a sign). *abbrev: 0, or abbreviation()'s answer when the word keeps
 * its final period. */
static size_t scan_word(const scanner *sc, size_t start, size_t i, int *abbrev)
{
    const unsigned char *s = sc->s;
    size_t n = sc->n;
    *abbrev = 0;
    while (i < n) {
        glyph g = glyph_at(s, n, i);
        if (g.k == K_WORD) {
            i += g.len;
            continue;
        }
        size_t j = i + g.len;
        glyph next = j < n ? glyph_at(s, n, j) : (glyph){K_SPACE, 0};
        int then_word = next.k == K_WORD;
        switch (g.k) {
        case K_APOS: /* O'Neill, don't: inner apostrophes stay; ol' keeps its own */
            if (then_word) break;
            return equals_ci(s + start, i - start, "ol") ? j : i;
        case K_HYPHEN: /* well-drawn; "anti- and pro-war" */
            if (then_word) break;
            return next.k == K_SPACE ? j : i;
        case K_DOT: /* U.S, 9.50, feardotcom.com; a final period of an abbreviation */
            if (then_word) break;
            if (next.k != K_DOT && (*abbrev = abbreviation(s + start, i - start)) != 0) return j;
            return i;
        case K_COMMA: case K_COLON: /* 20,000 and 10:30 */
            if (is_digit(s[i - 1]) && j < n && is_digit(s[j])) break;
            return i;
        case K_AMP: /* R&B, S&M */
            if (is_alnum(s[i - 1]) && j < n && is_alnum(s[j])) break;
            return i;
        case K_SLASH: /* writer/director, 9/11 */
            if (then_word) break;
            return i;
        default: return i;
        }
        i = j;
    }
    return i;
}

/* Emit the word s[start..end): abbreviations whole (plus the sentence-final
 * period), else the stem and its clitics. */
static int emit_word(scanner *sc, size_t start, size_t end, int abbrev)
{
    const unsigned char *s = sc->s;
    if (abbrev) {
        if (!emit(sc, start, end)) return 0;
        return abbrev == 2 && end == sc->content_end ? emit_literal(sc, ".") : 1;
    }
    size_t cut[8], n_cut = 0, e = end; /* "wouldn't've": two clitics */
    while (n_cut < 8) {
        size_t c = clitic_start(s, start, e);
        if (c == e) break;
        cut[n_cut++] = c;
        e = c;
    }
    if (equals_ci(s + start, e - start, "cannot")) {
        if (!emit(sc, start, start + 3) || !emit(sc, start + 3, e)) return 0;
    } else if (!emit(sc, start, e)) {
        return 0;
    }
    for (size_t k = n_cut; k-- > 0;)
        if (!emit(sc, cut[k], k == 0 ? end : cut[k - 1])) return 0;
    return 1;
}

/* A token that starts with an apostrophe at i: 'em 'n' 'n 'til 'till 'cause,
 * decades ('70s, '53) and clitics written apart ('s 're ...). Its end, or 0. */
static size_t apostrophe_word(const scanner *sc, size_t i, size_t len)
{
    const unsigned char *s = sc->s;
    size_t n = sc->n, p = i + len, e = p;
    if (p < n && is_digit(s[p])) {
        while (e < n && is_digit(s[e])) e++;
        if (e < n && s[e] == 's') e++;
    } else {
        while (e < n && ((s[e] | 0x20) >= 'a' && (s[e] | 0x20) <= 'z')) e++;
        static const char *const words[] = {"em", "n", "til", "till", "cause", "s", "re", "ve",
                                            "ll", "d", "m"};
        int known = 0;
        for (size_t w = 0; w < sizeof words / sizeof *words && !known; w++)
            known = equals_ci(s + p, e - p, words[w]);
        if (!known) return 0;
        if (equals_ci(s + p, e - p, "n") && e < n && glyph_at(s, n, e).k == K_APOS)
            e += glyph_at(s, n, e).len; /* 'n' */
    }
    if (e == p || (e < n && glyph_at(s, n, e).k == K_WORD)) return 0;
    return e;
}

/* -LRB- and its kin written in the text: read back as themselves. */
static size_t bracket_token(const scanner *sc, size_t i)
{
    static const char *const names[] = {"-LRB-", "-RRB-", "-LSB-", "-RSB-", "-LCB-", "-RCB-",
                                        "-lrb-", "-rrb-", "-lsb-", "-rsb-", "-lcb-", "-rcb-"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (sc->n - i >= 5 && memcmp(sc->s + i, names[k], 5) == 0 &&
            (i + 5 == sc->n || glyph_at(sc->s, sc->n, i + 5).k != K_WORD))
            return i + 5;
    return 0;
}

/* Run of 1 to 4 ASCII digits at s[i..): its end, or i. */
static size_t digits(const unsigned char *s, size_t n, size_t i)
{
    size_t e = i;
    while (e < n && e - i < 4 && is_digit(s[e])) e++;
    return e < n && is_digit(s[e]) ? i : e;
}

/* A mixed fraction written with a no-break space, "8\u00A01/2", which the
 * treebank keeps as one token (with an ordinary space it has two). Its end, or 0. */
static size_t fraction(const scanner *sc, size_t i)
{
    const unsigned char *s = sc->s;
    size_t n = sc->n, e = digits(s, n, i);
    if (e == i || e + 2 >= n || s[e] != 0xC2 || s[e + 1] != 0xA0) return 0;
    size_t a = e + 2, b = digits(s, n, a);
    if (b == a || b >= n) return 0;
    size_t c = s[b] == '/' ? b + 1 : (s[b] == '\\' && b + 1 < n && s[b + 1] == '/') ? b + 2 : b;
    size_t d = digits(s, n, c);
    if (c == b || d == c || (d < n && glyph_at(s, n, d).k == K_WORD)) return 0;
    return d;
}

// ----------------------------------------------------------------------------
// the tokenizer

/* Tokenize the checked text; returns 0 when out of memory. */
static int run(scanner *sc)
{
    const unsigned char *s = sc->s;
    size_t n = sc->n, i = 0;
    int open = 1; /* at the start, after a space, an opening bracket, quote or dash */
    while (i < n) {
        glyph g = glyph_at(s, n, i);
        size_t j = i + g.len, e;
        glyph next = j < n ? glyph_at(s, n, j) : (glyph){K_SPACE, 0};
        int ok = 1, was_open = open, ab;
        open = 0;
        switch (g.k) {
        case K_SPACE:
            open = 1;
            break;
        case K_WORD:
            if (is_digit(s[i]) && (e = fraction(sc, i)) != 0) {
                ok = emit(sc, i, e);
                j = e;
                break;
            }
            j = scan_word(sc, i, i, &ab);
            ok = emit_word(sc, i, j, ab);
            break;
        case K_LBR:
            ok = emit_literal(sc, "-LRB-");
            open = 1;
            break;
        case K_RBR:
            ok = emit_literal(sc, "-RRB-");
            break;
        case K_OPEN1:
            if (s[i] == '`' && j < n && s[j] == '`') ok = emit_literal(sc, "``"), j++;
            else ok = emit_literal(sc, "`");
            open = 1;
            break;
        case K_OPEN2:
            ok = emit_literal(sc, "``");
            open = 1;
            break;
        case K_CLOSE2:
            ok = emit_literal(sc, "''");
            break;
        case K_DQUOTE:
            open = was_open && next.k != K_SPACE;
            ok = emit_literal(sc, open ? "``" : "''");
            break;
        case K_APOS:
            if (next.k == K_APOS) { /* '' */
                ok = emit_literal(sc, "''");
                j += next.len;
            } else if ((e = apostrophe_word(sc, i, g.len)) != 0) {
                ok = emit(sc, i, e);
                j = e;
            } else {
                open = was_open && next.k != K_SPACE;
                ok = emit_literal(sc, open ? "`" : "'");
            }
            break;
        case K_DOT:
            if (next.k == K_DOT) {
                while (j < n && s[j] == '.') j++;
                ok = emit_literal(sc, "...");
            } else if (was_open && j < n && is_digit(s[j])) { /* .5 */
                j = scan_word(sc, i, j, &ab);
                ok = emit_word(sc, i, j, ab);
            } else {
                ok = emit_literal(sc, ".");
            }
            break;
        case K_ELLIPSIS:
            ok = emit_literal(sc, "...");
            break;
        case K_HYPHEN:
            if ((e = bracket_token(sc, i)) != 0) {
                ok = emit(sc, i, e);
                j = e;
                open = s[i + 1] == 'L' || s[i + 1] == 'l';
            } else if (next.k == K_HYPHEN) {
                while (j < n && s[j] == '-') j++;
                ok = emit_literal(sc, "--");
                open = 1;
            } else if (was_open && j < n && is_digit(s[j])) { /* -5 */
                j = scan_word(sc, i, j, &ab);
                ok = emit_word(sc, i, j, ab);
            } else {
                ok = emit_literal(sc, "-");
                open = 1;
            }
            break;
        case K_DASH:
            ok = emit_literal(sc, "--");
            open = 1;
            break;
        case K_QEX: /* ?!? stays one token */
            while (j < n && glyph_at(s, n, j).k == K_QEX) j++;
            ok = emit(sc, i, j);
            break;
        case K_STAR: /* *** stays one token */
            while (j < n && glyph_at(s, n, j).k == K_STAR) j += glyph_at(s, n, j).len;
            ok = emit(sc, i, j);
            break;
        case K_COMMA: case K_COLON: case K_SLASH: case K_AMP: case K_SYM:
            ok = emit(sc, i, j);
            break;
        }
        if (!ok) return 0;
        i = j;
    }
    return 1;
}

/* End of the last character that is not a space (valid UTF-8). */
static size_t content_end(const unsigned char *s, size_t n)
{
    size_t p = n;
    while (p > 0) {
        size_t q = p - 1;
        while (q > 0 && (s[q] & 0xC0) == 0x80) q--;
        if (glyph_at(s, n, q).k != K_SPACE) break;
        p = q;
    }
    return p;
}

/* Common start of lrp_tokenize and lrp_split_tokens: arguments and text checks. */
static lrp_status begin(const char *fn, const char *text, size_t len, lrp_tokens *out, lrp_error *err)
{
    if (!out) return lrp_fail(err, LRP_ERR_ARGUMENT, "%s: out is NULL", fn);
    out->count = 0;
    out->tokens = NULL;
    if (!text && len) return lrp_fail(err, LRP_ERR_ARGUMENT, "%s: text is NULL", fn);
    size_t at;
    char what[160];
    if (!text_check(text, len, &at, what, sizeof what))
        return lrp_fail(err, LRP_ERR_INPUT, "%s at byte %zu of the text", what, at);
    return LRP_OK;
}

const char *text_control(const char *s, int allow)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7F && *p != 0xC2) continue;
        if (*p < 0x20) {
            if (*p == '\t' && allow >= TEXT_ALLOW_TAB) continue;
            if (text_is_space(*p) && allow >= TEXT_ALLOW_SPACE) continue;
            return (const char *)p;
        }
        if (*p == 0x7F) return (const char *)p;
        if (p[1] >= 0x80 && p[1] <= 0x9F && !(p[1] == 0x85 && allow >= TEXT_ALLOW_SPACE)) return (const char *)p;
    }
    return NULL;
}

static lrp_status out_of_memory(lrp_tokens *out, lrp_error *err)
{
    lrp_tokens_free(out);
    return lrp_fail(err, LRP_ERR_NOMEM, "out of memory while tokenizing");
}

/* lrp_tokenize or lrp_split_tokens (split), keeping at most max tokens and counting
 * all of them into *total. */
static lrp_status tokenize(const char *fn, const char *text, size_t len, int lowercase, int split, size_t max,
                           lrp_tokens *out, size_t *total, lrp_error *err)
{
    lrp_status st = begin(fn, text, len, out, err);
    if (st != LRP_OK) return st;
    const unsigned char *s = (const unsigned char *)text;
    scanner sc = {s, len, split ? len : content_end(s, len), lowercase, out, 0, max, 0};
    if (!split && !run(&sc)) return out_of_memory(out, err);
    for (size_t i = 0; split && i < len;) {
        if (text_is_space(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && !text_is_space(s[j])) j++;
        if (!full(&sc)) {
            char *tok = malloc(j - i + 1);
            if (!tok) return out_of_memory(out, err);
            memcpy(tok, s + i, j - i);
            tok[j - i] = '\0';
            if (lowercase) text_lowercase(tok, j - i);
            if (!push(&sc, tok)) {
                free(tok);
                return out_of_memory(out, err);
            }
        }
        i = j;
    }
    if (total) *total = out->count + sc.dropped;
    lrp_error_clear(err);
    return LRP_OK;
}

lrp_status lrp_tokenize(const char *text, size_t len, int lowercase, lrp_tokens *out, lrp_error *err)
{
    return tokenize("lrp_tokenize", text, len, lowercase, 0, SIZE_MAX, out, NULL, err);
}

lrp_status lrp_split_tokens(const char *text, size_t len, int lowercase, lrp_tokens *out,
                            lrp_error *err)
{
    return tokenize("lrp_split_tokens", text, len, lowercase, 1, SIZE_MAX, out, NULL, err);
}

lrp_status text_tokenize_max(const char *text, size_t len, int lowercase, int pretokenized, size_t max,
                             lrp_tokens *out, size_t *total, lrp_error *err)
{
    return tokenize(pretokenized ? "lrp_split_tokens" : "lrp_tokenize", text, len, lowercase, pretokenized,
                    max, out, total, err);
}

void lrp_tokens_free(lrp_tokens *tokens)
{
    if (!tokens) return;
    for (size_t i = 0; i < tokens->count; i++) free(tokens->tokens[i]);
    free(tokens->tokens);
    tokens->tokens = NULL;
    tokens->count = 0;
}

// ----------------------------------------------------------------------------
// tokens to ids

/* How many unknown words the error message names before "and N more". */
enum { NAMED_UNKNOWN = 5 };

lrp_status lrp_encode(const lrp_model *model, const lrp_tokens *tokens, int32_t *ids,
                      unsigned char *unknown, lrp_error *err)
{
    if (!model || !tokens || (tokens->count && (!ids || !tokens->tokens)))
        return lrp_fail(err, LRP_ERR_ARGUMENT, "lrp_encode: NULL argument");
    lrp_model_info info;
    lrp_model_get_info(model, &info);
    size_t n_unknown = 0, first[NAMED_UNKNOWN];
    for (size_t i = 0; i < tokens->count; i++) {
        const char *tok = tokens->tokens[i];
        if (!tok) return lrp_fail(err, LRP_ERR_ARGUMENT, "lrp_encode: token %zu is NULL", i);
        long id = lrp_model_lookup(model, tok);
        if (unknown) unknown[i] = id < 0;
        if (id < 0) {
            if (n_unknown < NAMED_UNKNOWN) first[n_unknown] = i;
            n_unknown++;
            id = info.unk_id;
        }
        if (id > INT32_MAX) return lrp_fail(err, LRP_ERR_ARGUMENT, "word id %ld does not fit int32", id);
        ids[i] = (int32_t)id;
    }
    if (n_unknown && info.unk_id < 0) {
        char list[400];
        size_t k = 0;
        for (size_t u = 0; u < n_unknown && u < NAMED_UNKNOWN && k < sizeof list; u++)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s\"%.48s\"", u ? ", " : "",
                                  tokens->tokens[first[u]]);
        if (n_unknown > NAMED_UNKNOWN && k < sizeof list)
            snprintf(list + k, sizeof list - k, " and %zu more", n_unknown - NAMED_UNKNOWN);
        return lrp_fail(err, LRP_ERR_INPUT,
                        "%zu unknown word%s and the model has no unk word: %s", n_unknown,
                        n_unknown == 1 ? "" : "s", list);
    }
    lrp_error_clear(err);
    return LRP_OK;
}
