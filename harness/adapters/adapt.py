"""Read one profiler's own output and print the common attribution JSON.

    python adapt.py --profiler NAME [--kind KIND] --run-dir RAWDIR \\
        --script WORKLOAD_SCRIPT [--out FILE]

RAWDIR is one run's output directory (results/<run>/raw/<workload>/
<profiler>/<round>/). KIND is the output format: pstats, pyinstrument,
lprof, memory_profiler, callgrind, speedscope, scalene, pbench_sampler,
or auto (the default: from the profiler's name when pbench knows it, else
from the files in RAWDIR). The attribution ("pbench-attribution/1", see
README.md here) goes to FILE, or to stdout.

Exit status: 0 attribution written; 1 the output could not be read (the
JSON then has "error" with the reason); 2 bad usage.
"""
import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import SCHEMA, AdapterError, Attribution  # noqa: E402
import fmt_callgrind  # noqa: E402
import fmt_collapsed  # noqa: E402
import fmt_lprof  # noqa: E402
import fmt_memory_profiler  # noqa: E402
import fmt_pbench_sampler  # noqa: E402
import fmt_pstats  # noqa: E402
import fmt_pyinstrument  # noqa: E402
import fmt_scalene  # noqa: E402
import fmt_speedscope  # noqa: E402

# kind -> (reader module, file name patterns in the run directory)
KINDS = {
    "pstats": (fmt_pstats, ["*.pstats", "*.pstat", "*.prof"]),
    "pyinstrument": (fmt_pyinstrument, ["*.pyisession"]),
    "lprof": (fmt_lprof, ["*.lprof"]),
    "memory_profiler": (fmt_memory_profiler, ["memory_profiler*.txt", "*.mprof.txt"]),
    "callgrind": (fmt_callgrind, ["*.callgrind", "callgrind.out*"]),
    "speedscope": (fmt_speedscope, ["*.speedscope.json", "*speedscope*.json"]),
    "scalene": (fmt_scalene, ["scalene*.json"]),
    "pbench_sampler": (fmt_pbench_sampler, ["*.json"]),
    "collapsed": (fmt_collapsed, ["*.collapsed", "*.folded", "*collapsed*.txt"]),
}

SKIP = {"stdout.txt", "stderr.txt"}


def files_for(kind, run_dir):
    found = []
    for pattern in KINDS[kind][1]:
        for path in sorted(glob.glob(os.path.join(glob.escape(run_dir), pattern))):
            if os.path.basename(path) not in SKIP and path not in found:
                found.append(path)
    if kind == "pbench_sampler":
        found = [p for p in found if json_schema(p).startswith("pbench-sample/")]
    return found


def json_schema(path):
    """The "schema" (or "$schema") of a JSON file, '' when it has none."""
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(4096)
    except OSError:
        return ""
    for key in ('"schema"', '"$schema"'):
        at = head.find(key)
        if at >= 0:
            rest = head[at + len(key):].lstrip(" :\n\t")
            if rest.startswith('"'):
                return rest[1:].split('"', 1)[0]
    return ""


def detect(run_dir):
    """The kind whose files are in run_dir, or None."""
    for kind in ("pstats", "pyinstrument", "lprof", "memory_profiler", "callgrind",
                 "pbench_sampler", "collapsed"):
        if files_for(kind, run_dir):
            return kind
    for path in sorted(glob.glob(os.path.join(glob.escape(run_dir), "*.json"))):
        schema = json_schema(path)
        if "speedscope" in schema:
            return "speedscope"
        try:
            with open(path, encoding="utf-8") as f:
                head = f.read(65536)
        except OSError:
            continue
        if '"elapsed_time_sec"' in head or '"files"' in head or head.strip() == "{}":
            return "scalene"
    return None


def adapt(profiler, kind, run_dir, script):
    """The attribution dict; raises AdapterError when it cannot be made."""
    if not os.path.isdir(run_dir):
        raise AdapterError(f"run directory '{run_dir}' does not exist")
    if kind == "auto":  # no `format:` in the profiler's config: from the files
        kind = detect(run_dir)
        if kind is None:
            raise AdapterError(f"no output of a known format in '{run_dir}' (give profiler "
                               f"'{profiler}' a 'format:' in its config: one of "
                               f"{', '.join(sorted(KINDS))})")
    paths = files_for(kind, run_dir)
    if kind == "speedscope" and not paths:
        paths = [p for p in sorted(glob.glob(os.path.join(glob.escape(run_dir), "*.json")))
                 if "speedscope" in json_schema(p)]
    if not paths:
        raise AdapterError(f"no {kind} output in '{run_dir}' (looked for "
                           f"{', '.join(KINDS[kind][1])})")
    acc = Attribution(profiler, kind, script)
    KINDS[kind][0].read(acc, paths)
    if len(paths) > 1:
        acc.warnings.append(f"{len(paths)} {kind} files: read '{os.path.basename(paths[0])}'")
    return acc.result()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiler", required=True, help="the profiler's name in the config")
    parser.add_argument("--kind", default="auto", choices=["auto"] + sorted(KINDS),
                        help="the output format (default: auto)")
    parser.add_argument("--run-dir", required=True, help="the run's output directory")
    parser.add_argument("--script", required=True, help="the workload script")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    args = parser.parse_args()
    status = 0
    try:
        result = adapt(args.profiler, args.kind, args.run_dir, args.script)
    except AdapterError as e:
        kind = args.kind
        result = {"schema": SCHEMA, "profiler": args.profiler, "format": kind,
                  "script": os.path.abspath(args.script), "error": str(e)}
        status = 1
    text = json.dumps(result, indent=1, sort_keys=False) + "\n"
    if args.out:
        tmp = args.out + ".tmp"
        try:
            with open(tmp, "w") as f:
                f.write(text)
            os.replace(tmp, args.out)
        except OSError as e:
            print(f"adapt.py: cannot write '{args.out}': {e.strerror}", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
