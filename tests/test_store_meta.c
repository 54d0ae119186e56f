/* store/meta: meta.json to and from JSON and disk, every field; unknown
 * values stay unknown; files without "format" load, unknown formats and
 * wrong types are refused with the file and the JSON path. (The run/probe
 * side that fills a pb_meta is tests/test_meta.c.) */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/meta.h"
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

static void str_eq(const char *what, const char *a, const char *b)
{
    if (!a || !b)
        ck_assert_msg(a == b, "%s: '%s' vs '%s'", what, a ? a : "(null)", b ? b : "(null)");
    else
        ck_assert_msg(!strcmp(a, b), "%s: '%s' vs '%s'", what, a, b);
}

static void num_eq(const char *what, double a, double b)
{
    ck_assert_msg(a == b || (isnan(a) && isnan(b)), "%s: %.17g vs %.17g", what, a, b);
}

static void meta_eq(const struct pb_meta *a, const struct pb_meta *b)
{
    str_eq("pbench_version", a->pbench_version, b->pbench_version);
    str_eq("config", a->config, b->config);
    str_eq("config_name", a->config_name, b->config_name);
    str_eq("config_hash", a->config_hash, b->config_hash);
    str_eq("started", a->started, b->started);
    str_eq("finished", a->finished, b->finished);
    num_eq("elapsed_s", a->elapsed_s, b->elapsed_s);
    ck_assert_int_eq(a->has_seed, b->has_seed);
    ck_assert_uint_eq(a->seed, b->seed);
    ck_assert_int_eq(a->has_complete, b->has_complete);
    ck_assert_int_eq(a->complete, b->complete);
    ck_assert_int_eq(a->pin_cpu, b->pin_cpu);
    num_eq("harness_cpu_s", a->harness_cpu_s, b->harness_cpu_s);
    str_eq("hostname", a->hostname, b->hostname);
    str_eq("cpu_model", a->cpu_model, b->cpu_model);
    str_eq("kernel", a->kernel, b->kernel);
    ck_assert_int_eq(a->cores, b->cores);
    num_eq("mem_total_kb", a->mem_total_kb, b->mem_total_kb);
    for (int i = 0; i < 3; i++) {
        num_eq("loadavg_start", a->loadavg_start[i], b->loadavg_start[i]);
        num_eq("loadavg_end", a->loadavg_end[i], b->loadavg_end[i]);
    }
    str_eq("cpu_governor", a->cpu_governor, b->cpu_governor);
    str_eq("turbo", a->turbo, b->turbo);
    str_eq("aslr", a->aslr, b->aslr);
    str_eq("python_path", a->python_path, b->python_path);
    str_eq("python_executable", a->python_executable, b->python_executable);
    str_eq("python_version", a->python_version, b->python_version);
    str_eq("python_implementation", a->python_implementation, b->python_implementation);
    str_eq("python_prefix", a->python_prefix, b->python_prefix);
    ck_assert_uint_eq(a->nprofilers, b->nprofilers);
    for (size_t i = 0; i < a->nprofilers; i++) {
        str_eq("profiler name", a->profilers[i].name, b->profilers[i].name);
        str_eq("profiler version", a->profilers[i].version, b->profilers[i].version);
    }
}

/* Every field known (complete false: known, and not the same as absent). */
static void fill(struct pb_meta *m)
{
    pb_meta_init(m);
    ck_assert_int_eq(pb_meta_set(&m->pbench_version, "0.2.0"), 0);
    ck_assert_int_eq(pb_meta_set(&m->config, "configs/\"all\" caf\xc3\xa9.yaml"), 0);
    ck_assert_int_eq(pb_meta_set(&m->config_name, "all"), 0);
    ck_assert_int_eq(pb_meta_set(&m->config_hash, "0123456789abcdef"), 0);
    ck_assert_int_eq(pb_meta_set(&m->started, "2026-11-25T19:40:00Z"), 0);
    ck_assert_int_eq(pb_meta_set(&m->finished, "2026-11-25T20:31:12Z"), 0);
    m->elapsed_s = 3072.125;
    m->has_seed = 1;
    m->seed = 12345;
    m->has_complete = 1;
    m->complete = 0;
    m->pin_cpu = 0;
    m->harness_cpu_s = 1.5;
    ck_assert_int_eq(pb_meta_set(&m->hostname, "bench-1"), 0);
    ck_assert_int_eq(pb_meta_set(&m->cpu_model, "Intel(R) Xeon(R) CPU @ 2.20GHz"), 0);
    ck_assert_int_eq(pb_meta_set(&m->kernel, "6.1.0-13-amd64 #1 SMP"), 0);
    m->cores = 2;
    m->mem_total_kb = 16384000;
    m->loadavg_start[0] = 0.25;
    m->loadavg_start[1] = 0.5;
    m->loadavg_start[2] = 1.75;
    m->loadavg_end[0] = 2;
    m->loadavg_end[1] = 0;
    m->loadavg_end[2] = 0.125;
    ck_assert_int_eq(pb_meta_set(&m->cpu_governor, "performance"), 0);
    ck_assert_int_eq(pb_meta_set(&m->turbo, "on"), 0);
    ck_assert_int_eq(pb_meta_set(&m->aslr, "off"), 0);
    ck_assert_int_eq(pb_meta_set(&m->python_path, "/x/.venv/bin/python"), 0);
    ck_assert_int_eq(pb_meta_set(&m->python_executable, "/usr/bin/python3.11"), 0);
    ck_assert_int_eq(pb_meta_set(&m->python_version, "3.11.2"), 0);
    ck_assert_int_eq(pb_meta_set(&m->python_implementation, "CPython"), 0);
    ck_assert_int_eq(pb_meta_set(&m->python_prefix, "/x/.venv"), 0);
    ck_assert_int_eq(pb_meta_set_profiler(m, "plain", "Python 3.11.2 (standard library)"), 0);
    ck_assert_int_eq(pb_meta_set_profiler(m, "pyinstrument", "pyinstrument 5.1.3"), 0);
    ck_assert_int_eq(pb_meta_set_profiler(m, "py_spy", NULL), 0);      /* version unknown */
    ck_assert_int_eq(pb_meta_set_profiler(m, "cProfile", "3.11.2 (stdlib)"), 0);
}

/* ---- core ---- */

START_TEST(every_field_round_trips)
{
    struct pb_meta m, back;
    struct pb_error err;

    fill(&m);
    /* through JSON in memory (summary.json's copy) ... */
    json_t *j = pb_meta_to_json(&m);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "format")), PB_META_FORMAT);
    ck_assert(json_is_false(json_object_get(j, "complete")));
    ck_assert_int_eq(json_integer_value(json_object_get(j, "pin_cpu")), 0);
    ck_assert_msg(pb_meta_from_json(j, "summary.json", "meta", &back, &err) == 0, "%s", err.msg);
    json_decref(j);
    meta_eq(&m, &back);
    pb_meta_release(&back);

    /* ... and through meta.json on disk */
    ck_assert_msg(pb_meta_save(dir, &m, &err) == 0, "%s", err.msg);
    ck_assert_msg(pb_meta_load(dir, &back, &err) == 0, "%s", err.msg);
    meta_eq(&m, &back);
    ck_assert_str_eq(pb_meta_profiler_version(&back, "pyinstrument"), "pyinstrument 5.1.3");
    ck_assert_ptr_null(pb_meta_profiler_version(&back, "py_spy"));
    ck_assert_ptr_null(pb_meta_profiler_version(&back, "austin"));
    pb_meta_release(&back);

    /* complete true and another CPU */
    m.complete = 1;
    m.pin_cpu = 3;
    ck_assert_int_eq(pb_meta_save(dir, &m, &err), 0);
    ck_assert_int_eq(pb_meta_load(dir, &back, &err), 0);
    meta_eq(&m, &back);
    pb_meta_release(&back);

    pb_meta_release(&m);
    ck_assert_ptr_null(m.hostname);
    ck_assert_ptr_null(m.profilers);
    ck_assert_uint_eq(m.nprofilers, 0);
    ck_assert_int_eq(m.pin_cpu, -1);            /* released is empty, as after init */
    ck_assert(isnan(m.elapsed_s));
}
END_TEST

/* Unknown numbers stay NAN, pin_cpu -1 stays "not pinned" (0 is CPU 0),
 * no seed stays no seed, complete unknown stays unknown: nothing turns
 * into a zero that looks measured. */
START_TEST(unknown_stays_unknown)
{
    struct pb_meta m, back;
    struct pb_error err;
    char path[4096];

    pb_meta_init(&m);
    ck_assert_int_eq(pb_meta_save(dir, &m, &err), 0);
    snprintf(path, sizeof path, "%s/meta.json", dir);
    json_t *j = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(j);
    static const char *const absent[] = { "elapsed_s", "harness_cpu_s", "seed", "pin_cpu",
                                          "complete", "finished", "pbench_version" };
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        ck_assert_msg(!json_object_get(j, absent[i]), "'%s' written for an unknown value", absent[i]);
    json_t *host = json_object_get(j, "host");
    ck_assert(!json_object_get(host, "cores") && !json_object_get(host, "mem_total_kb")
              && !json_object_get(host, "loadavg_start"));
    json_decref(j);

    ck_assert_int_eq(pb_meta_load(dir, &back, &err), 0);
    meta_eq(&m, &back);
    ck_assert(isnan(back.elapsed_s) && isnan(back.harness_cpu_s) && isnan(back.mem_total_kb));
    ck_assert(isnan(back.loadavg_start[1]) && isnan(back.loadavg_end[2]));
    ck_assert_int_eq(back.pin_cpu, -1);
    ck_assert(!back.has_seed && !back.has_complete && !back.complete);
    ck_assert_int_eq(back.cores, 0);
    ck_assert_ptr_null(back.python_version);
    pb_meta_release(&back);

    /* null reads as unknown too */
    free(tu_write_file(dir, "meta.json",
        "{\"elapsed_s\": null, \"seed\": null, \"pin_cpu\": null, \"complete\": null,\n"
        " \"host\": {\"cores\": null, \"loadavg_start\": null, \"noise\": null}, \"python\": null,\n"
        " \"profilers\": null, \"config\": null}\n"));
    ck_assert_msg(pb_meta_load(dir, &back, &err) == 0, "%s", err.msg);
    meta_eq(&m, &back);
    pb_meta_release(&back);
    pb_meta_release(&m);
}
END_TEST

/* A seed above 2^63-1 is stored negative (jansson's integers are signed),
 * as pbench always wrote it, and reads back as the same seed. */
START_TEST(seed_above_int64_round_trips)
{
    static const unsigned long long seeds[] = { 0, 1ULL << 63, 18446744073709551615ULL };
    struct pb_meta m, back;
    struct pb_error err;

    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        pb_meta_init(&m);
        m.has_seed = 1;
        m.seed = seeds[i];
        ck_assert_int_eq(pb_meta_save(dir, &m, &err), 0);
        ck_assert_msg(pb_meta_load(dir, &back, &err) == 0, "%s", err.msg);
        ck_assert(back.has_seed);
        ck_assert_uint_eq(back.seed, seeds[i]);
        pb_meta_release(&back);
        pb_meta_release(&m);
    }
}
END_TEST

START_TEST(setters_replace)
{
    struct pb_meta m;

    pb_meta_init(&m);
    ck_assert_int_eq(pb_meta_set(&m.kernel, "6.1"), 0);
    ck_assert_int_eq(pb_meta_set(&m.kernel, "6.2"), 0);
    ck_assert_str_eq(m.kernel, "6.2");
    ck_assert_int_eq(pb_meta_set(&m.kernel, NULL), 0);
    ck_assert_ptr_null(m.kernel);
    ck_assert_int_eq(pb_meta_set_profiler(&m, "a", "1"), 0);
    ck_assert_int_eq(pb_meta_set_profiler(&m, "b", NULL), 0);
    ck_assert_int_eq(pb_meta_set_profiler(&m, "a", "2"), 0);   /* replaces, no second "a" */
    ck_assert_int_eq(pb_meta_set_profiler(&m, "b", "3"), 0);
    ck_assert_uint_eq(m.nprofilers, 2);
    ck_assert_str_eq(pb_meta_profiler_version(&m, "a"), "2");
    ck_assert_str_eq(pb_meta_profiler_version(&m, "b"), "3");
    pb_meta_release(&m);
    pb_meta_release(&m);                        /* twice is harmless */
}
END_TEST

/* meta.json as pbench wrote it before formats were versioned
 * (docs/results-format.md) loads as pbench-meta/1. */
START_TEST(todays_file_without_format_loads)
{
    struct pb_meta m;
    struct pb_error err;

    free(tu_write_file(dir, "meta.json",
        "{\n"
        "  \"pbench_version\": \"0.1.0\",\n"
        "  \"config\": \"configs/all.yaml\",\n"
        "  \"config_name\": \"all\",\n"
        "  \"config_hash\": \"9f0c1b2a3d4e5f60\",\n"
        "  \"started\": \"2026-11-25T19:40:00Z\",\n"
        "  \"finished\": \"2026-11-25T20:31:12Z\",\n"
        "  \"elapsed_s\": 3072.1,\n"
        "  \"seed\": 12345,\n"
        "  \"host\": {\"hostname\": \"h\", \"cpu_model\": \"Xeon\", \"cores\": 2, \"kernel\": \"6.1.0\",\n"
        "           \"loadavg_start\": [0.1, 0.2, 0.3], \"loadavg_end\": [1, 2, 3], \"mem_total_kb\": 4096,\n"
        "           \"noise\": {\"cpu_governor\": \"performance\", \"turbo\": \"on\", \"aslr\": \"on\"}},\n"
        "  \"complete\": true,\n"
        "  \"python\": {\"path\": \"/v/bin/python\", \"version\": \"3.11.2\", \"implementation\": \"CPython\"},\n"
        "  \"profilers\": {\"cProfile\": {\"version\": \"3.11.2 (stdlib)\"}, \"pyinstrument\": {\"version\": \"5.1.3\"},\n"
        "                \"austin\": {}},\n"
        "  \"some_future_key\": [1, 2]\n"
        "}\n"));
    ck_assert_msg(pb_meta_load(dir, &m, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(m.pbench_version, "0.1.0");
    ck_assert_str_eq(m.config_hash, "9f0c1b2a3d4e5f60");
    ck_assert_str_eq(m.finished, "2026-11-25T20:31:12Z");
    ck_assert(m.elapsed_s == 3072.1);
    ck_assert(m.has_seed);
    ck_assert_uint_eq(m.seed, 12345);
    ck_assert_int_eq(m.cores, 2);
    ck_assert(m.mem_total_kb == 4096);
    ck_assert(m.loadavg_start[2] == 0.3 && m.loadavg_end[0] == 1);
    ck_assert_str_eq(m.aslr, "on");
    ck_assert(m.has_complete && m.complete);
    ck_assert_int_eq(m.pin_cpu, -1);
    ck_assert_str_eq(m.python_implementation, "CPython");
    ck_assert_ptr_null(m.python_prefix);
    ck_assert_uint_eq(m.nprofilers, 3);
    ck_assert_str_eq(m.profilers[0].name, "cProfile");
    ck_assert_str_eq(m.profilers[1].version, "5.1.3");
    ck_assert_ptr_null(pb_meta_profiler_version(&m, "austin"));
    pb_meta_release(&m);

    /* whole numbers written as reals (a hand-edited file) count as such,
     * as everywhere else in the store */
    free(tu_write_file(dir, "meta.json", "{\"pin_cpu\": 2.0, \"seed\": 7.0, \"host\": {\"cores\": 4.0}}\n"));
    ck_assert_msg(pb_meta_load(dir, &m, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(m.pin_cpu, 2);
    ck_assert(m.has_seed);
    ck_assert_uint_eq(m.seed, 7);
    ck_assert_int_eq(m.cores, 4);
    pb_meta_release(&m);

    /* and with the first format named */
    free(tu_write_file(dir, "meta.json", "{\"format\": \"pbench-meta/1\", \"seed\": 1}\n"));
    ck_assert_msg(pb_meta_load(dir, &m, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(m.seed, 1);
    pb_meta_release(&m);
}
END_TEST

/* ---- errors ---- */

/* Loads text as meta.json; expects failure mentioning want (and
 * meta.json), and an empty meta afterwards. */
static void expect_error(const char *text, const char *want)
{
    struct pb_meta m;
    struct pb_error err;
    char buf[4096];

    free(tu_write_file(dir, "meta.json", text));
    memset(&err, 0, sizeof err);
    ck_assert_msg(pb_meta_load(dir, &m, &err) == -1, "should fail: %s", text);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "meta.json") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, want) != NULL, "'%s' not in: %s", want, buf);
    ck_assert_ptr_null(m.pbench_version);
    ck_assert_ptr_null(m.hostname);
    ck_assert_ptr_null(m.profilers);
    ck_assert_uint_eq(m.nprofilers, 0);
    ck_assert_int_eq(m.pin_cpu, -1);
    ck_assert(isnan(m.elapsed_s));
}

START_TEST(unknown_format_refused)
{
    expect_error("{\"format\": \"pbench-meta/9\", \"pbench_version\": \"9.0\"}",
                 "format 'pbench-meta/9' is not one this pbench reads (pbench-meta/1, pbench-meta/2)");
    expect_error("{\"format\": 2}", "format: expected a string");
    expect_error("{\"format\": \"pbench-summary/2\"}", "format 'pbench-summary/2'");
}
END_TEST

START_TEST(wrong_types_located)
{
    /* strings first read, then a broken value: nothing leaks (sanitizer build) */
    expect_error("{\"pbench_version\": \"1\", \"host\": {\"hostname\": \"h\", \"cores\": \"two\"}}",
                 "meta.json: host.cores: expected a number");
    expect_error("{\"host\": [1]}", "host: expected an object");
    expect_error("{\"host\": {\"loadavg_start\": [1, 2]}}",
                 "host.loadavg_start: expected a list of three numbers");
    expect_error("{\"host\": {\"loadavg_end\": [1, \"2\", 3]}}",
                 "host.loadavg_end: expected a list of three numbers");
    expect_error("{\"host\": {\"noise\": {\"aslr\": 2}}}", "host.noise.aslr: expected a string");
    expect_error("{\"host\": {\"mem_total_kb\": \"4G\"}}", "host.mem_total_kb: expected a number");
    expect_error("{\"python\": {\"version\": 3.11}}", "python.version: expected a string");
    expect_error("{\"profilers\": {\"a\": {\"version\": \"1\"}, \"cProfile\": \"3.11\"}}",
                 "profilers.cProfile: expected an object");
    expect_error("{\"profilers\": {\"x\": {\"version\": 3}}}", "profilers.x.version: expected a string");
    expect_error("{\"profilers\": [\"x\"]}", "profilers: expected an object");
    expect_error("{\"pin_cpu\": \"0\"}", "pin_cpu: expected a whole number");
    expect_error("{\"pin_cpu\": -2}", "pin_cpu: -2 is outside");
    expect_error("{\"complete\": \"yes\"}", "complete: expected true or false");
    expect_error("{\"seed\": \"5\"}", "seed: expected a whole number");
    expect_error("{\"elapsed_s\": [1]}", "elapsed_s: expected a number");
    expect_error("{\"started\": 2026}", "started: expected a string");
    expect_error("[1, 2]", "expected a JSON object");
    expect_error("{\"host\": }", "invalid JSON");

    /* inside summary.json, the path starts at "meta" */
    struct pb_meta m;
    struct pb_error err;
    char buf[4096];
    json_t *o = json_pack("{s:{s:s}}", "host", "cores", "two");
    ck_assert_int_eq(pb_meta_from_json(o, "r/summary.json", "meta", &m, &err), -1);
    json_decref(o);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "r/summary.json: meta.host.cores: expected a number"), "%s", buf);
    o = json_string("meta");
    ck_assert_int_eq(pb_meta_from_json(o, "r/summary.json", "meta", &m, &err), -1);
    json_decref(o);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "r/summary.json: meta: expected an object"), "%s", buf);
}
END_TEST

START_TEST(missing_file)
{
    struct pb_meta m;
    struct pb_error err;
    ck_assert_int_eq(pb_meta_load(dir, &m, &err), -1);
    ck_assert_msg(strstr(err.msg, "meta.json") && strstr(err.msg, "No such file"), "%s", err.msg);
    ck_assert_ptr_null(m.config);
}
END_TEST

Suite *store_meta_suite(void)
{
    Suite *s = suite_create("store_meta");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(core, every_field_round_trips);
    tcase_add_test(core, unknown_stays_unknown);
    tcase_add_test(core, setters_replace);
    tcase_add_test(core, seed_above_int64_round_trips);
    tcase_add_test(core, todays_file_without_format_loads);
    tcase_add_test(errors, unknown_format_refused);
    tcase_add_test(errors, wrong_types_located);
    tcase_add_test(errors, missing_file);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
