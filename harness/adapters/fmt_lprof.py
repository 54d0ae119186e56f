"""line_profiler .lprof files (a pickled LineStats), read with a restricted
unpickler (see SafeUnpickler) rather than line_profiler.load_stats.

Only the functions it was told to profile (pbench's boot.py decorates the
workload's `hot` functions) are timed, line by line: hits and time per
line, a line's time including everything it calls. So the whole profile is
the time in those functions, a function's self and total are both the sum
of its lines (callees not separately profiled are inside), and hot
functions that call each other are counted twice. Threads: timed in every
thread (per-thread state) but merged; no processes.
"""
import pickle

from common import AdapterError

# A .lprof is a pickle, and unpickling runs whatever the file names: a
# results directory may come from anyone, so only the classes the format
# holds are admitted (line_profiler's LineStats, rebuilt here as a plain
# object, and the containers of its fields); anything else is refused by
# name before it is looked up, let alone called.
MAX_BYTES = 256 << 20


class LineStats:
    """Stands in for line_profiler.line_profiler.LineStats: timings
    {(file, first line, name): [(line, hits, time)]} and unit (seconds)."""


ALLOWED = {
    ("line_profiler.line_profiler", "LineStats"): LineStats,
    ("line_profiler._line_profiler", "LineStats"): LineStats,
    ("line_profiler", "LineStats"): LineStats,
}


class SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        cls = ALLOWED.get((module, name))
        if cls is None:
            raise pickle.UnpicklingError(
                f"refused: the file names {module}.{name}, which a .lprof never holds "
                f"(unpickling it could run code)")
        return cls


def load(path):
    """The LineStats in path, read without running code from it."""
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AdapterError(f"'{path}' is larger than {MAX_BYTES >> 20} MiB")
    import io
    stats = SafeUnpickler(io.BytesIO(data)).load()
    if not isinstance(stats, LineStats) or not isinstance(getattr(stats, "timings", None), dict) \
            or not isinstance(getattr(stats, "unit", None), (int, float)):
        raise AdapterError(f"'{path}' does not hold a LineStats (timings and unit)")
    for key, rows in stats.timings.items():
        if not (isinstance(key, tuple) and len(key) == 3 and isinstance(rows, list)
                and all(isinstance(r, tuple) and len(r) == 3 for r in rows)):
            raise AdapterError(f"'{path}': a timings entry is not (file, line, name): "
                               f"[(line, hits, time)]")
    return stats


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    try:
        stats = load(path)
    except AdapterError:
        raise
    except Exception as e:
        raise AdapterError(f"'{path}' is not a readable .lprof file: {e}")
    acc.measure = "wall_time"
    acc.unit = "s"
    acc.expresses["lines"] = True
    unit = stats.unit
    if not stats.timings:
        raise AdapterError(f"'{path}' holds no functions")
    for (file, first, name), rows in stats.timings.items():
        seconds = sum(t for _, _, t in rows) * unit
        acc.total += seconds
        if not acc.script.is_script(file):
            continue
        q = acc.script.resolve(name, first)
        f = acc.func(q, first)
        acc.add(f, "hits", sum(hits for _, hits, _ in rows))
        acc.add(f, "self", seconds)
        acc.add(f, "total", seconds)
        for line, hits, t in rows:
            e = acc.line(line, q)
            acc.add(e, "self", t * unit)
            acc.add(e, "total", t * unit)
            e["hits"] = (e["hits"] or 0) + hits
    acc.warnings.append("line_profiler times only the decorated functions: shares are of "
                        "their time, and a line's time includes what it calls")
