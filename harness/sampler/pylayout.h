#ifndef PB_SAMPLER_PYLAYOUT_H
#define PB_SAMPLER_PYLAYOUT_H

/*
 * The CPython struct layouts the sampler walks, as plain offsets.
 *
 * pylayout.c is the only file that includes the CPython headers: it is
 * compiled with Py_BUILD_CORE against the headers of the interpreter pbench
 * was built with, and fills this table with offsetof()/sizeof(). Everything
 * else reads target memory through these numbers, so a layout comes from
 * the compiler rather than from hand-copied constants.
 *
 * The walk the offsets serve is CPython 3.11's:
 *   _PyRuntime.interpreters.head -> PyInterpreterState.threads.head
 *   -> PyThreadState (.next, .native_thread_id, .cframe)
 *   -> _PyCFrame.current_frame -> _PyInterpreterFrame (.previous, .f_code,
 *   .prev_instr) -> PyCodeObject (co_qualname, co_filename, co_linetable).
 */

#include <stddef.h>
#include <stdint.h>

struct pb_pylayout {
    uint32_t version_hex;        /* PY_VERSION_HEX of the headers */
    size_t runtime_size;         /* sizeof(_PyRuntimeState) */
    size_t runtime_interp_head;  /* _PyRuntimeState.interpreters.head */

    size_t interp_next;          /* PyInterpreterState.next */
    size_t interp_threads_head;  /* PyInterpreterState.threads.head */
    size_t interp_runtime;       /* PyInterpreterState.runtime */

    size_t tstate_size;          /* bytes to read to cover the fields below */
    size_t tstate_next;
    size_t tstate_interp;
    size_t tstate_cframe;
    size_t tstate_thread_id;     /* pthread_self() of the thread */
    size_t tstate_native_id;     /* its kernel TID (gettid) */

    size_t cframe_current_frame; /* _PyCFrame.current_frame */

    size_t frame_size;           /* _PyInterpreterFrame up to localsplus */
    size_t frame_code;
    size_t frame_previous;
    size_t frame_prev_instr;
    size_t frame_owner;
    int owned_by_generator;      /* FRAME_OWNED_BY_GENERATOR */

    size_t ob_type;              /* PyObject.ob_type */
    size_t ob_size;              /* PyVarObject.ob_size */

    size_t code_size;            /* PyCodeObject header: offsetof(co_code_adaptive) */
    size_t code_filename;
    size_t code_qualname;
    size_t code_linetable;
    size_t code_firstlineno;     /* int */
    size_t code_firsttraceable;  /* int: first code unit that runs user code */
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

/* The layout of the CPython headers pbench was built with, or NULL when it
 * was built without CPython headers (then `pbench sample` cannot work and
 * says so). Cannot fail otherwise; the table is static. */
const struct pb_pylayout *pb_pylayout_get(void);

#endif /* PB_SAMPLER_PYLAYOUT_H */
