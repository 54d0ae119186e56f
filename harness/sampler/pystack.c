/* Reading CPython 3.11 stacks from another process; see pystack.h. */
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
#define FRAME_MAX 256           /* room for _PyInterpreterFrame (72 bytes in 3.11) */
#define IOV_BATCH 256           /* code headers per process_vm_readv */
#define ADDR_MAX 0x0000800000000000ull  /* end of the x86-64/aarch64 user half */

struct code_entry {
    struct pb_pycode pub;
    uint64_t addr;
    /* What the code object held when resolved: a re-read that differs means
     * the address now holds another code object. */
    uint64_t filename_ptr, qualname_ptr, linetable_ptr;
    int64_t nunits;
    int firsttraceable;
    uint8_t *linetable;
    size_t linetable_len;
};

/* One frame as the first pass of a walk reads it. */
struct raw_frame {
    uint64_t code;
    uint64_t prev_instr;
    int owner;
};

struct pb_pyproc {
    pid_t pid;
    const struct pb_pylayout *L;
    uint64_t runtime;          /* &_PyRuntime in the target */
    uint64_t code_type, str_type, bytes_type;
    char version[32];
    char binary[4096];
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
    e->nunits = i64_at(buf, L->ob_size);
    e->firsttraceable = i32_at(buf, L->code_firsttraceable);
    e->pub.firstlineno = i32_at(buf, L->code_firstlineno);
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
        e->nunits == i64_at(buf, L->ob_size) &&
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

/* Walks one thread's frames from frame (innermost) outwards into
 * p->frames. Returns the number of frames, or -1 when inconsistent.
 *
 * Two passes keep system calls few. First the frame chain: 3.11 pushes a
 * thread's frames on its own data stack, callee above caller, so one read
 * of the page below a frame usually holds its callers too. Then every
 * frame's code object header in one vectored read. */
static long walk_frames(struct pb_pyproc *p, uint64_t frame)
{
    const struct pb_pylayout *L = p->L;
    uint64_t win_lo = 0, win_hi = 0;  /* p->window holds [win_lo, win_hi) */
    size_t nraw = 0, n = 0;

    for (; frame; nraw++) {
        const uint8_t *fb;

        if (nraw >= MAX_DEPTH || (frame & 7) || !plausible(frame, L->frame_size) ||
            L->frame_size > FRAME_MAX ||
            frames_room(p, nraw + 1) < 0)
            return -1;
        if (frame < win_lo || frame + L->frame_size > win_hi) {
            uint64_t lo = frame & ~(uint64_t)(WINDOW - 1);  /* mapped: the frame is */
            if (rd(p, lo, p->window, frame + L->frame_size - lo) < 0)
                return -1;
            win_lo = lo;
            win_hi = frame + L->frame_size;
        }
        fb = p->window + (frame - win_lo);
        p->raw[nraw].code = u64_at(fb, L->frame_code);
        p->raw[nraw].prev_instr = u64_at(fb, L->frame_prev_instr);
        p->raw[nraw].owner = (signed char)fb[L->frame_owner];
        frame = u64_at(fb, L->frame_previous);
    }
    if (read_headers(p, nraw) < 0)
        return -1;
    for (size_t i = 0; i < nraw; i++) {
        const struct raw_frame *r = &p->raw[i];
        struct code_entry *e = code_entry_of(p, r->code, p->headers + i * L->code_size);
        uint64_t code_start = r->code + L->code_size;
        int64_t unit;
        int line;

        if (!e)
            return -1;
        /* prev_instr points into the code object's own bytecode; one unit
         * before it for a frame that has not started. */
        if ((r->prev_instr - code_start) % L->code_unit != 0)
            return -1;
        unit = ((int64_t)(r->prev_instr - code_start)) / (int64_t)L->code_unit;
        if (unit < -1 || unit >= e->nunits)
            return -1;
        /* An incomplete frame (pushed, RESUME not yet run) is skipped, as
         * CPython's own tracebacks do. */
        if (r->owner != L->owned_by_generator && unit < e->firsttraceable)
            continue;
        line = pb_linetable_line(e->linetable, e->linetable_len, e->pub.firstlineno,
                                 (int)(unit * (int64_t)L->code_unit));
        if (line < 0)
            line = e->pub.firstlineno;
        p->frames[n].code = &e->pub;
        p->frames[n].line = line;
        n++;
    }
    return (long)n;
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
            u64_at(ibuf, L->interp_runtime) != p->runtime)
            goto failed;
        tstate = u64_at(ibuf, L->interp_threads_head);
        for (int nt = 0; tstate; nt++) {
            const uint8_t *tb = p->tstate_buf;
            uint64_t cframe, frame;
            long nframes;
            struct pb_pythread t;

            if (nt >= MAX_THREADS || (tstate & 7) ||
                rd(p, tstate, p->tstate_buf, L->tstate_size) < 0 ||
                u64_at(tb, L->tstate_interp) != interp)
                goto failed;  /* the rest of the list is unreachable */
            cframe = u64_at(tb, L->tstate_cframe);
            t.native_id = u64_at(tb, L->tstate_native_id);
            t.thread_id = u64_at(tb, L->tstate_thread_id);
            tstate = u64_at(tb, L->tstate_next);
            if (!cframe)
                continue;  /* no Python code on this thread */
            /* A walk that meets a frame being pushed or popped under it is
             * torn; one immediate retry (microseconds later) nearly always
             * reads a whole stack, so call-heavy code is not under-sampled. */
            nframes = -1;
            for (int attempt = 0; attempt < WALK_ATTEMPTS && nframes < 0; attempt++) {
                if (rd_ptr(p, cframe + L->cframe_current_frame, &frame) == 0)
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

static void version_string(unsigned long hex, char *buf, size_t n)
{
    unsigned level = (hex >> 4) & 0xf, serial = hex & 0xf;
    const char *tag = level == 0xa ? "a" : level == 0xb ? "b" : level == 0xc ? "rc" : "";

    if (*tag)
        snprintf(buf, n, "%lu.%lu.%lu%s%u", (hex >> 24) & 0xff, (hex >> 16) & 0xff,
                 (hex >> 8) & 0xff, tag, serial);
    else
        snprintf(buf, n, "%lu.%lu.%lu", (hex >> 24) & 0xff, (hex >> 16) & 0xff,
                 (hex >> 8) & 0xff);
}

int pb_pyproc_attach(pid_t pid, struct pb_pyproc **out, struct pb_error *err)
{
    const struct pb_pylayout *L = pb_pylayout_get();
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
    char exe[4096], built[32];
    const char *where = NULL;
    uint64_t bias = 0;
    unsigned long hex = 0;
    int rc = PB_PYATTACH_ERROR;

    *out = NULL;
    if (!L) {
        pb_error_set(err, "pbench was built without CPython headers (install python3-dev "
                          "and rebuild): it cannot read Python stacks");
        return PB_PYATTACH_UNSUPPORTED;
    }
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
    version_string(L->version_hex, built, sizeof built);
    if (!syms[SYM_VERSION].found) {
        pb_error_set(err, "'%s' is a CPython older than 3.11 (no Py_Version symbol); "
                          "pbench sample reads CPython %s", where, built);
        rc = PB_PYATTACH_UNSUPPORTED;
        goto cleanup;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        pb_error_set(err, "out of memory");
        goto cleanup;
    }
    p->pid = pid;
    p->L = L;
    if (rd(p, syms[SYM_VERSION].value + bias, &hex, sizeof hex) < 0) {
        pb_error_set(err, "cannot read Py_Version in process %d", (int)pid);
        rc = p->gone ? PB_PYATTACH_ERROR : PB_PYATTACH_UNSUPPORTED;
        goto cleanup;
    }
    version_string(hex, p->version, sizeof p->version);
    if (((hex >> 16) & 0xffff) != ((L->version_hex >> 16) & 0xffff)) {
        pb_error_set(err, "'%s' is CPython %s, but this pbench reads CPython %lu.%lu "
                          "(the headers it was built with)", where, p->version,
                     (unsigned long)(L->version_hex >> 24) & 0xff,
                     (unsigned long)(L->version_hex >> 16) & 0xff);
        rc = PB_PYATTACH_UNSUPPORTED;
        goto cleanup;
    }
    if (syms[SYM_RUNTIME].size && syms[SYM_RUNTIME].size != L->runtime_size) {
        pb_error_set(err, "'%s' (CPython %s) has a %llu-byte _PyRuntime, but the headers "
                          "pbench was built with (%s) say %zu: a different build layout",
                     where, p->version, (unsigned long long)syms[SYM_RUNTIME].size, built,
                     L->runtime_size);
        rc = PB_PYATTACH_UNSUPPORTED;
        goto cleanup;
    }
    if (!syms[SYM_CODE].found || !syms[SYM_STR].found || !syms[SYM_BYTES].found) {
        pb_error_set(err, "'%s' does not export PyCode_Type, PyUnicode_Type and PyBytes_Type",
                     where);
        rc = PB_PYATTACH_UNSUPPORTED;
        goto cleanup;
    }
    p->runtime = syms[SYM_RUNTIME].value + bias;
    p->code_type = syms[SYM_CODE].value + bias;
    p->str_type = syms[SYM_STR].value + bias;
    p->bytes_type = syms[SYM_BYTES].value + bias;
    snprintf(p->binary, sizeof p->binary, "%s", where);
    p->tstate_buf = malloc(L->tstate_size);
    p->interp_size = L->interp_next;
    if (L->interp_threads_head > p->interp_size)
        p->interp_size = L->interp_threads_head;
    if (L->interp_runtime > p->interp_size)
        p->interp_size = L->interp_runtime;
    p->interp_size += sizeof(uint64_t);
    p->interp_buf = malloc(p->interp_size);
    if (!p->tstate_buf || !p->interp_buf) {
        pb_error_set(err, "out of memory");
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

const char *pb_pyproc_binary(const struct pb_pyproc *p)
{
    return p->binary;
}
