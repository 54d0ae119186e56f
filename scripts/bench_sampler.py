#!/usr/bin/env python3
"""Overhead and CPU-split error of `pbench sample` next to py-spy, per CPython version.

Overhead: runs every workload plain, under `pbench sample -r RATE
--subprocesses` and under `py-spy record -r RATE --subprocesses`, on every
interpreter of --pythons and at every rate of --rates, interleaved: each
round runs every (python, rate, workload, mode) once in a shuffled order,
so drift in machine load hits all of them alike. Prints per-workload median
wall times, the normalized time (median profiled / median plain, same
rounds) of both samplers, the median of those over the workloads, and CPU
time: the sampler's own (from its JSON) and py-spy's (its process tree's
CPU minus the plain run's median, an estimate).

CPU-split error (--accuracy-rounds, default 3; 0 skips it): the accuracy
config's split workloads (workloads/truth_split.py at splits 10-90%), each
run plain (its truth: the measured share of the helper side) and under both
samplers, interleaved the same way. A sampler's reported share is the
helper side's root function (helper_part) over both roots' samples, read
from its collapsed stacks (pbench sample's .collapsed, py-spy's raw
format), as `pbench accuracy` counts a part; its error is |reported mean -
true mean| in percentage points, averaged over the splits.

    scripts/bench_sampler.py --pythons 3.8,3.9,3.10,3.11,3.12,3.13 --rates 100,1000

A --pythons item X.Y is pyenv's CPython X.Y ($PYENV_ROOT/versions/X.Y.*),
else python X.Y on PATH; anything else is taken as an interpreter's path.
"""
import argparse
import glob
import json
import os
import random
import re
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
SPLITS = (0.1, 0.3, 0.5, 0.7, 0.9)
MODES = ("plain", "pbench", "py-spy")


def run(argv, cwd):
    """Runs argv; returns (wall seconds, CPU seconds of its process tree, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, proc.returncode


def find_python(spec):
    """The interpreter for a --pythons item (see the module's help)."""
    if re.fullmatch(r"3\.\d+", spec):
        root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        hits = sorted(glob.glob(os.path.join(root, "versions", spec + ".*", "bin", "python" + spec)))
        hits = [h for h in hits if re.search(r"/%s\.\d+/bin/" % re.escape(spec), h)]
        if hits:
            return hits[-1]
        found = shutil.which("python" + spec)
        if found:
            return found
        sys.exit(f"bench_sampler: no CPython {spec} (no pyenv version, no python{spec} on PATH)")
    if not os.access(spec, os.X_OK):
        sys.exit(f"bench_sampler: '{spec}' is not an executable interpreter")
    return spec


def version_of(python):
    out = subprocess.run([python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                         check=True, capture_output=True, text=True).stdout
    return out.strip()


def calibrate(python, name, seconds, cwd):
    """The --size that makes workload name take about `seconds` of CPU."""
    probe, exponent = WORKLOADS[name]
    script = os.path.join(ROOT, "workloads", name + ".py")
    _, cpu, rc = run([python, script, "--size", str(probe)], cwd)
    if rc != 0:
        sys.exit(f"bench_sampler: workload '{name}' exited {rc} on {python} while calibrating")
    return max(1, round(probe * (seconds / max(cpu, 0.01)) ** (1.0 / exponent)))


def sampler_argv(args, mode, rate, out, target, collapsed=False):
    if mode == "plain":
        return target
    if mode == "pbench":
        return [args.pbench, "sample", "-r", str(rate), "--subprocesses", "-q",
                "-o", out + ".json", "--"] + target
    fmt = ["-f", "raw", "-o", out + ".collapsed"] if collapsed else \
          ["-f", "speedscope", "-o", out + ".speedscope.json"]
    return [args.py_spy, "record", "-r", str(rate), "--subprocesses"] + fmt + ["--"] + target


def collapsed_share(path, focus_root, other_root):
    """Samples whose stack holds focus_root over those holding either root."""
    focus = other = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            names = {frame.split(" (", 1)[0].strip() for frame in stack.split(";")}
            if focus_root in names:
                focus += int(count)
            elif other_root in names:
                other += int(count)
    return focus / (focus + other) if focus + other else float("nan")


def truth_share(path):
    with open(path, encoding="utf-8") as f:
        truth = json.load(f)
    parts = {p["name"]: p["share"] for p in truth["parts"]}
    return parts["helper"] / (parts["helper"] + parts["inline"])


def overhead(args, pythons, rates, names, rng, tmp):
    """The interleaved overhead runs; returns the per-(python, rate) results."""
    sizes = {(py, w): calibrate(py, w, args.seconds, tmp) for py in pythons for w in names}
    keys = [(py, rate, w, m) for py in pythons for rate in rates for w in names for m in MODES
            if m != "plain" or rate == rates[0]]  # the plain runs serve every rate
    walls = {k: [] for k in keys}
    cpus = {k: [] for k in keys}
    own = {k: [] for k in keys}
    dropped = {k: [] for k in keys}
    for rnd in range(args.rounds):
        rng.shuffle(keys)
        for key in keys:
            py, rate, w, m = key
            script = os.path.join(ROOT, "workloads", w + ".py")
            target = [py, script, "--size", str(sizes[py, w])]
            out = os.path.join(tmp, f"ovh-{len(walls[key])}")
            argv = sampler_argv(args, m, rate, out, target)
            wall, cpu, rc = run(argv, tmp)
            if rc != 0:
                sys.exit(f"bench_sampler: {' '.join(argv)} exited {rc}")
            if args.verbose:
                print(f"{py} {rate:>5} Hz {w:<10} {m:<7} wall {wall:7.3f} s  cpu {cpu:7.3f} s",
                      file=sys.stderr)
            walls[key].append(wall)
            cpus[key].append(cpu)
            if m == "pbench":
                with open(out + ".json", encoding="utf-8") as f:
                    doc = json.load(f)
                own[key].append(doc["sampler"]["cpu_s"])
                s = doc["samples"]
                dropped[key].append(s["dropped"] / max(1, s["taken"] + s["dropped"]))
        print(f"overhead round {rnd + 1}/{args.rounds} done", file=sys.stderr)
    return sizes, walls, cpus, own, dropped


def accuracy(args, pythons, rng, tmp):
    """The interleaved split runs; returns {(python, mode, split): [shares]}."""
    script = os.path.join(ROOT, "workloads", "truth_split.py")
    keys = [(py, m, s) for py in pythons for m in MODES for s in SPLITS]
    shares = {k: [] for k in keys}
    drops = {py: [] for py in pythons}  # pbench sample's dropped fraction
    for rnd in range(args.accuracy_rounds):
        rng.shuffle(keys)
        for key in keys:
            py, m, split = key
            out = os.path.join(tmp, f"acc-{rnd}-{len(shares[key])}")
            target = [py, script, "--size", str(args.split_size), "--split", str(split),
                      "--truth-out", out + ".truth.json"]
            argv = sampler_argv(args, m, args.accuracy_rate, out, target, collapsed=True)
            _, _, rc = run(argv, tmp)
            if rc != 0:
                sys.exit(f"bench_sampler: {' '.join(argv)} exited {rc}")
            if m == "plain":
                shares[key].append(truth_share(out + ".truth.json"))
            else:
                shares[key].append(collapsed_share(out + ".collapsed", "helper_part",
                                                   "inline_part"))
            if m == "pbench":
                with open(out + ".json", encoding="utf-8") as f:
                    smp = json.load(f)["samples"]
                drops[py].append(smp["dropped"] / max(1, smp["taken"] + smp["dropped"]))
        print(f"accuracy round {rnd + 1}/{args.accuracy_rounds} done", file=sys.stderr)
    return shares, drops


def print_overhead(args, pythons, versions, rates, names, res):
    sizes, walls, cpus, own, dropped = res
    med = statistics.median
    for py in pythons:
        for rate in rates:
            print(f"\nCPython {versions[py]} ({py}), {rate} Hz: median wall seconds")
            print(f"{'workload':<10} {'size':>5} {'plain':>7} {'pbench':>7} {'py-spy':>7} "
                  f"{'pbench/plain':>13} {'py-spy/plain':>13} {'pbench CPU':>11} "
                  f"{'py-spy CPU~':>12} {'dropped':>8}")
            norm_pb, norm_ps, own_all, pb_walls = [], [], [], []
            for w in names:
                plain = med(walls[py, rates[0], w, "plain"])
                pbk, psk = (py, rate, w, "pbench"), (py, rate, w, "py-spy")
                pb, ps = med(walls[pbk]), med(walls[psk])
                norm_pb.append(pb / plain)
                norm_ps.append(ps / plain)
                own_all += own[pbk]
                pb_walls += walls[pbk]
                spy_cpu = med(cpus[psk]) - med(cpus[py, rates[0], w, "plain"])
                print(f"{w:<10} {sizes[py, w]:5d} {plain:7.3f} {pb:7.3f} {ps:7.3f} "
                      f"{pb / plain:12.3f}x {ps / plain:12.3f}x {med(own[pbk]):10.3f}s "
                      f"{spy_cpu:11.3f}s {100 * med(dropped[pbk]):7.2f}%")
            print(f"median normalized wall time: pbench sample {med(norm_pb):.3f}x, "
                  f"py-spy {med(norm_ps):.3f}x; pbench sample's own CPU "
                  f"{100 * sum(own_all) / sum(pb_walls):.2f}% of one core")


def print_accuracy(args, pythons, versions, acc):
    shares, drops = acc
    mean = statistics.mean
    print(f"\nCPU-split error at {args.accuracy_rate} Hz (truth_split.py --size "
          f"{args.split_size}, {args.accuracy_rounds} rounds): |reported - true| helper share, "
          f"percentage points")
    print(f"{'CPython':<9} " + " ".join(f"{'split ' + str(int(s * 100)):>15}" for s in SPLITS)
          + f" {'mean pbench':>12} {'mean py-spy':>12} {'bias pbench':>12} {'bias py-spy':>12}"
          + f" {'dropped':>8}")
    for py in pythons:
        cells, err, bias = [], {"pbench": [], "py-spy": []}, {"pbench": [], "py-spy": []}
        for s in SPLITS:
            true = mean(shares[py, "plain", s])
            for m in err:
                signed = (mean(shares[py, m, s]) - true) * 100
                err[m].append(abs(signed))
                bias[m].append(signed)
            cells.append(f"{err['pbench'][-1]:6.2f} / {err['py-spy'][-1]:5.2f}")
        print(f"{versions[py]:<9} " + " ".join(f"{c:>15}" for c in cells)
              + f" {mean(err['pbench']):12.2f} {mean(err['py-spy']):12.2f}"
              + f" {mean(bias['pbench']):+12.2f} {mean(bias['py-spy']):+12.2f}"
              + f" {100 * mean(drops[py]):7.2f}%")
    print("(each split cell: pbench sample / py-spy; bias: mean signed error, + = helper side "
          "over-reported; dropped: pbench sample's samples dropped as torn reads)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbench", default=os.path.join(ROOT, "build", "pbench"))
    parser.add_argument("--py-spy", default=os.path.join(ROOT, ".venv", "bin", "py-spy"))
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"),
                        help="the interpreter when --pythons is not given")
    parser.add_argument("--pythons", default="",
                        help="comma-separated interpreters: X.Y or paths (see above)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--rate", type=int, default=None, help="same as --rates RATE")
    parser.add_argument("--rates", default="100", help="comma-separated sampling rates")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=1.5,
                        help="CPU seconds per plain run (sizes are calibrated to it)")
    parser.add_argument("--accuracy-rounds", type=int, default=3)
    parser.add_argument("--accuracy-rate", type=int, default=100)
    parser.add_argument("--split-size", type=int, default=4000,
                        help="truth_split.py --size (configs/accuracy.yaml's)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every run's wall and CPU time to stderr")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="comma-separated subset of " + ",".join(WORKLOADS)
                        + " ('' skips the overhead part)")
    args = parser.parse_args()

    pythons = [find_python(p) for p in args.pythons.split(",") if p] or [args.python]
    rates = [args.rate] if args.rate else [int(r) for r in args.rates.split(",") if r]
    for tool in [args.pbench, args.py_spy] + pythons:
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench_sampler: '{tool}' is not executable (build pbench, or see --help)")
    names = [w for w in args.workloads.split(",") if w]
    for name in names:
        if name not in WORKLOADS:
            sys.exit(f"bench_sampler: unknown workload '{name}'")
    versions = {py: version_of(py) for py in pythons}
    tmp = tempfile.mkdtemp(prefix="bench-sampler-")
    rng = random.Random(args.seed)
    load_start = os.getloadavg()[0]
    res = acc = None
    try:
        if names:
            res = overhead(args, pythons, rates, names, rng, tmp)
        if args.accuracy_rounds > 0:
            acc = accuracy(args, pythons, rng, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"pbench sample vs py-spy record, --subprocesses, {args.rounds} interleaved rounds; "
          f"load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    if res:
        print_overhead(args, pythons, versions, rates, names, res)
        print("(py-spy CPU~: py-spy's process tree CPU minus plain's median, an estimate)")
    if acc:
        print_accuracy(args, pythons, versions, acc)


if __name__ == "__main__":
    main()
