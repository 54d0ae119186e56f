#ifndef PB_MERGE_H
#define PB_MERGE_H

/*
 * merge: the directories of a matrix's shards (`pbench run --shard K/N`,
 * core/shard.h) -> one results directory, as if one machine had run the
 * whole matrix (docs/results-format.md, "Shards and merged directories"):
 *
 *   config-resolved.json  the whole matrix (every shard's describes it), each
 *                         workload as the shard that ran it resolved it (its
 *                         calibrated count); no shard record; the matrix's hash
 *   meta.json             the first merged shard's machine facts, and "shards":
 *                         every shard of the split (index, directory, host, CPU,
 *                         kernel, interpreters, start and end, complete, its
 *                         workloads), merged or not
 *   runs.jsonl            every shard's records, each marked with its shard and node
 *   calibration.json      every shard's entries, when some shard calibrated
 *   raw/<workload>/       each shard's outputs, hard-linked where possible, else copied
 *   shards/<K>/           shard K's own meta.json, config-resolved.json (and
 *                         calibration.json), as they were
 *   config.yaml           the first merged shard's copy
 *
 * Before writing anything it refuses (-1, err saying which directories and
 * why): a directory that is not a shard (no shard record in its
 * config-resolved.json; a merged directory), shards of different configs
 * (their hashes differ: the config, its selection, interpreters or seed),
 * of a different N or split, the same shard twice, and shards whose
 * records overlap (a run of a workload another shard holds). A shard not
 * given, or one that did not finish, is no refusal: its pairs are
 * reported not_run by the summary (analysis/aggregate.h), with the reason.
 * The directory is built beside OUT and renamed into place, so a failure
 * leaves no half-merged OUT.
 */

#include <stddef.h>

#include "util/error.h"

/* What became of each shard of the split. */
enum pb_merge_state {
    PB_MERGE_MISSING,       /* not among the directories given */
    PB_MERGE_UNFINISHED,    /* merged, but its meta.json does not say complete */
    PB_MERGE_DONE,          /* merged, complete */
};

struct pb_merge_result {
    int count;                      /* N: shards in the split */
    enum pb_merge_state *state;     /* [count], shard K at K - 1 */
    char **dirs;                    /* [count]: the directory given for it, or NULL */
    size_t nrecords;                /* runs.jsonl's records */
    size_t skipped_files;           /* raw/ entries left out: symbolic links, FIFOs */
    char warning[512];              /* a shard's runs.jsonl had a torn line; or "" */
};

/* Merges the shard directories dirs[0..n) into out, which must not
 * exist or be an empty directory (its parents are made). Returns 0 with
 * *res filled (release it with pb_merge_result_release), or -1 with err:
 * a refusal (above; nothing written), or an I/O error (nothing left at
 * out). */
int pb_merge_dirs(const char *out, const char *const *dirs, size_t n, struct pb_merge_result *res,
                  struct pb_error *err);

/* Frees what res holds. Cannot fail. */
void pb_merge_result_release(struct pb_merge_result *res);

#endif /* PB_MERGE_H */
