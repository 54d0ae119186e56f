"""Sleep- and I/O-bound work: wall time far above CPU time.

Hot functions: nap (time.sleep, most of the wall time) and file_roundtrip
(write a small file in a temporary directory, read it back, delete it).
A wall-clock profiler should put most time on nap; a CPU profiler should
show almost nothing there.
"""
import argparse
import os
import tempfile
import time

NAP_S = 0.01


def nap():
    time.sleep(NAP_S)


def file_roundtrip(directory, index):
    """Write about 4 kB, read it back and remove the file; return bytes read."""
    path = os.path.join(directory, f"chunk-{index}.txt")
    with open(path, "w") as f:
        for line in range(64):
            f.write(f"{index:06d} line {line:03d} " + "x" * 48 + "\n")
    with open(path) as f:
        data = f.read()
    os.remove(path)
    return len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100,
                        help="rounds; each sleeps 10 ms and writes/reads a 4 kB file")
    args = parser.parse_args()
    total = 0
    with tempfile.TemporaryDirectory(prefix="pbench-io-") as directory:
        for i in range(args.size):
            nap()
            total += file_roundtrip(directory, i)
    print(f"io_sleep size={args.size} bytes={total}")


if __name__ == "__main__":
    main()
