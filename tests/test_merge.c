/* Shards and merge end to end: the real pbench runs a tiny matrix as 3
 * shards (--shard K/N --dir), and pbench merge joins them: the shards
 * cover the matrix once, each workload's baseline with its profilers; the
 * merge has every pair and marks each record with its shard and node; a
 * missing or unfinished shard leaves its pairs not_run with the reason;
 * shards of two configs, the same shard twice and a directory that is no
 * shard are refused with nothing written; an interrupted shard resumes
 * and merges; a shard with no workload still writes its directory; a
 * shard calibrates only its own `target:` workloads and the hashes
 * agree. */
#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/meta.h"
#include "testutil.h"

static char *dir;

static const char *work_py =
    "import argparse\n"
    "ap = argparse.ArgumentParser()\n"
    "ap.add_argument('--size', type=int, default=1)\n"
    "a = ap.parse_args()\n"
    "t = 0\n"
    "for i in range(a.size * 2000):\n"
    "    t += i\n"
    "print(t)\n";

/* The matrix: a at two sizes, b, c; plain, cprof and prof (cost 30). By
 * weight a (two workloads) is shard 1, b shard 2, c shard 3. */
static void write_config(const char *name, const char *extra_workload)
{
    char text[4096];

    snprintf(text, sizeof text,
        "name: m\n"
        "python: %s\n"
        "defaults: {runs: 2, warmup: 0, timeout: 60}\n"
        "workloads:\n"
        "  - {name: a, script: w.py, args: [\"--size\", \"{size}\"], sizes: [1, 2]}\n"
        "  - {name: b, script: w.py, args: [\"--size\", \"3\"]}\n"
        "  - {name: c, script: w.py, args: [\"--size\", \"4\"]}\n"
        "%s"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
        "  - {name: cprof, cost: 2, command: [\"{python}\", \"-m\", \"cProfile\", \"{script}\", \"{args}\"]}\n"
        "  - {name: prof, cost: 30, command: [\"{python}\", \"-m\", \"profile\", \"{script}\", \"{args}\"]}\n",
        tu_python(), extra_workload ? extra_workload : "");
    free(tu_write_file(dir, name, text));
}

static void setup(void)
{
    dir = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    free(tu_write_file(dir, "w.py", work_py));
    write_config("m.yaml", NULL);
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

/* dir/rel into buf. */
static const char *at(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", dir, rel);
    return buf;
}

/* Runs pbench with the NULL-terminated arguments; its output (stdout and
 * stderr) into *out (caller frees). Returns the exit status. */
static int pbench(char **out, ...)
{
    char *argv[32];
    int n = 0;
    va_list ap;

    argv[n++] = PB_BINARY;
    va_start(ap, out);
    while (n < 31 && (argv[n] = va_arg(ap, char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    return tu_run(argv, out);
}

/* pbench run CONFIG --shard K/N --dir dir/<sub>, which must succeed. */
static void run_shard(const char *config, int k, int n, const char *sub, const char *more)
{
    char cfg[4096], d[4096], shard[32], *out = NULL;

    snprintf(shard, sizeof shard, "%d/%d", k, n);
    int rc = more ? pbench(&out, "run", at(cfg, sizeof cfg, config), "--shard", shard, "--dir",
                           at(d, sizeof d, sub), more, "5", NULL)
                  : pbench(&out, "run", at(cfg, sizeof cfg, config), "--shard", shard, "--dir",
                           at(d, sizeof d, sub), NULL);
    ck_assert_msg(rc == 0, "pbench run --shard %s exited %d:\n%s", shard, rc, out);
    free(out);
}

static void run_three(void)
{
    run_shard("m.yaml", 1, 3, "s1", NULL);
    run_shard("m.yaml", 2, 3, "s2", NULL);
    run_shard("m.yaml", 3, 3, "s3", NULL);
}

static json_t *load_json(const char *sub, const char *file)
{
    char path[4096];
    json_error_t jerr;

    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, file);
    json_t *j = json_load_file(path, 0, &jerr);
    ck_assert_msg(j != NULL, "%s: %s", path, jerr.text);
    return j;
}

/* The records of dir/sub/runs.jsonl, as a JSON array. */
static json_t *records(const char *sub)
{
    char path[4096];
    json_t *a = json_array();

    snprintf(path, sizeof path, "%s/%s/runs.jsonl", dir, sub);
    char *text = tu_read_file(path), *line = text, *nl;
    ck_assert_ptr_nonnull(text);
    for (; line && *line; line = nl ? nl + 1 : NULL) {
        json_error_t jerr;
        nl = strchr(line, '\n');
        json_t *r = json_loadb(line, nl ? (size_t)(nl - line) : strlen(line), 0, &jerr);
        ck_assert_msg(r != NULL, "%s: %s", path, jerr.text);
        json_array_append_new(a, r);
    }
    free(text);
    return a;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The pair (w, p) of a summary. */
static json_t *pair(json_t *sum, const char *w, const char *p)
{
    size_t i;
    json_t *x;

    json_array_foreach(json_object_get(sum, "pairs"), i, x)
        if (!strcmp(str(x, "workload"), w) && !strcmp(str(x, "profiler"), p))
            return x;
    ck_abort_msg("no pair %s x %s", w, p);
    return NULL;
}

static int exists(const char *sub)
{
    char path[4096];
    return access(at(path, sizeof path, sub), F_OK) == 0;
}

START_TEST(shards_cover_the_matrix_and_merge)
{
    char out_dir[4096], s[3][4096], host[256] = "", *out = NULL;
    const char *subs[3] = { "s1", "s2", "s3" };

    run_three();
    /* one config, one hash; the whole matrix in each, its own part apart */
    json_t *res[3];
    for (int k = 0; k < 3; k++) {
        res[k] = load_json(subs[k], "config-resolved.json");
        json_t *sh = json_object_get(res[k], "shard");
        ck_assert_int_eq(json_integer_value(json_object_get(sh, "index")), k + 1);
        ck_assert_int_eq(json_integer_value(json_object_get(sh, "count")), 3);
        ck_assert_str_eq(str(res[k], "hash"), str(res[0], "hash"));
        ck_assert_str_eq(str(res[k], "format"), "pbench-resolved/3");
        ck_assert_uint_eq(json_array_size(json_object_get(res[k], "pairs")), 12);
    }
    /* the shards' records: every pair of the matrix in exactly one shard,
     * and every workload's runs (baseline and profilers) in one */
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(res[0], "pairs"), i, p) {
        int in = 0, where = 0;
        for (int k = 0; k < 3; k++) {
            json_t *recs = records(subs[k]), *r;
            size_t j;
            int here = 0, wl_here = 0;
            json_array_foreach(recs, j, r) {
                here |= !strcmp(str(r, "workload"), str(p, "workload"))
                     && !strcmp(str(r, "profiler"), str(p, "profiler"));
                wl_here |= !strcmp(str(r, "workload"), str(p, "workload"));
            }
            json_decref(recs);
            ck_assert_msg(here == wl_here, "%s: some of its pairs in shard %d, not all",
                          str(p, "workload"), k + 1);
            in += here;
            if (here)
                where = k + 1;
        }
        ck_assert_msg(in == 1, "pair %s x %s is in %d shards", str(p, "workload"), str(p, "profiler"), in);
        ck_assert_int_eq(where, !strncmp(str(p, "workload"), "a@", 2) ? 1
                                : !strcmp(str(p, "workload"), "b") ? 2 : 3);
    }
    for (int k = 0; k < 3; k++)
        json_decref(res[k]);
    /* a shard's summary is of its own pairs */
    json_t *own = load_json("s2", "summary.json");
    ck_assert_uint_eq(json_array_size(json_object_get(own, "pairs")), 3);
    ck_assert_str_eq(str(json_array_get(json_object_get(own, "pairs"), 0), "workload"), "b");
    json_decref(own);

    /* merged: every pair, measured; each record with its shard and node */
    int rc = pbench(&out, "merge", at(out_dir, sizeof out_dir, "out"), at(s[0], 4096, "s1"),
                    at(s[1], 4096, "s2"), at(s[2], 4096, "s3"), NULL);
    ck_assert_msg(rc == 0, "merge exited %d:\n%s", rc, out);
    ck_assert_msg(strstr(out, "merged 3 of 3 shards (24 runs)"), "%s", out);
    free(out);
    json_t *sum = load_json("out", "summary.json");
    ck_assert_uint_eq(json_array_size(json_object_get(sum, "pairs")), 12);
    json_array_foreach(json_object_get(sum, "pairs"), i, p)
        ck_assert_msg(!strcmp(str(p, "status"), "ok"), "%s x %s: %s", str(p, "workload"),
                      str(p, "profiler"), str(p, "status"));
    gethostname(host, sizeof host - 1);
    json_t *recs = records("out"), *r;
    ck_assert_uint_eq(json_array_size(recs), 24);
    json_array_foreach(recs, i, r) {
        int k = (int)json_integer_value(json_object_get(r, "shard"));
        ck_assert_int_eq(k, !strncmp(str(r, "workload"), "a@", 2) ? 1 : !strcmp(str(r, "workload"), "b") ? 2 : 3);
        ck_assert_str_eq(str(r, "node"), host);
    }
    json_decref(recs);
    json_t *meta = load_json("out", "meta.json"), *shards = json_object_get(meta, "shards");
    ck_assert_uint_eq(json_array_size(shards), 3);
    ck_assert(json_is_true(json_object_get(meta, "complete")));
    ck_assert(json_is_true(json_object_get(json_array_get(shards, 1), "merged")));
    ck_assert_str_eq(str(json_array_get(shards, 2), "hostname"), host);
    json_decref(meta);
    json_t *merged_res = load_json("out", "config-resolved.json");
    ck_assert_ptr_null(json_object_get(merged_res, "shard"));
    ck_assert_str_eq(str(merged_res, "format"), "pbench-resolved/2");
    json_decref(merged_res);
    const char *files[] = { "out/raw/a@1/prof/1/stdout.txt", "out/raw/c/plain/0/stdout.txt",
                            "out/shards/2/meta.json", "out/shards/3/config-resolved.json",
                            "out/config.yaml", "out/summary.csv", NULL };
    for (int k = 0; files[k]; k++)
        ck_assert_msg(exists(files[k]), "no %s", files[k]);

    /* merging the same shards again gives the same summary */
    char out2[4096];
    rc = pbench(&out, "merge", at(out2, sizeof out2, "out2"), s[2], s[0], s[1], NULL);
    ck_assert_msg(rc == 0, "merge exited %d:\n%s", rc, out);
    free(out);
    json_t *sum2 = load_json("out2", "summary.json");
    ck_assert(json_equal(json_object_get(sum, "pairs"), json_object_get(sum2, "pairs")));
    ck_assert(json_equal(json_object_get(sum, "profilers"), json_object_get(sum2, "profilers")));
    ck_assert(json_equal(json_object_get(sum, "meta"), json_object_get(sum2, "meta")));
    json_decref(sum2);
    json_decref(sum);

    /* a merged directory reads like any other */
    char plots[4096], report[4096];
    at(plots, sizeof plots, "plots");
    rc = pbench(&out, "report", out_dir, "--plots", plots, NULL);
    ck_assert_msg(rc == 0, "report exited %d:\n%s", rc, out);
    free(out);
    snprintf(report, sizeof report, "%s/report.md", out_dir);
    char *md = tu_read_file(report);
    ck_assert_msg(md && strstr(md, "### Shards") && strstr(md, "| 3 | "), "%.3000s", md ? md : "(none)");
    ck_assert_ptr_null(strstr(md, "different CPU models"));
    free(md);
    char *summarize[] = { "summarize", "compare", NULL };
    for (int k = 0; summarize[k]; k++) {
        rc = k ? pbench(&out, "compare", out_dir, out2, NULL) : pbench(&out, "summarize", out_dir, NULL);
        ck_assert_msg(rc == 0, "%s exited %d:\n%s", summarize[k], rc, out);
        free(out);
    }
    /* a merged directory is no shard to resume */
    rc = pbench(&out, "run", "--resume", out_dir, NULL);
    ck_assert_msg(rc == 1 && strstr(out, "is a merge of shards"), "%d: %s", rc, out);
    free(out);
}
END_TEST

START_TEST(a_missing_shard_is_reported_not_run)
{
    char o[4096], s1[4096], s2[4096], *out = NULL;
    struct pb_meta m;
    struct pb_error err;

    run_shard("m.yaml", 1, 3, "s1", NULL);
    run_shard("m.yaml", 2, 3, "s2", NULL);
    /* shard 2 as if it ran on another machine */
    ck_assert_int_eq(pb_meta_load(at(s2, sizeof s2, "s2"), &m, &err), 0);
    ck_assert_int_eq(pb_meta_set(&m.cpu_model, "Other CPU 9000"), 0);
    ck_assert_int_eq(pb_meta_set(&m.python_version, "3.99.1"), 0);
    ck_assert_int_eq(pb_meta_save(s2, &m, &err), 0);
    pb_meta_release(&m);
    int rc = pbench(&out, "merge", at(o, sizeof o, "out"), at(s1, sizeof s1, "s1"),
                    at(s2, sizeof s2, "s2"), NULL);
    ck_assert_msg(rc == 0, "merge exited %d:\n%s", rc, out);
    ck_assert_msg(strstr(out, "shard 3 of 3 was not merged") && strstr(out, "(not merged: 3)"), "%s", out);
    ck_assert_msg(strstr(out, "c x plain: not_run") && strstr(out, "shard 3 was not merged"), "%s", out);
    free(out);
    json_t *sum = load_json("out", "summary.json");
    const char *profs[] = { "plain", "cprof", "prof" };
    for (int k = 0; k < 3; k++) {
        json_t *p = pair(sum, "c", profs[k]);
        ck_assert_str_eq(str(p, "status"), "not_run");
        ck_assert_str_eq(str(p, "failure_reason"), "shard 3 was not merged");
        ck_assert_str_eq(str(pair(sum, "b", profs[k]), "status"), "ok");
    }
    ck_assert(json_is_false(json_object_get(json_object_get(sum, "meta"), "complete")));
    json_decref(sum);
    rc = pbench(&out, "report", o, "--no-plot", NULL);
    ck_assert_msg(rc == 0, "report exited %d:\n%s", rc, out);
    free(out);
    char path[4096];
    snprintf(path, sizeof path, "%s/report.md", o);
    char *md = tu_read_file(path);
    ck_assert_msg(md && strstr(md, "not merged: its pairs were not measured")
                  && strstr(md, "shard 3 was not merged"), "%.3000s", md ? md : "(none)");
    /* the machines, and a warning where they differ */
    ck_assert_msg(strstr(md, "| 2 | ") && strstr(md, "Other CPU 9000")
                  && strstr(md, "the shards ran on different CPU models")
                  && strstr(md, "Other CPU 9000 (shard 2)")
                  && strstr(md, "the shards ran different interpreter builds")
                  && strstr(md, "CPython 3.99.1 (shard 2)"), "report.md lacks the shards' warnings:\n%.3000s",
                  strstr(md, "### Shards") ? strstr(md, "### Shards") : md);
    free(md);
}
END_TEST

/* pbench merge dir/out with the given shard directories must refuse with
 * want in its message, exit 1, and write no dir/out. */
static void refused(const char *want, const char *d1, const char *d2)
{
    char o[4096], a[4096], b[4096], *out = NULL;
    int rc = pbench(&out, "merge", at(o, sizeof o, "out"), at(a, sizeof a, d1), at(b, sizeof b, d2), NULL);

    ck_assert_msg(rc == 1 && strstr(out, want), "merge %s %s: exit %d, wanted '%s':\n%s", d1, d2, rc,
                  want, out);
    ck_assert_msg(!exists("out"), "a refused merge wrote %s", o);
    free(out);
}

START_TEST(refusals_write_nothing)
{
    char cfg[4096], res[4096], *out = NULL, want[256];

    run_shard("m.yaml", 1, 3, "s1", NULL);
    run_shard("m.yaml", 2, 3, "s2", NULL);
    run_shard("m.yaml", 2, 3, "again2", NULL);
    run_shard("m.yaml", 2, 3, "seeded2", "--seed");
    run_shard("m.yaml", 1, 2, "half1", NULL);
    /* another config: its hash, and both directories, are named */
    json_t *r1 = load_json("s1", "config-resolved.json"), *r2 = load_json("seeded2", "config-resolved.json");
    ck_assert_str_ne(str(r1, "hash"), str(r2, "hash"));
    snprintf(want, sizeof want, "config hash %s in '%s/s1', %s in '%s/seeded2'", str(r1, "hash"), dir,
             str(r2, "hash"), dir);
    json_decref(r1);
    json_decref(r2);
    refused(want, "s1", "seeded2");
    refused("are shards of different configs", "s1", "seeded2");
    /* the same shard twice */
    snprintf(want, sizeof want, "shard 2 appears twice: '%s/s2' and '%s/again2'", dir, dir);
    refused(want, "s2", "again2");
    /* another N */
    refused("is shard 1 of 3 but", "s1", "half1");
    /* a shard with runs of another shard's workload: they overlap */
    char path[4096];
    snprintf(path, sizeof path, "%s/s2/runs.jsonl", dir);
    char *log = tu_read_file(path), *first = strdup(log), *nl = strchr(first, '\n');
    ck_assert_ptr_nonnull(nl);
    nl[1] = '\0';
    snprintf(path, sizeof path, "%s/s1", dir);
    char *mine = NULL;
    snprintf(want, sizeof want, "%s/runs.jsonl", path);
    mine = tu_read_file(want);
    size_t len = strlen(mine) + strlen(first) + 1;
    char *both = malloc(len);
    snprintf(both, len, "%s%s", mine, first);
    free(tu_write_file(path, "runs.jsonl", both));
    free(both);
    free(mine);
    free(first);
    free(log);
    refused("(shard 1) holds runs of workload 'b', which another shard given holds: the shards overlap",
            "s1", "s2");
    /* a directory of a whole run: no shard */
    int rc = pbench(&out, "run", at(cfg, sizeof cfg, "m.yaml"), "-o", at(res, sizeof res, "whole"),
                    "--no-plot", NULL);
    ck_assert_msg(rc == 0, "run exited %d:\n%s", rc, out);
    free(out);
    char *whole = tu_only_subdir(res);
    ck_assert_ptr_nonnull(whole);
    char rel[4096];
    snprintf(rel, sizeof rel, "whole/%s", strrchr(whole, '/') + 1);
    free(whole);
    refused("is not a shard: its config-resolved.json has no shard record", "s1", rel);
    refused("is not a shard", "s1", ".");
    /* an OUT that is not empty */
    char o[4096], s1[4096];
    ck_assert_int_eq(mkdir(at(o, sizeof o, "full"), 0777), 0);
    free(tu_write_file(o, "x", "x"));
    rc = pbench(&out, "merge", at(o, sizeof o, "full"), at(s1, sizeof s1, "s1"), NULL);
    ck_assert_msg(rc == 1 && strstr(out, "exists and is not empty"), "%d: %s", rc, out);
    free(out);
    /* usage */
    rc = pbench(&out, "merge", o, NULL);
    ck_assert_msg(rc == 2 && strstr(out, "usage: pbench merge"), "%d: %s", rc, out);
    free(out);
    rc = pbench(&out, "run", cfg, "--shard", "4/3", NULL);
    ck_assert_msg(rc == 2 && strstr(out, "--shard expects K/N"), "%d: %s", rc, out);
    free(out);
    rc = pbench(&out, "run", cfg, "--shard", "1/3", "--dir", s1, NULL);
    ck_assert_msg(rc == 1 && strstr(out, "exists and is not empty"), "%d: %s", rc, out);
    free(out);
}
END_TEST

/* Cuts dir/sub/runs.jsonl to its first n lines and marks the run
 * unfinished, as a shard killed after n runs leaves it. */
static void interrupt(const char *sub, int n)
{
    char path[4096], d[4096];
    struct pb_meta m;
    struct pb_error err;

    snprintf(path, sizeof path, "%s/%s/runs.jsonl", dir, sub);
    char *text = tu_read_file(path), *c = text;
    for (int k = 0; k < n && c; k++)
        c = strchr(c, '\n') ? strchr(c, '\n') + 1 : NULL;
    ck_assert_ptr_nonnull(c);
    *c = '\0';
    snprintf(d, sizeof d, "%s/%s", dir, sub);
    free(tu_write_file(d, "runs.jsonl", text));
    free(text);
    ck_assert_int_eq(pb_meta_load(d, &m, &err), 0);
    m.complete = 0;
    ck_assert_int_eq(pb_meta_save(d, &m, &err), 0);
    pb_meta_release(&m);
}

START_TEST(an_interrupted_shard_resumes_and_merges)
{
    char o[4096], o2[4096], s[3][4096], *out = NULL;

    run_three();
    interrupt("s1", 5);         /* 5 of round 0's 6 runs of a@1 and a@2 */
    int rc = pbench(&out, "merge", at(o, sizeof o, "out"), at(s[0], 4096, "s1"), at(s[1], 4096, "s2"),
                    at(s[2], 4096, "s3"), NULL);
    ck_assert_msg(rc == 0 && strstr(out, "shard 1 of 3 did not finish") && strstr(out, "(not finished: 1)"),
                  "%d: %s", rc, out);
    free(out);
    json_t *sum = load_json("out", "summary.json"), *p;
    size_t i, not_run = 0, short_of_runs = 0;
    json_array_foreach(json_object_get(sum, "pairs"), i, p) {
        if (strncmp(str(p, "workload"), "a@", 2))
            continue;
        if (!strcmp(str(p, "status"), "not_run")) {
            ck_assert_str_eq(str(p, "failure_reason"), "shard 1 did not finish");
            not_run++;
        } else {
            json_t *wn;
            size_t k;
            int said = 0;
            ck_assert_int_eq(json_integer_value(json_object_get(p, "runs")), 1);
            json_array_foreach(json_object_get(p, "warnings"), k, wn)
                said |= strstr(json_string_value(wn), "shard 1 did not finish: 1 of its 2 planned runs") != NULL;
            ck_assert_msg(said, "%s x %s: no warning", str(p, "workload"), str(p, "profiler"));
            short_of_runs++;
        }
    }
    ck_assert_uint_eq(not_run, 1);
    ck_assert_uint_eq(short_of_runs, 5);
    json_decref(sum);

    /* --resume reads the shard back from the directory and finishes it */
    rc = pbench(&out, "run", "--resume", s[0], NULL);
    ck_assert_msg(rc == 0 && strstr(out, "shard 1 of 3: 2 of the matrix's workloads: a@1, a@2")
                  && strstr(out, "[6/12]") && !strstr(out, "[5/12]"), "%d: %s", rc, out);
    free(out);
    json_t *recs = records("s1");
    ck_assert_uint_eq(json_array_size(recs), 12);
    json_decref(recs);
    json_t *meta = load_json("s1", "meta.json");
    ck_assert(json_is_true(json_object_get(meta, "complete")));
    json_decref(meta);
    rc = pbench(&out, "merge", at(o2, sizeof o2, "out2"), s[0], s[1], s[2], NULL);
    ck_assert_msg(rc == 0 && !strstr(out, "did not finish"), "%d: %s", rc, out);
    free(out);
    sum = load_json("out2", "summary.json");
    json_array_foreach(json_object_get(sum, "pairs"), i, p)
        ck_assert_str_eq(str(p, "status"), "ok");
    json_decref(sum);
}
END_TEST

START_TEST(a_shard_without_workloads)
{
    char cfg[4096], res[4096], *out = NULL, o[4096], d[5][4096];

    /* three groups in five shards: 4 and 5 get none */
    for (int k = 1; k <= 5; k++) {
        char sub[16];
        snprintf(sub, sizeof sub, "s%d", k);
        run_shard("m.yaml", k, 5, sub, NULL);
        at(d[k - 1], sizeof d[k - 1], sub);
    }
    json_t *meta = load_json("s5", "meta.json");
    ck_assert(json_is_true(json_object_get(meta, "complete")));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(meta, "shard"), "index")), 5);
    json_decref(meta);
    json_t *r = load_json("s4", "config-resolved.json");
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(r, "shard"), "workloads")), 0);
    json_decref(r);
    json_t *recs = records("s4");
    ck_assert_uint_eq(json_array_size(recs), 0);
    json_decref(recs);
    int rc = pbench(&out, "merge", at(o, sizeof o, "out"), d[0], d[1], d[2], d[3], d[4], NULL);
    ck_assert_msg(rc == 0 && strstr(out, "merged 5 of 5 shards (24 runs)"), "%d: %s", rc, out);
    free(out);
    json_t *sum = load_json("out", "summary.json"), *p;
    size_t i;
    json_array_foreach(json_object_get(sum, "pairs"), i, p)
        ck_assert_str_eq(str(p, "status"), "ok");
    json_decref(sum);

    /* without --dir: <results>/<name>-<time>-shardKofN */
    rc = pbench(&out, "run", at(cfg, sizeof cfg, "m.yaml"), "--shard", "5/5", "-o",
                at(res, sizeof res, "results"), NULL);
    ck_assert_msg(rc == 0 && strstr(out, "nothing to run"), "%d: %s", rc, out);
    free(out);
    char *made = tu_only_subdir(res);
    ck_assert_msg(made && strlen(made) > 10 && !strcmp(made + strlen(made) - 10, "-shard5of5"),
                  "%s", made ? made : "(none)");
    free(made);
}
END_TEST

START_TEST(a_shard_calibrates_its_own_targets)
{
    char o[4096], s1[4096], s2[4096], *out = NULL;

    /* t, calibrated to 0.05 s, weighs 33 x 2 x 0.05: alone in shard 4 */
    write_config("t.yaml", "  - {name: t, script: w.py, args: [\"--size\", \"{size}\"], target: 0.05}\n");
    int rc;
    for (int k = 1; k <= 4; k++) {
        char shard[16], sub[16], cfg[4096], d[4096];
        snprintf(shard, sizeof shard, "%d/4", k);
        snprintf(sub, sizeof sub, "t%d", k);
        rc = pbench(&out, "run", at(cfg, sizeof cfg, "t.yaml"), "--shard", shard, "--dir",
                    at(d, sizeof d, sub), NULL);
        ck_assert_msg(rc == 0, "shard %s exited %d:\n%s", shard, rc, out);
        /* only t's shard calibrates it */
        ck_assert_msg(!strstr(out, "calibrating t") == (k != 4), "shard %d:\n%s", k, out);
        free(out);
    }
    json_t *r1 = load_json("t1", "config-resolved.json"), *r4 = load_json("t4", "config-resolved.json");
    ck_assert_str_eq(str(r1, "hash"), str(r4, "hash"));
    ck_assert_str_ne(str(json_object_get(r1, "shard"), "hash"), str(json_object_get(r4, "shard"), "hash"));
    /* t as the other shards see it: uncalibrated; as its own: a count */
    json_t *w;
    size_t i;
    json_array_foreach(json_object_get(r1, "workloads"), i, w)
        if (!strcmp(str(w, "name"), "t"))
            ck_assert_str_eq(json_string_value(json_array_get(json_object_get(w, "args"), 1)), "{size}");
    json_decref(r1);
    json_decref(r4);
    char d3[4096], d4[4096];
    rc = pbench(&out, "merge", at(o, sizeof o, "out"), at(s1, sizeof s1, "t1"), at(s2, sizeof s2, "t2"),
                at(d3, sizeof d3, "t3"), at(d4, sizeof d4, "t4"), NULL);
    ck_assert_msg(rc == 0, "merge exited %d:\n%s", rc, out);
    free(out);
    json_t *m = load_json("out", "config-resolved.json");
    json_array_foreach(json_object_get(m, "workloads"), i, w)
        if (!strcmp(str(w, "name"), "t"))
            ck_assert_msg(atoi(json_string_value(json_array_get(json_object_get(w, "args"), 1))) > 0,
                          "%s", json_dumps(w, 0));
    json_decref(m);
    json_t *cal = load_json("out", "calibration.json");
    ck_assert_str_eq(str(json_array_get(json_object_get(cal, "workloads"), 0), "workload"), "t");
    json_decref(cal);
    json_t *sum = load_json("out", "summary.json");
    ck_assert_str_eq(str(pair(sum, "t", "prof"), "status"), "ok");
    json_decref(sum);
}
END_TEST

/* Truth workloads in two shards: the merge reads the merged outputs into
 * accuracy.json, as pbench run would have at the end: the CPU split of
 * each workload, measured in its own shard, with cProfile's error and its
 * capability row; --no-accuracy leaves it to pbench accuracy. */
START_TEST(truth_shards_merge_with_their_accuracy)
{
    char text[4096], o[4096], s1[4096], s2[4096], *out = NULL;

    snprintf(text, sizeof text,
        "name: acc\n"
        "python: %s\n"
        "defaults: {runs: 2, warmup: 0, timeout: 120}\n"
        "workloads:\n"
        "  - {name: split_30, script: %s/workloads/truth_split.py, hot: [inline_part, helper_part],\n"
        "     args: [\"--size\", \"300\", \"--split\", \"0.3\", \"--truth-out\", \"-\"]}\n"
        "  - {name: split_70, script: %s/workloads/truth_split.py, hot: [inline_part, helper_part],\n"
        "     args: [\"--size\", \"300\", \"--split\", \"0.7\", \"--truth-out\", \"-\"]}\n"
        "profilers:\n"
        "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
        "  - {name: cprof, format: pstats, outputs: [p.pstats],\n"
        "     command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/p.pstats\", \"{script}\", \"{args}\"]}\n",
        tu_python(), PB_SOURCE_DIR, PB_SOURCE_DIR);
    free(tu_write_file(dir, "acc.yaml", text));
    run_shard("acc.yaml", 1, 2, "a1", NULL);
    run_shard("acc.yaml", 2, 2, "a2", NULL);
    /* each shard holds one workload */
    json_t *r1 = load_json("a1", "config-resolved.json"), *r2 = load_json("a2", "config-resolved.json");
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(r1, "shard"), "workloads")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(r2, "shard"), "workloads")), 1);
    json_decref(r1);
    json_decref(r2);

    int rc = pbench(&out, "merge", at(o, sizeof o, "out"), at(s1, sizeof s1, "a1"),
                    at(s2, sizeof s2, "a2"), NULL);
    ck_assert_msg(rc == 0 && strstr(out, "accuracy in ") && !strstr(out, "warning"), "%d: %s", rc, out);
    free(out);
    json_t *acc = load_json("out", "accuracy.json"), *cpu, *split;
    ck_assert_uint_eq(json_object_size(json_object_get(acc, "truths")), 2);
    cpu = json_array_get(json_object_get(acc, "cpu"), 0);
    ck_assert_str_eq(str(cpu, "profiler"), "cprof");
    ck_assert_uint_eq(json_array_size(json_object_get(cpu, "splits")), 2);
    size_t i;
    json_array_foreach(json_object_get(cpu, "splits"), i, split)
        ck_assert_msg(json_is_number(json_object_get(split, "error_pp")), "%s", json_dumps(split, 0));
    ck_assert(json_is_number(json_object_get(cpu, "mean_error_pp")));
    json_t *row = json_array_get(json_object_get(json_object_get(acc, "capabilities"), "rows"), 0);
    ck_assert_str_eq(str(row, "profiler"), "cprof");
    ck_assert_str_eq(str(json_object_get(json_object_get(row, "cells"), "functions"), "value"), "yes");
    json_decref(acc);
    ck_assert(exists("out/attribution/split_30/cprof/0.json"));
    ck_assert(exists("out/attribution/split_70/cprof/1.json"));

    rc = pbench(&out, "merge", "--no-accuracy", at(o, sizeof o, "out2"), s1, s2, NULL);
    ck_assert_msg(rc == 0 && strstr(out, "pbench accuracy "), "%d: %s", rc, out);
    free(out);
    ck_assert(!exists("out2/accuracy.json"));
}
END_TEST

Suite *merge_suite(void)
{
    Suite *s = suite_create("merge");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_set_timeout(core, 300);
    tcase_set_timeout(errors, 300);
    tcase_add_test(core, shards_cover_the_matrix_and_merge);
    tcase_add_test(core, a_missing_shard_is_reported_not_run);
    tcase_add_test(core, an_interrupted_shard_resumes_and_merges);
    tcase_add_test(core, a_shard_without_workloads);
    tcase_add_test(core, a_shard_calibrates_its_own_targets);
    tcase_add_test(core, truth_shards_merge_with_their_accuracy);
    tcase_add_test(errors, refusals_write_nothing);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
