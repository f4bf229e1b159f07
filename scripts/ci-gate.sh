#!/usr/bin/env bash
# ci-gate.sh: fail a CI build when storage performance regresses.
#
# Usage:
#   scripts/ci-gate.sh --baseline BASE.json [--repeat N] TARGET [OPTIONS] [-- GATE ARGS...]
#   scripts/ci-gate.sh --baseline SUITE-BASE.json --suite SUITE.toml [--rounds N] [OPTIONS] [-- GATE ARGS...]
#   scripts/ci-gate.sh --record --baseline BASE.json [--repeat N] TARGET [OPTIONS] -- BENCH FLAGS...
#   scripts/ci-gate.sh --record --baseline SUITE-BASE.json --suite SUITE.toml [--rounds N] [OPTIONS]
# OPTIONS: [--jdbio PATH] [--out CURRENT.json] [--markdown OUT.md] [--gate-json GATE.json]
#          [--force-record]
#
# Gating. A bench baseline: its job is run again on TARGET with
# `jdbio bench --repeat N` (default 5), replaying every job setting the gate
# compares (mode, read mix, bs, qd, jobs, size, offset, time or ops, ramp,
# distribution, rate and arrival, submit, data, verify, engine, io path,
# warm, async, hipri, sqpoll; --force only if the baseline had it). A suite
# baseline (--suite): the current run is `jdbio run SUITE.toml` (targets
# from the suite, ${VAR}s from the environment), in --rounds N rounds
# (default: the suite's own `rounds`, else jdbio's default), each round one
# repetition of every job. A wal baseline is replayed with `jdbio wal`
# (engine, methods, file modes, bs, batch, writers, size, time), but a
# single wal report has no repetitions, so the gate can only say
# inconclusive: gate WAL commits through a suite run in rounds.
# The report goes to CURRENT.json (default jdbio-current.json); then
#   jdbio gate --baseline BASE.json CURRENT.json --markdown - --json GATE.json [GATE ARGS...]
# whose markdown is printed (and written to --markdown OUT.md) and whose
# JSON verdicts go to GATE.json (default: CURRENT.json's name with .gate.json).
# GATE ARGS go to the gate as they are, e.g. -- --max-drop iops=15% --allow-other-host
#
# The gate decides per metric from the per-repetition values on both
# sides: a regression only when the whole interval of the change is worse
# than the metric's limit; inconclusive when there are too few
# repetitions (fewer than 3 a side) or too much noise to decide at the limit.
# Exit codes (the gate's own):
#   0 pass
#   1 regression
#   2 unusable input: a baseline the gate refuses (checked before anything
#     runs), one from another machine or device, a failed run, a bad flag
#   3 inconclusive: never a pass. The script says how many repetitions the
#     gate asked for (raise --rounds or --repeat); under GitHub Actions
#     (GITHUB_ACTIONS=true) that line is also a ::warning:: annotation.
#
# Recording (--record): makes BASE.json in one command, on the machine and
# device the gate will run on, and prints what it recorded. With --suite it
# runs the suite (in --rounds N rounds, if given); otherwise it runs
#   jdbio bench --repeat N BENCH FLAGS... --json BASE.json TARGET
# An existing BASE.json is refused (exit 2) unless --force-record; a failed
# run leaves it as it was. E.g., once:
#   scripts/ci-gate.sh --record --baseline base.json /dev/nvme0n1p1 -- --qd 16 --time 2s
# then in CI:
#   scripts/ci-gate.sh --baseline base.json /dev/nvme0n1p1
# Needs python3 (to read the baseline's job and the gate's verdicts).
set -euo pipefail

die() { echo "ci-gate.sh: $*" >&2; exit 2; }
number() { [[ "$2" =~ ^[0-9]+$ && "$2" -ge 1 ]] || die "$1 $2: must be a whole number >= 1"; }

baseline="" repeat=5 rounds="" jdbio="" out="jdbio-current.json" markdown="" gate_json="" target="" suite=""
record=false force_record=false
extra=()
while (($#)); do
    case "$1" in
        --baseline) baseline=${2:?--baseline needs a file}; shift 2 ;;
        --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
        --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
        --jdbio) jdbio=${2:?--jdbio needs a path}; shift 2 ;;
        --out) out=${2:?--out needs a file}; shift 2 ;;
        --suite) suite=${2:?--suite needs a file}; shift 2 ;;
        --markdown) markdown=${2:?--markdown needs a file}; shift 2 ;;
        --gate-json) gate_json=${2:?--gate-json needs a file}; shift 2 ;;
        --record) record=true; shift ;;
        --force-record) force_record=true; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [ -z "$target" ] || die "one TARGET only (got $target and $1)"; target=$1; shift ;;
    esac
done
[ -n "$baseline" ] || die "--baseline BASE.json is required"
$record || ! $force_record || die "--force-record goes with --record"
number --repeat "$repeat"
[ -z "$rounds" ] || number --rounds "$rounds"
if [ -n "$suite" ]; then
    [ -z "$target" ] || die "--suite $suite: the suite names its targets; no TARGET (got $target)"
    [ -r "$suite" ] || die "--suite $suite: cannot read it"
else
    [ -n "$target" ] || die "TARGET is required"
    [ -z "$rounds" ] || die "--rounds is for --suite; a bench baseline takes --repeat N"
fi
if [ -z "$jdbio" ]; then
    here=$(cd "$(dirname "$0")/.." && pwd)
    if [ -x "$here/target/release/jdbio" ]; then jdbio="$here/target/release/jdbio"; else jdbio=$(command -v jdbio || true); fi
fi
[ -n "$jdbio" ] && [ -x "$jdbio" ] || die "no jdbio binary (build it with cargo build --release, or pass --jdbio PATH)"
run_args=()   # `jdbio run` flags: --rounds N when given
[ -z "$rounds" ] || run_args=(--rounds "$rounds")

if $record; then
    [ ! -e "$baseline" ] || $force_record ||
        die "--record: $baseline exists; pass --force-record to replace it"
    [ -n "$suite" ] || ((${#extra[@]})) || die "--record TARGET: give the bench flags after --, e.g. -- --qd 16 --time 2s"
    [ -z "$suite" ] || ((${#extra[@]} == 0)) || die "--record --suite: the suite states its jobs; nothing goes after --"
    # Written beside the baseline and moved over it only when the run succeeded.
    partial="$baseline.partial"
    if [ -n "$suite" ]; then
        cmd=("$jdbio" run "$suite" "${run_args[@]}")
    else
        cmd=("$jdbio" bench --repeat "$repeat" "${extra[@]}")
    fi
    echo "ci-gate.sh: recording: ${cmd[*]}${target:+ $target}" >&2
    "${cmd[@]}" --quiet --json "$partial" ${target:+"$target"} >&2 || {
        rc=$?; rm -f "$partial"; die "--record: ${cmd[1]} failed (exit $rc); $baseline is unchanged"; }
    mv -f "$partial" "$baseline"
    gate_how="scripts/ci-gate.sh --baseline $baseline ${suite:+--suite $suite${rounds:+ --rounds $rounds}}$target"
    echo "ci-gate.sh: recorded $baseline on $(uname -n): ${cmd[*]:1}${target:+ $target}; gate against it with: $gate_how" >&2
    exit 0
fi

[ -r "$baseline" ] || die "--baseline $baseline: cannot read it"
gate_args=("${extra[@]}")
[ -n "$gate_json" ] || gate_json="${out%.json}.gate.json"
# A baseline the gate would refuse (not a bench, wal or suite report,
# interrupted, no results) is refused now, before a run that could only be
# wasted. Gated against itself it can be inconclusive (3), never a failure.
set +e
"$jdbio" gate --baseline "$baseline" "$baseline" >/dev/null
rc=$?
set -e
[ "$rc" != 2 ] || { echo "ci-gate.sh: --baseline $baseline: the gate cannot use it (see above)" >&2; exit 2; }

# Gates $out against the baseline, prints the markdown (and writes it to
# --markdown OUT.md); when inconclusive, says how many repetitions the gate
# asked for; exits with the gate's code.
gate_and_exit() {
    set +e
    table=$("$jdbio" gate --baseline "$baseline" "$out" --markdown - --json "$gate_json" "${gate_args[@]}")
    rc=$?
    set -e
    printf '%s\n' "$table"
    [ -z "$markdown" ] || printf '%s\n' "$table" > "$markdown"
    if [ "$rc" = 3 ]; then
        needed=$(python3 - "$gate_json" <<'PY' || true
import json, sys
rows = json.load(open(sys.argv[1]))["gate"].get("rows", [])
print(max((r["needed_repetitions"] for r in rows
           if r.get("verdict") == "inconclusive" and r.get("needed_repetitions")), default=""))
PY
)
        flag=$([ -n "$suite" ] && echo --rounds || echo --repeat)
        msg="storage gate inconclusive (exit 3, not a pass): too few repetitions or too much noise to decide at the limits"
        msg+=${needed:+"; the gate asks for $needed repetitions a side ($flag $needed)"}
        echo "ci-gate.sh: $msg" >&2
        [ "${GITHUB_ACTIONS:-}" != true ] || echo "::warning title=storage gate inconclusive::$msg"
    fi
    exit "$rc"
}

if [ -n "$suite" ]; then
    echo "ci-gate.sh: running the suite: jdbio run $suite ${run_args[*]}" >&2
    "$jdbio" run "$suite" "${run_args[@]}" --quiet --json "$out" >&2 || {
        rc=$?; echo "ci-gate.sh: jdbio run $suite failed (exit $rc)" >&2; exit 2; }
    gate_and_exit
fi

# The baseline's job, as jdbio bench (or wal) flags.
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
    if job.get("profile"):
        sys.exit(f"ci-gate.sh: a wal --profile {job['profile']} baseline cannot be replayed (its settings are not in the report)")
    # A report from before --engine existed ran on uring (as the gate reads it).
    args = ["wal", "--engine", job.get("engine", "uring"), "--method", ",".join(job["methods"]),
            "--file-mode", ",".join(job["file_modes"]), "--bs", str(get(job, "bs_bytes")),
            "--batch", str(job["batch"]), "--writers", str(job["writers"]),
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
# Absent keys are what a report from before the flag ran with.
for key, default in [("submit", None), ("data", None), ("engine", "uring"), ("io", "direct"), ("async", "auto")]:
    if job.get(key, default) is not None:
        args += ["--" + key, str(job.get(key, default))]
for key in ["verify", "warm", "hipri", "sqpoll", "force"]:
    if job.get(key):
        args += ["--" + key]
print("\n".join(args))
PY
) || die "--baseline $baseline: cannot replay its job (see above)"
mapfile -t job_args <<<"$job_text"
if [ "${job_args[0]}" = bench ]; then
    job_args+=(--repeat "$repeat")
else
    echo "ci-gate.sh: a single jdbio wal report has no repetitions, so the gate can only say inconclusive (exit 3);" \
        "gate WAL commits with a suite run in rounds (--suite SUITE.toml --rounds N)" >&2
fi
echo "ci-gate.sh: running the baseline's job jdbio ${job_args[*]} on $target" >&2
"$jdbio" "${job_args[@]}" --quiet --json "$out" "$target" >&2 || {
    rc=$?; echo "ci-gate.sh: jdbio ${job_args[0]} failed (exit $rc)" >&2; exit 2; }

gate_and_exit
