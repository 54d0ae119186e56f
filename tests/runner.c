/* One test runner for every suite: `pbench_tests NAME` runs NAME's suite,
 * `pbench_tests` alone runs them all. ctest calls it once per suite.
 *
 * Check knows no skipped tests: a test that skips (tu_skip, testutil.h)
 * ends as a failure whose message starts with TU_SKIP_PREFIX. This runner
 * counts those apart, prints each as "SKIPPED: suite/test: why", and exits
 * with 0 when every test passed, 1 when one failed (or erred), and
 * PB_EXIT_SKIPPED when none failed but some were skipped: the code ctest's
 * SKIP_RETURN_CODE expects, so ctest counts and shows the suite as Skipped,
 * never as passed. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "suites.h"
#include "testutil.h"

#define PB_EXIT_SKIPPED 77

struct tally {
    int passed, failed, skipped;
};

/* A skip's message is "skipped: TEST: why"; NULL for any other result. */
static const char *skip_message(TestResult *tr)
{
    const char *msg = tr_msg(tr);

    if (tr_rtype(tr) != CK_FAILURE || !msg || strncmp(msg, TU_SKIP_PREFIX, strlen(TU_SKIP_PREFIX)))
        return NULL;
    return msg + strlen(TU_SKIP_PREFIX);
}

/* Runs one suite and prints its account; adds its counts to *t. */
static void run_suite(const struct pb_suite_entry *e, struct tally *t)
{
    SRunner *sr = srunner_create(e->make());
    struct tally s = { 0, 0, 0 };

    printf("Running suite(s): %s\n", e->name);
    fflush(stdout);
    srunner_run_all(sr, CK_SILENT);

    int n = srunner_ntests_run(sr);
    TestResult **res = srunner_results(sr);
    for (int i = 0; i < n; i++) {
        if (tr_rtype(res[i]) == CK_PASS)
            s.passed++;
        else if (skip_message(res[i]))
            s.skipped++;
        else
            s.failed++;
    }
    if (s.failed)
        srunner_print(sr, CK_NORMAL);   /* Check's account of each failure */
    else if (!s.skipped)
        srunner_print(sr, CK_MINIMAL);  /* "100%: Checks: N, Failures: 0, Errors: 0" */
    for (int i = 0; i < n; i++) {
        const char *skip = skip_message(res[i]);
        if (skip)
            printf("SKIPPED: %s/%s\n", e->name, skip);
    }
    if (s.skipped)
        printf("%s: %d passed, %d skipped, %d failed\n", e->name, s.passed, s.skipped, s.failed);
    fflush(stdout);
    free(res);
    srunner_free(sr);
    t->passed += s.passed;
    t->failed += s.failed;
    t->skipped += s.skipped;
}

int main(int argc, char **argv)
{
    struct tally t = { 0, 0, 0 };
    int found = 0;

    for (const struct pb_suite_entry *e = pb_suites; e->name; e++) {
        if (argc > 1 && strcmp(argv[1], e->name) != 0)
            continue;
        found++;
        run_suite(e, &t);
    }
    if (!found) {
        fprintf(stderr, "pbench_tests: no suite named '%s'\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    if (found > 1)
        printf("all suites: %d passed, %d skipped, %d failed\n", t.passed, t.skipped, t.failed);
    if (t.failed)
        return EXIT_FAILURE;
    return t.skipped ? PB_EXIT_SKIPPED : EXIT_SUCCESS;
}
