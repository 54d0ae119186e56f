"""speedscope JSON as py-spy writes it (record -f speedscope).

"shared.frames" lists frames {name, file, line} (line: the line being run,
not the function's first line); each "profiles" entry is one thread of
one process ("Process PID Thread TID ..."), of type "sampled": stacks of
frame indices, outermost first, with weights in seconds. With
--subprocesses a first frame "process PID:COMMAND" (no file) heads every
stack. py-spy leaves idle samples out by default (no --idle), and without
--native it records only Python frames: no native split.
"""
import json
import re

from common import AdapterError

PROFILE_NAME = re.compile(r"Process (\d+) Thread (\d+)(?: \"(.*)\")?")


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
    parsed = [(fr.get("file") or "", fr.get("name") or "", None, fr.get("line"))
              for fr in frames]
    nsamples = 0
    for prof in profiles:
        if prof.get("type") != "sampled":
            acc.warnings.append(f"profile '{prof.get('name')}' is not sampled: skipped")
            continue
        m = PROFILE_NAME.match(prof.get("name") or "")
        pid, tid = (int(m.group(1)), m.group(2)) if m else (None, prof.get("name"))
        tname = (m.group(3) or None) if m else None
        weights = prof.get("weights") or [1.0] * len(prof.get("samples", []))
        for stack, weight in zip(prof.get("samples", []), weights):
            fs = [parsed[i] for i in stack if 0 <= i < len(parsed)]
            fs = [f for f in fs if f[0]]         # the synthetic "process ..." root
            acc.add_stack(fs, float(weight), thread=f"{pid}/{tid}", thread_name=tname,
                          process=pid)
            nsamples += 1
    if not nsamples:
        raise AdapterError(f"'{path}' holds no samples")
