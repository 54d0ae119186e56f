/*
 * template: checking and expanding {placeholder} strings. See template.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"
#include "util/datadir.h"
#include "util/suggest.h"

static const char *const placeholders[] = {
    "python", "bindir", "script", "args", "outdir", "hot", "workload", "profiler",
    "configdir", "pbench", "datadir", "scriptdir", NULL
};

/* One problem at offset, with a printf message. */
static void report_at(pb_template_report_fn report, void *arg, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report_at(pb_template_report_fn report, void *arg, size_t offset, const char *fmt, ...)
{
    char msg[PB_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report(arg, offset, msg);
}

/* Checks the placeholder `name` found at offset. Returns 0 or -1. */
static int check_name(const char *tmpl, const char *name, size_t offset, int whole_item,
                      pb_template_report_fn report, void *arg)
{
    int known = 0;

    for (int k = 0; placeholders[k]; k++)
        if (!strcmp(placeholders[k], name))
            known = 1;
    if (!known) {
        const char *best = pb_suggest(name, placeholders, sizeof placeholders[0]);
        char all[256] = "";
        if (best) {
            report_at(report, arg, offset, "unknown placeholder '{%s}' (did you mean '{%s}'?)", name, best);
            return -1;
        }
        for (int k = 0; placeholders[k]; k++)
            snprintf(all + strlen(all), sizeof all - strlen(all), "%s{%s}", k ? " " : "", placeholders[k]);
        report_at(report, arg, offset, "unknown placeholder '{%s}' (known: %s)", name, all);
        return -1;
    }
    if (!strcmp(name, "args") && (!whole_item || strcmp(tmpl, "{args}") != 0)) {
        report_at(report, arg, offset, "%s", whole_item
            ? "'{args}' must be a list item of its own (it expands to zero or more items)"
            : "'{args}' can only be used as a whole item of 'command'");
        return -1;
    }
    return 0;
}

int pb_template_check(const char *tmpl, int whole_item, pb_template_report_fn report, void *arg)
{
    const char *s = tmpl;
    int rc = 0;

    for (size_t i = 0; s[i]; i++) {
        if ((s[i] == '{' && s[i + 1] == '{') || (s[i] == '}' && s[i + 1] == '}')) {
            i++;
            continue;
        }
        if (s[i] == '}') {
            report(arg, i, "unmatched '}' (write '}}' for a literal brace)");
            rc = -1;
            continue;
        }
        if (s[i] != '{')
            continue;
        const char *close = strchr(s + i, '}');
        if (!close) {
            report(arg, i, "unclosed placeholder (write '{{' for a literal brace)");
            return -1;
        }
        size_t len = (size_t)(close - (s + i) - 1);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), s + i + 1);
        if (check_name(tmpl, name, i, whole_item, report, arg) < 0)
            rc = -1;
        i = (size_t)(close - s);
    }
    return rc;
}

/* ---- expansion ---------------------------------------------------------- */

struct buf {
    char *s;
    size_t n, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t ncap = (b->n + n + 1) * 2;
        char *ns = realloc(b->s, ncap);
        if (!ns)
            return -1;
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

/* The value of placeholder name, or NULL when it has none; {hot} is
 * joined into tmp. */
static const char *lookup(const struct pb_template_ctx *c, const char *name, struct buf *tmp)
{
    if (!strcmp(name, "python")) return c->python;
    if (!strcmp(name, "bindir")) return c->bindir;
    if (!strcmp(name, "script")) return c->script;
    if (!strcmp(name, "outdir")) return c->outdir;
    if (!strcmp(name, "workload")) return c->workload;
    if (!strcmp(name, "profiler")) return c->profiler;
    if (!strcmp(name, "configdir")) return c->configdir;
    if (!strcmp(name, "pbench")) return c->pbench;
    if (!strcmp(name, "scriptdir")) {   /* the script's directory, "." for a bare name */
        const char *slash = c->script ? strrchr(c->script, '/') : NULL;
        if (!c->script)
            return NULL;
        tmp->n = 0;
        buf_add(tmp, "", 0);
        if (!slash)
            buf_add(tmp, ".", 1);
        else
            buf_add(tmp, c->script, slash == c->script ? 1 : (size_t)(slash - c->script));
        return tmp->s;
    }
    if (!strcmp(name, "hot")) {
        tmp->n = 0;
        buf_add(tmp, "", 0);
        for (size_t i = 0; c->hot && i < c->hot->n; i++) {
            if (i)
                buf_add(tmp, ",", 1);
            buf_add(tmp, c->hot->v[i], strlen(c->hot->v[i]));
        }
        return tmp->s;
    }
    return NULL;
}

char *pb_template_expand_string(const char *tmpl, const struct pb_template_ctx *ctx,
                                struct pb_error *err)
{
    struct buf out = { 0 }, tmp = { 0 };

    if (buf_add(&out, "", 0) < 0)
        goto oom;
    for (const char *s = tmpl; *s; s++) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            buf_add(&out, s, 1);
            s++;
            continue;
        }
        if (*s != '{') {
            if (buf_add(&out, s, 1) < 0)
                goto oom;
            continue;
        }
        const char *close = strchr(s, '}');
        char name[64];
        if (!close || close - s - 1 >= (long)sizeof name) {
            pb_error_set(err, "bad placeholder in '%s'", tmpl);
            goto fail;
        }
        snprintf(name, sizeof name, "%.*s", (int)(close - s - 1), s + 1);
        const char *val;
        if (!strcmp(name, "datadir")) {
            val = pb_datadir(err);          /* err says where it looked */
            if (!val)
                goto fail;
        } else if (!(val = lookup(ctx, name, &tmp))) {
            pb_error_set(err, "placeholder '{%s}' has no value here (in '%s')", name, tmpl);
            goto fail;
        }
        if (buf_add(&out, val, strlen(val)) < 0)
            goto oom;
        s = close;
    }
    free(tmp.s);
    return out.s;
oom:
    pb_error_set(err, "out of memory");
fail:
    free(tmp.s);
    free(out.s);
    return NULL;
}

int pb_template_expand_argv(const struct pb_strv *tmpl, const struct pb_template_ctx *ctx,
                            struct pb_strv *out, struct pb_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < tmpl->n; i++) {
        const char *t = tmpl->v[i];
        if (!strcmp(t, "{args}")) {
            for (size_t a = 0; ctx->args && a < ctx->args->n; a++)
                if (pb_strv_push(out, ctx->args->v[a]) < 0)
                    goto oom;
            continue;
        }
        char *s = pb_template_expand_string(t, ctx, err);
        if (!s)
            goto fail;
        if (pb_strv_push(out, s) < 0) {
            free(s);
            goto oom;
        }
        free(s);
    }
    /* nothing came out (an {args} with no arguments): {"", NULL}, so v
     * is never NULL */
    if (!out->v && pb_strv_push(out, "") < 0)
        goto oom;
    return 0;
oom:
    pb_error_set(err, "out of memory");
fail:
    pb_strv_release(out);
    return -1;
}
