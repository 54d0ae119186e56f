/* tree: copying a directory tree that may come from someone else
 * (directories and regular files, never through a symbolic link; hard
 * links on one file system) and removing one. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "util/tree.h"

static char *dir;

static void setup(void)
{
    dir = tu_mkdtemp();
}

static void teardown(void)
{
    tu_rmtree(dir);
    free(dir);
}

static const char *at(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", dir, rel);
    return buf;
}

START_TEST(copies_files_and_directories_only)
{
    char from[4096], to[4096], p[4096], q[4096];
    struct pb_error err;
    struct stat a, b;
    size_t skipped = 0;

    free(tu_write_file(dir, "secret", "not for the copy"));
    ck_assert_int_eq(mkdir(at(from, sizeof from, "from"), 0777), 0);
    ck_assert_int_eq(mkdir(at(p, sizeof p, "from/cProfile"), 0777), 0);
    ck_assert_int_eq(mkdir(at(p, sizeof p, "from/cProfile/0"), 0777), 0);
    free(tu_write_file(p, "stdout.txt", "hello\n"));
    free(tu_write_file(from, "top.txt", ""));
    ck_assert_int_eq(symlink(at(q, sizeof q, "secret"), at(p, sizeof p, "from/cProfile/0/link")), 0);
    ck_assert_int_eq(symlink(at(q, sizeof q, "from"), at(p, sizeof p, "from/loop")), 0);
    ck_assert_int_eq(mkfifo(at(p, sizeof p, "from/fifo"), 0600), 0);

    ck_assert_msg(pb_tree_copy(from, at(to, sizeof to, "to"), &skipped, &err) == 0, "%s", err.msg);
    char *text = tu_read_file(at(p, sizeof p, "to/cProfile/0/stdout.txt"));
    ck_assert_str_eq(text, "hello\n");
    free(text);
    ck_assert_int_eq(access(at(p, sizeof p, "to/top.txt"), F_OK), 0);
    /* the links and the FIFO are left out, counted */
    ck_assert_int_ne(access(at(p, sizeof p, "to/cProfile/0/link"), F_OK), 0);
    ck_assert_int_ne(lstat(at(p, sizeof p, "to/loop"), &a), 0);
    ck_assert_int_ne(lstat(at(p, sizeof p, "to/fifo"), &a), 0);
    ck_assert_uint_eq(skipped, 3);
    /* one file system: a hard link */
    ck_assert_int_eq(stat(at(p, sizeof p, "from/cProfile/0/stdout.txt"), &a), 0);
    ck_assert_int_eq(stat(at(q, sizeof q, "to/cProfile/0/stdout.txt"), &b), 0);
    ck_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    /* the destination must be new */
    ck_assert_int_eq(pb_tree_copy(from, to, NULL, &err), -1);
    ck_assert_msg(strstr(err.msg, "cannot create"), "%s", err.msg);
    /* a source that is a link is refused */
    ck_assert_int_eq(pb_tree_copy(at(p, sizeof p, "from/loop"), at(q, sizeof q, "to2"), NULL, &err), -1);

    /* removing: the tree goes, what a link in it points to stays */
    ck_assert_int_eq(symlink(at(q, sizeof q, "secret"), at(p, sizeof p, "to/cProfile/link")), 0);
    ck_assert_msg(pb_tree_remove(to, &err) == 0, "%s", err.msg);
    ck_assert_int_ne(access(to, F_OK), 0);
    ck_assert_int_eq(access(at(p, sizeof p, "secret"), F_OK), 0);
    ck_assert_int_eq(access(at(p, sizeof p, "from/cProfile/0/stdout.txt"), F_OK), 0);
    ck_assert_int_eq(pb_tree_remove(to, &err), 0);     /* gone already: no error */
}
END_TEST

Suite *tree_suite(void)
{
    Suite *s = suite_create("tree");
    TCase *core = tcase_create("core");

    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, copies_files_and_directories_only);
    suite_add_tcase(s, core);
    return s;
}
