"""The hot function runs only in a multiprocessing child process.

child_hot() spins for --seconds (default 1.5) in a multiprocessing.Process
started with --method (fork by default, or spawn); the parent only waits.
"""
import argparse
import multiprocessing
import time


def child_hot(seconds):
    end = time.perf_counter() + seconds
    acc = 0
    while time.perf_counter() < end:
        for i in range(2000):
            acc = (acc * 31 + i) % 1000003


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--method", default="fork")
    args = parser.parse_args()
    ctx = multiprocessing.get_context(args.method)
    p = ctx.Process(target=child_hot, args=(args.seconds,))
    p.start()
    p.join()
    print(f"child exit code {p.exitcode}")


if __name__ == "__main__":
    main()
