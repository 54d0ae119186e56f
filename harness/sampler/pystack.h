#ifndef PB_SAMPLER_PYSTACK_H
#define PB_SAMPLER_PYSTACK_H

/*
 * Reading a running CPython's Python stacks from outside, without stopping
 * it: find the interpreter's runtime state in the target's memory, then at
 * each sample walk interpreters -> thread states -> frames -> code objects
 * with process_vm_readv (see pylayout.h for the walks of CPython 3.8 to
 * 3.13).
 *
 * The target keeps running while we read, so any pointer may be stale by
 * the time we follow it. Every read is checked: addresses must be
 * plausible, code and string objects must have the target's own
 * PyCode_Type / PyUnicode_Type / PyBytes_Type as their type, sizes and
 * offsets must fall inside their objects, and every list walk has a limit.
 * A thread whose stack fails a check is dropped from that sample and
 * counted, never reported half-read.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* A code object the sampler has seen, resolved to names. Owned by its
 * pb_pyproc; valid until pb_pyproc_free. */
struct pb_pycode {
    char *qualname;   /* co_qualname, UTF-8 */
    char *filename;   /* co_filename, UTF-8 */
    int firstlineno;  /* co_firstlineno */
    int user_id;      /* free for the caller: -1 until it sets it, and
                       * reset to -1 whenever the entry is re-resolved
                       * because its address now holds another code object */
};

struct pb_pyframe {
    struct pb_pycode *code;
    int line;         /* the line being executed, from the location table */
};

/* One thread's stack at one sample. */
struct pb_pythread {
    uint64_t native_id;          /* kernel TID (PyThreadState.native_thread_id) */
    uint64_t thread_id;          /* pthread id (threading.get_ident()) */
    size_t nframes;
    const struct pb_pyframe *frames;  /* innermost first */
    int truncated;               /* deeper than the walk's limit: frames
                                  * holds the innermost ones only */
};

struct pb_pyproc;

enum pb_pyattach {
    PB_PYATTACH_ERROR = -1,      /* could not look (e.g. process gone) */
    PB_PYATTACH_OK = 0,
    PB_PYATTACH_NOT_PYTHON = 1,  /* no CPython runtime in the process (yet) */
    PB_PYATTACH_UNSUPPORTED = 2  /* a CPython this build cannot read */
};

/* Looks for a CPython runtime in process pid: the _PyRuntime symbol in the
 * dynamic symbols of its executable or of a libpython it maps, relocated
 * by the load address from /proc/PID/maps. Decides the target's version
 * (pyversion.h) and its layout: the row of pylayouts.c for that minor,
 * from 3.13 checked and corrected by the target's own debug offsets; the
 * runtime's size must match the layout's.
 * Returns PB_PYATTACH_OK with a new *out (caller frees with
 * pb_pyproc_free), or another pb_pyattach value with err saying why. */
int pb_pyproc_attach(pid_t pid, struct pb_pyproc **out, struct pb_error *err);

/* Frees p and every pb_pycode it handed out. p may be NULL. */
void pb_pyproc_free(struct pb_pyproc *p);

/* "3.11.2" (from the target's Py_Version). Cannot fail. */
const char *pb_pyproc_version(const struct pb_pyproc *p);

/* Where the version and the layout came from, for the profile's notes:
 * "version from Py_Version; offsets of CPython 3.13.0's headers, which the
 * target's debug offsets confirm (26 fields)". Cannot fail. */
const char *pb_pyproc_layout_note(const struct pb_pyproc *p);

/* The file that holds the runtime (python executable or libpython). */
const char *pb_pyproc_binary(const struct pb_pyproc *p);

/* Called once per Python thread with a Python frame on its stack; t and
 * its frames are valid only during the call. */
typedef void (*pb_pyproc_thread_fn)(void *arg, const struct pb_pythread *t);

/* Takes one sample of every thread of every interpreter. *dropped gets the
 * number of thread stacks (or thread lists) thrown away as inconsistent.
 * Returns 0, or 1 when the process is gone (no error: it exited). */
int pb_pyproc_sample(struct pb_pyproc *p, pb_pyproc_thread_fn fn, void *arg,
                     unsigned *dropped);

#endif /* PB_SAMPLER_PYSTACK_H */
