/*
 * paper.h - the figures of the paper this project reproduces (Arras, Montavon, Mueller,
 * Samek: "Explaining Recurrent Neural Network Predictions in Sentiment Analysis", WASSA
 * 2017; ../shared/paper) that the code uses: its data, its model's accuracy, and the
 * settings of its experiments (section 4), named once so that the commands' defaults,
 * their --help and the report quote the same numbers.
 */
#ifndef LRP_PAPER_H
#define LRP_PAPER_H

/* Section 3: "the 2210 tokenized sentences of the Stanford Sentiment Treebank test set" */
#define PAPER_TEST_SENTENCES 2210
/* ... "the model achieves 46.3% accuracy" (five classes) "and for binary classification
 * (positive vs. negative, ignoring neutral sentences) the test accuracy is 82.9%"; the
 * same numbers as the paper prints them */
#define PAPER_ACCURACY 0.463
#define PAPER_ACCURACY_TEXT "46.3%"
#define PAPER_BINARY_ACCURACY 0.829
#define PAPER_BINARY_ACCURACY_TEXT "82.9%"

/* Figures 1 and 2: the heatmaps of 21 test sentences (their lines: cli/cmd_heatmaps.c) */
#define PAPER_HEATMAP_LINES 21
/* Table 1: the ten most and least relevant words */
#define PAPER_TOP_WORDS 10
/* Figure 3: sentences of at least 10 words, up to 5 words deleted, random deletion
 * averaged over 10 runs */
#define PAPER_DELETION_MIN_LENGTH 10
#define PAPER_DELETION_MAX_WORDS 5
#define PAPER_DELETION_RANDOM_RUNS 10
/* Figure 4: sentences of at least 19 words, in 10 equal intervals */
#define PAPER_POSITION_MIN_LENGTH 19
#define PAPER_POSITION_BINS 10

/* A figure as a string literal, for text that quotes it: PAPER_STR(PAPER_TEST_SENTENCES). */
#define PAPER_STR_(x) #x
#define PAPER_STR(x) PAPER_STR_(x)

#endif /* LRP_PAPER_H */
