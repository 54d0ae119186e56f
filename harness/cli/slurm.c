/* pbench slurm: a config's matrix as a Slurm job array of shards and a
 * merge job (run/slurm.h, docs/slurm.md). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "run/slurm.h"
#include "util/fs.h"
#include "util/path.h"

static void usage(FILE *f)
{
    fputs("usage: pbench slurm CONFIG [options]\n"
          "       pbench slurm --resume SLURM_DIR [--dry-run] [--sbatch PATH]\n"
          "  Runs CONFIG's matrix on a Slurm cluster: a job array of N tasks, task K running\n"
          "  `pbench run CONFIG --shard K/N` into SLURM_DIR/shards/K, and a merge job after\n"
          "  them all (afterany: a failed task still lets the others merge) into\n"
          "  SLURM_DIR/merged. pbench, the config and its interpreters must be at the same\n"
          "  paths on every node (each task checks). See docs/slurm.md.\n"
          "      --shards N       tasks in the array (default 4)\n"
          "      --partition P    the partition to run in (default: the cluster's)\n"
          "      --time T         each task's time limit, as sbatch takes it (1:00:00)\n"
          "      --exclusive      a node to each task, nothing else on it while it times\n"
          "                       (the default)\n"
          "      --no-exclusive   share nodes (the timings are then less trustworthy)\n"
          "      --dry-run        write the scripts and print them; submit nothing\n"
          "      --resume DIR     resubmit only the shards of DIR that did not finish (each\n"
          "                       resumes where it stopped), then the merge\n"
          "  -o, --results DIR    where the Slurm directory goes (default: results), on a\n"
          "                       file system every node shares\n"
          "  -p, --profiler NAME  -w, --workload NAME  --python PATH  --profilers FILE\n"
          "                       as for pbench run\n"
          "      --sbatch PATH    the sbatch to use (default: sbatch from PATH)\n", f);
}

struct slurm_args {
    const char *config, *resume, *base, *python, *partition, *time, *sbatch;
    const char *profilers[64], *workloads[64], *extra[16];
    size_t np, nw, nextra;
    int shards, exclusive, dry_run;
};

static int parse(int argc, char **argv, struct slurm_args *a)
{
    static const struct option longopts[] = {
        { "shards", required_argument, NULL, 'n' },
        { "partition", required_argument, NULL, 'P' },
        { "time", required_argument, NULL, 'T' },
        { "exclusive", no_argument, NULL, 'x' },
        { "no-exclusive", no_argument, NULL, 'X' },
        { "dry-run", no_argument, NULL, 'd' },
        { "resume", required_argument, NULL, 'r' },
        { "results", required_argument, NULL, 'o' },
        { "profiler", required_argument, NULL, 'p' },
        { "workload", required_argument, NULL, 'w' },
        { "python", required_argument, NULL, 'y' },
        { "profilers", required_argument, NULL, 'F' },
        { "sbatch", required_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c;
    char *end;

    memset(a, 0, sizeof *a);
    a->base = "results";
    a->shards = 4;
    a->exclusive = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:p:w:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': {
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > PB_SLURM_MAX_SHARDS) {
                fprintf(stderr, "pbench slurm: --shards expects 1 to %d, not '%s'\n",
                        PB_SLURM_MAX_SHARDS, optarg);
                return PB_EXIT_USAGE;
            }
            a->shards = (int)n;
            break;
        }
        case 'P':
        case 'T':
            if (!pb_slurm_value_ok(optarg)) {
                fprintf(stderr, "pbench slurm: --%s expects one word, not '%s'\n",
                        c == 'P' ? "partition" : "time", optarg);
                return PB_EXIT_USAGE;
            }
            *(c == 'P' ? &a->partition : &a->time) = optarg;
            break;
        case 'x': a->exclusive = 1; break;
        case 'X': a->exclusive = 0; break;
        case 'd': a->dry_run = 1; break;
        case 'r': a->resume = optarg; break;
        case 'o': a->base = optarg; break;
        case 'y': a->python = optarg; break;
        case 'S': a->sbatch = optarg; break;
        case 'p':
        case 'w':
        case 'F': {
            const char **v = c == 'p' ? a->profilers : c == 'w' ? a->workloads : a->extra;
            size_t *n = c == 'p' ? &a->np : c == 'w' ? &a->nw : &a->nextra;
            size_t cap = c == 'F' ? 16 : 64;
            if (*n == cap) {
                fprintf(stderr, "pbench slurm: too many -%c\n", c == 'F' ? 'F' : c);
                return PB_EXIT_USAGE;
            }
            v[(*n)++] = optarg;
            break;
        }
        case 'h': usage(stdout); return PB_EXIT_OK;
        default: usage(stderr); return PB_EXIT_USAGE;
        }
    }
    if (a->resume ? optind != argc : optind != argc - 1) {
        usage(stderr);
        return PB_EXIT_USAGE;
    }
    a->config = a->resume ? NULL : argv[optind];
    return -1;
}

/* An absolute, canonical copy of an existing path; NULL (with a message)
 * when it does not exist. */
static char *absolute(const char *path, const char *what)
{
    char *real = realpath(path, NULL);
    if (!real)
        fprintf(stderr, "pbench slurm: %s '%s': %s\n", what, path, strerror(errno));
    return real;
}

/* Pushes a copy of s onto v; 0, or -1 (with a message) when out of memory. */
static int push(struct pb_strv *v, const char *s)
{
    if (pb_strv_push(v, s) == 0)
        return 0;
    fprintf(stderr, "pbench slurm: out of memory\n");
    return -1;
}

/* The job's fields from the command line and the loaded config. Returns
 * 0, or -1 with a message. */
static int make_job(const struct slurm_args *a, const struct pb_config *cfg, struct pb_slurm_job *job)
{
    char exe[PATH_MAX], stamp[32], rel[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    struct pb_error err;
    time_t now = time(NULL);
    struct tm tm;

    memset(job, 0, sizeof *job);
    if (n <= 0) {
        fprintf(stderr, "pbench slurm: cannot find pbench's own binary (/proc/self/exe)\n");
        return -1;
    }
    exe[n] = '\0';
    job->shards = a->shards;
    job->exclusive = a->exclusive;
    if (!pb_slurm_value_ok(cfg->name)) {
        fprintf(stderr, "pbench slurm: the config's name '%s' cannot name a job\n", cfg->name);
        return -1;
    }
    if (!(job->pbench = strdup(exe)) || !(job->name = strdup(cfg->name))
        || (a->partition && !(job->partition = strdup(a->partition)))
        || (a->time && !(job->time = strdup(a->time)))) {
        fprintf(stderr, "pbench slurm: out of memory\n");
        return -1;
    }
    if (!(job->config = absolute(a->config, "config")))
        return -1;
    if (a->python && !(job->python = absolute(a->python, "--python")))
        return -1;
    for (size_t i = 0; i < a->nextra; i++) {
        char *f = absolute(a->extra[i], "--profilers");
        int bad = !f || push(&job->profilers_files, f) < 0;
        free(f);
        if (bad)
            return -1;
    }
    for (size_t i = 0; i < a->np; i++)
        if (push(&job->select_profilers, a->profilers[i]) < 0)
            return -1;
    for (size_t i = 0; i < a->nw; i++)
        if (push(&job->select_workloads, a->workloads[i]) < 0)
            return -1;
    /* what every node must have at the same path */
    if (push(&job->required, job->pbench) < 0 || push(&job->required, job->config) < 0)
        return -1;
    for (size_t i = 0; i < job->profilers_files.n; i++)
        if (push(&job->required, job->profilers_files.v[i]) < 0)
            return -1;
    for (size_t i = 0; i < cfg->ninterps; i++) {
        const char *py = cfg->interps[i].python;
        char *found = strchr(py, '/') ? realpath(py, NULL) : pb_which(py);
        if (!found) {
            fprintf(stderr, "pbench slurm: interpreter '%s' not found here\n", py);
            return -1;
        }
        /* the path as the config names it (a venv's python is a link) */
        int bad = push(&job->required, strchr(py, '/') ? py : found) < 0;
        free(found);
        if (bad)
            return -1;
    }
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    if (pb_mkdirs(a->base, &err) < 0) {
        fprintf(stderr, "pbench slurm: %s\n", pb_cli_errtext(&err));
        return -1;
    }
    char *base = absolute(a->base, "results directory");
    if (!base)
        return -1;
    snprintf(rel, sizeof rel, "%s/%s-%s-slurm", base, cfg->name, stamp);
    free(base);
    if (mkdir(rel, 0755) < 0) {
        fprintf(stderr, "pbench slurm: cannot make '%s': %s\n", rel, strerror(errno));
        return -1;
    }
    if (!(job->dir = strdup(rel))) {
        fprintf(stderr, "pbench slurm: out of memory\n");
        return -1;
    }
    return 0;
}

/* Prints the scripts (a dry run). */
static void print_scripts(const struct pb_slurm_job *job)
{
    char path[PATH_MAX];
    const char *names[] = { "job.sh", "merge.sh" };

    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", job->dir, names[i]);
        char *text = pb_read_file(path, 1 << 20, NULL, NULL);
        printf("==> %s <==\n%s\n", path, text ? text : "(unreadable)\n");
        free(text);
    }
}

/* Submits the array for tasks (NULL: none, the merge only) and the merge
 * after it, records them in slurm.json and says how to follow them.
 * Returns an exit code. */
static int submit(struct pb_slurm_job *job, const char *tasks, const char *sbatch)
{
    char script[PATH_MAX], array_id[64] = "", merge_id[64] = "";
    struct pb_error err;

    if (pb_slurm_write(job, tasks ? tasks : "", &err) < 0) {
        fprintf(stderr, "pbench slurm: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    if (tasks) {
        snprintf(script, sizeof script, "%s/job.sh", job->dir);
        if (pb_slurm_submit(sbatch, script, NULL, array_id, sizeof array_id, &err) < 0) {
            fprintf(stderr, "pbench slurm: %s\n", pb_cli_errtext(&err));
            return PB_EXIT_FAIL;
        }
    }
    snprintf(script, sizeof script, "%s/merge.sh", job->dir);
    if (pb_slurm_submit(sbatch, script, tasks ? array_id : NULL, merge_id, sizeof merge_id, &err) < 0) {
        fprintf(stderr, "pbench slurm: the array %s was submitted, but not its merge: %s\n"
                "  merge by hand once it ends: sbatch %s\n", array_id, pb_cli_errtext(&err), script);
        merge_id[0] = '\0';
    }
    if (pb_slurm_add_submission(job, tasks ? array_id : NULL, merge_id[0] ? merge_id : NULL, tasks) < 0
        || pb_slurm_write(job, tasks ? tasks : "", &err) < 0) {
        fprintf(stderr, "pbench slurm: submitted, but slurm.json not updated: %s\n",
                pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    if (tasks)
        printf("submitted array job %s (tasks %s of %d: shards/K) and merge job %s (afterany:%s)\n",
               array_id, tasks, job->shards, merge_id[0] ? merge_id : "-", array_id);
    else
        printf("every shard finished; submitted merge job %s\n", merge_id);
    printf("  follow them: squeue -t all -r -j %s%s%s\n", tasks ? array_id : "", tasks && merge_id[0] ? "," : "",
           merge_id);
    printf("  merged results: %s/merged (pbench report %s/merged)\n", job->dir, job->dir);
    printf("  a task failed? pbench slurm --resume %s\n", job->dir);
    return merge_id[0] ? PB_EXIT_OK : PB_EXIT_FAIL;
}

/* The shards of job that did not finish, as an --array list ("2,3"), into
 * buf; "" when all did. */
static void unfinished(const struct pb_slurm_job *job, char *buf, size_t n)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int k = 1; k <= job->shards && len + 16 < n; k++)
        if (!pb_slurm_shard_done(job, k))
            len += (size_t)snprintf(buf + len, n - len, "%s%d", len ? "," : "", k);
}

static int resume(const struct slurm_args *a)
{
    struct pb_slurm_job job;
    struct pb_error err;
    const char *dubious = pb_cli_dubious_owner(a->resume);
    char tasks[8192];
    int rc;

    if (dubious) {
        fprintf(stderr, "pbench slurm: refusing to resume '%s': it is %s, and its slurm.json chooses "
                "the pbench, config and interpreters the jobs run\n", a->resume, dubious);
        return PB_EXIT_USAGE;
    }
    if (pb_slurm_load(a->resume, &job, &err) < 0) {
        fprintf(stderr, "pbench slurm: cannot resume: %s\n", pb_cli_errtext(&err));
        return PB_EXIT_FAIL;
    }
    unfinished(&job, tasks, sizeof tasks);
    fprintf(stderr, "resume: %s with %s, shards of %d: %s\n", job.config, job.pbench, job.shards,
            tasks[0] ? tasks : "all finished");
    if (a->dry_run) {
        rc = pb_slurm_write(&job, tasks, &err) < 0 ? PB_EXIT_FAIL : PB_EXIT_OK;
        if (rc)
            fprintf(stderr, "pbench slurm: %s\n", pb_cli_errtext(&err));
        else
            print_scripts(&job);
    } else {
        rc = submit(&job, tasks[0] ? tasks : NULL, a->sbatch);
    }
    pb_slurm_job_release(&job);
    return rc;
}

int cmd_slurm(int argc, char **argv)
{
    struct slurm_args a;
    struct pb_slurm_job job;
    struct pb_config *cfg;
    struct pb_error err;
    char tasks[32];
    int rc = parse(argc, argv, &a);

    if (rc >= 0)
        return rc;
    if (a.resume)
        return resume(&a);
    cfg = pb_cli_load_config_with(a.config, a.python, a.extra, a.nextra);
    if (!cfg)
        return PB_EXIT_USAGE;
    if ((a.np || a.nw) && pb_config_select(cfg, a.profilers, a.np, a.workloads, a.nw, &err) < 0) {
        fprintf(stderr, "pbench slurm: %s\n", pb_cli_errtext(&err));
        pb_config_free(cfg);
        return PB_EXIT_USAGE;
    }
    rc = make_job(&a, cfg, &job);
    pb_config_free(cfg);
    if (rc < 0) {
        pb_slurm_job_release(&job);
        return PB_EXIT_FAIL;
    }
    snprintf(tasks, sizeof tasks, "1-%d", job.shards);
    if (a.dry_run) {
        if (pb_slurm_write(&job, tasks, &err) < 0) {
            fprintf(stderr, "pbench slurm: %s\n", pb_cli_errtext(&err));
            rc = PB_EXIT_FAIL;
        } else {
            print_scripts(&job);
            printf("dry run: nothing submitted; submit with: sbatch %s/job.sh, then\n"
                   "  sbatch --dependency=afterany:<its job id> %s/merge.sh\n", job.dir, job.dir);
            rc = PB_EXIT_OK;
        }
    } else {
        rc = submit(&job, tasks, a.sbatch);
    }
    pb_slurm_job_release(&job);
    return rc;
}
