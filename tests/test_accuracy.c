/* accuracy: the real pbench binary runs tiny truth workloads under a few
 * profilers (cProfile and pyinstrument, which follow only the main thread;
 * yappi, which follows every thread), then pb_accuracy_write reads them
 * with the real adapters: the truths, the attribution errors and the
 * capability matrix it derives. The scoring tests feed fabricated
 * attributions of known error to the scoring itself; the format tests
 * read and write accuracy.json through the store. */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/accuracy.h"
#include "cli/cli.h"
#include "output/accuracy_md.h"
#include "run/accuracy.h"
#include "store/accuracy.h"
#include "testutil.h"

/* Shared by the core tests: made once by the unchecked fixture. */
static char *tmp;
static char rdir[4096];
static char setup_error[8192];
static struct pb_accuracy *acc;

static void run_once(void)
{
    char text[8192], cfg[4096], res[4096], *out = NULL;
    struct pb_error err;

    setup_error[0] = '\0';
    tmp = tu_mkdtemp();
    if (!tmp) {
        snprintf(setup_error, sizeof setup_error, "cannot make a temp dir");
        return;
    }
    snprintf(text, sizeof text,
        "name: acc\n"
        "include: [%s/configs/profilers.yaml]\n"
        "python: %s\n"
        "defaults: {runs: 2, warmup: 0, timeout: 120, seed: 5}\n"
        "workloads:\n"
        "  - name: split_30\n"
        "    script: %s/workloads/truth_split.py\n"
        "    args: [\"--size\", \"600\", \"--split\", \"0.3\", \"--truth-out\", \"-\"]\n"
        "    hot: [inline_part, helper_part]\n"
        "  - name: split_70\n"
        "    script: %s/workloads/truth_split.py\n"
        "    args: [\"--size\", \"600\", \"--split\", \"0.7\", \"--truth-out\", \"-\"]\n"
        "    hot: [inline_part, helper_part]\n"
        "  - name: threads\n"
        "    script: %s/workloads/truth_threads.py\n"
        "    args: [\"--size\", \"600\", \"--truth-out\", \"-\"]\n"
        "    hot: [main_part, thread_part]\n"
        /* a profiler pbench has never heard of, by YAML alone: a small
         * sampler written here, writing collapsed stacks (issue 12) */
        "profilers:\n"
        "  - name: minisampler\n"
        "    command: [\"{python}\", \"%s/minisampler.py\", \"{outdir}/mini.collapsed\", \"{script}\", \"{args}\"]\n"
        "    outputs: [{file: mini.collapsed, min_bytes: 1}]\n"
        "    format: collapsed\n"
        /* the same output read by a reader of the user's own (reader:) */
        "  - name: minireader\n"
        "    command: [\"{python}\", \"%s/minisampler.py\", \"{outdir}/mini.collapsed\", \"{script}\", \"{args}\"]\n"
        "    outputs: [{file: mini.collapsed, min_bytes: 1}]\n"
        "    reader: minireader.py\n"
        "select:\n"
        "  profilers: [plain, cProfile, pyinstrument, yappi_cpu, minisampler, minireader]\n",
        PB_SOURCE_DIR, tu_python(), PB_SOURCE_DIR, PB_SOURCE_DIR, PB_SOURCE_DIR, tmp, tmp);
    /* reads collapsed stacks, and leaves a mark that it ran */
    char reader[2048];
    snprintf(reader, sizeof reader,
        "import os\n"
        "def read(acc, run_dir):\n"
        "    open('%s/reader-ran', 'a').close()\n"
        "    path = os.path.join(run_dir, 'mini.collapsed')\n"
        "    acc.files.append(path)\n"
        "    acc.measure, acc.unit = 'samples', 'samples'\n"
        "    acc.expresses['lines'] = True\n"
        "    for row in open(path):\n"
        "        stack, _, n = row.rstrip('\\n').rpartition(' ')\n"
        "        frames = []\n"
        "        for fr in stack.split(';'):\n"
        "            name, _, loc = fr.rpartition(' (')\n"
        "            file, _, line = loc.rstrip(')').rpartition(':')\n"
        "            frames.append((file, name, None, int(line)))\n"
        "        acc.add_stack(frames, float(n))\n", tmp);
    free(tu_write_file(tmp, "minireader.py", reader));
    free(tu_write_file(tmp, "minisampler.py",
        "import collections, runpy, sys, threading, time\n"
        "out, script, args = sys.argv[1], sys.argv[2], sys.argv[3:]\n"
        "counts = collections.Counter()\n"
        "main = threading.main_thread().ident\n"
        "sys.setswitchinterval(0.0005)\n"
        "done = threading.Event()\n"
        "def sample():\n"
        "    while not done.is_set():\n"
        "        f = sys._current_frames().get(main)\n"
        "        stack = []\n"
        "        while f is not None:\n"
        "            stack.append('%s (%s:%d)' % (f.f_code.co_name, f.f_code.co_filename, f.f_lineno))\n"
        "            f = f.f_back\n"
        "        if stack:\n"
        "            counts[';'.join(reversed(stack))] += 1\n"
        "        time.sleep(0.001)\n"
        "t = threading.Thread(target=sample, daemon=True)\n"
        "t.start()\n"
        "sys.argv = [script] + args\n"
        "sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(script)))\n"
        "try:\n"
        "    runpy.run_path(script, run_name='__main__')\n"
        "finally:\n"
        "    done.set()\n"
        "    t.join()\n"
        "    with open(out, 'w') as fh:\n"
        "        for k, v in counts.items():\n"
        "            fh.write('%s %d\\n' % (k, v))\n"
        /* a file the format guesser would take for pstats: only the
         * declared format: reads the right one */
        "    open(__import__('os').path.join(__import__('os').path.dirname(out), 'notes.prof'), 'w').write('not pstats')\n"));
    free(tu_write_file(tmp, "acc.yaml", text));
    snprintf(cfg, sizeof cfg, "%s/acc.yaml", tmp);
    snprintf(res, sizeof res, "%s/results", tmp);
    char *argv[] = { PB_BINARY, "run", cfg, "-o", res, "--no-plot", NULL };
    int rc = tu_run(argv, &out);
    if (rc != 0) {
        snprintf(setup_error, sizeof setup_error, "pbench run exited %d:\n%s", rc, out ? out : "");
        free(out);
        return;
    }
    free(out);
    DIR *d = opendir(res);
    struct dirent *e;
    rdir[0] = '\0';
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            snprintf(rdir, sizeof rdir, "%s/%s", res, e->d_name);
    if (d)
        closedir(d);
    if (pb_accuracy_write(rdir, NULL, &acc, &err) < 0)
        snprintf(setup_error, sizeof setup_error, "pb_accuracy_write: %s", err.msg);
}

static void cleanup_once(void)
{
    pb_accuracy_free(acc);
    acc = NULL;
    if (tmp)
        tu_rmtree(tmp);
    free(tmp);
    tmp = NULL;
}

static void require_setup(void)
{
    ck_assert_msg(!setup_error[0], "%s", setup_error);
    ck_assert_ptr_nonnull(acc);
}

static const struct pb_acc_cell *cap_in(const struct pb_accuracy *a, const char *profiler,
                                        const char *column)
{
    for (size_t i = 0; i < a->nrows; i++)
        if (!strcmp(a->rows[i].profiler, profiler)) {
            const struct pb_acc_cell *c = pb_accuracy_cell(a, &a->rows[i], column);
            ck_assert_msg(c != NULL, "no capability column %s", column);
            return c;
        }
    ck_abort_msg("no capability row for %s", profiler);
    return NULL;
}

static const struct pb_acc_cell *cap(const char *profiler, const char *column)
{
    return cap_in(acc, profiler, column);
}

static const char *cap_value(const char *profiler, const char *column)
{
    return cap(profiler, column)->value;
}

static const struct pb_acc_truth *truth_in(const struct pb_accuracy *a, const char *workload)
{
    for (size_t i = 0; i < a->ntruths; i++)
        if (!strcmp(a->truths[i].workload, workload))
            return &a->truths[i];
    return NULL;
}

START_TEST(split_truth_sums_to_100)
{
    require_setup();
    const char *ws[] = { "split_30", "split_70", NULL };
    for (int k = 0; ws[k]; k++) {
        const struct pb_acc_truth *t = truth_in(acc, ws[k]);
        size_t i;
        ck_assert_ptr_nonnull(t);
        ck_assert_str_eq(t->kind, "cpu_split");
        /* the parts' measured times account for the measured section */
        ck_assert_int_eq(t->nshare_sums, 2);
        for (i = 0; i < t->nshare_sums; i++)
            ck_assert_msg(fabs(t->share_sums[i] - 1.0) <= 0.01,
                          "%s: true shares sum to %.2f%%", ws[k], t->share_sums[i] * 100);
        double sum = 0;
        for (i = 0; i < t->nparts; i++)
            sum += t->parts[i].share;
        ck_assert_msg(fabs(sum - 1.0) < 1e-9, "normalized shares sum to %f", sum);
    }
    /* the split asked for shows in the truth, roughly */
    double s30 = truth_in(acc, "split_30")->focus_share;
    double s70 = truth_in(acc, "split_70")->focus_share;
    ck_assert_msg(s30 > 0.1 && s30 < 0.5 && s70 > 0.5 && s70 < 0.9, "shares %.2f %.2f", s30, s70);
}
END_TEST

START_TEST(threads_seen_or_not)
{
    require_setup();
    /* cProfile and pyinstrument follow only the main thread */
    ck_assert_str_eq(cap_value("cProfile", "threads"), "no");
    ck_assert_str_eq(cap_value("pyinstrument", "threads"), "no");
    /* yappi follows every thread */
    ck_assert_str_eq(cap_value("yappi_cpu", "threads"), "yes");
    /* each cell names the run that decided it */
    const struct pb_acc_run_ref *by = cap("yappi_cpu", "threads")->decided_by;
    ck_assert_ptr_nonnull(by);
    ck_assert_str_eq(by->workload, "threads");
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", rdir, by->raw_dir);
    ck_assert_msg(access(p, R_OK) == 0, "decided_by names a missing run dir %s", p);
    snprintf(p, sizeof p, "%s/%s", rdir, by->attribution);
    ck_assert_msg(access(p, R_OK) == 0, "decided_by names a missing attribution %s", p);
}
END_TEST

START_TEST(unprobed_is_not_a_checkmark)
{
    require_setup();
    /* no subprocess, native or memory truth workload ran */
    const char *cols[] = { "multiprocessing", "python_vs_native", "memory", NULL };
    for (int k = 0; cols[k]; k++) {
        ck_assert_str_eq(cap_value("cProfile", cols[k]), "not probed");
        ck_assert_ptr_null(cap("cProfile", cols[k])->decided_by);
    }
}
END_TEST

START_TEST(format_limits_say_so)
{
    require_setup();
    /* pstats has no lines: the cell says it is the format */
    ck_assert_str_eq(cap_value("cProfile", "lines"), "no");
    ck_assert_ptr_nonnull(strstr(cap("cProfile", "lines")->why, "pstats"));
    ck_assert_str_eq(cap_value("pyinstrument", "lines"), "yes");
    ck_assert_str_eq(cap_value("cProfile", "functions"), "yes");
    ck_assert_str_eq(cap_value("cProfile", "unmodified_code"), "yes");
}
END_TEST

START_TEST(has_truths)
{
    require_setup();
    ck_assert_int_eq(pb_accuracy_has_truths(rdir), 1);
    ck_assert_int_eq(pb_accuracy_has_truths(PB_FIXTURES_DIR "/results-small"), 0);
    ck_assert_int_eq(pb_accuracy_has_truths("/nonexistent/results"), 0);
}
END_TEST

START_TEST(cpu_errors_per_split)
{
    require_setup();
    int seen = 0;
    for (size_t i = 0; i < acc->ncpu; i++) {
        const struct pb_acc_cpu *row = &acc->cpu[i];
        double sum = 0, max = 0;
        if (!strcmp(row->profiler, "minireader"))
            continue;   /* its reader is not run here (own_reader_runs_only_when_given) */
        ck_assert_msg(!isnan(row->mean_error_pp), "%s has no mean CPU error", row->profiler);
        ck_assert(row->mean_error_pp >= 0 && row->mean_error_pp <= 100);
        ck_assert_int_eq(row->nsplits, 2);
        /* each split's error is what its shares say: |reported - true|
         * in points, the true share the plain runs' measured one; the
         * mean and the max are over the splits */
        for (size_t k = 0; k < row->nsplits; k++) {
            const struct pb_acc_cpu_split *sp = &row->splits[k];
            const struct pb_acc_truth *t = truth_in(acc, sp->workload);
            ck_assert_ptr_nonnull(t);
            ck_assert_double_eq_tol(sp->true_share, t->focus_share, 1e-12);
            ck_assert_msg(sp->reported_share >= 0 && sp->reported_share <= 1, "%s %s: reported %f",
                          row->profiler, sp->workload, sp->reported_share);
            /* the error is the mean of the rounds' |reported - true|, the
             * share their mean: never below |mean - true| (equal when every
             * round errs on the same side, as the tracers do) */
            ck_assert_msg(sp->error_pp >= fabs(sp->reported_share - sp->true_share) * 100 - 1e-9
                          && sp->error_pp <= 100,
                          "%s %s: error %f pp for reported %f, true %f", row->profiler, sp->workload,
                          sp->error_pp, sp->reported_share, sp->true_share);
            sum += sp->error_pp;
            max = sp->error_pp > max ? sp->error_pp : max;
        }
        ck_assert_double_eq_tol(row->mean_error_pp, sum / 2, 1e-9);
        ck_assert_double_eq_tol(row->max_error_pp, max, 1e-9);
        seen++;
    }
    ck_assert_int_eq(seen, 4);      /* every profiler but the baseline */
    /* the accuracy.json on disk is what came back */
    char p[8192];
    json_error_t jerr;
    snprintf(p, sizeof p, "%s/accuracy.json", rdir);
    json_t *disk = json_load_file(p, 0, &jerr);
    ck_assert_ptr_nonnull(disk);
    ck_assert_str_eq(json_string_value(json_object_get(disk, "schema")), "pbench-accuracy/1");
    ck_assert_str_eq(json_string_value(json_object_get(disk, "format")), PB_ACCURACY_FORMAT);
    json_decref(disk);
    struct pb_accuracy *back = NULL;
    struct pb_error err;
    ck_assert_msg(pb_accuracy_load(rdir, &back, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(back->ncpu, acc->ncpu);
    for (size_t i = 0; i < acc->ncpu; i++)
        if (isnan(acc->cpu[i].mean_error_pp))       /* minireader, unread here */
            ck_assert(isnan(back->cpu[i].mean_error_pp));
        else
            ck_assert_double_eq_tol(back->cpu[i].mean_error_pp, acc->cpu[i].mean_error_pp, 1e-6);
    pb_accuracy_free(back);
}
END_TEST

START_TEST(markdown_section)
{
    require_setup();
    char *text = NULL;
    size_t len = 0;
    struct pb_error err;
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(pb_accuracy_markdown(f, rdir, "", "plots/accuracy.png", &err), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "## Accuracy"));
    ck_assert_ptr_nonnull(strstr(text, "![reported vs true share](plots/accuracy.png)"));
    ck_assert_ptr_nonnull(strstr(text, "| cProfile |"));
    /* a capability cell links the run that decided it, with the reason */
    ck_assert_msg(strstr(text, "[yes](raw/threads/yappi_cpu/"), "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "not probed"));
    free(text);
    /* no accuracy.json: nothing written, 1 */
    f = open_memstream(&text, &len);
    ck_assert_int_eq(pb_accuracy_markdown(f, PB_FIXTURES_DIR "/results-small", "", NULL, &err), 1);
    fclose(f);
    ck_assert_int_eq(len, 0);
    free(text);
}
END_TEST

/* A results directory whose config-resolved.json names another
 * interpreter (issue 16, case 2): the readers still run with pbench's own,
 * and the named program never runs. */
START_TEST(stored_python_is_never_run)
{
    char copy[4096], resolved[4096], marker[4096], script[8192];
    json_error_t jerr;
    struct pb_error err;
    struct pb_accuracy *out = NULL;

    require_setup();
    snprintf(copy, sizeof copy, "%s/hostile", tmp);
    char *cp[] = { "/bin/cp", "-a", rdir, copy, NULL };
    char *cpout = NULL;
    ck_assert_int_eq(tu_run(cp, &cpout), 0);
    free(cpout);
    snprintf(marker, sizeof marker, "%s/ran", tmp);
    snprintf(script, sizeof script, "#!/bin/sh\ntouch '%s'\nexit 1\n", marker);
    char *evil = tu_write_file(tmp, "evil.sh", script);
    ck_assert_int_eq(chmod(evil, 0755), 0);
    snprintf(resolved, sizeof resolved, "%s/config-resolved.json", copy);
    json_t *j = json_load_file(resolved, 0, &jerr);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(json_object_set_new(j, "python", json_string(evil)), 0);
    ck_assert_int_eq(json_dump_file(j, resolved, 0), 0);
    json_decref(j);
    int rc = pb_accuracy_compute(copy, NULL, &out, &err);
    ck_assert_msg(access(marker, F_OK) != 0, "pbench accuracy ran the stored python '%s'", evil);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_str_ne(out->python, evil);
    pb_accuracy_free(out);
    free(evil);
}
END_TEST

/* The profiler defined by YAML alone gets a CPU-split error and a
 * capability row, read by the collapsed-stack reader its format: named. */
START_TEST(new_profiler_from_yaml_alone)
{
    require_setup();
    const struct pb_acc_cpu *row = NULL;
    for (size_t i = 0; i < acc->ncpu; i++)
        if (!strcmp(acc->cpu[i].profiler, "minisampler"))
            row = &acc->cpu[i];
    ck_assert_msg(row != NULL, "no CPU-split row for minisampler");
    /* a few dozen samples a run: a rough figure, but a figure */
    ck_assert_msg(isfinite(row->mean_error_pp) && row->mean_error_pp < 50,
                  "minisampler's error: %g", row->mean_error_pp);
    const char *functions = cap_value("minisampler", "functions");
    ck_assert_msg(!strcmp(functions, "yes") || !strcmp(functions, "inconclusive"), "%s", functions);
    /* its threads cell was decided by a probe run, read as collapsed stacks */
    const char *threads = cap_value("minisampler", "threads");
    ck_assert_msg(strcmp(threads, "unreadable") && strcmp(threads, "failed")
                  && strcmp(threads, "not probed"), "%s", threads);
}
END_TEST

/* A reader of the user's own (reader:) is run by `pbench run` on its own
 * runs, but by `pbench accuracy DIR` only when given --reader: a reader
 * the stored results name is never run. */
START_TEST(own_reader_runs_only_when_given)
{
    require_setup();
    char mark[4096], rpath[4096], arg[4200], *out = NULL;
    snprintf(mark, sizeof mark, "%s/reader-ran", tmp);
    snprintf(rpath, sizeof rpath, "%s/minireader.py", tmp);
    /* the run's own accuracy ran it; pb_accuracy_write without readers
     * (run_once) refused it */
    ck_assert_msg(access(mark, F_OK) == 0, "pbench run did not run the config's reader");
    const struct pb_acc_cell *c = cap("minireader", "functions");
    ck_assert_str_eq(c->value, "unreadable");
    ck_assert_msg(strstr(c->why, "is named by the stored results") && strstr(c->why, "--reader minireader=FILE"),
                  "%s", c->why);
    unlink(mark);
    char *a1[] = { PB_BINARY, "accuracy", rdir, "-q", NULL };
    ck_assert_int_eq(tu_run(a1, &out), 0);
    free(out);
    ck_assert_msg(access(mark, F_OK) != 0, "pbench accuracy ran a reader the stored results named");
    snprintf(arg, sizeof arg, "minireader=%s", rpath);
    char *a2[] = { PB_BINARY, "accuracy", rdir, "--reader", arg, "-q", NULL };
    ck_assert_int_eq(tu_run(a2, &out), 0);
    free(out);
    ck_assert_msg(access(mark, F_OK) == 0, "--reader did not run the reader");
    struct pb_accuracy *a = NULL;
    struct pb_error err;
    struct pb_accuracy_opts o;
    struct pb_reader r = { "minireader", rpath };
    pb_accuracy_opts_init(&o);
    o.readers = &r;
    o.nreaders = 1;
    ck_assert_msg(pb_accuracy_compute(rdir, &o, &a, &err) == 0, "%s", err.msg);
    const struct pb_acc_cpu *row = NULL;
    for (size_t i = 0; i < a->ncpu; i++)
        if (!strcmp(a->cpu[i].profiler, "minireader"))
            row = &a->cpu[i];
    ck_assert_msg(row && isfinite(row->mean_error_pp) && row->mean_error_pp < 50, "minireader's error: %g",
                  row ? row->mean_error_pp : NAN);
    const char *threads = cap_in(a, "minireader", "threads")->value;
    ck_assert_msg(strcmp(threads, "unreadable") && strcmp(threads, "failed"), "%s", threads);
    pb_accuracy_free(a);
    /* a bad --reader is a usage error */
    char *a3[] = { PB_BINARY, "accuracy", rdir, "--reader", "minireader", NULL };
    ck_assert_int_eq(tu_run(a3, &out), PB_EXIT_USAGE);
    ck_assert_msg(strstr(out, "--reader expects NAME=FILE"), "%s", out);
    free(out);
}
END_TEST

START_TEST(cmd_usage_and_errors)
{
    char *a1[] = { "accuracy", NULL };
    ck_assert_int_eq(cmd_accuracy(1, a1), 2);
    char *a2[] = { "accuracy", "/nonexistent/results", NULL };
    ck_assert_int_eq(cmd_accuracy(2, a2), 1);
    char *a3[] = { "accuracy", "--help", NULL };
    ck_assert_int_eq(cmd_accuracy(2, a3), 0);
}
END_TEST

START_TEST(no_truth_is_an_error)
{
    struct pb_error err;
    struct pb_accuracy *out = NULL;
    /* an overhead run has no truth workloads */
    ck_assert_int_eq(pb_accuracy_compute(PB_FIXTURES_DIR "/results-small", NULL, &out, &err), -1);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err.msg, "no plain run printed a truth"), "%s", err.msg);
    ck_assert_int_eq(pb_accuracy_compute("/nonexistent/results", NULL, &out, &err), -1);
    ck_assert_msg(strstr(err.msg, "config-resolved.json"), "%s", err.msg);
}
END_TEST

START_TEST(missing_adapter_is_an_error)
{
    struct pb_accuracy_opts o;
    struct pb_error err;
    struct pb_accuracy *out = NULL;
    pb_accuracy_opts_init(&o);
    o.adapter = "/nonexistent/adapt.py";
    ck_assert_int_eq(pb_accuracy_compute(PB_FIXTURES_DIR "/results-small", &o, &out, &err), -1);
    ck_assert_msg(strstr(err.msg, "/nonexistent/adapt.py"), "%s", err.msg);
}
END_TEST

/* ---- scoring: fabricated attributions of known error ------------------ */

/* Three truth workloads measured by plain runs: split_a (helper side
 * 0.25 and 0.375 of the time in its two rounds: true share 0.3125),
 * split_b (0.5) and threads (the worker thread 0.75). Profiler "exact"
 * reports the truth; "off" is off by known amounts; its threads run
 * failed. runs.jsonl lists exact's split_a rounds out of order. */
static const char *scoring_config =
    "{\"baseline\": \"plain\", \"python\": \"python3\",\n"
    " \"workloads\": [\n"
    "  {\"name\": \"split_a\", \"script\": \"/w/truth_split.py\", \"hot\": [\"inline_part\", \"helper_part\"]},\n"
    "  {\"name\": \"split_b\", \"script\": \"/w/truth_split.py\", \"hot\": [\"inline_part\", \"helper_part\"]},\n"
    "  {\"name\": \"threads\", \"script\": \"/w/truth_threads.py\", \"hot\": [\"main_part\", \"thread_part\"]},\n"
    "  {\"name\": \"mem_thread\", \"script\": \"/w/truth_memory.py\", \"hot\": [\"hold_memory\"]}],\n"
    " \"profilers\": [\n"
    "  {\"name\": \"plain\", \"baseline\": true, \"command\": [\"{python}\", \"{script}\"]},\n"
    "  {\"name\": \"exact\", \"command\": [\"exact\", \"{script}\"]},\n"
    "  {\"name\": \"off\", \"command\": [\"off\", \"--hot={hot}\", \"{script}\"]},\n"
    "  {\"name\": \"alloc\", \"command\": [\"alloc\", \"{script}\"]},\n"
    "  {\"name\": \"blind\", \"command\": [\"blind\", \"{script}\"]}],\n"
    " \"pairs\": []}\n";

#define RUN(w, p, r, st) "{\"seq\": 0, \"round\": " #r ", \"workload\": \"" w "\", \"profiler\": \"" p \
    "\", \"status\": \"" st "\", \"wall_s\": 1.5, \"outdir\": \"raw/" w "/" p "/" #r "\"" \
    ", \"error\": \"" st "\"}\n"

static const char *scoring_runs =
    RUN("split_a", "plain", 0, "ok") RUN("split_a", "plain", 1, "ok") RUN("split_b", "plain", 0, "ok")
    RUN("threads", "plain", 0, "ok") RUN("split_a", "exact", 1, "ok") RUN("split_a", "exact", 0, "ok")
    RUN("split_b", "exact", 0, "ok") RUN("threads", "exact", 0, "ok") RUN("split_a", "off", 0, "ok")
    RUN("split_a", "off", 1, "ok") RUN("split_b", "off", 0, "ok") RUN("threads", "off", 0, "failed")
    RUN("mem_thread", "plain", 0, "ok") RUN("mem_thread", "exact", 0, "ok") RUN("threads", "alloc", 0, "ok")
    RUN("mem_thread", "alloc", 0, "ok") RUN("threads", "blind", 0, "ok");

#define SPLIT_TRUTH(inl, hlp) "{\"pbench_truth\": 1, \"kind\": \"cpu_split\", \"script\": \"/w/truth_split.py\", " \
    "\"params\": {\"split\": 0.3}, \"focus\": \"helper\", \"share_sum\": 1.0, \"parts\": [" \
    "{\"name\": \"inline\", \"root\": \"inline_part\", \"functions\": [\"inline_part\"], \"share\": " inl "}, " \
    "{\"name\": \"helper\", \"root\": \"helper_part\", \"functions\": [\"helper_part\", \"helper\"], \"share\": " hlp "}]}\n"

static const char *threads_truth =
    "{\"pbench_truth\": 1, \"kind\": \"threads\", \"script\": \"/w/truth_threads.py\", \"focus\": \"thread\", "
    "\"parts\": [{\"name\": \"main\", \"root\": \"main_part\", \"functions\": [\"main_part\"], \"share\": 0.25}, "
    "{\"name\": \"thread\", \"root\": \"thread_part\", \"functions\": [\"thread_part\"], \"share\": 0.75}]}\n";

/* 64 MB allocated in hold_memory, run only by a worker thread, 32 MB of it
 * touched. */
static const char *mem_thread_truth =
    "{\"pbench_truth\": 1, \"kind\": \"memory_thread\", \"script\": \"/w/truth_memory.py\", "
    "\"memory\": {\"function\": \"hold_memory\", \"line\": 50, \"alloc_mb\": 64, \"touch_line\": 52, "
    "\"touched_mb\": 32}}\n";

/* An allocation tracker's attribution: memory, no time, no hits. */
#define ALLOC_ATTR(mb) "{\"format\": \"fake\", \"timed\": false, \"samples\": null, " \
    "\"expresses\": {\"functions\": true, \"lines\": true, \"memory\": true}, " \
    "\"functions\": [{\"function\": \"hold_memory\", \"seen\": true}], \"lines\": [], " \
    "\"memory\": {\"kind\": \"allocation\", \"lines\": [{\"line\": 50, \"function\": \"hold_memory\", " \
    "\"mb\": " mb "}]}}"

/* An attribution with the given functions' figures. */
#define ATTR(fns) "{\"format\": \"fake\", \"timed\": true, \"samples\": null, " \
    "\"expresses\": {\"functions\": true, \"lines\": false}, \"functions\": [" fns "]}"
#define FN_TOTAL(name, total) "{\"function\": \"" name "\", \"total\": " total ", \"seen\": true}"
#define FN_SELF(name, self) "{\"function\": \"" name "\", \"self\": " self ", \"seen\": true}"

static const struct {
    const char *workload, *profiler;
    int round;
    const char *attr;
} scoring_attrs[] = {
    /* each round against the plain rounds' mean, 0.3125 */
    { "split_a", "exact", 0, ATTR(FN_TOTAL("inline_part", "0.6875") "," FN_TOTAL("helper_part", "0.3125")) },
    { "split_a", "exact", 1, ATTR(FN_TOTAL("inline_part", "1.375") "," FN_TOTAL("helper_part", "0.625")) },
    { "split_b", "exact", 0, ATTR(FN_TOTAL("inline_part", "0.5") "," FN_TOTAL("helper_part", "0.5")) },
    { "threads", "exact", 0, ATTR(FN_TOTAL("main_part", "0.25") "," FN_TOTAL("thread_part", "0.75")) },
    /* 0.5 against 0.3125: 18.75 points; module-level code seen */
    { "split_a", "off", 0, ATTR(FN_TOTAL("<module>", "1.0") "," FN_TOTAL("main", "1.0") ","
                                FN_TOTAL("inline_part", "0.5") "," FN_TOTAL("helper_part", "0.5")) },
    /* no totals: the helper part is helper_part's and helper's own time,
     * 0.75 of the parts: 43.75 points */
    { "split_a", "off", 1, ATTR(FN_SELF("inline_part", "0.25") "," FN_SELF("helper_part", "0.5") ","
                                FN_SELF("helper", "0.25")) },
    /* 0.25 against 0.5: 25 points */
    { "split_b", "off", 0, ATTR(FN_TOTAL("inline_part", "0.75") "," FN_TOTAL("helper_part", "0.25")) },
    /* a time profiler on an allocating workload, an allocation tracker on
     * a CPU-only one: n/a, deciding nothing */
    { "mem_thread", "exact", 0, ATTR(FN_TOTAL("hold_memory", "1.0")) },
    { "threads", "alloc", 0, ALLOC_ATTR("0.0") },
    { "threads", "blind", 0, ALLOC_ATTR("0.0") },
    /* the thread's 64 MB seen */
    { "mem_thread", "alloc", 0, ALLOC_ATTR("64.0") },
};

static char *sdir;

static void scoring_setup(void)
{
    char p[4096];
    sdir = tu_mkdtemp();
    ck_assert_ptr_nonnull(sdir);
    free(tu_write_file(sdir, "config-resolved.json", scoring_config));
    free(tu_write_file(sdir, "runs.jsonl", scoring_runs));
    const char *truths[][2] = { { "raw/split_a/plain/0", SPLIT_TRUTH("0.75", "0.25") },
                                { "raw/split_a/plain/1", SPLIT_TRUTH("0.625", "0.375") },
                                { "raw/split_b/plain/0", SPLIT_TRUTH("0.5", "0.5") },
                                { "raw/threads/plain/0", threads_truth },
                                { "raw/mem_thread/plain/0", mem_thread_truth } };
    for (size_t i = 0; i < sizeof truths / sizeof *truths; i++) {
        snprintf(p, sizeof p, "mkdir -p '%s/%s'", sdir, truths[i][0]);
        ck_assert_int_eq(system(p), 0);
        snprintf(p, sizeof p, "%s/%s", sdir, truths[i][0]);
        free(tu_write_file(p, "stdout.txt", truths[i][1]));
    }
}

static void scoring_teardown(void)
{
    tu_rmtree(sdir);
    free(sdir);
}

/* Loads the fabricated results, hangs the fabricated attributions on
 * their probes (as run/adapters.c would) and scores them. */
static struct pb_accuracy *score_fabricated(void)
{
    struct pb_accuracy_source src;
    struct pb_accuracy *out = NULL;
    struct pb_error err;

    ck_assert_msg(pb_accuracy_source_load(&src, sdir, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(src.nprobes, 12);
    for (size_t i = 0; i < src.nprobes; i++) {
        struct pb_accuracy_probe *p = &src.probes[i];
        for (size_t k = 0; k < sizeof scoring_attrs / sizeof *scoring_attrs; k++) {
            if (strcmp(scoring_attrs[k].workload, p->run->workload)
                || strcmp(scoring_attrs[k].profiler, p->run->profiler) || scoring_attrs[k].round != p->run->round)
                continue;
            json_error_t jerr;
            p->attr = json_loads(scoring_attrs[k].attr, 0, &jerr);
            ck_assert_msg(p->attr != NULL, "%s", jerr.text);
            p->attribution = strdup("attribution/fabricated.json");
        }
    }
    ck_assert_msg(pb_accuracy_score(&src, "fake-adapter", "python3", &out, &err) == 0, "%s", err.msg);
    pb_accuracy_source_release(&src);
    return out;
}

static const struct pb_acc_cpu *cpu_row(const struct pb_accuracy *a, const char *profiler)
{
    for (size_t i = 0; i < a->ncpu; i++)
        if (!strcmp(a->cpu[i].profiler, profiler))
            return &a->cpu[i];
    ck_abort_msg("no CPU row for %s", profiler);
    return NULL;
}

static const struct pb_acc_share_profiler *share_of(const struct pb_accuracy *a, const char *workload,
                                                    const char *profiler)
{
    for (size_t i = 0; i < a->nshares; i++)
        for (size_t k = 0; !strcmp(a->shares[i].workload, workload) && k < a->shares[i].nprofilers; k++)
            if (!strcmp(a->shares[i].profilers[k].profiler, profiler))
                return &a->shares[i].profilers[k];
    ck_abort_msg("no share of %s for %s", workload, profiler);
    return NULL;
}

START_TEST(known_errors)
{
    struct pb_accuracy *a = score_fabricated();
    const struct pb_acc_cpu *exact = cpu_row(a, "exact"), *off = cpu_row(a, "off");

    /* the truth: the plain rounds' shares, normalized, averaged */
    ck_assert_double_eq_tol(truth_in(a, "split_a")->focus_share, 0.3125, 1e-12);
    ck_assert_double_eq_tol(truth_in(a, "split_b")->focus_share, 0.5, 1e-12);
    /* a profiler that reports the truth is off by nothing */
    ck_assert_double_eq_tol(exact->mean_error_pp, 0, 1e-9);
    ck_assert_double_eq_tol(exact->max_error_pp, 0, 1e-9);
    /* split_a: 18.75 and 43.75 points in its two rounds; split_b: 25 */
    const struct pb_acc_share_profiler *sa = share_of(a, "split_a", "off");
    ck_assert_int_eq(sa->nrounds, 2);
    ck_assert_double_eq_tol(sa->rounds[0].error_pp, 18.75, 1e-9);
    ck_assert_double_eq_tol(sa->rounds[1].error_pp, 43.75, 1e-9);
    ck_assert_double_eq_tol(sa->reported_share, 0.625, 1e-12);
    ck_assert_double_eq_tol(sa->error_pp, 31.25, 1e-9);
    ck_assert_int_eq(off->nsplits, 2);
    ck_assert_str_eq(off->splits[0].workload, "split_a");
    ck_assert_double_eq_tol(off->splits[0].error_pp, 31.25, 1e-9);
    ck_assert_double_eq_tol(off->splits[1].error_pp, 25, 1e-9);
    ck_assert_double_eq_tol(off->splits[1].reported_share, 0.25, 1e-12);
    ck_assert_double_eq_tol(off->mean_error_pp, 28.125, 1e-9);
    ck_assert_double_eq_tol(off->max_error_pp, 31.25, 1e-9);
    /* the threads workload: exact sees the thread; off's run failed */
    ck_assert_double_eq_tol(share_of(a, "threads", "exact")->error_pp, 0, 1e-9);
    ck_assert(isnan(share_of(a, "threads", "off")->error_pp));
    ck_assert_str_eq(share_of(a, "threads", "off")->note, "no readable run");
    ck_assert_str_eq(share_of(a, "threads", "off")->rounds[0].note, "failed");
    ck_assert_str_eq(cap_in(a, "exact", "threads")->value, "yes");
    ck_assert_str_eq(cap_in(a, "exact", "threads")->why, "the worker thread part got 75.0% (true 75.0%)");
    ck_assert_str_eq(cap_in(a, "exact", "threads")->runs, "1 yes, 0 partial, 0 no, 0 other, 1 n/a");
    /* an allocation tracker is judged on the thread's allocation alone */
    ck_assert_str_eq(cap_in(a, "alloc", "threads")->value, "yes");
    ck_assert_str_eq(cap_in(a, "alloc", "threads")->why,
                     "64.0 MB in 'hold_memory' (run only in the worker thread; 64 MB allocated, 32 MB touched)");
    ck_assert_str_eq(cap_in(a, "alloc", "threads")->decided_by->workload, "mem_thread");
    ck_assert_str_eq(cap_in(a, "alloc", "threads")->runs, "1 yes, 0 partial, 0 no, 0 other, 1 n/a");
    /* with only a CPU-only workload, it is n/a, not "no" */
    ck_assert_str_eq(cap_in(a, "blind", "threads")->value, "n/a");
    ck_assert_ptr_nonnull(strstr(cap_in(a, "blind", "threads")->why, "has no time, samples or hits"));
    ck_assert_str_eq(cap_in(a, "off", "threads")->value, "failed");
    ck_assert_str_eq(cap_in(a, "off", "threads")->why, "the run did not finish: failed: failed");
    /* unmodified code: exact saw only the hot functions, decided by the
     * lowest round of the first workload; off saw main (preferred to
     * <module>) */
    const struct pb_acc_cell *um = cap_in(a, "exact", "unmodified_code");
    ck_assert_str_eq(um->value, "no");
    ck_assert_str_eq(um->why, "reported only functions named in the workload's hot list");
    ck_assert_ptr_nonnull(um->decided_by);
    ck_assert_str_eq(um->decided_by->workload, "split_a");
    ck_assert_int_eq(um->decided_by->round, 0);
    ck_assert_str_eq(cap_in(a, "off", "unmodified_code")->why,
                     "reported 'main', which nobody marked (not in the workload's hot list)");
    ck_assert_str_eq(cap_in(a, "exact", "lines")->why, "the fake output has no per-line figures");
    ck_assert_str_eq(cap_in(a, "exact", "memory")->value, "not probed");
    ck_assert_int_eq(a->nruns, 12);
    pb_accuracy_free(a);
}
END_TEST

/* ---- accuracy.json: the store's format -------------------------------- */

static char *fdir;

static void format_setup(void)
{
    fdir = tu_mkdtemp();
    ck_assert_ptr_nonnull(fdir);
}

static void format_teardown(void)
{
    tu_rmtree(fdir);
    free(fdir);
}

START_TEST(reads_version_1_writes_version_2)
{
    struct pb_accuracy *a = NULL, *b = NULL;
    struct pb_error err;
    char p[4200];

    /* the fixture is a version 1 file, as pbench wrote them before "format" */
    ck_assert_msg(pb_accuracy_load(PB_FIXTURES_DIR "/results-accuracy", &a, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(a->version, 1);
    ck_assert_int_eq(a->ntruths, 3);
    ck_assert_str_eq(a->truths[0].workload, "split_30");
    ck_assert_int_eq(a->nrows, 3);
    ck_assert_int_eq(a->ncolumns, 7);
    ck_assert_int_eq(a->thresholds.min_samples, 20);
    /* saved, it is the same file with the format in front */
    ck_assert_msg(pb_accuracy_save(fdir, a, &err) == 0, "%s", err.msg);
    snprintf(p, sizeof p, "%s/accuracy.json", fdir);
    char *saved = tu_read_file(p), *orig = tu_read_file(PB_FIXTURES_DIR "/results-accuracy/accuracy.json");
    const char *fmt = "{\n  \"format\": \"" PB_ACCURACY_FORMAT "\",\n";
    ck_assert_msg(!strncmp(saved, fmt, strlen(fmt)), "%.80s", saved);
    ck_assert_str_eq(saved + strlen(fmt), orig + 2);
    /* and reads back as version 2, the same again */
    ck_assert_msg(pb_accuracy_load(fdir, &b, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(b->version, 2);
    ck_assert_msg(pb_accuracy_save(fdir, b, &err) == 0, "%s", err.msg);
    char *again = tu_read_file(p);
    ck_assert_str_eq(again, saved);
    free(saved);
    free(orig);
    free(again);
    pb_accuracy_free(a);
    pb_accuracy_free(b);
}
END_TEST

static void load_fails(const char *text, const char *want1, const char *want2)
{
    struct pb_accuracy *a = NULL;
    struct pb_error err;
    free(tu_write_file(fdir, "accuracy.json", text));
    ck_assert_int_eq(pb_accuracy_load(fdir, &a, &err), -1);
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(err.msg, want1) && strstr(err.msg, want2), "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "accuracy.json"), "no file named: %s", err.msg);
}

START_TEST(unknown_format_is_an_error)
{
    load_fails("{\"format\": \"pbench-accuracy/9\", \"cpu\": []}", "unknown format", "pbench-accuracy/9");
    load_fails("{\"schema\": \"pbench-accuracy/0\"}", "unknown format", "pbench-accuracy/0");
    load_fails("{\"cpu\": []}", "no \"format\"", "");
    load_fails("[1, 2]", "not a JSON object", "");
    load_fails("{\"format\": \"" PB_ACCURACY_FORMAT "\", \"cpu\": [{\"profiler\": 5}]}",
               "cpu[0].profiler", "expected a string");
    load_fails("{\"schema\": \"pbench-accuracy/1\", \"capabilities\": {\"columns\": [\"lines\"], "
               "\"rows\": [{\"profiler\": \"p\", \"cells\": {\"lines\": {\"value\": 1}}}]}}",
               "capabilities.rows[0].lines.value", "expected a string");
    /* the report says so too, instead of guessing */
    char *text = NULL;
    size_t len = 0;
    struct pb_error err;
    free(tu_write_file(fdir, "accuracy.json", "{\"format\": \"pbench-accuracy/9\"}"));
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(pb_accuracy_markdown(f, fdir, "", NULL, &err), -1);
    fclose(f);
    ck_assert_msg(strstr(err.msg, "pbench-accuracy/9"), "%s", err.msg);
    free(text);
}
END_TEST

START_TEST(markdown_escapes)
{
    char *text = NULL;
    size_t len = 0;
    struct pb_error err;

    free(tu_write_file(fdir, "accuracy.json",
        "{\"schema\": \"pbench-accuracy/1\",\n"
        " \"cpu\": [{\"profiler\": \"a|b*c\", \"mean_error_pp\": 1.5, \"splits\": [{\"workload\": \"w<1>\", "
        "\"true_share\": 0.5, \"error_pp\": 1.5}]}],\n"
        " \"shares\": [{\"workload\": \"t#1\", \"kind\": \"threads\", \"focus\": \"x_\", \"true_share\": 0.5, "
        "\"profilers\": [{\"profiler\": \"p[1]\", \"reported_share\": null, \"error_pp\": null, \"note\": \"n|m\"}]}],\n"
        " \"capabilities\": {\"columns\": [\"lines\"], \"rows\": [{\"profiler\": \"q`r\", \"cells\": {\"lines\": "
        "{\"value\": \"yes\", \"why\": \"say \\\"hi\\\" | <b>\", \"decided_by\": {\"workload\": \"w\", "
        "\"profiler\": \"q\", \"round\": 0, \"raw_dir\": \"raw/w w/q/0\", \"attribution\": null}}}}]}}\n"));
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(pb_accuracy_markdown(f, fdir, "../r%20s", NULL, &err), 0);
    fclose(f);
    ck_assert_msg(strstr(text, "| a\\|b\\*c | 1.5 | 1.5 |"), "%s", text);
    ck_assert_msg(strstr(text, " w\\<1\\> (true 50%) |"), "%s", text);
    ck_assert_msg(strstr(text, "### t\\#1: share of the 'x\\_' part (true 50.0%)"), "%s", text);
    ck_assert_msg(strstr(text, "| p\\[1\\] | – | – | n\\|m |"), "%s", text);
    ck_assert_msg(strstr(text, "| q\\`r | [yes](../r%20s/raw/w%20w/q/0 \"say hi \\| \\<b\\>\") |"), "%s", text);
    free(text);
}
END_TEST

Suite *accuracy_suite(void)
{
    Suite *s = suite_create("accuracy");
    TCase *core = tcase_create("core");
    tcase_add_unchecked_fixture(core, run_once, cleanup_once);
    tcase_set_timeout(core, 300);
    tcase_add_test(core, split_truth_sums_to_100);
    tcase_add_test(core, threads_seen_or_not);
    tcase_add_test(core, unprobed_is_not_a_checkmark);
    tcase_add_test(core, format_limits_say_so);
    tcase_add_test(core, cpu_errors_per_split);
    tcase_add_test(core, has_truths);
    tcase_add_test(core, markdown_section);
    tcase_add_test(core, stored_python_is_never_run);
    tcase_add_test(core, new_profiler_from_yaml_alone);
    tcase_add_test(core, own_reader_runs_only_when_given);
    suite_add_tcase(s, core);

    TCase *scoring = tcase_create("scoring");
    tcase_add_checked_fixture(scoring, scoring_setup, scoring_teardown);
    tcase_add_test(scoring, known_errors);
    suite_add_tcase(s, scoring);

    TCase *format = tcase_create("format");
    tcase_add_checked_fixture(format, format_setup, format_teardown);
    tcase_add_test(format, reads_version_1_writes_version_2);
    tcase_add_test(format, unknown_format_is_an_error);
    tcase_add_test(format, markdown_escapes);
    suite_add_tcase(s, format);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, cmd_usage_and_errors);
    tcase_add_test(errors, no_truth_is_an_error);
    tcase_add_test(errors, missing_adapter_is_an_error);
    suite_add_tcase(s, errors);
    return s;
}
