"""The hot function runs only in a worker thread; the main thread waits.

worker_hot() spins for --seconds (default 1.5) in a thread named
"pbench-worker"; the main thread blocks in join(), so its samples are wall
time but not CPU time.
"""
import argparse
import threading
import time


def worker_hot(seconds):
    end = time.perf_counter() + seconds
    acc = 0
    while time.perf_counter() < end:
        for i in range(2000):
            acc = (acc * 31 + i) % 1000003
    return acc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    t = threading.Thread(target=worker_hot, args=(args.seconds,), name="pbench-worker")
    t.start()
    t.join()
    print("worker done")


if __name__ == "__main__":
    main()
