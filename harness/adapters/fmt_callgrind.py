"""Callgrind files as pprofile writes them (-f callgrind), deterministic or statistical.

    fl=FILE / fn=NAME:FIRSTLINE          the function the cost lines belong to
    LINE HITS MICROSECONDS USPHIT        its own cost at LINE
    cfl=FILE / cfn=NAME:FIRSTLINE / calls=N LINE
    LINE HITS MICROSECONDS USPHIT        the inclusive cost of those calls
Deterministic mode measures microseconds; statistical mode (-s) only
counts hits (samples), so its microseconds are 0 and hits are used. Both
modes see every thread but merge them; no processes.
"""
from common import AdapterError


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise AdapterError(f"cannot read '{path}': {e.strerror}")
    if "events:" not in text:
        raise AdapterError(f"'{path}' is not a callgrind file (no 'events:' line)")
    self_cost = []      # (file, fn, line, hits, us)
    call_cost = []      # (file, fn, callee_file, callee_fn, ncalls, line, hits, us)
    fl = fn = cfl = cfn = None
    pending_call = None
    for raw in text.splitlines():
        if not raw or raw.startswith("#"):
            continue
        if raw.startswith("fl="):
            fl = raw[3:]
        elif raw.startswith("fn="):
            fn = raw[3:]
        elif raw.startswith("cfl=") or raw.startswith("cfi="):
            cfl = raw[4:]
        elif raw.startswith("cfn="):
            cfn = raw[4:]
        elif raw.startswith("calls="):
            try:
                pending_call = int(raw[6:].split()[0])
            except (ValueError, IndexError):
                pending_call = 0
        elif raw[0].isdigit():
            cols = raw.split()
            if len(cols) < 3:
                continue
            line, hits, us = int(cols[0]), int(cols[1]), float(cols[2])
            if pending_call is not None:
                call_cost.append((fl, fn, cfl or fl, cfn, pending_call, line, hits, us))
                pending_call = None
                cfl = None
            else:
                self_cost.append((fl, fn, line, hits, us))
    if not self_cost:
        raise AdapterError(f"'{path}' holds no cost lines")
    timed = sum(c[4] for c in self_cost) > 0
    acc.measure = "wall_time" if timed else "wall_samples"
    acc.unit = "us" if timed else "hits"
    acc.expresses["lines"] = True
    if not timed:
        acc.samples = sum(c[3] for c in self_cost)

    def cost(hits, us):
        return us if timed else hits

    def split(fn_field):
        name, _, first = (fn_field or "").rpartition(":")
        try:
            return name, int(first)
        except ValueError:
            return fn_field, None

    script = acc.script
    for file, fnf, line, hits, us in self_cost:
        acc.total += cost(hits, us)
        if not script.is_script(file):
            continue
        name, first = split(fnf)
        q = script.resolve(name, first)
        f = acc.func(q, first if q != "<module>" else 1)
        acc.add(f, "hits", hits)
        acc.add(f, "self", cost(hits, us))
        acc.add(f, "total", cost(hits, us))
        e = acc.line(line, q)
        acc.add(e, "self", cost(hits, us))
        acc.add(e, "total", cost(hits, us))
        e["hits"] = (e["hits"] or 0) + hits
    for file, fnf, cfile, cfnf, ncalls, line, hits, us in call_cost:
        if script.is_script(cfile):
            cname, cfirst = split(cfnf)
            callee = acc.func(script.resolve(cname, cfirst), cfirst)
            callee["calls"] = (callee["calls"] or 0) + ncalls
        if not script.is_script(file) or (cfile == file and cfnf == fnf):
            continue                    # recursion is in the callee's own cost already
        name, first = split(fnf)
        q = script.resolve(name, first)
        f = acc.func(q, first if q != "<module>" else 1)
        acc.add(f, "total", cost(hits, us))
        acc.add(acc.line(line, q), "total", cost(hits, us))
    # inclusive call costs are measured apart from the self costs and can
    # exceed their sum by a little: no share above 1
    acc.total = max([acc.total] + [f["total"] or 0 for f in acc.funcs.values()])
