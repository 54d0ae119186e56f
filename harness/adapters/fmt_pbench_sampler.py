"""pbench's own sampler JSON (pbench sample -o FILE.json; schema "pbench-sample/1").

Counts of samples: every sample counts as wall, a sample of a running
thread (state R) also as cpu. functions[] and lines[] carry self and
total {cpu, wall} and a per-thread breakdown; processes[] their threads.
CPU samples are used (the truth workloads measure work, not waiting);
wall samples when no sample was on a CPU.
"""

from common import AdapterError, load_json


def read(acc, paths):
    path = paths[0]
    doc = load_json(acc, path)
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(schema, str) or not schema.startswith("pbench-sample/"):
        raise AdapterError(f"'{path}' is not a pbench sampler profile (schema {schema!r})")
    if schema != "pbench-sample/1":
        acc.warnings.append(f"schema {schema} is newer than pbench-sample/1: read as 1")
    samples = doc.get("samples") or {}
    clock = "cpu" if samples.get("cpu") else "wall"
    acc.measure = f"{clock}_samples"
    acc.unit = "samples"
    acc.total = float(samples.get(clock) or 0)
    acc.samples = int(acc.total)
    if not acc.total:
        raise AdapterError(f"'{path}' holds no samples")
    acc.expresses.update(lines=True, threads=True, processes=True)
    script = acc.script
    acc.threads, acc.processes = {}, {}
    names = {}
    for proc in doc.get("processes", []):
        pid = proc.get("pid")
        acc.process(pid, float((proc.get("samples") or {}).get(clock) or 0))
        for t in proc.get("threads", []):
            key = f"{pid}/{t.get('tid')}"
            names[key] = t.get("name")
            acc.thread(key, float((t.get("samples") or {}).get(clock) or 0),
                       t.get("name"), pid)
    for fe in doc.get("functions", []):
        if not script.is_script(fe.get("file")):
            continue
        first = fe.get("first_line")
        q = script.resolve(fe.get("function") or "", first)
        f = acc.func(q, first)
        acc.add(f, "self", float((fe.get("self") or {}).get(clock) or 0))
        acc.add(f, "total", float((fe.get("total") or {}).get(clock) or 0))
        acc.add(f, "samples", float((fe.get("total") or {}).get("wall") or 0))
        for t in fe.get("threads", []):
            key = f"{t.get('pid')}/{t.get('tid')}"
            v = float((t.get("total") or {}).get(clock) or 0)
            acc.thread(key, 0.0, names.get(key), t.get("pid"), functions=[q])
            th = acc.threads[key]
            th["functions"][q] = th["functions"].get(q, 0.0) + v
    for le in doc.get("lines", []):
        if not script.is_script(le.get("file")):
            continue
        q = script.resolve(le.get("function") or "", le.get("first_line"))
        e = acc.line(le.get("line"), q)
        acc.add(e, "self", float((le.get("self") or {}).get(clock) or 0))
        acc.add(e, "total", float((le.get("total") or {}).get(clock) or 0))
