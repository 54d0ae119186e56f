"""CPU work in child processes (multiprocessing); the hot function runs only there.

Hot function: crunch (called in each child by child_main; the parent only
starts the children and collects their results from a queue). Tests
whether a profiler follows subprocesses.

The children are started with the "fork" method and a Process target rather
than Pool.map: Pool pickles the task function by its name in __main__, which
fails under profilers that run the script in a namespace other than the real
__main__ module (python -m cProfile script.py, for one). We want to measure
profiling overhead here, not that pickling trap.
"""
import argparse
import multiprocessing

WORKERS = 2


def crunch(seed, n):
    """A pure-Python integer loop (a tiny linear congruential generator)."""
    x = seed
    acc = 0
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        acc ^= x >> 7
    return acc


def child_main(index, n, queue):
    queue.put((index, crunch(index + 1, n)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100,
                        help="thousands of loop steps per child (2 children)")
    args = parser.parse_args()
    n = args.size * 1000
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=child_main, args=(i, n, queue), name=f"child-{i}")
             for i in range(WORKERS)]
    for p in procs:
        p.start()
    results = dict(queue.get() for _ in procs)
    for p in procs:
        p.join()
    bad = [p.exitcode for p in procs if p.exitcode != 0]
    if bad:
        raise SystemExit(f"multiproc: children failed with exit codes {bad}")
    checksum = 0
    for i in sorted(results):
        checksum ^= results[i]
    print(f"multiproc size={args.size} workers={WORKERS} checksum={checksum}")


if __name__ == "__main__":
    main()
