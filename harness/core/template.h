#ifndef PB_TEMPLATE_H
#define PB_TEMPLATE_H

/*
 * template: the {placeholder} strings of a profiler's `command` and `env`
 * (docs/config.md lists the placeholders). A template is checked when the
 * config loads, so an unknown placeholder is a config error at its
 * file:line:col, and expanded for each run by the runner.
 *
 * "{{" and "}}" stand for literal braces. "{args}" stands for zero or
 * more argv items, so it must be a whole item of a command. "{datadir}"
 * is pbench's data directory (util/datadir.h), the same for every run,
 * so it is not in the context: expansion finds it.
 */

#include <stddef.h>

#include "util/error.h"
#include "util/strv.h"

/* The values of one run's placeholders. A NULL value makes its
 * placeholder an error at expansion ("has no value here"). */
struct pb_template_ctx {
    const char *python, *bindir, *script, *outdir, *workload, *profiler;
    const char *configdir, *pbench;
    const struct pb_strv *args, *hot;
};

/* Called by pb_template_check for each problem: offset is the byte of the
 * template where it is, msg the message (valid during the call). */
typedef void (*pb_template_report_fn)(void *arg, size_t offset, const char *msg);

/* Checks tmpl: unmatched '}', an unclosed '{', unknown placeholders (with
 * the closest known one as a suggestion) and a misplaced {args} (allowed
 * only when whole_item is set and tmpl is exactly "{args}"). Reports
 * each problem through report (stopping at an unclosed '{'). Returns 0
 * when tmpl is good, -1 when anything was reported. */
int pb_template_check(const char *tmpl, int whole_item, pb_template_report_fn report, void *arg);

/* Expands one template string ({args} has no value here). Returns a
 * malloc'd string the caller frees, or NULL with err filled (a
 * placeholder with no value, no data directory for {datadir}, out of
 * memory). */
char *pb_template_expand_string(const char *tmpl, const struct pb_template_ctx *ctx,
                                struct pb_error *err);

/* Expands an argv template (a profiler's command): each item as by
 * pb_template_expand_string, an item "{args}" into the items of
 * ctx->args. Returns 0 with out a NULL-terminated argv the caller frees
 * with pb_strv_release, or -1 with err filled (out left empty). */
int pb_template_expand_argv(const struct pb_strv *tmpl, const struct pb_template_ctx *ctx,
                            struct pb_strv *out, struct pb_error *err);

#endif /* PB_TEMPLATE_H */
