/*
 * accuracy_plot: reported vs true share of the CPU split's helper side,
 * per profiler, with the diagonal. See accuracy_plot.h.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/accuracy_plot.h"
#include "output/gnuplot.h"
#include "store/accuracy.h"
#include "util/fs.h"
#include "util/text.h"

#define FONT "DejaVu Sans"

/* One colour per profiler (Tableau 10, then darker tones). */
static const char *const colors[] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#1f3b5c", "#8c4a0c", "#6b1e1e", "#2f5d2a",
};

/* Writes accuracy.dat (one block per profiler: true% reported% workload)
 * and accuracy.gp. Returns the number of profilers drawn, -1 on a write
 * error. */
static int write_files(const struct pb_accuracy *acc, const char *out_dir, struct pb_error *err)
{
    char dat[PATH_MAX], gp[PATH_MAX];
    FILE *d = NULL, *f = NULL;
    int blocks = 0, rc = -1;
    const char *names[64];

    snprintf(dat, sizeof dat, "%s/accuracy.dat", out_dir);
    snprintf(gp, sizeof gp, "%s/accuracy.gp", out_dir);
    d = pb_fopen_write(dat);
    if (!d) {
        int e = errno;
        pb_error_set(err, "cannot write '%s'", dat);
        pb_error_errno(err, e);
        goto cleanup;
    }
    fprintf(d, "# true%%  reported%%  workload: the helper side's share of the CPU split\n");
    for (size_t i = 0; i < acc->ncpu && blocks < 64; i++) {
        const struct pb_acc_cpu *row = &acc->cpu[i];
        int points = 0;
        for (size_t k = 0; k < row->nsplits; k++) {
            const struct pb_acc_cpu_split *s = &row->splits[k];
            if (isnan(s->true_share) || isnan(s->reported_share))
                continue;
            if (!points++)
                fprintf(d, "%s# %s\n", blocks ? "\n\n" : "", row->profiler ? row->profiler : "(null)");
            fprintf(d, "%.3f %.3f %s\n", s->true_share * 100, s->reported_share * 100,
                    s->workload ? s->workload : "(null)");
        }
        if (points)
            names[blocks++] = row->profiler;
    }
    if (fclose(d) != 0) {
        d = NULL;
        pb_error_set(err, "cannot write '%s'", dat);
        goto cleanup;
    }
    d = NULL;
    if (!blocks) {
        unlink(dat);                /* nothing to draw: nothing written */
        return 0;
    }

    f = pb_fopen_write(gp);
    if (!f) {
        int e = errno;
        pb_error_set(err, "cannot write '%s'", gp);
        pb_error_errno(err, e);
        goto cleanup;
    }
    fprintf(f, "# pbench chart 'accuracy': reported vs true share of the CPU split's helper side\n");
    fprintf(f, "# Written by pbench %s from %s/accuracy.json\n", PB_VERSION,
            acc->results_dir ? acc->results_dir : "(null)");
    fprintf(f, "# Re-run it from this directory: gnuplot accuracy.gp (numbers in accuracy.dat)\n\n");
    fprintf(f, "set encoding utf8\n");
    fprintf(f, "set terminal pngcairo size 900,760 font '" FONT ",11' noenhanced background rgb '#ffffff'\n");
    fprintf(f, "set output 'accuracy.png'\n");
    fprintf(f, "set title 'CPU attribution: reported vs true share of the helper side' font '" FONT ",14'\n");
    fprintf(f, "set xlabel 'true share (plain runs, measured), %%'\n");
    fprintf(f, "set ylabel 'reported share, %%'\n");
    fprintf(f, "set xrange [0:100]\nset yrange [0:100]\nset size ratio -1\n");
    fprintf(f, "set xtics 10\nset ytics 10\nset grid lc rgb '#e3e3e3'\n");
    fprintf(f, "set key outside right top box lc rgb '#bbbbbb'\n");
    fprintf(f, "set label 1 'above the diagonal: the profiler over-charges the function calls' "
               "at graph 0.02, graph 0.97 left font '" FONT ",9' textcolor rgb '#777777'\n");
    fprintf(f, "plot x with lines dt 2 lw 1.5 lc rgb '#888888' title 'perfect'");
    for (int b = 0; b < blocks; b++) {
        fprintf(f, ", \\\n     'accuracy.dat' index %d using 1:2 with linespoints pt %d ps 1.3 lw 1.5 "
                "lc rgb '%s' title ", b, 5 + (b % 9), colors[b % (sizeof colors / sizeof *colors)]);
        pb_gp_string(f, names[b]);
    }
    fprintf(f, "\n\nset terminal svg size 900,760 font '" FONT ",11' noenhanced fontscale 1.3333 "
               "background rgb '#ffffff'\n");
    fprintf(f, "set output 'accuracy.svg'\nreplot\nunset output\n");
    if (fclose(f) != 0) {
        f = NULL;
        pb_error_set(err, "cannot write '%s'", gp);
        goto cleanup;
    }
    f = NULL;
    rc = blocks;

cleanup:
    if (d)
        fclose(d);
    if (f)
        fclose(f);
    return rc;
}

int pb_accuracy_plot_write(const char *results_dir, const char *out_dir, const char *gnuplot,
                           struct pb_error *err)
{
    struct pb_accuracy *acc;
    int n, rc = -1;

    if (pb_accuracy_load(results_dir, &acc, err) < 0)
        return -1;
    if (pb_mkdirs(out_dir, err) < 0)
        goto cleanup;
    n = write_files(acc, out_dir, err);
    if (n <= 0) {
        rc = n < 0 ? -1 : 1;
        goto cleanup;
    }
    if (pb_gnuplot_run(gnuplot, out_dir, "accuracy.gp", 60, err) < 0)
        goto cleanup;
    rc = 0;

cleanup:
    pb_accuracy_free(acc);
    return rc;
}
