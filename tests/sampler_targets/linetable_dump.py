"""Dumps CPython's own view of line numbers, to check the sampler's decoder.

For every code object compiled from the given source files (default: this
file and the standard library's argparse and dataclasses), prints
    F <format>                  once: locations (3.11 on), 310 or lnotab
    C <firstlineno> <line table as hex>
    R <start> <end> <line>      for each (start, end, line) of co_lines(),
                                with line -1 for None
The line table is co_linetable, or co_lnotab before 3.10. CPython 3.8 and
3.9 have no co_lines(): their ranges come from dis.findlinestarts, which is
how those versions map an address to a line (each start holds until the
next).
"""
import argparse
import dataclasses
import dis
import sys
import types


def walk(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from walk(const)


def odd_lines(x):
    # Jumps, a multi-line expression and a far line: long-form entries.
    y = (x
         + 1
         + 2)
    if y:
        pass




















    return [i for i in range(y)
            if i % 2]


def lines_of(code):
    if hasattr(code, "co_lines"):
        yield from code.co_lines()
        return
    starts = list(dis.findlinestarts(code))
    end = len(code.co_code)
    for i, (start, line) in enumerate(starts):
        stop = starts[i + 1][0] if i + 1 < len(starts) else end
        if stop > start:
            yield start, stop, line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or [__file__, argparse.__file__, dataclasses.__file__]
    out = sys.stdout
    fmt = ("locations" if sys.version_info >= (3, 11) else
           "310" if sys.version_info >= (3, 10) else "lnotab")
    out.write(f"F {fmt}\n")
    for path in files:
        with open(path, encoding="utf-8") as f:
            top = compile(f.read(), path, "exec")
        for code in walk(top):
            table = code.co_lnotab if fmt == "lnotab" else code.co_linetable
            out.write(f"C {code.co_firstlineno} {table.hex() or '-'}\n")
            for start, end, line in lines_of(code):
                out.write(f"R {start} {end} {-1 if line is None else line}\n")


if __name__ == "__main__":
    main()
