#!/usr/bin/env python3
"""wal-reference.py: jdbio wal held against pg_test_fsync and fio (issue 21).

Runs, in alternating rounds on files in one directory (the same filesystem):
  pg_test_fsync -s SECS (PostgreSQL's own tool; its first table, one 8 kB
      write per commit: open_datasync, fdatasync, fsync, open_sync)
  jdbio wal --engine psync   (--bs 8k, the matching methods)
  jdbio wal --engine uring   (the same)
  fio --ioengine=psync       (buffered write + fdatasync / fsync; O_DIRECT
      write with O_DSYNC / O_SYNC), on a pre-written 16 MiB file
and prints per PostgreSQL method the median and min-max commits/s of each,
and jdbio psync's median as a ratio of pg_test_fsync's.

Usage: scripts/wal-reference.py [--dir D] [--rounds 3] [--secs 5]
           [--jdbio PATH] [--pg-test-fsync PATH] [--json OUT]

Method matching (what each tool's row does, read from pg_test_fsync.c of
PostgreSQL 15: open_* rows open O_DIRECT|O_DSYNC / O_DIRECT|O_SYNC; the
fdatasync and fsync rows open without O_DIRECT and pwrite through the page
cache; every row rewrites offset 0 of a 16 MB file):
  open_datasync -> jdbio odsync,              fio --direct=1 --sync=dsync
  fdatasync     -> jdbio buffered-fdatasync,  fio --fdatasync=1
  fsync         -> jdbio buffered-fsync,      fio --fsync=1
  open_sync     -> jdbio osync,               fio --direct=1 --sync=sync
"""

import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import time

PG = ["open_datasync", "fdatasync", "fsync", "open_sync"]
JDBIO = {"open_datasync": "odsync", "fdatasync": "buffered-fdatasync", "fsync": "buffered-fsync", "open_sync": "osync"}
FIO = {
    "open_datasync": ["--direct=1", "--sync=dsync"],
    "fdatasync": ["--fdatasync=1"],
    "fsync": ["--fsync=1"],
    "open_sync": ["--direct=1", "--sync=sync"],
}


def pg_test_fsync(tool, d, secs):
    out = subprocess.run([tool, "-f", os.path.join(d, "pg_test_fsync.out"), "-s", str(secs)],
                         capture_output=True, text=True, check=True).stdout
    section = out.split("one 8kB write", 1)[1].split("Compare file sync methods using two", 1)[0]
    rates = {}
    for m in PG:
        hit = re.search(r"^\s+%s\s+([\d.]+) ops/sec" % m, section, re.M)
        if hit:
            rates[m] = float(hit.group(1))
    return rates


def jdbio(binary, d, secs, engine):
    methods = ",".join(JDBIO[m] for m in PG)
    out = subprocess.run([binary, "wal", "--engine", engine, "--bs", "8k", "--size", "16m", "--time", f"{secs}s",
                          "--method", methods, "--json", "-", "-q", os.path.join(d, "jdbio-wal.log")],
                         capture_output=True, text=True, check=True).stdout
    entries = {e["method"]: e for e in json.loads(out)["wal"]["entries"]}
    return {m: entries[JDBIO[m]]["commits_per_s"] for m in PG if JDBIO[m] in entries}


def fio(d, secs):
    path = os.path.join(d, "fio-wal.log")
    if not os.path.exists(path) or os.path.getsize(path) < 16 << 20:
        with open(path, "wb") as f:
            f.write(os.urandom(16 << 20))
            os.fsync(f.fileno())
    rates = {}
    for m in PG:
        out = subprocess.run(["fio", "--name=wal", f"--filename={path}", "--ioengine=psync", "--bs=8k", "--rw=write",
                              "--size=16m", "--time_based", f"--runtime={secs}", "--output-format=json", *FIO[m]],
                             capture_output=True, text=True, check=True).stdout
        rates[m] = json.loads(out[out.index("{"):])["jobs"][0]["write"]["iops"]
    return rates


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=".")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--secs", type=int, default=5)
    ap.add_argument("--jdbio", default="target/release/jdbio")
    ap.add_argument("--pg-test-fsync", default=(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_test_fsync")) or ["pg_test_fsync"])[-1])
    ap.add_argument("--json")
    a = ap.parse_args()
    tools = {
        "pg_test_fsync": lambda: pg_test_fsync(a.pg_test_fsync, a.dir, a.secs),
        "jdbio psync": lambda: jdbio(a.jdbio, a.dir, a.secs, "psync"),
        "jdbio uring": lambda: jdbio(a.jdbio, a.dir, a.secs, "uring"),
        "fio psync": lambda: fio(a.dir, a.secs),
    }
    runs = {t: {m: [] for m in PG} for t in tools}
    for r in range(a.rounds):
        for t, run in tools.items():
            start = time.time()
            rates = run()
            for m, v in rates.items():
                runs[t][m].append(v)
            load = os.getloadavg()[0]
            print(f"round {r + 1} {t:14} " + " ".join(f"{m}={rates.get(m, 0):.0f}" for m in PG)
                  + f"  ({time.time() - start:.0f}s, load {load:.2f})", file=sys.stderr, flush=True)
    print(f"| method | " + " | ".join(tools) + " | jdbio psync / pg_test_fsync |")
    print("|---" * (len(tools) + 2) + "|")
    for m in PG:
        cells = []
        for t in tools:
            v = runs[t][m]
            cells.append(f"{statistics.median(v):.0f} ({min(v):.0f}-{max(v):.0f})" if v else "-")
        pg, ps = runs["pg_test_fsync"][m], runs["jdbio psync"][m]
        ratio = f"{statistics.median(ps) / statistics.median(pg):.2f}" if pg and ps else "-"
        print(f"| {m} | " + " | ".join(cells) + f" | {ratio} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
