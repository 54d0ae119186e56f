"""Run a workload with line_profiler or memory_profiler on its hot functions.

Why this exists: line_profiler and memory_profiler only profile functions
that carry their decorator (`@profile`), and pbench must not edit the
workloads. So, like kernprof, we decorate in memory: parse the script with
`ast`, add a decorator to every function whose qualified name is listed in
--hot, compile with the script's real file name (line numbers and file
names stay true), run it as `__main__`, and write the profiler's report.

    python boot.py --tool line_profiler|memory_profiler \\
        --hot a,b,Cls.m,pkg.mod:Cls.m --out FILE -- SCRIPT [ARGS...]

A hot name is looked for in the script first. One written
`module:Qual.name`, or a dotted name the script does not define
(`pprint.PrettyPrinter._safe_repr`: the longest importable prefix is the
module), names a function of an imported module, such as the library
code a pyperformance benchmark spends its time in: the module is imported
(with the script's sys.path and argv) before the script runs, and the
function is replaced where its module or class holds it by the profiled
one (a staticmethod, classmethod or property keeps its kind; a function
under a decorator that sets __wrapped__, such as functools.lru_cache, has
its inner code profiled while the decorated one runs). Callers that took a
reference to a module function before that (`from mod import f` in a
module imported earlier) keep the original: line_profiler still records
its lines while any hot function is running.

`--tool none` only runs the script, as `python SCRIPT` would (a real
`__main__` module, its own `__file__`, argv and sys.path[0]), for a
profiler whose own launcher does not: yappi's CLI runs the script in its
launcher's globals, so `__file__` names bin/yappi and a program that finds
its data beside itself (pyperformance's docutils) finds nothing.

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
import importlib
import inspect
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


class Profiler:
    """One tool: `decorate(func)` profiles a plain function (what the
    script's hot functions get through DECORATOR), `watch(outer, inner)`
    profiles inner's lines while outer runs, `write(path)` saves the report."""

    def __init__(self, tool):
        self.tool = tool
        if tool == "line_profiler":
            from line_profiler import LineProfiler
            self.prof = LineProfiler()
            self.decorate = self.prof
            return
        from memory_profiler import LineProfiler
        self.prof = LineProfiler(backend="psutil")

        def decorate(func):
            # memory_profiler's wrapper keeps __name__ but not __qualname__,
            # so pickle (multiprocessing.Pool.map) could not find it by name.
            return functools.update_wrapper(self.prof(func), func)
        self.decorate = decorate

    def write(self, path):
        if self.tool == "line_profiler":
            self.prof.dump_stats(path)
            return
        from memory_profiler import show_results
        with open(path, "w") as f:
            show_results(self.prof, stream=f)

    def watch(self, outer, inner):
        self.prof.add_function(inner)
        prof = self.prof

        @functools.wraps(outer)
        def watched(*args, **kwargs):
            prof.enable_by_count()
            try:
                return outer(*args, **kwargs)
            finally:
                prof.disable_by_count()
        return watched


class NotHot(Exception):
    """A hot name that names no function boot.py can profile."""


def profiled(prof, raw):
    """What replaces `raw` (as a module or class holds it) to profile it."""
    if isinstance(raw, (staticmethod, classmethod)):
        return type(raw)(profiled(prof, raw.__func__))
    if isinstance(raw, property) and raw.fget is not None:
        return property(profiled(prof, raw.fget), raw.fset, raw.fdel, raw.__doc__)
    if isinstance(raw, types.FunctionType) and not hasattr(raw, "__wrapped__"):
        return prof.decorate(raw)
    inner = inspect.unwrap(raw) if callable(raw) else raw
    if isinstance(inner, types.FunctionType) and inner is not raw:
        return prof.watch(raw, inner)
    raise NotHot(f"is not a Python function (it is a {type(raw).__name__})")


def import_owner(modname, qual):
    """(owner, attribute name) of `qual` in module `modname`. Returns None
    when the module (or a package above it) does not exist; raises NotHot
    when the module has no such function or cannot be imported."""
    try:
        owner = importlib.import_module(modname)
    except ModuleNotFoundError as e:
        if e.name and (modname == e.name or modname.startswith(e.name + ".")):
            return None
        raise NotHot(f"importing '{modname}' failed: {e}")
    except Exception as e:  # the module's own import-time error
        raise NotHot(f"importing '{modname}' failed: {type(e).__name__}: {e}")
    *path, last = qual.split(".")
    for part in path:
        if not hasattr(owner, part):
            raise NotHot(f"module '{modname}' has no '{qual}'")
        owner = getattr(owner, part)
    if last not in getattr(owner, "__dict__", {}):
        for base in getattr(owner, "__mro__", ())[1:]:
            if last in base.__dict__:
                raise NotHot(f"'{qual}' is inherited from {base.__module__}.{base.__qualname__}: "
                             f"name '{base.__module__}:{base.__qualname__}.{last}'")
        raise NotHot(f"module '{modname}' has no '{qual}'")
    return owner, last


def hot_in_module(prof, name):
    """Profiles the function `name` names in an imported module
    ('module:Qual.name', or dotted with the module the longest importable
    prefix). Raises NotHot saying why it cannot."""
    if ":" in name:
        splits = [tuple(name.split(":", 1))]
    else:
        parts = name.split(".")
        splits = [(".".join(parts[:i]), ".".join(parts[i:])) for i in range(len(parts) - 1, 0, -1)]
    for modname, qual in splits:
        found = import_owner(modname, qual)
        if found is None:
            continue
        owner, last = found
        try:
            setattr(owner, last, profiled(prof, owner.__dict__[last]))
        except (TypeError, AttributeError) as e:
            raise NotHot(f"cannot replace it: {e}")
        return
    if ":" in name:
        raise NotHot(f"no module '{splits[0][0]}'")
    raise NotHot("not defined in the script, and no module holds it")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True,
                        choices=["line_profiler", "memory_profiler", "none"],
                        help="none: only run the script as __main__")
    parser.add_argument("--hot", default="",
                        help="comma-separated qualified names (f, Cls.m, module:Cls.m)")
    parser.add_argument("--out", help="report file to write")
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    hot = [h.strip() for h in opts.hot.split(",") if h.strip()]
    script = os.path.abspath(opts.script)

    if opts.tool != "none" and not hot:
        fail("--hot names no function")
    if opts.tool != "none" and not opts.out:
        fail(f"--tool {opts.tool} needs --out FILE")
    try:
        with open(script, "rb") as f:
            source = f.read()
    except OSError as e:
        fail(f"cannot read '{script}': {e.strerror.lower()}")
    tree = ast.parse(source, filename=script)
    deco = HotDecorator([h for h in hot if ":" not in h])
    deco.visit(tree)
    elsewhere = [h for h in hot if h not in deco.found]
    missing = [h for h in elsewhere if ":" not in h and "." not in h]
    if missing:
        fail(f"{script}: hot function not found: "
             + ", ".join(f"'{h}'" for h in missing))
    code = compile(tree, script, "exec")

    prof = Profiler(opts.tool) if opts.tool != "none" else None
    if prof:
        setattr(builtins, DECORATOR, prof.decorate)

    # A real module object as __main__, so pickle (multiprocessing) can
    # find the script's functions by name, as when run by `python SCRIPT`.
    main_mod = types.ModuleType("__main__")
    main_mod.__dict__.update(__file__=script, __builtins__=builtins,
                             __cached__=None)
    sys.modules["__main__"] = main_mod
    sys.argv = [script] + opts.args
    sys.path[0] = os.path.dirname(script)
    # hot functions of imported modules, imported as the script would
    for name in elsewhere:
        try:
            hot_in_module(prof, name)
        except NotHot as e:
            fail(f"hot function '{name}' not found: {e}")
    try:
        exec(code, main_mod.__dict__)
    finally:
        if prof:
            prof.write(opts.out)


if __name__ == "__main__":
    main()
