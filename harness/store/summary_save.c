/* A struct pb_summary written as summary.json and summary.csv. See
 * summary.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/jread.h"
#include "store/summary.h"
#include "util/fs.h"

static json_t *ratio_json(const struct pb_ratio *r)
{
    if (isnan(r->value))
        return json_null();
    return json_pack("{s:f,s:f,s:f}", "value", r->value, "lo", r->lo, "hi", r->hi);
}

static json_t *strings_json(const char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, pb_jwrite_str(v[i]));
    return a;
}

static json_t *pair_json(const struct pb_pair *p)
{
    json_t *o = json_object();

    json_object_set_new(o, "workload", pb_jwrite_str(p->workload));
    json_object_set_new(o, "profiler", pb_jwrite_str(p->profiler));
    if (p->python)
        json_object_set_new(o, "python", pb_jwrite_str(p->python));
    json_object_set_new(o, "status", pb_jwrite_str(pb_pair_status_name(p->status)));
    json_object_set_new(o, "runs", json_integer(p->runs));
    json_object_set_new(o, "failures", json_integer(p->failures));
    json_object_set_new(o, "timeouts", json_integer(p->timeouts));
    json_object_set_new(o, "skipped", json_integer(p->skipped));
    json_object_set_new(o, "planned", json_integer(p->planned));
    if (p->failure_reason)
        json_object_set_new(o, "failure_reason", pb_jwrite_str(p->failure_reason));
    json_object_set_new(o, "timeout_s", json_real(p->timeout_s));
    json_object_set_new(o, "lower_bound", json_boolean(p->lower_bound));
    if (!isnan(p->wall_median_s)) {
        json_object_set_new(o, "wall_median_s", json_real(p->wall_median_s));
        json_object_set_new(o, "cpu_median_s", json_real(p->cpu_median_s));
        json_object_set_new(o, "tree_peak_rss_median_kb", json_real(p->tree_peak_rss_median_kb));
    }
    json_object_set_new(o, "wall_ratio", ratio_json(&p->wall));
    json_object_set_new(o, "cpu_ratio", ratio_json(&p->cpu));
    json_object_set_new(o, "mem_ratio", ratio_json(&p->mem));
    json_object_set_new(o, "warnings", strings_json(p->warnings, p->nwarnings));
    json_object_set_new(o, "precision", isnan(p->precision) ? json_null() : json_real(p->precision));
    if (p->adaptive)
        json_object_set_new(o, "adaptive", pb_jwrite_str(p->adaptive));
    return o;
}

static json_t *profiler_json(const struct pb_profiler_summary *p)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", pb_jwrite_str(p->name));
    if (p->python)
        json_object_set_new(o, "python", pb_jwrite_str(p->python));
    json_object_set_new(o, "wall_geomean", ratio_json(&p->wall));
    json_object_set_new(o, "cpu_geomean", ratio_json(&p->cpu));
    json_object_set_new(o, "mem_geomean", ratio_json(&p->mem));
    json_object_set_new(o, "wall_geomean_lower_bound", json_boolean(p->wall_lower_bound));
    json_object_set_new(o, "cpu_geomean_lower_bound", json_boolean(p->cpu_lower_bound));
    json_object_set_new(o, "mem_geomean_lower_bound", json_boolean(p->mem_lower_bound));
    json_object_set_new(o, "workloads_ok", json_integer(p->workloads_ok));
    json_object_set_new(o, "workloads_failed", json_integer(p->workloads_failed));
    /* one count: the aggregation makes the three means cover the same
     * workloads (pb_profiler_means_agree) */
    json_object_set_new(o, "workloads_in_means",
                        json_integer(pb_profiler_mean_workloads(p, PB_MEAN_WALL)));
    if (p->nskipped) {
        json_t *a = json_array();
        for (size_t i = 0; i < p->nskipped; i++) {
            json_t *k = json_pack("{s:o}", "workload", pb_jwrite_str(p->skipped[i].workload));
            if (p->skipped[i].reason)
                json_object_set_new(k, "reason", pb_jwrite_str(p->skipped[i].reason));
            json_array_append_new(a, k);
        }
        json_object_set_new(o, "skipped", a);
    }
    return o;
}

static json_t *scaling_json(const struct pb_scaling *sc)
{
    json_t *sizes = json_array();

    for (size_t k = 0; k < sc->nsizes; k++)
        json_array_append_new(sizes, json_real(sc->sizes[k]));
    json_t *o = json_pack("{s:o,s:o,s:o,s:{s:f,s:f,s:f},s:{s:f,s:f,s:f},s:f,s:f,s:f,s:f}",
        "workload", pb_jwrite_str(sc->workload), "profiler", pb_jwrite_str(sc->profiler), "sizes", sizes,
        "startup_s", "value", sc->startup_s.value, "lo", sc->startup_s.lo, "hi", sc->startup_s.hi,
        "steady_ratio", "value", sc->steady.value, "lo", sc->steady.lo, "hi", sc->steady.hi,
        "r2", sc->r2, "r2_baseline", sc->r2_baseline,
        "baseline_startup_s", sc->baseline_startup_s, "baseline_slope_s", sc->baseline_slope_s);
    if (o && sc->python)
        json_object_set_new(o, "python", pb_jwrite_str(sc->python));
    return o;
}

static json_t *summary_json(const struct pb_summary *s)
{
    json_t *o = json_object(), *pairs = json_array(), *profs = json_array(), *sc = json_array();

    json_object_set_new(o, "format", pb_jwrite_str(PB_SUMMARY_FORMAT));
    json_object_set_new(o, "meta", pb_meta_to_json(&s->meta));
    json_object_set_new(o, "baseline", pb_jwrite_str(s->baseline));
    json_object_set_new(o, "confidence", json_real(s->confidence));
    if (!isnan(s->runs_wall_s))
        json_object_set_new(o, "runs_wall_s", json_real(s->runs_wall_s));
    json_object_set_new(o, "warnings", strings_json(s->warnings, s->nwarnings));
    if (s->has_adaptive)
        json_object_set_new(o, "adaptive", json_pack("{s:f,s:i,s:i,s:f}", "precision",
                            s->target_precision, "min_runs", s->min_runs, "max_runs", s->max_runs,
                            "budget", s->budget));
    for (size_t i = 0; i < s->npairs; i++)
        json_array_append_new(pairs, pair_json(&s->pairs[i]));
    for (size_t i = 0; i < s->nprofilers; i++)
        json_array_append_new(profs, profiler_json(&s->profilers[i]));
    for (size_t i = 0; i < s->nscaling; i++)
        json_array_append_new(sc, scaling_json(&s->scaling[i]));
    json_object_set_new(o, "pairs", pairs);
    json_object_set_new(o, "profilers", profs);
    json_object_set_new(o, "scaling", sc);
    return o;
}

static void csv_ratio(FILE *f, const struct pb_ratio *r)
{
    if (isnan(r->value))
        fputs(",,,", f);
    else
        fprintf(f, ",%.4f,%.4f,%.4f", r->value, r->lo, r->hi);
}

static void csv_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.6g", v);
}

static char *csv_text(const struct pb_summary *s, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    int axis = 0;

    if (!f)
        return NULL;
    for (size_t i = 0; i < s->npairs; i++)
        axis |= s->pairs[i].python != NULL;
    fputs("workload,profiler,status,runs,failures,timeouts,wall_median_s,cpu_median_s,"
          "tree_peak_rss_median_kb,wall_ratio,wall_lo,wall_hi,cpu_ratio,cpu_lo,cpu_hi,"
          "mem_ratio,mem_lo,mem_hi,lower_bound", f);
    fputs(axis ? ",python\n" : "\n", f);   /* the Python axis, last: the columns before keep their places */
    for (size_t i = 0; i < s->npairs; i++) {
        const struct pb_pair *p = &s->pairs[i];
        fprintf(f, "%s,%s,%s,%d,%d,%d", p->workload, p->profiler, pb_pair_status_name(p->status),
                p->runs, p->failures, p->timeouts);
        csv_num(f, p->wall_median_s);
        csv_num(f, p->cpu_median_s);
        csv_num(f, p->tree_peak_rss_median_kb);
        csv_ratio(f, &p->wall);
        csv_ratio(f, &p->cpu);
        csv_ratio(f, &p->mem);
        fprintf(f, ",%s", p->lower_bound ? "true" : "false");
        if (axis)
            fprintf(f, ",%s", p->python ? p->python : "");
        fputc('\n', f);
    }
    fclose(f);
    return buf;
}

int pb_summary_save(const char *dir, const struct pb_summary *s, struct pb_error *err)
{
    json_t *o = summary_json(s);
    char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
    size_t len;
    int rc = -1;

    json_decref(o);
    if (!text) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    if (pb_write_file(dir, "summary.json", text, strlen(text), err) < 0)
        goto cleanup;
    free(text);
    text = csv_text(s, &len);
    if (!text) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    rc = pb_write_file(dir, "summary.csv", text, len, err);
cleanup:
    free(text);
    return rc;
}
