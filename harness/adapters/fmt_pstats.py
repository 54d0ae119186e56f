"""pstats files: cProfile, profile, yappi (-f pstat); read with the pstats module.

A pstats table has one row per function (file, first line, name) for the
whole run: call counts, own time (tottime) and time including callees
(cumtime). It has no line numbers inside functions, no threads (yappi
merges every thread into one table; cProfile only ever sees the thread
that started it) and no processes. C functions called directly appear as
rows of their own (file '~') when the profiler records them (cProfile and
profile do; the yappi CLI does not by default), with per-caller times:
that is the native time of each calling function. (profile names them
('', 0, name) and keeps only call counts per caller: their time is split
over the callers by count.)
"""
import pstats

from common import AdapterError

CLOCKS = {"cProfile": "wall_time", "profile": "cpu_time",
          "yappi_wall": "wall_time", "yappi_cpu": "cpu_time"}


def is_builtin(file, line):
    """A C function's row: cProfile's file '~', profile's ''."""
    return file in ("~", "") and line == 0


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    try:
        st = pstats.Stats(path)
    except Exception as e:      # marshal/EOF/type errors all mean "unreadable"
        raise AdapterError(f"'{path}' is not a readable pstats file: {e}")
    rows = st.stats
    if not rows:
        raise AdapterError(f"'{path}' holds no functions")
    acc.measure = CLOCKS.get(acc.profiler, "time")
    acc.unit = "s"
    # the sum of own times; yappi's can fall short of its root's cumulative
    # time, and a share above 1 would mean nothing
    acc.total = max([float(st.total_tt)] + [row[3] for row in rows.values()])
    script = acc.script
    names = {}
    builtins = 0
    for (file, line, name), (cc, nc, tt, ct, callers) in rows.items():
        if is_builtin(file, line):
            builtins += 1
        if not script.is_script(file):
            continue
        if not isinstance(name, str):           # profile keeps a code object for exec'd code
            name = getattr(name, "co_name", str(name))
        q = script.resolve(name, line)
        names[(file, line, name)] = q
        f = acc.func(q, line if q != "<module>" else 1)
        acc.add(f, "self", tt)
        acc.add(f, "total", ct)
        f["calls"] = (f["calls"] or 0) + nc
    if builtins:
        acc.native = True
        acc.expresses["native_split"] = True
        for f in acc.funcs.values():
            f["python"] = f["self"]
            f["native"] = 0.0
        for (file, line, name), (cc, nc, tt, ct, callers) in rows.items():
            if not is_builtin(file, line):
                continue
            for caller, stat in callers.items():
                q = names.get(caller)
                if q is None:
                    continue
                # cProfile: (nc, cc, tt, ct) per caller; profile: a count only
                if isinstance(stat, tuple) and len(stat) == 4:
                    acc.add(acc.funcs[q], "native", stat[2])
                elif tt and nc:
                    acc.add(acc.funcs[q], "native", tt * stat / nc)
    else:
        acc.warnings.append("no C functions in the table (the profiler did not record "
                            "builtins): native time is inside the callers' own time")
