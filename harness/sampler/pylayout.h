#ifndef PB_SAMPLER_PYLAYOUT_H
#define PB_SAMPLER_PYLAYOUT_H

/*
 * The CPython struct layouts the sampler walks, as plain offsets, one row
 * per CPython minor version.
 *
 * The rows live in pylayouts.c, which scripts/gen_pylayouts.py generates
 * from each version's own headers (offsetof()/sizeof() compiled against
 * them, never hand-copied constants) and which is committed: building
 * pbench needs no Python headers. docs/sampler.md says how to add a
 * version.
 *
 * Three frame models are walked:
 *   PB_FRAMES_OBJECT (3.8-3.10): PyThreadState.frame -> PyFrameObject
 *     (.f_back, .f_code, .f_lasti), a heap object per frame;
 *   PB_FRAMES_CFRAME (3.11, 3.12): PyThreadState.cframe ->
 *     _PyCFrame.current_frame -> _PyInterpreterFrame (.previous, .f_code,
 *     .prev_instr), pushed on the thread's data stack;
 *   PB_FRAMES_TSTATE (3.13 on): PyThreadState.current_frame ->
 *     _PyInterpreterFrame (.previous, .f_executable, .instr_ptr).
 * Every model starts at _PyRuntime.interpreters.head ->
 * PyInterpreterState.threads.head (tstate_head before 3.11).
 *
 * From 3.13 the interpreter also publishes most of these offsets itself,
 * in _Py_DebugOffsets at the start of _PyRuntime; pystack.c reads them from
 * the target and checks them against the row (or, for a version newer than
 * every row, builds its layout from them).
 */

#include <stddef.h>
#include <stdint.h>

/* An offset the version does not have (3.8's PyThreadState has no
 * native_thread_id, for one). */
#define PB_NOFIELD ((size_t)-1)

enum pb_pyframes {
    PB_FRAMES_OBJECT = 0,   /* PyFrameObject chain (3.8-3.10) */
    PB_FRAMES_CFRAME = 1,   /* tstate->cframe->current_frame (3.11, 3.12) */
    PB_FRAMES_TSTATE = 2    /* tstate->current_frame (3.13 on) */
};

enum pb_pylines {
    PB_LINES_LNOTAB = 0,     /* co_lnotab: (addr, line) byte pairs (3.8, 3.9) */
    PB_LINES_310 = 1,        /* co_linetable: (addr, line) ranges (3.10) */
    PB_LINES_LOCATIONS = 2   /* co_linetable: location entries (3.11 on) */
};

enum pb_pyinstr {
    PB_INSTR_LASTI_BYTES = 0,  /* int f_lasti, a byte offset (3.8, 3.9) */
    PB_INSTR_LASTI_UNITS = 1,  /* int f_lasti, in code units (3.10) */
    PB_INSTR_PREV = 2,         /* prev_instr: last unit started (3.11, 3.12) */
    PB_INSTR_NEXT = 3          /* instr_ptr: unit executing or next (3.13 on) */
};

struct pb_pylayout {
    uint32_t version_hex;        /* PY_VERSION_HEX of the headers of the row */
    int frames;                  /* enum pb_pyframes */
    int lines;                   /* enum pb_pylines */
    int instr;                   /* enum pb_pyinstr */

    size_t runtime_size;         /* sizeof(_PyRuntimeState) */
    size_t runtime_interp_head;  /* _PyRuntimeState.interpreters.head */

    size_t interp_next;          /* PyInterpreterState.next */
    size_t interp_threads_head;  /* .threads.head (.tstate_head before 3.11) */
    size_t interp_runtime;       /* .runtime; PB_NOFIELD in 3.8 */

    size_t tstate_size;          /* bytes to read to cover the fields below */
    size_t tstate_next;
    size_t tstate_interp;
    size_t tstate_frame;         /* .frame, .cframe or .current_frame */
    size_t tstate_thread_id;     /* pthread_self() of the thread */
    size_t tstate_native_id;     /* its kernel TID; PB_NOFIELD in 3.8 */

    size_t cframe_current_frame; /* _PyCFrame.current_frame (CFRAME only) */

    size_t frame_size;           /* bytes of a frame that cover the fields */
    size_t frame_code;           /* f_code (f_executable in 3.13) */
    size_t frame_previous;       /* f_back / previous */
    size_t frame_instr;          /* f_lasti / prev_instr / instr_ptr */
    size_t frame_owner;          /* char owner; PB_NOFIELD before 3.11 */
    int owned_by_generator;      /* FRAME_OWNED_BY_GENERATOR, or -1 */
    int owned_by_cstack;         /* FRAME_OWNED_BY_CSTACK (3.12 on), or -1 */

    size_t ob_type;              /* PyObject.ob_type */
    size_t ob_size;              /* PyVarObject.ob_size */

    size_t code_size;            /* code object bytes to read: up to the
                                  * inline bytecode from 3.11, the whole
                                  * struct before */
    size_t code_filename;
    size_t code_qualname;        /* co_qualname; co_name before 3.11 */
    size_t code_linetable;       /* co_linetable (co_lnotab in 3.8, 3.9) */
    size_t code_firstlineno;     /* int */
    size_t code_firsttraceable;  /* int _co_firsttraceable; PB_NOFIELD before 3.11 */
    size_t code_code;            /* co_code, the bytecode bytes object (before 3.11) */
    size_t code_unit;            /* sizeof(_Py_CODEUNIT) */

    size_t bytes_sval;           /* PyBytesObject.ob_sval */

    size_t str_length;           /* PyASCIIObject.length */
    size_t str_state;            /* the 32-bit word holding the state bitfield */
    size_t str_ascii_size;       /* sizeof(PyASCIIObject): compact ASCII data */
    size_t str_compact_size;     /* sizeof(PyCompactUnicodeObject): other compact data */
    uint32_t str_compact_mask;   /* bits of state.compact in that word */
    uint32_t str_ascii_mask;     /* bits of state.ascii */
    uint32_t str_kind_mask;      /* bits of state.kind */
    unsigned str_kind_shift;
};

/* The row for CPython major.minor, or NULL when pbench has none. Cannot
 * fail otherwise; the table is static. */
const struct pb_pylayout *pb_pylayout_find(unsigned major, unsigned minor);

/* The rows, oldest first, and their number (for listing and tests). */
const struct pb_pylayout *pb_pylayout_rows(size_t *n);

/* Every row whose sizeof(_PyRuntimeState) is runtime_size: how a target
 * whose version cannot be read is matched. Returns the one row, or NULL
 * when none or more than one has that size. */
const struct pb_pylayout *pb_pylayout_by_runtime_size(size_t runtime_size);

#endif /* PB_SAMPLER_PYLAYOUT_H */
