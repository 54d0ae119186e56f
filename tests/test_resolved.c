/* resolved: config-resolved.json from a real config, saved and loaded back
 * field for field; its hash (what --resume compares) follows the inputs
 * and not the format; broken and hostile files give located errors. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "store/resolved.h"
#include "util/rng.h"
#include "testutil.h"

static char *dir;       /* the config and its workload */
static char *out;       /* where config-resolved.json goes */

static void setup(void)
{
    dir = tu_mkdtemp();
    out = tu_mkdtemp();
    ck_assert_ptr_nonnull(dir);
    ck_assert_ptr_nonnull(out);
    free(tu_write_file(dir, "w.py", "import sys\nprint(sys.argv)\n"));
}

static void teardown(void)
{
    tu_rmtree(dir);
    tu_rmtree(out);
    free(dir);
    free(out);
}

/* Three selected workloads (one with two sizes), three selected
 * profilers; one of each left out by the selection. */
static const char fixed_yaml[] =
    "name: tiny\n"
    "python: %s\n"
    "defaults: {runs: 3, warmup: 1, timeout: 20, seed: 99}\n"
    "workloads:\n"
    "  - {name: loop, script: w.py, args: [\"--size\", \"{size}\"], sizes: [100, 250.5],\n"
    "     hot: [main, \"mod.f\"], tags: [cpu, pure], description: \"a \\\"tight\\\" loop\"}\n"
    "  - {name: other, script: w.py, args: [\"-n\", \"2\"], runs: 4, timeout: 9}\n"
    "  - {name: left_out, script: w.py}\n"
    "profilers:\n"
    "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
    "  - name: cProfile\n"
    "    description: deterministic\n"
    "    command: [\"{python}\", \"-m\", \"cProfile\", \"-o\", \"{outdir}/p.pstats\", \"{script}\", \"{args}\"]\n"
    "    outputs: [p.pstats]\n"
    "    env: {PYTHONFAULTHANDLER: \"1\"}\n"
    "    timeout: 5\n"
    "  - {name: fast, package: pyinstrument, command: [\"{python}\", \"{script}\"], runs: 2, warmup: 0}\n"
    "  - {name: unused, command: [\"{python}\", \"{script}\"]}\n";

static const char auto_yaml[] =
    "python: %s\n"
    "defaults: {runs: auto, precision: 5%%, min_runs: 4, max_runs: 12, budget: 60, warmup: 0, timeout: 10}\n"
    "workloads: [{name: w, script: w.py}]\n"
    "profilers:\n"
    "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
    "  - {name: quick, command: [\"{python}\", \"{script}\"]}\n"
    "  - {name: fixed, command: [\"{python}\", \"{script}\"], runs: 2}\n";

static struct pb_config *load_config(const char *name, const char *tmpl)
{
    char text[4096];
    snprintf(text, sizeof text, tmpl, tu_python());
    return tu_load_config(dir, name, text);
}

static struct pb_config *fixed_config(void)
{
    struct pb_config *cfg = load_config("tiny.yaml", fixed_yaml);
    const char *profs[] = { "cProfile", "fast" }, *wls[] = { "loop", "other" };
    struct pb_error err;
    ck_assert_msg(pb_config_select(cfg, profs, 2, wls, 2, &err) == 0, "%s", err.msg);
    return cfg;
}

/* ---- comparing two resolved structs field by field ---- */

static void str_eq(const char *what, const char *a, const char *b)
{
    if (!a || !b)
        ck_assert_msg(a == b, "%s: '%s' vs '%s'", what, a ? a : "(null)", b ? b : "(null)");
    else
        ck_assert_msg(!strcmp(a, b), "%s: '%s' vs '%s'", what, a, b);
}

static void strv_eq(const char *what, const struct pb_strv *a, const struct pb_strv *b)
{
    ck_assert_msg(a->n == b->n, "%s: %zu vs %zu items", what, a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        str_eq(what, a->v[i], b->v[i]);
}

static void num_eq(const char *what, double a, double b)
{
    ck_assert_msg(a == b || (isnan(a) && isnan(b)), "%s: %.17g vs %.17g", what, a, b);
}

static void resolved_eq(const struct pb_resolved *a, const struct pb_resolved *b)
{
    str_eq("config_path", a->config_path, b->config_path);
    str_eq("name", a->name, b->name);
    str_eq("python", a->python, b->python);
    str_eq("baseline", a->baseline, b->baseline);
    ck_assert_uint_eq(a->seed, b->seed);
    ck_assert_int_eq(a->runs, b->runs);
    ck_assert_int_eq(a->warmup, b->warmup);
    num_eq("timeout", a->timeout, b->timeout);
    ck_assert_int_eq(a->has_adaptive, b->has_adaptive);
    if (a->has_adaptive) {      /* meaningless (and not stored) without runs: auto */
        num_eq("precision", a->precision, b->precision);
        num_eq("budget", a->budget, b->budget);
        ck_assert_int_eq(a->min_runs, b->min_runs);
        ck_assert_int_eq(a->max_runs, b->max_runs);
    }
    strv_eq("select.profilers", &a->select_profilers, &b->select_profilers);
    strv_eq("select.workloads", &a->select_workloads, &b->select_workloads);
    ck_assert_uint_eq(a->nworkloads, b->nworkloads);
    for (size_t i = 0; i < a->nworkloads; i++) {
        const struct pb_resolved_workload *x = &a->workloads[i], *y = &b->workloads[i];
        str_eq("workload name", x->name, y->name);
        str_eq("script", x->script, y->script);
        str_eq("description", x->description, y->description);
        str_eq("base", x->base, y->base);
        if (x->base)            /* a size only with a base */
            num_eq("size", x->size, y->size);
        strv_eq("args", &x->args, &y->args);
        strv_eq("hot", &x->hot, &y->hot);
        strv_eq("tags", &x->tags, &y->tags);
        ck_assert_uint_eq(x->nskip, y->nskip);
        for (size_t k = 0; k < x->nskip; k++) {
            str_eq("skip profiler", x->skip[k].profiler, y->skip[k].profiler);
            str_eq("skip reason", x->skip[k].reason, y->skip[k].reason);
        }
    }
    ck_assert_uint_eq(a->nprofilers, b->nprofilers);
    for (size_t i = 0; i < a->nprofilers; i++) {
        const struct pb_resolved_profiler *x = &a->profilers[i], *y = &b->profilers[i];
        str_eq("profiler name", x->name, y->name);
        str_eq("package", x->package, y->package);
        str_eq("configdir", x->configdir, y->configdir);
        str_eq("profiler description", x->description, y->description);
        ck_assert_int_eq(x->baseline, y->baseline);
        strv_eq("command", &x->command, &y->command);
        strv_eq("env", &x->env, &y->env);
        strv_eq("outputs", &x->outputs, &y->outputs);
    }
    ck_assert_uint_eq(a->npairs, b->npairs);
    for (size_t i = 0; i < a->npairs; i++) {
        const struct pb_resolved_pair *x = &a->pairs[i], *y = &b->pairs[i];
        str_eq("pair workload", x->workload, y->workload);
        str_eq("pair profiler", x->profiler, y->profiler);
        ck_assert_int_eq(x->runs, y->runs);
        ck_assert_int_eq(x->warmup, y->warmup);
        num_eq("timeout_s", x->timeout_s, y->timeout_s);
        ck_assert_int_eq(x->adaptive, y->adaptive);
    }
    str_eq("hash", a->hash, b->hash);
}

static void save_load(const struct pb_resolved *r, struct pb_resolved *back)
{
    struct pb_error err;
    ck_assert_msg(pb_resolved_save(out, r, &err) == 0, "%s", err.msg);
    ck_assert_msg(pb_resolved_load(out, back, &err) == 0, "%s:%d: %s", err.file, err.line, err.msg);
}

/* ---- core ---- */

START_TEST(fixed_config_round_trip)
{
    struct pb_config *cfg = fixed_config();
    struct pb_resolved r, back;
    struct pb_error err;
    const struct pb_resolved_pair *p;
    const struct pb_resolved_workload *w;
    const struct pb_resolved_profiler *pr;

    ck_assert_msg(pb_resolved_from_config(cfg, 12345, &r, &err) == 0, "%s", err.msg);
    /* what the config says, resolved */
    ck_assert_str_eq(r.name, "tiny");
    ck_assert_str_eq(r.python, tu_python());
    ck_assert_str_eq(r.baseline, "plain");
    ck_assert_uint_eq(r.seed, 12345);             /* the given seed, not the config's */
    ck_assert_int_eq(r.runs, 3);
    ck_assert_int_eq(r.warmup, 1);
    ck_assert(r.timeout == 20);
    ck_assert(!r.has_adaptive);
    ck_assert_ptr_nonnull(strstr(r.config_path, "/tiny.yaml"));
    ck_assert_int_eq(r.config_path[0], '/');
    ck_assert_uint_eq(r.nworkloads, 3);
    ck_assert_uint_eq(r.nprofilers, 3);
    ck_assert_uint_eq(r.npairs, 9);
    ck_assert_uint_eq(r.select_profilers.n, 3);
    ck_assert_str_eq(r.select_profilers.v[0], "plain");
    ck_assert_str_eq(r.select_profilers.v[2], "fast");
    ck_assert_uint_eq(r.select_workloads.n, 3);
    ck_assert_ptr_null(pb_resolved_workload(&r, "left_out"));
    ck_assert_ptr_null(pb_resolved_profiler(&r, "unused"));
    w = pb_resolved_workload(&r, "loop@250.5");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->base, "loop");
    ck_assert(w->size == 250.5);
    ck_assert_str_eq(w->args.v[1], "250.5");
    ck_assert_str_eq(w->hot.v[1], "mod.f");
    ck_assert_str_eq(w->tags.v[1], "pure");
    ck_assert_str_eq(w->description, "a \"tight\" loop");
    ck_assert_int_eq(w->script[0], '/');
    w = pb_resolved_workload(&r, "other");
    ck_assert_ptr_null(w->base);
    ck_assert_ptr_null(w->description);
    pr = pb_resolved_profiler(&r, "cProfile");
    ck_assert_uint_eq(pr->command.n, 7);
    ck_assert_str_eq(pr->command.v[4], "{outdir}/p.pstats");      /* a template, unexpanded */
    ck_assert_str_eq(pr->env.v[0], "PYTHONFAULTHANDLER=1");
    ck_assert_str_eq(pr->outputs.v[0], "p.pstats");
    ck_assert_ptr_null(pr->package);
    ck_assert(!pr->baseline);
    ck_assert(pb_resolved_profiler(&r, "plain")->baseline);
    ck_assert_str_eq(pb_resolved_profiler(&r, "fast")->package, "pyinstrument");
    /* each pair's settings: profiler over workload over defaults */
    p = pb_resolved_pair(&r, "other", "cProfile");
    ck_assert_int_eq(p->runs, 4);
    ck_assert_int_eq(p->warmup, 1);
    ck_assert(p->timeout_s == 5);
    ck_assert(!p->adaptive);
    p = pb_resolved_pair(&r, "other", "fast");
    ck_assert_int_eq(p->runs, 2);
    ck_assert_int_eq(p->warmup, 0);
    ck_assert(p->timeout_s == 9);
    p = pb_resolved_pair(&r, "other", "plain");
    ck_assert_int_eq(p->runs, 4);
    ck_assert(p->timeout_s == 9);
    p = pb_resolved_pair(&r, "loop@100", "plain");
    ck_assert_int_eq(p->runs, 3);
    ck_assert_int_eq(p->warmup, 1);
    ck_assert(p->timeout_s == 20);
    ck_assert_ptr_null(pb_resolved_pair(&r, "loop", "plain"));
    ck_assert_ptr_null(pb_resolved_pair(&r, "other", "unused"));
    ck_assert_uint_eq(strlen(r.hash), 16);
    ck_assert_uint_eq(strspn(r.hash, "0123456789abcdef"), 16);

    save_load(&r, &back);
    resolved_eq(&r, &back);
    pb_resolved_release(&back);

    /* what the file says on disk */
    char path[4096];
    snprintf(path, sizeof path, "%s/config-resolved.json", out);
    json_t *j = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "format")), PB_RESOLVED_FORMAT);
    ck_assert_str_eq(json_string_value(json_object_get(j, "hash")), r.hash);
    json_decref(j);

    pb_resolved_release(&r);
    ck_assert_ptr_null(r.pairs);
    ck_assert_uint_eq(r.npairs, 0);
    pb_resolved_release(&r);                /* twice is harmless */
    pb_config_free(cfg);
}
END_TEST

START_TEST(auto_config_round_trip)
{
    struct pb_config *cfg = load_config("auto.yaml", auto_yaml);
    struct pb_resolved r, back;
    struct pb_error err;

    ck_assert_msg(pb_resolved_from_config(cfg, 0, &r, &err) == 0, "%s", err.msg);
    ck_assert(r.has_adaptive);
    ck_assert(fabs(r.precision - 0.05) < 1e-15);
    ck_assert_int_eq(r.min_runs, 4);
    ck_assert_int_eq(r.max_runs, 12);
    ck_assert(r.budget == 60);
    ck_assert_int_eq(pb_resolved_pair(&r, "w", "quick")->runs, 4);     /* the first rounds */
    ck_assert(pb_resolved_pair(&r, "w", "quick")->adaptive);
    ck_assert(pb_resolved_pair(&r, "w", "plain")->adaptive);
    ck_assert(!pb_resolved_pair(&r, "w", "fixed")->adaptive);
    ck_assert_int_eq(pb_resolved_pair(&r, "w", "fixed")->runs, 2);
    ck_assert_str_eq(r.name, "auto");                                  /* from the file name */
    save_load(&r, &back);
    resolved_eq(&r, &back);
    ck_assert_uint_eq(back.seed, 0);
    pb_resolved_release(&back);
    pb_resolved_release(&r);
    pb_config_free(cfg);
}
END_TEST

/* The hash --resume compares: FNV-1a over the compact, key-sorted JSON
 * of the file without "hash" and "format". */
static void hash_of_file(const char *path, char hex[17])
{
    json_t *j = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(j);
    json_object_del(j, "hash");
    json_object_del(j, "format");
    char *dump = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(hex, 17, "%016llx", (unsigned long long)pb_hash_str(PB_HASH_INIT, dump));
    free(dump);
    json_decref(j);
}

static void hash_of(const struct pb_config *cfg, uint64_t seed, char hex[17])
{
    struct pb_resolved r;
    struct pb_error err;
    ck_assert_msg(pb_resolved_from_config(cfg, seed, &r, &err) == 0, "%s", err.msg);
    memcpy(hex, r.hash, 17);
    pb_resolved_release(&r);
}

/* skip: the skipped pairs are not among the pairs; each workload keeps
 * its skips of selected profilers, with the reasons, through a save and
 * a load; the hash follows them, so --resume refuses a changed list. */
static const char skip_yaml[] =
    "python: %s\n"
    "defaults: {runs: 2, warmup: 0, timeout: 10, seed: 1}\n"
    "workloads:\n"
    "  - {name: w, script: w.py, skip: {quick: \"C code\"}}\n"
    "  - {name: v, script: w.py, skip: [fixed, unused]}\n"
    "profilers:\n"
    "  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\"]}\n"
    "  - {name: quick, command: [\"{python}\", \"{script}\"]}\n"
    "  - {name: fixed, command: [\"{python}\", \"{script}\"]}\n"
    "  - {name: unused, command: [\"{python}\", \"{script}\"]}\n"
    "select: {profilers: [quick, fixed]}\n";

START_TEST(skips_are_recorded_and_hashed)
{
    struct pb_config *cfg = load_config("skip.yaml", skip_yaml);
    struct pb_resolved r, back;
    struct pb_error err;
    char h0[17], h[17];

    ck_assert_msg(pb_resolved_from_config(cfg, 1, &r, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(r.npairs, 4);
    ck_assert_ptr_null(pb_resolved_pair(&r, "w", "quick"));
    ck_assert_ptr_null(pb_resolved_pair(&r, "v", "fixed"));
    ck_assert_ptr_nonnull(pb_resolved_pair(&r, "w", "fixed"));
    ck_assert_ptr_nonnull(pb_resolved_pair(&r, "v", "quick"));
    ck_assert_uint_eq(r.workloads[0].nskip, 1);
    ck_assert_str_eq(r.workloads[0].skip[0].profiler, "quick");
    ck_assert_str_eq(r.workloads[0].skip[0].reason, "C code");
    ck_assert_uint_eq(r.workloads[1].nskip, 1);         /* not the unselected 'unused' */
    ck_assert_str_eq(r.workloads[1].skip[0].profiler, "fixed");
    ck_assert_ptr_null(r.workloads[1].skip[0].reason);
    save_load(&r, &back);
    resolved_eq(&r, &back);
    memcpy(h0, r.hash, sizeof h0);
    pb_resolved_release(&back);
    pb_resolved_release(&r);

    /* the reason */
    struct pb_skip *sk = &cfg->workloads[0].skip[0];
    char *why = sk->reason;
    sk->reason = strdup("C");
    hash_of(cfg, 1, h);
    ck_assert_str_ne(h, h0);
    free(sk->reason);
    sk->reason = why;
    hash_of(cfg, 1, h);
    ck_assert_str_eq(h, h0);
    /* the list */
    cfg->workloads[0].nskip = 0;
    hash_of(cfg, 1, h);
    ck_assert_str_ne(h, h0);
    cfg->workloads[0].nskip = 1;
    /* but not a profiler outside the selection */
    cfg->workloads[1].nskip = 1;
    hash_of(cfg, 1, h);
    ck_assert_str_eq(h, h0);
    cfg->workloads[1].nskip = 2;
    pb_config_free(cfg);
}
END_TEST

START_TEST(hash_follows_inputs_not_format)
{
    struct pb_config *cfg = fixed_config();
    struct pb_resolved r, back;
    struct pb_error err;
    char h0[17], h[17], path[4096];

    ck_assert_msg(pb_resolved_from_config(cfg, 7, &r, &err) == 0, "%s", err.msg);
    memcpy(h0, r.hash, sizeof h0);
    save_load(&r, &back);
    ck_assert_str_eq(back.hash, h0);                /* the stored one, as --resume reads it */
    pb_resolved_release(&back);
    pb_resolved_release(&r);
    snprintf(path, sizeof path, "%s/config-resolved.json", out);
    hash_of_file(path, h);
    ck_assert_str_eq(h, h0);                        /* over the content, not the format */

    /* the same inputs hash the same */
    hash_of(cfg, 7, h);
    ck_assert_str_eq(h, h0);
    /* the seed */
    hash_of(cfg, 8, h);
    ck_assert_str_ne(h, h0);
    /* a command (cProfile's "-m" becomes "-X") */
    struct pb_profiler *cp = &cfg->profilers[1];
    ck_assert_str_eq(cp->command.v[1], "-m");
    free(cp->command.v[1]);
    cp->command.v[1] = strdup("-X");
    hash_of(cfg, 7, h);
    ck_assert_str_ne(h, h0);
    free(cp->command.v[1]);
    cp->command.v[1] = strdup("-m");
    hash_of(cfg, 7, h);
    ck_assert_str_eq(h, h0);
    /* a timeout */
    cp->timeout = 6;
    hash_of(cfg, 7, h);
    ck_assert_str_ne(h, h0);
    cp->timeout = 5;
    /* the interpreter */
    free(cfg->python);
    cfg->python = strdup("/usr/bin/python9");
    hash_of(cfg, 7, h);
    ck_assert_str_ne(h, h0);
    pb_config_free(cfg);

    /* a file of today's content written before formats were versioned
     * (no "format", or pbench-resolved/1) loads with the same hash */
    static const char *const formats[] = { NULL, "pbench-resolved/1" };
    for (size_t i = 0; i < 2; i++) {
        json_t *j = json_load_file(path, 0, NULL);
        if (formats[i])
            json_object_set_new(j, "format", json_string(formats[i]));
        else
            json_object_del(j, "format");
        ck_assert_int_eq(json_dump_file(j, path, JSON_INDENT(2)), 0);
        json_decref(j);
        ck_assert_msg(pb_resolved_load(out, &back, &err) == 0, "%s", err.msg);
        ck_assert_str_eq(back.hash, h0);
        ck_assert_uint_eq(back.npairs, 9);
        pb_resolved_release(&back);
        hash_of_file(path, h);
        ck_assert_str_eq(h, h0);
    }
}
END_TEST

/* A seed is any 64-bit number (`seed:` and --seed take up to 2^64-1); one
 * above 2^63-1 is stored as jansson's signed integer, negative, as pbench
 * always wrote it. It must come back as the same seed, or the run can
 * neither be resumed nor summarized. */
START_TEST(seed_above_int64_round_trips)
{
    struct pb_config *cfg = load_config("auto.yaml", auto_yaml);
    static const uint64_t seeds[] = { UINT64_MAX, 1ULL << 63, (1ULL << 63) - 1, 18446744073709551557ULL };
    struct pb_resolved r, back;
    struct pb_error err;

    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        ck_assert_int_eq(pb_resolved_from_config(cfg, seeds[i], &r, &err), 0);
        save_load(&r, &back);
        ck_assert_uint_eq(back.seed, seeds[i]);
        resolved_eq(&r, &back);
        pb_resolved_release(&back);
        pb_resolved_release(&r);
    }
    pb_config_free(cfg);
}
END_TEST

/* ---- errors ---- */

/* A valid file's JSON, to break one piece of. */
static json_t *valid_json(void)
{
    struct pb_config *cfg = fixed_config();
    struct pb_resolved r;
    struct pb_error err;
    char path[4096];

    ck_assert_int_eq(pb_resolved_from_config(cfg, 3, &r, &err), 0);
    ck_assert_int_eq(pb_resolved_save(out, &r, &err), 0);
    pb_resolved_release(&r);
    pb_config_free(cfg);
    snprintf(path, sizeof path, "%s/config-resolved.json", out);
    json_t *j = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(j);
    return j;
}

static void expect_load_error(const char *what, const char *want1, const char *want2)
{
    struct pb_resolved r;
    struct pb_error err;
    char buf[4096];

    memset(&err, 0, sizeof err);
    ck_assert_msg(pb_resolved_load(out, &r, &err) == -1, "%s: should fail", what);
    /* nothing half-loaded is left to release */
    ck_assert_ptr_null(r.pairs);
    ck_assert_ptr_null(r.workloads);
    ck_assert_ptr_null(r.baseline);
    ck_assert_uint_eq(r.npairs, 0);
    pb_error_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "config-resolved.json") != NULL, "%s: %s", what, buf);
    ck_assert_msg(strstr(buf, want1) != NULL, "%s: '%s' not in: %s", what, want1, buf);
    if (want2)
        ck_assert_msg(strstr(buf, want2) != NULL, "%s: '%s' not in: %s", what, want2, buf);
}

static void write_json(json_t *j)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/config-resolved.json", out);
    ck_assert_int_eq(json_dump_file(j, path, JSON_INDENT(2)), 0);
    json_decref(j);
}

START_TEST(broken_files_give_located_errors)
{
    json_t *j;

    j = valid_json();
    json_object_del(j, "baseline");
    write_json(j);
    expect_load_error("no baseline", "missing key 'baseline'", NULL);

    j = valid_json();
    json_object_set_new(json_array_get(json_object_get(j, "pairs"), 1), "runs", json_string("5"));
    write_json(j);
    expect_load_error("runs a string", "pairs[1].runs: expected a whole number", NULL);

    j = valid_json();
    json_array_set_new(json_object_get(j, "workloads"), 0, json_integer(5));
    write_json(j);
    expect_load_error("workload a number", "workloads[0]: expected an object", NULL);

    j = valid_json();
    json_object_set_new(j, "format", json_string("pbench-resolved/9"));
    write_json(j);
    expect_load_error("unknown format", "format 'pbench-resolved/9' is not one this pbench reads",
                      "pbench-resolved/2");

    j = valid_json();
    json_object_set_new(j, "format", json_integer(2));
    write_json(j);
    expect_load_error("format a number", "format: expected a string", NULL);

    j = valid_json();
    json_object_set_new(json_array_get(json_object_get(j, "pairs"), 2), "runs", json_real(2.5));
    write_json(j);
    expect_load_error("runs 2.5", "pairs[2].runs: expected a whole number", NULL);

    j = valid_json();
    json_object_set_new(json_array_get(json_object_get(j, "pairs"), 8), "warmup", json_integer(-1));
    write_json(j);
    expect_load_error("warmup -1", "pairs[8].warmup: -1 is outside", NULL);

    j = valid_json();
    json_object_del(json_array_get(json_object_get(j, "pairs"), 4), "profiler");
    write_json(j);
    expect_load_error("pair without profiler", "pairs[4]: missing key 'profiler'", NULL);

    j = valid_json();
    json_object_set_new(j, "pairs", json_object());
    write_json(j);
    expect_load_error("pairs an object", "pairs: expected a list", NULL);

    j = valid_json();
    json_object_del(j, "profilers");
    write_json(j);
    expect_load_error("no profilers", "missing key 'profilers'", NULL);

    j = valid_json();
    json_array_append_new(json_object_get(json_array_get(json_object_get(j, "profilers"), 1),
                                          "command"), json_integer(1));
    write_json(j);
    expect_load_error("command item a number", "profilers[1].command: expected a list of strings",
                      NULL);

    j = valid_json();
    json_object_set_new(j, "defaults", json_string("fast"));
    write_json(j);
    expect_load_error("defaults a string", "defaults: expected an object", NULL);

    j = valid_json();
    json_object_set_new(json_object_get(j, "defaults"), "timeout", json_string("20s"));
    write_json(j);
    expect_load_error("timeout a string", "defaults.timeout: expected a number", NULL);

    j = valid_json();
    json_object_set_new(j, "seed", json_real(1.5));
    write_json(j);
    expect_load_error("seed 1.5", "seed: expected a whole number", NULL);

    j = valid_json();
    json_object_set_new(j, "adaptive", json_pack("{s:i}", "min_runs", 3));
    write_json(j);
    expect_load_error("adaptive without precision", "adaptive: missing key 'precision'", NULL);

    j = valid_json();
    json_object_set_new(json_array_get(json_object_get(j, "workloads"), 2), "name", json_true());
    write_json(j);
    expect_load_error("name true", "workloads[2].name: expected a string", NULL);

    j = valid_json();
    json_object_set_new(json_array_get(json_object_get(j, "workloads"), 1), "skip",
                        json_pack("[{s:s},{s:i}]", "profiler", "fast", "profiler", 3));
    write_json(j);
    expect_load_error("skip profiler a number", "workloads[1].skip[1].profiler: expected a string", NULL);

    j = valid_json();
    json_object_set_new(json_array_get(json_object_get(j, "workloads"), 0), "skip",
                        json_pack("[s]", "fast"));
    write_json(j);
    expect_load_error("skip item a string", "workloads[0].skip[0]: expected an object", NULL);

    write_json(json_pack("[s]", "pairs"));
    expect_load_error("top-level list", "expected a JSON object", NULL);

    free(tu_write_file(out, "config-resolved.json", "{\"baseline\": \"plain\",\n  \"pairs\": [}\n"));
    expect_load_error("not JSON", "config-resolved.json:2:", "invalid JSON");

    free(tu_write_file(out, "config-resolved.json", ""));
    expect_load_error("empty", "invalid JSON", NULL);

    /* a minimal file of only the required keys loads */
    free(tu_write_file(out, "config-resolved.json",
                       "{\"baseline\": \"plain\", \"profilers\": [{\"name\": \"plain\"}], \"pairs\": []}"));
    struct pb_resolved r;
    struct pb_error err;
    ck_assert_msg(pb_resolved_load(out, &r, &err) == 0, "%s", err.msg);
    ck_assert_ptr_null(r.config_path);
    ck_assert_str_eq(r.hash, "");               /* cannot be resumed: nothing to compare */
    ck_assert_uint_eq(r.nprofilers, 1);
    ck_assert(!r.has_adaptive);
    pb_resolved_release(&r);
}
END_TEST

START_TEST(missing_or_not_a_file)
{
    expect_load_error("no file", "No such file", NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/config-resolved.json", out);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    expect_load_error("a directory", "is a directory", NULL);
}
END_TEST

Suite *resolved_suite(void)
{
    Suite *s = suite_create("resolved");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_test(core, fixed_config_round_trip);
    tcase_add_test(core, auto_config_round_trip);
    tcase_add_test(core, hash_follows_inputs_not_format);
    tcase_add_test(core, skips_are_recorded_and_hashed);
    tcase_add_test(core, seed_above_int64_round_trips);
    tcase_add_test(errors, broken_files_give_located_errors);
    tcase_add_test(errors, missing_or_not_a_file);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
