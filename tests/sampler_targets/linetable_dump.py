"""Dumps CPython's own view of line numbers, to check the sampler's decoder.

For every code object compiled from the given source files (default: this
file and the standard library's argparse and dataclasses), prints
    C <firstlineno> <co_linetable as hex>
    R <start> <end> <line>      for each (start, end, line) of co_lines(),
                                with line -1 for None
"""
import argparse
import dataclasses
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or [__file__, argparse.__file__, dataclasses.__file__]
    out = sys.stdout
    for path in files:
        with open(path, encoding="utf-8") as f:
            top = compile(f.read(), path, "exec")
        for code in walk(top):
            out.write(f"C {code.co_firstlineno} {code.co_linetable.hex() or '-'}\n")
            for start, end, line in code.co_lines():
                out.write(f"R {start} {end} {-1 if line is None else line}\n")


if __name__ == "__main__":
    main()
