"""The 90/10 hot/cold split of split.py, run where --where says:

    main    in the main thread
    thread  in a worker thread named "pbench-worker" (the main thread waits)
    child   in a multiprocessing child (fork; the parent waits)
    deep    in the main thread under --depth (default 300) nested calls

so one check (hot() gets ~90% of the two functions' samples) covers
threads, subprocesses and deep stacks on every CPython version. Plain
Python 3.8 syntax on purpose. Runs for --seconds (default 1.2).
"""
import argparse
import multiprocessing
import sys
import threading
import time


def hot(n):
    acc = 0
    for i in range(n):
        acc = (acc * 1103515245 + 12345 + i * i) % 2147483647  # HOT LINE
    return acc


def cold(n):
    acc = 0
    for i in range(n):
        acc = (acc * 1103515245 + 12345 + i * i) % 2147483647  # COLD LINE
    return acc


def split(seconds):
    end = time.perf_counter() + seconds
    total = 0
    while time.perf_counter() < end:
        total ^= hot(9000)
        total ^= cold(1000)
    return total


def descend(depth, seconds):
    if depth <= 0:
        return split(seconds)
    return descend(depth - 1, seconds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--where", default="main",
                        choices=["main", "thread", "child", "deep"])
    parser.add_argument("--seconds", type=float, default=1.2)
    parser.add_argument("--depth", type=int, default=300)
    args = parser.parse_args()
    if args.where == "thread":
        t = threading.Thread(target=split, args=(args.seconds,), name="pbench-worker")
        t.start()
        t.join()
    elif args.where == "child":
        p = multiprocessing.get_context("fork").Process(target=split, args=(args.seconds,))
        p.start()
        p.join()
    elif args.where == "deep":
        sys.setrecursionlimit(args.depth + 1000)
        descend(args.depth, args.seconds)
    else:
        split(args.seconds)
    print("split_anywhere done (%s)" % args.where)


if __name__ == "__main__":
    main()
