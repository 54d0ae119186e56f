"""CPU work split over worker threads; the hot function runs only in workers.

Hot function: crunch (called by each worker thread; the main thread only
starts and joins the threads). With the GIL the threads take turns, so
wall time is about the sum of their work: a test of whether a profiler
sees threads other than the main one.
"""
import argparse
import threading

THREADS = 4


def crunch(seed, n):
    """A pure-Python integer loop (a tiny linear congruential generator)."""
    x = seed
    acc = 0
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        acc ^= x >> 7
    return acc


def worker(index, n, results):
    results[index] = crunch(index + 1, n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100,
                        help="thousands of loop steps per thread (4 threads)")
    args = parser.parse_args()
    n = args.size * 1000
    results = [0] * THREADS
    threads = [threading.Thread(target=worker, args=(i, n, results), name=f"worker-{i}")
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checksum = 0
    for r in results:
        checksum ^= r
    print(f"threads size={args.size} threads={THREADS} checksum={checksum}")


if __name__ == "__main__":
    main()
