/* Reading CPython 3.8-3.13 stacks from another process: the walk, code
 * objects and strings; attaching is in pyattach.c. See pystack.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "sampler/linetable.h"
#include "sampler/pystack_impl.h"

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
 * p->frames. Returns the number of frames, or -1 when inconsistent; sets
 * *truncated when the stack went on past MAX_DEPTH frames (then the
 * innermost MAX_DEPTH are kept).
 *
 * Two passes keep system calls few. First the frame chain: from 3.11 a
 * thread's frames are pushed on its own data stack, callee above caller,
 * so one read of the page below a frame usually holds its callers too
 * (before 3.11 each frame is a heap object, read alone). Then every
 * frame's code object header in one vectored read. */
static long walk_frames(struct pb_pyproc *p, uint64_t frame, int *truncated)
{
    const struct pb_pylayout *L = p->L;
    uint64_t win_lo = 0, win_hi = 0;  /* p->window holds [win_lo, win_hi) */
    size_t nraw = 0, n = 0;
    int on_stack = L->frames != PB_FRAMES_OBJECT;

    *truncated = 0;
    for (size_t depth = 0; frame; depth++) {
        const uint8_t *fb;
        int owner = -1;

        if (depth >= MAX_DEPTH) {
            *truncated = 1;  /* keep the innermost frames: they are where the time is */
            break;
        }
        if ((frame & 7) || !plausible(frame, L->frame_size) ||
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
                /* a retry reads the innermost frame again: it may have moved too */
                int ok = attempt == 0 || (rd_ptr(p, here + L->tstate_frame, &fptr) == 0 && fptr);
                frame = fptr;
                if (ok && L->frames == PB_FRAMES_CFRAME)
                    ok = rd_ptr(p, fptr + L->cframe_current_frame, &frame) == 0;
                if (ok)
                    nframes = walk_frames(p, frame, &t.truncated);
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
