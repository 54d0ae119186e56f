/* One test runner for every suite: `pbench_tests NAME` runs NAME's suite,
 * `pbench_tests` alone runs them all. ctest calls it once per suite. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "suites.h"

int main(int argc, char **argv)
{
    SRunner *sr = NULL;
    int found = 0;

    for (const struct pb_suite_entry *e = pb_suites; e->name; e++) {
        if (argc > 1 && strcmp(argv[1], e->name) != 0)
            continue;
        found++;
        if (!sr)
            sr = srunner_create(e->make());
        else
            srunner_add_suite(sr, e->make());
    }
    if (!found) {
        fprintf(stderr, "pbench_tests: no suite named '%s'\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
