#!/usr/bin/env python3
"""gate-noise.py: how often `jdbio gate` is wrong on this machine (issue 23).

1. False alarms: runs the example suite (results/suite-db.toml, DEV a file in
   --dir on the real disk) --runs + 1 times in a row and gates each run
   against the one before: unchanged code against itself, so every
   `regression` is a false alarm. Counts the verdicts and the rows behind
   each regression or inconclusive.
2. Power: a loop device (losetup --direct-io=on) over a 256 MiB file in
   --dir; per decision, a baseline `jdbio bench --mode randread --bs 4k --qd
   1 --time T --repeat R` run unthrottled, then the same job throttled to
   FRACTION of the IOPS the baseline just did (cgroup v1 blkio,
   blkio.throttle.read_iops_device), gated against it. A 0.80 slowdown
   should be `regression`; 0.95 `inconclusive` or `pass`, never
   `improvement`. Needs root and /sys/fs/cgroup/blkio; skipped otherwise.
3. Prints markdown: verdict counts per part, the wall time of each gated
   run, what the throttled runs did (current / baseline IOPS: blk-throttle
   can overshoot its limit), and repetitions vs the smallest detectable
   change (the gate's `detectable_pct` per row, re-gating the false-alarm
   pairs trimmed to their first k suite rounds).

The loop device, its file and the cgroup are removed at the end, also
after an error or Ctrl-C. Exit status: 0 when it ran (a bad count is a
finding, not an error), 2 for bad arguments or a failed jdbio run. --quick
is a smoke run (2 + 1 suite runs, 2 decisions at 0.80, 2 x 300 ms
repetitions), not a measurement.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = ["pass", "regression", "inconclusive", "improvement", "error"]
BLKIO = Path("/sys/fs/cgroup/blkio")


def positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise ValueError
        return value
    parse.__name__ = kind.__name__  # argparse names the type in its error
    return parse


def fractions(text):
    values = [float(f) for f in text.split(",")]
    if not all(0 < f < 1 for f in values):
        raise ValueError
    return values


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    default_jdbio = ROOT / "target/release/jdbio"
    p.add_argument("--jdbio", default=str(default_jdbio), help=f"the binary (default {default_jdbio})")
    p.add_argument("--dir", default="/var/tmp/gate-noise", help="scratch directory on the disk to measure")
    p.add_argument("--suite", default=str(ROOT / "results/suite-db.toml"), help="the suite of part 1")
    p.add_argument("--rounds", type=positive(int), help="jdbio run --rounds (default: the suite's own)")
    p.add_argument("--runs", type=positive(int), help="false-alarm decisions: suite runs - 1 (default 20)")
    p.add_argument("--decisions", type=positive(int), help="power decisions per fraction (default 20)")
    p.add_argument("--fractions", type=fractions, help="throttles, fractions of the IOPS (default 0.80,0.95)")
    p.add_argument("--repeat", type=positive(int), help="power runs' --repeat (default 5, ci-gate.sh's)")
    p.add_argument("--time", help="power runs' --time (default 1s)")
    p.add_argument("--skip", choices=["false-alarms", "power"], action="append", default=[], help="leave a part out")
    p.add_argument("--quick", action="store_true", help="a short smoke run, not a measurement")
    p.add_argument("--markdown", help="also write the tables to this file")
    p.add_argument("--json", help="write every run and decision to this file")
    args = p.parse_args()
    quick = {"runs": 2, "decisions": 2, "fractions": [0.8], "repeat": 2, "time": "300ms"}
    full = {"runs": 20, "decisions": 20, "fractions": [0.8, 0.95], "repeat": 5, "time": "1s"}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def jdbio_or_die(cmd, **kw):
    """Runs cmd (its summary muted, its errors shown); returns its seconds."""
    start = time.monotonic()
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL, **kw).returncode
    if code != 0:
        sys.exit(f"gate-noise.py: {' '.join(map(str, cmd))} failed (exit {code})")
    return time.monotonic() - start


def gate(args, base, cur, out):
    """Gates cur against base: (verdict, rows as JSON, exit code)."""
    Path(out).unlink(missing_ok=True)
    cmd = [args.jdbio, "gate", "--baseline", base, cur, "--json", out]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    code = done.returncode
    report = json.loads(Path(out).read_text()) if Path(out).exists() else {}
    g = report.get("gate", {})
    rows = g.get("rows", [])
    if code == 2 or not g:
        print(f"gate-noise.py: {base} vs {cur}: gate exit {code}: {done.stderr.strip()}", file=sys.stderr)
        return "error", rows, code
    verdict = g["verdict"]
    if verdict == "pass" and any(r["verdict"] == "improvement" for r in rows):
        verdict = "improvement"
    return verdict, rows, code


def label(row):
    return " ".join(str(row[k]) for k in ("job", "op", "metric") if row.get(k))


def trimmed(report_path, k, out):
    """The suite report cut to its first k rounds (None: it has no rounds)."""
    report = json.loads(Path(report_path).read_text())
    jobs = report["suite"]["jobs"]
    if not all("round" in j for j in jobs) or max(j["round"] for j in jobs) < k:
        return None
    report["suite"]["jobs"] = [j for j in jobs if j["round"] <= k]
    Path(out).write_text(json.dumps(report))
    return out


def false_alarms(args, work):
    env = dict(os.environ, DEV=str(work / "db.dat"))
    rounds = ["--rounds", str(args.rounds)] if args.rounds else []
    reports, secs = [], []
    for i in range(args.runs + 1):
        path = work / f"run-{i}.json"
        cmd = [args.jdbio, "run", args.suite, *rounds, "--quiet", "--json", path]
        secs.append(jdbio_or_die(cmd, env=env))
        reports.append(path)
        print(f"gate-noise.py: suite run {i + 1}/{args.runs + 1}: {secs[-1]:.1f} s", file=sys.stderr)
    decisions, culprits = [], {}
    for i in range(args.runs):
        verdict, rows, code = gate(args, reports[i], reports[i + 1], work / "gate.json")
        decisions.append({"verdict": verdict, "exit": code, "rows": rows})
        for r in rows:
            if r["verdict"] in ("regression", "inconclusive"):
                culprits.setdefault(label(r), {}).setdefault(r["verdict"], 0)
                culprits[label(r)][r["verdict"]] += 1
    # Repetitions vs the smallest detectable change: each pair re-gated on
    # its first k rounds.
    rounds = max(j.get("round", 1) for j in json.loads(reports[0].read_text())["suite"]["jobs"])
    detectable = {}
    for k in sorted({3, 4, 5, 8, rounds}):
        for i in range(args.runs):
            base = trimmed(reports[i], k, work / "trim-base.json")
            cur = base and trimmed(reports[i + 1], k, work / "trim-cur.json")
            if not cur:
                break
            for r in gate(args, base, cur, work / "gate.json")[1]:
                if r.get("detectable_pct") is not None:
                    detectable.setdefault(label(r), {}).setdefault(k, []).append(abs(r["detectable_pct"]))
    return {"run_s": secs, "rounds": rounds, "decisions": decisions, "culprits": culprits, "detectable": detectable}


class Throttle:
    """A loop device over a file of random bytes, and a blkio cgroup that
    caps its reads; both removed by close()."""

    def __init__(self):
        self.backing = self.dev = self.cgroup = None

    def setup(self, work):
        self.backing = work / "loop.img"
        with open(self.backing, "wb") as f:
            for _ in range(256):
                f.write(os.urandom(1 << 20))
        losetup = ["losetup", "--direct-io=on", "-f", "--show", self.backing]
        self.dev = subprocess.check_output(losetup, text=True).strip()
        rdev = os.stat(self.dev).st_rdev
        self.majmin = f"{os.major(rdev)}:{os.minor(rdev)}"
        self.cgroup = BLKIO / f"gate-noise-{os.getpid()}"
        self.cgroup.mkdir()

    def limit(self, iops):
        (self.cgroup / "blkio.throttle.read_iops_device").write_text(f"{self.majmin} {iops}\n")

    def inside(self, cmd):
        """cmd run as a member of the cgroup."""
        procs = self.cgroup / "cgroup.procs"
        return ["sh", "-c", f"echo $$ > '{procs}' && exec \"$0\" \"$@\"", *map(str, cmd)]

    def close(self):
        try:
            if self.cgroup and self.cgroup.exists():
                self.cgroup.rmdir()
        except OSError as e:
            print(f"gate-noise.py: cannot remove {self.cgroup}: {e}", file=sys.stderr)
        if self.dev:
            subprocess.run(["losetup", "-d", self.dev], check=False)
        if self.backing:
            self.backing.unlink(missing_ok=True)


def power(args, work):
    if os.geteuid() != 0 or not (BLKIO / "cgroup.procs").exists():
        return {"skipped": "needs root and cgroup v1 blkio (/sys/fs/cgroup/blkio)"}
    throttle = Throttle()
    try:
        throttle.setup(work)
        job = ["bench", "--mode", "randread", "--bs", "4k", "--qd", "1", "--time", args.time,
               "--repeat", str(args.repeat), "--quiet", "--json"]
        base, cur = work / "power-base.json", work / "power-cur.json"
        parts = {}
        for fraction in args.fractions:
            decisions, secs = [], []
            for d in range(args.decisions):
                secs.append(jdbio_or_die([args.jdbio, *job, base, throttle.dev]))
                iops = json.loads(base.read_text())["results"]["read"]["iops"]
                limit = max(1, int(iops * fraction))
                throttle.limit(limit)
                cmd = throttle.inside([args.jdbio, *job, cur, throttle.dev])
                secs.append(jdbio_or_die(cmd))
                verdict, rows, code = gate(args, base, cur, work / "gate.json")
                # blk-throttle can overshoot over a short run: what the run did is shown beside the verdict.
                got = json.loads(cur.read_text())["results"]["read"]["iops"]
                decisions.append({"verdict": verdict, "exit": code, "baseline_iops": iops, "throttle_iops": limit,
                                  "current_iops": got, "rows": rows})
                print(f"gate-noise.py: throttle {fraction:.2f}, decision {d + 1}/{args.decisions}: {verdict}",
                      file=sys.stderr)
            parts[f"{fraction:.2f}"] = {"run_s": secs, "decisions": decisions}
        return parts
    finally:
        throttle.close()


def counts_row(name, decisions, secs):
    n = [sum(d["verdict"] == v for d in decisions) for v in VERDICTS]
    t = f"{statistics.median(secs):.1f} ({min(secs):.1f}-{max(secs):.1f})" if secs else "-"
    return f"| {name} | {len(decisions)} | " + " | ".join(map(str, n)) + f" | {t} |"


def markdown(fa, pw):
    out = ["| part | decisions | " + " | ".join(VERDICTS) + " | run time s, median (min-max) |",
           "|:--|--:|" + "--:|" * len(VERDICTS) + "--:|"]
    if fa:
        out.append(counts_row("false alarms (unchanged suite)", fa["decisions"], fa["run_s"]))
    for fraction, part in (pw or {}).items():
        if fraction != "skipped":
            out.append(counts_row(f"power: throttled to {fraction}", part["decisions"], part["run_s"]))
    if pw and "skipped" in pw:
        out.append(f"\nPower: skipped ({pw['skipped']}).")
    elif pw:
        out += ["", "What the throttled runs did (current / baseline IOPS; "
                "the throttle missed: over its limit by 5% or more):",
                "", "| throttle | IOPS ratio, median (min-max) | throttle missed |", "|:--|--:|--:|"]
        for fraction, part in pw.items():
            ratios = [d["current_iops"] / d["baseline_iops"] for d in part["decisions"]]
            missed = sum(d["current_iops"] > 1.05 * d["throttle_iops"] for d in part["decisions"])
            spread = f"{statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f})"
            out.append(f"| {fraction} | {spread} | {missed} |")
    if fa and fa["culprits"]:
        out += ["", "Rows behind each regression or inconclusive (false alarms):", "",
                "| row | verdict | decisions |", "|:--|:--|--:|"]
        for row, verdicts in sorted(fa["culprits"].items()):
            out += [f"| {row} | {v} | {n} |" for v, n in sorted(verdicts.items())]
    if fa and fa["detectable"]:
        ks = sorted({k for per in fa["detectable"].values() for k in per})
        per_round = statistics.median(fa["run_s"]) / fa["rounds"]
        out += ["", "Smallest detectable change (the gate's detectable_pct, median over the pairs) by rounds "
                "of the suite, with the time a run of that many rounds takes:", "",
                "| row | " + " | ".join(f"{k} rounds (~{k * per_round:.0f} s)" for k in ks) + " |",
                "|:--|" + "--:|" * len(ks)]
        for row, per in sorted(fa["detectable"].items()):
            cells = [f"{statistics.median(per[k]):.1f}%" if k in per else "-" for k in ks]
            out.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main():
    args = parse_args()
    if not os.access(args.jdbio, os.X_OK):
        sys.exit(f"gate-noise.py: --jdbio {args.jdbio}: not an executable (cargo build --release)")
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    fa = None if "false-alarms" in args.skip else false_alarms(args, work)
    pw = None if "power" in args.skip else power(args, work)
    table = markdown(fa, pw)
    print(table, end="")
    if args.markdown:
        Path(args.markdown).write_text(table)
    if args.json:
        Path(args.json).write_text(json.dumps({"false_alarms": fa, "power": pw}, indent=1, default=str))


if __name__ == "__main__":
    try:
        main()
    except SystemExit as e:  # sys.exit("message") is a failed run: exit 2
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
            sys.exit(2)
        raise
