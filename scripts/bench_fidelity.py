#!/usr/bin/env python3
"""Does pbench measure right? Prints three figures (issue: measurement you can quote).

1. The same plain command timed by pbench and by hyperfine, interleaved
   round by round: the medians, and how far apart they are.
2. pbench's own CPU time during a matrix of ~1 s workloads (four of
   all.yaml's, plain, cProfile and py-spy, runs: auto), as a share of the workloads' CPU time (meta.json's harness_cpu_s
   against the runs' user+sys), with the /proc tree sampling on.
3. A command of known duration (sleep 0.5): pbench's median wall time and
   its error in milliseconds, beside hyperfine's; and `sleep 0`, what
   starting and ending the process costs, so that the duration itself can
   be told from it.

    scripts/bench_fidelity.py [--pbench build/pbench] [--rounds 60]

Run it on a quiet machine; it takes about four minutes. At 30 runs a tool
the ratio of figure 1 moved between -0.2% and +1.1% from one run of the
script to the next on a shared 2-core VM; 60 runs gave -0.04%. Figure 1 alternates
one pbench run with one hyperfine run, so that drift hits both alike.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pbench_run(pbench, cfg, out, extra=()):
    subprocess.run([pbench, "run", cfg, "-o", out, "--no-plot", *extra], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = [d for d in os.listdir(out) if not d.startswith(".")]
    newest = max((os.path.join(out, d) for d in runs), key=os.path.getmtime)
    with open(os.path.join(newest, "runs.jsonl")) as f:
        recs = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(newest, "meta.json")) as f:
        meta = json.load(f)
    return recs, meta


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pbench", default=os.path.join(ROOT, "build", "pbench"))
    ap.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    ap.add_argument("--rounds", type=int, default=60, help="figure 1: runs of each tool")
    ap.add_argument("--sleep-runs", type=int, default=20, help="figure 3: runs of each sleep")
    args = ap.parse_args()
    if not shutil.which("hyperfine"):
        sys.exit("bench_fidelity: hyperfine is not installed (scripts/setup.sh installs it)")
    tmp = tempfile.mkdtemp(prefix="pbench-fidelity-")
    try:
        script = os.path.join(ROOT, "workloads", "julia.py")
        size = "300"                # about 0.35 s: long enough that start-up jitter is small
        cmd = [args.python, script, "--size", size]
        # 1. pbench against hyperfine, interleaved
        write(os.path.join(tmp, "plain.yaml"),
              "python: %s\ndefaults: {runs: 1, warmup: 0, timeout: 60}\n"
              "workloads: [{name: julia, script: %s, args: [\"--size\", \"%s\"]}]\n"
              "profilers:\n  - {name: plain, baseline: true, command: [\"{python}\", \"{script}\", \"{args}\"]}\n"
              % (args.python, script, size))
        pb, hf = [], []
        for r in range(args.rounds):
            recs, _ = pbench_run(args.pbench, os.path.join(tmp, "plain.yaml"), os.path.join(tmp, "r1"))
            pb += [x["wall_s"] for x in recs]
            js = os.path.join(tmp, "hf.json")
            subprocess.run(["hyperfine", "-N", "--runs", "1", "--export-json", js, "--", " ".join(cmd)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(js) as f:
                hf += json.load(f)["results"][0]["times"]
            shutil.rmtree(os.path.join(tmp, "r1"))
        mp, mh = statistics.median(pb), statistics.median(hf)
        print("1. plain julia --size %s, %d runs each, alternating one and one" % (size, len(pb)))
        print("   pbench median %.4f s, hyperfine median %.4f s: pbench/hyperfine = %.4f (%+.2f%%)"
              % (mp, mh, mp / mh, (mp / mh - 1) * 100))

        # 2. pbench's own CPU during a matrix of ~1 s workloads (all.yaml's
        #    sizes), tree sampling on: a tracer, a sampler and the baseline
        sel = ["-p", "cProfile", "-p", "py_spy"]
        for w in ("julia", "calls", "multiproc", "io_sleep"):
            sel += ["-w", w]
        recs, meta = pbench_run(args.pbench, os.path.join(ROOT, "configs", "all.yaml"),
                                os.path.join(tmp, "r2"), ["--python", args.python] + sel)
        work = sum(x["user_s"] + x["sys_s"] for x in recs)
        own = meta.get("harness_cpu_s", float("nan"))
        print("2. configs/all.yaml -w julia,calls,multiproc,io_sleep -p cProfile,py_spy (runs: auto):"
              " %d runs, %.0f s of wall time,"
              % (len(recs), sum(x["wall_s"] for x in recs)))
        print("   workloads' CPU %.2f s, pbench's own CPU %.3f s = %.3f%%" % (work, own, own / work * 100))

        # 3. known duration: sleep 0.5, and sleep 0 for what starting and
        #    ending a process costs (exec, the loader, exit), interleaved
        write(os.path.join(tmp, "sleep.yaml"),
              "python: %s\ndefaults: {runs: %d, warmup: 1, timeout: 60}\n"
              "workloads: [{name: sleep, script: %s}]\n"
              "profilers:\n  - {name: half, baseline: true, command: [\"/bin/sleep\", \"0.5\"]}\n"
              "  - {name: zero, command: [\"/bin/sleep\", \"0\"]}\n"
              % (args.python, args.sleep_runs, script))
        recs, _ = pbench_run(args.pbench, os.path.join(tmp, "sleep.yaml"), os.path.join(tmp, "r3"))
        half = [x["wall_s"] for x in recs if x["round"] >= 0 and x["profiler"] == "half"]
        zero = [x["wall_s"] for x in recs if x["round"] >= 0 and x["profiler"] == "zero"]
        js = os.path.join(tmp, "hf3.json")
        subprocess.run(["hyperfine", "-N", "--warmup", "1", "--runs", str(args.sleep_runs),
                        "--export-json", js, "--", "/bin/sleep 0.5"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(js) as f:
            hf3 = statistics.median(json.load(f)["results"][0]["times"])
        mh, mz = statistics.median(half), statistics.median(zero)
        print("3. /bin/sleep 0.5, %d runs: pbench median %.4f s (%+.2f ms from 0.5 s; hyperfine %.4f s, %+.2f ms)"
              % (len(half), mh, (mh - 0.5) * 1000, hf3, (hf3 - 0.5) * 1000))
        print("   /bin/sleep 0 (start and exit only) %.2f ms; the sleep itself: %.4f s, %+.2f ms from 0.5 s"
              % (mz * 1000, mh - mz, (mh - mz - 0.5) * 1000))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
