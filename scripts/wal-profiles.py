#!/usr/bin/env python3
"""wal-profiles.py: jdbio wal --profile held against the real databases (issue 21).

In alternating rounds, on one directory (one filesystem):
  PostgreSQL: a throwaway cluster (initdb in DIR/pgdata, a Unix socket in
      DIR, synchronous_commit=on); per wal_sync_method (ALTER SYSTEM +
      pg_reload_conf) `pgbench -n -c 1 -T SECS -f insert.sql`, a one-row
      INSERT per transaction; then `jdbio wal --profile postgres --setting M
      --time SECS`.
  pg_test_fsync -s PG_SECS (its first table, one 8 kB write a commit) and
      the matching generic jdbio methods (--bs 8k): open_datasync -> odsync,
      fdatasync -> buffered-fdatasync, fsync -> buffered-fsync,
      open_sync -> osync.
  SQLite (the system libsqlite3, through Python's sqlite3 module): a loop of
      one-row INSERTs, each its own transaction, PRAGMA synchronous=FULL, in
      journal_mode=WAL and DELETE, for SECS; then `jdbio wal --profile sqlite
      --setting wal|delete --time SECS`.
  The databases' own work per commit, with no flush to wait for: pgbench
      with synchronous_commit=off and the SQLite loop with synchronous=OFF,
      once a round. A second table takes that time off each database commit
      (1/db - 1/db_without_flush) and holds the rest, the storage path's
      share, against jdbio's time per commit.
Each row's median, min-max and per-round figures, the load average when it
ran, and jdbio's median as a ratio of the database's, as Markdown on stdout
and everything as JSON with --json. The cluster is stopped and removed at the
end. Run as root (the cluster runs as the postgres user) or as a user that
can run initdb.

Usage: scripts/wal-profiles.py --dir D [--rounds 3] [--secs 10] [--pg-secs 2]
           [--jdbio PATH] [--pg-bin /usr/lib/postgresql/15/bin] [--json OUT]
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import time

PG_METHODS = ["fdatasync", "fsync", "open_datasync", "open_sync"]
PG_TEST_FSYNC = {"open_datasync": "odsync", "fdatasync": "buffered-fdatasync", "fsync": "buffered-fsync", "open_sync": "osync"}
SQLITE_MODES = {"wal": "WAL", "delete": "DELETE"}


def load():
    return os.getloadavg()[0]


def as_postgres(cmd):
    """`cmd` as the postgres user when running as root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


class Cluster:
    def __init__(self, pg_bin, base):
        self.bin, self.data, self.sock = pg_bin, os.path.join(base, "pgdata"), base
        self.port = "54329"

    def start(self):
        os.makedirs(self.data)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
            shutil.chown(self.sock, "postgres")
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres"]),
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"port = {self.port}\nunix_socket_directories = '{self.sock}'\nlisten_addresses = ''\n"
                    "synchronous_commit = on\nfsync = on\n")
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.sock, "pg.log"),
                                    "-w", "start"]), check=True, stdout=subprocess.DEVNULL)
        self.sql("CREATE TABLE t (id serial PRIMARY KEY, v int)")

    def sql(self, text):
        out = subprocess.run([f"{self.bin}/psql", "-h", self.sock, "-p", self.port, "-U", "postgres", "-qAtc", text],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def pgbench(self, method, secs, script, synchronous_commit="on"):
        self.sql(f"ALTER SYSTEM SET wal_sync_method = '{method}'")
        self.sql(f"ALTER SYSTEM SET synchronous_commit = '{synchronous_commit}'")
        self.sql("SELECT pg_reload_conf()")
        time.sleep(0.5)
        assert self.sql("SHOW wal_sync_method") == method
        assert self.sql("SHOW synchronous_commit") == synchronous_commit
        out = subprocess.run([f"{self.bin}/pgbench", "-h", self.sock, "-p", self.port, "-U", "postgres", "-n", "-c", "1",
                              "-T", str(secs), "-f", script, "postgres"], check=True, capture_output=True, text=True)
        return float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout).group(1))

    def stop(self):
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "stop"]),
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(self.data, ignore_errors=True)


def jdbio_rows(jdbio, args, cwd):
    out = subprocess.run([jdbio, "wal"] + args + ["--json", "-", "-q"], check=True, capture_output=True, text=True,
                         cwd=cwd)
    return json.loads(out.stdout)["wal"]["entries"]


def pg_test_fsync(pg_bin, secs, path):
    out = subprocess.run([f"{pg_bin}/pg_test_fsync", "-s", str(secs), "-f", path], check=True, capture_output=True,
                         text=True).stdout
    first = out.split("Compare file sync methods using two 8kB writes")[0]
    rows = {}
    for m in PG_METHODS:
        hit = re.search(rf"^\s+{m}\s+([\d.]+) ops/sec", first, re.M)
        if hit:
            rows[m] = float(hit.group(1))
    return rows


def sqlite_loop(path, mode, secs, synchronous="FULL"):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA journal_mode={mode}")
    db.execute(f"PRAGMA synchronous={synchronous}")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    n, start = 0, time.monotonic()
    while time.monotonic() - start < secs:
        db.execute("INSERT INTO t (v) VALUES (?)", (n,))
        n += 1
    rate = n / (time.monotonic() - start)
    db.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return rate


def share_table(runs, triples):
    """The storage path's share of a database commit against jdbio's commit.

    Per round: db_share_us = 1e6/db - 1e6/db_without_flush (what the commit
    spends beyond the database's own work), jdbio_us = 1e6/jdbio; the table
    gives the medians over rounds and their ratio.
    """
    print("\nThe database's own work taken off (per round: 1e6/db - 1e6/db_without_flush):\n")
    print("| jdbio row | jdbio us/commit | database row | db us/commit | db work us/commit (no flush) | db storage share us | jdbio/share | per round (jdbio; share) |")
    print("|---|---|---|---|---|---|---|---|")
    for j, d, off in triples:
        if j not in runs or d not in runs or off not in runs:
            continue
        by_round = {r["round"]: r["rate"] for r in runs[off]}
        jr = [1e6 / r["rate"] for r in runs[j]]
        dr = [1e6 / r["rate"] for r in runs[d]]
        wr = [1e6 / by_round[r["round"]] for r in runs[d]]
        share = [t - w for t, w in zip(dr, wr)]
        jm, dm, wm, sm = (statistics.median(x) for x in (jr, dr, wr, share))
        per = ", ".join(f"{x:.0f}" for x in jr) + "; " + ", ".join(f"{x:.0f}" for x in share)
        print(f"| {j} | {jm:.0f} | {d} | {dm:.0f} | {wm:.0f} | {sm:.0f} | {jm / sm:.2f} | {per} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--pg-secs", type=int, default=2)
    ap.add_argument("--jdbio", default="target/release/jdbio")
    ap.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    ap.add_argument("--json")
    a = ap.parse_args()
    jdbio = os.path.abspath(a.jdbio)
    os.makedirs(a.dir, exist_ok=True)
    base = os.path.abspath(a.dir)
    script = os.path.join(base, "insert.sql")
    with open(script, "w") as f:
        f.write("INSERT INTO t (v) VALUES (1);\n")
    runs = {}  # row -> list of {round, rate, load}

    def put(row, rnd, rate):
        runs.setdefault(row, []).append({"round": rnd, "rate": rate, "load": load()})

    cluster = Cluster(a.pg_bin, base)
    cluster.start()
    try:
        for rnd in range(1, a.rounds + 1):
            put("postgres synchronous_commit=off", rnd, cluster.pgbench("fdatasync", a.secs, script, "off"))
            for m in PG_METHODS:
                put(f"postgres {m}", rnd, cluster.pgbench(m, a.secs, script))
                rows = jdbio_rows(jdbio, ["--profile", "postgres", "--setting", m, "--time", f"{a.secs}s", "prof"], base)
                put(f"jdbio --profile postgres {m}", rnd, rows[0]["commits_per_s"])
            for m, rate in pg_test_fsync(a.pg_bin, a.pg_secs, os.path.join(base, "pg_test_fsync.out")).items():
                put(f"pg_test_fsync {m}", rnd, rate)
            methods = ",".join(PG_TEST_FSYNC.values())
            for e in jdbio_rows(jdbio, ["--method", methods, "--time", f"{a.pg_secs}s", "--size", "16m", "w.dat"], base):
                put(f"jdbio {e['method']}", rnd, e["commits_per_s"])
            for key, mode in SQLITE_MODES.items():
                put(f"sqlite {key} synchronous=OFF", rnd, sqlite_loop(os.path.join(base, "t.db"), mode, a.secs, "OFF"))
                put(f"sqlite {key}", rnd, sqlite_loop(os.path.join(base, "t.db"), mode, a.secs))
                rows = jdbio_rows(jdbio, ["--profile", "sqlite", "--setting", key, "--time", f"{a.secs}s", "prof"], base)
                put(f"jdbio --profile sqlite {key}", rnd, rows[0]["commits_per_s"])
    finally:
        cluster.stop()
        for name in ("w.dat", "pg_test_fsync.out", "insert.sql"):
            if os.path.exists(os.path.join(base, name)):
                os.remove(os.path.join(base, name))

    def line(row):
        rates = [r["rate"] for r in runs[row]]
        loads = [r["load"] for r in runs[row]]
        return (statistics.median(rates), min(rates), max(rates), rates, min(loads), max(loads))

    pairs = [(f"jdbio --profile postgres {m}", f"postgres {m}") for m in PG_METHODS]
    pairs += [(f"jdbio {PG_TEST_FSYNC[m]}", f"pg_test_fsync {m}") for m in PG_METHODS]
    pairs += [(f"jdbio --profile sqlite {k}", f"sqlite {k}") for k in SQLITE_MODES]
    print(f"{a.rounds} rounds, {a.secs} s a run ({a.pg_secs} s for pg_test_fsync and its jdbio methods), in {base}\n")
    print("| jdbio row | median (min-max) commits/s | database row | median (min-max) | jdbio/db | per round (jdbio; db) | load 1m |")
    print("|---|---|---|---|---|---|---|")
    for j, d in pairs:
        if j not in runs or d not in runs:
            continue
        jm, jlo, jhi, jr, jl0, jl1 = line(j)
        dm, dlo, dhi, dr, dl0, dl1 = line(d)
        per = ", ".join(f"{x:.0f}" for x in jr) + "; " + ", ".join(f"{x:.0f}" for x in dr)
        print(f"| {j} | {jm:.0f} ({jlo:.0f}-{jhi:.0f}) | {d} | {dm:.0f} ({dlo:.0f}-{dhi:.0f}) | {jm / dm:.2f} | {per} "
              f"| {min(jl0, dl0):.1f}-{max(jl1, dl1):.1f} |")
    share_table(runs, [(j, d, "postgres synchronous_commit=off") for j, d in pairs if d.startswith("postgres ")]
                + [(j, d, f"{d} synchronous=OFF") for j, d in pairs if d.startswith("sqlite ")])
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rounds": a.rounds, "secs": a.secs, "pg_secs": a.pg_secs, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
