/*
 * commands.h - the `lrp` subcommands, one file each (cli/cmd_<name>.c). Each takes
 * the arguments after the subcommand name (argv[0] is the subcommand) and returns
 * the process exit code.
 */
#ifndef LRP_COMMANDS_H
#define LRP_COMMANDS_H

int cmd_explain(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_deletion(int argc, char **argv);
int cmd_position(int argc, char **argv);
int cmd_top_words(int argc, char **argv);
int cmd_heatmaps(int argc, char **argv);
int cmd_reproduce(int argc, char **argv);

#endif /* LRP_COMMANDS_H */
