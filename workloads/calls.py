"""Call-heavy work: naive recursion plus many tiny function and method calls.

Hot functions: fib (recursive, ~half the time), Counter.step and
tiny_add (small helpers called millions of times from count_up).
"""
import argparse

FIB_N = 18


def fib(n):
    """Naive recursive Fibonacci: one Python call per node."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def tiny_add(a, b):
    return a + b


class Counter:
    def __init__(self):
        self.total = 0

    def step(self, k):
        self.total = tiny_add(self.total, k & 7)
        return self.total


def count_up(n):
    """Call Counter.step (which calls tiny_add) n times."""
    counter = Counter()
    for k in range(n):
        counter.step(k)
    return counter.total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100,
                        help="rounds; each is fib(18) plus 5000 helper calls")
    args = parser.parse_args()
    fibs = 0
    steps = 0
    for _ in range(args.size):
        fibs += fib(FIB_N)
        steps += count_up(5000)
    print(f"calls size={args.size} fib_sum={fibs} step_sum={steps}")


if __name__ == "__main__":
    main()
