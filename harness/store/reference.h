#ifndef PB_REFERENCE_H
#define PB_REFERENCE_H

/*
 * reference: a reference file (a .yaml under configs/reference/, described
 * in docs/reference.md), the one module that knows its keys. A reference
 * file is a fact table with its source: overheads a paper published, one
 * per profiler, the statistic they are, and under which pbench name each
 * profiler is measured. `pbench report --reference` and `pbench summarize
 * --reference` set them beside the measured figures (analysis/published.h).
 *
 * The file is written by hand, never by pbench, so this module loads and
 * does not save. The load is a config's (core/yamlwalk.h): every error at
 * its file:line:col, unknown keys refused with a suggestion, and a
 * "format" it does not know refused before anything else is read.
 */

#include <stddef.h>

#include "util/error.h"

#define PB_REFERENCE_FORMAT "pbench-reference/1"

/* The statistic a reference's values are, over the workloads of each
 * profiler: what pbench computes from its own pairs to compare. */
enum pb_reference_stat {
    PB_REFERENCE_MEDIAN,    /* "median": the median of the per-workload ratios */
};

/* One profiler of the reference. */
struct pb_reference_entry {
    char *paper;            /* its name in the source, as printed there */
    char *pbench;           /* its name in configs/profilers.yaml; NULL: not in pbench */
    double value;           /* the published figure (a ratio to the baseline, > 0) */
    char *note;             /* NULL when none */
    int line;               /* where it is in the file (1-based) */
};

struct pb_reference {
    char *path;             /* as given to pb_reference_load(_named) */
    int shipped;            /* found among pbench's shipped configs */
    char *name;             /* a short label: "Scalene paper (OSDI'23), Table 3" */
    /* source: where the figures were published */
    char *title, *authors, *venue, *url, *table;    /* authors, url: NULL when absent */
    enum pb_reference_stat statistic;
    char *description;      /* the statistic in words, for readers */
    char *python;           /* the Python the figures were measured on */
    char *benchmarks, *machine, *note;              /* NULL when absent */
    struct pb_reference_entry *entries;             /* in the file's order */
    size_t nentries;
};

/* Loads the reference file at path. Returns a new reference (caller
 * frees with pb_reference_free), or NULL with every problem found appended
 * to diags at its file:line:col ("cannot read", "YAML syntax error", an
 * unknown or missing key, a wrong type, a value that is not a number above
 * 0, a pbench name given twice, a format this pbench does not read). On
 * out of memory, NULL with "out of memory" appended. */
struct pb_reference *pb_reference_load(const char *path, struct pb_diags *diags);

/* Loads the reference file `given` names: the file at that path when
 * there is one, else (a relative path only) pbench's shipped one,
 * configs/<given> in the data directory (util/datadir.h), so that
 * `--reference reference/scalene-osdi23.yaml` works from anywhere.
 * Returns and fails as pb_reference_load; a file in neither place is one
 * error naming both. */
struct pb_reference *pb_reference_load_named(const char *given, struct pb_diags *diags);

/* Frees r and everything it owns. r may be NULL. */
void pb_reference_free(struct pb_reference *r);

/* The entry whose pbench name is name, or NULL. Cannot fail. */
const struct pb_reference_entry *pb_reference_find(const struct pb_reference *r,
                                                   const char *name);

/* "median". Cannot fail. */
const char *pb_reference_stat_name(enum pb_reference_stat s);

#endif /* PB_REFERENCE_H */
