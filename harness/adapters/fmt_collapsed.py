"""Collapsed (folded) stacks, as flame graph tools take them: one line per
distinct stack, "frame;frame;...;frame COUNT", outermost first, COUNT the
samples (or any weight) of that stack.

A frame is read as "function (file:line)" (py-spy's raw format, pbench
sample's .collapsed), "function (file)" or a bare "function"; a frame
without a file cannot be matched to the workload and counts only towards
the total. pbench sample's first frame "process PID (...)" is taken as the
process. Weights are samples: the measure is "samples", with lines,
threads unknown, processes when the stacks name them.
"""
import re

from common import AdapterError, folded_lines

FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
PROCESS = re.compile(r"^process (\d+)")
MAX_LINES = 5_000_000


def parse_frame(text):
    """(file, name, None, line) of one frame; file '' when it has none."""
    text = text.strip()
    m = FRAME.match(text)
    if not m:
        return ("", text, None, None)
    line = int(m.group("line")) if m.group("line") else None
    return (m.group("file"), m.group("name"), None, line)


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    acc.measure = "samples"
    acc.unit = "samples"
    acc.expresses["lines"] = True
    nsamples = 0
    for n, stack, count in folded_lines(path, MAX_LINES):
        try:
            weight = float(count)
        except ValueError:
            raise AdapterError(f"'{path}' line {n}: no sample count at its end")
        if weight < 0 or not stack:
            raise AdapterError(f"'{path}' line {n}: not 'frame;...;frame COUNT'")
        frames = stack.split(";")
        pid = None
        m = PROCESS.match(frames[0])
        if m:
            pid = int(m.group(1))
            acc.expresses["processes"] = True
            frames = frames[1:]
        acc.add_stack([parse_frame(fr) for fr in frames], weight, process=pid)
        nsamples += 1
    if not nsamples:
        raise AdapterError(f"'{path}' holds no stacks")
