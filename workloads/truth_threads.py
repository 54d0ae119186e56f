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
import threading
import time

import truthlib


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


def main():
    parser = truthlib.arg_parser(__doc__)
    truthlib.add_loop_size(parser)
    parser.add_argument("--thread-share", type=truthlib.share, default=0.9,
                        help="share of the steps run by the worker thread (default 0.9)")
    args = truthlib.parse_args(parser)
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
        params = {"size": args.size, "thread_share": args.thread_share,
                  "main_steps": n_main, "thread_steps": n_thread}
        fields = truthlib.timed_parts(section_ns, [
            {"name": "main", "root": "main_part", "functions": ["main_part"],
             "thread": "MainThread", "ns": main_ns, "cpu_ns": main_cpu_ns},
            {"name": "thread", "root": "thread_part", "functions": ["thread_part"],
             "thread": result["thread"], "ns": result["ns"], "cpu_ns": result["cpu_ns"]},
        ], focus="thread")
        truthlib.write_truth(args.truth_out, "threads", truthlib.script_file(main), params,
                             fields, functions=(main_part, thread_part, worker))
    print(f"truth_threads size={args.size} checksum={main_checksum ^ result['checksum']}")


if __name__ == "__main__":
    main()
