"""line_profiler .lprof files (a pickled LineStats): line_profiler.load_stats.

Only the functions it was told to profile (pbench's boot.py decorates the
workload's `hot` functions) are timed, line by line: hits and time per
line, a line's time including everything it calls. So the whole profile is
the time in those functions, a function's self and total are both the sum
of its lines (callees not separately profiled are inside), and hot
functions that call each other are counted twice. Threads: timed in every
thread (per-thread state) but merged; no processes.
"""
from common import AdapterError


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    try:
        import line_profiler
        stats = line_profiler.load_stats(path)
    except ImportError as e:
        raise AdapterError(f"line_profiler is not importable here: {e}")
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
        f["seen"] = f["seen"] or any(hits for _, hits, _ in rows)
        acc.add(f, "self", seconds)
        acc.add(f, "total", seconds)
        for line, hits, t in rows:
            e = acc.line(line, q)
            acc.add(e, "self", t * unit)
            acc.add(e, "total", t * unit)
            e["hits"] = (e["hits"] or 0) + hits
    acc.warnings.append("line_profiler times only the decorated functions: shares are of "
                        "their time, and a line's time includes what it calls")
