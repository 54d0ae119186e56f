"""Ground truth, native time: most of the time inside C code called from known lines.

Two parts take turns ROUNDS times:
  python_part(n)        a pure-Python loop (time in the interpreter)
  native_part(d, blob)  two lines that spend their time in C:
                          sorted() of a big list of floats   (TRUTH:sort)
                          zlib.compress() of a text blob     (TRUTH:zlib)
Each part is timed with time.perf_counter_ns, and each native line on its
own; the lines are found by their TRUTH: markers, so their numbers stay
right when the file is edited. The truth's native share is the two native
lines' time over both parts' time: what a profiler that splits Python from
native time should report for these functions.

    python truth_native.py --size 100 --truth-out FILE|-
"""
import random
import time
import zlib

import truthlib

ROUNDS = 4


def python_part(n):
    """n loop steps of pure Python."""
    x = 7
    a, c, m = 1103515245, 12345, 0x7FFFFFFF
    for _ in range(n // 8):  # 8 steps to a line: fewer line events for line tracers
        x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m
    return x


def native_part(data, blob):
    """Sorts data and compresses blob: two lines of C time, each timed."""
    clock = time.perf_counter_ns
    t0 = clock()
    ordered = sorted(data)  # TRUTH:sort
    t1 = clock()
    packed = zlib.compress(blob, 6)  # TRUTH:zlib
    t2 = clock()
    return ordered[len(ordered) // 2], len(packed), t1 - t0, t2 - t1


def make_data(n):
    """n random floats and a prose-like text of about 3n bytes."""
    rng = random.Random(11)
    data = [rng.random() for _ in range(n)]
    words = " ".join(f"w{rng.getrandbits(12)}" for _ in range(n // 2))
    return data, words.encode()


def main():
    parser = truthlib.arg_parser(__doc__)
    parser.add_argument("--size", type=int, default=100,
                        help="thousands of floats sorted per round (default 100)")
    parser.add_argument("--python-steps", type=int, default=None,
                        help="Python loop steps per round (default: 2 x floats)")
    args = truthlib.parse_args(parser)
    n = args.size * 1000
    steps = args.python_steps if args.python_steps is not None else 2 * n
    data, blob = make_data(n)

    clock = time.perf_counter_ns
    python_ns = native_ns = sort_ns = zlib_ns = 0
    checksum = 0.0
    start = clock()
    for _ in range(ROUNDS):
        t0 = clock()
        checksum += python_part(steps)
        t1 = clock()
        median, packed_len, s_ns, z_ns = native_part(data, blob)
        t2 = clock()
        checksum += median + packed_len
        python_ns += t1 - t0
        native_ns += t2 - t1
        sort_ns += s_ns
        zlib_ns += z_ns
    section_ns = clock() - start

    if args.truth_out:
        here = truthlib.script_file(main)
        params = {"size": args.size, "python_steps": steps, "rounds": ROUNDS,
                  "blob_bytes": len(blob)}
        fields = truthlib.timed_parts(section_ns, [
            {"name": "python", "root": "python_part", "functions": ["python_part"],
             "ns": python_ns},
            {"name": "native", "root": "native_part", "functions": ["native_part"],
             "ns": native_ns},
        ], focus="native")
        fields["lines"] = [
            {"tag": "sort", "file": here, "line": truthlib.marker_line(here, "sort"),
             "function": "native_part", "native": True, "ns": sort_ns,
             "share": sort_ns / section_ns},
            {"tag": "zlib", "file": here, "line": truthlib.marker_line(here, "zlib"),
             "function": "native_part", "native": True, "ns": zlib_ns,
             "share": zlib_ns / section_ns},
        ]
        # C time over the time of both parts (python_part + native_part)
        fields["native_fraction"] = (sort_ns + zlib_ns) / (python_ns + native_ns)
        truthlib.write_truth(args.truth_out, "native", here, params, fields,
                             functions=(python_part, native_part, make_data))
    print(f"truth_native size={args.size} checksum={checksum:.3f}")


if __name__ == "__main__":
    main()
