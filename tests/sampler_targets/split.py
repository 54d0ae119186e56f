"""90% of the time in hot(), 10% in cold(), by construction.

Both run the same loop body; hot() does 9 times the iterations of cold()
per round, and rounds are short (a few ms) so any sampling instant falls in
one or the other in about that ratio. The loop body line of hot() is the
hottest line. Runs for --seconds (default 1.5) of wall time.
"""
import argparse
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    end = time.perf_counter() + args.seconds
    total = 0
    while time.perf_counter() < end:
        total ^= hot(9000)
        total ^= cold(1000)
    print(f"split done {total}")


if __name__ == "__main__":
    main()
