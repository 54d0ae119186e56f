"""speedscope JSON as py-spy writes it (record -f speedscope).

"shared.frames" lists frames {name, file, line} (line: the line being run,
not the function's first line); each "profiles" entry is one thread of
one process ("Process PID Thread TID ..."; "Thread TID ..." without
--subprocesses), of type "sampled": stacks of frame indices, outermost
first, with weights in seconds. With --subprocesses a first frame
"process PID:COMMAND" (no file) heads every stack. py-spy leaves idle
samples out by default (--idle keeps them: the file does not say which).

With --native the stacks hold C frames too: file a shared object
(/usr/lib/x86_64-linux-gnu/libc.so.6) or a C source, name a symbol or an
address (0x7f...), line 0 (common.is_native_frame). A sample whose
innermost frames are C below a script frame is that frame's native time;
the file then expresses a python/native split. py-spy folds the
interpreter's own C (the python binary or libpython: sorted(), list and
dict methods) into the Python frame calling it, so only C in other
shared objects (zlib, libc, extension modules) counts as native.
"""
import json
import re

from common import AdapterError, is_native_frame

PROFILE_NAME = re.compile(r"(?:Process (\d+) )?Thread (\d+)(?: \"(.*)\")?")


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        frames = doc["shared"]["frames"]
        profiles = doc["profiles"]
    except OSError as e:
        raise AdapterError(f"cannot read '{path}': {e.strerror}")
    except (ValueError, KeyError, TypeError) as e:
        raise AdapterError(f"'{path}' is not speedscope JSON: {e}")
    acc.measure = "cpu_samples_seconds"
    acc.unit = "s"
    acc.expresses.update(lines=True, threads=True, processes=True)
    parsed = []
    native = []             # per frame: a C frame (py-spy --native)
    for fr in frames:
        if not isinstance(fr, dict):
            raise AdapterError(f"'{path}' is not speedscope JSON: a frame is not an object")
        file, name, line = fr.get("file") or "", fr.get("name") or "", fr.get("line")
        parsed.append((file, name, None, line))
        # a C frame py-spy could not place has no file but an address for
        # a name; the synthetic "process PID:COMMAND" root has neither
        native.append((bool(file) or name.startswith("0x"))
                      and is_native_frame(file, name, line))
    if any(native):
        acc.native = True
        acc.expresses["native_split"] = True
    nsamples = 0
    for prof in profiles:
        if prof.get("type") != "sampled":
            acc.warnings.append(f"profile '{prof.get('name')}' is not sampled: skipped")
            continue
        m = PROFILE_NAME.match(prof.get("name") or "")
        pid = int(m.group(1)) if m and m.group(1) else None
        tid = m.group(2) if m else prof.get("name")
        tname = (m.group(3) or None) if m else None
        weights = prof.get("weights") or [1.0] * len(prof.get("samples", []))
        for stack, weight in zip(prof.get("samples", []), weights):
            idx = [i for i in stack if isinstance(i, int) and 0 <= i < len(parsed)
                   and (parsed[i][0] or native[i])]     # not the "process ..." root
            tail = 0                            # C frames innermost
            while tail < len(idx) and native[idx[len(idx) - 1 - tail]]:
                tail += 1
            acc.add_stack([parsed[i] for i in idx], float(weight),
                          thread=f"{pid}/{tid}" if pid is not None else str(tid),
                          thread_name=tname, process=pid, native_frames=tail)
            nsamples += 1
    if not nsamples:
        raise AdapterError(f"'{path}' holds no samples")
