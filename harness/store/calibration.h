#ifndef PB_CALIBRATION_H
#define PB_CALIBRATION_H

/*
 * calibration: calibration.json, the work counts a run chose for its
 * workloads with `target:` (docs/results-format.md): per workload its
 * target, the plain runs measured at growing counts, the line fitted
 * through them and the count chosen, or why no count could be chosen.
 * Written once when a run starts, before config-resolved.json (whose
 * args and hash hold the counts); read by --resume, which puts the same
 * counts in instead of measuring again, by the summary (a failed
 * calibration is why its pairs did not run) and by the report. This
 * module alone knows the file's keys. Format "pbench-calibration/1".
 */

#include <stddef.h>

#include "util/error.h"

#define PB_CALIBRATION_FORMAT "pbench-calibration/1"

/* Most measured points one workload keeps. */
#define PB_CALIBRATION_MAX_POINTS 64

/* Largest count a calibration may choose (and a stored file may hold). */
#define PB_CALIBRATION_MAX_COUNT 1000000000000LL

/* One plain run of the calibration: its count and wall time. */
struct pb_calibration_point {
    long long count;
    double wall_s;
};

struct pb_calibration_entry {
    char *workload;         /* the workload's full name ("raytrace@10s@py3.12") */
    char *python;           /* the interpreter it ran on */
    double target_s;
    long long count;        /* chosen; 0 when the calibration failed */
    double startup_s, per_count_s;  /* the fit: wall = startup + per_count x count;
                                     * NAN when failed */
    double predicted_s;     /* the fit at count; NAN when failed */
    struct pb_calibration_point points[PB_CALIBRATION_MAX_POINTS];
    size_t npoints;
    char *error;            /* why it failed; NULL when a count was chosen */
};

struct pb_calibration {
    struct pb_calibration_entry *entries;
    size_t n;
};

/* Appends an entry for workload (run on python, aiming at target_s) and
 * returns it, empty but for those (count 0, fit NAN, no points), for the
 * caller to fill; NULL when out of memory. The pointer is valid until the
 * next add. */
struct pb_calibration_entry *pb_calibration_add(struct pb_calibration *c, const char *workload,
                                                const char *python, double target_s);

/* Sets e's error to a copy of why. Returns 0, -1 when out of memory. */
int pb_calibration_fail(struct pb_calibration_entry *e, const char *why);

/* The entry of workload, or NULL. Cannot fail. */
const struct pb_calibration_entry *pb_calibration_find(const struct pb_calibration *c,
                                                       const char *workload);

/* Writes c as dir/calibration.json, atomically. Returns 0, or -1 with err. */
int pb_calibration_save(const char *dir, const struct pb_calibration *c, struct pb_error *err);

/* Reads dir/calibration.json into out (emptied first). Returns 0; 1 when
 * dir has no calibration.json (out stays empty: nothing was calibrated);
 * -1 with err naming the file and what is wrong (invalid JSON at its line
 * and column, an unknown format, "workloads[2].count: expected a whole
 * number from 0 to ...", a workload listed twice, a count of 0 without an
 * error...). Release out with pb_calibration_release. */
int pb_calibration_load(const char *dir, struct pb_calibration *out, struct pb_error *err);

/* Frees what c holds; c is empty afterwards. Cannot fail. */
void pb_calibration_release(struct pb_calibration *c);

#endif /* PB_CALIBRATION_H */
