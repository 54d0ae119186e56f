"""pyinstrument session files (-r session): pyinstrument.session.Session.load.

A session keeps its samples as frame records: (stack, seconds), the stack
outermost first, each frame an identifier "function\\0file\\0first_line"
with attributes after \\1 (l<line> the line being run, c<class>). The
first frame names the thread. pyinstrument samples only the thread that
started it (wall clock, 1 ms), and C functions show as frames of file
'<built-in>', so a sample ending in one is native time of its caller.
"""
from common import AdapterError


def parse_frame(ident):
    parts = ident.split("\x01")
    head = parts[0].split("\x00")
    name = head[0]
    file = head[1] if len(head) > 1 else ""
    try:
        first = int(head[2]) if len(head) > 2 and head[2] else None
    except ValueError:
        first = None
    line = cls = None
    for attr in parts[1:]:
        if attr.startswith("l"):
            try:
                line = int(attr[1:])
            except ValueError:
                pass
        elif attr.startswith("c"):
            cls = attr[1:]
    if cls and "." not in name:
        name = f"{cls}.{name}"
    return file, name, first, line


def read(acc, paths):
    path = paths[0]
    acc.files.append(path)
    try:
        from pyinstrument.session import Session
        session = Session.load(path)
    except ImportError as e:
        raise AdapterError(f"pyinstrument is not importable here: {e}")
    except Exception as e:
        raise AdapterError(f"'{path}' is not a readable pyinstrument session: {e}")
    acc.measure = "wall_time"
    acc.unit = "s"
    acc.native = True
    acc.expresses.update(lines=True, threads=True, native_split=True)
    if not session.frame_records:
        raise AdapterError(f"'{path}' holds no samples")
    for stack, seconds in session.frame_records:
        frames = [parse_frame(f) for f in stack]
        thread = name = None
        if frames and frames[0][1] and frames[0][0] == "<thread>":
            name = frames[0][1]
            thread = stack[0].split("\x00")[2] if stack[0].count("\x00") >= 2 else name
            frames = frames[1:]
        native_leaf = bool(frames) and frames[-1][0] == "<built-in>"
        acc.add_stack(frames, seconds, thread=thread, thread_name=name,
                      native_leaf=native_leaf)
    # a record is a stretch of time with one stack, measured, not a counted
    # sample: there is no sample count to be short of
    acc.samples = None
