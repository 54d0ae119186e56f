"""What the ground-truth workloads (workloads/truth_*.py) share: their
command line's common options, where their functions are, and the truth
JSON's frame and writing it out. Stdlib only.

Nothing here runs while a workload is being timed: the parts a truth is
about, and the clock reads around them, stay in each script, because the
adapters and `pbench accuracy` attribute time to the script's own
functions by file and qualified name (and a frame of this module's between
the clock reads would be time no part accounts for).

The scripts `import truthlib` as a plain module: their directory is on
sys.path under every profiler pbench runs. It is sys.path[0] for python,
`-m cProfile`, `-m profile`, pyinstrument, yappi, pprofile, py-spy, pbench's
sampler and harness/py/boot.py (line_profiler, memory_profiler); Scalene
puts a directory of its own first and the script's directory second.
"""
import argparse
import dis
import json
import os
import sys


def script_file(func):
    """The path of the script that defines func, from func's own code:
    yappi's CLI sets __file__ to yappi's file. Pass a function no profiler
    wraps (not one of the workload's hot functions: boot.py decorates
    those, and the decorator's code is in another file)."""
    return os.path.abspath(func.__code__.co_filename)


def where(*funcs):
    """Qualified name -> file and line range of each function."""
    out = {}
    for f in funcs:
        code = f.__code__
        if hasattr(code, "co_lines"):
            lines = [line for _, _, line in code.co_lines() if line]
        else:  # CPython 3.8, 3.9
            lines = [line for _, line in dis.findlinestarts(code)]
        out[f.__qualname__] = {"file": os.path.abspath(code.co_filename),
                               "first_line": code.co_firstlineno,
                               "last_line": max(lines)}
    return out


def marker_line(path, tag):
    """Line number of the line carrying `# TRUTH:tag` in the file at path."""
    with open(path) as f:
        for number, text in enumerate(f, 1):
            if text.rstrip().endswith("# TRUTH:" + tag):
                return number
    name = os.path.splitext(os.path.basename(path))[0]
    raise SystemExit(f"{name}: marker {tag} not found")


def arg_parser(doc):
    """A parser described by the first line of the script's docstring."""
    return argparse.ArgumentParser(description=doc.splitlines()[0])


def parse_args(parser):
    """Adds the option every truth workload takes, --truth-out (last, after
    the script's own), and parses the command line."""
    parser.add_argument("--truth-out", metavar="FILE",
                        help="write the truth as JSON to FILE ('-': stdout)")
    return parser.parse_args()


def add_loop_size(parser):
    """--size of the loop workloads: thousands of loop steps in all."""
    parser.add_argument("--size", type=int, default=3000,
                        help="thousands of loop steps in all (default 3000)")


def share(text):
    """An argparse type: a share within 0.05..0.95."""
    value = float(text)
    if not 0.05 <= value <= 0.95:
        raise argparse.ArgumentTypeError(f"{text} is not within 0.05..0.95")
    return value


def timed_parts(section_ns, parts, focus):
    """The fields of a truth made of parts timed with perf_counter_ns:
    parts are dicts with at least name, root, functions and ns; each gets
    its share of the section (ns / section_ns), last. share_sum is ~1 when
    the parts account for the whole section."""
    for part in parts:
        part["share"] = part["ns"] / section_ns
    return {"clock": "perf_counter_ns",
            "section_ns": section_ns,
            "parts": parts,
            "focus": focus,
            "share_sum": sum(part["share"] for part in parts)}


def write_truth(dest, kind, script, params, fields, functions):
    """Writes the truth as one line of JSON to dest ('-': stdout): the
    common head, the kind's own fields, then where the functions are.
    "pbench_truth" must stay the first key: `pbench accuracy` finds the
    truth in a run's stdout by that prefix."""
    text = json.dumps({"pbench_truth": 1,
                       "kind": kind,
                       "script": script,
                       "params": params,
                       **fields,
                       "functions": where(*functions),
                       "python": sys.version.split()[0]})
    if dest == "-":
        print(text, flush=True)
    else:
        with open(dest, "w") as f:
            f.write(text + "\n")
