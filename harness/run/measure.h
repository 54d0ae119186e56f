#ifndef PB_MEASURE_H
#define PB_MEASURE_H

/*
 * measure: the memory figures of one run, taken from /proc while it runs.
 *
 * A run's "tree" is its direct child and every descendant, found by
 * following /proc/<pid>/task/<tid>/children of every task (thread) of each
 * process: a child is listed under the thread that forked it, so reading
 * only the main thread's file would miss children started from a worker
 * thread. This costs two small reads per process (status + children) and
 * never touches the rest of /proc.
 *
 * A grandchild whose parent exits is reparented to init (or a subreaper)
 * and drops out of that walk while it is still in the run's process group.
 * Linux has no index from a process group to its members: the only way to
 * find it is to read /proc/<n>/stat and compare the group. Doing that for
 * every process on the machine costs ~0.6 ms (130 processes; more on a
 * busy host), so the tracker below
 *   - follows a process seen in the previous sample that the walk no
 *     longer reaches by its pid alone (is it still in the group?), with
 *     its descendants;
 *   - scans /proc for unknown members of the group on a slow schedule
 *     (after 0.25 s, then doubling up to every 4 s), reading stat only of
 *     processes forked after the run started: pids are handed out in
 *     increasing order, so those are the pids after the root's up to
 *     /proc/sys/kernel/ns_last_pid (allowing for one wrap at pid_max).
 *     That makes a scan ~40 us plus the run's own processes. An orphan
 *     found late still shows its peak so far, through its VmHWM.
 * Not seen: a process that left both the group (setsid, setpgid) and its
 * parent's tree (cgroups would be the tool for that), and an orphan forked
 * after the pid counter went round more than once between two scans.
 *
 * RSS is VmRSS from /proc/<pid>/status (read once per process per sample,
 * which also gives VmHWM and the thread count; statm is cheaper but lacks
 * the high-water mark). The sum over processes counts pages shared between
 * them (copy-on-write after fork, shared libraries) once per process, as
 * ps and top do: it is an upper bound of the memory the tree needed.
 */

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* One look at a process tree. */
struct pb_tree_sample {
    long rss_kb;    /* sum of VmRSS over the live processes found */
    long hwm_kb;    /* largest VmHWM (peak RSS) of a single one of them */
    int nprocs;     /* live (non-zombie) processes found */
};

/* Returns CLOCK_MONOTONIC in seconds. Cannot fail. */
double pb_measure_now(void);

/* Samples the tree rooted at root (root and its descendants through the
 * children files; no process group scan). Returns 0 and fills *out; a root
 * that is a zombie gives nprocs 0. Returns -1 with err filled when root's
 * /proc entry cannot be read (no such process) or memory runs out.
 * Descendants that exit during the walk are skipped silently. */
int pb_measure_tree_sample(pid_t root, struct pb_tree_sample *out,
                           struct pb_error *err);

/* Counts the live (non-zombie) processes whose process group is pgid by
 * reading /proc/<n>/stat of every process: about 0.6 ms on a quiet
 * machine, so call it after a run, not in a sampling loop. Returns the
 * count, or -1 with err filled when /proc cannot be read. */
int pb_measure_group_live(pid_t pgid, struct pb_error *err);

/*
 * Tracker: samples a run's tree on a geometric schedule and keeps the
 * peaks. The first sample is due 2 ms after start, then at intervals
 * doubling up to max_interval_s (2, 6, 14, 30, 62 ms, ... then every 50 ms
 * at the default cap): a 10 ms run still gets samples, a long run costs
 * 20 samples a second. A sample keeps each process's status and children
 * files open and re-reads them with pread (~8 us per process warm, ~30 us
 * after a 50 ms sleep has cooled the caches), so on a single-process
 * workload pbench spends about 0.1% of a CPU on sampling and wake-ups.
 * Up to 256 processes keep files open (2 descriptors each); beyond that,
 * files are opened per read.
 */
struct pb_tree_walk;        /* private scratch */

struct pb_measure {
    pid_t root;             /* the run's direct child */
    pid_t pgid;             /* its process group (0: no group scan) */
    double max_interval_s;
    double interval_s;      /* the next interval */
    double next_sample_s;   /* pb_measure_now() time the next sample is due */
    double scan_interval_s;
    double next_scan_s;     /* time the next /proc group scan is due */
    long peak_rss_kb;       /* max over samples of the summed VmRSS */
    long peak_hwm_kb;       /* largest single-process VmHWM seen */
    int max_procs;          /* most live processes seen in one sample */
    int samples;            /* samples taken */
    struct pb_tree_sample last;     /* the most recent sample */
    int scans;              /* group scans done */
    pid_t last_pid;         /* ns_last_pid at the last scan (wrap check) */
    int pid_wraps;          /* times the pid counter wrapped since start */
    struct pb_tree_walk *walk;  /* owned; NULL until the first sample */
};

/* Starts tracking root (in group pgid; pass 0 to skip group scans) at time
 * start_s (pb_measure_now() clock). max_interval_s <= 0 means 0.05.
 * Allocates nothing. Cannot fail. Release with pb_measure_release. */
void pb_measure_init(struct pb_measure *m, pid_t root, pid_t pgid,
                     double start_s, double max_interval_s);

/* Time the next sample is due (pb_measure_now() clock). Cannot fail. */
double pb_measure_next_due(const struct pb_measure *m);

/* Takes a sample if one is due at now_s (and a group scan with it if that
 * is due too), updates the peaks and schedules the next. Returns 1 when a
 * sample was taken, 0 when none was due, -1 with err filled when memory
 * runs out or /proc cannot be read (the schedule still advances, so a
 * caller may ignore the error and carry on). A tree that has gone away
 * is not an error: the sample just counts nothing. */
int pb_measure_tick(struct pb_measure *m, double now_s, struct pb_error *err);

/* The run's peak tree RSS: the largest of the summed-RSS peak, the largest
 * single-process VmHWM (a spike between samples still shows there) and
 * maxrss_kb (wait4's ru_maxrss of the direct child, which also covers it
 * when the run was too short to sample). Cannot fail. */
long pb_measure_peak_kb(const struct pb_measure *m, long maxrss_kb);

/* Frees what the tracker holds; m may be reused after pb_measure_init.
 * m may be NULL. Cannot fail. */
void pb_measure_release(struct pb_measure *m);

#endif /* PB_MEASURE_H */
