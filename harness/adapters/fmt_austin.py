"""Austin's text output (austin -o FILE; checked against austin 3.7.0).

A header (and a footer) of "# key: value" lines ("# mode: wall", cpu,
memory or full; "# interval: 1000"; "# duration: ..."), then one line
per sample, outermost frame first:
    P<pid>;T<iid>:<tid>;FILE:FUNCTION:LINE;...;FILE:FUNCTION:LINE METRIC
FILE may be "<frozen importlib._bootstrap>", FUNCTION may carry its class
("FrozenImporter.exec_module"), LINE is the line running in that frame;
":INVALID:" marks a frame Austin could not read (counted in the total).
The metric is microseconds in wall and cpu mode (-s), bytes in memory
mode (-m: the change of the process's resident set since the previous
sample, + grown, - shrunk), and "time,idle,bytes" in full mode (-f).

Time modes give wall_time (cpu_time with -s) in us, per thread and per
process (-C follows children). Memory mode has no time: each positive
change is an RSS increment at the innermost script line of the sample
that saw it (where the pages were touched, not where they were
allocated); shrinks are kept apart ("freed_mb"). Full mode gives both.
"""
from common import AdapterError, folded_lines

MB = float(1 << 20)
MAX_LINES = 20_000_000
MODES = ("wall", "cpu", "memory", "full")


def parse_frame(text):
    """(file, function, None, line) of 'FILE:FUNCTION:LINE'; an unreadable
    frame gets no file (it counts only towards the total)."""
    file, _, rest = text.rpartition(":")
    file, _, name = file.rpartition(":")
    try:
        line = int(rest)
    except ValueError:
        return ("", text, None, None)
    return (file, name, None, line)


def parse_thread(field):
    """'T<iid>:<tid>' (Austin 3.5 on) or 'T<tid>' -> the thread id."""
    body = field[1:]
    return body.split(":", 1)[1] if ":" in body else body


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    header = {}
    samples = []                    # (pid, tid, frames, metrics)
    def header_line(text):
        key, _, value = text.partition(":")
        header[key.strip()] = value.strip()

    for n, stack, metric in folded_lines(path, MAX_LINES, header_line):
        fields = stack.split(";")
        if len(fields) < 2 or not fields[0].startswith("P") or not fields[1].startswith("T"):
            raise AdapterError(f"'{path}' line {n}: not 'P<pid>;T<tid>;frames METRIC'")
        try:
            metrics = [int(m) for m in metric.split(",")]
            pid = int(fields[0][1:])
        except ValueError:
            raise AdapterError(f"'{path}' line {n}: no metric at its end")
        samples.append((pid, parse_thread(fields[1]), [parse_frame(fr) for fr in fields[2:]],
                        metrics))
    if "austin" not in header and "mode" not in header:
        raise AdapterError(f"'{path}' is not Austin output (no '# austin:' or '# mode:' header)")
    mode = header.get("mode", "wall")
    if mode not in MODES:
        raise AdapterError(f"'{path}': unknown Austin mode '{mode}' (knows {', '.join(MODES)})")
    want = 3 if mode == "full" else 1
    if not samples:
        raise AdapterError(f"'{path}' holds no samples")
    if any(len(m) != want for *_, m in samples):
        raise AdapterError(f"'{path}': {mode} mode takes {want} metric(s) per sample")
    timed = mode != "memory"
    acc.timed = timed
    acc.measure = {"wall": "wall_time", "cpu": "cpu_time", "full": "wall_time",
                   "memory": "rss_increment"}[mode]
    acc.unit = "us" if timed else "MiB"
    acc.expresses.update(lines=True, threads=True, processes=True, function_total=timed,
                         memory=mode in ("memory", "full"))
    if mode in ("memory", "full"):
        acc.memory = {"kind": "rss_increment", "lines": {}}
    for pid, tid, frames, metrics in samples:
        thread = f"{pid}/{tid}"
        if timed:
            acc.add_stack(frames, float(metrics[0]), thread=thread, process=pid)
        if mode in ("memory", "full"):
            acc.add_memory_stack(frames, metrics[-1] / MB, "rss_increment", thread=thread,
                                 process=pid)
    if not timed:
        acc.samples = len(samples)
    if mode == "memory":
        acc.warnings.append("Austin's memory mode records RSS changes between samples: a "
                            "line gets the pages touched while it ran, not what it allocated")
