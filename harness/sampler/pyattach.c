/* Attaching to a CPython process: finding _PyRuntime and the type objects,
 * deciding the version and the layout (pyversion.h); see pystack.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/elfsym.h"
#include "sampler/procfs.h"
#include "sampler/pthreadtid.h"
#include "sampler/pystack_impl.h"
#include "sampler/pyversion.h"

/* ---- attaching -------------------------------------------------------- */

enum { SYM_RUNTIME, SYM_VERSION, SYM_CODE, SYM_STR, SYM_BYTES, NSYMS };

static int is_libpython(const char *path)
{
    const char *base = strrchr(path, '/');

    return strncmp(base ? base + 1 : path, "libpython", 9) == 0;
}

/* Looks for the runtime symbols in the file mapped as path (read through
 * the process's own view of its file system, so a deleted or containerized
 * binary still opens); on success sets *bias from the file's lowest
 * mapping. Returns 1 found, 0 not in this file. */
static int try_binary(pid_t pid, const char *path, const struct pb_procfs_map *maps,
                      size_t nmaps, struct pb_elf_sym *syms, uint64_t *bias)
{
    struct pb_error ignored;
    uint64_t load_vaddr = 0, base = UINT64_MAX;
    char open_path[4200];

    for (size_t i = 0; i < nmaps; i++) {
        if (maps[i].offset == 0 && strcmp(maps[i].path, path) == 0 && maps[i].start < base)
            base = maps[i].start;
    }
    if (base == UINT64_MAX)
        return 0;
    snprintf(open_path, sizeof open_path, "/proc/%d/root%s", (int)pid, path);
    if (pb_elf_lookup(open_path, syms, NSYMS, &load_vaddr, &ignored) < 0 &&
        pb_elf_lookup(path, syms, NSYMS, &load_vaddr, &ignored) < 0)
        return 0;
    if (!syms[SYM_RUNTIME].found)
        return 0;
    *bias = base - load_vaddr;
    return 1;
}

/* The newest row pbench has. */
static const struct pb_pylayout *newest_row(void)
{
    size_t n;
    const struct pb_pylayout *rows = pb_pylayout_rows(&n);

    return n ? &rows[n - 1] : NULL;
}

/* Appends to p's layout note how the target's own debug offsets (now in
 * p->layout) compare with the row they were applied to. */
static void note_debug_offsets(struct pb_pyproc *p, const struct pb_pylayout *row)
{
    static const size_t fields[] = {
        offsetof(struct pb_pylayout, runtime_interp_head),
        offsetof(struct pb_pylayout, interp_next),
        offsetof(struct pb_pylayout, interp_threads_head),
        offsetof(struct pb_pylayout, tstate_next),
        offsetof(struct pb_pylayout, tstate_interp),
        offsetof(struct pb_pylayout, tstate_frame),
        offsetof(struct pb_pylayout, tstate_thread_id),
        offsetof(struct pb_pylayout, tstate_native_id),
        offsetof(struct pb_pylayout, tstate_size),
        offsetof(struct pb_pylayout, frame_size),
        offsetof(struct pb_pylayout, frame_code),
        offsetof(struct pb_pylayout, frame_previous),
        offsetof(struct pb_pylayout, frame_instr),
        offsetof(struct pb_pylayout, frame_owner),
        offsetof(struct pb_pylayout, ob_type),
        offsetof(struct pb_pylayout, ob_size),
        offsetof(struct pb_pylayout, code_size),
        offsetof(struct pb_pylayout, code_filename),
        offsetof(struct pb_pylayout, code_qualname),
        offsetof(struct pb_pylayout, code_linetable),
        offsetof(struct pb_pylayout, code_firstlineno),
        offsetof(struct pb_pylayout, bytes_sval),
        offsetof(struct pb_pylayout, str_length),
        offsetof(struct pb_pylayout, str_state),
        offsetof(struct pb_pylayout, str_ascii_size),
        offsetof(struct pb_pylayout, str_compact_size),
    };
    size_t differ = 0, n = strlen(p->layout_note);

    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        size_t a, b;
        memcpy(&a, (const char *)row + fields[i], sizeof a);
        memcpy(&b, (const char *)&p->layout + fields[i], sizeof b);
        differ += a != b;
    }
    if (differ)
        snprintf(p->layout_note + n, sizeof p->layout_note - n, ", corrected by the target's "
                 "debug offsets (%zu of %zu fields differ)", differ,
                 sizeof fields / sizeof fields[0]);
    else
        snprintf(p->layout_note + n, sizeof p->layout_note - n, ", which the target's debug "
                 "offsets confirm (%zu fields)", sizeof fields / sizeof fields[0]);
}

/* Decides which CPython the runtime in file `where` (symbols syms, load
 * bias `bias`) is, and fills p->layout and p->version (see pyversion.h for
 * the order of evidence). Returns PB_PYATTACH_OK, or another pb_pyattach
 * value with err saying why. */
static int choose_layout(struct pb_pyproc *p, const char *where, const struct pb_elf_sym *syms,
                         uint64_t bias, struct pb_error *err)
{
    const struct pb_pylayout *row = NULL, *newest = newest_row();
    uint32_t hex = 0;
    unsigned minor = 0;
    int free_threaded = 0;
    const char *from;
    char rowver[32];

    if (syms[SYM_VERSION].found) {
        if (rd(p, syms[SYM_VERSION].value + bias, &hex, sizeof hex) < 0) {
            pb_error_set(err, "cannot read Py_Version in process %d", (int)p->pid);
            return p->gone ? PB_PYATTACH_ERROR : PB_PYATTACH_UNSUPPORTED;
        }
        pb_pyversion_from_path(where, &minor, &free_threaded);  /* for the 't' only */
        minor = (hex >> 16) & 0xff;
        pb_pyversion_string(hex, p->version, sizeof p->version);
        from = "Py_Version";
    } else if (pb_pyversion_from_path(where, &minor, &free_threaded) == 0) {
        hex = 0x03000000u | ((uint32_t)minor << 16);
        snprintf(p->version, sizeof p->version, "3.%u", minor);
        from = "the file name";
    } else if (syms[SYM_RUNTIME].size &&
               (row = pb_pylayout_by_runtime_size(syms[SYM_RUNTIME].size)) != NULL) {
        hex = row->version_hex & 0xffff0000u;
        minor = (hex >> 16) & 0xff;
        snprintf(p->version, sizeof p->version, "3.%u", minor);
        from = "the size of _PyRuntime";
    } else {
        pb_error_set(err, "'%s': cannot tell which CPython it is (no Py_Version symbol, no "
                          "version in its name, and a %llu-byte _PyRuntime that matches no "
                          "version pbench knows)", where,
                     (unsigned long long)syms[SYM_RUNTIME].size);
        return PB_PYATTACH_UNSUPPORTED;
    }
    if (hex >> 24 != 3 || minor < 8) {
        pb_error_set(err, "'%s' is CPython %s; pbench sample reads CPython 3.8 to 3.13",
                     where, p->version);
        return PB_PYATTACH_UNSUPPORTED;
    }
    if (free_threaded) {
        pb_error_set(err, "'%s' is a free-threaded CPython %s (3.%ut): pbench sample reads "
                          "only the default (GIL) build", where, p->version, minor);
        return PB_PYATTACH_UNSUPPORTED;
    }
    row = pb_pylayout_find(3, minor);
    if (!row && newest && minor >= 13 && hex > newest->version_hex)
        row = newest;  /* a newer CPython: its debug offsets must say the rest */
    if (!row) {
        pb_error_set(err, "'%s' is CPython %s; pbench sample reads CPython 3.8 to 3.13",
                     where, p->version);
        return PB_PYATTACH_UNSUPPORTED;
    }
    p->layout = *row;
    pb_pyversion_string(row->version_hex, rowver, sizeof rowver);
    snprintf(p->layout_note, sizeof p->layout_note, "version from %s; offsets of CPython %s's "
             "headers", from, rowver);
    if ((row->version_hex & 0xffff0000u) != (hex & 0xffff0000u)) {
        /* Fields the debug offsets do not carry cannot be trusted from an
         * older row: go without them. */
        p->layout.interp_runtime = PB_NOFIELD;
        p->layout.code_firsttraceable = PB_NOFIELD;
    }
    if (minor >= 13) {
        uint8_t dbg[1024];
        size_t need = pb_pydebug_size();
        if (need > sizeof dbg || rd(p, p->runtime, dbg, need) < 0) {
            pb_error_set(err, "cannot read the debug offsets of CPython %s in process %d",
                         p->version, (int)p->pid);
            return p->gone ? PB_PYATTACH_ERROR : PB_PYATTACH_UNSUPPORTED;
        }
        if (pb_pydebug_apply(dbg, need, hex, &p->layout, err) < 0)
            return PB_PYATTACH_UNSUPPORTED;
        note_debug_offsets(p, row);
    }
    if (syms[SYM_RUNTIME].size && syms[SYM_RUNTIME].size != p->layout.runtime_size) {
        char built[32];
        pb_pyversion_string(row->version_hex, built, sizeof built);
        pb_error_set(err, "'%s' (CPython %s) has a %llu-byte _PyRuntime, but pbench's "
                          "layout of %s says %zu: a different build layout",
                     where, p->version, (unsigned long long)syms[SYM_RUNTIME].size, built,
                     p->layout.runtime_size);
        return PB_PYATTACH_UNSUPPORTED;
    }
    p->L = &p->layout;
    return PB_PYATTACH_OK;
}

/* Allocates the per-thread and per-interpreter read buffers of p's layout.
 * Returns 0 or -1 (out of memory). */
static int alloc_buffers(struct pb_pyproc *p)
{
    const struct pb_pylayout *L = p->L;
    size_t isz = L->interp_next;

    if (L->interp_threads_head > isz)
        isz = L->interp_threads_head;
    if (L->interp_runtime != PB_NOFIELD && L->interp_runtime > isz)
        isz = L->interp_runtime;
    p->interp_size = isz + sizeof(uint64_t);
    p->tstate_buf = malloc(L->tstate_size);
    p->interp_buf = malloc(p->interp_size);
    return p->tstate_buf && p->interp_buf ? 0 : -1;
}

int pb_pyproc_attach(pid_t pid, struct pb_pyproc **out, struct pb_error *err)
{
    struct pb_elf_sym syms[NSYMS] = {
        [SYM_RUNTIME] = { .name = "_PyRuntime" },
        [SYM_VERSION] = { .name = "Py_Version" },
        [SYM_CODE] = { .name = "PyCode_Type" },
        [SYM_STR] = { .name = "PyUnicode_Type" },
        [SYM_BYTES] = { .name = "PyBytes_Type" },
    };
    struct pb_procfs_map *maps = NULL;
    size_t nmaps = 0;
    struct pb_pyproc *p = NULL;
    char exe[4096];
    const char *where = NULL;
    uint64_t bias = 0;
    int rc = PB_PYATTACH_ERROR;

    *out = NULL;
    if (pb_procfs_exe(pid, exe, sizeof exe) < 0) {
        int saved = errno;
        pb_error_set(err, "cannot read the executable of process %d", (int)pid);
        pb_error_errno(err, saved);
        return PB_PYATTACH_ERROR;
    }
    if (pb_procfs_maps(pid, &maps, &nmaps, err) < 0)
        return PB_PYATTACH_ERROR;
    if (try_binary(pid, exe, maps, nmaps, syms, &bias)) {
        where = exe;
    } else {
        for (size_t i = 0; i < nmaps && !where; i++) {
            if (is_libpython(maps[i].path) &&
                try_binary(pid, maps[i].path, maps, nmaps, syms, &bias))
                where = maps[i].path;
        }
    }
    if (!where) {
        pb_error_set(err, "'%s' does not look like a CPython program (no _PyRuntime "
                          "symbol in it or in a libpython it loads)", exe);
        rc = PB_PYATTACH_NOT_PYTHON;
        goto cleanup;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    p->pid = pid;
    p->runtime = syms[SYM_RUNTIME].value + bias;
    rc = choose_layout(p, where, syms, bias, err);
    if (rc != PB_PYATTACH_OK)
        goto cleanup;
    rc = PB_PYATTACH_UNSUPPORTED;
    if (!syms[SYM_CODE].found || !syms[SYM_STR].found || !syms[SYM_BYTES].found) {
        pb_error_set(err, "'%s' does not export PyCode_Type, PyUnicode_Type and PyBytes_Type",
                     where);
        goto cleanup;
    }
    p->code_type = syms[SYM_CODE].value + bias;
    p->str_type = syms[SYM_STR].value + bias;
    p->bytes_type = syms[SYM_BYTES].value + bias;
    p->tid_off = p->L->tstate_native_id == PB_NOFIELD ? pb_pthread_tid_offset() : -1;
    snprintf(p->binary, sizeof p->binary, "%s", where);
    if (alloc_buffers(p) < 0) {
        pb_error_set(err, "out of memory");
        rc = PB_PYATTACH_ERROR;
        goto cleanup;
    }
    *out = p;
    p = NULL;
    rc = PB_PYATTACH_OK;
cleanup:
    pb_pyproc_free(p);
    pb_procfs_maps_free(maps, nmaps);
    return rc;
}

