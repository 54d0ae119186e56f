#ifndef PB_TESTUTIL_H
#define PB_TESTUTIL_H

/* Helpers shared by the test suites: temp dirs, files, running the real
 * pbench binary. Tests may abort on helper failure (ck_abort). */

#include <stddef.h>

#include <check.h>

#include "core/config.h"

/* Creates a fresh temp directory and returns its path (static storage per
 * call site is NOT used: caller frees with free()). */
char *tu_mkdtemp(void);

/* Removes a directory tree (rm -rf). Returns 0 on success. */
int tu_rmtree(const char *path);

/* Writes text to dir/name (creating it). Returns the full path; caller frees. */
char *tu_write_file(const char *dir, const char *name, const char *text);

/* Writes text to dir/name and loads it as a config (pb_config_load, no
 * --python); fails the test with the first diagnostic, located, when it
 * does not load. Caller frees with pb_config_free. */
struct pb_config *tu_load_config(const char *dir, const char *name, const char *text);

/* Reads a whole file; NULL if it cannot. Caller frees. */
char *tu_read_file(const char *path);

/* Runs argv (argv[0] is a path or looked up in PATH), stdout and stderr
 * captured together into *out (caller frees; may pass NULL). Returns the
 * exit status (128+signal when killed), -1 when it could not start. */
int tu_run(char *const argv[], char **out);

/* The one entry (not starting with '.') of directory base, as
 * "base/name": a run's results directory under -o base. NULL when there is
 * none, several, or base cannot be read. Caller frees. */
char *tu_only_subdir(const char *base);

/* Path of the Python interpreter tests should use: $PBENCH_TEST_PYTHON,
 * else the project's .venv/bin/python if present, else "python3". */
const char *tu_python(void);

/* How a skipped test's Check message starts: "skipped: TEST: why". */
#define TU_SKIP_PREFIX "skipped: "

/* Ends the running test as skipped, for want of something the project's
 * setup cannot provide (a second CPU); why says what is missing. What
 * scripts/setup.sh installs (gnuplot, python3, the .venv profilers) is no
 * reason to skip: assert it instead. The test ends as a Check failure with
 * the message "skipped: TEST: why", so nothing can count it as a pass;
 * tests/runner.c counts it as a skip, prints "SKIPPED: suite/TEST: why" and
 * exits with 77 when nothing failed, which ctest (SKIP_RETURN_CODE) shows
 * as Skipped. Does not return (file and line, the call's, are where Check
 * places the result). */
#define tu_skip(why) tu_skip_at(__FILE__, __LINE__, (why))
void tu_skip_at(const char *file, int line, const char *why) CK_ATTRIBUTE_NORETURN;

#endif /* PB_TESTUTIL_H */
