/*
 * Compiled by scripts/gen_pylayouts.py against one CPython version's own
 * headers (with Py_BUILD_CORE, for the internal structs); prints that
 * version's row of harness/sampler/pylayouts.c as a C initializer. Not part
 * of the pbench build.
 *
 * A new version: if its structs are named as in the newest branch below,
 * nothing here changes; otherwise add an #if branch for it (and, if the
 * frame model or line table format changed, teach pystack.c / linetable.c).
 */
#define Py_BUILD_CORE 1
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <Python.h>
#include <frameobject.h>
#if PY_VERSION_HEX < 0x03090000
#include <internal/pycore_pystate.h>
#else
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>
#endif
#if PY_VERSION_HEX >= 0x030B0000
#include <internal/pycore_frame.h>
#endif

#if PY_VERSION_HEX < 0x03080000
#error "pbench's sampler starts at CPython 3.8"
#endif
#ifdef Py_GIL_DISABLED
#error "a free-threaded build: the sampler does not read its layout"
#endif

#define MAX2(a, b) ((a) > (b) ? (a) : (b))

static void field(const char *name, size_t v)
{
    printf("        .%s = %zu,\n", name, v);
}

static void nofield(const char *name)
{
    printf("        .%s = PB_NOFIELD,\n", name);
}

static uint32_t state_word(const PyASCIIObject *o)
{
    uint32_t w;

    memcpy(&w, (const char *)o + offsetof(PyASCIIObject, state), sizeof w);
    return w;
}

int main(void)
{
    PyASCIIObject o;
    uint32_t kind_mask;
    size_t tstate_end, frame_end;

    printf("    {   /* CPython %s */\n", PY_VERSION);
    printf("        .version_hex = 0x%08lxu,\n", (unsigned long)PY_VERSION_HEX);
#if PY_VERSION_HEX < 0x030A0000
    printf("        .frames = PB_FRAMES_OBJECT,\n        .lines = PB_LINES_LNOTAB,\n"
           "        .instr = PB_INSTR_LASTI_BYTES,\n");
#elif PY_VERSION_HEX < 0x030B0000
    printf("        .frames = PB_FRAMES_OBJECT,\n        .lines = PB_LINES_310,\n"
           "        .instr = PB_INSTR_LASTI_UNITS,\n");
#elif PY_VERSION_HEX < 0x030D0000
    printf("        .frames = PB_FRAMES_CFRAME,\n        .lines = PB_LINES_LOCATIONS,\n"
           "        .instr = PB_INSTR_PREV,\n");
#else
    printf("        .frames = PB_FRAMES_TSTATE,\n        .lines = PB_LINES_LOCATIONS,\n"
           "        .instr = PB_INSTR_NEXT,\n");
#endif

    field("runtime_size", sizeof(_PyRuntimeState));
    field("runtime_interp_head", offsetof(_PyRuntimeState, interpreters.head));

    field("interp_next", offsetof(PyInterpreterState, next));
#if PY_VERSION_HEX < 0x030B0000
    field("interp_threads_head", offsetof(PyInterpreterState, tstate_head));
#else
    field("interp_threads_head", offsetof(PyInterpreterState, threads.head));
#endif
#if PY_VERSION_HEX < 0x03090000
    nofield("interp_runtime");
#else
    field("interp_runtime", offsetof(PyInterpreterState, runtime));
#endif

    tstate_end = MAX2(offsetof(PyThreadState, next), offsetof(PyThreadState, interp));
    tstate_end = MAX2(tstate_end, offsetof(PyThreadState, thread_id));
    field("tstate_next", offsetof(PyThreadState, next));
    field("tstate_interp", offsetof(PyThreadState, interp));
#if PY_VERSION_HEX < 0x030B0000
    field("tstate_frame", offsetof(PyThreadState, frame));
    tstate_end = MAX2(tstate_end, offsetof(PyThreadState, frame));
#elif PY_VERSION_HEX < 0x030D0000
    field("tstate_frame", offsetof(PyThreadState, cframe));
    tstate_end = MAX2(tstate_end, offsetof(PyThreadState, cframe));
#else
    field("tstate_frame", offsetof(PyThreadState, current_frame));
    tstate_end = MAX2(tstate_end, offsetof(PyThreadState, current_frame));
#endif
    field("tstate_thread_id", offsetof(PyThreadState, thread_id));
#if PY_VERSION_HEX < 0x030B0000
    nofield("tstate_native_id");  /* added in 3.11 */
#else
    field("tstate_native_id", offsetof(PyThreadState, native_thread_id));
    tstate_end = MAX2(tstate_end, offsetof(PyThreadState, native_thread_id));
#endif
    field("tstate_size", tstate_end + 8);

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
    field("cframe_current_frame", offsetof(_PyCFrame, current_frame));
#else
    nofield("cframe_current_frame");
#endif

#if PY_VERSION_HEX < 0x030B0000
    field("frame_code", offsetof(PyFrameObject, f_code));
    field("frame_previous", offsetof(PyFrameObject, f_back));
    field("frame_instr", offsetof(PyFrameObject, f_lasti));
    nofield("frame_owner");
    printf("        .owned_by_generator = -1,\n        .owned_by_cstack = -1,\n");
    frame_end = MAX2(offsetof(PyFrameObject, f_code), offsetof(PyFrameObject, f_back)) + 8;
    frame_end = MAX2(frame_end, offsetof(PyFrameObject, f_lasti) + sizeof(int));
#else
#if PY_VERSION_HEX < 0x030D0000
    field("frame_code", offsetof(_PyInterpreterFrame, f_code));
    field("frame_instr", offsetof(_PyInterpreterFrame, prev_instr));
#else
    field("frame_code", offsetof(_PyInterpreterFrame, f_executable));
    field("frame_instr", offsetof(_PyInterpreterFrame, instr_ptr));
#endif
    field("frame_previous", offsetof(_PyInterpreterFrame, previous));
    field("frame_owner", offsetof(_PyInterpreterFrame, owner));
    printf("        .owned_by_generator = %d,\n", (int)FRAME_OWNED_BY_GENERATOR);
#if PY_VERSION_HEX < 0x030C0000
    printf("        .owned_by_cstack = -1,\n");
#else
    printf("        .owned_by_cstack = %d,\n", (int)FRAME_OWNED_BY_CSTACK);
#endif
    frame_end = offsetof(_PyInterpreterFrame, localsplus);
#endif
    field("frame_size", frame_end);

    field("ob_type", offsetof(PyObject, ob_type));
    field("ob_size", offsetof(PyVarObject, ob_size));

#if PY_VERSION_HEX < 0x030B0000
    field("code_size", sizeof(PyCodeObject));
    field("code_qualname", offsetof(PyCodeObject, co_name));
#if PY_VERSION_HEX < 0x030A0000
    field("code_linetable", offsetof(PyCodeObject, co_lnotab));
#else
    field("code_linetable", offsetof(PyCodeObject, co_linetable));
#endif
    nofield("code_firsttraceable");
    field("code_code", offsetof(PyCodeObject, co_code));
    field("code_unit", sizeof(_Py_CODEUNIT));
#else
    field("code_size", offsetof(PyCodeObject, co_code_adaptive));
    field("code_qualname", offsetof(PyCodeObject, co_qualname));
    field("code_linetable", offsetof(PyCodeObject, co_linetable));
    field("code_firsttraceable", offsetof(PyCodeObject, _co_firsttraceable));
    nofield("code_code");
    field("code_unit", sizeof(_Py_CODEUNIT));
#endif
    field("code_filename", offsetof(PyCodeObject, co_filename));
    field("code_firstlineno", offsetof(PyCodeObject, co_firstlineno));

    field("bytes_sval", offsetof(PyBytesObject, ob_sval));

    field("str_length", offsetof(PyASCIIObject, length));
    field("str_state", offsetof(PyASCIIObject, state));
    field("str_ascii_size", sizeof(PyASCIIObject));
    field("str_compact_size", sizeof(PyCompactUnicodeObject));
    /* Bits of one bitfield inside PyASCIIObject.state, found by setting the
     * field in a zeroed object and looking at the word: the compiler's own
     * bitfield layout, not a guess. */
    memset(&o, 0, sizeof o);
    o.state.compact = 1;
    printf("        .str_compact_mask = 0x%xu,\n", (unsigned)state_word(&o));
    memset(&o, 0, sizeof o);
    o.state.ascii = 1;
    printf("        .str_ascii_mask = 0x%xu,\n", (unsigned)state_word(&o));
    memset(&o, 0, sizeof o);
    o.state.kind = 7;
    kind_mask = state_word(&o);
    printf("        .str_kind_mask = 0x%xu,\n", (unsigned)kind_mask);
    printf("        .str_kind_shift = %d,\n", __builtin_ctz(kind_mask));
    printf("    },\n");
    return 0;
}
