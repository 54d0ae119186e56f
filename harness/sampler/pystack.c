/* Reading CPython 3.8-3.13 stacks from another process; see pystack.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "sampler/elfsym.h"
#include "sampler/linetable.h"
#include "sampler/procfs.h"
#include "sampler/pylayout.h"
#include "sampler/pystack.h"
#include "sampler/pthreadtid.h"
#include "sampler/pyversion.h"

/* Loop limits: a walk past them is a torn read, not a real program. */
#define MAX_INTERPS 64
#define MAX_THREADS 4096
#define MAX_DEPTH 8192          /* deeper than any recursion limit in use */
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

static int plausible(uint64_t addr, size_t len)
{
    return addr >= 4096 && addr < ADDR_MAX && len < ADDR_MAX - addr;
}

/* Reads len bytes at addr. Returns 0, or -1 on any failure; sets p->gone
 * when the process no longer exists. Hot path: no error message. */
static int rd(struct pb_pyproc *p, uint64_t addr, void *buf, size_t len)
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

static uint64_t u64_at(const uint8_t *buf, size_t off)
{
    uint64_t v;

    memcpy(&v, buf + off, sizeof v);
    return v;
}

static int64_t i64_at(const uint8_t *buf, size_t off)
{
    int64_t v;

    memcpy(&v, buf + off, sizeof v);
    return v;
}

static int i32_at(const uint8_t *buf, size_t off)
{
    int32_t v;

    memcpy(&v, buf + off, sizeof v);
    return v;
}

static int rd_ptr(struct pb_pyproc *p, uint64_t addr, uint64_t *out)
{
    uint8_t b[8];

    if (rd(p, addr, b, sizeof b) < 0)
        return -1;
    *out = u64_at(b, 0);
    return 0;
}

/* ---- strings -------------------------------------------------------- */

static size_t put_utf8(char *out, uint32_t c)
{
    if (c >= 0xd800 && c <= 0xdfff)
        c = '?';  /* a lone surrogate (surrogateescape'd file name) */
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 63));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 63));
        out[2] = (char)(0x80 | (c & 63));
        return 3;
    }
    if (c > 0x10ffff)
        c = '?';
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 63));
    out[2] = (char)(0x80 | ((c >> 6) & 63));
    out[3] = (char)(0x80 | (c & 63));
    return 4;
}

/* Reads the str object at addr as a fresh UTF-8 string (caller frees).
 * Returns NULL when addr does not hold a compact str. */
static char *read_str(struct pb_pyproc *p, uint64_t addr)
{
    const struct pb_pylayout *L = p->L;
    uint8_t head[128];
    uint8_t *data = NULL;
    char *out = NULL;
    int64_t len;
    uint32_t state;
    size_t kind, n, data_off, o = 0;
    int cut;

    if (L->str_compact_size > sizeof head || rd(p, addr, head, L->str_compact_size) < 0)
        return NULL;
    if (u64_at(head, L->ob_type) != p->str_type)
        return NULL;
    len = i64_at(head, L->str_length);
    memcpy(&state, head + L->str_state, sizeof state);
    if (len < 0 || len > MAX_STR_LEN || !(state & L->str_compact_mask))
        return NULL;
    if (state & L->str_ascii_mask) {
        kind = 1;
        data_off = L->str_ascii_size;
    } else {
        kind = (state & L->str_kind_mask) >> L->str_kind_shift;
        data_off = L->str_compact_size;
        if (kind != 1 && kind != 2 && kind != 4)
            return NULL;
    }
    cut = len > MAX_STR_CHARS;
    n = cut ? MAX_STR_CHARS : (size_t)len;
    data = malloc(n * kind + 1);
    out = malloc(n * 4 + 4);
    if (!data || !out || (n && rd(p, addr + data_off, data, n * kind) < 0)) {
        free(out);
        out = NULL;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t c;
        if (kind == 1) {
            c = data[i];
        } else if (kind == 2) {
            uint16_t c2;
            memcpy(&c2, data + 2 * i, 2);
            c = c2;
        } else {
            memcpy(&c, data + 4 * i, 4);
        }
        if (c == 0 || c == '\n' || c == '\r')
            c = '?';  /* keep output formats one record per line */
        o += put_utf8(out + o, c);
    }
    if (cut)
        o += (size_t)sprintf(out + o, "...");
    out[o] = '\0';
cleanup:
    free(data);
    return out;
}

/* ---- code objects ----------------------------------------------------- */

static void entry_clear(struct code_entry *e)
{
    free(e->pub.qualname);
    free(e->pub.filename);
    free(e->linetable);
    e->pub.qualname = e->pub.filename = NULL;
    e->linetable = NULL;
    e->linetable_len = 0;
}

/* Fills e from the code object header in buf (already type-checked).
 * Returns 0, or -1 when a part does not read back as expected. */
static int entry_resolve(struct pb_pyproc *p, struct code_entry *e, const uint8_t *buf)
{
    const struct pb_pylayout *L = p->L;
    uint8_t head[64];
    int64_t size;

    entry_clear(e);
    e->pub.user_id = -1;
    e->filename_ptr = u64_at(buf, L->code_filename);
    e->qualname_ptr = u64_at(buf, L->code_qualname);
    e->linetable_ptr = u64_at(buf, L->code_linetable);
    e->ob_size = i64_at(buf, L->ob_size);
    e->code_ptr = L->code_code != PB_NOFIELD ? u64_at(buf, L->code_code) : 0;
    e->firsttraceable = L->code_firsttraceable != PB_NOFIELD
                            ? i32_at(buf, L->code_firsttraceable) : 0;
    e->pub.firstlineno = i32_at(buf, L->code_firstlineno);
    if (L->code_code != PB_NOFIELD) {
        /* Before 3.11 the bytecode is a bytes object of its own. */
        if (L->bytes_sval > sizeof head || rd(p, e->code_ptr, head, L->bytes_sval) < 0 ||
            u64_at(head, L->ob_type) != p->bytes_type)
            return -1;
        e->nunits = i64_at(head, L->ob_size) / (int64_t)L->code_unit;
    } else {
        e->nunits = e->ob_size;  /* inline bytecode: ob_size counts its units */
    }
    if (e->nunits <= 0 || e->nunits > MAX_CODE_UNITS || e->firsttraceable < 0 ||
        e->firsttraceable > e->nunits || e->pub.firstlineno < 0)
        return -1;
    e->pub.qualname = read_str(p, e->qualname_ptr);
    e->pub.filename = read_str(p, e->filename_ptr);
    if (!e->pub.qualname || !e->pub.filename)
        goto fail;
    if (L->bytes_sval > sizeof head || rd(p, e->linetable_ptr, head, L->bytes_sval) < 0 ||
        u64_at(head, L->ob_type) != p->bytes_type)
        goto fail;
    size = i64_at(head, L->ob_size);
    if (size < 0 || size > MAX_LINETABLE)
        goto fail;
    e->linetable = malloc(size ? (size_t)size : 1);
    if (!e->linetable || (size && rd(p, e->linetable_ptr + L->bytes_sval, e->linetable, (size_t)size) < 0))
        goto fail;
    e->linetable_len = (size_t)size;
    return 0;
fail:
    entry_clear(e);
    return -1;
}

static size_t slot_of(uint64_t addr, size_t cap)
{
    return (size_t)((addr >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

static int cache_grow(struct pb_pyproc *p)
{
    size_t ncap = p->cache_cap ? p->cache_cap * 2 : 1024;
    struct code_entry **nt = calloc(ncap, sizeof *nt);

    if (!nt)
        return -1;
    for (size_t i = 0; i < p->cache_cap; i++) {
        struct code_entry *e = p->cache[i];
        size_t s;
        if (!e)
            continue;
        for (s = slot_of(e->addr, ncap); nt[s]; s = (s + 1) & (ncap - 1))
            ;
        nt[s] = e;
    }
    free(p->cache);
    p->cache = nt;
    p->cache_cap = ncap;
    return 0;
}

/* The resolved code object at addr, whose header was just read into buf;
 * names come from the cache when the object has not changed. NULL when buf
 * is not a code object or a part of it does not read back. */
static struct code_entry *code_entry_of(struct pb_pyproc *p, uint64_t addr, const uint8_t *buf)
{
    const struct pb_pylayout *L = p->L;
    struct code_entry *e = NULL;
    size_t s = 0;

    if (u64_at(buf, L->ob_type) != p->code_type)
        return NULL;
    if (p->cache_cap) {
        for (s = slot_of(addr, p->cache_cap); p->cache[s]; s = (s + 1) & (p->cache_cap - 1)) {
            if (p->cache[s]->addr == addr) {
                e = p->cache[s];
                break;
            }
        }
    }
    if (e && e->pub.qualname && e->filename_ptr == u64_at(buf, L->code_filename) &&
        e->qualname_ptr == u64_at(buf, L->code_qualname) &&
        e->linetable_ptr == u64_at(buf, L->code_linetable) &&
        e->ob_size == i64_at(buf, L->ob_size) &&
        (L->code_code == PB_NOFIELD || e->code_ptr == u64_at(buf, L->code_code)) &&
        e->pub.firstlineno == i32_at(buf, L->code_firstlineno))
        return e;  /* the common case: same object as last time */
    if (!e) {
        if (p->cache_n >= MAX_CACHE)
            return NULL;  /* out of room: drop rather than grow forever */
        if ((p->cache_n + 1) * 2 > p->cache_cap) {
            if (cache_grow(p) < 0)
                return NULL;
        }
        e = calloc(1, sizeof *e);
        if (!e)
            return NULL;
        e->addr = addr;
        for (s = slot_of(addr, p->cache_cap); p->cache[s]; s = (s + 1) & (p->cache_cap - 1))
            ;
        p->cache[s] = e;
        p->cache_n++;
    }
    if (entry_resolve(p, e, buf) < 0)
        return NULL;  /* e stays cached, empty, and is retried next time */
    return e;
}

/* ---- stacks ----------------------------------------------------------- */

/* Makes room for n frames in the per-walk arrays. Returns 0 or -1. */
static int frames_room(struct pb_pyproc *p, size_t n)
{
    size_t ncap;
    struct pb_pyframe *nf;
    struct raw_frame *nr;
    uint8_t *nh;

    if (n <= p->frames_cap)
        return 0;
    ncap = p->frames_cap ? p->frames_cap * 2 : 64;
    while (ncap < n)
        ncap *= 2;
    nf = realloc(p->frames, ncap * sizeof *nf);
    if (nf)
        p->frames = nf;
    nr = realloc(p->raw, ncap * sizeof *nr);
    if (nr)
        p->raw = nr;
    nh = realloc(p->headers, ncap * p->L->code_size);
    if (nh)
        p->headers = nh;
    if (!nf || !nr || !nh)
        return -1;
    p->frames_cap = ncap;
    return 0;
}

/* Reads the code object headers of raw[0..n) with as few system calls as
 * process_vm_readv's vectors allow. Returns 0, or -1 when any fails. */
static int read_headers(struct pb_pyproc *p, size_t n)
{
    struct iovec local[IOV_BATCH], remote[IOV_BATCH];
    size_t size = p->L->code_size;

    for (size_t done = 0; done < n;) {
        size_t k = n - done < IOV_BATCH ? n - done : IOV_BATCH;
        ssize_t got;

        for (size_t i = 0; i < k; i++) {
            uint64_t addr = p->raw[done + i].code;
            if ((addr & 7) || !plausible(addr, size))
                return -1;
            local[i].iov_base = p->headers + (done + i) * size;
            local[i].iov_len = size;
            remote[i].iov_base = (void *)(uintptr_t)addr;
            remote[i].iov_len = size;
        }
        got = process_vm_readv(p->pid, local, k, remote, k, 0);
        if (got != (ssize_t)(k * size)) {
            if (got < 0 && errno == ESRCH)
                p->gone = 1;
            return -1;
        }
        done += k;
    }
    return 0;
}

/* The byte offset into the bytecode of the instruction a frame is at, from
 * the raw frame r of code object e; sets *skip for a frame CPython itself
 * would not show (pushed, its RESUME not yet run). Returns 0, or -1 when
 * the frame is inconsistent with its code object. */
static int frame_addr(const struct pb_pylayout *L, const struct raw_frame *r,
                      const struct code_entry *e, int64_t *addr, int *skip)
{
    int64_t unit, diff;

    *skip = 0;
    switch (L->instr) {
    case PB_INSTR_LASTI_BYTES:  /* -1: not started yet */
        *addr = r->instr;
        break;
    case PB_INSTR_LASTI_UNITS:
        *addr = r->instr < 0 ? -1 : r->instr * (int64_t)L->code_unit;
        break;
    default:
        /* A pointer into the code object's own bytecode: one unit before it
         * for a 3.11/3.12 frame that has not started. */
        diff = (int64_t)((uint64_t)r->instr - (r->code + L->code_size));
        if (diff % (int64_t)L->code_unit != 0)
            return -1;
        unit = diff / (int64_t)L->code_unit;
        if (unit < -1 || unit >= e->nunits)
            return -1;
        *skip = r->owner != L->owned_by_generator && unit < e->firsttraceable;
        *addr = unit * (int64_t)L->code_unit;
        return 0;
    }
    if (*addr < -1 || *addr >= e->nunits * (int64_t)L->code_unit)
        return -1;
    return 0;
}

static int addr_line(const struct pb_pylayout *L, const struct code_entry *e, int64_t addr)
{
    switch (L->lines) {
    case PB_LINES_LNOTAB:
        return pb_linetable_lnotab_line(e->linetable, e->linetable_len, e->pub.firstlineno,
                                        (int)addr);
    case PB_LINES_310:
        return pb_linetable_310_line(e->linetable, e->linetable_len, e->pub.firstlineno,
                                     (int)addr);
    default:
        return pb_linetable_line(e->linetable, e->linetable_len, e->pub.firstlineno,
                                 (int)addr);
    }
}

/* Walks one thread's frames from frame (innermost) outwards into
 * p->frames. Returns the number of frames, or -1 when inconsistent.
 *
 * Two passes keep system calls few. First the frame chain: from 3.11 a
 * thread's frames are pushed on its own data stack, callee above caller,
 * so one read of the page below a frame usually holds its callers too
 * (before 3.11 each frame is a heap object, read alone). Then every
 * frame's code object header in one vectored read. */
static long walk_frames(struct pb_pyproc *p, uint64_t frame)
{
    const struct pb_pylayout *L = p->L;
    uint64_t win_lo = 0, win_hi = 0;  /* p->window holds [win_lo, win_hi) */
    size_t nraw = 0, n = 0;
    int on_stack = L->frames != PB_FRAMES_OBJECT;

    for (size_t depth = 0; frame; depth++) {
        const uint8_t *fb;
        int owner = -1;

        if (depth >= MAX_DEPTH || (frame & 7) || !plausible(frame, L->frame_size) ||
            L->frame_size > FRAME_MAX || frames_room(p, nraw + 1) < 0)
            return -1;
        if (frame < win_lo || frame + L->frame_size > win_hi) {
            uint64_t lo = on_stack ? frame & ~(uint64_t)(WINDOW - 1) : frame;  /* mapped: the frame is */
            if (rd(p, lo, p->window, frame + L->frame_size - lo) < 0)
                return -1;
            win_lo = lo;
            win_hi = frame + L->frame_size;
        }
        fb = p->window + (frame - win_lo);
        if (L->frame_owner != PB_NOFIELD)
            owner = (signed char)fb[L->frame_owner];
        /* A 3.12+ entry frame (on the C stack, running a trampoline) is
         * the interpreter's, not the program's. */
        if (L->owned_by_cstack < 0 || owner != L->owned_by_cstack) {
            p->raw[nraw].code = u64_at(fb, L->frame_code);
            p->raw[nraw].instr = L->instr >= PB_INSTR_PREV ? (int64_t)u64_at(fb, L->frame_instr)
                                                           : i32_at(fb, L->frame_instr);
            p->raw[nraw].owner = owner;
            nraw++;
        }
        frame = u64_at(fb, L->frame_previous);
    }
    if (read_headers(p, nraw) < 0)
        return -1;
    for (size_t i = 0; i < nraw; i++) {
        const struct raw_frame *r = &p->raw[i];
        struct code_entry *e = code_entry_of(p, r->code, p->headers + i * L->code_size);
        int64_t addr;
        int skip, line;

        if (!e || frame_addr(L, r, e, &addr, &skip) < 0)
            return -1;
        if (skip)
            continue;  /* as CPython's own tracebacks do */
        line = addr_line(L, e, addr);
        if (line < 0)
            line = e->pub.firstlineno;
        p->frames[n].code = &e->pub;
        p->frames[n].line = line;
        n++;
    }
    return (long)n;
}

/* The kernel TID of the thread whose pthread_t (threading.get_ident()) is
 * thread_id, read from the target's struct pthread (CPython < 3.11 keeps
 * no TID of its own); 0 when unknown. */
static uint64_t tid_of_pthread(struct pb_pyproc *p, uint64_t thread_id)
{
    int32_t tid;

    if (p->tid_off < 0 || !thread_id || rd(p, thread_id + (uint64_t)p->tid_off, &tid, sizeof tid) < 0)
        return 0;
    return tid > 0 && tid <= (1 << 22) ? (uint64_t)tid : 0;  /* pid_max's ceiling */
}

int pb_pyproc_sample(struct pb_pyproc *p, pb_pyproc_thread_fn fn, void *arg,
                     unsigned *dropped)
{
    const struct pb_pylayout *L = p->L;
    const uint8_t *ibuf = p->interp_buf;
    uint64_t interp;

    *dropped = 0;
    if (rd_ptr(p, p->runtime + L->runtime_interp_head, &interp) < 0)
        goto failed;
    for (int ni = 0; interp; ni++) {
        uint64_t tstate;

        if (ni >= MAX_INTERPS || (interp & 7) || rd(p, interp, p->interp_buf, p->interp_size) < 0 ||
            (L->interp_runtime != PB_NOFIELD && u64_at(ibuf, L->interp_runtime) != p->runtime))
            goto failed;
        tstate = u64_at(ibuf, L->interp_threads_head);
        for (int nt = 0; tstate; nt++) {
            const uint8_t *tb = p->tstate_buf;
            uint64_t here = tstate, fptr, frame;
            long nframes;
            struct pb_pythread t;

            if (nt >= MAX_THREADS || (tstate & 7) ||
                rd(p, tstate, p->tstate_buf, L->tstate_size) < 0 ||
                u64_at(tb, L->tstate_interp) != interp)
                goto failed;  /* the rest of the list is unreachable */
            fptr = u64_at(tb, L->tstate_frame);
            t.thread_id = u64_at(tb, L->tstate_thread_id);
            t.native_id = L->tstate_native_id != PB_NOFIELD ? u64_at(tb, L->tstate_native_id)
                                                            : tid_of_pthread(p, t.thread_id);
            tstate = u64_at(tb, L->tstate_next);
            if (!fptr)
                continue;  /* no Python code on this thread */
            /* A walk that meets a frame being pushed or popped under it is
             * torn; one immediate retry (microseconds later) nearly always
             * reads a whole stack, so call-heavy code is not under-sampled. */
            nframes = -1;
            for (int attempt = 0; attempt < WALK_ATTEMPTS && nframes < 0; attempt++) {
                int ok = 0;
                if (attempt > 0)  /* the innermost frame may have changed too */
                    ok = rd_ptr(p, here + L->tstate_frame, &fptr) == 0 && fptr;
                else
                    ok = 1;
                if (ok && L->frames == PB_FRAMES_CFRAME)
                    ok = rd_ptr(p, fptr + L->cframe_current_frame, &frame) == 0;
                else
                    frame = fptr;
                if (ok)
                    nframes = walk_frames(p, frame);
                if (p->gone)
                    return 1;
            }
            if (nframes < 0) {
                (*dropped)++;
                continue;
            }
            if (nframes == 0)
                continue;  /* idle: no complete Python frame */
            t.nframes = (size_t)nframes;
            t.frames = p->frames;
            fn(arg, &t);
        }
        interp = u64_at(ibuf, L->interp_next);
    }
    return 0;
failed:
    if (p->gone)
        return 1;
    (*dropped)++;
    return 0;
}

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

void pb_pyproc_free(struct pb_pyproc *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->cache_cap; i++) {
        if (p->cache[i]) {
            entry_clear(p->cache[i]);
            free(p->cache[i]);
        }
    }
    free(p->cache);
    free(p->frames);
    free(p->raw);
    free(p->headers);
    free(p->tstate_buf);
    free(p->interp_buf);
    free(p);
}

const char *pb_pyproc_version(const struct pb_pyproc *p)
{
    return p->version;
}

const char *pb_pyproc_layout_note(const struct pb_pyproc *p)
{
    return p->layout_note;
}

const char *pb_pyproc_binary(const struct pb_pyproc *p)
{
    return p->binary;
}
