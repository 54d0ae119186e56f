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
import argparse
import json
import multiprocessing
import os
import sys
import time


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
    parser.add_argument("--child-share", type=float, default=0.9,
                        help="share of the steps run by the child (default 0.9)")
    parser.add_argument("--truth-out", metavar="FILE",
                        help="write the truth as JSON to FILE ('-': stdout)")
    args = parser.parse_args()
    if not 0.05 <= args.child_share <= 0.95:
        parser.error("--child-share must be within 0.05..0.95")
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
        parent_share = parent_ns / section_ns
        child_share = result["ns"] / section_ns
        write_truth({
            "pbench_truth": 1,
            "kind": "subprocess",
            "script": this_file(),
            "params": {"size": args.size, "child_share": args.child_share,
                       "parent_steps": n_parent, "child_steps": n_child},
            "clock": "perf_counter_ns",
            "section_ns": section_ns,
            "parts": [
                {"name": "parent", "root": "parent_part", "functions": ["parent_part"],
                 "pid": os.getpid(), "ns": parent_ns, "cpu_ns": parent_cpu_ns,
                 "share": parent_share},
                {"name": "child", "root": "child_part", "functions": ["child_part"],
                 "pid": result["pid"], "ns": result["ns"], "cpu_ns": result["cpu_ns"],
                 "share": child_share},
            ],
            "focus": "child",
            "share_sum": parent_share + child_share,
            "functions": where(parent_part, child_part, child_main),
            "python": sys.version.split()[0],
        }, args.truth_out)
    print(f"truth_subproc size={args.size} checksum={parent_checksum ^ result['checksum']}")


if __name__ == "__main__":
    main()
