#ifndef PB_SAMPLER_PYSTACK_IMPL_H
#define PB_SAMPLER_PYSTACK_IMPL_H

/*
 * The insides of a pb_pyproc, shared by pystack.c (walking stacks, code
 * objects, strings) and pyattach.c (finding the runtime and choosing the
 * layout). Nothing outside harness/sampler/ includes this.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "sampler/pylayout.h"
#include "sampler/pystack.h"

/* Loop limits: a walk past them is a torn read, not a real program. */
#define MAX_INTERPS 64
#define MAX_THREADS 4096
#define MAX_DEPTH 8192          /* frames kept of a deeper stack (the innermost) */
#define MAX_STR_CHARS 4096      /* longer names are cut (marked with "...") */
#define MAX_STR_LEN (1 << 24)   /* a longer length field is garbage */
#define MAX_LINETABLE (1 << 22)
#define MAX_CODE_UNITS (1 << 24)
#define MAX_CACHE (1 << 18)     /* code objects remembered per process */
#define WALK_ATTEMPTS 2         /* a torn stack walk is retried once */
#define WINDOW 4096             /* bytes of data stack read per frame read */
#define FRAME_MAX 512           /* room for a frame (72 bytes in 3.11, ~100 for PyFrameObject) */
#define IOV_BATCH 256           /* code headers per process_vm_readv */
#define ADDR_MAX 0x0000800000000000ull  /* end of the x86-64/aarch64 user half */

struct code_entry {
    struct pb_pycode pub;
    uint64_t addr;
    /* What the code object held when resolved: a re-read that differs means
     * the address now holds another code object. */
    uint64_t filename_ptr, qualname_ptr, linetable_ptr;
    uint64_t code_ptr;         /* co_code (before 3.11), else 0 */
    int64_t ob_size;           /* the header's ob_size word, as read */
    int64_t nunits;
    int firsttraceable;
    uint8_t *linetable;
    size_t linetable_len;
};

/* One frame as the first pass of a walk reads it. */
struct raw_frame {
    uint64_t code;
    int64_t instr;             /* f_lasti, or the prev_instr / instr_ptr pointer */
    int owner;                 /* -1 before 3.11 */
};

struct pb_pyproc {
    pid_t pid;
    struct pb_pylayout layout; /* the target's: a table row, perhaps corrected
                                * by its own debug offsets (3.13 on) */
    const struct pb_pylayout *L;  /* &layout */
    long tid_off;              /* TID inside a pthread_t, for CPython < 3.11 */
    uint64_t runtime;          /* &_PyRuntime in the target */
    uint64_t code_type, str_type, bytes_type;
    char version[32];
    char binary[4096];
    char layout_note[256];     /* where the version and offsets came from */
    int gone;                  /* a read said ESRCH */

    struct code_entry **cache; /* open addressing on addr */
    size_t cache_cap, cache_n;

    /* Per-walk arrays, frames_cap entries each. */
    struct pb_pyframe *frames;
    struct raw_frame *raw;
    uint8_t *headers;          /* code object headers, L->code_size each */
    size_t frames_cap;

    uint8_t window[WINDOW + FRAME_MAX];  /* data stack bytes below a frame */
    uint8_t *tstate_buf;       /* L->tstate_size bytes */
    uint8_t *interp_buf;       /* interp_size bytes */
    size_t interp_size;        /* PyInterpreterState up to the last field read */
};

/* ---- reading target memory ---------------------------------------- */

static inline int plausible(uint64_t addr, size_t len)
{
    return addr >= 4096 && addr < ADDR_MAX && len < ADDR_MAX - addr;
}

/* Reads len bytes at addr. Returns 0, or -1 on any failure; sets p->gone
 * when the process no longer exists. Hot path: no error message. */
static inline int rd(struct pb_pyproc *p, uint64_t addr, void *buf, size_t len)
{
    struct iovec local = { buf, len };
    struct iovec remote = { (void *)(uintptr_t)addr, len };
    ssize_t got;

    if (!plausible(addr, len))
        return -1;
    got = process_vm_readv(p->pid, &local, 1, &remote, 1, 0);
    if (got == (ssize_t)len)
        return 0;
    if (got < 0 && errno == ESRCH)
        p->gone = 1;
    return -1;
}

static inline uint64_t u64_at(const uint8_t *buf, size_t off)
{
    uint64_t v;

    memcpy(&v, buf + off, sizeof v);
    return v;
}

static inline int64_t i64_at(const uint8_t *buf, size_t off)
{
    int64_t v;

    memcpy(&v, buf + off, sizeof v);
    return v;
}

static inline int i32_at(const uint8_t *buf, size_t off)
{
    int32_t v;

    memcpy(&v, buf + off, sizeof v);
    return v;
}

static inline int rd_ptr(struct pb_pyproc *p, uint64_t addr, uint64_t *out)
{
    uint8_t b[8];

    if (rd(p, addr, b, sizeof b) < 0)
        return -1;
    *out = u64_at(b, 0);
    return 0;
}

#endif /* PB_SAMPLER_PYSTACK_IMPL_H */
