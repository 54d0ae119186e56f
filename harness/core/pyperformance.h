#ifndef PB_PYPERFORMANCE_H
#define PB_PYPERFORMANCE_H

/*
 * pyperformance: finding a benchmark of the pyperformance suite installed
 * in an interpreter's environment, without running anything (the core
 * layer starts no process).
 *
 * pyperformance ships every benchmark as data: a MANIFEST listing the
 * benchmarks (name and metafile), one folder bm_<name>/ per benchmark with
 * its run_benchmark.py, its data/ and its pyproject.toml, and for each
 * variant of a benchmark (async_tree_io of async_tree) a bm_<variant>.toml
 * beside it whose `extra_opts` are the arguments that select the variant.
 * The environment is the interpreter's prefix: the directory above the one
 * holding the interpreter, as written (a venv's bin/python is a symlink
 * that must not be resolved, or the venv is left behind).
 */

#include "util/error.h"
#include "util/strv.h"

/* What running a benchmark needs. */
struct pb_pyperf_bench {
    char *script;           /* bm_<base>/run_benchmark.py, absolute */
    struct pb_strv extra;   /* the benchmark's extra_opts, before any user argument */
    char *benchdir;         /* .../pyperformance/data-files/benchmarks */
};

/* Finds benchmark `name` (a benchmark or a variant, as pyperformance's
 * MANIFEST names it) in the pyperformance installed beside interpreter
 * `python` (a path, or a bare name looked up in PATH). Fills out (the
 * caller releases it with pb_pyperf_bench_release) and returns 0; or
 * returns -1 with err saying what was looked for and where: no
 * interpreter, no pyperformance there (every place looked at), no such
 * benchmark (with the closest name), a benchmark file that cannot be read,
 * or a benchmark that needs a newer Python than the environment's. */
int pb_pyperf_find(const char *python, const char *name, struct pb_pyperf_bench *out,
                   struct pb_error *err);

/* Frees what out holds, leaving it empty. Cannot fail. */
void pb_pyperf_bench_release(struct pb_pyperf_bench *b);

/* 1 when s can name a pyperformance benchmark (1-64 letters, digits, '_',
 * '-'), else 0. Cannot fail. */
int pb_pyperf_name_ok(const char *s);

#endif /* PB_PYPERFORMANCE_H */
