"""Run a workload with line_profiler or memory_profiler on its hot functions.

Why this exists: line_profiler and memory_profiler only profile functions
that carry their decorator (`@profile`), and pbench must not edit the
workloads. So, like kernprof, we decorate in memory: parse the script with
`ast`, add a decorator to every function whose qualified name is listed in
--hot, compile with the script's real file name (line numbers and file
names stay true), run it as `__main__`, and write the profiler's report.

    python boot.py --tool line_profiler|memory_profiler --hot a,b,Cls.m \\
        --out FILE -- SCRIPT [ARGS...]

line_profiler writes FILE with `LineProfiler.dump_stats` (a pickled
`LineStats`, what kernprof calls .lprof); memory_profiler writes its text
report (`memory_profiler.show_results`).

Threads: line_profiler keeps per-thread state, so hot functions run in
worker threads are profiled. memory_profiler's LineProfiler keeps one
global enable count and calls sys.settrace in the thread that enables it,
so in threaded code only some calls (the first thread's) are recorded.
Subprocesses: neither tool collects anything from children (fork children
leave through os._exit, so the report is written by the parent alone).

Exit status: the script's own; 2 for bad usage or a hot name not found.
"""
import argparse
import ast
import builtins
import functools
import os
import sys
import types

DECORATOR = "__pbench_profile__"  # a builtins name no script will use


class HotDecorator(ast.NodeVisitor):
    """Append DECORATOR to each function whose qualified name is in `hot`."""

    def __init__(self, hot):
        self.hot = set(hot)
        self.found = set()
        self.prefix = []

    def visit_ClassDef(self, node):
        self.prefix.append(node.name)
        self.generic_visit(node)
        self.prefix.pop()

    def visit_FunctionDef(self, node):
        qualname = ".".join(self.prefix + [node.name])
        if qualname in self.hot:
            # Innermost (last) so it wraps the plain function even under
            # @staticmethod, @classmethod or @property; the def's own line
            # number keeps co_firstlineno unchanged.
            deco = ast.Name(id=DECORATOR, ctx=ast.Load())
            node.decorator_list.append(ast.copy_location(deco, node))
            self.found.add(qualname)
        self.prefix += [node.name, "<locals>"]
        self.generic_visit(node)
        del self.prefix[-2:]

    visit_AsyncFunctionDef = visit_FunctionDef


def fail(message):
    print(f"boot.py: {message}", file=sys.stderr)
    sys.exit(2)


def make_profiler(tool):
    """Return (profiler, write) where write(path) saves the report."""
    if tool == "line_profiler":
        from line_profiler import LineProfiler
        prof = LineProfiler()
        return prof, prof.dump_stats
    from memory_profiler import LineProfiler, show_results
    mprof = LineProfiler(backend="psutil")

    def prof(func):
        # memory_profiler's wrapper keeps __name__ but not __qualname__,
        # so pickle (multiprocessing.Pool.map) could not find it by name.
        return functools.update_wrapper(mprof(func), func)

    def write(path):
        with open(path, "w") as f:
            show_results(mprof, stream=f)
    return prof, write


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True,
                        choices=["line_profiler", "memory_profiler"])
    parser.add_argument("--hot", required=True,
                        help="comma-separated qualified names (f, Cls.m)")
    parser.add_argument("--out", required=True, help="report file to write")
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    hot = [h.strip() for h in opts.hot.split(",") if h.strip()]
    script = os.path.abspath(opts.script)

    if not hot:
        fail("--hot names no function")
    try:
        with open(script, "rb") as f:
            source = f.read()
    except OSError as e:
        fail(f"cannot read '{script}': {e.strerror.lower()}")
    tree = ast.parse(source, filename=script)
    deco = HotDecorator(hot)
    deco.visit(tree)
    missing = [h for h in hot if h not in deco.found]
    if missing:
        fail(f"{script}: hot function not found: "
             + ", ".join(f"'{h}'" for h in missing))
    code = compile(tree, script, "exec")

    prof, write = make_profiler(opts.tool)
    setattr(builtins, DECORATOR, prof)

    # A real module object as __main__, so pickle (multiprocessing) can
    # find the script's functions by name, as when run by `python SCRIPT`.
    main_mod = types.ModuleType("__main__")
    main_mod.__dict__.update(__file__=script, __builtins__=builtins,
                             __cached__=None)
    sys.modules["__main__"] = main_mod
    sys.argv = [script] + opts.args
    sys.path[0] = os.path.dirname(script)
    try:
        exec(code, main_mod.__dict__)
    finally:
        write(opts.out)


if __name__ == "__main__":
    main()
