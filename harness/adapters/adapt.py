"""Read one profiler's own output and print the common attribution JSON.

    python adapt.py --profiler NAME [--kind KIND] --run-dir RAWDIR \\
        --script WORKLOAD_SCRIPT [--out FILE]
    python adapt.py --profiler NAME --reader READER.py --run-dir RAWDIR \\
        --script WORKLOAD_SCRIPT [--out FILE]

RAWDIR is one run's output directory (results/<run>/raw/<workload>/
<profiler>/<round>/). KIND is the output format: pstats, pyinstrument,
lprof, memory_profiler, callgrind, speedscope, scalene, pbench_sampler,
collapsed, memray, austin, fil, or auto (the default: from the files in
RAWDIR). --reader instead loads READER.py, a reader of your own: its
read(acc, run_dir) fills the attribution (see README.md here). The
attribution ("pbench-attribution/1", see README.md) goes to FILE, or to
stdout.

Exit status: 0 attribution written; 1 the output could not be read, or
the reader failed (the JSON then has "error" with the reason); 2 bad usage.
"""
import argparse
import glob
import importlib.util
import json
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import SCHEMA, AdapterError, Attribution  # noqa: E402
import fmt_austin  # noqa: E402
import fmt_callgrind  # noqa: E402
import fmt_collapsed  # noqa: E402
import fmt_fil  # noqa: E402
import fmt_lprof  # noqa: E402
import fmt_memory_profiler  # noqa: E402
import fmt_memray  # noqa: E402
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
    # every file: --follow-fork's children write FILE.<pid> beside FILE
    "memray": (fmt_memray, ["memray.bin", "memray.bin.*", "*.memray", "*.memray.*",
                            "memray-*.bin", "memray-*.bin.*"]),
    "austin": (fmt_austin, ["austin*.txt", "*.austin", "*.austin.txt"]),
    # fil-profile -o DIR writes DIR/<timestamp>/peak-memory.prof
    "fil": (fmt_fil, ["peak-memory.prof", "*/peak-memory.prof", "*/*/peak-memory.prof"]),
}

SKIP = {"stdout.txt", "stderr.txt"}
MEMRAY_FILE = re.compile(r"\.(bin|memray)(\.\d+)?$")


def files_for(kind, run_dir):
    found = []
    for pattern in KINDS[kind][1]:
        for path in sorted(glob.glob(os.path.join(glob.escape(run_dir), pattern))):
            if os.path.basename(path) not in SKIP and path not in found:
                found.append(path)
    if kind == "pbench_sampler":
        found = [p for p in found if json_schema(p).startswith("pbench-sample/")]
    if kind == "austin":
        found = [p for p in found if starts_with(p, b"# austin:")]
    if kind == "memray":      # FILE and its children's FILE.<pid>, nothing else beside
        found = [p for p in found if os.path.isfile(p) and MEMRAY_FILE.search(p)]
    return found


def starts_with(path, prefix):
    """True when the file at path begins with the bytes prefix."""
    try:
        with open(path, "rb") as f:
            return f.read(len(prefix)) == prefix
    except OSError:
        return False


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
                 "pbench_sampler", "collapsed", "memray", "austin", "fil"):
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
    unread = [os.path.relpath(p, run_dir) for p in paths if p not in acc.files]
    if unread:
        acc.warnings.append(f"{len(paths)} {kind} files: read "
                            f"{', '.join(repr(os.path.relpath(p, run_dir)) for p in acc.files)}, "
                            f"not {', '.join(repr(p) for p in unread)}")
    return acc.result()


READER_FUNCTION = "read"


def adapt_with_reader(profiler, reader, run_dir, script):
    """The attribution dict made by a reader of the user's own: the Python
    file `reader`, whose read(acc, run_dir) fills acc (a common.Attribution).
    Raises AdapterError, naming the reader file, when it cannot be loaded,
    has no read(), or raises anything."""
    if not os.path.isdir(run_dir):
        raise AdapterError(f"run directory '{run_dir}' does not exist")
    name = os.path.splitext(os.path.basename(reader))[0]
    acc = Attribution(profiler, f"reader:{os.path.basename(reader)}", script)
    try:
        spec = importlib.util.spec_from_file_location(f"pbench_reader_{name}", reader)
        if spec is None:
            raise AdapterError(f"reader '{reader}' is not a Python file")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        fn = getattr(module, READER_FUNCTION, None)
        if not callable(fn):
            raise AdapterError(f"reader '{reader}' has no function "
                               f"{READER_FUNCTION}(acc, run_dir)")
        fn(acc, run_dir)
    except AdapterError as e:
        msg = str(e)
        raise AdapterError(msg if reader in msg else f"reader '{reader}': {msg}")
    except (Exception, SystemExit) as e:
        raise AdapterError(f"reader '{reader}' failed{where(e, reader)}: "
                           f"{type(e).__name__}: {e}")
    if acc.measure is None:
        acc.warnings.append(f"reader '{reader}' set no measure")
    if not acc.files:
        acc.warnings.append(f"reader '{reader}' recorded no file in acc.files")
    return acc.result()


def where(exc, reader):
    """' at line N' of the innermost frame of exc's traceback in the
    reader file, or ''."""
    real = os.path.realpath(reader)
    line = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(fs.filename) == real:
            line = fs.lineno
    if line is None and isinstance(exc, SyntaxError) and exc.lineno:
        line = exc.lineno
    return f" at line {line}" if line else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiler", required=True, help="the profiler's name in the config")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--kind", default="auto", choices=["auto"] + sorted(KINDS),
                     help="the output format (default: auto)")
    how.add_argument("--reader", metavar="PATH",
                     help="a Python file of your own whose read(acc, run_dir) reads the output")
    parser.add_argument("--run-dir", required=True, help="the run's output directory")
    parser.add_argument("--script", required=True, help="the workload script")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    args = parser.parse_args()
    status = 0
    try:
        if args.reader:
            result = adapt_with_reader(args.profiler, args.reader, args.run_dir, args.script)
        else:
            result = adapt(args.profiler, args.kind, args.run_dir, args.script)
    except AdapterError as e:
        kind = f"reader:{os.path.basename(args.reader)}" if args.reader else args.kind
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
