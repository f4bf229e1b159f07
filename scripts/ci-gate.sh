#!/usr/bin/env bash
# ci-gate.sh: fail a CI build when storage performance regresses.
#
# Usage:
#   scripts/ci-gate.sh --baseline BASE.json [--repeat N] [--jdbio PATH]
#                      [--out CURRENT.json] [--markdown OUT.md] TARGET [-- GATE ARGS...]
#   scripts/ci-gate.sh --baseline SUITE-BASE.json --suite SUITE.toml [--jdbio PATH]
#                      [--out CURRENT.json] [--markdown OUT.md] [-- GATE ARGS...]
#
# With --suite, the current run is `jdbio run SUITE.toml` (its targets come
# from the suite file and its ${VAR}s from the environment) and the gate
# compares it with the suite baseline job by job; no TARGET.
#
# Checks that BASE.json is a report the gate can use (a bench or wal report
# of a whole run with results; exit 2 at once otherwise), then runs the job
# it records on TARGET, replaying every setting that changes the numbers.
# A bench baseline runs `jdbio bench --repeat N` (default 5, so the gate can
# tell a regression from noise) with its mode, read mix, bs, qd, jobs, size,
# offset, time or ops, ramp, distribution, rate and arrival, submit mode,
# data, verify, and the engine when the baseline states one. A wal baseline
# runs `jdbio wal` with its methods, file modes, bs, batch, writers, size and
# time (wal has no --repeat; its report does not record --force, so a wal
# baseline on a block device cannot be replayed: jdbio wal refuses it). It
# writes the report to
# CURRENT.json (default: jdbio-current.json), then runs
#   jdbio gate --baseline BASE.json CURRENT.json --markdown [GATE ARGS...]
# prints its markdown table (also to OUT.md with --markdown, for a CI
# comment) and exits with the gate's code: 0 pass, 1 regression, 2 unusable
# input. GATE ARGS go to `jdbio gate` as they are, e.g.
#   -- --max-drop iops=15% --max-rise p99=30%
#
# Make a baseline once, on the machine the gate will run on:
#   jdbio bench --repeat 5 --time 10 --json results/baseline-mydisk.json /dev/nvme0n1p1
# then in CI:
#   scripts/ci-gate.sh --baseline results/baseline-mydisk.json /dev/nvme0n1p1
# A write job on a block device passes --force through only if the baseline
# job had it. Needs python3 (to read the baseline's job).
set -euo pipefail

die() { echo "ci-gate.sh: $*" >&2; exit 2; }

baseline="" repeat=5 jdbio="" out="jdbio-current.json" markdown="" target="" suite=""
gate_args=()
while (($#)); do
    case "$1" in
        --baseline) baseline=${2:?--baseline needs a file}; shift 2 ;;
        --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
        --jdbio) jdbio=${2:?--jdbio needs a path}; shift 2 ;;
        --out) out=${2:?--out needs a file}; shift 2 ;;
        --suite) suite=${2:?--suite needs a file}; shift 2 ;;
        --markdown) markdown=${2:?--markdown needs a file}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; gate_args=("$@"); break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [ -z "$target" ] || die "one TARGET only (got $target and $1)"; target=$1; shift ;;
    esac
done
[ -n "$baseline" ] || die "--baseline BASE.json is required"
if [ -n "$suite" ]; then
    [ -z "$target" ] || die "--suite $suite: the suite names its targets; no TARGET (got $target)"
    [ -r "$suite" ] || die "--suite $suite: cannot read it"
else
    [ -n "$target" ] || die "TARGET is required"
fi
[ -r "$baseline" ] || die "--baseline $baseline: cannot read it"
[[ "$repeat" =~ ^[0-9]+$ && "$repeat" -ge 1 ]] || die "--repeat $repeat: must be a whole number >= 1"
if [ -z "$jdbio" ]; then
    here=$(cd "$(dirname "$0")/.." && pwd)
    if [ -x "$here/target/release/jdbio" ]; then jdbio="$here/target/release/jdbio"; else jdbio=$(command -v jdbio || true); fi
fi
[ -n "$jdbio" ] && [ -x "$jdbio" ] || die "no jdbio binary (build it with cargo build --release, or pass --jdbio PATH)"

# A baseline the gate would refuse (not a bench or wal report, interrupted,
# no results) is refused now, before a run that could only be wasted.
"$jdbio" gate --baseline "$baseline" "$baseline" >/dev/null || {
    rc=$?; echo "ci-gate.sh: --baseline $baseline: the gate cannot use it (see above)" >&2; exit "$rc"; }

# Gates $out against the baseline, prints the markdown (and writes it to
# --markdown OUT.md) and exits with the gate's code.
gate_and_exit() {
    set +e
    table=$("$jdbio" gate --baseline "$baseline" "$out" --markdown - "${gate_args[@]}")
    rc=$?
    set -e
    printf '%s\n' "$table"
    [ -z "$markdown" ] || printf '%s\n' "$table" > "$markdown"
    exit "$rc"
}

if [ -n "$suite" ]; then
    echo "ci-gate.sh: running the suite: jdbio run $suite" >&2
    "$jdbio" run "$suite" --quiet --json "$out" >&2 || {
        rc=$?; echo "ci-gate.sh: jdbio run $suite failed (exit $rc)" >&2; exit 2; }
    gate_and_exit
fi

# The baseline's job, as jdbio bench flags.
job_text=$(python3 - "$baseline" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
job = report["job"]
def num(v):  # 3.0 -> "3", 0.5 -> "0.5"
    return str(int(v)) if float(v).is_integer() else repr(float(v))
def get(obj, key):  # jdbio.report/2 names carry their unit; /1 names did not
    for name in (key, key.rsplit("_", 1)[0]):
        if name in obj:
            return obj[name]
    return obj.get(key)
if report["command"] == "wal":
    args = ["wal", "--method", ",".join(job["methods"]), "--file-mode", ",".join(job["file_modes"]),
            "--bs", str(get(job, "bs_bytes")), "--batch", str(job["batch"]), "--writers", str(job["writers"]),
            "--size", str(get(job, "size_bytes")), "--time", num(get(job, "time_s")) + "s"]
    print("\n".join(args))
    sys.exit(0)
args = ["bench", "--mode", job["mode"], "--bs", str(get(job, "bs_bytes")), "--qd", str(job["qd"]),
        "--jobs", str(job["jobs"]), "--size", str(get(job, "size_bytes")), "--offset", str(get(job, "offset_bytes")),
        "--ramp", num(get(job, "ramp_s")) + "s"]
stop = job["stop"]
args += ["--ops", str(stop["ops"])] if "ops" in stop else ["--time", num(get(stop, "time_s")) + "s"]
dist = job.get("dist", {"kind": "uniform"})
args += ["--dist", {"uniform": "uniform", "zipf": f'zipf:{dist.get("theta")}', "pareto": f'pareto:{dist.get("h")}'}[dist["kind"]]]
if job["mode"] == "randrw":
    args += ["--rwmix", str(job["read_pct"])]
if get(job, "rate_iops") is not None:
    args += ["--rate", num(get(job, "rate_iops")), "--arrival", job.get("arrival", "fixed")]
for key in ["submit", "data", "engine"]:
    if job.get(key) is not None:
        args += ["--" + key, str(job[key])]
if job.get("verify"):
    args += ["--verify"]
if job.get("force"):
    args += ["--force"]
print("\n".join(args))
PY
) || die "--baseline $baseline: cannot read its job (python3 failed)"
mapfile -t job_args <<<"$job_text"
if [ "${job_args[0]}" = bench ]; then
    job_args+=(--repeat "$repeat")
    echo "ci-gate.sh: running the baseline's job jdbio ${job_args[*]} on $target" >&2
else
    echo "ci-gate.sh: running the baseline's job jdbio ${job_args[*]} on $target (jdbio wal has no --repeat: the limits alone decide)" >&2
fi
"$jdbio" "${job_args[@]}" --quiet --json "$out" "$target" >&2 || {
    rc=$?; echo "ci-gate.sh: jdbio ${job_args[0]} failed (exit $rc)" >&2; exit 2; }

gate_and_exit
