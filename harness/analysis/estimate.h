#ifndef PB_ESTIMATE_H
#define PB_ESTIMATE_H

/*
 * estimate: how long a config's matrix will take, before it runs.
 *
 * Each planned run (warm-ups included; under runs: auto, the fewest a pair
 * makes) costs its pair's median wall time in an earlier run of the same
 * pairs (a results directory's records), and a pair that timed out there
 * costs one timeout, as the runner stops it after one. Runs of pairs the
 * earlier records lack cost the mean of the known runs. The bound
 * is every run going to its timeout.
 */

#include <stddef.h>

#include "core/config.h"
#include "store/records.h"

struct pb_estimate {
    double expected_s;      /* the estimate; NAN when no pair is known */
    double at_most_s;       /* every planned run to its timeout */
    size_t runs;            /* planned runs */
    size_t runs_known;      /* of those, of a pair the records measured */
};

/* Estimates cfg's selected matrix from prior (NULL: no records; then only
 * the bound). Cannot fail. */
void pb_estimate_plan(const struct pb_config *cfg, const struct pb_run_list *prior,
                      struct pb_estimate *out);

#endif /* PB_ESTIMATE_H */
