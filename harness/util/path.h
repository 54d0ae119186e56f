#ifndef PB_PATH_H
#define PB_PATH_H

/*
 * path: path strings (join, directory and base name, relative paths) and
 * finding a program in PATH the way execvp does.
 */

/* dir/path, or a copy of path when it is absolute or dir is NULL.
 * Returns a malloc'd string, NULL when out of memory. */
char *pb_path_join(const char *dir, const char *path);

/* The directory part of path as written ("." when it has none, "/" for a
 * file in the root). Returns a malloc'd string, NULL when out of memory. */
char *pb_path_dir(const char *path);

/* The last component of path, trailing slashes ignored ("a/b/" -> "b").
 * Returns a pointer into path itself when there are no trailing slashes,
 * else into buf (of size n). Cannot fail. */
const char *pb_path_base(const char *path, char *buf, size_t n);

/* The path of `to` relative to directory `from` (both must exist: they
 * are resolved with realpath). Returns a malloc'd string ("." when they
 * are the same), NULL when either cannot be resolved. */
char *pb_path_relative(const char *from, const char *to);

/* 1 when s may name a workload, profiler or interpreter label: 1-64
 * letters, digits, '_', '-' or '.', not starting with '.' (so never a
 * path, "." or ".."). The one rule for names in a config and in stored
 * files alike. Cannot fail. */
int pb_name_ok(const char *s);

/* 1 when s is safe as one component of a path pbench makes from a stored
 * name (a workload with its size, "julia@300"): 1-160 bytes, no '/', no
 * control character, not starting with '.' (so never "." or ".."). A
 * looser rule than pb_name_ok, which every name pbench writes obeys too.
 * Cannot fail. */
int pb_component_ok(const char *s);

/* 1 when s is a relative path that stays below the directory it is
 * relative to: not empty, no leading '/', no "." or ".." component, no
 * empty component ("a//b"), no control character. Cannot fail. */
int pb_relpath_ok(const char *s);

/* Finds the program `name` as execvp would: a name with a '/' is taken
 * as it is (a copy; exec will say what is wrong with it); a bare name is
 * looked up in this process's PATH (default "/bin:/usr/bin"), relative
 * entries against cwd_fd (AT_FDCWD: the current directory), taking the
 * first regular file this process may execute. Returns a malloc'd path,
 * or NULL with *errnum ENOENT (nothing found), EACCES (found, but none
 * executable) or 0 (out of memory). Allocates; not for after fork. */
char *pb_path_search(const char *name, int cwd_fd, int *errnum);

/* The directory of interpreter python as found in PATH (a venv's bin/ as
 * written, not resolved through its symlink, which would leave the venv),
 * for {bindir}; "." when it cannot be found. Returns a malloc'd string,
 * NULL when out of memory. */
char *pb_path_bindir(const char *python);

/* Like pb_path_search, but a name with a '/' must also be executable.
 * Returns a malloc'd path, or NULL when there is nothing to execute (or
 * out of memory). */
char *pb_which(const char *name);

#endif /* PB_PATH_H */
