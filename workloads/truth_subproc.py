"""Ground truth, subprocesses: most of the CPU time in a function run only by a child process.

parent_part(n) runs in the parent, then one multiprocessing child
(the "fork" start method, like workloads/multiproc.py, so no pickling of
__main__ functions is needed) runs child_part(n) while the parent waits.
The two never overlap. --child-share sets the child's share of the loop
steps (default 0.9). Each part is timed with time.perf_counter_ns (and
time.process_time_ns, CPU) in the process that runs it; the child sends
its figures back through a pipe. The section is timed around both, the
child's start and exit included.

A profiler that does not follow children reports parent_part and never
child_part.

    python truth_subproc.py --size 3000 --truth-out FILE|-
"""
import multiprocessing
import os
import time

import truthlib


def parent_part(n):
    """n loop steps in the parent process."""
    x = 3
    a, c, m = 1103515245, 12345, 0x7FFFFFFF
    for _ in range(n // 8):  # 8 steps to a line: fewer line events for line tracers
        x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m
    return x


def child_part(n):
    """n loop steps; runs only in the child process."""
    x = 5
    a, c, m = 1103515245, 12345, 0x7FFFFFFF
    for _ in range(n // 8):  # 8 steps to a line: fewer line events for line tracers
        x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m
    return x


def child_main(n, conn):
    """The child's target: times child_part from inside the child."""
    t0, c0 = time.perf_counter_ns(), time.process_time_ns()
    checksum = child_part(n)
    conn.send({"ns": time.perf_counter_ns() - t0,
               "cpu_ns": time.process_time_ns() - c0,
               "pid": os.getpid(), "checksum": checksum})
    conn.close()


def main():
    parser = truthlib.arg_parser(__doc__)
    truthlib.add_loop_size(parser)
    parser.add_argument("--child-share", type=truthlib.share, default=0.9,
                        help="share of the steps run by the child (default 0.9)")
    args = truthlib.parse_args(parser)
    steps = args.size * 1000
    n_child = round(steps * args.child_share)
    n_parent = steps - n_child

    ctx = multiprocessing.get_context("fork")
    clock = time.perf_counter_ns
    start = clock()
    c0 = time.process_time_ns()
    parent_checksum = parent_part(n_parent)
    parent_cpu_ns = time.process_time_ns() - c0
    parent_ns = clock() - start
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=child_main, args=(n_child, send), name="truth-child")
    child.start()
    send.close()
    result = recv.recv()
    child.join()
    section_ns = clock() - start
    if child.exitcode != 0:
        raise SystemExit(f"truth_subproc: the child failed with exit code {child.exitcode}")

    if args.truth_out:
        params = {"size": args.size, "child_share": args.child_share,
                  "parent_steps": n_parent, "child_steps": n_child}
        fields = truthlib.timed_parts(section_ns, [
            {"name": "parent", "root": "parent_part", "functions": ["parent_part"],
             "pid": os.getpid(), "ns": parent_ns, "cpu_ns": parent_cpu_ns},
            {"name": "child", "root": "child_part", "functions": ["child_part"],
             "pid": result["pid"], "ns": result["ns"], "cpu_ns": result["cpu_ns"]},
        ], focus="child")
        truthlib.write_truth(args.truth_out, "subprocess", truthlib.script_file(main), params,
                             fields, functions=(parent_part, child_part, child_main))
    print(f"truth_subproc size={args.size} checksum={parent_checksum ^ result['checksum']}")


if __name__ == "__main__":
    main()
