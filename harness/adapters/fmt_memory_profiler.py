"""memory_profiler text reports (memory_profiler.show_results, as boot.py writes).

One table per decorated function, under "Filename: FILE":
    Line #    Mem usage    Increment  Occurrences   Line Contents
A row with figures is a line that ran: the process's RSS after it, the
RSS increments summed over its runs (MiB) and how often it ran; a row
without figures did not run under the tracer. There is no time at all.
The function's first row (its def line) carries the sum of the RSS at
every entry, not an increment, so it is left out of the memory figures.
"""
import re

from common import AdapterError

ROW = re.compile(r"^\s*(\d+)\s+([\d.]+) MiB\s+(-?[\d.]+) MiB\s+(\d+)\s")
BARE = re.compile(r"^\s*(\d+)\s")


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise AdapterError(f"cannot read '{path}': {e.strerror}")
    acc.timed = False
    acc.measure = "rss_increment"
    acc.unit = "MiB"
    acc.expresses.update(functions=True, function_total=False, lines=True, memory=True)
    acc.memory = {"kind": "rss_increment", "lines": {}}
    tables = 0
    file = None
    first_row = False
    func = None
    for raw in text.splitlines():
        if raw.startswith("Filename: "):
            file = raw[len("Filename: "):].strip()
            continue
        if raw.startswith("Line #"):
            tables += 1
            first_row = True
            continue
        if file is None or not acc.script.is_script(file):
            continue
        m = ROW.match(raw)
        if not m and not BARE.match(raw):
            continue
        line = int((m or BARE.match(raw)).group(1))
        if first_row:
            first_row = False
            func = acc.script.containing(line)
            acc.func(func, acc.script.first_line(func))
            continue
        if not m:
            continue
        increment, hits = float(m.group(3)), int(m.group(4))
        f = acc.func(func)
        acc.add(f, "hits", hits)
        acc.add(f, "mb" if increment >= 0 else "freed_mb", abs(increment))
        e = acc.line(line, func)
        e["hits"] = (e["hits"] or 0) + hits
        acc.memory_line(line, increment, "rss_increment", func,
                        rss_mb=float(m.group(2)), hits=hits)
    if not tables:
        raise AdapterError(f"'{path}' holds no memory_profiler table")
    acc.warnings.append("memory_profiler reports RSS increments (MiB) per line of the "
                        "decorated functions, no time")
