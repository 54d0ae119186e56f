/* CPython struct offsets from the CPython headers themselves; see pylayout.h.
 * Compiled with Py_BUILD_CORE and the CPython include directory by
 * sampler.cmake; without those headers it yields NULL. */
#include "sampler/pylayout.h"

#ifndef PB_HAVE_PYTHON_HEADERS

const struct pb_pylayout *pb_pylayout_get(void)
{
    return NULL;
}

#else

#include <string.h>

#include <Python.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>

#if PY_MAJOR_VERSION != 3 || PY_MINOR_VERSION != 11
#error "the sampler walks CPython 3.11 structs (cframe -> _PyInterpreterFrame); these headers are another version"
#endif

/* Bits of one bitfield inside PyASCIIObject.state, found by setting the
 * field in a zeroed object and looking at the word: the compiler's own
 * bitfield layout, not a guess. */
static uint32_t state_word(const PyASCIIObject *o)
{
    uint32_t w;

    memcpy(&w, (const char *)o + offsetof(PyASCIIObject, state), sizeof w);
    return w;
}

static struct pb_pylayout layout;
static int filled;

static void fill(void)
{
    PyASCIIObject o;
    size_t tstate_end;

    layout.version_hex = PY_VERSION_HEX;
    layout.runtime_size = sizeof(_PyRuntimeState);
    layout.runtime_interp_head = offsetof(_PyRuntimeState, interpreters.head);

    layout.interp_next = offsetof(PyInterpreterState, next);
    layout.interp_threads_head = offsetof(PyInterpreterState, threads.head);
    layout.interp_runtime = offsetof(PyInterpreterState, runtime);

    layout.tstate_next = offsetof(PyThreadState, next);
    layout.tstate_interp = offsetof(PyThreadState, interp);
    layout.tstate_cframe = offsetof(PyThreadState, cframe);
    layout.tstate_thread_id = offsetof(PyThreadState, thread_id);
    layout.tstate_native_id = offsetof(PyThreadState, native_thread_id);
    tstate_end = layout.tstate_native_id + sizeof(unsigned long);
    if (layout.tstate_cframe + sizeof(void *) > tstate_end)
        tstate_end = layout.tstate_cframe + sizeof(void *);
    layout.tstate_size = tstate_end;

    layout.cframe_current_frame = offsetof(_PyCFrame, current_frame);

    layout.frame_size = offsetof(_PyInterpreterFrame, localsplus);
    layout.frame_code = offsetof(_PyInterpreterFrame, f_code);
    layout.frame_previous = offsetof(_PyInterpreterFrame, previous);
    layout.frame_prev_instr = offsetof(_PyInterpreterFrame, prev_instr);
    layout.frame_owner = offsetof(_PyInterpreterFrame, owner);
    layout.owned_by_generator = FRAME_OWNED_BY_GENERATOR;

    layout.ob_type = offsetof(PyObject, ob_type);
    layout.ob_size = offsetof(PyVarObject, ob_size);

    layout.code_size = offsetof(PyCodeObject, co_code_adaptive);
    layout.code_filename = offsetof(PyCodeObject, co_filename);
    layout.code_qualname = offsetof(PyCodeObject, co_qualname);
    layout.code_linetable = offsetof(PyCodeObject, co_linetable);
    layout.code_firstlineno = offsetof(PyCodeObject, co_firstlineno);
    layout.code_firsttraceable = offsetof(PyCodeObject, _co_firsttraceable);
    layout.code_unit = sizeof(_Py_CODEUNIT);

    layout.bytes_sval = offsetof(PyBytesObject, ob_sval);

    layout.str_length = offsetof(PyASCIIObject, length);
    layout.str_state = offsetof(PyASCIIObject, state);
    layout.str_ascii_size = sizeof(PyASCIIObject);
    layout.str_compact_size = sizeof(PyCompactUnicodeObject);
    memset(&o, 0, sizeof o);
    o.state.compact = 1;
    layout.str_compact_mask = state_word(&o);
    memset(&o, 0, sizeof o);
    o.state.ascii = 1;
    layout.str_ascii_mask = state_word(&o);
    memset(&o, 0, sizeof o);
    o.state.kind = 7;
    layout.str_kind_mask = state_word(&o);
    layout.str_kind_shift = (unsigned)__builtin_ctz(layout.str_kind_mask);
}

const struct pb_pylayout *pb_pylayout_get(void)
{
    if (!filled) {  /* single-threaded: the sampler never shares it */
        fill();
        filled = 1;
    }
    return &layout;
}

#endif /* PB_HAVE_PYTHON_HEADERS */
