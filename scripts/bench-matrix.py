#!/usr/bin/env python3
"""bench-matrix.py: the issue-13 performance matrix in one command.

Runs jdbio next to fio (io_uring default, and fixed buffers + registered
files) and, when given, fio's t/io_uring program, on each target, row by
row, in alternating rounds (A B C D A B C D ...), and prints per row the
medians and min-max of IOPS and CPU per I/O, the ratios of jdbio to the best
fio variant, the goal each ratio is held to, and how busy the machine was.

Usage:
  scripts/bench-matrix.py [--setup zram,shm,loop | --target PATH ...]
      [--rows LIST] [--rounds 3] [--time 3] [--ramp 1] [--size 1g]
      [--jdbio PATH] [--jdbio-arg ARG ...] [--t-io-uring PATH] [--fio-async]
      [--force] [--json OUT.json] [--markdown OUT.md]

Targets (at least one --setup name or --target):
  --setup LIST    targets this script creates (root) and removes at the end,
                  also on an error or Ctrl-C; "all" = zram,shm,loop:
                    zram  /dev/zram0, disksize = --size, filled with random
                          bytes (refused if zram0 is already set up:
                          `echo 1 > /sys/block/zram0/reset` frees it)
                    shm   a --size file on /dev/shm of random bytes
                    loop  a loop device (losetup --direct-io=on) over a
                          --size file of random bytes on /dev/shm
  --target PATH   an existing file or block device (repeatable); the runs use
                  its first --size bytes. Write rows on a block device need
                  --force; its data is destroyed

Rows (--rows LIST, default all; names separated by commas):
  rr1 rr16 rr64   4 KiB random read at QD 1, 16, 64             every target
  seq128k         128 KiB sequential read at QD 32               every target
  rw32            4 KiB random write at QD 32                    every target
                  (fio --refill_buffers=1 against jdbio --data random: fresh
                  random bytes per write on both sides; t/io_uring only reads)
  nop1 nop32      jdbio bench --engine nop against fio --ioengine=null (and
                  t/io_uring -N 1) at QD 1 and 32: the tools' own cost; once,
                  on a /dev/shm file of --size. Skipped, with jdbio's reason, when
                  jdbio has no --engine nop
  verify          jdbio verify's read pass against jdbio bench --mode read of
                  the same file (written by jdbio verify --write), 4 KiB, QD
                  32, one pass over --size each; once, on /dev/shm
  psync1 psync32 pvsync2-1 pvsync2-32 libaio1 libaio32 uring1 uring32
                  (issue 21) 4 KiB random read through jdbio bench --engine E
                  against fio --ioengine=E (uring: io_uring) on the same
                  target, 1 and 32 in flight: --qd for libaio and uring,
                  --jobs (fio --numjobs) for psync and pvsync2, which keep
                  one I/O in flight per thread; every target
  dio1 dio16 dio64
                  (issue 21) jdbio bench --engine dio (this crate's library
                  on compio) against jdbio bench --engine uring, 4 KiB random
                  read at QD 1, 16, 64: the price of the library's path; no
                  goal; every target
  Aliases: io = rr1,rr16,rr64,seq128k,rw32; rr = rr1,rr16,rr64; nop = nop1,nop32;
           engines = psync1,psync32,pvsync2-1,pvsync2-32,libaio1,libaio32,uring1,uring32,nop1,nop32;
           dio = dio1,dio16,dio64

Runs:
  --rounds N      rounds per row, tools alternating within each round (default 3)
  --time S        measured seconds per run (default 3)
  --ramp S        warm-up seconds per run, not measured (default 1)
  --size SIZE     region of every target, and the size of those set up
                  (default 1g; binary suffixes: k = 1024)
  --jdbio PATH    jdbio binary (default target/release/jdbio of this repository)
  --t-io-uring P  fio's t/io_uring program: adds it to the read rows (-d QD
                  -s/-c min(QD,32) -b BS -p 0 -B 1 -F 1 -n 1 -O 1 -R 0/1) and
                  the nop rows (-N 1). It reads the whole target, so use it
                  on targets of --size bytes (those set up here are)
  --fio-async     also run fio-async: fio-fixed plus --force_async=1
                  (IOSQE_ASYNC on every I/O: no non-blocking attempt first);
                  shown with its own ratio, not one of the goals' variants
  --jdbio-arg A   one more argument for every jdbio bench run (repeatable),
                  e.g. --jdbio-arg=--async=on to try a submission policy
  --force         allow write rows on --target block devices
  --json FILE     write every run and every summary to FILE
  --markdown FILE write the closing table (markdown) to FILE too
  -h, --help      this text

How it measures:
  IOPS        each tool's own figure for the measured phase (jdbio
              results.*.iops, fio jobs[0].*.iops, t/io_uring the mean of its
              per-second lines after the ramp seconds).
  CPU ns/IO   whole-process user+sys CPU of the tool (wait4 rusage: all its
              threads, io-wq workers included, which do the I/O on targets
              without NOWAIT such as zram and loop), less that tool's fixed
              start-up CPU (a 1-I/O run of it on the same target, taken once
              per target), divided by the I/Os of the whole run: IOPS x
              (time + ramp) (t/io_uring: x its run time). The same method
              for every tool. Also kept in --json ("self"): jdbio's report
              cpu section / its exact op count, and fio's usr_cpu + sys_cpu x
              job_runtime / total_ios, which counts fio's job thread only
              (not the io-wq workers): it reads low where the I/O is punted.
  ratios      jdbio's IOPS median over the highest fio median, and jdbio's
              CPU median over the lowest fio CPU median (the issue's fio
              variants: fio and fio-fixed; fio-async and t/io_uring get their
              own ratio lines, not held to a goal). Goals (issue 13): IOPS >= 1.0x and CPU <= 0.9x on
              the I/O rows; nop IOPS >= 2x fio null; verify >= 0.95x bench.
              Engine rows (issue 21): jdbio's engine over fio's same engine,
              IOPS >= 1.0x and CPU <= 1.0x; dio rows: dio over uring, no goal.
  load        per row: CPU time other processes used (task time in
              /proc/stat less what this script and its children used), per
              second of wall time, hypervisor steal, and the 1-minute load
              average; flagged above 0.25 CPU of other work.

Needs: python3, fio, root for --setup (zram, losetup). Exit status: 0 done
(goals missed are reported, not an error), 2 bad arguments or a failed run.
"""

import argparse
import hashlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PROG = "bench-matrix.py"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The fio variants issue 13 holds jdbio to; fio-async and t/io_uring are shown beside them.
FIO_VARIANTS = ("fio", "fio-fixed")
RAN_FIELDS = ("engine", "submit", "ring_flags", "fixed_file", "fixed_buffers", "force_async", "async_why",
              "ios_per_enter")


class Fail(Exception):
    """A run or a set-up step failed: the message says which."""


def die_usage(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    print(f"Try: {PROG} --help", file=sys.stderr)
    sys.exit(2)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def to_bytes(text):
    """Byte count of a size in jdbio's syntax (k/m/g/t = powers of 1024)."""
    m = re.fullmatch(r"(\d{1,15})([kmgt]?)(i?b)?", text.strip().lower())
    if not m:
        return None
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30, "t": 40}[m.group(2)]


# ---- rows ---------------------------------------------------------------------

# name: (kind, label, mode, bs, qd)
ROWS = {
    "rr1": ("io", "4k randread QD1", "randread", 4096, 1),
    "rr16": ("io", "4k randread QD16", "randread", 4096, 16),
    "rr64": ("io", "4k randread QD64", "randread", 4096, 64),
    "seq128k": ("io", "128k read QD32", "read", 131072, 32),
    "rw32": ("io", "4k randwrite QD32", "randwrite", 4096, 32),
    "nop1": ("nop", "nop QD1", "randread", 4096, 1),
    "nop32": ("nop", "nop QD32", "randread", 4096, 32),
    "verify": ("verify", "verify read 4k QD32", "read", 4096, 32),
    "psync1": ("engine", "psync 4k randread jobs1", "randread", 4096, 1),
    "psync32": ("engine", "psync 4k randread jobs32", "randread", 4096, 32),
    "pvsync2-1": ("engine", "pvsync2 4k randread jobs1", "randread", 4096, 1),
    "pvsync2-32": ("engine", "pvsync2 4k randread jobs32", "randread", 4096, 32),
    "libaio1": ("engine", "libaio 4k randread QD1", "randread", 4096, 1),
    "libaio32": ("engine", "libaio 4k randread QD32", "randread", 4096, 32),
    "uring1": ("engine", "uring 4k randread QD1", "randread", 4096, 1),
    "uring32": ("engine", "uring 4k randread QD32", "randread", 4096, 32),
    "dio1": ("dio", "dio vs uring 4k randread QD1", "randread", 4096, 1),
    "dio16": ("dio", "dio vs uring 4k randread QD16", "randread", 4096, 16),
    "dio64": ("dio", "dio vs uring 4k randread QD64", "randread", 4096, 64),
}
# Engine rows: jdbio's --engine, fio's --ioengine, and whether the count in
# flight is threads (--jobs / --numjobs) rather than queue depth.
ENGINE_OF = {"psync": ("psync", "psync", True), "pvsync2": ("pvsync2", "pvsync2", True),
             "libaio": ("libaio", "libaio", False), "uring": ("uring", "io_uring", False)}


def engine_of(row):
    """(jdbio engine, fio engine, by threads) of an engine row."""
    return ENGINE_OF[re.match(r"[a-z]+(?:2)?", row).group(0)]
ALIASES = {"all": list(ROWS), "io": ["rr1", "rr16", "rr64", "seq128k", "rw32"],
           "rr": ["rr1", "rr16", "rr64"], "nop": ["nop1", "nop32"],
           "engines": ["psync1", "psync32", "pvsync2-1", "pvsync2-32", "libaio1", "libaio32", "uring1", "uring32",
                       "nop1", "nop32"],
           "dio": ["dio1", "dio16", "dio64"]}


def parse_list(flag, text, known, aliases):
    out = []
    for name in text.split(","):
        name = name.strip()
        names = aliases.get(name, [name])
        for n in names:
            if n not in known:
                die_usage(f"{flag} '{text}': unknown name '{name}' (want {', '.join(list(known) + list(aliases))})")
            if n not in out:
                out.append(n)
    return out


def parse_args(argv):
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            die_usage(message)

    p = Parser(prog=PROG, add_help=False)
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("--setup", default="")
    p.add_argument("--target", action="append", default=[])
    p.add_argument("--rows", default="all")
    p.add_argument("--rounds", default="3")
    p.add_argument("--time", default="3")
    p.add_argument("--ramp", default="1")
    p.add_argument("--size", default="1g")
    p.add_argument("--jdbio", default="")
    p.add_argument("--t-io-uring", default="")
    p.add_argument("--fio-async", action="store_true")
    p.add_argument("--jdbio-arg", action="append", default=[])
    p.add_argument("--force", action="store_true")
    p.add_argument("--json", default="")
    p.add_argument("--markdown", default="")
    a = p.parse_args(argv)
    if a.help:
        print(__doc__.strip())
        sys.exit(0)

    def whole(flag, text, lo, hi):
        if not re.fullmatch(r"\d{1,6}", text) or not lo <= int(text) <= hi:
            die_usage(f"{flag} '{text}': want a whole number from {lo} to {hi}")
        return int(text)

    a.rounds = whole("--rounds", a.rounds, 1, 1000)
    a.time = whole("--time", a.time, 1, 86400)
    a.ramp = whole("--ramp", a.ramp, 0, 86400)
    a.size_bytes = to_bytes(a.size)
    if a.size_bytes is None or a.size_bytes < (1 << 20) or a.size_bytes % (1 << 20):
        die_usage(f"--size '{a.size}': want a whole number of MiB, at least 1m (examples: 256m, 1g)")
    a.setup = parse_list("--setup", a.setup, ["zram", "shm", "loop"], {"all": ["zram", "shm", "loop"]}) \
        if a.setup else []
    a.rows = parse_list("--rows", a.rows, ROWS, ALIASES)
    for t in a.target:
        if not (os.path.isfile(t) or is_block(t)):
            die_usage(f"--target '{t}': not an existing file or block device")
    if not a.setup and not a.target:
        die_usage("no target: pass --setup zram,shm,loop (or some of them) or --target PATH")
    if a.setup and os.geteuid() != 0:
        die_usage("--setup needs root (zram, losetup, writing the targets)")
    if not a.jdbio:
        a.jdbio = os.path.join(REPO, "target", "release", "jdbio")
    if not (os.path.isfile(a.jdbio) and os.access(a.jdbio, os.X_OK)):
        die_usage(f"--jdbio '{a.jdbio}': not an executable file (build it: cargo build --release)")
    if a.t_io_uring and not (os.path.isfile(a.t_io_uring) and os.access(a.t_io_uring, os.X_OK)):
        die_usage(f"--t-io-uring '{a.t_io_uring}': not an executable file (build fio's t/io_uring)")
    for flag, path in (("--json", a.json), ("--markdown", a.markdown)):
        if path:
            d = os.path.dirname(os.path.abspath(path))
            if not (os.path.isdir(d) and os.access(d, os.W_OK)):
                die_usage(f"{flag} '{path}': directory '{d}' does not exist or is not writable")
    if "rw32" in a.rows:
        for t in a.target:
            if is_block(t) and not a.force:
                die_usage(f"--rows rw32 writes to block device '{t}' and destroys its data: pass --force")
    return a


def is_block(path):
    import stat
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


# ---- targets ------------------------------------------------------------------

def sh(cmd, what):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise Fail(f"{what}: {' '.join(cmd)}: {r.stderr.strip() or 'exit ' + str(r.returncode)}")
    return r.stdout.strip()


def fill_random(path, size, direct):
    cmd = ["dd", "if=/dev/urandom", f"of={path}", "bs=1M", f"count={size >> 20}", "status=none"]
    if direct:
        cmd.append("oflag=direct")
    else:
        cmd.append("conv=fsync")
    sh(cmd, f"filling {path} with random bytes")


def reset_zram():
    """Frees /dev/zram0; retries while a short-lived opener (udev probing after
    the last write, a tool still exiting) holds it: the reset is refused with
    EBUSY then."""
    for attempt in range(20):
        try:
            with open("/sys/block/zram0/reset", "w") as f:
                f.write("1")
            return
        except OSError as e:
            if e.errno != 16 or attempt == 19:
                raise
            time.sleep(0.5)


class Targets:
    """The targets of the run; undo() removes every one set up here."""

    def __init__(self):
        self.list = []  # (name, path, kind)
        self.undo_steps = []
        self.scratch = []

    def setup(self, name, size):
        if name == "zram":
            if not os.path.exists("/sys/block/zram0"):
                sh(["modprobe", "zram"], "loading the zram module")
            with open("/sys/block/zram0/disksize") as f:
                if int(f.read().strip() or 0) != 0:
                    raise Fail("/dev/zram0 is already set up (in use?); free it with "
                               "`echo 1 > /sys/block/zram0/reset` if it is yours")
            with open("/sys/block/zram0/disksize", "w") as f:
                f.write(str(size))
            self.undo_steps.append(("zram", "/dev/zram0"))
            log(f"  zram: /dev/zram0, {size >> 20} MiB, filling with random bytes")
            fill_random("/dev/zram0", size, direct=True)
            self.list.append(("zram", "/dev/zram0", "block"))
        elif name == "shm":
            path = f"/dev/shm/jdbio-matrix.{os.getpid()}.dat"
            self.undo_steps.append(("rm", path))
            log(f"  shm: {path}, {size >> 20} MiB of random bytes")
            fill_random(path, size, direct=False)
            self.list.append(("shm", path, "file"))
        elif name == "loop":
            path = f"/dev/shm/jdbio-matrix-loop.{os.getpid()}.img"
            self.undo_steps.append(("rm", path))
            fill_random(path, size, direct=False)
            dev = sh(["losetup", "--direct-io=on", "-f", "--show", path], "setting up a loop device")
            self.undo_steps.append(("losetup", dev))
            dio = open(f"/sys/block/{os.path.basename(dev)}/loop/dio").read().strip()
            log(f"  loop: {dev} over {path}, {size >> 20} MiB of random bytes, direct I/O {'on' if dio == '1' else 'OFF'}")
            self.list.append(("loop", dev, "block"))

    def scratch_file(self, tag, size, jdbio_verify=None):
        """A file on /dev/shm removed at the end: random bytes, or written by jdbio verify --write."""
        path = f"/dev/shm/jdbio-matrix-{tag}.{os.getpid()}.dat"
        self.undo_steps.append(("rm", path))
        if jdbio_verify:
            sh([jdbio_verify, "verify", "--write", "--bs", "4k", "--size", str(size), "--quiet", path],
               f"writing {path} with jdbio verify --write")
        else:
            fill_random(path, size, direct=False)
        return path

    def undo(self):
        for kind, what in reversed(self.undo_steps):
            try:
                if kind == "rm" and os.path.exists(what):
                    os.unlink(what)
                elif kind == "losetup":
                    subprocess.run(["losetup", "-d", what], check=False)
                elif kind == "zram":
                    reset_zram()
            except OSError as e:
                log(f"{PROG}: cleaning up {what}: {e}")
        self.undo_steps.clear()


# ---- one run ------------------------------------------------------------------

def run(cmd):
    """Runs cmd, returns (rc, stdout, stderr, rusage dict)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        while True:
            try:
                _, status, ru = os.wait4(p.pid, 0)
                break
            except KeyboardInterrupt:
                p.send_signal(signal.SIGINT)
                raise
        wall = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        rc = os.waitstatus_to_exitcode(status)
        p.returncode = rc
        return rc, out.read().decode(errors="replace"), err.read().decode(errors="replace"), \
            {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "user_s": ru.ru_utime, "sys_s": ru.ru_stime}


def get(doc, *paths):
    """The first of several dotted paths present in doc (reports /1 and /2 name some fields differently)."""
    for path in paths:
        cur = doc
        for key in path.split("."):
            if not isinstance(cur, dict) or key not in cur:
                cur = None
                break
            cur = cur[key]
        if cur is not None:
            return cur
    return None


def parse_jdbio(out, kinds):
    doc = json.loads(out)
    res = doc.get("results") or {}
    if any(k not in res for k in kinds):
        raise Fail(f"jdbio report has no results.{'/'.join(kinds)}")
    if doc.get("interrupted"):
        raise Fail("jdbio run was interrupted")
    iops = sum(get(res[k], "iops", "iops_per_s") for k in kinds)
    ops = sum(get(res[k], "ops") for k in kinds)
    errors = sum(get(res[k], "errors") or 0 for k in kinds)
    cpu = (get(doc, "cpu.user_s") or 0) + (get(doc, "cpu.sys_s") or 0)
    total = get(doc, "bench.total_ops_including_ramp") or ops
    # What ran (the engine's "ran" section; absent in reports of older jdbio).
    extra = {k: get(doc, *p) for k, p in (
        ("engine", ("bench.engine", "job.engine")), ("submit", ("bench.ran.submit", "job.submit")),
        ("ring_flags", ("bench.ran.ring_flags",)), ("fixed_file", ("bench.ran.fixed_file",)),
        ("fixed_buffers", ("bench.ran.fixed_buffers",)), ("force_async", ("bench.ran.force_async",)),
        ("async_why", ("bench.async.why",)), ("enters", ("bench.ran.enters",)))}
    if extra["enters"]:
        extra["ios_per_enter"] = total / extra["enters"]
    return {"iops": iops, "ops": ops, "errors": errors, "self_cpu_ns_per_io": cpu * 1e9 / total if total else None,
            "jdbio_version": doc.get("jdbio_version"), **{k: v for k, v in extra.items() if v is not None}}


def parse_fio(out, kinds):
    # fio may print warnings before its JSON.
    doc = json.loads(out[out.index("{"):])
    job = doc["jobs"][0]
    if job.get("error"):
        raise Fail(f"fio reports error {job['error']}")
    iops = sum(job[k]["iops"] for k in kinds)
    ops = sum(job[k]["total_ios"] for k in kinds)
    self_cpu = (job.get("usr_cpu", 0) + job.get("sys_cpu", 0)) / 100 * job.get("job_runtime", 0) / 1e3
    return {"iops": iops, "ops": ops, "errors": job.get("total_err", 0),
            "self_cpu_ns_per_io": self_cpu * 1e9 / ops if ops else None}


def parse_t_io_uring(out, ramp):
    vals = []
    for m in re.finditer(r"^IOPS=([\d.]+)([KM]?),", out, re.M):
        vals.append(float(m.group(1)) * {"": 1, "K": 1e3, "M": 1e6}[m.group(2)])
    errors = sum(int(m.group(1)) for m in re.finditer(r"^\d+: (\d+) IO errors", out, re.M))
    measured = vals[ramp:]
    if not measured:
        raise Fail(f"t/io_uring printed {len(vals)} IOPS line(s), none after the {ramp} ramp second(s)")
    iops = statistics.mean(measured)
    return {"iops": iops, "ops": int(sum(measured)), "errors": errors, "self_cpu_ns_per_io": None,
            "iops_per_second": vals}


# ---- the matrix -----------------------------------------------------------------

class Matrix:
    """Builds each row's commands, runs the rounds, keeps every run."""

    def __init__(self, a, targets):
        self.a = a
        self.targets = targets
        self.runs = []
        self.rows = []
        self.startup = {}  # (target path, tool) -> CPU seconds

    # commands ------------------------------------------------------------------

    def jdbio_bench(self, path, kind, mode, bs, qd, extra=(), stop=None, jobs=1):
        a = self.a
        cmd = [a.jdbio, "bench", "--mode", mode, "--bs", str(bs), "--qd", str(qd), "--jobs", str(jobs),
               "--size", str(a.size_bytes)]
        cmd += stop or ["--time", str(a.time), "--ramp", str(a.ramp)]
        if mode in ("randwrite", "write") and kind == "block":
            cmd.append("--force")
        if mode in ("randwrite", "write"):
            cmd += ["--data", "random"]
        return cmd + list(extra) + a.jdbio_arg + ["--quiet", "--json", "-", path]

    def fio(self, path, mode, bs, qd, variant, engine="io_uring", stop=None, jobs=1):
        a = self.a
        cmd = ["fio", "--name=matrix", f"--ioengine={engine}", "--thread", "--group_reporting",
               "--output-format=json", "--norandommap", "--randrepeat=0", f"--filename={path}",
               f"--size={a.size_bytes}", f"--rw={mode}", f"--bs={bs}", f"--iodepth={qd}", f"--numjobs={jobs}"]
        cmd += stop or ["--time_based", f"--runtime={a.time}", f"--ramp_time={a.ramp}"]
        if engine in ("io_uring", "psync", "pvsync2", "libaio"):
            cmd.append("--direct=1")
        if mode in ("randwrite", "write"):
            cmd.append("--refill_buffers=1")
        if variant in ("fio-fixed", "fio-async"):
            cmd += ["--fixedbufs=1", "--registerfiles=1", "--hipri=0", "--sqthread_poll=0"]
        if variant == "fio-async":
            cmd.append("--force_async=1")
        return cmd

    def t_io_uring(self, path, mode, bs, qd, nop=False, runtime=None):
        batch = str(min(qd, 32))
        cmd = [self.a.t_io_uring, "-d", str(qd), "-s", batch, "-c", batch, "-n", "1"]
        if nop:
            cmd += ["-N", "1"]
        else:
            cmd += ["-b", str(bs), "-p", "0", "-B", "1", "-F", "1", "-O", "1",
                    "-R", "1" if mode.startswith("rand") else "0"]
        return cmd + ["-r", str(runtime or self.a.time + self.a.ramp + 1), path]

    # start-up CPU ---------------------------------------------------------------

    def startup_cpu(self, path, tool, cmd):
        """CPU seconds of a 1-I/O run of tool on path (cached), or raises Fail with the tool's reason."""
        key = (path, tool)
        if key not in self.startup:
            rc, out, err, ru = run(cmd)
            if rc != 0:
                raise Fail(f"{tool} refused a 1-I/O run: {(err.strip().splitlines() or ['exit ' + str(rc)])[0]}")
            self.startup[key] = ru["cpu_s"]
        return self.startup[key]

    # rows -----------------------------------------------------------------------

    def plan(self, row, tname, path, kind):
        """{tool: (cmd, parser, run seconds, startup cmd)} for a row on a target."""
        a = self.a
        rkind, label, mode, bs, qd = ROWS[row]
        kinds = ["write"] if "write" in mode else ["read"]
        one_io = ["--ops", "1", "--ramp", "0"]
        run_s = a.time + a.ramp
        tools = {}
        if rkind == "io":
            tools["jdbio"] = (self.jdbio_bench(path, kind, mode, bs, qd), lambda o: parse_jdbio(o, kinds), run_s,
                              self.jdbio_bench(path, kind, "read", bs, 1, stop=one_io))
            fio_one = self.fio(path, "read", bs, 1, "fio", stop=["--number_ios=1"])
            variants = ["fio", "fio-fixed"] + (["fio-async"] if a.fio_async else [])
            for v in variants:
                tools[v] = (self.fio(path, mode, bs, qd, v), lambda o: parse_fio(o, kinds), run_s, fio_one)
            if a.t_io_uring and mode in ("randread", "read"):
                tools["t/io_uring"] = (self.t_io_uring(path, mode, bs, qd), lambda o: parse_t_io_uring(o, a.ramp),
                                       a.time + a.ramp + 1, None)
        elif rkind == "nop":
            tools["jdbio-nop"] = (self.jdbio_bench(path, kind, mode, bs, qd, extra=["--engine", "nop"]),
                                  lambda o: parse_jdbio(o, kinds), run_s,
                                  self.jdbio_bench(path, kind, mode, bs, 1, extra=["--engine", "nop"], stop=one_io))
            tools["fio-null"] = (self.fio(path, mode, bs, qd, "fio", engine="null"), lambda o: parse_fio(o, kinds),
                                 run_s, self.fio(path, mode, bs, 1, "fio", engine="null", stop=["--number_ios=1"]))
            if a.t_io_uring:
                tools["t/io_uring-nop"] = (self.t_io_uring(path, mode, bs, qd, nop=True),
                                           lambda o: parse_t_io_uring(o, a.ramp), a.time + a.ramp + 1, None)
        elif rkind == "engine":
            je, fe, by_threads = engine_of(row)
            qd_, jobs = (1, qd) if by_threads else (qd, 1)
            eng = ["--engine", je]
            tools[f"jdbio-{je}"] = (self.jdbio_bench(path, kind, mode, bs, qd_, extra=eng, jobs=jobs),
                                    lambda o: parse_jdbio(o, kinds), run_s,
                                    self.jdbio_bench(path, kind, "read", bs, 1, extra=eng, stop=one_io))
            tools[f"fio-{fe}"] = (self.fio(path, mode, bs, qd_, "fio", engine=fe, jobs=jobs),
                                  lambda o: parse_fio(o, kinds), run_s,
                                  self.fio(path, "read", bs, 1, "fio", engine=fe, stop=["--number_ios=1"]))
        elif rkind == "dio":
            for je in ("dio", "uring"):
                eng = ["--engine", je]
                tools[f"jdbio-{je}"] = (self.jdbio_bench(path, kind, mode, bs, qd, extra=eng),
                                        lambda o: parse_jdbio(o, kinds), run_s,
                                        self.jdbio_bench(path, kind, "read", bs, 1, extra=eng, stop=one_io))
        else:  # verify
            ops = a.size_bytes // bs
            tools["verify"] = ([a.jdbio, "verify", "--qd", str(qd), "--quiet", "--json", "-", path],
                               lambda o: parse_jdbio(o, kinds), None,
                               [a.jdbio, "verify", "--qd", "1", "--size", str(bs), "--quiet", "--json", "-", path])
            tools["bench-read"] = (self.jdbio_bench(path, kind, "read", bs, qd, stop=["--ops", str(ops), "--ramp", "0"]),
                                   lambda o: parse_jdbio(o, kinds), None,
                                   self.jdbio_bench(path, kind, "read", bs, 1, stop=one_io))
        return tools

    def run_row(self, row, tname, path, kind):
        a = self.a
        rkind, label, mode, bs, qd = ROWS[row]
        tools = self.plan(row, tname, path, kind)
        entry = {"row": row, "label": label, "target": tname, "path": path, "mode": mode, "bs": bs, "qd": qd,
                 "tools": {}, "skipped": {}, "commands": {t: " ".join(v[0]) for t, v in tools.items()}}
        if a.t_io_uring and rkind == "io" and "t/io_uring" not in tools:
            entry["skipped"]["t/io_uring"] = "it only reads"
        startup = {}
        for tool, (cmd, parser, run_s, scmd) in list(tools.items()):
            try:
                startup[tool] = self.startup_cpu(path, tool, scmd) if scmd else 0.0
            except Fail as e:
                log(f"  {tname} {label}: {tool} skipped: {e}")
                entry["skipped"][tool] = str(e)
                del tools[tool]
        if rkind == "nop" and "jdbio-nop" not in tools:
            entry["skipped_row"] = entry["skipped"].get("jdbio-nop")
            self.rows.append(entry)
            return
        load0 = load_snapshot()
        runs = {t: [] for t in tools}
        for rnd in range(1, a.rounds + 1):
            for tool, (cmd, parser, run_s, _) in tools.items():
                rc, out, err, ru = run(cmd)
                if rc != 0:
                    raise Fail(f"{tool} failed ({tname} {label}, round {rnd}, exit {rc}): {' '.join(cmd)}\n"
                               + "\n".join("    " + l for l in err.strip().splitlines()[-8:]))
                try:
                    r = parser(out)
                except (ValueError, KeyError, IndexError, TypeError) as e:
                    raise Fail(f"{tool} ({tname} {label}, round {rnd}): cannot read its output ({e!r})")
                if r["iops"] <= 0:
                    raise Fail(f"{tool} ({tname} {label}, round {rnd}): 0 IOPS")
                ios = r["ops"] if run_s is None else r["iops"] * run_s
                net = max(ru["cpu_s"] - startup[tool], 0.0)
                r.update({"tool": tool, "round": rnd, "target": tname, "row": row, **ru,
                          "startup_cpu_s": startup[tool], "ios_estimated": ios,
                          "cpu_ns_per_io": net * 1e9 / ios})
                if r.get("errors"):
                    log(f"    {tool}: {r['errors']} I/O errors!")
                runs[tool].append(r)
                self.runs.append(r)
                log(f"    r{rnd} {tool:<15}{r['iops']:>12,.0f} IOPS {r['cpu_ns_per_io']:>9,.0f} CPU ns/IO"
                    f"  wall {ru['wall_s']:.1f}s")
        entry["load"] = load_since(load0)
        for tool, rs in runs.items():
            iops = [x["iops"] for x in rs]
            cpu = [x["cpu_ns_per_io"] for x in rs]
            selfc = [x["self_cpu_ns_per_io"] for x in rs if x.get("self_cpu_ns_per_io") is not None]
            entry["tools"][tool] = {
                "rounds": len(rs), "iops_median": statistics.median(iops), "iops_min": min(iops),
                "iops_max": max(iops), "cpu_ns_per_io_median": statistics.median(cpu),
                "cpu_ns_per_io_min": min(cpu), "cpu_ns_per_io_max": max(cpu),
                "self_cpu_ns_per_io_median": statistics.median(selfc) if selfc else None,
                "startup_cpu_s": startup[tool],
                **{k: rs[-1][k] for k in RAN_FIELDS if k in rs[-1]},
            }
        entry["ratios"] = ratios(rkind, entry["tools"])
        self.rows.append(entry)
        print_row(entry)


def ratios(rkind, tools):
    """jdbio against its reference, with the issue-13 (issue-21 for engine rows) goal for each ratio."""
    if rkind in ("engine", "dio"):
        if len(tools) != 2:
            return None
        subject, ref = list(tools)
        ir = tools[subject]["iops_median"] / tools[ref]["iops_median"]
        cr = tools[subject]["cpu_ns_per_io_median"] / tools[ref]["cpu_ns_per_io_median"]
        out = {"subject": subject, "iops_ratio": ir, "iops_vs": ref, "cpu_ratio": cr, "cpu_vs": ref}
        if rkind == "engine":
            out.update({"iops_goal": 1.0, "iops_met": ir >= 1.0, "cpu_goal": 1.0, "cpu_met": cr <= 1.0})
        return out
    if rkind == "io":
        fios = [t for t in FIO_VARIANTS if t in tools]
        if "jdbio" not in tools or not fios:
            return None
        best_iops = max(fios, key=lambda t: tools[t]["iops_median"])
        best_cpu = min(fios, key=lambda t: tools[t]["cpu_ns_per_io_median"])
        ir = tools["jdbio"]["iops_median"] / tools[best_iops]["iops_median"]
        cr = tools["jdbio"]["cpu_ns_per_io_median"] / tools[best_cpu]["cpu_ns_per_io_median"]
        out = {"iops_ratio": ir, "iops_vs": best_iops, "iops_goal": 1.0, "iops_met": ir >= 1.0,
               "cpu_ratio": cr, "cpu_vs": best_cpu, "cpu_goal": 0.9, "cpu_met": cr <= 0.9}
        for ref in ("fio-async", "t/io_uring"):
            if ref in tools:
                key = ref.replace("/", "_").replace("-", "_")
                out[f"iops_ratio_vs_{key}"] = tools["jdbio"]["iops_median"] / tools[ref]["iops_median"]
                out[f"cpu_ratio_vs_{key}"] = (tools["jdbio"]["cpu_ns_per_io_median"]
                                              / tools[ref]["cpu_ns_per_io_median"])
        return out
    if rkind == "nop":
        if "jdbio-nop" not in tools or "fio-null" not in tools:
            return None
        ir = tools["jdbio-nop"]["iops_median"] / tools["fio-null"]["iops_median"]
        cr = tools["jdbio-nop"]["cpu_ns_per_io_median"] / tools["fio-null"]["cpu_ns_per_io_median"]
        out = {"iops_ratio": ir, "iops_vs": "fio-null", "iops_goal": 2.0, "iops_met": ir >= 2.0, "cpu_ratio": cr,
               "cpu_vs": "fio-null"}
        if "t/io_uring-nop" in tools:
            out["iops_ratio_vs_t_io_uring"] = tools["jdbio-nop"]["iops_median"] / tools["t/io_uring-nop"]["iops_median"]
        return out
    ir = tools["verify"]["iops_median"] / tools["bench-read"]["iops_median"]
    cr = tools["verify"]["cpu_ns_per_io_median"] / tools["bench-read"]["cpu_ns_per_io_median"]
    return {"iops_ratio": ir, "iops_vs": "bench-read", "iops_goal": 0.95, "iops_met": ir >= 0.95,
            "cpu_ratio": cr, "cpu_vs": "bench-read"}


# ---- load ---------------------------------------------------------------------

def load_snapshot():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]] + [0] * 10
    t = os.times()
    return {"task": v[0] + v[1] + v[2], "steal": v[7], "own": t.user + t.system + t.children_user
            + t.children_system, "wall": time.monotonic()}


def load_since(s0):
    s1 = load_snapshot()
    hz = os.sysconf("SC_CLK_TCK")
    wall = max(s1["wall"] - s0["wall"], 1e-9)
    other = max(0.0, ((s1["task"] - s0["task"]) / hz - (s1["own"] - s0["own"])) / wall)
    with open("/proc/loadavg") as f:
        la = float(f.read().split()[0])
    return {"other_cpus": other, "steal_cpus": (s1["steal"] - s0["steal"]) / hz / wall, "loadavg_1m": la,
            "wall_s": wall, "busy": other > 0.25}


# ---- output -------------------------------------------------------------------

def fmt_range(lo, hi):
    return f"{lo:,.0f}-{hi:,.0f}"


def load_text(ld):
    return (f"other processes {ld['other_cpus']:.2f} CPU, steal {ld['steal_cpus']:.2f}, "
            f"loadavg {ld['loadavg_1m']:.2f}" + ("  << busy machine" if ld["busy"] else ""))


def print_row(e):
    print(f"\n{e['target']} {e['label']}  ({e['path']})", flush=True)
    head = ["tool", "IOPS median", "IOPS min-max", "CPU ns/IO", "CPU min-max", "self ns/IO"]
    body = []
    for tool, v in e["tools"].items():
        body.append([tool, f"{v['iops_median']:,.0f}", fmt_range(v["iops_min"], v["iops_max"]),
                     f"{v['cpu_ns_per_io_median']:,.0f}", fmt_range(v["cpu_ns_per_io_min"], v["cpu_ns_per_io_max"]),
                     "-" if v["self_cpu_ns_per_io_median"] is None else f"{v['self_cpu_ns_per_io_median']:,.0f}"])
    w = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    for r in [head] + body:
        print("  " + "  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)))
    r = e.get("ratios")
    if r:
        line = f"  {r.get('subject', 'jdbio')} / {r['iops_vs']}: IOPS {r['iops_ratio']:.2f}x"
        if "iops_goal" in r:
            line += f" (goal >= {r['iops_goal']}x: {'met' if r['iops_met'] else 'NOT met'})"
        line += f"; CPU/IO / {r['cpu_vs']}: {r['cpu_ratio']:.2f}x"
        if "cpu_goal" in r:
            line += f" (goal <= {r['cpu_goal']}x: {'met' if r['cpu_met'] else 'NOT met'})"
        print(line)
        for ref in ("fio-async", "t/io_uring"):
            key = ref.replace("/", "_").replace("-", "_")
            if f"iops_ratio_vs_{key}" in r:
                extra = f"  jdbio / {ref} (not a goal): IOPS {r[f'iops_ratio_vs_{key}']:.2f}x"
                if f"cpu_ratio_vs_{key}" in r:
                    extra += f", CPU/IO {r[f'cpu_ratio_vs_{key}']:.2f}x"
                print(extra)
    for tool, v in e["tools"].items():
        ran = {k: v[k] for k in RAN_FIELDS if v.get(k) is not None}
        if ran:
            if "ios_per_enter" in ran:
                ran["ios_per_enter"] = round(ran["ios_per_enter"], 2)
            if "ring_flags" in ran:
                ran["ring_flags"] = "+".join(ran["ring_flags"])
            print(f"  {tool} ran: " + ", ".join(f"{k} {x}" for k, x in ran.items()))
    print(f"  load: {load_text(e['load'])}")
    for tool, why in e["skipped"].items():
        print(f"  {tool} skipped: {why}")


def markdown(rows, meta):
    out = [f"Matrix: {meta['rounds']} alternating rounds of {meta['time_s']} s + {meta['ramp_s']} s ramp, "
           f"region {meta['size']}, 1 job, jdbio {meta['jdbio_commit']}; medians (min-max). CPU = ns of user+sys "
           "CPU per I/O, whole process, start-up excluded.", "",
           "| target | row | jdbio IOPS | best fio IOPS | IOPS ratio | jdbio CPU | best fio CPU | CPU ratio "
           "| fio-async IOPS (CPU) | t/io_uring IOPS (CPU) | other load (CPU), loadavg |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for e in rows:
        if e.get("skipped_row") is not None or not e["tools"]:
            out.append(f"| {e['target']} | {e['label']} | skipped: {e.get('skipped_row') or 'nothing ran'} "
                       "| | | | | | | | |")
            continue
        t, r = e["tools"], e.get("ratios") or {}
        j = t.get(r.get("subject")) or t.get("jdbio") or t.get("jdbio-nop") or t.get("verify")
        cell = lambda v: (f"{v['iops_median']:,.0f} ({fmt_range(v['iops_min'], v['iops_max'])})", 
                          f"{v['cpu_ns_per_io_median']:,.0f} ({fmt_range(v['cpu_ns_per_io_min'], v['cpu_ns_per_io_max'])})")
        ji, jc = cell(j)
        if r.get("subject"):
            ji = f"{r['subject']} {ji}"
        bi = f"{r['iops_vs']} {cell(t[r['iops_vs']])[0]}" if r else "-"
        bc = f"{r['cpu_vs']} {cell(t[r['cpu_vs']])[1]}" if r else "-"
        ir = "-"
        if r:
            ir = f"{r['iops_ratio']:.2f}x" + (f" {'ok' if r['iops_met'] else 'MISS'} (>= {r['iops_goal']})"
                                             if "iops_goal" in r else "")
        cr = "-"
        if r:
            cr = f"{r['cpu_ratio']:.2f}x" + (f" {'ok' if r['cpu_met'] else 'MISS'} (<= {r['cpu_goal']})"
                                             if "cpu_goal" in r else "")
        ref = lambda v: f"{v['iops_median']:,.0f} ({v['cpu_ns_per_io_median']:,.0f})" if v else "-"
        fa, ts = ref(t.get("fio-async")), ref(t.get("t/io_uring") or t.get("t/io_uring-nop"))
        ld = e["load"]
        out.append(f"| {e['target']} | {e['label']} | {ji} | {bi} | {ir} | {jc} | {bc} | {cr} | {fa} | {ts} "
                   f"| {ld['other_cpus']:.2f}, {ld['loadavg_1m']:.2f} |")
    return "\n".join(out) + "\n"


def git_commit():
    try:
        c = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], capture_output=True, text=True)
        return c.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main(argv):
    a = parse_args(argv)
    for tool in ("fio", "dd") + (("losetup",) if "loop" in a.setup else ()):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
            die_usage(f"{tool} is not installed")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    targets = Targets()
    matrix = Matrix(a, targets)
    with open(a.jdbio, "rb") as f:
        jdbio_sum = hashlib.sha256(f.read()).hexdigest()
    status = 0
    t0 = time.monotonic()
    try:
        log("setting up targets")
        for name in a.setup:
            targets.setup(name, a.size_bytes)
        for path in a.target:
            targets.list.append((path, path, "block" if is_block(path) else "file"))
        io_rows = [r for r in a.rows if ROWS[r][0] in ("io", "engine", "dio")]
        n_io = len(io_rows) * len(targets.list)
        log(f"jdbio {a.jdbio}; fio {subprocess.run(['fio', '--version'], capture_output=True, text=True).stdout.strip()}"
            + (f"; t/io_uring {a.t_io_uring}" if a.t_io_uring else ""))
        log(f"rows {','.join(a.rows)} on {', '.join(t[0] for t in targets.list)}: about "
            f"{(n_io * (4 if a.t_io_uring else 3) + (2 if a.fio_async else 0) * n_io) * a.rounds * (a.time + a.ramp + 1) // 60 + 1}"
            f" min for the I/O rows")
        for tname, path, kind in targets.list:
            for row in io_rows:
                log(f"{tname} {ROWS[row][1]}")
                matrix.run_row(row, tname, path, kind)
        nop_rows = [r for r in a.rows if ROWS[r][0] == "nop"]
        if nop_rows:
            path = targets.scratch_file("nop", a.size_bytes)
            for row in nop_rows:
                log(f"nop {ROWS[row][1]}")
                matrix.run_row(row, "nop", path, "file")
        if "verify" in a.rows:
            log("verify: writing its file with jdbio verify --write")
            path = targets.scratch_file("verify", a.size_bytes, jdbio_verify=a.jdbio)
            matrix.run_row("verify", "shm", path, "file")
    except Fail as e:
        log(f"{PROG}: {e}")
        status = 2
    finally:
        log("removing the targets set up here")
        targets.undo()
    with open(a.jdbio, "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != jdbio_sum:
            log(f"WARNING: {a.jdbio} changed during the runs (rebuilt?): its rounds mix two binaries")
    meta = {"rounds": a.rounds, "time_s": a.time, "ramp_s": a.ramp, "size": a.size, "size_bytes": a.size_bytes,
            "jdbio": a.jdbio, "jdbio_commit": git_commit(), "t_io_uring": a.t_io_uring or None,
            "fio_async": a.fio_async, "jdbio_args": a.jdbio_arg, "cpus": os.cpu_count(), "elapsed_s": time.monotonic() - t0,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - (time.monotonic() - t0))),
            "cpu_method": "whole-process user+sys CPU (wait4 rusage) less the tool's 1-I/O start-up CPU, "
                          "/ (iops * run seconds); verify row: / exact op count"}
    md = markdown(matrix.rows, meta)
    print("\n" + md)
    for e in matrix.rows:
        if e.get("skipped_row") is not None:
            print(f"{e['target']} {e['label']} skipped: {e['skipped_row']}")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"schema": "jdbio.bench-matrix/1", "meta": meta, "rows": matrix.rows, "runs": matrix.runs},
                      f, indent=1)
            f.write("\n")
        print(f"summary written to {a.json}")
    print(f"elapsed {meta['elapsed_s'] / 60:.1f} min")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
