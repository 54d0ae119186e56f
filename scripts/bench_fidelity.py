#!/usr/bin/env python3
"""Does pbench measure right? Prints three figures (issue: measurement you can quote).

1. The same plain command timed by pbench and by hyperfine, interleaved
   round by round: the medians, and how far apart they are.
2. pbench's own CPU time during a matrix, as a share of the workloads' CPU
   time (meta.json's harness_cpu_s against the runs' user+sys), with the
   /proc tree sampling on.
3. A command of known duration (sleep 0.5): pbench's median wall time and
   its error in milliseconds.

    scripts/bench_fidelity.py [--pbench build/pbench] [--rounds 10]

Run it on a quiet machine; it takes about two minutes. Figure 1 alternates
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
    ap.add_argument("--rounds", type=int, default=30)
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

        # 2. pbench's own CPU during a matrix (quick.yaml: 189 runs, tree sampling on)
        recs, meta = pbench_run(args.pbench, os.path.join(ROOT, "configs", "quick.yaml"),
                                os.path.join(tmp, "r2"))
        work = sum(x["user_s"] + x["sys_s"] for x in recs)
        own = meta.get("harness_cpu_s", float("nan"))
        print("2. configs/quick.yaml: %d runs, workloads' CPU %.2f s, pbench's own CPU %.3f s = %.3f%%"
              % (len(recs), work, own, own / work * 100))

        # 3. known duration
        write(os.path.join(tmp, "sleep.yaml"),
              "python: %s\ndefaults: {runs: 10, warmup: 1, timeout: 60}\n"
              "workloads: [{name: sleep, script: %s}]\n"
              "profilers:\n  - {name: plain, baseline: true, command: [\"/bin/sleep\", \"0.5\"]}\n"
              % (args.python, script))
        recs, _ = pbench_run(args.pbench, os.path.join(tmp, "sleep.yaml"), os.path.join(tmp, "r3"))
        walls = [x["wall_s"] for x in recs if x["round"] >= 0]
        m = statistics.median(walls)
        print("3. /bin/sleep 0.5, %d runs: pbench median %.4f s, error %+.2f ms (min %.4f, max %.4f)"
              % (len(walls), m, (m - 0.5) * 1000, min(walls), max(walls)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
