"""The adapters (harness/adapters) on real outputs of every profiler.

Each test runs one profiler, as configs/profilers.yaml does, on a tiny
truth workload in a temporary directory, then reads its output with the
adapter and checks the attribution's shape and who dominates: with
--split 0.9 the helper side (helper_part, helper) has ~90% of the time.

    .venv/bin/python -m unittest discover -s tests -p 'test_adapters.py' -v

Set PBENCH_BINARY to a built pbench to include its sampler (else the
build/ of this tree is tried, then the test is skipped).
"""
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "harness", "adapters"))

import adapt  # noqa: E402

PYTHON = sys.executable
BIN = os.path.dirname(sys.executable)
SPLIT = os.path.join(ROOT, "workloads", "truth_split.py")
MEMORY = os.path.join(ROOT, "workloads", "truth_memory.py")
THREADS = os.path.join(ROOT, "workloads", "truth_threads.py")
BOOT = os.path.join(ROOT, "harness", "py", "boot.py")
SPLIT_ARGS = ["--size", "2500", "--split", "0.9"]
HELPER_SIDE = {"helper_part", "helper"}
PARTS = {"inline_part", "helper_part", "helper"}


def pbench_binary():
    for path in (os.environ.get("PBENCH_BINARY"), os.path.join(ROOT, "build", "pbench")):
        if path and os.access(path, os.X_OK):
            return path
    return None


def have(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def shipped_formats():
    """profiler -> format: of configs/profilers.yaml (read as plain lines)."""
    formats, name = {}, None
    with open(os.path.join(ROOT, "configs", "profilers.yaml"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("  - name: "):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("    format: ") and name:
                formats[name] = line.split(":", 1)[1].strip()
    return formats


FORMATS = shipped_formats()


class AdapterCase(unittest.TestCase):
    """Helpers: run a profiler into a fresh directory, adapt, check shape."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pbench-adapters-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_profiler(self, name, argv, timeout=120):
        """Runs argv with {outdir} replaced; returns the run directory."""
        outdir = os.path.join(self.tmp, name)
        os.makedirs(outdir, exist_ok=True)
        argv = [a.replace("{outdir}", outdir) for a in argv]
        proc = subprocess.run(argv, cwd=outdir, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
        self.assertEqual(proc.returncode, 0, f"{name} failed: {proc.stderr.decode()[-2000:]}")
        with open(os.path.join(outdir, "stdout.txt"), "wb") as f:
            f.write(proc.stdout)
        return outdir

    def adapt(self, profiler, run_dir, script=SPLIT):
        # the format configs/profilers.yaml gives the profiler, as pbench passes it
        result = adapt.adapt(profiler, FORMATS.get(profiler, "auto"), run_dir, script)
        json.dumps(result)                          # plain JSON all the way
        self.check_shape(result)
        return result

    def check_shape(self, r):
        self.assertEqual(r["schema"], "pbench-attribution/1")
        self.assertNotIn("error", r)
        for key in ("profiler", "format", "files", "script", "measure", "unit", "timed",
                    "normalization", "profile_total", "expresses", "functions", "lines",
                    "memory", "threads", "processes", "native", "warnings", "samples"):
            self.assertIn(key, r)
        self.assertEqual(r["normalization"], "whole_profile")
        self.assertTrue(r["files"])
        for f in r["functions"]:
            self.assertEqual(f["file"], os.path.realpath(r["script"]))
            for k in ("self", "total", "python", "native"):
                if f[k] is not None:
                    self.assertGreaterEqual(f[k], 0.0, f)
                    self.assertLessEqual(f[k], 1.0 + 1e-9, f)
            if not r["timed"]:
                self.assertIsNone(f["self"])
        if r["expresses"]["lines"]:
            self.assertIsInstance(r["lines"], list)
            for line in r["lines"]:
                self.assertIsInstance(line["line"], int)
        else:
            self.assertIsNone(r["lines"])
        if r["memory"] is not None:
            self.assertIn(r["memory"]["kind"], ("rss_increment", "allocation"))
        if r["threads"] is not None:
            total = sum(t["share"] for t in r["threads"])
            self.assertLessEqual(total, 1.0 + 1e-6)

    def dominant(self, r):
        """The part function with the most time (total, else self)."""
        best, value = None, -1.0
        for f in r["functions"]:
            if f["function"] not in PARTS:
                continue
            v = f["total"] if f["total"] is not None else f["self"]
            if v is not None and v > value:
                best, value = f["function"], v
        return best

    def assert_helper_dominates(self, r):
        self.assertIn(self.dominant(r), HELPER_SIDE,
                      [(f["function"], f["self"], f["total"]) for f in r["functions"]])


class TestPstats(AdapterCase):
    def test_cprofile(self):
        d = self.run_profiler("cProfile", [PYTHON, "-m", "cProfile", "-o", "{outdir}/cprofile.pstats",
                                           SPLIT] + SPLIT_ARGS)
        r = self.adapt("cProfile", d)
        self.assertEqual(r["format"], "pstats")
        self.assertFalse(r["expresses"]["lines"])
        self.assert_helper_dominates(r)
        helper = next(f for f in r["functions"] if f["function"] == "helper")
        self.assertGreater(helper["calls"], 1000)
        self.assertAlmostEqual(next(f for f in r["functions"]
                                    if f["function"] == "<module>")["total"], 1.0, delta=0.05)

    def test_profile(self):
        d = self.run_profiler("profile", [PYTHON, "-m", "profile", "-o", "{outdir}/profile.pstats",
                                          SPLIT, "--size", "300", "--split", "0.9"])
        r = self.adapt("profile", d)
        self.assert_helper_dominates(r)

    @unittest.skipUnless(have("yappi"), "yappi is not installed")
    def test_yappi_both_clocks(self):
        for clock in ("wall", "cpu"):
            d = self.run_profiler(f"yappi_{clock}", [os.path.join(BIN, "yappi"), "-c", clock, "-f",
                                                     "pstat", "-o", "{outdir}/yappi.pstat",
                                                     SPLIT] + SPLIT_ARGS)
            r = self.adapt(f"yappi_{clock}", d)
            self.assertEqual(r["measure"], f"{clock}_time")
            self.assert_helper_dominates(r)

    @unittest.skipUnless(have("yappi"), "yappi is not installed")
    def test_yappi_sees_the_worker_thread(self):
        d = self.run_profiler("yappi_threads", [os.path.join(BIN, "yappi"), "-c", "cpu", "-f",
                                                "pstat", "-o", "{outdir}/yappi.pstat", THREADS,
                                                "--size", "600"])
        r = adapt.adapt("yappi_cpu", "auto", d, THREADS)
        names = {f["function"] for f in r["functions"]}
        self.assertIn("thread_part", names)

    def test_cprofile_misses_the_worker_thread(self):
        d = self.run_profiler("cProfile_threads", [PYTHON, "-m", "cProfile", "-o",
                                                   "{outdir}/cprofile.pstats", THREADS,
                                                   "--size", "600"])
        r = adapt.adapt("cProfile", "auto", d, THREADS)
        names = {f["function"] for f in r["functions"]}
        self.assertIn("main_part", names)
        self.assertNotIn("thread_part", names)


@unittest.skipUnless(have("pyinstrument"), "pyinstrument is not installed")
class TestPyinstrument(AdapterCase):
    def test_session(self):
        d = self.run_profiler("pyinstrument", [os.path.join(BIN, "pyinstrument"), "-r", "session",
                                               "-o", "{outdir}/pyinstrument.pyisession",
                                               SPLIT] + SPLIT_ARGS)
        r = self.adapt("pyinstrument", d)
        self.assert_helper_dominates(r)
        self.assertTrue(r["expresses"]["lines"])
        self.assertEqual(len(r["threads"]), 1)      # the main thread only
        self.assertIsNotNone(r["native"])


@unittest.skipUnless(have("line_profiler"), "line_profiler is not installed")
class TestLineProfiler(AdapterCase):
    def test_lprof(self):
        d = self.run_profiler("line_profiler", [PYTHON, BOOT, "--tool", "line_profiler", "--hot",
                                                "inline_part,helper_part", "--out",
                                                "{outdir}/line_profiler.lprof", "--",
                                                SPLIT] + SPLIT_ARGS)
        r = self.adapt("line_profiler", d)
        self.assertEqual({f["function"] for f in r["functions"]}, {"inline_part", "helper_part"})
        self.assert_helper_dominates(r)
        hits = [line for line in r["lines"] if line["hits"]]
        self.assertTrue(hits)


@unittest.skipUnless(have("memory_profiler"), "memory_profiler is not installed")
class TestMemoryProfiler(AdapterCase):
    def test_text_report(self):
        d = self.run_profiler("memory_profiler", [PYTHON, BOOT, "--tool", "memory_profiler",
                                                  "--hot", "hold_memory", "--out",
                                                  "{outdir}/memory_profiler.txt", "--", MEMORY,
                                                  "--size", "32", "--touch", "0.5"])
        r = self.adapt("memory_profiler", d, MEMORY)
        self.assertFalse(r["timed"])
        self.assertEqual(r["memory"]["kind"], "rss_increment")
        top = max(r["memory"]["lines"], key=lambda m: m["mb"])
        self.assertEqual(top["function"], "hold_memory")
        self.assertGreater(top["mb"], 8.0)          # the 16 MB touched, give or take


@unittest.skipUnless(have("pprofile"), "pprofile is not installed")
class TestPprofile(AdapterCase):
    def test_deterministic(self):
        d = self.run_profiler("pprofile_det", [os.path.join(BIN, "pprofile"), "-f", "callgrind",
                                               "-o", "{outdir}/pprofile.callgrind", SPLIT,
                                               "--size", "300", "--split", "0.9"])
        r = self.adapt("pprofile_det", d)
        self.assertEqual(r["unit"], "us")
        self.assert_helper_dominates(r)
        self.assertGreater(next(f for f in r["functions"] if f["function"] == "helper")["calls"], 1000)

    def test_statistical(self):
        d = self.run_profiler("pprofile_stat", [os.path.join(BIN, "pprofile"), "-s", "0.001", "-f",
                                                "callgrind", "-o", "{outdir}/pprofile.callgrind",
                                                SPLIT] + SPLIT_ARGS)
        r = self.adapt("pprofile_stat", d)
        self.assertEqual(r["unit"], "hits")
        self.assert_helper_dominates(r)


@unittest.skipUnless(os.path.exists(os.path.join(BIN, "py-spy")), "py-spy is not installed")
class TestPySpy(AdapterCase):
    def test_speedscope(self):
        d = self.run_profiler("py_spy", [os.path.join(BIN, "py-spy"), "record", "-r", "100", "-f",
                                         "speedscope", "-o", "{outdir}/py-spy.speedscope.json",
                                         "--subprocesses", "--", PYTHON, SPLIT] + SPLIT_ARGS)
        r = self.adapt("py_spy", d)
        self.assert_helper_dominates(r)
        self.assertTrue(r["processes"])
        self.assertGreater(r["samples"], 5)


@unittest.skipUnless(os.path.exists(os.path.join(BIN, "scalene")), "scalene is not installed")
class TestScalene(AdapterCase):
    def test_cpu_only(self):
        d = self.run_profiler("scalene_cpu", [os.path.join(BIN, "scalene"), "run", "--cpu-only",
                                              "-o", "{outdir}/scalene.json", SPLIT, "---"]
                              + SPLIT_ARGS)
        r = self.adapt("scalene_cpu", d)
        self.assertFalse(r["expresses"]["memory"])
        self.assertIsNone(r["memory"])
        self.assertIsNotNone(r["native"])
        self.assert_helper_dominates(r)

    def test_full_memory(self):
        d = self.run_profiler("scalene_full", [os.path.join(BIN, "scalene"), "run", "-o",
                                               "{outdir}/scalene.json", MEMORY, "---",
                                               "--size", "64", "--touch", "0.5"])
        r = self.adapt("scalene_full", d, MEMORY)
        self.assertEqual(r["memory"]["kind"], "allocation")
        top = max(r["memory"]["lines"], key=lambda m: m["mb"])
        self.assertEqual(top["function"], "hold_memory")


@unittest.skipUnless(pbench_binary(), "no built pbench (set PBENCH_BINARY)")
class TestPbenchSampler(AdapterCase):
    def test_sampler_json(self):
        d = self.run_profiler("pbench_sampler", [pbench_binary(), "sample", "-q", "-o",
                                                 "{outdir}/pbench-sample.json", "--", PYTHON,
                                                 SPLIT] + SPLIT_ARGS)
        r = self.adapt("pbench_sampler", d)
        self.assertEqual(r["format"], "pbench_sampler")
        self.assert_helper_dominates(r)
        self.assertTrue(r["threads"])


class TestCollapsed(AdapterCase):
    def test_collapsed_stacks(self):
        """Folded stacks ("frame;frame COUNT"), frames "name (file:line)":
        3 samples of 4 in helper_part, one in inline_part; a frame without
        a file counts only towards the total; a process root is read."""
        d = os.path.join(self.tmp, "collapsed")
        os.makedirs(d, exist_ok=True)
        split = os.path.realpath(SPLIT)
        with open(os.path.join(d, "out.collapsed"), "w") as f:
            f.write(f"process 42 (python);main ({split}:90);helper_part ({split}:50) 3\n")
            f.write(f"main ({split}:90);inline_part ({split}:40) 1\n")
            f.write("<native> 1\n")
        r = adapt.adapt("anything", "collapsed", d, SPLIT)
        self.check_shape(r)
        funcs = {f["function"]: f for f in r["functions"]}
        self.assertAlmostEqual(funcs["helper_part"]["total"], 3 / 5)
        self.assertAlmostEqual(funcs["inline_part"]["total"], 1 / 5)
        self.assertEqual(r["format"], "collapsed")

    def test_collapsed_garbage_is_an_error(self):
        d = os.path.join(self.tmp, "collapsed_bad")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "out.collapsed"), "w") as f:
            f.write("main;helper no-count\n")
        with self.assertRaises(adapt.AdapterError) as cm:
            adapt.adapt("anything", "collapsed", d, SPLIT)
        self.assertIn("no sample count", str(cm.exception))


class TestErrors(AdapterCase):
    """What the adapter says when it cannot read an output."""

    def cli(self, *args):
        proc = subprocess.run([PYTHON, os.path.join(ROOT, "harness", "adapters", "adapt.py")]
                              + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def test_empty_run_dir(self):
        d = os.path.join(self.tmp, "empty")
        os.makedirs(d, exist_ok=True)
        rc, out, _ = self.cli("--profiler", "cProfile", "--kind", "pstats", "--run-dir", d,
                              "--script", SPLIT)
        self.assertEqual(rc, 1)
        self.assertIn("no pstats output", json.loads(out)["error"])

    def test_unknown_profiler_without_outputs(self):
        d = os.path.join(self.tmp, "unknown")
        os.makedirs(d, exist_ok=True)
        rc, out, _ = self.cli("--profiler", "myprof", "--run-dir", d, "--script", SPLIT)
        self.assertEqual(rc, 1)
        self.assertIn("give profiler 'myprof' a 'format:'", json.loads(out)["error"])

    def test_corrupt_pstats(self):
        d = os.path.join(self.tmp, "corrupt")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "cprofile.pstats"), "wb") as f:
            f.write(b"\x00not marshal at all")
        rc, out, _ = self.cli("--profiler", "cProfile", "--run-dir", d, "--script", SPLIT,
                              "--out", os.path.join(d, "a.json"))
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        with open(os.path.join(d, "a.json")) as f:
            self.assertIn("not a readable pstats file", json.load(f)["error"])

    def test_hostile_lprof_runs_nothing(self):
        """A pickle whose __reduce__ calls os.system (issue 16, case 1):
        refused by name, and the command never runs."""
        d = os.path.join(self.tmp, "hostile_lprof")
        os.makedirs(d, exist_ok=True)
        marker = os.path.join(d, "pwned")

        class Evil:
            def __reduce__(self):
                return (os.system, (f"touch {marker}",))

        with open(os.path.join(d, "line_profiler.lprof"), "wb") as f:
            pickle.dump(Evil(), f)
        rc, out, _ = self.cli("--profiler", "line_profiler", "--run-dir", d, "--script", SPLIT)
        self.assertEqual(rc, 1)
        err = json.loads(out)["error"]
        self.assertIn("refused", err)
        self.assertIn("system", err)
        self.assertFalse(os.path.exists(marker), "the pickle ran its command")

    def test_scalene_too_short(self):
        d = os.path.join(self.tmp, "scalene_empty")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "scalene.json"), "w") as f:
            f.write("{}")
        rc, out, _ = self.cli("--profiler", "scalene_cpu", "--run-dir", d, "--script", SPLIT)
        self.assertEqual(rc, 1)
        self.assertIn("too briefly", json.loads(out)["error"])

    def test_detects_format_of_unknown_profiler(self):
        d = self.run_profiler("renamed", [PYTHON, "-m", "cProfile", "-o", "{outdir}/out.prof",
                                          SPLIT, "--size", "100", "--split", "0.9"])
        rc, out, _ = self.cli("--profiler", "my_cprofile", "--run-dir", d, "--script", SPLIT)
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out)["format"], "pstats")

    def test_bad_usage(self):
        rc, _, err = self.cli("--profiler", "cProfile")
        self.assertEqual(rc, 2)
        self.assertIn("required", err)


if __name__ == "__main__":
    unittest.main()
