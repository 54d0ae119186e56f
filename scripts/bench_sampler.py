#!/usr/bin/env python3
"""Overhead of `pbench sample` next to py-spy, on CPU-bound workloads.

Runs every workload plain, under `pbench sample -r RATE --subprocesses` and
under `py-spy record -r RATE --subprocesses`, interleaved: each round runs
every (workload, mode) pair once in a shuffled order, so drift in machine
load hits all modes alike. Prints per-workload median wall times, the
normalized time (median profiled / median plain, same rounds) of both
samplers, the median of those over the workloads, and CPU time: the
sampler's own (from its JSON) and py-spy's (its process tree's CPU minus
the plain run's median, an estimate).

    scripts/bench_sampler.py --pbench build/pbench --rounds 7
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Workload -> (probe --size, exponent of work in size). Sizes are calibrated
# at start so that each plain run takes about --seconds of CPU time: the
# workloads' own defaults change as they are tuned, and machines differ.
WORKLOADS = {
    "julia": (150, 2),
    "calls": (100, 1),
    "alloc": (10, 1),
    "native": (5, 1),
    "threads": (200, 1),
    "multiproc": (200, 1),
}


def run(argv, cwd):
    """Runs argv; returns (wall seconds, CPU seconds of its process tree, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, proc.returncode


def calibrate(python, name, seconds, cwd):
    """The --size that makes workload name take about `seconds` of CPU."""
    probe, exponent = WORKLOADS[name]
    script = os.path.join(ROOT, "workloads", name + ".py")
    _, cpu, rc = run([python, script, "--size", str(probe)], cwd)
    if rc != 0:
        sys.exit(f"bench_sampler: workload '{name}' exited {rc} while calibrating")
    return max(1, round(probe * (seconds / max(cpu, 0.01)) ** (1.0 / exponent)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbench", default=os.path.join(ROOT, "build", "pbench"))
    parser.add_argument("--py-spy", default=os.path.join(ROOT, ".venv", "bin", "py-spy"))
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1.5,
                        help="CPU seconds per plain run (sizes are calibrated to it)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every run's wall and CPU time to stderr")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="comma-separated subset of " + ",".join(WORKLOADS))
    args = parser.parse_args()

    for tool in (args.pbench, args.py_spy, args.python):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench_sampler: '{tool}' is not executable (build pbench, or see --help)")
    names = [w for w in args.workloads.split(",") if w]
    for name in names:
        if name not in WORKLOADS:
            sys.exit(f"bench_sampler: unknown workload '{name}'")
    tmp = tempfile.mkdtemp(prefix="bench-sampler-")
    modes = ("plain", "pbench", "py-spy")
    walls = {(w, m): [] for w in names for m in modes}
    cpus = {(w, m): [] for w in names for m in modes}
    own = {w: [] for w in names}       # pbench sample's own CPU, from its JSON
    dropped = {w: [] for w in names}
    target_cpu = {w: [] for w in names}  # the workload's CPU under pbench sample
    rng = random.Random(args.seed)
    sizes = {}
    load_start = os.getloadavg()[0]
    try:
        for w in names:
            sizes[w] = calibrate(args.python, w, args.seconds, tmp)
        for rnd in range(args.rounds):
            pairs = [(w, m) for w in names for m in modes]
            rng.shuffle(pairs)
            for w, m in pairs:
                script = os.path.join(ROOT, "workloads", w + ".py")
                target = [args.python, script, "--size", str(sizes[w])]
                out = os.path.join(tmp, f"{w}-{m}-{rnd}")
                if m == "plain":
                    argv = target
                elif m == "pbench":
                    argv = [args.pbench, "sample", "-r", str(args.rate), "--subprocesses",
                            "-q", "-o", out + ".json", "--"] + target
                else:
                    argv = [args.py_spy, "record", "-r", str(args.rate), "--subprocesses",
                            "-f", "speedscope", "-o", out + ".speedscope.json", "--"] + target
                wall, cpu, rc = run(argv, tmp)
                if rc != 0:
                    sys.exit(f"bench_sampler: {' '.join(argv)} exited {rc}")
                if args.verbose:
                    print(f"{w:<10} {m:<7} wall {wall:7.3f} s  cpu {cpu:7.3f} s", file=sys.stderr)
                walls[w, m].append(wall)
                cpus[w, m].append(cpu)
                if m == "pbench":
                    with open(out + ".json", encoding="utf-8") as f:
                        doc = json.load(f)
                    own[w].append(doc["sampler"]["cpu_s"])
                    target_cpu[w].append(doc["target"]["user_s"] + doc["target"]["sys_s"])
                    dropped[w].append(doc["samples"]["dropped"] /
                                      max(1, doc["samples"]["taken"] + doc["samples"]["dropped"]))
            print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = statistics.median
    print(f"pbench sample vs py-spy record at {args.rate} Hz, --subprocesses, "
          f"{args.rounds} interleaved rounds; load average {load_start:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at end; median wall seconds")
    print(f"{'workload':<10} {'size':>5} {'plain':>7} {'pbench':>7} {'py-spy':>7} "
          f"{'pbench/plain':>13} {'py-spy/plain':>13} {'target CPU':>11} "
          f"{'pbench CPU':>11} {'py-spy CPU~':>12} {'dropped':>8}")
    norm_pb, norm_ps = [], []
    for w in names:
        plain = med(walls[w, "plain"])
        pb, ps = med(walls[w, "pbench"]), med(walls[w, "py-spy"])
        norm_pb.append(pb / plain)
        norm_ps.append(ps / plain)
        plain_cpu = med(cpus[w, "plain"])
        spy_cpu = med(cpus[w, "py-spy"]) - plain_cpu
        print(f"{w:<10} {sizes[w]:5d} {plain:7.3f} {pb:7.3f} {ps:7.3f} {pb / plain:12.3f}x "
              f"{ps / plain:12.3f}x {med(target_cpu[w]) / plain_cpu:10.3f}x "
              f"{med(own[w]):10.3f}s {spy_cpu:11.3f}s {100 * med(dropped[w]):7.2f}%")
    own_all = [x for w in names for x in own[w]]
    pb_walls = [x for w in names for x in walls[w, "pbench"]]
    print(f"median normalized wall time: pbench sample {med(norm_pb):.3f}x, "
          f"py-spy {med(norm_ps):.3f}x (target: pbench <= 1.02x)")
    print(f"pbench sample's own CPU: median {med(own_all):.3f} s per run, "
          f"{100 * sum(own_all) / sum(pb_walls):.2f}% of its runs' wall time")
    print("(target CPU: the workload's own CPU under pbench sample / plain; py-spy CPU~: "
          "py-spy's process tree CPU minus plain's median, an estimate)")


if __name__ == "__main__":
    main()
