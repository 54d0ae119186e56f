/* Tests of run/slurm: the batch scripts (run through bash as Slurm would,
 * with a fake SLURM_ARRAY_TASK_ID and a stand-in pbench that prints its
 * argv), slurm.json written and read back, and hostile slurm.json files.
 * The real cluster is tests/test_slurm.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/slurm.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* A job in dir whose "pbench" is a script printing its arguments one per
 * line; paths with a quote and spaces, to prove the quoting. */
static void make_job(struct pb_slurm_job *job, int shards)
{
    char p[4096];

    memset(job, 0, sizeof *job);
    snprintf(p, sizeof p, "%s/it's a dir", dir);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    job->dir = strdup(p);
    free(tu_write_file(p, "fake pbench", "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n"
                       "if [ \"$1\" = merge ]; then mkdir -p \"$2\"; fi\n"));
    snprintf(p, sizeof p, "%s/fake pbench", job->dir);
    ck_assert_int_eq(chmod(p, 0755), 0);
    job->pbench = strdup(p);
    free(tu_write_file(dir, "my config.yaml", "name: x\n"));
    snprintf(p, sizeof p, "%s/my config.yaml", dir);
    job->config = strdup(p);
    job->name = strdup("quick");
    job->shards = shards;
    job->exclusive = 1;
    job->partition = strdup("debug");
    ck_assert_int_eq(pb_strv_push(&job->select_profilers, "py_spy"), 0);
    ck_assert_int_eq(pb_strv_push(&job->required, job->pbench), 0);
    ck_assert_int_eq(pb_strv_push(&job->required, job->config), 0);
}

/* Runs script (a file) under bash with SLURM_ARRAY_TASK_ID=k; returns the
 * output, *rc the exit status. */
static char *run_task(const char *script, int k, int *rc)
{
    char env[64], *out = NULL;
    snprintf(env, sizeof env, "SLURM_ARRAY_TASK_ID=%d", k);
    char *argv[] = { "env", env, "bash", (char *)script, NULL };
    *rc = tu_run(argv, &out);
    return out;
}

START_TEST(task_runs_its_shard_then_resumes_it)
{
    struct pb_slurm_job job;
    struct pb_error err;
    char script[4096], shard[4096], want[8192];
    int rc;

    make_job(&job, 3);
    ck_assert_msg(pb_slurm_write(&job, "1-3", &err) == 0, "%s", err.msg);
    snprintf(script, sizeof script, "%s/job.sh", job.dir);
    char *text = tu_read_file(script);
    ck_assert_ptr_nonnull(strstr(text, "#SBATCH --array=1-3\n"));
    ck_assert_ptr_nonnull(strstr(text, "#SBATCH --exclusive\n"));
    ck_assert_ptr_nonnull(strstr(text, "#SBATCH --partition=debug\n"));
    free(text);
    /* task 2: a fresh shard, with the selection */
    char *out = run_task(script, 2, &rc);
    ck_assert_msg(rc == 0, "%s", out);
    pb_slurm_shard_dir(&job, 2, shard, sizeof shard);
    snprintf(want, sizeof want, "[run]\n[%s]\n[--shard]\n[2/3]\n[--dir]\n[%s]\n[--no-plot]\n[-p]\n[py_spy]\n",
             job.config, shard);
    ck_assert_msg(strstr(out, want), "task 2 ran:\n%s\nwanted:\n%s", out, want);
    free(out);
    /* once the shard started, the task resumes it with the config */
    char sub[4096];
    snprintf(sub, sizeof sub, "%s", shard);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    free(tu_write_file(sub, "config-resolved.json", "{}"));
    out = run_task(script, 2, &rc);
    snprintf(want, sizeof want, "[run]\n[--resume]\n[%s]\n[%s]\n[--no-plot]\n", shard, job.config);
    ck_assert_msg(rc == 0 && strstr(out, want), "resumed task ran:\n%s", out);
    free(out);
    pb_slurm_job_release(&job);
}
END_TEST

START_TEST(task_fails_when_a_path_is_missing_on_its_node)
{
    struct pb_slurm_job job;
    struct pb_error err;
    char script[4096];
    int rc;

    make_job(&job, 2);
    ck_assert_int_eq(pb_strv_push(&job.required, "/nonexistent/venv/bin/python"), 0);
    ck_assert_int_eq(pb_slurm_write(&job, "1-2", &err), 0);
    snprintf(script, sizeof script, "%s/job.sh", job.dir);
    char *out = run_task(script, 1, &rc);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(out, "'/nonexistent/venv/bin/python' is missing on node"), "%s", out);
    ck_assert_msg(!strstr(out, "[run]"), "pbench ran anyway:\n%s", out);
    free(out);
    /* not a task of an array: refused */
    char *argv[] = { "env", "-u", "SLURM_ARRAY_TASK_ID", "bash", script, NULL };
    ck_assert_int_ne(tu_run(argv, &out), 0);
    ck_assert_msg(strstr(out, "not run as a task of a Slurm job array"), "%s", out);
    free(out);
    pb_slurm_job_release(&job);
}
END_TEST

START_TEST(merge_takes_the_shards_that_have_results)
{
    struct pb_slurm_job job;
    struct pb_error err;
    char script[4096], shard[4096];
    int rc;

    make_job(&job, 3);
    ck_assert_int_eq(pb_slurm_write(&job, "1-3", &err), 0);
    for (int k = 1; k <= 3; k += 2) {       /* shards 1 and 3 ran, 2 did not */
        pb_slurm_shard_dir(&job, k, shard, sizeof shard);
        ck_assert_int_eq(mkdir(shard, 0755), 0);
        free(tu_write_file(shard, "config-resolved.json", "{}"));
    }
    snprintf(script, sizeof script, "%s/merge.sh", job.dir);
    char *argv[] = { "bash", script, NULL };
    char *out = NULL;
    rc = tu_run(argv, &out);
    ck_assert_msg(rc == 0, "%s", out);
    ck_assert_msg(strstr(out, "shard 2 has no results"), "%s", out);
    ck_assert_msg(strstr(out, "[merge]\n[merged]\n[shards/1]\n[shards/3]\n"), "%s", out);
    ck_assert_msg(strstr(out, "[report]\n[merged]\n"), "%s", out);
    free(out);

    /* merged again (after a resume): the earlier merged/ goes once the
     * new one is made; a merge that fails leaves the earlier one */
    char mark[4096];
    snprintf(mark, sizeof mark, "%s/merged", job.dir);
    free(tu_write_file(mark, "earlier", "1"));
    ck_assert_int_eq(tu_run(argv, &out), 0);
    free(out);
    snprintf(mark, sizeof mark, "%s/merged/earlier", job.dir);
    ck_assert(access(mark, F_OK) != 0);
    free(tu_write_file(job.dir, "merged/earlier", "1"));
    free(tu_write_file(job.dir, "fake pbench", "#!/bin/sh\nif [ \"$1\" = merge ]; then mkdir -p \"$2\"; "
                       "exit 1; fi\n"));
    ck_assert_int_ne(tu_run(argv, &out), 0);
    free(out);
    ck_assert_msg(access(mark, F_OK) == 0, "a failed merge lost the earlier merged/");
    snprintf(mark, sizeof mark, "%s/merged.old", job.dir);
    ck_assert(access(mark, F_OK) != 0);
    pb_slurm_job_release(&job);
}
END_TEST

START_TEST(slurm_json_round_trip)
{
    struct pb_slurm_job job, back;
    struct pb_error err;

    make_job(&job, 5);
    job.time = strdup("1:00:00");
    ck_assert_int_eq(pb_slurm_add_submission(&job, "41", "42", "1-5"), 0);
    ck_assert_int_eq(pb_slurm_add_submission(&job, "50", "51", "2,4"), 0);
    ck_assert_int_eq(pb_slurm_write(&job, "2,4", &err), 0);
    /* nothing left to run (a merge alone): job.sh stays the last array */
    ck_assert_int_eq(pb_slurm_write(&job, "", &err), 0);
    char script[4096];
    snprintf(script, sizeof script, "%s/job.sh", job.dir);
    char *text = tu_read_file(script);
    ck_assert_msg(strstr(text, "#SBATCH --array=2,4\n"), "%s", text);
    free(text);
    ck_assert_msg(pb_slurm_load(job.dir, &back, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(back.shards, 5);
    ck_assert_str_eq(back.config, job.config);
    ck_assert_str_eq(back.pbench, job.pbench);
    ck_assert_str_eq(back.time, "1:00:00");
    ck_assert_int_eq(back.exclusive, 1);
    ck_assert_uint_eq(back.nsubs, 2);
    ck_assert_str_eq(back.subs[1].array_job, "50");
    ck_assert_str_eq(back.subs[1].tasks, "2,4");
    ck_assert_str_eq(back.select_profilers.v[0], "py_spy");
    /* no shard has finished */
    for (int k = 1; k <= 5; k++)
        ck_assert_int_eq(pb_slurm_shard_done(&back, k), 0);
    pb_slurm_job_release(&back);
    pb_slurm_job_release(&job);
}
END_TEST

/* slurm.json is untrusted: what would break a script or run something
 * else is refused, naming the file. */
START_TEST(hostile_slurm_json_is_refused)
{
    static const struct {
        const char *json, *needle;
    } cases[] = {
        { "{\"format\": \"pbench-slurm/1\", \"config\": \"c.yaml\", \"name\": \"x\", \"pbench\": \"/p\", \"shards\": 2}",
          "absolute paths" },
        { "{\"format\": \"pbench-slurm/1\", \"config\": \"/c\", \"name\": \"x\\n#SBATCH --uid=0\", \"pbench\": \"/p\", \"shards\": 2}",
          "single words" },
        { "{\"format\": \"pbench-slurm/1\", \"config\": \"/c\", \"name\": \"x\", \"pbench\": \"/p\\nrm -rf /\", \"shards\": 2}",
          "absolute paths" },
        { "{\"format\": \"pbench-slurm/1\", \"config\": \"/c\", \"name\": \"x\", \"pbench\": \"/p\", \"shards\": 0}",
          "shards" },
        { "{\"format\": \"pbench-slurm/1\", \"config\": \"/c\", \"name\": \"x\", \"pbench\": \"/p\", \"shards\": 1e9}",
          "shards" },
        { "{\"format\": \"pbench-slurm/9\", \"config\": \"/c\", \"name\": \"x\", \"pbench\": \"/p\", \"shards\": 2}",
          "pbench-slurm/9" },
        { "{\"format\": \"pbench-slurm/1\", \"config\": \"/c\", \"name\": \"x\", \"pbench\": \"/p\", \"shards\": 2, "
          "\"submissions\": [3]}", "submissions[0]" },
        { "[1, 2]", "object" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct pb_slurm_job job;
        struct pb_error err;
        free(tu_write_file(dir, "slurm.json", cases[i].json));
        ck_assert_msg(pb_slurm_load(dir, &job, &err) < 0, "case %zu was accepted", i);
        ck_assert_msg(strstr(err.msg, cases[i].needle) || strstr(err.file, "slurm.json"),
                      "case %zu: %s", i, err.msg);
        ck_assert_msg(strstr(err.msg, cases[i].needle), "case %zu: '%s' lacks '%s'", i, err.msg,
                      cases[i].needle);
    }
}
END_TEST

START_TEST(values_for_sbatch_lines)
{
    ck_assert_int_eq(pb_slurm_value_ok("debug"), 1);
    ck_assert_int_eq(pb_slurm_value_ok("1-00:00:00"), 1);
    ck_assert_int_eq(pb_slurm_value_ok(""), 0);
    ck_assert_int_eq(pb_slurm_value_ok("a b"), 0);
    ck_assert_int_eq(pb_slurm_value_ok("a\nb"), 0);
    ck_assert_int_eq(pb_slurm_value_ok("$(reboot)"), 0);
}
END_TEST

Suite *slurmjob_suite(void)
{
    Suite *s = suite_create("slurmjob");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, task_runs_its_shard_then_resumes_it);
    tcase_add_test(tc, task_fails_when_a_path_is_missing_on_its_node);
    tcase_add_test(tc, merge_takes_the_shards_that_have_results);
    tcase_add_test(tc, slurm_json_round_trip);
    tcase_add_test(tc, hostile_slurm_json_is_refused);
    tcase_add_test(tc, values_for_sbatch_lines);
    suite_add_tcase(s, tc);
    return s;
}
