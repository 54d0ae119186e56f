"""Spins, then leaves abruptly in the middle of the work.

--how exit: os._exit(--code) (default 3); --how kill: SIGKILL to itself.
Either way no interpreter shutdown runs: the process vanishes while the
sampler may be reading its stack.
"""
import argparse
import os
import signal
import time


def busy_until(deadline):
    acc = 0
    while time.perf_counter() < deadline:
        for i in range(1000):
            acc = (acc * 31 + i) % 1000003
    return acc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=0.8)
    parser.add_argument("--how", choices=["exit", "kill"], default="exit")
    parser.add_argument("--code", type=int, default=3)
    args = parser.parse_args()
    busy_until(time.perf_counter() + args.seconds)
    if args.how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(args.code)


if __name__ == "__main__":
    main()
