/*
 * plot.h - charts as SVG, for the experiments' figures: line charts with axes,
 * ticks and a legend (Figure 3, word deletion) and grids of bar charts (Figure 4,
 * relevance by position). Internal (not installed).
 *
 * The output is a complete <svg> element (no XML declaration), so that it can be
 * written to a file or inlined in an HTML page as it is. Text is escaped;
 * coordinates are written with 2 decimals, so the same data give the same bytes.
 * Non-finite values are left out of a chart (a gap in a line, no bar).
 */
#ifndef LRP_PLOT_H
#define LRP_PLOT_H

#include <stddef.h>

#include "app/outbuf.h"

// ----------------------------------------------------------------------------
// line charts

typedef struct plot_series {
    const char *name;   /* in the legend */
    const double *y;    /* [n] */
    const double *err;  /* [n] or NULL: a band of +- err around the line */
    const char *color;  /* CSS colour, e.g. "#d62728" */
    int dashed;
} plot_series;

typedef struct plot_lines {
    const char *title;
    const char *xlabel, *ylabel;
    const double *x;    /* [n], increasing */
    size_t n;
    const plot_series *series;
    size_t n_series;
    double ymin, ymax;  /* the y range; ymin >= ymax: from the data */
    int width, height;  /* pixels; 0: 420 x 300 */
} plot_lines;

void plot_lines_svg(outbuf *o, const plot_lines *chart);

// ----------------------------------------------------------------------------
// bar grids

typedef struct plot_bar_grid {
    const char *title;
    size_t rows, cols;                /* panels */
    const char *const *row_names;     /* [rows] left of each row */
    const char *const *col_names;     /* [cols] above each column */
    const double *values;             /* [rows][cols][n_bars] */
    size_t n_bars;
    const char *const *row_colors;    /* [rows] bar colour of each row, or NULL (grey) */
    const char *xlabel;               /* under the bottom row, e.g. "position in the sentence" */
    double ymax;                      /* shared y range [0, ymax]; <= 0: from the data */
    int panel_width, panel_height;    /* pixels; 0: 150 x 100 */
} plot_bar_grid;

void plot_bar_grid_svg(outbuf *o, const plot_bar_grid *grid);

// ----------------------------------------------------------------------------
// axes

/* Up to max_ticks "nice" tick values (steps of 1, 2 or 5 times a power of ten)
 * covering [lo, hi]; returns how many were written to ticks. */
size_t plot_ticks(double lo, double hi, size_t max_ticks, double *ticks);

#endif /* LRP_PLOT_H */
