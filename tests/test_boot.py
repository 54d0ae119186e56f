"""boot.py (harness/py) on hot functions of imported modules, and as a
plain launcher (--tool none) for yappi.

A workload's hot functions may live in a module it imports (the library
a pyperformance benchmark spends its time in): `module:Qual.name`, or a
dotted name the script does not define. Each test writes a small package
and a script that calls into it, runs boot.py with the real line_profiler
or memory_profiler, and checks that the named functions' lines were
recorded (or that a bad name fails with exit 2 and says why).

    .venv/bin/python -m unittest discover -s tests -p 'test_boot.py' -v
"""
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOT = os.path.join(ROOT, "harness", "py", "boot.py")
PYTHON = sys.executable

MODULE = '''\
import functools

CONST = 3


def helper(n):
    total = 0
    for i in range(n):
        total += i
    return total


@functools.lru_cache(maxsize=None)
def cached(n):
    return helper(n) + 1


class Base:
    def inherited(self):
        return 1


class Shape(Base):
    def area(self, n):
        s = 0
        for i in range(n):
            s += i * i
        return s

    @staticmethod
    def unit(n):
        return helper(n)

    @classmethod
    def make(cls, n):
        x = cls()
        return x.area(n)

    @property
    def side(self):
        return helper(5)
'''

SCRIPT = '''\
from pkg import geo


def main():
    s = geo.Shape()
    s.area(50)
    geo.Shape.unit(20)
    geo.Shape.make(30)
    s.side
    geo.cached(40)
    geo.helper(10)
    s.inherited()


main()
'''


class BootCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pbench-boot-")
        os.makedirs(os.path.join(self.tmp, "pkg"))
        with open(os.path.join(self.tmp, "pkg", "__init__.py"), "w") as f:
            f.write("")
        with open(os.path.join(self.tmp, "pkg", "geo.py"), "w") as f:
            f.write(MODULE)
        self.script = os.path.join(self.tmp, "main.py")
        with open(self.script, "w") as f:
            f.write(SCRIPT)
        self.geo = os.path.join(self.tmp, "pkg", "geo.py")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def boot(self, tool, hot, out):
        """Runs boot.py from a directory other than the script's (the
        module must be found through the script's sys.path[0])."""
        return subprocess.run(
            [PYTHON, BOOT, "--tool", tool, "--hot", ",".join(hot),
             "--out", os.path.join(self.tmp, out), "--", self.script],
            cwd="/", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)

    def line_hits(self, out):
        """{qualified name: total hits} of the module's functions in an .lprof."""
        with open(os.path.join(self.tmp, out), "rb") as f:
            stats = pickle.load(f)
        hits = {}
        for (filename, _, name), lines in stats.timings.items():
            if os.path.realpath(filename) == os.path.realpath(self.geo):
                hits[name] = hits.get(name, 0) + sum(n for _, n, _ in lines)
        return hits


class TestLineProfiler(BootCase):
    def test_every_kind_of_module_function(self):
        hot = ["pkg.geo:Shape.area", "pkg.geo:Shape.unit", "pkg.geo:Shape.make",
               "pkg.geo:Shape.side", "pkg.geo:cached", "pkg.geo.helper"]
        proc = self.boot("line_profiler", hot, "lp.lprof")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        hits = self.line_hits("lp.lprof")
        # a method, a staticmethod, a classmethod, a property, the inner
        # function of an lru_cache, and a dotted name without ':'
        for name in ("Shape.area", "Shape.unit", "Shape.make", "Shape.side", "cached", "helper"):
            self.assertGreater(hits.get(name, 0), 0, (name, hits))

    def test_script_and_module_names_together(self):
        proc = self.boot("line_profiler", ["main", "pkg.geo:Shape.area"], "lp.lprof")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(self.tmp, "lp.lprof"), "rb") as f:
            names = {name for (_, _, name), lines in pickle.load(f).timings.items() if lines}
        self.assertEqual(names, {"main", "Shape.area"})


class TestMemoryProfiler(BootCase):
    def test_module_function_report(self):
        proc = self.boot("memory_profiler", ["pkg.geo:Shape.area", "pkg.geo:cached"], "mp.txt")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(self.tmp, "mp.txt")) as f:
            report = f.read()
        self.assertIn(os.path.realpath(self.geo), report.replace(self.geo, os.path.realpath(self.geo)))
        self.assertIn("def area(self, n):", report)
        self.assertIn("return helper(n) + 1", report)      # cached's inner body


class TestNone(BootCase):
    """--tool none: the script runs as `python SCRIPT` would, for a
    profiler whose own launcher does not (yappi's CLI)."""

    DATA_SCRIPT = textwrap.dedent("""\
        import json, os, sys
        here = os.path.dirname(__file__)
        with open(os.path.join(here, "data.txt")) as f:
            data = f.read()
        print(json.dumps({"file": __file__, "argv": sys.argv, "path0": sys.path[0],
                          "name": __name__, "data": data}))
        """)

    def setUp(self):
        super().setUp()
        with open(os.path.join(self.tmp, "data.txt"), "w") as f:
            f.write("beside me")
        self.data_script = os.path.join(self.tmp, "reads_data.py")
        with open(self.data_script, "w") as f:
            f.write(self.DATA_SCRIPT)

    def check_run(self, proc):
        self.assertEqual(proc.returncode, 0, proc.stderr)
        import json
        seen = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(seen, {"file": self.data_script, "argv": [self.data_script, "a", "-b"],
                                "path0": self.tmp, "name": "__main__", "data": "beside me"})

    def test_runs_the_script_as_main(self):
        self.check_run(subprocess.run(
            [PYTHON, BOOT, "--tool", "none", "--", self.data_script, "a", "-b"],
            cwd="/", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60))

    @unittest.skipUnless(os.access(os.path.join(os.path.dirname(PYTHON), "yappi"), os.X_OK),
                         "yappi is not installed beside the interpreter")
    def test_under_yappi_the_script_finds_its_data(self):
        yappi = os.path.join(os.path.dirname(PYTHON), "yappi")
        out = os.path.join(self.tmp, "y.pstat")
        self.check_run(subprocess.run(
            [yappi, "-c", "wall", "-f", "pstat", "-o", out, BOOT, "--tool", "none", "--",
             self.data_script, "a", "-b"],
            cwd="/", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60))
        self.assertGreater(os.path.getsize(out), 0)

    def test_a_tool_needs_hot_and_out(self):
        proc = subprocess.run([PYTHON, BOOT, "--tool", "line_profiler", "--hot", "main", "--",
                               self.script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--tool line_profiler needs --out FILE", proc.stderr)
        proc = subprocess.run([PYTHON, BOOT, "--tool", "line_profiler", "--out", "x", "--",
                               self.script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--hot names no function", proc.stderr)


class TestErrors(BootCase):
    def assert_fails(self, hot, *needles):
        proc = self.boot("line_profiler", [hot], "lp.lprof")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        for needle in needles:
            self.assertIn(needle, proc.stderr)

    def test_no_such_function(self):
        self.assert_fails("pkg.geo:Shape.volume",
                          "hot function 'pkg.geo:Shape.volume' not found: module 'pkg.geo' has no 'Shape.volume'")

    def test_inherited_names_the_defining_class(self):
        self.assert_fails("pkg.geo:Shape.inherited", "is inherited from pkg.geo.Base",
                          "name 'pkg.geo:Base.inherited'")

    def test_no_such_module(self):
        self.assert_fails("nosuchpkg.mod:f", "no module 'nosuchpkg.mod'")
        self.assert_fails("Nothing.here", "not defined in the script, and no module holds it")

    def test_not_a_function(self):
        self.assert_fails("pkg.geo:CONST", "is not a Python function (it is a int)")

    def test_module_that_fails_to_import(self):
        with open(os.path.join(self.tmp, "pkg", "broken.py"), "w") as f:
            f.write(textwrap.dedent("""\
                import no_such_dependency_here
                def f():
                    pass
                """))
        self.assert_fails("pkg.broken:f", "importing 'pkg.broken' failed",
                          "no_such_dependency_here")


if __name__ == "__main__":
    unittest.main()
