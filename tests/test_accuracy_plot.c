/* accuracy_plot: the reported-vs-true chart from an accuracy.json. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/accuracy_plot.h"
#include "testutil.h"

static char *dir;

/* Two profilers over two splits, the shape pbench accuracy writes. */
static const char *acc_json =
    "{\"schema\": \"pbench-accuracy/1\", \"results_dir\": \"r\", \"cpu\": ["
    " {\"profiler\": \"cProfile\", \"mean_error_pp\": 10, \"splits\": ["
    "   {\"workload\": \"split_30\", \"split\": 0.3, \"true_share\": 0.3, \"reported_share\": 0.45, \"error_pp\": 15},"
    "   {\"workload\": \"split_70\", \"split\": 0.7, \"true_share\": 0.7, \"reported_share\": 0.75, \"error_pp\": 5}]},"
    " {\"profiler\": \"it's quoted\", \"mean_error_pp\": 2, \"splits\": ["
    "   {\"workload\": \"split_30\", \"split\": 0.3, \"true_share\": 0.3, \"reported_share\": 0.31, \"error_pp\": 1},"
    "   {\"workload\": \"split_70\", \"split\": 0.7, \"true_share\": 0.7, \"reported_share\": null, \"error_pp\": null}]},"
    " {\"profiler\": \"memory_profiler\", \"mean_error_pp\": null, \"splits\": ["
    "   {\"workload\": \"split_30\", \"split\": 0.3, \"true_share\": 0.3, \"reported_share\": null, \"error_pp\": null}]}]}\n";

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

static int have_gnuplot(void)
{
    char *argv[] = { "gnuplot", "--version", NULL };
    return tu_run(argv, NULL) == 0;
}

START_TEST(writes_chart)
{
    char out[4096], p[4200];
    struct pb_error err;

    free(tu_write_file(dir, "accuracy.json", acc_json));
    snprintf(out, sizeof out, "%s/plots", dir);
    ck_assert_msg(have_gnuplot(), "no gnuplot in PATH (scripts/setup.sh installs it)");
    int rc = pb_accuracy_plot_write(dir, out, NULL, &err);
    ck_assert_msg(rc == 0, "rc %d: %s", rc, err.msg);
    const char *files[] = { "accuracy.gp", "accuracy.dat", "accuracy.png", "accuracy.svg", NULL };
    for (int i = 0; files[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", out, files[i]);
        ck_assert_msg(access(p, R_OK) == 0, "missing %s", p);
    }
    snprintf(p, sizeof p, "%s/accuracy.gp", out);
    char *gp = tu_read_file(p);
    ck_assert_ptr_nonnull(strstr(gp, "plot x with lines"));       /* the diagonal */
    ck_assert_ptr_nonnull(strstr(gp, "title 'cProfile'"));
    ck_assert_ptr_nonnull(strstr(gp, "title 'it''s quoted'"));
    ck_assert_ptr_null(strstr(gp, "memory_profiler"));              /* no figures, no line */
    free(gp);
    snprintf(p, sizeof p, "%s/accuracy.dat", out);
    char *dat = tu_read_file(p);
    ck_assert_ptr_nonnull(strstr(dat, "30.000 45.000 split_30"));
    free(dat);
}
END_TEST

START_TEST(errors)
{
    char out[4096];
    struct pb_error err;

    snprintf(out, sizeof out, "%s/plots", dir);
    ck_assert_int_eq(pb_accuracy_plot_write(dir, out, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "accuracy.json"), "%s", err.msg);
    free(tu_write_file(dir, "accuracy.json", "{\"schema\": \"pbench-accuracy/1\", \"cpu\": []}\n"));
    ck_assert_int_eq(pb_accuracy_plot_write(dir, out, NULL, &err), 1);
    free(tu_write_file(dir, "accuracy.json", acc_json));
    ck_assert_int_eq(pb_accuracy_plot_write(dir, out, "/nonexistent/gnuplot", &err), -1);
    ck_assert_msg(strstr(err.msg, "/nonexistent/gnuplot"), "%s", err.msg);
}
END_TEST

Suite *accuracy_plot_suite(void)
{
    Suite *s = suite_create("accuracy_plot");
    TCase *core = tcase_create("core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, writes_chart);
    tcase_add_test(core, errors);
    suite_add_tcase(s, core);
    return s;
}
