"""Ground truth, threads: most of the CPU time in a function run only by a worker thread.

main_part(n) runs in the main thread, then one worker thread runs
thread_part(n) while the main thread waits in join(). The two never
overlap, so wall and CPU shares agree. --thread-share sets the worker's
share of the loop steps (default 0.9). Each part is timed with
time.perf_counter_ns (and time.thread_time_ns, CPU) inside the thread that
runs it; the section is timed around both, thread start and join included.

A profiler that follows only the main thread reports main_part and never
thread_part; one that sees every thread reports thread_part near its true
share.

    python truth_threads.py --size 3000 --truth-out FILE|-
"""
import argparse
import json
import os
import sys
import threading
import time


def main_part(n):
    """n loop steps in the main thread."""
    x = 3
    a, c, m = 1103515245, 12345, 0x7FFFFFFF
    for _ in range(n // 8):  # 8 steps to a line: fewer line events for line tracers
        x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m
    return x


def thread_part(n):
    """n loop steps; runs only in the worker thread."""
    x = 5
    a, c, m = 1103515245, 12345, 0x7FFFFFFF
    for _ in range(n // 8):  # 8 steps to a line: fewer line events for line tracers
        x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m
    return x


def worker(n, out):
    """The worker thread's target: times thread_part from inside the thread."""
    t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
    out["checksum"] = thread_part(n)
    out["ns"] = time.perf_counter_ns() - t0
    out["cpu_ns"] = time.thread_time_ns() - c0
    out["thread"] = threading.current_thread().name


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
    parser.add_argument("--size", type=int, default=3000,
                        help="thousands of loop steps in all (default 3000)")
    parser.add_argument("--thread-share", type=float, default=0.9,
                        help="share of the steps run by the worker thread (default 0.9)")
    parser.add_argument("--truth-out", metavar="FILE",
                        help="write the truth as JSON to FILE ('-': stdout)")
    args = parser.parse_args()
    if not 0.05 <= args.thread_share <= 0.95:
        parser.error("--thread-share must be within 0.05..0.95")
    steps = args.size * 1000
    n_thread = round(steps * args.thread_share)
    n_main = steps - n_thread

    clock = time.perf_counter_ns
    start = clock()
    c0 = time.thread_time_ns()
    main_checksum = main_part(n_main)
    main_cpu_ns = time.thread_time_ns() - c0
    main_ns = clock() - start
    result = {}
    t = threading.Thread(target=worker, args=(n_thread, result), name="truth-worker")
    t.start()
    t.join()
    section_ns = clock() - start

    if args.truth_out:
        main_share = main_ns / section_ns
        thread_share = result["ns"] / section_ns
        write_truth({
            "pbench_truth": 1,
            "kind": "threads",
            "script": this_file(),
            "params": {"size": args.size, "thread_share": args.thread_share,
                       "main_steps": n_main, "thread_steps": n_thread},
            "clock": "perf_counter_ns",
            "section_ns": section_ns,
            "parts": [
                {"name": "main", "root": "main_part", "functions": ["main_part"],
                 "thread": "MainThread", "ns": main_ns, "cpu_ns": main_cpu_ns,
                 "share": main_share},
                {"name": "thread", "root": "thread_part", "functions": ["thread_part"],
                 "thread": result["thread"], "ns": result["ns"],
                 "cpu_ns": result["cpu_ns"], "share": thread_share},
            ],
            "focus": "thread",
            "share_sum": main_share + thread_share,
            "functions": where(main_part, thread_part, worker),
            "python": sys.version.split()[0],
        }, args.truth_out)
    print(f"truth_threads size={args.size} checksum={main_checksum ^ result['checksum']}")


if __name__ == "__main__":
    main()
