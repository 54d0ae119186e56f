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

    python truth_memory.py --size 256 --touch 0.5 --truth-out FILE|-
"""
import argparse
import ctypes
import json
import os
import sys

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


def marker_line(tag):
    """Line number of the line carrying `# TRUTH:tag` in this file."""
    with open(this_file()) as f:
        for number, text in enumerate(f, 1):
            if text.rstrip().endswith("# TRUTH:" + tag):
                return number
    raise SystemExit(f"truth_memory: marker {tag} not found")


def this_file():
    """This script's path, from its own code: yappi's CLI sets __file__ to
    yappi's file."""
    return os.path.abspath(this_file.__code__.co_filename)


def where(*funcs):
    """Qualified name -> file and line range of each function."""
    out = {}
    for f in funcs:
        code = f.__code__
        lines = [line for _, _, line in code.co_lines() if line]
        out[f.__qualname__] = {"file": os.path.abspath(code.co_filename),
                               "first_line": code.co_firstlineno,
                               "last_line": max(lines)}
    return out


def write_truth(truth, dest):
    text = json.dumps(truth)
    if dest == "-":
        print(text, flush=True)
    else:
        with open(dest, "w") as f:
            f.write(text + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256,
                        help="MB allocated at the alloc line (default 256)")
    parser.add_argument("--touch", type=float, default=0.5,
                        help="fraction of it written, 0..1 (default 0.5)")
    parser.add_argument("--busy", type=int, default=2000,
                        help="thousands of loop steps run while holding it (default 2000)")
    parser.add_argument("--truth-out", metavar="FILE",
                        help="write the truth as JSON to FILE ('-': stdout)")
    args = parser.parse_args()
    if args.size <= 0 or not 0 <= args.touch <= 1:
        parser.error("--size must be positive and --touch within 0..1")
    nbytes = args.size << 20
    touched = int(nbytes * args.touch) // PAGE * PAGE
    check, before, after_alloc, after_touch, after_free = hold_memory(nbytes, touched, args.busy * 1000)

    if args.truth_out:
        here = this_file()
        write_truth({
            "pbench_truth": 1,
            "kind": "memory",
            "script": here,
            "params": {"size": args.size, "touch": args.touch, "busy": args.busy},
            "memory": {
                "function": "hold_memory", "file": here,
                "line": marker_line("alloc"), "alloc_mb": nbytes / 2**20,
                "touch_line": marker_line("touch"), "touched_mb": touched / 2**20,
                "free_line": marker_line("free"),
                "rss_before_mb": before,
                "rss_delta_alloc_mb": after_alloc - before,
                "rss_delta_touch_mb": after_touch - after_alloc,
                "rss_delta_free_mb": after_free - after_touch,
            },
            "functions": where(hold_memory, busy),
            "python": sys.version.split()[0],
        }, args.truth_out)
    print(f"truth_memory size={args.size} touch={args.touch} check={check}")


if __name__ == "__main__":
    main()
