#!/usr/bin/env bash
# compare-fio.sh: run `jdbio bench` and fio on the same target with the same
# settings and print a side-by-side comparison with ratios.
#
# Usage:
#   scripts/compare-fio.sh [--rounds N] [--time SECONDS] [--ramp SECONDS]
#       [--mode randread] [--bs 4k] [--qd 1,16,64] [--size 1g]
#       [--jdbio PATH] [--json OUT.json] [--force] [--fio-refill] TARGET
#
#   TARGET          a file or a block device
#   --rounds N      rounds per queue depth (default 3)
#   --time S        measured seconds per run, whole seconds (default 5)
#   --ramp S        warm-up seconds per run, not measured (default 1; 0 allowed)
#   --mode MODE     randread | randwrite | read | write | randrw (default randread)
#   --bs SIZE       block size, e.g. 4k, 128k, 1m (default 4k)
#   --qd LIST       comma list of queue depths, one comparison each (default 1,16,64)
#   --size SIZE     bytes of TARGET to use from offset 0 (default 1g)
#   --jdbio PATH    the jdbio binary (default: target/release/jdbio of this
#                   repository, else `jdbio` on PATH)
#   --json FILE     also write a machine-readable summary to FILE
#   --force         required for a write mode on a block device (destroys its
#                   data); passed through to jdbio
#   --fio-refill    write modes: fio regenerates random data for every write
#                   (--refill_buffers=1); see "Written data" below
#   -h, --help      this text
#
# Sizes use jdbio's rules (binary: k = 1024, "4k" = "4KiB" = "4kb" = 4096).
# The script converts --bs and --size to plain byte counts before passing them
# to either tool, because fio reads "KiB"/"MiB" as powers of 10 by default
# (kb_base=1024 "compatibility mode") while jdbio reads them as powers of 2.
#
# What runs, per queue depth, for N rounds, alternating A B C A B C ... so slow
# drift (thermal, background load, device GC) hits every tool equally:
#   jdbio      jdbio bench --mode M --bs BS --qd QD --jobs 1 --size SIZE
#                          --time T --ramp R --quiet --json - TARGET
#   fio        fio --ioengine=io_uring --direct=1 --thread --group_reporting
#                  --time_based --runtime=T --ramp_time=R --output-format=json
#                  --norandommap --randrepeat=0 --filename=TARGET --size=SIZE
#                  --rw=M --bs=BS --iodepth=QD --numjobs=1 --lat_percentiles=1
#   fio-fixed  the same plus --fixedbufs=1 --registerfiles=1 --hipri=0
#                  --sqthread_poll=0: buffers registered with the ring once
#                  (READ_FIXED/WRITE_FIXED, no per-I/O page pinning) and the
#                  file registered (no per-I/O fget/fput). hipri (polled
#                  completions) and sqthread_poll (a kernel submission thread)
#                  stay off: both trade CPU for latency and jdbio uses neither.
#                  nonvectored stays at fio's default (-1: use non-vectored
#                  READ/WRITE opcodes when the kernel has them) and force_async
#                  at 0 (try inline issue first). jdbio registers its file and
#                  its slot buffers too (READ_FIXED/WRITE_FIXED on fixed file
#                  0), so fio-fixed is its like-for-like; plain fio shows what
#                  registration is worth on this target.
#
# Written data: both tools keep their defaults, which are meant to be alike:
# fio fills its buffers with random bytes once and, with scramble_buffers=1,
# rewrites a few bytes at each 512-byte boundary per write; jdbio's default
# `--data random` is random bytes with every 512-byte sector stamped unique
# per write. Both defeat de-duplication. They are not equally incompressible,
# though: measured here (fio 3.33), fio's default 4 KiB blocks shrink to ~92%
# under zlib level 1, jdbio's to ~99% and fio's with --refill_buffers=1 to
# ~100%. Both still land as incompressible pages in zram, but zram's LZO
# works about twice as long on fio's blocks, which halved fio's randwrite
# IOPS on zram (fio 70-79k, fio --refill_buffers=1 139-148k, jdbio 111-157k
# at QD 16). On a compressing device (zram, compressing SSDs) pass
# --fio-refill for like data; it costs fio ~1.5 us of CPU per 4 KiB write
# (it regenerates the block), so leave it off when comparing CPU on an
# ordinary device.
#
# Files: before the rounds, a file target is laid out once by jdbio itself
# (`jdbio bench --mode read --ops 1 --ramp 0 --size SIZE --quiet TARGET`),
# which creates it, extends it, or fills a sparse one with random data as
# needed, so fio never lays it out its own way and neither tool reads holes.
#
# What is reported per run, and how:
#   IOPS       each tool's own measured-phase IOPS (read + write for randrw).
#   CPU ns/IO  whole-process CPU (user + sys, all threads, including the
#              io_uring io-wq workers, start-up and tear-down) from the
#              child's rusage (wait4), taken by the same small Python runner
#              for every tool, divided by an estimate of all I/Os issued
#              including the ramp:
#                  cpu_ns_per_io = (utime + stime) * 1e9 / (IOPS * (T + R))
#              One method for all tools: fio's JSON counts only post-ramp
#              I/Os, so an exact count is not available for fio, and jdbio's
#              exact count (bench.total_ops_including_ramp) is not used.
#   p50, p99,  latency in microseconds from the moment the I/O is handed to
#   mean us    the ring to its completion. jdbio: results.*.latency_ns
#              percentiles "50"/"99" and mean (its clock starts before the
#              SQE is queued). fio: lat_ns (slat + clat) percentiles
#              "50.000000"/"99.000000" and mean, hence --lat_percentiles=1.
#              Not fio's clat: with io_uring fio starts the clat clock after
#              io_uring_enter returns, and that syscall already issued the
#              I/O inline (the whole device round trip on a synchronous
#              device such as zram), so clat leaves the issue path out: at
#              QD 1 on a file here clat p50 was 16.8 us and lat p50 24.4 us,
#              against jdbio's 25.2 us. fio's clat percentiles are kept in the
#              --json runs (clat_p50_us, clat_p99_us). By Little's law the
#              mean should be close to QD / IOPS for both tools. For randrw
#              the read latencies are shown.
#   wall s     the child's wall-clock time (start-up, ramp, run, tear-down).
# Per queue depth the table shows medians over the rounds (and min-max IOPS);
# the ratio line compares jdbio with the better fio variant (higher median
# IOPS): an IOPS ratio > 1 and a CPU ratio < 1 favour jdbio.
#
# Also printed, not used for the ratios:
#   - fixed start-up CPU: whole-process CPU includes what each tool spends
#     before its first I/O (fio ~0.1-0.2 s: clock calibration, shared memory;
#     jdbio a few ms). The script measures it once per tool with a 1-I/O run
#     and shows how many ns of each CPU ns/IO figure it accounts for. It fades
#     with a longer --time: use the default 5 s or more for CPU comparisons.
#   - self-reported CPU per I/O: jdbio's bench.cpu_per_io_ns (its process,
#     ramp included, exact op count); fio's usr_cpu + sys_cpu of its job
#     thread over the measured phase only (leaves out fio's other threads and
#     the io-wq workers, so it reads lower).
#   - how busy the machine was during the rounds: CPU time of other processes
#     (task time in /proc/stat less the CPU of everything this script ran),
#     interrupt time (mostly these I/Os' own completions, charged to no
#     process) and hypervisor steal, with a warning above 0.25 CPU of other
#     work or 0.1 of steal: results from a busy machine mislead.
#
# Needs: bash, python3, fio (installed with apt-get if missing and root).
# Exit status: 0 ok, 2 bad arguments or a failed run.

set -euo pipefail

prog=${0##*/}
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$script_dir")

usage() {
    # The header comment, from line 2 to the first line that is not a comment.
    sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 2
}

bad_arg() {
    printf '%s: %s\n' "$prog" "$*" >&2
    printf 'Try: %s --help\n' "$prog" >&2
    exit 2
}

log() {
    printf '%s\n' "$*" >&2
}

# Byte count of a size in jdbio's syntax (binary suffixes k/m/g/t, optional
# b/ib), or nothing if it is not one.
to_bytes() {
    local text=${1,,} digits mult
    text=${text%ib}
    text=${text%b}
    case $text in
        *k) digits=${text%k} mult=$((1 << 10)) ;;
        *m) digits=${text%m} mult=$((1 << 20)) ;;
        *g) digits=${text%g} mult=$((1 << 30)) ;;
        *t) digits=${text%t} mult=$((1 << 40)) ;;
        *) digits=$text mult=1 ;;
    esac
    [[ $digits =~ ^[0-9]{1,15}$ ]] || return 1
    digits=$((10#$digits))
    ((digits <= (1 << 62) / mult)) || return 1
    printf '%d\n' $((digits * mult))
}

rounds=3
time_s=5
ramp_s=1
mode=randread
bs_text=4k
qd_text=1,16,64
size_text=1g
jdbio=
json_out=
force=0
fio_refill=0
target=

need_value() {
    [[ $# -ge 2 && -n $2 ]] || bad_arg "$1 needs a value"
}

while [[ $# -gt 0 ]]; do
    arg=$1
    # Accept --flag=value as well as --flag value.
    if [[ $arg == --*=* ]]; then
        set -- "${arg%%=*}" "${arg#*=}" "${@:2}"
        arg=$1
    fi
    case $arg in
        -h | --help) usage; exit 0 ;;
        --rounds) need_value "$@"; rounds=$2; shift 2 ;;
        --time) need_value "$@"; time_s=$2; shift 2 ;;
        --ramp) need_value "$@"; ramp_s=$2; shift 2 ;;
        --mode) need_value "$@"; mode=$2; shift 2 ;;
        --bs) need_value "$@"; bs_text=$2; shift 2 ;;
        --qd) need_value "$@"; qd_text=$2; shift 2 ;;
        --size) need_value "$@"; size_text=$2; shift 2 ;;
        --jdbio) need_value "$@"; jdbio=$2; shift 2 ;;
        --json) need_value "$@"; json_out=$2; shift 2 ;;
        --force) force=1; shift ;;
        --fio-refill) fio_refill=1; shift ;;
        --) shift; break ;;
        -*) bad_arg "unknown option '$arg'" ;;
        *)
            [[ -z $target ]] || bad_arg "one TARGET only (got '$target' and '$arg')"
            target=$arg
            shift
            ;;
    esac
done
if [[ $# -gt 0 ]]; then
    [[ -z $target && $# -eq 1 ]] || bad_arg "one TARGET only"
    target=$1
fi

# ---- validate ---------------------------------------------------------------

[[ -n $target ]] || bad_arg "missing TARGET (a file or a block device)"
[[ $rounds =~ ^[0-9]+$ && $((10#$rounds)) -ge 1 && $((10#$rounds)) -le 1000 ]] ||
    bad_arg "--rounds '$rounds': want a whole number from 1 to 1000"
[[ $time_s =~ ^[0-9]+$ && $((10#$time_s)) -ge 1 && $((10#$time_s)) -le 86400 ]] ||
    bad_arg "--time '$time_s': want whole seconds from 1 to 86400"
[[ $ramp_s =~ ^[0-9]+$ && $((10#$ramp_s)) -le 86400 ]] ||
    bad_arg "--ramp '$ramp_s': want whole seconds from 0 to 86400"
rounds=$((10#$rounds)) time_s=$((10#$time_s)) ramp_s=$((10#$ramp_s))
case $mode in
    randread | read) writes=0 ;;
    randwrite | write | randrw) writes=1 ;;
    *) bad_arg "--mode '$mode': want randread, randwrite, read, write or randrw" ;;
esac
bs=$(to_bytes "$bs_text") || bad_arg "--bs '$bs_text' is not a size (examples: 4096, 4k, 128k, 1m)"
((bs >= 512 && bs % 512 == 0)) || bad_arg "--bs '$bs_text' ($bs bytes): want a multiple of 512"
size=$(to_bytes "$size_text") || bad_arg "--size '$size_text' is not a size (examples: 512m, 1g, 10g)"
((size >= bs)) || bad_arg "--size '$size_text' ($size bytes) is smaller than --bs ($bs bytes)"
IFS=, read -r -a qds <<<"$qd_text"
[[ ${#qds[@]} -ge 1 && $qd_text != *, ]] || bad_arg "--qd '$qd_text': want a comma list such as 1,16,64"
for i in "${!qds[@]}"; do
    q=${qds[$i]}
    [[ $q =~ ^[0-9]+$ && $((10#$q)) -ge 1 && $((10#$q)) -le 65536 ]] ||
        bad_arg "--qd '$qd_text': '$q' is not a queue depth from 1 to 65536"
    qds[i]=$((10#$q))
done

if [[ -n $json_out ]]; then
    json_dir=$(dirname "$json_out")
    [[ -d $json_dir && -w $json_dir ]] || die "--json '$json_out': directory '$json_dir' does not exist or is not writable"
fi

# ---- the target ---------------------------------------------------------------

if [[ -b $target ]]; then
    kind="block"
    if ((writes)); then
        # fio does no safety checks of its own: it would overwrite whatever is
        # on the device. So a write mode needs an explicit --force, and a
        # mounted device (or one with a mounted partition) is refused outright.
        ((force)) || die "--mode $mode writes to block device '$target' and destroys its data (fio would overwrite it without asking); pass --force if that is what you want"
        if command -v lsblk >/dev/null 2>&1; then
            mounted=$(lsblk -nro MOUNTPOINT "$target" 2>/dev/null | sed '/^$/d' | head -n 3 | paste -sd ' ' -)
            [[ -z $mounted ]] || die "refusing to write to '$target': it (or a partition on it) is mounted at: $mounted"
        fi
    fi
    # Size from sysfs (512-byte sectors): needs no open of the device.
    dev_name=$(basename "$(readlink -f "$target")")
    if [[ -r /sys/class/block/$dev_name/size ]]; then
        dev_size=$(($(<"/sys/class/block/$dev_name/size") * 512))
    else
        dev_size=$(blockdev --getsize64 "$target" 2>/dev/null) ||
            die "cannot read the size of block device '$target'"
    fi
    ((size <= dev_size)) || die "--size $size bytes is larger than '$target' ($dev_size bytes)"
elif [[ -e $target && ! -f $target ]]; then
    die "TARGET '$target' is neither a regular file nor a block device"
else
    kind="file"
    [[ -d $(dirname "$target") ]] || die "TARGET '$target': directory $(dirname "$target") does not exist"
fi

# ---- tools --------------------------------------------------------------------

if [[ -z $jdbio ]]; then
    if [[ -x $repo_dir/target/release/jdbio ]]; then
        jdbio=$repo_dir/target/release/jdbio
    elif command -v jdbio >/dev/null 2>&1; then
        jdbio=$(command -v jdbio)
    else
        die "no jdbio binary: build it (cargo build --release) or pass --jdbio PATH"
    fi
fi
[[ -f $jdbio && -x $jdbio ]] || die "--jdbio '$jdbio' is not an executable file"

command -v python3 >/dev/null 2>&1 || die "python3 is required (for the JSON parsing and the CPU-time runner)"
if ! command -v fio >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] || die "fio is not installed; install it (apt-get install fio) or run as root so this script can"
    log "fio not found: installing it with apt-get"
    { apt-get update -qq && apt-get install -y -qq fio >/dev/null; } ||
        die "could not install fio with apt-get"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-fio.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# runner.py OUT ERR RUSAGE -- CMD...: runs CMD with stdout to OUT and stderr
# to ERR, reaps it with wait4 and writes its wall time and rusage (user and
# system CPU of the whole process, all threads, microsecond resolution) to
# RUSAGE as JSON. Exits with CMD's status.
cat >"$work/runner.py" <<'PY'
import json, os, subprocess, sys, time
out, err, rus = sys.argv[1:4]
cmd = sys.argv[5:]
with open(out, "wb") as o, open(err, "wb") as e:
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=o, stderr=e)
    while True:
        try:
            _, status, ru = os.wait4(p.pid, 0)
            break
        except KeyboardInterrupt:
            pass  # the child got the SIGINT too; reap it and report its status
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
with open(rus, "w") as f:
    json.dump({"wall_s": wall, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
               "max_rss_kb": ru.ru_maxrss, "vol_cs": ru.ru_nvcsw, "invol_cs": ru.ru_nivcsw}, f)
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)
PY

# analyze.py record ...: parses one run, appends it to runs.jsonl and prints a
# one-line summary; analyze.py report ...: prints the tables (and --json).
cat >"$work/analyze.py" <<'PY'
import json, os, statistics, sys

def op_kinds(mode):
    return {"randread": ["read"], "read": ["read"], "randwrite": ["write"],
            "write": ["write"], "randrw": ["read", "write"]}[mode]

def fail(msg):
    print(f"compare-fio.sh: {msg}", file=sys.stderr)
    sys.exit(2)

def record(tool, qd, rnd, out, rus, runs, mode, t, r):
    qd, rnd, t, r = int(qd), int(rnd), float(t), float(r)
    try:
        with open(out) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{tool} qd {qd} round {rnd}: output is not JSON ({e}); see its stderr above")
    with open(rus) as f:
        ru = json.load(f)
    kinds = op_kinds(mode)
    lat_kind = kinds[0]
    extra = {}
    if tool == "jdbio":
        res = doc.get("results", {})
        missing = [k for k in kinds if k not in res]
        if missing:
            fail(f"jdbio qd {qd} round {rnd}: no results.{missing[0]} in its report")
        iops = sum(res[k]["iops"] for k in kinds)
        ops = sum(res[k]["ops"] for k in kinds)
        errors = sum(res[k].get("errors", 0) for k in kinds)
        pct = res[lat_kind]["latency_ns"]["percentiles"]
        p50, p99 = pct["50"], pct["99"]
        mean_ns = res[lat_kind]["latency_ns"]["mean"]
        bench = doc.get("bench") or doc.get("sections", {}).get("bench") or {}
        job = doc.get("job") or {}
        extra = {"self_cpu_ns_per_io": bench.get("cpu_per_io_ns"),
                 "jdbio_version": doc.get("jdbio_version"), "jdbio_submit": job.get("submit"),
                 "total_ops_including_ramp": bench.get("total_ops_including_ramp"),
                 "self_cpu_s": doc.get("cpu", {}).get("user_s", 0) + doc.get("cpu", {}).get("sys_s", 0)}
        if doc.get("interrupted"):
            fail(f"jdbio qd {qd} round {rnd}: the run was interrupted")
    else:
        job = doc["jobs"][0]
        if job.get("error"):
            fail(f"{tool} qd {qd} round {rnd}: fio reports error {job['error']}")
        iops = sum(job[k]["iops"] for k in kinds)
        ops = sum(job[k]["total_ios"] for k in kinds)
        errors = job.get("total_err", 0)
        # Total latency (slat + clat, needs --lat_percentiles=1): the span
        # jdbio times. clat alone starts after io_uring_enter returns, and
        # that syscall issues the I/O inline, so clat leaves out the issue.
        lat = job[lat_kind]["lat_ns"]
        pct = lat.get("percentile") or job[lat_kind]["clat_ns"]["percentile"]
        p50, p99 = pct["50.000000"], pct["99.000000"]
        mean_ns = lat["mean"]
        cpct = job[lat_kind]["clat_ns"]["percentile"]
        # fio's own CPU view: its job thread only, measured phase only.
        self_cpu = (job.get("usr_cpu", 0) + job.get("sys_cpu", 0)) / 100 * job.get("job_runtime", 0) / 1e3
        extra = {"self_cpu_ns_per_io": self_cpu * 1e9 / ops if ops else None,
                 "fio_usr_cpu_pct": job.get("usr_cpu"), "fio_sys_cpu_pct": job.get("sys_cpu"),
                 "slat_mean_us": job[lat_kind]["slat_ns"]["mean"] / 1e3,
                 "clat_p50_us": cpct["50.000000"] / 1e3, "clat_p99_us": cpct["99.000000"] / 1e3}
    if iops <= 0:
        fail(f"{tool} qd {qd} round {rnd}: 0 IOPS")
    cpu_s = ru["user_s"] + ru["sys_s"]
    est_ops = iops * (t + r)
    row = {"tool": tool, "qd": qd, "round": rnd, "iops": iops, "ops": ops, "errors": errors,
           "cpu_user_s": ru["user_s"], "cpu_sys_s": ru["sys_s"], "wall_s": ru["wall_s"],
           "ctx_switches_voluntary": ru["vol_cs"], "ctx_switches_involuntary": ru["invol_cs"],
           "est_ops_including_ramp": est_ops, "cpu_ns_per_io": cpu_s * 1e9 / est_ops,
           "p50_us": p50 / 1e3, "p99_us": p99 / 1e3, "mean_us": mean_ns / 1e3, **extra}
    with open(runs, "a") as f:
        f.write(json.dumps(row) + "\n")
    warn = f"  ({errors} errors!)" if errors else ""
    print(f"    {tool:<9} {iops:>12,.0f} IOPS  {row['cpu_ns_per_io']:>8,.0f} CPU ns/IO  "
          f"p50 {row['p50_us']:>8.1f} us  p99 {row['p99_us']:>8.1f} us  wall {ru['wall_s']:.2f}s{warn}",
          file=sys.stderr)

def machine_ticks(path):
    # (task time: user nice system; interrupts: irq softirq; steal). Guest
    # time is already inside user.
    with open(path) as f:
        v = [int(x) for x in f.readline().split()[1:]] + [0] * 10
    return v[0] + v[1] + v[2], v[5] + v[6], v[7]

def own_ticks(path):
    # utime stime cutime cstime of the shell: fields 14-17 of /proc/PID/stat.
    with open(path) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in rest[11:15])

def background(work, rows):
    try:
        j = lambda n: os.path.join(work, n)
        task0, irq0, st0 = machine_ticks(j("stat.start"))
        task1, irq1, st1 = machine_ticks(j("stat.end"))
        own = own_ticks(j("self.end")) - own_ticks(j("self.start"))
        wall = max(float(open(j("time.end")).read()) - float(open(j("time.start")).read()), 1e-9)
    except (OSError, ValueError, IndexError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    return {"other_cpus": max(0.0, (task1 - task0 - own) / hz / wall), "irq_cpus": (irq1 - irq0) / hz / wall,
            "steal_cpus": (st1 - st0) / hz / wall, "wall_s": wall}

def fmt_int(x):
    return f"{x:,.0f}"

def fmt_us(x):
    return f"{x:,.1f}" if x < 1000 else f"{x:,.0f}"

def report(runs, meta_json, json_out):
    meta = json.loads(meta_json)
    rows = [json.loads(l) for l in open(runs)]
    tools = ["jdbio", "fio", "fio-fixed"]
    results, ratios = [], []
    lat_note = " (read latency)" if meta["mode"] == "randrw" else ""
    iops_note = " (read+write)" if meta["mode"] == "randrw" else ""
    print()
    print(f"jdbio vs fio: {meta['mode']}, bs {meta['bs']} ({meta['bs_bytes']} B), "
          f"size {meta['size']} ({meta['size_bytes']} B), {meta['kind']} {meta['target']}")
    print(f"{meta['rounds']} round(s) of {meta['time_s']} s + {meta['ramp_s']} s ramp per tool and QD, "
          f"1 job; medians over rounds")
    jv = next((r for r in rows if r["tool"] == "jdbio"), {})
    if jv.get("jdbio_version"):
        print(f"jdbio {jv['jdbio_version']}" + (f", --submit {jv['jdbio_submit']}" if jv.get("jdbio_submit") else "")
              + "; fio " + meta["fio_version"])
    if meta["mode"] not in ("read", "randread"):
        print("written data: jdbio --data random; fio " + ("--refill_buffers=1 (fresh random data per write)"
              if meta["fio_refill_buffers"] else "defaults (random once + scramble_buffers: more compressible "
              "than jdbio's; use --fio-refill on a compressing device)"))
    su = meta["startup_cpu_s"]
    print(f"start-up CPU of a 1-I/O run: jdbio {su['jdbio'] * 1e3:.0f} ms, fio {su['fio'] * 1e3:.0f} ms "
          f"(included in CPU ns/IO; use a longer --time to dilute it)")
    other = background(meta["work"], rows)
    if other:
        busy = other["other_cpus"] > 0.25 or other["steal_cpus"] > 0.1
        print(f"during the rounds: other processes used {other['other_cpus']:.2f} of {meta['cpus']} CPUs, "
              f"interrupts {other['irq_cpus']:.2f}, hypervisor steal {other['steal_cpus']:.2f}"
              + ("  << not an idle machine: treat the numbers with care" if busy else ""))
    meta["background"] = other
    for qd in meta["qds"]:
        per = {}
        for tool in tools:
            rs = [x for x in rows if x["qd"] == qd and x["tool"] == tool]
            if not rs:
                continue
            iops = [x["iops"] for x in rs]
            per[tool] = {
                "qd": qd, "tool": tool,
                "iops_median": statistics.median(iops), "iops_min": min(iops), "iops_max": max(iops),
                "cpu_ns_per_io_median": statistics.median(x["cpu_ns_per_io"] for x in rs),
                "p50_us_median": statistics.median(x["p50_us"] for x in rs),
                "p99_us_median": statistics.median(x["p99_us"] for x in rs),
                "mean_us_median": statistics.median(x["mean_us"] for x in rs),
                "wall_s_median": statistics.median(x["wall_s"] for x in rs),
            }
            selfc = [x["self_cpu_ns_per_io"] for x in rs if x.get("self_cpu_ns_per_io") is not None]
            if selfc:
                per[tool]["self_cpu_ns_per_io_median"] = statistics.median(selfc)
        results.extend(per.values())
        head = ["tool", "IOPS median" + iops_note, "IOPS min–max", "CPU ns/IO", "p50 us", "p99 us", "mean us", "wall s"]
        table = [[t, fmt_int(v["iops_median"]), f"{fmt_int(v['iops_min'])}–{fmt_int(v['iops_max'])}",
                  fmt_int(v["cpu_ns_per_io_median"]), fmt_us(v["p50_us_median"]),
                  fmt_us(v["p99_us_median"]), fmt_us(v["mean_us_median"]),
                  f"{v['wall_s_median']:.2f}"] for t, v in per.items()]
        widths = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
        line = lambda r: "  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                          for i, (c, w) in enumerate(zip(r, widths)))
        print()
        print(f"QD {qd}{lat_note}")
        print(line(head))
        print("  " + "  ".join("-" * w for w in widths))
        for r in table:
            print(line(r))
        fios = [t for t in ("fio", "fio-fixed") if t in per]
        if "jdbio" in per and fios:
            best = max(fios, key=lambda t: per[t]["iops_median"])
            j, b = per["jdbio"], per[best]
            ir = j["iops_median"] / b["iops_median"]
            cr = j["cpu_ns_per_io_median"] / b["cpu_ns_per_io_median"]
            ratios.append({"qd": qd, "iops_ratio_vs_best_fio": round(ir, 4),
                           "cpu_ratio_vs_best_fio": round(cr, 4), "best_fio": best})
            print(f"  jdbio / {best} (best fio): IOPS {ir:.2f}x (higher is better), "
                  f"CPU per I/O {cr:.2f}x (lower is better)")
            su = meta["startup_cpu_s"]
            share = ", ".join(f"{t} {fmt_int(su[t] * 1e9 / (v['iops_median'] * (meta['time_s'] + meta['ramp_s'])))}"
                              for t, v in per.items())
            print(f"  of CPU ns/IO, fixed start-up cost: {share}")
            own = ", ".join(f"{t} {fmt_int(v['self_cpu_ns_per_io_median'])}" for t, v in per.items()
                            if "self_cpu_ns_per_io_median" in v)
            if own:
                print(f"  self-reported CPU ns/IO (not used above): {own}")
    print()
    print("CPU ns/IO: whole-process user+sys CPU (wait4 rusage) / (IOPS x (time + ramp)), the same for every tool.")
    print("Latency: fio lat = slat+clat (its clat starts after the submitting syscall returns), jdbio latency.")
    print("Self-reported CPU: jdbio bench.cpu_per_io_ns (process, incl. ramp); fio usr+sys of its job thread, measured phase.")
    if json_out:
        doc = {"target": meta["target"], "mode": meta["mode"], "bs": meta["bs_bytes"],
               "size": meta["size_bytes"], "rounds": meta["rounds"], "time_s": meta["time_s"],
               "ramp_s": meta["ramp_s"], "kind": meta["kind"], "qds": meta["qds"],
               "fio_refill_buffers": meta["fio_refill_buffers"], "fio_version": meta["fio_version"],
               "jdbio_version": jv.get("jdbio_version"), "jdbio_submit": jv.get("jdbio_submit"),
               "startup_cpu_s": meta["startup_cpu_s"], "background": meta["background"], "cpus": meta["cpus"],
               "cpu_method": "whole-process user+sys CPU (wait4 rusage) / (iops * (time_s + ramp_s))",
               "results": results, "ratios": ratios, "runs": rows}
        with open(json_out, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        print(f"summary written to {json_out}")

if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(*sys.argv[2:])
    else:
        report(*sys.argv[2:])
PY

# ---- lay out a file target ----------------------------------------------------

if [[ $kind == file ]]; then
    log "preparing $target: jdbio lays it out to $size bytes if it is missing, short or sparse"
    # jdbio's read modes want an existing target: create an empty file (never
    # truncating one) and let the read-mode run lay it out.
    [[ -e $target ]] || : >>"$target" || die "cannot create '$target'"
    "$jdbio" bench --mode read --bs "$bs" --ops 1 --ramp 0 --size "$size" --quiet "$target" >/dev/null ||
        die "jdbio could not lay out '$target' (see above)"
fi

# ---- the runs -----------------------------------------------------------------

jdbio_force=()
if [[ $kind == block && $writes -eq 1 ]]; then
    jdbio_force=(--force)
fi

fio_common=(
    --name=compare-fio --ioengine=io_uring --direct=1 --thread --group_reporting
    --time_based "--runtime=$time_s" "--ramp_time=$ramp_s" --output-format=json
    --norandommap --randrepeat=0 "--filename=$target" "--size=$size"
    "--rw=$mode" "--bs=$bs" --numjobs=1 --lat_percentiles=1
)
if ((fio_refill && writes)); then
    fio_common+=(--refill_buffers=1)
fi
fio_fixed=(--fixedbufs=1 --registerfiles=1 --hipri=0 --sqthread_poll=0)

runs=$work/runs.jsonl
: >"$runs"

# Start-up cost: one run of each tool that does a single read, so the fixed
# CPU a process spends before and after its I/O (fio: clock calibration,
# shared memory set-up; jdbio: probing the target) is known. It is included
# in CPU ns/IO (whole process) and shown next to it; it matters for short runs.
startup_cpu() {
    local name=$1
    shift
    python3 "$work/runner.py" "$work/startup.$name.out" "$work/startup.$name.err" \
        "$work/startup.$name.rusage" -- "$@" ||
        { sed 's/^/    /' "$work/startup.$name.err" >&2; die "$name failed its start-up run: $*"; }
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["user_s"] + r["sys_s"])' \
        "$work/startup.$name.rusage"
}
startup_jdbio=$(startup_cpu jdbio "$jdbio" bench --mode read --bs "$bs" --qd 1 --jobs 1 --size "$size" \
    --ops 1 --ramp 0 --quiet --json - "$target")
startup_fio=$(startup_cpu fio fio --name=startup --ioengine=io_uring --direct=1 --thread \
    --output-format=json "--filename=$target" "--size=$size" --rw=read "--bs=$bs" --iodepth=1 \
    --numjobs=1 --number_ios=1)

run_one() {
    local tool=$1 qd=$2 round=$3
    local base=$work/qd$qd.r$round.$tool
    local cmd
    case $tool in
        jdbio)
            cmd=("$jdbio" bench --mode "$mode" --bs "$bs" --qd "$qd" --jobs 1 --size "$size"
                --time "$time_s" --ramp "$ramp_s" "${jdbio_force[@]}" --quiet --json - "$target")
            ;;
        fio) cmd=(fio "${fio_common[@]}" "--iodepth=$qd") ;;
        fio-fixed) cmd=(fio "${fio_common[@]}" "--iodepth=$qd" "${fio_fixed[@]}") ;;
    esac
    if ! python3 "$work/runner.py" "$base.out" "$base.err" "$base.rusage" -- "${cmd[@]}"; then
        log "$tool failed (qd $qd, round $round): ${cmd[*]}"
        sed 's/^/    /' "$base.err" >&2
        exit 2
    fi
    python3 "$work/analyze.py" record "$tool" "$qd" "$round" "$base.out" "$base.rusage" \
        "$runs" "$mode" "$time_s" "$ramp_s"
}

total=$((${#qds[@]} * rounds * 3 * (time_s + ramp_s)))
# Other load on the machine skews everything (CPU-bound targets most): the
# CPU time the whole machine spent during the rounds, less what the runs
# themselves used, goes into the report (from /proc/stat, before and after).
# The shell's own /proc/PID/stat holds the CPU of all the children it reaped
# (the runners, the tools, the parsers): that is "ours".
jdbio_sum=$(cksum <"$jdbio")
cp /proc/stat "$work/stat.start"
cp "/proc/$$/stat" "$work/self.start"
date +%s.%N >"$work/time.start"
log "jdbio: $jdbio"
log "fio:   $(command -v fio) ($(fio --version))"
log "about $total s of runs: QD ${qds[*]}, $rounds round(s), 3 tools, ${time_s}s + ${ramp_s}s ramp each"
for qd in "${qds[@]}"; do
    for ((round = 1; round <= rounds; round++)); do
        log "  QD $qd round $round/$rounds"
        for tool in jdbio fio fio-fixed; do
            run_one "$tool" "$qd" "$round"
        done
    done
done

cp /proc/stat "$work/stat.end"
cp "/proc/$$/stat" "$work/self.end"
date +%s.%N >"$work/time.end"
[[ $(cksum <"$jdbio") == "$jdbio_sum" ]] ||
    log "WARNING: $jdbio changed (rebuilt?) during the runs: its rounds mix two binaries"
qd_json=$(IFS=,; printf '[%s]' "${qds[*]}")
meta=$(python3 -c 'import json, os, sys
a = sys.argv[1:]
print(json.dumps({"target": a[0], "kind": a[1], "mode": a[2], "bs": a[3], "bs_bytes": int(a[4]),
                  "size": a[5], "size_bytes": int(a[6]), "rounds": int(a[7]), "time_s": int(a[8]),
                  "ramp_s": int(a[9]), "qds": json.loads(a[10]), "work": a[11], "cpus": os.cpu_count(),
                  "startup_cpu_s": {"jdbio": float(a[12]), "fio": float(a[13]), "fio-fixed": float(a[13])},
                  "fio_refill_buffers": a[14] == "1", "fio_version": a[15]}))' \
    "$target" "$kind" "$mode" "$bs_text" "$bs" "$size_text" "$size" "$rounds" "$time_s" "$ramp_s" "$qd_json" \
    "$work" "$startup_jdbio" "$startup_fio" "$((fio_refill && writes))" "$(fio --version)")
python3 "$work/analyze.py" report "$runs" "$meta" "$json_out"
