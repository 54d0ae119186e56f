"""memray capture files (memray run -o FILE; checked against memray 1.20),
read with memray's own memray.FileReader.

A capture holds every allocation and deallocation of one process, each
with its thread and its Python stack (with --native, its C stack too).
With --follow-fork each forked child writes its own FILE.<pid> beside
FILE: every file is read, as one process each (its pid from the file's
header). There is no time at all.

What is counted: every allocation's bytes (malloc, calloc, realloc,
mmap, pymalloc with --trace-python-allocators...), frees left out: "mb"
at a line is all the memory allocated there over the run, as Scalene's
malloc MB, not what was alive at once. What was alive at the high-water
mark (memray's own flame graph and Fil's figure) is kept beside it as
"peak_mb". A truth that allocates N MB once at a line gets N in both.
An allocation goes to the innermost frame of its Python stack that is in
the workload script; all the script functions on its stack count it
(their "mb"). With --native, each memory line also names the innermost
C functions between that line and the allocator ("native_frames", MB
each; the python binary's own symbols are often unresolved: "<unknown>"
frames are skipped).

Files written with --aggregate hold no single allocations: only the
high-water mark is read from them ("mb" is then that).
"""
from common import AdapterError, is_native_frame

MB = float(1 << 20)
DEALLOCATORS = ("FREE", "PYMALLOC_FREE", "MUNMAP")
NATIVE_NAMES_KEPT = 5


def python_frames(trace):
    """memray's (function, file, line) tuples, innermost first, as
    add_stack's frames, outermost first."""
    return [(file, name, None, line) for name, file, line in reversed(trace)]


def native_callers(hybrid, script):
    """The innermost named C function between the allocator and the
    innermost script frame of a hybrid (Python and C) trace, or None."""
    for name, file, line in hybrid:
        if script.is_script(file):
            return None
        if is_native_frame(file, name, line) and name and name != "<unknown>" \
                and not name.startswith("0x"):
            return name
    return None


def read_file(acc, memray, path, dealloc):
    try:
        reader = memray.FileReader(path)
        meta = reader.metadata
    except Exception as e:      # memray raises OSError, IOError or RuntimeError
        raise AdapterError(f"'{path}' is not a readable memray capture: {e}")
    pid = meta.pid
    native = bool(meta.has_native_traces)
    aggregated = meta.file_format == memray.FileFormat.AGGREGATED_ALLOCATIONS
    groups = {}                 # (tid, stack) -> [bytes, allocations, a record, thread name]
    try:
        if not aggregated:
            for rec in reader.get_allocation_records():
                if rec.allocator in dealloc:
                    continue
                key = (rec.tid, rec.stack_id,
                       (rec.native_stack_id, rec.native_segment_generation) if native else None)
                g = groups.get(key)
                if g is None:
                    g = groups[key] = [0, 0, rec, rec.thread_name]
                g[0] += rec.size
                g[1] += rec.n_allocations
        peaks = {}              # (tid, stack_id) -> bytes alive at the high-water mark
        for rec in reader.get_high_watermark_allocation_records(merge_threads=False):
            key = (rec.tid, rec.stack_id)
            peaks[key] = peaks.get(key, 0) + rec.size
            if aggregated:
                g = groups.setdefault((rec.tid, rec.stack_id, None), [0, 0, rec, rec.thread_name])
                g[0] += rec.size
                g[1] += rec.n_allocations
    except Exception as e:
        raise AdapterError(f"'{path}': memray could not read it to the end: {e}")
    if aggregated:
        acc.warnings.append(f"'{path}' is aggregated (--aggregate): only the allocations "
                            "alive at the high-water mark are in it")
    script = acc.script
    natives = {}                # line -> {C function: MB}
    for (tid, stack_id, _), (size, count, rec, tname) in groups.items():
        frames = python_frames(rec.stack_trace())
        peak = peaks.pop((tid, stack_id), 0)
        line = acc.add_memory_stack(frames, size / MB, "allocation",
                                    thread=f"{pid}/{tid}", thread_name=tname or None,
                                    process=pid, peak_mb=peak / MB)
        q = None
        for file, name, first, ln in reversed(frames):
            if script.is_script(file):
                q = script.resolve(name, first, ln)
                break
        if q is not None:
            acc.add(acc.func(q), "allocations", count)
        if native and line is not None:
            try:
                c = native_callers(rec.hybrid_stack_trace(), script)
            except Exception:           # a C stack memray cannot rebuild: no name
                c = None
            if c:
                per = natives.setdefault(line, {})
                per[c] = per.get(c, 0.0) + size / MB
    for line, per in natives.items():
        top = sorted(per.items(), key=lambda kv: -kv[1])[:NATIVE_NAMES_KEPT]
        acc.memory["lines"][line]["native_frames"] = dict(top)
    return len(groups), native


def read(acc, paths):
    try:
        import memray
    except ImportError as e:
        raise AdapterError(f"memray is not importable here: {e}")
    acc.timed = False
    acc.measure = "allocation"
    acc.unit = "MiB"
    acc.expresses.update(functions=True, function_total=False, lines=True, memory=True,
                         threads=True, processes=True)
    acc.memory = {"kind": "allocation", "lines": {}}
    dealloc = {getattr(memray.AllocatorType, n).value for n in DEALLOCATORS
               if hasattr(memray.AllocatorType, n)}
    stacks = 0
    any_native = False
    for path in paths:
        acc.files.append(path)
        n, native = read_file(acc, memray, path, dealloc)
        stacks += n
        any_native = any_native or native
    if not stacks:
        raise AdapterError(f"'{paths[0]}' holds no allocations")
    if any_native:
        acc.warnings.append("memray --native: each memory line names the C functions "
                            "allocating under it (native_frames)")
