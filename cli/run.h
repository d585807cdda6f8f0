/*
 * run.h - the loop `lrp explain` and `lrp predict` share: read a chunk of input
 * lines, explain the good ones in one lrp_explain_batch call per target list over
 * the threads, then hand every line to the command's writer in input order, report
 * the bad ones on standard error, and flush; a reader thread reads and tokenizes the
 * next chunk meanwhile. Output bytes do not depend on the thread count: the batch
 * API is bitwise reproducible and the order is the input's.
 */
#ifndef LRP_CLI_RUN_H
#define LRP_CLI_RUN_H

#include "app/outbuf.h"
#include "input.h"
#include "lrp.h"

/* In lrp_options.targets: the input line's true class (--target true). */
#define RUN_TARGET_TRUE (-2)

/* Called once per input line, in input order. result is NULL when the line is bad
 * (item->ok == 0, item->message says why; the message is already on stderr). */
typedef void (*run_writer)(void *ctx, const input_reader *r, const input_item *item,
                           const lrp_result *result);

/* Run over the whole input; returns the number of bad lines. Exits 1 when the
 * library fails for another reason (out of memory) or standard output cannot be
 * written. */
size_t run_all(input_reader *r, const lrp_options *options, int threads, run_writer writer, void *ctx);

/* The fields explain and predict share in their JSON objects, without the braces:
 * "line":N,"tokens":[...],"unknown":[...],"scores":[...],"probabilities":[...],
 * "predicted":c,"label":"...", and "true":c,"true_label":"..." when the input has it. */
void run_json_prediction(outbuf *o, const lrp_model *model, const input_item *item,
                         const lrp_result *result);

/* A bad line as a JSON object: {"line":N,"error":"message"}. */
void run_json_error(outbuf *o, const input_item *item);

/* Display width of a UTF-8 string in terminal columns (code points; every
 * character counted as one column). */
size_t run_text_width(const char *s);

/* A label for a TSV or text field: tabs and newlines would break the columns,
 * so they are written as spaces. */
void run_tsv_field(outbuf *o, const char *s);

#endif /* LRP_CLI_RUN_H */
