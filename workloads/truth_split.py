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
import time

import truthlib

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
    parser = truthlib.arg_parser(__doc__)
    truthlib.add_loop_size(parser)
    parser.add_argument("--split", type=truthlib.share, default=0.5,
                        help="share of time asked for the helper side, 0.05..0.95")
    args = truthlib.parse_args(parser)
    inline_ns, helper_ns, section_ns, checksum, per_inline, per_helper = \
        run(args.size * 1000, args.split)
    if args.truth_out:
        params = {"size": args.size, "split": args.split, "chunks": CHUNKS,
                  "inline_steps": per_inline * CHUNKS, "helper_steps": per_helper * CHUNKS}
        fields = truthlib.timed_parts(section_ns, [
            {"name": "inline", "root": "inline_part", "functions": ["inline_part"],
             "ns": inline_ns},
            {"name": "helper", "root": "helper_part", "functions": ["helper_part", "helper"],
             "ns": helper_ns},
        ], focus="helper")
        truthlib.write_truth(args.truth_out, "cpu_split", truthlib.script_file(main), params,
                             fields, functions=(inline_part, helper_part, helper))
    print(f"truth_split size={args.size} split={args.split} checksum={checksum}")


if __name__ == "__main__":
    main()
