/* Target version detection and 3.13's debug offsets; see pyversion.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/pyversion.h"

int pb_pyversion_from_path(const char *path, unsigned *minor, int *free_threaded)
{
    const char *base = strrchr(path, '/');
    const char *p;
    char *end;
    unsigned long m;

    base = base ? base + 1 : path;
    if (strncmp(base, "libpython", 9) == 0)
        p = base + 9;
    else if (strncmp(base, "python", 6) == 0)
        p = base + 6;
    else
        return -1;
    if (strncmp(p, "3.", 2) != 0 || !isdigit((unsigned char)p[2]))
        return -1;
    m = strtoul(p + 2, &end, 10);
    if (m > 255)
        return -1;
    *minor = (unsigned)m;
    *free_threaded = *end == 't';
    return 0;
}

void pb_pyversion_string(uint32_t hex, char *buf, size_t n)
{
    unsigned level = (hex >> 4) & 0xf, serial = hex & 0xf;
    const char *tag = level == 0xa ? "a" : level == 0xb ? "b" : level == 0xc ? "rc" : "";

    if (*tag)
        snprintf(buf, n, "%u.%u.%u%s%u", (unsigned)(hex >> 24) & 0xff,
                 (unsigned)(hex >> 16) & 0xff, (unsigned)(hex >> 8) & 0xff, tag, serial);
    else
        snprintf(buf, n, "%u.%u.%u", (unsigned)(hex >> 24) & 0xff,
                 (unsigned)(hex >> 16) & 0xff, (unsigned)(hex >> 8) & 0xff);
}

/* CPython 3.13's _Py_DebugOffsets (Include/internal/pycore_runtime.h) is a
 * cookie followed by uint64_t fields only; these are their indexes, the
 * cookie counting as index 0. The struct is only stable within a minor
 * version, so other minors need their own table. */
enum {
    D_VERSION = 1, D_FREE_THREADED = 2,
    D_RT_SIZE = 3, D_RT_INTERP_HEAD = 5,
    D_IS_SIZE = 6, D_IS_NEXT = 8, D_IS_THREADS_HEAD = 9,
    D_TS_SIZE = 19, D_TS_NEXT = 21, D_TS_INTERP = 22, D_TS_CURRENT_FRAME = 23,
    D_TS_THREAD_ID = 24, D_TS_NATIVE_ID = 25,
    D_FR_SIZE = 28, D_FR_PREVIOUS = 29, D_FR_EXECUTABLE = 30, D_FR_INSTR_PTR = 31,
    D_FR_LOCALSPLUS = 32, D_FR_OWNER = 33,
    D_CO_SIZE = 34, D_CO_FILENAME = 35, D_CO_QUALNAME = 37, D_CO_LINETABLE = 38,
    D_CO_FIRSTLINENO = 39, D_CO_CODE_ADAPTIVE = 43,
    D_OB_TYPE = 45,
    D_BYTES_OB_SIZE = 65, D_BYTES_OB_SVAL = 66,
    D_STR_SIZE = 67, D_STR_STATE = 68, D_STR_LENGTH = 69, D_STR_ASCII_SIZE = 70,
    D_COUNT_313 = 73
};

#define MAX_STRUCT (1u << 24)  /* _PyRuntimeState is 283 KB in 3.13; nothing is near 16 MB */

size_t pb_pydebug_size(void)
{
    return D_COUNT_313 * sizeof(uint64_t);
}

static uint64_t d_at(const uint8_t *buf, int i)
{
    uint64_t v;

    memcpy(&v, buf + (size_t)i * sizeof v, sizeof v);
    return v;
}

int pb_pydebug_apply(const uint8_t *buf, size_t len, uint32_t version_hex,
                     struct pb_pylayout *L, struct pb_error *err)
{
    char ver[32];
    uint64_t dver;
    /* Offsets inside one struct, each checked against that struct's size. */
    static const struct { int field, size; } within[] = {
        { D_RT_INTERP_HEAD, D_RT_SIZE },
        { D_IS_NEXT, D_IS_SIZE }, { D_IS_THREADS_HEAD, D_IS_SIZE },
        { D_TS_NEXT, D_TS_SIZE }, { D_TS_INTERP, D_TS_SIZE }, { D_TS_CURRENT_FRAME, D_TS_SIZE },
        { D_TS_THREAD_ID, D_TS_SIZE }, { D_TS_NATIVE_ID, D_TS_SIZE },
        { D_FR_PREVIOUS, D_FR_SIZE }, { D_FR_EXECUTABLE, D_FR_SIZE },
        { D_FR_INSTR_PTR, D_FR_SIZE }, { D_FR_LOCALSPLUS, D_FR_SIZE }, { D_FR_OWNER, D_FR_SIZE },
        { D_CO_FILENAME, D_CO_SIZE }, { D_CO_QUALNAME, D_CO_SIZE }, { D_CO_LINETABLE, D_CO_SIZE },
        { D_CO_FIRSTLINENO, D_CO_SIZE }, { D_CO_CODE_ADAPTIVE, D_CO_SIZE },
        { D_STR_STATE, D_STR_SIZE }, { D_STR_LENGTH, D_STR_SIZE },
        { D_STR_ASCII_SIZE, D_STR_SIZE },
    };

    pb_pyversion_string(version_hex, ver, sizeof ver);
    if (len < pb_pydebug_size() || memcmp(buf, "xdebugpy", 8) != 0)
        return pb_error_set(err, "CPython %s: no debug offsets at the start of _PyRuntime "
                                 "(cookie 'xdebugpy' missing)", ver);
    dver = d_at(buf, D_VERSION);
    if (dver != version_hex) {
        char dv[32];
        pb_pyversion_string((uint32_t)dver, dv, sizeof dv);
        return pb_error_set(err, "CPython %s: its debug offsets say version %s "
                                 "(0x%llx): not a layout to trust", ver, dv,
                            (unsigned long long)dver);
    }
    if (d_at(buf, D_FREE_THREADED))
        return pb_error_set(err, "CPython %s is a free-threaded build (3.%ut): pbench "
                                 "sample reads only the default (GIL) build",
                            ver, (unsigned)(version_hex >> 16) & 0xff);
    if ((version_hex & 0xffff0000u) != 0x030d0000u)
        return pb_error_set(err, "CPython %s: its debug offsets are laid out for 3.%u, and "
                                 "this pbench reads only 3.13's; add 3.%u with "
                                 "scripts/gen_pylayouts.py", ver,
                            (unsigned)(version_hex >> 16) & 0xff,
                            (unsigned)(version_hex >> 16) & 0xff);
    for (size_t i = 0; i < sizeof within / sizeof within[0]; i++) {
        uint64_t off = d_at(buf, within[i].field), size = d_at(buf, within[i].size);
        if (size == 0 || size > MAX_STRUCT || off >= size)
            return pb_error_set(err, "CPython %s: implausible debug offsets (field %d: offset "
                                     "%llu in a struct of %llu bytes)", ver, within[i].field,
                                (unsigned long long)off, (unsigned long long)size);
    }
    L->version_hex = version_hex;
    L->frames = PB_FRAMES_TSTATE;
    L->lines = PB_LINES_LOCATIONS;
    L->instr = PB_INSTR_NEXT;
    L->runtime_size = d_at(buf, D_RT_SIZE);
    L->runtime_interp_head = d_at(buf, D_RT_INTERP_HEAD);
    L->interp_next = d_at(buf, D_IS_NEXT);
    L->interp_threads_head = d_at(buf, D_IS_THREADS_HEAD);
    L->tstate_next = d_at(buf, D_TS_NEXT);
    L->tstate_interp = d_at(buf, D_TS_INTERP);
    L->tstate_frame = d_at(buf, D_TS_CURRENT_FRAME);
    L->tstate_thread_id = d_at(buf, D_TS_THREAD_ID);
    L->tstate_native_id = d_at(buf, D_TS_NATIVE_ID);
    L->tstate_size = 0;
    for (int f = D_TS_NEXT; f <= D_TS_NATIVE_ID; f++) {
        if (d_at(buf, f) + 8 > L->tstate_size)
            L->tstate_size = d_at(buf, f) + 8;
    }
    L->cframe_current_frame = PB_NOFIELD;
    L->frame_previous = d_at(buf, D_FR_PREVIOUS);
    L->frame_code = d_at(buf, D_FR_EXECUTABLE);
    L->frame_instr = d_at(buf, D_FR_INSTR_PTR);
    L->frame_owner = d_at(buf, D_FR_OWNER);
    L->frame_size = d_at(buf, D_FR_LOCALSPLUS);
    L->ob_type = d_at(buf, D_OB_TYPE);
    L->ob_size = d_at(buf, D_BYTES_OB_SIZE);
    L->bytes_sval = d_at(buf, D_BYTES_OB_SVAL);
    L->code_size = d_at(buf, D_CO_CODE_ADAPTIVE);
    L->code_filename = d_at(buf, D_CO_FILENAME);
    L->code_qualname = d_at(buf, D_CO_QUALNAME);
    L->code_linetable = d_at(buf, D_CO_LINETABLE);
    L->code_firstlineno = d_at(buf, D_CO_FIRSTLINENO);
    if (L->code_firsttraceable != PB_NOFIELD && L->code_firsttraceable + 4 > L->code_size)
        L->code_firsttraceable = PB_NOFIELD;
    L->str_state = d_at(buf, D_STR_STATE);
    L->str_length = d_at(buf, D_STR_LENGTH);
    L->str_ascii_size = d_at(buf, D_STR_ASCII_SIZE);
    /* PyCompactUnicodeObject adds utf8_length and utf8 to PyASCIIObject. */
    L->str_compact_size = L->str_ascii_size + 2 * sizeof(uint64_t);
    return 0;
}
