"""Ground truth, memory: allocate a known amount at one known line, touch part of it, free it.

hold_memory() does it in three marked lines:
  buf = bytes(n)                    (TRUTH:alloc)  n bytes allocated, none touched
  ctypes.memset(..., touched)       (TRUTH:touch)  the first `touched` bytes written
  del buf                           (TRUTH:free)   all of it freed
bytes(n) is the stdlib's one big zero-filled buffer that is not written
when made (CPython gets it from calloc, which for a large block maps fresh
zero pages): bytearray(n) and ctypes buffers memset theirs, so every page
would be resident at once. The touch writes through the buffer's address
(buf is private to this function, never hashed or shared), so only the
touched pages become resident.

The truth is the allocation at the alloc line (--size MB); the touched
amount (--touch, a fraction) and the resident-set changes the workload
measured itself (/proc/self/statm) are recorded beside it: an RSS-based
profiler sees the pages where they are touched, an allocation-tracking one
where they are allocated.

--where thread runs hold_memory() only in a worker thread (the main
thread waits in join()), --where child only in a forked multiprocessing
child (the parent waits; the child sends its figures back through a
pipe): the truth's kind is then "memory_thread" or "memory_child", the
probes of whether a memory profiler sees a thread's or a child's
allocations. The default, main, is kind "memory".

    python truth_memory.py --size 256 --touch 0.5 [--where main|thread|child] --truth-out FILE|-
"""
import ctypes
import multiprocessing
import os
import threading

import truthlib

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb():
    """This process's resident set now, in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def busy(n):
    """n loop steps of pure Python, 8 to a line: while the memory is held,
    every profiler (Scalene's CPU-only mode too) has something to sample."""
    x = 9
    a, c, m = 1103515245, 12345, 0x7FFFFFFF
    for _ in range(n // 8):
        x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m
    return x


def hold_memory(nbytes, touched, steps):
    """Allocates nbytes, writes the first `touched` of them, frees them all."""
    before = rss_mb()
    buf = bytes(nbytes)  # TRUTH:alloc
    after_alloc = rss_mb()
    ctypes.memset(ctypes.cast(ctypes.c_char_p(buf), ctypes.c_void_p).value, 1, touched)  # TRUTH:touch
    after_touch = rss_mb()
    busy(steps)  # hold it a while
    check = buf[0] + buf[touched - 1] if touched else 0
    del buf  # TRUTH:free
    after_free = rss_mb()
    return check, before, after_alloc, after_touch, after_free


def in_thread(nbytes, touched, steps):
    """hold_memory in a worker thread, the main thread waiting."""
    out = {}
    t = threading.Thread(target=lambda: out.update(r=hold_memory(nbytes, touched, steps)),
                         name="truth-worker")
    t.start()
    t.join()
    return out["r"]


def child_main(nbytes, touched, steps, send):
    send.send(hold_memory(nbytes, touched, steps))
    send.close()


def in_child(nbytes, touched, steps):
    """hold_memory in a forked child, the parent waiting for its figures."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=child_main, args=(nbytes, touched, steps, send), name="truth-child")
    child.start()
    send.close()
    result = recv.recv()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"truth_memory: the child exited with {child.exitcode}")
    return result


RUNNERS = {"main": hold_memory, "thread": in_thread, "child": in_child}
KINDS = {"main": "memory", "thread": "memory_thread", "child": "memory_child"}


def main():
    parser = truthlib.arg_parser(__doc__)
    parser.add_argument("--size", type=int, default=256,
                        help="MB allocated at the alloc line (default 256)")
    parser.add_argument("--touch", type=float, default=0.5,
                        help="fraction of it written, 0..1 (default 0.5)")
    parser.add_argument("--busy", type=int, default=2000,
                        help="thousands of loop steps run while holding it (default 2000)")
    parser.add_argument("--where", choices=sorted(RUNNERS), default="main",
                        help="where hold_memory runs: main (default), a worker thread, a forked child")
    args = truthlib.parse_args(parser)
    if args.size <= 0 or not 0 <= args.touch <= 1:
        parser.error("--size must be positive and --touch within 0..1")
    nbytes = args.size << 20
    touched = int(nbytes * args.touch) // PAGE * PAGE
    check, before, after_alloc, after_touch, after_free = RUNNERS[args.where](nbytes, touched,
                                                                           args.busy * 1000)

    if args.truth_out:
        here = truthlib.script_file(main)
        params = {"size": args.size, "touch": args.touch, "busy": args.busy, "where": args.where}
        fields = {"memory": {
            "function": "hold_memory", "file": here,
            "line": truthlib.marker_line(here, "alloc"), "alloc_mb": nbytes / 2**20,
            "touch_line": truthlib.marker_line(here, "touch"), "touched_mb": touched / 2**20,
            "free_line": truthlib.marker_line(here, "free"),
            "rss_before_mb": before,
            "rss_delta_alloc_mb": after_alloc - before,
            "rss_delta_touch_mb": after_touch - after_alloc,
            "rss_delta_free_mb": after_free - after_touch,
        }}
        truthlib.write_truth(args.truth_out, KINDS[args.where], here, params, fields,
                             functions=(hold_memory, busy))
    print(f"truth_memory size={args.size} touch={args.touch} where={args.where} check={check}")


if __name__ == "__main__":
    main()
