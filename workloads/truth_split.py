"""Ground truth, CPU split: the same work done inline and through a helper.

Two parts take turns in CHUNKS chunks, one after the other:
  inline_part(n)   n loop steps, the work written inline
  helper_part(n)   n loop steps, each calling helper(x) for the same work
--split S asks for the share of time in the helper side (helper_part and
helper). A step through the helper costs more than an inline step (the
call), so the number of helper steps is scaled by CALL_COST; the true
shares are not taken from S but measured: each part with
time.perf_counter_ns around every chunk, the whole section with one more
pair of reads. `share` is a part's time over the section's; both parts
together account for the section within timer overhead (share_sum ~1).

Tracing profilers charge their per-call cost to the helper side, so they
report a larger helper share than the truth; samplers should not.

    python truth_split.py --size 3000 --split 0.3 --truth-out FILE|-

The truth is JSON (one line when written to stdout, which is how
configs/accuracy.yaml gets it: the plain run's stdout.txt).
"""
import argparse
import json
import os
import sys
import time

CHUNKS = 8          # turns per part: spreads machine noise over both parts
STEPS = 8           # steps per line: line tracers pay per line event, so
                    # 8 steps to a line keep memory_profiler (~30 us per
                    # event) near 100x instead of 400x; calls stay 1 a step
CALL_COST = 1.3     # helper step / inline step time, CPython 3.11 (measured)


def helper(x):
    """One step of the work: a linear congruential generator."""
    return (x * 1103515245 + 12345) & 0x7FFFFFFF


def inline_part(n):
    """n steps with the work inline, STEPS to a line."""
    x = 1
    a, c, m = 1103515245, 12345, 0x7FFFFFFF
    for _ in range(n // STEPS):
        x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m; x = (x * a + c) & m
    return x


def helper_part(n):
    """n steps, each a call to helper, STEPS to a line."""
    x = 1
    for _ in range(n // STEPS):
        x = helper(helper(helper(helper(helper(helper(helper(helper(x))))))))
    return x


def this_file():
    """This script's path, from its own code: yappi's CLI sets __file__ to
    yappi's file."""
    return os.path.abspath(this_file.__code__.co_filename)


def where(*funcs):
    """Qualified name -> file and line range of each function."""
    out = {}
    for f in funcs:
        code = f.__code__
        lines = [line for _, _, line in code.co_lines() if line]
        out[f.__qualname__] = {"file": os.path.abspath(code.co_filename),
                               "first_line": code.co_firstlineno,
                               "last_line": max(lines)}
    return out


def write_truth(truth, dest):
    text = json.dumps(truth)
    if dest == "-":
        print(text, flush=True)
    else:
        with open(dest, "w") as f:
            f.write(text + "\n")


def run(steps, split):
    """Does the work; returns (inline_ns, helper_ns, section_ns, checksum)."""
    n_helper = round(steps * split / CALL_COST)
    n_inline = round(steps * (1 - split))
    per_inline = max(STEPS, n_inline // CHUNKS // STEPS * STEPS)
    per_helper = max(STEPS, n_helper // CHUNKS // STEPS * STEPS)
    clock = time.perf_counter_ns
    inline_ns = helper_ns = 0
    checksum = 0
    start = clock()
    for _ in range(CHUNKS):
        t0 = clock()
        checksum += inline_part(per_inline)
        t1 = clock()
        checksum += helper_part(per_helper)
        t2 = clock()
        inline_ns += t1 - t0
        helper_ns += t2 - t1
    section_ns = clock() - start
    return inline_ns, helper_ns, section_ns, checksum, per_inline, per_helper


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3000,
                        help="thousands of loop steps in all (default 3000)")
    parser.add_argument("--split", type=float, default=0.5,
                        help="share of time asked for the helper side, 0.05..0.95")
    parser.add_argument("--truth-out", metavar="FILE",
                        help="write the truth as JSON to FILE ('-': stdout)")
    args = parser.parse_args()
    if not 0.05 <= args.split <= 0.95:
        parser.error("--split must be within 0.05..0.95")
    inline_ns, helper_ns, section_ns, checksum, per_inline, per_helper = \
        run(args.size * 1000, args.split)
    if args.truth_out:
        inline_share = inline_ns / section_ns
        helper_share = helper_ns / section_ns
        write_truth({
            "pbench_truth": 1,
            "kind": "cpu_split",
            "script": this_file(),
            "params": {"size": args.size, "split": args.split, "chunks": CHUNKS,
                       "inline_steps": per_inline * CHUNKS,
                       "helper_steps": per_helper * CHUNKS},
            "clock": "perf_counter_ns",
            "section_ns": section_ns,
            "parts": [
                {"name": "inline", "root": "inline_part", "functions": ["inline_part"],
                 "ns": inline_ns, "share": inline_share},
                {"name": "helper", "root": "helper_part",
                 "functions": ["helper_part", "helper"],
                 "ns": helper_ns, "share": helper_share},
            ],
            "focus": "helper",
            "share_sum": inline_share + helper_share,
            "functions": where(inline_part, helper_part, helper),
            "python": sys.version.split()[0],
        }, args.truth_out)
    print(f"truth_split size={args.size} split={args.split} checksum={checksum}")


if __name__ == "__main__":
    main()
