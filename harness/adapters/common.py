"""What every adapter shares: the workload script's function map and the
attribution being built.

The attribution ("pbench-attribution/1", described in README.md beside this
file) lists only the workload script's own functions and lines. Every time
share is a fraction of everything the profiler recorded (all its threads
and processes, imports and interpreter start-up included): the
"whole_profile" normalization. Comparisons between functions therefore do
not depend on how much of the run the profiler saw.
"""
import ast
import json
import os
import re

SCHEMA = "pbench-attribution/1"

# The figures a function or line entry can hold, each in the profile's own
# measure: time or samples (self, total), call and line counts (calls,
# hits), samples in any clock (samples), memory (mb allocated or RSS
# gained, freed_mb RSS given back, allocations counted). Readers fill
# figures and never say "seen" themselves: seen() decides it from these.
FIGURES = ("self", "total", "calls", "hits", "samples", "mb", "freed_mb", "allocations")

# File name endings of C, C++ and Rust sources, as native unwinders name
# the file of a C frame when they have debug information.
NATIVE_SOURCES = (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".rs", ".S", ".s")
SHARED_OBJECT = re.compile(r"\.so(\.[\d.]+)?$|\.dylib$|\.dll$|\.pyd$")


def seen(entry):
    """The one rule for "seen", for every reader: a function (or line) is
    seen when the profile gives it a nonzero figure of its own measure
    (time, samples, hits or memory) in any frame of any stack, innermost
    or not. A function the profile only names (a row of zeros, a frame of
    weight 0) is not seen."""
    return any(entry.get(k) for k in FIGURES)


def is_native_frame(file, name, line):
    """True when a frame is C code as native unwinders (py-spy --native,
    memray --native) give it: no line, and a file that is a shared object
    (libc.so.6, libz.so.1.2.13) or another binary, a C source, '<unknown>'
    or nothing, or a name that is an address ('0x7f3d337df24a'). Python
    frames have a line, and a file that is Python source or '<frozen ...>'."""
    if line:
        return False
    base = os.path.basename(file or "")
    return (not file or file == "<unknown>" or bool(SHARED_OBJECT.search(base))
            or base.endswith(NATIVE_SOURCES) or (name or "").startswith("0x")
            or (os.path.isabs(file) and not base.endswith((".py", ".pyw"))))  # /usr/bin/python3


class AdapterError(Exception):
    """The output cannot be read; the message says why."""


def folded_lines(path, max_lines, comments=None):
    """The lines of a folded-stack file ("frame;frame;... WEIGHT", one per
    distinct stack, as flame graph tools, Fil and Austin write them), as
    (line_number, stack, weight_text), skipping blank lines. Lines starting
    with '#' go to comments(text) when given (Austin's header), else they are
    stacks too. A file of more than max_lines lines, or one that cannot be
    read, raises AdapterError naming it."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, raw in enumerate(f):
                if n >= max_lines:
                    raise AdapterError(f"'{path}' has more than {max_lines} lines")
                raw = raw.rstrip("\n")
                if comments is not None and raw.startswith("#"):
                    comments(raw[1:])
                    continue
                if not raw.strip():
                    continue
                stack, _, weight = raw.rpartition(" ")
                yield n + 1, stack, weight
    except OSError as e:
        raise AdapterError(f"cannot read '{path}': {e.strerror}")


def load_json(acc, path):
    """Reads a profiler's JSON output, recording the file in acc; an
    unreadable or malformed file raises AdapterError saying which."""
    acc.files.append(path)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise AdapterError(f"cannot read '{path}': {e.strerror}")
    except ValueError as e:
        raise AdapterError(f"'{path}' is not JSON: {e}")


class ScriptMap:
    """The workload script's functions, from its source: qualified names,
    first lines (the first decorator's, as co_firstlineno has it, and the
    def's) and last lines. Profilers give a function's name with its first
    line, or only the line being run; both resolve to the qualified name."""

    def __init__(self, script):
        self.path = os.path.realpath(script)
        self.defs = []          # (qualname, first_line, def_line, end_line)
        self._same = {}
        try:
            with open(self.path, "rb") as f:
                tree = ast.parse(f.read(), filename=self.path)
        except (OSError, SyntaxError) as e:
            raise AdapterError(f"cannot read the workload script '{script}': {e}")
        self._walk(tree, [])
        self.by_first = {}
        for q, first, defl, _ in self.defs:
            self.by_first.setdefault(first, q)
            self.by_first.setdefault(defl, q)

    def _walk(self, node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                q = ".".join(prefix + [child.name])
                first = min([d.lineno for d in child.decorator_list] + [child.lineno])
                self.defs.append((q, first, child.lineno, child.end_lineno))
                self._walk(child, prefix + [child.name, "<locals>"])
            elif isinstance(child, ast.ClassDef):
                self._walk(child, prefix + [child.name])
            else:
                self._walk(child, prefix)

    def is_script(self, file):
        """True when file (as a profiler names it) is the workload script."""
        if not file:
            return False
        if file not in self._same:
            self._same[file] = (os.path.isabs(file)
                                and os.path.realpath(file) == self.path)
        return self._same[file]

    def containing(self, line):
        """The innermost function whose lines hold line, or '<module>'."""
        best = None
        for q, first, _, end in self.defs:
            if first <= line <= end and (best is None or first >= best[1]):
                best = (q, first)
        return best[0] if best else "<module>"

    def first_line(self, qualname):
        for q, first, _, _ in self.defs:
            if q == qualname:
                return first
        return 1 if qualname == "<module>" else None

    def resolve(self, name, first_line=None, line=None):
        """Qualified name of a script function a profiler calls `name`."""
        short = name.rsplit(".", 1)[-1] if name else name
        if name == "<module>":
            return "<module>"
        if first_line is not None and first_line in self.by_first:
            q = self.by_first[first_line]
            if q.rsplit(".", 1)[-1] == short:
                return q
        at = line if line is not None else first_line
        if at is not None:
            q = self.containing(at)
            if short and short.startswith("<"):     # <listcomp>, <lambda>...
                return (q + ".<locals>." + short) if q != "<module>" else short
            if q.rsplit(".", 1)[-1] == short:
                return q
        return name


class Attribution:
    """Accumulates one profile's figures for the script's functions and
    lines, in the profile's own unit, and turns them into shares."""

    def __init__(self, profiler, fmt, script):
        self.profiler = profiler
        self.format = fmt
        self.script = ScriptMap(script)
        self.files = []
        self.measure = None         # e.g. "wall_time", "cpu_samples"
        self.unit = None            # e.g. "s", "samples", "hits"
        self.total = 0.0            # denominator: the whole profile
        self.funcs = {}             # qualname -> dict
        self.lines = {}             # line -> dict
        self.memory = None          # {"kind":..., "lines": {line: {...}}}
        self.threads = None         # key -> {"name", "process", "value", "functions",
                                    #         "mb", "functions_mb"}
        self.processes = None       # pid -> {"value", "mb"}
        self.native = False         # True when a python/native split is kept
        self.timed = True           # False: the format has no time (memory only)
        self.samples = None         # samples in the profile, for samplers
        self.expresses = {"functions": True, "function_total": True, "lines": False,
                          "memory": False, "threads": False, "processes": False,
                          "native_split": False}
        self.warnings = []

    # ---- accumulation (raw units) ----------------------------------------

    def func(self, qualname, first_line=None):
        f = self.funcs.get(qualname)
        if f is None:
            if first_line is None:
                first_line = self.script.first_line(qualname)
            f = self.funcs[qualname] = dict({k: None for k in FIGURES},
                                            first_line=first_line, python=None, native=None)
        elif f["first_line"] is None and first_line is not None:
            f["first_line"] = first_line
        return f

    def add(self, d, key, value):
        if value is None:
            return
        d[key] = (d[key] or 0) + value

    def line(self, line, function=None):
        entry = self.lines.get(line)
        if entry is None:
            entry = self.lines[line] = dict({k: None for k in FIGURES},
                                            function=function or self.script.containing(line),
                                            python=None, native=None)
        return entry

    def memory_line(self, line, mb, kind, function=None, **extra):
        """Adds mb at line (memory of `kind`, "allocation" or
        "rss_increment"); extra keys are set on the line as given."""
        if self.memory is None:
            self.memory = {"kind": kind, "lines": {}}
        entry = self.memory["lines"].setdefault(
            line, {"function": function or self.script.containing(line), "mb": 0.0})
        entry["mb"] += mb
        for k, v in extra.items():
            entry[k] = v
        return entry

    def thread(self, key, value, name=None, process=None, functions=(), mb=0.0):
        """Adds value (time, in the profile's unit) and mb (memory) to a
        thread, and to each of the script functions it ran there."""
        if self.threads is None:
            self.threads = {}
        t = self.threads.setdefault(key, {"name": name, "process": process, "value": 0.0,
                                          "functions": {}, "mb": 0.0, "functions_mb": {}})
        if name and not t["name"]:
            t["name"] = name
        t["value"] += value
        t["mb"] += mb
        for q in functions:
            if value:
                t["functions"][q] = t["functions"].get(q, 0.0) + value
            if mb:
                t["functions_mb"][q] = t["functions_mb"].get(q, 0.0) + mb

    def process(self, pid, value, mb=0.0):
        """Adds value (time) and mb (memory) to a process."""
        if self.processes is None:
            self.processes = {}
        p = self.processes.setdefault(pid, {"value": 0.0, "mb": 0.0})
        p["value"] += value
        p["mb"] += mb

    # ---- stack samples -----------------------------------------------------

    def add_stack(self, frames, weight, thread=None, thread_name=None, process=None,
                  native_leaf=False, native_frames=0):
        """One sample (or a run of identical ones) of `weight`: frames are
        (file, name, first_line or None, line or None), outermost first.
        native_frames: how many of the innermost frames are C code (py-spy
        --native's shared-object frames); when only such frames lie inside
        the innermost script frame, the weight is that frame's native
        time (the C it calls directly), else its Python time when it is
        innermost itself. native_leaf=True is native_frames=1
        (pyinstrument's <built-in> frames)."""
        if native_leaf and not native_frames:
            native_frames = 1
        self.total += weight
        self.samples = (self.samples or 0) + 1
        seen_f, inner_script = self._stack_functions(frames, "total", weight)
        n = len(frames)
        if inner_script is not None:
            depth, q, line = inner_script
            if depth == n - 1:                      # the script frame is innermost
                self.add(self.funcs[q], "self", weight)
                if line is not None:
                    self.add(self.lines[line], "self", weight)
                if self.native:
                    self.add(self.funcs[q], "python", weight)
                    if line is not None:
                        self.add(self.lines[line], "python", weight)
            elif self.native and native_frames and n - 1 - depth <= native_frames:
                self.add(self.funcs[q], "native", weight)
                if line is not None:
                    self.add(self.lines[line], "native", weight)
        if thread is not None:
            self.thread(thread, weight, thread_name, process, seen_f)
        if process is not None:
            self.process(process, weight)

    def add_memory_stack(self, frames, mb, kind, thread=None, thread_name=None, process=None,
                         **extra):
        """Memory (MB) taken (mb > 0) or given back (mb < 0) while frames
        (as for add_stack, outermost first) ran: it goes to the innermost
        script line (a memory line of `kind`) and, as a figure, to every
        script function on the stack. Memory freed is kept apart
        ("freed_mb"), never netted against what was taken. extra: numbers
        added up on the memory line (e.g. peak_mb=...). Returns the
        innermost script line, or None. A change of 0 is no figure: nothing
        is recorded (Austin's full mode has one in most samples)."""
        if not mb:
            return None
        key = "mb" if mb > 0 else "freed_mb"
        amount = abs(mb)
        if not self.timed:
            self.total += max(mb, 0.0)      # an untimed profile's total: memory taken
        seen_f, inner_script = self._stack_functions(frames, key, amount, lines=False)
        line = None
        if inner_script is not None:
            _, q, line = inner_script
            if line is not None:
                entry = self.memory_line(line, amount if key == "mb" else 0.0, kind, q)
                if key == "freed_mb":
                    entry["freed_mb"] = entry.get("freed_mb", 0.0) + amount
                for k, v in extra.items():
                    entry[k] = entry.get(k, 0) + v
        elif self.memory is None:
            self.memory = {"kind": kind, "lines": {}}
        if thread is not None:
            self.thread(thread, 0.0, thread_name, process, seen_f, mb=max(mb, 0.0))
        if process is not None:
            self.process(process, 0.0, mb=max(mb, 0.0))
        return line

    def _stack_functions(self, frames, key, value, lines=True):
        """Adds value to figure `key` of every script function (and, with
        lines, line) on the stack, once each; returns the functions and
        the innermost script frame (depth, qualname, line) or None."""
        seen_f, seen_l = set(), set()
        inner_script = None
        for depth, (file, name, first, line) in enumerate(frames):
            if not self.script.is_script(file):
                continue
            q = self.script.resolve(name, first, line)
            if q not in seen_f:
                seen_f.add(q)
                self.add(self.func(q, first), key, value)
            if lines and line is not None and line not in seen_l:
                seen_l.add(line)
                self.add(self.line(line, q), key, value)
            inner_script = (depth, q, line)
        return seen_f, inner_script

    # ---- output ----------------------------------------------------------

    def share(self, v):
        if not self.timed or not self.total:
            return None
        return (v or 0.0) / self.total

    def result(self):
        has_total = self.expresses["function_total"]
        has_mb = self.memory is not None
        funcs = []
        for q, f in self.funcs.items():
            funcs.append({"function": q, "file": self.script.path,
                          "first_line": f["first_line"],
                          "self": self.share(f["self"]),
                          "total": self.share(f["total"]) if has_total else None,
                          "calls": f["calls"],
                          "python": self.share(f["python"]) if self.native else None,
                          "native": self.share(f["native"]) if self.native else None,
                          "mb": (f["mb"] or 0.0) if has_mb else None,
                          "seen": seen(f)})
        funcs.sort(key=lambda f: (-(f["total"] or f["self"] or f["mb"] or 0), f["function"]))
        lines = []
        for n, e in sorted(self.lines.items()):
            lines.append({"line": n, "function": e["function"],
                          "self": self.share(e["self"]),
                          "total": self.share(e["total"]) if has_total else None,
                          "hits": e["hits"],
                          "python": self.share(e["python"]) if self.native else None,
                          "native": self.share(e["native"]) if self.native else None,
                          "seen": seen(e)})
        memory = None
        if self.memory is not None:
            memory = {"kind": self.memory["kind"],
                      "lines": [dict(line=n, **e, seen=seen(e))
                                for n, e in sorted(self.memory["lines"].items())]}
        threads = None
        if self.threads is not None:
            threads = []
            for key, t in self.threads.items():
                threads.append({"thread": str(key), "name": t["name"], "process": t["process"],
                                "share": self.share(t["value"]),
                                "functions": {q: self.share(v) for q, v in
                                              sorted(t["functions"].items())}
                                if self.timed else {},
                                "mb": t.get("mb", 0.0) if has_mb else None,
                                "functions_mb": dict(sorted(t.get("functions_mb", {}).items()))
                                if has_mb else None})
            threads.sort(key=lambda t: (-(t["share"] or 0), -(t["mb"] or 0)))
        processes = None
        if self.processes is not None:
            processes = [{"pid": pid, "share": self.share(p["value"]),
                          "mb": p["mb"] if has_mb else None}
                         for pid, p in sorted(self.processes.items(),
                                              key=lambda kv: (-kv[1]["value"], -kv[1]["mb"]))]
        native = None
        if self.native:
            py = sum(f["python"] or 0 for f in self.funcs.values())
            nat = sum(f["native"] or 0 for f in self.funcs.values())
            native = {"python": self.share(py), "native": self.share(nat),
                      "scope": "the script's functions: their own Python time and the "
                               "C time they call directly"}
        return {
            "schema": SCHEMA,
            "profiler": self.profiler,
            "format": self.format,
            "files": self.files,
            "script": self.script.path,
            "measure": self.measure,
            "unit": self.unit,
            "timed": self.timed,
            "samples": self.samples,
            "normalization": "whole_profile",
            "profile_total": self.total,
            "expresses": self.expresses,
            "functions": funcs,
            "lines": lines if self.expresses["lines"] else None,
            "memory": memory,
            "threads": threads,
            "processes": processes,
            "native": native,
            "warnings": self.warnings,
        }
