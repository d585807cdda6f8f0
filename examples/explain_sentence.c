/*
 * explain_sentence.c - the C API in one page: load a model, tokenize a sentence,
 * explain the predicted class with LRP and print each word's relevance.
 *
 *   cc explain_sentence.c $(pkg-config --cflags --libs lrp) -o explain_sentence
 *   ./explain_sentence models/sst5-bilstm.safetensors "Don't waste your money."
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lrp.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL SENTENCE\n", argv[0]);
        return 2;
    }
    lrp_error err;
    lrp_model *model;
    if (lrp_model_load(&model, argv[1], &err) != LRP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    lrp_model_info info;
    lrp_model_get_info(model, &info);

    /* text -> treebank tokens -> word ids (unknown words read as the model's unk) */
    lrp_tokens tokens;
    if (lrp_tokenize(argv[2], strlen(argv[2]), info.lowercase, &tokens, &err) != LRP_OK) {
        fprintf(stderr, "%s\n", err.message);
        lrp_model_free(model);
        return 1;
    }
    int32_t *ids = malloc((tokens.count ? tokens.count : 1) * sizeof *ids);
    unsigned char *unknown = malloc(tokens.count ? tokens.count : 1);
    lrp_result result = {0};
    int status = 1;
    if (lrp_encode(model, &tokens, ids, unknown, &err) != LRP_OK) goto done;

    /* LRP and SA for the predicted class, sharing one forward pass */
    lrp_options options;
    lrp_options_init(&options);
    options.methods = LRP_METHOD_BIT(LRP_METHOD_LRP) | LRP_METHOD_BIT(LRP_METHOD_SA);
    lrp_sentence sentence = {ids, tokens.count, NULL};
    if (lrp_explain(model, &sentence, &options, &result, &err) != LRP_OK) goto done;

    printf("predicted: %s (p = %.3f)\n", lrp_model_label(model, (size_t)result.predicted),
           result.probabilities[result.predicted]);
    printf("%-16s %12s %12s\n", "word", "lrp", "sa");
    for (size_t t = 0; t < result.length; t++)
        printf("%-16s %12.6f %12.6f%s\n", tokens.tokens[t], result.explanations[0].relevance[t],
               result.explanations[1].relevance[t], unknown[t] ? "  (unknown word)" : "");
    status = 0;
done:
    if (status) fprintf(stderr, "%s\n", err.message);
    lrp_result_free(&result);
    free(ids);
    free(unknown);
    lrp_tokens_free(&tokens);
    lrp_model_free(model);
    return status;
}
