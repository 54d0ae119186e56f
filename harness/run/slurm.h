#ifndef PB_SLURM_H
#define PB_SLURM_H

/*
 * slurm: a matrix run as a Slurm job array (docs/slurm.md). The one owner
 * of a Slurm directory's own files:
 *
 *   DIR/slurm.json     what was asked for and every submission ("pbench-slurm/1")
 *   DIR/job.sh         the array: task K runs `pbench run CONFIG --shard K/N
 *                      --dir DIR/shards/K` (or `run --resume` when that shard
 *                      already started), after checking that pbench, the
 *                      config and the interpreters are at the same paths on
 *                      its node
 *   DIR/merge.sh       `pbench merge` of the shards into DIR/merged, submitted
 *                      with --dependency=afterany on the array, so a failed
 *                      task still lets the others merge (its pairs are then
 *                      reported as not measured)
 *   DIR/logs/          the tasks' and the merge's output (%A_%a.out, merge_%j.out)
 *
 * Jobs are submitted with sbatch, started from an argv (never a shell);
 * every path written into a script is single-quoted.
 */

#include <stddef.h>

#include "util/error.h"
#include "util/strv.h"

#define PB_SLURM_FORMAT "pbench-slurm/1"

/* The most shards a job may have. */
#define PB_SLURM_MAX_SHARDS 10000

/* One sbatch of the array and its merge. */
struct pb_slurm_submission {
    char *array_job, *merge_job;    /* the job ids sbatch gave; NULL: not submitted */
    char *tasks;                    /* the array's tasks ("1-3", "2") */
    char *submitted;                /* ISO 8601 UTC */
};

struct pb_slurm_job {
    char *dir;                      /* the Slurm directory, absolute */
    char *pbench;                   /* the pbench binary, absolute */
    char *config;                   /* the config, absolute */
    char *name;                     /* the config's name (job names) */
    struct pb_strv profilers_files; /* --profilers FILEs, absolute */
    struct pb_strv select_profilers, select_workloads;     /* -p, -w */
    char *python;                   /* --python, or NULL */
    struct pb_strv required;        /* paths every node must have (checked by each task) */
    int shards;
    char *partition, *time;         /* NULL: the cluster's defaults */
    int exclusive;                  /* --exclusive: nothing else on a node while it times */
    struct pb_slurm_submission *subs;
    size_t nsubs;
};

/* Frees what job holds (not job itself). Cannot fail. */
void pb_slurm_job_release(struct pb_slurm_job *job);

/* The array job's script for tasks (a Slurm --array list, "1-3" or
 * "2,3"). Returns it (caller frees), or NULL when out of memory. */
char *pb_slurm_job_script(const struct pb_slurm_job *job, const char *tasks);

/* The merge job's script. Returns it (caller frees), or NULL. */
char *pb_slurm_merge_script(const struct pb_slurm_job *job);

/* Writes job.sh (for tasks), merge.sh and slurm.json into job->dir (which
 * exists), and makes DIR/shards and DIR/logs. With tasks NULL or "" (no
 * shard left to run: a merge alone) job.sh is left as it was, never an
 * array of nothing. Returns 0, or -1 with err. */
int pb_slurm_write(const struct pb_slurm_job *job, const char *tasks, struct pb_error *err);

/* Reads DIR/slurm.json into job (released first by the caller's
 * pb_slurm_job_release). The file is untrusted: wrong types, a shard count
 * out of range and relative paths are errors naming it. Returns 0, or -1
 * with err. */
int pb_slurm_load(const char *dir, struct pb_slurm_job *job, struct pb_error *err);

/* Shard k's directory (DIR/shards/K) into buf. Cannot fail. */
void pb_slurm_shard_dir(const struct pb_slurm_job *job, int k, char *buf, size_t n);

/* 1 when shard k finished (its meta.json says complete), else 0. */
int pb_slurm_shard_done(const struct pb_slurm_job *job, int k);

/* Submits script with sbatch (sbatch_path, or "sbatch" from PATH), after
 * job id `after` (afterany) when not NULL. The job id goes to id (n bytes).
 * Returns 0, or -1 with err holding sbatch's own message. */
int pb_slurm_submit(const char *sbatch_path, const char *script, const char *after, char *id,
                    size_t n, struct pb_error *err);

/* 1 when s may be written into an #SBATCH line (a job name, partition or
 * time: one word without quotes, '$' or '\\'), else 0. */
int pb_slurm_value_ok(const char *s);

/* Appends a submission to job (copies the strings). Returns 0 or -1 (out
 * of memory). */
int pb_slurm_add_submission(struct pb_slurm_job *job, const char *array_job, const char *merge_job,
                            const char *tasks);

#endif /* PB_SLURM_H */
