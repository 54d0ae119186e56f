#ifndef PB_SAMPLER_PYVERSION_H
#define PB_SAMPLER_PYVERSION_H

/*
 * Which CPython a target runs, and the layout to read it with, decided
 * from the target itself, never from the machine pbench was built on:
 *  - Py_Version (3.11 on) gives the exact version (read by pystack.c);
 *  - before that, the name of the file holding _PyRuntime (python3.8,
 *    libpython3.10.so.1.0; /proc/PID/exe resolves a venv's symlink to it);
 *  - failing both, the size of the _PyRuntime symbol, which differs
 *    between the minors in the table (pb_pylayout_by_runtime_size).
 * From 3.13 the layout itself comes from the target: _Py_DebugOffsets at
 * the start of _PyRuntime (cookie "xdebugpy", the version, whether the
 * build is free-threaded, and the offsets an external reader needs).
 *
 * Everything here is a pure function of bytes already read, so it is
 * unit-tested without a process.
 */

#include <stddef.h>
#include <stdint.h>

#include "sampler/pylayout.h"
#include "util/error.h"

/* The CPython minor in a file name: the base name must be python3.N or
 * libpython3.N (then anything: "libpython3.10.so.1.0", "python3.9d").
 * Sets *minor and *free_threaded (a "t" right after the number, as in
 * python3.13t) and returns 0, or -1 when the name says no version
 * ("python", "python3", "pypy3"). Cannot fail otherwise. */
int pb_pyversion_from_path(const char *path, unsigned *minor, int *free_threaded);

/* "3.11.7", "3.13.0rc2" from a PY_VERSION_HEX into buf of size n.
 * Cannot fail (truncates). */
void pb_pyversion_string(uint32_t hex, char *buf, size_t n);

/* Bytes of _PyRuntime to read for pb_pydebug_apply. */
size_t pb_pydebug_size(void);

/* Reads the _Py_DebugOffsets in buf[0..len) (the first bytes of the
 * target's _PyRuntime) of a CPython whose Py_Version is version_hex, and
 * overwrites the fields of *L they give. *L must hold a base row: the same
 * minor's row when pbench has one, else the newest row (its fields the
 * debug offsets do not carry, such as the string state bits, are kept).
 * Returns 0; or -1 with err naming the version when the cookie is wrong,
 * the offsets' version is not version_hex, the build is free-threaded, the
 * offsets' own layout is one this pbench does not know (it knows 3.13's),
 * or an offset is implausible. */
int pb_pydebug_apply(const uint8_t *buf, size_t len, uint32_t version_hex,
                     struct pb_pylayout *L, struct pb_error *err);

#endif /* PB_SAMPLER_PYVERSION_H */
