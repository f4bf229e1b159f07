#!/bin/bash
# Alternating 1 s runs of one method on psync and uring, with what the
# device (vda) saw during each: cache flushes (stat field 16) and MiB
# written (field 7, sectors) beyond the run's own commits.
B=${JDBIO:-target/release/jdbio}
m=${1:-fdatasync}; n=${2:-12}
for i in $(seq $n); do
  for e in psync uring; do
    read -r w0 f0 < <(awk '{print $7, $16}' /sys/block/vda/stat)
    r=$($B wal --engine $e --method $m --bs 8k --size 16m --time 1s --json - -q ${WAL_LOG:-./wal-pairs.log} 2>/dev/null | python3 -c "import json,sys; e=json.load(sys.stdin)['wal']['entries'][0]; s=e.get('sync_latency_ns') or e['commit_latency_ns']; print(int(e['commits']), round(e['commits_per_s']), round(s['percentiles']['50']/1000))")
    read -r w1 f1 < <(awk '{print $7, $16}' /sys/block/vda/stat)
    set -- $r
    others=$(( ( (w1-w0)*512 - $1*8192 ) / 1048576 ))
    echo "$i $e $m commits=$1 rate=$2 sync_p50_us=$3 flushes=$((f1-f0)) others_MiB=$others load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
