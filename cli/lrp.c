/*
 * lrp.c - the `lrp` command: dispatches to a subcommand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "lrp.h"
#include "app/render.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"explain", cmd_explain, "explain predictions: word relevance by LRP, LRP_cons, SA, GI"},
    {"predict", cmd_predict, "class scores, probabilities and the predicted label"},
    {"info", cmd_info, "describe a model file"},
    {"convert", cmd_convert, "write a model (e.g. a PyTorch state_dict) in lrp-rnn's format"},
    {"evaluate", cmd_evaluate, "accuracy and confusion matrix on labelled sentences"},
    {"train", cmd_train, "train a classifier (the paper's bi-LSTM by default) on a treebank"},
    {"heatmaps", cmd_heatmaps, "heatmaps of chosen sentences by SA and LRP (the paper's Figures 1 and 2)"},
    {"top-words", cmd_top_words, "the most and least relevant words for a class (the paper's Table 1)"},
    {"deletion", cmd_deletion, "the word deletion experiment (the paper's Figure 3)"},
    {"position", cmd_position, "relevance by position in the sentence (the paper's Figure 4)"},
    {"reproduce", cmd_reproduce, "every experiment of the paper, as one HTML report with CSV files"},
};
static const size_t n_commands = sizeof commands / sizeof commands[0];

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: lrp COMMAND [OPTIONS] [ARGS]\n"
            "Explain the predictions of recurrent text classifiers with Layer-wise Relevance\n"
            "Propagation (Arras et al. 2017).\n\nCommands:\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\nRun 'lrp COMMAND --help' for a command's options.\n"
            "  --help       show this help\n"
            "  --version    show the version\n\n"
            "The model is --model FILE, else $LRP_MODEL, else the default model\n"
            "(%s).\n"
            "Exit status: 0 success, 1 bad input or model, 2 usage error.\n",
            cli_model_path(NULL));
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < n_commands; i++)
        if (strcmp(name, commands[i].name) == 0) return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    char *shown = strdup(name);
    if (shown) render_terminal_defuse(shown);
    fprintf(stderr, "lrp: unknown command '%s'\nTry 'lrp --help'.\n", shown ? shown : "?");
    free(shown);
    return EXIT_USAGE;
}

/* The command's exit status, once what it wrote to standard output has been written
 * (--help or --version to a full disk is an error, not a success). */
static int finish(int code)
{
    if (code == EXIT_OK) cli_flush_output();
    return code;
}

int main(int argc, char **argv)
{
    /* Standard output in one buffer of 64 KiB when it is not a terminal (a terminal
     * keeps its line buffering): fewer writes, and any --help fits, so that a write
     * that fails (a full disk) fails in cli_flush_output, which names the reason (a
     * stream that failed earlier has lost it). */
    static char out_buffer[1 << 16];
    if (!isatty(STDOUT_FILENO)) setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return finish(EXIT_OK);
    }
    if (strcmp(name, "--version") == 0) {
        printf("lrp %s\n", lrp_version());
        return finish(EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        /* lrp help: the list of commands; lrp help COMMAND: its --help */
        if (argc < 3) {
            usage(stdout);
            return finish(EXIT_OK);
        }
        const command *c = find_command(argv[2]);
        if (!c) return unknown_command(argv[2]);
        char *help_argv[] = {argv[2], "--help", NULL};
        cli_set_command(c->name);
        return finish(c->run(2, help_argv));
    }
    const command *c = find_command(name);
    if (!c) return unknown_command(name);
    cli_set_command(name);
    return finish(c->run(argc - 1, argv + 1));
}
