"""Scalene JSON (scalene run -o FILE.json; checked against Scalene 2.4.0).

files[FILE].lines: per line n_cpu_percent_python, n_cpu_percent_c
(native), n_sys_percent, as percents of all CPU samples, and with memory
on: n_malloc_mb (MB allocated there), n_peak_mb, n_mallocs.
files[FILE].functions: the same per function (its own lines: self time;
Scalene has no inclusive time). Samples are charged to the innermost line
in a profiled file, every thread included; memory profiling is off with
--cpu-only ("memory": false).

Scalene 2.4 writes a loop's figures on more than one line of the loop
(identical values on lines of one region): such repeats are counted once,
on the region's first line, so line shares add up to the function's.
"""

from common import AdapterError, load_json


def pct(entry, key):
    v = entry.get(key) or 0.0
    return float(v) / 100.0


def read(acc, paths):
    path = paths[0]
    doc = load_json(acc, path)
    if not isinstance(doc, dict) or "files" not in doc:
        raise AdapterError(f"'{path}' has no profile (Scalene writes {{}} when the program "
                           "ran too briefly to sample)")
    acc.measure = "cpu_time"
    acc.unit = "share"
    acc.total = 1.0             # Scalene's percents are already of all CPU samples
    acc.native = True
    memory_on = bool(doc.get("memory"))
    acc.expresses.update(function_total=False, lines=True, native_split=True,
                         memory=memory_on)
    script = acc.script
    entry = None
    for fname, e in doc["files"].items():
        if script.is_script(fname):
            entry = e
    if entry is None:
        acc.warnings.append("the script's file is not in the profile")
        return
    for fe in entry.get("functions", []):
        first = fe.get("lineno")
        q = script.resolve(fe.get("line") or "", first)
        f = acc.func(q, first)
        py, c, sys_ = pct(fe, "n_cpu_percent_python"), pct(fe, "n_cpu_percent_c"), \
            pct(fe, "n_sys_percent")
        acc.add(f, "self", py + c + sys_)
        acc.add(f, "python", py)
        acc.add(f, "native", c)
        if memory_on:
            acc.add(f, "mb", float(fe.get("n_malloc_mb") or 0.0))
            acc.add(f, "allocations", fe.get("n_mallocs") or 0)
    seen_region = {}
    repeats = 0
    for le in entry.get("lines", []):
        n = le.get("lineno")
        py, c, sys_ = pct(le, "n_cpu_percent_python"), pct(le, "n_cpu_percent_c"), \
            pct(le, "n_sys_percent")
        key = (le.get("start_region_line"), le.get("end_region_line"), py, c, sys_)
        if (py + c + sys_) > 0 and key[0] != key[1] and key in seen_region:
            repeats += 1
            py = c = sys_ = 0.0
        elif (py + c + sys_) > 0:
            seen_region[key] = n
        q = script.containing(n)
        if py + c + sys_ > 0:
            e = acc.line(n, q)
            acc.add(e, "self", py + c + sys_)
            acc.add(e, "python", py)
            acc.add(e, "native", c)
        if memory_on and (le.get("n_malloc_mb") or le.get("n_peak_mb")):
            acc.memory_line(n, float(le.get("n_malloc_mb") or 0.0), "allocation", q,
                            peak_mb=float(le.get("n_peak_mb") or 0.0),
                            mallocs=le.get("n_mallocs"))
    if repeats:
        acc.warnings.append(f"{repeats} line(s) repeated their loop region's figures: "
                            "counted once")
    if memory_on and acc.memory is None:
        acc.memory = {"kind": "allocation", "lines": {}}
