"""Fil's peak-memory.prof (fil-profile -o DIR run; checked against
filprofiler 2024.11.2), found as DIR/<timestamp>/peak-memory.prof.

The allocations alive when the process's memory use peaked, as collapsed
stacks with bytes, one line per distinct stack, outermost frame first:
    FILE:LINE (FUNCTION);FILE:LINE (FUNCTION);... BYTES
LINE is the line running in that frame; a stack Fil could not tie to
Python code is "[No Python stack] BYTES" (counted in the total only).
So "mb" at a line is what was allocated there and still alive at the
peak: memory allocated and freed before the peak is not in the file at
all. Threads are profiled but not told apart (the file has no thread);
child processes are not profiled. No time.
"""
import os
import re

from common import AdapterError, folded_lines

FRAME = re.compile(r"^(?P<file>.*):(?P<line>\d+) \((?P<name>.*)\)$")
MB = float(1 << 20)
MAX_LINES = 5_000_000


def parse_frame(text):
    m = FRAME.match(text)
    if not m:
        return ("", text, None, None)
    return (m.group("file"), m.group("name"), None, int(m.group("line")))


def read(acc, paths):
    # several runs into one directory: the newest (Fil names them by time)
    path = max(paths, key=lambda p: (os.path.getmtime(p), p))
    acc.files.append(path)
    acc.timed = False
    acc.measure = "peak_allocation"
    acc.unit = "MiB"
    acc.expresses.update(functions=True, function_total=False, lines=True, memory=True)
    acc.memory = {"kind": "allocation", "lines": {}}
    stacks = 0
    for n, stack, size in folded_lines(path, MAX_LINES):
        try:
            nbytes = int(size)
        except ValueError:
            raise AdapterError(f"'{path}' line {n}: no byte count at its end")
        if nbytes < 0 or not stack:
            raise AdapterError(f"'{path}' line {n}: not 'FILE:LINE (FUNCTION);... BYTES'")
        frames = [parse_frame(fr) for fr in stack.split(";")]
        acc.add_memory_stack(frames, nbytes / MB, "allocation")
        stacks += 1
    if not stacks:
        raise AdapterError(f"'{path}' holds no stacks")
    for line in acc.memory["lines"].values():
        line["peak_mb"] = line["mb"]
